//! Two tablets edit the same member offline, come back online and sync: changes to different
//! fields both survive, the same field goes to the later clock, both tablets show the same
//! result, and the town office sees the conflict on its conflicts screen.
//!
//! Tablets A and B are two origins of the same server (`127.0.0.1` and `localhost`): separate
//! IndexedDB databases, device ids and service workers, like two devices.

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, testid};

const SHORT: Duration = Duration::from_secs(30);
const BRANCH: &str = "东沙村党支部";

/// Open the member's (only) survey on `origin`.
async fn open_survey(browser: &Browser, origin: &str, name: &str) {
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    let row = browser
        .wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT)
        .await
        .unwrap();
    assert_eq!(row.text().await.unwrap(), name);
    row.click().await.unwrap();
    let entry = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
    entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
}

async fn wait_saved(browser: &Browser) {
    browser.wait_survey_saved().await.expect("the edit is saved");
}

#[tokio::test]
async fn two_tablets_edit_offline_and_converge_with_the_conflict_shown_to_the_office() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", "office-pass-123"])
        .unwrap();
    for user in ["tablet_a", "tablet_b"] {
        harness
            .server_command(&[
                "add-user",
                "--username",
                user,
                "--password",
                "field-pass-123",
                "--role",
                "surveyor",
                "--branches",
                BRANCH,
                "--display-name",
                user,
            ])
            .unwrap();
    }
    let a = harness.base_url();
    let b = a.replace("127.0.0.1", "localhost");
    let browser = harness.open_browser().await.expect("open Chromium");

    // Tablet A records the member and syncs; tablet B signs in and receives it.
    browser.sign_in(&a, "tablet_a", "field-pass-123").await.unwrap();
    browser.goto(&format!("{a}/#/survey/new")).await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    browser.select_value("survey-category", "village_leader").await.unwrap();
    browser.type_into("survey-name", "林海生").await.unwrap();
    browser.type_into("survey-phone", "13812345678").await.unwrap();
    browser.select_value("survey-branch-id", BRANCH).await.unwrap();
    browser.type_into("survey-village-unit", "东沙村").await.unwrap();
    wait_saved(&browser).await;
    browser.sync(&a).await.unwrap();

    browser.sign_in(&b, "tablet_b", "field-pass-123").await.unwrap();
    browser.sync(&b).await.unwrap();
    open_survey(&browser, &b, "林海生").await;
    assert_eq!(browser.field_value("survey-phone").await.unwrap(), "13812345678");

    // Both go offline and edit the same member: one field each, and the name on both.
    harness.stop_server();
    open_survey(&browser, &a, "林海生").await;
    browser.type_into("survey-phone", "13900000001").await.unwrap();
    browser.type_into("survey-name", "林海生甲").await.unwrap();
    wait_saved(&browser).await;
    open_survey(&browser, &b, "林海生").await;
    browser.type_into("survey-village-unit", "西沙村").await.unwrap();
    browser.type_into("survey-name", "林海生乙").await.unwrap();
    wait_saved(&browser).await;

    // Back online: A, then B, then A again (to receive B's changes).
    harness.start_server().await.unwrap();
    browser.sync(&a).await.unwrap();
    browser.sync(&b).await.unwrap();
    browser.sync(&a).await.unwrap();

    let mut seen = Vec::new();
    for origin in [&a, &b] {
        open_survey(&browser, origin, "林海生乙").await;
        seen.push((
            browser.field_value("survey-name").await.unwrap(),
            browser.field_value("survey-phone").await.unwrap(),
            browser.field_value("survey-village-unit").await.unwrap(),
        ));
    }
    assert_eq!(seen[0], seen[1], "both tablets show the same member");
    assert_eq!(seen[0], ("林海生乙".to_owned(), "13900000001".to_owned(), "西沙村".to_owned()));

    // The town office sees the name conflict, with both values.
    browser.sign_in(&b, "office", "office-pass-123").await.unwrap();
    browser.goto(&format!("{b}/#/conflicts")).await.unwrap();
    let item = browser
        .wait_for("[data-testid=\"conflict-item\"][data-field=\"name\"]", SHORT)
        .await
        .expect("the office sees the name conflict");
    let text = item.text().await.unwrap();
    assert!(
        text.contains("林海生乙") && text.contains("林海生甲"),
        "conflict shows both values: {text}"
    );
    assert!(!browser.exists(&testid("conflicts-note")).await.unwrap(), "listed from the server");

    // Keeping the overwritten value resolves it and the choice syncs like an edit.
    item.find(fantoccini::Locator::Css("[data-testid=\"conflict-keep-loser\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "the conflict to leave the list",
            "return !document.querySelector('[data-testid=\"conflict-item\"][data-field=\"name\"]');",
            SHORT,
        )
        .await
        .unwrap();
    browser.sync(&b).await.unwrap();
    browser.sync(&a).await.unwrap();
    open_survey(&browser, &a, "林海生甲").await;
    assert_eq!(browser.field_value("survey-name").await.unwrap(), "林海生甲");
    browser.close().await.unwrap();
}
