//! `GET /api/v1/exports/{file}`: `people|surveys|candidates` `.csv|.xlsx`, as the caller may see.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::exports::{self, parse_file_name};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::Caller;
use crate::sync_policy::PolicyTime;

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    /// A county account's filter: one town, by name.
    #[serde(default)]
    pub town: Option<String>,
}

/// The towns an export covers: the caller's, narrowed by `town` for a county account. A town
/// account naming another town (or any unknown name) gets 404, the same for both.
pub(crate) async fn export_scope(
    state: &AppState,
    session: &Caller,
    town: Option<&str>,
) -> Result<crate::store::Scope, AppError> {
    let not_found = AppError::NotFound { code: "town_not_found", what: "该镇" };
    let town = match town.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(name) => Some(state.store.town_named(name, false).await?.ok_or(not_found)?.id),
    };
    session
        .scope()
        .narrowed(town)
        .ok_or(AppError::NotFound { code: "town_not_found", what: "该镇" })
}

pub async fn download(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let (what, format) = parse_file_name(&file).ok_or(AppError::NotFound {
        code: "unknown_export",
        what: "该导出（可选 people、surveys、candidates，格式 .csv 或 .xlsx）",
    })?;
    let scope = export_scope(&state, &session, q.town.as_deref()).await?;
    let table = exports::build(state.store.as_ref(), scope, what, &session.account).await?;
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
