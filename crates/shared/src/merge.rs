//! Merging an operation into a record: field-level last-writer-wins by hybrid logical clock,
//! with concurrent edits of the same field kept as [`Conflict`]s.
//!
//! `apply` is deterministic and order-independent: every device that applies the same set of
//! operations, in any order, ends with the same record and detects the same conflicts, with the
//! same ids and the same content (property-tested for any number of writers in
//! `crates/shared/tests/properties/merge.rs`).
//!
//! A conflict is a *pair* of writes of one field, the earlier (loser) and the later (winner) by
//! clock, where the winner's author had not seen the loser: the winner's base (the clock of the
//! value its device held when editing, i.e. the latest write of that field it had applied) is
//! older than the loser's clock, or absent. A base at least as new as the loser means the
//! author's device had the loser's write or a later one, so that is an ordinary edit. Whether a
//! pair conflicts depends on the two writes only, never on what else has arrived, so the set of
//! conflicts only grows and is the same in every order. With three concurrent writers A < B < C
//! there are three: A lost to B, A lost to C, B lost to C.
//!
//! To find every pair whichever write arrives second, the record keeps each field's replaced
//! writes ([`Record::earlier`]) and a new write is compared with all of them. The id of a
//! conflict is a hash of the pair's clocks, so the server's `INSERT OR IGNORE` and the tablet's
//! `put` keep the same content for one id whichever device found it first. (It was the loser's
//! clock alone, which named winner B or winner C depending on the arrival order.)

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::op::{OpKind, Operation};
use crate::record::{EarlierWrite, EntityKind, FieldMeta, Record};

/// Two authors changed the same field without seeing each other's value. The later clock won;
/// the earlier value is kept here for the town office to review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Deterministic: the same conflict found on two devices has the same id.
    pub id: Uuid,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    pub branch_id: String,
    pub field: String,
    pub winner_value: Value,
    pub winner_clock: Hlc,
    pub winner_author: String,
    pub loser_value: Value,
    pub loser_clock: Hlc,
    pub loser_author: String,
}

impl Conflict {
    /// A hash of the pair: the same two writes give the same id on every device.
    pub fn id_for(
        entity: EntityKind,
        entity_id: Uuid,
        field: &str,
        loser: &Hlc,
        winner: &Hlc,
    ) -> Uuid {
        let digest = Sha256::digest(format!("{entity}/{entity_id}/{field}/{loser}/{winner}"));
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// The conflict between two writes of `field`, if they are one: the later clock wins, and
    /// it is a conflict when the winner's author had not seen the loser and the values differ.
    fn between(record: &Record, field: &str, a: &EarlierWrite, b: &EarlierWrite) -> Option<Self> {
        let (loser, winner) = if a.clock < b.clock { (a, b) } else { (b, a) };
        let saw_loser = winner.base.as_ref().is_some_and(|base| *base >= loser.clock);
        if saw_loser || winner.value == loser.value {
            return None;
        }
        Some(Conflict {
            id: Self::id_for(record.entity, record.id, field, &loser.clock, &winner.clock),
            entity: record.entity,
            entity_id: record.id,
            branch_id: record.branch_id.clone(),
            field: field.to_owned(),
            winner_value: winner.value.clone(),
            winner_clock: winner.clock.clone(),
            winner_author: winner.author.clone(),
            loser_value: loser.value.clone(),
            loser_clock: loser.clock.clone(),
            loser_author: loser.author.clone(),
        })
    }
}

/// What applying one operation did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub record: Record,
    /// False when the operation changed nothing (already applied, or a delete after an earlier
    /// one older than the record's latest clock): then `record` is the record as it was. A
    /// write that loses on every field still changes the record: it is kept among the field's
    /// earlier writes; an operation newer than every other moves [`Record::updated`].
    pub changed: bool,
    /// The conflicts this operation completes, each found exactly once whatever the order.
    pub conflicts: Vec<Conflict>,
}

/// Earlier writes kept per field, the newest. Without a bound a field written many times grows
/// its record with every write (each push, pull and export carries them all), and one operation
/// could be compared with thousands of writes, each pair a conflict row. A write older than the
/// newest this many of its field is no longer compared with the writes after it: a conflict
/// between the two is then not found (more than this many writes of one field, concurrent with
/// it, would have to come first).
pub const MAX_EARLIER_WRITES: usize = 32;

/// Apply `op` to the current state of its record (`None` if this device has never seen it).
pub fn apply(current: Option<Record>, op: &Operation) -> Applied {
    let mut record =
        current.unwrap_or_else(|| Record::new(op.entity, op.entity_id, op.branch_id.clone()));
    if record.branch_id.is_empty() && !op.branch_id.is_empty() {
        // Policy keeps a record in one branch (`policy::access`); every op names the same one.
        record.branch_id = op.branch_id.clone();
    }
    let mut changed = false;
    let mut conflicts = Vec::new();
    let detect = !op.entity.is_append_only();

    if op.kind == OpKind::Delete {
        if record.deleted.as_ref().is_none_or(|d| op.hlc < *d) {
            // The earliest tombstone wins so every device keeps the same one.
            record.deleted = Some(op.hlc.clone());
            changed = true;
        }
    } else {
        for change in &op.changes {
            let incoming = EarlierWrite {
                value: change.value.clone(),
                clock: op.hlc.clone(),
                base: change.base.clone(),
                author: op.author.clone(),
            };
            let field = change.field.as_str();
            let holder = record.meta.get(field).map(|meta| EarlierWrite {
                value: record.fields.get(field).cloned().unwrap_or(Value::Null),
                clock: meta.clock.clone(),
                base: meta.base.clone(),
                author: meta.author.clone(),
            });
            let earlier = record.earlier.get(field).map(Vec::as_slice).unwrap_or_default();
            let known = || holder.iter().chain(earlier);
            if known().any(|w| w.clock == incoming.clock) {
                continue; // already applied
            }
            if detect {
                conflicts.extend(
                    known().filter_map(|w| Conflict::between(&record, field, w, &incoming)),
                );
            }
            changed = true;
            let replaced = match holder {
                Some(holder) if holder.clock > incoming.clock => incoming,
                holder => {
                    record.fields.insert(field.to_owned(), incoming.value);
                    let meta = FieldMeta {
                        clock: incoming.clock,
                        base: incoming.base,
                        author: incoming.author,
                    };
                    record.meta.insert(field.to_owned(), meta);
                    match holder {
                        Some(holder) => holder,
                        None => continue,
                    }
                }
            };
            let list = record.earlier.entry(field.to_owned()).or_default();
            let at = list.partition_point(|w| w.clock < replaced.clock);
            list.insert(at, replaced);
            if list.len() > MAX_EARLIER_WRITES {
                // The oldest go: whatever the order writes arrive in, the list ends as the
                // newest of them, so every device keeps the same. What they had seen goes to
                // the oldest kept one: its base becomes the lowest of its own and theirs (none
                // lowest). A write arriving late, older than all kept, that one of the dropped
                // had not seen, is then still found a conflict with the oldest kept, whatever
                // the order (the lowest base of every write up to it is the same in any order).
                let dropped: Vec<EarlierWrite> =
                    list.drain(..list.len() - MAX_EARLIER_WRITES).collect();
                let oldest = &mut list[0];
                for write in dropped {
                    if write.base < oldest.base {
                        oldest.base = write.base;
                    }
                }
            }
        }
    }
    if op.hlc > record.updated {
        // The record's latest clock moves with every operation, also one that changes no field
        // (a delete after an earlier tombstone, an upsert without changes): that is a change,
        // or a device that writes back only changed records keeps an older `updated` than the
        // others (found by the order trial on the tablet's store, docs/RELIABILITY.md).
        record.updated = op.hlc.clone();
        changed = true;
    }
    Applied { record, changed, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::FieldChange;
    use serde_json::json;

    fn op(
        device: &str,
        millis: u64,
        entity: EntityKind,
        id: Uuid,
        changes: &[(&str, Value, Option<Hlc>)],
    ) -> Operation {
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: device.to_owned(),
            hlc: Hlc::new(millis, 0, device),
            entity,
            entity_id: id,
            branch_id: "b1".into(),
            kind: OpKind::Upsert,
            changes: changes
                .iter()
                .map(|(f, v, base)| FieldChange {
                    field: (*f).into(),
                    value: v.clone(),
                    base: base.clone(),
                })
                .collect(),
        }
    }

    fn apply_all(ops: &[&Operation]) -> (Record, Vec<Conflict>) {
        let mut record = None;
        let mut conflicts = Vec::new();
        for o in ops {
            let a = apply(record, o);
            conflicts.extend(a.conflicts);
            record = Some(a.record);
        }
        (record.unwrap(), conflicts)
    }

    fn permutations<'a>(ops: &[&'a Operation]) -> Vec<Vec<&'a Operation>> {
        if ops.len() <= 1 {
            return vec![ops.to_vec()];
        }
        let mut out = Vec::new();
        for i in 0..ops.len() {
            let mut rest = ops.to_vec();
            let first = rest.remove(i);
            for mut p in permutations(&rest) {
                p.insert(0, first);
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn a_field_keeps_its_newest_earlier_writes_whatever_the_order() {
        let id = Uuid::now_v7();
        let writes: Vec<Operation> = (1..=MAX_EARLIER_WRITES as u64 + 20)
            .map(|i| op("a", i, EntityKind::Person, id, &[("notes", json!(i), None)]))
            .collect();
        let forward: Vec<&Operation> = writes.iter().collect();
        let backward: Vec<&Operation> = writes.iter().rev().collect();
        let mut shuffled = forward.clone();
        shuffled.swap(0, 40);
        shuffled.swap(3, 51);
        shuffled.swap(10, 30);
        let kept = |ops: &[&Operation]| {
            let (record, _) = apply_all(ops);
            let earlier: Vec<u64> =
                record.earlier["notes"].iter().map(|w| w.clock.millis).collect();
            (record.fields["notes"].clone(), earlier)
        };
        let (value, earlier) = kept(&forward);
        assert_eq!(value, json!(MAX_EARLIER_WRITES as u64 + 20), "the newest write holds");
        let newest: Vec<u64> = (20..MAX_EARLIER_WRITES as u64 + 20).collect();
        assert_eq!(earlier, newest, "the newest earlier writes, oldest first");
        assert_eq!(kept(&backward).1, newest);
        assert_eq!(kept(&shuffled).1, newest);
        // One more blind write is compared with the holder and the kept writes only.
        let (record, _) = apply_all(&forward);
        let late = op("b", 1_000, EntityKind::Person, id, &[("notes", json!("x"), None)]);
        assert_eq!(apply(Some(record), &late).conflicts.len(), MAX_EARLIER_WRITES + 1);
    }

    /// B writes a field that A then writes 40 times, each seeing its own write before but never
    /// B's. B arriving last still makes a conflict, though the write of A's it conflicts with
    /// was dropped from the kept list: what it had seen went to the oldest kept one.
    #[test]
    fn a_late_write_is_still_a_conflict_once_the_write_it_met_was_dropped() {
        let id = Uuid::now_v7();
        let b = op("b", 5, EntityKind::Person, id, &[("notes", json!("乙"), None)]);
        let mut a_writes = Vec::new();
        let mut seen: Option<Hlc> = None;
        for i in 0..40u64 {
            let write =
                op("a", 10 + i, EntityKind::Person, id, &[("notes", json!(i), seen.clone())]);
            seen = Some(write.hlc.clone());
            a_writes.push(write);
        }
        let a_first: Vec<&Operation> = a_writes.iter().chain(std::iter::once(&b)).collect();
        let (_, conflicts) = apply_all(&a_first);
        assert!(!conflicts.is_empty(), "B, arriving last, still conflicts with A's writes");
        let b_first: Vec<&Operation> = std::iter::once(&b).chain(a_writes.iter()).collect();
        let (_, conflicts) = apply_all(&b_first);
        assert!(!conflicts.is_empty(), "B first: A's first write conflicts with it");
        let (one, _) = apply_all(&a_first);
        let (other, _) = apply_all(&b_first);
        assert_eq!(one, other, "the same record in either order");
    }

    #[test]
    fn different_fields_both_survive_in_any_order() {
        let id = Uuid::now_v7();
        let create = op(
            "a",
            1,
            EntityKind::Person,
            id,
            &[("name", json!("王海"), None), ("phone", json!("13800000000"), None)],
        );
        let base = Some(Hlc::new(1, 0, "a"));
        let a =
            op("a", 10, EntityKind::Person, id, &[("phone", json!("13911111111"), base.clone())]);
        let b = op("b", 12, EntityKind::Person, id, &[("name", json!("王大海"), base)]);
        for order in permutations(&[&create, &a, &b]) {
            let (rec, conflicts) = apply_all(&order);
            assert_eq!(rec.fields["phone"], json!("13911111111"));
            assert_eq!(rec.fields["name"], json!("王大海"));
            assert!(conflicts.is_empty());
        }
    }

    #[test]
    fn same_field_later_clock_wins_and_conflict_is_found_in_every_order() {
        let id = Uuid::now_v7();
        let create = op("a", 1, EntityKind::Person, id, &[("phone", json!("1"), None)]);
        let base = Some(Hlc::new(1, 0, "a"));
        let a = op("a", 10, EntityKind::Person, id, &[("phone", json!("A"), base.clone())]);
        let b = op("b", 12, EntityKind::Person, id, &[("phone", json!("B"), base)]);
        let mut seen = None;
        for order in permutations(&[&create, &a, &b]) {
            let (rec, conflicts) = apply_all(&order);
            assert_eq!(rec.fields["phone"], json!("B"));
            assert_eq!(
                conflicts.len(),
                1,
                "order {:?}",
                order.iter().map(|o| &o.author).collect::<Vec<_>>()
            );
            let c = &conflicts[0];
            assert_eq!((c.winner_value.clone(), c.loser_value.clone()), (json!("B"), json!("A")));
            if let Some(prev) = &seen {
                assert_eq!(prev, c, "every order finds the same conflict");
            }
            seen = Some(c.clone());
        }
    }

    #[test]
    fn sequential_edit_is_not_a_conflict() {
        let id = Uuid::now_v7();
        let a = op("a", 10, EntityKind::Person, id, &[("phone", json!("A"), None)]);
        let b = op(
            "b",
            12,
            EntityKind::Person,
            id,
            &[("phone", json!("B"), Some(Hlc::new(10, 0, "a")))],
        );
        for order in permutations(&[&a, &b]) {
            let (rec, conflicts) = apply_all(&order);
            assert_eq!(rec.fields["phone"], json!("B"));
            assert!(conflicts.is_empty());
        }
    }

    #[test]
    fn same_value_written_twice_is_not_a_conflict() {
        let id = Uuid::now_v7();
        let a = op("a", 10, EntityKind::Person, id, &[("phone", json!("X"), None)]);
        let b = op("b", 12, EntityKind::Person, id, &[("phone", json!("X"), None)]);
        let (_, conflicts) = apply_all(&[&a, &b]);
        assert!(conflicts.is_empty());
    }

    #[test]
    fn reapplying_an_operation_changes_nothing() {
        let id = Uuid::now_v7();
        let a = op("a", 10, EntityKind::Person, id, &[("phone", json!("A"), None)]);
        let first = apply(None, &a);
        let again = apply(Some(first.record.clone()), &a);
        assert!(!again.changed);
        assert_eq!(again.record, first.record);
        assert!(again.conflicts.is_empty());
    }

    #[test]
    fn append_only_records_never_conflict() {
        let id = Uuid::now_v7();
        let a = op("a", 10, EntityKind::ContactLog, id, &[("content", json!("A"), None)]);
        let b = op("b", 12, EntityKind::ContactLog, id, &[("content", json!("B"), None)]);
        let (_, conflicts) = apply_all(&[&a, &b]);
        assert!(conflicts.is_empty());
    }

    #[test]
    fn earliest_tombstone_is_kept_in_any_order() {
        let id = Uuid::now_v7();
        let create = op("a", 1, EntityKind::Person, id, &[("name", json!("x"), None)]);
        let mut d1 = op("a", 5, EntityKind::Person, id, &[]);
        d1.kind = OpKind::Delete;
        let mut d2 = op("b", 7, EntityKind::Person, id, &[]);
        d2.kind = OpKind::Delete;
        for order in permutations(&[&create, &d1, &d2]) {
            let (rec, _) = apply_all(&order);
            assert_eq!(rec.deleted, Some(Hlc::new(5, 0, "a")));
            assert_eq!(rec.fields["name"], json!("x"));
        }
    }

    /// Found by the order trial on the tablet's store: a later delete after an earlier tombstone
    /// moves the record's latest clock, and said it changed nothing, so the tablet (which writes
    /// back only changed records) kept an older `updated` than the server and the other tablets.
    #[test]
    fn a_later_delete_after_an_earlier_tombstone_says_it_changed_the_record() {
        let id = Uuid::now_v7();
        let create = op("a", 1, EntityKind::Person, id, &[("name", json!("x"), None)]);
        let mut d1 = op("a", 5, EntityKind::Person, id, &[]);
        d1.kind = OpKind::Delete;
        let mut d2 = op("b", 7, EntityKind::Person, id, &[]);
        d2.kind = OpKind::Delete;
        let (before, _) = apply_all(&[&create, &d1]);
        let later = apply(Some(before.clone()), &d2);
        assert!(later.changed);
        assert_eq!(later.record.deleted, before.deleted, "the earliest tombstone stays");
        assert_eq!(later.record.updated, d2.hlc);
        let again = apply(Some(later.record.clone()), &d2);
        assert!(!again.changed && again.record == later.record);
        // An earlier delete after a later one's clock: only the tombstone moves.
        let (rec, _) = apply_all(&[&create, &d2, &d1]);
        assert_eq!((rec.deleted, rec.updated), (Some(d1.hlc.clone()), d2.hlc.clone()));
    }
}
