//! `GET /api/v1/exports/{file}`: `people|surveys|candidates` `.csv|.xlsx`, as the caller may see.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::exports::{self, parse_file_name};
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::Caller;
use crate::sync_policy::PolicyTime;

pub async fn download(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(file): ApiPath<String>,
) -> Result<Response, AppError> {
    let (what, format) = parse_file_name(&file).ok_or(AppError::NotFound {
        code: "unknown_export",
        what: "该导出（可选 people、surveys、candidates，格式 .csv 或 .xlsx）",
    })?;
    let table = exports::build(state.store.as_ref(), what, &session.account).await?;
    let rows = table.rows.len();
    let bytes = tokio::task::spawn_blocking(move || exports::render(&table, format))
        .await?
        .map_err(AppError::internal)?;
    super::audit(&state, &session, "export", format!("{file}: {rows} 行")).await?;
    let name = exports::file_name(what, format, PolicyTime::now().today);
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(AppError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}
