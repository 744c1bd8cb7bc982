//! Noticing that the browser discarded the tablet's database, and saying so.
//!
//! The app keeps a mark of its database outside it (`browser::device_mark`). At start, an empty
//! database where the mark says there was one means the browser discarded it: the app takes
//! the old device id again (the office knows the tablet by it), keeps a notice in the new
//! database until the person has read it, and the shell says what happened and what to do —
//! sign in, sync to download what the office holds, and enter again what had not been sent
//! (the mark counted it). Never an empty tablet without a word. A database the browser discards
//! while the app runs is noticed by the store when it reopens its connection
//! (`Store::db`), with the same notice.

use uuid::Uuid;

use crate::browser::device_mark::{self, DeviceMark};
use crate::store::{Store, StoreError, meta_keys};

pub use crate::store::StorageLoss;

/// What the database opened at start is, judged from the mark kept outside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The database the app used before (or one with no mark yet: an app from before the mark).
    Known,
    /// A new tablet: no database and no mark.
    New,
    /// The mark names a database that is no longer there.
    Discarded { device_id: Uuid, pending_before: u32 },
}

/// Judges the opened database: `fresh` when opening created its device id.
pub fn judge(fresh: bool, mark: Option<&DeviceMark>) -> Opened {
    match (fresh, mark) {
        (false, _) => Opened::Known,
        (true, None) => Opened::New,
        (true, Some(m)) => Opened::Discarded { device_id: m.device_id, pending_before: m.pending },
    }
}

/// At start: judge the database, keep the notice if it was discarded, and mark the database.
pub async fn check(store: &Store) -> Result<Opened, StoreError> {
    let mark = device_mark::read();
    let opened = judge(store.is_fresh(), mark.as_ref());
    match &opened {
        Opened::Discarded { device_id, pending_before } => {
            log::error!(
                "the browser discarded the local database of device {device_id} \
                 ({pending_before} changes were waiting to be sent)"
            );
            store.restore_device_id(*device_id).await?;
            let notice =
                StorageLoss { pending_before: *pending_before, noticed_at_ms: js_sys::Date::now() };
            store.meta_set(meta_keys::STORAGE_LOST, &notice).await?;
            device_mark::write(&DeviceMark { device_id: *device_id, pending: 0 });
        }
        Opened::Known | Opened::New => {
            let pending =
                mark.filter(|m| m.device_id == store.device_id()).map_or(0, |m| m.pending);
            device_mark::write(&DeviceMark { device_id: store.device_id(), pending });
        }
    }
    Ok(opened)
}

/// The notice, while it has not been read.
pub async fn notice(store: &Store) -> Result<Option<StorageLoss>, StoreError> {
    store.meta_get(meta_keys::STORAGE_LOST).await
}

/// The person has read the notice.
pub async fn acknowledge(store: &Store) -> Result<(), StoreError> {
    if let Some(read) = notice(store).await? {
        store.meta_delete_if_eq(meta_keys::STORAGE_LOST, &read).await?;
    }
    Ok(())
}

/// Keeps in the mark how many changes wait to be sent (called whenever the count changes), so
/// a later loss can say how many went with the database.
pub fn remember_pending(store: &Store, pending: u32) {
    store.note_pending(pending);
    let mark = DeviceMark { device_id: store.device_id(), pending };
    if device_mark::read().as_ref() != Some(&mark) {
        device_mark::write(&mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn mark(pending: u32) -> DeviceMark {
        DeviceMark { device_id: Uuid::from_u128(7), pending }
    }

    #[test]
    fn a_database_that_was_there_is_known_whatever_the_mark() {
        assert_eq!(judge(false, None), Opened::Known);
        assert_eq!(judge(false, Some(&mark(3))), Opened::Known);
    }

    #[test]
    fn an_empty_database_is_new_without_a_mark_and_discarded_with_one() {
        assert_eq!(judge(true, None), Opened::New);
        assert_eq!(
            judge(true, Some(&mark(3))),
            Opened::Discarded { device_id: Uuid::from_u128(7), pending_before: 3 }
        );
    }
}
