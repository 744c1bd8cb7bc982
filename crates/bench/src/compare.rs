//! The results file and `--compare`.
//!
//! The results file (`--out`) holds the last figures of every part: a run writes its own parts
//! over the file's and keeps the others ([`merged`]), each part stamped with the run that
//! measured it (`measured`). So a run of one part (`--only firstvisit`) leaves the full run's
//! other figures to be compared with, not a file of that part alone.
//!
//! `--compare`: every figure of this run beside the one recorded for it, with the change in
//! percent, so a regression is seen the day it lands. Figures are the numbers of the results
//! JSON, named by their path (`idb.app.save_p95_ms.median`; an item of a list by its `route`
//! where it has one, `lighthouse.routes[people].score`; a build's file without its build's
//! hash, `sizes.files.app/field_bg.wasm.brotli`); a figure only one run has is listed as new or
//! gone. A part is compared only with figures measured under the same settings ([`SETTINGS`]:
//! the route, the line, the browser's language, the number of people …): with the last ones,
//! else with the full run kept in git; else it is named, with what differs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Every number of `value`, by its path of keys joined with dots; an item of a list by its
/// `route`, else its `people` (`memory[10000].app_wasm`), else its place.
pub fn figures(value: &Value) -> BTreeMap<String, f64> {
    fn walk(value: &Value, path: &mut String, out: &mut BTreeMap<String, f64>) {
        match value {
            Value::Number(n) => {
                if let Some(x) = n.as_f64() {
                    out.insert(path.clone(), x);
                }
            }
            Value::Object(map) => {
                for (key, child) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&unhashed(key));
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    match (child.get("route"), child.get("people")) {
                        (Some(Value::String(route)), _) => path.push_str(&format!("[{route}]")),
                        (_, Some(Value::Number(people))) => path.push_str(&format!("[{people}]")),
                        _ => path.push_str(&format!("[{i}]")),
                    }
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// `key` without a build's hash: `-` and 16 hexadecimal digits before a `/` or a `.`
/// (`app-2ad417567468657a/field.js`, `scripts/build-wasm.sh`; `main-e0b7229dca145395.css`,
/// Trunk's), so that the same file of two builds is one figure.
fn unhashed(key: &str) -> String {
    let bytes = key.as_bytes();
    let hash_at = |i: usize| {
        bytes[i] == b'-'
            && bytes.get(i + 1..i + 17).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
            && matches!(bytes.get(i + 17), Some(b'/' | b'.'))
    };
    let mut out = String::with_capacity(key.len());
    let mut after_hash = 0;
    for (i, c) in key.char_indices() {
        if i < after_hash {
            continue;
        }
        if hash_at(i) {
            after_hash = i + 17;
        } else {
            out.push(c);
        }
    }
    out
}

/// The change from `before` to `now` in percent (`None` when `before` is 0).
fn change(before: f64, now: f64) -> Option<f64> {
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}

/// The top-level keys of a results file that are not parts: the run's stamp and the targets
/// (worked out from the parts of the run that wrote the file; their figures are the parts').
const NOT_PARTS: [&str; 5] = ["generated_at", "machine", "commit", "targets", "measured"];

/// Top-level keys that are a setting of parts ([`SETTINGS`]), not figures: kept in the file
/// with them, neither compared nor named as a part.
const SETTING_KEYS: [&str; 3] = ["idb_people", "idb_import", "memory_import"];

/// What each part was measured under: the part, where the setting is in the results file, and
/// the value a file older than the setting had (the line's round trip before session 45, the
/// browsers' language and the route before session 48: the defaults of `--line-latency`,
/// `--browser-lang` and `--cold-start-route`; the app's import before session 49: whole
/// records). Figures measured under other settings are not compared.
const SETTINGS: [(&str, &str, Option<&str>); 26] = [
    ("first_visit", "first_visit.route", Some("#/survey/new")),
    ("first_visit", "first_visit.ready_selector", None),
    ("first_visit", "first_visit.line_latency", Some("connection")),
    ("first_visit", "first_visit.browser_lang", Some("zh-CN")),
    ("cold_start", "cold_start.route", Some("#/survey/new")),
    ("cold_start", "cold_start.ready_selector", None),
    ("cold_start", "cold_start.browser_lang", Some("zh-CN")),
    ("idb", "idb_people", None),
    ("idb", "idb_import", Some("records")),
    ("idb_sets", "idb_people", None),
    ("idb_sets", "idb_import", Some("records")),
    ("large", "large.people", None),
    ("large", "large.import", Some("records")),
    ("memory", "memory_import", Some("records")),
    ("keystroke_draft", "keystroke_draft.keystrokes", None),
    ("throughput", "throughput.ops", None),
    ("throughput", "throughput.batch", None),
    ("throughput", "throughput.pull_page", None),
    ("storage_engines", "storage_engines.records", None),
    ("storage_engines", "storage_engines.page", None),
    ("propagation", "propagation.idle_seconds", None),
    ("county", "county.towns", None),
    ("county", "county.tablets_per_town", None),
    ("county", "county.ops", None),
    ("county", "county.batch", None),
    ("county", "county.pull_page", None),
];

/// Text the results file records beside a part's figures that is said when it changes, the
/// figures still compared: the Lighthouse that audited.
const NOTED: [(&str, &str); 1] = [("lighthouse", "lighthouse.version")];

/// The value at `path` (keys joined with dots) of `results`, as text.
fn text_at(results: &Value, path: &str) -> Option<String> {
    let value = path.split('.').try_fold(results, |v, key| v.get(key))?;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// "when, commit" of a results file: the run that wrote it.
fn stamp(results: &Value) -> String {
    let text = |key| results.get(key).and_then(Value::as_str);
    let at = text("generated_at").unwrap_or("?");
    text("commit").map_or_else(|| at.to_owned(), |commit| format!("{at}, {commit}"))
}

/// The stamp of the run that measured `part` of `results`: its `measured` entry, else (a run's
/// own results, or a file written before parts were stamped) the file's own.
fn measured_by(results: &Value, part: &str) -> String {
    results
        .get("measured")
        .and_then(|m| m.get(part))
        .and_then(Value::as_str)
        .map_or_else(|| stamp(results), str::to_owned)
}

/// Does `results` hold figures of part `key`? (A setting of parts, [`SETTING_KEYS`], is none.)
fn holds(results: &Value, key: &str) -> bool {
    !NOT_PARTS.contains(&key)
        && !SETTING_KEYS.contains(&key)
        && results.get(key).is_some_and(|v| !v.is_null())
}

/// The results file to write: `current`'s parts over `previous`'s, each part stamped in
/// `measured` with the run that measured it (`current` may itself be such a file: its stamps
/// are kept). The stamp and the targets are `current`'s.
pub fn merged(previous: Option<&Value>, current: &Value) -> Value {
    let mut stamps = serde_json::Map::new();
    let mut out = current.clone();
    if let (Some(out), Some(previous)) = (out.as_object_mut(), previous) {
        let kept = previous.as_object().into_iter().flatten();
        for (key, value) in kept.filter(|(k, _)| holds(previous, k) && !holds(current, k)) {
            out.insert(key.clone(), value.clone());
            stamps.insert(key.clone(), Value::String(measured_by(previous, key)));
        }
    }
    for key in current.as_object().into_iter().flat_map(|m| m.keys()) {
        if holds(current, key) {
            stamps.insert(key.clone(), Value::String(measured_by(current, key)));
        }
    }
    if let Some(out) = out.as_object_mut() {
        // A setting of parts goes with their figures, from the side they come from: figures
        // kept from before a setting was recorded never take on a later run's.
        for key in SETTING_KEYS {
            let parts = || SETTINGS.iter().filter(|(_, path, _)| *path == key).map(|(p, _, _)| *p);
            let side = if parts().any(|p| holds(current, p)) {
                Some(current)
            } else {
                previous.filter(|previous| parts().any(|p| holds(previous, p)))
            };
            match side.and_then(|side| side.get(key)) {
                Some(value) => out.insert(key.to_owned(), value.clone()),
                None => out.remove(key),
            };
        }
        out.insert("measured".to_owned(), Value::Object(stamps));
    }
    out
}

/// The settings of `part` that differ between `before` and `now`, as "setting before → now"
/// (a setting one side lacks counts as its default, or, without one, as not known).
fn other_settings(part: &str, before: &Value, now: &Value) -> Vec<String> {
    let value = |results: &Value, path: &str, default: Option<&str>| {
        text_at(results, path).or(default.map(str::to_owned))
    };
    SETTINGS
        .iter()
        .filter(|(p, _, _)| *p == part)
        .filter_map(|(_, path, default)| {
            match (value(before, path, *default), value(now, path, *default)) {
                (Some(b), Some(n)) if b != n => Some(format!("{path} {b} → {n}")),
                _ => None,
            }
        })
        .collect()
}

/// A results file to compare with, and its name.
pub type Source<'a> = (&'a str, &'a Value);

/// The comparison table: one line per figure of either run, each part of this run beside the
/// last figures of that part measured under its settings: `last`'s, else `record`'s (the full
/// run kept in git). A part this run did not measure, or whose settings neither had, is named
/// once.
pub fn table(last: Source<'_>, record: Option<Source<'_>>, current: &Value) -> String {
    let (source, previous) = last;
    let mut out = format!(
        "Compared with the last recorded figures, in {source} ({} → {})\n",
        stamp(previous),
        stamp(current),
    );
    // Each part this run measured that has figures to compare with: from the record (true) or
    // from `last` (false).
    let mut from_record: BTreeMap<&str, bool> = BTreeMap::new();
    let mut not_compared = BTreeSet::new();
    let parts = current.as_object().into_iter().flat_map(|m| m.keys());
    for part in parts.filter(|k| holds(current, k)).map(String::as_str) {
        for (noted, path) in NOTED.iter().filter(|(p, _)| *p == part) {
            match (text_at(previous, path), text_at(current, path)) {
                (Some(b), Some(n)) if b != n => {
                    out.push_str(&format!("{noted}: {path} {b} → {n}\n"))
                }
                _ => {}
            }
        }
        let differs =
            if holds(previous, part) { other_settings(part, previous, current) } else { vec![] };
        if holds(previous, part) && differs.is_empty() {
            let by = measured_by(previous, part);
            if by != stamp(previous) {
                out.push_str(&format!("{part}: last measured {by}\n"));
            }
            from_record.insert(part, false);
            continue;
        }
        let record =
            record.filter(|(_, r)| holds(r, part) && other_settings(part, r, current).is_empty());
        let differs = differs.join("; ");
        match (record, differs.is_empty()) {
            (Some((name, record)), _) => {
                let otherwise = if differs.is_empty() {
                    String::new()
                } else {
                    format!("measured otherwise in the last run ({differs}); ")
                };
                let by = measured_by(record, part);
                out.push_str(&format!("{part}: {otherwise}beside {name} ({by})\n"));
                from_record.insert(part, true);
            }
            (None, false) => {
                out.push_str(&format!(
                    "{part}: measured otherwise ({differs}), its figures are not compared\n"
                ));
                not_compared.insert(part);
            }
            // A part no file had: its figures are new.
            (None, true) => {}
        }
    }
    out.push_str(&format!("{:<60} {:>14} {:>14} {:>9}\n", "figure", "last", "now", "change"));
    let (last_figures, record_figures) =
        (figures(previous), record.map(|(_, r)| figures(r)).unwrap_or_default());
    let of = |figures: &BTreeMap<String, f64>, record: bool| -> Vec<(String, f64)> {
        let wanted = |name: &String| from_record.get(part_of(name)) == Some(&record);
        figures.iter().filter(|(n, _)| wanted(n)).map(|(n, v)| (n.clone(), *v)).collect()
    };
    let before: BTreeMap<String, f64> =
        of(&last_figures, false).into_iter().chain(of(&record_figures, true)).collect();
    let now = figures(current);
    let names: BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    let listed =
        |n: &&String| !not_compared.contains(part_of(n)) && !SETTING_KEYS.contains(&part_of(n));
    for name in names.into_iter().filter(listed) {
        let line = match (before.get(name), now.get(name)) {
            (Some(b), Some(n)) => {
                let pct = change(*b, *n).map_or("—".to_owned(), |p| format!("{p:+.1}%"));
                format!("{name:<60} {b:>14.2} {n:>14.2} {pct:>9}")
            }
            (None, Some(n)) => format!("{name:<60} {:>14} {n:>14.2} {:>9}", "—", "new"),
            (Some(b), None) => format!("{name:<60} {b:>14.2} {:>14} {:>9}", "—", "gone"),
            (None, None) => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    // A part this run did not measure (`--only`) is named once, not listed figure by figure.
    let unmeasured: Vec<&str> = previous
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|k| holds(previous, k) && !holds(current, k))
        .map(String::as_str)
        .collect();
    if !unmeasured.is_empty() {
        out.push_str(&format!("not measured in this run: {}\n", unmeasured.join(", ")));
    }
    out
}

/// The part a figure's name belongs to: its first key.
fn part_of(name: &str) -> &str {
    name.split(['.', '[']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_number_by_its_path() {
        let v = json!({"idb": {"app": {"save_p95_ms": {"median": 2.5}}}, "machine": "x",
                       "memory": [{"people": 10000}],
                       "lighthouse": {"version": "12", "routes": [{"route": "people", "score": 95.0},
                                                                  {"route": "outbox", "score": 94.0}]}});
        let f = figures(&v);
        assert_eq!(f.get("idb.app.save_p95_ms.median"), Some(&2.5));
        assert_eq!(f.get("memory[10000].people"), Some(&10000.0));
        // A list's item by its route, so that another set of routes compares route with route.
        assert_eq!(f.get("lighthouse.routes[outbox].score"), Some(&94.0));
        assert_eq!(f.len(), 4, "text and booleans are no figures: {f:?}");
        // A file of the build by its name, without the build's hash.
        let sizes = json!({"sizes": {"files": {
            "app-2ad417567468657a/field_bg.wasm": {"brotli": 1.0},
            "main-e0b7229dca145395.css": {"brotli": 2.0},
            "app-notahash/x.js": {"brotli": 3.0},
            "图-0123456789abcdef0/x": {"brotli": 4.0},
            "图-0123456789abcdef/x": {"brotli": 5.0},
            "end-0123456789abcdef": {"brotli": 6.0}}}});
        let by_name: Vec<String> = figures(&sizes).into_keys().collect();
        assert_eq!(
            by_name,
            [
                "sizes.files.app-notahash/x.js.brotli",
                "sizes.files.app/field_bg.wasm.brotli",
                "sizes.files.end-0123456789abcdef.brotli",
                "sizes.files.main.css.brotli",
                "sizes.files.图-0123456789abcdef0/x.brotli",
                "sizes.files.图/x.brotli",
            ]
        );
        // Memory's items by their people, so that other sizes are not set beside these.
        let memory = json!({"memory": [{"people": 50000, "app_wasm": 8.6}]});
        assert_eq!(figures(&memory).get("memory[50000].app_wasm"), Some(&8.6));
    }

    #[test]
    fn the_table_says_the_change_and_what_is_new_or_gone() {
        let last = json!({"generated_at": "a", "s": {"pull": 2.0, "old": 1.0, "zero": 0.0}});
        let now = json!({"generated_at": "b", "commit": "c0ffee",
                         "s": {"pull": 1.5, "new": 3.0, "zero": 1.0}});
        let t = table(("docs/bench-record.json", &last), None, &now);
        assert!(t.contains("in docs/bench-record.json (a → b, c0ffee)"), "{t}");
        assert!(line_of(&t, "s.pull").ends_with("-25.0%"), "{t}");
        assert!(line_of(&t, "s.new").ends_with("new"), "{t}");
        assert!(line_of(&t, "s.old").ends_with("gone"), "{t}");
        assert!(line_of(&t, "s.zero").ends_with("—"), "no percent of nothing: {t}");
        // A part left out of this run (`--only`) is named once, its figures not listed as gone.
        let last = json!({"sizes": {"total": 250.0}, "cold_start": {"median": 300.0},
                          "idb": {"read": 1.0}});
        let now = json!({"sizes": {"total": 251.0}, "cold_start": null});
        let t = table(("r.json", &last), None, &now);
        assert!(line_of(&t, "sizes.total").ends_with("+0.4%"), "{t}");
        assert!(!t.contains("cold_start.median") && !t.contains("gone"), "{t}");
        assert!(t.contains("not measured in this run: cold_start, idb"), "{t}");
    }

    #[test]
    fn a_part_measured_otherwise_is_compared_with_the_record_or_named() {
        // Session 48's record: no language or cold start route recorded (their defaults).
        let record = json!({"generated_at": "a",
            "first_visit": {"route": "#/survey/new", "ready_selector": "form",
                            "line_latency": "connection", "screen_ms": {"median": 4400.0}},
            "cold_start": {"ready_selector": "form", "throttled_4x_ms": {"median": 324.0}}});
        let same = json!({"generated_at": "b",
            "first_visit": {"route": "#/survey/new", "ready_selector": "form",
                            "line_latency": "connection", "browser_lang": "zh-CN",
                            "screen_ms": {"median": 4300.0}},
            "cold_start": {"route": "#/survey/new", "ready_selector": "form",
                           "browser_lang": "zh-CN", "throttled_4x_ms": {"median": 330.0}}});
        let t = table(("r.json", &record), None, &same);
        assert!(!t.contains("otherwise"), "{t}");
        assert!(line_of(&t, "first_visit.screen_ms.median").ends_with("-2.3%"), "{t}");
        assert!(line_of(&t, "cold_start.throttled_4x_ms.median").ends_with("+1.9%"), "{t}");
        // The dashboard in English over the line charging each request, after the survey form:
        // not a regression of the survey form, nor compared with it.
        let dashboard = json!({"generated_at": "c",
            "first_visit": {"route": "#/campaign/dashboard", "ready_selector": "form",
                            "line_latency": "every-piece", "browser_lang": "en-US",
                            "screen_ms": {"median": 2800.0}}});
        let t = table(("r.json", &same), Some(("rec.json", &record)), &dashboard);
        let said = "first_visit: measured otherwise (first_visit.route #/survey/new → \
                    #/campaign/dashboard; first_visit.line_latency connection → every-piece; \
                    first_visit.browser_lang zh-CN → en-US), its figures are not compared";
        assert!(t.contains(said), "{t}");
        assert!(!t.contains("first_visit.screen_ms"), "{t}");
        assert!(t.contains("not measured in this run: cold_start"), "{t}");
        // The full run after it: beside the record's survey form, not the dashboard's figures.
        let t = table(("latest.json", &dashboard), Some(("rec.json", &record)), &same);
        assert!(
            t.contains(
                "first_visit: measured otherwise in the last run (first_visit.route \
                            #/campaign/dashboard → #/survey/new; "
            ),
            "{t}"
        );
        assert!(t.contains("; beside rec.json (a)"), "{t}");
        assert!(line_of(&t, "first_visit.screen_ms.median").ends_with("-2.3%"), "{t}");
        assert!(t.contains("cold_start: beside rec.json (a)"), "{t}");
        // As `main` calls it: the last file laid over the record.
        let last = merged(Some(&record), &dashboard);
        let t = table(("latest.json", &last), Some(("rec.json", &record)), &same);
        assert!(t.contains("first_visit: measured otherwise in the last run"), "{t}");
        assert!(t.contains("cold_start: last measured a\n"), "{t}");
        assert!(line_of(&t, "first_visit.screen_ms.median").ends_with("-2.3%"), "{t}");
        assert!(line_of(&t, "cold_start.throttled_4x_ms.median").ends_with("+1.9%"), "{t}");
        // A setting is a number too: a tenth of the people is not a gain.
        let tenth = json!({"idb_people": 1000, "idb": {"read": 20.0}, "idb_sets": [{"read": 1.0}]});
        let full =
            json!({"idb_people": 10000, "idb": {"read": 200.0}, "idb_sets": [{"read": 1.1}]});
        let t = table(("r.json", &full), None, &tenth);
        assert!(t.contains("idb: measured otherwise (idb_people 10000 → 1000)"), "{t}");
        assert!(t.contains("idb_sets: measured otherwise (idb_people 10000 → 1000)"), "{t}");
        assert!(!t.contains("idb.read") && !t.contains("idb_sets[0]"), "{t}");
        assert!(
            !t.contains("\nidb_people") && !t.contains("-90.0%"),
            "a setting, not a figure: {t}"
        );
        // The app's import: another tablet's file since session 49, whole records before (a
        // record without the setting).
        let large = |import: Option<&str>| {
            let mut large = json!({"people": 50000, "figures": {"app": {"read_ms": 900.0}}});
            if let Some(import) = import {
                large["import"] = json!(import);
            }
            large
        };
        let mut before = full.clone();
        before["large"] = large(None);
        let mut file = full.clone();
        file["idb_import"] = json!("file");
        file["large"] = large(Some("file"));
        let t = table(("r.json", &before), None, &file);
        assert!(t.contains("idb: measured otherwise (idb_import records → file)"), "{t}");
        assert!(t.contains("idb_sets: measured otherwise (idb_import records → file)"), "{t}");
        assert!(t.contains("large: measured otherwise (large.import records → file)"), "{t}");
        assert!(!t.contains("\nidb_import"), "a setting, not a figure: {t}");
        let t = table(("r.json", &file), None, &file);
        assert!(!t.contains("measured otherwise"), "{t}");
        // The memory part's people, stored by the import too.
        let memory = |wasm: f64| json!([{"people": 10000, "app_after_import_wasm": wasm}]);
        let before = json!({"memory": memory(24.7)});
        let file = json!({"memory": memory(35.3), "memory_import": "file"});
        let t = table(("r.json", &before), None, &file);
        assert!(t.contains("memory: measured otherwise (memory_import records → file)"), "{t}");
        let t = table(
            ("r.json", &json!({"memory": memory(24.7), "memory_import": "file"})),
            None,
            &file,
        );
        assert!(line_of(&t, "memory[10000].app_after_import_wasm").ends_with("+42.9%"), "{t}");
        assert!(!t.contains("\nmemory_import"), "a setting, not a figure: {t}");
        // Another Lighthouse is said, and its figures still compared.
        let audit = |version: &str, score: f64| json!({"lighthouse": {"version": version, "routes": [{"route": "people", "score": score}]}});
        let t = table(("r.json", &audit("12.8.2", 95.0)), None, &audit("12.9.0", 94.0));
        assert!(t.contains("lighthouse: lighthouse.version 12.8.2 → 12.9.0"), "{t}");
        assert!(line_of(&t, "lighthouse.routes[people].score").ends_with("-1.1%"), "{t}");
    }

    #[test]
    fn a_run_of_one_part_keeps_the_other_parts_figures() {
        let full = json!({"generated_at": "a", "commit": "c1", "machine": "m",
            "sizes": {"total": 250.0}, "idb": {"read": 1.0}, "idb_people": 10000,
            "first_visit": {"route": "#/survey/new", "screen_ms": {"median": 4400.0}},
            "targets": [{"name": "first load", "met": false}]});
        let one = json!({"generated_at": "b", "commit": "c2", "machine": "m",
            "sizes": null, "idb": null,
            "first_visit": {"route": "#/campaign/dashboard", "screen_ms": {"median": 2800.0}},
            "targets": []});
        let kept = merged(Some(&full), &one);
        assert_eq!(kept["sizes"], json!({"total": 250.0}), "{kept}");
        assert_eq!(kept["idb_people"], json!(10000), "{kept}");
        assert_eq!(kept["first_visit"]["route"], json!("#/campaign/dashboard"));
        assert_eq!((&kept["generated_at"], &kept["targets"]), (&json!("b"), &json!([])));
        assert_eq!(kept["measured"]["sizes"], json!("a, c1"));
        assert_eq!(kept["measured"]["first_visit"], json!("b, c2"));
        assert!(
            kept["measured"].get("targets").is_none() && kept["measured"].get("machine").is_none()
        );
        // The next run compares each part with its last figures, and says which came from an
        // earlier run than the file's.
        let next = json!({"generated_at": "c", "sizes": {"total": 240.0}});
        let t = table(("latest.json", &kept), None, &next);
        assert!(t.contains("sizes: last measured a, c1"), "{t}");
        assert!(line_of(&t, "sizes.total").ends_with("-4.0%"), "{t}");
        // A stamp is carried over from run to run, not taken from the file's own, also when the
        // file is laid over the record (`main`: the `--out` file over `docs/bench-record.json`).
        let again = merged(Some(&kept), &json!({"generated_at": "d", "idb": {"read": 0.9}}));
        assert_eq!(again["measured"]["sizes"], json!("a, c1"));
        assert_eq!(again["measured"]["first_visit"], json!("b, c2"));
        assert_eq!(again["measured"]["idb"], json!("d"));
        let record =
            json!({"generated_at": "r", "roster": {"apply_s": 0.1}, "sizes": {"total": 1.0}});
        let over = merged(Some(&record), &again);
        assert_eq!(over["measured"]["sizes"], json!("a, c1"), "the newer file's part: {over}");
        assert_eq!(over["measured"]["roster"], json!("r"), "the record's, where it alone has one");
        assert_eq!(over["sizes"], json!({"total": 250.0}));
        // With nothing before it, the file is this run's, stamped.
        let first = merged(None, &one);
        assert_eq!(first["measured"], json!({"first_visit": "b, c2"}));
        // A setting goes with its parts' figures: a file written before the import was
        // recorded, laid over a record that has it, does not lend its import figures the
        // record's setting.
        let older = json!({"generated_at": "e", "idb": {"import_ms": 900.0}, "idb_people": 10000});
        let record = json!({"generated_at": "r2", "idb": {"import_ms": 1300.0},
            "idb_people": 10000, "idb_import": "file",
            "memory": [{"people": 10000, "app_wasm": 2.6}], "memory_import": "file"});
        let laid = merged(Some(&record), &older);
        assert!(laid.get("idb_import").is_none(), "{laid}");
        assert_eq!(laid["idb_people"], json!(10000));
        assert_eq!(laid["memory_import"], json!("file"), "the record's memory, with its setting");
        assert_eq!(
            laid["measured"].as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["idb".to_owned(), "memory".to_owned()]),
            "settings are not parts: {laid}"
        );
        let t = table(("latest.json", &laid), None, &record);
        assert!(t.contains("idb: measured otherwise (idb_import records → file)"), "{t}");
        assert!(line_of(&t, "memory[10000].app_wasm").ends_with("+0.0%"), "{t}");
    }

    fn line_of(table: &str, name: &str) -> String {
        table.lines().find(|l| l.starts_with(name)).unwrap().to_owned()
    }
}
