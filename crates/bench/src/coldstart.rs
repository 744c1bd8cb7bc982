//! Offline cold start: the app is installed (service worker active, shell cached), the server is
//! stopped, and the page is reloaded; the figure is `performance.now()` (from the start of the
//! navigation) when the survey form is in the document, with and without CPU throttling.
//!
//! Then, still offline and throttled 4×, the tap: the app freshly opened on the people list, the
//! 新调查 link clicked as soon as the list is in the document, and the milliseconds from the click
//! to the frame that shows the form's first field. The form's code (the `fieldwork` split
//! module) comes from the service worker's cache: the people list starts fetching it once its
//! rows are painted, and a tap before it has arrived waits for the rest, as on a tablet that has
//! just opened the app.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::browser::{self, Browser, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::server::Server;

/// Installed before any page script: records when the ready selector first matches.
pub fn ready_probe(selector: &str) -> String {
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
    /// Milliseconds from the tap on 新调查 to the frame showing the form's first field, 4× CPU
    /// throttling.
    pub tap_throttled_ms: Vec<f64>,
    pub route: String,
    pub ready_selector: String,
    pub browser_lang: String,
}

pub async fn run(config: &Config, driver: &Chromedriver) -> Result<ColdStart, BenchError> {
    let server =
        Server::start(&config.server, &config.work_dir.join("cold-data"), &config.dist).await?;
    let url = format!("{}/{}", server.origin, config.cold_start_route);
    let browser = browser::open(config, driver).await?;
    let result = measure(config, &browser, server, &url).await;
    browser::close(browser).await;
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
        .eval_async(
            "if (!('serviceWorker' in navigator)) { done('no service worker support'); }
             else navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));",
        )
        .await?;
    if installed != Value::Bool(true) {
        return Err(BenchError::Browser(format!(
            "service worker did not become ready: {installed}"
        )));
    }
    reload_and_time(browser).await?;
    let controlled = browser.eval("return !!navigator.serviceWorker.controller;").await?;
    if controlled != Value::Bool(true) {
        return Err(BenchError::Browser(
            "the page is not controlled by the service worker after a reload".into(),
        ));
    }

    // Offline from here on.
    let origin = server.origin.clone();
    server.stop();
    if reqwest::get(format!("{origin}/healthz")).await.is_ok() {
        return Err(BenchError::Server("the server still answers after being stopped".into()));
    }

    let mut out = ColdStart {
        unthrottled_ms: vec![],
        throttled_ms: vec![],
        tap_throttled_ms: vec![],
        route: config.cold_start_route.clone(),
        ready_selector: config.ready_selector.clone(),
        browser_lang: config.language().to_owned(),
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
    // Still 4×: one unmeasured tap settles it, as above.
    tap_and_time(browser).await?;
    for _ in 0..config.runs {
        out.tap_throttled_ms.push(tap_and_time(browser).await?);
    }
    browser.cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 1 })).await?;
    Ok(out)
}

/// Reload the page and return the ready time of the new document.
async fn reload_and_time(browser: &Browser) -> Result<f64, BenchError> {
    let before = browser.eval("return performance.timeOrigin;").await?.as_f64();
    browser.eval("setTimeout(() => location.reload(), 0); return true;").await?;
    wait_ready(browser, before).await
}

/// What the tap waits for: the survey form's first field.
const FIRST_FIELD: &str = r#"[data-testid="survey-form"] input, [data-testid="survey-form"] select, [data-testid="survey-form"] textarea"#;

/// Open the people list in a fresh document, tap 新调查 once it is there, and return the
/// milliseconds from the tap to the frame that shows the form's first field painted (the
/// callback of a timer set in the next animation frame). The survey form is what the issue's
/// target names, so the field is the form's whatever `--ready-selector` says.
async fn tap_and_time(browser: &Browser) -> Result<f64, BenchError> {
    let before = browser.eval("return performance.timeOrigin;").await?;
    browser
        .eval("location.hash = '#/people'; setTimeout(() => location.reload(), 0); return true;")
        .await?;
    let condition = format!(
        r#"try {{ return performance.timeOrigin !== {before}
             && !!document.querySelector('[data-testid="people-count"]')
             && !!document.querySelector('[data-testid="nav-new-survey"]'); }} catch (e) {{ return false; }}"#
    );
    browser.wait_until("the people list", &condition, Duration::from_secs(60)).await?;
    let tap = format!(
        r#"const selector = {first};
           const t0 = performance.now();
           const observer = new MutationObserver(() => {{
             if (document.querySelector(selector)) {{
               observer.disconnect();
               // After the frame that shows it is painted, not only when it is in the document.
               requestAnimationFrame(() => setTimeout(() => {{
                 window.__benchTapMs = performance.now() - t0;
               }}, 0));
             }}
           }});
           observer.observe(document, {{ subtree: true, childList: true }});
           document.querySelector('[data-testid="nav-new-survey"]').click();
           return true;"#,
        first = Value::String(FIRST_FIELD.to_owned())
    );
    browser.eval(&tap).await?;
    browser
        .wait_until(
            "the survey form's first field",
            "return window.__benchTapMs !== undefined;",
            Duration::from_secs(60),
        )
        .await?;
    let value = browser.eval("return window.__benchTapMs;").await?;
    value.as_f64().ok_or_else(|| BenchError::Browser(format!("tap time is not a number: {value}")))
}

/// Wait for a document other than the one with `previous_origin` to have recorded its ready time,
/// and return that time.
async fn wait_ready(browser: &Browser, previous_origin: Option<f64>) -> Result<f64, BenchError> {
    let previous = previous_origin.map_or("null".to_owned(), |v| format!("{v}"));
    let condition = format!(
        "try {{ return performance.timeOrigin !== {previous} && window.__benchReady !== undefined; }} catch (e) {{ return false; }}"
    );
    browser.wait_until("the survey form", &condition, Duration::from_secs(60)).await?;
    let value = browser.eval("return window.__benchReady;").await?;
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
