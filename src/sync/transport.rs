//! The calls the engine makes to the office server, behind a trait so the engine's bookkeeping
//! (outbox, cursor, rejected operations, resumed uploads) is tested against real IndexedDB with
//! an in-memory server, and runs against the real one through [`Http`].

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shared::sync::{
    AttachmentStatus, CodeLoginRequest, ConflictEntry, DeviceReport, LoginRequest, LoginResponse,
    PullResponse, PushRequest, PushResponse, WaitResponse,
};
use uuid::Uuid;

use super::error::HttpError;
use super::http::{Http, encode_component};
use crate::store::PullPosition;

/// The sync endpoints of `/api/v1`.
// The app is single-threaded wasm: the futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// `POST /api/v1/sync/push`.
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, HttpError>;
    /// `GET /api/v1/sync/pull?cursor=&check=&limit=`.
    async fn pull(&self, from: &PullPosition, limit: u32) -> Result<PullResponse, HttpError>;
    /// `GET /api/v1/attachments/{sha256}/status` (a blob the server never saw: all zero).
    async fn attachment_status(&self, sha256: &str) -> Result<AttachmentStatus, HttpError>;
    /// `PUT /api/v1/attachments/{sha256}?offset=&total=` with one chunk.
    async fn put_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
    ) -> Result<AttachmentStatus, HttpError>;
}

impl Transport for Http {
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, HttpError> {
        self.post("/api/v1/sync/push", request).await
    }

    async fn pull(&self, from: &PullPosition, limit: u32) -> Result<PullResponse, HttpError> {
        self.get(&format!("/api/v1/sync/pull?{}&limit={limit}", position_query(from))).await
    }

    async fn attachment_status(&self, sha256: &str) -> Result<AttachmentStatus, HttpError> {
        match self.get(&format!("/api/v1/attachments/{}/status", encode_component(sha256))).await {
            Err(HttpError::Status { status: 404, .. }) => {
                Ok(AttachmentStatus { received: 0, total: 0, complete: false })
            }
            other => other,
        }
    }

    async fn put_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
    ) -> Result<AttachmentStatus, HttpError> {
        let path = format!(
            "/api/v1/attachments/{}?offset={offset}&total={total}",
            encode_component(sha256)
        );
        self.put_bytes(&path, bytes).await
    }
}

/// `POST /api/v1/auth/login` (no token yet).
pub async fn login(http: &Http, request: &LoginRequest) -> Result<LoginResponse, HttpError> {
    http.post("/api/v1/auth/login", request).await
}

/// `POST /api/v1/auth/code`: sign in with a one-time code from the town office.
pub async fn code_login(
    http: &Http,
    request: &CodeLoginRequest,
) -> Result<LoginResponse, HttpError> {
    http.post("/api/v1/auth/code", request).await
}

/// `GET /api/v1/sync/wait`: held by the server until something after `from` is there for
/// this account, or `timeout_s` seconds passed (answered at once when the server no longer
/// holds what `from` names: the pull that follows learns why).
pub async fn wait(
    http: &Http,
    from: &PullPosition,
    timeout_s: u64,
) -> Result<WaitResponse, HttpError> {
    http.get(&format!("/api/v1/sync/wait?{}&timeout={timeout_s}", position_query(from))).await
}

/// `cursor=N` and, when the position has them, `&check=C` and `&acked=ID`.
fn position_query(from: &PullPosition) -> String {
    let mut query = format!("cursor={}", from.cursor);
    if let Some(check) = &from.check {
        query.push_str("&check=");
        query.push_str(&encode_component(check));
    }
    if let Some(acked) = from.acked {
        query.push_str(&format!("&acked={acked}"));
    }
    query
}

/// `POST /api/v1/sync/report`: what this tablet still holds, after a sync run.
pub async fn report(http: &Http, report: &DeviceReport) -> Result<(), HttpError> {
    http.post::<_, Value>("/api/v1/sync/report", report).await.map(|_| ())
}

/// The conflicts list answer: a bare array or `{"conflicts": [...]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ConflictList {
    Bare(Vec<ConflictEntry>),
    Wrapped { conflicts: Vec<ConflictEntry> },
}

/// `GET /api/v1/conflicts` (town office).
pub async fn conflicts(http: &Http) -> Result<Vec<ConflictEntry>, HttpError> {
    Ok(match http.get::<ConflictList>("/api/v1/conflicts").await? {
        ConflictList::Bare(list) | ConflictList::Wrapped { conflicts: list } => list,
    })
}

/// Body of `POST /api/v1/conflicts/{id}/resolve`: which side was kept and its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResolveRequest {
    /// `winner` or `loser`.
    pub chosen: &'static str,
    pub value: Value,
}

/// `POST /api/v1/conflicts/{id}/resolve`.
pub async fn resolve_conflict(
    http: &Http,
    id: Uuid,
    request: &ResolveRequest,
) -> Result<(), HttpError> {
    http.post::<_, Value>(&format!("/api/v1/conflicts/{id}/resolve"), request).await.map(|_| ())
}
