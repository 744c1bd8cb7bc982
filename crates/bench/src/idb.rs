//! IndexedDB: the same saves, import, read and search by the app, the plain-JS baseline (also in
//! a "same work" variant) and Dexie, in one browser, with the order rotated between runs.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::browser::{self, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::page;
use crate::stats::percentile;

pub const IMPLS: [&str; 4] = ["app", "js", "js_same_work", "dexie"];

/// Figures of one implementation in one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IdbRun {
    pub save_p50_ms: f64,
    pub save_p95_ms: f64,
    pub import_ms: f64,
    pub read_ms: f64,
    pub rows_ms: f64,
    pub search_ms: f64,
    pub count: u64,
    pub matches: u64,
    pub record_bytes: u64,
}

fn parse(value: &Value) -> IdbRun {
    let f = |k: &str| value[k].as_f64().unwrap_or(f64::NAN);
    let saves: Vec<f64> = value["save_ms"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    IdbRun {
        save_p50_ms: percentile(&saves, 50.0),
        save_p95_ms: percentile(&saves, 95.0),
        import_ms: f("import_ms"),
        read_ms: f("read_ms"),
        rows_ms: f("rows_ms"),
        search_ms: f("search_ms"),
        count: value["count"].as_u64().unwrap_or(0),
        matches: value["matches"].as_u64().unwrap_or(0),
        record_bytes: value["record_bytes"].as_u64().unwrap_or(0),
    }
}

/// Every run, per implementation.
pub async fn run(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<BTreeMap<String, Vec<IdbRun>>, BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        let mut out: BTreeMap<String, Vec<IdbRun>> = BTreeMap::new();
        for i in 0..config.runs {
            let mut order = IMPLS.to_vec();
            order.rotate_left(i % IMPLS.len());
            let args = json!({ "saves": config.saves, "people": config.people, "order": order });
            let value = page::run(&browser, "idb", args).await?;
            for key in IMPLS {
                let run = parse(&value[key]);
                if run.count != config.people as u64 {
                    return Err(BenchError::Page {
                        scenario: "idb".into(),
                        message: format!("{key} read {} of {} people", run.count, config.people),
                    });
                }
                out.entry(key.to_owned()).or_default().push(run);
            }
            eprintln!("  idb run {}/{} done", i + 1, config.runs);
        }
        Ok(out)
    }
    .await;
    browser::close(browser).await;
    result
}
