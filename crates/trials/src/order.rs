//! Trial 3, "order": the cases. Four devices make operations on two records, each editing from
//! its own replica and now and then receiving some of the others' operations ([`Step`] →
//! [`ops_from_steps`]); each receiver (three tablets and the server) gets them all in its own
//! random order, split into random deliveries through two channels ([`Plan`] → [`schedule`]),
//! about a fifth of them a second time at the end through the other channel. The reference
//! ([`Reference::of`]) is every operation applied once, in the order made.
//!
//! The same cases are run in-process by `crates/shared/tests/properties/order.rs` (proptest draws
//! the steps and plans, and shrinks them), against the real server over HTTP by
//! `crates/server/tests/api/order.rs` and against the tablet's store in IndexedDB by
//! `tests/order.rs` (both draw them with [`random_case`]). The case number is part of every
//! record and operation id, so many cases share one server or database without touching
//! each other.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use shared::export::{self, Contents, ExportError, Scope};
use shared::hlc::Hlc;
use shared::merge::{Conflict, apply};
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;

use crate::Rng;

/// The devices that make operations; their authors are `user-t1` … `user-t4` ([`author`]).
pub const DEVICES: [&str; 4] = ["t1", "t2", "t3", "t4"];
/// The fields they edit.
pub const FIELDS: [&str; 3] = ["place", "findings", "notes"];
/// Records per case.
pub const RECORDS: usize = 2;
/// Three tablets and the server receive every operation: `plans[0..TABLETS]` are the tablets',
/// `plans[TABLETS]` the server's.
pub const TABLETS: usize = 3;
/// Most steps (operations) in a case.
pub const MAX_STEPS: usize = 14;
/// Entries of one [`Plan`] (operation `i` takes entry `i % PLAN_LEN`).
pub const PLAN_LEN: usize = 16;
/// The branch of every record; the authors are surveyors of it.
pub const BRANCH: &str = "b1";
/// An inspection: branch-scoped, not append-only (its fields conflict), and judged by the
/// policy's access, clock and length rules without a form of its own, so every value the
/// generator draws is one the server takes.
pub const ENTITY: EntityKind = EntityKind::Inspection;
/// The clock every device starts a case at (milliseconds).
const START_MILLIS: u64 = 1_700_000_000_000;
/// Number of distinct values an edit draws from ([`value`]).
pub const VALUES: usize = 6;

/// Export files are written by this device, as this author (`user-t1`: an account on the
/// server, which checks each operation against its own author's account anyway), at this time.
pub const FILE_DEVICE: Uuid = Uuid::from_u128(7);
pub const FILE_AT: &str = "2013-06-01T09:00:00+08:00";

/// The account that makes the operations of device `device`.
pub fn author(device: usize) -> String {
    format!("user-{}", DEVICES[device])
}

/// The author named in the export files.
pub fn file_author() -> String {
    author(0)
}

/// The value an edit writes: strings, a number, null and an object.
pub fn value(i: usize) -> Value {
    match i % VALUES {
        0 => json!("东村"),
        1 => json!("西村"),
        2 => json!("整改完毕"),
        3 => json!(3),
        4 => Value::Null,
        _ => json!({"items": ["台账", "公示"]}),
    }
}

/// Record `i` (of [`RECORDS`]) of case `case`.
pub fn record_id(case: u64, i: usize) -> Uuid {
    Uuid::from_u128(
        0x0193_0000_0000_7000_8000_0000_0000_0100
            + (u128::from(case as u32) << 16)
            + (i % RECORDS) as u128,
    )
}

/// Operation `n` (in the order made) of case `case`.
pub fn op_id(case: u64, n: usize) -> Uuid {
    Uuid::from_u128(
        0x0193_0000_0000_7000_8001_0000_0000_0000 + (u128::from(case as u32) << 16) + n as u128,
    )
}

/// One step of a device: which device, whether it first receives some of the operations made
/// so far (those `i` whose bit `i % 16` of `pick` is set), which record, delete or edit, and
/// what it edits (field index, [`value`] index; a field edited twice keeps its first value).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub device: usize,
    pub sync_first: bool,
    pub pick: u16,
    pub record: usize,
    pub delete: bool,
    pub edits: Vec<(usize, usize)>,
}

/// Operations as devices make them: each edits from its own replica (bases are the clocks it
/// holds; its clock ticks past everything it has seen) and now and then receives some of the
/// others' operations, over the case's two records.
pub fn ops_from_steps(case: u64, steps: &[Step]) -> Vec<Operation> {
    let mut replicas: Vec<BTreeMap<Uuid, Record>> = vec![BTreeMap::new(); DEVICES.len()];
    let mut clocks = [START_MILLIS; DEVICES.len()];
    let mut received: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); DEVICES.len()];
    let mut all: Vec<Operation> = Vec::new();
    for step in steps {
        let device = step.device % DEVICES.len();
        if step.sync_first {
            for (i, o) in all.iter().enumerate() {
                if (step.pick as usize >> (i % 16)) & 1 == 1 && received[device].insert(i) {
                    clocks[device] = clocks[device].max(o.hlc.millis);
                    let current = replicas[device].remove(&o.entity_id);
                    replicas[device].insert(o.entity_id, apply(current, o).record);
                }
            }
        }
        clocks[device] += 1;
        let id = record_id(case, step.record);
        let current = replicas[device].get(&id);
        let mut seen = BTreeSet::new();
        let changes: Vec<FieldChange> = step
            .edits
            .iter()
            .filter(|(f, _)| seen.insert(*f % FIELDS.len()))
            .map(|&(f, v)| {
                let field = FIELDS[f % FIELDS.len()];
                FieldChange {
                    field: field.into(),
                    value: value(v),
                    base: current.and_then(|r| r.base_of(field)),
                }
            })
            .collect();
        let o = Operation {
            id: op_id(case, all.len()),
            device_id: Uuid::from_u128(device as u128 + 1),
            author: author(device),
            hlc: Hlc::new(clocks[device], 0, DEVICES[device]),
            entity: ENTITY,
            entity_id: id,
            branch_id: BRANCH.into(),
            kind: if step.delete { OpKind::Delete } else { OpKind::Upsert },
            changes: if step.delete { Vec::new() } else { changes },
        };
        received[device].insert(all.len());
        let current = replicas[device].remove(&id);
        replicas[device].insert(id, apply(current, &o).record);
        all.push(o);
    }
    all
}

/// How one receiver takes operation `i` (entry `i % PLAN_LEN` of its [`Plan`]): its order key,
/// whether a new delivery starts before it, which channel that delivery uses, and whether the
/// operation is delivered a second time at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub key: u32,
    pub split: bool,
    pub file: bool,
    pub twice: bool,
}

/// One receiver's way of getting a case's operations ([`PLAN_LEN`] receipts).
pub type Plan = Vec<Receipt>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The server: a push. A tablet: a pull.
    Sync,
    /// An export file ([`export_file`]), imported.
    File,
}

/// One delivery: a push or pull page, or one export file.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub channel: Channel,
    pub ops: Vec<Operation>,
    /// The last delivery: operations delivered before, sent again through the other channel.
    pub resend: bool,
}

/// The deliveries a receiver with `plan` gets, in order: every operation once, in the order of
/// the plan's keys, split where the plan says or the channel changes; then, if any, the
/// operations marked `twice` again, through the other channel than the first delivery's.
pub fn schedule(ops: &[Operation], plan: &Plan) -> Vec<Delivery> {
    let mut order: Vec<(u32, usize)> =
        ops.iter().enumerate().map(|(i, _)| (plan[i % plan.len()].key, i)).collect();
    shared::order::sort(&mut order);
    let mut deliveries: Vec<Delivery> = Vec::new();
    let mut again: Vec<Operation> = Vec::new();
    for (_, i) in order {
        let receipt = plan[i % plan.len()];
        let channel = if receipt.file { Channel::File } else { Channel::Sync };
        match deliveries.last_mut() {
            Some(d) if !receipt.split && d.channel == channel => d.ops.push(ops[i].clone()),
            _ => deliveries.push(Delivery { channel, ops: vec![ops[i].clone()], resend: false }),
        }
        if receipt.twice {
            again.push(ops[i].clone());
        }
    }
    if !again.is_empty() {
        let other =
            if deliveries[0].channel == Channel::File { Channel::Sync } else { Channel::File };
        deliveries.push(Delivery { channel: other, ops: again, resend: true });
    }
    deliveries
}

/// The export file carrying `ops` (no photos), as a tablet writes it (`shared::export`).
pub fn export_file(ops: &[Operation]) -> Result<Vec<u8>, ExportError> {
    let contents = Contents { operations: ops.to_vec(), attachments: Vec::new() };
    let text = export::encode(FILE_DEVICE, &file_author(), FILE_AT, Scope::All, &contents, None)?;
    Ok(text.into_bytes())
}

/// Every operation applied once, in the order made (`shared::merge::apply`): the records and
/// the conflicts (by id) every receiver must end with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reference {
    pub records: BTreeMap<Uuid, Record>,
    pub conflicts: BTreeMap<Uuid, Conflict>,
}

impl Reference {
    pub fn of(ops: &[Operation]) -> Reference {
        let mut reference = Reference::default();
        for op in ops {
            let applied = apply(reference.records.remove(&op.entity_id), op);
            for c in applied.conflicts {
                if let Some(before) = reference.conflicts.insert(c.id, c.clone()) {
                    assert_eq!(before, c, "a conflict found twice with other content");
                }
            }
            reference.records.insert(op.entity_id, applied.record);
        }
        reference
    }

    /// The records as bytes (a JSON map by id), to compare byte for byte.
    pub fn records_bytes(&self) -> Vec<u8> {
        records_bytes(&self.records)
    }

    /// The conflicts as bytes (a JSON map by id), to compare byte for byte.
    pub fn conflicts_bytes(&self) -> Vec<u8> {
        conflicts_bytes(&self.conflicts)
    }
}

/// Records by id as bytes: how every trial compares a receiver's records with the reference.
#[allow(
    clippy::expect_used,
    reason = "a map keyed by Uuid (a string key) of plain derived data, written to memory: \
              serde_json fails only on non-string map keys, a failing Serialize impl or I/O"
)]
pub fn records_bytes(records: &BTreeMap<Uuid, Record>) -> Vec<u8> {
    serde_json::to_vec(records).expect("records serialise")
}

/// Conflicts by id as bytes: how every trial compares a receiver's conflicts with the reference.
#[allow(
    clippy::expect_used,
    reason = "a map keyed by Uuid (a string key) of plain derived data, written to memory: \
              serde_json fails only on non-string map keys, a failing Serialize impl or I/O"
)]
pub fn conflicts_bytes(conflicts: &BTreeMap<Uuid, Conflict>) -> Vec<u8> {
    serde_json::to_vec(conflicts).expect("conflicts serialise")
}

/// One case: its number, the steps drawn, the operations they make, and a plan per receiver.
#[derive(Clone, Debug)]
pub struct Case {
    pub case: u64,
    pub steps: Vec<Step>,
    pub ops: Vec<Operation>,
    /// `TABLETS + 1` plans: the tablets', then the server's.
    pub plans: Vec<Plan>,
}

/// A case drawn from `rng` with the shapes and weights of the proptest strategies in
/// `crates/shared/tests/properties/order.rs`: 1–14 steps, each by one of the 4 devices, receiving
/// first with probability 0.4, deleting with probability 0.08, else editing 1–3 fields; plans of
/// 16 receipts, each starting a new delivery and using a file with probability 1/2 and sent
/// twice with probability 0.2.
pub fn random_case(rng: &mut Rng, case: u64) -> Case {
    let steps: Vec<Step> = (0..1 + rng.below(MAX_STEPS as u64))
        .map(|_| Step {
            device: rng.below(DEVICES.len() as u64) as usize,
            sync_first: rng.chance(40),
            pick: rng.below(1 << 16) as u16,
            record: rng.below(RECORDS as u64) as usize,
            delete: rng.chance(8),
            edits: (0..1 + rng.below(3))
                .map(|_| {
                    (rng.below(FIELDS.len() as u64) as usize, rng.below(VALUES as u64) as usize)
                })
                .collect(),
        })
        .collect();
    let plans = (0..=TABLETS)
        .map(|_| {
            (0..PLAN_LEN)
                .map(|_| Receipt {
                    key: rng.below(1 << 32) as u32,
                    split: rng.chance(50),
                    file: rng.chance(50),
                    twice: rng.chance(20),
                })
                .collect()
        })
        .collect();
    let ops = ops_from_steps(case, &steps);
    Case { case, steps, ops, plans }
}

/// What a trial's cases added up to, for its `TRIAL|…` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub operations: usize,
    pub deliveries: usize,
    pub files: usize,
    /// Operations delivered a second time (over all receivers).
    pub redelivered: usize,
    pub conflicts: usize,
}

impl Tally {
    /// One receiver's deliveries.
    pub fn receiver(&mut self, deliveries: &[Delivery]) {
        self.deliveries += deliveries.len();
        self.files += deliveries.iter().filter(|d| d.channel == Channel::File).count();
        self.redelivered +=
            deliveries.iter().filter(|d| d.resend).map(|d| d.ops.len()).sum::<usize>();
    }

    /// One case done.
    pub fn case(&mut self, ops: &[Operation], reference: &Reference) {
        self.cases += 1;
        self.operations += ops.len();
        self.conflicts += reference.conflicts.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_do_not_share_ids() {
        let mut rng = Rng::new(5);
        let a = random_case(&mut rng, 1);
        let b = random_case(&mut rng, 2);
        let ids = |c: &Case| -> BTreeSet<Uuid> {
            c.ops.iter().flat_map(|o| [o.id, o.entity_id]).collect()
        };
        assert!(ids(&a).is_disjoint(&ids(&b)));
        assert_ne!(record_id(0, 0), record_id(0, 1));
        assert_ne!(record_id(1, 0), record_id(0, 0));
        assert_ne!(op_id(1, 0), op_id(0, 0));
    }

    #[test]
    fn every_operation_is_delivered_once_then_the_twice_ones_again() {
        let mut rng = Rng::new(11);
        for case in 0..200 {
            let c = random_case(&mut rng, case);
            assert!(!c.ops.is_empty() && c.ops.len() <= MAX_STEPS);
            for plan in &c.plans {
                let deliveries = schedule(&c.ops, plan);
                let first: Vec<Uuid> = deliveries
                    .iter()
                    .filter(|d| !d.resend)
                    .flat_map(|d| d.ops.iter().map(|o| o.id))
                    .collect();
                let once: BTreeSet<Uuid> = first.iter().copied().collect();
                assert_eq!((first.len(), once.len()), (c.ops.len(), c.ops.len()));
                let twice = plan.iter().take(c.ops.len()).filter(|r| r.twice).count();
                let resent: usize =
                    deliveries.iter().filter(|d| d.resend).map(|d| d.ops.len()).sum();
                assert_eq!(resent, twice);
                assert!(deliveries.iter().all(|d| !d.ops.is_empty()));
            }
        }
    }
}
