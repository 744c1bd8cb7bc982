//! `bench`: measures 四争一树 Field — first-load transfer, offline cold start, IndexedDB (app vs
//! plain JS vs Dexie), sync, the server's own sync throughput, memory and the roster import —
//! prints a table and writes the figures as JSON. `scripts/bench.sh` builds everything and runs
//! it; `bench --help` lists the options. Browsers and the server process are driven with the e2e
//! crate's driver (`e2e::Chromedriver`, `e2e::Browser`, `e2e::ServerProcess`).

mod browser;
mod chunks;
mod coldstart;
mod compare;
mod config;
mod county;
mod engines;
mod error;
mod first_visit;
mod idb;
mod lighthouse;
mod memory;
mod ops;
mod page;
mod propagation;
mod report;
mod roster;
mod server;
mod sizes;
// The slow line the first visit runs through, shared with the e2e suite.
use fault_proxy::slow_line;
mod sqlite_baseline;
mod stats;
mod sync;
mod sync_client;
mod throughput;

use std::process::ExitCode;

use browser::Chromedriver;
use config::Config;
use error::BenchError;
use report::Results;
use server::Server;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::parse(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    // The `--out` file as the last run left it, read before this run writes its parts over it.
    // A file there that is not a results file stops the run: it may hold many runs' figures,
    // and is not written over unread.
    let out = match results_file(&config.out) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("{e}; move it away to run");
            return ExitCode::from(2);
        }
    };
    match run(&config, out.as_ref()).await {
        Ok(results) => {
            println!("{}", report::table(&results));
            if config.compare {
                print_comparison(&config, out, &results);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--compare`: `results` beside the `--out` file as the last run left it (`out`), laid over
/// the full run kept in git (on a fresh clone, that run alone), so that a newer record from git
/// is not hidden by a copy of an older one.
fn print_comparison(config: &Config, out: Option<serde_json::Value>, results: &Results) {
    let record = results_file(&config.record).unwrap_or_else(|e| {
        eprintln!("{e}: not compared with");
        None
    });
    let (last, last_path) = match out {
        Some(out) => (compare::merged(record.as_ref(), &out), &config.out),
        None => match &record {
            Some(record) => (record.clone(), &config.record),
            None => {
                let (out, record) = (config.out.display(), config.record.display());
                return println!("--compare: no earlier results in {out} or {record}");
            }
        },
    };
    match serde_json::to_value(results) {
        Ok(now) => {
            let (last_name, record_name) =
                (last_path.display().to_string(), config.record.display().to_string());
            let record = record.as_ref().map(|r| (record_name.as_str(), r));
            println!("{}", compare::table((&last_name, &last), record, &now))
        }
        Err(e) => eprintln!("--compare: {e}"),
    }
}

/// The tree measured: `git rev-parse --short=12 HEAD`, with ` + changes` when the work tree
/// differs from it (`None` outside a git work tree).
fn commit() -> Option<String> {
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").args(args).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "--short=12", "HEAD"])?;
    let changed = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Some(if changed.is_empty() { head } else { format!("{head} + changes") })
}

/// The results JSON an earlier run left in `path`: `None` when there is no file; an error for
/// a file that is not one (not JSON, or no run's object with its `generated_at`).
fn results_file(path: &std::path::Path) -> Result<Option<serde_json::Value>, BenchError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(BenchError::Io(format!("read {}", path.display()), e)),
    };
    let not_one = |why: String| BenchError::Results { path: path.display().to_string(), why };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| not_one(e.to_string()))?;
    if value.get("generated_at").and_then(serde_json::Value::as_str).is_none() {
        return Err(not_one("no run's object with its generated_at".to_owned()));
    }
    Ok(Some(value))
}

fn need(path: &std::path::Path, what: &str) -> Result<(), BenchError> {
    if path.as_os_str().is_empty() || !path.exists() {
        return Err(BenchError::Usage(format!("{what} not found: {:?} (see --help)", path)));
    }
    Ok(())
}

async fn run(config: &Config, out: Option<&serde_json::Value>) -> Result<Results, BenchError> {
    std::fs::create_dir_all(&config.work_dir)
        .map_err(|e| BenchError::Io(format!("create {}", config.work_dir.display()), e))?;
    let mut results = Results {
        generated_at: chrono::Utc::now().to_rfc3339(),
        machine: format!(
            "{} CPUs, {} {}",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        commit: commit(),
        ..Results::default()
    };

    if config.wants("sizes") {
        eprintln!("== first-load transfer sizes ({})", config.dist.display());
        results.sizes = Some(sizes::first_load(&config.dist)?);
    }
    if config.wants("roster") {
        need(&config.server, "server binary")?;
        let mut runs = Vec::new();
        for i in 0..config.runs {
            eprintln!(
                "== roster import, {} rows, run {}/{}",
                roster::ROSTER_ROWS,
                i + 1,
                config.runs
            );
            runs.push(roster::run_once(config).await?);
        }
        results.roster = Some(report::roster(&runs));
    }
    if config.wants("throughput") {
        let mut runs = Vec::new();
        for i in 0..config.runs {
            eprintln!(
                "== sync throughput, server in process, {} operations, run {}/{}",
                config.throughput_ops,
                i + 1,
                config.runs
            );
            runs.push(throughput::run_once(config).await?);
        }
        results.throughput = Some(report::throughput(&runs));
    }
    if config.wants("county") {
        need(&config.server, "server binary")?;
        eprintln!(
            "== county: {} towns × {} tablets, {} operations, 1 and 2 server processes on PostgreSQL",
            config.county_towns, config.county_tablets, config.county_ops
        );
        results.county = Some(county::run(config).await?);
    }
    if config.wants("lighthouse") {
        need(&config.server, "server binary")?;
        need(&config.dist.join("index.html"), "app build")?;
        eprintln!("== lighthouse: {} routes, mobile profile", config.lighthouse_routes.len());
        results.lighthouse = Some(lighthouse::run(config).await?);
    }
    let browser_parts = [
        "cold",
        "firstvisit",
        "idb",
        "large",
        "draft",
        "chunks",
        "engines",
        "sync",
        "propagation",
        "memory",
    ];
    if browser_parts.iter().any(|p| config.wants(p)) {
        need(&config.server, "server binary")?;
        need(&config.chromedriver, "chromedriver")?;
        let driver = browser::start(config).await?;
        let outcome = browser_benchmarks(config, &driver, &mut results).await;
        driver.stop();
        outcome?;
    }
    results.targets = report::targets(&results);
    write_json(config, out, &results)?;
    let _ = std::fs::remove_dir_all(&config.work_dir);
    Ok(results)
}

async fn browser_benchmarks(
    config: &Config,
    driver: &Chromedriver,
    results: &mut Results,
) -> Result<(), BenchError> {
    if config.wants("cold") {
        need(&config.dist.join("index.html"), "app build")?;
        eprintln!("== offline cold start ({} runs each)", config.runs);
        results.cold_start = Some(report::cold_start(coldstart::run(config, driver).await?));
    }
    if config.wants("firstvisit") {
        need(&config.dist.join("index.html"), "app build")?;
        eprintln!("== first visit over slow 4G ({} runs)", config.runs);
        results.first_visit = Some(report::first_visit(first_visit::run(config, driver).await?));
    }
    if config.wants("propagation") {
        need(&config.dist.join("index.html"), "app build")?;
        eprintln!(
            "== propagation: {} changes to an idle online tablet, then {} s idle",
            config.propagation_runs, config.idle_seconds
        );
        results.propagation = Some(propagation::run(config, driver).await?);
    }
    let page_parts = ["idb", "large", "draft", "chunks", "engines", "memory"];
    if page_parts.iter().any(|p| config.wants(p)) {
        need(&config.bench_dist.join("index.html"), "bench page build")?;
        let server =
            Server::start(&config.server, &config.work_dir.join("page-data"), &config.bench_dist)
                .await?;
        let outcome = page_benchmarks(config, driver, &server.origin, results).await;
        server.stop();
        outcome?;
    }
    if config.wants("sync") {
        need(&config.bench_dist.join("index.html"), "bench page build")?;
        let mut runs = Vec::new();
        for &n in &config.sync_sizes {
            for i in 0..config.sync_runs {
                eprintln!("== sync {n} operations, run {}/{}", i + 1, config.sync_runs);
                runs.push(sync::run_once(config, driver, n).await?);
            }
        }
        results.sync = Some(report::sync(&runs));
    }
    Ok(())
}

/// The parts run on the bench page (the app's store beside plain JS), served by one server.
async fn page_benchmarks(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
    results: &mut Results,
) -> Result<(), BenchError> {
    if config.wants("idb") {
        eprintln!(
            "== IndexedDB: {} saves, {} people, {} sets of {} runs",
            config.saves, config.people, config.idb_sets, config.runs
        );
        let (pooled, ratios) = report::idb_sets(idb::run(config, driver, origin).await?);
        results.idb = Some(pooled);
        results.idb_sets = Some(ratios);
        results.idb_people = Some(config.people);
        results.idb_import = Some(report::IMPORT.to_owned());
    }
    if config.wants("large") {
        eprintln!(
            "== the people list with {} people, {} runs",
            config.large_people, config.large_runs
        );
        let figures = report::idb(&idb::large(config, driver, origin).await?);
        results.large = Some(report::Large {
            people: config.large_people,
            import: report::IMPORT.to_owned(),
            figures,
        });
    }
    if config.wants("draft") {
        eprintln!("== keystroke drafts: {} keystrokes", config.keystrokes);
        let times = idb::keystroke_drafts(config, driver, origin).await?;
        results.keystroke_draft = Some(report::keystroke_draft(&times.app, &times.plain_js));
    }
    if config.wants("chunks") {
        eprintln!(
            "== records in chunks (plain JS): {} records, sizes {:?}, {} runs",
            config.people,
            chunks::SIZES,
            config.runs
        );
        results.record_chunks =
            Some(chunks::summarise(&chunks::run(config, driver, origin).await?));
    }
    if config.wants("engines") {
        eprintln!(
            "== storage engines (plain JS): IndexedDB and SQLite on OPFS, {} records, {} runs",
            config.people, config.runs
        );
        results.storage_engines = Some(engines::run(config, driver, origin).await?);
    }
    if config.wants("memory") {
        results.memory = Some(memory::run(config, driver, origin).await?);
        results.memory_import = Some(report::IMPORT.to_owned());
    }
    Ok(())
}

/// Write `--out`: this run's parts over the file's as an earlier run left it (`out`;
/// [`compare::merged`]), in a file beside it renamed over it, so that a run cut short leaves
/// the last file whole.
fn write_json(
    config: &Config,
    out: Option<&serde_json::Value>,
    results: &Results,
) -> Result<(), BenchError> {
    if let Some(dir) = config.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| BenchError::Io(format!("create {}", dir.display()), e))?;
    }
    let json =
        serde_json::to_string_pretty(&compare::merged(out, &serde_json::to_value(results)?))?;
    let part = config.out.with_extension("json.part");
    std::fs::write(&part, json)
        .map_err(|e| BenchError::Io(format!("write {}", part.display()), e))?;
    std::fs::rename(&part, &config.out)
        .map_err(|e| BenchError::Io(format!("write {}", config.out.display()), e))?;
    eprintln!("wrote {}", config.out.display());
    Ok(())
}
