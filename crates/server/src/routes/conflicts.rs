//! `GET /api/v1/conflicts` and `POST /api/v1/conflicts/{id}/resolve` (town office).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::message::Message;
use shared::roles::Role;
use shared::sync::{ConflictEntry, DEFAULT_CONFLICTS_PAGE, MAX_CONFLICTS_PAGE};
use uuid::Uuid;

use crate::error::AppError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::{Caller, ConflictFilter, ConflictPage};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: ConflictFilter,
    /// Most entries ([`DEFAULT_CONFLICTS_PAGE`] when absent; 1 to [`MAX_CONFLICTS_PAGE`]).
    pub limit: Option<u32>,
    /// The page starts after the entry with this `detected_at` and id (both, or neither).
    pub after_time: Option<String>,
    pub after_id: Option<Uuid>,
}

/// Longest `after_time` taken (an RFC 3339 time is about 30 characters).
const MAX_AFTER_TIME: usize = 64;

/// A page of the town's conflicts, oldest first: at most `limit`; the next page is asked with
/// the last entry's `detected_at` and id. A page shorter than `limit` is the last.
pub async fn list(
    State(state): State<AppState>,
    session: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ConflictEntry>>, AppError> {
    session.require(&[Role::TownOffice])?;
    let limit = q.limit.unwrap_or(DEFAULT_CONFLICTS_PAGE).clamp(1, MAX_CONFLICTS_PAGE);
    let after = match (q.after_time, q.after_id) {
        (Some(time), Some(id)) if time.len() <= MAX_AFTER_TIME => Some((time, id)),
        (None, None) => None,
        _ => {
            let said = Message::new("invalid_query")
                .arg("detail", "after_time and after_id go together (after_time ≤ 64 characters)");
            return Err(AppError::bad_request("invalid_query", said));
        }
    };
    let page = ConflictPage { limit, after };
    Ok(Json(state.store.list_conflicts(session.scope(), q.status, page).await?))
}

pub async fn resolve(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    if !state.store.resolve_conflict(session.scope(), id, &session.account.username).await? {
        return Err(AppError::NotFound { code: "conflict_not_found", what: "该冲突记录" });
    }
    super::audit(&state, &session, "resolve_conflict", id.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}
