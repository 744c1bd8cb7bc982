//! `POST /api/v1/sync/push`, `GET /api/v1/sync/pull` and `GET /api/v1/sync/wait`.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue};
use axum::response::IntoResponse;
use serde::Deserialize;
use shared::hlc::Hlc;
use shared::message::Message;
use shared::op::Operation;
use shared::roles::{Role, redact_op};
use shared::sync::{
    DEFAULT_PULL_LIMIT, MAX_CURSOR_CHECK_LEN, MAX_PULL_LIMIT, MAX_PUSH_OPS, MAX_WAIT_SECONDS,
    OpStatus, PROTOCOL_HEADER, PROTOCOL_VERSION, PushRequest, PushResponse, WaitResponse,
};
use uuid::Uuid;

use crate::error::AppError;
use crate::extract::{ApiJson, ApiQuery, ClientProtocol};
use crate::live::WaitRefused;
use crate::state::AppState;
use crate::store::{Caller, Held, PullPage, StoreError};
use crate::sync_policy::{PolicyTime, within_bound};

pub async fn push(
    State(state): State<AppState>,
    _protocol: ClientProtocol,
    session: Caller,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<impl IntoResponse, AppError> {
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(AppError::PayloadTooLarge);
    }
    let count = req.ops.len();
    let clocks: Vec<Hlc> = req.ops.iter().map(|o| o.hlc.clone()).collect();
    let results = state.store.push(&session, req.ops).await?;
    if results.iter().any(|r| r.status == OpStatus::Accepted) {
        state.changes.poke();
    }
    // Only what the server stored moves its clock: a refused operation (any reason, a clock
    // from the future included) leaves it alone, and an accepted one is within the
    // `clock_ahead` bound (checked again here, so the bound holds whatever the policy says).
    // The clock's counter cannot outgrow its width (`shared::hlc`).
    let now_ms = PolicyTime::now().now_ms;
    let stored = clocks.iter().zip(&results).filter(|(_, r)| r.status != OpStatus::Rejected);
    let server_hlc =
        state.tick_clock(stored.map(|(hlc, _)| hlc).filter(|h| within_bound(h.millis, now_ms)));
    tracing::info!(
        user = %session.account.username,
        device = %session.device_id,
        ops = count,
        accepted = results.iter().filter(|r| r.status == shared::sync::OpStatus::Accepted).count(),
        // Past the push's conflict bound: left out of the answer, sent again by the tablet.
        not_taken_yet = count - results.len(),
        "push"
    );
    Ok((protocol_header(), Json(PushResponse { results, server_hlc })))
}

/// The server's own protocol, named in the answers of push and pull.
fn protocol_header() -> [(HeaderName, HeaderValue); 1] {
    [(HeaderName::from_static(PROTOCOL_HEADER), HeaderValue::from(PROTOCOL_VERSION))]
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    pub cursor: u64,
    /// The `cursor_check` the page that gave `cursor` came with.
    pub check: Option<String>,
    /// The last of the caller's operations the server acknowledged.
    pub acked: Option<Uuid>,
    pub limit: Option<u32>,
}

/// What a pull or wait says the server holds: `check` bounded to at most
/// [`MAX_CURSOR_CHECK_LEN`] hex digits (`acked` is a UUID, checked by its type).
fn held(check: Option<String>, acked: Option<Uuid>) -> Result<Held, AppError> {
    if let Some(c) = &check
        && (c.len() > MAX_CURSOR_CHECK_LEN || !c.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AppError::bad_request("invalid_query", Message::new("invalid_cursor_check")));
    }
    Ok(Held { check, acked })
}

pub async fn pull(
    State(state): State<AppState>,
    _protocol: ClientProtocol,
    session: Caller,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<impl IntoResponse, AppError> {
    let limit = q.limit.unwrap_or(DEFAULT_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
    let held = held(q.check, q.acked)?;
    let page = state.store.pull(session.scope(), &session.account, q.cursor, &held, limit).await?;
    let body = pull_body(&page, session.account.role).map_err(StoreError::from)?;
    Ok((protocol_header(), [(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body))
}

#[derive(Debug, Deserialize)]
pub struct WaitQuery {
    #[serde(default)]
    pub cursor: u64,
    /// As for a pull: a cursor whose operation the server no longer holds is news at once
    /// (`changed`), so the tablet pulls and learns of it.
    pub check: Option<String>,
    pub acked: Option<Uuid>,
    /// Seconds to hold the request with nothing new (default and at most
    /// [`MAX_WAIT_SECONDS`]).
    pub timeout: Option<u64>,
}

/// Holds the request until an operation after `cursor` that the caller may see is stored, or
/// `timeout` seconds passed ([`crate::live`]).
pub async fn wait(
    State(state): State<AppState>,
    _protocol: ClientProtocol,
    session: Caller,
    ApiQuery(q): ApiQuery<WaitQuery>,
) -> Result<impl IntoResponse, AppError> {
    let hold =
        Duration::from_secs(q.timeout.unwrap_or(MAX_WAIT_SECONDS).clamp(1, MAX_WAIT_SECONDS));
    let until = tokio::time::Instant::now() + hold;
    let scope = session.scope();
    let held = held(q.check, q.acked)?;
    // A place among the bounded waits before the first pull: a wait over the bounds costs
    // nothing but this answer.
    let mut slot = state.waits.take(session.device_row, session.user_id)?;
    let mut waiter = state.changes.subscribe(&state.store);
    loop {
        let mark = waiter.mark(scope);
        let page = match state.store.pull(scope, &session.account, q.cursor, &held, 1).await {
            Err(StoreError::HistoryChanged) => {
                return Ok((protocol_header(), Json(WaitResponse { changed: true })));
            }
            other => other?,
        };
        if !page.ops.is_empty() {
            return Ok((protocol_header(), Json(WaitResponse { changed: true })));
        }
        tokio::select! {
            woke = tokio::time::timeout_at(until, waiter.changed_since(scope, mark)) => {
                if woke.is_err() {
                    return Ok((protocol_header(), Json(WaitResponse { changed: false })));
                }
            }
            // Answered as an error, not `changed: false`: the tablet asks again at once after
            // "nothing new", so the tabs of one device beyond the bound would take each
            // other's place in a loop; after an error it pauses, backing off.
            () = slot.replaced() => return Err(WaitRefused::Replaced.into()),
        }
    }
}

/// The JSON of a [`PullResponse`] for `page`. The stored operations are the server's own
/// serialisation of [`shared::op::Operation`], so a role that sees every field gets them as
/// stored, without decoding and encoding each one again; for the others each is decoded and
/// redacted.
fn pull_body(page: &PullPage, role: Role) -> Result<String, serde_json::Error> {
    let size = page.ops.iter().map(|op| op.len() + 1).sum::<usize>() + 64;
    let mut body = String::with_capacity(size);
    body.push_str("{\"ops\":[");
    for (i, json) in page.ops.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        if role.sees_personal_data() {
            body.push_str(json);
        } else {
            let mut op: Operation = serde_json::from_str(json)?;
            redact_op(&mut op, role);
            body.push_str(&serde_json::to_string(&op)?);
        }
    }
    body.push_str("],\"cursor\":");
    body.push_str(&page.cursor.to_string());
    if let Some(check) = &page.cursor_check {
        // Hex digits only (`cursor_check_of` of a stored SHA-256): nothing to escape.
        body.push_str(",\"cursor_check\":\"");
        body.push_str(check);
        body.push('"');
    }
    body.push_str(if page.more { ",\"more\":true}" } else { ",\"more\":false}" });
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shared::hlc::Hlc;
    use shared::op::OpContext;
    use shared::record::EntityKind;
    use shared::sync::PullResponse;
    use uuid::Uuid;

    fn person_op(i: u64) -> Operation {
        let ctx = OpContext { device_id: Uuid::now_v7(), author: "u".into() };
        let fields = [
            ("name".to_owned(), json!("王海")),
            ("phone".to_owned(), json!("13800000000")),
            ("id_number".to_owned(), json!("330922197001010011")),
            ("birth_year".to_owned(), json!(1970)),
        ];
        let hlc = Hlc::new(1_700_000_000_000 + i, 0, "d");
        Operation::upsert(&ctx, hlc, EntityKind::Person, Uuid::now_v7(), "b1", None, fields)
    }

    /// The hand-written body is exactly what serialising the typed answer would give.
    #[test]
    fn pull_body_is_the_typed_answer() {
        let ops: Vec<Operation> = (0..3).map(person_op).collect();
        for (ops, more) in [(ops.clone(), true), (vec![], false)] {
            let page = PullPage {
                ops: ops.iter().map(|op| serde_json::to_string(op).unwrap()).collect(),
                cursor: 42,
                cursor_check: more.then(|| "0123456789abcdef".to_owned()),
                more,
            };
            for role in [Role::TownOffice, Role::Surveyor, Role::CountyViewer] {
                let mut expected = PullResponse {
                    ops: ops.clone(),
                    cursor: 42,
                    cursor_check: page.cursor_check.clone(),
                    more,
                };
                for op in &mut expected.ops {
                    redact_op(op, role);
                }
                let body = pull_body(&page, role).unwrap();
                assert_eq!(body, serde_json::to_string(&expected).unwrap(), "{role:?}");
            }
        }
    }
}
