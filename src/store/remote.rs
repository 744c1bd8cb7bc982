//! Operations pulled from the office (or imported from a file): merged into the local records in
//! one transaction, which also keeps them for the change history as whole pages
//! (`history_pages`, one entry per page instead of one per operation).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use shared::hlc::HlcClock;
use shared::merge::{self, Conflict};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::batch::await_in_order;
use super::codec::{page_to_js, record_key, to_js, to_js_array};
use super::known_records::KnownRecords;
use super::local::decode_opt;
use super::schema::{CONFLICTS, HISTORY_PAGES, META, PEOPLE, RECORDS, SURVEYS, store_for};
use super::{Store, StoreError, known_records, meta_keys};

/// Where a pull stands: the cursor the server gave and the check that came with it
/// (`shared::sync::PullResponse`), kept under `meta_keys::CURSOR` and `CURSOR_CHECK`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullPosition {
    pub cursor: u64,
    pub check: Option<String>,
    /// The last operation of this device the server acknowledged (`meta_keys::LAST_ACKED`,
    /// kept by the acknowledgement, not by a pull): the server must still hold it.
    pub acked: Option<Uuid>,
}

/// A cursor without a check (what an older server answers).
impl From<u64> for PullPosition {
    fn from(cursor: u64) -> Self {
        PullPosition { cursor, check: None, acked: None }
    }
}

impl PullPosition {
    /// What keeps this position in `meta`, key and value: the check is `null` when there is
    /// none, so an older check never stays beside a newer cursor.
    fn entries(&self) -> Result<[(&'static str, JsValue); 2], StoreError> {
        let check = self.check.as_deref().map_or(JsValue::NULL, JsValue::from_str);
        Ok([(meta_keys::CURSOR, to_js(&self.cursor)?), (meta_keys::CURSOR_CHECK, check)])
    }
}

/// Most operations kept in one `history_pages` entry.
const HISTORY_PAGE_MAX_OPS: usize = 2_000;

/// Changed records converted to JS at a time when a batch is stored.
const RECORDS_A_CONVERSION: usize = 250;

/// What applying a batch of remote operations did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemoteOutcome {
    /// Operations in the batch.
    pub applied: usize,
    /// Records whose stored state changed.
    pub changed_records: usize,
    /// Conflicts detected (also kept in the `conflicts` store).
    pub conflicts: Vec<Conflict>,
    /// Whether the page was applied a second time, reading every record: a record this tab
    /// took for new had been stored meanwhile (`known_records.rs`).
    pub applied_again: bool,
}

impl Store {
    /// Merge operations received from the server (field-level last-writer-wins, conflicts kept)
    /// and fold their clocks into this device's clock, all in one transaction. Applying the same
    /// operations again changes nothing. Remote operations never enter the outbox.
    pub async fn apply_remote(&self, ops: &[Operation]) -> Result<RemoteOutcome, StoreError> {
        self.merge_remote(ops, None).await
    }

    /// The operations of another tablet's export file, as the import stores them
    /// (`sync::transfer::import_bytes`, once the file is verified): the records the server
    /// never sent or acknowledged here noted as 来自文件 ([`Store::note_from_file`], before the
    /// merge puts their changes in the history), then merged ([`Store::apply_remote`]).
    pub async fn import_operations(
        &self,
        ops: &[Operation],
        only_of: Option<Uuid>,
    ) -> Result<RemoteOutcome, StoreError> {
        self.note_from_file(ops, only_of).await?;
        self.apply_remote(ops).await
    }

    /// [`Store::apply_remote`] for one pulled page, storing the pull position that follows it
    /// (`meta_keys::CURSOR` and `CURSOR_CHECK`) in the same transaction: the position moves
    /// exactly when the page is stored, never before and never without it.
    pub async fn apply_remote_page(
        &self,
        ops: &[Operation],
        next: impl Into<PullPosition>,
    ) -> Result<RemoteOutcome, StoreError> {
        let next = next.into();
        if ops.is_empty() {
            let db = self.db().await?;
            let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
            let meta = tx.object_store(META)?;
            for (key, value) in next.entries()? {
                drop(meta.put(value).with_key(JsValue::from_str(key)).primitive()?);
            }
            tx.commit().await?;
            return Ok(RemoteOutcome::default());
        }
        self.merge_remote(ops, Some(&next)).await
    }

    /// Where the last pull stopped: the cursor and its check (cursor 0, no check, before the
    /// first pull and after [`Store::resend_history`]), and the last acknowledged operation.
    pub async fn pull_position(&self) -> Result<PullPosition, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).build()?;
        let meta = tx.object_store(META)?;
        let cursor_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CURSOR)).primitive()?;
        let check_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CURSOR_CHECK)).primitive()?;
        let acked_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::LAST_ACKED)).primitive()?;
        let cursor = decode_opt::<u64>(cursor_req.await?)?.unwrap_or(0);
        let check = decode_opt::<String>(check_req.await?)?;
        let acked = decode_opt::<String>(acked_req.await?)?.and_then(|id| id.parse().ok());
        Ok(PullPosition { cursor, check, acked })
    }

    async fn merge_remote(
        &self,
        ops: &[Operation],
        cursor: Option<&PullPosition>,
    ) -> Result<RemoteOutcome, StoreError> {
        if ops.is_empty() {
            return Ok(RemoteOutcome::default());
        }
        let trust_known =
            self.known_records.borrow().is_loaded() || ops.len() >= known_records::LOAD_FROM_OPS;
        if !trust_known {
            return self.merge_in_transaction(ops, cursor, Known::ReadEvery).await;
        }
        match self.merge_in_transaction(ops, cursor, Known::Trusted).await {
            // A record this tab took for new was stored meanwhile (another tab saved or pulled
            // it): its `add` aborted the transaction with nothing written. IndexedDB's
            // ConstraintError, which `StoreError` names for the outbox's use; no other write of
            // this transaction can raise it (records are its only `add`s, every index here is
            // non-unique). Read every record.
            Err(StoreError::DuplicateOperation) => {
                self.known_records.borrow_mut().forget();
                log::info!("pulled page: a record taken for new was stored; applied again reading");
                let outcome = self.merge_in_transaction(ops, cursor, Known::ReadEvery).await?;
                Ok(RemoteOutcome { applied_again: true, ..outcome })
            }
            other => other,
        }
    }

    /// One attempt at storing a page: with [`Known::Trusted`], only the records this tab knows
    /// to be stored are read (the ids read first when not known), and the others are written
    /// with `add`, which fails rather than overwrite one stored meanwhile.
    async fn merge_in_transaction(
        &self,
        ops: &[Operation],
        cursor: Option<&PullPosition>,
        known: Known,
    ) -> Result<RemoteOutcome, StoreError> {
        let mut outcome = RemoteOutcome { applied: ops.len(), ..RemoteOutcome::default() };
        let db = self.db().await?;
        let tx = db
            .transaction([PEOPLE, SURVEYS, RECORDS, CONFLICTS, HISTORY_PAGES, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let record_stores = RecordStores::of(&tx)?;
        let trusted = matches!(known, Known::Trusted);
        if trusted && !self.known_records.borrow().is_loaded() {
            // Read in this transaction, so nothing can be stored between reading them and
            // writing this page.
            *self.known_records.borrow_mut() = record_stores.stored().await?;
        }

        // Every read of the batch is issued before the first await: the clock and each touched
        // record this tab may hold once, in first-seen order. Only this transaction's requests
        // are awaited.
        let clock_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CLOCK)).primitive()?;
        // A pulled page: the server has the records it names, so none of them is 来自文件 any
        // longer (`Store::note_from_file`).
        let from_file_req = match cursor {
            Some(_) => Some(
                meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::FROM_FILE)).primitive()?,
            ),
            None => None,
        };
        let mut keys: Vec<(EntityKind, Uuid)> = Vec::new();
        // Per touched record: whether it was read (else it is new, as far as this tab knows).
        let mut read: Vec<bool> = Vec::new();
        let mut index: HashMap<(EntityKind, Uuid), usize> = HashMap::new();
        let mut reads = Vec::new();
        {
            let known_records = self.known_records.borrow();
            for op in ops {
                let key = (op.entity, op.entity_id);
                if let Entry::Vacant(e) = index.entry(key) {
                    e.insert(keys.len());
                    keys.push(key);
                    let may_hold = !trusted || known_records.may_hold(op.entity, op.entity_id);
                    read.push(may_hold);
                    if may_hold {
                        let store = record_stores.get(op.entity);
                        reads.push(
                            store
                                .get::<JsValue, _, _>(record_key(op.entity, op.entity_id))
                                .primitive()?,
                        );
                    }
                }
            }
        }
        // The page's history entry does not depend on what is read: it is built and its put
        // issued now, so wasm serialises it while the database answers the reads (requests run
        // in the order issued, so the put does not delay them). The page is one history entry
        // (schema v4 `history_pages`); a larger batch (an imported file) is split so no single
        // stored value grows without bound.
        let mut writes = Vec::with_capacity(keys.len() + 1);
        let pages = tx.object_store(HISTORY_PAGES)?;
        for chunk in ops.chunks(HISTORY_PAGE_MAX_OPS) {
            writes.push(pages.put(page_to_js(chunk)?).primitive()?);
        }
        // Records touched by this batch, read once and written once at the end. The record reads
        // were issued after the clock read, so the clock is done once they are.
        let mut values = await_in_order(reads).await?.into_iter();
        let mut touched: Vec<(Option<Record>, bool)> = Vec::with_capacity(keys.len());
        for &was_read in &read {
            let stored = if was_read { decode_opt(values.next().flatten())? } else { None };
            touched.push((stored, false));
        }
        let mut clock: HlcClock =
            decode_opt(clock_req.await?)?.unwrap_or_else(|| HlcClock::new(self.clock_device()));

        // Merge in memory, then issue every write and await them only after all are issued.
        let conflicts = tx.object_store(CONFLICTS)?;
        for op in ops {
            let slot = &mut touched[index[&(op.entity, op.entity_id)]];
            let applied = merge::apply(slot.0.take(), op);
            slot.0 = Some(applied.record);
            slot.1 |= applied.changed;
            for conflict in applied.conflicts {
                writes.push(conflicts.put(to_js(&conflict)?).primitive()?);
                outcome.conflicts.push(conflict);
            }
            clock.observe(&op.hlc, super::now_ms());
        }
        // (entity, record, whether it was read: else it is added, never put over one stored)
        let mut changed: Vec<(EntityKind, Record, bool)> = Vec::with_capacity(touched.len());
        for (((entity, _), (record, was_changed)), was_read) in
            keys.into_iter().zip(touched).zip(read)
        {
            if let (Some(record), true) = (record, was_changed) {
                changed.push((entity, record, was_read));
            }
        }
        // The changed records cross into JS `RECORDS_A_CONVERSION` at a time (one JSON.parse
        // each), each lot's writes issued before the next is converted: the database stores one
        // lot while this tab converts the next.
        for lot in changed.chunks(RECORDS_A_CONVERSION) {
            let records: Vec<&Record> = lot.iter().map(|(_, r, _)| r).collect();
            for ((entity, _, was_read), value) in lot.iter().zip(to_js_array(&records)?.iter()) {
                let store = record_stores.get(*entity);
                let request = if *was_read {
                    store.put(value).primitive()?
                } else {
                    store.add(value).primitive()?
                };
                writes.push(request);
            }
        }
        outcome.changed_records = changed.len();
        let mut put_cursor = Vec::new();
        if let Some(req) = from_file_req {
            let from_file: Option<BTreeSet<(EntityKind, Uuid)>> = decode_opt(req.await?)?;
            if let Some(mut from_file) = from_file.filter(|f| !f.is_empty()) {
                let before = from_file.len();
                from_file.retain(|key| !index.contains_key(key));
                if from_file.len() != before {
                    let key = JsValue::from_str(meta_keys::FROM_FILE);
                    put_cursor.push(meta.put(to_js(&from_file)?).with_key(key).primitive()?);
                }
            }
        }
        if let Some(cursor) = cursor {
            for (key, value) in cursor.entries()? {
                put_cursor.push(meta.put(value).with_key(JsValue::from_str(key)).primitive()?);
            }
        }
        let put_clock =
            meta.put(to_js(&clock)?).with_key(JsValue::from_str(meta_keys::CLOCK)).primitive()?;
        // The clock is written last: once it is done, every earlier write is done too.
        let clock_written = put_clock.await;
        await_in_order(writes).await?;
        await_in_order(put_cursor).await?;
        clock_written?;
        tx.commit().await?;
        self.save_cache.borrow_mut().forget_records(Some(clock));
        self.photos_may_have_moved();
        let mut known_records = self.known_records.borrow_mut();
        for (entity, record, _) in &changed {
            known_records.note(*entity, record.id);
        }
        Ok(outcome)
    }
}

/// Whether a page's transaction trusts [`known_records`] to tell which records are new.
#[derive(Clone, Copy)]
enum Known {
    Trusted,
    ReadEvery,
}

/// The three object stores that hold records, opened once per transaction.
pub(super) struct RecordStores<'tx> {
    people: ObjectStore<'tx>,
    surveys: ObjectStore<'tx>,
    records: ObjectStore<'tx>,
}

impl<'tx> RecordStores<'tx> {
    /// The three stores of `tx`, which must have them in its scope.
    pub(super) fn of(tx: &'tx Transaction<'_>) -> Result<Self, StoreError> {
        Ok(Self {
            people: tx.object_store(PEOPLE)?,
            surveys: tx.object_store(SURVEYS)?,
            records: tx.object_store(RECORDS)?,
        })
    }

    /// Every record stored, by its key: one `getAllKeys` a store, all three issued at once.
    pub(super) async fn stored(&self) -> Result<KnownRecords, StoreError> {
        let people = self.people.get_all_keys::<JsValue>().primitive()?;
        let surveys = self.surveys.get_all_keys::<JsValue>().primitive()?;
        let records = self.records.get_all_keys::<JsValue>().primitive()?;
        let records = records.await?.collect::<Result<Vec<_>, _>>()?;
        let surveys = surveys.await?.collect::<Result<Vec<_>, _>>()?;
        let people = people.await?.collect::<Result<Vec<_>, _>>()?;
        let mut stored = KnownRecords::default();
        stored.load(&people, &surveys, &records);
        Ok(stored)
    }

    fn get(&self, entity: EntityKind) -> &ObjectStore<'tx> {
        match store_for(entity) {
            PEOPLE => &self.people,
            SURVEYS => &self.surveys,
            _ => &self.records,
        }
    }
}
