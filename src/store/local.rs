//! Local changes: build the operation, merge it, and write record + outbox entry + clock in one
//! readwrite transaction committed explicitly.
//!
//! A local operation is not written to `history` when it is saved: while it waits in the outbox
//! the history reads it from there, and it moves into `history` in the same transaction that
//! removes it from the outbox ([`Store::ack`]). So it is always in exactly one of the two (or in
//! both, for a database written before this change; readers keep one copy per operation id).
//!
//! Every save reads the record and the clock in its transaction. When this tab remembers them
//! (`save_cache.rs`), the writes are issued right behind those reads instead of after them, and
//! the transaction is rolled back and redone the reading way if what was read is not what was
//! remembered: when the reads come back the writes are already done, and only the commit is
//! left, with the same guarantees. Nothing listens to a write request itself: a failed one
//! aborts the transaction, and the commit reports its error.

use std::collections::{BTreeMap, BTreeSet};

use indexed_db_futures::database::Database;
use indexed_db_futures::future::BasicRequest;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::Value;
use shared::hlc::{Hlc, HlcClock};
use shared::merge::{self, Conflict};
use shared::op::{OpContext, OpKind, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{from_js, op_to_js, record_key, to_js};
use super::save_cache::Expected;
use super::schema::{CONFLICTS, META, OUTBOX, store_for};
use super::{Store, StoreError, meta_keys, now_ms};

/// Which fields of a form the person changed since the form last read or saved the record
/// ([`Store::save_touched`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Touched {
    /// Every field given counts as the person's (a caller that knows no better).
    #[default]
    All,
    /// Only these fields were changed on the form; the others are what it read.
    Only(BTreeSet<String>),
    /// Only these fields were changed on the form, each typed over the value the form showed,
    /// which was written at the clock given (`None`: the form showed no stored value). That
    /// clock is the change's base, as the author's own device saw it: a value written after it
    /// that the person never saw (a pull, another tab, while the form was open) is overwritten
    /// as a conflict, kept for the office to review, as an edit from another tablet would be,
    /// not silently.
    Over(BTreeMap<String, Option<Hlc>>),
}

impl Touched {
    fn covers(&self, field: &str) -> bool {
        match self {
            Touched::All => true,
            Touched::Only(fields) => fields.contains(field),
            Touched::Over(seen) => seen.contains_key(field),
        }
    }
}

/// What one save stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The record as stored (unchanged, with nothing queued, when every value was already
    /// stored).
    pub record: Record,
    /// Values written after the one the person typed over, which they never saw, now
    /// overwritten: kept in the `conflicts` store (and found again by every device that merges
    /// the operation).
    pub conflicts: Vec<Conflict>,
}

/// What the caller wants to write, decided once the current record and clock are read inside
/// the transaction.
#[derive(Clone)]
enum Intent {
    /// Set fields: those touched whose value differs from the stored one become the operation
    /// (every one, for a record not stored yet).
    Upsert { branch_id: String, changes: Vec<(String, Value)>, touched: Touched },
    /// Tombstone the record.
    Delete,
    /// An operation built elsewhere on this device (import, tests): written as is.
    Prebuilt(Box<Operation>),
}

impl Intent {
    /// Whether merging this intent's operation can find conflicts, so its transaction needs the
    /// `conflicts` store: an edit's own bases are the stored clocks, which no conflict has.
    fn may_conflict(&self) -> bool {
        matches!(self, Intent::Prebuilt(_) | Intent::Upsert { touched: Touched::Over(_), .. })
    }
}

impl Store {
    /// Save a local edit of `entity`/`id`: the fields in `changes` whose value differs from the
    /// stored record become one operation, merged into the record and queued in the outbox, in
    /// one transaction. Returns the record as stored (unchanged, with nothing queued, when every
    /// value was already stored).
    pub async fn save(
        &self,
        entity: EntityKind,
        id: Uuid,
        branch_id: &str,
        changes: Vec<(String, Value)>,
    ) -> Result<Record, StoreError> {
        Ok(self.save_touched(entity, id, branch_id, changes, Touched::All).await?.record)
    }

    /// [`Store::save`] of a form that shows every field of the record but on which the person
    /// changed only the `touched` ones: once the record is stored, only those are saved. A
    /// field the form merely shows as it read it is not written back, so a change that reached
    /// the record meanwhile (a pull, another tab) is kept, not silently undone. A record not
    /// stored yet gets every field. With [`Touched::Over`], a field typed over a value that
    /// was changed since the form read it is saved as a conflict with that change.
    pub async fn save_touched(
        &self,
        entity: EntityKind,
        id: Uuid,
        branch_id: &str,
        changes: Vec<(String, Value)>,
        touched: Touched,
    ) -> Result<Saved, StoreError> {
        let intent = Intent::Upsert { branch_id: branch_id.to_owned(), changes, touched };
        let (record, _, conflicts) = self.write_local(entity, id, intent).await?;
        Ok(Saved { record, conflicts })
    }

    /// Delete a record (a permanent tombstone, synced like any other change).
    pub async fn delete(&self, entity: EntityKind, id: Uuid) -> Result<(), StoreError> {
        self.write_local(entity, id, Intent::Delete).await?;
        Ok(())
    }

    /// Apply an operation made on this device but built by the caller (for example an import):
    /// merged and queued exactly like [`Store::save`], in one transaction. If the operation id is
    /// already queued, nothing is written and [`StoreError::DuplicateOperation`] is returned.
    pub async fn commit_local(&self, op: Operation) -> Result<Record, StoreError> {
        let (entity, id) = (op.entity, op.entity_id);
        Ok(self.write_local(entity, id, Intent::Prebuilt(Box::new(op))).await?.0)
    }

    async fn write_local(
        &self,
        entity: EntityKind,
        id: Uuid,
        intent: Intent,
    ) -> Result<Written, StoreError> {
        // Edits (not prebuilt operations, whose duplicate check must stay as it is) first try
        // the one-round-trip path when this tab knows the clock.
        let expected = match intent {
            Intent::Prebuilt(_) => None,
            _ => self.save_cache.borrow().expected(entity, id),
        };
        let written = match expected {
            Some(expected) => {
                match self.write_expected(entity, id, intent.clone(), expected).await? {
                    Some(done) => done,
                    None => self.write_after_reading(entity, id, intent).await?,
                }
            }
            None => self.write_after_reading(entity, id, intent).await?,
        };
        // The photos of a record the kept photo records name changed, or it was deleted (a
        // photo taken off a survey whose photo was refused): they are read again at the next
        // count. Any other save queues its record, which is counted as queued.
        let photos_changed = written.1.as_ref().is_some_and(|op| {
            op.kind == OpKind::Delete || op.changes.iter().any(|c| c.field == "photos")
        });
        if photos_changed && self.photo_records_name(entity, id) {
            self.photos_may_have_moved();
        }
        Ok(written)
    }

    /// The reading path: read the record and the clock, then build, merge and write.
    async fn write_after_reading(
        &self,
        entity: EntityKind,
        id: Uuid,
        intent: Intent,
    ) -> Result<Written, StoreError> {
        let db = self.db().await?;
        let tx = Self::save_transaction(&db, entity, intent.may_conflict())?;
        let records = tx.object_store(store_for(entity))?;
        let meta = tx.object_store(META)?;

        // Only this transaction's own requests are awaited until it commits.
        let (current, stored_clock) = issue_reads(&records, &meta, entity, id)?.finish().await?;
        let mut clock = stored_clock.unwrap_or_else(|| HlcClock::new(self.clock_device()));

        let ctx = self.context();
        let Some(op) = build_op(&ctx, &mut clock, entity, id, current.as_ref(), intent) else {
            // Nothing changed: no operation, no write. The transaction is simply dropped.
            self.save_cache.borrow_mut().remember(entity, id, current.clone(), clock);
            let record = current.unwrap_or_else(|| Record::new(entity, id, ""));
            return Ok((record, None, Vec::new()));
        };
        let applied = merge::apply(current, &op);
        issue_writes(&tx, &records, &meta, &applied, &op, &clock)?;
        // A failed write aborts the transaction and the commit reports its error (a duplicate
        // operation id: `StoreError::DuplicateOperation`).
        tx.commit().await?;
        self.outbox_changed();
        self.save_cache.borrow_mut().remember(entity, id, Some(applied.record.clone()), clock);
        self.known_records.borrow_mut().note(entity, id);
        Ok((applied.record, Some(op), applied.conflicts))
    }

    /// The one-round-trip path: build, merge and write from what this tab expects to be stored
    /// (its last written clock and record), issuing the reads of the record and the clock first
    /// in the same transaction. Requests run in issue order, so the reads see the state before
    /// these writes; if it is not the expected one (another tab wrote, a pull changed the
    /// record), the transaction is rolled back and `None` tells the caller to take the reading
    /// path. So the clock stays monotonic across tabs and reloads exactly as with reading first.
    async fn write_expected(
        &self,
        entity: EntityKind,
        id: Uuid,
        intent: Intent,
        expected: Expected,
    ) -> Result<Option<Written>, StoreError> {
        let mut clock = expected.clock.clone();
        let ctx = self.context();
        let may_conflict = intent.may_conflict();
        let Some(op) = build_op(&ctx, &mut clock, entity, id, expected.record.as_ref(), intent)
        else {
            // Nothing changed, as far as this tab knows: let the reading path confirm it.
            return Ok(None);
        };
        let applied = merge::apply(expected.record.clone(), &op);

        let db = self.db().await?;
        let tx = Self::save_transaction(&db, entity, may_conflict)?;
        let records = tx.object_store(store_for(entity))?;
        let meta = tx.object_store(META)?;
        let reads = issue_reads(&records, &meta, entity, id)?;
        issue_writes(&tx, &records, &meta, &applied, &op, &clock)?;

        let (stored, stored_clock) = reads.finish().await?;
        if stored_clock.as_ref() != Some(&expected.clock) || stored != expected.record {
            // Dropping the transaction uncommitted rolls the writes back.
            drop(tx);
            self.save_cache.borrow_mut().forget(entity, id);
            return Ok(None);
        }
        tx.commit().await?;
        self.outbox_changed();
        self.save_cache.borrow_mut().remember(entity, id, Some(applied.record.clone()), clock);
        self.known_records.borrow_mut().note(entity, id);
        Ok(Some((applied.record, Some(op), applied.conflicts)))
    }
}

/// What one local write did: the record as stored, the operation queued (none when nothing
/// changed) and the conflicts its merge found.
type Written = (Record, Option<Operation>, Vec<Conflict>);

impl Store {
    /// The readwrite transaction of one save of an `entity` record: its store, the outbox, meta,
    /// and the conflicts when its merge can find any.
    fn save_transaction(
        db: &Database,
        entity: EntityKind,
        with_conflicts: bool,
    ) -> Result<Transaction<'_>, StoreError> {
        let stores = [store_for(entity), OUTBOX, META, CONFLICTS];
        let stores = if with_conflicts { &stores[..] } else { &stores[..3] };
        Ok(db.transaction(stores).with_mode(TransactionMode::Readwrite).build()?)
    }
}

/// The record and clock reads of one save, issued in that order.
struct Reads {
    record: BasicRequest<Option<JsValue>>,
    clock: BasicRequest<Option<JsValue>>,
}

fn issue_reads(
    records: &ObjectStore<'_>,
    meta: &ObjectStore<'_>,
    entity: EntityKind,
    id: Uuid,
) -> Result<Reads, StoreError> {
    Ok(Reads {
        record: records.get::<JsValue, _, _>(record_key(entity, id)).primitive()?,
        clock: meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CLOCK)).primitive()?,
    })
}

impl Reads {
    /// The stored record and clock. The clock request was issued last: once it is done, the
    /// record read is done too.
    async fn finish(self) -> Result<(Option<Record>, Option<HlcClock>), StoreError> {
        let clock = self.clock.await?;
        let record = decode_opt(self.record.await?)?;
        Ok((record, decode_opt(clock)?))
    }
}

/// Issue the record, outbox and clock writes of one save, in that order, then the conflicts its
/// merge found (the transaction holds their store whenever there can be any). Nothing listens
/// to the requests themselves: a failed one aborts the transaction and its error is what the
/// commit reports, so one event per save reaches this tab instead of one per request.
fn issue_writes(
    tx: &Transaction<'_>,
    records: &ObjectStore<'_>,
    meta: &ObjectStore<'_>,
    applied: &merge::Applied,
    op: &Operation,
    clock: &HlcClock,
) -> Result<(), StoreError> {
    drop(records.put(to_js(&applied.record)?).primitive()?);
    drop(tx.object_store(OUTBOX)?.add(op_to_js(op)?).primitive()?);
    drop(meta.put(to_js(clock)?).with_key(JsValue::from_str(meta_keys::CLOCK)).primitive()?);
    if !applied.conflicts.is_empty() {
        let conflicts = tx.object_store(CONFLICTS)?;
        for conflict in &applied.conflicts {
            drop(conflicts.put(to_js(conflict)?).primitive()?);
        }
    }
    Ok(())
}

pub(super) fn decode_opt<T: serde::de::DeserializeOwned>(
    value: Option<JsValue>,
) -> Result<Option<T>, StoreError> {
    match value {
        Some(v) if !v.is_undefined() && !v.is_null() => Ok(Some(from_js(v)?)),
        _ => Ok(None),
    }
}

fn build_op(
    ctx: &OpContext,
    clock: &mut HlcClock,
    entity: EntityKind,
    id: Uuid,
    current: Option<&Record>,
    intent: Intent,
) -> Option<Operation> {
    match intent {
        Intent::Upsert { branch_id, changes, touched } => {
            let changes = match current {
                Some(_) => changes.into_iter().filter(|(f, _)| touched.covers(f)).collect(),
                None => changes,
            };
            let changes = changed_fields(current, changes);
            if changes.is_empty() && current.is_some() {
                return None;
            }
            let branch = current
                .map(|r| r.branch_id.as_str())
                .filter(|b| !b.is_empty())
                .unwrap_or(&branch_id);
            let hlc = clock.tick(super::now_ms());
            let mut op = Operation::upsert(ctx, hlc, entity, id, branch, current, changes);
            if let Touched::Over(seen) = &touched {
                for change in &mut op.changes {
                    if let Some(base) = seen.get(&change.field) {
                        // A value seen at a clock later than this change's own was read before
                        // the tablet's stamps were brought back (`Store::restamp_ahead`): which
                        // value it was is no longer known, so the change saw none of them (a
                        // concurrent one is kept as a conflict, never overwritten unseen).
                        change.base = base.clone().filter(|b| *b < op.hlc);
                    }
                }
            }
            Some(op)
        }
        Intent::Delete => {
            let record = current?;
            if record.is_deleted() {
                return None;
            }
            let hlc = clock.tick(now_ms());
            Some(Operation::delete(ctx, hlc, record))
        }
        Intent::Prebuilt(op) => {
            observe(clock, &op.hlc);
            Some(*op)
        }
    }
}

/// Keep the changes whose value differs from the stored one (an absent field equals `null`).
pub fn changed_fields(
    current: Option<&Record>,
    changes: Vec<(String, Value)>,
) -> Vec<(String, Value)> {
    changes
        .into_iter()
        .filter(|(field, value)| match current.and_then(|r| r.get(field)) {
            Some(stored) => stored != value,
            None => !value.is_null(),
        })
        .collect()
}

pub(super) fn observe(clock: &mut HlcClock, hlc: &Hlc) {
    clock.observe(hlc, now_ms());
}
