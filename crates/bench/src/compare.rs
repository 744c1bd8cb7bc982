//! The results file and `--compare`.
//!
//! The results file (`--out`) holds the last figures of every part: a run writes its own parts
//! over the file's and keeps the others (`merged`), each part stamped with the run that
//! measured it (`measured`). So a run of one part (`--only firstvisit`) leaves the full run's
//! other figures to be compared with, not a file of that part alone.
//!
//! `--compare`: every figure of this run beside the one recorded for it, with the change in
//! percent, so a regression is seen the day it lands. Figures are the numbers of the results
//! JSON, named by their path (`idb.app.save_p95_ms.median`; an item of a list by its `route`
//! where it has one, `lighthouse.routes[people].score`); a figure only one run has is listed as
//! new or gone. A part measured otherwise than the last time (another route, line or language:
//! the text fields it records) is not compared figure by figure: it is named, with what differs.

use std::collections::BTreeMap;

use serde_json::Value;

/// Every number of `value`, by its path of keys joined with dots.
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
                    match child.get("route").and_then(Value::as_str) {
                        Some(route) => path.push_str(&format!("[{route}]")),
                        None => path.push_str(&format!("[{i}]")),
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

/// `key` with a build's directory (`app-<16 hex digits>/`, `scripts/build-wasm.sh`) named
/// `app/`: the same file of two builds is one figure.
fn unhashed(key: &str) -> std::borrow::Cow<'_, str> {
    let hashed = |k: &str| {
        let hash = k.strip_prefix("app-").and_then(|rest| rest.get(..16));
        hash.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())) && k.get(20..21) == Some("/")
    };
    if hashed(key) { format!("app{}", &key[20..]).into() } else { key.into() }
}

/// The change from `before` to `now` in percent (`None` when `before` is 0).
fn change(before: f64, now: f64) -> Option<f64> {
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}

/// The top-level keys of a results file that are not parts: the run's stamp and the targets
/// (worked out from this run's parts, their figures compared in the parts).
const NOT_PARTS: [&str; 5] = ["generated_at", "machine", "commit", "targets", "measured"];

/// What a results file records of how a part was measured, where a file older than the field
/// had the value given: the line's round trip (before session 45 always a new connection's),
/// the browsers' language and the route (the defaults of `--browser-lang` and
/// `--cold-start-route`).
const CONDITION_DEFAULTS: [(&str, &str); 3] =
    [("line_latency", "connection"), ("browser_lang", "zh-CN"), ("route", "#/survey/new")];

/// "when, commit" of a results file: the run that wrote it.
fn stamp(results: &Value) -> String {
    let text = |key| results.get(key).and_then(Value::as_str);
    let at = text("generated_at").unwrap_or("?");
    text("commit").map_or_else(|| at.to_owned(), |commit| format!("{at}, {commit}"))
}

/// The stamp of the run that measured `part` of `results`: its `measured` entry, else (a file
/// written before parts were stamped) the file's own.
fn measured_by(results: &Value, part: &str) -> String {
    results
        .get("measured")
        .and_then(|m| m.get(part))
        .and_then(Value::as_str)
        .map_or_else(|| stamp(results), str::to_owned)
}

/// Is `key` of a results file a part this run measured?
fn measured(results: &Value, key: &str) -> bool {
    !NOT_PARTS.contains(&key) && results.get(key).is_some_and(|v| !v.is_null())
}

/// The results file to write: `current`'s parts over `previous`'s (the file as the last run
/// left it, if any), each part stamped in `measured` with the run that measured it. The
/// stamp and the targets are `current`'s.
pub fn merged(previous: Option<&Value>, current: &Value) -> Value {
    let mut stamps = serde_json::Map::new();
    let mut out = current.clone();
    if let (Some(out), Some(previous)) = (out.as_object_mut(), previous) {
        let kept = previous.as_object().into_iter().flatten();
        for (key, value) in kept.filter(|(k, _)| measured(previous, k) && !measured(current, k)) {
            out.insert(key.clone(), value.clone());
            stamps.insert(key.clone(), Value::String(measured_by(previous, key)));
        }
    }
    let now = stamp(current);
    for key in current.as_object().into_iter().flat_map(|m| m.keys()) {
        if measured(current, key) {
            stamps.insert(key.clone(), Value::String(now.clone()));
        }
    }
    if let Some(out) = out.as_object_mut() {
        out.insert("measured".to_owned(), Value::Object(stamps));
    }
    out
}

/// How `part` was measured differently in `previous` and `current`: each text field of the part
/// (`route`, `line_latency`, `browser_lang`, …) whose values differ, as "field last → now".
/// A field only one side has counts as its default ([`CONDITION_DEFAULTS`]), or, without one,
/// as not known (no difference).
fn other_conditions(part: &str, previous: &Value, current: &Value) -> Vec<String> {
    let texts = |v: &Value| -> BTreeMap<String, String> {
        v.get(part)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect()
    };
    let (before, now) = (texts(previous), texts(current));
    let value = |side: &BTreeMap<String, String>, field: &str| {
        side.get(field).cloned().or_else(|| {
            CONDITION_DEFAULTS.iter().find(|(f, _)| *f == field).map(|(_, d)| (*d).to_owned())
        })
    };
    let fields: std::collections::BTreeSet<&String> = before.keys().chain(now.keys()).collect();
    fields
        .into_iter()
        .filter_map(|field| match (value(&before, field), value(&now, field)) {
            (Some(b), Some(n)) if b != n => Some(format!("{field} {b} → {n}")),
            _ => None,
        })
        .collect()
}

/// The comparison table: one line per figure of either run, but for a part this run did not
/// measure (named once) or measured otherwise (named once, with what differs).
pub fn table(source: &str, previous: &Value, current: &Value) -> String {
    let (before, now) = (figures(previous), figures(current));
    let mut out = format!(
        "Compared with the last recorded figures, in {source} ({} → {})\n",
        stamp(previous),
        stamp(current),
    );
    let parts: Vec<&String> = current
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|k| measured(current, k))
        .collect();
    let mut otherwise = std::collections::BTreeSet::new();
    for part in parts {
        if !measured(previous, part) {
            continue;
        }
        let by = measured_by(previous, part);
        if by != stamp(previous) {
            out.push_str(&format!("{part}: last measured {by}\n"));
        }
        let differs = other_conditions(part, previous, current);
        if !differs.is_empty() {
            out.push_str(&format!(
                "{part}: measured otherwise ({}), its figures are not compared\n",
                differs.join("; ")
            ));
            otherwise.insert(part.as_str());
        }
    }
    out.push_str(&format!("{:<60} {:>14} {:>14} {:>9}\n", "figure", "last", "now", "change"));
    let mut names: Vec<&String> = before.keys().chain(now.keys()).collect();
    shared::order::sort(&mut names);
    names.dedup();
    // A part this run did not measure (`--only`) is named once, not listed figure by figure.
    let mut unmeasured = std::collections::BTreeSet::new();
    for name in names {
        let part = name.split(['.', '[']).next().unwrap_or(name);
        if !measured(current, part) {
            if !NOT_PARTS.contains(&part) {
                unmeasured.insert(part);
            }
            continue;
        }
        if otherwise.contains(part) {
            continue;
        }
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
    if !unmeasured.is_empty() {
        let parts: Vec<&str> = unmeasured.into_iter().collect();
        out.push_str(&format!("not measured in this run: {}\n", parts.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_number_by_its_path() {
        let v = json!({"idb": {"app": {"save_p95_ms": {"median": 2.5}}}, "machine": "x",
                       "memory": [{"people": 10000.0}],
                       "lighthouse": {"version": "12", "routes": [{"route": "people", "score": 95.0},
                                                                  {"route": "outbox", "score": 94.0}]}});
        let f = figures(&v);
        assert_eq!(f.get("idb.app.save_p95_ms.median"), Some(&2.5));
        // A file of the build by its name, not its build's directory.
        let sizes = json!({"sizes": {"files": {"app-2ad417567468657a/field_bg.wasm": {"brotli": 1.0},
                                               "app-notahash/x.js": {"brotli": 2.0}}}});
        let by_name = figures(&sizes);
        assert_eq!(by_name.get("sizes.files.app/field_bg.wasm.brotli"), Some(&1.0), "{by_name:?}");
        assert_eq!(by_name.get("sizes.files.app-notahash/x.js.brotli"), Some(&2.0), "{by_name:?}");
        assert_eq!(f.get("memory[0].people"), Some(&10000.0));
        // A list's item by its route, so that another set of routes compares route with route.
        assert_eq!(f.get("lighthouse.routes[outbox].score"), Some(&94.0));
        assert_eq!(f.len(), 4, "text and booleans are no figures: {f:?}");
    }

    #[test]
    fn the_table_says_the_change_and_what_is_new_or_gone() {
        let last = json!({"generated_at": "a", "s": {"pull": 2.0, "old": 1.0, "zero": 0.0}});
        let now = json!({"generated_at": "b", "commit": "c0ffee",
                         "s": {"pull": 1.5, "new": 3.0, "zero": 1.0}});
        let t = table("docs/bench-record.json", &last, &now);
        assert!(t.contains("in docs/bench-record.json (a → b, c0ffee)"), "{t}");
        assert!(line_of(&t, "s.pull").ends_with("-25.0%"), "{t}");
        assert!(line_of(&t, "s.new").ends_with("new"), "{t}");
        assert!(line_of(&t, "s.old").ends_with("gone"), "{t}");
        assert!(line_of(&t, "s.zero").ends_with("—"), "no percent of nothing: {t}");
        // A part left out of this run (`--only`) is named once, its figures not listed as gone.
        let last = json!({"sizes": {"total": 250.0}, "cold_start": {"median": 300.0},
                          "idb": {"read": 1.0}});
        let now = json!({"sizes": {"total": 251.0}, "cold_start": null});
        let t = table("r.json", &last, &now);
        assert!(line_of(&t, "sizes.total").ends_with("+0.4%"), "{t}");
        assert!(!t.contains("cold_start.median") && !t.contains("gone"), "{t}");
        assert!(t.contains("not measured in this run: cold_start, idb"), "{t}");
    }

    #[test]
    fn a_part_measured_otherwise_is_named_not_compared() {
        // Session 45's record: no line, language or cold start route recorded (their defaults).
        let record = json!({"generated_at": "a",
            "first_visit": {"route": "#/survey/new", "ready_selector": "form",
                            "screen_ms": {"median": 4400.0}},
            "cold_start": {"ready_selector": "form", "throttled_4x_ms": {"median": 324.0}}});
        let same = json!({"generated_at": "b",
            "first_visit": {"route": "#/survey/new", "ready_selector": "form",
                            "line_latency": "connection", "browser_lang": "zh-CN",
                            "screen_ms": {"median": 4300.0}},
            "cold_start": {"route": "#/survey/new", "ready_selector": "form",
                           "browser_lang": "zh-CN", "throttled_4x_ms": {"median": 330.0}}});
        let t = table("r.json", &record, &same);
        assert!(!t.contains("otherwise"), "{t}");
        assert!(line_of(&t, "first_visit.screen_ms.median").ends_with("-2.3%"), "{t}");
        assert!(line_of(&t, "cold_start.throttled_4x_ms.median").ends_with("+1.9%"), "{t}");
        // The dashboard in English over the line charging each request, after the survey form:
        // not a +53 % regression.
        let dashboard = json!({"generated_at": "c",
            "first_visit": {"route": "#/campaign/dashboard", "ready_selector": "form",
                            "line_latency": "every-piece", "browser_lang": "en-US",
                            "screen_ms": {"median": 2800.0}}});
        let t = table("r.json", &same, &dashboard);
        let said = "first_visit: measured otherwise (browser_lang zh-CN → en-US; line_latency \
                    connection → every-piece; route #/survey/new → #/campaign/dashboard), its \
                    figures are not compared";
        assert!(t.contains(said), "{t}");
        assert!(!t.contains("first_visit.screen_ms"), "{t}");
        assert!(t.contains("not measured in this run: cold_start"), "{t}");
        // A field only one side has and without a default is not known to differ.
        let with_version = json!({"first_visit": {"route": "#/survey/new", "tool": "x",
                                                  "screen_ms": {"median": 4300.0}}});
        assert!(!table("r.json", &record, &with_version).contains("otherwise"));
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
        // The next full run compares each part with its last measurement, and says which
        // came from an earlier run than the file's.
        let next = json!({"generated_at": "c", "sizes": {"total": 240.0},
            "first_visit": {"route": "#/survey/new", "screen_ms": {"median": 4200.0}}});
        let t = table("latest.json", &kept, &next);
        assert!(t.contains("sizes: last measured a, c1"), "{t}");
        assert!(line_of(&t, "sizes.total").ends_with("-4.0%"), "{t}");
        assert!(
            t.contains(
                "first_visit: measured otherwise (route #/campaign/dashboard → #/survey/new)"
            ),
            "{t}"
        );
        // A stamp is carried over from run to run, not taken from the file's own.
        let again = merged(Some(&kept), &json!({"generated_at": "d", "idb": {"read": 0.9}}));
        assert_eq!(again["measured"]["sizes"], json!("a, c1"));
        assert_eq!(again["measured"]["first_visit"], json!("b, c2"));
        assert_eq!(again["measured"]["idb"], json!("d"));
        // With nothing before it, the file is this run's, stamped.
        let first = merged(None, &one);
        assert_eq!(first["measured"], json!({"first_visit": "b, c2"}));
    }

    fn line_of(table: &str, name: &str) -> String {
        table.lines().find(|l| l.starts_with(name)).unwrap().to_owned()
    }
}
