//! `POST /api/v1/import`: the town office uploads an export file (raw body); an encrypted
//! file's passphrase comes in `X-Export-Passphrase` (percent-encoded when not ASCII).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use shared::roles::Role;

use crate::error::AppError;
use crate::extract::ApiBytes;
use crate::import::{ImportReport, Importer, import_file, percent_decode};
use crate::state::AppState;
use crate::store::Caller;

pub const PASSPHRASE_HEADER: &str = "x-export-passphrase";

fn passphrase(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(PASSPHRASE_HEADER) else {
        return Ok(None);
    };
    let text = value.to_str().ok().and_then(percent_decode).ok_or_else(|| {
        AppError::bad_request("invalid_passphrase_header", "invalid_passphrase_header")
    })?;
    Ok(Some(text).filter(|p| !p.is_empty()))
}

pub async fn import(
    State(state): State<AppState>,
    session: Caller,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ImportReport>, AppError> {
    session.require(&[Role::TownOffice])?;
    let passphrase = passphrase(&headers)?;
    let town = session.town.ok_or(AppError::Forbidden)?;
    let importer = Importer {
        username: session.account.username.clone(),
        user_id: Some(session.user_id),
        town,
    };
    let report = import_file(
        state.store.as_ref(),
        &state.hashing,
        &state.attachments,
        body.to_vec(),
        passphrase,
        importer,
    )
    .await?;
    if report.accepted > 0 {
        state.imported(&report.stored_clocks);
    }
    Ok(Json(report))
}
