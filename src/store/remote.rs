//! Operations pulled from the office: merged into the local records in one transaction.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use shared::hlc::HlcClock;
use shared::merge::{self, Conflict};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{from_js, record_key, to_js};
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
        let clock_js: Option<JsValue> =
            meta.get(JsValue::from_str(meta_keys::CLOCK)).primitive()?.await?;
        let mut clock: HlcClock = match clock_js {
            Some(v) if !v.is_undefined() => from_js(v)?,
            _ => HlcClock::new(self.clock_device()),
        };

        // Records touched by this batch, read once and written once at the end.
        let mut touched: HashMap<(EntityKind, Uuid), (Option<Record>, bool)> = HashMap::new();
        let history = tx.object_store(HISTORY)?;
        let conflicts = tx.object_store(CONFLICTS)?;
        for op in ops {
            let key = (op.entity, op.entity_id);
            let slot = match touched.entry(key) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let store = tx.object_store(store_for(op.entity))?;
                    let value: Option<JsValue> =
                        store.get(record_key(op.entity, op.entity_id)).primitive()?.await?;
                    let current = match value {
                        Some(v) if !v.is_undefined() => Some(from_js::<Record>(v)?),
                        _ => None,
                    };
                    e.insert((current, false))
                }
            };
            let applied = merge::apply(slot.0.take(), op);
            slot.0 = Some(applied.record);
            slot.1 |= applied.changed;
            for conflict in applied.conflicts {
                conflicts.put(to_js(&conflict)?).primitive()?.await?;
                outcome.conflicts.push(conflict);
            }
            history.put(to_js(op)?).primitive()?.await?;
            clock.observe(&op.hlc, super::now_ms());
        }
        for ((entity, _), (record, changed)) in touched {
            if let (Some(record), true) = (record, changed) {
                tx.object_store(store_for(entity))?.put(to_js(&record)?).primitive()?.await?;
                outcome.changed_records += 1;
            }
        }
        meta.put(to_js(&clock)?).with_key(JsValue::from_str(meta_keys::CLOCK)).primitive()?.await?;
        tx.commit().await?;
        Ok(outcome)
    }
}
