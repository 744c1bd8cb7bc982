//! Branches are chosen, not typed (issue 9, point 4), through the real server: a surveyor whose
//! account names an old free-text branch records a member; the office finds that text among the
//! values no branch matches, adopts it as a branch (its code is the text, so the records and the
//! account need no rewrite), renames it, and later retires it. The surveyor's tablet then names
//! the branch by its new name, and once it is retired no longer offers it, while the old survey
//! still shows it, marked 已撤销, unchanged.

use e2e::{Browser, Harness, STEP_TIMEOUT, testid};

const PASSWORD: &str = "field-pass-123";
const FREE_TEXT: &str = "西沙村党支部";

/// Waits until the select `data-testid="<id>"` has `value` chosen and offers `options`
/// (the texts of its options other than "请选择").
async fn wait_for_picker(browser: &Browser, id: &str, value: &str, options: &[&str]) {
    let script = format!(
        "const s = document.querySelector({sel});
         if (!s) return false;
         const texts = [...s.options].filter(o => o.value !== '').map(o => o.textContent.trim());
         return s.value === {value} && JSON.stringify(texts) === {options};",
        sel = serde_json::Value::String(testid(id)),
        value = serde_json::Value::String(value.to_owned()),
        options = serde_json::Value::String(serde_json::to_string(options).unwrap()),
    );
    browser
        .wait_until(&format!("{id} = {value} of {options:?}"), &script, STEP_TIMEOUT)
        .await
        .unwrap();
}

/// Saves the branch form and waits for the screen to say so.
async fn save_branch_form(office: &Browser) {
    office.click_testid("branch-save").await.unwrap();
    office.wait_for_text("campaign-done", "支部已保存").await.unwrap();
}

#[tokio::test]
async fn a_free_text_branch_is_adopted_renamed_and_retired_and_the_tablet_follows() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    harness
        .server_command(&[
            "add-user",
            "--username",
            "zhang",
            "--password",
            PASSWORD,
            "--role",
            "surveyor",
            "--branches",
            FREE_TEXT,
            "--display-name",
            "张晓",
        ])
        .unwrap();
    let origin = harness.base_url();

    // The surveyor: no branch record exists yet; the account's own branch is offered, chosen.
    let tablet = harness.open_browser_in("surveyor").await.expect("open the tablet");
    tablet.sign_in(&origin, "zhang", PASSWORD).await.unwrap();
    tablet.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    wait_for_picker(&tablet, "survey-branch-id", FREE_TEXT, &[FREE_TEXT]).await;
    tablet.type_into("survey-name", "王金海").await.unwrap();
    tablet.wait_survey_saved().await.unwrap();
    assert_eq!(tablet.field_value("survey-name").await.unwrap(), "王金海");
    let survey_hash = tablet.eval("return location.hash;").await.unwrap();
    let survey_hash = survey_hash.as_str().expect("the form's address").to_owned();
    // Reopened from the store, the survey has the whole name (the form saved it all).
    tablet.goto(&format!("{origin}/#/people")).await.unwrap();
    tablet.goto(&format!("{origin}/{survey_hash}")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    assert_eq!(tablet.field_value("survey-name").await.unwrap(), "王金海", "saved");
    assert!(survey_hash.starts_with("#/survey/"), "{survey_hash}");
    tablet.sync(&origin).await.unwrap();

    // The office: the text is listed as matching no branch, with its two records.
    let office = harness.open_browser_in("office").await.expect("open the office browser");
    office.sign_in(&origin, "office", PASSWORD).await.unwrap();
    office.sync(&origin).await.unwrap();
    office.goto(&format!("{origin}/#/campaign/branches")).await.unwrap();
    let row = office.by_testid("unmatched-row").await.unwrap();
    assert_eq!(row.attr("data-value").await.unwrap().as_deref(), Some(FREE_TEXT));
    assert_eq!(office.text_of("unmatched-count").await.unwrap(), "2 条记录");

    // 建立为支部: the form is filled with the text as name and code.
    office.click_testid("unmatched-adopt").await.unwrap();
    assert_eq!(office.field_value("branch-name-input").await.unwrap(), FREE_TEXT);
    assert!(office.text_of("branch-form-code").await.unwrap().contains(FREE_TEXT));
    office.select_value("branch-kind", "village").await.unwrap();
    office.type_into("branch-unit", "西沙村").await.unwrap();
    save_branch_form(&office).await;
    office.by_testid("unmatched-none").await.expect("nothing unmatched any more");
    let adopted = format!("[data-testid=\"branch-row\"][data-code=\"{FREE_TEXT}\"]");
    let row = office.wait_for(&adopted, STEP_TIMEOUT).await.unwrap();
    let text = row.text().await.unwrap();
    assert!(text.contains("在用") && text.contains('2'), "{text}");

    // Renamed: the code stays, so the records and the account still belong to it.
    row.find(fantoccini::Locator::Css("[data-testid=\"branch-edit\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    office.type_into("branch-name-input", "西沙村党总支").await.unwrap();
    save_branch_form(&office).await;
    office
        .wait_until(
            "the new name",
            &format!(
                "const r = document.querySelector('{}'); return !!r && r.textContent.includes('西沙村党总支');",
                adopted.replace('\'', "\\'")
            ),
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    office.sync(&origin).await.unwrap();

    // The tablet receives the branch: the same value, now shown by its name.
    tablet.sync(&origin).await.unwrap();
    tablet.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    wait_for_picker(&tablet, "survey-branch-id", FREE_TEXT, &["西沙村党总支"]).await;

    // Retired (after a confirmation): no longer offered, but the old survey keeps it, marked.
    office.goto(&format!("{origin}/#/campaign/branches")).await.unwrap();
    let row = office.wait_for(&adopted, STEP_TIMEOUT).await.unwrap();
    office.eval("window.confirm = () => true; return true;").await.unwrap();
    row.find(fantoccini::Locator::Css("[data-testid=\"branch-retire\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    office.wait_for_text("campaign-done", "支部已保存").await.unwrap();
    office
        .wait_for(&format!("{adopted}[data-state=\"retired\"]"), STEP_TIMEOUT)
        .await
        .expect("the branch is listed as retired");
    office.sync(&origin).await.unwrap();
    tablet.sync(&origin).await.unwrap();

    tablet.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    wait_for_picker(&tablet, "survey-branch-id", "", &[]).await;
    tablet.by_testid("branch-picker-empty").await.expect("the form says why nothing is offered");
    tablet.goto(&format!("{origin}/{survey_hash}")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    assert_eq!(tablet.field_value("survey-name").await.unwrap(), "王金海");
    wait_for_picker(&tablet, "survey-branch-id", FREE_TEXT, &["（已撤销）西沙村党总支"]).await;
}
