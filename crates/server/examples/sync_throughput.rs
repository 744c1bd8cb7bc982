//! Sync throughput over loopback HTTP: push 10,000 operations in batches, then pull them all
//! back, against the real app with a real SQLite file (WAL, synchronous=FULL).
//!
//! ```sh
//! cargo run -p server --release --example sync_throughput [-- --ops 10000 --batch 500]
//! ```

use std::time::Instant;

use reqwest::Client;
use serde_json::json;
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, LoginResponse, PullResponse, PushResponse};
use uuid::Uuid;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn op(device: Uuid, millis: u64, i: usize) -> Operation {
    Operation {
        id: Uuid::now_v7(),
        device_id: device,
        author: "bench".into(),
        hlc: Hlc::new(millis, 0, "bench-dev"),
        entity: EntityKind::Person,
        entity_id: Uuid::now_v7(),
        branch_id: format!("b{}", i % 8),
        kind: OpKind::Upsert,
        changes: ["name", "village_unit", "notes"]
            .iter()
            .map(|f| FieldChange {
                field: (*f).into(),
                value: json!(format!("{f} {i}")),
                base: None,
            })
            .collect(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total = arg("--ops", 10_000);
    let batch = arg("--batch", 500).clamp(1, shared::sync::MAX_PUSH_OPS);
    let dir = tempfile::tempdir()?;
    let state = server::open_state(dir.path(), &dir.path().join("no-dist"))?;
    server::users::create(
        state.store.as_ref(),
        CreateUserRequest {
            username: "bench".into(),
            password: "bench-password".into(),
            display_name: "压测".into(),
            role: Role::TownOffice,
            branches: vec![],
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(server::serve(listener, state, std::future::pending()));

    let client = Client::new();
    let device = Uuid::now_v7();
    let login: LoginResponse = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "bench", "password": "bench-password", "device_id": device}))
        .send()
        .await?
        .json()
        .await?;
    let token = login.token;
    let start_ms = u64::try_from(chrono::Utc::now().timestamp_millis())? - 3_600_000;
    let ops: Vec<Operation> = (0..total).map(|i| op(device, start_ms + i as u64, i)).collect();

    let began = Instant::now();
    for chunk in ops.chunks(batch) {
        let res: PushResponse = client
            .post(format!("{base}/api/v1/sync/push"))
            .bearer_auth(&token)
            .json(&json!({ "ops": chunk }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        assert!(res.results.iter().all(|r| r.status.is_acknowledged()));
    }
    let push_secs = began.elapsed().as_secs_f64();

    let began = Instant::now();
    let (mut cursor, mut pulled) = (0, 0);
    loop {
        let page: PullResponse = client
            .get(format!("{base}/api/v1/sync/pull?cursor={cursor}&limit=5000"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        pulled += page.ops.len();
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let pull_secs = began.elapsed().as_secs_f64();
    assert_eq!(pulled, total, "every pushed operation is pulled back");

    println!(
        "sync throughput (loopback HTTP, SQLite WAL synchronous=FULL): push {total} ops in batches of {batch}: \
         {push_secs:.2} s = {:.0} ops/s; pull {pulled} ops (pages of 5000): {pull_secs:.2} s = {:.0} ops/s",
        total as f64 / push_secs,
        pulled as f64 / pull_secs
    );
    Ok(())
}
