//! User and device administration (town office only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, DeviceSummary, UserSummary};

use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::{AuditEvent, Session};
use crate::users;

pub async fn list_users(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<UserSummary>>, AppError> {
    session.require(&[Role::TownOffice])?;
    Ok(Json(state.store.list_users().await?))
}

pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserSummary>), AppError> {
    session.require(&[Role::TownOffice])?;
    let created = users::create(state.store.as_ref(), req).await?;
    state
        .store
        .audit(AuditEvent {
            user_id: Some(session.user_id),
            username: &session.account.username,
            device_row: Some(session.device_row),
            action: "create_user",
            detail: format!("{} ({})", created.account.username, created.account.role.as_str()),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn list_devices(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<DeviceSummary>>, AppError> {
    session.require(&[Role::TownOffice])?;
    Ok(Json(state.store.list_devices().await?))
}

pub async fn revoke_device(
    State(state): State<AppState>,
    session: Session,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    if !state.store.revoke_device(id).await? {
        return Err(AppError::NotFound { code: "device_not_found", what: "该设备" });
    }
    state
        .store
        .audit(AuditEvent {
            user_id: Some(session.user_id),
            username: &session.account.username,
            device_row: Some(session.device_row),
            action: "revoke_device",
            detail: id.to_string(),
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
