//! A new release reaches an open tablet as a banner; one tap installs it and reloads.

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness};

const APP_SHELL: &str = "[data-testid=\"nav-people\"]";
const UPDATE_BUTTON: &str = "update-banner-button";

/// Simulates a new release on the server: a service worker with another build version.
fn publish_new_release(harness: &Harness) {
    let path = harness.dist().join("sw.js");
    let source = std::fs::read_to_string(&path).unwrap();
    let line = source
        .lines()
        .find(|line| line.starts_with("const BUILD_VERSION = "))
        .expect("a stamped sw.js")
        .to_owned();
    std::fs::write(&path, source.replace(&line, "const BUILD_VERSION = \"e2e-next\";")).unwrap();
}

/// Waits until the page has reloaded (the marker set before is gone) under a service worker.
async fn wait_for_reload_under_new_version(browser: &Browser) {
    browser
        .wait_until(
            "the page to reload under the new version",
            "return window.__beforeUpdate === undefined && !!navigator.serviceWorker.controller;",
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn new_version_waits_for_the_banner_then_takes_over() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for_service_worker(Duration::from_secs(30)).await.unwrap();
    assert!(
        !browser.exists("[data-testid=\"update-banner\"]").await.unwrap(),
        "no banner while the installed version is the newest"
    );

    publish_new_release(&harness);
    browser
        .eval("return navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true);")
        .await
        .unwrap();
    let button = browser
        .wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30))
        .await
        .expect("the banner offers the new version");
    assert_eq!(button.text().await.unwrap(), "有新版本，点击更新");

    // The new worker waits: it does not take over by itself.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let waiting = browser
        .eval("return navigator.serviceWorker.getRegistration().then(r => !!r.waiting);")
        .await
        .unwrap();
    assert_eq!(waiting, true, "the new version must wait for the user");

    browser.eval("window.__beforeUpdate = true; return true;").await.unwrap();
    button.click().await.unwrap();
    wait_for_reload_under_new_version(&browser).await;
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();

    // Only the new version's shell cache is left.
    browser
        .wait_until(
            "the old shell cache to be deleted",
            "return caches.keys().then(k => JSON.stringify(k) === '[\"sizheng-shell-e2e-next\"]');",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert!(!browser.exists("[data-testid=\"update-banner\"]").await.unwrap());
    browser.close().await.unwrap();
}

#[tokio::test]
async fn banner_asks_to_save_first_while_a_form_has_unsaved_input() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/#/survey/new")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for_service_worker(Duration::from_secs(30)).await.unwrap();
    browser.wait_for("[data-testid=\"survey-name\"]", FIRST_LOAD_TIMEOUT).await.unwrap();

    publish_new_release(&harness);
    browser
        .eval("return navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true);")
        .await
        .unwrap();
    browser.wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30)).await.unwrap();
    browser.eval("window.__beforeUpdate = true; return true;").await.unwrap();

    // Type, and tap the banner well before the form's autosave (0.7 s) has run.
    let outcome = browser
        .eval(
            r#"const name = document.querySelector('[data-testid="survey-name"]');
               name.value = '未保存的名字';
               name.dispatchEvent(new Event('input', { bubbles: true }));
               return new Promise(done => setTimeout(() => {
                 document.querySelector('[data-testid="update-banner-button"]').click();
                 done(true);
               }, 150));"#,
        )
        .await
        .unwrap();
    assert_eq!(outcome, true);
    let note = browser
        .wait_for_testid("update-banner-note", Duration::from_secs(5))
        .await
        .expect("the banner asks to save first");
    assert!(note.text().await.unwrap().contains("请先保存"));

    tokio::time::sleep(Duration::from_secs(2)).await;
    let state = browser
        .eval("return navigator.serviceWorker.getRegistration().then(r => [window.__beforeUpdate === true, !!r.waiting]);")
        .await
        .unwrap();
    assert_eq!(state, serde_json::json!([true, true]), "no reload, the new version still waits");

    // Once the draft has saved itself, the same tap updates.
    browser
        .wait_until(
            "the draft to be saved",
            "return document.querySelector('[data-testid=\"save-state\"]').textContent.includes('草稿已自动保存');",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    browser
        .wait_for_testid(UPDATE_BUTTON, Duration::from_secs(5))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_reload_under_new_version(&browser).await;
    browser.close().await.unwrap();
}
