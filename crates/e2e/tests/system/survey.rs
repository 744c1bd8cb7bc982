//! The survey form end to end: a finalised survey with a photo is still there after a reload,
//! and a draft survives the browser being closed in the middle of typing.

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, small_png, testid};

const APP_SHELL: &str = "[data-testid=\"nav-people\"]";
const SHORT: Duration = Duration::from_secs(20);

async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.wait_for(&testid(id), SHORT).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Picks the first real option (index 0 is "请选择") of a select.
async fn choose_first(browser: &Browser, id: &str) {
    let select = browser.wait_for(&testid(id), SHORT).await.unwrap();
    select.select_by_index(1).await.unwrap();
}

async fn select_value(browser: &Browser, id: &str, value: &str) {
    let select = browser.wait_for(&testid(id), SHORT).await.unwrap();
    select.select_by_value(value).await.unwrap();
}

/// A number field takes its value on `change`, i.e. when focus leaves it (Tab).
async fn type_number(browser: &Browser, id: &str, number: &str) {
    type_into(browser, id, &format!("{number}\u{E004}")).await;
}

async fn open_new_survey(browser: &Browser, harness: &Harness) {
    browser.goto(&harness.url("/#/survey/new")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
}

async fn field_value(browser: &Browser, id: &str) -> String {
    let field = browser.wait_for(&testid(id), SHORT).await.unwrap();
    field.prop("value").await.unwrap().unwrap_or_default()
}

#[tokio::test]
async fn finalised_survey_with_photo_is_found_after_reload() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    // 所在支部 is chosen from the branches the account may write: a surveyor of one branch.
    harness
        .server_command(&[
            "add-user",
            "--username",
            "zhang",
            "--password",
            "field-pass-123",
            "--role",
            "surveyor",
            "--branches",
            "东沙村党支部",
            "--display-name",
            "张晓",
        ])
        .unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), "zhang", "field-pass-123").await.unwrap();
    open_new_survey(&browser, &harness).await;

    // Category first: it decides which sections the form shows.
    select_value(&browser, "survey-category", "village_leader").await;
    type_into(&browser, "survey-name", "林海生").await;
    choose_first(&browser, "survey-gender").await;
    type_number(&browser, "survey-birth-year", "1968").await;
    type_into(&browser, "survey-phone", "13812345678").await;
    select_value(&browser, "survey-branch-id", "东沙村党支部").await;
    type_into(&browser, "survey-village-unit", "东沙村").await;
    type_into(&browser, "survey-surveyor", "张晓").await;
    choose_first(&browser, "survey-employment").await;
    choose_first(&browser, "survey-potential-level").await;
    choose_first(&browser, "survey-wealth-potential").await;
    type_into(&browser, "survey-notes", "带头发展海水养殖，愿意帮带周边渔民。").await;
    assert!(
        !field_value(&browser, "survey-surveyed-at").await.is_empty(),
        "a new survey starts dated now"
    );

    let photo_dir = tempfile::tempdir().unwrap();
    let photo_path = photo_dir.path().join("household.png");
    std::fs::write(&photo_path, small_png(320, 240)).unwrap();
    let input = browser.wait_for(&testid("photo-input"), SHORT).await.unwrap();
    input.send_keys(&photo_path.display().to_string()).await.unwrap();
    let thumb = browser
        .wait_for(&testid("photo-thumb"), SHORT)
        .await
        .expect("the photo is processed and listed");
    let sha = thumb.attr("data-sha256").await.unwrap().expect("a content hash");
    assert_eq!(sha.len(), 64);

    browser.wait_for(&testid("survey-finalise"), SHORT).await.unwrap().click().await.unwrap();
    browser
        .wait_for(&testid("survey-final"), SHORT)
        .await
        .expect("the survey is finalised (no validation errors)");
    assert!(!browser.exists(&testid("survey-errors")).await.unwrap());
    // Once the finalised survey is written, reload the whole app.
    browser.wait_survey_saved().await.expect("the finalised survey is saved");

    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser.refresh().await.unwrap();
    let row = browser
        .wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT)
        .await
        .expect("the surveyed member is listed after a reload");
    assert_eq!(row.text().await.unwrap(), "林海生");
    row.click().await.unwrap();
    browser.wait_for(&testid("person-detail"), SHORT).await.unwrap();
    let entry = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
    let entry_text = entry.text().await.unwrap();
    assert!(entry_text.contains("已定稿"), "survey entry: {entry_text}");
    assert!(entry_text.contains("张晓"), "survey entry: {entry_text}");

    // Its photo is there, from the tablet's own storage, and decodes as an image.
    let shown = format!("[data-testid=\"photo-thumb\"][data-sha256=\"{sha}\"] img");
    browser.wait_for(&shown, SHORT).await.expect("the photo is shown");
    browser
        .wait_until(
            "the photo to decode",
            &format!("const i = document.querySelector('{}'); return !!i && i.complete && i.naturalWidth > 0;", shown.replace('\'', "\\'")),
            SHORT,
        )
        .await
        .unwrap();

    // And the survey itself reopens finalised with the same photo.
    entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    browser.wait_for(&testid("survey-final"), SHORT).await.unwrap();
    assert_eq!(field_value(&browser, "survey-name").await, "林海生");
    browser
        .wait_for(&format!("[data-testid=\"photo-thumb\"][data-sha256=\"{sha}\"]"), SHORT)
        .await
        .unwrap();
    browser.close().await.unwrap();
}

#[tokio::test]
async fn draft_survives_closing_the_browser_mid_typing() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    open_new_survey(&browser, &harness).await;

    type_into(&browser, "survey-name", "王秀英").await;
    type_into(&browser, "survey-notes", "家里经营网箱养殖").await;
    // The form saves drafts about a second after the last keystroke; then the user types on
    // and the tablet is closed straight away.
    browser.wait_survey_saved().await.expect("the draft saves itself while typing");
    let notes = browser.wait_for(&testid("survey-notes"), SHORT).await.unwrap();
    notes.send_keys("，规模").await.unwrap();
    browser.close().await.unwrap();

    // Reopen the app on the same profile: the draft is offered and holds what was typed.
    let browser = harness.open_browser().await.expect("reopen Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser
        .wait_for(&testid("draft-banner"), SHORT)
        .await
        .expect("the app offers the unfinished draft");
    browser.wait_for(&testid("draft-continue"), SHORT).await.unwrap().click().await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    assert_eq!(field_value(&browser, "survey-name").await, "王秀英");
    let notes = field_value(&browser, "survey-notes").await;
    assert!(notes.starts_with("家里经营网箱养殖"), "notes after reopening: {notes}");
    browser.close().await.unwrap();
}
