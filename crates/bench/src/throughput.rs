//! Sync throughput of the server itself: the server library runs in this process (no browser, no
//! separate binary) on a fresh SQLite file (WAL, synchronous=FULL); N operations are pushed over
//! loopback HTTP in batches, then pulled back in pages of [`PULL_PAGE`]. Until issue 13 this was
//! `crates/server/examples/sync_throughput.rs`; the server and this client share one
//! multi-threaded runtime, as they did there.

use std::path::PathBuf;
use std::time::Instant;

use reqwest::Client;
use serde::Serialize;
use serde_json::json;
use shared::op::Operation;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, LoginResponse, MAX_PUSH_OPS};
use uuid::Uuid;

use crate::config::Config;
use crate::error::BenchError;
use crate::sync_client::{fail, person, pull, push};

/// Operations per pull.
pub const PULL_PAGE: usize = 5_000;
const USERNAME: &str = "bench";
const PASSWORD: &str = "bench-password";

/// One run.
#[derive(Clone, Debug, Serialize)]
pub struct ThroughputRun {
    pub ops: usize,
    pub batch: usize,
    pub push_s: f64,
    pub pull_s: f64,
}

/// `--throughput-ops` operations in batches of `--throughput-batch` on a fresh data directory.
pub async fn run_once(config: &Config) -> Result<ThroughputRun, BenchError> {
    let data = config.work_dir.join("throughput");
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .map_err(|e| BenchError::Io(format!("clear {}", data.display()), e))?;
    }
    std::fs::create_dir_all(&data)
        .map_err(|e| BenchError::Io(format!("create {}", data.display()), e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Io("start a runtime".into(), e))?;
    let (total, batch) = (config.throughput_ops, config.throughput_batch.clamp(1, MAX_PUSH_OPS));
    let outcome = runtime.spawn(measure(data.clone(), total, batch)).await;
    runtime.shutdown_background();
    let _ = std::fs::remove_dir_all(&data);
    outcome.map_err(|e| fail("throughput run", e))?
}

async fn measure(data: PathBuf, total: usize, batch: usize) -> Result<ThroughputRun, BenchError> {
    let state = server::open_state(&data, &data.join("no-dist")).map_err(|e| fail("open", e))?;
    server::users::create(
        state.store.as_ref(),
        &state.hashing,
        CreateUserRequest {
            username: USERNAME.into(),
            password: PASSWORD.into(),
            display_name: "压测".into(),
            role: Role::TownOffice,
            branches: vec![],
        },
        Some(server::store::DEFAULT_TOWN),
    )
    .await
    .map_err(|e| fail("create the user", e))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| BenchError::Io("bind 127.0.0.1:0".into(), e))?;
    let address = listener.local_addr().map_err(|e| BenchError::Io("local address".into(), e))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let outcome = exchange(&format!("http://{address}"), total, batch).await;
    let _ = stop.send(());
    let _ = serving.await;
    outcome
}

/// Log in, push every operation, pull them all back.
async fn exchange(base: &str, total: usize, batch: usize) -> Result<ThroughputRun, BenchError> {
    let client = Client::new();
    let device = Uuid::now_v7();
    let login: LoginResponse = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": USERNAME, "password": PASSWORD, "device_id": device}))
        .send()
        .await
        .map_err(|e| fail("login", e))?
        .json()
        .await
        .map_err(|e| fail("login answer", e))?;
    let token = login.token;
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    let start_ms = now.saturating_sub(3_600_000);
    let ops: Vec<Operation> = (0..total)
        .map(|i| {
            person(USERNAME, device, "bench-dev", &format!("b{}", i % 8), start_ms + i as u64, i)
        })
        .collect();

    let began = Instant::now();
    for chunk in ops.chunks(batch) {
        push(&client, base, &token, None, chunk).await?;
    }
    let push_s = began.elapsed().as_secs_f64();

    let began = Instant::now();
    let (mut cursor, mut pulled) = (0, 0);
    loop {
        let page = pull(&client, base, &token, None, cursor, PULL_PAGE).await?;
        pulled += page.ops.len();
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let pull_s = began.elapsed().as_secs_f64();
    if pulled != total {
        return Err(fail("pull", format!("{pulled} operations came back of {total} pushed")));
    }
    Ok(ThroughputRun { ops: total, batch, push_s, pull_s })
}
