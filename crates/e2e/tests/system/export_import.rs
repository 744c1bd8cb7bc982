//! Export from tablet A's transfer screen, import the file on tablet B's: the member appears.
//! A second import of the same file changes nothing; a tampered file is refused.
//! (A and B are two origins of one server: separate IndexedDB databases, like two devices.)

use e2e::{FIRST_LOAD_TIMEOUT, Harness, testid};

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

    // The downloaded file, as the page hands it to URL.createObjectURL.
    let (exported, text) = browser.export_file(&a, false).await.expect("export finished");
    assert!(exported.contains("已导出") && !exported.contains("已导出 0 条"), "{exported}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    std::fs::write(&path, &text).unwrap();

    let (ok, message) = browser.import_file(&b, &path).await.unwrap();
    assert!(ok, "import failed: {message}");
    assert!(message.contains("已导入"), "{message}");
    browser.goto(&format!("{b}/#/people")).await.unwrap();
    let row = browser
        .wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT)
        .await
        .unwrap();
    assert_eq!(row.text().await.unwrap(), "王金海");

    let (ok, message) = browser.import_file(&b, &path).await.unwrap();
    assert!(ok, "{message}");
    assert!(message.contains("未做任何更改"), "a second import changes nothing: {message}");

    // A tampered copy is refused with a clear message.
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["counts"]["operations"] = serde_json::json!(3);
    let bad = dir.path().join("tampered.json");
    std::fs::write(&bad, serde_json::to_vec(&file).unwrap()).unwrap();
    let (ok, message) = browser.import_file(&b, &bad).await.unwrap();
    assert!(!ok);
    assert!(message.contains("未导入任何内容"), "{message}");
    browser.close().await.unwrap();
}
