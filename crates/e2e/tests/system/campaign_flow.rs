//! A candidate application goes the whole way through the real system: a surveyor's tablet
//! records the member and the application offline and syncs; the branch secretary aggregates
//! it and the town office approves it, each from their own browser; after its next sync the
//! surveyor's tablet shows the approved state and every step in the history.

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, STEP_TIMEOUT, testid};

const BRANCH: &str = "东沙村党支部";
const PASSWORD: &str = "field-pass-123";
const MEMBER: &str = "陈海明";
/// A valid GB 11643 number (check digit X) born 1968-03-12.
const ID_NUMBER: &str = "33092119680312001X";

fn add_user(harness: &Harness, username: &str, role: &str, display_name: &str) {
    harness
        .server_command(&[
            "add-user",
            "--username",
            username,
            "--password",
            PASSWORD,
            "--role",
            role,
            "--branches",
            BRANCH,
            "--display-name",
            display_name,
        ])
        .unwrap();
}

/// Opens the candidate list through the navigation and then the (only) candidate's profile.
async fn open_candidate_from_list(browser: &Browser, origin: &str) -> String {
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser.wait_for(&testid("nav-campaign"), FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.click_testid("nav-campaign").await.unwrap();
    browser.click_testid("cnav-candidates").await.unwrap();
    let row = browser.by_testid("candidate-row").await.expect("the candidate is listed");
    let id = row.attr("data-id").await.unwrap().expect("a candidate id");
    let link = row.find(fantoccini::Locator::Css("a.row-link")).await.unwrap();
    assert_eq!(link.text().await.unwrap(), MEMBER);
    link.click().await.unwrap();
    browser.by_testid("candidate-profile").await.unwrap();
    assert_eq!(browser.text_of("candidate-name").await.unwrap(), MEMBER);
    id
}

/// Takes application step `action` on the open profile and waits for the state it leads to.
async fn take_step(browser: &Browser, action: &str, state_after: &str) {
    let button = browser.by_testid(&format!("action-{action}")).await.unwrap();
    assert!(button.is_enabled().await.unwrap(), "the step `{action}` is offered");
    button.click().await.unwrap();
    browser.wait_for_text("candidate-state", state_after).await.unwrap();
}

#[tokio::test]
async fn application_recorded_offline_is_aggregated_approved_and_seen_by_the_tablet() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    add_user(&harness, "zhang", "surveyor", "张晓");
    add_user(&harness, "li", "branch_secretary", "李书记");
    let origin = harness.base_url();

    // The surveyor's tablet: signed in once at the office, then out in the village.
    let tablet = harness.open_browser_in("surveyor").await.expect("open the tablet");
    tablet.sign_in(&origin, "zhang", PASSWORD).await.unwrap();
    harness.stop_server();

    tablet.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    tablet.by_testid("survey-form").await.unwrap();
    tablet.select_value("survey-category", "village_leader").await.unwrap();
    tablet.type_into("survey-name", MEMBER).await.unwrap();
    tablet.type_into("survey-id-number", ID_NUMBER).await.unwrap();
    tablet.type_into("survey-phone", "13800138000").await.unwrap();
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

    // The application, through the campaign screens.
    tablet.click_testid("nav-campaign").await.unwrap();
    tablet.click_testid("cnav-candidates").await.unwrap();
    tablet.by_testid("candidate-empty").await.expect("no candidate yet");
    tablet.click_testid("candidate-new").await.unwrap();
    let person = tablet.by_testid("new-candidate-person").await.unwrap();
    tablet
        .wait_until(
            "the member to be offered",
            "return document.querySelectorAll('[data-testid=\"new-candidate-person\"] option').length === 2;",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    person.select_by_index(1).await.unwrap();
    assert_eq!(
        tablet.field_value("new-candidate-category").await.unwrap(),
        "village_leader",
        "the category comes from the member's survey"
    );
    // A campaign year: nobody set the campaign, so it is the 2012-2015 plan.
    tablet.select_value("new-candidate-year", "2015").await.unwrap();
    tablet.click_testid("new-candidate-save").await.unwrap();
    tablet.by_testid("candidate-profile").await.expect("the new candidate's profile opens");
    tablet.wait_for_text("candidate-state", "已申报").await.unwrap();
    assert_eq!(tablet.text_of("candidate-name").await.unwrap(), MEMBER);
    let aggregate = tablet.by_testid("action-aggregate").await.unwrap();
    assert!(!aggregate.is_enabled().await.unwrap(), "a surveyor cannot aggregate");
    let hash = tablet.eval("return location.hash;").await.unwrap();
    let candidate_id = hash.as_str().unwrap().rsplit('/').next().unwrap().to_owned();

    tablet.goto(&format!("{origin}/#/sync")).await.unwrap();
    tablet
        .wait_until(
            "the member and the application to wait on the sync screen",
            "const p = document.querySelector('[data-testid=\"sync-pending\"]');
             return !!p && Number(p.textContent.trim()) >= 2;",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();

    // Back at the office: the tablet syncs.
    harness.start_server().await.unwrap();
    tablet.sync(&origin).await.unwrap();
    tablet.close().await.unwrap();

    // The branch secretary, in their own browser, passes the application up.
    let secretary =
        harness.open_browser_in("secretary").await.expect("open the secretary's browser");
    secretary.sign_in(&origin, "li", PASSWORD).await.unwrap();
    secretary.sync(&origin).await.unwrap();
    let seen = open_candidate_from_list(&secretary, &origin).await;
    assert_eq!(seen, candidate_id);
    secretary.wait_for_text("candidate-state", "已申报").await.unwrap();
    let approve = secretary.by_testid("action-approve").await.unwrap();
    assert!(!approve.is_enabled().await.unwrap(), "a branch secretary cannot approve");
    take_step(&secretary, "aggregate", "支部已汇总").await;
    secretary.sync(&origin).await.unwrap();
    secretary.close().await.unwrap();

    // The town office, in its own browser, approves it.
    let office = harness.open_browser_in("office").await.expect("open the office's browser");
    office.sign_in(&origin, "office", PASSWORD).await.unwrap();
    office.sync(&origin).await.unwrap();
    assert_eq!(open_candidate_from_list(&office, &origin).await, candidate_id);
    office.wait_for_text("candidate-state", "支部已汇总").await.unwrap();
    take_step(&office, "approve", "镇党委已审定").await;
    office.sync(&origin).await.unwrap();
    office.close().await.unwrap();

    // The surveyor's tablet, reopened, sees the decision after its next sync.
    let tablet = harness.open_browser_in("surveyor").await.expect("reopen the tablet");
    tablet.sync(&origin).await.unwrap();
    tablet.goto(&format!("{origin}/#/campaign/candidate/{candidate_id}")).await.unwrap();
    tablet.by_testid("candidate-profile").await.unwrap();
    tablet.wait_for_text("candidate-state", "镇党委已审定").await.unwrap();
    let history = tablet
        .client()
        .find_all(fantoccini::Locator::Css(&testid("candidate-history-row")))
        .await
        .unwrap();
    let mut steps = Vec::new();
    for row in history {
        steps.push(row.text().await.unwrap());
    }
    assert_eq!(steps.len(), 3, "applied, aggregated, approved: {steps:?}");
    assert!(steps[0].contains("镇党委审定") && steps[0].contains("镇组织办"), "{steps:?}");
    assert!(steps[1].contains("支部汇总") && steps[1].contains("李书记"), "{steps:?}");
    assert!(steps[2].contains("张晓"), "{steps:?}");
    tablet.close().await.unwrap();
}
