//! Server-side rules on push: workflow steps per role, record validation, clocks from the
//! future. Each refusal is a `rejected` result with the code and the tablet's Chinese message.

use crate::common::{
    TestServer, at, blind_note_writes, campaign_op, candidate_op, service_post_application, upsert,
};
use serde_json::{Value, json};
use shared::model::{ApplicationAction, Assessment, Candidate, Category};
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::sync::{OpResult, OpStatus};
use shared::workflow;
use uuid::Uuid;

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// A new score sheet `id` of `candidate` and `year` (a village leader's, nothing scored), written
/// by `author` on `device` at `millis`.
fn sheet_op(
    (author, device, millis): (&str, &str, u64),
    id: Uuid,
    candidate: Uuid,
    year: i32,
) -> shared::op::Operation {
    let a = Assessment {
        candidate_id: candidate,
        year,
        category: Some(Category::VillageLeader),
        ..Default::default()
    };
    let fields = to_fields(&a).unwrap();
    let changes: Vec<(&str, Value, _)> =
        fields.iter().map(|(k, v)| (k.as_str(), v.clone(), None)).collect();
    upsert(author, device, millis, EntityKind::Assessment, id, "b1", &changes)
}

fn rejected(r: &OpResult, code: &str) -> String {
    assert_eq!(r.status, OpStatus::Rejected, "{r:?}");
    assert_eq!(r.code.as_deref(), Some(code), "{r:?}");
    r.message.clone().unwrap()
}

#[tokio::test]
async fn candidate_steps_are_checked_against_role_and_server_state() {
    let s = TestServer::start().await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let secretary = s.user_token("li", Role::BranchSecretary, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let id = Uuid::now_v7();
    let t = now_ms() - 60_000;

    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "zhang", Role::Surveyor, at()).unwrap();
    let res = s.push(&surveyor, &[candidate_op("zhang", t, id, &c, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);

    // A surveyor may not approve: the tablet's own check would refuse it; a tampered or outdated
    // tablet is refused again by the server with the same words.
    let mut approved = c.clone();
    approved.state = shared::model::ApplicationState::TownApproved;
    let only: &[&str] = &["state"];
    let res = s.push(&surveyor, &[candidate_op("zhang", t + 1, id, &approved, Some(only))]).await;
    let message = rejected(&res.results[0], "workflow_refused");
    assert!(message.starts_with("当前状态为「已申报」，不能进行「镇党委审定」"), "{message}");

    // The secretary aggregates (allowed), then tries to approve (only the office may).
    let mut aggregated = c.clone();
    workflow::apply_transition(
        &mut aggregated,
        ApplicationAction::Aggregate,
        "li",
        Role::BranchSecretary,
        at(),
        None,
    )
    .unwrap();
    let step: &[&str] = &["state", "history", "reason"];
    let res = s.push(&secretary, &[candidate_op("li", t + 2, id, &aggregated, Some(step))]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);

    let mut approved = aggregated.clone();
    workflow::apply_transition(
        &mut approved,
        ApplicationAction::Approve,
        "office",
        Role::TownOffice,
        at(),
        None,
    )
    .unwrap();
    let res = s.push(&secretary, &[candidate_op("li", t + 3, id, &approved, Some(step))]).await;
    assert_eq!(rejected(&res.results[0], "workflow_refused"), "只有镇组织办可以审定申报");
    let res = s.push(&office, &[candidate_op("office", t + 4, id, &approved, Some(step))]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);

    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert_eq!(record.str_field("state"), "town_approved");
    assert_eq!(record.to_typed::<Candidate>().unwrap().history.len(), 3);

    // Editing other fields needs no workflow right.
    let mut noted = approved.clone();
    noted.notes = "带动10户".into();
    let res =
        s.push(&surveyor, &[candidate_op("zhang", t + 5, id, &noted, Some(&["notes"]))]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);
}

#[tokio::test]
async fn the_pipeline_mark_of_a_town_approved_candidate_is_the_offices_alone() {
    let s = TestServer::start().await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let secretary = s.user_token("li", Role::BranchSecretary, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let id = Uuid::now_v7();
    let t = now_ms() - 60_000;
    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "zhang", Role::Surveyor, at()).unwrap();
    s.push_accepted(&surveyor, &[candidate_op("zhang", t, id, &c, None)]).await;
    // Before the town's approval a branch may still move an application to the pipeline.
    let mut pipeline = c.clone();
    pipeline.pipeline = true;
    let only: &[&str] = &["pipeline"];
    s.push_accepted(&surveyor, &[candidate_op("zhang", t + 1, id, &pipeline, Some(only))]).await;
    let mut back = c.clone();
    back.pipeline = false;
    s.push_accepted(&secretary, &[candidate_op("li", t + 2, id, &back, Some(only))]).await;
    // Aggregated by the branch, approved by the town.
    let mut approved = c.clone();
    workflow::apply_transition(
        &mut approved,
        ApplicationAction::Aggregate,
        "li",
        Role::BranchSecretary,
        at(),
        None,
    )
    .unwrap();
    let step: &[&str] = &["state", "history", "reason"];
    s.push_accepted(&secretary, &[candidate_op("li", t + 3, id, &approved, Some(step))]).await;
    workflow::apply_transition(
        &mut approved,
        ApplicationAction::Approve,
        "office",
        Role::TownOffice,
        at(),
        None,
    )
    .unwrap();
    s.push_accepted(&office, &[candidate_op("office", t + 3, id, &approved, Some(step))]).await;
    // Now neither the surveyor nor the secretary may tick 梯队: it would take an approved
    // candidacy out of the ranking and the report while the progress still counted it.
    let mut ticked = approved.clone();
    ticked.pipeline = true;
    for (token, who, at_ms) in [(&surveyor, "zhang", t + 4), (&secretary, "li", t + 5)] {
        let res = s.push(token, &[candidate_op(who, at_ms, id, &ticked, Some(only))]).await;
        let message = rejected(&res.results[0], "workflow_refused");
        assert_eq!(message, "镇党委审定后，只有镇组织办可以更改梯队（下一年度）标记");
    }
    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert!(!record.to_typed::<Candidate>().unwrap().pipeline, "the refused mark was not kept");
    // Other fields of the approved candidate stay theirs to edit; the office may move it.
    let mut noted = approved.clone();
    noted.notes = "带动10户".into();
    s.push_accepted(&surveyor, &[candidate_op("zhang", t + 6, id, &noted, Some(&["notes"]))]).await;
    s.push_accepted(&office, &[candidate_op("office", t + 7, id, &ticked, Some(only))]).await;
    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert!(record.to_typed::<Candidate>().unwrap().pipeline);
}

#[tokio::test]
async fn invalid_records_are_refused_with_the_form_messages() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let t = now_ms() - 60_000;
    let person = Uuid::now_v7();
    let ok = upsert(
        "zhang",
        "d",
        t,
        EntityKind::Person,
        person,
        "b1",
        &[("name", json!("王海"), None), ("branch_id", json!("b1"), None)],
    );
    let bad_phone = upsert(
        "zhang",
        "d",
        t + 1,
        EntityKind::Person,
        person,
        "b1",
        &[("phone", json!("1380000"), None)],
    );
    let bad_id = upsert(
        "zhang",
        "d",
        t + 2,
        EntityKind::Person,
        person,
        "b1",
        &[("id_number", json!("110101199001011234"), None)],
    );
    let survey = Uuid::now_v7();
    let finalise_empty = upsert(
        "zhang",
        "d",
        t + 3,
        EntityKind::Survey,
        survey,
        "b1",
        &[
            ("person_id", json!(person), None),
            ("surveyor", json!("zhang"), None),
            ("surveyed_at", json!("2013-05-01T09:00:00"), None),
            ("status", json!("final"), None),
        ],
    );
    let res = s.push(&token, &[ok, bad_phone, bad_id.clone(), finalise_empty]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);
    assert!(rejected(&res.results[1], "invalid_record").contains("11位"));
    // A later change of the same record in the same push is held back with it (no half
    // record); pushed on its own it is judged on its own.
    rejected(&res.results[2], "preceded_by_refusal");
    let alone = s.push(&token, &[bad_id]).await;
    assert!(rejected(&alone.results[0], "invalid_record").contains("校验位"));
    let message = rejected(&res.results[3], "invalid_record");
    assert!(message.contains("请填写联系电话") && message.contains("请选择从业情况"), "{message}");
    // Nothing of the refused operations was stored.
    let record = s.state.store.record(server::store::Scope::County, person).await.unwrap().unwrap();
    assert!(record.get("phone").is_none() && record.get("id_number").is_none());
    assert!(s.state.store.record(server::store::Scope::County, survey).await.unwrap().is_none());
}

#[tokio::test]
async fn clocks_more_than_a_day_ahead_are_refused() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let day = 24 * 60 * 60 * 1000;
    let person = Uuid::now_v7();
    let fields = [("name", json!("王海"), None), ("branch_id", json!("b1"), None)];
    let future =
        upsert("zhang", "d", now_ms() + 2 * day, EntityKind::Person, person, "b1", &fields);
    let soon =
        upsert("zhang", "d", now_ms() + day / 2, EntityKind::Person, Uuid::now_v7(), "b1", &fields);
    let res = s.push(&token, &[future, soon]).await;
    let message = rejected(&res.results[0], "clock_ahead");
    assert!(message.contains("日期"), "{message}");
    assert_eq!(res.results[1].status, OpStatus::Accepted, "half a day ahead is tolerated");
    assert!(s.state.store.record(server::store::Scope::County, person).await.unwrap().is_none());
    // The server's clock was not dragged two days ahead by the refused operation.
    assert!(res.server_hlc.millis < now_ms() + day, "{}", res.server_hlc);
}

/// One candidacy per member, category and year: a second record of the same candidacy (another
/// id) is refused naming the first, in the same push or a later one, even once the first was
/// removed; the same record (the key-derived id) from two tablets merges into one.
#[tokio::test]
async fn a_candidacy_is_recorded_once_per_member_category_and_year() {
    use shared::candidacy::CandidacyKey;
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let li = s.user_token("li", Role::BranchSecretary, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "zhang", Role::Surveyor, at()).unwrap();
    let key = CandidacyKey::of(&c).unwrap();

    // Two tablets offline, each with the key's id: both accepted, one record.
    let res = s.push(&zhang, &[candidate_op("zhang", t, key.record_id(), &c, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let mut from_li = c.clone();
    from_li.history[0].by = "li".into();
    let res = s.push(&li, &[candidate_op("li", t + 5, key.record_id(), &from_li, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let (ops, _) = s.pull_all(&office, 100).await;
    let ids: std::collections::HashSet<Uuid> =
        ops.iter().filter(|o| o.entity == EntityKind::Candidate).map(|o| o.entity_id).collect();
    assert_eq!(ids.len(), 1, "one candidacy on the server");

    // Another id for the same candidacy (an older tablet's random id): refused, naming it.
    let res = s.push(&zhang, &[candidate_op("zhang", t + 10, Uuid::now_v7(), &c, None)]).await;
    let message = rejected(&res.results[0], "duplicate_candidacy");
    assert_eq!(
        message,
        "该党员已有2013年度「渔农村党员创业创新带头人」争创记录（已申报），同一党员同一类别每年只登记一次"
    );
    // Two new ids for one candidacy in one push: the first is stored, the second refused.
    let mut other = c.clone();
    other.category = Some(Category::BusinessHousehold);
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let res = s
        .push(
            &zhang,
            &[
                candidate_op("zhang", t + 20, a, &other, None),
                candidate_op("zhang", t + 21, b, &other, None),
            ],
        )
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);
    rejected(&res.results[1], "duplicate_candidacy");
    // Another year of the same member and category is another candidacy.
    let mut next = c.clone();
    next.year = 2014;
    let next_id = Uuid::now_v7();
    let res = s.push(&zhang, &[candidate_op("zhang", t + 30, next_id, &next, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    // Moving a record onto an existing candidacy (its year edited back) is refused too.
    let only: &[&str] = &["year"];
    let res = s.push(&zhang, &[candidate_op("zhang", t + 40, next_id, &c, Some(only))]).await;
    rejected(&res.results[0], "duplicate_candidacy");
}

/// A new candidacy's year must be one of the campaign in force: the 2012-2015 plan until the
/// office saves its own campaign (also within the same push).
#[tokio::test]
async fn a_candidacy_outside_the_campaigns_years_is_refused() {
    use shared::model::Campaign;
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let candidate = service_post_application;
    let res =
        s.push(&office, &[candidate_op("office", t, Uuid::now_v7(), &candidate(2016), None)]).await;
    let message = rejected(&res.results[0], "outside_campaign");
    assert_eq!(
        message,
        "2016年度不在争创年度（2012至2015年）之内，请镇组织办在「争创设置」中设定争创年度"
    );
    let res = s
        .push(&office, &[candidate_op("office", t + 1, Uuid::now_v7(), &candidate(2015), None)])
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);

    // The office's campaign (2016-2017), pushed with a 2016 candidacy after it.
    let campaign = Campaign { start_year: 2016, years: 2, ..Campaign::default_plan() };
    let settings = campaign_op("office", t + 2, &campaign);
    let ops = [
        settings,
        candidate_op("office", t + 3, Uuid::now_v7(), &candidate(2016), None),
        candidate_op("office", t + 4, Uuid::now_v7(), &candidate(2015), None),
    ];
    let res = s.push(&office, &ops).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    assert_eq!(res.results[1].status, OpStatus::Accepted, "{:?}", res.results[1]);
    rejected(&res.results[2], "outside_campaign");
}

/// A new score sheet only for a candidacy that may be scored that year: approved by the town,
/// not removed; a sheet begun before a removal stays stored.
#[tokio::test]
async fn score_sheets_only_for_candidacies_that_may_be_scored() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let id = Uuid::now_v7();
    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "office", Role::TownOffice, at()).unwrap();
    let res = s.push(&office, &[candidate_op("office", t, id, &c, None)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);
    let sheet = |millis: u64, year: i32| {
        sheet_op(("office", "office-dev", millis), Uuid::now_v7(), id, year)
    };
    let res = s.push(&office, &[sheet(t + 1, 2013)]).await;
    let message = rejected(&res.results[0], "not_scorable");
    assert!(message.contains("当前为「已申报」"), "{message}");

    let only: &[&str] = &["state", "history", "reason"];
    let mut steps = vec![];
    for (i, action) in
        [ApplicationAction::Aggregate, ApplicationAction::Approve].into_iter().enumerate()
    {
        workflow::apply_transition(&mut c, action, "office", Role::TownOffice, at(), None).unwrap();
        steps.push(candidate_op("office", t + 2 + i as u64, id, &c, Some(only)));
    }
    // Approved and begun in one push: the sheet sees the approval.
    steps.push(sheet(t + 5, 2013));
    steps.push(sheet(t + 6, 2014)); // not the candidacy's year
    let res = s.push(&office, &steps).await;
    for r in &res.results[..3] {
        assert_eq!(r.status, OpStatus::Accepted, "{r:?}");
    }
    rejected(&res.results[3], "not_scorable");

    workflow::apply_transition(
        &mut c,
        ApplicationAction::Remove,
        "office",
        Role::TownOffice,
        at(),
        Some("迁出"),
    )
    .unwrap();
    let res = s
        .push(&office, &[candidate_op("office", t + 7, id, &c, Some(only)), sheet(t + 8, 2013)])
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);
    let message = rejected(&res.results[1], "not_scorable");
    assert!(message.contains("当前为「已移除」"), "{message}");
}

/// Trial 9 over HTTP: a survey holding a choice code this server's form does not know (a code of
/// another form version) and the answer to a question the form no longer asks are stored and
/// kept as sent, not refused (before, the survey did not decode and was refused as
/// `invalid_record`); a value of the wrong kind is still refused.
#[tokio::test]
async fn a_survey_with_a_code_of_another_form_version_is_stored_as_sent() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let survey_id = Uuid::now_v7();
    let millis = now_ms();
    let fields = [
        ("person_id", json!(Uuid::now_v7())),
        ("surveyor", json!("zhang")),
        ("surveyed_at", json!("2013-05-01T09:00:00")),
        ("employment", json!("aquaculture_2030")),
        ("boat_licence", json!("浙岱渔12345")),
    ]
    .map(|(f, v)| (f, v, None));
    let op = upsert("zhang", "t1", millis, EntityKind::Survey, survey_id, "b1", &fields);
    let answer = s.push(&token, std::slice::from_ref(&op)).await;
    assert_eq!(answer.results[0].status, OpStatus::Accepted, "{:?}", answer.results[0]);
    let record =
        s.state.store.record(server::store::Scope::County, survey_id).await.unwrap().unwrap();
    assert_eq!(record.fields["employment"], json!("aquaculture_2030"));
    assert_eq!(record.fields["boat_licence"], json!("浙岱渔12345"));
    let (pulled, _) = s.pull_all(&token, 100).await;
    assert_eq!(pulled, [op], "sent on as it came");

    let wrong = [("employees", json!("很多"), None)];
    let op = upsert("zhang", "t1", millis + 1, EntityKind::Survey, survey_id, "b1", &wrong);
    let answer = s.push(&token, &[op]).await;
    assert_eq!(answer.results[0].status, OpStatus::Rejected);
    assert_eq!(answer.results[0].code.as_deref(), Some("invalid_record"));
}

/// The town scores (DOMAIN.md, step 5) and a candidate leaves the campaign by the office's
/// 移除 with a reason: a branch role's score sheet is refused, and so is its deletion of a
/// candidate, which would erase the candidacy and its history for good (the earliest tombstone
/// wins). No screen offers either to a branch role; a tampered or outdated tablet is refused.
#[tokio::test]
async fn score_sheets_and_candidate_deletions_are_the_offices_alone() {
    use shared::op::OpKind;
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let secretary = s.user_token("li", Role::BranchSecretary, &["b1"]).await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let t = now_ms() - 60_000;
    let id = Uuid::now_v7();
    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2013,
        ..Default::default()
    };
    workflow::start_candidate(&mut c, "office", Role::TownOffice, at()).unwrap();
    let only: &[&str] = &["state", "history", "reason"];
    let mut ops = vec![candidate_op("office", t, id, &c, None)];
    for (i, action) in
        [ApplicationAction::Aggregate, ApplicationAction::Approve].into_iter().enumerate()
    {
        workflow::apply_transition(&mut c, action, "office", Role::TownOffice, at(), None).unwrap();
        ops.push(candidate_op("office", t + 1 + i as u64, id, &c, Some(only)));
    }
    s.push_accepted(&office, &ops).await;

    let sheet =
        |author: &str, millis: u64| sheet_op((author, "dev", millis), Uuid::now_v7(), id, 2013);
    let res = s.push(&secretary, &[sheet("li", t + 10)]).await;
    assert_eq!(rejected(&res.results[0], "forbidden_branch"), "此类记录只能由镇组织办修改");
    let res = s.push(&office, &[sheet("office", t + 11)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);

    let delete = |author: &str, millis: u64| {
        let mut op = candidate_op(author, millis, id, &c, Some(&["notes"]));
        op.kind = OpKind::Delete;
        op.changes.clear();
        op
    };
    let res = s.push(&surveyor, &[delete("zhang", t + 12)]).await;
    assert_eq!(rejected(&res.results[0], "forbidden_branch"), "此类记录只能由镇组织办修改");
    let res = s.push(&secretary, &[delete("li", t + 13)]).await;
    rejected(&res.results[0], "forbidden_branch");
    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert!(!record.is_deleted(), "a branch role's deletion must not erase the candidacy");
    assert_eq!(record.str_field("state"), "town_approved");

    let res = s.push(&office, &[delete("office", t + 14)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
}

/// One score sheet per candidate and year: every device now gives it the same id
/// (`scoring::sheet_id`), and the screens count one. A second sheet under another id (an old
/// app's random id, a tampered tablet) is refused once the candidate has one for that year,
/// whether stored before or earlier in the same push; the derived sheet is always taken, and
/// so is an old app's first sheet, or a sheet of another year.
#[tokio::test]
async fn a_second_score_sheet_of_a_candidate_and_year_is_refused() {
    use shared::scoring::sheet_id;
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let approved = |id: Uuid, year: i32, at_ms: u64| {
        let mut c = Candidate {
            person_id: Uuid::now_v7(),
            branch_id: "b1".into(),
            category: Some(Category::VillageLeader),
            year,
            ..Default::default()
        };
        workflow::start_candidate(&mut c, "office", Role::TownOffice, at()).unwrap();
        let mut ops = vec![candidate_op("office", at_ms, id, &c, None)];
        let only: &[&str] = &["state", "history", "reason"];
        for (i, action) in
            [ApplicationAction::Aggregate, ApplicationAction::Approve].into_iter().enumerate()
        {
            workflow::apply_transition(&mut c, action, "office", Role::TownOffice, at(), None)
                .unwrap();
            ops.push(candidate_op("office", at_ms + 1 + i as u64, id, &c, Some(only)));
        }
        ops
    };
    let sheet = |id: Uuid, candidate: Uuid, year: i32, at_ms: u64| {
        sheet_op(("office", "dev", at_ms), id, candidate, year)
    };
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    s.push_accepted(&office, &approved(first, 2013, t)).await;
    s.push_accepted(&office, &approved(second, 2013, t + 10)).await;

    // The sheet every device opens, then another under a random id: refused.
    s.push_accepted(&office, &[sheet(sheet_id(first, 2013), first, 2013, t + 20)]).await;
    let res = s.push(&office, &[sheet(Uuid::now_v7(), first, 2013, t + 21)]).await;
    let message = rejected(&res.results[0], "duplicate_sheet");
    assert!(message.contains("2013年度已有评分表"), "{message}");

    // An old app's first sheet of a candidate (a random id) is taken; a second one in the same
    // push is not, and neither is a later one.
    let old_app = Uuid::now_v7();
    let res = s
        .push(
            &office,
            &[sheet(old_app, second, 2013, t + 30), sheet(Uuid::now_v7(), second, 2013, t + 31)],
        )
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    rejected(&res.results[1], "duplicate_sheet");
    // The same sheet changed again is not a new one; the derived one is always taken.
    s.push_accepted(&office, &[sheet(old_app, second, 2013, t + 32)]).await;
    s.push_accepted(&office, &[sheet(sheet_id(second, 2013), second, 2013, t + 33)]).await;
    let db = s.db();
    let sheets = db.count("SELECT COUNT(*) FROM records WHERE entity = 'assessment'", &[]).await;
    assert_eq!(sheets, 3, "the derived sheet of each, and the old app's");
}

/// One push cannot write an unbounded number of conflict rows (before, 2,000 writes of one
/// field that saw nothing made about 2 million, each holding both values, in one transaction):
/// each field keeps its newest 32 earlier writes, and a push takes no operation that would take
/// its conflicts past `MAX_CONFLICTS_PER_PUSH`: that one and every later one are left out of the
/// answer, not refused (refused, the tablet set them aside for 重新提交 record by record, and the
/// resubmission made none of their conflicts: the office never saw them). Sent again, they are
/// taken push by push, each with its conflicts. A change that saw the record as stored (what
/// 重新提交 sends) makes none.
#[tokio::test]
async fn a_push_makes_a_bounded_number_of_conflicts_and_leaves_the_rest_for_the_next() {
    use shared::merge::MAX_EARLIER_WRITES;
    use shared::policy::MAX_CONFLICTS_PER_PUSH;
    let s = TestServer::start().await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let t = now_ms() - 600_000;
    let person = crate::common::new_person("zhang", "b1", t);
    let id = person.entity_id;
    s.push_accepted(&surveyor, &[person]).await;

    let blind_writes = blind_note_writes("zhang", id, t, 300);
    let db = s.db();
    let conflicts = || db.count("SELECT COUNT(*) FROM conflicts", &[]);
    let res = s.push(&surveyor, &blind_writes).await;
    let taken = res.results.len();
    assert!(taken > 40 && taken < 300, "the first writes are taken, then none: {taken}");
    for (result, op) in res.results.iter().zip(&blind_writes) {
        assert_eq!((result.id, result.status), (op.id, OpStatus::Accepted), "{result:?}");
    }
    let rows = conflicts().await;
    assert!(rows > 0 && rows as usize <= MAX_CONFLICTS_PER_PUSH, "{rows} conflict rows");

    // What the tablet does with the operations the answer left out: sends them again. Each push
    // takes some, within its own bound, until every one is taken, its conflicts made.
    let mut left = &blind_writes[taken..];
    let mut pushes = 1;
    while !left.is_empty() {
        let before = conflicts().await;
        let res = s.push(&surveyor, left).await;
        pushes += 1;
        assert!(!res.results.is_empty(), "a push takes at least one operation");
        assert!(res.results.iter().all(|r| r.status == OpStatus::Accepted), "{:?}", res.results);
        let made = conflicts().await - before;
        assert!(made > 0 && made as usize <= MAX_CONFLICTS_PER_PUSH, "{made} conflict rows");
        left = &left[res.results.len()..];
        assert!(pushes < 50, "every operation is taken within a few pushes");
    }
    let id_text = id.to_string();
    let stored = db.count("SELECT COUNT(*) FROM ops WHERE entity_id = ?1", &[&id_text]).await;
    assert_eq!(stored, 301, "the member and each of the 300 writes, once");
    let rows = conflicts().await;

    let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert_eq!(record.earlier["notes"].len(), MAX_EARLIER_WRITES);
    // The tablet's resubmission: the whole record with what it has seen.
    let seen = record.meta["notes"].clock.clone();
    let resubmit = upsert(
        "zhang",
        "zhang-dev",
        t + 400,
        EntityKind::Person,
        id,
        "b1",
        &[("notes", json!("核对后"), Some(seen))],
    );
    let res = s.push(&surveyor, &[resubmit]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    assert_eq!(s.db().count("SELECT COUNT(*) FROM conflicts", &[]).await, rows);
}

/// What one change and one record may hold is bounded (`shared::limits`), not only the length
/// of each text: a list of 3,000 numbers, an operation of 301 fields and a record pushed past
/// 300 fields are refused with the tablet's words, and nothing of them is stored.
#[tokio::test]
async fn a_value_an_operation_and_a_record_hold_a_bounded_amount() {
    use shared::limits::{MAX_CHANGES_PER_OP, MAX_FIELDS_PER_RECORD, MAX_VALUE_ITEMS};
    let s = TestServer::start().await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let t = now_ms() - 600_000;
    let person = crate::common::new_person("zhang", "b1", t);
    let id = person.entity_id;
    s.push_accepted(&surveyor, &[person]).await;
    let person_op = |millis: u64, changes: Vec<(String, Value)>| {
        let changes: Vec<(&str, Value, _)> =
            changes.iter().map(|(f, v)| (f.as_str(), v.clone(), None)).collect();
        upsert("zhang", "zhang-dev", millis, EntityKind::Person, id, "b1", &changes)
    };

    let long_list = vec![(String::from("notes_extra"), json!(vec![0; MAX_VALUE_ITEMS + 1000]))];
    let res = s.push(&surveyor, &[person_op(t + 1, long_list)]).await;
    assert!(rejected(&res.results[0], "value_too_large").contains("内容太多"));

    let many: Vec<(String, Value)> =
        (0..=MAX_CHANGES_PER_OP).map(|i| (format!("x{i}"), json!(i))).collect();
    let res = s.push(&surveyor, &[person_op(t + 2, many)]).await;
    rejected(&res.results[0], "value_too_large");

    // Up to the bound in several operations, then one field more.
    let stored = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    let room = MAX_FIELDS_PER_RECORD - stored.fields.len();
    let fill: Vec<_> = (0..room)
        .collect::<Vec<_>>()
        .chunks(100)
        .enumerate()
        .map(|(n, fields)| {
            person_op(
                t + 10 + n as u64,
                fields.iter().map(|i| (format!("y{i}"), json!(i))).collect(),
            )
        })
        .collect();
    s.push_accepted(&surveyor, &fill).await;
    let res = s.push(&surveyor, &[person_op(t + 100, vec![("z".into(), json!(1))])]).await;
    rejected(&res.results[0], "value_too_large");
    let stored = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
    assert_eq!(stored.fields.len(), MAX_FIELDS_PER_RECORD);
    assert!(!stored.fields.contains_key("notes_extra") && !stored.fields.contains_key("z"));
}
