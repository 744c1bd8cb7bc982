//! Accessibility (issue 12, part 4): axe-core, installed from npm by the set-up and injected into
//! the real pages, finds no critical and no serious violation on any route, for every role.
//! In zh-Hant and English (issue 12, part 1) the town office, who opens every route, is audited
//! again in that language. Every finding is listed with its rule, the number of elements and the first one's selector,
//! so a failure says what to fix.

use e2e::{Browser, Harness};

use crate::routes::{OFFICE_ROUTES, ROUTES, open_settled};

/// Every role the campaign names, with the routes it can open.
const ROLES: [(&str, &str, &str, &str); 4] = [
    ("a11y_surveyor", "surveyor", "东沙村党支部", "调查员"),
    ("a11y_secretary", "branch_secretary", "东沙村党支部", "支部书记"),
    ("a11y_county", "county_viewer", "", "县委组织部"),
    ("a11y_office", "town_office", "", "镇组织办"),
];

/// axe-core's source, from where the set-up installed it (`FIELD_AXE_JS`).
fn axe_source() -> String {
    let path = std::env::var("FIELD_AXE_JS")
        .expect("FIELD_AXE_JS names axe.min.js (scripts/env.sh; installed by scripts/setup.sh)");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read axe-core at {path}: {e}"))
}

/// The critical and serious findings on the screen at `hash`, one line each.
async fn audit(browser: &Browser, origin: &str, hash: &str) -> Vec<String> {
    open_settled(browser, origin, hash).await;
    let found = browser
        .eval_async(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'critical' || v.impact === 'serious')
                 .map(v => `${v.impact} ${v.id} ×${v.nodes.length}: ${v.nodes[0].target.join(' ')}`)))
               .catch(e => done([`axe failed: ${e}`]));",
        )
        .await
        .unwrap();
    found
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(|s| format!("{hash} {s}"))).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_for_any_role() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let axe = axe_source();
    let mut findings = Vec::new();
    for (username, role, branches, name) in ROLES {
        harness.add_account(username, "a11y-pass-123", role, branches, name).unwrap();
        let browser = harness.open_browser().await.expect("open Chromium");
        browser.sign_in(&harness.base_url(), username, "a11y-pass-123").await.unwrap();
        // Hash changes keep the page: axe is injected once per browser.
        browser.eval(&format!("{axe}\nreturn true;")).await.unwrap();
        let routes = ROUTES.iter().chain(if role == "town_office" { OFFICE_ROUTES } else { &[] });
        for hash in routes {
            findings.extend(
                audit(&browser, &harness.base_url(), hash)
                    .await
                    .into_iter()
                    .map(|f| format!("{role} {f}")),
            );
        }
        browser.close().await.ok();
    }
    report(&findings);
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_in_traditional_chinese() {
    every_route_for_the_office_in("zh-Hant").await;
}

#[tokio::test]
async fn no_route_has_a_critical_or_serious_accessibility_violation_in_english() {
    every_route_for_the_office_in("en").await;
}

/// Every route, the town office signed in, the app in `lang`.
async fn every_route_for_the_office_in(lang: &str) {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let axe = axe_source();
    let (username, role, branches, name) = ROLES[3];
    harness.add_account(username, "a11y-pass-123", role, branches, name).unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), username, "a11y-pass-123").await.unwrap();
    browser.use_language(&harness.base_url(), lang, "#/people").await.unwrap();
    browser.eval(&format!("{axe}\nreturn true;")).await.unwrap();
    let mut findings = Vec::new();
    for hash in ROUTES.iter().chain(OFFICE_ROUTES) {
        findings.extend(
            audit(&browser, &harness.base_url(), hash)
                .await
                .into_iter()
                .map(|f| format!("{lang} {role} {f}")),
        );
    }
    browser.close().await.ok();
    report(&findings);
}

fn report(findings: &[String]) {
    for f in findings {
        println!("{f}");
    }
    assert!(
        findings.is_empty(),
        "{} critical or serious findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
}
