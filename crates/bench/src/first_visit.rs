//! The first visit over a slow line: a fresh browser (nothing cached, no service worker) opens
//! `--cold-start-route` (default the survey form) through [`SlowLine`] at Lighthouse's slow 4G,
//! with 4× CPU throttling. Two figures a run, in milliseconds from the start of the navigation:
//! - *screen*: `--ready-selector` in the document (default the survey form, as the cold start);
//! - *offline*: the service worker active, i.e. its precache of the whole app done: from then
//!   on the app opens with no network.
//!
//! Both share the line: until session 33 the service worker was registered as the app mounted,
//! and its precache (the whole app) was fetched beside the screen's own module.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::browser::{self, Chromedriver};
use crate::coldstart::ready_probe;
use crate::config::Config;
use crate::error::BenchError;
use crate::server::Server;
use crate::slow_line::{Line, SlowLine};

/// Installed before any page script, beside the cold start's probe of the ready selector: when
/// a service worker is active.
const OFFLINE_PROBE: &str = "if ('serviceWorker' in navigator) {
  navigator.serviceWorker.ready.then(() => { window.__benchOffline = performance.now(); });
}";

#[derive(Clone, Debug, Serialize)]
pub struct FirstVisit {
    /// Milliseconds from the navigation to the screen in the document, per run.
    pub screen_ms: Vec<f64>,
    /// Milliseconds from the navigation to the service worker active, per run.
    pub offline_ms: Vec<f64>,
    pub route: String,
    /// What marks the screen shown (`--ready-selector`).
    pub ready_selector: String,
    /// What paid the line's round trip.
    pub line_latency: crate::slow_line::Latency,
    pub browser_lang: String,
}

pub async fn run(config: &Config, driver: &Chromedriver) -> Result<FirstVisit, BenchError> {
    let server =
        Server::start(&config.server, &config.work_dir.join("first-visit-data"), &config.dist)
            .await?;
    let outcome = runs(config, driver, &server).await;
    server.stop();
    outcome
}

async fn runs(
    config: &Config,
    driver: &Chromedriver,
    server: &Server,
) -> Result<FirstVisit, BenchError> {
    let address: SocketAddr =
        server.origin.trim_start_matches("http://").parse().map_err(|e| {
            BenchError::Server(format!("the server's address {}: {e}", server.origin))
        })?;
    let mut out = FirstVisit {
        screen_ms: vec![],
        offline_ms: vec![],
        route: config.cold_start_route.clone(),
        ready_selector: config.ready_selector.clone(),
        line_latency: config.line_latency,
        browser_lang: config.language().to_owned(),
    };
    for i in 0..config.runs {
        eprintln!("   first visit over slow 4G, run {}/{}", i + 1, config.runs);
        // A line of its own each run: nothing of the run before is still on it.
        let line = Line { latency: config.line_latency, ..Line::SLOW_4G };
        let line = SlowLine::start(address, line)
            .await
            .map_err(|e| BenchError::Io("start the slow line".into(), e))?;
        let url = format!("{}/{}", line.origin, config.cold_start_route);
        let browser = browser::open(config, driver).await?;
        let measured = visit(config, &browser, &url).await;
        browser::close(browser).await;
        let (form, offline) = measured?;
        out.screen_ms.push(form);
        out.offline_ms.push(offline);
    }
    Ok(out)
}

async fn visit(
    config: &Config,
    browser: &browser::Browser,
    url: &str,
) -> Result<(f64, f64), BenchError> {
    for probe in [ready_probe(&config.ready_selector), OFFLINE_PROBE.to_owned()] {
        browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": probe })).await?;
    }
    browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 })).await?;
    browser.goto(url).await?;
    browser
        .wait_until(
            "the survey form and the service worker",
            "return window.__benchReady !== undefined && window.__benchOffline !== undefined;",
            Duration::from_secs(180),
        )
        .await?;
    let value = browser.eval("return [window.__benchReady, window.__benchOffline];").await?;
    match (value[0].as_f64(), value[1].as_f64()) {
        (Some(form), Some(offline)) => Ok((form, offline)),
        _ => Err(BenchError::Browser(format!("the first visit's times are not numbers: {value}"))),
    }
}
