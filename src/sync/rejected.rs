//! Operations the server refused for good: moved out of the outbox into the `meta` entry
//! [`REJECTED_KEY`] (so they are neither retried forever nor lost), shown with the server's
//! reason, and either dismissed or queued again by the person.

use uuid::Uuid;

use super::plan::{RejectedOp, merge_rejected, without_ids};
use crate::store::{Store, StoreError};

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
    let kept = merge_rejected(list(store).await?, items.into_iter().map(|(_, r)| r).collect());
    store.meta_set(REJECTED_KEY, &kept).await?;
    store.ack(&keys).await
}

/// Forget rejections the person has read.
pub async fn dismiss(store: &Store, ids: &[Uuid]) -> Result<(), StoreError> {
    let kept = without_ids(list(store).await?, ids);
    store.meta_set(REJECTED_KEY, &kept).await
}

/// Put rejected operations back in the outbox (after the office fixed the account's branches,
/// say). An operation that is already queued again stays queued once.
pub async fn requeue(store: &Store, ids: &[Uuid]) -> Result<usize, StoreError> {
    let kept = list(store).await?;
    let mut done = Vec::new();
    for r in kept.iter().filter(|r| ids.contains(&r.op.id)) {
        match store.commit_local(r.op.clone()).await {
            Ok(_) | Err(StoreError::DuplicateOperation) => done.push(r.op.id),
            Err(e) => return Err(e),
        }
    }
    store.meta_set(REJECTED_KEY, &without_ids(kept, &done)).await?;
    Ok(done.len())
}
