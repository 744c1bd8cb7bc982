//! User and device administration (town office only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, DeviceSummary, ResetPasswordRequest, UserSummary};

use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::Caller;
use crate::users;

pub async fn list_users(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<Vec<UserSummary>>, AppError> {
    session.require(&[Role::TownOffice])?;
    Ok(Json(state.store.list_users(session.scope()).await?))
}

pub async fn create_user(
    State(state): State<AppState>,
    session: Caller,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<UserSummary>), AppError> {
    session.require(&[Role::TownOffice])?;
    let created = users::create(state.store.as_ref(), &state.hashing, req, session.town).await?;
    super::audit(
        &state,
        &session,
        "create_user",
        format!("{} ({})", created.account.username, created.account.role.as_str()),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn list_devices(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<Vec<DeviceSummary>>, AppError> {
    session.require(&[Role::TownOffice])?;
    Ok(Json(state.store.list_devices(session.scope()).await?))
}

pub async fn revoke_device(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    if !state.store.block_device(session.scope(), id).await? {
        return Err(AppError::NotFound { code: "device_not_found", what: "该设备" });
    }
    super::audit(&state, &session, "revoke_device", id.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Let a device the office revoked sign in again (with its account's password).
pub async fn restore_device(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    if !state.store.restore_device(session.scope(), id).await? {
        return Err(AppError::NotFound { code: "device_not_found", what: "该设备" });
    }
    super::audit(&state, &session, "restore_device", id.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_disabled(
    state: &AppState,
    session: &Caller,
    username: &str,
    disabled: bool,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    let username = users::normalise_username(username);
    if disabled && username == session.account.username {
        return Err(AppError::bad_request("cannot_disable_self", "cannot_disable_self"));
    }
    if !state.store.set_disabled(session.scope(), &username, disabled).await? {
        return Err(AppError::NotFound { code: "user_not_found", what: "该账号" });
    }
    let action = if disabled { "disable_user" } else { "enable_user" };
    super::audit(state, session, action, username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account: its devices' tokens stop working and it cannot sign in.
pub async fn disable_user(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    set_disabled(&state, &session, &username, true).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    set_disabled(&state, &session, &username, false).await
}

/// The office sets a new password for an account (forgotten or leaked); every device of that
/// account is signed out and signs in again with the new one.
pub async fn reset_password(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    users::validate_password(&req.password, "invalid_password")?;
    let username = users::normalise_username(&username);
    let password = req.password;
    let hash = state.hashing.run(move || crate::auth::hash_password(&password)).await?;
    let hash = hash.map_err(AppError::internal)?;
    if !state.store.set_password(session.scope(), &username, &hash).await? {
        return Err(AppError::NotFound { code: "user_not_found", what: "该账号" });
    }
    super::audit(&state, &session, "reset_password", username).await?;
    Ok(StatusCode::NO_CONTENT)
}
