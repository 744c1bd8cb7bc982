//! Noticing that the browser discarded the tablet's database, and saying so.
//!
//! The app keeps a mark of its database outside it (`browser::device_mark`). At start, an empty
//! database where the mark says there was one means the browser discarded it: the store takes
//! the old device id again (the office knows the tablet by it) and keeps a notice in the new
//! database until the person has read it, both in the transaction that found it empty
//! (`Store::open_after`); the shell says what happened and what to do —
//! sign in, sync to download what the office holds, and enter again what had not been sent
//! (the mark counted it). Never an empty tablet without a word. A database the browser discards
//! while the app runs is noticed by the store when it reopens its connection
//! (`Store::db`), with the same notice.
//!
//! A browser that discards the mark together with the database leaves nothing on the tablet to
//! tell: the app opens as a new tablet. The server still knows what the account's devices last
//! reported; signing in on a device new to the account answers with those that still held
//! changes not sent (`shared::sync::LoginResponse::unsent_elsewhere`), kept here as a notice
//! by the sign-in (`sync::session`) until read ([`UnsentElsewhereNotice`]).

use uuid::Uuid;

use crate::browser::device_mark::{self, DeviceMark};
use crate::store::{PriorDevice, Store, StoreError, meta_keys};

pub use crate::store::{StorageLoss, UnsentElsewhereNotice};

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

/// Opens the app's database at start, telling the store which device the mark says used it
/// (`Store::open_after` keeps the notice if it is gone), then marks the database.
pub async fn open(name: &str) -> Result<(Store, Opened), StoreError> {
    let mark = device_mark::read();
    let prior = mark.as_ref().map(|m| PriorDevice { device_id: m.device_id, pending: m.pending });
    let store = Store::open_after(name, prior).await?;
    let opened = match (&mark, store.was_discarded(), store.is_fresh()) {
        (Some(m), true, _) => {
            Opened::Discarded { device_id: m.device_id, pending_before: m.pending }
        }
        (_, _, true) => Opened::New,
        _ => Opened::Known,
    };
    let pending = match (&opened, mark) {
        (Opened::Known, Some(m)) if m.device_id == store.device_id() => m.pending,
        _ => 0,
    };
    device_mark::write(&DeviceMark { device_id: store.device_id(), pending });
    Ok((store, opened))
}

/// Whether a notice is kept until read (this one or [`unsent_elsewhere`]), without reading it.
pub async fn any_kept(store: &Store) -> Result<bool, StoreError> {
    Ok(store.meta_has(meta_keys::STORAGE_LOST).await?
        || store.meta_has(meta_keys::UNSENT_ELSEWHERE).await?)
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

/// The notice of the account's other devices' unsent changes, while it has not been read.
pub async fn unsent_elsewhere(store: &Store) -> Result<Option<UnsentElsewhereNotice>, StoreError> {
    store.meta_get(meta_keys::UNSENT_ELSEWHERE).await
}

/// The person has read that notice.
pub async fn acknowledge_unsent_elsewhere(store: &Store) -> Result<(), StoreError> {
    if let Some(read) = unsent_elsewhere(store).await? {
        store.meta_delete_if_eq(meta_keys::UNSENT_ELSEWHERE, &read).await?;
    }
    Ok(())
}
