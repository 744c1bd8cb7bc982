//! Pull cursors never skip an operation, with two server processes on one PostgreSQL database.
//!
//! Two real `server` processes serve one database. Pushers push batches through both at once
//! (each request to one of them in turn), while pullers page through both with their cursors
//! and small pages. At the end every puller has seen every operation it may see exactly once:
//! none skipped (a cursor that ran past an operation whose transaction committed late would
//! never hand it out) and none twice. A town-office puller sees every operation; a surveyor of
//! branch `b1` sees exactly those of `b1`.
//!
//! PostgreSQL only (`scripts/with-postgres.sh`): SQLite is one file for one process with one
//! writer. Without `FIELD_TEST_DATABASE_URL` the test prints a note and passes.
//! `FIELD_CURSOR_TEST_SCALE` multiplies the batches each pusher sends (default 1: 4 pushers ×
//! 30 batches × 8 operations, a few seconds).

use std::collections::{HashMap, HashSet};
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::json;
use shared::sync::{PullResponse, PushResponse};
use uuid::Uuid;

use crate::common::{Data, new_person, pg_cluster};
use crate::real_server::{admin, free_port, serve, wait_healthy};

const PASSWORD: &str = "cursor-test-password";
const PUSHERS: usize = 4;
const BATCHES: usize = 30;
const BATCH: usize = 8;
/// Small pages, so a pull ends mid-stream often.
const PAGE: u32 = 7;

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn login(client: &Client, base: &str, username: &str) -> String {
    crate::real_server::sign_in(client, base, username, PASSWORD, Uuid::now_v7()).await
}

async fn pull(client: &Client, base: &str, token: &str, cursor: u64) -> PullResponse {
    let res = client
        .get(format!("{base}/api/v1/sync/pull?cursor={cursor}&limit={PAGE}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "pull answered {}", res.status());
    res.json().await.unwrap()
}

/// What one puller saw: every operation id, in order, with the branch it belongs to.
struct Seen {
    ids: Vec<Uuid>,
    pages: usize,
}

/// Page through both servers in turn until the pushers are done and a pull says there is no
/// more; fails at once on an operation seen twice.
async fn puller(client: Client, bases: Vec<String>, token: String, done: Arc<AtomicBool>) -> Seen {
    let (mut cursor, mut turn) = (0u64, 0usize);
    let mut seen = Seen { ids: Vec::new(), pages: 0 };
    let mut once: HashSet<Uuid> = HashSet::new();
    loop {
        // Read before pulling: a pull that starts after the last push was answered sees it.
        let finished = done.load(Ordering::SeqCst);
        let page = pull(&client, &bases[turn % bases.len()], &token, cursor).await;
        turn += 1;
        seen.pages += 1;
        assert!(page.cursor >= cursor, "the cursor went back from {cursor} to {}", page.cursor);
        for op in page.ops {
            assert!(once.insert(op.id), "operation {} handed out twice", op.id);
            seen.ids.push(op.id);
        }
        cursor = page.cursor;
        if finished && !page.more {
            return seen;
        }
        if !page.more {
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_concurrent_pushes_and_pulls_skip_and_repeat_nothing() {
    if pg_cluster().is_none() {
        println!(
            "note: cursor concurrency test skipped: no PostgreSQL (FIELD_TEST_DATABASE_URL); \
             run it with scripts/with-postgres.sh"
        );
        return;
    }
    let scale: usize = std::env::var("FIELD_CURSOR_TEST_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let batches = BATCHES * scale;
    let data = Data::fresh().await;
    let pushers: Vec<String> = (0..PUSHERS).map(|i| format!("pusher{i}")).collect();
    for name in pushers.iter().map(String::as_str).chain(["office"]) {
        admin(
            &data,
            &[
                "add-user",
                "--username",
                name,
                "--password",
                PASSWORD,
                "--role",
                "town_office",
                "--display-name",
                name,
            ],
        );
    }
    admin(
        &data,
        &[
            "add-user",
            "--username",
            "surveyor",
            "--password",
            PASSWORD,
            "--role",
            "surveyor",
            "--branches",
            "b1",
            "--display-name",
            "surveyor",
        ],
    );

    let mut children = Killed(Vec::new());
    let mut bases = Vec::new();
    for _ in 0..2 {
        let port = free_port();
        children.0.push(serve(&data, port).spawn().expect("server starts"));
        bases.push(format!("http://127.0.0.1:{port}"));
    }
    for base in &bases {
        wait_healthy(base).await;
    }
    let client = Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let began = Instant::now();

    // Pullers: three town-office devices (see everything) and one surveyor of b1.
    let done = Arc::new(AtomicBool::new(false));
    let mut pullers = Vec::new();
    for (i, who) in ["office", "office", "office", "surveyor"].into_iter().enumerate() {
        let token = login(&client, &bases[i % 2], who).await;
        let task = tokio::spawn(puller(client.clone(), bases.clone(), token, done.clone()));
        pullers.push((who, task));
    }

    // Pushers: each its own account and device, every batch to the other server than the last.
    let start_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() - 600_000;
    let mut pushing = Vec::new();
    for (p, name) in pushers.iter().enumerate() {
        let token = login(&client, &bases[p % 2], name).await;
        let (client, bases, name) = (client.clone(), bases.clone(), name.clone());
        pushing.push(tokio::spawn(async move {
            let mut sent: Vec<(Uuid, String)> = Vec::new();
            for b in 0..batches {
                let ops: Vec<_> = (0..BATCH)
                    .map(|i| {
                        let branch = if (b + i + p) % 2 == 0 { "b1" } else { "b2" };
                        new_person(&name, branch, start_ms + (b * BATCH + i) as u64)
                    })
                    .collect();
                let res = client
                    .post(format!("{}/api/v1/sync/push", bases[(b + p) % 2]))
                    .bearer_auth(&token)
                    .json(&json!({ "ops": ops }))
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_success(), "push answered {}", res.status());
                let answer: PushResponse = res.json().await.unwrap();
                assert!(
                    answer.results.iter().all(|r| r.status == shared::sync::OpStatus::Accepted),
                    "a push was not accepted whole: {:?}",
                    answer.results
                );
                sent.extend(ops.iter().map(|o| (o.id, o.branch_id.clone())));
            }
            sent
        }));
    }
    let mut all: HashMap<Uuid, String> = HashMap::new();
    for task in pushing {
        all.extend(task.await.unwrap());
    }
    let pushed_in = began.elapsed();
    done.store(true, Ordering::SeqCst);

    let mut pages = 0;
    for (who, task) in pullers {
        let seen = task.await.unwrap();
        pages += seen.pages;
        let expected: HashSet<Uuid> = all
            .iter()
            .filter(|(_, branch)| who != "surveyor" || branch.as_str() == "b1")
            .map(|(id, _)| *id)
            .collect();
        let got: HashSet<Uuid> = seen.ids.iter().copied().collect();
        assert_eq!(got.len(), seen.ids.len(), "{who}: an operation seen twice");
        let missing = expected.difference(&got).count();
        let extra = got.difference(&expected).count();
        assert_eq!((missing, extra), (0, 0), "{who}: {missing} skipped, {extra} not its own");
    }
    println!(
        "cursor concurrency: {} ops pushed by {PUSHERS} pushers through 2 processes in {:.1}s; \
         4 pullers, {pages} pages of ≤{PAGE}, none skipped, none twice ({:.1}s in all)",
        all.len(),
        pushed_in.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
    assert_eq!(all.len(), PUSHERS * batches * BATCH);
}
