//! A tablet that comes back as a new device (its browser discarded the database AND the mark
//! the app keeps outside it, docs/RELIABILITY.md) is told what the account's other tablets last
//! reported and never sent: the sign-in answers with it (`LoginResponse::unsent_elsewhere`)
//! and the app says it in words until read (`previous-device-unsent`).
//!
//! Tablet 1 holds a survey the server refuses (a branch outside the account): its sync run
//! ends with 2 records not sent and reports them. A fresh profile (a new device) signing in
//! as the same account is told: the device, the count, what to do. Before tablet 1 reported,
//! a new device was told nothing; read and dismissed, the notice stays gone after a reload.

use std::time::Duration;

use e2e::{Api, Browser, Harness, testid};

const SHORT: Duration = Duration::from_secs(30);
const OFFICE: (&str, &str) = ("office", "office-pass-123");
const SURVEYOR: (&str, &str) = ("chen_p", "field-pass-123");
const HOME_BRANCH: &str = "东沙村党支部";
const OTHER_BRANCH: &str = "西岙村党支部";

/// Whether the tablet's database keeps the notice (read straight from its IndexedDB: the app
/// writes it before the sign-in shows as done).
async fn keeps_the_notice(browser: &Browser) -> bool {
    let keys = browser
        .eval_async(
            "const req = indexedDB.open('field');
             req.onsuccess = () => {
               const db = req.result;
               const keys = db.transaction('meta').objectStore('meta').getAllKeys();
               keys.onsuccess = () => { db.close(); done(keys.result); };
             };
             req.onerror = () => done('error: ' + String(req.error));",
        )
        .await
        .unwrap();
    let keys = keys.as_array().unwrap_or_else(|| panic!("reading the tablet's meta: {keys}"));
    keys.iter().any(|k| k == "unsent_elsewhere")
}

#[tokio::test]
async fn a_new_tablet_is_told_what_the_accounts_other_tablet_never_sent() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", HOME_BRANCH, "陈调查").unwrap();

    // Tablet 1: a survey saved before sign-in in a branch the account does not have.
    let tablet = harness.open_browser().await.expect("open Chromium");
    tablet.new_survey(&origin, "陈阿土", OTHER_BRANCH).await.unwrap();

    // A new device before tablet 1 reported anything: told nothing.
    let early = harness.open_browser_in("early").await.expect("open a second Chromium");
    early.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    assert!(!keeps_the_notice(&early).await, "nothing to tell yet");
    early.goto(&format!("{origin}/#/people")).await.unwrap();
    early.wait_for(&testid("nav-people"), SHORT).await.unwrap();
    assert!(!early.exists(&testid("previous-device-unsent")).await.unwrap());
    early.close().await.unwrap();

    // Tablet 1 signs in and syncs: both records refused, still not sent, and reported so.
    tablet.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    tablet.press_sync(&origin).await.unwrap();
    tablet.wait_counter("needs-action-count", 2, SHORT).await.unwrap();
    let device = tablet
        .eval_async(
            "const req = indexedDB.open('field');
             req.onsuccess = () => {
               const db = req.result;
               const id = db.transaction('meta').objectStore('meta').get('device_id');
               id.onsuccess = () => { db.close(); done(id.result); };
             };
             req.onerror = () => done(null);",
        )
        .await
        .unwrap();
    let device = device.as_str().expect("tablet 1's device id").to_owned();
    // The report goes after the run ends: the office's device list has it before tablet 1 goes.
    let office = Api::sign_in(&origin, OFFICE.0, OFFICE.1).await;
    let began = std::time::Instant::now();
    loop {
        let res = office.request(reqwest::Method::GET, "/api/v1/admin/devices").send().await;
        let list: serde_json::Value = res.unwrap().json().await.unwrap();
        let reported = list.as_array().unwrap().iter().any(|d| {
            d["device_id"] == device.as_str() && d["report"]["pending"].as_u64() == Some(2)
        });
        if reported {
            break;
        }
        assert!(began.elapsed() < SHORT, "tablet 1's report never reached the office: {list}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tablet.close().await.unwrap();

    // A fresh profile, as tablet 1 after its browser discarded everything: a new device.
    let fresh = harness.open_browser_in("fresh").await.expect("open a fresh Chromium");
    fresh.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    let notice = fresh.wait_for(&testid("previous-device-unsent"), SHORT).await.unwrap();
    assert_eq!(notice.attr("data-pending").await.unwrap().as_deref(), Some("2"));
    let words = notice.text().await.unwrap();
    for part in [
        "这个账号在另一台平板",
        "还有 2 条记录的修改没有发送",
        "最后一次同步",
        "请在那台平板上同步",
        "联系镇组织办",
    ] {
        assert!(words.contains(part), "the notice says {part:?}: {words}");
    }
    // Tablet 1, by the name it signed in with (the default: 平板 and its id's first 8 digits).
    let name = format!("平板 {}", &device.replace('-', "")[..8]);
    assert!(words.contains(&name), "names the other tablet ({name}): {words}");
    let entry = fresh.by_testid("previous-device-unsent-device").await.unwrap();
    assert_eq!(entry.attr("data-device").await.unwrap().as_deref(), Some(device.as_str()));
    // Shown on every screen until read.
    fresh.goto(&format!("{origin}/#/people")).await.unwrap();
    fresh.wait_for(&testid("previous-device-unsent"), SHORT).await.unwrap();
    fresh.refresh().await.unwrap();
    fresh.wait_for(&testid("previous-device-unsent"), SHORT).await.unwrap();
    fresh.click_testid("previous-device-unsent-dismiss").await.unwrap();
    fresh
        .wait_until(
            "the notice to go once read",
            "return !document.querySelector('[data-testid=\"previous-device-unsent\"]');",
            SHORT,
        )
        .await
        .unwrap();
    assert!(!keeps_the_notice(&fresh).await, "read: not kept");
    fresh.refresh().await.unwrap();
    fresh.wait_for(&testid("nav-people"), SHORT).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!fresh.exists(&testid("previous-device-unsent")).await.unwrap(), "read: gone");
    fresh.close().await.unwrap();
}
