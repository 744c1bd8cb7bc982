//! Two tablets edit the same member offline, come back online and sync: changes to different
//! fields both survive, the same field goes to the later clock, both tablets show the same
//! result, and the town office sees the conflict on its conflicts screen.
//!
//! Tablets A and B are two origins of the same server (`127.0.0.1` and `localhost`): separate
//! IndexedDB databases, device ids and service workers, like two devices.

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness};

const SHORT: Duration = Duration::from_secs(30);
const BRANCH: &str = "东沙村党支部";

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.wait_for(&testid(id), SHORT).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn field_value(browser: &Browser, id: &str) -> String {
    let field = browser.wait_for(&testid(id), SHORT).await.unwrap();
    field.prop("value").await.unwrap().unwrap_or_default()
}

async fn sign_in(browser: &Browser, origin: &str, username: &str, password: &str) {
    browser.goto(&format!("{origin}/#/sync")).await.unwrap();
    browser.wait_for(&testid("sync-screen"), FIRST_LOAD_TIMEOUT).await.unwrap();
    if browser.exists(&testid("sign-out")).await.unwrap() {
        browser.wait_for(&testid("sign-out"), SHORT).await.unwrap().click().await.unwrap();
    }
    type_into(browser, "login-username", username).await;
    type_into(browser, "login-password", password).await;
    browser.wait_for(&testid("login-submit"), SHORT).await.unwrap().click().await.unwrap();
    let who = browser.wait_for(&testid("signed-in-as"), SHORT).await.expect("signed in");
    assert!(who.text().await.unwrap().contains("已登录"));
    browser.wait_for_service_worker(SHORT).await.expect("the app works offline on this origin");
}

/// Press "立即同步" and wait until the outbox is empty and the run finished without error.
async fn sync(browser: &Browser, origin: &str) {
    browser.goto(&format!("{origin}/#/sync")).await.unwrap();
    browser.wait_for(&testid("sync-now"), FIRST_LOAD_TIMEOUT).await.unwrap();
    // The engine may already be running (it syncs on start): wait for the button.
    browser
        .wait_until(
            "the sync button to be enabled",
            "const b = document.querySelector('[data-testid=\"sync-now\"]'); return !!b && !b.disabled;",
            Duration::from_secs(120),
        )
        .await
        .unwrap();
    browser.eval("window.__before = document.querySelector('[data-testid=\"sync-last-success\"]').textContent; return true;").await.unwrap();
    browser.wait_for(&testid("sync-now"), SHORT).await.unwrap().click().await.unwrap();
    browser
        .wait_until(
            "a sync to finish with nothing pending",
            "const b = document.querySelector('[data-testid=\"sync-now\"]');
             const p = document.querySelector('[data-testid=\"sync-pending\"]');
             const s = document.querySelector('[data-testid=\"sync-last-success\"]');
             return !!b && !b.disabled && p.textContent.trim() === '0' && s.textContent.includes('刚刚');",
            Duration::from_secs(120),
        )
        .await
        .unwrap();
    assert!(
        !browser.exists(&testid("sync-last-error")).await.unwrap(),
        "sync error: {:?}",
        browser.eval("const e = document.querySelector('[data-testid=\"sync-last-error\"]'); return e ? e.textContent : null;").await
    );
}

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
    tokio::time::sleep(Duration::from_millis(1500)).await;
    browser
        .wait_until(
            "the edit to be saved",
            "const s = document.querySelector('[data-testid=\"save-state\"]'); return !s || !s.textContent.includes('保存中');",
            SHORT,
        )
        .await
        .unwrap();
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
    sign_in(&browser, &a, "tablet_a", "field-pass-123").await;
    browser.goto(&format!("{a}/#/survey/new")).await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    browser
        .wait_for(&testid("survey-category"), SHORT)
        .await
        .unwrap()
        .select_by_value("village_leader")
        .await
        .unwrap();
    type_into(&browser, "survey-name", "林海生").await;
    type_into(&browser, "survey-phone", "13812345678").await;
    type_into(&browser, "survey-branch-id", BRANCH).await;
    type_into(&browser, "survey-village-unit", "东沙村").await;
    wait_saved(&browser).await;
    sync(&browser, &a).await;

    sign_in(&browser, &b, "tablet_b", "field-pass-123").await;
    sync(&browser, &b).await;
    open_survey(&browser, &b, "林海生").await;
    assert_eq!(field_value(&browser, "survey-phone").await, "13812345678");

    // Both go offline and edit the same member: one field each, and the name on both.
    harness.stop_server();
    open_survey(&browser, &a, "林海生").await;
    type_into(&browser, "survey-phone", "13900000001").await;
    type_into(&browser, "survey-name", "林海生甲").await;
    wait_saved(&browser).await;
    open_survey(&browser, &b, "林海生").await;
    type_into(&browser, "survey-village-unit", "西沙村").await;
    type_into(&browser, "survey-name", "林海生乙").await;
    wait_saved(&browser).await;

    // Back online: A, then B, then A again (to receive B's changes).
    harness.start_server().await.unwrap();
    sync(&browser, &a).await;
    sync(&browser, &b).await;
    sync(&browser, &a).await;

    let mut seen = Vec::new();
    for origin in [&a, &b] {
        open_survey(&browser, origin, "林海生乙").await;
        seen.push((
            field_value(&browser, "survey-name").await,
            field_value(&browser, "survey-phone").await,
            field_value(&browser, "survey-village-unit").await,
        ));
    }
    assert_eq!(seen[0], seen[1], "both tablets show the same member");
    assert_eq!(seen[0], ("林海生乙".to_owned(), "13900000001".to_owned(), "西沙村".to_owned()));

    // The town office sees the name conflict, with both values.
    sign_in(&browser, &b, "office", "office-pass-123").await;
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
    sync(&browser, &b).await;
    sync(&browser, &a).await;
    open_survey(&browser, &a, "林海生甲").await;
    assert_eq!(field_value(&browser, "survey-name").await, "林海生甲");
    browser.close().await.unwrap();
}
