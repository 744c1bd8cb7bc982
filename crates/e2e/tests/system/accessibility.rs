//! Accessibility (issue 12, part 4): axe-core, installed from npm by the set-up and injected into
//! the real pages, finds no critical and no serious violation on any route, for every role, in
//! each language (zh-Hans, zh-Hant, English), and in 设置's larger-text mode. Every role opens
//! every route the app has: the ones it may not use show it so, and those need names and contrast
//! too; and the screens of records (a member, a survey, a candidate, a base): the surveyor and the
//! town office add their own through the screens, the branch secretary and the county open the
//! surveyor's after a sync.
//!
//! Each test prints a table of what axe found (elements per impact, summed over the routes) for
//! each role, and lists every critical or serious finding with its rule, the number of elements
//! and the first one's selector, so a failure says what to fix.

use e2e::{Browser, Harness};

use crate::routes::{OFFICE_ROUTES, OTHER_ROUTES, ROUTES, add_records, open_settled};

/// Every role the campaign names: (username, role, branches, name).
const ROLES: [(&str, &str, &str, &str); 4] = [
    ("a11y_surveyor", "surveyor", "东沙村党支部", "调查员"),
    ("a11y_secretary", "branch_secretary", "东沙村党支部", "支部书记"),
    ("a11y_county", "county_viewer", "", "县委组织部"),
    ("a11y_office", "town_office", "", "镇组织办"),
];
const PASSWORD: &str = "a11y-pass-123";

/// axe-core's source, from where the set-up installed it (`FIELD_AXE_JS`).
fn axe_source() -> String {
    let path = std::env::var("FIELD_AXE_JS")
        .expect("FIELD_AXE_JS names axe.min.js (scripts/env.sh; installed by scripts/setup.sh)");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read axe-core at {path}: {e}"))
}

/// What axe found on one route or many: elements per impact, and the critical and serious
/// findings, one line each.
#[derive(Default)]
struct Audit {
    /// critical, serious, moderate, minor
    counts: [u64; 4],
    findings: Vec<String>,
    /// How many routes were audited.
    routes: usize,
}

const IMPACTS: [&str; 4] = ["critical", "serious", "moderate", "minor"];

impl Audit {
    fn add(&mut self, other: Audit) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.findings.extend(other.findings);
    }
}

/// axe on the screen at `hash`.
async fn audit(browser: &Browser, origin: &str, hash: &str) -> Audit {
    open_settled(browser, origin, hash).await;
    let found = browser
        .eval_async(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
               .then(r => done({
                 counts: ['critical', 'serious', 'moderate', 'minor'].map(i => r.violations.filter(v => v.impact === i).reduce((n, v) => n + v.nodes.length, 0)),
                 findings: r.violations
                   .filter(v => v.impact === 'critical' || v.impact === 'serious')
                   .map(v => `${v.impact} ${v.id} ×${v.nodes.length}: ${v.nodes[0].target.join(' ')} — ${(v.nodes[0].failureSummary || '').split('\\n').slice(1, 2).join('').trim()}`),
               }))
               .catch(e => done({ counts: [1, 0, 0, 0], findings: [`axe failed: ${e}`] }));",
        )
        .await
        .unwrap();
    let mut counts = [0; 4];
    for (i, n) in counts.iter_mut().enumerate() {
        *n = found["counts"][i].as_u64().unwrap_or(0);
    }
    let findings = found["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(|s| format!("{hash} {s}"))).collect())
        .unwrap_or_default();
    Audit { counts, findings, routes: 0 }
}

/// Every route for the role `ROLES[role]`, signed in on a browser of its own, the app in `lang`
/// (in larger-text mode when `large`).
/// `shared`: the routes of the records an earlier role added and sent to the server; a role that
/// adds none of its own (the branch secretary, the county) syncs and opens those. What its
/// account may not see is audited as the screen that says so.
async fn every_route(
    harness: &Harness,
    axe: &str,
    role: usize,
    lang: &str,
    large: bool,
    shared: &mut Vec<String>,
) -> Audit {
    let (username, role, branches, name) = ROLES[role];
    harness.add_account(username, PASSWORD, role, branches, name).ok();
    let origin = harness.base_url();
    let browser = harness.open_browser().await.expect("open Chromium");
    // The roles share the harness's profile: the one before left its language in it.
    browser.goto(&origin).await.unwrap();
    browser.use_language(&origin, "zh-Hans", "#/sync").await.unwrap();
    browser.sign_in(&origin, username, PASSWORD).await.unwrap();
    // Records first: the helpers read the zh-Hans screens.
    let records = if matches!(role, "surveyor" | "town_office") {
        let records = add_records(&browser, &origin).await;
        browser.sync(&origin).await.unwrap();
        if shared.is_empty() {
            shared.clone_from(&records);
        }
        records
    } else {
        // The surveyor's member has come when its page shows the phone number.
        if let Some(person) = shared.first() {
            let mut seen = false;
            for _ in 0..3 {
                browser.press_sync(&origin).await.unwrap();
                open_settled(&browser, &origin, person).await;
                seen = browser
                    .wait_until(
                        "the surveyor's member",
                        "return !!document.querySelector('[data-testid=\"person-phone\"]');",
                        std::time::Duration::from_secs(10),
                    )
                    .await
                    .is_ok();
                if seen {
                    break;
                }
            }
            assert!(seen, "{role} sees the surveyor's member after a sync");
        }
        shared.clone()
    };
    let large_text = if large { "'1'" } else { "'0'" };
    browser
        .eval(&format!("localStorage.setItem('field.large-text', {large_text}); return true;"))
        .await
        .unwrap();
    browser.use_language(&origin, lang, "#/people").await.unwrap();
    // Hash changes keep the page: axe is injected once per browser.
    browser.eval(&format!("{axe}\nreturn true;")).await.unwrap();
    // The audit is live: a button without a name, added for a moment, is found.
    let live = browser
        .eval_async(
            "const b = document.createElement('button'); b.id = 'a11y-probe'; document.body.append(b);
             axe.run('#a11y-probe', { runOnly: ['button-name'] })
               .then(r => { b.remove(); done(r.violations.length === 1); })
               .catch(() => { b.remove(); done(false); });",
        )
        .await
        .unwrap();
    assert_eq!(live, serde_json::Value::Bool(true), "axe finds a button without a name");
    let mut all = Audit::default();
    let routes = ROUTES
        .iter()
        .chain(OFFICE_ROUTES)
        .map(|r| (*r).to_owned())
        .chain(records)
        .chain(OTHER_ROUTES.iter().map(|r| (*r).to_owned()));
    for hash in routes {
        all.routes += 1;
        let mut found = audit(&browser, &origin, &hash).await;
        found.findings = found.findings.into_iter().map(|f| format!("{lang} {role} {f}")).collect();
        all.add(found);
    }
    browser.close().await.ok();
    all
}

/// Every role in `lang`: prints the table, then fails on any critical or serious finding.
async fn every_role_in(lang: &str, large: bool, roles: &[usize]) {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let axe = axe_source();
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    let mut shared = Vec::new();
    for &role in roles {
        let audit = every_route(&harness, &axe, role, lang, large, &mut shared).await;
        rows.push((ROLES[role].1, audit.routes, audit.counts));
        findings.extend(audit.findings);
    }
    let mode = if large { " (larger text)" } else { "" };
    println!("axe-core, every route, {lang}{mode}:");
    println!("| language | role | routes | {} |", IMPACTS.join(" | "));
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (role, routes, [c, s, m, n]) in rows {
        println!("| {lang}{mode} | {role} | {routes} | {c} | {s} | {m} | {n} |");
    }
    for f in &findings {
        println!("{f}");
    }
    assert!(
        findings.is_empty(),
        "{} critical or serious findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_for_any_role() {
    every_role_in("zh-Hans", false, &[0, 1, 2, 3]).await;
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_in_traditional_chinese() {
    every_role_in("zh-Hant", false, &[0, 1, 2, 3]).await;
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_in_english() {
    every_role_in("en", false, &[0, 1, 2, 3]).await;
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_in_larger_text() {
    // The surveyor, who uses the tablet outdoors, and the office, who opens every screen.
    every_role_in("zh-Hans", true, &[0, 3]).await;
}
