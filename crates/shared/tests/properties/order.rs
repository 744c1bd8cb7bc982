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
//! The operations, plans, schedule, export file and reference are `trials::order`'s (proptest
//! draws the steps and plans here, so a failure shrinks); the same cases go to the real server
//! over HTTP (`crates/server/tests/api/order.rs`) and to the tablet's store in IndexedDB
//! (`tests/order.rs`).
//!
//! `FIELD_TRIAL_ORDER_CASES` sets the number of cases (default 64 here; `scripts/trials.sh`
//! runs 1,000), `FIELD_TRIAL_SEED` the seed (default: drawn, and printed to replay a failure).
//! One `TRIAL|order|…` line reports the run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use shared::export;
use shared::merge::{Conflict, apply};
use shared::op::Operation;
use shared::policy::{self, Context, PolicyTime};
use shared::record::Record;
use shared::roles::{Account, Role};
use shared::sync::{PullResponse, PushRequest};
use trials::order::{
    BRANCH, Channel, DEVICES, FIELDS, MAX_STEPS, PLAN_LEN, Plan, RECORDS, Receipt, Reference, Step,
    TABLETS, Tally, VALUES, conflicts_bytes, export_file, ops_from_steps, records_bytes, schedule,
};
use trials::{env_number, fresh_seed};
use uuid::Uuid;

/// The steps of the devices (`trials::order::Step`; the operations are `ops_from_steps` of them,
/// all in case 0).
fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = (
        0..DEVICES.len(),
        proptest::bool::weighted(0.4),
        any::<u16>(),
        0..RECORDS,
        proptest::bool::weighted(0.08),
        proptest::collection::vec((0..FIELDS.len(), 0..VALUES), 1..=3),
    )
        .prop_map(|(device, sync_first, pick, record, delete, edits)| Step {
            device,
            sync_first,
            pick,
            record,
            delete,
            edits,
        });
    proptest::collection::vec(step, 1..=MAX_STEPS)
}

/// A plan per receiver (`trials::order::Plan`): the three tablets', then the server's.
fn plans() -> impl Strategy<Value = Vec<Plan>> {
    let receipt = (any::<u32>(), any::<bool>(), any::<bool>(), proptest::bool::weighted(0.2))
        .prop_map(|(key, split, file, twice)| Receipt { key, split, file, twice });
    proptest::collection::vec(proptest::collection::vec(receipt, PLAN_LEN), TABLETS + 1)
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
                branches: vec![BRANCH.into()],
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
        // The tablet's store writes a record back only when the merge says it changed
        // (`Store::apply_remote`); the server writes every record an accepted operation touched.
        if self.server || applied.changed {
            self.records.insert(op.entity_id, applied.record);
        }
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
                let page = PullResponse { ops, cursor: 0, cursor_check: None, more: false };
                let wire = serde_json::to_vec(&page).unwrap();
                serde_json::from_slice::<PullResponse>(&wire).unwrap().ops
            }
            (Channel::File, _) => {
                let file = export_file(&ops).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let (header, read) =
                    export::decode(&file, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(header.counts.operations, ops.len());
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
        (records_bytes(&self.records), conflicts_bytes(&self.conflicts))
    }
}

fn run_case(steps: &[Step], plans: &[Plan], tally: &mut Tally) -> Result<(), TestCaseError> {
    let now = PolicyTime::now();
    let ops = ops_from_steps(0, steps);
    // The reference: every operation once, in the order made.
    let reference = Reference::of(&ops);
    let expected = (reference.records_bytes(), reference.conflicts_bytes());
    for (r, plan) in plans.iter().enumerate() {
        let mut replica = Replica { server: r == TABLETS, ..Replica::default() };
        let deliveries = schedule(&ops, plan);
        tally.receiver(&deliveries);
        for delivery in deliveries {
            replica.deliver(delivery.channel, delivery.ops, now)?;
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
            let redelivered = plan.iter().take(ops.len()).filter(|p| p.twice).count();
            prop_assert_eq!(replica.duplicates, redelivered, "every resend answered duplicate");
        }
    }
    tally.case(&ops, &reference);
    Ok(())
}

#[test]
fn the_same_operations_in_any_order_through_pushes_pulls_and_files_converge_everywhere() {
    let cases = u32::try_from(env_number("FIELD_TRIAL_ORDER_CASES", 64)).unwrap_or(u32::MAX);
    let seed = env_number("FIELD_TRIAL_SEED", fresh_seed());
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let started = Instant::now();
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&(steps(), plans()), |(steps, plans)| {
        run_case(&steps, &plans, &mut tally.borrow_mut())
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
