//! `shared::merge::apply` is order-independent for any number of writers: every order of the
//! same set of operations gives the same record, the same conflicts and the same conflict ids,
//! and both match a model that computes them from the whole set at once.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::merge::{Conflict, apply};
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;

const DEVICES: [&str; 5] = ["a", "b", "c", "d", "e"];
const FIELDS: [&str; 3] = ["name", "phone", "note"];

fn entity_id() -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001)
}

fn values() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("x")),
        Just(json!("y")),
        Just(json!("z")),
        Just(json!(7)),
        Just(Value::Null),
        Just(json!({"k": [1, 2]})),
    ]
}

/// A clock drawn from a small space so that writes collide on millis and counters.
fn clocks() -> impl Strategy<Value = Hlc> {
    (1u64..12, 0u32..2, 0..DEVICES.len()).prop_map(|(m, c, d)| Hlc::new(m, c, DEVICES[d]))
}

/// One op as drawn: clock, delete or not, and per field (value, base choice).
type Drawn = (Hlc, bool, Vec<(usize, Value, Option<Option<usize>>)>);

fn drawn_op() -> impl Strategy<Value = Drawn> {
    let change =
        (0..FIELDS.len(), values(), proptest::option::of(proptest::option::of(0usize..16)));
    (clocks(), proptest::bool::weighted(0.15), proptest::collection::vec(change, 0..=3))
}

/// Any set of operations on one record: any clocks (distinct, as HLC guarantees), upserts and
/// deletes, any fields, and each base either absent, the clock of another op of the set, or a
/// clock no op of the set has.
fn any_ops(entity: EntityKind) -> impl Strategy<Value = Vec<Operation>> {
    proptest::collection::vec(drawn_op(), 1..=8).prop_map(move |drawn| {
        let mut seen = BTreeSet::new();
        let drawn: Vec<Drawn> = drawn.into_iter().filter(|d| seen.insert(d.0.clone())).collect();
        let clocks: Vec<Hlc> = drawn.iter().map(|d| d.0.clone()).collect();
        drawn
            .into_iter()
            .enumerate()
            .map(|(i, (hlc, delete, changes))| {
                let mut fields = BTreeSet::new();
                let changes = changes
                    .into_iter()
                    .filter(|(f, _, _)| fields.insert(*f))
                    .map(|(f, value, base)| FieldChange {
                        field: FIELDS[f].into(),
                        value,
                        base: base.map(|b| match b {
                            Some(j) if j < clocks.len() => clocks[j].clone(),
                            _ => Hlc::new(0, 1, "elsewhere"),
                        }),
                    })
                    .collect();
                op(i, hlc, entity, delete, changes)
            })
            .collect()
    })
}

fn op(
    i: usize,
    hlc: Hlc,
    entity: EntityKind,
    delete: bool,
    changes: Vec<FieldChange>,
) -> Operation {
    Operation {
        id: Uuid::from_u128(i as u128 + 1),
        device_id: Uuid::nil(),
        author: format!("user-{}", hlc.device),
        hlc,
        entity,
        entity_id: entity_id(),
        branch_id: "b1".into(),
        kind: if delete { OpKind::Delete } else { OpKind::Upsert },
        changes: if delete { Vec::new() } else { changes },
    }
}

/// Operations as devices really make them: each device edits from its own replica (bases are
/// the clocks it holds, its clock ticks past everything it has seen) and now and then receives
/// some of the others' operations, so the set has sequential edits, concurrent edits and
/// chains, in whatever order the shuffle then delivers them.
fn device_ops() -> impl Strategy<Value = Vec<Operation>> {
    let step = (
        0..4usize,
        proptest::bool::weighted(0.3),
        proptest::collection::vec((0..FIELDS.len(), values()), 1..=2),
        any::<u16>(),
    );
    proptest::collection::vec(step, 1..=9).prop_map(|steps| {
        let mut replicas: Vec<Option<Record>> = vec![None; 4];
        let mut clocks = [0u64; 4];
        let mut all: Vec<Operation> = Vec::new();
        let mut received: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); 4];
        for (device, sync_first, edits, pick) in steps {
            if sync_first {
                // Receive a pseudo-random subset of the operations made so far.
                for (i, o) in all.iter().enumerate() {
                    if (pick as usize >> (i % 16)) & 1 == 1 && received[device].insert(i) {
                        clocks[device] = clocks[device].max(o.hlc.millis);
                        replicas[device] = Some(apply(replicas[device].take(), o).record);
                    }
                }
            }
            clocks[device] += 1;
            let hlc = Hlc::new(clocks[device], 0, DEVICES[device]);
            let current = replicas[device].as_ref();
            let mut fields = BTreeSet::new();
            let changes = edits
                .into_iter()
                .filter(|(f, _)| fields.insert(*f))
                .map(|(f, value)| FieldChange {
                    field: FIELDS[f].into(),
                    value,
                    base: current.and_then(|r| r.base_of(FIELDS[f])),
                })
                .collect();
            let o = op(all.len(), hlc, EntityKind::Person, false, changes);
            received[device].insert(all.len());
            replicas[device] = Some(apply(replicas[device].take(), &o).record);
            all.push(o);
        }
        all
    })
}

/// The record and the conflicts (by id, each found once) after applying `ops` in this order.
fn run(ops: &[&Operation]) -> (Record, BTreeMap<Uuid, Conflict>) {
    let mut record = None;
    let mut conflicts = BTreeMap::new();
    for o in ops {
        let before = record.clone();
        let applied = apply(record, o);
        // `changed` is what a device goes by to write the record back (the tablet writes only
        // changed records): an operation said to change nothing leaves the record as it was.
        assert!(
            applied.changed || before.as_ref() == Some(&applied.record),
            "{} changed the record but said it did not",
            o.hlc
        );
        for c in applied.conflicts {
            let id = c.id;
            assert!(conflicts.insert(id, c).is_none(), "conflict {id} reported twice");
        }
        record = Some(applied.record);
    }
    (record.expect("at least one op"), conflicts)
}

/// One write of a field, as the model sees it.
#[derive(Clone, Debug)]
struct Write {
    clock: Hlc,
    base: Option<Hlc>,
    value: Value,
    author: String,
}

/// The model: from the whole set at once, per field the latest write holds the value, and each
/// pair of writes (earlier, later) with different values where the later author's base is
/// absent or older than the earlier clock is one conflict. Also: the earliest delete is the
/// tombstone, and the record's clock is the latest of all.
#[allow(clippy::type_complexity)]
fn model(
    ops: &[Operation],
    append_only: bool,
) -> (
    BTreeMap<String, Value>,
    Option<Hlc>,
    Hlc,
    BTreeSet<(String, Hlc, Hlc, String, String, String, String)>,
) {
    let mut writes: BTreeMap<String, Vec<Write>> = BTreeMap::new();
    for o in ops.iter().filter(|o| o.kind == OpKind::Upsert) {
        for c in &o.changes {
            writes.entry(c.field.clone()).or_default().push(Write {
                clock: o.hlc.clone(),
                base: c.base.clone(),
                value: c.value.clone(),
                author: o.author.clone(),
            });
        }
    }
    let mut fields = BTreeMap::new();
    let mut conflicts = BTreeSet::new();
    for (field, ws) in &writes {
        let latest = ws.iter().max_by(|a, b| a.clock.cmp(&b.clock)).unwrap();
        fields.insert(field.clone(), latest.value.clone());
        for early in ws {
            for late in ws.iter().filter(|w| w.clock > early.clock) {
                let unseen = late.base.as_ref().is_none_or(|b| *b < early.clock);
                if !append_only && unseen && late.value != early.value {
                    conflicts.insert((
                        field.clone(),
                        early.clock.clone(),
                        late.clock.clone(),
                        early.value.to_string(),
                        late.value.to_string(),
                        early.author.clone(),
                        late.author.clone(),
                    ));
                }
            }
        }
    }
    let deleted = ops.iter().filter(|o| o.kind == OpKind::Delete).map(|o| o.hlc.clone()).min();
    let updated = ops.iter().map(|o| o.hlc.clone()).max().unwrap();
    (fields, deleted, updated, conflicts)
}

fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first.clone());
            out.push(p);
        }
    }
    out
}

/// Every permutation of up to 5 ops, else the given order, its reverse and `shuffles`.
fn orders<'a>(ops: &'a [Operation], shuffles: &[Vec<usize>]) -> Vec<Vec<&'a Operation>> {
    let refs: Vec<&Operation> = ops.iter().collect();
    if ops.len() <= 5 {
        return permutations(&refs);
    }
    let mut out = vec![refs.clone(), refs.iter().rev().copied().collect()];
    for keys in shuffles {
        let mut order: Vec<(usize, &Operation)> = refs
            .iter()
            .enumerate()
            .map(|(i, o)| (keys[i % keys.len()].wrapping_mul(31) ^ i, *o))
            .collect();
        shared::order::sort_by_key(&mut order, |(k, _)| *k);
        out.push(order.into_iter().map(|(_, o)| o).collect());
    }
    out
}

fn check_every_order(ops: &[Operation], shuffles: &[Vec<usize>]) -> Result<(), TestCaseError> {
    let append_only = ops[0].entity.is_append_only();
    let (fields, deleted, updated, expected) = model(ops, append_only);
    let mut first: Option<(Record, BTreeMap<Uuid, Conflict>)> = None;
    for order in orders(ops, shuffles) {
        let (record, conflicts) = run(&order);
        let arrival: Vec<String> = order.iter().map(|o| o.hlc.to_string()).collect();
        // Against the model.
        prop_assert_eq!(&record.fields, &fields, "fields, arrival order {:?}", arrival);
        prop_assert_eq!(&record.deleted, &deleted);
        prop_assert_eq!(&record.updated, &updated);
        let found: BTreeSet<_> = conflicts
            .values()
            .map(|c| {
                (
                    c.field.clone(),
                    c.loser_clock.clone(),
                    c.winner_clock.clone(),
                    c.loser_value.to_string(),
                    c.winner_value.to_string(),
                    c.loser_author.clone(),
                    c.winner_author.clone(),
                )
            })
            .collect();
        prop_assert_eq!(&found, &expected, "conflicts, arrival order {:?}", arrival);
        for c in conflicts.values() {
            prop_assert_eq!(
                (c.entity, c.entity_id, c.branch_id.as_str()),
                (ops[0].entity, entity_id(), "b1")
            );
        }
        // Against every other order: the whole record (clocks, bases, earlier writes) and the
        // conflicts with their ids.
        match &first {
            None => first = Some((record, conflicts)),
            Some((r0, c0)) => {
                prop_assert_eq!(&record, r0, "record, arrival order {:?}", arrival);
                prop_assert_eq!(&conflicts, c0, "conflicts by id, arrival order {:?}", arrival);
            }
        }
    }
    // Applying everything again changes nothing and finds nothing new.
    let (record, _) = first.unwrap();
    let mut again = Some(record.clone());
    for o in ops {
        let applied = apply(again.take(), o);
        prop_assert!(!applied.changed && applied.conflicts.is_empty());
        again = Some(applied.record);
    }
    prop_assert_eq!(again.unwrap(), record);
    Ok(())
}

fn shuffles() -> impl Strategy<Value = Vec<Vec<usize>>> {
    proptest::collection::vec(proptest::collection::vec(any::<usize>(), 8), 6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Any set of ops (up to 8, 5 writers, 3 fields, upserts and deletes, any bases).
    #[test]
    fn any_ops_merge_the_same_in_every_order(ops in any_ops(EntityKind::Person), s in shuffles()) {
        check_every_order(&ops, &s)?;
    }

    /// Ops made by 4 devices editing from their own replicas and syncing now and then.
    #[test]
    fn device_made_ops_merge_the_same_in_every_order(ops in device_ops(), s in shuffles()) {
        check_every_order(&ops, &s)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Append-only records (contact logs) take the latest value and never conflict.
    #[test]
    fn append_only_records_merge_the_same_without_conflicts(ops in any_ops(EntityKind::ContactLog), s in shuffles()) {
        check_every_order(&ops, &s)?;
    }
}

/// The case issue 18 described: three writers edit one field concurrently. Every order finds
/// the same three conflicts (A lost to B, A lost to C, B lost to C) with the same ids.
#[test]
fn three_concurrent_writers_give_the_same_three_conflicts_in_every_order() {
    let base = Some(Hlc::new(1, 0, "a"));
    let create =
        op(0, Hlc::new(1, 0, "a"), EntityKind::Person, false, vec![change("phone", "0", None)]);
    let a = op(
        1,
        Hlc::new(10, 0, "a"),
        EntityKind::Person,
        false,
        vec![change("phone", "A", base.clone())],
    );
    let b = op(
        2,
        Hlc::new(12, 0, "b"),
        EntityKind::Person,
        false,
        vec![change("phone", "B", base.clone())],
    );
    let c =
        op(3, Hlc::new(14, 0, "c"), EntityKind::Person, false, vec![change("phone", "C", base)]);
    let ops = [create, a, b, c];
    let mut seen = None;
    for order in permutations(&ops.iter().collect::<Vec<_>>()) {
        let (record, conflicts) = run(&order);
        assert_eq!(record.fields["phone"], json!("C"));
        let pairs: Vec<(Value, Value)> =
            conflicts.values().map(|c| (c.loser_value.clone(), c.winner_value.clone())).collect();
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        for pair in [("A", "B"), ("A", "C"), ("B", "C")] {
            assert!(pairs.contains(&(json!(pair.0), json!(pair.1))), "{pairs:?}");
        }
        if let Some(previous) = &seen {
            assert_eq!(previous, &conflicts);
        }
        seen = Some(conflicts);
    }
}

fn change(field: &str, value: &str, base: Option<Hlc>) -> FieldChange {
    FieldChange { field: field.into(), value: json!(value), base }
}
