//! `--compare`: every figure of this run beside the one recorded by the last run (the JSON the
//! `--out` file held before this run wrote it), with the change in percent, so a regression is
//! seen the day it lands. Figures are the numbers of the results JSON, named by their path
//! (`idb.app.save_p95_ms.median`); a figure only one run has is listed as new or gone.

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
                    path.push_str(key);
                    walk(child, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
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

/// The change from `before` to `now` in percent (`None` when `before` is 0).
fn change(before: f64, now: f64) -> Option<f64> {
    (before != 0.0).then(|| (now - before) / before.abs() * 100.0)
}

/// The comparison table: one line per figure of either run.
pub fn table(source: &str, previous: &Value, current: &Value) -> String {
    let (before, now) = (figures(previous), figures(current));
    let when = |v: &Value| {
        let text = |key| v.get(key).and_then(Value::as_str);
        let at = text("generated_at").unwrap_or("?");
        text("commit").map_or_else(|| at.to_owned(), |commit| format!("{at}, {commit}"))
    };
    let mut out = format!(
        "Compared with the last recorded run, in {source} ({} → {})\n{:<60} {:>14} {:>14} {:>9}\n",
        when(previous),
        when(current),
        "figure",
        "last",
        "now",
        "change"
    );
    // The first visit over another kind of line (`--line-latency`; a run before it had the
    // connection's) is not like for like.
    let line = |v: &Value| {
        let part = v.get("first_visit").filter(|p| !p.is_null())?;
        Some(part.get("line_latency").and_then(Value::as_str).unwrap_or("connection").to_owned())
    };
    if let (Some(last), Some(now)) = (line(previous), line(current))
        && last != now
    {
        out.push_str(&format!(
            "first_visit: over another line ({last} → {now}), its figures are not like for like\n"
        ));
    }
    let mut names: Vec<&String> = before.keys().chain(now.keys()).collect();
    shared::order::sort(&mut names);
    names.dedup();
    // A part this run did not measure (`--only`) is named once, not listed figure by figure.
    let mut unmeasured = std::collections::BTreeSet::new();
    for name in names {
        let part = name.split(['.', '[']).next().unwrap_or(name);
        if current.get(part).is_none_or(Value::is_null) {
            unmeasured.insert(part);
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
                       "targets": [{"measured": 1.0, "met": true}]});
        let f = figures(&v);
        assert_eq!(f.get("idb.app.save_p95_ms.median"), Some(&2.5));
        assert_eq!(f.get("targets[0].measured"), Some(&1.0));
        assert_eq!(f.len(), 2, "text and booleans are no figures: {f:?}");
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
        // A first visit over another line is said to be one (a record without the field had
        // the connection's line).
        let last = json!({"first_visit": {"screen_ms": {"median": 4800.0}}});
        let now = json!({"first_visit": {"line_latency": "every-piece",
                                         "screen_ms": {"median": 4400.0}}});
        let t = table("r.json", &last, &now);
        assert!(t.contains("over another line (connection → every-piece)"), "{t}");
        let same = json!({"first_visit": {"line_latency": "connection",
                                          "screen_ms": {"median": 4400.0}}});
        assert!(!table("r.json", &last, &same).contains("another line"));
    }

    fn line_of(table: &str, name: &str) -> String {
        table.lines().find(|l| l.starts_with(name)).unwrap().to_owned()
    }
}
