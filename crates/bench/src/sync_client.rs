//! The sync API as the server benchmarks (`throughput`, `county`) drive it: a person operation
//! of the size a tablet sends, one push of a batch checked whole, one pull page.

use reqwest::{Client, RequestBuilder};
use serde_json::json;
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::sync::{PullResponse, PushResponse};
use uuid::Uuid;

use crate::error::BenchError;

/// `what: error` as the benchmark's server error.
pub fn fail(what: &str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Server(format!("{what}: {error}"))
}

/// Person `i` by `author` on `device` (clock node `node`): three short fields on `branch`.
pub fn person(
    author: &str,
    device: Uuid,
    node: &str,
    branch: &str,
    millis: u64,
    i: usize,
) -> Operation {
    Operation {
        id: Uuid::now_v7(),
        device_id: device,
        author: author.into(),
        hlc: Hlc::new(millis, 0, node),
        entity: EntityKind::Person,
        entity_id: Uuid::now_v7(),
        branch_id: branch.into(),
        kind: OpKind::Upsert,
        changes: ["name", "village_unit", "notes"]
            .iter()
            .map(|f| FieldChange {
                field: (*f).into(),
                value: json!(format!("{f} {i}")),
                base: None,
            })
            .collect(),
    }
}

/// A request as `token`, from `forwarded` (`X-Forwarded-For`) when given.
fn signed(request: RequestBuilder, token: &str, forwarded: Option<&str>) -> RequestBuilder {
    let request = request.bearer_auth(token);
    match forwarded {
        Some(address) => request.header("X-Forwarded-For", address),
        None => request,
    }
}

/// Push `ops` to `base`: every one must be answered, and acknowledged.
pub async fn push(
    client: &Client,
    base: &str,
    token: &str,
    forwarded: Option<&str>,
    ops: &[Operation],
) -> Result<(), BenchError> {
    match try_push(client, base, token, forwarded, ops).await? {
        Ok(()) => Ok(()),
        Err(status) => Err(fail("push", format!("the server answered {status}"))),
    }
}

/// [`push`], with a server error answer (5xx: overloaded, a connection not to be had) given
/// back as `Ok(Err(status))`: a tablet sends the same operations again later, as the app does.
pub async fn try_push(
    client: &Client,
    base: &str,
    token: &str,
    forwarded: Option<&str>,
    ops: &[Operation],
) -> Result<Result<(), reqwest::StatusCode>, BenchError> {
    let response = signed(client.post(format!("{base}/api/v1/sync/push")), token, forwarded)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .map_err(|e| fail("push", e))?;
    if response.status().is_server_error() {
        return Ok(Err(response.status()));
    }
    let answer: PushResponse = response
        .error_for_status()
        .map_err(|e| fail("push", e))?
        .json()
        .await
        .map_err(|e| fail("push answer", e))?;
    if let Some(bad) = answer.results.iter().find(|r| !r.status.is_acknowledged()) {
        return Err(fail("push rejected", format!("{} {:?}", bad.id, bad.message)));
    }
    if answer.results.len() != ops.len() {
        return Err(fail("push", "an answer for fewer operations than were pushed"));
    }
    Ok(Ok(()))
}

/// One pull page of `base` after `cursor`.
pub async fn pull(
    client: &Client,
    base: &str,
    token: &str,
    forwarded: Option<&str>,
    cursor: u64,
    limit: usize,
) -> Result<PullResponse, BenchError> {
    signed(
        client.get(format!("{base}/api/v1/sync/pull?cursor={cursor}&limit={limit}")),
        token,
        forwarded,
    )
    .send()
    .await
    .and_then(reqwest::Response::error_for_status)
    .map_err(|e| fail("pull", e))?
    .json()
    .await
    .map_err(|e| fail("pull answer", e))
}
