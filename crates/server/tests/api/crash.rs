//! Crash test: the real server binary is SIGKILLed at random moments while a client pushes
//! batches; after each restart the client resends every batch it has no answer for (same op
//! ids). At the end every operation must be stored exactly once, byte for byte as sent, and
//! every acknowledged one must be there. A second test kills the server after it committed a
//! batch but before the client read the answer, and asserts the resent batch is answered
//! `duplicate` and stored once.
//!
//! An answer with an error status (a 5xx included) fails the test: only a request with no
//! answer at all counts as cut by the kill.
//!
//! Both run on either store: under `scripts/with-postgres.sh` the killed process is the server,
//! not PostgreSQL, so what is proven is that a push is one database transaction there too (a
//! killed connection's transaction is rolled back whole) and that a restart loses nothing.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::Client;
use serde_json::json;
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::sync::{PullResponse, PushResponse};
use uuid::Uuid;

use crate::common::Data;

/// SIGKILLs per run (`FIELD_TRIAL_SERVER_KILLS` overrides; `scripts/trials.sh` sets it).
fn trials() -> usize {
    std::env::var("FIELD_TRIAL_SERVER_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(40)
}
const BATCH: usize = 25;
const PASSWORD: &str = "crash-test-password";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn server(data: &Data, args: &[&str]) -> Command {
    let mut cmd = data.cli(args);
    cmd.env("RUST_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// The caller owns the returned child: every trial kills it and waits for it.
#[allow(clippy::zombie_processes)]
async fn start(data: &Data, client: &Client) -> (Child, String) {
    let port = free_port();
    let mut child = server(data, &["serve", "--bind", "127.0.0.1", "--port", &port.to_string()])
        .arg("--dist")
        .arg(data.dir.path().join("no-dist"))
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

/// The body of a push, written by hand so the bytes of each operation are known: each is
/// `serde_json::to_vec(op)`, the form the server stores (`ops.op_json`).
fn push_body(ops: &[Operation]) -> Vec<u8> {
    let mut body = b"{\"ops\":[".to_vec();
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend(serde_json::to_vec(op).unwrap());
    }
    body.extend(b"]}");
    body
}

/// How a push ended.
#[derive(Debug)]
enum Pushed {
    /// Answered 2xx: whether every op was acknowledged in order, and how many were duplicates.
    Answered { acked: bool, duplicates: usize },
    /// No answer at all: the connection died under the request (the server was killed).
    Cut,
}

/// Push one batch. An answer with any other status than 2xx fails the test.
async fn push(client: &Client, base: &str, token: &str, ops: &[Operation]) -> Pushed {
    let sent = client
        .post(format!("{base}/api/v1/sync/push"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(push_body(ops))
        .send()
        .await;
    let Ok(res) = sent else { return Pushed::Cut };
    let status = res.status();
    let Ok(bytes) = res.bytes().await else { return Pushed::Cut };
    assert!(status.is_success(), "push answered {status}: {}", String::from_utf8_lossy(&bytes));
    let body: PushResponse = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("push answer is not a PushResponse ({e}): {bytes:?}"));
    let acked = body.results.len() == ops.len()
        && body.results.iter().zip(ops).all(|(r, o)| r.id == o.id && r.status.is_acknowledged());
    let duplicates =
        body.results.iter().filter(|r| r.status == shared::sync::OpStatus::Duplicate).count();
    Pushed::Answered { acked, duplicates }
}

async fn login(client: &Client, base: &str, device: Uuid) -> String {
    crate::real_server::sign_in(client, base, "office", PASSWORD, device).await
}

fn create_admin(data: &Data) {
    let created = server(data, &["create-admin", "--username", "office", "--password", PASSWORD])
        .status()
        .unwrap();
    assert!(created.success());
}

fn http_client() -> Client {
    Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(10)).build().unwrap()
}

/// Every stored operation as `op_id → op_json`, and every stored record's `name` field.
async fn stored(data: &Data) -> (HashMap<String, Vec<u8>>, HashMap<String, serde_json::Value>) {
    let db = data.db();
    let mut ops = HashMap::new();
    for row in db.texts("SELECT op_id, op_json FROM ops", &[]).await {
        let [id, json] = <[Option<String>; 2]>::try_from(row).unwrap();
        assert!(
            ops.insert(id.unwrap(), json.unwrap().into_bytes()).is_none(),
            "an op id stored twice"
        );
    }
    let mut names = HashMap::new();
    for row in db.texts("SELECT entity_id, record_json FROM records", &[]).await {
        let [id, json] = <[Option<String>; 2]>::try_from(row).unwrap();
        let record: shared::record::Record = serde_json::from_str(&json.unwrap()).unwrap();
        names.insert(id.unwrap(), record.fields["name"].clone());
    }
    (ops, names)
}

/// Every operation sent is stored once, its JSON byte for byte as sent, and its record holds
/// the value it sent; nothing else is stored.
async fn assert_stored_as_sent(data: &Data, sent: &[Operation]) {
    let (ops, names) = stored(data).await;
    assert_eq!(ops.len(), sent.len(), "as many stored operations as sent");
    assert_eq!(names.len(), sent.len(), "one record per operation");
    for op in sent {
        let json = ops.get(&op.id.to_string()).unwrap_or_else(|| panic!("op {} missing", op.id));
        assert_eq!(
            json,
            &serde_json::to_vec(op).unwrap(),
            "op {} stored differently from what was sent",
            op.id
        );
        assert_eq!(names[&op.entity_id.to_string()], op.changes[0].value);
    }
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
    let data = &Data::fresh().await;
    create_admin(data);
    let client = http_client();

    let device = Uuid::now_v7();
    let mut clock = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() - 3_600_000;
    let mut token = None;
    let mut pending: Vec<Vec<Operation>> = Vec::new();
    let mut acked: HashSet<Uuid> = HashSet::new();
    let mut all: Vec<Operation> = Vec::new();
    let mut figures = Figures::default();
    let mut rng = rand::thread_rng();
    let began = Instant::now();

    let trials = trials();
    while figures.trials < trials {
        figures.trials += 1;
        let (mut child, base) = start(data, &client).await;
        let token = match &token {
            Some(t) => t,
            None => token.insert(login(&client, &base, device).await),
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
                all.extend(b.iter().cloned());
                b
            };
            match push(&client, &base, token, &ops).await {
                Pushed::Answered { acked: true, duplicates } => {
                    pushed_this_trial += 1;
                    figures.batches_acked += 1;
                    // A batch is one transaction: all of it was committed before, or none.
                    assert!(
                        duplicates == 0 || duplicates == ops.len(),
                        "a batch was half committed: {duplicates} of {} duplicates",
                        ops.len()
                    );
                    assert!(retry || duplicates == 0, "a new batch answered duplicate");
                    if retry {
                        figures.retried_batches += 1;
                        if duplicates > 0 {
                            figures.committed_but_unacked += 1;
                        }
                    }
                    acked.extend(ops.iter().map(|o| o.id));
                }
                Pushed::Answered { acked: false, .. } => panic!("a batch was refused"),
                Pushed::Cut => {
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
        let Pushed::Answered { acked: true, .. } = push(&client, &base, &token, &ops).await else {
            panic!("the last resend was not acknowledged");
        };
        acked.extend(ops.iter().map(|o| o.id));
    }
    let mut pulled: HashMap<Uuid, Operation> = HashMap::new();
    let mut cursor = 0;
    loop {
        let res = client
            .get(format!("{base}/api/v1/sync/pull?cursor={cursor}&limit=5000"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "pull answered {}", res.status());
        let page: PullResponse = res.json().await.unwrap();
        for op in page.ops {
            let id = op.id;
            assert!(pulled.insert(id, op).is_none(), "pull returned {id} twice");
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();

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
    assert!(figures.requests_cut > 0, "no kill landed during a push: {figures:?}");
    assert_stored_as_sent(data, &all).await;
    // One line for scripts/trials.sh's table (reached only when nothing was lost or doubled).
    println!(
        "TRIAL|server-kills|{}|{}|0|0|{:.0}|{} ops; {} batches resent, {} of them committed before the kill",
        figures.trials,
        figures.requests_cut,
        began.elapsed().as_secs_f64(),
        all.len(),
        figures.retried_batches,
        figures.committed_but_unacked
    );
    assert_eq!(pulled.len(), all.len());
    for op in &all {
        assert_eq!(pulled.get(&op.id), Some(op), "pull returns {} as sent", op.id);
    }
    assert_eq!(acked.len(), all.len(), "every operation acknowledged in the end");
}

/// The case a random kill only sometimes hits, made certain: the server commits a batch, is
/// killed before the client reads the answer, and the resent batch is answered `duplicate` for
/// every operation and stored once, as sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_committed_but_unanswered_is_answered_duplicate_when_resent() {
    let data = &Data::fresh().await;
    create_admin(data);
    let client = http_client();
    let device = Uuid::now_v7();
    let mut clock = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() - 3_600_000;

    let (mut child, base) = start(data, &client).await;
    let token = login(&client, &base, device).await;
    let ops = batch(device, &mut clock);

    // Send the request on a raw connection and never read from it.
    let body = push_body(&ops);
    let addr = base.trim_start_matches("http://");
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    write!(
        socket,
        "POST /api/v1/sync/push HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    socket.write_all(&body).unwrap();

    // Wait until the batch is committed: visible to another connection to the database.
    let db = data.db();
    let first = ops[0].id.to_string();
    let last = ops[ops.len() - 1].id.to_string();
    let committed = async || {
        db.count("SELECT COUNT(*) FROM ops WHERE op_id IN (?1, ?2)", &[&first, &last]).await
    };
    let guard = Instant::now() + Duration::from_secs(60);
    while committed().await < 2 {
        assert!(Instant::now() < guard, "the batch was never committed");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(socket);

    let (mut child, base) = start(data, &client).await;
    let answer = push(&client, &base, &token, &ops).await;
    child.kill().unwrap();
    child.wait().unwrap();
    match answer {
        Pushed::Answered { acked: true, duplicates } => {
            assert_eq!(duplicates, ops.len(), "every op of the committed batch is a duplicate")
        }
        other => panic!("the resent batch was answered {other:?}"),
    }
    assert_stored_as_sent(data, &ops).await;
}
