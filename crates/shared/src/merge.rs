//! Merging an operation into a record: field-level last-writer-wins by hybrid logical clock,
//! with concurrent edits of the same field kept as a [`Conflict`].
//!
//! `apply` is deterministic and order-independent: every device that applies the same set of
//! operations, in any order, ends with the same record and detects the same conflicts.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::op::{OpKind, Operation};
use crate::record::{EntityKind, FieldMeta, Record};

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
    fn id_for(entity: EntityKind, entity_id: Uuid, field: &str, loser: &Hlc) -> Uuid {
        let digest = Sha256::digest(format!("{entity}/{entity_id}/{field}/{loser}"));
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// What applying one operation did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub record: Record,
    /// False when the operation changed nothing (already applied, or lost on every field).
    pub changed: bool,
    pub conflicts: Vec<Conflict>,
}

/// Apply `op` to the current state of its record (`None` if this device has never seen it).
pub fn apply(current: Option<Record>, op: &Operation) -> Applied {
    let mut record =
        current.unwrap_or_else(|| Record::new(op.entity, op.entity_id, op.branch_id.clone()));
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
            let incoming = FieldMeta {
                clock: op.hlc.clone(),
                base: change.base.clone(),
                author: op.author.clone(),
            };
            match record.meta.get(&change.field) {
                None => {
                    record.fields.insert(change.field.clone(), change.value.clone());
                    record.meta.insert(change.field.clone(), incoming);
                    changed = true;
                }
                Some(existing) if existing.clock == op.hlc => {} // already applied
                Some(existing) => {
                    let existing = existing.clone();
                    let old_value =
                        record.fields.get(&change.field).cloned().unwrap_or(Value::Null);
                    let incoming_wins = op.hlc > existing.clock;
                    let (winner, winner_value, loser, loser_value) = if incoming_wins {
                        (&incoming, &change.value, &existing, &old_value)
                    } else {
                        (&existing, &old_value, &incoming, &change.value)
                    };
                    // The winner's author saw the loser's value: an ordinary edit, no conflict.
                    let saw_loser = winner.base.as_ref() == Some(&loser.clock);
                    if detect && !saw_loser && winner_value != loser_value {
                        conflicts.push(Conflict {
                            id: Conflict::id_for(
                                op.entity,
                                op.entity_id,
                                &change.field,
                                &loser.clock,
                            ),
                            entity: op.entity,
                            entity_id: op.entity_id,
                            branch_id: record.branch_id.clone(),
                            field: change.field.clone(),
                            winner_value: winner_value.clone(),
                            winner_clock: winner.clock.clone(),
                            winner_author: winner.author.clone(),
                            loser_value: loser_value.clone(),
                            loser_clock: loser.clock.clone(),
                            loser_author: loser.author.clone(),
                        });
                    }
                    if incoming_wins {
                        record.fields.insert(change.field.clone(), change.value.clone());
                        record.meta.insert(change.field.clone(), incoming);
                        changed = true;
                    }
                }
            }
        }
    }
    if op.hlc > record.updated {
        record.updated = op.hlc.clone();
    }
    if record.branch_id.is_empty() && !op.branch_id.is_empty() {
        record.branch_id = op.branch_id.clone();
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
}
