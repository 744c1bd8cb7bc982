//! `GET /api/v1/attachments/{sha256}/status`, `PUT` (a chunk) and `GET` (the bytes).

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::roles::Role;
use shared::sync::AttachmentStatus;

use crate::attachments::{AttachmentError, Claimant, Sha256Name};
use crate::error::AppError;
use crate::extract::{ApiBytes, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::Caller;

fn sha(raw: &str) -> Result<Sha256Name, AppError> {
    Sha256Name::parse(raw).ok_or_else(|| AppError::bad_request("invalid_sha256", "invalid_sha256"))
}

impl From<AttachmentError> for AppError {
    fn from(err: AttachmentError) -> Self {
        match err {
            AttachmentError::OffsetMismatch { offset, received } => {
                AppError::OffsetMismatch { offset, received }
            }
            AttachmentError::TotalMismatch { announced, recorded, received } => {
                AppError::AttachmentTotalMismatch { announced, recorded, received }
            }
            AttachmentError::PastEnd => AppError::bad_request("chunk_past_end", "chunk_past_end"),
            AttachmentError::TooLarge => AppError::PayloadTooLarge,
            AttachmentError::HashMismatch => AppError::AttachmentHashMismatch,
            AttachmentError::StorageFull(detail) => AppError::StorageFull(detail),
            AttachmentError::NotAdmitted(refusal) => *refusal,
            e @ (AttachmentError::Io(_) | AttachmentError::Task(_)) => AppError::internal(e),
        }
    }
}

/// Bytes read from a photo's file at a time for its download.
const DOWNLOAD_PIECE: usize = 256 * 1024;

pub async fn status(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<AttachmentStatus>, AppError> {
    let claimant = Claimant::of(&session.account.username);
    Ok(Json(state.attachments.status(&sha(&raw)?, &claimant).await?))
}

#[derive(Debug, Deserialize)]
pub struct ChunkQuery {
    pub offset: u64,
    pub total: u64,
}

pub async fn put_chunk(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<AttachmentStatus>, AppError> {
    if session.account.role == Role::CountyViewer {
        return Err(AppError::Forbidden);
    }
    let sha = sha(&raw)?;
    let claimant = Claimant::of(&session.account.username);
    // Counted against the account's day only when it is to be written: not a chunk of a photo
    // held whole, nor one at another offset than the upload stands at (answered `409` to
    // resume), nor one the disk has no room for (`507`; a day of a full disk would else use the
    // quota up in refusals).
    let (quota, username) = (state.photo_quota.clone(), session.account.username.clone());
    let admit = move |len: usize| quota.take(&username, len);
    Ok(Json(state.attachments.put_chunk(&sha, &claimant, q.offset, q.total, body, admit).await?))
}

/// A photo is downloadable by whoever may see a record that references it (its branch in the
/// account's scope, or a town-wide record); one no record references yet only by the town
/// office and the accounts that uploaded it. Anyone else gets the same 404 as for a photo the
/// server does not have.
pub async fn download(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(raw): ApiPath<String>,
) -> Result<Response, AppError> {
    let not_found = AppError::NotFound { code: "attachment_not_found", what: "该附件" };
    let sha = sha(&raw)?;
    // A photo the server does not hold is not found, before anything is read of the records.
    if !state.attachments.holds(&sha).await? {
        return Err(not_found);
    }
    // Within the caller's towns only: a photo of another town's records is not found.
    let refs = state.store.attachment_branches(session.scope(), sha.as_str()).await?;
    let allowed = if !refs.branches.is_empty() {
        refs.branches.iter().any(|b| session.account.can_see_branch(b))
    } else if refs.referenced_anywhere {
        false
    } else {
        // No record references it yet: its uploaders, and the town office (an import's photos
        // arrive before the records that name them are seen).
        let me = Claimant::of(&session.account.username);
        session.account.role == Role::TownOffice || state.attachments.uploaded_by(&sha, &me).await?
    };
    if !allowed {
        return Err(not_found);
    }
    let (file, len) = state.attachments.open_complete(&sha).await?.ok_or(not_found)?;
    // Streamed from the file in pieces: many downloads at once hold a piece each, not a photo.
    // Each piece is one read on a blocking thread: 256 KiB (the app's upload chunk), not the
    // stream's default 4 KiB, which made a 48 MiB photo 12,000 of them.
    let stream = tokio_util::io::ReaderStream::with_capacity(file, DOWNLOAD_PIECE);
    let body = axum::body::Body::from_stream(stream);
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream".to_owned()),
            (CACHE_CONTROL, "no-store".to_owned()),
            (CONTENT_LENGTH, len.to_string()),
        ],
        body,
    )
        .into_response())
}
