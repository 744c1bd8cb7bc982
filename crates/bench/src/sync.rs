//! Sync: push N operations to a fresh server over HTTP (server ingest), insert the same rows with
//! raw rusqlite (the baseline), and pull them into a fresh browser through the app's store.

use std::time::Instant;

use serde::Serialize;
use serde_json::json;
use shared::op::Operation;
use shared::sync::{DEFAULT_PULL_LIMIT, MAX_PUSH_OPS, PushRequest, PushResponse};

use crate::browser::{self, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::server::{Server, USERNAME};
use crate::{ops, page, sqlite_baseline};

/// One run with `n` operations.
#[derive(Clone, Debug, Serialize)]
pub struct SyncRun {
    pub ops: usize,
    pub push_s: f64,
    pub baseline_s: f64,
    pub pull_s: f64,
    pub pull_apply_s: f64,
}

/// Push `ops` in batches of [`MAX_PUSH_OPS`]; the seconds from the first request sent to the
/// last answer read. The request bodies are encoded before the clock starts, as the raw
/// baseline's rows are prepared before its clock: the figure is the server's ingest, not the
/// runner's JSON encoding.
pub async fn push_all(origin: &str, token: &str, ops: &[Operation]) -> Result<f64, BenchError> {
    let http = reqwest::Client::new();
    let bodies = ops
        .chunks(MAX_PUSH_OPS)
        .map(|batch| serde_json::to_vec(&PushRequest { ops: batch.to_vec() }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BenchError::Server(format!("push request: {e}")))?;
    let started = Instant::now();
    for body in bodies {
        let response = http
            .post(format!("{origin}/api/v1/sync/push"))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| BenchError::Server(format!("push: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(BenchError::Server(format!("push answered {status}: {body}")));
        }
        let answer: PushResponse =
            response.json().await.map_err(|e| BenchError::Server(format!("push answer: {e}")))?;
        if let Some(bad) = answer.results.iter().find(|r| !r.status.is_acknowledged()) {
            return Err(BenchError::Server(format!("push rejected {}: {:?}", bad.id, bad.message)));
        }
    }
    Ok(started.elapsed().as_secs_f64())
}

pub async fn run_once(
    config: &Config,
    driver: &Chromedriver,
    n: usize,
) -> Result<SyncRun, BenchError> {
    let ops = ops::people_ops(n, USERNAME);
    let work = config.work_dir.join("sync");
    let server =
        Server::start(&config.server, &work.join("server-data"), &config.bench_dist).await?;
    let outcome = async {
        let token = server.login().await?;
        let push_s = push_all(&server.origin, &token, &ops).await?;
        let baseline_s = sqlite_baseline::ingest(&work.join("baseline.db"), &ops, MAX_PUSH_OPS)?;

        let browser = browser::open(config, driver).await?;
        let pulled = async {
            page::open(&browser, &server.origin).await?;
            let args = json!({ "origin": server.origin, "token": token, "limit": config.pull_limit.unwrap_or(DEFAULT_PULL_LIMIT) });
            page::run(&browser, "pull", args).await
        }
        .await;
        browser::close(browser).await;
        let pulled = pulled?;
        let got = pulled["ops"].as_u64().unwrap_or(0) as usize;
        if got != n {
            return Err(BenchError::Server(format!("pulled {got} operations, pushed {n}")));
        }
        Ok(SyncRun {
            ops: n,
            push_s,
            baseline_s,
            pull_s: pulled["ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
            pull_apply_s: pulled["apply_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        })
    }
    .await;
    server.stop();
    let _ = std::fs::remove_dir_all(&work);
    outcome
}
