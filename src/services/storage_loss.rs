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
//! What had not been sent is not lost with the database when the browser kept the outbox's
//! copy outside IndexedDB (`sync::mirror`, in the Origin Private File System): while the notice
//! says it was not tried yet, each start (and the shell, for a discard found while the app
//! runs) takes the copy's changes back — queued again under their own ids, so the office stores
//! each once whatever happened before, and merged into the tablet's records so the surveyor sees
//! the work again ([`recover`], in a chunk of its own: it only runs after a discard). The
//! notice then says how many were recovered and will be sent. Without a copy (no OPFS, or none
//! written) it says what went with the database, as before.
//!
//! A browser that discards the mark together with the database leaves nothing on the tablet to
//! tell: the app opens as a new tablet. The server still knows what the account's devices last
//! reported; signing in on a device new to the account answers with those that still held
//! changes not sent (`shared::sync::LoginResponse::unsent_elsewhere`), kept here as a notice
//! by the sign-in (`sync::session`) until read ([`UnsentElsewhereNotice`]).

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::browser::device_mark::{self, DeviceMark};
use crate::store::{PriorDevice, Store, StoreError, meta_keys};
use crate::sync::{mirror, rejected};
use shared::order::CollectOrdered as _;

pub use crate::store::{ServerRestored, StorageLoss, UnsentElsewhereNotice};

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
///
/// With no mark (a new tablet, or a browser that discarded the mark with the database) the
/// outbox's copy outside IndexedDB is asked which device it was written for
/// ([`device_in_copy`], in the recovery's chunk): an empty database where a copy names a device
/// was discarded too, and its changes are taken back.
pub async fn open(name: &str) -> Result<(Store, Opened), StoreError> {
    let mark = device_mark::read();
    let mut prior =
        mark.as_ref().map(|m| PriorDevice { device_id: m.device_id, pending: m.pending });
    // A fresh browser has no copy either: it fetches no chunk to learn that.
    if prior.is_none() && mirror::exists(name).await {
        prior = match crate::split::outbox_copy(name.to_owned(), None).await {
            Ok(FromCopy::Device(device)) => device,
            Ok(FromCopy::Recovered(_)) => None,
            Err(e) => {
                log::error!("the outbox copy could not be asked for its device: {e}");
                None
            }
        };
    }
    let store = Store::open_after(name, prior).await?;
    let opened = match (&prior, store.was_discarded(), store.is_fresh()) {
        (Some(p), true, _) => {
            Opened::Discarded { device_id: p.device_id, pending_before: p.pending }
        }
        (_, _, true) => Opened::New,
        _ => Opened::Known,
    };
    let pending = match (&opened, mark) {
        (Opened::Known, Some(m)) if m.device_id == store.device_id() => m.pending,
        _ => 0,
    };
    device_mark::write(&DeviceMark { device_id: store.device_id(), pending });
    recover_if_due(&store).await;
    Ok((store, opened))
}

/// Whether a notice is kept until read (this one, [`unsent_elsewhere`] or
/// [`server_restored`]), without reading it.
pub async fn any_kept(store: &Store) -> Result<bool, StoreError> {
    Ok(store.meta_has(meta_keys::STORAGE_LOST).await?
        || store.meta_has(meta_keys::UNSENT_ELSEWHERE).await?
        || store.meta_has(meta_keys::SERVER_RESTORED).await?)
}

/// Runs [`recover`] (its chunk fetched first) while a discard's recovery is due (the key the
/// discard left, [`meta_keys::RECOVERY_DUE`]). A chunk that cannot be fetched (offline before it
/// was cached) leaves it for the next start.
pub async fn recover_if_due(store: &Store) {
    match store.meta_has(meta_keys::RECOVERY_DUE).await {
        Ok(true) => {
            let asked = crate::split::outbox_copy(store.name().to_owned(), Some(store.clone()));
            if let Err(e) = asked.await {
                log::error!("the recovery of unsent changes could not load: {e}");
            }
        }
        Ok(false) => {}
        Err(e) => log::error!("could not read whether a recovery is due: {e}"),
    }
}

/// What the outbox's copy answered (`split::outbox_copy`).
pub enum FromCopy {
    /// The device it was written for, and how many changes it holds ([`device_in_copy`]).
    Device(Option<PriorDevice>),
    /// How many changes were taken back ([`recover`]).
    Recovered(u32),
}

/// With `store`, [`recover`] its changes; without, [`device_in_copy`] of the database `name`
/// (one entry, so one split point).
pub async fn from_copy(name: String, store: Option<Store>) -> FromCopy {
    match store {
        Some(store) => FromCopy::Recovered(recover(store).await),
        None => FromCopy::Device(device_in_copy(name).await),
    }
}

/// Takes back the changes the outbox's copy outside IndexedDB (`sync::mirror`) holds for this
/// device after the browser discarded the database, while that is due
/// ([`meta_keys::RECOVERY_DUE`]): each merged into the records again (`Store::commit_local`)
/// under its own id, so the surveyor sees the work again; the queued ones stay queued (one
/// already queued, by another tab doing the same, is not queued twice) and the refused ones go
/// back among the refusals (`sync::rejected::set_aside`), not sent. Then, in one transaction,
/// the notice says how many will be sent, how many are back among the refusals and how many of
/// the photos they name that had not reached the office are gone, and the key goes. Returns how
/// many the notice counts as recovered.
///
/// No copy, a copy of another device or one that does not read (logged) recovers nothing: the
/// notice says what went with the database, as before. A change that could not be written (the
/// disk full) leaves the recovery due, the notice saying so and the copy kept: the next start
/// tries again.
pub async fn recover(store: Store) -> u32 {
    let notice = match (store.meta_has(meta_keys::RECOVERY_DUE).await, notice(&store).await) {
        (Ok(true), Ok(notice)) => notice,
        (Ok(false), Ok(notice)) => return notice.and_then(|n| n.recovered).unwrap_or(0),
        (Err(e), _) | (_, Err(e)) => {
            log::error!("could not read the storage-lost notice: {e}");
            return 0;
        }
    };
    let copy = match mirror::read(store.name()).await {
        Ok(Some(copy)) if copy.device_id == store.device_id() => Some(copy),
        Ok(Some(copy)) => {
            log::error!(
                "the outbox copy is of device {}, not {}: not recovered",
                copy.device_id,
                store.device_id()
            );
            None
        }
        Ok(None) => None,
        Err(e) => {
            log::error!("the outbox copy outside IndexedDB could not be used: {e}");
            None
        }
    };
    let (recovered, refused_restored, photos_missing) = match &copy {
        Some(copy) => match take_back(&store, copy).await {
            Ok(done) => done,
            Err(e) => {
                log::error!(
                    "could not take back the unsent changes (tried again at the next start): {e}"
                );
                return 0;
            }
        },
        None => (0, 0, 0),
    };
    if recovered + refused_restored > 0 {
        log::info!(
            "{recovered} unsent changes recovered from the outbox copy, {refused_restored} among the refusals"
        );
    }
    // Read and dismissed while the recovery was due (an older app's button): said again.
    let mut loss = notice.unwrap_or(StorageLoss {
        pending_before: copy.as_ref().map_or(0, |c| c.records() as u32),
        noticed_at_ms: js_sys::Date::now(),
        recovered: None,
        refused_restored: 0,
        photos_missing: 0,
    });
    loss.recovered = Some(recovered);
    loss.refused_restored = refused_restored;
    loss.photos_missing = photos_missing;
    if let Err(e) =
        store.meta_set_and_delete(meta_keys::STORAGE_LOST, &loss, meta_keys::RECOVERY_DUE).await
    {
        log::error!(
            "could not keep the recovery in the notice (tried again at the next start): {e}"
        );
        return 0;
    }
    // The copy follows the outbox again from here: written now, not at the next change.
    store.outbox_changed();
    recovered
}

/// Merges the copy's changes back: returns how many are queued to be sent, how many are back
/// among the refusals, and how many photos they name that had not been uploaded and are gone.
async fn take_back(store: &Store, copy: &mirror::Snapshot) -> Result<(u32, u32, u32), StoreError> {
    let refused_ids: BTreeSet<Uuid> = copy.refused.iter().map(|r| r.op.id).collect_set();
    let mut queued = 0u32;
    for op in copy.queued.iter().filter(|op| !refused_ids.contains(&op.id)) {
        match store.commit_local(op.clone()).await {
            Ok(_) | Err(StoreError::DuplicateOperation) => queued += 1,
            Err(e) => return Err(e),
        }
    }
    let already: BTreeSet<Uuid> =
        rejected::list(store).await?.into_iter().map(|r| r.op.id).collect_set();
    let mut back = Vec::new();
    for refusal in copy.refused.iter().filter(|r| !already.contains(&r.op.id)) {
        match store.commit_local(refusal.op.clone()).await {
            Ok(_) | Err(StoreError::DuplicateOperation) => back.push(refusal),
            Err(e) => return Err(e),
        }
    }
    // Queued by the merge above (that is how a change reaches the records): moved aside again.
    let keys: std::collections::BTreeMap<Uuid, u64> = store
        .outbox_all()
        .await?
        .into_iter()
        .filter(|e| refused_ids.contains(&e.op.id))
        .map(|e| (e.op.id, e.key))
        .collect_map();
    let aside =
        back.iter().filter_map(|r| keys.get(&r.op.id).map(|key| (*key, (*r).clone()))).collect();
    rejected::set_aside(store, aside).await?;
    let named = mirror::photos_named(copy.queued.iter().chain(copy.refused.iter().map(|r| &r.op)));
    let unsent: Option<BTreeSet<&String>> =
        copy.photos_unsent.as_ref().map(|u| u.iter().collect_set());
    let mut photos_missing = 0;
    for sha256 in named.iter().filter(|h| unsent.as_ref().is_none_or(|u| u.contains(h))) {
        if store.get_attachment(sha256).await?.is_none() {
            photos_missing += 1;
        }
    }
    Ok((queued, copy.refused.len() as u32, photos_missing))
}

/// The device the outbox's copy of the database `name` was written for, with how many changes
/// it holds; `None` without a copy (or with one that does not read: logged).
pub async fn device_in_copy(name: String) -> Option<PriorDevice> {
    match mirror::read(&name).await {
        Ok(Some(copy)) => {
            Some(PriorDevice { device_id: copy.device_id, pending: copy.records() as u32 })
        }
        Ok(None) => None,
        Err(e) => {
            log::warn!("no device from the outbox copy: {e}");
            None
        }
    }
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

/// The notice that the office server's database was found restored from an older backup and
/// this tablet sent its changes again (`Store::resend_history`), while it has not been read.
pub async fn server_restored(store: &Store) -> Result<Option<ServerRestored>, StoreError> {
    store.meta_get(meta_keys::SERVER_RESTORED).await
}

/// The person has read that notice (one written meanwhile, by a later restore, stays).
pub async fn acknowledge_server_restored(store: &Store) -> Result<(), StoreError> {
    if let Some(read) = server_restored(store).await? {
        store.meta_delete_if_eq(meta_keys::SERVER_RESTORED, &read).await?;
    }
    Ok(())
}
