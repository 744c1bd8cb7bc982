//! Trial 3, "order": the same operations, delivered to three tablets and the server in random
//! orders, split into random pushes, pulls and export files (some operations delivered twice,
//! through a second channel), reach byte-identical records and the same conflicts everywhere.
//!
//! Each channel is taken the way the app and the server take it: a push is a `PushRequest`
//! serialised and parsed, then admitted operation by operation with `shared::policy::admit` (the
//! server's push and import run it: access, clock, lengths, merge, form rules) with a resent
//! operation answered `duplicate` and not applied again, as the server's `ops.op_id` key does; a
//! pull is a `PullResponse` serialised and parsed, each operation merged with `shared::merge::apply`
//! (the tablet's `apply_remote_page`); an export file is `shared::export::encode` → bytes →
//! `decode`, then applied as the receiver applies a file (the server through `admit`, a tablet
//! through `merge::apply`). The reference is every operation applied once in the order made.
//!
//! `FIELD_TRIAL_ORDER_CASES` sets the number of cases (default 64 here; `scripts/trials.sh`
//! runs 1,000), `FIELD_TRIAL_SEED` the seed (default: drawn, and printed to replay a failure).
//! One `TRIAL|order|…` line reports the run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Value, json};
use shared::export::{self, Contents, Scope};
use shared::hlc::Hlc;
use shared::merge::{Conflict, apply};
use shared::op::{FieldChange, OpKind, Operation};
use shared::policy::{self, Context, PolicyTime};
use shared::record::{EntityKind, Record};
use shared::roles::{Account, Role};
use shared::sync::{PullResponse, PushRequest};
use uuid::Uuid;

const DEVICES: [&str; 4] = ["t1", "t2", "t3", "t4"];
const FIELDS: [&str; 3] = ["place", "findings", "notes"];
const RECORDS: u128 = 2;
/// Three tablets and the server receive every operation.
const TABLETS: usize = 3;
/// An inspection: branch-scoped, not append-only (its fields conflict), and judged by the
/// policy's access, clock and length rules without a form of its own, so every value the
/// generator draws is one the server takes.
const ENTITY: EntityKind = EntityKind::Inspection;

fn record_id(i: usize) -> Uuid {
    Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0100 + (i as u128 % RECORDS))
}

fn values() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("东村")),
        Just(json!("西村")),
        Just(json!("整改完毕")),
        Just(json!(3)),
        Just(Value::Null),
        Just(json!({"items": ["台账", "公示"]})),
    ]
}

/// One step of a device: which device, whether it first receives some of the operations made
/// so far (and which), which record, delete or edit, and what it edits.
type Step = (usize, bool, u16, usize, bool, Vec<(usize, Value)>);

/// Operations as devices make them: each edits from its own replica (bases are the clocks it
/// holds; its clock ticks past everything it has seen) and now and then receives some of the
/// others' operations, over two records.
fn device_ops() -> impl Strategy<Value = Vec<Operation>> {
    let step = (
        0..DEVICES.len(),
        proptest::bool::weighted(0.4),
        any::<u16>(),
        0..RECORDS as usize,
        proptest::bool::weighted(0.08),
        proptest::collection::vec((0..FIELDS.len(), values()), 1..=3),
    );
    proptest::collection::vec(step, 1..=14).prop_map(|steps: Vec<Step>| {
        let mut replicas: Vec<BTreeMap<Uuid, Record>> = vec![BTreeMap::new(); DEVICES.len()];
        let mut clocks = [1_700_000_000_000u64; DEVICES.len()];
        let mut received: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); DEVICES.len()];
        let mut all: Vec<Operation> = Vec::new();
        for (device, sync_first, pick, record, delete, edits) in steps {
            if sync_first {
                for (i, o) in all.iter().enumerate() {
                    if (pick as usize >> (i % 16)) & 1 == 1 && received[device].insert(i) {
                        clocks[device] = clocks[device].max(o.hlc.millis);
                        let current = replicas[device].remove(&o.entity_id);
                        replicas[device].insert(o.entity_id, apply(current, o).record);
                    }
                }
            }
            clocks[device] += 1;
            let id = record_id(record);
            let current = replicas[device].get(&id);
            let mut seen = BTreeSet::new();
            let changes: Vec<FieldChange> = edits
                .into_iter()
                .filter(|(f, _)| seen.insert(*f))
                .map(|(f, value)| FieldChange {
                    field: FIELDS[f].into(),
                    value,
                    base: current.and_then(|r| r.base_of(FIELDS[f])),
                })
                .collect();
            let o = Operation {
                id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0001_0000_0000 + all.len() as u128),
                device_id: Uuid::from_u128(device as u128 + 1),
                author: format!("user-{}", DEVICES[device]),
                hlc: Hlc::new(clocks[device], 0, DEVICES[device]),
                entity: ENTITY,
                entity_id: id,
                branch_id: "b1".into(),
                kind: if delete { OpKind::Delete } else { OpKind::Upsert },
                changes: if delete { Vec::new() } else { changes },
            };
            received[device].insert(all.len());
            let current = replicas[device].remove(&id);
            replicas[device].insert(id, apply(current, &o).record);
            all.push(o);
        }
        all
    })
}

/// How one receiver gets the operations: per operation an order key, whether a new delivery
/// (push, pull or file) starts before it, which channel that delivery uses, and whether the
/// operation is delivered a second time at the end, through the other channel.
type Plan = Vec<(u32, bool, bool, bool)>;

fn plans() -> impl Strategy<Value = Vec<Plan>> {
    let one = proptest::collection::vec(
        (any::<u32>(), any::<bool>(), any::<bool>(), proptest::bool::weighted(0.2)),
        16,
    );
    proptest::collection::vec(one, TABLETS + 1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Channel {
    /// The server: a push. A tablet: a pull.
    Sync,
    /// An export file (`shared::export`), imported.
    File,
}

/// One device or the server, as far as this trial looks: its records, the conflicts it found
/// (by id), and for the server the operation ids it stored.
#[derive(Default)]
struct Replica {
    server: bool,
    records: BTreeMap<Uuid, Record>,
    conflicts: BTreeMap<Uuid, Conflict>,
    stored: BTreeSet<Uuid>,
    /// Operations the server answered `duplicate` (delivered again).
    duplicates: usize,
}

impl Replica {
    /// Take one operation as this replica takes it.
    fn take(&mut self, op: &Operation, now: PolicyTime) -> Result<(), TestCaseError> {
        let current = self.records.get(&op.entity_id);
        let applied = if self.server {
            if !self.stored.insert(op.id) {
                self.duplicates += 1;
                return Ok(());
            }
            // The pusher (for a file: the operation's author) is a surveyor of the branch.
            let account = Account {
                username: op.author.clone(),
                display_name: op.author.clone(),
                role: Role::Surveyor,
                branches: vec!["b1".into()],
            };
            let ctx = Context { account: &account, time: now, current, person: None };
            policy::admit(ctx, op).map_err(|r| {
                TestCaseError::fail(format!(
                    "the server refused {} ({}): {}",
                    op.id, r.code, r.message
                ))
            })?
        } else {
            apply(current.cloned(), op)
        };
        for c in applied.conflicts {
            // The tablet's store and the server keep conflicts by id: one found again is the same.
            if let Some(before) = self.conflicts.insert(c.id, c.clone()) {
                prop_assert_eq!(before, c);
            }
        }
        self.records.insert(op.entity_id, applied.record);
        Ok(())
    }

    /// One delivery through `channel`, carried as its bytes on the wire or in the file.
    fn deliver(
        &mut self,
        channel: Channel,
        ops: Vec<Operation>,
        now: PolicyTime,
    ) -> Result<(), TestCaseError> {
        let received: Vec<Operation> = match (channel, self.server) {
            (Channel::Sync, true) => {
                let wire = serde_json::to_vec(&PushRequest { ops }).unwrap();
                serde_json::from_slice::<PushRequest>(&wire).unwrap().ops
            }
            (Channel::Sync, false) => {
                let page = PullResponse { ops, cursor: 0, more: false };
                let wire = serde_json::to_vec(&page).unwrap();
                serde_json::from_slice::<PullResponse>(&wire).unwrap().ops
            }
            (Channel::File, _) => {
                let contents = Contents { operations: ops, attachments: Vec::new() };
                let device = Uuid::from_u128(7);
                let at = "2013-06-01T09:00:00+08:00";
                let file = export::encode(device, "user-t1", at, Scope::All, &contents, None)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (header, read) = export::decode(file.as_bytes(), None)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(header.counts.operations, contents.operations.len());
                read.operations
            }
        };
        for op in &received {
            self.take(op, now)?;
        }
        Ok(())
    }

    /// Records and conflicts as bytes, to compare replicas byte for byte.
    fn bytes(&self) -> (Vec<u8>, Vec<u8>) {
        (serde_json::to_vec(&self.records).unwrap(), serde_json::to_vec(&self.conflicts).unwrap())
    }
}

/// What one case did, for the trial's line.
#[derive(Default)]
struct Tally {
    operations: usize,
    deliveries: usize,
    files: usize,
    redelivered: usize,
    conflicts: usize,
}

fn run_case(ops: &[Operation], plans: &[Plan], tally: &mut Tally) -> Result<(), TestCaseError> {
    let now = PolicyTime::now();
    // The reference: every operation once, in the order made.
    let mut reference = Replica::default();
    for op in ops {
        reference.take(op, now)?;
    }
    let expected = reference.bytes();
    for (r, plan) in plans.iter().enumerate() {
        let mut replica = Replica { server: r == TABLETS, ..Replica::default() };
        let mut order: Vec<(u32, usize)> =
            ops.iter().enumerate().map(|(i, _)| (plan[i % plan.len()].0, i)).collect();
        order.sort();
        let mut deliveries: Vec<(Channel, Vec<Operation>)> = Vec::new();
        let mut again: Vec<Operation> = Vec::new();
        for (_, i) in order {
            let (_, split, file, twice) = plan[i % plan.len()];
            let channel = if file { Channel::File } else { Channel::Sync };
            let start = deliveries.last().is_none_or(|(c, _)| split || *c != channel);
            if start {
                deliveries.push((channel, Vec::new()));
            }
            deliveries.last_mut().unwrap().1.push(ops[i].clone());
            if twice {
                again.push(ops[i].clone());
            }
        }
        // What arrives twice comes last, through the other channel than the first delivery's.
        if !again.is_empty() {
            let other =
                if deliveries[0].0 == Channel::File { Channel::Sync } else { Channel::File };
            tally.redelivered += again.len();
            deliveries.push((other, again));
        }
        for (channel, batch) in deliveries {
            tally.deliveries += 1;
            tally.files += usize::from(channel == Channel::File);
            replica.deliver(channel, batch, now)?;
        }
        let who = if replica.server { "the server".to_owned() } else { format!("tablet {r}") };
        let got = replica.bytes();
        prop_assert!(got.0 == expected.0, "{} holds other records than the reference", who);
        prop_assert!(got.1 == expected.1, "{} holds other conflicts than the reference", who);
        if replica.server {
            prop_assert_eq!(
                replica.stored.len(),
                ops.len(),
                "the server stored each operation once"
            );
            let redelivered = plan.iter().take(ops.len()).filter(|p| p.3).count();
            prop_assert_eq!(replica.duplicates, redelivered, "every resend answered duplicate");
        }
    }
    tally.operations += ops.len();
    tally.conflicts += reference.conflicts.len();
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

#[test]
fn the_same_operations_in_any_order_through_pushes_pulls_and_files_converge_everywhere() {
    let cases = u32::try_from(env_number("FIELD_TRIAL_ORDER_CASES", 64)).unwrap_or(u32::MAX);
    let seed = env_number("FIELD_TRIAL_SEED", rand_seed());
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let started = Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&(device_ops(), plans()), |(ops, plans)| {
        run_case(&ops, &plans, &mut tally.borrow_mut())
    });
    if let Err(e) = result {
        panic!("trial order failed (replay with FIELD_TRIAL_SEED={seed}): {e}");
    }
    let t = tally.into_inner();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "TRIAL|order|{cases}|{}|0|0|{secs:.0}|{} operations over 2 records from 4 devices, each \
         case to 3 tablets and the server in {} deliveries ({} export files), {} operations \
         delivered twice (answered duplicate by the server); {} conflicts, the same everywhere; \
         seed {seed}",
        t.redelivered, t.operations, t.deliveries, t.files, t.redelivered, t.conflicts,
    );
}

/// A seed from the clock (this crate has no random number generator of its own for tests).
fn rand_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
}
