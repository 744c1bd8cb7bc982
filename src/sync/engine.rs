//! One sync run: push the outbox in batches, pull others' changes page by page, upload photos
//! in resumable chunks. Every step leaves the device consistent if the run stops there: an
//! operation leaves the outbox only once the server named its id, the pull cursor moves only
//! after its page is stored, and an upload resumes from what the server already holds.

use std::future::Future;
use std::pin::Pin;

use std::collections::BTreeSet;

use shared::op::Operation;
use shared::roles::Account;
use shared::sync::{
    AttachmentStatus, Batch, MAX_PUSH_BYTES, PushRequest, acknowledged, plan_batches,
};
use uuid::Uuid;

use super::error::{HttpError, SyncError};
use super::plan::{
    CHUNK_BYTES, OUTBOX_WINDOW, PULL_LIMIT, PUSH_MAX_OPS, Phase, RejectedOp, hold_back, next_chunk,
    resume_offset, without_refused_records,
};
use super::rejected;
use super::transport::Transport;
use crate::i18n::sync as t;
use crate::store::{PullPosition, Sending, Store, blob_bytes};
use shared::order::CollectOrdered as _;

/// Progress callback: phase, done, total (0 = unknown).
pub type Progress<'a> = &'a dyn Fn(Phase, u32, u32);

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncReport {
    /// Operations the server acknowledged (accepted or duplicate) and that left the outbox.
    pub pushed: usize,
    /// Operations refused in this run (moved aside), by the server or on the tablet.
    pub rejected: Vec<RejectedOp>,
    /// Operations held back because their record has an open refusal (still queued).
    pub held: usize,
    /// Operations pulled and merged.
    pub pulled: usize,
    /// Local records that changed because of pulled operations.
    pub changed_records: usize,
    /// Conflicts found while merging pulled operations.
    pub conflicts: usize,
    /// Photos the server now holds in full.
    pub uploaded: usize,
    /// The server's database was found restored from an older backup: the changes this tablet
    /// made, queued again and sent in this run (the pull went again from the start).
    pub resent_after_restore: Option<u32>,
    /// The tablet's clock was beyond what the server accepts (its date was once ahead) and its
    /// date is right again: how many of its stamps were brought back, and how many changes
    /// refused for their stamp were queued again, before this run sent anything.
    pub restamped: Option<(usize, usize)>,
}

/// Push, pull, then upload photos, with no check on the tablet before sending (see
/// [`run_once_as`]).
pub async fn run_once<T: Transport>(
    store: &Store,
    transport: &T,
    progress: Progress<'_>,
) -> Result<SyncReport, SyncError> {
    run_once_as(store, transport, None, progress).await
}

/// Push, pull, then upload photos as `account`: what the tablet can tell the server would
/// refuse is set aside before it is sent.
pub async fn run_once_as<T: Transport>(
    store: &Store,
    transport: &T,
    account: Option<&Account>,
    progress: Progress<'_>,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    // A clock beyond the server's bound (the date was once more than a day ahead) never comes
    // back by itself: every change would be refused, 重新提交 too. Once the date agrees with the
    // server's, the stamps come back to the present and what was refused for them goes again.
    if clock_to_settle(store, js_sys::Date::now() as u64).await? {
        report.restamped = restamp_if_date_agrees(store, transport).await?;
    }
    // Before anything is sent, ask whether the server still holds what this tablet last pulled
    // and last had acknowledged: changes pushed onto a server that went back in time could be
    // refused for want of what it lost (a survey's earlier fields, a workflow's earlier step).
    // Only when something would be sent: otherwise the pull below asks the same.
    if store.outbox_len().await? > 0 && server_went_back(store, transport).await? {
        resend(store, account, &mut report).await?;
    }
    // Changes queued again after a restore go without the tablet's own checks as the signed-in
    // account, until a run has sent them all (an interrupted run leaves them so): they were made
    // under the accounts that made them, and the server, which finds its duplicates before any
    // check, is the one to say whether one it lost may be stored again.
    let resending = store.server_restore_pending().await?;
    let checked_as = if resending { None } else { account };
    push_outbox_as(store, transport, checked_as, progress, &mut report).await?;
    match pull_all(store, transport, progress, &mut report).await {
        // Found by the pull (nothing was queued, or the restore came between the check above
        // and here). Once per run: the pull that follows starts at 0.
        Err(SyncError::HistoryChanged) if report.resent_after_restore.is_none() => {
            resend(store, account, &mut report).await?;
            push_outbox_as(store, transport, None, progress, &mut report).await?;
            pull_all(store, transport, progress, &mut report).await?;
        }
        other => other?,
    }
    upload_attachments(store, transport, progress, &mut report).await?;
    if resending || report.resent_after_restore.is_some() {
        store.server_restored_complete().await?;
    }
    Ok(report)
}

/// How far ahead of the server's clock the tablet's date may be for its stamps to be brought
/// back to it (behind, a day): a date still wrong by more would stamp ahead again.
const DATE_AGREES_MS: u64 = 60 * 60 * 1000;

/// Whether this tablet has to ask the server's time before sending: its clock is beyond the
/// bound of its date, or changes were refused for their stamp (they go again once the date is
/// right; a run cut off after bringing the stamps back, or another tab that set one aside with
/// its old stamp, leaves such refusals behind, so this is asked at every run while any is kept).
async fn clock_to_settle(store: &Store, now: u64) -> Result<bool, SyncError> {
    if store.clock_ahead_of(now).await? {
        return Ok(true);
    }
    Ok(rejected::list(store).await?.iter().any(|r| r.code.as_deref() == Some(CLOCK_AHEAD)))
}

const CLOCK_AHEAD: &str = "clock_ahead";

/// Ask the server its time (an empty push answers with its clock, storing nothing); if the
/// tablet's date agrees with it, bring the tablet's stamps beyond the bound back to the present
/// and queue again the changes refused for their stamp, with the other refusals of their
/// records (refused as following a refused change), oldest first. `None` when the date does
/// not agree (the refusals keep saying to correct it).
async fn restamp_if_date_agrees<T: Transport>(
    store: &Store,
    transport: &T,
) -> Result<Option<(usize, usize)>, SyncError> {
    let server = transport.push(&PushRequest { ops: Vec::new() }).await?.server_hlc.millis;
    let now = js_sys::Date::now() as u64;
    if now > server.saturating_add(DATE_AGREES_MS)
        || now.saturating_add(shared::policy::MAX_CLOCK_AHEAD_MS) < server
    {
        log::warn!("the tablet's date disagrees with the server's: its stamps stay as they are");
        return Ok(None);
    }
    // The server's clock has seen every stamp it took: none of those is beyond its bound.
    let now = now.max(server);
    let restamped = crate::split::restamp(store.clone(), now)
        .await
        .map_err(|e| SyncError::Store(crate::store::StoreError::Codec(e.to_string())))??;
    let kept = rejected::list(store).await?;
    let records: BTreeSet<Uuid> = kept
        .iter()
        .filter(|r| r.code.as_deref() == Some(CLOCK_AHEAD))
        .filter(|r| shared::policy::within_bound(r.op.hlc.millis, now))
        .map(|r| r.op.entity_id)
        .collect_set();
    let again: Vec<Uuid> =
        kept.iter().filter(|r| records.contains(&r.op.entity_id)).map(|r| r.op.id).collect();
    let requeued = if again.is_empty() { 0 } else { rejected::requeue(store, &again).await? };
    Ok(Some((restamped, requeued)))
}

/// [`Store::restamp_ahead`] of this tablet's records, queued and refused operations (behind
/// a split point: `split::restamp`).
pub async fn restamp_stored(store: &Store, now: u64) -> Result<usize, crate::store::StoreError> {
    store
        .restamp_ahead(
            now,
            rejected::REJECTED_KEY,
            |kept: &Vec<RejectedOp>| {
                kept.iter().flat_map(|r| shared::restamp::clocks_of_op(&r.op)).cloned().collect()
            },
            |kept: &mut Vec<RejectedOp>, plan| {
                for r in kept {
                    plan.op(&mut r.op);
                }
            },
        )
        .await
}

/// Whether the server answers a one-operation pull from the stored position with
/// `history_changed` (nothing is stored from the answer). No answer within the request's time
/// ends the run ([`SyncError::Timeout`]): a server that did not answer the smallest read there
/// is in 60 s will most likely not answer the push either, and the surveyor would watch a run
/// of two minutes fail (the retry comes within seconds, as after any failure; a connection
/// that died unseen costs one such retry). Any other failure (a connection cut or refused, an
/// error status) is left to the push and the pull that follow (logged): a moment's fault never
/// stops a push that would go.
async fn server_went_back<T: Transport>(store: &Store, transport: &T) -> Result<bool, SyncError> {
    let from = store.pull_position().await?;
    if from.cursor == 0 && from.acked.is_none() {
        return Ok(false);
    }
    match transport.pull(&from, 1).await.map_err(SyncError::from) {
        Ok(_) => Ok(false),
        Err(SyncError::HistoryChanged) => Ok(true),
        Err(SyncError::Timeout) => Err(SyncError::Timeout),
        Err(e) => {
            log::info!("the check before pushing did not answer: {e}");
            Ok(false)
        }
    }
}

/// The server no longer holds what this tablet last pulled or had acknowledged: its database
/// went back in time (an older backup restored, or a town moved into a county database with
/// its numbers moved up). Queue again everything this tablet made (what the server still holds
/// is answered as a duplicate) and forget the pull position, so the run pulls from the start.
/// Its own changes pulled back are taken only when the account sees every field: pulled by
/// one that does not, they lack the personal ones.
async fn resend(
    store: &Store,
    account: Option<&Account>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    log::warn!("the office server's database went back in time: resending, pulling again");
    let pulled_whole = account.is_none_or(|a| a.role.sees_personal_data());
    let resent = store.resend_history(js_sys::Date::now(), pulled_whole).await?;
    report.resent_after_restore = Some(resent);
    Ok(())
}

/// Send the whole outbox (including what is added while sending), oldest first, except what
/// must not go: the changes of a record with an open refusal are held back (the record goes
/// again whole once the surveyor fixed it, never piecemeal), and a change the tablet can tell
/// the server would refuse (wrong author, a branch outside the account's scope, …: the same
/// `shared::policy` rules the server runs) is set aside as refused without being sent.
pub async fn push_outbox<T: Transport>(
    store: &Store,
    transport: &T,
    progress: Progress<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    push_outbox_as(store, transport, None, progress, report).await
}

/// [`push_outbox`], checking each change on the tablet as `account` first.
pub async fn push_outbox_as<T: Transport>(
    store: &Store,
    transport: &T,
    account: Option<&Account>,
    progress: Progress<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut blocked: BTreeSet<Uuid> =
        rejected::list(store).await?.iter().map(|r| r.op.entity_id).collect_set();
    let mut total = store.outbox_len().await?;
    let mut done = 0u32;
    let mut after: Option<u64> = None;
    progress(Phase::Pushing, 0, total);
    loop {
        let window = store.outbox_window(after, OUTBOX_WINDOW).await?;
        let (entries, rewrites) = (window.entries, window.rewrites);
        let Some(last) = entries.last() else {
            return Ok(());
        };
        after = Some(last.key);
        // Edits made while syncing join the total.
        total = total.max(done + entries.len() as u32);
        let now = js_sys::Date::now();
        let sorted = hold_back(entries, &mut blocked, account, now);
        report.held += sorted.held;
        done += sorted.held as u32;
        if !sorted.refused.is_empty() {
            report.rejected.extend(sorted.refused.iter().map(|(_, r)| r.clone()));
            // Refused here, so the office's import of a file holding it refuses it too: its
            // record may be corrected again (its branch).
            let records: Vec<Uuid> = sorted.refused.iter().map(|(_, r)| r.op.entity_id).collect();
            rejected::set_aside(store, sorted.refused).await?;
            store.forget_maybe_sent(&records).await?;
        }
        for batch in plan_batches(&sorted.send, PUSH_MAX_OPS, MAX_PUSH_BYTES) {
            let mut next = Some(batch);
            while let Some(batch) = next.take() {
                // A record refused earlier in this run (an earlier batch) keeps its later
                // changes here with it.
                let (batch, held) = without_refused_records(batch, &blocked);
                report.held += held;
                done += held as u32;
                let Some(batch) = batch else {
                    progress(Phase::Pushing, done, total);
                    continue;
                };
                let n = batch.keys.len();
                // What the answer left out (not taken yet: the server's bound on one push's
                // conflicts) goes again at once.
                next = send_batch(store, transport, batch, rewrites, &mut blocked, report).await?;
                done += (n - next.as_ref().map_or(0, |b| b.keys.len())) as u32;
                progress(Phase::Pushing, done, total);
            }
        }
        // Held-back entries stay in the outbox: walk on past them.
    }
}

/// Push one batch and settle each of its entries: acknowledged ones leave the outbox, refused
/// ones are set aside. A batch the server refuses as a whole because of one operation (409 same
/// id with other content, 413 too large, 400/422 invalid) is split so only that one is set aside.
/// Entries the answer left out stay queued: when the server took others, they are given back
/// to be sent again at once (the server leaves out what would pass its bound on one push's
/// conflicts); when it took none, the run fails (`SyncError::Unacknowledged`) and retries later.
/// The records of what it refuses join `blocked`: their later changes wait with them.
fn send_batch<'a, T: Transport>(
    store: &'a Store,
    transport: &'a T,
    batch: Batch,
    rewrites: u64,
    blocked: &'a mut BTreeSet<Uuid>,
    report: &'a mut SyncReport,
) -> Pin<Box<dyn Future<Output = Result<Option<Batch>, SyncError>> + 'a>> {
    Box::pin(async move {
        // Until the answer comes, these records may be at the office: their branch is not
        // rewritten under the same change ids, nor are they discarded as never sent. Noted in
        // the transaction that finds which are still queued: one whose record was discarded
        // since the outbox was read (`rewrites` counted then) is not sent, and one rewritten
        // meanwhile goes as it is now.
        let sending: Vec<(u64, Uuid)> =
            batch.keys.iter().zip(&batch.request.ops).map(|(k, op)| (*k, op.entity_id)).collect();
        let batch = match store.note_sending(&sending, rewrites).await {
            Ok(queued) => only_what_is_queued(batch, queued),
            // Best effort: on a full disk the push must still reach the office. What is still
            // queued can be read all the same; a discard (which only deletes, so succeeds on a
            // full disk) during this push's round trip could then still cross it.
            Err(e) => {
                log::warn!("could not note the records of a push as maybe at the office: {e}");
                match store.still_queued(&sending, rewrites).await {
                    Ok(queued) => only_what_is_queued(batch, queued),
                    Err(e) => {
                        log::warn!("could not read what of a push is still queued: {e}");
                        batch
                    }
                }
            }
        };
        if batch.keys.is_empty() {
            return Ok(None);
        }
        let records: Vec<Uuid> = batch.request.ops.iter().map(|op| op.entity_id).collect();
        match transport.push(&batch.request).await {
            Ok(response) => {
                let ack = acknowledged(&batch, &response);
                let now = js_sys::Date::now();
                let aside: Vec<(u64, RejectedOp)> = ack
                    .rejected
                    .iter()
                    .filter_map(|(key, result)| {
                        let op = op_of(&batch, *key)?.clone();
                        Some((*key, RejectedOp::from_result(op, result, now)))
                    })
                    .collect();
                report.rejected.extend(aside.iter().map(|(_, r)| r.clone()));
                blocked.extend(aside.iter().map(|(_, r)| r.op.entity_id));
                rejected::set_aside(store, aside).await?;
                store.ack(&ack.remove).await?;
                // Answered: taken (now in the history) or refused (not stored). An operation
                // the answer left out keeps its record marked.
                let unanswered: BTreeSet<Uuid> = ack
                    .retry
                    .iter()
                    .filter_map(|k| op_of(&batch, *k))
                    .map(|op| op.entity_id)
                    .collect_set();
                let answered: Vec<Uuid> =
                    records.into_iter().filter(|id| !unanswered.contains(id)).collect();
                store.forget_maybe_sent(&answered).await?;
                report.pushed += ack.remove.len();
                if ack.retry.is_empty() {
                    Ok(None)
                } else if ack.remove.is_empty() && ack.rejected.is_empty() {
                    Err(SyncError::Unacknowledged(ack.retry.len()))
                } else {
                    let mut left = Batch { keys: Vec::new(), request: PushRequest { ops: vec![] } };
                    for key in ack.retry {
                        if let Some(op) = op_of(&batch, key) {
                            left.keys.push(key);
                            left.request.ops.push(op.clone());
                        }
                    }
                    Ok(Some(left))
                }
            }
            Err(err) if refuses_content(&err) => {
                if batch.keys.len() > 1 {
                    // Each goes alone now, so a record refused in one of them keeps its later
                    // changes here with it (held, as between pushes); sent alone, the server
                    // would store them on their own: half the record.
                    for (key, op) in batch.keys.iter().zip(batch.request.ops) {
                        let single =
                            Batch { keys: vec![*key], request: PushRequest { ops: vec![op] } };
                        let (single, held) = without_refused_records(single, blocked);
                        report.held += held;
                        let Some(single) = single else { continue };
                        // One operation alone: answered, or the run fails; never left.
                        send_batch(store, transport, single, rewrites, blocked, report).await?;
                    }
                    return Ok(None);
                }
                let (Some(key), Some(op)) =
                    (batch.keys.first(), batch.request.ops.into_iter().next())
                else {
                    return Ok(None);
                };
                let message = err
                    .server_message()
                    .unwrap_or_else(|| SyncError::from(err.clone()).to_string());
                let said = match &err {
                    HttpError::Status { error: Some(e), .. } => e.said(),
                    _ => None,
                };
                let r = RejectedOp {
                    op,
                    code: err.code().map(str::to_owned),
                    message,
                    said,
                    at_ms: js_sys::Date::now(),
                    on_tablet: false,
                };
                // The same id with other content: the server holds an operation of it.
                let held = r.code.as_deref() == Some(shared::sync::OP_ID_CONFLICT);
                report.rejected.push(r.clone());
                blocked.insert(r.op.entity_id);
                rejected::set_aside(store, vec![(*key, r)]).await?;
                if !held {
                    store.forget_maybe_sent(&records).await?;
                }
                Ok(None)
            }
            Err(err) => Err(err.into()),
        }
    })
}

/// `batch` as what of it is still queued ([`Store::note_sending`]): without what left the outbox
/// since it was read, and read again if queued operations were rewritten since.
fn only_what_is_queued(batch: Batch, queued: Sending) -> Batch {
    match queued {
        Sending::AsRead(keys) if keys.len() == batch.keys.len() => batch,
        Sending::AsRead(keys) => {
            let (keys, ops) = batch
                .keys
                .into_iter()
                .zip(batch.request.ops)
                .filter(|(key, _)| keys.contains(key))
                .unzip();
            Batch { keys, request: PushRequest { ops } }
        }
        Sending::Reread(entries) => {
            let (keys, ops) = entries.into_iter().map(|e| (e.key, e.op)).unzip();
            Batch { keys, request: PushRequest { ops } }
        }
    }
}

/// The operation of `batch` stored under outbox `key`. `acknowledged()` only returns keys of the
/// batch; were one missing, its entry would not be set aside and stay in the outbox to be sent
/// again, never lost.
fn op_of(batch: &Batch, key: u64) -> Option<&Operation> {
    batch.keys.iter().zip(&batch.request.ops).find(|(k, _)| **k == key).map(|(_, op)| op)
}

/// Statuses with which the server refuses a push because of what is in it (not because of the
/// network, the account or itself).
fn refuses_content(err: &HttpError) -> bool {
    matches!(err.status(), Some(400 | 409 | 413 | 422))
}

/// Pull every page after the stored cursor and merge it; the cursor is saved with each page, in
/// its transaction. The next page is fetched while the current one is merged (both wait on
/// other processes: the server and the browser's database), so a pull takes about the longer of
/// the two rather than their sum. A failed merge ends the run with that error.
pub async fn pull_all<T: Transport>(
    store: &Store,
    transport: &T,
    progress: Progress<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut from = store.pull_position().await?;
    progress(Phase::Pulling, 0, 0);
    let mut page = transport.pull(&from, PULL_LIMIT).await?;
    loop {
        // A page that does not move the cursor cannot lead anywhere new.
        let last = !page.more || page.cursor == from.cursor;
        let next_from = PullPosition {
            cursor: page.cursor,
            check: page.cursor_check.clone(),
            ..PullPosition::default()
        };
        let merge = store.apply_remote_page(&page.ops, next_from.clone());
        let (outcome, next) = if last {
            (merge.await, None)
        } else {
            let (outcome, next) = futures::join!(merge, transport.pull(&next_from, PULL_LIMIT));
            (outcome, Some(next))
        };
        let outcome = outcome?;
        report.pulled += page.ops.len();
        report.changed_records += outcome.changed_records;
        report.conflicts += outcome.conflicts.len();
        progress(Phase::Pulling, report.pulled as u32, 0);
        let Some(next) = next else {
            return Ok(());
        };
        from = next_from;
        page = next?;
    }
}

/// Most `offset_mismatch` answers tolerated for one photo before giving up for this run.
const MAX_RESYNCS: u32 = 3;

/// Upload every photo the server does not hold yet, chunk by chunk, resuming where the server
/// says it stopped.
pub async fn upload_attachments<T: Transport>(
    store: &Store,
    transport: &T,
    progress: Progress<'_>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let pending = store.attachments_to_upload().await?;
    let total = pending.len() as u32;
    progress(Phase::Uploading, 0, total);
    // A photo the server refuses, or that cannot be read here, does not hold back the ones after
    // it; the run still ends with its error. One refused for good is set aside (not tried again
    // until a record showing it is resubmitted) and the records showing it are 需处理; any
    // other stays waiting. A failure of the network, the server or the sign-in ends the run at
    // once.
    let mut first_failure = None;
    for (i, attachment) in pending.iter().enumerate() {
        let mut uploaded = upload_stored(store, transport, attachment).await;
        // The server drops what it received of a photo whose bytes do not match its hash: a
        // transfer spoiled on the way passes at a second try; a photo spoiled here does not.
        if matches!(uploaded, Err(SyncError::PhotoRefused { status: 422, .. })) {
            uploaded = upload_stored(store, transport, attachment).await;
        }
        match uploaded {
            Ok(()) => report.uploaded += 1,
            Err(e) if of_one_photo(&e) => {
                log::warn!("photo {} not uploaded: {e}", attachment.sha256);
                if refused_for_good(&e) {
                    store.set_photo_aside(&attachment.sha256, &e.to_string()).await?;
                }
                first_failure.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
        progress(Phase::Uploading, i as u32 + 1, total);
    }
    first_failure.map_or(Ok(()), Err)
}

/// Whether a photo's own failure will be the same at every try: the server refuses it as it is
/// by its own rule, or its bytes cannot be read here. Not a failure that may pass (the server
/// not confirming the whole file, a size it does not agree with, a proxy's bare status).
fn refused_for_good(error: &SyncError) -> bool {
    matches!(error, SyncError::PhotoRefused { .. } | SyncError::PhotoUnreadable(_))
}

/// Whether an upload's failure is the photo's own (refused as it is, or unreadable here), not
/// the network's, the server's or the sign-in's, which every later photo would meet too.
fn of_one_photo(error: &SyncError) -> bool {
    match error {
        SyncError::Attachment(_)
        | SyncError::PhotoRefused { .. }
        | SyncError::PhotoUnreadable(_)
        | SyncError::Store(_)
        | SyncError::BadResponse(_) => true,
        SyncError::Server { status, .. } => {
            (400..500).contains(status) && !matches!(status, 408 | 429)
        }
        _ => false,
    }
}

/// A chunk's refusal: [`SyncError::PhotoRefused`] when the office server refused the photo
/// as it is by its own rule (its error code says so), else what any answer means.
fn photo_refused(err: HttpError) -> SyncError {
    match err.status() {
        Some(status @ (400 | 413 | 415 | 422)) if err.code().is_some() => {
            let message = err.server_message().unwrap_or_default();
            SyncError::PhotoRefused { status, message }
        }
        _ => err.into(),
    }
}

/// Upload one photo unless the server holds it in full (it is not read then: after a restore
/// every photo is asked about again, and most are there), and note that the server has it.
async fn upload_stored<T: Transport>(
    store: &Store,
    transport: &T,
    attachment: &crate::store::Attachment,
) -> Result<(), SyncError> {
    let status = transport.attachment_status(&attachment.sha256).await?;
    if !status.complete {
        // A blob the browser cannot give back (its file gone) will not be readable later.
        let bytes = blob_bytes(&attachment.blob)
            .await
            .map_err(|e| SyncError::PhotoUnreadable(e.to_string()))?;
        upload_from(transport, &attachment.sha256, &bytes, status).await?;
    }
    store.mark_uploaded(&attachment.sha256).await?;
    Ok(())
}

/// Send one blob; returns once the server reports it complete.
pub async fn upload_one<T: Transport>(
    transport: &T,
    sha256: &str,
    bytes: &[u8],
) -> Result<(), SyncError> {
    let status = transport.attachment_status(sha256).await?;
    upload_from(transport, sha256, bytes, status).await
}

/// [`upload_one`] once the server said what it holds of the photo (`status`).
async fn upload_from<T: Transport>(
    transport: &T,
    sha256: &str,
    bytes: &[u8],
    status: AttachmentStatus,
) -> Result<(), SyncError> {
    let size = bytes.len() as u64;
    if status.complete {
        return Ok(());
    }
    let mut offset = resume_offset(status.received, status.total, size);
    let mut started = offset > 0;
    let mut resyncs = 0;
    while let Some((start, end)) = next_chunk(offset, size, CHUNK_BYTES, started) {
        started = true;
        match transport.put_chunk(sha256, start, size, &bytes[start as usize..end as usize]).await {
            Ok(status) if status.complete => return Ok(()),
            Ok(status) if status.received > start && status.received <= size => {
                offset = status.received
            }
            Ok(status) => {
                return Err(SyncError::Attachment(
                    t::ATTACHMENT_SIZE_MISMATCH
                        .format(&[("received", status.received.into()), ("sent", end.into())]),
                ));
            }
            Err(err) if err.code() == Some("offset_mismatch") && resyncs < MAX_RESYNCS => {
                resyncs += 1;
                offset = err.received().unwrap_or(0).min(size);
            }
            Err(err) => return Err(photo_refused(err)),
        }
    }
    // Every byte was sent and accepted but the server did not confirm the whole file.
    let status = transport.attachment_status(sha256).await?;
    if status.complete {
        Ok(())
    } else {
        Err(SyncError::Attachment(t::ATTACHMENT_UNCONFIRMED.into()))
    }
}
