//! Issue 14, point 3: no state held only in a process. Sign-in rate limits are counted in the
//! database when several processes share one (two processes allow what one allows, not twice
//! as much); the client's address comes from `X-Forwarded-For` only when the peer is a trusted
//! proxy; the server's clock is a node of its own per process start and never hands out a
//! timestamp below one already stored.

use std::process::Child;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::json;
use shared::hlc::Hlc;
use shared::roles::Role;
use uuid::Uuid;

use crate::common::{Data, PASSWORD, TestServer, new_person, pg_cluster};
use crate::real_server::{admin, free_port, serve, wait_healthy};

struct Servers {
    children: Vec<Child>,
    bases: Vec<String>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `n` real `server` processes on `data`, each given `args`.
async fn start(data: &Data, n: usize, args: &[&str]) -> Servers {
    let mut servers = Servers { children: Vec::new(), bases: Vec::new() };
    for _ in 0..n {
        let port = free_port();
        let mut cmd = serve(data, port);
        cmd.args(args);
        servers.children.push(cmd.spawn().expect("server starts"));
        servers.bases.push(format!("http://127.0.0.1:{port}"));
    }
    for base in &servers.bases {
        wait_healthy(base).await;
    }
    servers
}

/// A sign-in attempt at `base`, claiming to come from `forwarded` (`X-Forwarded-For`).
async fn login(
    client: &Client,
    base: &str,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = client.post(format!("{base}/api/v1/auth/login")).json(&json!({
        "username": username, "password": password,
        "device_id": Uuid::now_v7(), "device_name": "平板"
    }));
    if let Some(xff) = forwarded {
        req = req.header("x-forwarded-for", xff);
    }
    req.send().await.unwrap()
}

/// A sign-in with a user name too long to be anyone's: counted for the address, refused
/// before any password hashing (cheap), and each one a different account.
async fn cheap_attempt(client: &Client, base: &str, i: usize, forwarded: Option<&str>) -> u16 {
    let name = format!("{i:04}{}", "x".repeat(70));
    login(client, base, &name, "wrong", forwarded).await.status().as_u16()
}

/// The attempts an address's quota (one per 500 ms after its burst) gives back in `elapsed`.
fn given_back(elapsed: Duration) -> usize {
    usize::try_from(elapsed.as_millis() / 500).unwrap_or(usize::MAX) + 1
}

/// Cheap sign-in attempts from `forwarded`, over `bases` in turn, until one is refused with
/// `429`; how many were allowed before it. Checked: no more than the burst (60) and what the
/// quota gave back meanwhile, however slowly a loaded machine sent them.
async fn exhaust(client: &Client, bases: &[String], forwarded: &str) -> usize {
    let began = Instant::now();
    for i in 0..400 {
        match cheap_attempt(client, &bases[i % bases.len()], i, Some(forwarded)).await {
            401 => {}
            429 => {
                let most = 60 + given_back(began.elapsed());
                assert!(i <= most, "{i} allowed from {forwarded}, at most {most}");
                return i;
            }
            other => panic!("attempt {i} from {forwarded}: {other}"),
        }
    }
    panic!("400 attempts from {forwarded} allowed")
}

/// Surveyor zhang (branch b1) on two fresh processes of one database, signed in on the first:
/// the data, the processes, a client and zhang's token.
async fn zhang_on_two_processes() -> (Data, Servers, Client, String) {
    let data = Data::fresh().await;
    add_user(&data, "zhang");
    let servers = start(&data, 2, &[]).await;
    let client = Client::new();
    let res = login(&client, &servers.bases[0], "zhang", PASSWORD, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token =
        res.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    (data, servers, client, token)
}

fn add_user(data: &Data, name: &str) {
    admin(
        data,
        &[
            "add-user",
            "--username",
            name,
            "--password",
            PASSWORD,
            "--role",
            "surveyor",
            "--branches",
            "b1",
            "--display-name",
            name,
        ],
    );
}

/// Two processes on one PostgreSQL: wrong passwords for one account sent to both in turn are
/// limited as from one process (10 failures, then `429` with `Retry-After` from both, even
/// for the right password), and so are attempts from one address (60, then `429`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_sign_in_limits() {
    if pg_cluster().is_none() {
        println!(
            "note: shared rate-limit test skipped: no PostgreSQL (FIELD_TEST_DATABASE_URL); \
             run it with scripts/with-postgres.sh"
        );
        return;
    }
    let data = Data::fresh().await;
    add_user(&data, "zhang");
    let servers = start(&data, 2, &["--trusted-proxy", "127.0.0.1"]).await;
    let client = Client::new();

    // Failures per account, each from an address of its own (the address limit stays out).
    let mut statuses = Vec::new();
    let mut retry_after = Vec::new();
    for i in 0..14 {
        let xff = format!("198.51.100.{}", i + 1);
        let res = login(&client, &servers.bases[i % 2], "zhang", "guess-123456", Some(&xff)).await;
        statuses.push(res.status().as_u16());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after
                .push(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap());
        }
    }
    eprintln!("14 wrong passwords over 2 processes: {statuses:?}, Retry-After {retry_after:?}");
    assert_eq!(statuses[..10], [401; 10], "10 failures allowed in all, not 10 per process");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    assert!(retry_after.iter().all(|w| (1..=3600).contains(w)), "{retry_after:?}");
    for base in &servers.bases {
        let res = login(&client, base, "zhang", PASSWORD, Some("198.51.100.200")).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the account is held on {base}");
    }

    // Attempts per address, from one address over both processes: the burst of 60, and no
    // more than the quota gave back while they were sent (limits kept in each process would
    // let 120 through).
    let allowed = exhaust(&client, &servers.bases, "203.0.113.9").await;
    assert!(allowed >= 60, "the burst of 60 is allowed: {allowed}");
    // Another address is not held up.
    assert_eq!(cheap_attempt(&client, &servers.bases[1], 99, Some("203.0.113.10")).await, 401);
    // The table holds what both processes counted, in one place.
    let rows = data.db().count("SELECT COUNT(*) FROM signin_limits", &[]).await;
    assert!(rows >= 4, "{rows} rows in signin_limits");
}

/// `X-Forwarded-For` from a peer that is not a trusted proxy is ignored (forged addresses are
/// all counted as the peer), and from a trusted proxy names the client (its right-most
/// untrusted address: a client's own additions on the left do not help it).
#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let client = Client::new();
    // No trusted proxy: the peer (127.0.0.1) is the client whatever the header says.
    let data = Data::fresh().await;
    let servers = start(&data, 1, &[]).await;
    let base = &servers.bases[0];
    let began = Instant::now();
    let mut allowed = 0;
    for i in 0..200 {
        let forged = format!("192.0.2.{}", i % 250 + 1);
        match cheap_attempt(&client, base, i, Some(&forged)).await {
            401 => allowed += 1,
            429 => break,
            other => panic!("attempt {i}: {other}"),
        }
    }
    let most = 60 + given_back(began.elapsed());
    assert!(
        (60..=most).contains(&allowed),
        "a forged header does not escape the peer's limit: {allowed} allowed, at most {most}"
    );
    drop(servers);

    // Behind a trusted proxy (here 127.0.0.1 as nginx would be): the header names the client.
    let data = Data::fresh().await;
    let servers = start(&data, 1, &["--trusted-proxy", "10.9.0.0/16,127.0.0.1"]).await;
    let base = &servers.bases[0];
    let allowed = exhaust(&client, std::slice::from_ref(base), "198.51.100.7").await;
    assert!(allowed >= 60, "the client's burst of 60 is allowed: {allowed}");
    // The client's own forged entry on the left is not taken, and an inner trusted hop is
    // skipped: both name the same client, whose burst is spent (what the quota gave back
    // meanwhile, not another 60).
    for header in ["192.0.2.1, 198.51.100.7", "198.51.100.7, 10.9.3.4"] {
        let again = exhaust(&client, std::slice::from_ref(base), header).await;
        assert!(again < 60, "{header:?} counted as a new client: {again} allowed");
    }
    // Another client behind the same proxy is its own address.
    assert_eq!(cheap_attempt(&client, base, 63, Some("198.51.100.8")).await, 401);
    // Without the header, the proxy itself.
    assert_eq!(cheap_attempt(&client, base, 64, None).await, 401);
}

/// Push an operation stamped `ahead_ms` after now by `token`; the server's answer clock.
async fn push_at(s: &TestServer, token: &str, millis: u64) -> Hlc {
    let answer = s.push(token, &[new_person("zhang", "b1", millis)]).await;
    assert_eq!(answer.results[0].status, shared::sync::OpStatus::Accepted, "{answer:?}");
    answer.server_hlc
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// A stored operation stamped an hour ahead of the wall clock: a restarted server, and (on
/// PostgreSQL) a second process started next to the first, answer clocks after it, each under a
/// node id of its own.
#[tokio::test]
async fn restarted_or_second_process_clock_is_after_every_stored_operation() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let ahead = now_ms() + 3_600_000;
    let first = push_at(&s, &token, ahead).await;
    assert!(first.millis >= ahead && first.device.starts_with("server-"), "{first}");

    // A second process on the same database, started while the first still serves.
    if let Some(url) = s.database.clone() {
        let other = TestServer::start_in(
            Data { dir: tempfile::tempdir().unwrap(), database: Some(url) },
            None,
        )
        .await;
        let token = other.login("zhang", Uuid::now_v7()).await;
        let hlc = push_at(&other, &token, now_ms()).await;
        // After every stored operation. Not necessarily after `first`, the clock the other
        // process answered with: that is not stored, so at the same millisecond and counter the
        // two node ids decide, either way (see ARCHITECTURE, "No state only in a process").
        let stored = Hlc::new(ahead, 0, "zhang-dev");
        assert!(hlc > stored && hlc.millis >= ahead, "{hlc} after the stored {stored}");
        assert!(hlc.device.starts_with("server-") && hlc.device != first.device, "{hlc}");
        other.stop().await;
    }

    // The same server restarted: its clock starts after what is stored, not at the wall clock.
    let data = s.stop().await;
    let s = TestServer::start_in(data, None).await;
    let hlc = push_at(&s, &token, now_ms()).await;
    assert!(hlc.millis >= ahead, "{hlc} is not after the stored {ahead}");
    assert!(hlc.device.starts_with("server-") && hlc.device != first.device, "{hlc}");
}

/// Two processes sharing the data folder, each sent the same chunk of one upload at the same
/// moment, 30 photos of 3 chunks: each chunk is appended once (the upload's lock file holds
/// across processes, not only the process's own mutex), every photo ends whole under its hash,
/// downloadable from either process, with no part left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_append_each_chunk_of_an_upload_once() {
    use sha2::{Digest, Sha256};
    if pg_cluster().is_none() {
        println!("note: two-process upload test skipped: no PostgreSQL (FIELD_TEST_DATABASE_URL)");
        return;
    }
    let (data, servers, client, token) = zhang_on_two_processes().await;

    const CHUNK: usize = 64 * 1024;
    let mut seed = 0x5eed_u64;
    for photo in 0..30 {
        let bytes: Vec<u8> = (0..3 * CHUNK - 100)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        let sha = shared::op::hex(&Sha256::digest(&bytes));
        for offset in (0..bytes.len()).step_by(CHUNK) {
            let chunk = bytes[offset..(offset + CHUNK).min(bytes.len())].to_vec();
            let put = |base: &str| {
                client
                    .put(format!(
                        "{base}/api/v1/attachments/{sha}?offset={offset}&total={}",
                        bytes.len()
                    ))
                    .bearer_auth(&token)
                    .body(chunk.clone())
                    .send()
            };
            let (a, b) = tokio::join!(put(&servers.bases[0]), put(&servers.bases[1]));
            let codes = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
            assert!(codes.contains(&200), "photo {photo}, chunk at {offset}: {codes:?}");
        }
        for base in &servers.bases {
            let res = client
                .get(format!("{base}/api/v1/attachments/{sha}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "photo {photo} complete on {base}");
            assert!(res.bytes().await.unwrap() == bytes, "photo {photo} whole from {base}");
        }
    }
    let tmp = data.dir.path().join("attachments").join("tmp");
    let left: Vec<String> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part") || n.ends_with(".total"))
        .collect();
    assert!(left.is_empty(), "parts left: {left:?}");
}

/// A tablet waiting for news on one process is answered when another process of the same
/// database stores something for it (each process's watcher reads the database every second),
/// well before its timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_through_one_process_answers_a_tablet_waiting_on_another() {
    if pg_cluster().is_none() {
        println!("note: two-process live-update test skipped: no PostgreSQL");
        return;
    }
    let (_data, servers, client, token) = zhang_on_two_processes().await;
    let wait_url = format!("{}/api/v1/sync/wait?cursor=0&timeout=30", servers.bases[0]);
    let push_url = format!("{}/api/v1/sync/push", servers.bases[1]);
    let began = Instant::now();
    let waiting = client.get(wait_url).bearer_auth(&token).send();
    let storing = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let op = new_person("zhang", "b1", now_ms() - 5_000);
        client.post(push_url).bearer_auth(&token).json(&json!({ "ops": [op] })).send().await
    };
    let (answer, stored) = tokio::join!(waiting, storing);
    assert_eq!(stored.unwrap().status(), StatusCode::OK);
    let answer: serde_json::Value = answer.unwrap().json().await.unwrap();
    let took = began.elapsed();
    assert_eq!(answer["changed"], true);
    assert!(took < Duration::from_secs(20), "answered when stored, not at the timeout: {took:?}");
}
