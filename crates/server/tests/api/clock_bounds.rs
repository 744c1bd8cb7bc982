//! Issue 10 item 1: no push can stall the tablets through the server's clock. A refused
//! operation never moves it; an accepted one moves it at most to the `clock_ahead` bound; the
//! counter never outgrows its six digits. Then a property test over arbitrary pushes by every
//! role: never a 5xx, never a refused operation stored, every answer decodes with the tablet's
//! own `shared` types.

use std::collections::HashSet;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::hlc::{Hlc, MAX_COUNTER};
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{OpStatus, PullResponse, PushResponse};
use uuid::Uuid;

use crate::common::{TestServer, upsert};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

const HOUR: u64 = 60 * 60 * 1000;

/// The push answer as the tablet decodes it (`shared::sync::PushResponse`), or the raw text.
async fn push_decoded(s: &TestServer, token: &str, ops: &[Operation]) -> PushResponse {
    let res = s.push_raw(token, ops).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the tablet cannot decode {text}: {e}"))
}

#[tokio::test]
async fn a_refused_clock_23_hours_ahead_with_a_full_counter_leaves_the_server_clock_alone() {
    let s = TestServer::start().await;
    let county = s.user_token("county", Role::CountyViewer, &[]).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let mut op = crate::common::new_person("county", "b1", now_ms() + 23 * HOUR);
    op.hlc.counter = MAX_COUNTER;
    // The read-only county viewer's push is refused …
    let res = push_decoded(&s, &county, &[op]).await;
    assert_eq!(res.results[0].status, OpStatus::Rejected);
    // … and does not move the server's clock: it stays at the wall clock.
    assert!(res.server_hlc.millis < now_ms() + HOUR, "{}", res.server_hlc);
    // Every later answer still decodes on a tablet.
    let later =
        push_decoded(&s, &zhang, &[crate::common::new_person("zhang", "b1", now_ms())]).await;
    assert_eq!(later.results[0].status, OpStatus::Accepted);
    assert!(later.server_hlc.millis < now_ms() + HOUR, "{}", later.server_hlc);
}

#[tokio::test]
async fn an_accepted_clock_with_a_full_counter_never_makes_a_seventh_digit() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let mut op = crate::common::new_person("zhang", "b1", now_ms() + 23 * HOUR);
    op.hlc.counter = MAX_COUNTER;
    let stamp = op.hlc.clone();
    let res = push_decoded(&s, &zhang, &[op]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    // The server's clock is past the accepted stamp (the tablets' stamps stay ordered), in the
    // fixed width: the counter carried into the next millisecond.
    assert!(res.server_hlc > stamp, "{} after {stamp}", res.server_hlc);
    assert!(res.server_hlc.counter <= MAX_COUNTER);
    assert!(res.server_hlc.millis <= now_ms() + 24 * HOUR + 1);
    // The next push and the pull of the stored operation decode on a tablet.
    let next =
        push_decoded(&s, &zhang, &[crate::common::new_person("zhang", "b1", now_ms())]).await;
    assert!(next.server_hlc > res.server_hlc);
    let pulled = s.pull(&zhang, 0, 100).await;
    assert_eq!(pulled.ops.len(), 2);
    assert!(pulled.ops.iter().all(|o| o.hlc.counter <= MAX_COUNTER));
}

// ---- the property test -------------------------------------------------------------------

const ROLES: [(&str, Role, &[&str]); 4] = [
    ("p_surveyor", Role::Surveyor, &["b1"]),
    ("p_secretary", Role::BranchSecretary, &["b1", "b2"]),
    ("p_office", Role::TownOffice, &[]),
    ("p_county", Role::CountyViewer, &[]),
];

const ENTITIES: [EntityKind; 6] = [
    EntityKind::Person,
    EntityKind::Survey,
    EntityKind::Candidate,
    EntityKind::Assessment,
    EntityKind::Notice,
    EntityKind::Branch,
];

const FIELDS: [&str; 12] = [
    "name",
    "phone",
    "notes",
    "year",
    "stage",
    "state",
    "status",
    "birth_year",
    "category",
    "branch_id",
    "history",
    "id_number",
];

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<bool>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        (0usize..40_000).prop_map(|n| Value::from("长".repeat(n))),
        prop::sample::select(vec![
            "city_named",
            "top_ten_recommended",
            "named",
            "final",
            "town_approved",
            "village_leader",
            "=HYPERLINK(\"x\")",
            "300000",
        ])
        .prop_map(Value::from),
        Just(json!([{"to": "named", "from": "applied"}])),
        Just(Value::Null),
    ]
}

fn any_millis(now: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(now),
        (now - 48 * HOUR)..(now + 48 * HOUR),
        any::<u64>(),
        Just(now + 23 * HOUR),
        Just(u64::MAX),
    ]
}

/// One generated operation: entity, which entity id, millis, counter, branch, changes (field,
/// value), delete?, clock device, a reused op id.
type GenOp = (usize, usize, u64, u32, usize, Vec<(usize, Value)>, bool, String, Option<usize>);

#[derive(Clone, Debug)]
struct Pushed {
    role: usize,
    ops: Vec<GenOp>,
}

fn any_push(now: u64) -> impl Strategy<Value = Pushed> {
    let op = (
        0usize..ENTITIES.len(),
        0usize..4, // which of a few entity ids: later ops hit records earlier ones made
        any_millis(now),
        prop_oneof![Just(0u32), Just(MAX_COUNTER), any::<u32>(), 0..=MAX_COUNTER],
        0usize..3, // branch
        prop::collection::vec((0usize..FIELDS.len(), any_value()), 0..4),
        any::<bool>(), // delete
        "[a-z0-9-]{0,20}",
        prop::option::weighted(0.2, 0usize..3), // an op id used before (same or other content)
    );
    let arbitrary = (0usize..ROLES.len(), prop::collection::vec(op, 1..6))
        .prop_map(|(role, ops)| Pushed { role, ops });
    // Mostly well-formed pushes too (a person of b1 by a role that may write it, clocks up to
    // the bound and counters up to the width), so accepted operations with extreme clocks are
    // exercised, not only refusals.
    let plausible_op = (
        0usize..4,
        prop_oneof![(now - 48 * HOUR)..(now + 23 * HOUR), Just(now + 23 * HOUR)],
        prop_oneof![Just(MAX_COUNTER), 0..=MAX_COUNTER],
        "[\\p{Han}a-z]{1,20}",
        "[a-z]{1,8}",
    )
        .prop_map(|(id, millis, counter, name, device)| {
            let changes = vec![(0usize, Value::from(name.clone())), (2usize, Value::from(name))];
            (0usize, id, millis, counter, 0usize, changes, false, device, None)
        });
    let plausible = (0usize..3, prop::collection::vec(plausible_op, 1..6))
        .prop_map(|(role, ops)| Pushed { role, ops });
    prop_oneof![arbitrary, plausible]
}

/// Arbitrary clocks, op ids, entities, branches and field values pushed by every role: the
/// server never answers 5xx, never stores a refused operation, and every answer (push and
/// pull) decodes with `shared`'s types, as the tablet decodes them.
#[test]
fn arbitrary_pushes_by_every_role_never_fail_the_server_or_the_tablets() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s, tokens) = rt.block_on(async {
        let s = TestServer::start().await;
        let mut tokens = Vec::new();
        for (name, role, branches) in ROLES {
            tokens.push(s.user_token(name, role, branches).await);
        }
        (s, tokens)
    });
    let s = Arc::new(s);
    let ids: Vec<Uuid> = (0..4).map(|_| Uuid::now_v7()).collect();
    let op_ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    let branches = ["b1", "b2", ""];
    let now = now_ms();
    let cases = std::env::var("FIELD_PROPTEST_CASES").ok().and_then(|c| c.parse().ok());
    let mut runner = TestRunner::new(Config { cases: cases.unwrap_or(300), ..Config::default() });
    // Ids answered `rejected`, and ids ever stored (accepted or duplicate).
    let refused: std::sync::Mutex<(HashSet<Uuid>, HashSet<Uuid>)> = Default::default();
    let checked = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&any_push(now), |pushed| {
            let (name, _, _) = ROLES[pushed.role];
            let ops: Vec<Operation> = pushed
                .ops
                .iter()
                .map(|(entity, id, millis, counter, branch, changes, delete, device, reused)| {
                    Operation {
                        id: reused.map_or_else(Uuid::now_v7, |i| op_ids[i]),
                        device_id: Uuid::nil(),
                        author: name.into(),
                        hlc: Hlc::new(*millis, *counter, device.clone()),
                        entity: ENTITIES[*entity],
                        entity_id: ids[*id],
                        branch_id: branches[*branch].into(),
                        kind: if *delete { OpKind::Delete } else { OpKind::Upsert },
                        changes: changes
                            .iter()
                            .map(|(f, v)| FieldChange {
                                field: FIELDS[*f].into(),
                                value: v.clone(),
                                base: None,
                            })
                            .collect(),
                    }
                })
                .collect();
            let s = s.clone();
            let token = tokens[pushed.role].clone();
            let clocks: Vec<Hlc> = ops.iter().map(|o| o.hlc.clone()).collect();
            let (status, text) = rt.block_on(async move {
                let res = s.push_raw(&token, &ops).await;
                (res.status(), res.text().await.unwrap())
            });
            prop_assert!(!status.is_server_error(), "{status}: {text}");
            if status == StatusCode::OK {
                let answer: PushResponse = serde_json::from_str(&text)
                    .map_err(|e| TestCaseError::fail(format!("undecodable {text}: {e}")))?;
                prop_assert!(answer.server_hlc.counter <= MAX_COUNTER);
                prop_assert_eq!(answer.results.len(), pushed.ops.len());
                let mut sets = refused.lock().unwrap();
                for (r, clock) in answer.results.iter().zip(&clocks) {
                    // The server's clock is past every operation it accepted in this push.
                    if r.status == OpStatus::Accepted {
                        let past = (answer.server_hlc.millis, answer.server_hlc.counter)
                            > (clock.millis, clock.counter);
                        prop_assert!(past, "{} not after {}", answer.server_hlc, clock);
                    }
                    if r.status == OpStatus::Rejected {
                        sets.0.insert(r.id);
                    } else {
                        sets.1.insert(r.id);
                    }
                }
            } else {
                // A reused id with other content refuses the whole batch (409); nothing else.
                prop_assert!(
                    status == StatusCode::CONFLICT || status == StatusCode::PAYLOAD_TOO_LARGE,
                    "{status}: {text}"
                );
            }
            checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    // Every role pulls everything it may see: it decodes, and no refused operation is there.
    let (refused, stored) = refused.into_inner().unwrap();
    let refused: HashSet<Uuid> = refused.difference(&stored).copied().collect();
    let stored_count = stored.len();
    rt.block_on(async {
        for token in &tokens {
            let res = s
                .request(Method::GET, "/api/v1/sync/pull?cursor=0&limit=5000", Some(token))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let text = res.text().await.unwrap();
            let page: PullResponse = serde_json::from_str(&text).expect("pull decodes");
            for op in &page.ops {
                assert!(!refused.contains(&op.id), "refused op {} was stored", op.id);
                assert!(op.hlc.to_string().parse::<Hlc>().is_ok());
            }
        }
    });
    eprintln!(
        "property test: {} pushes, {stored_count} operations stored, {} refused and none of \
         them stored",
        checked.into_inner(),
        refused.len()
    );
}

/// Issue 9 point 2 (server side): once an operation of a record is refused in a push, every
/// later operation of that record in the same push is refused too (`preceded_by_refusal`), so
/// the office never holds half a record.
#[tokio::test]
async fn later_changes_of_a_refused_record_in_the_same_push_are_held_back() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let t = now_ms() - 60_000;
    let person = Uuid::now_v7();
    // Created in a branch outside zhang's scope (refused), then named and phoned (b1, which
    // alone would pass), and another record in between that is fine.
    let create = upsert(
        "zhang",
        "d",
        t,
        EntityKind::Person,
        person,
        "b9",
        &[("name", json!("王海"), None), ("branch_id", json!("b9"), None)],
    );
    let other = crate::common::new_person("zhang", "b1", t + 1);
    let rename = upsert(
        "zhang",
        "d",
        t + 2,
        EntityKind::Person,
        person,
        "b1",
        &[("name", json!("王小海"), None)],
    );
    let phone = upsert(
        "zhang",
        "d",
        t + 3,
        EntityKind::Person,
        person,
        "b1",
        &[("phone", json!("13800000000"), None)],
    );
    let res = push_decoded(&s, &zhang, &[create, other, rename, phone]).await;
    let codes: Vec<_> =
        res.results.iter().map(|r| r.code.as_deref().unwrap_or("accepted")).collect();
    assert_eq!(
        codes,
        ["forbidden_branch", "accepted", "preceded_by_refusal", "preceded_by_refusal"]
    );
    let message = res.results[2].message.as_deref().unwrap();
    assert!(message.contains("同一记录之前的修改被退回"), "{message}");
    assert!(
        s.state.store.record(server::store::Scope::County, person).await.unwrap().is_none(),
        "no half record stored"
    );
    // The repaired record, resubmitted whole, is accepted.
    let whole = upsert(
        "zhang",
        "d",
        t + 4,
        EntityKind::Person,
        person,
        "b1",
        &[
            ("name", json!("王小海"), None),
            ("branch_id", json!("b1"), None),
            ("phone", json!("13800000000"), None),
        ],
    );
    let res = push_decoded(&s, &zhang, &[whole]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
}
