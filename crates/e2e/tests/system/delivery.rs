//! The app's first promise, at its edges: what a surveyor saved reaches the office, or the
//! surveyor is told why and can fix it (issue "nothing stranded").
//!
//! * A survey made before anyone signed in, in a branch outside the account that then signs in:
//!   adopted by that account, refused on the tablet with the server's words, counted (待同步
//!   never 0, 需处理 in red), listed by name; fixed on the tablet and resubmitted whole; the
//!   office's export then has the member exactly once, whole.
//! * The server killed and restarted while the browser never goes offline: the top bar says
//!   so, and the outbox drains within 10 s of the restart with no reload.
//! * The browser SIGKILLed 300 ms after the last keystroke, 20 times: every keystroke kept.
//! * A draft named in the banner and deleted after a confirmation.
//! * The county viewer finds no form to type into and no save button.

use std::time::Duration;

use e2e::{FIRST_LOAD_TIMEOUT, Harness, testid};

const APP_SHELL: &str = "[data-testid=\"nav-people\"]";
const SHORT: Duration = Duration::from_secs(30);
const OFFICE: (&str, &str) = ("office", "office-pass-123");
const SURVEYOR: (&str, &str) = ("chen_s", "field-pass-123");
const HOME_BRANCH: &str = "东沙村党支部";
const OTHER_BRANCH: &str = "西岙村党支部";

fn add_surveyor(harness: &Harness) {
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", HOME_BRANCH, "陈调查").unwrap();
}

#[tokio::test]
async fn a_survey_refused_for_its_branch_is_fixed_on_the_tablet_and_reaches_the_office_whole_once()
{
    let harness = Harness::start().await.expect("start server and chromedriver");
    add_surveyor(&harness);
    let browser = harness.open_browser().await.expect("open Chromium");

    // Before anyone signed in on this tablet: a survey in a branch the surveyor does not have.
    browser.new_survey(&harness.base_url(), "陈阿土", OTHER_BRANCH).await.unwrap();
    browser.wait_counter("pending-count", 2, SHORT).await.unwrap(); // the member and the survey

    // The surveyor signs in: the work done before is adopted, and the tablet says so.
    browser.sign_in(&harness.base_url(), SURVEYOR.0, SURVEYOR.1).await.unwrap();
    let adopted = browser.text_of("adopted-notice").await.unwrap();
    assert!(adopted.contains("登录前保存的"), "adoption notice: {adopted}");

    // Syncing sets both records aside: the server would refuse the branch. Nothing reached it,
    // and the count does not drop to zero.
    browser.press_sync(&harness.base_url()).await.unwrap();
    browser.wait_counter("needs-action-count", 2, SHORT).await.unwrap();
    assert_eq!(browser.counter("pending-count").await, Some(2), "待同步 while refused");
    let error = browser.text_of("sync-last-error").await.unwrap();
    assert!(error.contains("不在您的工作范围内"), "sync screen: {error}");
    assert!(!harness.office_csv("people").unwrap().contains("陈阿土"), "nothing half-delivered");

    // The people list shows the member's state.
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser
        .wait_for(
            "[data-testid=\"people-row\"] [data-testid=\"delivery-state\"][data-state=\"refused\"]",
            SHORT,
        )
        .await
        .expect("the people list marks the member 被退回，需处理");

    // The 待发送 screen lists them by name and kind, with the reason and the fields in words.
    browser.goto(&harness.url("/#/outbox")).await.unwrap();
    browser.wait_for(&testid("outbox-row"), SHORT).await.unwrap();
    let text = browser.text_of("outbox-screen").await.unwrap();
    for expected in
        ["陈阿土", "党员信息", "调查摸底表", "被退回，需处理", "不在您的工作范围内", "所在支部"]
    {
        assert!(text.contains(expected), "待发送 screen lacks {expected}: {text}");
    }
    assert!(!text.contains("branch_id") && !text.contains("person ·"), "no keys: {text}");

    // The surveyor fixes the branch on the tablet: the form already says what is wrong.
    browser.click_testid("outbox-open").await.unwrap();
    let open = browser
        .wait_for("[data-testid=\"survey-form\"], [data-testid=\"person-detail\"]", SHORT)
        .await
        .unwrap();
    if open.attr("data-testid").await.unwrap().as_deref() == Some("person-detail") {
        let entry = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
        entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
        browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    }
    let warning = browser.text_of("survey-policy-error").await.unwrap();
    assert!(warning.contains("不在您的工作范围内"), "form warning: {warning}");
    browser.choose_branch(HOME_BRANCH).await.unwrap();
    browser.wait_survey_saved().await.unwrap();
    let survey_hash = browser.eval("return location.hash;").await.unwrap();
    // Not on the server yet: the branch is still offered for change.
    assert!(!browser.exists(&testid("branch-fixed")).await.unwrap());
    assert!(!browser.exists(&testid("survey-policy-error")).await.unwrap());
    // Its later edits are held back, not delivered piecemeal.
    browser.press_sync(&harness.base_url()).await.unwrap();
    assert!(
        !harness.office_csv("people").unwrap().contains("陈阿土"),
        "held back until resubmitted"
    );
    assert_eq!(browser.counter("needs-action-count").await, Some(2));

    // Resubmit both records whole under the signed-in account, then sync.
    browser.goto(&harness.url("/#/outbox")).await.unwrap();
    browser.wait_for(&testid("outbox-resubmit"), SHORT).await.unwrap();
    for left in [1, 0] {
        browser.click_testid("outbox-resubmit").await.unwrap();
        let condition = format!(
            "return document.querySelectorAll('[data-testid=\"outbox-resubmit\"]').length === {left};"
        );
        browser.wait_until("the resubmitted row to leave 被退回", &condition, SHORT).await.unwrap();
        let result = browser.text_of("resubmit-result").await.unwrap();
        assert!(result.contains("已重新提交"), "resubmission: {result}");
    }
    browser.sync(&harness.base_url()).await.expect("the fixed records are accepted");
    browser.wait_counter("pending-count", 0, SHORT).await.unwrap();
    assert!(!browser.exists(&testid("needs-action-count")).await.unwrap());

    // The office has the member whole, exactly once, in the right branch, and one survey.
    let people = harness.office_csv("people").unwrap();
    let rows: Vec<&str> = people.lines().filter(|l| l.contains("陈阿土")).collect();
    assert_eq!(rows.len(), 1, "people export: {people}");
    for expected in ["13812345678", HOME_BRANCH, "东沙村"] {
        assert!(rows[0].contains(expected), "the member's row lacks {expected}: {}", rows[0]);
    }
    let surveys = harness.office_csv("surveys").unwrap();
    assert_eq!(surveys.lines().filter(|l| l.contains("陈阿土")).count(), 1, "surveys: {surveys}");

    // On the server now: the form shows the branch and says why it cannot be changed here.
    browser.goto(&harness.url(&format!("/{}", survey_hash.as_str().unwrap()))).await.unwrap();
    browser.wait_for(&testid("branch-fixed"), SHORT).await.unwrap();
    let branch = browser.by_testid("survey-branch-id").await.unwrap();
    assert!(branch.prop("disabled").await.unwrap().as_deref() == Some("true"), "a fixed branch");
    assert_eq!(browser.field_value("survey-branch-id").await.unwrap(), HOME_BRANCH);
    browser.close().await.unwrap();
}

#[tokio::test]
async fn sync_resumes_within_ten_seconds_of_the_server_coming_back_without_a_reload() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    add_surveyor(&harness);
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.new_survey(&harness.base_url(), "林海生", HOME_BRANCH).await.unwrap();
    browser.sync(&harness.base_url()).await.unwrap();
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser
        .wait_for("[data-testid=\"online-indicator\"][data-state=\"connected\"]", SHORT)
        .await
        .expect("已连接办公室 after a sync");

    // The server goes away; the browser's network stays up all along. Work goes on: an edit
    // is saved, its sync fails, and the top bar says the office cannot be reached.
    harness.stop_server();
    browser.eval("window.__notReloaded = true; return true;").await.unwrap();
    let entry = browser.wait_for("[data-testid=\"people-row\"] a.row-link", SHORT).await.unwrap();
    entry.click().await.unwrap();
    let survey = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
    survey.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    browser.type_into("survey-notes", "服务器停机时补充").await.unwrap();
    browser.wait_survey_saved().await.unwrap();
    browser.wait_counter("pending-count", 1, SHORT).await.unwrap();
    browser
        .wait_for("[data-testid=\"online-indicator\"][data-state=\"no-server\"]", SHORT)
        .await
        .expect("有网络但连不上办公室 while the server is down");
    let shown = browser.text_of("online-indicator").await.unwrap();
    assert_eq!(shown, "有网络但连不上办公室");
    let online: bool =
        browser.eval("return navigator.onLine;").await.unwrap().as_bool().unwrap_or(false);
    assert!(online, "the browser never reported going offline");

    // The server comes back: within 10 s the outbox is empty, with no reload.
    harness.start_server().await.unwrap();
    let back = std::time::Instant::now();
    browser.wait_counter("pending-count", 0, Duration::from_secs(10)).await.unwrap();
    let drained = back.elapsed();
    browser
        .wait_for("[data-testid=\"online-indicator\"][data-state=\"connected\"]", SHORT)
        .await
        .unwrap();
    let same_page = browser.eval("return window.__notReloaded === true;").await.unwrap();
    assert_eq!(same_page.as_bool(), Some(true), "the page was not reloaded");
    println!("outbox drained {:.1} s after the server came back", drained.as_secs_f64());
    browser.close().await.unwrap();
}

/// Trials of the killed-browser test (20 here; `FIELD_TRIAL_BROWSER_KILLS` overrides, and
/// `scripts/trials.sh` runs 200).
fn kill_trials() -> usize {
    std::env::var("FIELD_TRIAL_BROWSER_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

#[tokio::test]
async fn typing_survives_the_browser_being_killed_300_ms_after_the_last_keystroke() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.new_survey(&harness.base_url(), "王秀英", HOME_BRANCH).await.unwrap();
    let hash = browser.eval("return location.hash;").await.unwrap();
    let survey_url = harness.url(&format!("/{}", hash.as_str().unwrap()));
    assert!(survey_url.contains("#/survey/"), "the survey has its own address: {survey_url}");
    // The first session ends the same way as every trial's: killed, not closed.
    assert!(harness.kill_browser().unwrap() > 0);
    drop(browser);

    let trials = kill_trials();
    let began = std::time::Instant::now();
    let mut kept = 0;
    let mut typed = String::new();
    let mut browser = harness.reopen_browser().await.unwrap();
    for trial in 0..trials {
        browser.goto(&survey_url).await.unwrap();
        browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
        let notes = browser.wait_for(&testid("survey-notes"), SHORT).await.unwrap();
        let before = notes.prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(before, typed, "trial {trial}: what the form shows before typing");
        let token = format!("第{trial}次");
        notes.send_keys(&token).await.unwrap();
        typed.push_str(&token);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let killed = harness.kill_browser().unwrap();
        assert!(killed > 0, "trial {trial}: no browser process to kill");
        drop(browser);

        browser = harness.reopen_browser().await.unwrap();
        browser.goto(&survey_url).await.unwrap();
        browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
        let notes = browser.field_value("survey-notes").await.unwrap();
        if notes == typed {
            kept += 1;
        } else {
            panic!("trial {trial}: typed {typed:?}, after the kill the form shows {notes:?}");
        }
    }
    println!("keystrokes kept after SIGKILL 300 ms later: {kept} of {trials}");
    assert_eq!(kept, trials);
    println!(
        "TRIAL|browser-kills|{trials}|{trials}|0|0|{:.0}|SIGKILL 300 ms after the last keystroke; every keystroke kept",
        began.elapsed().as_secs_f64()
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn a_draft_named_in_the_banner_is_deleted_after_a_confirmation() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.new_survey(&harness.base_url(), "张晓", HOME_BRANCH).await.unwrap();
    browser.wait_counter("pending-count", 2, SHORT).await.unwrap();

    browser.goto(&harness.url("/#/people")).await.unwrap();
    let banner = browser.wait_for(&testid("draft-banner"), SHORT).await.unwrap();
    assert!(banner.text().await.unwrap().contains("张晓"), "the banner names the member");

    // Asked first; "取消" keeps it.
    browser.click_testid("draft-delete").await.unwrap();
    browser.wait_for(&testid("draft-delete-confirm"), SHORT).await.unwrap();
    browser.click_testid("draft-delete-no").await.unwrap();
    assert!(browser.exists(&testid("draft-banner")).await.unwrap());
    assert_eq!(browser.counter("pending-count").await, Some(2));

    // Confirmed: never synced, so the survey and its new member are gone from the tablet.
    browser.click_testid("draft-delete").await.unwrap();
    browser.click_testid("draft-delete-yes").await.unwrap();
    browser.wait_counter("pending-count", 0, SHORT).await.unwrap();
    browser
        .wait_until(
            "the banner to go",
            "return !document.querySelector('[data-testid=\"draft-banner\"]');",
            SHORT,
        )
        .await
        .unwrap();
    browser.refresh().await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for(&testid("people-count"), SHORT).await.unwrap();
    assert!(!browser.exists(&testid("people-row")).await.unwrap(), "the member is gone");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn the_county_viewer_finds_no_form_to_type_into_and_no_save_button() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    add_surveyor(&harness);
    harness
        .server_command(&[
            "add-user",
            "--username",
            "county",
            "--password",
            "county-pass-123",
            "--role",
            "county_viewer",
            "--display-name",
            "县委组织部",
        ])
        .unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.new_survey(&harness.base_url(), "林海生", HOME_BRANCH).await.unwrap();
    browser.sync(&harness.base_url()).await.unwrap();

    browser.sign_in(&harness.base_url(), "county", "county-pass-123").await.unwrap();
    browser.sync(&harness.base_url()).await.unwrap();
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser
        .wait_for("[data-testid=\"people-row\"] a.row-link", SHORT)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for(&testid("person-detail"), SHORT).await.unwrap();
    assert!(!browser.exists(&testid("person-new-survey")).await.unwrap(), "no new-survey button");
    assert!(!browser.exists(&testid("nav-new-survey")).await.unwrap(), "no new-survey tab");
    let entry = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
    entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    browser.wait_for(&testid("read-only"), SHORT).await.unwrap();
    // Every section built (they come a task at a time).
    browser
        .wait_for("[data-testid=\"survey-form\"] fieldset.form-body:not([aria-busy])", SHORT)
        .await
        .unwrap();
    assert!(!browser.exists(&testid("survey-finalise")).await.unwrap(), "no finalise button");
    let fields = browser
        .eval(
            "const all = [...document.querySelectorAll('[data-testid=\"survey-form\"] input, [data-testid=\"survey-form\"] select, [data-testid=\"survey-form\"] textarea')];
             return [all.length, all.filter(e => !e.disabled && !e.closest('fieldset[disabled]')).length];",
        )
        .await
        .unwrap();
    assert!(fields[0].as_u64().is_some_and(|n| n > 20), "the whole form is shown: {fields}");
    assert_eq!(fields[1].as_u64(), Some(0), "every field of the survey form is read-only");
    // Nothing the viewer does is queued.
    assert_eq!(browser.counter("pending-count").await, Some(0));
    browser.close().await.unwrap();
}

/// The office sees which tablet holds work that has not arrived (issue 11): after a sync run that
/// left two records refused on the tablet, the office's device list shows that tablet's report
/// (待同步 2, 被退回 2, when the oldest unsent change was made) and marks it.
#[tokio::test]
async fn the_office_device_list_shows_a_tablets_pending_and_refused_counts() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    add_surveyor(&harness);
    let tablet = harness.open_browser().await.expect("open Chromium");
    tablet.new_survey(&harness.base_url(), "陈阿土", OTHER_BRANCH).await.unwrap();
    tablet.sign_in(&harness.base_url(), SURVEYOR.0, SURVEYOR.1).await.unwrap();
    tablet.press_sync(&harness.base_url()).await.unwrap();
    tablet.wait_counter("needs-action-count", 2, SHORT).await.unwrap();

    let office = harness.open_browser_in("office").await.expect("open the office browser");
    office.sign_in(&harness.base_url(), OFFICE.0, OFFICE.1).await.unwrap();
    office.goto(&harness.url("/#/office/devices")).await.unwrap();
    let row = office
        .wait_for(
            &format!("[data-testid^=\"device-row-\"][data-username=\"{}\"]", SURVEYOR.0),
            SHORT,
        )
        .await
        .expect("the tablet is listed");
    assert_eq!(row.attr("data-unsent").await.unwrap().as_deref(), Some("true"));
    let id = row.attr("data-testid").await.unwrap().unwrap().replace("device-row-", "");
    assert_eq!(office.text_of(&format!("device-pending-{id}")).await.unwrap(), "2");
    assert_eq!(office.text_of(&format!("device-refused-{id}")).await.unwrap(), "2");
    let oldest = office.text_of(&format!("device-oldest-{id}")).await.unwrap();
    assert!(oldest.starts_with("20"), "the oldest unsent change: {oldest}");
    office.by_testid(&format!("device-unsent-{id}")).await.unwrap();
    let summary = office.by_testid("devices-unsent-count").await.unwrap();
    assert_eq!(summary.attr("data-count").await.unwrap().as_deref(), Some("1"));
}
