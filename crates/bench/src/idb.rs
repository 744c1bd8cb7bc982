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
    let saves = page::times(value, "save_ms");
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

/// Every run, per implementation: `runs` runs of `impls` in one fresh browser, the order rotated.
async fn run_set(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
    impls: &[&str],
    (saves, people, runs): (usize, usize, usize),
) -> Result<BTreeMap<String, Vec<IdbRun>>, BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        let mut out: BTreeMap<String, Vec<IdbRun>> = BTreeMap::new();
        for i in 0..runs {
            let mut order = impls.to_vec();
            order.rotate_left(i % impls.len());
            let args = json!({ "saves": saves, "people": people, "order": order });
            let value = page::run(&browser, "idb", args).await?;
            for &key in impls {
                let run = parse(&value[key]);
                if run.count != people as u64 {
                    return Err(BenchError::Page {
                        scenario: "idb".into(),
                        message: format!("{key} read {} of {people} people", run.count),
                    });
                }
                out.entry(key.to_owned()).or_default().push(run);
            }
            eprintln!("  idb run {}/{runs} done", i + 1);
        }
        Ok(out)
    }
    .await;
    browser::close(browser).await;
    result
}

/// `--idb-sets` consecutive sets of `--runs` runs of every implementation, each set in a fresh
/// browser (as consecutive runs of `scripts/bench.sh` would be).
pub async fn run(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<Vec<BTreeMap<String, Vec<IdbRun>>>, BenchError> {
    let mut sets = Vec::with_capacity(config.idb_sets);
    for set in 0..config.idb_sets {
        eprintln!("== IndexedDB set {}/{}", set + 1, config.idb_sets);
        let sizes = (config.saves, config.people, config.runs);
        sets.push(run_set(config, driver, origin, &IMPLS, sizes).await?);
    }
    Ok(sets)
}

/// The people list at `--large-people`: read, rows and search by the app and plain JS (no saves).
pub async fn large(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<BTreeMap<String, Vec<IdbRun>>, BenchError> {
    let sizes = (0, config.large_people, config.large_runs);
    run_set(config, driver, origin, &["app", "js"], sizes).await
}

/// Milliseconds of each keystroke draft written while `--keystrokes` characters are typed: by
/// the app, then by plain JavaScript writing the same text the same way, once both have typed
/// the same untimed (`bench.js` `keystrokeDrafts`: the browser's IndexedDB warmed up for both).
pub async fn keystroke_drafts(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<DraftTimes, BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        let value =
            page::run(&browser, "keystrokeDrafts", json!({ "keystrokes": config.keystrokes }))
                .await?;
        let times = |key: &str| -> Result<Vec<f64>, BenchError> {
            let times = page::times(&value, key);
            if times.len() != config.keystrokes {
                return Err(BenchError::Page {
                    scenario: "keystrokeDrafts".into(),
                    message: format!(
                        "{key}: {} of {} drafts timed",
                        times.len(),
                        config.keystrokes
                    ),
                });
            }
            Ok(times)
        };
        Ok(DraftTimes { app: times("draft_ms")?, plain_js: times("js_draft_ms")? })
    }
    .await;
    browser::close(browser).await;
    result
}

/// Milliseconds of each keystroke draft write.
pub struct DraftTimes {
    pub app: Vec<f64>,
    pub plain_js: Vec<f64>,
}
