//! Towns as tenants: two towns in one database. A town's accounts read, pull, export and change
//! their own town only, on every route; a county account reads every town, writes nothing but
//! its own step (县委组织部备案), and filters exports by town. Runs on both stores.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::model::{ApplicationAction, ApplicationState, Candidate, Category};
use shared::op::Operation;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{ConflictEntry, DeviceSummary, OpStatus, UserSummary};
use shared::workflow;
use uuid::Uuid;

use server::store::Scope;

use crate::common::{
    PASSWORD, TestServer, assert_error, at, campaign_op, candidate_op, service_post_application,
    upsert,
};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// A new member named `name` in branch `b1` (both towns use the same branch code).
fn person(author: &str, name: &str, millis: u64) -> Operation {
    upsert(
        author,
        &format!("{author}-dev"),
        millis,
        EntityKind::Person,
        Uuid::now_v7(),
        "b1",
        &[
            ("name", json!(name), None),
            ("phone", json!("13800000000"), None),
            ("id_number", json!("110101199001011237"), None),
        ],
    )
}

struct Two {
    s: TestServer,
    town_a: i64,
    town_b: i64,
    office_a: String,
    office_b: String,
    surveyor_a: String,
    county: String,
    /// Town A's member and town B's member.
    person_a: Operation,
    person_b: Operation,
}

/// Town A (东岙镇) and town B (象山镇), neither the default town, each with an office and a
/// member; town A with a surveyor; a county account.
async fn two_towns() -> Two {
    let s = TestServer::start().await;
    let (a, b) = (s.town("东岙镇").await, s.town("象山镇").await);
    assert!(a != server::store::DEFAULT_TOWN && b != server::store::DEFAULT_TOWN && a != b);
    let office_a = s.user_token_in(Some(a), "office_a", Role::TownOffice, &[]).await;
    let office_b = s.user_token_in(Some(b), "office_b", Role::TownOffice, &[]).await;
    let surveyor_a = s.user_token_in(Some(a), "zhang_a", Role::Surveyor, &["b1"]).await;
    let county = s.user_token_in(None, "county", Role::CountyViewer, &[]).await;
    let t = now_ms() - 60_000;
    let person_a = person("office_a", "甲镇党员", t);
    let person_b = person("office_b", "乙镇党员", t);
    for (token, op) in [(&office_a, &person_a), (&office_b, &person_b)] {
        let res = s.push(token, std::slice::from_ref(op)).await;
        assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    }
    Two { s, town_a: a, town_b: b, office_a, office_b, surveyor_a, county, person_a, person_b }
}

/// Town B's member applying for a service post (recorded by town B's office).
fn service_post_of_b(t: &Two) -> Candidate {
    let mut c = Candidate {
        person_id: t.person_b.entity_id,
        branch_id: "b1".into(),
        category: Some(Category::ServicePost),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "office_b", Role::TownOffice, at()).unwrap();
    c
}

fn ids(ops: &[Operation]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = ops.iter().map(|o| o.id).collect();
    ids.sort();
    ids
}

async fn export_text(s: &TestServer, token: &str, query: &str) -> (StatusCode, String) {
    let res = s
        .request(Method::GET, &format!("/api/v1/exports/people.csv{query}"), Some(token))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_town_pulls_and_exports_only_itself_and_the_county_reads_every_town() {
    let t = two_towns().await;
    let s = &t.s;

    let (a_ops, _) = s.pull_all(&t.office_a, 50).await;
    assert_eq!(ids(&a_ops), ids(std::slice::from_ref(&t.person_a)));
    let (b_ops, _) = s.pull_all(&t.office_b, 50).await;
    assert_eq!(ids(&b_ops), ids(std::slice::from_ref(&t.person_b)));
    let (surveyor_ops, _) = s.pull_all(&t.surveyor_a, 1).await;
    assert_eq!(ids(&surveyor_ops), ids(std::slice::from_ref(&t.person_a)), "same branch code");
    let (county_ops, _) = s.pull_all(&t.county, 1).await;
    assert_eq!(ids(&county_ops), ids(&[t.person_a.clone(), t.person_b.clone()]));
    assert!(
        county_ops.iter().all(|o| o.changes.iter().all(|c| c.field != "phone")),
        "the county never gets phone numbers"
    );

    let (status, a_csv) = export_text(s, &t.office_a, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(a_csv.contains("甲镇党员") && !a_csv.contains("乙镇党员"), "{a_csv}");
    let (_, own) = export_text(s, &t.office_a, "?town=东岙镇").await;
    assert!(own.contains("甲镇党员") && !own.contains("乙镇党员"));
    for other in ["?town=象山镇", "?town=没有这个镇"] {
        let res = s
            .request(Method::GET, &format!("/api/v1/exports/people.csv{other}"), Some(&t.office_a))
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "town_not_found").await;
    }

    let (_, all) = export_text(s, &t.county, "").await;
    assert!(all.contains("甲镇党员") && all.contains("乙镇党员"), "{all}");
    let (_, only_b) = export_text(s, &t.county, "?town=象山镇").await;
    assert!(!only_b.contains("甲镇党员") && only_b.contains("乙镇党员"), "{only_b}");
    assert!(!only_b.contains("13800000000"), "no phone numbers for the county");
}

#[tokio::test]
async fn a_town_cannot_change_another_towns_records() {
    let t = two_towns().await;
    let s = &t.s;
    // Town A writing town B's member's id writes a record of its own town, if anything: a record
    // is its town's, keyed by town and id (migration 6).
    let edit = upsert(
        "office_a",
        "office_a-dev",
        now_ms() - 30_000,
        EntityKind::Person,
        t.person_b.entity_id,
        "b1",
        &[("name", json!("改掉"), None)],
    );
    let res = s.push(&t.office_a, &[edit]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let b = s.state.store.record(Scope::Town(t.town_b), t.person_b.entity_id).await;
    assert_eq!(b.unwrap().unwrap().str_field("name"), "乙镇党员", "town B's member unchanged");
    let a = s.state.store.record(Scope::Town(t.town_a), t.person_b.entity_id).await;
    assert_eq!(a.unwrap().unwrap().str_field("name"), "改掉", "a record of town A");
    let (b_ops, _) = s.pull_all(&t.office_b, 50).await;
    assert_eq!(ids(&b_ops), ids(std::slice::from_ref(&t.person_b)), "nothing reached town B");
}

/// Town A's campaign (2016–2017) and rubric and town B's (2020–2021), all under the same fixed
/// ids (`Campaign::RECORD_ID`, each category's rubric id): each town's stored apart and in force
/// for its own candidacies only; a county account may write neither. Before migration 6 the
/// second town's settings were refused as another town's record.
#[tokio::test]
async fn every_town_keeps_its_own_campaign_settings_under_the_same_fixed_ids() {
    use shared::model::{Campaign, Criterion, Rubric};
    use shared::record::to_fields;

    let t = two_towns().await;
    let s = &t.s;
    let millis = now_ms() - 20_000;
    let settings = |author: &str, entity: EntityKind, id: Uuid, fields: Vec<(String, Value)>| {
        let changes: Vec<(&str, Value, _)> =
            fields.iter().map(|(k, v)| (k.as_str(), v.clone(), None)).collect();
        upsert(author, &format!("{author}-dev"), millis, entity, id, "", &changes)
    };
    let rubric_id = Uuid::from_u128(0x5a4e_7a31_0000_4000_8000_0000_0000_0100);
    let rubric = |name: &str| Rubric {
        category: Some(Category::ServicePost),
        version: 1,
        criteria: vec![Criterion {
            key: "k".into(),
            label: name.into(),
            weight: 1.0,
            max_score: 10.0,
        }],
    };
    let candidate = service_post_application;
    for (token, author, start, criterion) in
        [(&t.office_a, "office_a", 2016, "甲镇标准"), (&t.office_b, "office_b", 2020, "乙镇标准")]
    {
        let campaign = Campaign { start_year: start, years: 2, ..Campaign::default_plan() };
        let ops = [
            campaign_op(author, millis, &campaign),
            settings(
                author,
                EntityKind::Rubric,
                rubric_id,
                to_fields(&rubric(criterion)).unwrap().into_iter().collect(),
            ),
            candidate_op(author, millis + 1, Uuid::now_v7(), &candidate(start), None),
        ];
        let res = s.push(token, &ops).await;
        for r in &res.results {
            assert_eq!(r.status, OpStatus::Accepted, "{author}: {r:?}");
        }
    }
    // Each town's campaign decides its own candidacies: 2020 is outside town A's years.
    let late = candidate_op("office_a", millis + 2, Uuid::now_v7(), &candidate(2020), None);
    let res = s.push(&t.office_a, &[late]).await;
    assert_eq!(res.results[0].code.as_deref(), Some("outside_campaign"), "{:?}", res.results[0]);

    for (town, start, criterion) in [(t.town_a, 2016, "甲镇标准"), (t.town_b, 2020, "乙镇标准")]
    {
        let stored = s.state.store.record(Scope::Town(town), Campaign::RECORD_ID).await.unwrap();
        let campaign: Campaign = stored.unwrap().to_typed().unwrap();
        assert_eq!(campaign.start_year, start);
        let stored = s.state.store.record(Scope::Town(town), rubric_id).await.unwrap();
        let rubric: Rubric = stored.unwrap().to_typed().unwrap();
        assert_eq!(rubric.criteria[0].label, criterion);
    }
    for (token, other) in [(&t.office_a, "乙镇标准"), (&t.office_b, "甲镇标准")] {
        let (ops, _) = s.pull_all(token, 50).await;
        assert_eq!(ops.iter().filter(|o| o.entity == EntityKind::Campaign).count(), 1);
        let text = serde_json::to_string(&ops).unwrap();
        assert!(!text.contains(other), "another town's rubric pulled");
    }
    // The county reaches both, and may write neither (an id of several towns is no record of
    // its own, and it creates nothing).
    let county_edit = settings(
        "county",
        EntityKind::Campaign,
        Campaign::RECORD_ID,
        vec![("name".into(), json!("县里改的"))],
    );
    let res = s.push(&t.county, &[county_edit]).await;
    assert_eq!(res.results[0].status, OpStatus::Rejected, "{:?}", res.results[0]);
}

#[tokio::test]
async fn conflicts_are_seen_and_resolved_in_their_own_town_only() {
    let t = two_towns().await;
    let s = &t.s;
    let seen = Some(t.person_b.hlc.clone());
    let base = now_ms() - 20_000;
    for (i, phone) in ["13911111111", "13922222222"].into_iter().enumerate() {
        let edit = upsert(
            "office_b",
            &format!("tablet-{i}"),
            base + i as u64,
            EntityKind::Person,
            t.person_b.entity_id,
            "b1",
            &[("phone", json!(phone), seen.clone())],
        );
        s.push(&t.office_b, &[edit]).await;
    }
    let (status, body) = s.get_json("/api/v1/conflicts", Some(&t.office_b)).await;
    assert_eq!(status, StatusCode::OK);
    let b: Vec<ConflictEntry> = serde_json::from_value(body).unwrap();
    assert_eq!(b.len(), 1);
    let (_, body) = s.get_json("/api/v1/conflicts?status=all", Some(&t.office_a)).await;
    assert_eq!(body, json!([]), "town A sees no conflict of town B");
    let id = b[0].conflict.id;
    let res = s
        .request(Method::POST, &format!("/api/v1/conflicts/{id}/resolve"), Some(&t.office_a))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = s
        .request(Method::POST, &format!("/api/v1/conflicts/{id}/resolve"), Some(&t.county))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the county resolves nothing");
    let (_, body) = s.get_json("/api/v1/conflicts", Some(&t.office_b)).await;
    assert_eq!(body.as_array().unwrap().len(), 1, "still open");
}

#[tokio::test]
async fn accounts_devices_and_signin_codes_stay_in_their_town() {
    let t = two_towns().await;
    let s = &t.s;

    let (_, body) = s.get_json("/api/v1/admin/users", Some(&t.office_a)).await;
    let users: Vec<UserSummary> = serde_json::from_value(body).unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.account.username.as_str()).collect();
    assert_eq!(names, ["office_a", "zhang_a"]);

    // An account the office creates is of its town.
    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&t.office_b))
        .json(&json!({"username": "li_b", "password": PASSWORD, "display_name": "李",
                      "role": "surveyor", "branches": ["b1"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, body) = s.get_json("/api/v1/admin/users", Some(&t.office_a)).await;
    assert!(!body.to_string().contains("li_b"));
    let (_, body) = s.get_json("/api/v1/admin/users", Some(&t.office_b)).await;
    assert!(body.to_string().contains("li_b"));

    // Town B's accounts are "not found" for town A: disable, enable, password, codes.
    for path in [
        "/api/v1/admin/users/office_b/disable",
        "/api/v1/admin/users/office_b/enable",
        "/api/v1/admin/users/office_b/signin-code/revoke",
    ] {
        let res = s.request(Method::POST, path, Some(&t.office_a)).send().await.unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "user_not_found").await;
    }
    let res = s
        .request(Method::POST, "/api/v1/admin/users/office_b/password", Some(&t.office_a))
        .json(&json!({"password": "another-password-1"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "user_not_found").await;
    let res = s
        .request(Method::POST, "/api/v1/admin/users/li_b/signin-code", Some(&t.office_a))
        .json(&json!({"server": "https://192.168.1.10:8443"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "user_not_found").await;
    // … and town B's office still signs in with its password.
    assert_eq!(s.try_login("office_b", PASSWORD, Uuid::now_v7()).await.status(), StatusCode::OK);

    // Devices: each office lists its town's tablets only, and cannot revoke another town's.
    let (_, body) = s.get_json("/api/v1/admin/devices", Some(&t.office_a)).await;
    let a_devices: Vec<DeviceSummary> = serde_json::from_value(body).unwrap();
    assert!(a_devices.iter().all(|d| ["office_a", "zhang_a"].contains(&d.username.as_str())));
    assert_eq!(a_devices.len(), 2);
    let (_, body) = s.get_json("/api/v1/admin/devices", Some(&t.office_b)).await;
    let b_devices: Vec<DeviceSummary> = serde_json::from_value(body).unwrap();
    assert!(b_devices.iter().all(|d| d.username == "office_b"), "{b_devices:?}");
    let b_device = b_devices[0].id;
    for action in ["revoke", "restore"] {
        let res = s
            .request(
                Method::POST,
                &format!("/api/v1/admin/devices/{b_device}/{action}"),
                Some(&t.office_a),
            )
            .send()
            .await
            .unwrap();
        assert_error(res, StatusCode::NOT_FOUND, "device_not_found").await;
    }
    let (status, _) = s.get_json("/api/v1/admin/users", Some(&t.office_b)).await;
    assert_eq!(status, StatusCode::OK, "town B's office still signed in");

    // The county manages no accounts.
    let (status, _) = s.get_json("/api/v1/admin/users", Some(&t.county)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_county_writes_nothing_but_its_filing_step() {
    let t = two_towns().await;
    let s = &t.s;
    let base = now_ms() - 50_000;
    let step: &[&str] = &["state", "history", "reason"];

    // Town B's office records a service post and approves it (镇党委审定).
    let id = Uuid::now_v7();
    let c = service_post_of_b(&t);
    let res = s.push(&t.office_b, &[candidate_op("office_b", base, id, &c, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let mut approved = c.clone();
    workflow::apply_transition(
        &mut approved,
        ApplicationAction::Approve,
        "office_b",
        Role::TownOffice,
        at(),
        None,
    )
    .unwrap();
    let res =
        s.push(&t.office_b, &[candidate_op("office_b", base + 1, id, &approved, Some(step))]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);

    // The county creates nothing, edits nothing else, and takes no other step.
    let res = s.push(&t.county, &[person("county", "县里加的人", base + 2)]).await;
    assert_eq!(res.results[0].code.as_deref(), Some("forbidden_branch"));
    let mut noted = approved.clone();
    noted.notes = "县里改的".into();
    let res =
        s.push(&t.county, &[candidate_op("county", base + 3, id, &noted, Some(&["notes"]))]).await;
    assert_eq!(res.results[0].code.as_deref(), Some("forbidden_branch"));
    let mut named = approved.clone();
    named.state = ApplicationState::Named;
    let res = s.push(&t.county, &[candidate_op("county", base + 4, id, &named, Some(step))]).await;
    assert_eq!(res.results[0].status, OpStatus::Rejected, "{:?}", res.results[0]);

    // It files the approved candidate itself, in town B.
    let mut filed = approved.clone();
    workflow::apply_transition(
        &mut filed,
        ApplicationAction::File,
        "county",
        Role::CountyViewer,
        at(),
        None,
    )
    .unwrap();
    let res = s.push(&t.county, &[candidate_op("county", base + 5, id, &filed, Some(step))]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert_eq!(record.str_field("state"), "county_filed");
    // The step is town B's: its office pulls it, town A's does not.
    let (b_ops, _) = s.pull_all(&t.office_b, 50).await;
    assert!(b_ops.iter().any(|o| o.author == "county"));
    let (a_ops, _) = s.pull_all(&t.office_a, 50).await;
    assert!(a_ops.iter().all(|o| o.author != "county" && o.entity_id != id));
    // The county exports candidates of every town.
    let res = s
        .request(Method::GET, "/api/v1/exports/candidates.csv?town=象山镇", Some(&t.county))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Photos: the county uploads nothing.
    let sha = "0".repeat(64);
    let res = s
        .request(
            Method::PUT,
            &format!("/api/v1/attachments/{sha}?offset=0&total=1"),
            Some(&t.county),
        )
        .body(vec![0u8])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_install_with_no_town_configured_works_in_the_default_town() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let p = person("office", "本镇党员", now_ms() - 1_000);
    assert_eq!(
        s.push(&office, std::slice::from_ref(&p)).await.results[0].status,
        OpStatus::Accepted
    );
    let towns = s.state.store.towns().await.unwrap();
    assert_eq!(towns.len(), 1);
    assert_eq!(towns[0].id, server::store::DEFAULT_TOWN);
    assert_eq!(
        s.db().count("SELECT COUNT(*) FROM ops WHERE town_id = 1", &[]).await,
        1,
        "the operation is the default town's"
    );
    // The command line's add-user without --town: the default town; a county viewer: every town.
    let out = s
        .cli(&[
            "add-user",
            "--username",
            "li",
            "--password",
            PASSWORD,
            "--role",
            "surveyor",
            "--branches",
            "b1",
            "--display-name",
            "李",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        s.db().count("SELECT COUNT(*) FROM users WHERE username = 'li' AND town_id = 1", &[]).await,
        1
    );
    let out = s
        .cli(&[
            "add-user",
            "--username",
            "zhou",
            "--password",
            PASSWORD,
            "--role",
            "town_office",
            "--display-name",
            "周",
            "--town",
            "西周镇",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let zhou = s.login("zhou", Uuid::now_v7()).await;
    let (ops, _) = s.pull_all(&zhou, 10).await;
    assert!(ops.is_empty(), "a new town sees nothing of the default town");
}

/// The names in a `GET /api/v1/towns` answer.
async fn town_names(s: &TestServer, token: &str) -> (StatusCode, Vec<String>) {
    let (status, body) = s.get_json("/api/v1/towns", Some(token)).await;
    let names = body["towns"]
        .as_array()
        .map(|towns| towns.iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    (status, names)
}

/// `GET /api/v1/campaign/records` with `query` (already encoded): the status and the answer.
async fn campaign_records(s: &TestServer, token: &str, query: &str) -> reqwest::Response {
    s.request(Method::GET, &format!("/api/v1/campaign/records{query}"), Some(token))
        .send()
        .await
        .unwrap()
}

async fn town_records(s: &TestServer, token: &str, query: &str) -> shared::county::TownRecords {
    let res = campaign_records(s, token, query).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn record_ids(records: &[shared::record::Record]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_county_reads_each_towns_campaign_records_and_a_town_only_its_own() {
    let t = two_towns().await;
    let s = &t.s;
    let base = now_ms() - 40_000;
    // Town A: two candidates of its member; town B: one.
    let mut a_ids = vec![t.person_a.entity_id];
    for (i, category) in [Category::ServicePost, Category::EnterprisePost].into_iter().enumerate() {
        let id = Uuid::now_v7();
        let mut c = Candidate {
            person_id: t.person_a.entity_id,
            branch_id: "b1".into(),
            category: Some(category),
            year: 2013,
            ..Default::default()
        };
        workflow::start_candidate(&mut c, "office_a", Role::TownOffice, at()).unwrap();
        let op = candidate_op("office_a", base + i as u64, id, &c, None);
        let res = s.push(&t.office_a, &[op]).await;
        assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
        a_ids.push(id);
    }
    let b_candidate = Uuid::now_v7();
    let c = service_post_of_b(&t);
    let res =
        s.push(&t.office_b, &[candidate_op("office_b", base + 5, b_candidate, &c, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    a_ids.sort();
    let mut b_ids = vec![t.person_b.entity_id, b_candidate];
    b_ids.sort();

    // The towns: the county sees every town, a town office its own.
    let (status, county_towns) = town_names(s, &t.county).await;
    assert_eq!(status, StatusCode::OK);
    assert!(county_towns.contains(&"东岙镇".to_owned()), "{county_towns:?}");
    assert!(county_towns.contains(&"象山镇".to_owned()), "{county_towns:?}");
    assert_eq!(town_names(s, &t.office_a).await, (StatusCode::OK, vec!["东岙镇".to_owned()]));
    assert_eq!(town_names(s, &t.office_b).await, (StatusCode::OK, vec!["象山镇".to_owned()]));

    // The county reads each town's records by name, that town's only, without phone or ID.
    let a = town_records(s, &t.county, "?town=东岙镇").await;
    assert_eq!(a.town, "东岙镇");
    assert_eq!(record_ids(&a.records), a_ids);
    let b = town_records(s, &t.county, "?town=%E8%B1%A1%E5%B1%B1%E9%95%87").await;
    assert_eq!(b.town, "象山镇");
    assert_eq!(record_ids(&b.records), b_ids);
    for record in a.records.iter().chain(&b.records) {
        for hidden in ["phone", "id_number"] {
            assert!(!record.fields.contains_key(hidden), "{hidden} reached the county: {record:?}");
            assert!(!record.meta.contains_key(hidden) && !record.earlier.contains_key(hidden));
        }
    }
    let member = a.records.iter().find(|r| r.id == t.person_a.entity_id).unwrap();
    assert_eq!(member.str_field("name"), "甲镇党员");
    // The county must name a town; an unknown one is not found; a name is bounded.
    assert_error(
        campaign_records(s, &t.county, "").await,
        StatusCode::BAD_REQUEST,
        "town_required",
    )
    .await;
    let res = campaign_records(s, &t.county, "?town=没有这个镇").await;
    assert_error(res, StatusCode::NOT_FOUND, "town_not_found").await;
    let long = format!("?town={}", "镇".repeat(shared::county::MAX_TOWN_NAME_CHARS + 1));
    let res = campaign_records(s, &t.county, &long).await;
    assert_error(res, StatusCode::BAD_REQUEST, "town_name_too_long").await;

    // A town office reads its own town (named or not), with its members' personal data; naming
    // another town is answered as an unknown one.
    for query in ["", "?town=东岙镇"] {
        let own = town_records(s, &t.office_a, query).await;
        assert_eq!((own.town.as_str(), record_ids(&own.records)), ("东岙镇", a_ids.clone()));
        let member = own.records.iter().find(|r| r.id == t.person_a.entity_id).unwrap();
        assert_eq!(member.str_field("phone"), "13800000000");
    }
    for other in ["?town=象山镇", "?town=没有这个镇"] {
        let res = campaign_records(s, &t.office_a, other).await;
        assert_error(res, StatusCode::NOT_FOUND, "town_not_found").await;
    }

    // A surveyor sees part of a town only: refused both routes.
    let (status, _) = s.get_json("/api/v1/towns", Some(&t.surveyor_a)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = campaign_records(s, &t.surveyor_a, "").await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = campaign_records(s, &t.surveyor_a, &format!("?candidate={}", a_ids[0])).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
}

/// A county account reading one candidate's contacts or printing their display card knows the
/// candidate, not the town: its own store mixes every town's settings under one id, so it
/// printed another town's committee. The town's records are now found by the candidate.
#[tokio::test]
async fn the_county_reads_a_candidates_town_by_the_candidate() {
    let t = two_towns().await;
    let s = &t.s;
    let c = service_post_of_b(&t);
    let b_candidate = Uuid::now_v7();
    let op = candidate_op("office_b", now_ms() - 30_000, b_candidate, &c, None);
    let res = s.push(&t.office_b, &[op]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let mut b_ids = vec![t.person_b.entity_id, b_candidate];
    b_ids.sort();

    let query = format!("?candidate={b_candidate}");
    let b = town_records(s, &t.county, &query).await;
    assert_eq!((b.town.as_str(), record_ids(&b.records)), ("象山镇", b_ids.clone()));
    // Its own town's office reads it the same way; another town's office is not told it exists.
    let own = town_records(s, &t.office_b, &query).await;
    assert_eq!((own.town.as_str(), record_ids(&own.records)), ("象山镇", b_ids));
    let res = campaign_records(s, &t.office_a, &query).await;
    assert_error(res, StatusCode::NOT_FOUND, "candidate_not_found").await;
    // A member is not a candidate; an unknown id is not found; a malformed one is refused.
    let res = campaign_records(s, &t.county, &format!("?candidate={}", t.person_b.entity_id)).await;
    assert_error(res, StatusCode::NOT_FOUND, "candidate_not_found").await;
    let res = campaign_records(s, &t.county, &format!("?candidate={}", Uuid::now_v7())).await;
    assert_error(res, StatusCode::NOT_FOUND, "candidate_not_found").await;
    let res = campaign_records(s, &t.county, "?candidate=not-an-id").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A town named as well is the town read.
    let a = town_records(s, &t.county, &format!("?town=东岙镇&candidate={b_candidate}")).await;
    assert_eq!(a.town, "东岙镇");
}
