//! Memory with 10,000 people loaded: JS heap (CDP `Runtime.getHeapUsage` after a forced garbage
//! collection) plus the wasm linear memory, for the app; JS heap alone for the plain-JS baseline.

use serde::Serialize;
use serde_json::json;

use crate::browser::{self, Browser, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::page;

#[derive(Clone, Debug, Serialize)]
pub struct Memory {
    pub people: usize,
    /// App: JS heap used and wasm memory, bytes.
    pub app_js_heap: f64,
    pub app_wasm: f64,
    /// Baseline: JS heap used (the wasm module is loaded but idle), bytes.
    pub js_js_heap: f64,
    pub js_wasm: f64,
    /// An empty bench page, for reference.
    pub empty_js_heap: f64,
    pub empty_wasm: f64,
}

async fn heap(browser: &Browser) -> Result<f64, BenchError> {
    browser.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    let usage = browser.cdp("Runtime.getHeapUsage", json!({})).await?;
    usage["usedSize"].as_f64().ok_or_else(|| BenchError::Browser(format!("no usedSize in {usage}")))
}

async fn wasm_bytes(browser: &Browser) -> Result<f64, BenchError> {
    let v = browser
        .eval_async(
            "import('./pkg/bench_web.js').then((m) => done(m.wasm_memory_bytes()), (e) => done(String(e)));",
        )
        .await?;
    v.as_f64().ok_or_else(|| BenchError::Browser(format!("wasm memory: {v}")))
}

/// One fresh browser per measurement so nothing of the other is left on the heap.
async fn measure(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
    scenario: Option<&str>,
) -> Result<(f64, f64), BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        if let Some(name) = scenario {
            page::run(&browser, name, json!({ "people": config.people })).await?;
        }
        Ok((heap(&browser).await?, wasm_bytes(&browser).await?))
    }
    .await;
    browser::close(browser).await;
    result
}

pub async fn run(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<Memory, BenchError> {
    let (empty_js_heap, empty_wasm) = measure(config, driver, origin, None).await?;
    let (app_js_heap, app_wasm) = measure(config, driver, origin, Some("loadAppPeople")).await?;
    let (js_js_heap, js_wasm) = measure(config, driver, origin, Some("loadJsPeople")).await?;
    Ok(Memory {
        people: config.people,
        app_js_heap,
        app_wasm,
        js_js_heap,
        js_wasm,
        empty_js_heap,
        empty_wasm,
    })
}
