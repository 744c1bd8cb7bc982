//! Export from tablet A's transfer screen, import the file on tablet B's: the member appears.
//! A second import of the same file changes nothing; a tampered file is refused.
//! (A and B are two origins of one server: separate IndexedDB databases, like two devices.)

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, testid};

const SHORT: Duration = Duration::from_secs(30);

/// Import the file at `path` through `origin`'s transfer screen: (imported?, the message shown).
pub(crate) async fn import(
    browser: &Browser,
    origin: &str,
    path: &std::path::Path,
) -> (bool, String) {
    browser.goto(&format!("{origin}/#/transfer")).await.unwrap();
    browser.refresh().await.unwrap();
    let input = browser.wait_for(&testid("import-file"), FIRST_LOAD_TIMEOUT).await.unwrap();
    input.send_keys(&path.display().to_string()).await.unwrap();
    browser
        .wait_until(
            "the file header or an error",
            "return !!document.querySelector('[data-testid=\"import-button\"], [data-testid=\"import-error\"]');",
            SHORT,
        )
        .await
        .unwrap();
    if let Ok(button) = browser.wait_for(&testid("import-button"), Duration::from_secs(1)).await {
        button.click().await.unwrap();
    }
    let done = browser
        .wait_for("[data-testid=\"import-result\"], [data-testid=\"import-error\"]", SHORT)
        .await
        .unwrap();
    let ok = done.attr("data-testid").await.unwrap().as_deref() == Some("import-result");
    (ok, done.text().await.unwrap())
}

#[tokio::test]
async fn a_file_exported_on_one_tablet_imports_on_another() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let a = harness.base_url();
    let b = a.replace("127.0.0.1", "localhost");
    let browser = harness.open_browser().await.expect("open Chromium");

    browser.goto(&format!("{a}/#/survey/new")).await.unwrap();
    browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.select_value("survey-category", "village_leader").await.unwrap();
    browser.type_into("survey-name", "王金海").await.unwrap();
    browser.wait_survey_saved().await.expect("the draft is saved");

    // Capture the downloaded file: the page hands it to URL.createObjectURL as a Blob.
    browser.goto(&format!("{a}/#/transfer")).await.unwrap();
    browser.wait_for(&testid("export-button"), FIRST_LOAD_TIMEOUT).await.unwrap();
    browser
        .eval(
            "const orig = URL.createObjectURL; window.__exported = null;
             URL.createObjectURL = (blob) => { blob.text().then(t => { window.__exported = t; }); return orig(blob); };
             return true;",
        )
        .await
        .unwrap();
    browser.wait_for(&testid("export-button"), SHORT).await.unwrap().click().await.unwrap();
    let result = browser.wait_for(&testid("export-result"), SHORT).await.expect("export finished");
    let exported = result.text().await.unwrap();
    assert!(exported.contains("已导出") && !exported.contains("已导出 0 条"), "{exported}");
    browser
        .wait_until("the file text", "return typeof window.__exported === 'string';", SHORT)
        .await
        .unwrap();
    let text =
        browser.eval("return window.__exported;").await.unwrap().as_str().unwrap().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    std::fs::write(&path, &text).unwrap();

    let (ok, message) = import(&browser, &b, &path).await;
    assert!(ok, "import failed: {message}");
    assert!(message.contains("已导入"), "{message}");
    browser.goto(&format!("{b}/#/people")).await.unwrap();
    let row = browser
        .wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT)
        .await
        .unwrap();
    assert_eq!(row.text().await.unwrap(), "王金海");

    let (ok, message) = import(&browser, &b, &path).await;
    assert!(ok, "{message}");
    assert!(message.contains("未做任何更改"), "a second import changes nothing: {message}");

    // A tampered copy is refused with a clear message.
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["counts"]["operations"] = serde_json::json!(3);
    let bad = dir.path().join("tampered.json");
    std::fs::write(&bad, serde_json::to_vec(&file).unwrap()).unwrap();
    let (ok, message) = import(&browser, &b, &bad).await;
    assert!(!ok);
    assert!(message.contains("未导入任何内容"), "{message}");
    browser.close().await.unwrap();
}
