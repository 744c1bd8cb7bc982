//! Operations pulled from the office (or imported from a file): merged into the local records in
//! one transaction, which also keeps them for the change history as whole pages
//! (`history_pages`, one entry per page instead of one per operation).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use shared::hlc::HlcClock;
use shared::merge::{self, Conflict};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::batch::await_in_order;
use super::codec::{page_to_js, record_key, to_js, to_js_array, to_js_json};
use super::local::decode_opt;
use super::schema::{CONFLICTS, HISTORY_PAGES, META, PEOPLE, RECORDS, SURVEYS, store_for};
use super::{Store, StoreError, meta_keys};

/// Most operations kept in one `history_pages` entry.
const HISTORY_PAGE_MAX_OPS: usize = 2_000;

/// What applying a batch of remote operations did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemoteOutcome {
    /// Operations in the batch.
    pub applied: usize,
    /// Records whose stored state changed.
    pub changed_records: usize,
    /// Conflicts detected (also kept in the `conflicts` store).
    pub conflicts: Vec<Conflict>,
}

impl Store {
    /// Merge operations received from the server (field-level last-writer-wins, conflicts kept)
    /// and fold their clocks into this device's clock, all in one transaction. Applying the same
    /// operations again changes nothing. Remote operations never enter the outbox.
    pub async fn apply_remote(&self, ops: &[Operation]) -> Result<RemoteOutcome, StoreError> {
        self.merge_remote(ops, None).await
    }

    /// [`Store::apply_remote`] for one pulled page, storing the pull cursor that follows it
    /// (`meta_keys::CURSOR`) in the same transaction: the cursor moves exactly when the page is
    /// stored, never before and never without it.
    pub async fn apply_remote_page(
        &self,
        ops: &[Operation],
        cursor: u64,
    ) -> Result<RemoteOutcome, StoreError> {
        if ops.is_empty() {
            self.meta_set(meta_keys::CURSOR, &cursor).await?;
            return Ok(RemoteOutcome::default());
        }
        self.merge_remote(ops, Some(cursor)).await
    }

    async fn merge_remote(
        &self,
        ops: &[Operation],
        cursor: Option<u64>,
    ) -> Result<RemoteOutcome, StoreError> {
        let mut outcome = RemoteOutcome { applied: ops.len(), ..RemoteOutcome::default() };
        if ops.is_empty() {
            return Ok(outcome);
        }
        let db = self.db().await?;
        let tx = db
            .transaction([PEOPLE, SURVEYS, RECORDS, CONFLICTS, HISTORY_PAGES, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let record_stores = RecordStores {
            people: tx.object_store(PEOPLE)?,
            surveys: tx.object_store(SURVEYS)?,
            records: tx.object_store(RECORDS)?,
        };

        // Every read of the batch is issued before the first await: the clock and each touched
        // record once, in first-seen order. Only this transaction's requests are awaited.
        let clock_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CLOCK)).primitive()?;
        let mut keys: Vec<(EntityKind, Uuid)> = Vec::new();
        let mut index: HashMap<(EntityKind, Uuid), usize> = HashMap::new();
        let mut reads = Vec::new();
        for op in ops {
            let key = (op.entity, op.entity_id);
            if let Entry::Vacant(e) = index.entry(key) {
                e.insert(keys.len());
                keys.push(key);
                let store = record_stores.get(op.entity);
                reads.push(
                    store.get::<JsValue, _, _>(record_key(op.entity, op.entity_id)).primitive()?,
                );
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
        let mut touched: Vec<(Option<Record>, bool)> = Vec::with_capacity(reads.len());
        for value in await_in_order(reads).await? {
            touched.push((decode_opt(value)?, false));
        }
        let mut clock: HlcClock =
            decode_opt(clock_req.await?)?.unwrap_or_else(|| HlcClock::new(self.clock_device()));

        // Merge in memory, then issue every write and await them only after all are issued.
        // The changed records cross into JS as one array (one JSON.parse).
        let conflicts = tx.object_store(CONFLICTS)?;
        for op in ops {
            let slot = &mut touched[index[&(op.entity, op.entity_id)]];
            let applied = merge::apply(slot.0.take(), op);
            slot.0 = Some(applied.record);
            slot.1 |= applied.changed;
            for conflict in applied.conflicts {
                writes.push(conflicts.put(to_js_json(&conflict)?).primitive()?);
                outcome.conflicts.push(conflict);
            }
            clock.observe(&op.hlc, super::now_ms());
        }
        let mut changed: Vec<(EntityKind, Record)> = Vec::with_capacity(touched.len());
        for ((entity, _), (record, was_changed)) in keys.into_iter().zip(touched) {
            if let (Some(record), true) = (record, was_changed) {
                changed.push((entity, record));
            }
        }
        let records: Vec<&Record> = changed.iter().map(|(_, r)| r).collect();
        let records_js = to_js_array(&records)?;
        for (i, (entity, _)) in changed.iter().enumerate() {
            writes.push(record_stores.get(*entity).put(records_js.get(i as u32)).primitive()?);
        }
        outcome.changed_records = changed.len();
        let put_cursor = match cursor {
            Some(cursor) => Some(
                meta.put(to_js(&cursor)?)
                    .with_key(JsValue::from_str(meta_keys::CURSOR))
                    .primitive()?,
            ),
            None => None,
        };
        let put_clock = meta
            .put(to_js_json(&clock)?)
            .with_key(JsValue::from_str(meta_keys::CLOCK))
            .primitive()?;
        // The clock is written last: once it is done, every earlier write is done too.
        let clock_written = put_clock.await;
        await_in_order(writes).await?;
        if let Some(put_cursor) = put_cursor {
            put_cursor.await?;
        }
        clock_written?;
        tx.commit().await?;
        self.save_cache.borrow_mut().forget_records(Some(clock));
        Ok(outcome)
    }
}

/// The three object stores that hold records, opened once per transaction.
struct RecordStores<'tx> {
    people: ObjectStore<'tx>,
    surveys: ObjectStore<'tx>,
    records: ObjectStore<'tx>,
}

impl<'tx> RecordStores<'tx> {
    fn get(&self, entity: EntityKind) -> &ObjectStore<'tx> {
        match store_for(entity) {
            PEOPLE => &self.people,
            SURVEYS => &self.surveys,
            _ => &self.records,
        }
    }
}
