//! Every screen a person can open, and opening one until it has settled: what the accessibility
//! and the screen-size checks walk through.

use std::time::Duration;

use e2e::Browser;

/// Every route but the town office's own.
pub const ROUTES: &[&str] = &[
    "#/people",
    "#/survey/new",
    "#/sync",
    "#/transfer",
    "#/conflicts",
    "#/outbox",
    "#/settings",
    "#/campaign/dashboard",
    "#/campaign/candidates",
    "#/campaign/candidate/new",
    "#/campaign/pipeline",
    "#/campaign/contacts",
    "#/campaign/bases",
    "#/campaign/funding",
    "#/campaign/meetings",
    "#/campaign/inspections",
    "#/campaign/assessment",
    "#/campaign/notices",
    "#/campaign/report",
    "#/campaign/settings",
    "#/campaign/branches",
];

/// The town office's set-up screens.
pub const OFFICE_ROUTES: &[&str] =
    &["#/office/checklist", "#/office/accounts", "#/office/devices", "#/office/roster"];

/// Open `hash` and wait until its screen is shown and nothing is being read any more.
pub async fn open_settled(browser: &Browser, origin: &str, hash: &str) {
    browser.goto(&format!("{origin}/{hash}")).await.unwrap();
    browser
        .wait_until(
            &format!("{hash} settled"),
            "return !!document.querySelector('main.screen > *') && !document.querySelector('[data-testid=\"loading\"]');",
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}
