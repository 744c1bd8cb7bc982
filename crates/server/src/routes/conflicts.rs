//! `GET /api/v1/conflicts` and `POST /api/v1/conflicts/{id}/resolve` (town office).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::roles::Role;
use shared::sync::ConflictEntry;
use uuid::Uuid;

use crate::error::AppError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::{Caller, ConflictFilter};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: ConflictFilter,
}

pub async fn list(
    State(state): State<AppState>,
    session: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ConflictEntry>>, AppError> {
    session.require(&[Role::TownOffice])?;
    Ok(Json(state.store.list_conflicts(session.scope(), q.status).await?))
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
