//! Command-line options of the benchmark runner (`bench --help`).

use std::path::PathBuf;

use crate::error::BenchError;

pub const USAGE: &str = "bench [options]
  --dist DIR             the release app build (default dist)
  --bench-dist DIR       the bench page build: crates/bench/js + bench-web wasm + dexie (required for idb/sync/memory)
  --server BIN           the server binary (required for cold/idb/sync/memory/roster)
  --chromium BIN         default /usr/bin/chromium
  --chromedriver BIN     default /usr/bin/chromedriver
  --runs N               runs per figure (default 5); the IndexedDB part runs --idb-sets sets of them
  --idb-sets N           IndexedDB part: consecutive sets of --runs runs, each in a fresh browser,
                         whose ratios to plain JS are judged one by one (default 5)
  --sync-runs N          runs per sync size (default 3)
  --saves N              saves per IndexedDB run (default 1000)
  --people N             people imported, read and searched (default 10000)
  --large-people N       large part: people read and searched by the app and plain JS (default 50000)
  --large-runs N         large part: runs (default 3)
  --memory-people A,B    memory part: people held, one measurement each (default 10000,50000)
  --keystrokes N         draft part: characters typed, a keystroke draft written after each (default 1000)
  --sync-sizes A,B       operations per sync run (default 10000,50000)
  --pull-limit N         page size of a pull (default shared::sync::DEFAULT_PULL_LIMIT)
  --throughput-ops N     operations the in-process server takes in and gives back (default 10000)
  --throughput-batch N   operations per push there (default 500, at most shared::sync::MAX_PUSH_OPS)
  --ready-selector CSS   what marks the survey form interactive (default [data-testid=\"survey-form\"])
  --cold-start-route R   the page a cold start and a first visit open (default #/survey/new)
  --browser-lang TAG     the browsers' language (default zh-CN; en-US or zh-TW: the app loads
                         its catalog before it starts; Lighthouse's Chromium is en-US anyway)
  --line-latency L       what pays the first visit's slow line's 150 ms round trip: connection (default:
                         each new connection) or every-piece (also every byte, half each way: each
                         request on a kept connection waits a round trip for its answer)
  --county-towns N       county part: towns (default 5)
  --county-tablets N     county part: tablets per town (default 2)
  --county-ops N         county part: operations all tablets push in all (default 2000)
  --propagation-runs N   propagation part: changes sent to an idle online tablet (default 20)
  --idle-seconds N       propagation part: how long the idle tablet's requests are counted (default 125)
  --lighthouse BIN       Lighthouse's command (default $FIELD_TOOLS_DIR/lighthouse/node_modules/.bin/lighthouse,
                         as scripts/setup.sh installs it)
  --lighthouse-routes A,B  the routes Lighthouse audits (default people,survey/new,campaign/dashboard,
                         outbox,sync,transfer,conflicts,settings)
  --only LIST            some of sizes,cold,firstvisit,idb,large,draft,chunks,engines,sync,propagation,throughput,
                         memory,roster,lighthouse
                         (default all; chunks: plain JS only, records several to an IndexedDB value;
                         engines: plain JS only, IndexedDB beside SQLite on OPFS),
                         or county (2 server processes on PostgreSQL: FIELD_DATABASE_URL or
                         FIELD_TEST_DATABASE_URL, i.e. under scripts/with-postgres.sh; not in the default set)
  --out FILE             JSON results (default bench-results/latest.json): this run's parts written over the
                         last figures of the others, each part stamped with the run that measured it
  --compare              print every figure beside the last one recorded for it under the same settings (route,
                         line, language, people …), with the change in percent: the --out file's laid over the
                         --record file's; a part measured otherwise in both is named, not compared
  --record FILE          the full run PERFORMANCE.md's latest figures come from, kept in git (default
                         docs/bench-record.json): laid under the --out file's for --compare
  --work-dir DIR         scratch space (default a directory under the system temp dir)";

#[derive(Clone, Debug)]
pub struct Config {
    pub dist: PathBuf,
    pub bench_dist: PathBuf,
    pub server: PathBuf,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub runs: usize,
    pub sync_runs: usize,
    pub saves: usize,
    pub people: usize,
    pub idb_sets: usize,
    pub large_people: usize,
    pub large_runs: usize,
    pub memory_people: Vec<usize>,
    pub keystrokes: usize,
    pub sync_sizes: Vec<usize>,
    pub pull_limit: Option<u32>,
    pub throughput_ops: usize,
    pub throughput_batch: usize,
    pub county_towns: usize,
    pub county_tablets: usize,
    pub county_ops: usize,
    pub propagation_runs: usize,
    pub idle_seconds: u64,
    pub lighthouse: PathBuf,
    pub lighthouse_routes: Vec<String>,
    pub ready_selector: String,
    pub cold_start_route: String,
    /// The language of the browsers the runner opens (`None`: the e2e crate's zh-CN).
    pub browser_lang: Option<String>,
    /// What pays the first visit's slow line's round trip (`--line-latency`).
    pub line_latency: crate::slow_line::Latency,
    pub only: Vec<String>,
    pub out: PathBuf,
    /// Print this run's figures beside the last run's (`--compare`).
    pub compare: bool,
    /// The full run kept in git, which `--compare` reads when `out` holds no earlier run.
    pub record: PathBuf,
    pub work_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dist: "dist".into(),
            bench_dist: PathBuf::new(),
            server: PathBuf::new(),
            chromium: "/usr/bin/chromium".into(),
            chromedriver: "/usr/bin/chromedriver".into(),
            runs: 5,
            sync_runs: 3,
            saves: 1000,
            people: 10_000,
            idb_sets: 5,
            large_people: 50_000,
            large_runs: 3,
            memory_people: vec![10_000, 50_000],
            keystrokes: 1_000,
            sync_sizes: vec![10_000, 50_000],
            pull_limit: None,
            throughput_ops: 10_000,
            throughput_batch: 500,
            county_towns: 5,
            county_tablets: 2,
            county_ops: 2_000,
            propagation_runs: 20,
            idle_seconds: 125,
            lighthouse: tools_dir().join("lighthouse/node_modules/.bin/lighthouse"),
            lighthouse_routes: [
                "people",
                "survey/new",
                "campaign/dashboard",
                "outbox",
                "sync",
                "transfer",
                "conflicts",
                "settings",
            ]
            .map(str::to_owned)
            .to_vec(),
            ready_selector: "[data-testid=\"survey-form\"]".into(),
            cold_start_route: "#/survey/new".into(),
            browser_lang: None,
            line_latency: crate::slow_line::Latency::Connection,
            only: [
                "sizes",
                "cold",
                "firstvisit",
                "idb",
                "large",
                "draft",
                "chunks",
                "engines",
                "sync",
                "propagation",
                "throughput",
                "memory",
                "roster",
                "lighthouse",
            ]
            .map(str::to_owned)
            .to_vec(),
            out: "bench-results/latest.json".into(),
            compare: false,
            record: "docs/bench-record.json".into(),
            work_dir: std::env::temp_dir().join(format!("field-bench-{}", std::process::id())),
        }
    }
}

/// Where `scripts/setup.sh` installs the npm tools (`scripts/env.sh`: `TOOLS_DIR`).
fn tools_dir() -> PathBuf {
    match std::env::var_os("FIELD_TOOLS_DIR") {
        Some(dir) => dir.into(),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default()
            .join(".cache/field-tools"),
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, BenchError> {
    value.parse().map_err(|_| BenchError::Usage(format!("{flag} expects a number, got {value:?}")))
}

fn numbers(flag: &str, value: &str) -> Result<Vec<usize>, BenchError> {
    value.split(',').map(|v| number(flag, v.trim())).collect()
}

impl Config {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Config, BenchError> {
        let mut c = Config::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Err(BenchError::Usage(USAGE.into()));
            }
            if flag == "--compare" {
                c.compare = true;
                continue;
            }
            let value = args
                .next()
                .ok_or_else(|| BenchError::Usage(format!("{flag} needs a value\n{USAGE}")))?;
            match flag.as_str() {
                "--dist" => c.dist = value.into(),
                "--bench-dist" => c.bench_dist = value.into(),
                "--server" => c.server = value.into(),
                "--chromium" => c.chromium = value.into(),
                "--chromedriver" => c.chromedriver = value.into(),
                "--runs" => c.runs = number(&flag, &value)?,
                "--sync-runs" => c.sync_runs = number(&flag, &value)?,
                "--saves" => c.saves = number(&flag, &value)?,
                "--people" => c.people = number(&flag, &value)?,
                "--idb-sets" => c.idb_sets = number(&flag, &value)?,
                "--large-people" => c.large_people = number(&flag, &value)?,
                "--large-runs" => c.large_runs = number(&flag, &value)?,
                "--memory-people" => c.memory_people = numbers(&flag, &value)?,
                "--keystrokes" => c.keystrokes = number(&flag, &value)?,
                "--sync-sizes" => c.sync_sizes = numbers(&flag, &value)?,
                "--pull-limit" => c.pull_limit = Some(number(&flag, &value)?),
                "--throughput-ops" => c.throughput_ops = number(&flag, &value)?,
                "--throughput-batch" => c.throughput_batch = number(&flag, &value)?,
                "--county-towns" => c.county_towns = number(&flag, &value)?,
                "--county-tablets" => c.county_tablets = number(&flag, &value)?,
                "--county-ops" => c.county_ops = number(&flag, &value)?,
                "--propagation-runs" => c.propagation_runs = number(&flag, &value)?,
                "--idle-seconds" => c.idle_seconds = number(&flag, &value)?,
                "--lighthouse" => c.lighthouse = value.into(),
                "--lighthouse-routes" => {
                    c.lighthouse_routes = value.split(',').map(|s| s.trim().to_owned()).collect()
                }
                "--ready-selector" => c.ready_selector = value,
                "--cold-start-route" => c.cold_start_route = value,
                "--browser-lang" => c.browser_lang = Some(value),
                "--line-latency" => {
                    c.line_latency = crate::slow_line::Latency::parse(&value).ok_or_else(|| {
                        BenchError::Usage(format!(
                            "--line-latency: connection or every-piece, not {value:?}"
                        ))
                    })?
                }
                "--only" => c.only = value.split(',').map(|s| s.trim().to_owned()).collect(),
                "--out" => c.out = value.into(),
                "--record" => c.record = value.into(),
                "--work-dir" => c.work_dir = value.into(),
                _ => return Err(BenchError::Usage(format!("unknown option {flag}\n{USAGE}"))),
            }
        }
        for (flag, n) in
            [("--runs", c.runs), ("--idb-sets", c.idb_sets), ("--large-runs", c.large_runs)]
        {
            if n == 0 {
                return Err(BenchError::Usage(format!("{flag} must be at least 1")));
            }
        }
        Ok(c)
    }

    /// The browsers' language: `--browser-lang`, else the e2e crate's default.
    pub fn language(&self) -> &str {
        self.browser_lang.as_deref().unwrap_or(e2e::DEFAULT_LANG)
    }

    pub fn wants(&self, part: &str) -> bool {
        self.only.iter().any(|p| p == part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, BenchError> {
        Config::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn reads_options() {
        let c = parse(&[
            "--runs",
            "3",
            "--sync-sizes",
            "100, 200",
            "--only",
            "sizes,idb",
            "--server",
            "/x/server",
            "--throughput-ops",
            "2000",
        ])
        .unwrap();
        assert_eq!((c.throughput_ops, c.throughput_batch), (2000, 500));
        assert_eq!(c.runs, 3);
        assert_eq!(c.sync_sizes, [100, 200]);
        assert!(c.wants("idb") && !c.wants("cold"));
        assert_eq!(c.server, PathBuf::from("/x/server"));
        assert_eq!(c.browser_lang, None, "the e2e crate's zh-CN unless asked");
        let c = parse(&["--browser-lang", "en-US"]).unwrap();
        assert_eq!(c.browser_lang.as_deref(), Some("en-US"));
        assert_eq!(c.line_latency, crate::slow_line::Latency::Connection);
        let c = parse(&["--line-latency", "every-piece"]).unwrap();
        assert_eq!(c.line_latency, crate::slow_line::Latency::EveryPiece);
        assert!(matches!(parse(&["--line-latency", "fast"]), Err(BenchError::Usage(_))));
        assert!(!Config::default().wants("county"), "county is not in the default set");
        let c =
            parse(&["--only", "county", "--county-towns", "20", "--county-ops", "50000"]).unwrap();
        assert_eq!((c.county_towns, c.county_tablets, c.county_ops), (20, 2, 50_000));
        assert!(!c.compare);
        let c = parse(&["--memory-people", "100,200", "--idb-sets", "2"]).unwrap();
        assert_eq!((c.memory_people.as_slice(), c.idb_sets), (&[100, 200][..], 2));
        assert!(Config::default().wants("large") && Config::default().wants("draft"));
        let c = parse(&["--compare", "--runs", "2"]).unwrap();
        assert!(c.compare && c.runs == 2, "--compare takes no value");
        assert_eq!(c.record, PathBuf::from("docs/bench-record.json"));
        let c = parse(&["--record", "/tmp/r.json", "--compare"]).unwrap();
        assert_eq!(c.record, PathBuf::from("/tmp/r.json"));
    }

    #[test]
    fn refuses_bad_input() {
        assert!(matches!(parse(&["--runs", "many"]), Err(BenchError::Usage(_))));
        assert!(matches!(parse(&["--runs"]), Err(BenchError::Usage(_))));
        assert!(matches!(parse(&["--bogus", "1"]), Err(BenchError::Usage(_))));
        assert!(matches!(parse(&["--runs", "0"]), Err(BenchError::Usage(_))));
        assert!(matches!(parse(&["--idb-sets", "0"]), Err(BenchError::Usage(_))));
        assert!(matches!(parse(&["--memory-people", "1,x"]), Err(BenchError::Usage(_))));
    }
}
