//! The tablet's local database: the only code that touches IndexedDB.
//!
//! Every local change is written as the record, its outbox entry and the advanced clock in ONE
//! readwrite transaction that is committed explicitly: either all of them are on disk or none is.
//! The operation enters `history` when the server acknowledges it (until then the history reads
//! it from the outbox). See [`schema`] for the object stores and their versions.
//!
//! The browser may close the connection itself: Chromium does when a write hits a full disk,
//! and every later transaction on that connection fails. Every clone of a [`Store`] shares one
//! [`connection::Connection`], which notes the `close` event and is reopened before the next
//! transaction, so once a write has failed the tablet can still read, export and (when space is
//! back) save without being reopened by hand.

mod attachments;
mod batch;
pub mod codec;
mod connection;
mod delivery;
mod error;
mod export_source;
mod history;
mod key_ranges;
mod known_records;
mod local;
mod meta;
mod outbox;
mod read;
mod remote;
mod resend;
mod restamp;
mod save_cache;
pub mod schema;

use std::cell::RefCell;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use shared::op::OpContext;
use uuid::Uuid;

use connection::Connection;

pub use attachments::{Attachment, blob_bytes, sha256_hex};
pub use delivery::{Discarded, PhotoRecords, Sending, ToSend};
pub use error::StoreError;
pub use history::HistoryEntry;
pub use local::{Saved, Touched};
pub use outbox::{OutboxEntry, OutboxWindow};
pub use remote::{PullPosition, RemoteOutcome};

/// Meta keys kept by the store.
pub mod meta_keys {
    /// This device's id (UUID), generated on first open.
    pub const DEVICE_ID: &str = "device_id";
    /// The hybrid logical clock state (`shared::hlc::HlcClock`).
    pub const CLOCK: &str = "hlc_clock";
    /// The signed-in user's name: the author of local operations.
    pub const AUTHOR: &str = "author";
    /// The account the sync engine signed in with (owned by sync; opaque to the store).
    pub const ACCOUNT: &str = "account";
    /// The pull cursor of the sync engine (owned by sync; opaque to the store).
    pub const CURSOR: &str = "cursor";
    /// The check the server gave with the cursor (`shared::sync::PullResponse::cursor_check`),
    /// written in the same transaction; absent before the first page that came with one.
    pub const CURSOR_CHECK: &str = "cursor_check";
    /// The id of the last operation of this device the server acknowledged (written with the
    /// acknowledgement): a pull asks the server whether it still holds it.
    pub const LAST_ACKED: &str = "last_acked";
    /// Set when the office server's database was found restored from an older backup and this
    /// tablet queued its own changes again ([`crate::store::ServerRestored`]), until read.
    pub const SERVER_RESTORED: &str = "server_restored";
    /// Records whose changes may have reached the office without this tablet knowing it yet
    /// (`Vec<Uuid>`): in a push not answered yet (the answer may be lost), or in an export
    /// file (the office may import it). [`Store::reached_server`] counts them as reached.
    pub const MAYBE_SENT: &str = "maybe_sent";
    /// How many times queued operations were rewritten in place, under the same outbox keys (a
    /// branch assigned or corrected, an author adopted, stamps brought back): a sync run that
    /// read the outbox before a rewrite reads what it sends again (`Store::note_sending`).
    pub const OUTBOX_REWRITES: &str = "outbox_rewrites";
    /// Records known on this tablet only from another tablet's export file, not yet from the
    /// server (`Vec<(EntityKind, Uuid)>`): 来自文件 until a pull brings one of their changes.
    pub const FROM_FILE: &str = "from_file";
    /// The survey form's state as last typed (`services::survey::FormDraft`), as the previous
    /// version of the app wrote it: one draft for every form. Still read (and saved at start-up)
    /// for a draft such an app left behind; this app writes [`FORM_DRAFT_OF`] keys.
    pub const FORM_DRAFT: &str = "form_draft";
    /// Prefix of each survey's own keystroke draft, `form_draft/<survey id>`: written at every
    /// keystroke and cleared once the same state is saved as a record. One key per survey, so
    /// one form's draft (a save that failed as it was left, another tab) is never replaced by
    /// another's first keystroke.
    pub const FORM_DRAFT_OF: &str = "form_draft/";
    /// Operations made before anyone signed in and adopted by the next account (sync-owned).
    pub const ADOPTED: &str = "adopted_ops";
    /// Set once the app asked the browser for persistent storage.
    pub const PERSIST_ASKED: &str = "persist_asked";
    /// Set when the app found the browser had discarded its previous database
    /// (`services::storage_loss`), until the person has read the notice.
    pub const STORAGE_LOST: &str = "storage_lost";
    /// Set with [`STORAGE_LOST`] when the browser discarded the database, until the changes the
    /// outbox's copy outside IndexedDB holds are taken back (`services::storage_loss::recover`
    /// removes it in the transaction that says so in the notice). No button removes it: while
    /// it is there the copy is not written over (`sync::mirror`) and each start tries again.
    pub const RECOVERY_DUE: &str = "outbox_recovery_due";
    /// Set when a sign-in answered that other devices of the account last reported changes
    /// not sent (`services::storage_loss::UnsentElsewhereNotice`), until the person has read it.
    pub const UNSENT_ELSEWHERE: &str = "unsent_elsewhere";
}

/// The notice kept in `meta` (`meta_keys::STORAGE_LOST`) when the browser discarded the
/// database, until the person has read it (`services::storage_loss`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorageLoss {
    /// Records that waited to be sent when last counted: gone with the old database.
    pub pending_before: u32,
    /// When the app noticed (milliseconds since the epoch).
    pub noticed_at_ms: f64,
    /// Changes taken back from the outbox's copy outside IndexedDB (`sync::mirror`) and queued
    /// again; `None` until that was done (`services::storage_loss::recover`, which every start
    /// tries while [`meta_keys::RECOVERY_DUE`] is kept).
    #[serde(default)]
    pub recovered: Option<u32>,
    /// Changes the server had refused, taken back from the copy among the refusals (not queued:
    /// the surveyor fixes and sends them as before).
    #[serde(default)]
    pub refused_restored: u32,
    /// Photos the recovered changes name that are not on this tablet (their files were only in
    /// the discarded database).
    #[serde(default)]
    pub photos_missing: u32,
}

/// What a sign-in on this device answered of the account's other devices: each still held
/// changes not sent when it last reported (`shared::sync::LoginResponse::unsent_elsewhere`).
/// Kept in `meta` (`meta_keys::UNSENT_ELSEWHERE`) until the person has read it
/// (`services::storage_loss`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnsentElsewhereNotice {
    /// The account that signed in: the notice is its own, shown while it is signed in.
    pub username: String,
    pub devices: Vec<shared::sync::UnsentElsewhere>,
    /// When the sign-in answered (milliseconds since the epoch).
    pub at_ms: f64,
}

/// The notice kept in `meta` (`meta_keys::SERVER_RESTORED`) when a pull found the office
/// server's database restored from an older backup (`shared::sync::HISTORY_CHANGED`): this
/// tablet pulled from the start and queued again the changes it had made, until the person has
/// read it (`services::storage_loss`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerRestored {
    /// Changes this tablet made and the server had acknowledged, queued again to be sent.
    pub resent: u32,
    /// When the tablet found out (milliseconds since the epoch).
    pub at_ms: f64,
    /// The run that found it sent them and pulled from the start (until then, they wait in
    /// the outbox like any change).
    #[serde(default)]
    pub complete: bool,
}

/// The device that used a database before, as known from outside it (`services::storage_loss`)
/// or from the connection the browser closed (`Store::db`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriorDevice {
    pub device_id: Uuid,
    /// Records that waited to be sent when last counted.
    pub pending: u32,
}

/// [`Store`]'s kept records waiting for photos or showing a refused one: how many times it was
/// made stale, and what was read since (none: read it again).
type PhotoRecordsKept = (u64, Option<PhotoRecords>);

/// An open local database plus who is writing on this device.
#[derive(Clone)]
pub struct Store {
    connection: Rc<RefCell<Connection>>,
    name: String,
    identity: Rc<RefCell<OpContext>>,
    /// What this tab last wrote (see `save_cache.rs`), shared by clones of this handle.
    save_cache: Rc<RefCell<save_cache::SaveCache>>,
    /// Which records this tab knows to be stored (see `known_records.rs`), shared by clones.
    known_records: Rc<RefCell<known_records::KnownRecords>>,
    /// Whether opening created the database's identity (an empty database: a new tablet, or
    /// one whose browser discarded the old database).
    fresh: bool,
    /// Whether opening found the database it was told of gone (`Store::open_after`).
    discarded: bool,
    /// Records waiting to be sent, as last counted (`Store::note_pending`): what a database
    /// the browser discards while the app runs takes with it.
    pending_known: Rc<std::cell::Cell<u32>>,
    /// Called after every committed change of what waits to be sent (`Store::watch_outbox`).
    outbox_watch: Rc<RefCell<Option<OutboxWatch>>>,
    /// How many outbox changes this tab has committed, and how many of them the watcher has
    /// copied (`Store::outbox_copied`): what `sync::mirror::flushed` waits on.
    outbox_changes: Rc<std::cell::Cell<u64>>,
    outbox_copied: Rc<std::cell::Cell<u64>>,
    /// Records showing a photo not uploaded yet that no queued change names, and those showing
    /// a photo refused for good, as last read (`Store::photo_records`), with the count of what
    /// made it stale: read again only after an acknowledgement, an upload, a pull or import,
    /// a discard, a resend or a photo set aside or cleared, not after a save (a record saved
    /// is queued, and counted as such).
    photo_records: Rc<RefCell<PhotoRecordsKept>>,
}

/// What [`Store::watch_outbox`] calls.
type OutboxWatch = Rc<dyn Fn()>;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Store {
    /// Open (creating or upgrading as needed) the database `db_name` and load this device's
    /// identity; a new device id is generated and kept on first open.
    pub async fn open(db_name: &str) -> Result<Store, StoreError> {
        Store::open_after(db_name, None).await
    }

    /// [`Store::open`], knowing which device used this database before (`prior`, from a mark
    /// kept outside it): if the database turns out empty, the browser discarded it — the old
    /// device id is taken again and a [`StorageLoss`] notice kept, in the transaction that
    /// found it empty, so neither a kill nor a second tab can come between them.
    pub async fn open_after(
        db_name: &str,
        prior: Option<PriorDevice>,
    ) -> Result<Store, StoreError> {
        let connection = Connection::open(db_name).await?;
        let mut store = Store {
            connection: Rc::new(RefCell::new(connection)),
            name: db_name.to_owned(),
            identity: Rc::new(RefCell::new(OpContext {
                device_id: Uuid::nil(),
                author: String::new(),
            })),
            save_cache: Rc::default(),
            known_records: Rc::default(),
            photo_records: Rc::default(),
            fresh: false,
            discarded: false,
            pending_known: Rc::default(),
            outbox_watch: Rc::default(),
            outbox_changes: Rc::default(),
            outbox_copied: Rc::default(),
        };
        store.load_identity(prior).await?;
        Ok(store)
    }

    /// Whether this database had no device id when opened (see [`Store::open`]).
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Whether opening found the database `prior` named gone (see [`Store::open_after`]).
    pub fn was_discarded(&self) -> bool {
        self.discarded
    }

    /// Keep the count of records waiting to be sent (the shell calls this whenever it changes).
    pub fn note_pending(&self, pending: u32) {
        self.pending_known.set(pending);
    }

    /// Call `watch` after every committed change of the outbox (a change queued, acknowledged,
    /// refused, resubmitted or discarded) on any clone of this store: the outbox's second copy
    /// outside IndexedDB follows it (`sync::mirror`). It must only note the change (it runs
    /// on the save's path); one watcher, a later call replaces it.
    pub fn watch_outbox(&self, watch: impl Fn() + 'static) {
        *self.outbox_watch.borrow_mut() = Some(Rc::new(watch));
    }

    /// Tell the watcher (see [`Store::watch_outbox`]) that what waits to be sent changed: the
    /// store does after its own transactions; the sync code after it changes the refused list.
    pub fn outbox_changed(&self) {
        self.outbox_changes.set(self.outbox_changes.get() + 1);
        let watch = self.outbox_watch.borrow().clone();
        if let Some(watch) = watch {
            watch();
        }
    }

    /// Whether something follows the outbox (see [`Store::watch_outbox`]).
    pub fn outbox_watched(&self) -> bool {
        self.outbox_watch.borrow().is_some()
    }

    /// How many outbox changes this tab has committed so far (see [`Store::outbox_changed`]).
    pub fn outbox_changes(&self) -> u64 {
        self.outbox_changes.get()
    }

    /// The watcher has dealt with the outbox changes up to `changes` (an
    /// [`Store::outbox_changes`] it read before copying the outbox).
    pub fn note_outbox_copied(&self, changes: u64) {
        self.outbox_copied.set(self.outbox_copied.get().max(changes));
    }

    /// Up to which outbox change the watcher has dealt with.
    pub fn outbox_copied(&self) -> u64 {
        self.outbox_copied.get()
    }

    /// Makes the connection look closed by the browser, as Chromium does on a full disk (tests
    /// of what follows: the store opens a new connection before the next transaction).
    #[doc(hidden)]
    pub fn simulate_browser_close(&self) {
        self.connection.borrow().close_as_the_browser_does();
    }

    /// The database name this store was opened with.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn device_id(&self) -> Uuid {
        self.identity.borrow().device_id
    }

    pub fn author(&self) -> String {
        self.identity.borrow().author.clone()
    }

    /// Set who is making changes on this device from now on (kept in `meta`).
    pub async fn set_author(&self, author: &str) -> Result<(), StoreError> {
        self.meta_set(meta_keys::AUTHOR, &author).await?;
        self.identity.borrow_mut().author = author.to_owned();
        Ok(())
    }

    /// Close the connection (tests that reopen the same database call this first).
    pub fn close(self) {
        self.connection.borrow().close();
    }

    /// The connection for the next transaction: the open one, or a new one when the browser
    /// has closed it since (see the module comment).
    async fn db(&self) -> Result<Database, StoreError> {
        let current = self.connection.borrow().usable();
        if let Some(db) = current {
            return Ok(db);
        }
        log::warn!("the browser closed the local database connection; reopening it");
        // Reopening fails while the disk is still full ("Internal error opening backing
        // store"): that is the same situation, said the same way; the next call tries again.
        let reopened = Connection::open(&self.name).await.map_err(|e| {
            log::warn!("reopening the local database failed: {e}");
            StoreError::StorageFull
        })?;
        let db = reopened.usable().ok_or(StoreError::StorageFull)?;
        // Kept only once checked: a notice that could not be written (the disk still full) is
        // tried again with the next connection.
        // The browser may have discarded the database rather than only closed it (Chromium
        // deletes one it finds damaged): never carry on as if nothing happened.
        let prior = PriorDevice { device_id: self.device_id(), pending: self.pending_known.get() };
        match claim_identity(&db, Some(prior)).await {
            Ok(claimed) if claimed.discarded => {
                log::error!("the browser discarded the local database while the app ran");
                self.pending_known.set(0);
            }
            Ok(_) => {}
            Err(e) => {
                // Tried again with the next connection (the disk may still be full).
                reopened.close();
                return Err(e);
            }
        }
        // Another caller may have reopened meanwhile: keep one connection, close the other.
        if let Some(current) = self.connection.borrow().usable() {
            reopened.close();
            return Ok(current);
        }
        *self.connection.borrow_mut() = reopened;
        Ok(db)
    }

    /// Load this device's identity (see [`claim_identity`]) and who is writing.
    async fn load_identity(&mut self, prior: Option<PriorDevice>) -> Result<(), StoreError> {
        let claimed = claim_identity(&self.db().await?, prior).await?;
        self.fresh = claimed.created;
        self.discarded = claimed.discarded;
        let author = self.meta_get::<String>(meta_keys::AUTHOR).await?.unwrap_or_default();
        *self.identity.borrow_mut() = OpContext { device_id: claimed.device_id, author };
        Ok(())
    }

    fn context(&self) -> OpContext {
        self.identity.borrow().clone()
    }

    /// The device string stamped into this device's clocks (`Hlc::device` of its writes).
    pub fn clock_device(&self) -> String {
        self.device_id().simple().to_string()
    }
}

/// What [`claim_identity`] found.
struct Claimed {
    device_id: Uuid,
    /// The database had no device id: one was written.
    created: bool,
    /// ... and it was `prior`'s, with a [`StorageLoss`] notice.
    discarded: bool,
}

/// The database's device id, in one transaction: the one it holds; or, in an empty database,
/// `prior`'s (the browser discarded the database it used) written with a [`StorageLoss`]
/// notice; or a new one (a new tablet).
async fn claim_identity(db: &Database, prior: Option<PriorDevice>) -> Result<Claimed, StoreError> {
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use wasm_bindgen::JsValue;
    let tx = db.transaction(schema::META).with_mode(TransactionMode::Readwrite).build()?;
    let meta = tx.object_store(schema::META)?;
    let held: Option<JsValue> =
        meta.get(JsValue::from_str(meta_keys::DEVICE_ID)).primitive()?.await?;
    if let Some(value) = held.filter(|v| !v.is_undefined() && !v.is_null()) {
        let device_id = codec::from_js::<Uuid>(value)?;
        return Ok(Claimed { device_id, created: false, discarded: false });
    }
    let device_id = prior.map_or_else(Uuid::new_v4, |p| p.device_id);
    meta.put(codec::to_js(&device_id)?)
        .with_key(JsValue::from_str(meta_keys::DEVICE_ID))
        .primitive()?
        .await?;
    if let Some(prior) = prior {
        log::error!(
            "the local database of device {} is gone ({} records were waiting to be sent)",
            prior.device_id,
            prior.pending
        );
        let notice = StorageLoss {
            pending_before: prior.pending,
            noticed_at_ms: now_ms() as f64,
            recovered: None,
            refused_restored: 0,
            photos_missing: 0,
        };
        meta.put(codec::to_js(&notice)?)
            .with_key(JsValue::from_str(meta_keys::STORAGE_LOST))
            .primitive()?
            .await?;
        meta.put(JsValue::TRUE)
            .with_key(JsValue::from_str(meta_keys::RECOVERY_DUE))
            .primitive()?
            .await?;
    }
    tx.commit().await?;
    Ok(Claimed { device_id, created: true, discarded: prior.is_some() })
}

/// Wall-clock milliseconds for the hybrid logical clock.
pub(crate) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
