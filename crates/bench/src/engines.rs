//! Storage engines side by side (`--only engines`): plain JavaScript stores a pull's records,
//! reads them back and saves one at a time through IndexedDB (as the app stores them) and
//! through SQLite on the Origin Private File System in a worker (`js/engines.js`,
//! `js/engines-worker.js`, npm `@sqlite.org/sqlite-wasm`). No app code is measured: the figures
//! size what a change of the app's storage engine would buy, and what SQLite's own files weigh
//! (docs/PERFORMANCE.md, session 36).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};
use shared::sync::DEFAULT_PULL_LIMIT;

use crate::browser::{self, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::page;
use crate::sizes::{self, Sizes};
use crate::stats::{Summary, percentile};

/// The engines, as the page names them: IndexedDB with Chromium's default durability (the
/// app's) and `strict`; SQLite in a write-ahead log with commits not flushed
/// (`synchronous=NORMAL`: the pair of the default) and flushed (`FULL`).
pub const ENGINES: [&str; 4] = ["indexeddb", "indexeddb_strict", "sqlite_opfs", "sqlite_opfs_full"];

/// Saves of one record timed in each run of each engine.
const SAVES: usize = 200;

/// SQLite's own files on the bench page: what an app storing in it would add to its build.
pub const SQLITE_FILES: [&str; 2] = ["sqlite3.wasm", "sqlite3.mjs"];

/// One engine in one run.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineRun {
    pub engine: String,
    pub pull_ms: f64,
    /// SQLite's: the part of the pull spent inside its transactions, in the worker.
    pub pull_store_ms: Option<f64>,
    pub read_ms: f64,
    pub save_p50_ms: f64,
    pub save_p95_ms: f64,
}

/// Every run summarised per engine, what each engine reported of its settings, and the sizes of
/// SQLite's files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Engines {
    pub records: usize,
    pub page: u32,
    pub figures: BTreeMap<String, BTreeMap<String, Summary>>,
    /// Each engine's settings as the page reported them: IndexedDB's durability; SQLite's
    /// version, `journal_mode`, `locking_mode`, `synchronous` and `page_size`.
    pub settings: BTreeMap<String, Settings>,
    /// SQLite's files (raw, gzip, brotli bytes).
    pub sqlite_files: BTreeMap<String, Sizes>,
}

fn parse(value: &Value, saves: usize) -> Result<EngineRun, BenchError> {
    let bad = |message: String| BenchError::Page { scenario: "storageEngines".into(), message };
    let number =
        |key: &str| value[key].as_f64().ok_or_else(|| bad(format!("{key} missing in {value}")));
    let times = page::times(value, "save_ms");
    if times.len() != saves {
        return Err(bad(format!("{} of {saves} saves timed", times.len())));
    }
    let engine =
        value["engine"].as_str().ok_or_else(|| bad(format!("engine missing in {value}")))?;
    if !ENGINES.contains(&engine) {
        return Err(bad(format!("unknown engine {engine}")));
    }
    let pull_store_ms = value["pull_store_ms"].as_f64();
    if engine.starts_with("sqlite") && pull_store_ms.is_none() {
        return Err(bad(format!("pull_store_ms missing in {value}")));
    }
    Ok(EngineRun {
        engine: engine.to_owned(),
        pull_ms: number("pull_ms")?,
        pull_store_ms,
        read_ms: number("read_ms")?,
        save_p50_ms: percentile(&times, 50.0),
        save_p95_ms: percentile(&times, 95.0),
    })
}

/// An engine's settings as the page reported them, by name.
type Settings = BTreeMap<String, String>;

/// What an engine said of its settings in the run's answer (the same in every run).
fn settings_of(value: &Value) -> Settings {
    ["durability", "sqlite", "journal_mode", "locking_mode", "synchronous", "page_size"]
        .into_iter()
        .filter_map(|key| Some((key.to_owned(), value[key].as_str()?.to_owned())))
        .collect()
}

/// The page's answer to one run: every engine of `order`, each once.
fn parse_run(
    answer: &Value,
    order: &[&str],
    saves: usize,
) -> Result<Vec<(EngineRun, Settings)>, BenchError> {
    let bad = |message: String| BenchError::Page { scenario: "storageEngines".into(), message };
    let items = answer.as_array().ok_or_else(|| bad(format!("not a list: {answer}")))?;
    let runs = items
        .iter()
        .map(|item| Ok((parse(item, saves)?, settings_of(item))))
        .collect::<Result<Vec<_>, BenchError>>()?;
    let named: Vec<&str> = runs.iter().map(|(r, _)| r.engine.as_str()).collect();
    if named != order {
        return Err(bad(format!("asked for {order:?}, the page answered {named:?}")));
    }
    Ok(runs)
}

/// `--runs` runs in one fresh browser, the engines' order rotated from run to run; `--people`
/// records, pulled in pages of `--pull-limit`.
pub async fn run(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<Engines, BenchError> {
    let page_size = config.pull_limit.unwrap_or(DEFAULT_PULL_LIMIT);
    let browser = browser::open(config, driver).await?;
    let result: Result<_, BenchError> = async {
        page::open(&browser, origin).await?;
        let mut runs = Vec::new();
        let mut settings = BTreeMap::new();
        for i in 0..config.runs {
            let mut order = ENGINES.to_vec();
            order.rotate_left(i % ENGINES.len());
            let args = json!({
                "people": config.people, "page": page_size, "saves": SAVES, "order": order,
            });
            let answer = page::run(&browser, "storageEngines", args).await?;
            for (run, its) in parse_run(&answer, &order, SAVES)? {
                settings.insert(run.engine.clone(), its);
                runs.push(run);
            }
        }
        Ok((runs, settings))
    }
    .await;
    browser::close(browser).await;
    let (runs, settings) = result?;
    Ok(Engines {
        records: config.people,
        page: page_size,
        figures: summarise(&runs),
        settings,
        sqlite_files: file_sizes(&config.bench_dist)?,
    })
}

/// SQLite's files in the bench page's build, compressed as the app's build compresses its own.
fn file_sizes(bench_dist: &Path) -> Result<BTreeMap<String, Sizes>, BenchError> {
    SQLITE_FILES
        .into_iter()
        .map(|name| {
            let path = bench_dist.join(name);
            let bytes = std::fs::read(&path)
                .map_err(|e| BenchError::Io(format!("reading {}", path.display()), e))?;
            Ok((name.to_owned(), sizes::compress(&bytes)?))
        })
        .collect()
}

/// Per engine, each figure over every run (the report prints the pull also as records a second).
pub fn summarise(runs: &[EngineRun]) -> BTreeMap<String, BTreeMap<String, Summary>> {
    let mut out = BTreeMap::new();
    for engine in ENGINES {
        let mine: Vec<&EngineRun> = runs.iter().filter(|r| r.engine == engine).collect();
        if mine.is_empty() {
            continue;
        }
        let of = |f: &dyn Fn(&EngineRun) -> f64| Summary::of(mine.iter().map(|r| f(r)).collect());
        let mut figures = BTreeMap::from([
            ("pull_ms".to_owned(), of(&|r| r.pull_ms)),
            ("read_ms".to_owned(), of(&|r| r.read_ms)),
            ("save_p50_ms".to_owned(), of(&|r| r.save_p50_ms)),
            ("save_p95_ms".to_owned(), of(&|r| r.save_p95_ms)),
        ]);
        let store = mine.iter().map(|r| r.pull_store_ms).collect::<Option<Vec<f64>>>();
        if let Some(store) = store {
            figures.insert("pull_store_ms".to_owned(), Summary::of(store));
        }
        out.insert(engine.to_owned(), figures);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_read_from_the_page_and_summarised_per_engine() {
        let saves: Vec<f64> = (1..=SAVES).map(|n| n as f64).collect();
        let idb = |engine: &str, pull: f64| {
            json!({ "engine": engine, "pull_ms": pull, "read_ms": 80.0, "save_ms": saves,
                    "durability": "default" })
        };
        let sqlite = |engine: &str, pull: f64, store: f64| {
            json!({ "engine": engine, "pull_ms": pull, "pull_store_ms": store, "read_ms": 80.0,
                    "save_ms": saves, "sqlite": "3.50.4", "journal_mode": "wal",
                    "locking_mode": "exclusive", "synchronous": "1", "page_size": "16384" })
        };
        let first = json!([
            idb("indexeddb", 1200.0),
            idb("indexeddb_strict", 1500.0),
            sqlite("sqlite_opfs", 250.0, 200.0),
            sqlite("sqlite_opfs_full", 300.0, 240.0)
        ]);
        let second = json!([
            idb("indexeddb_strict", 1400.0),
            sqlite("sqlite_opfs", 230.0, 180.0),
            sqlite("sqlite_opfs_full", 310.0, 250.0),
            idb("indexeddb", 1100.0)
        ]);
        let mut order = ENGINES.to_vec();
        let mut runs: Vec<(EngineRun, Settings)> = parse_run(&first, &order, SAVES).unwrap();
        order.rotate_left(1);
        runs.extend(parse_run(&second, &order, SAVES).unwrap());
        assert_eq!((runs[0].0.save_p50_ms, runs[0].0.save_p95_ms), (100.0, 190.0));
        assert_eq!(runs[2].1["synchronous"], "1");
        assert_eq!(runs[2].1["locking_mode"], "exclusive");
        assert_eq!(runs[2].1["page_size"], "16384");
        assert_eq!(runs[0].1["durability"], "default");
        let runs: Vec<EngineRun> = runs.into_iter().map(|(r, _)| r).collect();
        let summary = summarise(&runs);
        assert_eq!(summary.keys().map(String::as_str).collect::<Vec<_>>(), ENGINES);
        assert_eq!(summary["sqlite_opfs"]["pull_ms"].runs, [250.0, 230.0]);
        assert_eq!(summary["indexeddb"]["pull_ms"].runs, [1200.0, 1100.0]);
        // The pull's part in the transactions is a figure only where every run gave it.
        assert_eq!(summary["sqlite_opfs_full"]["pull_store_ms"].runs, [240.0, 250.0]);
        assert!(!summary["indexeddb"].contains_key("pull_store_ms"));
        // An answer that is not the engines asked for, in their order, each once, is an error.
        assert!(parse_run(&first, &order, SAVES).is_err());
        assert!(parse_run(&json!([idb("indexeddb", 1.0)]), &ENGINES, SAVES).is_err());
        assert!(parse_run(&json!({ "indexeddb": 1 }), &ENGINES, SAVES).is_err());
        // A page that timed fewer saves, left a figure out or named another engine is an error,
        // not a figure.
        let short =
            json!({ "engine": "indexeddb", "pull_ms": 1.0, "read_ms": 1.0, "save_ms": [1.0] });
        assert!(parse(&short, SAVES).is_err());
        assert!(parse(&json!({ "engine": "indexeddb", "save_ms": saves }), SAVES).is_err());
        let other = json!({ "engine": "dexie", "pull_ms": 1.0, "read_ms": 1.0, "save_ms": saves });
        assert!(parse(&other, SAVES).is_err());
        let no_split =
            json!({ "engine": "sqlite_opfs", "pull_ms": 1.0, "read_ms": 1.0, "save_ms": saves });
        assert!(parse(&no_split, SAVES).is_err(), "SQLite's pull comes with its part in SQLite");
    }
}
