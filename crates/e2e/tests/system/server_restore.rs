//! The office restores an older backup of its server's database after a tablet synced past
//! it. What the surveyor saved after the backup is gone from the server, and the server numbers
//! new changes again from where the backup stopped. The tablet's next sync is told: it sends
//! its changes again, pulls from the start (the office's change made after the restore
//! included) and says what happened, until the surveyor has read it.

use std::collections::BTreeMap;
use std::time::Duration;

use e2e::{Api, Browser, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::json;
use shared::record::EntityKind;
use uuid::Uuid;

const SHORT: Duration = Duration::from_secs(30);
const BRANCH: &str = "东沙村党支部";
const OFFICE: (&str, &str) = ("office", "office-pass-123");
const SURVEYOR: (&str, &str) = ("zhou", "field-pass-123");

/// Names on the tablet's people list, once it shows `n` rows.
async fn listed_names(browser: &Browser, origin: &str, n: usize) -> Vec<String> {
    const ROWS: &str = "[...document.querySelectorAll('[data-testid=\"people-row\"] a.row-link')]";
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser.wait_for(&testid("people-table"), FIRST_LOAD_TIMEOUT).await.unwrap();
    browser
        .wait_until(&format!("{n} rows"), &format!("return {ROWS}.length >= {n};"), SHORT)
        .await
        .unwrap();
    let names =
        browser.eval(&format!("return {ROWS}.map(a => a.textContent.trim());")).await.unwrap();
    let mut names: Vec<String> = serde_json::from_value(names).unwrap();
    shared::order::sort(&mut names);
    names
}

/// The names in the office's people export.
async fn names_at_the_office(origin: &str) -> Vec<String> {
    let office = Api::sign_in(origin, OFFICE.0, OFFICE.1).await;
    let mut names: Vec<String> = office
        .export_rows("people")
        .await
        .into_iter()
        .filter_map(|r| r.get("姓名").cloned())
        .collect();
    shared::order::sort(&mut names);
    names
}

#[tokio::test]
async fn a_restored_backup_gets_the_tablets_changes_again_and_the_surveyor_is_told() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", BRANCH, "周调查").unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.new_survey(&origin, "林海生", BRANCH).await.unwrap();
    browser.sync(&origin).await.unwrap();

    // The office backs its database up while the server runs (SQLite's online copy).
    let database = harness.data_dir().join("field.sqlite3");
    let backup = harness.data_dir().parent().unwrap().join("backup.sqlite3");
    rusqlite::Connection::open(&database)
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.to_str().unwrap()])
        .unwrap();

    // After the backup: the surveyor's next member reaches the office.
    browser.new_survey(&origin, "王秀英", BRANCH).await.unwrap();
    browser.sync(&origin).await.unwrap();
    assert_eq!(names_at_the_office(&origin).await, ["林海生", "王秀英"]);

    // The backup goes back in place; the office then records a member, who takes the
    // numbers the lost changes had.
    harness.stop_server();
    for side in ["field.sqlite3-wal", "field.sqlite3-shm"] {
        let _ = std::fs::remove_file(harness.data_dir().join(side));
    }
    std::fs::copy(&backup, &database).unwrap();
    harness.start_server().await.unwrap();
    assert_eq!(names_at_the_office(&origin).await, ["林海生"], "the backup predates 王秀英");
    let mut office = Api::sign_in(&origin, OFFICE.0, OFFICE.1).await;
    let fields = BTreeMap::from([
        ("name".to_owned(), json!("陈国强")),
        ("branch_id".to_owned(), json!(BRANCH)),
    ]);
    let op = office.upsert(EntityKind::Person, Uuid::now_v7(), BRANCH, fields);
    office.push(&[op]).await;

    // The tablet's next sync ends with nothing pending, and says what happened.
    browser.sync(&origin).await.unwrap();
    let notice = browser.wait_for(&testid("server-restored"), SHORT).await.unwrap();
    let resent: u32 = notice.attr("data-resent").await.unwrap().unwrap().parse().unwrap();
    assert!(resent >= 2, "both members' changes sent again: {resent}");
    assert_eq!(notice.attr("data-complete").await.unwrap().as_deref(), Some("true"));
    assert!(notice.text().await.unwrap().contains("备份"), "{}", notice.text().await.unwrap());
    assert_eq!(names_at_the_office(&origin).await, ["林海生", "王秀英", "陈国强"]);
    let listed = listed_names(&browser, &origin, 3).await;
    assert_eq!(
        listed,
        ["林海生", "王秀英", "陈国强"],
        "the office's member, pulled from the start"
    );

    // Read, it goes; a sync after it says nothing more.
    browser.click_testid("server-restored-dismiss").await.unwrap();
    browser
        .wait_until(
            "the notice to go",
            "return !document.querySelector('[data-testid=\"server-restored\"]');",
            SHORT,
        )
        .await
        .unwrap();
    browser.sync(&origin).await.unwrap();
    assert!(!browser.exists(&testid("server-restored")).await.unwrap());
}
