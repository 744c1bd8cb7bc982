//! Operations the server refused for good: moved out of the outbox into the `meta` entry
//! [`REJECTED_KEY`] (so they are neither retried forever nor lost), shown with the server's
//! reason, and either dismissed or queued again by the person.

use shared::record::{EntityKind, Record};
use shared::roles::Account;
use uuid::Uuid;

use super::plan::{RejectedOp, merge_rejected, without_ids, would_refuse};
use crate::store::{Store, StoreError};
use shared::order::CollectOrdered as _;

/// Why a resubmission did not happen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResubmitError {
    /// The record still breaks a rule the server would refuse it for (the same words).
    #[error("{0}")]
    StillRefused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Meta key of the kept rejections (`Vec<RejectedOp>`).
pub const REJECTED_KEY: &str = "sync_rejected";

/// The rejections kept on this device, oldest first.
pub async fn list(store: &Store) -> Result<Vec<RejectedOp>, StoreError> {
    Ok(store.meta_get::<Vec<RejectedOp>>(REJECTED_KEY).await?.unwrap_or_default())
}

/// Move refused outbox entries aside: first kept in `meta`, then removed from the outbox, so a
/// crash between the two leaves the operation in both places (sent again, refused again, kept
/// once) and never in neither.
pub async fn set_aside(store: &Store, items: Vec<(u64, RejectedOp)>) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let keys: Vec<u64> = items.iter().map(|(k, _)| *k).collect();
    let refused: Vec<RejectedOp> = items.into_iter().map(|(_, r)| r).collect();
    // Read and written in one transaction: a dismissal or resubmission made meanwhile is kept.
    store
        .meta_update(REJECTED_KEY, |kept: Option<Vec<RejectedOp>>| {
            merge_rejected(kept.unwrap_or_default(), refused)
        })
        .await?;
    store.drop_refused(&keys).await
}

/// Forget rejections the person has read.
pub async fn dismiss(store: &Store, ids: &[Uuid]) -> Result<(), StoreError> {
    store
        .meta_update(REJECTED_KEY, |kept: Option<Vec<RejectedOp>>| {
            without_ids(kept.unwrap_or_default(), ids)
        })
        .await?;
    store.outbox_changed();
    Ok(())
}

/// Forget the rejections of records the person gave up on (a discarded draft and its member):
/// nothing of them is left to fix, and a deletion of one the server has is no longer held back.
pub async fn forget_records(
    store: &Store,
    records: &[(EntityKind, Uuid)],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = list(store)
        .await?
        .into_iter()
        .filter(|r| records.contains(&(r.op.entity, r.op.entity_id)))
        .map(|r| r.op.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    dismiss(store, &ids).await
}

/// Put rejected operations back in the outbox (after the office fixed the account's branches,
/// say), oldest first and ahead of their records' later queued changes, and out of the list,
/// in one transaction (`Store::requeue_first`). An operation that is already queued again
/// stays queued once.
pub async fn requeue(store: &Store, ids: &[Uuid]) -> Result<usize, StoreError> {
    let ops: Vec<_> =
        list(store).await?.into_iter().filter(|r| ids.contains(&r.op.id)).map(|r| r.op).collect();
    if ops.is_empty() {
        return Ok(0);
    }
    // Only what was queued goes, from the list as it is in the transaction.
    let done = store
        .requeue_first(
            ops,
            (REJECTED_KEY, |now: Option<Vec<RejectedOp>>, done: &[Uuid]| {
                without_ids(now.unwrap_or_default(), done)
            }),
        )
        .await?;
    Ok(done.len())
}

/// The records with an open refusal.
pub fn refused_records(kept: &[RejectedOp]) -> std::collections::BTreeSet<(EntityKind, Uuid)> {
    kept.iter().map(|r| (r.op.entity, r.op.entity_id)).collect_set()
}

/// The 梯队 mark candidate `record` holds from a change of this tablet's that the server refused
/// for changing the mark after the town's approval, while that refusal is open and the record
/// still holds that very write (the field's clock is the refused change's: once the surveyor
/// took it back, or the office wrote the mark since, it is not the refused mark any more).
/// `shared::workflow::check_pipeline_mark` lets the tablet take it back though the rule locks
/// the mark.
pub fn refused_pipeline_mark(kept: &[RejectedOp], record: &Record) -> Option<bool> {
    let held = record.base_of("pipeline")?;
    kept.iter()
        .rev()
        .filter(|r| r.op.entity == EntityKind::Candidate && r.op.entity_id == record.id)
        .filter(|r| {
            r.said
                .as_ref()
                .is_some_and(|m| m.code == shared::workflow::PIPELINE_AFTER_TOWN_APPROVAL)
        })
        .filter(|r| r.op.hlc == held)
        .find_map(|r| r.op.changes.iter().find(|c| c.field == "pipeline")?.value.as_bool())
}

/// What 重新提交 does for record `entity`/`id`: the photos it shows that were refused for good
/// are tried again at the next sync, and its refused changes, if it has any (or nothing else
/// was refused), are replaced by the whole record ([`resubmit`]).
pub async fn resubmit_record(
    store: &Store,
    account: &Account,
    entity: EntityKind,
    id: Uuid,
    branch_id: &str,
) -> Result<(), ResubmitError> {
    let photos = store.clear_photo_refusals_of(entity, id).await?;
    let changes_refused = list(store).await?.iter().any(|r| r.op.entity_id == id);
    if changes_refused || photos == 0 {
        resubmit(store, account, entity, id, branch_id).await?;
    }
    Ok(())
}

/// Resubmit a refused record after the surveyor fixed it: ONE operation with the record's whole
/// current state, authored by the signed-in `account`, in `branch_id`, replaces the refused and
/// the held-back changes (one transaction, with the refusal list). The tablet runs the server's
/// rules on it first: a record that would be refused again is not queued, and the message says
/// why in the server's words.
pub async fn resubmit(
    store: &Store,
    account: &Account,
    entity: EntityKind,
    id: Uuid,
    branch_id: &str,
) -> Result<shared::op::Operation, ResubmitError> {
    let record = store.get(entity, id).await?.ok_or(StoreError::NotFound)?;
    if record.is_deleted() {
        return Err(StoreError::NotFound.into());
    }
    would_refuse(account, entity, id, branch_id, js_sys::Date::now())
        .map_err(|r| ResubmitError::StillRefused(crate::logic::validation::words(&r.message)))?;
    // A candidate still holding the 梯队 mark the server refused would be refused again.
    if entity == EntityKind::Candidate
        && refused_pipeline_mark(&list(store).await?, &record).is_some()
        && let Ok(candidate) = record.to_typed::<shared::model::Candidate>()
        && shared::workflow::check_pipeline_change(&candidate, account.role).is_err()
    {
        let words = crate::i18n::campaign::PIPELINE_TAKE_BACK_FIRST.to_string();
        return Err(ResubmitError::StillRefused(words));
    }
    // This record's refusals leave the list as it is inside the resubmission's transaction.
    let without_this = |kept: Option<Vec<RejectedOp>>| -> Vec<RejectedOp> {
        kept.unwrap_or_default().into_iter().filter(|r| r.op.entity_id != id).collect()
    };
    Ok(store
        .resubmit_whole(entity, id, &account.username, branch_id, (REJECTED_KEY, without_this))
        .await?)
}
