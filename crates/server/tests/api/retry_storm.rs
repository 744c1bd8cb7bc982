//! Trial "retry storm" (issue "fault trials", point 2): several tablets push 1,000 changes in
//! all through a fault proxy that refuses connections, delays them, cuts requests and answers
//! mid-body and holds answers back until the client gave up; each tablet resends what had no
//! acknowledgement, with the same operation ids, at random moments, until everything is
//! acknowledged. The server must then hold exactly the operations sent: each once, none lost,
//! none added, and every batch all-or-nothing.
//!
//! `FIELD_TRIAL_STORM_OPS` sets the number of changes (default 1,000), `FIELD_TRIAL_SEED` the
//! seed of the faults and the timing (default: drawn, and printed to replay a failure).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use fault_proxy::{FaultPlan, FaultProxy};
use rand::{Rng as _, SeedableRng as _};
use reqwest::{Client, StatusCode};
use serde_json::json;
use shared::op::Operation;
use shared::roles::Role;
use shared::sync::PushResponse;
use uuid::Uuid;

use crate::common::{TestServer, new_person};

const TABLETS: usize = 4;
const BATCH: usize = 25;
/// The client gives up after this long; the proxy holds some answers longer.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(800);
const ANSWER_LATE: Duration = Duration::from_millis(1_200);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What one tablet saw.
#[derive(Default, Debug)]
struct Tally {
    attempts: usize,
    /// No answer at all (refused, cut, timed out).
    unanswered: usize,
    /// Answered, but the answer did not arrive whole.
    cut_answers: usize,
    /// A resent batch answered "duplicate": the server had stored it, the tablet never heard.
    committed_unheard: usize,
}

enum Outcome {
    Acknowledged { duplicates: usize },
    NoAnswer,
    CutAnswer,
}

async fn push_once(client: &Client, base: &str, token: &str, ops: &[Operation]) -> Outcome {
    let Ok(res) = client
        .post(format!("{base}/api/v1/sync/push"))
        .bearer_auth(token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
    else {
        return Outcome::NoAnswer;
    };
    let status = res.status();
    let Ok(bytes) = res.bytes().await else { return Outcome::CutAnswer };
    // A cut can also land inside the status line or headers and leave a body that is not whole.
    assert_eq!(
        status,
        StatusCode::OK,
        "push answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let body: PushResponse = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "a whole answer that is not a PushResponse ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    assert_eq!(body.results.len(), ops.len(), "one result per operation");
    for (result, op) in body.results.iter().zip(ops) {
        assert_eq!(result.id, op.id, "results in the order sent");
        assert!(result.status.is_acknowledged(), "refused: {result:?}");
    }
    let duplicates =
        body.results.iter().filter(|r| r.status == shared::sync::OpStatus::Duplicate).count();
    Outcome::Acknowledged { duplicates }
}

/// One tablet: its batches, each resent until acknowledged.
async fn tablet(
    base: String,
    token: String,
    batches: Vec<Vec<Operation>>,
    seed: u64,
) -> (Tally, HashSet<Uuid>) {
    let client = Client::builder()
        .timeout(CLIENT_TIMEOUT)
        // A new connection per request: each request meets its own fault.
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let mut acknowledged = HashSet::new();
    for ops in batches {
        let mut resent = false;
        loop {
            tally.attempts += 1;
            match push_once(&client, &base, &token, &ops).await {
                Outcome::Acknowledged { duplicates } => {
                    assert!(
                        duplicates == 0 || duplicates == ops.len(),
                        "a batch half stored: {duplicates} of {} duplicates",
                        ops.len()
                    );
                    assert!(resent || duplicates == 0, "a batch sent once answered duplicate");
                    if duplicates > 0 {
                        tally.committed_unheard += 1;
                    }
                    acknowledged.extend(ops.iter().map(|o| o.id));
                    break;
                }
                Outcome::NoAnswer => tally.unanswered += 1,
                Outcome::CutAnswer => tally.cut_answers += 1,
            }
            resent = true;
            // Retry at a random moment, as tablets waking up at random would.
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..120))).await;
        }
    }
    (tally, acknowledged)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_storm_through_a_faulty_network_stores_every_change_exactly_once() {
    let total = usize::try_from(env_number("FIELD_TRIAL_STORM_OPS", 1_000)).unwrap();
    let seed = env_number("FIELD_TRIAL_SEED", rand::random());
    let server = TestServer::start().await;
    let upstream: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = FaultProxy::start(upstream, seed).await.unwrap();
    let through_proxy = proxy.base_url();

    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let mut sent: Vec<Operation> = Vec::new();
    let mut tablets = Vec::new();
    for t in 0..TABLETS {
        let name = format!("storm{t}");
        // Signed in before the storm: sign-in has limits of its own (tested elsewhere).
        let token = server.user_token(&name, Role::Surveyor, &["b1"]).await;
        let count = total / TABLETS + usize::from(t < total % TABLETS);
        let ops: Vec<Operation> =
            (0..count).map(|i| new_person(&name, "b1", now - 60_000 + i as u64)).collect();
        sent.extend(ops.iter().cloned());
        let batches = ops.chunks(BATCH).map(<[Operation]>::to_vec).collect();
        tablets.push((through_proxy.clone(), token, batches, seed.wrapping_add(t as u64)));
    }

    proxy.set_plan(FaultPlan::faulty(0.5, Some(ANSWER_LATE)));
    let began = Instant::now();
    let runs: Vec<_> = tablets
        .into_iter()
        .map(|(base, token, batches, seed)| tokio::spawn(tablet(base, token, batches, seed)))
        .collect();
    let mut tally = Tally::default();
    let mut acknowledged = HashSet::new();
    for run in runs {
        let (t, acked) = run.await.unwrap();
        tally.attempts += t.attempts;
        tally.unanswered += t.unanswered;
        tally.cut_answers += t.cut_answers;
        tally.committed_unheard += t.committed_unheard;
        acknowledged.extend(acked);
    }
    let elapsed = began.elapsed();
    proxy.set_plan(FaultPlan::CLEAR);

    // What the server holds, read directly (not through the proxy), as the office would.
    let office = server.user_token("office", Role::TownOffice, &[]).await;
    let (stored, _) = server.pull_all(&office, 5_000).await;
    let mut by_id: HashMap<Uuid, &Operation> = HashMap::new();
    for op in &stored {
        assert!(by_id.insert(op.id, op).is_none(), "operation {} stored twice", op.id);
    }
    assert_eq!(stored.len(), total, "exactly the operations sent are stored");
    for op in &sent {
        let held = by_id.get(&op.id).unwrap_or_else(|| panic!("operation {} lost", op.id));
        assert_eq!(held.entity_id, op.entity_id);
        assert_eq!(held.changes, op.changes, "operation {} stored as sent", op.id);
    }
    assert_eq!(acknowledged.len(), total, "every operation acknowledged in the end");
    let injected = proxy.injected();
    assert!(proxy.injected_total() > 0, "the trial injected no fault");

    println!(
        "TRIAL|retry-storm|{}|{}|0|0|{:.0}|{total} changes, {TABLETS} tablets; {} batches stored but unheard; seed {seed}",
        tally.attempts,
        proxy.injected_total(),
        elapsed.as_secs_f64(),
        tally.committed_unheard,
    );
    println!(
        "trial retry-storm (seed {seed}): {total} changes from {TABLETS} tablets in batches of \
         {BATCH}, {:.1} s; {} requests, {} faults injected {injected:?}; {} unanswered, {} \
         answers cut; {} batches stored but unheard, answered duplicate on resend; stored {}, \
         lost 0, duplicated 0",
        elapsed.as_secs_f64(),
        tally.attempts,
        proxy.injected_total(),
        tally.unanswered,
        tally.cut_answers,
        tally.committed_unheard,
        stored.len(),
    );
}
