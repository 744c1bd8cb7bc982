//! Pure decisions of the sync engine (no I/O): progress, attachment chunks, how rejected
//! operations are kept and described, and how long ago the last sync was. Tested in
//! `tests/sync.rs`; the batch planning and the backoff live in `shared::sync`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shared::op::Operation;
use shared::policy::{self, Existing, Rejection};
use shared::roles::{Account, Role};
use shared::sync::OpResult;
use uuid::Uuid;

use crate::i18n::sync as ts;
use crate::store::OutboxEntry;

/// Operations per push (well under the server's `MAX_PUSH_OPS`, so a slow line sees progress).
pub const PUSH_MAX_OPS: usize = 500;
/// Outbox entries read from IndexedDB at a time while pushing.
pub const OUTBOX_WINDOW: u32 = 2_000;
/// Operations per pull page: the server's default page size.
pub const PULL_LIMIT: u32 = shared::sync::DEFAULT_PULL_LIMIT;
/// Bytes per attachment chunk: a downscaled photo goes in one or two chunks, and an interrupted
/// upload loses at most this much.
pub const CHUNK_BYTES: u64 = 256 * 1024;
/// Sync this often while all is well (milliseconds).
pub const PERIOD_MS: u64 = 5 * 60 * 1_000;

/// What the engine is doing now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Idle,
    Pushing,
    Pulling,
    Uploading,
}

impl Phase {
    pub fn label_zh(self) -> &'static str {
        match self {
            Phase::Idle => crate::i18n::sync::PHASE_IDLE,
            Phase::Pushing => crate::i18n::sync::PHASE_PUSHING,
            Phase::Pulling => crate::i18n::sync::PHASE_PULLING,
            Phase::Uploading => crate::i18n::sync::PHASE_UPLOADING,
        }
        .get()
    }
}

/// Everything the sync screen shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub running: bool,
    pub phase: Phase,
    /// Progress of the current phase; `total` is 0 when it is not known in advance (pulling).
    pub done: u32,
    pub total: u32,
    /// Milliseconds since the epoch of the last sync that finished.
    pub last_success_ms: Option<f64>,
    /// The last failure or warning, in Chinese; cleared by a clean sync.
    pub last_error: Option<String>,
    /// When the engine will try again on its own (milliseconds since the epoch).
    pub next_attempt_ms: Option<f64>,
}

impl SyncStatus {
    /// Progress of the current phase as 0..=1, `None` when the total is unknown.
    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| (f64::from(self.done) / f64::from(self.total)).clamp(0.0, 1.0))
    }
}

/// An operation the server refused for good: moved out of the outbox and shown to the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedOp {
    pub op: Operation,
    #[serde(default)]
    pub code: Option<String>,
    /// The reason in words: the server's (or, refused on the tablet, the app's when it was
    /// refused); shown when `said` is absent (kept by an older app, or an older server's answer)
    /// or its code unknown.
    pub message: String,
    /// The reason as code and arguments, worded in the app's language when shown
    /// ([`RejectedOp::reason`]), so a refusal kept before a change of language reads in the new
    /// one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said: Option<shared::message::Message>,
    /// When it was refused (milliseconds since the epoch).
    pub at_ms: f64,
    /// Refused by the tablet's own check before sending (the server never saw it).
    #[serde(default)]
    pub on_tablet: bool,
}

impl RejectedOp {
    /// Why it was refused, in the app's language: `said` worded by the catalogs, else the
    /// words kept with it.
    pub fn reason(&self) -> String {
        crate::i18n::messages::words_or(self.said.as_ref(), &self.message)
    }

    pub fn from_result(op: Operation, result: &OpResult, at_ms: f64) -> Self {
        RejectedOp {
            op,
            code: result.code.clone(),
            message: result
                .message
                .clone()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| crate::i18n::sync::REJECTED_NO_REASON.into()),
            said: result.said(),
            at_ms,
            on_tablet: false,
        }
    }

    /// Refused by the tablet's own check (`shared::policy`) before it was sent.
    pub fn from_tablet(op: Operation, result: &OpResult, at_ms: f64) -> Self {
        RejectedOp { on_tablet: true, ..RejectedOp::from_result(op, result, at_ms) }
    }
}

/// Add newly rejected operations to the kept list; an operation already kept (same id) is
/// replaced by the newer answer rather than listed twice.
pub fn merge_rejected(mut kept: Vec<RejectedOp>, new: Vec<RejectedOp>) -> Vec<RejectedOp> {
    for r in new {
        match kept.iter_mut().find(|k| k.op.id == r.op.id) {
            Some(slot) => *slot = r,
            None => kept.push(r),
        }
    }
    kept
}

/// Remove the kept rejections whose operation id is in `ids`.
pub fn without_ids(kept: Vec<RejectedOp>, ids: &[Uuid]) -> Vec<RejectedOp> {
    kept.into_iter().filter(|r| !ids.contains(&r.op.id)).collect()
}

/// "服务器拒绝了 N 条修改：reason1；reason2" (distinct reasons, at most three, then "等"), in
/// the app's language.
pub fn rejected_summary(rejected: &[RejectedOp]) -> Option<String> {
    (!rejected.is_empty()).then(|| {
        let reasons = distinct_reasons(rejected);
        ts::SERVER_REJECTED.format(&[("n", rejected.len().into()), ("reasons", (&reasons).into())])
    })
}

/// "reason1；reason2" (distinct reasons, at most three, then "等").
fn distinct_reasons(rejected: &[RejectedOp]) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for r in rejected {
        let reason = r.reason();
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    let more = reasons.len() > 3;
    reasons.truncate(3);
    let joined = reasons.join(crate::i18n::LIST_SEPARATOR_LONG.get());
    if more { ts::REASONS_AND_MORE.format(&[("reasons", (&joined).into())]) } else { joined }
}

/// What a run left for a person to fix: the refusals ([`rejected_summary`]) and how many changes
/// wait behind them, held back until their record is fixed; `None` when nothing is left.
pub fn refusal_summary(rejected: &[RejectedOp], held: usize) -> Option<String> {
    let waiting = (held > 0).then(|| ts::HELD_WAITING.format(&[("n", held.into())]));
    // Set aside on the tablet, never sent: the server did not refuse them, so it is not said.
    let refused = if rejected.iter().any(|r| r.on_tablet) {
        let reasons = distinct_reasons(rejected);
        Some(
            ts::REFUSED_ON_TABLET
                .format(&[("n", rejected.len().into()), ("reasons", (&reasons).into())]),
        )
    } else {
        rejected_summary(rejected)
    };
    match (refused, waiting) {
        (Some(r), Some(w)) => Some(format!("{r}{}{w}", crate::i18n::LIST_SEPARATOR_LONG)),
        (r, w) => r.or(w),
    }
}

/// The byte range of the next chunk to send, or `None` when `received` covers the whole file.
/// An empty file is sent as one empty chunk (`0..0`) unless already received.
pub fn next_chunk(received: u64, total: u64, chunk: u64, started: bool) -> Option<(u64, u64)> {
    let chunk = chunk.max(1);
    if total == 0 {
        return (!started).then_some((0, 0));
    }
    (received < total).then(|| (received, (received + chunk).min(total)))
}

/// Where to resume an upload from what the server reports holding: its `received` count when it
/// expects the same total, else from the start.
pub fn resume_offset(server_received: u64, server_total: u64, size: u64) -> u64 {
    if server_total == size { server_received.min(size) } else { 0 }
}

/// One window of the outbox sorted into what is sent, what is held back and what the tablet
/// refuses itself.
pub struct Sorted {
    pub send: Vec<(u64, Operation)>,
    pub held: usize,
    pub refused: Vec<(u64, RejectedOp)>,
}

/// Sort a window of the outbox: changes of a record in `blocked` (an open refusal) are held
/// back; a change the tablet can tell the server would refuse is set aside (and its record
/// blocked from then on); the rest is sent.
pub fn hold_back(
    entries: Vec<OutboxEntry>,
    blocked: &mut BTreeSet<Uuid>,
    account: Option<&Account>,
    now: f64,
) -> Sorted {
    let mut sorted = Sorted { send: Vec::new(), held: 0, refused: Vec::new() };
    for entry in entries {
        // Refused before: wait for the repair. No branch yet (saved before 所在支部 was
        // chosen): wait for it (`Store::assign_branch`), it is not a refusal.
        let unbranched = entry.op.branch_id.is_empty() && !entry.op.entity.is_town_wide();
        if blocked.contains(&entry.op.entity_id) || unbranched {
            sorted.held += 1;
            continue;
        }
        if let Some(account) = account
            && let Err(refusal) = check_on_tablet(account, &entry.op, now)
        {
            blocked.insert(entry.op.entity_id);
            let worded = crate::i18n::messages::words_or(Some(&refusal.message), "");
            let result = refusal.into_result(&entry.op, worded);
            sorted.refused.push((entry.key, RejectedOp::from_tablet(entry.op, &result, now)));
            continue;
        }
        sorted.send.push((entry.key, entry.op));
    }
    sorted
}

/// A batch about to be sent, less the changes of records refused earlier in this run (`blocked`),
/// which wait for 重新提交 with the rest of their record: sent on their own, the server would
/// store half the record. The second value counts them (held back). Run on each planned batch
/// and on what a push's answer left out to be sent again at once (the server takes no
/// operation past its bound on the conflicts one push makes, `shared::policy::PastTheBound`).
pub fn without_refused_records(
    batch: shared::sync::Batch,
    blocked: &BTreeSet<Uuid>,
) -> (Option<shared::sync::Batch>, usize) {
    let request = shared::sync::PushRequest { ops: Vec::new() };
    let mut again = shared::sync::Batch { keys: Vec::new(), request };
    let mut held = 0;
    for (key, op) in batch.keys.into_iter().zip(batch.request.ops) {
        if blocked.contains(&op.entity_id) {
            held += 1;
        } else {
            again.keys.push(key);
            again.request.ops.push(op);
        }
    }
    ((!again.keys.is_empty()).then_some(again), held)
}

/// The rules the tablet can check without the server's copy of the record: who may write what
/// where, the clock and the lengths of texts (`shared::policy`, the server's own code).
pub fn check_on_tablet(account: &Account, op: &Operation, now_ms: f64) -> Result<(), Rejection> {
    // The county's one step changes an existing candidate: whether it exists (of that kind and
    // branch) is the server's copy to say, so the tablet takes the record as the operation
    // names it and checks what the step writes.
    let named = Existing { entity: op.entity, branch_id: op.branch_id.clone() };
    let existing = (account.role == Role::CountyViewer).then_some(&named);
    policy::check(account, op, existing)?;
    policy::check_clock(op, now_ms.max(0.0) as u64)?;
    policy::check_lengths(op)
}

/// Whether a change of `entity`/`id` in `branch_id` by `account` now would be refused: the
/// [`check_on_tablet`] rules run on an operation with no field changes (the form and the
/// resubmission ask this before anything is written).
pub fn would_refuse(
    account: &Account,
    entity: shared::record::EntityKind,
    id: Uuid,
    branch_id: &str,
    now_ms: f64,
) -> Result<(), Rejection> {
    let probe = Operation {
        id: Uuid::nil(),
        device_id: Uuid::nil(),
        author: account.username.clone(),
        hlc: shared::hlc::Hlc::new(now_ms.max(0.0) as u64, 0, "probe"),
        entity,
        entity_id: id,
        branch_id: branch_id.to_owned(),
        kind: shared::op::OpKind::Upsert,
        changes: Vec::new(),
    };
    check_on_tablet(account, &probe, now_ms)
}
