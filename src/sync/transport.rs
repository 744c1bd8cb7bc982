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

/// Conflicts asked for a page: the server's own page.
const CONFLICTS_PAGE: usize = shared::sync::DEFAULT_CONFLICTS_PAGE as usize;

/// Most conflicts the office's review fetches (four pages); it says when more remain.
pub const CONFLICTS_SHOWN_MAX: usize = 2_000;

/// The open conflicts the server listed, oldest first, and whether more remain after them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConflictPages {
    pub entries: Vec<ConflictEntry>,
    pub more: bool,
}

/// `GET /api/v1/conflicts` (town office), page after page up to [`CONFLICTS_SHOWN_MAX`].
pub async fn conflicts(http: &Http) -> Result<ConflictPages, HttpError> {
    let fetch = |after: Option<(String, Uuid)>, limit: usize| async move {
        let mut path = format!("/api/v1/conflicts?limit={limit}");
        if let Some((time, id)) = after {
            path.push_str(&format!("&after_time={}&after_id={id}", encode_component(&time)));
        }
        Ok(match http.get::<ConflictList>(&path).await? {
            ConflictList::Bare(list) | ConflictList::Wrapped { conflicts: list } => list,
        })
    };
    conflict_pages(fetch, CONFLICTS_PAGE, CONFLICTS_SHOWN_MAX).await
}

/// Ask `fetch(after, limit)` for pages of `page` conflicts (one more each time, to know whether
/// more follow), each after the last one held, until none follow or `max` are held. An older
/// server does not page: its answer is its whole list, longer than asked, or (asked for a later
/// page) that list again from its start; what it adds is taken once.
pub async fn conflict_pages<F, Fut>(
    mut fetch: F,
    page: usize,
    max: usize,
) -> Result<ConflictPages, HttpError>
where
    F: FnMut(Option<(String, Uuid)>, usize) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<ConflictEntry>, HttpError>>,
{
    let mut entries: Vec<ConflictEntry> = Vec::new();
    let mut held = std::collections::HashSet::new();
    loop {
        let after = entries.last().map(|e| (e.detected_at.clone(), e.conflict.id));
        let later = after.is_some();
        let mut next = fetch(after, page + 1).await?;
        let unpaged = next.len() > page + 1
            || (later && next.first().is_some_and(|e| held.contains(&e.conflict.id)));
        let follow = if unpaged {
            next.retain(|e| !held.contains(&e.conflict.id));
            false
        } else {
            let follow = next.len() > page;
            next.truncate(page);
            follow
        };
        held.extend(next.iter().map(|e| e.conflict.id));
        entries.extend(next);
        if unpaged || !follow || entries.len() >= max {
            let more = follow || entries.len() > max;
            entries.truncate(max);
            return Ok(ConflictPages { entries, more });
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::merge::Conflict;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn entry(i: usize) -> ConflictEntry {
        let hlc = shared::hlc::Hlc::new(1_000 + i as u64, 0, "t");
        ConflictEntry {
            conflict: Conflict {
                id: Uuid::from_u128(i as u128),
                entity: shared::record::EntityKind::Person,
                entity_id: Uuid::from_u128(7),
                branch_id: "b1".into(),
                field: "notes".into(),
                winner_value: Value::Null,
                winner_clock: hlc.clone(),
                winner_author: "a".into(),
                loser_value: Value::Null,
                loser_clock: hlc,
                loser_author: "b".into(),
            },
            detected_at: format!("2026-12-05T00:00:{:02}Z", i / 10),
            resolved: false,
            resolved_by: None,
            resolved_at: None,
        }
    }

    /// A server holding `n` conflicts, paging as the real one does (after the given entry,
    /// at most `limit`), or not paging at all (an older server); the pages asked.
    fn pages(n: usize, paging: bool, page: usize, max: usize) -> (ConflictPages, usize) {
        let all: Vec<ConflictEntry> = (0..n).map(entry).collect();
        let asked = std::cell::Cell::new(0);
        let fetch = |after: Option<(String, Uuid)>, limit: usize| {
            asked.set(asked.get() + 1);
            let start = match (&after, paging) {
                (Some((time, id)), true) => all
                    .iter()
                    .position(|e| e.detected_at == *time && e.conflict.id == *id)
                    .map_or(all.len(), |i| i + 1),
                _ => 0,
            };
            let end = if paging { (start + limit).min(all.len()) } else { all.len() };
            std::future::ready(Ok(all[start..end].to_vec()))
        };
        let got = futures::executor::block_on(conflict_pages(fetch, page, max)).unwrap();
        (got, asked.get())
    }

    #[test]
    fn conflicts_are_fetched_page_after_page_and_more_is_said_only_when_there_is_more() {
        let ids = |p: &ConflictPages| {
            p.entries.iter().map(|e| e.conflict.id.as_u128()).collect::<Vec<_>>()
        };
        // Fewer than a page, exactly a page, several pages, none.
        for (n, requests) in [(3, 1), (4, 1), (9, 3), (0, 1), (12, 3)] {
            let (got, asked) = pages(n, true, 4, 20);
            assert_eq!(ids(&got), (0..n as u128).collect::<Vec<_>>(), "{n}");
            assert!(!got.more, "{n}: nothing more");
            assert_eq!(asked, requests, "{n}");
        }
        // Over the most shown: the first `max`, and more said; exactly `max`: nothing more.
        let (got, asked) = pages(30, true, 4, 12);
        assert_eq!((got.entries.len(), got.more, asked), (12, true, 3));
        let (got, _) = pages(12, true, 4, 12);
        assert_eq!((got.entries.len(), got.more), (12, false));
        // An older server answers its whole list at once: taken, up to the most shown.
        let (got, asked) = pages(9, false, 4, 20);
        assert_eq!((ids(&got), got.more, asked), ((0..9).collect(), false, 1));
        // One longer than a page: it looks paged, until the next page starts again.
        let (got, asked) = pages(5, false, 4, 20);
        assert_eq!((ids(&got), got.more, asked), ((0..5).collect(), false, 2));
        let (got, _) = pages(30, false, 4, 12);
        assert_eq!((got.entries.len(), got.more), (12, true));
    }
}
