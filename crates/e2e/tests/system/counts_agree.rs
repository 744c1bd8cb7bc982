//! Counts agree everywhere (issue 11, point 5): after a roster import, a tablet's sync, an
//! export file imported at the office and an updated roster imported again, every place a
//! person reads a figure from gives the same numbers, and they are the numbers this test
//! expects from what it did:
//!
//! | where                                  | people | people of branch A | candidates | approved per category |
//! |----------------------------------------|:------:|:------------------:|:----------:|:---------------------:|
//! | the server's database (SQLite file)    | ✓      | ✓                  | ✓          | ✓                     |
//! | the office's exports, CSV and XLSX     | ✓      |                    | ✓          | ✓                     |
//! | the surveyor's exports, CSV and XLSX   |        | ✓                  |            |                       |
//! | the office's people list (共 N 人)      | ✓      |                    |            |                       |
//! | the surveyor's tablet people list      |        | ✓                  |            |                       |
//! | the office's dashboard and 通报         |        |                    |            | ✓                     |
//!
//! | after                                  | people | of A | candidates | approved (village leaders, business households) |
//! |----------------------------------------|:------:|:----:|:----------:|:----------:|
//! | roster import (5 in A, 3 in B)         | 8      | 5    | 0          | 0, 0       |
//! | the tablet's survey of a new member, synced; 3 applications, 2 approved | 9 | 6 | 3 | 1, 1 |
//! | a survey exported from the tablet unsynced, imported at the office | 10 | 7 | 3 | 1, 1 |
//! | the roster again: one phone changed, one member added, the rest the same | 11 | 8 | 3 | 1, 1 |

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime, Utc};
use e2e::{Api, Browser, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::Value;
use shared::branches::new_branch;
use shared::candidacy::CandidacyKey;
use shared::model::{ApplicationAction, Campaign, Candidate, Category};
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::workflow;
use uuid::Uuid;

const PASSWORD: &str = "field-pass-123";
const BRANCH_A: &str = "渔业村党支部";
const BRANCH_B: &str = "海港社区党支部";
const CATEGORIES: [Category; 2] = [Category::VillageLeader, Category::BusinessHousehold];

/// The figures one check expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expected {
    people: usize,
    people_a: usize,
    candidates: usize,
    /// Approved (镇党委已审定) village leaders and business households.
    approved: [usize; 2],
}

/// A valid ID number born on `birth` (YYYYMMDD) with sequence `seq`.
fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330902{birth}{seq:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A roster as Excel writes a CSV (UTF-8): (name, branch, phone) per member.
fn roster_csv(members: &[(&str, &str, &str)]) -> String {
    let mut csv = String::from("姓名,性别,出生年月,联系电话,身份证号,所在支部,村（社区）/单位\n");
    for (seq, (name, branch, phone)) in members.iter().enumerate() {
        let year = 1960 + seq as u32;
        let id = id_number(&format!("{year}0301"), seq as u32 * 2 + 1); // odd: male
        csv.push_str(&format!("{name},男,{year}-03,{phone},{id},{branch},东海村\n"));
    }
    csv
}

/// The server's figures, read from its SQLite file.
fn database(harness: &Harness, branch_a: &str) -> Expected {
    let conn = rusqlite::Connection::open_with_flags(
        harness.data_dir().join("field.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let count =
        |sql: &str, arg: &str| conn.query_row(sql, [arg], |r| r.get::<_, i64>(0)).unwrap() as usize;
    let live = "FROM records WHERE deleted = 0 AND entity = ?1";
    let approved = CATEGORIES.map(|c| {
        count(
            &format!(
                "SELECT count(*) {live} AND json_extract(record_json, '$.fields.state') = \
                 'town_approved' AND json_extract(record_json, '$.fields.category') = '{}'",
                c.as_str()
            ),
            "candidate",
        )
    });
    Expected {
        people: count(&format!("SELECT count(*) {live}"), "person"),
        people_a: conn
            .query_row(
                &format!("SELECT count(*) {live} AND branch_id = ?2"),
                ["person", branch_a],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as usize,
        candidates: count(&format!("SELECT count(*) {live}"), "candidate"),
        approved,
    }
}

/// Person ids by name, from the server's SQLite file.
fn person_ids(harness: &Harness) -> BTreeMap<String, Uuid> {
    let conn = rusqlite::Connection::open_with_flags(
        harness.data_dir().join("field.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT json_extract(record_json, '$.fields.name'), entity_id FROM records \
             WHERE entity = 'person' AND deleted = 0",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| {
            let (name, id) = r.unwrap();
            (name, id.parse().unwrap())
        })
        .collect()
}

/// 共 N 人 of the people list on `browser`, after it synced.
async fn people_total(browser: &Browser, origin: &str) -> usize {
    browser.sync(origin).await.unwrap();
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    let count = browser.wait_for(&testid("people-count"), FIRST_LOAD_TIMEOUT).await.unwrap();
    count.attr("data-total").await.unwrap().unwrap().parse().unwrap()
}

/// Every figure the office and the surveyor read, checked against `want` and the database.
#[allow(clippy::too_many_arguments)]
async fn check(
    when: &str,
    want: Expected,
    harness: &Harness,
    branch_a: &str,
    office: &Api,
    surveyor: &Api,
    office_app: &Browser,
    tablet: &Browser,
) {
    let origin = harness.base_url();
    assert_eq!(database(harness, branch_a), want, "{when}: the server's database");

    let people = office.export_rows("people").await;
    assert_eq!(people.len(), want.people, "{when}: the office's people export");
    let candidates = office.export_rows("candidates").await;
    assert_eq!(candidates.len(), want.candidates, "{when}: the office's candidates export");
    for (i, c) in CATEGORIES.iter().enumerate() {
        let approved = candidates
            .iter()
            .filter(|r| r["类别"] == c.label_zh() && r["状态"] == "镇党委已审定")
            .count();
        assert_eq!(approved, want.approved[i], "{when}: approved {} in the export", c.label_zh());
    }
    let theirs = surveyor.export_rows("people").await;
    assert_eq!(theirs.len(), want.people_a, "{when}: the surveyor's people export");
    assert!(theirs.iter().all(|r| r["所属支部"] == BRANCH_A), "{when}: branch-scoped export");

    assert_eq!(people_total(office_app, &origin).await, want.people, "{when}: office people list");
    assert_eq!(people_total(tablet, &origin).await, want.people_a, "{when}: tablet people list");
    // Both apps have synced again (the tablet resending what the office imported from its file):
    // the server still counts each once.
    assert_eq!(database(harness, branch_a), want, "{when}: the database after both synced");

    office_app.goto(&format!("{origin}/#/campaign")).await.unwrap();
    office_app.wait_for(&testid("dashboard"), FIRST_LOAD_TIMEOUT).await.unwrap();
    for (i, c) in CATEGORIES.iter().enumerate() {
        let shown = office_app.text_of(&format!("progress-approved-{}", c.as_str())).await;
        assert_eq!(shown.unwrap(), want.approved[i].to_string(), "{when}: dashboard {c:?}");
    }
    office_app.goto(&format!("{origin}/#/campaign/report")).await.unwrap();
    office_app.wait_for(&testid("report-paper"), FIRST_LOAD_TIMEOUT).await.unwrap();
    for (i, c) in CATEGORIES.iter().enumerate() {
        let shown = office_app.text_of(&format!("report-approved-{}", c.as_str())).await;
        assert_eq!(shown.unwrap(), want.approved[i].to_string(), "{when}: 通报 {c:?}");
    }
}

fn at() -> NaiveDateTime {
    Utc::now().naive_local() - chrono::Duration::minutes(5)
}

#[tokio::test]
async fn every_count_agrees_after_each_sync_import_and_roster_import() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    let mut office = Api::sign_in(&origin, "office", PASSWORD).await;
    let year = Utc::now().year();

    // The town: a campaign running this year, and two branches.
    let campaign =
        Campaign {
            town: "东海镇".into(), start_year: year, years: 3, ..Campaign::default_plan()
        };
    let branches = [BRANCH_A, BRANCH_B].map(|name| (Uuid::now_v7(), name));
    let mut setup = vec![office.upsert(
        EntityKind::Campaign,
        Campaign::RECORD_ID,
        "",
        to_fields(&campaign).unwrap(),
    )];
    for (id, name) in branches {
        let fields = to_fields(&new_branch(id, name)).unwrap();
        setup.push(office.upsert(EntityKind::Branch, id, "", fields));
    }
    office.push(&setup).await;
    let code_a = branches[0].0.to_string();
    for (user, role) in [("zhou", "surveyor"), ("li", "branch_secretary")] {
        harness.add_account(user, PASSWORD, role, &code_a, user).unwrap();
    }
    let mut surveyor = Api::sign_in(&origin, "zhou", PASSWORD).await;
    let mut secretary = Api::sign_in(&origin, "li", PASSWORD).await;

    let office_app = harness.open_browser_in("office").await.unwrap();
    office_app.sign_in(&origin, "office", PASSWORD).await.unwrap();
    let tablet = harness.open_browser_in("tablet").await.unwrap();
    tablet.sign_in(&origin, "zhou", PASSWORD).await.unwrap();

    // 1. The roster.
    let mut roster = vec![
        ("林海生", BRANCH_A, "13800000001"),
        ("陈大海", BRANCH_A, "13800000002"),
        ("王小红", BRANCH_A, "13800000003"),
        ("张正号", BRANCH_A, "13800000004"),
        ("吴海燕", BRANCH_A, "13800000005"),
        ("周海波", BRANCH_B, "13800000006"),
        ("郑海军", BRANCH_B, "13800000007"),
        ("孙海霞", BRANCH_B, "13800000008"),
    ];
    let report = office.roster(&roster_csv(&roster)).await;
    assert_eq!(report.created, 8);
    let mut want = Expected { people: 8, people_a: 5, candidates: 0, approved: [0, 0] };
    check("roster import", want, &harness, &code_a, &office, &surveyor, &office_app, &tablet).await;

    // 2. The tablet surveys a new member and syncs; three applications go through the
    // workflow, two are approved.
    tablet.new_survey(&origin, "新党员", &code_a).await.unwrap();
    tablet.sync(&origin).await.unwrap();
    let ids = person_ids(&harness);
    let mut applications = Vec::new();
    for (name, category) in [
        ("林海生", Category::VillageLeader),
        ("陈大海", Category::VillageLeader),
        ("王小红", Category::BusinessHousehold),
    ] {
        let mut c = Candidate {
            person_id: ids[name],
            branch_id: code_a.clone(),
            category: Some(category),
            year,
            ..Default::default()
        };
        workflow::start_candidate(&mut c, "zhou", Role::Surveyor, at()).unwrap();
        let id = CandidacyKey::of(&c).unwrap().record_id();
        let op = surveyor.upsert(EntityKind::Candidate, id, &code_a, to_fields(&c).unwrap());
        surveyor.push(&[op]).await;
        applications.push((id, c));
    }
    let step = |c: &Candidate| -> BTreeMap<String, Value> {
        to_fields(c)
            .unwrap()
            .into_iter()
            .filter(|(k, _)| ["state", "history", "reason"].contains(&k.as_str()))
            .collect()
    };
    for (id, c) in applications.iter_mut().filter(|(_, c)| c.person_id != ids["陈大海"]) {
        workflow::apply_transition(
            c,
            ApplicationAction::Aggregate,
            "li",
            Role::BranchSecretary,
            at(),
            None,
        )
        .unwrap();
        let op = secretary.upsert(EntityKind::Candidate, *id, &code_a, step(c));
        secretary.push(&[op]).await;
        workflow::apply_transition(
            c,
            ApplicationAction::Approve,
            "office",
            Role::TownOffice,
            at(),
            None,
        )
        .unwrap();
        let op = office.upsert(EntityKind::Candidate, *id, &code_a, step(c));
        office.push(&[op]).await;
    }
    want = Expected { people: 9, people_a: 6, candidates: 3, approved: [1, 1] };
    check("a tablet's sync", want, &harness, &code_a, &office, &surveyor, &office_app, &tablet)
        .await;

    // 3. A survey the tablet has not sent, carried to the office in an export file.
    tablet.new_survey(&origin, "带文件的党员", &code_a).await.unwrap();
    let (shown, text) = tablet.export_file(&origin, false).await.unwrap();
    assert!(!text.is_empty(), "{shown}");
    let res = office
        .request(reqwest::Method::POST, "/api/v1/import")
        .body(text.into_bytes())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "import: {}", res.status());
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["rejected"], 0, "{report}");
    want = Expected { people: 10, people_a: 7, ..want };
    // The tablet's own sync then sends the same changes again: counted once.
    check(
        "an export file imported",
        want,
        &harness,
        &code_a,
        &office,
        &surveyor,
        &office_app,
        &tablet,
    )
    .await;

    // 4. The roster again: one phone changed, one member added, the rest as they were.
    roster[1].2 = "13900000002";
    roster.push(("何新来", BRANCH_A, "13800000009"));
    let report = office.roster(&roster_csv(&roster)).await;
    assert_eq!((report.created, report.updated, report.unchanged), (1, 1, 7), "{report:?}");
    want = Expected { people: 11, people_a: 8, ..want };
    check("the roster again", want, &harness, &code_a, &office, &surveyor, &office_app, &tablet)
        .await;
    let people = surveyor.export_rows("people").await;
    let chen: Vec<_> = people.iter().filter(|r| r["姓名"] == "陈大海").collect();
    assert_eq!(chen.len(), 1, "never duplicated");
    assert_eq!(chen[0]["手机号"], "13900000002", "updated");
    // The updated member reached the tablet by sync.
    tablet.goto(&format!("{origin}/#/person/{}", ids["陈大海"])).await.unwrap();
    tablet.wait_for_text("person-phone", "13900000002").await.unwrap();
}
