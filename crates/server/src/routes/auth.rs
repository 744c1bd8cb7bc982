//! `POST /api/v1/auth/login`, `GET /api/v1/auth/me`, `POST /api/v1/auth/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::roles::Account;
use shared::sync::{LoginRequest, LoginResponse};

use crate::auth::{new_token, token_hash, verify_or_dummy};
use crate::error::AppError;
use crate::extract::{ApiJson, ClientAddr};
use crate::state::AppState;
use crate::store::{AuditEvent, Caller};
use crate::users::normalise_username;

const MAX_DEVICE_NAME_CHARS: usize = 100;

/// Longest password checked: longer ones are wrong (no account has one) and not hashed.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Sign in with the password. On a device new to the account the answer also lists what the
/// account's other devices last reported and never sent (`LoginResponse::unsent_elsewhere`).
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let username = normalise_username(&req.username);
    // Rate limits first, then the bounded hashing queue: no Argon2 work beyond the quotas.
    state.attempts.attempt(&username, address).await?;
    if req.password.len() > MAX_PASSWORD_BYTES || username.chars().count() > 64 {
        state.attempts.failed(&username).await?;
        return Err(AppError::InvalidCredentials);
    }
    let creds = state.store.credentials(&username).await?;
    let phc = creds.as_ref().map(|c| c.password_hash.clone());
    let password = req.password;
    let ok = state.hashing.run(move || verify_or_dummy(&password, phc.as_deref())).await?;
    let creds = match creds {
        Some(c) if ok && c.disabled => return Err(AppError::AccountDisabled),
        Some(c) if ok => c,
        _ => {
            tracing::info!(username = %req.username, "login refused");
            state.attempts.failed(&username).await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    let device_name: String = match req.device_name.trim() {
        "" => "未命名设备".to_owned(),
        name => name.chars().take(MAX_DEVICE_NAME_CHARS).collect(),
    };
    let token = new_token();
    let registered = state
        .store
        .register_device(creds.user_id, req.device_id, &device_name, &token_hash(&token))
        .await?;
    let device_row = registered.device_row;
    state
        .store
        .audit(AuditEvent {
            town: creds.town,
            user_id: Some(creds.user_id),
            username: &creds.account.username,
            device_row: Some(device_row),
            action: "login",
            detail: format!("device {} ({device_name})", req.device_id),
        })
        .await?;
    Ok(Json(LoginResponse {
        token,
        account: creds.account,
        unsent_elsewhere: registered.unsent_elsewhere,
    }))
}

pub async fn me(session: Caller) -> Json<Account> {
    Json(session.account)
}

/// Revoke the caller's own token.
pub async fn logout(
    State(state): State<AppState>,
    session: Caller,
) -> Result<StatusCode, AppError> {
    state.store.revoke_device(session.device_row).await?;
    Ok(StatusCode::NO_CONTENT)
}
