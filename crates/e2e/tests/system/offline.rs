//! The app opens with no network once a tablet has loaded it: the service worker serves the shell.

use std::time::Duration;

use e2e::{FIRST_LOAD_TIMEOUT, Harness};

/// An element the app shell (src/app.rs) always renders: the navigation.
const APP_SHELL: &str = "[data-testid=\"nav-people\"]";

#[tokio::test]
async fn app_shell_opens_after_the_server_is_gone() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");

    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.expect("the app renders online");
    browser
        .wait_for_service_worker(Duration::from_secs(30))
        .await
        .expect("the service worker takes control after the first load");
    let worker = browser.controller_script().await.unwrap();
    assert_eq!(worker.as_deref(), Some(harness.url("/sw.js").as_str()));

    harness.stop_server();
    // Nothing answers on the app's port any more: only the service worker can serve the page.
    browser.refresh().await.unwrap();
    browser
        .wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT)
        .await
        .expect("the app shell appears with the server stopped");
    let title = browser.eval("return document.title;").await.unwrap();
    assert_eq!(title, "四争一树");

    // A deep link works offline too: every navigation gets the cached shell.
    browser.goto(&harness.url("/surveys/new")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.expect("a deep link opens offline");

    // The API is never answered from a cache: offline, it fails.
    let api = browser
        .eval(
            "return fetch('/api/v1/openapi.json').then(r => 'status ' + r.status, e => 'failed');",
        )
        .await
        .unwrap();
    assert_eq!(api, "failed", "an /api/ request must go to the network only");

    browser.close().await.unwrap();
}

/// With the service worker installed, `/import` is the server's upload page, never the app
/// shell: reached from the app's own link and typed into the address bar; with the server gone it
/// says the page needs the server (issue 11).
#[tokio::test]
async fn the_upload_page_stays_reachable_with_the_service_worker_installed() {
    const UPLOAD_FORM: &str = "form[action=\"/import\"]";
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");

    browser.goto(&harness.url("/#/transfer")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.expect("the app renders online");
    browser
        .wait_for_service_worker(Duration::from_secs(30))
        .await
        .expect("the service worker takes control after the first load");
    // Reload so this page itself is controlled by the worker, then follow the app's link.
    browser.refresh().await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    let controlled = browser.controller_script().await.unwrap();
    assert!(controlled.is_some(), "the page is controlled by the service worker");
    // The screen's own link (the head drawn while its module loads has one too, replaced by it).
    browser.wait_for_testid("transfer-screen", FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.click_testid("open-import-page").await.unwrap();
    browser
        .wait_for(UPLOAD_FORM, FIRST_LOAD_TIMEOUT)
        .await
        .expect("the app's link opens the server's upload page");
    assert!(!browser.exists(APP_SHELL).await.unwrap(), "the upload page, not the app shell");

    // Typed into the address bar, from a controlled scope.
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.goto(&harness.url("/import")).await.unwrap();
    browser.wait_for(UPLOAD_FORM, FIRST_LOAD_TIMEOUT).await.expect("/import is the upload page");
    assert!(!browser.exists(APP_SHELL).await.unwrap());

    // No server: a short page says the upload page needs the server; still not the shell.
    harness.stop_server();
    browser.goto(&harness.url("/import")).await.unwrap();
    let text = browser
        .wait_for("p", FIRST_LOAD_TIMEOUT)
        .await
        .expect("a page is shown offline")
        .text()
        .await
        .unwrap();
    assert!(text.contains("办公室服务器"), "{text}");
    assert!(!browser.exists(APP_SHELL).await.unwrap());
    // The app itself still opens offline.
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.expect("the app opens offline");

    browser.close().await.unwrap();
}
