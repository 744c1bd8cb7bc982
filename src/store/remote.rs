//! Operations pulled from the office: merged into the local records in one transaction.

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
use super::codec::{record_key, to_js};
use super::local::decode_opt;
use super::schema::{CONFLICTS, HISTORY, META, PEOPLE, RECORDS, SURVEYS, store_for};
use super::{Store, StoreError, meta_keys};

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
        let mut outcome = RemoteOutcome { applied: ops.len(), ..RemoteOutcome::default() };
        if ops.is_empty() {
            return Ok(outcome);
        }
        let tx = self
            .db
            .transaction([PEOPLE, SURVEYS, RECORDS, CONFLICTS, HISTORY, META])
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
        // Records touched by this batch, read once and written once at the end. The record reads
        // were issued after the clock read, so the clock is done once they are.
        let mut touched: Vec<(Option<Record>, bool)> = Vec::with_capacity(reads.len());
        for value in await_in_order(reads).await? {
            touched.push((decode_opt(value)?, false));
        }
        let mut clock: HlcClock =
            decode_opt(clock_req.await?)?.unwrap_or_else(|| HlcClock::new(self.clock_device()));

        // Merge in memory, then issue every write and await them only after all are issued.
        let history = tx.object_store(HISTORY)?;
        let conflicts = tx.object_store(CONFLICTS)?;
        let mut writes = Vec::with_capacity(ops.len() + touched.len());
        for op in ops {
            let slot = &mut touched[index[&(op.entity, op.entity_id)]];
            let applied = merge::apply(slot.0.take(), op);
            slot.0 = Some(applied.record);
            slot.1 |= applied.changed;
            for conflict in applied.conflicts {
                writes.push(conflicts.put(to_js(&conflict)?).primitive()?);
                outcome.conflicts.push(conflict);
            }
            writes.push(history.put(to_js(op)?).primitive()?);
            clock.observe(&op.hlc, super::now_ms());
        }
        for ((entity, _), (record, changed)) in keys.into_iter().zip(touched) {
            if let (Some(record), true) = (record, changed) {
                writes.push(record_stores.get(entity).put(to_js(&record)?).primitive()?);
                outcome.changed_records += 1;
            }
        }
        let put_clock =
            meta.put(to_js(&clock)?).with_key(JsValue::from_str(meta_keys::CLOCK)).primitive()?;
        // The clock is written last: once it is done, every earlier write is done too.
        let clock_written = put_clock.await;
        await_in_order(writes).await?;
        clock_written?;
        tx.commit().await?;
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
