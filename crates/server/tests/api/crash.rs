//! Crash test: the real server binary is SIGKILLed at random moments while a client pushes
//! batches; after each restart the client resends every batch it has no answer for (same op
//! ids). At the end every operation must be stored exactly once and every acknowledged one
//! must be there.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::Client;
use serde_json::json;
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::sync::{LoginResponse, PullResponse, PushResponse};
use uuid::Uuid;

const TRIALS: usize = 40;
const TIME_BUDGET: Duration = Duration::from_secs(45);
const BATCH: usize = 25;
const PASSWORD: &str = "crash-test-password";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn server() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.env("RUST_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// The caller owns the returned child: every trial kills it and waits for it.
#[allow(clippy::zombie_processes)]
async fn start(data: &Path, client: &Client) -> (Child, String) {
    let port = free_port();
    let mut child = server()
        .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string(), "--data-dir"])
        .arg(data)
        .arg("--dist")
        .arg(data.join("no-dist"))
        .spawn()
        .expect("server starts");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await
            && res.status().is_success()
        {
            return (child, base);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not come up");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn batch(device: Uuid, clock: &mut u64) -> Vec<Operation> {
    (0..BATCH)
        .map(|i| {
            *clock += 1;
            Operation {
                id: Uuid::now_v7(),
                device_id: device,
                author: "office".into(),
                hlc: Hlc::new(*clock, 0, "crash-dev"),
                entity: EntityKind::Person,
                entity_id: Uuid::now_v7(),
                branch_id: "b1".into(),
                kind: OpKind::Upsert,
                changes: vec![FieldChange {
                    field: "name".into(),
                    value: json!(format!("党员{clock}-{i}")),
                    base: None,
                }],
            }
        })
        .collect()
}

/// Push one batch; `Some(all acknowledged?)` with the ids answered duplicate, `None` when the
/// request got no answer (the server died under it).
async fn push(
    client: &Client,
    base: &str,
    token: &str,
    ops: &[Operation],
) -> Option<(bool, usize)> {
    let res = client
        .post(format!("{base}/api/v1/sync/push"))
        .bearer_auth(token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .ok()?;
    if !res.status().is_success() {
        return None;
    }
    let body: PushResponse = res.json().await.ok()?;
    let acked = body.results.len() == ops.len()
        && body.results.iter().zip(ops).all(|(r, o)| r.id == o.id && r.status.is_acknowledged());
    let duplicates =
        body.results.iter().filter(|r| r.status == shared::sync::OpStatus::Duplicate).count();
    Some((acked, duplicates))
}

#[derive(Default, Debug)]
struct Figures {
    trials: usize,
    batches_acked: usize,
    requests_cut: usize,
    retried_batches: usize,
    committed_but_unacked: usize,
    kills_before_any_push: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_pushes_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let created = server()
        .args(["create-admin", "--username", "office", "--password", PASSWORD, "--data-dir"])
        .arg(data)
        .status()
        .unwrap();
    assert!(created.success());
    let client = Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let device = Uuid::now_v7();
    let mut clock = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() - 3_600_000;
    let mut token = None;
    let mut pending: Vec<Vec<Operation>> = Vec::new();
    let mut acked: HashSet<Uuid> = HashSet::new();
    let mut all: Vec<Uuid> = Vec::new();
    let mut figures = Figures::default();
    let mut rng = rand::thread_rng();
    let began = Instant::now();

    while figures.trials < TRIALS && began.elapsed() < TIME_BUDGET {
        figures.trials += 1;
        let (mut child, base) = start(data, &client).await;
        let token = match &token {
            Some(t) => t,
            None => {
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"username": "office", "password": PASSWORD,
                                  "device_id": device, "device_name": "压测平板"}))
                    .send()
                    .await
                    .unwrap();
                token.insert(res.json::<LoginResponse>().await.unwrap().token)
            }
        };
        let kill_after = Duration::from_millis(rng.gen_range(5..150));
        let killer = tokio::spawn(async move {
            tokio::time::sleep(kill_after).await;
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        });

        let mut pushed_this_trial = 0;
        loop {
            // Unanswered batches first, as the tablet's outbox does.
            let retry = !pending.is_empty();
            let ops = if retry {
                pending.remove(0)
            } else {
                let b = batch(device, &mut clock);
                all.extend(b.iter().map(|o| o.id));
                b
            };
            match push(&client, &base, token, &ops).await {
                Some((true, duplicates)) => {
                    pushed_this_trial += 1;
                    figures.batches_acked += 1;
                    if retry {
                        figures.retried_batches += 1;
                        if duplicates > 0 {
                            figures.committed_but_unacked += 1;
                        }
                    }
                    acked.extend(ops.iter().map(|o| o.id));
                }
                Some((false, _)) => panic!("a batch was refused"),
                None => {
                    figures.requests_cut += 1;
                    pending.insert(0, ops);
                    break;
                }
            }
        }
        if pushed_this_trial == 0 {
            figures.kills_before_any_push += 1;
        }
        killer.await.unwrap();
    }

    // Final restart: resend everything unanswered, then check the store.
    let (mut child, base) = start(data, &client).await;
    let token = token.expect("signed in");
    for ops in std::mem::take(&mut pending) {
        let (ok, _) = push(&client, &base, &token, &ops).await.expect("server is up");
        assert!(ok);
        acked.extend(ops.iter().map(|o| o.id));
    }
    let mut seen: HashMap<Uuid, usize> = HashMap::new();
    let mut cursor = 0;
    loop {
        let page: PullResponse = client
            .get(format!("{base}/api/v1/sync/pull?cursor={cursor}&limit=5000"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for op in &page.ops {
            *seen.entry(op.id).or_default() += 1;
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(data.join("field.sqlite3")).unwrap();
    let (rows, distinct): (i64, i64) = conn
        .query_row("SELECT COUNT(*), COUNT(DISTINCT op_id) FROM ops", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let records: i64 = conn.query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0)).unwrap();

    println!(
        "crash test: {} trials in {:.1}s, {} ops in {} batches of {BATCH}; {} batches acknowledged, \
         {} requests cut by SIGKILL, {} batches resent after a restart, {} of them had been \
         committed before the kill (answered duplicate), {} kills before any push completed",
        figures.trials,
        began.elapsed().as_secs_f64(),
        all.len(),
        all.len() / BATCH,
        figures.batches_acked,
        figures.requests_cut,
        figures.retried_batches,
        figures.committed_but_unacked,
        figures.kills_before_any_push
    );
    assert!(figures.trials >= 10, "too few trials ran: {figures:?}");
    assert!(figures.requests_cut > 0, "no kill landed during a push: {figures:?}");
    assert_eq!(rows, all.len() as i64, "every operation stored");
    assert_eq!(distinct, rows, "no operation stored twice");
    assert_eq!(records, all.len() as i64, "one record per operation");
    assert_eq!(seen.len(), all.len());
    assert!(seen.values().all(|n| *n == 1), "pull returns each operation once");
    for id in &all {
        assert!(seen.contains_key(id), "operation {id} missing");
    }
    assert!(acked.iter().all(|id| seen.contains_key(id)), "an acknowledged operation is missing");
    assert_eq!(acked.len(), all.len());
}
