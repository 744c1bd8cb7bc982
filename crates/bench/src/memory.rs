//! Memory with 10,000 and 50,000 people loaded: JS heap (CDP `Runtime.getHeapUsage` after a
//! forced garbage collection) plus the wasm linear memory, for the app (the people list's rows,
//! read as its screen reads them), for plain JS holding the same rows (the target's baseline),
//! and for plain JS holding the records `getAll` gave and the rows (round 1's baseline).
//!
//! The people are stored first and the page is then reloaded, so what is measured is a tablet
//! opening its list onto a database that holds them (the people arrive by pulls of 500 or a
//! file, never as one import of 50,000 in the page that lists them). A wasm module's memory
//! never shrinks, so the app's figure is the largest its heap was while reading and building the
//! rows. For reference the figure is also taken the old way (round 1), the import run in the same
//! page just before the read: then the import's own peak stays in the app's figure.

use serde::Serialize;
use serde_json::json;

use crate::browser::{self, Browser, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::page;

#[derive(Clone, Debug, Serialize)]
pub struct Memory {
    pub people: usize,
    /// App, the list's rows read onto a stored database: JS heap used and wasm memory, bytes.
    pub app_js_heap: f64,
    pub app_wasm: f64,
    /// Plain JS holding the records `getAll` gave (every field and clock) and the rows: JS heap
    /// used (the wasm module is loaded but idle), bytes.
    pub js_js_heap: f64,
    pub js_wasm: f64,
    /// Plain JS holding what the app holds (the rows; the records read are dropped): the
    /// target's baseline.
    pub js_same_js_heap: f64,
    pub js_same_wasm: f64,
    /// App with the import of all the people run in the same page before the read.
    pub app_after_import_js_heap: f64,
    pub app_after_import_wasm: f64,
    /// An empty bench page, for reference.
    pub empty_js_heap: f64,
    pub empty_wasm: f64,
}

impl Memory {
    pub fn app(&self) -> f64 {
        self.app_js_heap + self.app_wasm
    }

    pub fn js_same(&self) -> f64 {
        self.js_same_js_heap + self.js_same_wasm
    }
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

/// How one figure is taken, each in a fresh browser so nothing of another is left on the heap.
#[derive(Clone, Copy)]
enum Case {
    Empty,
    /// Store with the first implementation, reload the page, read and hold with the second.
    Stored(&'static str, &'static str),
    /// The app importing and then reading in one page.
    ImportedHere,
}

async fn measure(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
    people: usize,
    case: Case,
) -> Result<(f64, f64), BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        let held = match case {
            Case::Empty => None,
            Case::Stored(store, hold) => {
                page::run(&browser, "storePeople", json!({ "impl": store, "people": people }))
                    .await?;
                page::open(&browser, origin).await?;
                let args = json!({ "impl": hold, "people": people });
                Some(page::run(&browser, "holdPeople", args).await?)
            }
            Case::ImportedHere => {
                let args = json!({ "impl": "app", "people": people, "importFirst": true });
                Some(page::run(&browser, "holdPeople", args).await?)
            }
        };
        if let Some(held) = held
            && held["count"].as_u64() != Some(people as u64)
        {
            return Err(BenchError::Page {
                scenario: "holdPeople".into(),
                message: format!("read {} of {people} people", held["count"]),
            });
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
) -> Result<Vec<Memory>, BenchError> {
    let mut out = Vec::new();
    for &people in &config.memory_people {
        eprintln!("== memory with {people} people");
        let (empty_js_heap, empty_wasm) = measure(config, driver, origin, 0, Case::Empty).await?;
        let (app_js_heap, app_wasm) =
            measure(config, driver, origin, people, Case::Stored("app", "app")).await?;
        let (js_js_heap, js_wasm) =
            measure(config, driver, origin, people, Case::Stored("js", "js")).await?;
        let (js_same_js_heap, js_same_wasm) =
            measure(config, driver, origin, people, Case::Stored("js", "js_same")).await?;
        let (app_after_import_js_heap, app_after_import_wasm) =
            measure(config, driver, origin, people, Case::ImportedHere).await?;
        out.push(Memory {
            people,
            app_js_heap,
            app_wasm,
            js_js_heap,
            js_wasm,
            js_same_js_heap,
            js_same_wasm,
            app_after_import_js_heap,
            app_after_import_wasm,
            empty_js_heap,
            empty_wasm,
        });
    }
    Ok(out)
}
