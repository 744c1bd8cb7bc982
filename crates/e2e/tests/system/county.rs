//! A county deployment: two towns on one server, each with its own office and candidates, and
//! a county account (`county_viewer` with no town). In the county's app the dashboard shows one
//! town's figures at a time, read from the server (`dashboard-town` switches), and on a
//! candidate its town approved (镇党委审定) the county sees exactly one step, 县委组织部备案,
//! whose record reaches the server and its town. With the server gone, the county's dashboard
//! says it needs the server and offers 重试.
//!
//! | town   | candidates (service posts)      | dashboard: waiting for 镇组织办 | service-post target |
//! |--------|----------------------------------|----------------------------------|---------------------|
//! | 东岙镇 | 3 applied                        | 3                                | 5                   |
//! | 象山镇 | 1 applied, 1 approved (镇党委审定) | 2                                | 7                   |
//!
//! Each town's target comes from its own campaign settings, stored under the one fixed id every
//! town uses (`Campaign::RECORD_ID`; a record is its town's, migration 6).

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Utc};
use e2e::{Api, Browser, FIRST_LOAD_TIMEOUT, Harness, STEP_TIMEOUT, testid};
use serde_json::{Value, json};
use shared::county::TownRecords;
use shared::model::{ApplicationAction, Campaign, Candidate, Category};
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::workflow;
use uuid::Uuid;

const PASSWORD: &str = "field-pass-123";
const TOWN_A: &str = "东岙镇";
const TOWN_B: &str = "象山镇";

fn at() -> NaiveDateTime {
    Utc::now().naive_local() - chrono::Duration::minutes(5)
}

/// `count` members of `office`'s town, each applying for a service post in 2013 (a year of the
/// default campaign plan, so no campaign record is needed); returns the candidates.
async fn applications(office: &mut Api, author: &str, names: &[&str]) -> Vec<(Uuid, Candidate)> {
    let mut ops = Vec::new();
    let mut out = Vec::new();
    for name in names {
        let person = Uuid::now_v7();
        let fields = BTreeMap::from([("name".to_owned(), json!(name))]);
        ops.push(office.upsert(EntityKind::Person, person, "b1", fields));
        let mut c = Candidate {
            person_id: person,
            branch_id: "b1".into(),
            category: Some(Category::ServicePost),
            year: 2013,
            ..Default::default()
        };
        workflow::start_candidate(&mut c, author, Role::TownOffice, at()).unwrap();
        let id = Uuid::now_v7();
        ops.push(office.upsert(EntityKind::Candidate, id, "b1", to_fields(&c).unwrap()));
        out.push((id, c));
    }
    office.push(&ops).await;
    out
}

/// The fields of a workflow step: state, history, reason.
fn step(c: &Candidate) -> BTreeMap<String, Value> {
    to_fields(c)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| ["state", "history", "reason"].contains(&k.as_str()))
        .collect()
}

/// Waits until `data-testid="<id>"` reads `want` (fails with the last text seen).
async fn expect_text(browser: &Browser, id: &str, want: &str) {
    if browser.wait_for_text(id, want).await.is_err() {
        let seen = browser.text_of(id).await.unwrap_or_default();
        panic!("{id}: expected {want}, found {seen:?}");
    }
}

/// The state of candidate `id` as the server holds it, read by `office` (its own town).
async fn server_state(office: &Api, id: Uuid) -> String {
    let res =
        office.request(reqwest::Method::GET, "/api/v1/campaign/records").send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let town: TownRecords = res.json().await.unwrap();
    let record = town.records.iter().find(|r| r.id == id).expect("the candidate");
    record.str_field("state").to_owned()
}

#[tokio::test]
async fn the_county_sees_each_towns_dashboard_and_files_an_approved_candidate() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    for (user, town) in [("office_a", TOWN_A), ("office_b", TOWN_B)] {
        harness
            .server_command(&[
                "create-admin",
                "--username",
                user,
                "--password",
                PASSWORD,
                "--town",
                town,
            ])
            .unwrap();
    }
    harness.add_account("county", PASSWORD, "county_viewer", "", "县委组织部").unwrap();
    let mut office_a = Api::sign_in(&origin, "office_a", PASSWORD).await;
    let mut office_b = Api::sign_in(&origin, "office_b", PASSWORD).await;

    // Each town's campaign settings (the 2012 plan, its own service-post target).
    for (office, target) in [(&mut office_a, 5), (&mut office_b, 7)] {
        let mut campaign = Campaign::default_plan();
        campaign.targets.entry(Category::ServicePost).or_default().total = target;
        let fields = to_fields(&campaign).unwrap();
        let op = office.upsert(EntityKind::Campaign, Campaign::RECORD_ID, "", fields);
        office.push(&[op]).await;
    }

    // Town A: three applications; town B: two, one of them approved by its town.
    applications(&mut office_a, "office_a", &["甲一", "甲二", "甲三"]).await;
    let mut b = applications(&mut office_b, "office_b", &["乙一", "乙二"]).await;
    let (approved_id, approved) = &mut b[1];
    workflow::apply_transition(
        approved,
        ApplicationAction::Approve,
        "office_b",
        Role::TownOffice,
        at(),
        None,
    )
    .unwrap();
    let op = office_b.upsert(EntityKind::Candidate, *approved_id, "b1", step(approved));
    office_b.push(&[op]).await;
    let approved_id = *approved_id;

    // The county's app: town A's dashboard first (towns by name: 东岙镇 before 本镇, 象山镇).
    let county = harness.open_browser_in("county").await.unwrap();
    county.sign_in(&origin, "county", PASSWORD).await.unwrap();
    county.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    county.wait_for(&testid("dashboard-town"), FIRST_LOAD_TIMEOUT).await.unwrap();
    assert_eq!(county.field_value("dashboard-town").await.unwrap(), TOWN_A);
    expect_text(&county, "waiting-town_office", "3").await;
    expect_text(&county, "progress-target-service_post", "5").await;
    county.select_value("dashboard-town", TOWN_B).await.unwrap();
    expect_text(&county, "waiting-town_office", "2").await;
    expect_text(&county, "progress-target-service_post", "7").await;
    county.select_value("dashboard-town", TOWN_A).await.unwrap();
    expect_text(&county, "waiting-town_office", "3").await;
    expect_text(&county, "progress-target-service_post", "5").await;

    // The county files town B's approved candidate: one step shown, nothing else editable.
    county.sync(&origin).await.unwrap();
    county.goto(&format!("{origin}/#/campaign/candidates")).await.unwrap();
    county.goto(&format!("{origin}/#/campaign/candidate/{approved_id}")).await.unwrap();
    county.wait_for(&testid("candidate-profile"), FIRST_LOAD_TIMEOUT).await.unwrap();
    let shown = county
        .eval(
            "return [...document.querySelectorAll('[data-testid^=\"action-\"]')]
               .map(b => b.dataset.testid + (b.disabled ? ':disabled' : ''));",
        )
        .await
        .unwrap();
    assert_eq!(shown, json!(["action-file"]), "the county's only step");
    for editable in ["candidate-save", "candidate-log-contact", "candidate-next-year"] {
        assert!(!county.exists(&testid(editable)).await.unwrap(), "{editable} shown to the county");
    }
    county.click_testid("action-file").await.unwrap();
    expect_text(&county, "candidate-state", "已报县委组织部备案").await;
    county.sync(&origin).await.unwrap();
    assert_eq!(server_state(&office_b, approved_id).await, "county_filed");
    // Town B's dashboard still counts it as waiting for its office (to name it).
    county.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    county.select_value("dashboard-town", TOWN_B).await.unwrap();
    expect_text(&county, "waiting-town_office", "2").await;

    // With the server gone the county's dashboard says it needs the server, and offers 重试.
    let mut harness = harness;
    harness.stop_server();
    county.goto(&format!("{origin}/#/campaign/candidates")).await.unwrap();
    county.goto(&format!("{origin}/#/campaign/dashboard")).await.unwrap();
    county.wait_for(&testid("county-error"), STEP_TIMEOUT).await.unwrap();
    let error = county.text_of("county-error").await.unwrap();
    assert_eq!(error, "县级看板需要连接服务器：连不上服务器，请联网后重试");
    assert!(county.exists(&testid("county-retry")).await.unwrap());
}
