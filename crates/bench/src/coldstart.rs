//! Offline cold start: the app is installed (service worker active, shell cached), the server is
//! stopped, and the page is reloaded; the figure is `performance.now()` (from the start of the
//! navigation) when the survey form is in the document, with and without CPU throttling.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Config;
use crate::error::BenchError;
use crate::server::Server;
use crate::webdriver::{Browser, Driver};

/// Installed before any page script: records when the ready selector first matches.
fn ready_probe(selector: &str) -> String {
    format!(
        r#"(() => {{
  const selector = {selector};
  const check = () => {{
    if (window.__benchReady === undefined && document.querySelector(selector)) {{
      window.__benchReady = performance.now();
      return true;
    }}
    return window.__benchReady !== undefined;
  }};
  if (check()) return;
  const observer = new MutationObserver(() => {{ if (check()) observer.disconnect(); }});
  observer.observe(document, {{ subtree: true, childList: true, attributes: true }});
}})();"#,
        selector = Value::String(selector.to_owned())
    )
}

#[derive(Clone, Debug, Serialize)]
pub struct ColdStart {
    /// Milliseconds per run without throttling.
    pub unthrottled_ms: Vec<f64>,
    /// Milliseconds per run with 4× CPU throttling.
    pub throttled_ms: Vec<f64>,
    pub ready_selector: String,
}

pub async fn run(config: &Config, driver: &Driver) -> Result<ColdStart, BenchError> {
    let server =
        Server::start(&config.server, &config.work_dir.join("cold-data"), &config.dist).await?;
    let url = format!("{}/{}", server.origin, config.cold_start_route);
    let browser = driver.browser(&config.chromium).await?;
    let result = measure(config, &browser, server, &url).await;
    browser.quit().await;
    result
}

async fn measure(
    config: &Config,
    browser: &Browser,
    server: Server,
    url: &str,
) -> Result<ColdStart, BenchError> {
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": ready_probe(&config.ready_selector) }),
        )
        .await?;
    // Install: first visit online, wait for the service worker, then a visit it controls.
    browser.goto(url).await?;
    wait_ready(browser, None).await?;
    let installed = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             if (!('serviceWorker' in navigator)) { done('no service worker support'); }
             else navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));",
            json!([]),
        )
        .await?;
    if installed != Value::Bool(true) {
        return Err(BenchError::Browser(format!(
            "service worker did not become ready: {installed}"
        )));
    }
    reload_and_time(browser).await?;
    let controlled =
        browser.execute("return !!navigator.serviceWorker.controller;", json!([])).await?;
    if controlled != Value::Bool(true) {
        return Err(BenchError::Browser(
            "the page is not controlled by the service worker after a reload".into(),
        ));
    }

    // Offline from here on.
    let origin = server.origin.clone();
    server.stop().await;
    if reqwest::get(format!("{origin}/healthz")).await.is_ok() {
        return Err(BenchError::Server("the server still answers after being stopped".into()));
    }

    let mut out = ColdStart {
        unthrottled_ms: vec![],
        throttled_ms: vec![],
        ready_selector: config.ready_selector.clone(),
    };
    for rate in [1.0, 4.0] {
        browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": rate })).await?;
        // One unmeasured reload settles the throttled renderer.
        reload_and_time(browser).await?;
        for _ in 0..config.runs {
            let ms = reload_and_time(browser).await?;
            if rate > 1.0 { out.throttled_ms.push(ms) } else { out.unthrottled_ms.push(ms) }
        }
    }
    browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 1 })).await?;
    Ok(out)
}

/// Reload the page and return the ready time of the new document.
async fn reload_and_time(browser: &Browser) -> Result<f64, BenchError> {
    let before = browser.execute("return performance.timeOrigin;", json!([])).await?.as_f64();
    browser.execute("setTimeout(() => location.reload(), 0); return true;", json!([])).await?;
    wait_ready(browser, before).await
}

async fn wait_ready(browser: &Browser, previous_origin: Option<f64>) -> Result<f64, BenchError> {
    let previous = previous_origin.map_or("null".to_owned(), |v| format!("{v}"));
    let script = format!(
        "try {{ if (performance.timeOrigin === {previous}) return null; return window.__benchReady ?? null; }} catch (e) {{ return null; }}"
    );
    let value = browser.wait_for(&script, Duration::from_secs(60)).await?;
    value
        .as_f64()
        .ok_or_else(|| BenchError::Browser(format!("ready time is not a number: {value}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn probe_quotes_the_selector() {
        let probe = super::ready_probe(r#"[data-testid="survey-form"]"#);
        assert!(probe.contains(r#"const selector = "[data-testid=\"survey-form\"]";"#), "{probe}");
    }
}
