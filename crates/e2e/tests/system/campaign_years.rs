//! Two campaign years end to end (issue 17): the office sets a two-year campaign; a surveyor
//! nominates three members (one as next year's 梯队) and is refused a duplicate with a link to
//! the first record; two tablets, both offline, each press 登记下一年度 on the pipeline record
//! and come back with ONE next-year candidacy; the office approves two, scores them, removes
//! one; then every count on the dashboard, the 梯队 screen, the ranking, the report and the
//! candidate list agrees with the table below.
//!
//! | figure                                        | expected |
//! |-----------------------------------------------|----------|
//! | candidates, all years / this year / next year | 4 / 3 / 1 |
//! | removed this year                             | 1        |
//! | dashboard this year: approved, waiting office, waiting secretary, behind | 1, 1, 0, 1 |
//! | dashboard next year: target, waiting secretary | 3, 1    |
//! | dashboard whole campaign: approved, waiting secretary | 1, 1 |
//! | 梯队 next year: open, carried, total, target   | 0, 1, 1, 3 |
//! | ranking this year (village leaders)           | 1 row: 张一, 1st, 90.00 |
//! | report this year: approved, named, 梯队        | 1, 0, 1  |

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, STEP_TIMEOUT, testid};

const BRANCH: &str = "东沙村党支部";
const PASSWORD: &str = "field-pass-123";

fn add_surveyor(harness: &Harness, username: &str, display_name: &str) {
    harness
        .server_command(&[
            "add-user",
            "--username",
            username,
            "--password",
            PASSWORD,
            "--role",
            "surveyor",
            "--branches",
            BRANCH,
            "--display-name",
            display_name,
        ])
        .unwrap();
}

/// Sets a field the way a person's edit ends: value, then `input` and `change`.
async fn set_field(browser: &Browser, id: &str, value: &str) {
    browser.wait_for(&testid(id), STEP_TIMEOUT).await.unwrap();
    let script = format!(
        "const el = document.querySelector('[data-testid=\"{id}\"]');
         el.value = {value:?};
         el.dispatchEvent(new Event('input', {{ bubbles: true }}));
         el.dispatchEvent(new Event('change', {{ bubbles: true }}));
         return true;"
    );
    browser.eval(&script).await.unwrap();
}

async fn pause(ms: u64) {
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// The text of `data-testid="<id>"`, once it equals `want` (fails with the last text seen).
async fn expect_text(browser: &Browser, id: &str, want: &str) {
    let script = format!(
        "const e = document.querySelector('[data-testid=\"{id}\"]');
         return !!e && e.textContent.trim() === {want:?};"
    );
    if browser.wait_until(&format!("{id} to read {want}"), &script, STEP_TIMEOUT).await.is_err() {
        let seen = browser.text_of(id).await.unwrap_or_default();
        panic!("{id}: expected {want}, found {seen:?}");
    }
}

/// The id of the candidate whose profile is open.
async fn open_id(browser: &Browser) -> String {
    let hash = browser.eval("return location.hash;").await.unwrap();
    hash.as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

/// A member recorded through the survey form (saved as a draft, which records the person).
async fn survey_member(tablet: &Browser, origin: &str, name: &str) {
    tablet.goto(&format!("{origin}/#/people")).await.unwrap();
    tablet.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    tablet.select_value("survey-category", "village_leader").await.unwrap();
    tablet.type_into("survey-name", name).await.unwrap();
    tablet.select_value("survey-branch-id", BRANCH).await.unwrap();
    tablet.type_into("survey-village-unit", "东沙村").await.unwrap();
    tablet
        .wait_until(
            "the draft to be saved",
            "const s = document.querySelector('[data-testid=\"save-state\"]');
             return !!s && s.textContent.includes('草稿已自动保存');",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
}

/// Fills 登记申报 for `name` in `year`; the caller presses save and checks the outcome.
async fn fill_application(tablet: &Browser, origin: &str, name: &str, year: i32, pipeline: bool) {
    tablet.goto(&format!("{origin}/#/campaign/candidates")).await.unwrap();
    tablet.goto(&format!("{origin}/#/campaign/candidate/new")).await.unwrap();
    tablet.by_testid("new-candidate-person").await.unwrap();
    tablet.type_into("new-candidate-search", name).await.unwrap();
    tablet
        .wait_until(
            "the member to be offered alone",
            "return document.querySelectorAll('[data-testid=\"new-candidate-person\"] option').length === 2;",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    tablet.by_testid("new-candidate-person").await.unwrap().select_by_index(1).await.unwrap();
    tablet.select_value("new-candidate-year", &year.to_string()).await.unwrap();
    if pipeline {
        tablet.click_testid("new-candidate-pipeline").await.unwrap();
    }
    assert_eq!(tablet.field_value("new-candidate-category").await.unwrap(), "village_leader");
}

/// Records the application and returns the new candidate's id.
async fn nominate(tablet: &Browser, origin: &str, name: &str, year: i32, pipeline: bool) -> String {
    fill_application(tablet, origin, name, year, pipeline).await;
    tablet.click_testid("new-candidate-save").await.unwrap();
    tablet.by_testid("candidate-profile").await.expect("the new candidate's profile opens");
    expect_text(tablet, "candidate-name", name).await;
    open_id(tablet).await
}

/// Whether a row of the open profile's history holds `text`.
async fn history_says(browser: &Browser, text: &str) -> bool {
    let script = format!(
        "return [...document.querySelectorAll('[data-testid=\"candidate-history-row\"]')]
           .some(r => r.textContent.includes({text:?}));"
    );
    browser.eval(&script).await.unwrap() == serde_json::Value::Bool(true)
}

async fn open_profile(browser: &Browser, origin: &str, id: &str) {
    browser.goto(&format!("{origin}/#/campaign/candidates")).await.unwrap();
    browser.goto(&format!("{origin}/#/campaign/candidate/{id}")).await.unwrap();
    browser.wait_for(&testid("candidate-profile"), FIRST_LOAD_TIMEOUT).await.unwrap();
}

async fn step(browser: &Browser, action: &str, state_after: &str) {
    browser.click_testid(&format!("action-{action}")).await.unwrap();
    browser.wait_for_text("candidate-state", state_after).await.unwrap();
}

/// Scores every criterion of `name`'s sheet with `score` and saves it.
async fn score_sheet(office: &Browser, name: &str, score: &str, total: &str) {
    let script = format!(
        "const sheet = [...document.querySelectorAll('[data-testid=\"sheet\"]')]
           .find(s => s.querySelector('strong').textContent.includes({name:?}));
         if (!sheet) return false;
         for (const el of sheet.querySelectorAll('input[data-testid^=\"score-\"]')) {{
           el.value = {score:?};
           el.dispatchEvent(new Event('change', {{ bubbles: true }}));
         }}
         sheet.querySelector('[data-testid=\"sheet-save\"]').click();
         return true;"
    );
    let present = format!(
        "return [...document.querySelectorAll('[data-testid=\"sheet\"] strong')]
           .some(s => s.textContent.includes({name:?}));"
    );
    office.wait_until(&format!("{name}'s sheet"), &present, STEP_TIMEOUT).await.unwrap();
    let done = office.eval(&script).await.unwrap();
    assert_eq!(done, serde_json::Value::Bool(true), "{name}'s sheet");
    let wait = format!(
        "return [...document.querySelectorAll('[data-testid=\"ranking-total\"]')]
           .some(t => t.textContent.trim() === {total:?});"
    );
    office.wait_until(&format!("{name}'s total {total}"), &wait, STEP_TIMEOUT).await.unwrap();
}

/// The candidate list's count under the given filters (value "" for all).
async fn listed(office: &Browser, origin: &str, year: &str, state: &str) -> String {
    office.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    office.goto(&format!("{origin}/#/campaign/candidates")).await.unwrap();
    office.wait_for(&testid("candidate-filter-year"), STEP_TIMEOUT).await.unwrap();
    office.select_value("candidate-filter-year", year).await.unwrap();
    office.select_value("candidate-filter-state", state).await.unwrap();
    pause(300).await;
    office.text_of("candidate-count").await.unwrap()
}

#[tokio::test]
async fn two_campaign_years_carry_over_once_and_every_count_agrees() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    add_surveyor(&harness, "zhang", "张晓");
    add_surveyor(&harness, "wang", "王丽");
    let origin = harness.base_url();

    // The office sets the campaign: this year and next, 3 village leaders next year.
    let office = harness.open_browser_in("office").await.expect("open the office's browser");
    office.sign_in(&origin, "office", PASSWORD).await.unwrap();
    let year =
        office.eval("return new Date().getFullYear();").await.unwrap().as_i64().unwrap() as i32;
    let next = year + 1;
    office.goto(&format!("{origin}/#/campaign/settings")).await.unwrap();
    office.wait_for(&testid("campaign-start-year"), FIRST_LOAD_TIMEOUT).await.unwrap();
    set_field(&office, "campaign-start-year", &year.to_string()).await;
    set_field(&office, "campaign-years", "2").await;
    set_field(&office, &format!("target-village_leader-{next}"), "3").await;
    office.click_testid("campaign-save").await.unwrap();
    pause(1000).await;
    // Saved: the settings read back from the store show it.
    office.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    office.goto(&format!("{origin}/#/campaign/settings")).await.unwrap();
    office
        .wait_until(
            "the campaign to read back",
            &format!(
                "const f = document.querySelector('[data-testid=\"campaign-years\"]');
                 const t = document.querySelector('[data-testid=\"target-village_leader-{next}\"]');
                 return !!f && f.value === '2' && !!t && t.value === '3';"
            ),
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    office.click_testid("rubric-save-village_leader").await.unwrap();
    pause(1000).await;
    office.sync(&origin).await.unwrap();

    // The surveyor records three members and nominates them; 张二 as next year's 梯队.
    let zhang = harness.open_browser_in("zhang").await.expect("open zhang's tablet");
    zhang.sign_in(&origin, "zhang", PASSWORD).await.unwrap();
    zhang.sync(&origin).await.unwrap();
    for name in ["张一", "张二", "张三"] {
        survey_member(&zhang, &origin, name).await;
    }
    let id1 = nominate(&zhang, &origin, "张一", year, false).await;
    let id2 = nominate(&zhang, &origin, "张二", year, true).await;
    let id3 = nominate(&zhang, &origin, "张三", year, false).await;
    expect_text(&zhang, "candidate-state", "已申报").await;

    // The same candidacy again (登记申报 as pipeline this time): refused, with a link to it.
    fill_application(&zhang, &origin, "张一", year, true).await;
    zhang.click_testid("new-candidate-save").await.unwrap();
    let error = zhang.by_testid("campaign-error").await.unwrap().text().await.unwrap();
    assert!(
        error.contains(&format!("该党员已有{year}年度「渔农村党员创业创新带头人」争创记录")),
        "{error}"
    );
    zhang.click_testid("campaign-error-link").await.unwrap();
    zhang.by_testid("candidate-profile").await.unwrap();
    assert_eq!(open_id(&zhang).await, id1, "the link opens the existing record");
    zhang.sync(&origin).await.unwrap();

    // A second tablet gets the records.
    let wang = harness.open_browser_in("wang").await.expect("open wang's tablet");
    wang.sign_in(&origin, "wang", PASSWORD).await.unwrap();
    wang.sync(&origin).await.unwrap();

    // Both tablets offline; each presses 登记下一年度 on 张二's pipeline record.
    harness.stop_server();
    let mut next_ids = Vec::new();
    for tablet in [&zhang, &wang] {
        open_profile(tablet, &origin, &id2).await;
        expect_text(tablet, "candidate-state", "已申报（梯队培育）").await;
        tablet.click_testid("candidate-next-year").await.unwrap();
        tablet
            .wait_until(
                "the next year's record to open",
                &format!("return !location.hash.endsWith({id2:?}) && !!document.querySelector('[data-testid=\"candidate-carried-from\"]');"),
                STEP_TIMEOUT,
            )
            .await
            .unwrap();
        expect_text(tablet, "candidate-state", "已申报").await;
        next_ids.push(open_id(tablet).await);
        assert!(
            history_says(tablet, &format!("由{year}年度记录转入")).await,
            "the new record's history"
        );
        open_profile(tablet, &origin, &id2).await;
        expect_text(tablet, "candidate-state", "已转入下一年度").await;
        assert!(
            history_says(tablet, &format!("已转入{next}年度")).await,
            "the old record's history"
        );
        assert!(!tablet.exists(&testid("candidate-next-year")).await.unwrap(), "pressed once only");
        assert!(
            !tablet.exists(&testid("candidate-save")).await.unwrap(),
            "the old record is closed"
        );
        tablet.by_testid("candidate-carried-to").await.unwrap();
    }
    assert_eq!(next_ids[0], next_ids[1], "both tablets carried over into the same record");
    let id_next = next_ids[0].clone();
    harness.start_server().await.unwrap();
    zhang.sync(&origin).await.unwrap();
    wang.sync(&origin).await.unwrap();

    // The office approves 张一 and 张三, scores both, and removes 张三.
    office.sync(&origin).await.unwrap();
    for id in [&id1, &id3] {
        open_profile(&office, &origin, id).await;
        step(&office, "aggregate", "支部已汇总").await;
        step(&office, "approve", "镇党委已审定").await;
    }
    office.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    office.goto(&format!("{origin}/#/campaign/assessment")).await.unwrap();
    office.wait_for(&testid("assessment-ranking"), FIRST_LOAD_TIMEOUT).await.unwrap();
    office.select_value("assessment-year", &year.to_string()).await.unwrap();
    office
        .wait_until(
            "a score sheet offered to each approved candidate, none to the pipeline",
            "return document.querySelectorAll('[data-testid=\"sheet-begin\"]').length === 2;",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    for remaining in [1, 0] {
        office.click_testid("sheet-begin").await.unwrap();
        office
            .wait_until(
                "the sheet to begin",
                &format!(
                    "return document.querySelectorAll('[data-testid=\"sheet-begin\"]').length === {remaining}
                       && document.querySelectorAll('[data-testid=\"sheet\"]').length === {};",
                    2 - remaining
                ),
                STEP_TIMEOUT,
            )
            .await
            .unwrap();
    }
    score_sheet(&office, "张一", "9", "90.00").await;
    score_sheet(&office, "张三", "6", "60.00").await;
    let rows =
        office.client().find_all(fantoccini::Locator::Css(&testid("ranking-row"))).await.unwrap();
    assert_eq!(rows.len(), 2, "both ranked before the removal");

    open_profile(&office, &origin, &id3).await;
    office.eval("window.confirm = () => true; return true;").await.unwrap();
    office.click_testid("action-remove").await.unwrap();
    office.type_into("candidate-reason", "迁出本镇").await.unwrap();
    // The sticky save bar may cover the confirm button: click it as a script does.
    office
        .eval("document.querySelector('[data-testid=\"candidate-reason-confirm\"]').click(); return true;")
        .await
        .unwrap();
    office.wait_for_text("candidate-state", "已移除").await.unwrap();
    office.by_testid("candidate-closed").await.unwrap();
    assert!(
        !office.exists(&testid("candidate-save")).await.unwrap(),
        "a removed profile is read-only"
    );
    assert!(office.by_testid("action-restore").await.unwrap().is_enabled().await.unwrap());
    office.sync(&origin).await.unwrap();

    // Ranking: the removed candidate has left it.
    office.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    office.goto(&format!("{origin}/#/campaign/assessment")).await.unwrap();
    office.wait_for(&testid("assessment-ranking"), FIRST_LOAD_TIMEOUT).await.unwrap();
    office.select_value("assessment-year", &year.to_string()).await.unwrap();
    office
        .wait_until(
            "one ranked candidate",
            "return document.querySelectorAll('[data-testid=\"ranking-row\"]').length === 1;",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    expect_text(&office, "ranking-name", "张一").await;
    expect_text(&office, "ranking-rank", "1").await;
    expect_text(&office, "ranking-total", "90.00").await;
    assert_eq!(
        office.client().find_all(fantoccini::Locator::Css(&testid("sheet"))).await.unwrap().len(),
        1,
        "score sheets only for candidacies that may be scored"
    );

    // Dashboard: this year, next year, the whole campaign.
    office.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    office.wait_for(&testid("dashboard-year"), FIRST_LOAD_TIMEOUT).await.unwrap();
    office.select_value("dashboard-year", &year.to_string()).await.unwrap();
    expect_text(&office, "progress-approved-village_leader", "1").await;
    expect_text(&office, "progress-named-village_leader", "0").await;
    expect_text(&office, "waiting-town_office", "1").await;
    expect_text(&office, "waiting-branch_secretary", "0").await;
    // Contacts are due one per elapsed quarter: from April on, 张一 (and nobody else) is behind.
    let month = office.eval("return new Date().getMonth();").await.unwrap().as_i64().unwrap();
    let behind = office.by_testid("behind-count").await.unwrap().attr("data-count").await.unwrap();
    let want = if month >= 3 { "1" } else { "0" };
    assert_eq!(behind.as_deref(), Some(want), "only 张一 may be reminded of contacts");
    office.select_value("dashboard-year", &next.to_string()).await.unwrap();
    expect_text(&office, "progress-target-village_leader", "3").await;
    expect_text(&office, "progress-approved-village_leader", "0").await;
    expect_text(&office, "waiting-branch_secretary", "1").await;
    expect_text(&office, "waiting-town_office", "0").await;
    office.select_value("dashboard-year", "").await.unwrap();
    expect_text(&office, "progress-approved-village_leader", "1").await;
    expect_text(&office, "waiting-branch_secretary", "1").await;

    // 梯队: next year's pipeline against next year's target.
    office.goto(&format!("{origin}/#/campaign/pipeline")).await.unwrap();
    office.wait_for(&testid("pipeline-screen"), FIRST_LOAD_TIMEOUT).await.unwrap();
    office.select_value("pipeline-year", &next.to_string()).await.unwrap();
    expect_text(&office, "pipeline-open-village_leader", "0").await;
    expect_text(&office, "pipeline-carried-village_leader", "1").await;
    expect_text(&office, "pipeline-total-village_leader", "1").await;
    expect_text(&office, "pipeline-target-village_leader", "3").await;
    assert_eq!(
        office
            .client()
            .find_all(fantoccini::Locator::Css(&testid("pipeline-member")))
            .await
            .unwrap()
            .len(),
        1
    );

    // The report of this year: town-wide figures and the 梯队, with no branch records.
    office.goto(&format!("{origin}/#/campaign/report")).await.unwrap();
    office.wait_for(&testid("report-paper"), FIRST_LOAD_TIMEOUT).await.unwrap();
    office.select_value("report-year", &year.to_string()).await.unwrap();
    expect_text(&office, "report-approved-village_leader", "1").await;
    expect_text(&office, "report-named-village_leader", "0").await;
    expect_text(&office, "report-pipeline-village_leader", "1").await;

    // The candidate list: four records in all, one next year, one removed.
    assert_eq!(listed(&office, &origin, "", "").await, "共4条");
    assert_eq!(listed(&office, &origin, &year.to_string(), "").await, "共3条");
    assert_eq!(listed(&office, &origin, &next.to_string(), "").await, "共1条");
    assert_eq!(listed(&office, &origin, &year.to_string(), "removed").await, "共1条");
    let row = office.by_testid("candidate-row").await.unwrap();
    assert_eq!(row.attr("data-id").await.unwrap().as_deref(), Some(id3.as_str()));
    assert_eq!(listed(&office, &origin, &next.to_string(), "").await, "共1条");
    let row = office.by_testid("candidate-row").await.unwrap();
    assert_eq!(row.attr("data-id").await.unwrap().as_deref(), Some(id_next.as_str()));

    for browser in [office, zhang, wang] {
        browser.close().await.unwrap();
    }
}
