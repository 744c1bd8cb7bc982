//! `POST /api/v1/sync/push` and `GET /api/v1/sync/pull`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::roles::redact_op;
use shared::sync::{
    DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_OPS, PullResponse, PushRequest, PushResponse,
};

use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use crate::store::Session;
use crate::sync_policy::{PolicyTime, within_bound};

pub async fn push(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, AppError> {
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(AppError::PayloadTooLarge);
    }
    // A clock far in the future is refused (`clock_ahead`) and must not drag the server's along.
    let now_ms = PolicyTime::now().now_ms;
    let server_hlc =
        state.tick_clock(req.ops.iter().map(|o| &o.hlc).filter(|h| within_bound(h.millis, now_ms)));
    let count = req.ops.len();
    let results = state.store.push(&session, req.ops).await?;
    tracing::info!(
        user = %session.account.username,
        device = %session.device_id,
        ops = count,
        accepted = results.iter().filter(|r| r.status == shared::sync::OpStatus::Accepted).count(),
        "push"
    );
    Ok(Json(PushResponse { results, server_hlc }))
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    pub cursor: u64,
    pub limit: Option<u32>,
}

pub async fn pull(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Json<PullResponse>, AppError> {
    let limit = q.limit.unwrap_or(DEFAULT_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
    let page = state.store.pull(&session.account, q.cursor, limit).await?;
    let mut ops = page.ops;
    for op in &mut ops {
        redact_op(op, session.account.role);
    }
    Ok(Json(PullResponse { ops, cursor: page.cursor, more: page.more }))
}
