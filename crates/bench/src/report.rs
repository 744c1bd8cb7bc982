//! The results: summaries over runs, ratios, the targets of issue 15 (and the roster's of issue
//! 11), the printed table and the JSON written next to it.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::coldstart::ColdStart;
use crate::first_visit::FirstVisit;
use crate::idb::IdbRun;
use crate::memory::Memory;
use crate::sizes::FirstLoad;
use crate::stats::{Summary, percentile};
use crate::sync::SyncRun;
use crate::throughput::{PULL_PAGE, ThroughputRun};

/// What the app's bulk import of the IndexedDB parts is: another tablet's export file stored as
/// the import screen stores it (`Store::import_operations`). Until session 49 it was `records`:
/// whole records put by `Store::bulk_put_people`, which no screen uses.
pub const IMPORT: &str = "file";

#[derive(Debug, Default, Serialize)]
pub struct Results {
    pub generated_at: String,
    pub machine: String,
    /// The tree measured (`git rev-parse`, ` + changes` when the work tree differs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub sizes: Option<FirstLoad>,
    pub cold_start: Option<ColdStartSummary>,
    /// A fresh browser opening a screen over slow 4G: the screen shown, the app installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_visit: Option<FirstVisitSummary>,
    /// Every run of every set, per implementation and figure.
    pub idb: Option<BTreeMap<String, BTreeMap<String, Summary>>>,
    /// People imported, read and searched in each IndexedDB run (`--people`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idb_people: Option<usize>,
    /// What the app's import is ([`IMPORT`]; before session 49, when it was not recorded:
    /// `records`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idb_import: Option<String>,
    /// Each consecutive set's ratios to plain JS (of the set's medians).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idb_sets: Option<Vec<IdbRatios>>,
    /// The people list at `--large-people`: app and plain JS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large: Option<Large>,
    /// The keystroke draft's write, per keystroke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keystroke_draft: Option<KeystrokeDraft>,
    pub sync: Option<BTreeMap<usize, BTreeMap<String, Summary>>>,
    /// Plain JavaScript writing a pull's records several to an IndexedDB value (`--only chunks`),
    /// per records to a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_chunks: Option<BTreeMap<usize, BTreeMap<String, Summary>>>,
    /// Plain JavaScript storing a pull, reading it back and saving through IndexedDB and through
    /// SQLite on OPFS (`--only engines`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_engines: Option<crate::engines::Engines>,
    /// Push and pull through the server library in process (no browser).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<ThroughputSummary>,
    pub memory: Option<Vec<Memory>>,
    /// How the memory part's app stores its people ([`IMPORT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_import: Option<String>,
    /// Towns × tablets pushing through 1 and 2 server processes on one PostgreSQL (`--only county`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<crate::county::CountySummary>,
    /// A change the server acknowledged, seen by another online tablet; the idle tablet's cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation: Option<crate::propagation::Propagation>,
    /// Lighthouse's performance audit of each route (mobile profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lighthouse: Option<crate::lighthouse::Lighthouse>,
    /// Roster import of 3,000 members: preview, apply, both (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<BTreeMap<String, Summary>>,
    pub targets: Vec<Target>,
}

#[derive(Debug, Serialize)]
pub struct FirstVisitSummary {
    pub route: String,
    pub ready_selector: String,
    /// What paid the line's round trip (`--line-latency`; before session 45 always a new
    /// connection only).
    pub line_latency: crate::slow_line::Latency,
    /// The browser's language (`--browser-lang`): which catalog the start fetches.
    pub browser_lang: String,
    /// From the navigation to `ready_selector` in the document.
    pub screen_ms: Summary,
    /// From the navigation to the service worker active (the whole app precached).
    pub offline_ms: Summary,
}

#[derive(Debug, Serialize)]
pub struct ColdStartSummary {
    pub route: String,
    pub ready_selector: String,
    /// The browser's language (`--browser-lang`).
    pub browser_lang: String,
    pub unthrottled_ms: Summary,
    pub throttled_4x_ms: Summary,
    pub tap_throttled_4x_ms: Summary,
}

#[derive(Debug, Serialize)]
pub struct ThroughputSummary {
    pub ops: usize,
    pub batch: usize,
    pub pull_page: usize,
    pub figures: BTreeMap<String, Summary>,
}

/// Reads one ratio of a set.
type RatioOf = fn(&IdbRatios) -> f64;

/// App / plain JS of one set's medians.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IdbRatios {
    pub save_p95: f64,
    pub import: f64,
    pub read: f64,
}

#[derive(Debug, Serialize)]
pub struct Large {
    pub people: usize,
    /// What the app's import is ([`IMPORT`]).
    pub import: String,
    pub figures: BTreeMap<String, BTreeMap<String, Summary>>,
}

/// The keystroke draft's writes: the app's (judged), and plain JavaScript's writing the same
/// text the same way in the same browser (what the browser itself costs, printed beside it).
#[derive(Debug, Serialize)]
pub struct KeystrokeDraft {
    pub keystrokes: usize,
    #[serde(flatten)]
    pub app: DraftWrites,
    pub plain_js: Option<DraftWrites>,
}

#[derive(Debug, Serialize)]
pub struct DraftWrites {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

impl DraftWrites {
    fn of(times: &[f64]) -> DraftWrites {
        DraftWrites {
            p50_ms: percentile(times, 50.0),
            p95_ms: percentile(times, 95.0),
            max_ms: times.iter().copied().fold(f64::NAN, f64::max),
        }
    }
}

pub fn keystroke_draft(app: &[f64], plain_js: &[f64]) -> KeystrokeDraft {
    KeystrokeDraft {
        keystrokes: app.len(),
        app: DraftWrites::of(app),
        plain_js: (!plain_js.is_empty()).then(|| DraftWrites::of(plain_js)),
    }
}

#[derive(Debug, Serialize)]
pub struct Target {
    pub name: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

pub fn first_visit(v: FirstVisit) -> FirstVisitSummary {
    FirstVisitSummary {
        route: v.route,
        ready_selector: v.ready_selector,
        line_latency: v.line_latency,
        browser_lang: v.browser_lang,
        screen_ms: Summary::of(v.screen_ms),
        offline_ms: Summary::of(v.offline_ms),
    }
}

pub fn cold_start(c: ColdStart) -> ColdStartSummary {
    ColdStartSummary {
        route: c.route,
        ready_selector: c.ready_selector,
        browser_lang: c.browser_lang,
        unthrottled_ms: Summary::of(c.unthrottled_ms),
        throttled_4x_ms: Summary::of(c.throttled_ms),
        tap_throttled_4x_ms: Summary::of(c.tap_throttled_ms),
    }
}

/// Reads one figure of a run.
type Figure = fn(&IdbRun) -> f64;

/// The IndexedDB figures of a run, by name, in the order the table prints them.
const IDB_FIGURES: [(&str, Figure); 7] = [
    ("save_p50_ms", |r| r.save_p50_ms),
    ("save_p95_ms", |r| r.save_p95_ms),
    ("import_ms", |r| r.import_ms),
    ("read_ms", |r| r.read_ms),
    ("rows_ms", |r| r.rows_ms),
    ("search_ms", |r| r.search_ms),
    ("record_bytes", |r| r.record_bytes as f64),
];

/// Per implementation, per figure, the summary over runs.
pub fn idb(runs: &BTreeMap<String, Vec<IdbRun>>) -> BTreeMap<String, BTreeMap<String, Summary>> {
    runs.iter()
        .map(|(key, runs)| {
            let summaries = IDB_FIGURES
                .iter()
                .map(|(name, get)| (name.to_string(), Summary::of(runs.iter().map(get).collect())))
                .collect();
            (key.clone(), summaries)
        })
        .collect()
}

/// The median of `figure` for implementation `key` (`NaN` if either is missing).
fn median_of(
    summaries: &BTreeMap<String, BTreeMap<String, Summary>>,
    key: &str,
    figure: &str,
) -> f64 {
    summaries.get(key).and_then(|s| s.get(figure)).map_or(f64::NAN, |s| s.median)
}

/// The app's median of `figure` over plain JS's (`NaN` if either is missing).
fn app_over_js(summaries: &BTreeMap<String, BTreeMap<String, Summary>>, figure: &str) -> f64 {
    median_of(summaries, "app", figure) / median_of(summaries, "js", figure)
}

/// The summary of every run of every set, and each set's ratios to plain JS.
pub fn idb_sets(
    sets: Vec<BTreeMap<String, Vec<IdbRun>>>,
) -> (BTreeMap<String, BTreeMap<String, Summary>>, Vec<IdbRatios>) {
    let ratios = sets
        .iter()
        .map(|set| {
            let summary = idb(set);
            IdbRatios {
                save_p95: app_over_js(&summary, "save_p95_ms"),
                import: app_over_js(&summary, "import_ms"),
                read: app_over_js(&summary, "read_ms"),
            }
        })
        .collect();
    let mut pooled: BTreeMap<String, Vec<IdbRun>> = BTreeMap::new();
    for set in sets {
        for (key, runs) in set {
            pooled.entry(key).or_default().extend(runs);
        }
    }
    (idb(&pooled), ratios)
}

pub fn sync(runs: &[SyncRun]) -> BTreeMap<usize, BTreeMap<String, Summary>> {
    let mut out: BTreeMap<usize, BTreeMap<String, Summary>> = BTreeMap::new();
    let mut sizes: Vec<usize> = runs.iter().map(|r| r.ops).collect();
    sizes.dedup();
    for n in sizes {
        let of = |f: &dyn Fn(&SyncRun) -> f64| {
            Summary::of(runs.iter().filter(|r| r.ops == n).map(f).collect())
        };
        let nf = n as f64;
        let figures = BTreeMap::from([
            ("push_s".to_owned(), of(&|r| r.push_s)),
            ("push_ops_per_s".to_owned(), of(&|r| nf / r.push_s)),
            ("raw_sqlite_ops_per_s".to_owned(), of(&|r| nf / r.baseline_s)),
            ("ingest_ratio".to_owned(), of(&|r| r.baseline_s / r.push_s)),
            ("pull_s".to_owned(), of(&|r| r.pull_s)),
            ("pull_apply_s".to_owned(), of(&|r| r.pull_apply_s)),
            ("pull_ops_per_s".to_owned(), of(&|r| nf / r.pull_s)),
            ("push_and_pull_s".to_owned(), of(&|r| r.push_s + r.pull_s)),
        ]);
        out.insert(n, figures);
    }
    out
}

pub fn throughput(runs: &[ThroughputRun]) -> ThroughputSummary {
    let of = |f: &dyn Fn(&ThroughputRun) -> f64| Summary::of(runs.iter().map(f).collect());
    ThroughputSummary {
        ops: runs.first().map_or(0, |r| r.ops),
        batch: runs.first().map_or(0, |r| r.batch),
        pull_page: PULL_PAGE,
        figures: BTreeMap::from([
            ("push_s".to_owned(), of(&|r| r.push_s)),
            ("push_ops_per_s".to_owned(), of(&|r| r.ops as f64 / r.push_s)),
            ("pull_s".to_owned(), of(&|r| r.pull_s)),
            ("pull_ops_per_s".to_owned(), of(&|r| r.ops as f64 / r.pull_s)),
        ]),
    }
}

pub fn roster(runs: &[crate::roster::RosterRun]) -> BTreeMap<String, Summary> {
    let of =
        |f: &dyn Fn(&crate::roster::RosterRun) -> f64| Summary::of(runs.iter().map(f).collect());
    BTreeMap::from([
        ("preview_s".to_owned(), of(&|r| r.preview_s)),
        ("apply_s".to_owned(), of(&|r| r.apply_s)),
        ("preview_and_apply_s".to_owned(), of(&|r| r.preview_s + r.apply_s)),
        ("xlsx_bytes".to_owned(), of(&|r| r.xlsx_bytes as f64)),
    ])
}

fn target(name: &str, goal: &str, measured: String, met: bool) -> Target {
    Target { name: name.into(), target: goal.into(), measured, met }
}

fn all_below(values: impl Iterator<Item = f64>, limit: f64) -> bool {
    let mut any = false;
    for v in values {
        if v.is_nan() || v > limit {
            return false;
        }
        any = true;
    }
    any
}

fn ratios_text(values: impl Iterator<Item = f64>) -> String {
    values.map(|v| format!("{v:.2}×")).collect::<Vec<_>>().join(" ")
}

/// Issue 15's targets (and the roster's, issue 11), judged on the medians; a ratio asked of
/// consecutive runs is judged in each set.
pub fn targets(r: &Results) -> Vec<Target> {
    let mut t = Vec::new();
    if let Some(sync) = &r.sync {
        if let Some(s) = sync.get(&10_000) {
            let per_s = s["pull_ops_per_s"].median;
            t.push(target(
                "pull + apply of 10,000 ops into IndexedDB",
                "≥ 20,000 ops/s",
                format!("{per_s:.0} ops/s"),
                per_s >= 20_000.0,
            ));
            let secs = s["push_and_pull_s"].median;
            t.push(target(
                "10,000 ops pushed + pulled",
                "≤ 1.0 s",
                format!("{secs:.2} s"),
                secs <= 1.0,
            ));
            let ratio = s["ingest_ratio"].median;
            t.push(target(
                "server ingest vs raw rusqlite (10,000 ops)",
                "≥ 0.75×",
                format!("{ratio:.2}×"),
                ratio >= 0.75,
            ));
        }
        if let Some(s) = sync.get(&50_000) {
            let secs = s["push_and_pull_s"].median;
            t.push(target(
                "50,000 ops pushed + pulled",
                "≤ 5 s",
                format!("{secs:.2} s"),
                secs <= 5.0,
            ));
        }
    }
    if let Some(p) = &r.propagation {
        let ms = p.p95_ms;
        t.push(target(
            "change seen by another online tablet, p95",
            "≤ 2000 ms",
            format!("{ms:.0} ms"),
            ms <= 2000.0,
        ));
        let per_minute = p.idle_requests_per_minute;
        t.push(target(
            "idle tablet's requests",
            "≤ 1 a minute",
            format!("{per_minute:.2} a minute"),
            per_minute <= 1.0,
        ));
    }
    if let Some(s) = &r.sizes {
        let kb = s.total.brotli as f64 / 1000.0;
        t.push(target("first load (brotli)", "≤ 150 KB", format!("{kb:.1} KB"), kb <= 150.0));
        let kb = s.installed.brotli as f64 / 1000.0;
        t.push(target(
            "whole app precached (brotli)",
            "≤ 600 KB",
            format!("{kb:.1} KB"),
            kb <= 600.0,
        ));
    }
    if let Some(c) = &r.cold_start {
        let ms = c.tap_throttled_4x_ms.median;
        t.push(target(
            "survey form offline, 4× CPU: tap to first field",
            "≤ 300 ms",
            format!("{ms:.0} ms"),
            ms <= 300.0,
        ));
    }
    if let Some(lowest) = r.lighthouse.as_ref().and_then(|l| l.lowest()) {
        t.push(target(
            "Lighthouse performance (mobile), every route",
            "≥ 90",
            format!("lowest {:.0} ({})", lowest.score, lowest.route),
            lowest.score >= 90.0,
        ));
    }
    if let Some(sets) = &r.idb_sets {
        let n = sets.len();
        let asked: [(&str, &str, RatioOf, f64); 3] = [
            ("save p95 vs plain JS", "≤ 1.3×", |x| x.save_p95, 1.3),
            ("bulk import vs plain JS", "≤ 1.1×", |x| x.import, 1.1),
            ("read vs plain JS", "≤ 1.3×", |x| x.read, 1.3),
        ];
        let people = r.idb_people.map_or_else(String::new, |p| format!(" ({p} people)"));
        for (name, goal, get, limit) in asked {
            t.push(target(
                &format!("{name}{people}, each of {n} sets"),
                goal,
                ratios_text(sets.iter().map(get)),
                n >= 5 && all_below(sets.iter().map(get), limit),
            ));
        }
    }
    if let Some(d) = &r.keystroke_draft {
        let ms = d.app.p95_ms;
        t.push(target("keystroke draft write, p95", "≤ 2 ms", format!("{ms:.2} ms"), ms <= 2.0));
    }
    for m in r.memory.iter().flatten() {
        let ratio = m.app() / m.js_same();
        t.push(target(
            &format!("memory with {} people vs plain JS holding the same", m.people),
            "≤ 1.2×",
            format!("{ratio:.2}×"),
            ratio <= 1.2,
        ));
    }
    if let Some(l) = &r.large {
        let ratio = app_over_js(&l.figures, "read_ms");
        t.push(target(
            &format!("list read, {} people, vs plain JS", l.people),
            "≤ 1.5×",
            format!("{ratio:.2}×"),
            ratio <= 1.5,
        ));
        let search = median_of(&l.figures, "app", "search_ms");
        t.push(target(
            &format!("search by name, {} people", l.people),
            "< 50 ms",
            format!("{search:.2} ms"),
            search < 50.0,
        ));
    }
    if let Some(roster) = &r.roster {
        let secs = roster["preview_and_apply_s"].median;
        t.push(target(
            "roster of 3,000 members previewed + applied",
            "< 5 s",
            format!("{secs:.2} s"),
            secs < 5.0,
        ));
    }
    t
}

fn kb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1000.0)
}

fn row(s: &Summary, digits: usize) -> String {
    format!("{:>10.d$} {:>10.d$} {:>10.d$}", s.median, s.min, s.max, d = digits)
}

/// Whether some implementation has a figure for `figure`: the people list at scale measures no
/// save and no record size (its runs hold `NaN` and 0), and those columns are left out.
fn measured(idb: &BTreeMap<String, BTreeMap<String, Summary>>, figure: &str) -> bool {
    idb.values()
        .filter_map(|sums| sums.get(figure))
        .any(|s| s.runs.iter().any(|v| v.is_finite() && *v != 0.0))
}

/// Per implementation, each IndexedDB figure measured: median [min–max], then app / js of the
/// medians.
fn idb_table(out: &mut String, idb: &BTreeMap<String, BTreeMap<String, Summary>>) {
    let figures: Vec<&str> =
        IDB_FIGURES.iter().map(|(name, _)| *name).filter(|f| measured(idb, f)).collect();
    let _ = write!(out, "{:<14}", "");
    for f in &figures {
        let _ = write!(out, " {f:>22}");
    }
    let _ = writeln!(out);
    for (key, sums) in idb {
        let _ = write!(out, "{key:<14}");
        for &f in &figures {
            let s = &sums[f];
            let _ = write!(out, " {:>22}", format!("{:.2} [{:.2}–{:.2}]", s.median, s.min, s.max));
        }
        let _ = writeln!(out);
    }
    if idb.contains_key("app") && idb.contains_key("js") {
        let _ = write!(out, "{:<14}", "app / js");
        for &f in &figures {
            let _ = write!(out, " {:>22}", format!("{:.2}×", app_over_js(idb, f)));
        }
        let _ = writeln!(out);
    }
}

/// The table printed at the end of a run.
pub fn table(r: &Results) -> String {
    let mut out = String::new();
    let commit = r.commit.as_deref().map(|c| format!(" — {c}")).unwrap_or_default();
    let _ = writeln!(out, "四争一树 Field benchmark — {} — {}{commit}", r.generated_at, r.machine);
    if let Some(s) = &r.sizes {
        let _ = writeln!(
            out,
            "\nFirst-load transfer (KB = 1000 bytes)\n{:<8} {:>10} {:>10} {:>10}",
            "", "raw", "gzip-9", "brotli-11"
        );
        for (kind, v) in s.kinds.iter().chain([(&"total".to_owned(), &s.total)]) {
            let _ = writeln!(
                out,
                "{kind:<8} {:>10} {:>10} {:>10}",
                kb(v.raw),
                kb(v.gzip),
                kb(v.brotli)
            );
        }
        let _ = writeln!(out, "(total = html + js + wasm + css; other = manifest and icons)");
        let names = [
            ("fieldwork", "field work and sync, once the list is painted"),
            ("dashboard", "campaign dashboard, when opened"),
            ("office", "other campaign and office screens, when opened"),
        ];
        for (split, label) in names {
            if let Some(v) = s.later.get(split) {
                let (raw, gzip, brotli) = (kb(v.raw), kb(v.gzip), kb(v.brotli));
                let _ = writeln!(out, "+ {label:<46} {raw:>10} {gzip:>10} {brotli:>10}");
            }
        }
        let v = &s.installed;
        let (raw, gzip, brotli) = (kb(v.raw), kb(v.gzip), kb(v.brotli));
        let _ = writeln!(
            out,
            "whole app, precached by the service worker      {raw:>10} {gzip:>10} {brotli:>10}"
        );
    }
    if let Some(p) = &r.propagation {
        let _ = writeln!(
            out,
            "\nA change seen by another online tablet ({} runs, ms)\n{:<24} {:>10} {:>10} {:>10} {:>10}\n{:<24} {} {:>10.0}",
            p.ms.len(),
            "",
            "median",
            "min",
            "max",
            "p95",
            "push → on screen",
            row(&p.summary, 0),
            p.p95_ms
        );
        let _ = writeln!(
            out,
            "idle tablet: {} requests in {} s ({:.2} a minute)",
            p.idle_requests, p.idle_seconds, p.idle_requests_per_minute
        );
    }
    if let Some(l) = &r.lighthouse {
        let _ = writeln!(
            out,
            "\nLighthouse {} performance, mobile profile (ms)\n{:<20} {:>6} {:>8} {:>8} {:>8} {:>8} {:>6}",
            l.version, "route", "score", "FCP", "LCP", "TBT", "SI", "CLS"
        );
        for a in &l.routes {
            let _ = writeln!(
                out,
                "{:<20} {:>6.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>6.3}",
                a.route,
                a.score,
                a.first_contentful_paint_ms,
                a.largest_contentful_paint_ms,
                a.total_blocking_time_ms,
                a.speed_index_ms,
                a.cumulative_layout_shift
            );
        }
    }
    if let Some(c) = &r.cold_start {
        let _ = writeln!(
            out,
            "\nOffline cold start to {} of {}, browser in {} (ms)\n{:<24} {:>10} {:>10} {:>10}",
            c.ready_selector, c.route, c.browser_lang, "", "median", "min", "max"
        );
        let _ = writeln!(out, "{:<24} {}", "no throttling", row(&c.unthrottled_ms, 0));
        let _ = writeln!(out, "{:<24} {}", "4× CPU throttling", row(&c.throttled_4x_ms, 0));
        let _ = writeln!(
            out,
            "Tap on 新调查 to the form's first field, offline, 4× CPU throttling (ms)\n{:<24} {}",
            "",
            row(&c.tap_throttled_4x_ms, 0)
        );
    }
    if let Some(v) = &r.first_visit {
        let _ = writeln!(
            out,
            "\nFirst visit to {} over slow 4G ({} ms round trip on {}), 4× CPU throttling, browser in {}, nothing cached (ms; screen shown: {})\n{:<24} {:>10} {:>10} {:>10}",
            v.route,
            crate::slow_line::Line::SLOW_4G.round_trip.as_millis(),
            v.line_latency.describe(),
            v.browser_lang,
            v.ready_selector,
            "",
            "median",
            "min",
            "max"
        );
        let _ = writeln!(out, "{:<24} {}", "the screen shown", row(&v.screen_ms, 0));
        let _ = writeln!(out, "{:<24} {}", "installed for offline", row(&v.offline_ms, 0));
    }
    if let Some(idb) = &r.idb {
        let _ = writeln!(out, "\nIndexedDB (ms; median [min–max] over every run of every set)");
        idb_table(&mut out, idb);
    }
    if let Some(sets) = &r.idb_sets {
        let _ = writeln!(
            out,
            "app / js, each set (its own medians)\n{:<8} {:>12} {:>12} {:>12}",
            "set", "save p95", "import", "read"
        );
        for (i, x) in sets.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:<8} {:>11.2}× {:>11.2}× {:>11.2}×",
                i + 1,
                x.save_p95,
                x.import,
                x.read
            );
        }
    }
    if let Some(l) = &r.large {
        let _ = writeln!(out, "\nThe people list with {} people (ms; median [min–max])", l.people);
        idb_table(&mut out, &l.figures);
    }
    if let Some(d) = &r.keystroke_draft {
        let _ = writeln!(
            out,
            "\nKeystroke draft write ({} keystrokes, ms; after the same typed by each, untimed)",
            d.keystrokes
        );
        let line = |who: &str, w: &DraftWrites| {
            format!("{who:<34} p50 {:.2}, p95 {:.2}, max {:.2}\n", w.p50_ms, w.p95_ms, w.max_ms)
        };
        out.push_str(&line("app", &d.app));
        if let Some(js) = &d.plain_js {
            out.push_str(&line("plain JS, the same text, same way", js));
        }
    }
    if let Some(roster) = &r.roster {
        let _ = writeln!(out, "\nRoster import, 3,000 members, XLSX over HTTP (median [min–max])");
        for (name, v) in roster {
            let _ = writeln!(out, "{name:<22} {}", row(v, 2));
        }
    }
    if let Some(sync) = &r.sync {
        let _ = writeln!(out, "\nSync over loopback HTTP (median [min–max])");
        for (n, s) in sync {
            for (name, v) in s {
                let _ = writeln!(out, "{n:>6} ops  {name:<22} {}", row(v, 2));
            }
        }
    }
    if let Some(chunks) = &r.record_chunks {
        let _ = writeln!(
            out,
            "\nRecords in chunks: plain JavaScript, no app code (ms; median [min–max]; 1 = one record a value, as the app stores them)\n\
             write = new records stored as a pull stores its pages (each page and its history entry in one transaction);\n\
             read = every record read back; save = one changed record written (its chunk read and written whole)"
        );
        for (size, figures) in chunks {
            for (name, v) in figures {
                let _ = writeln!(out, "{size:>3} a value  {name:<14} {}", row(v, 2));
            }
        }
    }
    if let Some(e) = &r.storage_engines {
        let _ = writeln!(
            out,
            "\nStorage engines: plain JavaScript, no app code (ms; median [min–max]); SQLite on OPFS in a worker, timed from the page\n\
             pull = {} new records stored as a pull stores its pages of {} (records, history entry, clock, cursor in one transaction);\n\
             read = every record back in the page as objects; save = read record and clock, write record, outbox entry and clock",
            e.records, e.page
        );
        for (engine, settings) in &e.settings {
            let said: Vec<String> = settings.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(out, "{engine:<17} {}", said.join(", "));
        }
        for (engine, figures) in &e.figures {
            for (name, v) in figures {
                let _ = writeln!(out, "{engine:<17} {name:<14} {}", row(v, 2));
            }
            if let Some(pull) = figures.get("pull_ms").filter(|p| p.median > 0.0) {
                let rate = e.records as f64 / (pull.median / 1000.0);
                let _ = writeln!(out, "{engine:<17} {:<14} {rate:.0}", "pull records/s");
            }
        }
        for (file, s) in &e.sqlite_files {
            let _ = writeln!(
                out,
                "SQLite's own file {file:<14} {:.1} KB raw, {:.1} KB brotli",
                s.raw as f64 / 1000.0,
                s.brotli as f64 / 1000.0
            );
        }
    }
    if let Some(t) = &r.throughput {
        let _ = writeln!(
            out,
            "\nSync throughput, server in process (loopback HTTP, SQLite WAL synchronous=FULL; median [min–max])\n{} ops pushed in batches of {}, pulled in pages of {}",
            t.ops, t.batch, t.pull_page
        );
        for (name, v) in &t.figures {
            let _ = writeln!(out, "{name:<22} {}", row(v, 2));
        }
    }
    if let Some(c) = &r.county {
        let _ = writeln!(
            out,
            "\nCounty on PostgreSQL: {} towns × {} tablets push {} ops (batches of {}); {} office pullers + the county pull (pages of {}) meanwhile; none lost, none twice",
            c.towns, c.tablets_per_town, c.ops, c.batch, c.towns, c.pull_page
        );
        for run in &c.runs {
            let _ = writeln!(
                out,
                "{} server process{:<3} {:>8.0} ops/s  (push {:.2}s, all pulled {:.2}s, {} pages, {} batches resent after 5xx)",
                run.processes,
                if run.processes == 1 { "" } else { "es" },
                run.push_ops_per_s,
                run.push_s,
                run.all_pulled_s,
                run.pull_pages,
                run.resent_batches
            );
        }
        let _ = writeln!(
            out,
            "raw batched INSERT   {:>8.0} ops/s  ({:.2}s, {} connections, scratch table, same database)",
            c.baseline_ops_per_s, c.baseline_insert_s, c.baseline_writers
        );
    }
    for m in r.memory.iter().flatten() {
        let mb = |b: f64| b / 1_000_000.0;
        let _ = writeln!(
            out,
            "\nMemory with {} people held (MB; JS heap + wasm memory; the list read onto a stored database)",
            m.people
        );
        let lines = [
            ("app:", m.app_js_heap, m.app_wasm, ""),
            ("plain JS, the same rows:", m.js_same_js_heap, m.js_same_wasm, " (idle module)"),
            ("plain JS, whole records:", m.js_js_heap, m.js_wasm, " (idle module)"),
            (
                "app, imported in the same page first:",
                m.app_after_import_js_heap,
                m.app_after_import_wasm,
                "",
            ),
            ("empty page:", m.empty_js_heap, m.empty_wasm, ""),
        ];
        for (label, heap, wasm, note) in lines {
            let (heap, wasm, sum) = (mb(heap), mb(wasm), mb(heap + wasm));
            let _ =
                writeln!(out, "{label:<25} JS heap {heap:.1} + wasm {wasm:.1}{note} = {sum:.1}");
        }
    }
    if !r.targets.is_empty() {
        let _ = writeln!(out, "\nTargets (issue 15; the roster: issue 11)");
        for t in &r.targets {
            let _ = writeln!(
                out,
                "{:<4} {:<42} {:>10}  measured {}",
                if t.met { "MET" } else { "MISS" },
                t.name,
                t.target,
                t.measured
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged<'a>(t: &'a [Target], name: &str) -> &'a Target {
        t.iter().find(|x| x.name.starts_with(name)).unwrap_or_else(|| panic!("{name}: {t:?}"))
    }

    fn with_sets(sets: Vec<IdbRatios>) -> Results {
        Results { idb_sets: Some(sets), ..Results::default() }
    }

    #[test]
    fn a_ratio_is_met_only_in_each_of_five_sets() {
        let good = IdbRatios { save_p95: 1.2, import: 1.05, read: 1.1 };
        let t = targets(&with_sets(vec![good; 5]));
        assert!(judged(&t, "save p95").met && judged(&t, "read vs").met, "{t:?}");
        assert_eq!(judged(&t, "save p95").measured, "1.20× 1.20× 1.20× 1.20× 1.20×");

        let t = targets(&with_sets(vec![good; 4]));
        assert!(!judged(&t, "save p95").met, "four sets are not the five asked for");

        let mut sets = vec![good; 5];
        sets[3].import = 1.11;
        sets[1].read = f64::NAN;
        let t = targets(&with_sets(sets));
        assert!(judged(&t, "save p95").met);
        assert!(!judged(&t, "bulk import").met, "one set over the limit misses it");
        assert!(!judged(&t, "read vs").met, "a set without a figure misses it");
    }

    #[test]
    fn memory_is_judged_at_every_size_held() {
        let at = |people, app_wasm| Memory {
            people,
            app_js_heap: 1.0e6,
            app_wasm,
            js_js_heap: 30.0e6,
            js_wasm: 1.0e6,
            js_same_js_heap: 15.0e6,
            js_same_wasm: 1.0e6,
            app_after_import_js_heap: 0.0,
            app_after_import_wasm: 0.0,
            empty_js_heap: 0.0,
            empty_wasm: 0.0,
        };
        let r = Results {
            memory: Some(vec![at(10_000, 18.0e6), at(50_000, 19.5e6)]),
            ..Default::default()
        };
        let t = targets(&r);
        assert!(judged(&t, "memory with 10000").met, "19 MB against 16 MB is 1.19×");
        assert!(
            !judged(&t, "memory with 50000").met,
            "20.5 MB against 16 MB is 1.28×, whatever plain JS holding more takes (31 MB)"
        );
    }

    #[test]
    fn the_idb_table_leaves_out_what_a_part_did_not_measure() {
        // As the people list at scale reports: no save, no record size.
        let figures = |read: f64| -> BTreeMap<String, Summary> {
            IDB_FIGURES
                .iter()
                .map(|(name, _)| {
                    let runs = match *name {
                        "save_p50_ms" | "save_p95_ms" => vec![f64::NAN; 3],
                        "record_bytes" => vec![0.0; 3],
                        _ => vec![read, read + 10.0, read + 20.0],
                    };
                    (name.to_string(), Summary::of(runs))
                })
                .collect()
        };
        let idb = BTreeMap::from([
            ("app".to_owned(), figures(1100.0)),
            ("js".to_owned(), figures(1000.0)),
        ]);
        let mut out = String::new();
        idb_table(&mut out, &idb);
        assert!(out.contains("read_ms") && out.contains("1.10×"), "{out}");
        for left_out in ["save_p50_ms", "save_p95_ms", "record_bytes", "NaN", "inf"] {
            assert!(!out.contains(left_out), "{left_out} printed: {out}");
        }
    }

    #[test]
    fn keystroke_draft_is_summarised_by_nearest_rank() {
        let times: Vec<f64> = (1..=100).map(|i| f64::from(i) / 10.0).collect();
        let js: Vec<f64> = times.iter().map(|t| t / 10.0).collect();
        let d = keystroke_draft(&times, &js);
        assert_eq!((d.keystrokes, d.app.p50_ms, d.app.p95_ms, d.app.max_ms), (100, 5.0, 9.5, 10.0));
        // Plain JavaScript's writes are printed beside the app's; the target judges the app's.
        let printed = table(&Results { keystroke_draft: Some(d), ..Default::default() });
        assert!(printed.contains("p95 9.50") && printed.contains("p95 0.95"), "{printed}");
        let t = targets(&Results {
            keystroke_draft: Some(keystroke_draft(&times, &js)),
            ..Default::default()
        });
        assert!(!judged(&t, "keystroke draft").met);
        // The JSON keeps the app's figures where earlier runs had them (`--compare`).
        let json = serde_json::to_value(keystroke_draft(&times, &[])).unwrap();
        assert_eq!((json["p95_ms"].as_f64(), json["plain_js"].is_null()), (Some(9.5), true));
    }
}
