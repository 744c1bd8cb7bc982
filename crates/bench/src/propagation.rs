//! Propagation (issue 15): how long a change the server acknowledged takes to show on another
//! tablet that is online and idle, and what that idle tablet costs.
//!
//! The app (release build, served by the release server) is signed in on the people list. The
//! runner stores a new member through the sync API `--propagation-runs` times (a pause between,
//! so the tablet is back to waiting), and a `MutationObserver` in the page notes `Date.now()`
//! when the member's name appears; the figure is that minus the wall clock just before the push
//! was sent (one machine, one clock). Then the tablet is left alone for `--idle-seconds` and the
//! requests it made meanwhile are counted from the page's resource timing (`fetch` entries to
//! the server's API and `/healthz`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::browser::{self, Browser, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::server::{self, Server};
use crate::stats::{Summary, percentile};
use crate::sync_client;

#[derive(Debug, Serialize)]
pub struct Propagation {
    /// Milliseconds from "push sent" to "name on the other tablet's screen", per run.
    pub ms: Vec<f64>,
    pub summary: Summary,
    pub p95_ms: f64,
    /// Requests the idle tablet made in `idle_seconds`, and per minute.
    pub idle_seconds: u64,
    pub idle_requests: usize,
    pub idle_requests_per_minute: f64,
}

/// Installed in the page: when a name of `window.__benchWant` appears, note the time.
const OBSERVER: &str = r#"
window.__benchSeen = {};
window.__benchWant = [];
const look = () => {
  const text = document.body ? document.body.textContent : '';
  for (const name of window.__benchWant) {
    if (!(name in window.__benchSeen) && text.includes(name)) window.__benchSeen[name] = Date.now();
  }
};
new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
return true;
"#;

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

pub async fn run(config: &Config, driver: &Chromedriver) -> Result<Propagation, BenchError> {
    let server =
        Server::start(&config.server, &config.work_dir.join("propagation-data"), &config.dist)
            .await?;
    let browser = browser::open(config, driver).await?;
    let result = measure(config, &browser, &server).await;
    browser::close(browser).await;
    server.stop();
    result
}

async fn measure(
    config: &Config,
    tablet: &Browser,
    server: &Server,
) -> Result<Propagation, BenchError> {
    let origin = &server.origin;
    let password = server::PASSWORD;
    tablet.sign_in(origin, server::USERNAME, password).await?;
    tablet.sync(origin).await?;
    tablet.goto(&format!("{origin}/#/people")).await?;
    tablet.wait_for(&e2e::testid("people-count"), e2e::FIRST_LOAD_TIMEOUT).await?;
    tablet.eval(OBSERVER).await?;
    let token = server.login().await?;
    let client = reqwest::Client::new();
    let device = Uuid::now_v7();
    // Let the app settle into its wait.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut ms = Vec::with_capacity(config.propagation_runs);
    for i in 0..config.propagation_runs {
        let mut op = sync_client::person("bench", device, "bench-runner", "b1", now_ms() as u64, i);
        let name = format!("传播测量{i:03}");
        if let Some(change) = op.changes.iter_mut().find(|c| c.field == "name") {
            change.value = json!(name);
        }
        tablet.eval(&format!("window.__benchWant.push({}); return true;", json!(name))).await?;
        let sent = now_ms();
        sync_client::push(&client, origin, &token, None, &[op]).await?;
        let seen = wait_seen(tablet, &name).await?;
        ms.push((seen - sent).max(0.0));
        eprintln!(
            "   propagation run {}/{}: {:.0} ms",
            i + 1,
            config.propagation_runs,
            seen - sent
        );
        tokio::time::sleep(Duration::from_millis(1_500)).await;
    }

    // The idle tablet's requests: resource timing entries of its fetches to the server.
    tablet.eval("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(10000); return true;").await?;
    tokio::time::sleep(Duration::from_secs(config.idle_seconds)).await;
    let count = tablet
        .eval(
            "return performance.getEntriesByType('resource')
               .filter(e => e.initiatorType === 'fetch' &&
                            (e.name.includes('/api/') || e.name.includes('/healthz'))).length;",
        )
        .await?;
    let idle_requests = count.as_u64().unwrap_or(0) as usize;
    Ok(Propagation {
        p95_ms: percentile(&ms, 95.0),
        summary: Summary::of(ms.clone()),
        ms,
        idle_seconds: config.idle_seconds,
        idle_requests,
        idle_requests_per_minute: idle_requests as f64 * 60.0 / config.idle_seconds.max(1) as f64,
    })
}

/// The time the page noted for `name` (waiting up to a minute).
async fn wait_seen(tablet: &Browser, name: &str) -> Result<f64, BenchError> {
    for _ in 0..1_200 {
        let seen: Value =
            tablet.eval(&format!("return window.__benchSeen[{}] ?? null;", json!(name))).await?;
        if let Some(at) = seen.as_f64() {
            return Ok(at);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(BenchError::Server(format!("{name} did not reach the other tablet within a minute")))
}
