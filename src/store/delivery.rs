//! What the delivery of local changes needs from the database beyond saving and acknowledging:
//! reading the outbox past held-back entries, adopting changes made before anyone signed in,
//! replacing a refused record's queued changes with its whole current state, and discarding a
//! draft that never left the tablet.
//!
//! Each of these is one readwrite transaction, committed explicitly: a crash leaves either the
//! old queue or the new one, never a mix.

use std::collections::{BTreeMap, BTreeSet};

use indexed_db_futures::KeyRange;
use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::hlc::HlcClock;
use shared::merge;
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{op_from_js, op_to_js, record_key, to_js};
use super::known_records::LOAD_FROM_OPS;
use super::local::decode_opt;
use super::outbox::{count_rewrite, outbox_key, rewrites_in};
use super::remote::RecordStores;
use super::schema::{
    HISTORY, HISTORY_PAGES, IDX_ENTITY_ID, IDX_ENTITY_IDS, META, OUTBOX, PEOPLE, RECORDS, SURVEYS,
    store_for,
};
use super::{OutboxEntry, Store, StoreError, meta_keys, now_ms};
use shared::order::CollectOrdered as _;

/// Every queued operation with its outbox key, read inside the caller's transaction.
pub(super) async fn queued_in(
    outbox: &ObjectStore<'_>,
) -> Result<Vec<(JsValue, Operation)>, StoreError> {
    let keys = outbox.get_all_keys::<JsValue>().primitive()?.await?;
    let values = outbox.get_all::<JsValue>().primitive()?.await?;
    let mut out = Vec::new();
    for (key, value) in keys.zip(values) {
        out.push((key?, op_from_js(value?)?));
    }
    Ok(out)
}

/// Delete the queued operations of record `id`, inside the caller's transaction.
async fn drop_queued_of(outbox: &ObjectStore<'_>, id: Uuid) -> Result<(), StoreError> {
    for (key, op) in queued_in(outbox).await? {
        if op.entity_id == id {
            drop(outbox.delete(key).primitive()?);
        }
    }
    Ok(())
}

/// A record on this tablet: kind and id.
type RecordKey = (EntityKind, Uuid);

/// What [`Store::records_to_send`] finds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToSend {
    /// Every record saved here the office does not have whole yet (refusals apart).
    pub records: BTreeSet<RecordKey>,
    /// The records showing a photo refused for good, with why.
    pub photo_refusals: BTreeMap<RecordKey, Vec<String>>,
}

/// What [`Store::photo_records`] finds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhotoRecords {
    /// Showing a photo not uploaded yet that no queued change names.
    pub waiting: BTreeSet<RecordKey>,
    /// Showing a photo refused for good, with why.
    pub refused: BTreeMap<RecordKey, Vec<String>>,
}

/// How many operations of record `id` the server acknowledged or sent (`history`,
/// `history_pages`), counted in the caller's transaction: both requests are issued now, the
/// answer awaited later.
fn count_known<'a>(
    history: &ObjectStore<'a>,
    pages: &ObjectStore<'a>,
    id: Uuid,
) -> Result<impl std::future::Future<Output = Result<u32, StoreError>> + 'a, StoreError> {
    let key = JsValue::from_str(&id.to_string());
    let in_history = history.index(IDX_ENTITY_ID)?.count().with_query(key.clone()).primitive()?;
    let in_pages = pages.index(IDX_ENTITY_IDS)?.count().with_query(key).primitive()?;
    Ok(async move {
        let (a, b): (u32, u32) = (in_history.await?, in_pages.await?);
        Ok(a + b)
    })
}

/// The readwrite transaction in which the queued changes of records of `entities` are removed
/// or rewritten: their stores, the outbox, and what says whether they reached the server.
fn queue_change_transaction(
    db: &Database,
    entities: impl IntoIterator<Item = EntityKind>,
) -> Result<Transaction<'_>, StoreError> {
    let mut stores = vec![OUTBOX, HISTORY, HISTORY_PAGES, META];
    for entity in entities {
        if !stores.contains(&store_for(entity)) {
            stores.push(store_for(entity));
        }
    }
    Ok(db.transaction(stores.as_slice()).with_mode(TransactionMode::Readwrite).build()?)
}

/// Record `entity`/`id` as stored, and whether a change of it reached the server or may have
/// (`history`, `history_pages`, `meta_keys::MAYBE_SENT`), read in the caller's transaction
/// (which holds those stores and `records`, the record's): a change of the record's queue is
/// decided on what the same transaction found.
async fn stored_and_reached(
    tx: &Transaction<'_>,
    records: &ObjectStore<'_>,
    entity: EntityKind,
    id: Uuid,
) -> Result<(Option<Record>, bool), StoreError> {
    // The record's read is issued first; the questions after it are answered after it.
    let stored = records.get::<JsValue, _, _>(record_key(entity, id)).primitive()?;
    let reached = reached_in(tx, id).await?;
    Ok((decode_opt(stored.await?)?, reached))
}

/// Whether a change of record `id` reached the server or may have (`history`,
/// `history_pages`, `meta_keys::MAYBE_SENT`), asked in the caller's transaction.
async fn reached_in(tx: &Transaction<'_>, id: Uuid) -> Result<bool, StoreError> {
    let maybe = tx
        .object_store(META)?
        .get::<JsValue, _, _>(JsValue::from_str(meta_keys::MAYBE_SENT))
        .primitive()?;
    let (history, pages) = (tx.object_store(HISTORY)?, tx.object_store(HISTORY_PAGES)?);
    let known = count_known(&history, &pages, id)?.await?;
    let maybe: Option<BTreeSet<Uuid>> = decode_opt(maybe.await?)?;
    Ok(known > 0 || maybe.is_some_and(|m| m.contains(&id)))
}

/// Add `records` to `meta_keys::MAYBE_SENT` in the caller's readwrite transaction: `kept` is
/// the read of it issued in that transaction.
async fn note_maybe_in(
    meta: &ObjectStore<'_>,
    kept: impl std::future::Future<Output = Result<Option<JsValue>, indexed_db_futures::error::Error>>,
    records: impl IntoIterator<Item = Uuid>,
) -> Result<(), StoreError> {
    let mut maybe: BTreeSet<Uuid> = decode_opt(kept.await?)?.unwrap_or_default();
    maybe.extend(records);
    let maybe = to_js(&maybe)?;
    drop(meta.put(maybe).with_key(JsValue::from_str(meta_keys::MAYBE_SENT)).primitive()?);
    Ok(())
}

/// What [`Store::discard_unsent`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discarded {
    /// The record never reached the server: it and its queued changes are gone.
    Removed,
    /// The server has (some of) it: a deletion is queued like any change.
    Tombstoned,
    /// There was nothing to discard.
    Missing,
}

impl Store {
    /// The records that have operations in the outbox.
    pub async fn queued_records(&self) -> Result<BTreeSet<(EntityKind, Uuid)>, StoreError> {
        Ok(self
            .outbox_all()
            .await?
            .into_iter()
            .map(|e| (e.op.entity, e.op.entity_id))
            .collect_set())
    }

    /// [`Store::queued_records`], and the records showing a photo this tablet holds and the
    /// server does not have yet (a survey's, a visit's): every record saved here that the office
    /// does not have whole yet (what 待同步 counts, refusals apart); and the records showing a
    /// photo refused for good, with why (counted with the refusals).
    pub async fn records_to_send(&self) -> Result<ToSend, StoreError> {
        let queued = self.outbox_all().await?;
        let photos = self.photo_records(&queued).await?;
        let mut records: BTreeSet<RecordKey> =
            queued.iter().map(|e| (e.op.entity, e.op.entity_id)).collect_set();
        records.extend(photos.waiting);
        Ok(ToSend { records, photo_refusals: photos.refused })
    }

    /// The records waiting for a photo not uploaded yet that no operation of `queued` names (a
    /// photo a queued change shows is counted with it): not at the office whole until the photo
    /// is, whatever became of their operations; and those showing a photo refused for good.
    /// Kept between calls and read again only once something that can change it was committed
    /// ([`Store::photos_may_have_moved`]): a save queues the record it changes, so a tablet
    /// saving offline reads the outbox, as before.
    pub async fn photo_records(&self, queued: &[OutboxEntry]) -> Result<PhotoRecords, StoreError> {
        let (stale_count, kept) = self.photo_records.borrow().clone();
        if let Some(kept) = kept {
            return Ok(kept);
        }
        // Its code is not in the first load (`split::photo_records`), and its module is fetched
        // only when some photo waits: at a start with none, not before the list is painted.
        let read = if self.any_photo_waiting().await? {
            crate::split::photo_records(self.clone(), queued.to_vec())
                .await
                .map_err(|e| StoreError::Codec(e.to_string()))??
        } else {
            PhotoRecords::default()
        };
        let mut cache = self.photo_records.borrow_mut();
        // Kept only if nothing made it stale while it was read.
        if cache.0 == stale_count {
            cache.1 = Some(read.clone());
        }
        Ok(read)
    }

    /// Whether any photo this tablet holds is not at the server yet and not given up (only
    /// its flags read).
    async fn any_photo_waiting(&self) -> Result<bool, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(super::schema::ATTACHMENTS).build()?;
        let all = tx.object_store(super::schema::ATTACHMENTS)?.get_all::<JsValue>().primitive()?;
        for value in all.await? {
            if super::attachments::waits_to_be_sent(&value?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether the kept photo records name record `entity`/`id` (waiting for a photo, or
    /// showing a refused one).
    pub(crate) fn photo_records_name(&self, entity: EntityKind, id: Uuid) -> bool {
        let key = (entity, id);
        let kept = self.photo_records.borrow();
        kept.1.as_ref().is_some_and(|p| p.waiting.contains(&key) || p.refused.contains_key(&key))
    }

    /// An acknowledgement, an upload, a pull or an import, a discard or a resend was committed:
    /// the records waiting only for their photos are read again when next asked.
    pub(crate) fn photos_may_have_moved(&self) {
        let mut cache = self.photo_records.borrow_mut();
        cache.0 += 1;
        cache.1 = None;
    }

    /// Forget the refusals of the photos record `entity`/`id` shows (its resubmission): the
    /// next sync tries them again. Returns how many were refused.
    pub async fn clear_photo_refusals_of(
        &self,
        entity: EntityKind,
        id: Uuid,
    ) -> Result<usize, StoreError> {
        self.clear_photo_refusals(&self.photos_shown(entity, id).await?).await
    }

    /// Give up the refused photos record `entity`/`id` shows ([`Store::abandon_refused_photos`]).
    pub async fn abandon_refused_photos_of(
        &self,
        entity: EntityKind,
        id: Uuid,
    ) -> Result<usize, StoreError> {
        self.abandon_refused_photos(&self.photos_shown(entity, id).await?).await
    }

    /// The photos record `entity`/`id` shows (none when it is not stored).
    async fn photos_shown(&self, entity: EntityKind, id: Uuid) -> Result<Vec<String>, StoreError> {
        let record = self.get(entity, id).await?;
        let photos = record.as_ref().and_then(|r| r.fields.get("photos"));
        Ok(photos.map(|v| photo_hashes(v).map(str::to_owned).collect()).unwrap_or_default())
    }

    /// [`Store::photo_records`] read from the database.
    pub async fn read_photo_records(
        &self,
        queued: &[OutboxEntry],
    ) -> Result<PhotoRecords, StoreError> {
        let mut waiting: BTreeSet<String> = BTreeSet::new();
        let mut refused: BTreeMap<String, String> = BTreeMap::new();
        for attachment in self.attachments_not_uploaded().await? {
            match attachment.refused {
                Some(words) => {
                    refused.insert(attachment.sha256, words);
                }
                None => {
                    waiting.insert(attachment.sha256);
                }
            }
        }
        for change in queued.iter().flat_map(|e| &e.op.changes).filter(|c| c.field == "photos") {
            for sha in photo_hashes(&change.value) {
                waiting.remove(sha);
            }
        }
        let mut out = PhotoRecords::default();
        if waiting.is_empty() && refused.is_empty() {
            return Ok(out);
        }
        for entity in [EntityKind::Survey, EntityKind::Visit] {
            for record in self.listing(entity).await? {
                let Some(photos) = record.fields.get("photos") else { continue };
                for sha in photo_hashes(photos) {
                    if waiting.contains(sha) {
                        out.waiting.insert((entity, record.id));
                    }
                    if let Some(words) = refused.get(sha) {
                        let said = out.refused.entry((entity, record.id)).or_default();
                        if !said.contains(words) {
                            said.push(words.clone());
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Make `author` the author of every queued operation saved while nobody was signed in on
    /// this tablet (an empty author, which the server refuses). Returns the adopted operations
    /// (as they are queued now). Such an operation was never sent: no server accepts an empty
    /// author, so rewriting it changes nothing anyone has seen.
    pub async fn adopt_unsigned(&self, author: &str) -> Result<Vec<Operation>, StoreError> {
        if author.is_empty() {
            return Ok(Vec::new());
        }
        let db = self.db().await?;
        let tx = db.transaction([OUTBOX, META]).with_mode(TransactionMode::Readwrite).build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let mut adopted = Vec::new();
        for (key, mut op) in queued_in(&outbox).await? {
            if !op.author.is_empty() {
                continue;
            }
            op.author = author.to_owned();
            drop(outbox.put(op_to_js(&op)?).with_key(key).primitive()?);
            adopted.push(op);
        }
        if !adopted.is_empty() {
            count_rewrite(&tx.object_store(META)?).await?;
        }
        tx.commit().await?;
        self.outbox_changed();
        Ok(adopted)
    }

    /// Replace every queued operation of `entity`/`id` with ONE operation carrying the record's
    /// whole current state, authored by the signed-in `author`, in `branch_id` (a record the
    /// server never accepted may move to the branch the surveyor chose when fixing it). In the
    /// same transaction the `meta` value `meta_update.0` is read and replaced by what
    /// `meta_update.1` makes of it (the sync engine's list of refusals, without this record's).
    /// Returns the new operation.
    pub async fn resubmit_whole<M, F>(
        &self,
        entity: EntityKind,
        id: Uuid,
        author: &str,
        branch_id: &str,
        meta_update: (&str, F),
    ) -> Result<Operation, StoreError>
    where
        M: Serialize + DeserializeOwned,
        F: FnOnce(Option<M>) -> M,
    {
        let db = self.db().await?;
        let tx = db
            .transaction([store_for(entity), OUTBOX, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let records = tx.object_store(store_for(entity))?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta = tx.object_store(META)?;
        let record: Option<Record> =
            decode_opt(records.get::<JsValue, _, _>(record_key(entity, id)).primitive()?.await?)?;
        let record = record.ok_or(StoreError::NotFound)?;
        let clock: Option<HlcClock> = decode_opt(
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CLOCK)).primitive()?.await?,
        )?;
        let mut clock =
            clock.unwrap_or_else(|| HlcClock::new(self.device_id().simple().to_string()));
        let (meta_key, update) = meta_update;
        let kept: Option<M> =
            decode_opt(meta.get::<JsValue, _, _>(JsValue::from_str(meta_key)).primitive()?.await?)?;

        // The queued operations of this record go; the whole state replaces them.
        drop_queued_of(&outbox, id).await?;

        let ctx = OpContext { device_id: self.device_id(), author: author.to_owned() };
        let op = whole_state_op(&ctx, &mut clock, &record, branch_id);
        let mut base = record;
        base.branch_id = branch_id.to_owned();
        let applied = merge::apply(Some(base), &op);
        drop(records.put(to_js(&applied.record)?).primitive()?);
        drop(outbox.add(op_to_js(&op)?).primitive()?);
        drop(meta.put(to_js(&clock)?).with_key(JsValue::from_str(meta_keys::CLOCK)).primitive()?);
        drop(meta.put(to_js(&update(kept))?).with_key(JsValue::from_str(meta_key)).primitive()?);
        tx.commit().await?;
        self.outbox_changed();
        self.save_cache.borrow_mut().forget(entity, id);
        Ok(op)
    }

    /// Queue `ops` again (refused changes: their records hold them already, so nothing is
    /// merged), oldest clock first and ahead of what their records have queued since, which
    /// moves after them: a later change builds on the refused one (a workflow's next step) and
    /// would be refused if it arrived first. One already queued is left where it is. The
    /// refusal list in `meta` (`meta_update`) changes in the same transaction. Returns the
    /// ids queued or found queued.
    pub async fn requeue_first<M, F>(
        &self,
        mut ops: Vec<Operation>,
        meta_update: (&str, F),
    ) -> Result<Vec<Uuid>, StoreError>
    where
        M: Serialize + DeserializeOwned,
        F: FnOnce(Option<M>, &[Uuid]) -> M,
    {
        let db = self.db().await?;
        let tx = db.transaction([OUTBOX, META]).with_mode(TransactionMode::Readwrite).build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta = tx.object_store(META)?;
        let queued = queued_in(&outbox).await?;
        let queued_ids: BTreeSet<Uuid> = queued.iter().map(|(_, op)| op.id).collect_set();
        let mut done: Vec<Uuid> = ops.iter().map(|op| op.id).collect();
        ops.retain(|op| !queued_ids.contains(&op.id));
        shared::order::sort_by(&mut ops, |a, b| a.hlc.cmp(&b.hlc));
        let records: BTreeSet<Uuid> = ops.iter().map(|op| op.entity_id).collect_set();
        for op in &ops {
            drop(outbox.add(op_to_js(op)?).primitive()?);
        }
        for (key, op) in queued.into_iter().filter(|(_, op)| records.contains(&op.entity_id)) {
            drop(outbox.delete(key).primitive()?);
            drop(outbox.add(op_to_js(&op)?).primitive()?);
        }
        let (meta_key, update) = meta_update;
        let kept: Option<M> =
            decode_opt(meta.get::<JsValue, _, _>(JsValue::from_str(meta_key)).primitive()?.await?)?;
        shared::order::sort(&mut done);
        drop(
            meta.put(to_js(&update(kept, &done))?)
                .with_key(JsValue::from_str(meta_key))
                .primitive()?,
        );
        tx.commit().await?;
        self.outbox_changed();
        Ok(done)
    }

    /// Give a record that never reached the server the branch chosen now: a survey saved before
    /// 所在支部 was chosen, or one whose branch was corrected before it was sent. The record
    /// and every queued operation of it get `branch_id`, in one transaction, so the first
    /// operation the office receives already names the right branch (the server keeps a
    /// record in the branch its first operation named, and refuses a later one that names
    /// another). A record the server already has keeps its branch: nothing changes and `false`
    /// is returned (the form does not offer the change; see `services::survey::branch_fixed`).
    /// Returns whether anything changed. Two corrections at once (two tabs): the last one
    /// asked gives the branch.
    pub async fn assign_branch(
        &self,
        entity: EntityKind,
        id: Uuid,
        branch_id: &str,
    ) -> Result<bool, StoreError> {
        self.assign_branch_of(&[(entity, id)], branch_id).await
    }

    /// [`Store::assign_branch`] of several records in one transaction (a survey and its
    /// person, as the survey form saves them): each is decided on its own, as it is then. In
    /// two transactions, a push noting one of them in between could leave the other moved
    /// alone. Returns whether anything changed.
    pub async fn assign_branch_of(
        &self,
        records: &[(EntityKind, Uuid)],
        branch_id: &str,
    ) -> Result<bool, StoreError> {
        if branch_id.is_empty() {
            return Ok(false);
        }
        // Most saves change no branch: a read of each, and nothing written.
        let mut differing = Vec::new();
        for &(entity, id) in records.iter().filter(|(entity, _)| !entity.is_town_wide()) {
            if self.get(entity, id).await?.is_some_and(|r| r.branch_id != branch_id) {
                differing.push((entity, id));
            }
        }
        if differing.is_empty() {
            return Ok(false);
        }
        // Whether a change of each reached the server (or is on its way: `Store::note_sending`)
        // is asked in the transaction that rewrites its queued changes, as a discard asks: a
        // push noting them in between would send them with the old branch and the server would
        // keep that, under the ids the tablet's history then holds with the new one.
        let db = self.db().await?;
        let tx = queue_change_transaction(&db, differing.iter().map(|(entity, _)| *entity))?;
        let mut moved = Vec::new();
        for (entity, id) in differing {
            let records = tx.object_store(store_for(entity))?;
            let (stored, reached) = stored_and_reached(&tx, &records, entity, id).await?;
            let Some(mut record) = stored.filter(|r| r.branch_id != branch_id) else {
                continue;
            };
            if !record.branch_id.is_empty() && reached {
                continue;
            }
            record.branch_id = branch_id.to_owned();
            drop(records.put(to_js(&record)?).primitive()?);
            moved.push((entity, id));
        }
        if moved.is_empty() {
            // Nothing written: dropped uncommitted.
            return Ok(false);
        }
        let outbox = tx.object_store(OUTBOX)?;
        let mut rewritten = false;
        for (key, mut op) in queued_in(&outbox).await? {
            if moved.iter().any(|(_, id)| *id == op.entity_id) && op.branch_id != branch_id {
                op.branch_id = branch_id.to_owned();
                drop(outbox.put(op_to_js(&op)?).with_key(key).primitive()?);
                rewritten = true;
            }
        }
        if rewritten {
            count_rewrite(&tx.object_store(META)?).await?;
        }
        tx.commit().await?;
        self.outbox_changed();
        for (entity, id) in moved {
            self.save_cache.borrow_mut().forget(entity, id);
        }
        Ok(true)
    }

    /// The server answered for `records`: what it took is in `history`, what it refused it did
    /// not store. They are no longer maybe at the office (`meta_keys::MAYBE_SENT`, noted by
    /// [`Store::note_sending`] and [`Store::queued_for_file`]).
    pub async fn forget_maybe_sent(&self, records: &[Uuid]) -> Result<(), StoreError> {
        let records: BTreeSet<Uuid> = records.iter().copied().collect_set();
        self.meta_update(meta_keys::MAYBE_SENT, |kept: Option<BTreeSet<Uuid>>| {
            let mut kept = kept.unwrap_or_default();
            kept.retain(|id| !records.contains(id));
            kept
        })
        .await
        .map(drop)
    }

    /// Note the records of `ops`, merged from another tablet's export file, that the server
    /// never sent or acknowledged here: 来自文件 until a pull brings one of their changes
    /// (`meta_keys::FROM_FILE`). `only_of`: count only that device's changes (a whole-tablet
    /// file also holds what its tablet pulled, which the office has; a file of what waits holds
    /// only what its tablet had not delivered). Never this device's own (its file imported
    /// back).
    pub async fn note_from_file(
        &self,
        ops: &[Operation],
        only_of: Option<Uuid>,
    ) -> Result<(), StoreError> {
        let device = self.device_id();
        let records: BTreeSet<RecordKey> = ops
            .iter()
            .filter(|op| op.device_id != device && only_of.is_none_or(|d| op.device_id == d))
            .map(|op| (op.entity, op.entity_id))
            .collect_set();
        if records.is_empty() {
            return Ok(());
        }
        let db = self.db().await?;
        let tx = db
            .transaction([PEOPLE, SURVEYS, RECORDS, HISTORY, HISTORY_PAGES, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let (history, pages) = (tx.object_store(HISTORY)?, tx.object_store(HISTORY_PAGES)?);
        // Only a record stored here can have a change the server acknowledged or sent: this
        // tablet's own change is saved here first, a merged change always stores its record
        // (`merge::apply` moves `updated` even for a change of no field), and a record is
        // removed (`discard_unsent`) only when none of its changes reached the server. So for
        // a large file the stored records are read once, in this transaction, and only theirs
        // are counted, at two requests a record; a small one counts each of its records, as a
        // small pulled page reads its records rather than every stored id (`known_records.rs`).
        let stored = if records.len() >= LOAD_FROM_OPS {
            Some(RecordStores::of(&tx)?.stored().await?)
        } else {
            None
        };
        let mut unknown = Vec::new();
        // Every count issued before the first is awaited.
        let mut counts = Vec::new();
        for record in records {
            if stored.as_ref().is_none_or(|s| s.may_hold(record.0, record.1)) {
                counts.push((record, count_known(&history, &pages, record.1)?));
            } else {
                unknown.push(record);
            }
        }
        for (record, count) in counts {
            if count.await? == 0 {
                unknown.push(record);
            }
        }
        let meta = tx.object_store(META)?;
        let key = JsValue::from_str(meta_keys::FROM_FILE);
        let kept: Option<BTreeSet<RecordKey>> =
            decode_opt(meta.get::<JsValue, _, _>(key.clone()).primitive()?.await?)?;
        let mut kept = kept.unwrap_or_default();
        kept.extend(unknown);
        drop(meta.put(to_js(&kept)?).with_key(key).primitive()?);
        tx.commit().await?;
        if let Some(stored) = stored {
            // Just read, in a large file's note: what the merge that follows, as large, would
            // read first (`known_records.rs`).
            *self.known_records.borrow_mut() = stored;
        }
        Ok(())
    }

    /// The records known only from another tablet's export file
    /// ([`Store::note_from_file`]).
    pub async fn from_file(&self) -> Result<BTreeSet<RecordKey>, StoreError> {
        Ok(self.meta_get(meta_keys::FROM_FILE).await?.unwrap_or_default())
    }

    /// Whether the server ever acknowledged an operation of record `id` or sent one: it is in
    /// `history` (acknowledged local operations, older pulls) or `history_pages` (pulls,
    /// imports); or whether it may have, unknown to this tablet (a push whose answer did not
    /// come, an export file: `meta_keys::MAYBE_SENT`).
    pub async fn reached_server(&self, id: Uuid) -> Result<bool, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction([HISTORY, HISTORY_PAGES, META]).build()?;
        reached_in(&tx, id).await
    }

    /// Discard a record the person gave up on (an unfinished survey, say): if no change of it
    /// ever reached the server, the record and its queued changes disappear from this tablet;
    /// otherwise it becomes a deletion that syncs like any change.
    ///
    /// Whether it reached the server is asked in the transaction that removes it, which also
    /// holds `meta` and the outbox: a sync run (this tab's or another's) notes a push's records
    /// as maybe sent and confirms its operations still queued in one transaction of its own
    /// ([`Store::note_sending`]), so either the push comes first and the record is kept as a
    /// deletion, or the discard comes first and the push leaves its operations out. Asked and
    /// removed in two transactions (as until session 50), a push could take them in between:
    /// the office would hold a survey the tablet no longer had, and no deletion would follow.
    pub async fn discard_unsent(
        &self,
        entity: EntityKind,
        id: Uuid,
    ) -> Result<Discarded, StoreError> {
        let db = self.db().await?;
        let tx = queue_change_transaction(&db, [entity])?;
        let records = tx.object_store(store_for(entity))?;
        let (stored, reached) = stored_and_reached(&tx, &records, entity, id).await?;
        if stored.is_none_or(|r| r.is_deleted()) {
            return Ok(Discarded::Missing);
        }
        if reached {
            // Nothing written: dropped uncommitted. A deletion is safe whenever it is queued.
            drop(tx);
            self.delete(entity, id).await?;
            return Ok(Discarded::Tombstoned);
        }
        drop_queued_of(&tx.object_store(OUTBOX)?, id).await?;
        drop(records.delete(record_key(entity, id)).primitive()?);
        tx.commit().await?;
        self.photos_may_have_moved();
        self.outbox_changed();
        self.save_cache.borrow_mut().forget(entity, id);
        Ok(Discarded::Removed)
    }

    /// Before a push: note the records of the queued operations `sending` (outbox key, record)
    /// as maybe at the office (`meta_keys::MAYBE_SENT`) and find which are still queued, as they
    /// are queued now, in one transaction; the push sends what this returns. `rewrites` is what
    /// the sync run's read of the outbox found ([`Store::outbox_window`]).
    ///
    /// An operation whose record was discarded since that read ([`Store::discard_unsent`]) is
    /// no longer queued and is left out. When queued operations were rewritten in place since
    /// (a branch corrected, [`Store::assign_branch`]), every one is read again and goes as it is
    /// now; otherwise only the keys are read. Once noted, neither a discard nor a branch
    /// correction touches them until the answer comes. (The other rewrites do not ask: an
    /// author adopted is of an operation no server takes, with no author, and stamps are
    /// brought back by the sync run itself, before it reads the outbox.)
    pub async fn note_sending(
        &self,
        sending: &[(u64, Uuid)],
        rewrites: u64,
    ) -> Result<Sending, StoreError> {
        self.sending(sending, rewrites, true).await
    }

    /// [`Store::note_sending`] without the note, in a read-only transaction: what a push sends
    /// when the note could not be written (a full disk).
    pub async fn still_queued(
        &self,
        sending: &[(u64, Uuid)],
        rewrites: u64,
    ) -> Result<Sending, StoreError> {
        self.sending(sending, rewrites, false).await
    }

    async fn sending(
        &self,
        sending: &[(u64, Uuid)],
        rewrites: u64,
        note: bool,
    ) -> Result<Sending, StoreError> {
        let (Some(low), Some(high)) =
            (sending.iter().map(|s| s.0).min(), sending.iter().map(|s| s.0).max())
        else {
            return Ok(Sending::AsRead(BTreeSet::new()));
        };
        let mode = if note { TransactionMode::Readwrite } else { TransactionMode::Readonly };
        let db = self.db().await?;
        let tx = db.transaction([OUTBOX, META]).with_mode(mode).build()?;
        // The entries between the push's first and last (a push is a run of the queue in key
        // order, with at most entries held back between).
        let range = || {
            let (low, high) = (JsValue::from_f64(low as f64), JsValue::from_f64(high as f64));
            KeyRange::Bound(low, false, high, false)
        };
        let outbox = tx.object_store(OUTBOX)?;
        let meta = tx.object_store(META)?;
        let keys =
            outbox.get_all_keys::<JsValue>().with_query::<JsValue, _>(range()).primitive()?;
        let kept = match note {
            true => Some(
                meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::MAYBE_SENT)).primitive()?,
            ),
            false => None,
        };
        let rewritten = rewrites_in(&meta)?.await? != rewrites;
        let wanted: BTreeSet<u64> = sending.iter().map(|s| s.0).collect_set();
        let (sending, records) = if rewritten {
            let values =
                outbox.get_all::<JsValue>().with_query::<JsValue, _>(range()).primitive()?;
            let mut queued = Vec::with_capacity(wanted.len());
            for (key, value) in keys.await?.zip(values.await?) {
                let key = outbox_key(key?)?;
                if wanted.contains(&key) {
                    queued.push(OutboxEntry { key, op: op_from_js(value?)? });
                }
            }
            let records: Vec<Uuid> = queued.iter().map(|e| e.op.entity_id).collect();
            (Sending::Reread(queued), records)
        } else {
            let mut queued = BTreeSet::new();
            for key in keys.await? {
                let key = outbox_key(key?)?;
                if wanted.contains(&key) {
                    queued.insert(key);
                }
            }
            let records = sending.iter().filter(|s| queued.contains(&s.0)).map(|s| s.1).collect();
            (Sending::AsRead(queued), records)
        };
        if let Some(kept) = kept {
            note_maybe_in(&meta, kept, records).await?;
            tx.commit().await?;
        }
        Ok(sending)
    }

    /// Every operation in the outbox, oldest first, with their records noted as maybe at the
    /// office (`meta_keys::MAYBE_SENT`) in the same transaction: what an export file carries of
    /// the queue. The office may import the file without this tablet hearing of it, so from the
    /// moment they are read these records are no longer discarded as never sent nor their
    /// branch rewritten under the same change ids, until a push's answer says what the server
    /// holds; and a record discarded before is not in what is read. The note stays if the file
    /// is then not written (it errs on the side of the office having them: a discard queues a
    /// deletion, a branch correction waits), until a push answers for them. Only what waits in
    /// the outbox is noted: a refused change would be refused by the office's import too (the
    /// same rules), and what the server acknowledged is in the history already.
    pub async fn queued_for_file(&self) -> Result<Vec<Operation>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction([OUTBOX, META]).with_mode(TransactionMode::Readwrite).build()?;
        let meta = tx.object_store(META)?;
        let kept =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::MAYBE_SENT)).primitive()?;
        let queued: Vec<Operation> =
            queued_in(&tx.object_store(OUTBOX)?).await?.into_iter().map(|(_, op)| op).collect();
        if queued.is_empty() {
            return Ok(queued);
        }
        note_maybe_in(&meta, kept, queued.iter().map(|op| op.entity_id)).await?;
        tx.commit().await?;
        Ok(queued)
    }
}

/// What of a push is still queued ([`Store::note_sending`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Sending {
    /// Nothing queued was rewritten since the outbox was read: the outbox keys still queued,
    /// whose operations are as read.
    AsRead(BTreeSet<u64>),
    /// Queued operations were rewritten since: those of the push still queued, as they are now.
    Reread(Vec<OutboxEntry>),
}

impl Sending {
    /// The outbox keys still queued.
    pub fn keys(&self) -> Vec<u64> {
        match self {
            Sending::AsRead(keys) => keys.iter().copied().collect(),
            Sending::Reread(entries) => entries.iter().map(|e| e.key).collect(),
        }
    }
}

/// One operation setting every field of `record` to its current value (each change's base is
/// the clock of the value the author sees, so a concurrent edit elsewhere is still a conflict).
fn whole_state_op(
    ctx: &OpContext,
    clock: &mut HlcClock,
    record: &Record,
    branch_id: &str,
) -> Operation {
    let changes: Vec<(String, Value)> =
        record.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let hlc = clock.tick(now_ms());
    let mut base = record.clone();
    base.branch_id = branch_id.to_owned();
    // Every value is sent, also those equal to the stored ones: the server may have none.
    Operation::upsert(ctx, hlc, record.entity, record.id, branch_id, Some(&base), changes)
}

/// The photos' hashes of a `photos` field (`[PhotoRef]`).
fn photo_hashes(value: &Value) -> impl Iterator<Item = &str> {
    value.as_array().into_iter().flatten().filter_map(|p| p.get("sha256")?.as_str())
}
