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
