//! The tablet side of sync against real IndexedDB in headless Chromium (fresh database names):
//! the engine's bookkeeping against an in-memory server (what leaves the outbox, what is set
//! aside, where the pull cursor and an interrupted photo upload resume), the export file round
//! trip between two stores, and the pure planning helpers.
//!
//! Why an in-memory server and not the real one: these tests run inside the browser
//! (wasm-bindgen-test), which cannot start the server binary, and what they check is how the
//! engine survives failures at exact points (the network dropping the 2nd push, a pull, a
//! chunk; an answer that leaves an op out) that a real server cannot be told to produce. The
//! real server with the real app is covered end to end in `crates/e2e` (sync between two
//! tablets, conflicts, export/import).
//!
//! So that the in-memory server cannot drift from the real one, it decides nothing by itself: it
//! admits each pushed op with `shared::policy::admit` (the function the server's push runs:
//! access, clock, merge, workflow and form rules, with their codes and messages) against
//! records it merges with `shared::merge`; refuses a reused op id with
//! `shared::sync::ApiError::op_id_conflict` (the server API tests check the real answer is
//! exactly that); clamps `limit` with the server's `DEFAULT_PULL_LIMIT`/`MAX_PULL_LIMIT`; pulls
//! only what the account may see, redacted for its role (`shared::roles`); and answers with a
//! ticking hybrid logical clock. Only the failure switches are its own.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "a browser test drives the page itself, outside the app's src/browser/"
)]

use std::cell::RefCell;
use std::collections::HashMap;

use field::store::{PullPosition, Store, meta_keys, sha256_hex};
use field::sync::engine::{self, SyncReport};
use field::sync::error::{HttpError, LoginError, SyncError};
use field::sync::plan::{
    CHUNK_BYTES, PULL_LIMIT, Phase, RejectedOp, SyncStatus, merge_rejected, next_chunk,
    rejected_summary, resume_offset,
};
use field::sync::transfer::{self, ImportStep, TransferError};
use field::sync::transport::Transport;
use field::sync::{rejected, session};
use serde_json::{Value, json};
use shared::export::{ExportError, Scope};
use shared::hlc::{Hlc, HlcClock};
use shared::model::Person;
use shared::op::{OpContext, Operation};
use shared::policy::{self, PolicyTime};
use shared::record::{EntityKind, Record};
use shared::roles::{Account, Role, redact_op};
use shared::sync::{
    ApiError, AttachmentStatus, MAX_PULL_LIMIT, OpResult, PullResponse, PushRequest, PushResponse,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh() -> Store {
    let store =
        Store::open(&format!("sync-test-{}", Uuid::new_v4())).await.expect("open a fresh database");
    store.set_author("tester").await.unwrap();
    store
}

fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn no_progress(_: Phase, _: u32, _: u32) {}

fn blob_of(bytes: &[u8], mime: &str) -> web_sys::Blob {
    transfer::bytes_to_blob(bytes, mime).unwrap()
}

/// An operation made on another device.
fn remote_op(device: &str, millis: u64, entity_id: Uuid, field: &str, value: Value) -> Operation {
    let ctx = OpContext { device_id: Uuid::new_v4(), author: device.into() };
    Operation::upsert(
        &ctx,
        Hlc::new(millis, 0, device),
        EntityKind::Person,
        entity_id,
        "b1",
        None,
        changes(&[(field, value)]),
    )
}

// ---------------------------------------------------------------------------------------------
// An in-memory server with switches for the failures the engine must survive
// ---------------------------------------------------------------------------------------------

struct State {
    /// The signed-in account the pushes are checked against (as the server's session).
    account: Account,
    /// Stored operations in arrival order (the pull log) and their content hash by id.
    log: Vec<Operation>,
    by_id: HashMap<Uuid, String>,
    /// Records as the server merges them, for the policy's checks.
    records: HashMap<Uuid, Record>,
    clock: HlcClock,
    pushes: usize,
    /// Fail the push with this (1-based) number with a network error.
    fail_push: Option<usize>,
    /// The push with this number (1-based) is stored, and its answer lost on the way back.
    lose_answer: Option<usize>,
    /// Ops with these ids are left out of the answer (and not stored).
    omit: Vec<Uuid>,
    /// Each push takes at most this many operations and leaves the rest out of the answer, as
    /// the server does past its bound on one push's conflicts (not taken yet).
    take_at_most: Option<usize>,
    /// Fail the pull with this (1-based) number.
    fail_pull: Option<usize>,
    /// The pull with this (1-based) number gets no answer within the request's time.
    pull_times_out: Option<usize>,
    pulls: usize,
    blobs: HashMap<String, (Vec<u8>, u64)>,
    /// Offsets of the chunk PUTs received.
    chunk_offsets: Vec<u64>,
    /// Fail the chunk PUT with this (1-based) number with a network error.
    fail_chunk: Option<usize>,
    /// The status endpoint answers as if it had never seen any blob.
    status_unknown: bool,
    /// Photos whose chunks are refused (413, too large).
    refuse_blobs: Vec<String>,
    /// A proxy in front of the server refuses every chunk with a bare 413 (its body limit).
    proxy_refuses_blobs: bool,
    /// Every chunk is answered as the server does when its disk has no room for photos
    /// (`507 storage_full`) or the account's photos of the day are sent (`429 photo_quota`):
    /// worded only by the reason (so the words are the app's own).
    chunks_refused: Option<shared::message::Message>,
    /// How far the server's clock is from this machine's (its answers' `server_hlc`): a tablet
    /// whose date disagrees with the server's.
    clock_offset_ms: i64,
    /// Photos whose chunks are answered 409 (the server holds another size for them, until it
    /// drops its partial copy): the photo's own failure, not one for good.
    fail_blobs: Vec<String>,
    /// The oldest sync protocol served: push and pull refuse this build's
    /// (`shared::sync::PROTOCOL_VERSION`) below it, as the server's `ClientProtocol` does.
    min_protocol: u32,
    /// While the push with this (1-based) number is on its way, the person does this to a
    /// person record on the tablet; what a discard did is kept in `discarded`.
    during_push: Option<(usize, Store, DuringPush)>,
    discarded: Option<field::store::Discarded>,
}

/// What the person does on the tablet while a push is on its way.
enum DuringPush {
    /// Gives up on the record (`Store::discard_unsent`).
    Discard(Uuid),
    /// Corrects its branch before it was sent (`Store::assign_branch`).
    MoveTo(Uuid, &'static str),
}

struct FakeServer(RefCell<State>);

impl FakeServer {
    /// Signed in as the tablets' author `tester`, a surveyor of branch `b1`.
    fn with(f: impl FnOnce(&mut State)) -> Self {
        let mut state = State {
            account: Account {
                username: "tester".into(),
                display_name: "测试员".into(),
                role: Role::Surveyor,
                branches: vec!["b1".into()],
            },
            log: Vec::new(),
            by_id: HashMap::new(),
            records: HashMap::new(),
            clock: HlcClock::new("server"),
            pushes: 0,
            fail_push: None,
            lose_answer: None,
            omit: Vec::new(),
            take_at_most: None,
            fail_pull: None,
            pull_times_out: None,
            pulls: 0,
            blobs: HashMap::new(),
            chunk_offsets: Vec::new(),
            fail_chunk: None,
            status_unknown: false,
            refuse_blobs: Vec::new(),
            fail_blobs: Vec::new(),
            clock_offset_ms: 0,
            proxy_refuses_blobs: false,
            chunks_refused: None,
            min_protocol: shared::sync::MIN_PROTOCOL_VERSION,
            during_push: None,
            discarded: None,
        };
        f(&mut state);
        FakeServer(RefCell::new(state))
    }
}

impl State {
    /// The server's answer to this build when it no longer syncs with it.
    fn protocol_refusal(&self) -> Result<(), HttpError> {
        let client = shared::sync::PROTOCOL_VERSION;
        if shared::sync::protocol_supported(client, self.min_protocol) {
            return Ok(());
        }
        Err(HttpError::Status {
            status: 426,
            error: Some(ApiError::upgrade_required(client, self.min_protocol)),
        })
    }

    /// The pull check of the operation at `cursor` (1-based in the log), as the server's.
    fn check_at(&self, cursor: u64) -> Option<String> {
        let op = self.log.get((cursor as usize).checked_sub(1)?)?;
        Some(shared::sync::cursor_check_of(&op.content_hash()))
    }

    /// The server's database put back as it was when it held the first `len` operations (an
    /// older backup restored): what came after is gone.
    fn restore(&mut self, len: usize) {
        let kept: Vec<Operation> = self.log.drain(..).take(len).collect();
        self.by_id.clear();
        self.records.clear();
        self.seed(kept);
    }

    /// Operations other devices pushed earlier: stored and merged as an accepted push would.
    fn seed(&mut self, ops: impl IntoIterator<Item = Operation>) {
        for op in ops {
            let merged = shared::merge::apply(self.records.remove(&op.entity_id), &op).record;
            self.records.insert(op.entity_id, merged);
            self.by_id.insert(op.id, op.content_hash());
            self.log.push(op);
        }
    }
}

fn network() -> HttpError {
    HttpError::Network("Failed to fetch".into())
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

impl Transport for FakeServer {
    async fn push(&self, request: &PushRequest) -> Result<PushResponse, HttpError> {
        let during = {
            let mut s = self.0.borrow_mut();
            let this_push = s.pushes + 1;
            match s.during_push.take() {
                Some((n, store, what)) if n == this_push => Some((store, what)),
                other => {
                    s.during_push = other;
                    None
                }
            }
        };
        match during {
            Some((store, DuringPush::Discard(id))) => {
                let discarded = store.discard_unsent(EntityKind::Person, id).await.unwrap();
                self.0.borrow_mut().discarded = Some(discarded);
            }
            Some((store, DuringPush::MoveTo(id, branch))) => {
                assert!(store.assign_branch(EntityKind::Person, id, branch).await.unwrap());
            }
            None => {}
        }
        let mut guard = self.0.borrow_mut();
        let s = &mut *guard;
        s.pushes += 1;
        if s.fail_push == Some(s.pushes) {
            return Err(network());
        }
        s.protocol_refusal()?;
        // Same id with other content, stored before or twice in this batch: the whole push is
        // refused with the server's answer.
        let mut in_batch: HashMap<Uuid, String> = HashMap::new();
        for op in &request.ops {
            let hash = op.content_hash();
            let earlier = s.by_id.get(&op.id).or(in_batch.get(&op.id));
            if earlier.is_some_and(|h| *h != hash) {
                return Err(HttpError::Status {
                    status: 409,
                    error: Some(ApiError::op_id_conflict(op.id)),
                });
            }
            in_batch.insert(op.id, hash);
        }
        let time = PolicyTime::now();
        let mut results = Vec::new();
        // As the server: a record refused once in a push has its later operations in it refused
        // as following a refusal.
        let mut refused_records = std::collections::HashSet::new();
        for (index, op) in request.ops.iter().enumerate() {
            if s.take_at_most.is_some_and(|n| index >= n) {
                break;
            }
            if s.omit.contains(&op.id) {
                continue;
            }
            if s.by_id.contains_key(&op.id) {
                results.push(OpResult::duplicate(op.id));
                continue;
            }
            if refused_records.contains(&op.entity_id) {
                let rejection = policy::preceded_by_refusal();
                let worded = field::i18n::messages::words_or(Some(&rejection.message), "");
                results.push(rejection.into_result(op, worded));
                continue;
            }
            let person = surveyed_person(&s.records, op);
            let ctx = policy::Context {
                account: &s.account,
                time,
                current: s.records.get(&op.entity_id),
                person: person.as_ref(),
            };
            match policy::admit(ctx, op) {
                Ok(applied) => {
                    s.records.insert(op.entity_id, applied.record);
                    s.by_id.insert(op.id, op.content_hash());
                    s.log.push(op.clone());
                    results.push(OpResult::accepted(op.id));
                }
                Err(rejection) => {
                    refused_records.insert(op.entity_id);
                    let worded = field::i18n::messages::words_or(Some(&rejection.message), "");
                    results.push(rejection.into_result(op, worded))
                }
            }
        }
        let now = now_ms();
        for op in &request.ops {
            if policy::within_bound(op.hlc.millis, now) {
                s.clock.observe(&op.hlc, now);
            }
        }
        let server_now = now.saturating_add_signed(s.clock_offset_ms);
        let server_hlc = s.clock.tick(server_now);
        if s.lose_answer == Some(s.pushes) {
            return Err(network());
        }
        Ok(PushResponse { results, server_hlc })
    }

    async fn pull(&self, from: &PullPosition, limit: u32) -> Result<PullResponse, HttpError> {
        let mut s = self.0.borrow_mut();
        s.pulls += 1;
        if s.fail_pull == Some(s.pulls) {
            return Err(network());
        }
        if s.pull_times_out == Some(s.pulls) {
            return Err(HttpError::Timeout);
        }
        s.protocol_refusal()?;
        let cursor = from.cursor;
        // As the server: a check that does not name the operation held at the cursor (or none
        // is held there) is answered 409 history_changed.
        if let Some(check) = from.check.as_deref().filter(|_| cursor > 0)
            && s.check_at(cursor).as_deref() != Some(check)
        {
            return Err(HttpError::Status {
                status: 409,
                error: Some(ApiError::history_changed()),
            });
        }
        if from.acked.is_some_and(|id| !s.by_id.contains_key(&id)) {
            return Err(HttpError::Status {
                status: 409,
                error: Some(ApiError::history_changed()),
            });
        }
        // As the server's route: the page size is clamped, not ignored.
        let limit = limit.clamp(1, MAX_PULL_LIMIT) as usize;
        let role = s.account.role;
        let visible = |op: &&Operation| s.account.can_see_branch(&op.branch_id);
        let mut ops = Vec::new();
        let mut next = cursor as usize;
        for op in s.log.iter().skip(cursor as usize) {
            if ops.len() == limit {
                break;
            }
            next += 1;
            if visible(&op) {
                let mut op = op.clone();
                redact_op(&mut op, role);
                ops.push(op);
            }
        }
        let more = s.log.iter().skip(next).any(|op| visible(&op));
        let cursor_check = s.check_at(next as u64);
        Ok(PullResponse { ops, cursor: next as u64, cursor_check, more })
    }

    async fn attachment_status(&self, sha256: &str) -> Result<AttachmentStatus, HttpError> {
        let s = self.0.borrow();
        Ok(match s.blobs.get(sha256).filter(|_| !s.status_unknown) {
            Some((bytes, total)) => status_of(sha256, bytes, *total),
            None => AttachmentStatus { received: 0, total: 0, complete: false },
        })
    }

    async fn put_chunk(
        &self,
        sha256: &str,
        offset: u64,
        total: u64,
        bytes: &[u8],
    ) -> Result<AttachmentStatus, HttpError> {
        let mut s = self.0.borrow_mut();
        s.chunk_offsets.push(offset);
        if s.fail_chunk == Some(s.chunk_offsets.len()) {
            return Err(network());
        }
        if s.refuse_blobs.iter().any(|r| r == sha256) {
            // As the server's own refusal: with its error code (a proxy's would have none).
            return Err(HttpError::Status {
                status: 413,
                error: Some(ApiError {
                    code: "payload_too_large".into(),
                    message: "请求内容过大".into(),
                    received: None,
                    reason: None,
                    args: Default::default(),
                }),
            });
        }
        if s.proxy_refuses_blobs {
            return Err(HttpError::Status { status: 413, error: None });
        }
        if let Some(reason) = &s.chunks_refused {
            let (code, status) = match reason.code.as_ref() {
                "photo_quota" => ("photo_quota", 429),
                _ => ("storage_full", 507),
            };
            let error = ApiError {
                code: code.into(),
                message: String::new(),
                received: None,
                reason: None,
                args: Default::default(),
            }
            .with_message(reason.clone());
            return Err(HttpError::Status { status, error: Some(error) });
        }
        if s.fail_blobs.iter().any(|r| r == sha256) {
            return Err(HttpError::Status { status: 409, error: None });
        }
        let entry = s.blobs.entry(sha256.to_owned()).or_insert_with(|| (Vec::new(), total));
        if offset != entry.0.len() as u64 {
            return Err(HttpError::Status {
                status: 409,
                error: Some(ApiError {
                    code: "offset_mismatch".into(),
                    message: "偏移量不符".into(),
                    received: Some(entry.0.len() as u64),
                    reason: None,
                    args: Default::default(),
                }),
            });
        }
        entry.0.extend_from_slice(bytes);
        let (held, total) = (entry.0.clone(), entry.1);
        Ok(status_of(sha256, &held, total))
    }
}

/// The person a survey op refers to, as the server looks it up for the policy.
fn surveyed_person(records: &HashMap<Uuid, Record>, op: &Operation) -> Option<Person> {
    if op.entity != EntityKind::Survey {
        return None;
    }
    let from_op = op.changes.iter().find(|c| c.field == "person_id").map(|c| &c.value);
    let value = from_op.or_else(|| records.get(&op.entity_id).and_then(|r| r.get("person_id")));
    let id = value.and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok())?;
    records
        .get(&id)
        .filter(|r| r.entity == EntityKind::Person && !r.is_deleted())
        .and_then(|r| r.to_typed().ok())
}

fn status_of(sha256: &str, bytes: &[u8], total: u64) -> AttachmentStatus {
    let complete = bytes.len() as u64 == total && sha256_hex(bytes) == sha256;
    AttachmentStatus { received: bytes.len() as u64, total, complete }
}

async fn save_people(store: &Store, n: usize, branch: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..n {
        let id = Uuid::now_v7();
        store
            .save(EntityKind::Person, id, branch, changes(&[("name", json!(format!("党员{i}")))]))
            .await
            .unwrap();
        ids.push(id);
    }
    ids
}

async fn outbox_ids(store: &Store) -> Vec<Uuid> {
    store.outbox_batch(u32::MAX).await.unwrap().into_iter().map(|e| e.op.id).collect()
}

// ---------------------------------------------------------------------------------------------
// Push
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn push_drains_the_outbox_in_batches_and_reports_progress() {
    let store = fresh().await;
    save_people(&store, 620, "b1").await;
    let server = FakeServer::with(|_| {});
    let seen = RefCell::new(Vec::new());
    let progress =
        |phase: Phase, done: u32, total: u32| seen.borrow_mut().push((phase, done, total));
    let report = engine::run_once(&store, &server, &progress).await.unwrap();

    assert_eq!(report.pushed, 620);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(server.0.borrow().pushes, 2, "500 + 120");
    let pushing: Vec<(u32, u32)> = seen
        .borrow()
        .iter()
        .filter(|(p, ..)| *p == Phase::Pushing)
        .map(|(_, d, t)| (*d, *t))
        .collect();
    assert_eq!(pushing, [(0, 620), (500, 620), (620, 620)]);
    // Our own operations come back on the pull and change nothing.
    assert_eq!(report.pulled, 620);
    assert_eq!(report.changed_records, 0);
}

/// A record the person discards while a sync run pushes (a survey given up on, its first batch
/// on the way) is left out of the pushes still to come, though the run read its change from the
/// outbox before: removed from the tablet as never sent, it must never reach the office
/// (`Store::note_sending` checks each push's operations still queued in the transaction that
/// notes them; before session 50 the run sent what it had read).
#[wasm_bindgen_test]
async fn a_record_discarded_while_a_sync_run_pushes_is_not_sent_after_it() {
    let store = fresh().await;
    save_people(&store, field::sync::plan::PUSH_MAX_OPS, "b1").await;
    let given_up = save_people(&store, 1, "b1").await[0];
    let server = FakeServer::with(|s| {
        s.during_push = Some((1, store.clone(), DuringPush::Discard(given_up)));
    });

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    {
        let state = server.0.borrow();
        assert_eq!(state.discarded, Some(field::store::Discarded::Removed), "never sent: removed");
        assert_eq!(state.pushes, 1, "the second batch held only the discarded change");
        assert!(state.log.iter().all(|op| op.entity_id != given_up), "the office never got it");
    }
    assert_eq!(report.pushed, field::sync::plan::PUSH_MAX_OPS);
    assert!(report.rejected.is_empty());
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert!(store.get(EntityKind::Person, given_up).await.unwrap().is_none());
    assert!(!store.reached_server(given_up).await.unwrap(), "not left noted as maybe sent");
}

/// A branch corrected while a sync run pushes (the record not sent yet, its change read from
/// the outbox before) goes to the office as corrected: the run reads again what was rewritten
/// since it read the outbox (`meta` `outbox_rewrites`), never sends the change as it was. Sent
/// as read (before session 50), the office kept the old branch under the change's id while the
/// tablet held the new one.
#[wasm_bindgen_test]
async fn a_branch_corrected_while_a_sync_run_pushes_goes_as_corrected() {
    let store = fresh().await;
    save_people(&store, field::sync::plan::PUSH_MAX_OPS, "b1").await;
    let moved = save_people(&store, 1, "b1").await[0];
    let server = FakeServer::with(|s| {
        s.account.branches.push("b2".into());
        s.during_push = Some((1, store.clone(), DuringPush::MoveTo(moved, "b2")));
    });

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, field::sync::plan::PUSH_MAX_OPS + 1);
    assert!(report.rejected.is_empty());
    {
        let state = server.0.borrow();
        let sent: Vec<&str> = state
            .log
            .iter()
            .filter(|op| op.entity_id == moved)
            .map(|op| op.branch_id.as_str())
            .collect();
        assert_eq!(sent, ["b2"], "sent as corrected");
        assert_eq!(state.records[&moved].branch_id, "b2");
    }
    assert_eq!(store.history(moved).await.unwrap().len(), 1, "acknowledged once");
    let record = store.get(EntityKind::Person, moved).await.unwrap().unwrap();
    assert_eq!(record.branch_id, "b2");
}

#[wasm_bindgen_test]
async fn only_acknowledged_operations_leave_the_outbox() {
    let store = fresh().await;
    let ok = save_people(&store, 3, "b1").await;
    save_people(&store, 1, "forbidden").await;
    let ids = outbox_ids(&store).await;
    let unnamed = ids[1];
    let server = FakeServer::with(|s| s.omit = vec![unnamed]);

    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Unacknowledged(1));
    assert_eq!(err.to_string(), "服务器未确认 1 条修改，稍后自动重试");
    assert_eq!(outbox_ids(&store).await, [unnamed], "the op the server did not name stays queued");

    let kept = rejected::list(&store).await.unwrap();
    assert_eq!(kept.len(), 1, "the refused op is set aside, not retried forever");
    assert_eq!(kept[0].op.id, ids[3]);
    assert_eq!(kept[0].code.as_deref(), Some("forbidden_branch"));
    assert_eq!(kept[0].message, "支部“forbidden”不在您的工作范围内", "the policy's own words");
    assert_eq!(
        store.get(EntityKind::Person, ok[0]).await.unwrap().unwrap().str_field("name"),
        "党员0"
    );

    // Next run: the server names it; a resent accepted op is a duplicate and also leaves.
    server.0.borrow_mut().omit.clear();
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, 1);
    assert!(report.rejected.is_empty());
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(server.0.borrow().log.len(), 3, "each accepted op stored once");
}

/// Past its bound on the conflicts one push makes, the server takes no more operations of the
/// push and leaves them out of its answer (before, it refused them: the surveyor had to open
/// each record and resubmit it, and the resubmission made none of their conflicts). The tablet
/// sends what was left out again at once, in the same run, until all is taken.
#[wasm_bindgen_test]
async fn what_a_push_leaves_for_the_next_is_sent_again_in_the_same_run() {
    let store = fresh().await;
    let ids = save_people(&store, 10, "b1").await;
    let server = FakeServer::with(|s| s.take_at_most = Some(3));

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, 10);
    assert!(report.rejected.is_empty());
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let state = server.0.borrow();
    assert_eq!(state.pushes, 4, "3 + 3 + 3 + 1");
    let stored: Vec<Uuid> = state.log.iter().map(|op| op.entity_id).collect();
    assert_eq!(stored, ids, "each once, in the order saved");
}

/// A change left out of a push's answer whose record had an earlier change refused in that
/// push is not sent again on its own: it waits for the record's 重新提交 (the server would have
/// taken it alone, storing half the record).
#[wasm_bindgen_test]
async fn a_change_left_for_the_next_push_waits_when_its_record_was_refused() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let bad = changes(&[("name", json!("郑来福")), ("phone", json!("12345"))]);
    store.save(EntityKind::Person, id, "b1", bad).await.unwrap();
    store.save(EntityKind::Person, id, "b1", changes(&[("notes", json!("补充"))])).await.unwrap();
    let queued = outbox_ids(&store).await;
    let server = FakeServer::with(|s| s.take_at_most = Some(1));

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.rejected.len(), 1, "the invalid phone is refused");
    assert_eq!(report.rejected[0].op.id, queued[0]);
    assert_eq!(report.held, 1, "the later change waits with its record");
    assert_eq!(server.0.borrow().pushes, 1, "not sent again alone");
    assert!(server.0.borrow().log.is_empty());
    assert_eq!(outbox_ids(&store).await, [queued[1]]);
}

/// A record refused in one push of a run keeps its later changes with it in the run's next
/// push too (the outbox is sent in pushes of 500): sent without the refused one, the server
/// stored half the record, and its 重新提交 then met a record the office already held in part.
#[wasm_bindgen_test]
async fn a_record_refused_in_one_push_keeps_its_later_changes_out_of_the_next() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let bad = changes(&[("name", json!("郑来福")), ("phone", json!("12345"))]);
    store.save(EntityKind::Person, id, "b1", bad).await.unwrap();
    save_people(&store, field::sync::plan::PUSH_MAX_OPS, "b1").await;
    store.save(EntityKind::Person, id, "b1", changes(&[("notes", json!("补充"))])).await.unwrap();
    let queued = outbox_ids(&store).await;
    let server = FakeServer::with(|_| {});

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(server.0.borrow().pushes, 2, "two pushes of the outbox");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].op.id, queued[0], "the invalid phone is refused");
    assert_eq!(report.held, 1, "the record's later change waits with it");
    let stored = server.0.borrow().log.iter().filter(|op| op.entity_id == id).count();
    assert_eq!(stored, 0, "nothing of the refused record is stored");
    assert_eq!(outbox_ids(&store).await, [*queued.last().unwrap()]);
    assert_eq!(report.pushed, field::sync::plan::PUSH_MAX_OPS);
}

#[wasm_bindgen_test]
async fn a_record_refused_in_a_split_push_keeps_its_later_changes_out_of_the_rest() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let bad = changes(&[("name", json!("郑来福")), ("phone", json!("12345"))]);
    store.save(EntityKind::Person, id, "b1", bad).await.unwrap();
    save_people(&store, 1, "b1").await;
    store.save(EntityKind::Person, id, "b1", changes(&[("notes", json!("补充"))])).await.unwrap();
    let queued = outbox_ids(&store).await;
    // The server holds the middle operation with other content: the whole push is refused
    // (409) and sent again an operation at a time.
    let server = FakeServer::with(|s| {
        s.by_id.insert(queued[1], "other content".into());
    });

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.rejected.len(), 2, "the invalid phone and the operation held elsewhere");
    assert_eq!(report.held, 1, "the refused record's later change waits with it");
    let stored = server.0.borrow().log.iter().filter(|op| op.entity_id == id).count();
    assert_eq!(stored, 0, "nothing of the refused record is stored");
    assert_eq!(outbox_ids(&store).await, [queued[2]]);
}

#[wasm_bindgen_test]
async fn a_network_failure_mid_push_keeps_the_unsent_batches() {
    let store = fresh().await;
    save_people(&store, 700, "b1").await;
    let server = FakeServer::with(|s| s.fail_push = Some(2));
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    assert_eq!(err.to_string(), "无法连接服务器，稍后自动重试");
    assert!(err.is_transient());
    assert_eq!(
        store.outbox_len().await.unwrap(),
        200,
        "the acknowledged first batch left, the rest stayed"
    );

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, 200);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(server.0.borrow().log.len(), 700);
}

#[wasm_bindgen_test]
async fn a_batch_refused_for_one_operation_is_split_and_only_that_one_set_aside() {
    let store = fresh().await;
    save_people(&store, 4, "b1").await;
    let ids = outbox_ids(&store).await;
    let entries = store.outbox_batch(10).await.unwrap();
    // The server already holds op #2 with other content (e.g. a tablet restored from an old copy).
    let server = FakeServer::with(|s| {
        s.by_id.insert(ids[2], "other content".into());
    });
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, 3);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].op, entries[2].op);
    let answer = ApiError::op_id_conflict(ids[2]);
    assert_eq!(report.rejected[0].code.as_deref(), Some(answer.code.as_str()));
    assert_eq!(report.rejected[0].message, answer.message);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(
        rejected_summary(&report.rejected).unwrap(),
        format!("服务器拒绝了 1 条修改：{}", answer.message)
    );
}

#[wasm_bindgen_test]
async fn rejected_operations_can_be_queued_again_or_dismissed() {
    let store = fresh().await;
    save_people(&store, 2, "forbidden").await;
    let ids = outbox_ids(&store).await;
    let server = FakeServer::with(|_| {});
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.rejected.len(), 2);
    assert_eq!(store.outbox_len().await.unwrap(), 0);

    assert_eq!(rejected::requeue(&store, &ids[..1]).await.unwrap(), 1);
    assert_eq!(outbox_ids(&store).await, ids[..1], "same operation id queued again");
    rejected::dismiss(&store, &ids[1..]).await.unwrap();
    assert!(rejected::list(&store).await.unwrap().is_empty());
    // Refused again on the next push, and kept once.
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    let kept = rejected::list(&store).await.unwrap();
    assert_eq!(kept.iter().map(|r| r.op.id).collect::<Vec<_>>(), ids[..1]);
}

// ---------------------------------------------------------------------------------------------
// Pull
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn pull_applies_pages_and_saves_the_cursor_only_after_each_page() {
    let store = fresh().await;
    // Three pages of the engine's page size (the server answers at most `limit` ops).
    let n = PULL_LIMIT as usize * 2 + 3;
    let people: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
    let server = FakeServer::with(|s| {
        s.fail_pull = Some(2);
        s.seed(people.iter().enumerate().map(|(i, id)| {
            remote_op("tabletB", 1_000 + i as u64, *id, "name", json!(format!("乙{i}")))
        }));
    });
    let page = PULL_LIMIT as usize;
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    assert_eq!(
        store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(),
        Some(page as u64),
        "page 1 stored, page 2 not"
    );
    assert!(store.get(EntityKind::Person, people[page - 1]).await.unwrap().is_some());
    assert!(store.get(EntityKind::Person, people[page]).await.unwrap().is_none());

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pulled, n - page, "resumed after the stored cursor");
    assert_eq!(store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(n as u64));
    for i in [0, page - 1, page, 2 * page, n - 1] {
        assert_eq!(
            store.get(EntityKind::Person, people[i]).await.unwrap().unwrap().str_field("name"),
            format!("乙{i}")
        );
    }
    // Pulled changes never enter this device's outbox.
    assert_eq!(store.outbox_len().await.unwrap(), 0);
}

/// The office restores an older backup: what this tablet sent after it is gone from the
/// server, and the server numbers new operations again from where the backup stopped. The next
/// pull is told (`history_changed`), sends this tablet's changes again, pulls from the start —
/// the operation that took the lost ones' numbers included — and keeps a notice that says so.
#[wasm_bindgen_test]
async fn a_server_restored_from_a_backup_gets_this_tablets_changes_again() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    let first = save_people(&store, 2, "b1").await;
    let photo = vec![7u8; 2_000];
    let sha = store.put_attachment(&blob_of(&photo, "image/jpeg"), "image/jpeg", 10, 10).await;
    let sha = sha.unwrap();
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    let backed_up = server.0.borrow().log.len();
    let later = save_people(&store, 3, "b1").await;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!((report.pushed, report.resent_after_restore), (3, None));
    assert_eq!(store.outbox_len().await.unwrap(), 0);

    // The backup goes back in place, with a photo folder older still (the photo is not in it);
    // another tablet's change takes the number the first lost operation had.
    let elsewhere = Uuid::now_v7();
    {
        let mut s = server.0.borrow_mut();
        s.restore(backed_up);
        s.blobs = HashMap::new();
        s.seed([remote_op("tabletB", now_ms(), elsewhere, "name", json!("乙"))]);
    }
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.resent_after_restore, Some(5), "every change this tablet made");
    assert_eq!(report.pushed, 5, "acknowledged: the two the server kept as duplicates");
    assert_eq!(report.uploaded, 1, "the photo the server no longer holds, sent again");
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let on_server: Vec<Uuid> = server.0.borrow().log.iter().map(|op| op.entity_id).collect();
    for id in first.iter().chain(&later) {
        assert_eq!(on_server.iter().filter(|e| *e == id).count(), 1, "stored once: {id}");
    }
    assert_eq!(server.0.borrow().blobs[&sha].0, photo);
    assert!(store.get(EntityKind::Person, elsewhere).await.unwrap().is_some(), "pulled from 0");
    let position = store.pull_position().await.unwrap();
    assert_eq!(position.cursor, server.0.borrow().log.len() as u64);
    assert!(position.check.is_some());
    let notice: field::store::ServerRestored =
        store.meta_get(meta_keys::SERVER_RESTORED).await.unwrap().unwrap();
    assert_eq!((notice.resent, notice.complete), (5, true));

    // Nothing more to say on the next run; the notice stays until read.
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!((report.pushed, report.resent_after_restore), (0, None));
    assert!(store.meta_has(meta_keys::SERVER_RESTORED).await.unwrap());
    field::services::storage_loss::acknowledge_server_restored(&store).await.unwrap();
    assert!(!store.meta_has(meta_keys::SERVER_RESTORED).await.unwrap());
}

/// A restore found before a push: the changes queued meanwhile wait until the server has
/// again what they build on (sent after the ones it lost, in one push), and the change the
/// server refused stays aside, refused once (it is not in `history`).
#[wasm_bindgen_test]
async fn a_restore_found_before_a_push_sends_what_was_lost_first_and_each_once() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    save_people(&store, 1, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    save_people(&store, 1, "b1").await;
    save_people(&store, 1, "forbidden").await;
    server.0.borrow_mut().restore(0);
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.resent_after_restore, Some(1), "the one acknowledged before");
    assert_eq!(report.rejected.len(), 1, "the refused one, refused once");
    let log: Vec<u64> = server.0.borrow().log.iter().map(|op| op.hlc.millis).collect();
    assert_eq!(log.len(), 2, "each change stored once");
    assert!(log[0] < log[1], "the lost change first, then the one queued since");
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(rejected::list(&store).await.unwrap().len(), 1);
}

/// A push acknowledged after the backup, with the pull that followed lost: the cursor still
/// names an operation the backup holds, but the last acknowledged change does not, and the
/// next run finds that.
#[wasm_bindgen_test]
async fn a_restore_behind_an_acknowledged_push_is_found_by_the_last_acknowledged_change() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    save_people(&store, 1, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    let later = save_people(&store, 1, "b1").await;
    // Pull 2 is the check before the push, pull 3 the pull after it.
    server.0.borrow_mut().fail_pull = Some(3);
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    assert_eq!(store.outbox_len().await.unwrap(), 0, "acknowledged");
    server.0.borrow_mut().restore(1);
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.resent_after_restore, Some(2));
    let on_server: Vec<Uuid> = server.0.borrow().log.iter().map(|op| op.entity_id).collect();
    assert!(on_server.contains(&later[0]), "the change lost with the restore is back");
}

/// A server that does not answer the check before the push within the request's time (a line
/// that carries nothing, a server stuck): the run ends there, saying so, and sends nothing. A
/// push after it would make the surveyor wait as long again for the same answer (the check is
/// the smallest read there is); what is queued stays queued for the next run.
#[wasm_bindgen_test]
async fn a_check_before_the_push_with_no_answer_ends_the_run_with_everything_still_queued() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    save_people(&store, 1, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    save_people(&store, 1, "b1").await;
    let queued = store.outbox_len().await.unwrap();
    assert!(queued > 0);
    // Pull 2 is the check before the push.
    server.0.borrow_mut().pull_times_out = Some(2);
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Timeout);
    assert_eq!(server.0.borrow().pushes, 1, "nothing sent after the check went unanswered");
    assert_eq!(store.outbox_len().await.unwrap(), queued, "still queued");
    // A check cut short (no network for a moment) still lets the push go.
    server.0.borrow_mut().fail_pull = Some(3);
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(server.0.borrow().pushes, 2);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
}

/// Another surveyor of branch `b1` signs in on the tablet (and at the server), and the server's
/// database goes back to its first `kept` operations.
async fn sign_in_other_after_restore(store: &Store, server: &FakeServer, kept: usize) -> Account {
    let other = Account {
        username: "other".into(),
        display_name: "另一位".into(),
        role: Role::Surveyor,
        branches: vec!["b1".into()],
    };
    store.set_author("other").await.unwrap();
    let mut s = server.0.borrow_mut();
    s.account = other.clone();
    s.restore(kept);
    other
}

/// The run that resends is cut off (its push lost): the next run still sends the changes
/// queued again without the tablet's checks as the account signed in now, and only then
/// says the resend is done.
#[wasm_bindgen_test]
async fn an_interrupted_resend_goes_on_at_the_next_run_and_then_says_done() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    save_people(&store, 2, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    let other = sign_in_other_after_restore(&store, &server, 1).await;
    // Push 1 was the first run's; push 2 is the resend's.
    server.0.borrow_mut().fail_push = Some(2);
    let err = engine::run_once_as(&store, &server, Some(&other), &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    let notice: field::store::ServerRestored =
        store.meta_get(meta_keys::SERVER_RESTORED).await.unwrap().unwrap();
    assert_eq!((notice.resent, notice.complete), (2, false), "queued again, not sent yet");
    let report = engine::run_once_as(&store, &server, Some(&other), &no_progress).await.unwrap();
    assert_eq!(report.resent_after_restore, None, "found once");
    assert_eq!(report.pushed, 1, "the one the server held: a duplicate, not refused here");
    assert_eq!(report.rejected.len(), 1);
    assert!(!report.rejected[0].on_tablet, "refused by the server: {:?}", report.rejected[0]);
    let notice: field::store::ServerRestored =
        store.meta_get(meta_keys::SERVER_RESTORED).await.unwrap().unwrap();
    assert!(notice.complete);
}

/// Another account signed in on the tablet since: the changes the first account made are sent
/// again without the tablet's checks as the new account, so those the server holds are answered
/// as duplicates (not refused on the tablet), and only one it lost is refused — by the server,
/// with its reason.
#[wasm_bindgen_test]
async fn after_another_sign_in_only_what_the_server_lost_is_refused() {
    let store = fresh().await;
    let server = FakeServer::with(|_| {});
    save_people(&store, 1, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    save_people(&store, 1, "b1").await;
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    let other = sign_in_other_after_restore(&store, &server, 1).await;
    let report = engine::run_once_as(&store, &server, Some(&other), &no_progress).await.unwrap();
    assert_eq!(report.resent_after_restore, Some(2));
    assert_eq!(report.pushed, 1, "the one the server held, acknowledged as a duplicate");
    assert_eq!(report.rejected.len(), 1, "the lost one, refused by the server");
    assert!(!report.rejected[0].on_tablet, "{:?}", report.rejected[0]);
}

#[wasm_bindgen_test]
async fn two_devices_converge_through_push_and_pull() {
    let a = fresh().await;
    let b = fresh().await;
    let server = FakeServer::with(|_| {});
    let id = Uuid::now_v7();
    a.save(
        EntityKind::Person,
        id,
        "b1",
        changes(&[("name", json!("张三")), ("phone", json!("13800000000"))]),
    )
    .await
    .unwrap();
    engine::run_once(&a, &server, &no_progress).await.unwrap();
    engine::run_once(&b, &server, &no_progress).await.unwrap();
    // Both edit offline: different fields, and the same field.
    a.save(
        EntityKind::Person,
        id,
        "b1",
        changes(&[("phone", json!("13911111111")), ("name", json!("张三丰"))]),
    )
    .await
    .unwrap();
    b.save(
        EntityKind::Person,
        id,
        "b1",
        changes(&[("village_unit", json!("东沙村")), ("name", json!("张叁"))]),
    )
    .await
    .unwrap();
    engine::run_once(&a, &server, &no_progress).await.unwrap();
    let report_b = engine::run_once(&b, &server, &no_progress).await.unwrap();
    engine::run_once(&a, &server, &no_progress).await.unwrap();

    let ra = a.get(EntityKind::Person, id).await.unwrap().unwrap();
    let rb = b.get(EntityKind::Person, id).await.unwrap().unwrap();
    assert_eq!(ra.fields, rb.fields, "both devices reach the same record");
    assert_eq!(ra.str_field("phone"), "13911111111");
    assert_eq!(ra.str_field("village_unit"), "东沙村");
    assert_eq!(ra.str_field("name"), "张叁", "the later clock wins the same field");
    // b finds the one conflict (name) when a's edit arrives; a finds it when b's arrives.
    assert_eq!(report_b.conflicts, 1);
    let ca = a.conflicts().await.unwrap();
    let cb = b.conflicts().await.unwrap();
    assert_eq!(ca.len(), 1);
    assert_eq!(cb.len(), 1);
    assert_eq!(ca[0], cb[0], "the same conflict, with the same id and content, on both");
    assert_eq!(ca[0].field, "name");
    assert_eq!(ca[0].winner_value, json!("张叁"));
    assert_eq!(ca[0].loser_value, json!("张三丰"));
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

/// A push stored at the server whose answer was lost: the tablet cannot tell that its changes
/// arrived, so a branch corrected now must not rewrite them under the same ids (the server
/// would refuse the next push of them as `op_id_conflict`, and the record would stay in the old
/// branch there, refused here) nor may the record be discarded as never sent. Once an answer
/// comes, what the server refused may be corrected again. The same holds once an export file
/// was written: the office may have imported it.
#[wasm_bindgen_test]
async fn a_record_whose_push_answer_was_lost_or_that_was_exported_keeps_its_change_ids() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let member = changes(&[("name", json!("何阿水")), ("branch_id", json!("b1"))]);
    store.save(EntityKind::Person, id, "b1", member).await.unwrap();
    let server = FakeServer::with(|s| s.lose_answer = Some(1));
    assert!(engine::run_once(&store, &server, &no_progress).await.is_err(), "the answer lost");
    assert!(server.0.borrow().records.contains_key(&id), "yet the server stored it");
    assert!(store.reached_server(id).await.unwrap(), "may have reached the server");
    assert!(!store.assign_branch(EntityKind::Person, id, "b2").await.unwrap(), "not rewritten");
    assert_eq!(
        store.discard_unsent(EntityKind::Person, id).await.unwrap(),
        field::store::Discarded::Tombstoned,
        "a deletion is sent, not a silent local removal"
    );
    // The next run: answered (duplicates and the deletion), nothing refused as op_id_conflict.
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(server.0.borrow().records[&id].is_deleted());

    // Exported in a file: the same, until a push answers for it.
    let other = Uuid::now_v7();
    let member = changes(&[("name", json!("何阿山")), ("branch_id", json!("b1"))]);
    store.save(EntityKind::Person, other, "b1", member).await.unwrap();
    assert!(!store.reached_server(other).await.unwrap());
    transfer::export_text(&store, Scope::Pending, None).await.unwrap();
    assert!(store.reached_server(other).await.unwrap(), "the office may import the file");
    assert!(!store.assign_branch(EntityKind::Person, other, "b2").await.unwrap());

    // Refused by the server: answered, and correctable again.
    let refused = Uuid::now_v7();
    let member = changes(&[("name", json!("何阿海")), ("branch_id", json!("b9"))]);
    store.save(EntityKind::Person, refused, "b9", member).await.unwrap();
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert!(!store.reached_server(refused).await.unwrap(), "the answer said: not stored");
    assert!(store.reached_server(other).await.unwrap(), "acknowledged: in the history");
    // Exported after it was refused: the office's import refuses it too, so it stays
    // correctable (the file holds refused changes; only queued ones mark their records).
    transfer::export_text(&store, Scope::Pending, None).await.unwrap();
    assert!(!store.reached_server(refused).await.unwrap(), "still correctable");
    assert!(store.assign_branch(EntityKind::Person, refused, "b1").await.unwrap());
}

// ---------------------------------------------------------------------------------------------
// A tablet whose date was once ahead
// ---------------------------------------------------------------------------------------------

const YEAR_MS: u64 = 365 * 24 * 3_600_000;

/// The tablet's stored clock put a year ahead, as a date set a year ahead leaves it: every
/// change saved afterwards is stamped a year ahead, whatever the date says now.
async fn clock_a_year_ahead(store: &Store) {
    let clock = HlcClock { device: store.clock_device(), millis: now_ms() + YEAR_MS, counter: 0 };
    store.meta_set(meta_keys::CLOCK, &clock).await.unwrap();
}

/// The date was a year ahead while the surveyor worked (every change refused as
/// `clock_ahead`), then corrected: the next sync brings the tablet's stamps back to the present
/// and sends what was refused for them; nothing stays stranded, and a later edit still wins.
/// While the date still disagrees with the server's, nothing is re-stamped.
#[wasm_bindgen_test]
async fn changes_stamped_while_the_date_was_ahead_reach_the_server_once_it_is_corrected() {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    clock_a_year_ahead(&store).await;
    let id = Uuid::now_v7();
    let person = |phone: &str| {
        changes(&[("name", json!("郑来福")), ("branch_id", json!("b1")), ("phone", json!(phone))])
    };
    store.save(EntityKind::Person, id, "b1", person("13800000001")).await.unwrap();
    store.save(EntityKind::Person, id, "b1", person("13800000002")).await.unwrap();
    assert!(
        store.get(EntityKind::Person, id).await.unwrap().unwrap().updated.millis
            > now_ms() + YEAR_MS / 2
    );

    // The tablet's date still a year ahead of the server's: refused, and not re-stamped.
    let server = FakeServer::with(|s| s.clock_offset_ms = -(YEAR_MS as i64));
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.restamped, None);
    let codes: Vec<Option<&str>> = report.rejected.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(codes, [Some("clock_ahead"), Some("preceded_by_refusal")]);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 1 }
    );

    // The date corrected: the run re-stamps and sends both changes.
    server.0.borrow_mut().clock_offset_ms = 0;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    let (restamped, requeued) = report.restamped.expect("re-stamped");
    assert!(restamped >= 2, "{restamped}");
    assert_eq!(requeued, 2);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.pushed, 2);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default()
    );
    assert!(!store.clock_ahead_of(now_ms()).await.unwrap());
    let held = server.0.borrow().records[&id].clone();
    assert_eq!(held.fields["phone"], json!("13800000002"), "the later change won");
    let local = store.get(EntityKind::Person, id).await.unwrap().unwrap();
    assert_eq!(local.fields["phone"], json!("13800000002"));
    assert!(policy::within_bound(local.updated.millis, now_ms()));
    assert_eq!(local.meta["phone"].clock, held.meta["phone"].clock, "the same stamps everywhere");

    // An edit made now wins over what was re-stamped, and goes.
    store.save(EntityKind::Person, id, "b1", person("13800000003")).await.unwrap();
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!((report.pushed, report.rejected.len(), report.restamped), (1, 0, None));
    assert_eq!(server.0.borrow().records[&id].fields["phone"], json!("13800000003"));
}

/// A form that read a value before the stamps were brought back types over it afterwards: the
/// clock it read is later than the change's own, so which value it saw is no longer known, and
/// a value written meanwhile is kept as a conflict, not overwritten unseen.
#[wasm_bindgen_test]
async fn a_value_read_before_the_stamps_came_back_is_typed_over_as_unseen() {
    use field::store::Touched;
    let store = fresh().await;
    clock_a_year_ahead(&store).await;
    let id = Uuid::now_v7();
    let fields = changes(&[("name", json!("郑来福")), ("branch_id", json!("b1"))]);
    store.save(EntityKind::Person, id, "b1", fields).await.unwrap();
    let read_at =
        store.get(EntityKind::Person, id).await.unwrap().unwrap().meta["name"].clock.clone();
    let server = FakeServer::with(|_| {});
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert!(!store.clock_ahead_of(now_ms()).await.unwrap(), "brought back");
    let seen = std::collections::BTreeMap::from([("name".to_owned(), Some(read_at))]);
    let saved = store
        .save_touched(
            EntityKind::Person,
            id,
            "b1",
            changes(&[("name", json!("郑来富"))]),
            Touched::Over(seen),
        )
        .await
        .unwrap();
    let queued = store.outbox_all().await.unwrap();
    let change = &queued.last().unwrap().op.changes[0];
    assert_eq!((change.field.as_str(), &change.base), ("name", &None), "seen: none known");
    assert_eq!(saved.record.fields["name"], json!("郑来富"));
}

/// Refusals for the stamp left behind with their old stamps (a run cut off after the stamps
/// came back, or another tab that set one aside with the stamp it had read) still go: they
/// are brought back and sent at the next run, however many runs later.
#[wasm_bindgen_test]
async fn a_refusal_for_the_stamp_left_with_its_old_stamp_still_goes() {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    clock_a_year_ahead(&store).await;
    let id = Uuid::now_v7();
    let fields = changes(&[("name", json!("郑来福")), ("branch_id", json!("b1"))]);
    store.save(EntityKind::Person, id, "b1", fields).await.unwrap();
    let server = FakeServer::with(|s| s.clock_offset_ms = -(YEAR_MS as i64));
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    // The clock alone came back (the refusal kept its year-ahead stamp).
    let clock = HlcClock { device: store.clock_device(), millis: now_ms(), counter: 0 };
    store.meta_set(meta_keys::CLOCK, &clock).await.unwrap();
    assert!(!store.clock_ahead_of(now_ms()).await.unwrap());

    server.0.borrow_mut().clock_offset_ms = 0;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.restamped.map(|(_, requeued)| requeued), Some(1), "{report:?}");
    assert_eq!((report.pushed, report.rejected.len()), (1, 0));
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default()
    );
}

/// A survey with a photo in it, saved: the person, the survey, and the photo's hash (a second
/// photo stored beside it, uploaded after it: photos go in the order of their hashes).
async fn survey_with_photo(store: &Store, variant: u32) -> (Uuid, Uuid, String, String, Vec<u8>) {
    let person = Uuid::now_v7();
    store
        .save(EntityKind::Person, person, "b1", changes(&[("name", json!("李四"))]))
        .await
        .unwrap();
    let jpeg = |seed: u32| -> Vec<u8> {
        (0..3_000u32).map(|i| ((i * seed + variant) % 251) as u8).collect()
    };
    let blob = blob_of(&jpeg(3), "image/jpeg");
    let first = store.put_attachment(&blob, "image/jpeg", 10, 10).await.unwrap();
    let mut seed = 5;
    while sha256_hex(&jpeg(seed)) < first {
        seed += 2;
    }
    let blob = blob_of(&jpeg(seed), "image/jpeg");
    let second = store.put_attachment(&blob, "image/jpeg", 10, 10).await.unwrap();
    let photo =
        json!([{"sha256": first, "mime": "image/jpeg", "width": 10, "height": 10, "bytes": 3000}]);
    let survey = Uuid::now_v7();
    let fields = changes(&[("person_id", json!(person.to_string())), ("photos", photo)]);
    store.save(EntityKind::Survey, survey, "b1", fields).await.unwrap();
    (person, survey, first, second, jpeg(seed))
}

/// Every operation of a survey acknowledged, its photo not uploaded: the survey is not 已送达 and
/// 待同步 counts it, until the photo is at the server. A photo the network or the server fails
/// on stays waiting (已保存待发送, tried again at each sync) and does not hold back the photos
/// after it.
#[wasm_bindgen_test]
async fn a_record_whose_photo_has_not_reached_the_server_is_not_delivered() {
    use field::services::delivery;
    use shared::delivery::{DeliveryCounts, DeliveryState};
    let store = fresh().await;
    let (person, survey, first, second, second_bytes) = survey_with_photo(&store, 0).await;
    // The server cannot take the first photo yet (it holds a partial copy of another size).
    let server = FakeServer::with(|s| s.fail_blobs = vec![first.clone()]);

    assert!(engine::run_once(&store, &server, &no_progress).await.is_err(), "the photo failed");
    assert_eq!(store.outbox_len().await.unwrap(), 0, "every operation acknowledged");
    assert_eq!(server.0.borrow().blobs[&second].0, second_bytes, "the photo after it went");
    let facts = delivery::facts(&store).await.unwrap();
    assert_eq!(facts.state_of(&(EntityKind::Survey, survey)), DeliveryState::Pending);
    assert_eq!(facts.state_of(&(EntityKind::Person, person)), DeliveryState::Delivered);
    let counts = field::sync::scheduler::delivery_counts(&store).await.unwrap();
    assert_eq!(counts, DeliveryCounts { pending: 1, needs_action: 0 });
    let rows = delivery::rows(&store).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0].id, rows[0].waits_for), (survey, Some(delivery::WaitsFor::Photos)));

    server.0.borrow_mut().fail_blobs.clear();
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 1);
    let facts = delivery::facts(&store).await.unwrap();
    // An unfinished survey all of which the office has.
    assert_eq!(facts.state_of(&(EntityKind::Survey, survey)), DeliveryState::Draft);
    let counts = field::sync::scheduler::delivery_counts(&store).await.unwrap();
    assert_eq!(counts, DeliveryCounts::default());
}

/// A photo the server refuses as it is (413, too large) is set aside: the survey showing it is
/// 被退回，需处理 with the server's reason and what to do, and the photo is not sent again at
/// every sync. Resubmitting the survey tries it again; taking it off the survey mends it too.
#[wasm_bindgen_test]
async fn a_photo_refused_for_good_makes_its_survey_need_action_until_resubmitted_or_removed() {
    use field::services::delivery;
    use shared::delivery::{DeliveryCounts, DeliveryState};
    let store = fresh().await;
    let (_, survey, first, second, second_bytes) = survey_with_photo(&store, 0).await;
    let server = FakeServer::with(|s| s.refuse_blobs = vec![first.clone()]);

    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert!(err.to_string().contains("413"), "the run says why: {err}");
    assert_eq!(server.0.borrow().blobs[&second].0, second_bytes, "the photo after it went");
    let facts = delivery::facts(&store).await.unwrap();
    assert_eq!(facts.state_of(&(EntityKind::Survey, survey)), DeliveryState::Refused);
    let counts = field::sync::scheduler::delivery_counts(&store).await.unwrap();
    assert_eq!(counts, DeliveryCounts { pending: 1, needs_action: 1 });
    let rows = delivery::rows(&store).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].photos_refused && rows[0].waits_for.is_none(), "{rows:?}");
    assert!(
        rows[0].reasons.iter().any(|r| r.contains("照片未能送达") && r.contains("413")),
        "{rows:?}"
    );
    assert_eq!(rows[0].fields, vec!["照片"]);
    // A file of what waits still carries it to the office.
    let pending = transfer::gather(&store, Scope::Pending).await.unwrap();
    assert_eq!(pending.attachments.len(), 1, "the refused photo is in the file");

    // Set aside: the next sync does not send it again, and is clean.
    let tries = server.0.borrow().chunk_offsets.len();
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(server.0.borrow().chunk_offsets.len(), tries, "not tried again");
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 1 },
        "still counted"
    );

    // The office raised its limit; the surveyor resubmits: the photo goes, nothing else is
    // queued again.
    server.0.borrow_mut().refuse_blobs.clear();
    let account = server.0.borrow().account.clone();
    rejected::resubmit_record(&store, &account, EntityKind::Survey, survey, "b1").await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0, "the survey itself is not sent again");
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 1);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default()
    );

    // Another survey whose photo is refused: taking the photo off it mends it.
    let (_, other, refused, _, _) = survey_with_photo(&store, 1).await;
    server.0.borrow_mut().refuse_blobs = vec![refused.clone()];
    assert!(engine::run_once(&store, &server, &no_progress).await.is_err());
    let facts = delivery::facts(&store).await.unwrap();
    assert_eq!(facts.state_of(&(EntityKind::Survey, other)), DeliveryState::Refused);
    store.save(EntityKind::Survey, other, "b1", changes(&[("photos", json!([]))])).await.unwrap();
    // At once, offline: it waits to be sent, nothing needs action.
    let counts = field::sync::scheduler::delivery_counts(&store).await.unwrap();
    assert_eq!(counts, DeliveryCounts { pending: 1, needs_action: 0 });
    engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default(),
        "nothing shows the refused photo: nothing waits"
    );
}

/// A refusal that hit every photo (a proxy's size limit answered in the server's words) is
/// mended at the office: one action on 待发送 tries every refused photo again, not a 重新提交 per
/// record. A photo given up stays given up.
#[wasm_bindgen_test]
async fn every_refused_photo_is_tried_again_at_once_after_the_office_mends_the_cause() {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    let (_, _, first, _, _) = survey_with_photo(&store, 5).await;
    let (_, _, second, _, _) = survey_with_photo(&store, 6).await;
    let (_, given_up, third, _, _) = survey_with_photo(&store, 7).await;
    let server = FakeServer::with(|s| s.refuse_blobs = vec![first.clone(), second.clone(), third]);
    assert!(engine::run_once(&store, &server, &no_progress).await.is_err());
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 3, needs_action: 3 }
    );
    assert_eq!(store.abandon_refused_photos_of(EntityKind::Survey, given_up).await.unwrap(), 1);

    server.0.borrow_mut().refuse_blobs.clear();
    assert_eq!(store.clear_every_photo_refusal().await.unwrap(), 2, "the two not given up");
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 2, needs_action: 0 },
        "waiting to be sent again, nothing to do"
    );
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 2);
    assert!(
        server.0.borrow().blobs.contains_key(&first)
            && server.0.borrow().blobs.contains_key(&second)
    );
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default()
    );
    assert_eq!(store.clear_every_photo_refusal().await.unwrap(), 0);
}

/// A visit cannot be changed, so its refused photo cannot be taken off it: the person gives the
/// photo up (after a confirmation, on 待发送), and the visit is delivered without it; the photo
/// is never sent again and no longer counts. A refused photo of another record is not touched.
#[wasm_bindgen_test]
async fn a_refused_photo_given_up_no_longer_counts_and_is_not_sent() {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    let (_, survey, first, _, _) = survey_with_photo(&store, 3).await;
    let (_, other, other_photo, _, _) = survey_with_photo(&store, 4).await;
    let server = FakeServer::with(|s| s.refuse_blobs = vec![first.clone(), other_photo.clone()]);
    assert!(engine::run_once(&store, &server, &no_progress).await.is_err());
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 2, needs_action: 2 }
    );
    assert_eq!(store.abandon_refused_photos_of(EntityKind::Survey, survey).await.unwrap(), 1);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 1 },
        "the other survey's refusal stays"
    );
    // Not sent again, even once resubmitted: it was given up.
    server.0.borrow_mut().refuse_blobs.clear();
    let account = server.0.borrow().account.clone();
    rejected::resubmit_record(&store, &account, EntityKind::Survey, other, "b1").await.unwrap();
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 1, "only the other survey's photo");
    assert!(!server.0.borrow().blobs.contains_key(&first));
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts::default()
    );

    // The same photo taken again (on a new survey): tried again, not silently held back.
    let (_, again, same, _, _) = survey_with_photo(&store, 3).await;
    assert_eq!(same, first);
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert!(server.0.borrow().blobs.contains_key(&first), "{report:?}");
    let facts = field::services::delivery::facts(&store).await.unwrap();
    assert_ne!(
        facts.state_of(&(EntityKind::Survey, again)),
        shared::delivery::DeliveryState::Refused
    );
}

/// A bare 413 from a proxy in front of the server (its body limit) is not the server's verdict
/// on the photo: the photo is not set aside, and goes once the proxy lets it through.
#[wasm_bindgen_test]
async fn a_proxys_bare_refusal_leaves_the_photo_waiting_not_set_aside() {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    survey_with_photo(&store, 2).await;
    let server = FakeServer::with(|s| s.proxy_refuses_blobs = true);
    assert!(engine::run_once(&store, &server, &no_progress).await.is_err());
    assert_eq!(store.attachments_to_upload().await.unwrap().len(), 2, "still waiting");
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 0 }
    );
    server.0.borrow_mut().proxy_refuses_blobs = false;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 2);
}

/// Photos the office has no room for (`507 storage_full`), or past the account's photos of the
/// day (`429 photo_quota`): the survey still reaches the office, the run says why in the app's
/// words, the photos are not set aside but wait, and a later run sends them.
#[wasm_bindgen_test]
async fn photos_the_office_has_no_room_for_wait_and_the_run_says_why() {
    use shared::message::Message;
    let no_room = Message::new("storage_full");
    let quota = Message::new("photo_quota").arg("mb", 2048).arg("per_hour", 86);
    for (variant, reason, words) in [(3, no_room, "磁盘空间不足"), (4, quota, "2048 MB")] {
        photos_refused_wait(variant, reason, words).await;
    }
}

async fn photos_refused_wait(variant: u32, reason: shared::message::Message, words: &str) {
    use shared::delivery::DeliveryCounts;
    let store = fresh().await;
    let (_, survey_id, ..) = survey_with_photo(&store, variant).await;
    let server = FakeServer::with(|s| s.chunks_refused = Some(reason));
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert!(err.to_string().contains(words), "the run says why: {err}");
    assert!(server.0.borrow().records.contains_key(&survey_id), "the survey went");
    assert_eq!(store.outbox_len().await.unwrap(), 0, "the records went");
    assert_eq!(store.attachments_to_upload().await.unwrap().len(), 2, "not set aside");
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 0 }
    );
    server.0.borrow_mut().chunks_refused = None;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 2);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 0, needs_action: 0 }
    );
}

/// A network failure on one photo ends the run: the photos after it would meet it too (each
/// waiting out its own time limit), so they are not tried until the next run.
#[wasm_bindgen_test]
async fn a_network_failure_on_a_photo_ends_the_upload() {
    let store = fresh().await;
    for seed in [3u32, 7] {
        let bytes: Vec<u8> = (0..2_000u32).map(|i| ((i * seed) % 251) as u8).collect();
        let blob = blob_of(&bytes, "image/jpeg");
        store.put_attachment(&blob, "image/jpeg", 10, 10).await.unwrap();
    }
    let server = FakeServer::with(|s| s.fail_chunk = Some(1));
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    assert_eq!(server.0.borrow().chunk_offsets.len(), 1, "the second photo was not tried");
    assert_eq!(store.attachments_to_upload().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn an_interrupted_photo_upload_resumes_from_what_the_server_holds() {
    let store = fresh().await;
    let bytes: Vec<u8> =
        (0..(CHUNK_BYTES as usize * 2 + 1000)).map(|i| (i * 7 % 251) as u8).collect();
    let sha =
        store.put_attachment(&blob_of(&bytes, "image/jpeg"), "image/jpeg", 800, 600).await.unwrap();
    let server = FakeServer::with(|s| s.fail_chunk = Some(2));

    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert_eq!(err, SyncError::Offline);
    assert_eq!(store.attachments_to_upload().await.unwrap().len(), 1, "not marked uploaded");
    assert_eq!(server.0.borrow().blobs[&sha].0.len() as u64, CHUNK_BYTES);

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.uploaded, 1);
    assert_eq!(
        server.0.borrow().chunk_offsets,
        [0, CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES * 2],
        "resumed at the server's received count, not from zero"
    );
    assert_eq!(server.0.borrow().blobs[&sha].0, bytes);
    assert!(store.attachments_to_upload().await.unwrap().is_empty());
    assert!(store.get_attachment(&sha).await.unwrap().unwrap().uploaded);
}

#[wasm_bindgen_test]
async fn an_upload_resumes_at_the_servers_count_even_when_its_status_was_wrong() {
    let bytes: Vec<u8> = (0..(CHUNK_BYTES as usize + 10)).map(|i| i as u8).collect();
    let sha = sha256_hex(&bytes);
    let total = bytes.len() as u64;
    // The status reports 100 bytes of the same total: resume there.
    let server = FakeServer::with(|s| {
        s.blobs.insert(sha.clone(), (bytes[..100].to_vec(), total));
    });
    engine::upload_one(&server, &sha, &bytes).await.unwrap();
    assert_eq!(server.0.borrow().chunk_offsets, [100]);
    assert_eq!(server.0.borrow().blobs[&sha].0, bytes);

    // The status knows nothing (an older node answered), but the server holds 50 bytes: the
    // first chunk is refused with `offset_mismatch` and the upload continues from 50.
    let server = FakeServer::with(|s| {
        s.blobs.insert(sha.clone(), (bytes[..50].to_vec(), total));
        s.status_unknown = true;
    });
    engine::upload_one(&server, &sha, &bytes).await.unwrap();
    assert_eq!(server.0.borrow().chunk_offsets, [0, 50]);
    assert_eq!(server.0.borrow().blobs[&sha].0, bytes);

    // A blob the server already holds in full is not sent again.
    let server = FakeServer::with(|s| {
        s.blobs.insert(sha.clone(), (bytes.clone(), total));
    });
    engine::upload_one(&server, &sha, &bytes).await.unwrap();
    assert!(server.0.borrow().chunk_offsets.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Session and errors
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_session_lives_in_meta_and_sign_out_forgets_it() {
    let store = fresh().await;
    assert_eq!(session::load(&store).await.unwrap(), None);
    let s = session::Credentials {
        token: "tok".into(),
        account: Account {
            username: "zhang".into(),
            display_name: "张三".into(),
            role: Role::Surveyor,
            branches: vec!["b1".into()],
        },
        server: String::new(),
        signed_in_at_ms: 1.0,
    };
    session::save(&store, Some(&s)).await.unwrap();
    assert_eq!(session::load(&store).await.unwrap(), Some(s.clone()));
    assert_eq!(s.signed_in_as(), "张三（调查员）");
    session::sign_out(&store).await.unwrap();
    assert_eq!(session::load(&store).await.unwrap(), None);
    let window = web_sys::window().unwrap();
    let local = window.local_storage().unwrap().unwrap();
    for i in 0..local.length().unwrap() {
        let key = local.key(i).unwrap().unwrap_or_default();
        assert!(
            !local.get_item(&key).unwrap().unwrap_or_default().contains("tok"),
            "token never in localStorage"
        );
    }
    // Empty credentials are refused before any request.
    assert_eq!(session::login(&store, "", " ", "x", "").await.unwrap_err(), LoginError::Missing);
}

#[wasm_bindgen_test]
fn http_errors_read_as_plain_chinese() {
    let unauthorized = HttpError::Status { status: 401, error: None };
    assert_eq!(SyncError::from(unauthorized.clone()).to_string(), "登录已失效，请重新登录");
    assert!(!SyncError::from(unauthorized.clone()).is_transient());
    assert_eq!(LoginError::from(unauthorized).to_string(), "用户名或密码错误");
    assert_eq!(SyncError::from(HttpError::Timeout).to_string(), "连接服务器超时，稍后自动重试");
    let server = HttpError::Status {
        status: 503,
        error: Some(ApiError {
            code: "unavailable".into(),
            message: "数据库忙".into(),
            received: None,
            reason: None,
            args: Default::default(),
        }),
    };
    assert_eq!(SyncError::from(server).to_string(), "服务器出错（503）：数据库忙。稍后自动重试");
    assert_eq!(
        SyncError::from(HttpError::Status { status: 500, error: None }).to_string(),
        "服务器出错（500）：服务器暂时不可用。稍后自动重试"
    );
    assert_eq!(LoginError::from(network()).to_string(), "无法连接服务器，请在有网络时登录");
}

#[wasm_bindgen_test]
fn upgrade_required_is_its_own_outcome_by_status_or_code() {
    let answer = ApiError::upgrade_required(1, 2);
    let by_status = HttpError::Status { status: 426, error: Some(answer.clone()) };
    assert_eq!(SyncError::from(by_status.clone()), SyncError::UpgradeRequired);
    // A proxy that changed the status still passes the server's code through.
    let by_code = HttpError::Status { status: 400, error: Some(answer) };
    assert_eq!(SyncError::from(by_code), SyncError::UpgradeRequired);
    assert_eq!(
        SyncError::from(HttpError::Status { status: 426, error: None }),
        SyncError::UpgradeRequired
    );
    let words = SyncError::UpgradeRequired.to_string();
    assert!(words.starts_with("请更新应用"), "{words}");
    assert!(words.contains("修改都已保存"), "{words}");
    assert!(!SyncError::UpgradeRequired.is_transient(), "a person must update; no fast retries");
    // Other refusals are not mistaken for it.
    assert_ne!(
        SyncError::from(HttpError::Status { status: 400, error: None }),
        SyncError::UpgradeRequired
    );
    assert!(LoginError::from(by_status).to_string().starts_with("请更新应用"));
}

#[wasm_bindgen_test]
fn every_request_names_the_protocol_of_this_build() {
    use field::sync::http::{Body, Http};
    let http = Http::new("", Some("t".into()));
    for (method, body) in [("GET", Body::None), ("POST", Body::Json("{}".into()))] {
        let request = http.build(method, "/api/v1/sync/pull", body).unwrap();
        let named = request.headers().get(shared::sync::PROTOCOL_HEADER).unwrap();
        assert_eq!(named, Some(shared::sync::PROTOCOL_VERSION.to_string()), "{method}");
    }
}

#[wasm_bindgen_test]
async fn an_app_the_server_no_longer_syncs_with_keeps_every_change_pending() {
    let store = fresh().await;
    save_people(&store, 3, "b1").await;
    let queued = outbox_ids(&store).await;
    let server = FakeServer::with(|s| s.min_protocol = shared::sync::PROTOCOL_VERSION + 1);
    for _ in 0..2 {
        let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
        assert_eq!(err, SyncError::UpgradeRequired, "a distinct outcome, every run");
        assert_eq!(outbox_ids(&store).await, queued, "nothing leaves the outbox");
        let counts = field::sync::scheduler::delivery_counts(&store).await.unwrap();
        assert_eq!(counts.pending, 3, "待同步 stays true");
        assert!(rejected::list(&store).await.unwrap().is_empty(), "nothing set aside as refused");
    }
    assert!(server.0.borrow().log.is_empty());
    // The server's minimum met (the app updated): the same outbox goes, once.
    server.0.borrow_mut().min_protocol = shared::sync::PROTOCOL_VERSION;
    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pushed, 3);
    assert!(outbox_ids(&store).await.is_empty());
    let stored: Vec<Uuid> = server.0.borrow().log.iter().map(|op| op.id).collect();
    assert_eq!(stored, queued);
}

// ---------------------------------------------------------------------------------------------
// Pure planning
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn chunk_planning_table() {
    /// (received, total, chunk, started, expected)
    type Row = (u64, u64, u64, bool, Option<(u64, u64)>);
    let table: [Row; 7] = [
        (0, 10, 4, false, Some((0, 4))),
        (4, 10, 4, true, Some((4, 8))),
        (8, 10, 4, true, Some((8, 10))),
        (10, 10, 4, true, None),
        (0, 0, 4, false, Some((0, 0))),
        (0, 0, 4, true, None),
        (3, 10, 0, true, Some((3, 4))),
    ];
    for (received, total, chunk, started, expected) in table {
        assert_eq!(
            next_chunk(received, total, chunk, started),
            expected,
            "{received}/{total} by {chunk}"
        );
    }
    assert_eq!(resume_offset(300, 1_000, 1_000), 300);
    assert_eq!(resume_offset(300, 0, 1_000), 0);
    assert_eq!(resume_offset(2_000, 1_000, 1_000), 1_000);
}

#[wasm_bindgen_test]
fn rejected_are_kept_once_and_summarised() {
    let op = |n: u64| remote_op("x", n, Uuid::now_v7(), "name", json!(n));
    let r = |op: &Operation, msg: &str| {
        RejectedOp::from_result(op.clone(), &OpResult::rejected(op.id, "c", msg), 1.0)
    };
    let (o1, o2, o3, o4, o5) = (op(1), op(2), op(3), op(4), op(5));
    let kept = merge_rejected(vec![r(&o1, "甲")], vec![r(&o1, "乙"), r(&o2, "乙")]);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].message, "乙", "a newer answer replaces the kept one");
    assert_eq!(rejected_summary(&kept).unwrap(), "服务器拒绝了 2 条修改：乙");
    let many = vec![r(&o1, "a"), r(&o2, "b"), r(&o3, "c"), r(&o4, "d"), r(&o5, "a")];
    assert_eq!(rejected_summary(&many).unwrap(), "服务器拒绝了 5 条修改：a；b；c等");
    assert_eq!(rejected_summary(&[]), None);
    let silent = RejectedOp::from_result(
        o1.clone(),
        &OpResult { message: None, ..OpResult::rejected(o1.id, "x", "") },
        0.0,
    );
    assert_eq!(silent.message, "服务器未说明原因");
}

#[wasm_bindgen_test]
fn status_text_helpers() {
    let now = 10_000_000.0;
    assert_eq!(field::logic::format::ago(now, now - 5_000.0), "刚刚");
    assert_eq!(field::logic::format::ago(now, now - 5.0 * 60_000.0), "5 分钟前");
    assert_eq!(field::logic::format::ago(now, now - 3.0 * 3_600_000.0), "3 小时前");
    assert_eq!(field::logic::format::ago(now + 2.0 * 86_400_000.0, now), "2 天前");
    assert_eq!(
        field::logic::format::ago(now, now + 1_000.0),
        "刚刚",
        "a clock set back never shows a negative time"
    );
    let mut s = SyncStatus { done: 3, total: 4, ..SyncStatus::default() };
    assert_eq!(s.fraction(), Some(0.75));
    s.total = 0;
    assert_eq!(s.fraction(), None);
}

// ---------------------------------------------------------------------------------------------
// Export file
// ---------------------------------------------------------------------------------------------

struct Sample {
    person: Uuid,
    survey: Uuid,
    photo: String,
    photo_bytes: Vec<u8>,
}

async fn sample(store: &Store) -> Sample {
    let person = Uuid::now_v7();
    let survey = Uuid::now_v7();
    store
        .save(
            EntityKind::Person,
            person,
            "b1",
            changes(&[("name", json!("李四")), ("birth_year", json!(1968))]),
        )
        .await
        .unwrap();
    let photo_bytes: Vec<u8> = (0..5_000u32).map(|i| (i % 256) as u8).collect();
    let photo = store
        .put_attachment(&blob_of(&photo_bytes, "image/jpeg"), "image/jpeg", 10, 10)
        .await
        .unwrap();
    store
        .save(
            EntityKind::Survey,
            survey,
            "b1",
            changes(&[("person_id", json!(person.to_string())), ("photos", json!([photo]))]),
        )
        .await
        .unwrap();
    Sample { person, survey, photo, photo_bytes }
}

#[wasm_bindgen_test]
async fn export_then_import_round_trips_between_two_tablets() {
    let a = fresh().await;
    let b = fresh().await;
    let s = sample(&a).await;
    let (text, contents) = transfer::export_text(&a, Scope::Pending, None).await.unwrap();
    assert_eq!(contents.operations.len(), 2);
    assert_eq!(contents.attachments.len(), 1);

    let header = transfer::inspect(text.as_bytes()).unwrap();
    assert_eq!(header.device_id, a.device_id());
    assert_eq!(header.counts.operations, 2);
    assert!(header.encryption.is_none());

    let steps = RefCell::new(Vec::new());
    let outcome =
        transfer::import_bytes(&b, text.as_bytes(), None, &|s| steps.borrow_mut().push(s))
            .await
            .unwrap();
    assert_eq!(outcome.operations, 2);
    assert_eq!(outcome.changed_records, 2);
    assert_eq!(outcome.new_attachments, 1);
    assert_eq!(steps.borrow().first(), Some(&ImportStep::Verifying));
    assert_eq!(steps.borrow().last(), Some(&ImportStep::Operations(2)));

    for (entity, id) in [(EntityKind::Person, s.person), (EntityKind::Survey, s.survey)] {
        let ra = a.get(entity, id).await.unwrap().unwrap();
        let rb = b.get(entity, id).await.unwrap().unwrap();
        assert_eq!(ra.fields, rb.fields);
        assert_eq!(ra.meta, rb.meta);
    }
    let photo = b.get_attachment(&s.photo).await.unwrap().expect("photo imported");
    assert_eq!(field::store::blob_bytes(&photo.blob).await.unwrap(), s.photo_bytes);
    assert_eq!(b.outbox_len().await.unwrap(), 0, "imported changes are not this tablet's own");
    assert_eq!(b.history(s.person).await.unwrap().len(), 1);
}

/// Records known on a tablet only from another tablet's file are 来自文件, not 已送达 (the
/// office may never have had them), and not counted as this tablet's to send; a pull that
/// brings them from the server makes them 已送达. A file of records the server already sent
/// here marks nothing.
#[wasm_bindgen_test]
async fn records_known_only_from_a_file_are_not_said_to_be_delivered_until_pulled() {
    use field::services::delivery;
    use shared::delivery::{DeliveryCounts, DeliveryState};
    let a = fresh().await;
    a.set_author("tester").await.unwrap();
    let b = fresh().await;
    let s = sample(&a).await;
    let (text, _) = transfer::export_text(&a, Scope::Pending, None).await.unwrap();
    transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap();
    let facts = delivery::facts(&b).await.unwrap();
    assert_eq!(facts.state_of(&(EntityKind::Person, s.person)), DeliveryState::FromFile);
    assert_eq!(facts.state_of(&(EntityKind::Survey, s.survey)), DeliveryState::FromFile);
    assert_eq!(
        field::sync::scheduler::delivery_counts(&b).await.unwrap(),
        DeliveryCounts::default(),
        "not this tablet's to send"
    );
    let rows = delivery::rows(&b).await.unwrap();
    assert_eq!(rows.len(), 2, "listed on 待发送 under 来自文件: {rows:?}");

    // Tablet A syncs: the member goes, the sample's survey is refused (its photos are not in
    // the form the server takes). B's pull brings the member: 已送达 on B; the survey, which
    // the office does not have, stays 来自文件.
    let server = FakeServer::with(|_| {});
    let report = engine::run_once(&a, &server, &no_progress).await.unwrap();
    assert_eq!((report.pushed, report.rejected.len()), (1, 1), "{report:?}");
    engine::run_once(&b, &server, &no_progress).await.unwrap();
    let facts = delivery::facts(&b).await.unwrap();
    assert_eq!(facts.state_of(&(EntityKind::Person, s.person)), DeliveryState::Delivered);
    assert_eq!(facts.state_of(&(EntityKind::Survey, s.survey)), DeliveryState::FromFile);
    assert_eq!(b.from_file().await.unwrap().len(), 1);

    // A tablet that pulled the member first: the file marks only the survey.
    let c = fresh().await;
    engine::run_once(&c, &server, &no_progress).await.unwrap();
    transfer::import_bytes(&c, text.as_bytes(), None, &|_| {}).await.unwrap();
    let marked: Vec<Uuid> = c.from_file().await.unwrap().into_iter().map(|(_, id)| id).collect();
    assert_eq!(marked, [s.survey]);

    // A whole-tablet file of B (what B pulled and imported, nothing of B's own): it holds what
    // B pulled, which the office has; only a whole file's own tablet's changes would mark
    // anything, so nothing is 来自文件 on D.
    let (whole, _) = transfer::export_text(&b, Scope::All, None).await.unwrap();
    let d = fresh().await;
    transfer::import_bytes(&d, whole.as_bytes(), None, &|_| {}).await.unwrap();
    assert!(d.from_file().await.unwrap().is_empty());
}

/// What a file's records are noted as does not depend on the file's size or on what else the
/// tablet holds (`Store::note_from_file`: a file of 100 records or more reads the stored records
/// once and counts the changes the server sent or acknowledged of those alone, a smaller one
/// counts each). Files of one record: a candidate pulled here is not 来自文件, a person saved
/// here and never sent and a new one are. Of a file of 150 records from another tablet, the
/// three pulled here (a person's change of no field, whose record is stored all the same; a
/// survey; a candidate, in the `records` store) and the one this tablet sent and had
/// acknowledged are not; the one saved here and never sent, and the 145 new to this tablet,
/// are.
#[wasm_bindgen_test]
async fn a_files_records_are_from_the_file_unless_the_server_sent_or_acknowledged_a_change() {
    let tablet = fresh().await;
    let office = OpContext { device_id: Uuid::new_v4(), author: "镇党委".into() };
    let other = OpContext { device_id: Uuid::new_v4(), author: "另一台".into() };
    let mut office_clock = HlcClock::new("office");
    let mut other_clock = HlcClock::new("other");
    let upsert = |ctx: &OpContext, clock: &mut HlcClock, (entity, id): (EntityKind, Uuid)| {
        let hlc = clock.tick(js_sys::Date::now() as u64);
        Operation::upsert(ctx, hlc, entity, id, "b1", None, changes(&[("note", json!("文件"))]))
    };
    let person = |id: Uuid| (EntityKind::Person, id);
    let [pulled, sent, saved] = [(); 3].map(|_| Uuid::now_v7());
    // Pulled: changes the server sent, in `history_pages`: a person's change of no field, a
    // survey's and a candidate's (each kind in its store: `people`, `surveys`, `records`).
    let pulled_survey = (EntityKind::Survey, Uuid::now_v7());
    let pulled_candidate = (EntityKind::Candidate, Uuid::now_v7());
    let pulled_small = (EntityKind::Candidate, Uuid::now_v7());
    let mut empty_change = upsert(&office, &mut office_clock, person(pulled));
    empty_change.changes.clear();
    let pulled_ops = [
        empty_change,
        upsert(&office, &mut office_clock, pulled_survey),
        upsert(&office, &mut office_clock, pulled_candidate),
        upsert(&office, &mut office_clock, pulled_small),
    ];
    tablet.apply_remote(&pulled_ops).await.unwrap();
    assert!(tablet.get(EntityKind::Person, pulled).await.unwrap().is_some(), "stored");
    // Sent and acknowledged: this tablet's own change, in `history`.
    tablet.save(EntityKind::Person, sent, "b1", changes(&[("name", json!("已送"))])).await.unwrap();
    let queued = tablet.outbox_batch(10).await.unwrap();
    tablet.ack(&queued.iter().map(|e| e.key).collect::<Vec<_>>()).await.unwrap();
    // Saved here, never sent: in the outbox only.
    let saved_small = Uuid::now_v7();
    for id in [saved, saved_small] {
        tablet
            .save(EntityKind::Person, id, "b1", changes(&[("name", json!("未送"))]))
            .await
            .unwrap();
    }

    // Files of one record, each counted on its own: pulled here, not marked; saved here and
    // never sent, marked; new, marked.
    let new_small = person(Uuid::now_v7());
    for key in [pulled_small, person(saved_small), new_small] {
        tablet.import_operations(&[upsert(&other, &mut other_clock, key)], None).await.unwrap();
    }
    let small: std::collections::BTreeSet<(EntityKind, Uuid)> =
        [person(saved_small), new_small].into_iter().collect();
    assert_eq!(tablet.from_file().await.unwrap(), small);

    let new: Vec<Uuid> = (0..145).map(|_| Uuid::now_v7()).collect();
    let file: Vec<Operation> = [person(pulled), pulled_survey, pulled_candidate, person(sent)]
        .into_iter()
        .chain(std::iter::once(saved).chain(new.iter().copied()).map(person))
        .map(|key| upsert(&other, &mut other_clock, key))
        .collect();
    assert_eq!(file.len(), 150);
    tablet.import_operations(&file, None).await.unwrap();
    let marked = tablet.from_file().await.unwrap();
    let mut expected = small;
    expected.extend(std::iter::once(saved).chain(new.iter().copied()).map(person));
    assert_eq!(marked, expected);
    assert_eq!(tablet.list(EntityKind::Person).await.unwrap().len(), 150, "every person stored");

    // The same file again, its records now all stored: nothing changes.
    tablet.import_operations(&file, None).await.unwrap();
    assert_eq!(tablet.from_file().await.unwrap(), expected);
}

#[wasm_bindgen_test]
async fn importing_the_same_file_twice_changes_nothing() {
    let a = fresh().await;
    let b = fresh().await;
    let s = sample(&a).await;
    let (text, _) = transfer::export_text(&a, Scope::All, None).await.unwrap();
    transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap();
    let before = b.get(EntityKind::Person, s.person).await.unwrap().unwrap();
    let again = transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap();
    assert_eq!(again.changed_records, 0);
    assert_eq!(again.new_attachments, 0);
    assert_eq!(again.summary_zh(), "文件中的 2 条修改本机都已有，未做任何更改");
    assert_eq!(b.get(EntityKind::Person, s.person).await.unwrap().unwrap(), before);
    assert_eq!(b.history(s.person).await.unwrap().len(), 1);
    assert_eq!(b.all_attachments().await.unwrap().len(), 1);
    // Importing a tablet's own file into itself also changes nothing.
    let own = transfer::import_bytes(&a, text.as_bytes(), None, &|_| {}).await.unwrap();
    assert_eq!(own.changed_records, 0);
}

#[wasm_bindgen_test]
async fn a_tampered_or_truncated_file_is_refused_and_nothing_is_applied() {
    let a = fresh().await;
    let b = fresh().await;
    let s = sample(&a).await;
    let (text, _) = transfer::export_text(&a, Scope::Pending, None).await.unwrap();

    // Flip one character inside the base64 payload.
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let payload = file["payload"].as_str().unwrap().to_owned();
    let mut chars: Vec<char> = payload.chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    file["payload"] = json!(chars.into_iter().collect::<String>());
    let tampered = serde_json::to_vec(&file).unwrap();
    let err = transfer::import_bytes(&b, &tampered, None, &|_| {}).await.unwrap_err();
    assert_eq!(err, TransferError::File(ExportError::Corrupt));
    assert_eq!(err.to_string(), "文件已损坏或被修改（校验和不符），未导入任何内容");

    let truncated = &text.as_bytes()[..text.len() * 2 / 3];
    let err = transfer::import_bytes(&b, truncated, None, &|_| {}).await.unwrap_err();
    assert_eq!(err, TransferError::File(ExportError::Truncated));

    let mut future: serde_json::Value = serde_json::from_str(&text).unwrap();
    future["version"] = json!(99);
    let err = transfer::import_bytes(&b, &serde_json::to_vec(&future).unwrap(), None, &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, TransferError::File(ExportError::UnsupportedVersion { found: 99, .. })),
        "{err:?}"
    );

    assert!(b.get(EntityKind::Person, s.person).await.unwrap().is_none());
    assert!(b.get(EntityKind::Survey, s.survey).await.unwrap().is_none());
    assert!(b.get_attachment(&s.photo).await.unwrap().is_none(), "no photo written either");
    assert!(b.all_operations().await.unwrap().is_empty());
}

/// A file from a tablet whose date is a year ahead: merged, its changes would have carried the
/// importing tablet's clock a year ahead for good, and the server would have refused every
/// change made there afterwards (`clock_ahead`) with nothing its surveyor could do. It is
/// refused whole, saying why, and the tablet's own saves keep today's clock.
#[wasm_bindgen_test]
async fn a_file_dated_far_ahead_is_refused_and_leaves_the_clock_as_it_was() {
    let a = fresh().await;
    let b = fresh().await;
    let s = sample(&a).await;
    let (text, mut contents) = transfer::export_text(&a, Scope::Pending, None).await.unwrap();
    let year = 365 * policy::MAX_CLOCK_AHEAD_MS;
    contents.operations[1].hlc.millis += year;
    let ahead = shared::export::encode(
        a.device_id(),
        "a",
        "2026-12-04T00:00:00Z",
        Scope::Pending,
        &contents,
        None,
    )
    .unwrap();

    let err = transfer::import_bytes(&b, ahead.as_bytes(), None, &|_| {}).await.unwrap_err();
    assert!(matches!(&err, TransferError::ClockAhead(a) if a.count == 1), "{err:?}");
    let said = err.to_string();
    assert!(said.starts_with("文件中有 1 条修改的时间"), "{said}");
    assert!(said.contains("文件没有导入"), "{said}");
    assert!(b.get(EntityKind::Person, s.person).await.unwrap().is_none());
    assert!(b.get_attachment(&s.photo).await.unwrap().is_none(), "no photo written either");
    assert!(b.all_operations().await.unwrap().is_empty());

    // The same file with its dates as made goes in; a save here afterwards is dated today.
    transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap();
    let id = Uuid::now_v7();
    b.save(EntityKind::Person, id, "b1", changes(&[("name", json!("今天"))])).await.unwrap();
    let saved = b.get(EntityKind::Person, id).await.unwrap().unwrap();
    let today = js_sys::Date::now() as u64;
    assert!(policy::within_bound(saved.updated.millis, today), "{:?}", saved.updated);
}

#[wasm_bindgen_test]
async fn an_encrypted_file_needs_its_passphrase() {
    let a = fresh().await;
    let b = fresh().await;
    let id = Uuid::now_v7();
    a.save(EntityKind::Person, id, "b1", changes(&[("name", json!("加密"))])).await.unwrap();
    let (text, _) = transfer::export_text(&a, Scope::Pending, Some("海岛渔村2015")).await.unwrap();
    assert!(!text.contains("加密"), "the payload is not readable");
    let header = transfer::inspect(text.as_bytes()).unwrap();
    assert!(header.encryption.is_some());
    assert_eq!(header.counts.operations, 1, "counts readable without the passphrase");

    let err = transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap_err();
    assert_eq!(err.to_string(), "此文件已加密，请输入密码");
    let err =
        transfer::import_bytes(&b, text.as_bytes(), Some("wrong"), &|_| {}).await.unwrap_err();
    assert_eq!(err, TransferError::File(ExportError::WrongPassphrase));
    assert!(b.get(EntityKind::Person, id).await.unwrap().is_none());
    transfer::import_bytes(&b, text.as_bytes(), Some("海岛渔村2015"), &|_| {}).await.unwrap();
    assert_eq!(b.get(EntityKind::Person, id).await.unwrap().unwrap().str_field("name"), "加密");
}

#[wasm_bindgen_test]
async fn pending_export_is_the_unsynced_part_and_all_is_everything() {
    let store = fresh().await;
    let mine = Uuid::now_v7();
    let refused = Uuid::now_v7();
    let pulled = Uuid::now_v7();
    store.apply_remote(&[remote_op("tabletB", 500, pulled, "name", json!("乙"))]).await.unwrap();
    store.save(EntityKind::Person, mine, "b1", changes(&[("name", json!("甲"))])).await.unwrap();
    store
        .save(EntityKind::Person, refused, "forbidden", changes(&[("name", json!("丙"))]))
        .await
        .unwrap();
    // One synced (acknowledged) op would not be pending: sync against the fake server, which
    // accepts `mine` and refuses `refused`.
    let server = FakeServer::with(|_| {});
    let mut report = SyncReport::default();
    engine::push_outbox(&store, &server, &no_progress, &mut report).await.unwrap();
    assert_eq!(report.pushed, 1);

    let pending = transfer::gather(&store, Scope::Pending).await.unwrap();
    let pending_ids: Vec<Uuid> = pending.operations.iter().map(|o| o.entity_id).collect();
    assert_eq!(pending_ids, [refused], "refused ops are still unsynced; acknowledged ones are not");

    let all = transfer::gather(&store, Scope::All).await.unwrap();
    let mut all_ids: Vec<Uuid> = all.operations.iter().map(|o| o.entity_id).collect();
    all_ids.sort();
    let mut expected = vec![mine, refused, pulled];
    expected.sort();
    assert_eq!(all_ids, expected);
    assert!(all.operations.windows(2).all(|w| w[0].hlc <= w[1].hlc), "oldest clock first");
}

// ---------------------------------------------------------------------------------------------
// A full disk (issue "fault trials" 6): every write of the page refused with the DOMException a
// full device gives, during a save, a pull page and an import. The real full disk (Chromium's
// profile on a filled tmpfs) is the e2e trial `crates/e2e/tests/system/disk_full.rs`.
// ---------------------------------------------------------------------------------------------

/// While alive, every `IDBObjectStore.put`/`add` of this page throws `QuotaExceededError`, as a
/// full device refuses writes; reads work. Dropped, the space is back.
struct FullDisk;

impl FullDisk {
    fn now() -> FullDisk {
        js_sys::Function::new_no_args(
            "if (!globalThis.__fullDiskPatched) {
               globalThis.__fullDiskPatched = true;
               for (const m of ['put', 'add']) {
                 const write = IDBObjectStore.prototype[m];
                 IDBObjectStore.prototype[m] = function (...args) {
                   if (globalThis.__fullDisk) {
                     globalThis.__fullDiskRefused = (globalThis.__fullDiskRefused || 0) + 1;
                     throw new DOMException('injected: the device is full', 'QuotaExceededError');
                   }
                   return write.apply(this, args);
                 };
               }
             }
             globalThis.__fullDisk = true;
             globalThis.__fullDiskRefused = 0;",
        )
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
        FullDisk
    }

    /// How many writes were refused so far (a trial that refused none proved nothing).
    fn refused(&self) -> u32 {
        js_sys::Reflect::get(&js_sys::global(), &"__fullDiskRefused".into())
            .unwrap()
            .as_f64()
            .unwrap_or(0.0) as u32
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::set(&js_sys::global(), &"__fullDisk".into(), &false.into());
    }
}

/// The words a full device is told in: what happened, that nothing saved is lost, what to do.
fn says_what_to_do(message: &str) {
    assert!(message.contains("设备存储空间已满"), "{message}");
    assert!(message.contains("导出") && message.contains("清理"), "{message}");
}

#[wasm_bindgen_test]
async fn a_full_disk_during_a_save_loses_nothing_and_the_export_still_works() {
    let store = fresh().await;
    let saved = save_people(&store, 1, "b1").await[0];
    let before = outbox_ids(&store).await;

    let full = FullDisk::now();
    let refused = Uuid::now_v7();
    let err = store
        .save(EntityKind::Person, refused, "b1", changes(&[("name", json!("满盘"))]))
        .await
        .unwrap_err();
    assert!(full.refused() > 0, "a write was refused");
    assert_eq!(err, field::store::StoreError::QuotaExceeded);
    assert!(err.is_storage_full());
    says_what_to_do(&err.to_string());
    // Nothing half-written: no record, no queued change, the earlier ones intact.
    assert!(store.get(EntityKind::Person, refused).await.unwrap().is_none());
    assert_eq!(outbox_ids(&store).await, before);
    assert_eq!(
        store.get(EntityKind::Person, saved).await.unwrap().unwrap().str_field("name"),
        "党员0"
    );
    // The way out: the export reads, so it is made while the disk stays full.
    let (_, contents) = transfer::export_text(&store, Scope::Pending, None).await.unwrap();
    assert_eq!(contents.operations.iter().map(|o| o.id).collect::<Vec<_>>(), before);
    drop(full);

    // Space is back: the same save goes through, with no reopening.
    store
        .save(EntityKind::Person, refused, "b1", changes(&[("name", json!("满盘"))]))
        .await
        .unwrap();
    assert_eq!(outbox_ids(&store).await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_full_disk_during_a_pull_page_applies_none_of_it_and_the_next_sync_resumes() {
    let store = fresh().await;
    let mine = save_people(&store, 1, "b1").await;
    let n = PULL_LIMIT as usize + 3;
    let theirs: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
    let server = FakeServer::with(|s| {
        s.seed(theirs.iter().enumerate().map(|(i, id)| {
            remote_op("tabletB", 1_000 + i as u64, *id, "name", json!(format!("乙{i}")))
        }));
    });

    let full = FullDisk::now();
    let err = engine::run_once(&store, &server, &no_progress).await.unwrap_err();
    assert!(full.refused() > 0);
    assert!(matches!(&err, SyncError::Store(e) if e.is_storage_full()), "{err:?}");
    says_what_to_do(&err.to_string());
    // The push reached the server, but its acknowledgement could not be written: the change
    // stays queued (the count stays true) and is answered `duplicate` when sent again.
    assert_eq!(outbox_ids(&store).await.len(), 1);
    // No pulled page applied, the cursor not moved.
    assert_eq!(store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), None);
    for id in &theirs {
        assert!(store.get(EntityKind::Person, *id).await.unwrap().is_none());
    }
    drop(full);

    let report = engine::run_once(&store, &server, &no_progress).await.unwrap();
    assert_eq!(report.pulled, n + 1, "theirs, and this tablet's own stored in the failed run");
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let on_server = server.0.borrow().log.iter().filter(|op| op.entity_id == mine[0]).count();
    assert_eq!(on_server, 1, "sent twice, stored once");
    for id in &theirs {
        assert!(store.get(EntityKind::Person, *id).await.unwrap().is_some());
    }
}

#[wasm_bindgen_test]
async fn a_full_disk_during_an_import_applies_none_of_it() {
    let a = fresh().await;
    let b = fresh().await;
    let s = sample(&a).await;
    let mine = save_people(&b, 1, "b1").await;
    let (text, _) = transfer::export_text(&a, Scope::Pending, None).await.unwrap();

    let full = FullDisk::now();
    let err = transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap_err();
    assert!(full.refused() > 0);
    assert!(matches!(&err, TransferError::Store(e) if e.is_storage_full()), "{err:?}");
    says_what_to_do(&err.to_string());
    assert!(b.get(EntityKind::Person, s.person).await.unwrap().is_none());
    assert!(b.get(EntityKind::Survey, s.survey).await.unwrap().is_none());
    assert_eq!(outbox_ids(&b).await.len(), mine.len());
    drop(full);

    let outcome = transfer::import_bytes(&b, text.as_bytes(), None, &|_| {}).await.unwrap();
    assert_eq!(outcome.changed_records, 2);
    assert!(b.get(EntityKind::Survey, s.survey).await.unwrap().is_some());
}
