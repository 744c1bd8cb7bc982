//! The outbox's second copy, outside IndexedDB: one snapshot file per database in the Origin
//! Private File System (`browser::opfs`), `field-outbox/<database>.json`, holding the device id
//! and every change not yet at the office — the queued operations, oldest first, and those the
//! server refused and the tablet keeps aside.
//!
//! Chromium deletes a whole IndexedDB database it finds damaged when it reopens (crbug 146284,
//! seen after a kill under load: docs/RELIABILITY.md, trial 7); this copy is what the app sends
//! anyway (`services::storage_loss::recover`).
//!
//! The copy follows the outbox ([`follow`]): the store tells the watcher after each committed
//! change ([`Store::watch_outbox`]); the watcher only wakes a task, which reads the outbox and
//! writes the whole snapshot once, after the save's transaction and off its path; the changes
//! made while it writes are written together by the next round (coalesced). One snapshot, not a
//! file per operation: the outbox is what has not been sent yet (small), one write replaces
//! the whole file atomically (`createWritable` commits on close), and there is no directory to
//! list and no file to forget; the figures are in docs/RELIABILITY.md.

use std::collections::BTreeSet;

use futures::StreamExt;
use futures::channel::mpsc;
use serde::{Deserialize, Serialize};
use shared::op::Operation;
use uuid::Uuid;

use super::RejectedOp;
use super::rejected;
use crate::browser::locks;
use crate::browser::opfs::{self, OpfsError};
use crate::store::{Store, StoreError, meta_keys};
use shared::order::CollectOrdered as _;

/// The OPFS directory of the snapshots.
pub const DIR: &str = "field-outbox";

/// What is in a snapshot's file format.
const VERSION: u32 = 1;

/// Why the copy could not be written or read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Opfs(#[from] OpfsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file is there but does not read as a snapshot (cut short, or from elsewhere).
    #[error("the outbox copy does not read: {0}")]
    Corrupt(String),
}

/// The changes of one device not yet at the office, as last written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    pub device_id: Uuid,
    /// When it was written (milliseconds since the epoch).
    pub written_at_ms: f64,
    /// Queued, oldest first.
    pub queued: Vec<Operation>,
    /// Refused by the server (or the tablet's check) and kept aside.
    #[serde(default)]
    pub refused: Vec<RejectedOp>,
    /// Of the photos these changes name, those the tablet held and had not uploaded yet (the
    /// photos a discard takes with it). `None` in a copy written before it was kept: then any
    /// of them may be.
    #[serde(default)]
    pub photos_unsent: Option<Vec<String>>,
}

impl Snapshot {
    /// Every change it holds, queued ones first, each once.
    pub fn operations(&self) -> Vec<Operation> {
        let mut seen = std::collections::BTreeSet::new();
        self.queued
            .iter()
            .chain(self.refused.iter().map(|r| &r.op))
            .filter(|op| seen.insert(op.id))
            .cloned()
            .collect()
    }

    /// How many records its changes are of (what the device's mark counts as waiting).
    pub fn records(&self) -> usize {
        let records: BTreeSet<_> =
            self.operations().iter().map(|op| (op.entity, op.entity_id)).collect_set();
        records.len()
    }
}

/// The photos (by hash) the `photos` fields of `ops` name.
pub fn photos_named<'a>(ops: impl IntoIterator<Item = &'a Operation>) -> BTreeSet<String> {
    ops.into_iter()
        .flat_map(|op| &op.changes)
        .filter(|c| c.field == "photos")
        .filter_map(|c| c.value.as_array())
        .flatten()
        .filter_map(|photo| photo.get("sha256")?.as_str().map(str::to_owned))
        .collect_set()
}

/// The snapshot file of the database `db_name`.
fn file_name(db_name: &str) -> String {
    format!("{db_name}.json")
}

/// The store's unsent changes now.
pub async fn snapshot(store: &Store) -> Result<Snapshot, MirrorError> {
    let queued: Vec<Operation> = store.outbox_all().await?.into_iter().map(|e| e.op).collect();
    let refused = rejected::list(store).await?;
    let named = photos_named(queued.iter().chain(refused.iter().map(|r| &r.op)));
    let photos_unsent = Some(store.not_uploaded(named).await?);
    Ok(Snapshot {
        version: VERSION,
        device_id: store.device_id(),
        written_at_ms: js_sys::Date::now(),
        queued,
        refused,
        photos_unsent,
    })
}

/// The lock a window holds from reading the outbox for the copy of database `db_name` until the
/// copy is written ([`write`]).
pub fn copy_lock(db_name: &str) -> String {
    format!("field/outbox-copy/{db_name}")
}

/// Write the store's unsent changes to its copy now; returns how many it holds.
///
/// Two tabs of the app each write the copy after their own changes. Without a lock between
/// them, a tab that read the outbox before the other tab's save could write its older snapshot
/// last, and the copy lacked that save until either tab's next change. So the outbox is read
/// and the copy written under one lock ([`copy_lock`]): whoever writes last read last. Where
/// the browser has no locks, as before.
pub async fn write(store: &Store) -> Result<usize, MirrorError> {
    let _held = hold_copy(store).await;
    write_held(store).await
}

/// Longest a write waits for the copy's lock: a tab whose write never ends (its file system
/// stuck, the tab frozen mid-write) does not stop every other tab's copy for good.
const COPY_LOCK_WAIT_MS: u32 = 5_000;

/// The copy's lock ([`copy_lock`]), held until dropped; `None` past [`COPY_LOCK_WAIT_MS`]
/// (logged: the write goes on without it, as where the browser has no locks).
async fn hold_copy(store: &Store) -> Option<locks::Hold> {
    use futures::future::{Either, select};
    let name = copy_lock(store.name());
    let hold = Box::pin(locks::hold(&name));
    let timeout = gloo_timers::future::TimeoutFuture::new(COPY_LOCK_WAIT_MS);
    match select(hold, timeout).await {
        Either::Left((held, _)) => Some(held),
        Either::Right(_) => {
            log::warn!("another tab has been writing the outbox copy for 5 s; written anyway");
            None
        }
    }
}

/// [`write`], its lock held.
async fn write_held(store: &Store) -> Result<usize, MirrorError> {
    let snapshot = snapshot(store).await?;
    let text = serde_json::to_string(&snapshot).map_err(|e| MirrorError::Corrupt(e.to_string()))?;
    opfs::write(DIR, &file_name(store.name()), &text).await?;
    Ok(snapshot.queued.len() + snapshot.refused.len())
}

/// The copy of the database `db_name`, `None` if there is none.
pub async fn read(db_name: &str) -> Result<Option<Snapshot>, MirrorError> {
    let Some(text) = opfs::read(DIR, &file_name(db_name)).await? else {
        return Ok(None);
    };
    let snapshot: Snapshot =
        serde_json::from_str(&text).map_err(|e| MirrorError::Corrupt(e.to_string()))?;
    if snapshot.version != VERSION {
        return Err(MirrorError::Corrupt(format!("version {}", snapshot.version)));
    }
    Ok(Some(snapshot))
}

/// Whether there is a copy of the database `db_name` (read nothing; a start with no mark asks
/// this, so only a tablet that has one fetches the chunk that reads it).
pub async fn exists(db_name: &str) -> bool {
    opfs::exists(DIR, &file_name(db_name)).await.unwrap_or_else(|e| {
        log::warn!("could not look for the outbox copy: {e}");
        false
    })
}

/// Remove the copy of the database `db_name` (tests).
pub async fn delete(db_name: &str) -> Result<(), MirrorError> {
    Ok(opfs::delete(DIR, &file_name(db_name)).await?)
}

/// Keep the copy following the outbox from now on (see the module comment). Also writes it once
/// at once if the outbox holds anything (an app updated from before the copy, or changes
/// recovered at start), never an empty one: another tab that just recovered the changes reads
/// the file it may be overwriting.
pub fn follow(store: Store) {
    let (tx, mut rx) = mpsc::unbounded::<()>();
    store.watch_outbox(move || {
        let _ = tx.unbounded_send(());
    });
    wasm_bindgen_futures::spawn_local(async move {
        let changes = store.outbox_changes();
        match snapshot(&store).await {
            Ok(s) if !s.queued.is_empty() || !s.refused.is_empty() => write_logged(&store).await,
            Ok(_) => {}
            Err(e) => log::warn!("could not read the outbox to copy it: {e}"),
        }
        store.note_outbox_copied(changes);
        while rx.next().await.is_some() {
            // Every change noted meanwhile is in the snapshot read now.
            while rx.try_recv().is_ok() {}
            let changes = store.outbox_changes();
            write_logged(&store).await;
            // Written, or the attempt failed (logged): either way nothing is left to wait for.
            store.note_outbox_copied(changes);
        }
    });
}

/// Longest [`flushed`] waits for the copy.
const FLUSH_WAIT_MS: f64 = 2_000.0;

/// Waits until the copy holds every outbox change this tab committed before the call (or its
/// write failed, logged; at most [`FLUSH_WAIT_MS`]): the survey form says 草稿已自动保存 only
/// then, so what it says was saved is in both copies. Nothing to wait for when no copy follows
/// the outbox (before the sync loop's chunk loaded). The save itself does not wait: its
/// transaction is committed before.
pub async fn flushed(store: &Store) {
    let target = store.outbox_changes();
    let began = js_sys::Date::now();
    while store.outbox_watched() && store.outbox_copied() < target {
        if js_sys::Date::now() - began > FLUSH_WAIT_MS {
            log::warn!("the outbox copy is still being written; not waiting longer");
            return;
        }
        gloo_timers::future::TimeoutFuture::new(5).await;
    }
}

async fn write_logged(store: &Store) {
    // Held from before the check below: another tab may be noting a discard meanwhile.
    let _held = hold_copy(store).await;
    // A discard not yet recovered (found while the app ran, or a recovery that failed and waits
    // for the next start): the copy still holds the discarded database's changes, and the new
    // (near empty) outbox must not replace it before `services::storage_loss::recover` has
    // taken them back. The key outlives the notice's dismissal.
    match store.meta_has(meta_keys::RECOVERY_DUE).await {
        Ok(true) => {
            log::warn!("the outbox copy is kept as it is until its changes are recovered");
            return;
        }
        Ok(false) => {}
        Err(e) => {
            log::error!("could not read whether a recovery is due: {e}");
            return;
        }
    }
    match write_held(store).await {
        Ok(_) => {}
        // No OPFS in this browser: the app works as before the copy, every time said once.
        Err(MirrorError::Opfs(OpfsError::Unavailable(why))) => {
            log::warn!("no copy of the outbox outside IndexedDB: {why}")
        }
        Err(e) => log::error!("could not copy the outbox outside IndexedDB: {e}"),
    }
}
