//! The campaign screens' store layer against real IndexedDB in headless Chromium: saving a
//! candidate, role-gated transitions with their history, and contact logs deciding who is
//! behind. Each test uses a fresh database name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "a browser test drives the page itself, outside the app's src/browser/"
)]

use chrono::{NaiveDate, NaiveDateTime};
use field::logic::campaign::candidate::Application;
use field::services::campaign::{self as data, CampaignError};
use field::store::{Store, meta_keys};
use serde_json::json;
use shared::model::{
    ApplicationAction, ApplicationState, Candidate, Category, ContactKind, ContactLog, ContactWay,
    Person,
};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::workflow::WorkflowError;
use uuid::Uuid;
use wasm_bindgen_test::*;

mod page;

use page::{by_testid, find, set_value, text, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh() -> Store {
    Store::open(&format!("campaign-test-{}", Uuid::new_v4())).await.expect("open a fresh database")
}

/// Sign the device in as `role` the way the sync engine keeps its session.
async fn sign_in(store: &Store, name: &str, role: Role) {
    let session = json!({
        "token": "test-token",
        "account": {"username": name, "display_name": name, "role": role.as_str(), "branches": ["b1"]},
        "server": "",
        "signed_in_at_ms": 0.0,
    });
    store.meta_set(meta_keys::ACCOUNT, &session).await.unwrap();
}

/// The session the app makes from the sign-in kept on `store` (as `AppCtx::session` does).
async fn session_of(store: &Store) -> field::logic::session::Session {
    let kept = field::sync::session::load(store).await.unwrap();
    field::logic::session::Session::of(kept.as_ref().map(|c| &c.account), &store.author())
}

fn at(month: u32, day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2013, month, day).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

async fn member(store: &Store, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let person = Person { name: name.into(), branch_id: "b1".into(), ..Default::default() };
    let fields = shared::record::to_fields(&person).unwrap().into_iter().collect();
    store.save(EntityKind::Person, id, "b1", fields).await.unwrap();
    id
}

async fn applied(store: &Store, category: Category) -> Uuid {
    let person = member(store, "张三").await;
    let session = session_of(store).await;
    let application = Application { category, year: 2013, pipeline: false };
    data::create_candidate(store, &session, person, application, at(3, 1)).await.unwrap()
}

#[wasm_bindgen_test]
async fn saving_a_candidate_stores_it_with_checklist_history_and_outbox_entry() {
    let store = fresh().await;
    sign_in(&store, "调查员小王", Role::Surveyor).await;
    let before = store.outbox_len().await.unwrap();
    let id = applied(&store, Category::VillageLeader).await;

    let saved: Candidate = data::get(&store, id).await.unwrap();
    assert_eq!(saved.state, ApplicationState::Applied);
    assert_eq!(saved.branch_id, "b1");
    assert_eq!(saved.standards.len(), Category::VillageLeader.standards().len());
    assert_eq!(saved.history.len(), 1);
    assert_eq!(saved.history[0].by, "调查员小王");
    assert_eq!(saved.history[0].role, Some(Role::Surveyor));
    assert_eq!(
        store.outbox_len().await.unwrap(),
        before + 2,
        "the member and the candidate, queued for sync"
    );
    let queued = store.outbox_batch(10).await.unwrap();
    assert!(queued.iter().any(|e| e.op.entity == EntityKind::Candidate && e.op.entity_id == id));

    // Editing the profile keeps state and history, and records the evidence.
    let session = session_of(&store).await;
    let mut edited = saved.clone();
    edited.contact_person = "镇渔农办 李主任".into();
    edited.standards[0].met = true;
    edited.standards[0].evidence = "连续三年评为优秀党员".into();
    edited.state = ApplicationState::Named; // ignored: state changes only through the workflow
    let edit = data::Edit { before: saved.clone(), after: edited.clone() };
    data::save_profile(&store, &session, id, &edit, at(3, 2).date()).await.unwrap();
    let again: Candidate = data::get(&store, id).await.unwrap();
    assert_eq!(again.contact_person, "镇渔农办 李主任");
    assert!(again.standards[0].met);
    assert_eq!(again.state, ApplicationState::Applied);

    // A ticked standard without evidence is refused with the field's message.
    let mut bad = again.clone();
    bad.standards[1].met = true;
    let edit = data::Edit { before: again.clone(), after: bad };
    let err = data::save_profile(&store, &session, id, &edit, at(3, 2).date()).await.unwrap_err();
    assert!(err.to_string().contains("事实依据"), "{err}");
}

#[wasm_bindgen_test]
async fn transitions_follow_the_roles_and_keep_the_full_history() {
    let store = fresh().await;
    sign_in(&store, "调查员", Role::Surveyor).await;
    let id = applied(&store, Category::EnterprisePost).await;

    // A surveyor may not aggregate: refused with the reason, nothing saved.
    let surveyor = session_of(&store).await;
    let err =
        data::take_action(&store, &surveyor, id, ApplicationAction::Aggregate, None, at(3, 2))
            .await
            .unwrap_err();
    assert_eq!(err.to_string(), "只有支部书记（或镇组织办代办）可以汇总上报申报");
    assert_eq!(data::get::<Candidate>(&store, id).await.unwrap().history.len(), 1);

    sign_in(&store, "李书记", Role::BranchSecretary).await;
    let secretary = session_of(&store).await;
    data::take_action(&store, &secretary, id, ApplicationAction::Aggregate, None, at(3, 5))
        .await
        .unwrap();

    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    // 退回 needs a reason.
    let err =
        data::take_action(&store, &office, id, ApplicationAction::Return, Some("  "), at(3, 6))
            .await
            .unwrap_err();
    assert_eq!(
        err,
        CampaignError::Workflow(WorkflowError::ReasonRequired(("application-action", "return")))
    );
    data::take_action(&store, &office, id, ApplicationAction::Return, Some("材料不全"), at(3, 6))
        .await
        .unwrap();
    sign_in(&store, "李书记", Role::BranchSecretary).await;
    let secretary = session_of(&store).await;
    data::take_action(&store, &secretary, id, ApplicationAction::Apply, None, at(3, 8))
        .await
        .unwrap();
    data::take_action(&store, &secretary, id, ApplicationAction::Aggregate, None, at(3, 9))
        .await
        .unwrap();
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let approved =
        data::take_action(&store, &office, id, ApplicationAction::Approve, None, at(3, 10))
            .await
            .unwrap();
    assert_eq!(approved.state, ApplicationState::TownApproved);

    let stored: Candidate = data::get(&store, id).await.unwrap();
    assert_eq!(stored.state, ApplicationState::TownApproved);
    assert_eq!(stored.reason, "材料不全", "the latest return reason stays on the profile");
    let trail: Vec<(Option<ApplicationAction>, &str, Option<Role>, &str)> = stored
        .history
        .iter()
        .map(|e| (e.action, e.by.as_str(), e.role, e.reason.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            (Some(ApplicationAction::Apply), "调查员", Some(Role::Surveyor), ""),
            (Some(ApplicationAction::Aggregate), "李书记", Some(Role::BranchSecretary), ""),
            (Some(ApplicationAction::Return), "镇组织办", Some(Role::TownOffice), "材料不全"),
            (Some(ApplicationAction::Apply), "李书记", Some(Role::BranchSecretary), ""),
            (Some(ApplicationAction::Aggregate), "李书记", Some(Role::BranchSecretary), ""),
            (Some(ApplicationAction::Approve), "镇组织办", Some(Role::TownOffice), ""),
        ]
    );
    assert_eq!(stored.history[5].at, at(3, 10));
    // Every step went to the outbox as its own operation (person + 6 candidate writes).
    assert_eq!(store.outbox_len().await.unwrap(), 7);
    // The store's change history has every write of the candidate.
    assert_eq!(store.history(id).await.unwrap().len(), 6);

    // A county account writes nothing but its own step, 县委组织部备案 (as the server allows it).
    sign_in(&store, "县委组织部", Role::CountyViewer).await;
    let county = session_of(&store).await;
    let err =
        data::take_action(&store, &county, id, ApplicationAction::Return, Some("不行"), at(3, 11))
            .await
            .unwrap_err();
    assert_eq!(err, CampaignError::Workflow(WorkflowError::ReadOnlyRole));
    let filed = data::take_action(&store, &county, id, ApplicationAction::File, None, at(3, 11))
        .await
        .unwrap();
    assert_eq!(filed.state, ApplicationState::CountyFiled);
    assert_eq!(filed.history.last().and_then(|e| e.role), Some(Role::CountyViewer));
}

#[wasm_bindgen_test]
async fn contact_logs_decide_who_is_behind() {
    let store = fresh().await;
    sign_in(&store, "李书记", Role::BranchSecretary).await;
    let id = applied(&store, Category::BusinessHousehold).await;
    let session = session_of(&store).await;
    let july = NaiveDate::from_ymd_opt(2013, 7, 1).unwrap();

    // By July 1 two quarters are over: two contacts are due.
    let rows = data::contact_table(&store, 2013, july).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].status.behind);
    assert_eq!(rows[0].status.done, 0);

    let log = |month, kind| ContactLog {
        candidate_id: id,
        date: NaiveDate::from_ymd_opt(2013, month, 10),
        way: Some(ContactWay::Visit),
        content: "了解经营情况".into(),
        help_given: "联系小额贷款".into(),
        kind,
        contact_person: "镇经贸办 王主任".into(),
    };
    data::log_contact(&store, &session, &log(2, ContactKind::Pairing), july).await.unwrap();
    // Expert guidance is logged the same way but does not count toward the four.
    data::log_contact(&store, &session, &log(3, ContactKind::ExpertGuidance), july).await.unwrap();
    let rows = data::contact_table(&store, 2013, july).await.unwrap();
    assert_eq!((rows[0].status.done, rows[0].guidance, rows[0].status.behind), (1, 1, true));

    data::log_contact(&store, &session, &log(5, ContactKind::Pairing), july).await.unwrap();
    let rows = data::contact_table(&store, 2013, july).await.unwrap();
    assert_eq!((rows[0].status.done, rows[0].status.behind), (2, false));

    // A contact dated after today is refused, so it cannot hide a candidate being behind.
    let err =
        data::log_contact(&store, &session, &log(8, ContactKind::Pairing), july).await.unwrap_err();
    assert!(err.to_string().contains("联系日期"), "{err}");

    // A removed candidate needs no contacts any more.
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    data::take_action(
        &store,
        &office,
        id,
        ApplicationAction::Remove,
        Some("迁出本镇"),
        july.and_hms_opt(9, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    let october = NaiveDate::from_ymd_opt(2013, 10, 1).unwrap();
    assert!(data::contact_table(&store, 2013, october).await.unwrap().is_empty());
}

/// One candidacy per member, category and year on the tablet: the same application again is
/// refused naming the first record (its key-derived id); a year outside the campaign is refused.
#[wasm_bindgen_test]
async fn a_candidacy_is_recorded_once_per_member_category_and_year() {
    let store = fresh().await;
    sign_in(&store, "调查员", Role::Surveyor).await;
    let person = member(&store, "张三").await;
    let session = session_of(&store).await;
    let application =
        Application { category: Category::VillageLeader, year: 2013, pipeline: false };
    let id = data::create_candidate(&store, &session, person, application, at(3, 1)).await.unwrap();
    let saved: Candidate = data::get(&store, id).await.unwrap();
    assert_eq!(id, shared::candidacy::CandidacyKey::of(&saved).unwrap().record_id());
    let queued = store.outbox_len().await.unwrap();

    let err =
        data::create_candidate(&store, &session, person, application, at(3, 2)).await.unwrap_err();
    assert_eq!(err.existing(), Some(id), "{err}");
    assert!(
        err.to_string().contains("该党员已有2013年度「渔农村党员创业创新带头人」争创记录"),
        "{err}"
    );
    // Filed as pipeline as well: the same candidacy.
    let pipeline = Application { pipeline: true, ..application };
    let err =
        data::create_candidate(&store, &session, person, pipeline, at(3, 2)).await.unwrap_err();
    assert_eq!(err.existing(), Some(id));
    // Outside the campaign's years (the 2012-2015 plan), or after next year (as of 2013).
    let early = Application { year: 2011, ..application };
    let err = data::create_candidate(&store, &session, person, early, at(3, 2)).await.unwrap_err();
    assert!(err.to_string().contains("2011年度不在争创年度（2012至2015年）之内"), "{err}");
    let late = Application { year: 2015, ..application };
    let err = data::create_candidate(&store, &session, person, late, at(3, 2)).await.unwrap_err();
    assert_eq!(err.to_string(), "争创年度应在2000至2014之间");
    assert_eq!(store.outbox_len().await.unwrap(), queued, "nothing more queued");
    // Another category the same year is another candidacy.
    let other = Application { category: Category::BusinessHousehold, ..application };
    assert!(data::create_candidate(&store, &session, person, other, at(3, 2)).await.is_ok());
}

/// 登记下一年度: the old record closes (已转入下一年度) linked both ways; pressing it again is
/// refused naming the next year's record; past the campaign's last year it is refused.
#[wasm_bindgen_test]
async fn carry_over_closes_the_old_record_once() {
    let store = fresh().await;
    sign_in(&store, "调查员", Role::Surveyor).await;
    let person = member(&store, "王五").await;
    let session = session_of(&store).await;
    let application = Application { category: Category::VillageLeader, year: 2013, pipeline: true };
    let old =
        data::create_candidate(&store, &session, person, application, at(3, 1)).await.unwrap();
    let next = data::next_year(&store, &session, old, at(4, 1)).await.unwrap();

    let closed: Candidate = data::get(&store, old).await.unwrap();
    let opened: Candidate = data::get(&store, next).await.unwrap();
    assert_eq!(closed.state, ApplicationState::CarriedOver);
    assert_eq!(closed.carried_to, Some(next));
    assert_eq!(closed.history.last().unwrap().reason, "已转入2014年度");
    assert_eq!(
        (opened.year, opened.state, opened.pipeline),
        (2014, ApplicationState::Applied, false)
    );
    assert_eq!(opened.carried_from, Some(old));
    let err = data::next_year(&store, &session, old, at(4, 2)).await.unwrap_err();
    assert_eq!(err.existing(), Some(next), "{err}");
    // A closed record's profile is read-only.
    let err = data::save_profile(
        &store,
        &session,
        old,
        &data::Edit { before: closed.clone(), after: closed },
        at(4, 2).date(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, CampaignError::Closed);
    let candidates: Vec<(Uuid, Candidate)> = data::load(&store).await.unwrap();
    assert_eq!(candidates.len(), 2, "two records: 2013 (closed) and 2014");

    // The campaign's last year has no next year.
    let last = Application { year: 2015, ..application };
    let other = member(&store, "赵六").await;
    let in_2015 = |m| NaiveDate::from_ymd_opt(2015, m, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let id = data::create_candidate(&store, &session, other, last, in_2015(3)).await.unwrap();
    let err = data::next_year(&store, &session, id, in_2015(4)).await.unwrap_err();
    assert!(err.to_string().contains("2016年度不在争创年度"), "{err}");
}

/// A removed candidate's profile is read-only; only the office's 恢复, with a reason, reopens it.
#[wasm_bindgen_test]
async fn a_removed_profile_is_read_only_until_the_office_restores_it() {
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let id = applied(&store, Category::EnterprisePost).await;
    let office = session_of(&store).await;
    data::take_action(&store, &office, id, ApplicationAction::Remove, Some("迁出本镇"), at(5, 1))
        .await
        .unwrap();
    let removed: Candidate = data::get(&store, id).await.unwrap();
    assert!(!removed.is_active());
    let edit = data::Edit { before: removed.clone(), after: removed };
    let err = data::save_profile(&store, &office, id, &edit, at(5, 2).date()).await.unwrap_err();
    assert_eq!(err, CampaignError::Closed);
    let err = data::take_action(&store, &office, id, ApplicationAction::Apply, None, at(5, 2))
        .await
        .unwrap_err();
    assert_eq!(err, CampaignError::Workflow(WorkflowError::Finished));
    let err =
        data::take_action(&store, &office, id, ApplicationAction::Restore, Some(" "), at(5, 2))
            .await
            .unwrap_err();
    assert_eq!(
        err,
        CampaignError::Workflow(WorkflowError::ReasonRequired(("application-action", "restore")))
    );

    sign_in(&store, "李书记", Role::BranchSecretary).await;
    let secretary = session_of(&store).await;
    let err = data::take_action(
        &store,
        &secretary,
        id,
        ApplicationAction::Restore,
        Some("误操作"),
        at(5, 3),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("只有镇组织办可以恢复"), "{err}");

    let restored = data::take_action(
        &store,
        &office,
        id,
        ApplicationAction::Restore,
        Some("误操作"),
        at(5, 3),
    )
    .await
    .unwrap();
    assert_eq!(restored.state, ApplicationState::Applied);
    assert_eq!(restored.reason, "误操作");
    let edit = data::Edit { before: restored.clone(), after: restored };
    data::save_profile(&store, &office, id, &edit, at(5, 4).date()).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_campaign_screen_renders_and_the_profile_takes_a_step() {
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let id = applied(&store, Category::VillageLeader).await;
    let _handle = mount_app(&store, None);
    let location = web_sys::window().unwrap().location();
    for (hash, testid) in [
        ("#/campaign/dashboard".to_owned(), "progress-chart"),
        ("#/campaign/candidates".to_owned(), "candidate-table"),
        ("#/campaign/pipeline".to_owned(), "pipeline-screen"),
        (format!("#/campaign/contacts/{id}"), "contact-form"),
        ("#/campaign/bases".to_owned(), "base-form"),
        ("#/campaign/funding".to_owned(), "funding-form"),
        ("#/campaign/meetings".to_owned(), "meeting-form"),
        ("#/campaign/inspections".to_owned(), "inspection-form"),
        ("#/campaign/assessment".to_owned(), "assessment-ranking"),
        ("#/campaign/notices".to_owned(), "notice-form"),
        ("#/campaign/settings".to_owned(), "campaign-targets"),
        ("#/campaign/report".to_owned(), "report-paper"),
        // Only applied: no display card before 镇党委审定 (issue 11), the screen says so.
        (format!("#/campaign/card/{id}"), "card-not-approved"),
        (format!("#/campaign/candidate/{id}"), "candidate-profile"),
    ] {
        location.set_hash(&hash).unwrap();
        wait_for(&hash, || by_testid(testid).is_some()).await;
    }
    // The office aggregates on the branch's behalf: the state and history update.
    by_testid("action-aggregate").unwrap().click();
    wait_for("aggregated", || {
        by_testid("candidate-state").is_some_and(|e| e.inner_text().contains("支部已汇总"))
    })
    .await;
    // 退回 asks for a reason first; an empty one is refused with a message.
    by_testid("action-return").unwrap().click();
    wait_for("reason box", || by_testid("candidate-reason").is_some()).await;
    by_testid("candidate-reason-confirm").unwrap().click();
    wait_for("reason required", || {
        by_testid("campaign-error").is_some_and(|e| e.inner_text().contains("必须填写理由"))
    })
    .await;
    assert_eq!(
        data::get::<Candidate>(&store, id).await.unwrap().state,
        ApplicationState::BranchAggregated
    );
}

#[wasm_bindgen_test]
async fn a_campaign_cell_keeps_text_that_is_not_a_number_while_another_cell_is_filled_in() {
    use wasm_bindgen::JsCast;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/settings").unwrap();
    wait_for("the campaign's cells", || by_testid("campaign-start-year").is_some()).await;
    let start: web_sys::HtmlInputElement =
        by_testid("campaign-start-year").unwrap().unchecked_into();
    set_value(&start, "两千", "change");
    wait_for("marked", || start.class_list().contains("invalid")).await;
    // Another cell filled in changes the form: the first cell still shows what was typed, and
    // stays marked, so the office sees what to correct.
    let years: web_sys::HtmlInputElement = by_testid("campaign-years").unwrap().unchecked_into();
    set_value(&years, "3", "change");
    gloo_timers::future::TimeoutFuture::new(100).await;
    assert_eq!(start.value(), "两千", "the typed text was kept");
    assert!(start.class_list().contains("invalid"));
    assert_eq!(years.value(), "3");
    // A number typed into it is taken, and the mark goes.
    set_value(&start, "2016", "change");
    wait_for("taken", || !start.class_list().contains("invalid")).await;
    assert_eq!(start.value(), "2016");
}

/// The target table's cells, and the rubric's weights, keep text that is not a number (shown,
/// marked) while another cell or the campaign's name is filled in: the table and the rubric's
/// rows were drawn again at any change, which put the stored number back without a mark.
#[wasm_bindgen_test]
async fn a_target_cell_and_a_rubric_weight_keep_text_that_is_not_a_number() {
    use wasm_bindgen::JsCast;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/settings").unwrap();
    wait_for("the target cells", || by_testid("target-village_leader").is_some()).await;
    let cell = || -> web_sys::HtmlInputElement {
        by_testid("target-village_leader").unwrap().unchecked_into()
    };
    set_value(&cell(), "十二", "change");
    wait_for("marked", || cell().class_list().contains("invalid")).await;
    let other: web_sys::HtmlInputElement =
        by_testid("target-enterprise_post").unwrap().unchecked_into();
    set_value(&other, "5", "change");
    let name: web_sys::HtmlInputElement = by_testid("campaign-name").unwrap().unchecked_into();
    set_value(&name, "四争一树 2026", "input");
    gloo_timers::future::TimeoutFuture::new(150).await;
    assert_eq!(cell().value(), "十二", "the typed target was kept");
    assert!(cell().class_list().contains("invalid"), "and still marked");
    assert_eq!(other.value(), "5");

    wait_for("the rubric cells", || by_testid("criterion-weight").is_some()).await;
    let weight =
        || -> web_sys::HtmlInputElement { by_testid("criterion-weight").unwrap().unchecked_into() };
    set_value(&weight(), "1,5", "change");
    let label = by_testid("criterion-label").unwrap();
    set_value(&label, "带富能力", "change");
    gloo_timers::future::TimeoutFuture::new(150).await;
    assert_eq!(weight().value(), "1,5", "the typed weight is still shown");
    assert!(weight().class_list().contains("invalid"), "and marked as not a number");
    set_value(&weight(), "1.5", "change");
    wait_for("taken", || !weight().class_list().contains("invalid")).await;
    assert_eq!(weight().value(), "1.5");
}

/// A store signed in as the town office, holding a village leader's candidacy of 2013 the town
/// approved, and the category's rubric (not stored).
async fn approved_for_scoring()
-> (Store, field::logic::session::Session, Uuid, (Uuid, shared::model::Rubric)) {
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let candidate = applied(&store, Category::VillageLeader).await;
    for action in [ApplicationAction::Aggregate, ApplicationAction::Approve] {
        data::take_action(&store, &office, candidate, action, None, at(4, 1)).await.unwrap();
    }
    let rubric = field::logic::campaign::rubric::template(Category::VillageLeader);
    let rubric_id = field::logic::campaign::rubric::rubric_id(Category::VillageLeader);
    (store, office, candidate, (rubric_id, rubric))
}

#[wasm_bindgen_test]
async fn a_score_keeps_text_that_is_not_a_number_while_another_score_is_entered() {
    use wasm_bindgen::JsCast;
    // A candidacy of 2013 approved by the town, with a score sheet begun.
    let (store, office, candidate, (rubric_id, rubric)) = approved_for_scoring().await;
    let day = NaiveDate::from_ymd_opt(2013, 5, 1).unwrap();
    data::begin_scoring(&store, &office, candidate, "b1", 2013, (rubric_id, rubric.clone()), day)
        .await
        .unwrap();
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/assessment").unwrap();
    wait_for("the year filter", || by_testid("assessment-year").is_some()).await;
    set_value(&by_testid("assessment-year").unwrap(), "2013", "change");
    let (first, second) = (&rubric.criteria[0].key, &rubric.criteria[1].key);
    wait_for("the sheet", || by_testid(&format!("score-{first}")).is_some()).await;
    let score = |key: &str| -> web_sys::HtmlInputElement {
        by_testid(&format!("score-{key}")).unwrap().unchecked_into()
    };
    set_value(&score(first), "八十", "change");
    wait_for("the notice", || {
        by_testid("campaign-error").is_some_and(|e| e.inner_text().contains("请填写数字"))
    })
    .await;
    // Another score entered changes the sheet: the first still shows what was typed.
    set_value(&score(second), "8", "change");
    gloo_timers::future::TimeoutFuture::new(100).await;
    assert_eq!(score(first).value(), "八十", "the typed text was kept");
    assert_eq!(score(second).value(), "8");
}

#[wasm_bindgen_test]
async fn beginning_a_score_sheet_twice_makes_one_sheet_for_the_candidate_and_year() {
    use wasm_bindgen::JsCast;
    let (store, office, candidate, (rubric_id, rubric)) = approved_for_scoring().await;
    put(&store, rubric_id, "", &rubric).await;
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/assessment").unwrap();
    wait_for("the year filter", || by_testid("assessment-year").is_some()).await;
    set_value(&by_testid("assessment-year").unwrap(), "2013", "change");
    wait_for("the begin button", || {
        by_testid("sheet-begin").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    // A double click: the second click comes before the first write is done.
    let button: web_sys::HtmlElement = by_testid("sheet-begin").unwrap().unchecked_into();
    button.click();
    button.click();
    wait_for("the sheet", || by_testid("sheet").is_some()).await;
    gloo_timers::future::TimeoutFuture::new(200).await;
    let sheets = store.list(EntityKind::Assessment).await.unwrap();
    assert_eq!(sheets.len(), 1, "one sheet per candidate and year");
    assert_eq!(sheets[0].id, shared::scoring::sheet_id(candidate, 2013));
    // Beginning it again (another office device, the service called twice) opens that sheet.
    let day = NaiveDate::from_ymd_opt(2013, 5, 1).unwrap();
    let again =
        data::begin_scoring(&store, &office, candidate, "b1", 2013, (rubric_id, rubric), day)
            .await
            .unwrap();
    assert_eq!(again, sheets[0].id);
    assert_eq!(store.list(EntityKind::Assessment).await.unwrap().len(), 1);
    // A sheet stored twice before the rule (random ids) is ranked once, not at 0.00 again.
    let extra = shared::scoring::begin_assessment(
        candidate,
        2013,
        rubric_id,
        &field::logic::campaign::rubric::template(Category::VillageLeader),
        "镇组织办",
        day,
    );
    put(&store, Uuid::now_v7(), "b1", &extra).await;
    drop(_handle);
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/dashboard").unwrap();
    web_sys::window().unwrap().location().set_hash("#/campaign/assessment").unwrap();
    wait_for("the year filter", || by_testid("assessment-year").is_some()).await;
    set_value(&by_testid("assessment-year").unwrap(), "2013", "change");
    wait_for("the sheet", || by_testid("sheet").is_some()).await;
    assert_eq!(described("[data-testid=ranking-row]").len(), 1);
    assert_eq!(described("[data-testid=sheet]").len(), 1);
}

/// An old app's sheet under a random id, refused by the server as a second sheet of its
/// candidate and year (`duplicate_sheet`): while the refusal is open the screens leave it out,
/// and 开始评分 opens the office's sheet, the one the refusal's words point to, once pulled (before
/// that, it says to sync first rather than begin a sheet whose empty scores would be written over
/// the office's). Before, the refused sheet outranked an office sheet with fewer scores on this
/// device, so every score went to a sheet whose changes were all held.
#[wasm_bindgen_test]
async fn a_score_sheet_refused_as_a_second_one_gives_way_to_the_offices() {
    use field::sync::plan::RejectedOp;
    use field::sync::rejected;
    use shared::sync::OpResult;

    let (store, office, candidate, (rubric_id, rubric)) = approved_for_scoring().await;
    let day = NaiveDate::from_ymd_opt(2013, 5, 1).unwrap();
    let mut old_app =
        shared::scoring::begin_assessment(candidate, 2013, rubric_id, &rubric, "镇组织办", day);
    old_app.scores.insert(rubric.criteria[0].key.clone(), 1.0);
    let old_id = Uuid::now_v7();
    put(&store, old_id, "b1", &old_app).await;
    let begin = || {
        data::begin_scoring(
            &store,
            &office,
            candidate,
            "b1",
            2013,
            (rubric_id, rubric.clone()),
            day,
        )
    };
    assert_eq!(begin().await.unwrap(), old_id, "not refused: the candidate's sheet");

    // The server refuses it as a second sheet.
    let aside: Vec<(u64, RejectedOp)> = store
        .outbox_all()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.op.entity_id == old_id)
        .map(|e| {
            let result = OpResult::rejected(e.op.id, shared::policy::DUPLICATE_SHEET, "已有评分表");
            (e.key, RejectedOp::from_result(e.op, &result, 0.0))
        })
        .collect();
    assert!(!aside.is_empty());
    rejected::set_aside(&store, aside).await.unwrap();

    let shown = data::load_data(&store).await.unwrap();
    assert!(shown.assessments.is_empty(), "the refused sheet is not shown");
    // The office's sheet is not on this device yet: begun here, its empty scores would be
    // written over the office's. The words say to sync first.
    let err = begin().await.unwrap_err();
    assert_eq!(err, CampaignError::SheetAtOffice);
    assert!(err.to_string().contains("请先同步"), "{err}");
    assert_eq!(store.list(EntityKind::Assessment).await.unwrap().len(), 1, "nothing begun");

    // The office's scored sheet arrives by a pull: it is the one shown and opened.
    let derived = shared::scoring::sheet_id(candidate, 2013);
    let mut offices =
        shared::scoring::begin_assessment(candidate, 2013, rubric_id, &rubric, "镇组织办", day);
    offices.scores.insert(rubric.criteria[0].key.clone(), 5.0);
    let fields: Vec<(String, serde_json::Value)> =
        shared::model::Entity::to_fields(&offices).unwrap().into_iter().collect();
    let device = shared::op::OpContext { device_id: Uuid::new_v4(), author: "镇组织办".into() };
    let later = shared::hlc::Hlc::new(js_sys::Date::now() as u64 + 1_000, 0, "office");
    let pulled = shared::op::Operation::upsert(
        &device,
        later,
        EntityKind::Assessment,
        derived,
        "b1",
        None,
        fields,
    );
    store.apply_remote(&[pulled]).await.unwrap();
    let shown = data::load_data(&store).await.unwrap();
    let ids: Vec<Uuid> = shown.assessments.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [derived]);
    assert_eq!(begin().await.unwrap(), derived, "the office's sheet is opened");
}

#[wasm_bindgen_test]
async fn saving_the_towns_name_writes_only_the_name_and_leaves_the_years_step_to_do() {
    use field::services::office::{plan_saved, save_town};
    use shared::model::Campaign;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    save_town(&store, "东海镇").await.unwrap();
    let records = store.list(EntityKind::Campaign).await.unwrap();
    assert_eq!(records.len(), 1);
    // The new record holds the plan's years and targets too (an older app reading it must not
    // read year 0), marked not confirmed.
    let start = records[0].fields.get("start_year").and_then(serde_json::Value::as_i64);
    assert_eq!(start, Some(2012), "an earlier version reads the plan's years");
    assert_eq!(records[0].fields.get(Campaign::PLAN_CONFIRMED), Some(&serde_json::json!(false)));
    assert!(!plan_saved(&records), "活动年限与目标 is not done by naming the town");
    // The years and targets read as the work plan's meanwhile.
    let campaigns: Vec<(Uuid, Campaign)> = data::load(&store).await.unwrap();
    let current = Campaign::current(&campaigns);
    assert_eq!(current, Campaign { town: "东海镇".into(), ..Campaign::default_plan() });
    // Saving the settings screen unchanged confirms the plan's years and targets: done.
    let office = session_of(&store).await;
    let edit = data::Edit { before: current.clone(), after: current.clone() };
    data::save_settings(&store, &office, &edit, at(3, 1).date()).await.unwrap();
    assert!(plan_saved(&store.list(EntityKind::Campaign).await.unwrap()));
    let campaigns: Vec<(Uuid, Campaign)> = data::load(&store).await.unwrap();
    assert_eq!(Campaign::current(&campaigns).town, "东海镇", "the name kept");
    // The office sets the years on the settings screen: the name is kept.
    let before = current.clone();
    let after = Campaign { years: 5, ..current };
    let edit = data::Edit { before, after };
    data::save_settings(&store, &office, &edit, at(3, 1).date()).await.unwrap();
    assert!(plan_saved(&store.list(EntityKind::Campaign).await.unwrap()));
    save_town(&store, "西海镇").await.unwrap();
    let campaigns: Vec<(Uuid, Campaign)> = data::load(&store).await.unwrap();
    let current = Campaign::current(&campaigns);
    assert_eq!((current.town.as_str(), current.start_year, current.years), ("西海镇", 2012, 5));
}

#[wasm_bindgen_test]
fn revoking_a_device_or_disabling_an_account_asks_first_naming_it_and_what_it_holds() {
    use field::services::office::revoke_question;
    use shared::sync::{DeviceReport, DeviceSummary};
    let mut tablet = DeviceSummary {
        id: 7,
        device_id: Uuid::nil(),
        device_name: "东沙村平板".into(),
        username: "zhou".into(),
        created_at: String::new(),
        last_seen: String::new(),
        revoked: false,
        report: None,
        reported_at: None,
    };
    let asked = revoke_question(&tablet);
    assert!(asked.contains("东沙村平板") && asked.contains("zhou"), "{asked}");
    assert!(!asked.contains("未送达"), "nothing reported unsent: {asked}");
    tablet.report = Some(DeviceReport { pending: 3, refused: 1, ..Default::default() });
    let asked = revoke_question(&tablet);
    assert!(asked.contains("东沙村平板") && asked.contains("zhou"), "{asked}");
    assert!(asked.contains("还有 4 条未送达的记录"), "{asked}");
    assert!(asked.contains("一直留在这台平板上，直到恢复该设备"), "{asked}");
    let asked = field::i18n::office::confirm_disable_account("zhou");
    assert!(asked.contains("停用账号「zhou」"), "{asked}");
    let asked = field::i18n::office::confirm_revoke_codes("zhou");
    assert!(asked.contains("账号「zhou」") && asked.contains("登录码"), "{asked}");
}

#[wasm_bindgen_test]
async fn only_the_office_changes_the_pipeline_mark_of_a_town_approved_candidate() {
    use field::logic::campaign::route::CampaignRoute;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let id = applied(&store, Category::VillageLeader).await;
    for action in [ApplicationAction::Aggregate, ApplicationAction::Approve] {
        data::take_action(&store, &office, id, action, None, at(4, 1)).await.unwrap();
    }
    let approved: Candidate = data::get(&store, id).await.unwrap();
    let ticked = Candidate { pipeline: true, ..approved.clone() };
    let edit = data::Edit { before: approved.clone(), after: ticked.clone() };
    // A secretary (or surveyor) is refused with the shared rule's words …
    sign_in(&store, "李书记", Role::BranchSecretary).await;
    let secretary = session_of(&store).await;
    let err = data::save_profile(&store, &secretary, id, &edit, at(4, 2).date()).await.unwrap_err();
    assert!(err.to_string().contains("镇党委审定后，只有镇组织办可以更改梯队"), "{err}");
    let kept: Candidate = data::get(&store, id).await.unwrap();
    assert!(!kept.pipeline);
    // … and the profile shows the tick disabled, with why.
    let handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash(&CampaignRoute::Candidate(id).href()).unwrap();
    wait_for("the locked tick", || by_testid("candidate-pipeline-locked").is_some()).await;
    let tick = by_testid("candidate-pipeline").unwrap();
    assert!(tick.has_attribute("disabled"));
    drop(handle);
    // The office may.
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    data::save_profile(&store, &office, id, &edit, at(4, 3).date()).await.unwrap();
    let moved: Candidate = data::get(&store, id).await.unwrap();
    assert!(moved.pipeline);
}

/// The whole app on `store`, in a new element of the page (with `id`, if given); it stays
/// mounted while the returned handle lives.
fn mount_app(store: &Store, id: Option<&str>) -> impl Sized {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    if let Some(id) = id {
        root.set_id(id);
    }
    document.body().unwrap().append_child(&root).unwrap();
    let app_store = store.clone();
    leptos::mount::mount_to(root, move || view! { <field::app::App store=app_store /> })
}

/// `data-testid` (or text) of every element matching `selector`.
fn described(selector: &str) -> Vec<String> {
    let find = js_sys::Function::new_with_args(
        "sel",
        "return [...document.querySelectorAll(sel)].map(e => e.getAttribute('data-testid') || e.textContent.trim());",
    );
    let found = find.call1(&wasm_bindgen::JsValue::NULL, &selector.into()).unwrap();
    js_sys::Array::from(&found).iter().map(|v| v.as_string().unwrap_or_default()).collect()
}

/// Sign the device in as `account` (any JSON account), the way the sync engine keeps it.
async fn sign_in_as(store: &Store, account: serde_json::Value) {
    let session = json!({"token": "t", "account": account, "server": "", "signed_in_at_ms": 0.0});
    store.meta_set(meta_keys::ACCOUNT, &session).await.unwrap();
}

async fn put<T: shared::model::Entity>(store: &Store, id: Uuid, branch: &str, value: &T) {
    let fields = value.to_fields().unwrap().into_iter().collect();
    store.save(T::KIND, id, branch, fields).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_county_viewer_finds_no_save_button_and_no_editable_field_on_any_campaign_screen() {
    use shared::model::{Base, Branch, BranchKind, Inspection, InspectionKind, Meeting, Notice};
    let store = fresh().await;
    // The office fills the device with one record of each kind the screens edit.
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let id = applied(&store, Category::VillageLeader).await;
    let base = Uuid::now_v7();
    put(
        &store,
        base,
        "",
        &Base {
            name: "海水养殖基地".into(), industry: "渔业".into(), ..Default::default()
        },
    )
    .await;
    let branch = Branch {
        name: "一支部".into(),
        code: "b1".into(),
        kind: Some(BranchKind::Village),
        ..Default::default()
    };
    put(&store, Uuid::now_v7(), "", &branch).await;
    let day = NaiveDate::from_ymd_opt(2013, 3, 1);
    let meeting =
        Meeting {
            branch_id: "b1".into(), date: day, topics: "动员".into(), ..Default::default()
        };
    put(&store, Uuid::now_v7(), "b1", &meeting).await;
    let inspection = Inspection {
        branch_id: "b1".into(),
        date: day,
        kind: Some(InspectionKind::Announced),
        findings: "台账齐全".into(),
        fixes: vec![shared::model::Fix { item: "补记录".into(), due: day, fixed_on: None }],
        ..Default::default()
    };
    put(&store, Uuid::now_v7(), "b1", &inspection).await;
    put(
        &store,
        Uuid::now_v7(),
        "",
        &Notice { title: "政策".into(), body: "…".into(), published_on: day },
    )
    .await;
    let session = session_of(&store).await;
    let log = ContactLog {
        candidate_id: id,
        date: day,
        way: Some(ContactWay::Visit),
        content: "走访".into(),
        contact_person: "李主任".into(),
        ..Default::default()
    };
    data::log_contact(&store, &session, &log, NaiveDate::from_ymd_opt(2013, 7, 1).unwrap())
        .await
        .unwrap();

    sign_in_as(&store, json!({"username": "county", "display_name": "县委组织部", "role": "county_viewer", "branches": []})).await;
    // Only this test's app is looked at: an app another test left mounted follows the hash too.
    let _handle = mount_app(&store, Some("county-app"));
    let location = web_sys::window().unwrap().location();
    let mine = |id: &str| described(&format!("#county-app [data-testid=\"{id}\"]")).len();
    // Buttons that only read (print, export a report, read the county's dashboard again) may
    // stay.
    const READING: [&str; 3] = ["print", "report-export", "county-retry"];
    for (hash, marker) in [
        // The county's dashboard is read from the server, which this test has not.
        ("#/campaign/dashboard".to_owned(), "county-error"),
        ("#/campaign/candidates".to_owned(), "candidate-table"),
        // The county's pipeline, report, ranking, contacts table, meetings and inspections are
        // one town's, from the server, too (`a_county_reads_one_towns_report_pipeline_and_ranking_…`).
        ("#/campaign/pipeline".to_owned(), "county-error"),
        ("#/campaign/candidate/new".to_owned(), "new-candidate-read-only"),
        (format!("#/campaign/candidate/{id}"), "candidate-history"),
        ("#/campaign/contacts".to_owned(), "county-error"),
        (format!("#/campaign/contacts/{id}"), "contact-log"),
        ("#/campaign/bases".to_owned(), "base-row"),
        (format!("#/campaign/base/{base}"), "visit-table"),
        ("#/campaign/funding".to_owned(), "funding-table"),
        ("#/campaign/meetings".to_owned(), "county-error"),
        ("#/campaign/inspections".to_owned(), "county-error"),
        ("#/campaign/assessment".to_owned(), "county-error"),
        ("#/campaign/notices".to_owned(), "notice-item"),
        // Every town's settings share one record id: the county is shown none.
        ("#/campaign/settings".to_owned(), "county-no-totals"),
        ("#/campaign/report".to_owned(), "county-error"),
        // Only applied: no display card before 镇党委审定 (issue 11), the screen says so.
        (format!("#/campaign/card/{id}"), "card-not-approved"),
        ("#/campaign/branches".to_owned(), "branch-row"),
    ] {
        location.set_hash(&hash).unwrap();
        wait_for(&hash, || mine(marker) == 1 && mine("read-only-note") == 1).await;
        let saves = described(
            "#county-app .campaign [data-testid$=\"-save\"],
             #county-app .campaign [data-testid^=\"rubric-save\"]",
        );
        assert!(saves.is_empty(), "{hash}: save buttons {saves:?}");
        let buttons: Vec<String> = described("#county-app .campaign button:enabled")
            .into_iter()
            .filter(|b| !READING.contains(&b.as_str()))
            .collect();
        assert!(buttons.is_empty(), "{hash}: enabled buttons {buttons:?}");
        let fields = described(
            "#county-app .campaign input:enabled:not([type=\"search\"]),
             #county-app .campaign textarea:enabled",
        );
        assert!(fields.is_empty(), "{hash}: editable fields {fields:?}");
    }
    // The profile says why instead of offering steps; the data is all there to read.
    assert_eq!(mine("candidate-actions-read-only"), 0, "not on the branch screen");
    location.set_hash(&format!("#/campaign/candidate/{id}")).unwrap();
    wait_for("the profile's read-only line", || mine("candidate-actions-read-only") == 1).await;
    assert!(described("#county-app [data-testid^=\"action-\"]").is_empty());
    // The transfer screen: exporting is reading; importing is not offered.
    location.set_hash("#/transfer").unwrap();
    wait_for("the transfer screen", || mine("export-button") == 1).await;
    wait_for("no import for a reader", || mine("import-read-only") == 1).await;
    assert_eq!(mine("import-file"), 0);
    // Nothing the county viewer looked at was queued.
    assert_eq!(store.outbox_len().await.unwrap(), 8, "only the office's own writes");
}

#[wasm_bindgen_test]
async fn branches_are_made_renamed_retired_and_free_text_values_adopted() {
    use field::components::branch_picker::load_picker;
    use field::services::branches::{overview, save_branch};
    use shared::branches::{OptionState, adopt, new_branch, picker_options};
    use shared::model::{Branch, BranchKind};
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    // A member recorded with the old free-text branch "b1".
    member(&store, "张三").await;
    let o = overview(&store).await.unwrap();
    assert_eq!(o.unmatched.len(), 1);
    assert_eq!((o.unmatched[0].value.as_str(), o.unmatched[0].records), ("b1", 1));

    // 建立为支部: the text becomes the code; the member belongs to it with nothing rewritten.
    let adopted = Uuid::now_v7();
    let mut b1 = adopt("b1");
    b1.name = "东沙村党支部".into();
    b1.kind = Some(BranchKind::Village);
    save_branch(&store, &office, adopted, b1).await.unwrap();
    let o = overview(&store).await.unwrap();
    assert!(o.unmatched.is_empty());
    assert_eq!(o.counts.get("b1"), Some(&1));

    // A branch made in the app: its code is its record id.
    let west = Uuid::now_v7();
    let mut b2 = new_branch(west, "西沙村党支部");
    b2.kind = Some(BranchKind::Village);
    b2.code.clear();
    save_branch(&store, &office, west, b2.clone()).await.unwrap();
    let saved: Branch = data::get(&store, west).await.unwrap();
    assert_eq!(saved.code, west.to_string());
    // A second branch of the same name is refused.
    let err = save_branch(&store, &office, Uuid::now_v7(), b2).await.unwrap_err();
    assert!(err.to_string().contains("已有名为"), "{err}");

    // Renaming keeps the code; retiring keeps the branch but no longer offers it. The retiring
    // writes only that, on the branch as stored: the rename is kept though the screen that
    // retires showed the branch before it (`set_retired`).
    let mut renamed = saved.clone();
    renamed.name = "西沙村党总支".into();
    save_branch(&store, &office, west, renamed.clone()).await.unwrap();
    field::services::branches::set_retired(&store, &office, west, true).await.unwrap();
    let again: Branch = data::get(&store, west).await.unwrap();
    assert_eq!(
        (again.code.as_str(), again.name.as_str(), again.retired),
        (west.to_string().as_str(), "西沙村党总支", true)
    );
    let picker = load_picker(&store, office.signed_in.then(|| office.account.clone())).await;
    let offered = picker_options(picker.account.as_ref(), EntityKind::Person, &picker.branches, "");
    assert_eq!(offered.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(), ["b1"]);
    let kept = picker_options(
        picker.account.as_ref(),
        EntityKind::Person,
        &picker.branches,
        &west.to_string(),
    );
    assert_eq!((kept[0].state, kept[0].name.as_str()), (OptionState::Retired, "西沙村党总支"));

    // Branches are town-wide records in the outbox (they sync like everything else)…
    let queued = store.outbox_batch(50).await.unwrap();
    let branch_ops = queued.iter().filter(|e| e.op.entity == EntityKind::Branch).count();
    assert_eq!(branch_ops, 4);
    assert!(
        queued
            .iter()
            .filter(|e| e.op.entity == EntityKind::Branch)
            .all(|e| e.op.branch_id.is_empty())
    );
    // …and only the office writes them.
    sign_in(&store, "调查员", Role::Surveyor).await;
    let surveyor = session_of(&store).await;
    let err = save_branch(&store, &surveyor, Uuid::now_v7(), adopt("新村")).await.unwrap_err();
    assert_eq!(err, CampaignError::NotAllowed);
}

#[wasm_bindgen_test]
async fn the_survey_form_offers_the_accounts_branches_and_preselects_the_only_one() {
    use shared::model::{Branch, BranchKind};
    use wasm_bindgen::JsCast;
    let store = fresh().await;
    let branch = |name: &str, code: &str| Branch {
        name: name.into(),
        code: code.into(),
        kind: Some(BranchKind::Village),
        ..Default::default()
    };
    put(&store, Uuid::now_v7(), "", &branch("东沙村党支部", "b1")).await;
    put(&store, Uuid::now_v7(), "", &branch("西沙村党支部", "b2")).await;
    sign_in(&store, "调查员小王", Role::Surveyor).await; // branches: ["b1"]
    let queued = store.outbox_len().await.unwrap();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let _handle = mount_app(&store, None);
    wait_for("the branch picker", || by_testid("survey-branch-id").is_some()).await;
    let select: web_sys::HtmlSelectElement =
        by_testid("survey-branch-id").unwrap().unchecked_into();
    assert_eq!(select.tag_name(), "SELECT", "chosen, not typed");
    assert_eq!(select.value(), "b1", "the surveyor's only branch is chosen");
    let offered = described("[data-testid=\"survey-branch-id\"] option[value]:not([value=\"\"])");
    assert_eq!(offered, ["东沙村党支部"], "the other branch is not the surveyor's");
    // Preselecting is not an edit: the form is not marked changed, nothing is queued.
    assert_eq!(by_testid("save-state").unwrap().inner_text(), "");
    assert_eq!(store.outbox_len().await.unwrap(), queued);

    // The form re-renders its inputs on every change: the field being typed in stays the same
    // element (keeps the focus), and the picker keeps its branch.
    let name: web_sys::HtmlInputElement = by_testid("survey-name").unwrap().unchecked_into();
    name.focus().unwrap();
    name.set_value("王");
    name.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    wait_for("the form to see the change", || {
        by_testid("save-state").is_some_and(|s| !s.inner_text().is_empty())
    })
    .await;
    let again = by_testid("survey-name").unwrap();
    assert!(name.is_connected() && name.is_same_node(Some(&again)), "the input was replaced");
    let select: web_sys::HtmlSelectElement =
        by_testid("survey-branch-id").unwrap().unchecked_into();
    assert_eq!(select.value(), "b1");
}

#[wasm_bindgen_test]
async fn the_dashboard_says_what_the_town_has_not_set_up_instead_of_zeros() {
    use chrono::Datelike;
    // A town on the seed's plan (2012–2015), with no branch records.
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let _handle = mount_app(&store, None);
    web_sys::window().unwrap().location().set_hash("#/campaign/dashboard").unwrap();
    wait_for("the set-up gaps", || by_testid("setup-gaps").is_some()).await;
    let said = by_testid("setup-gaps").unwrap().inner_text();
    let year = chrono::Local::now().year();
    assert!(said.contains("尚未设置支部"), "{said}");
    assert!(said.contains(&format!("今年（{year}年）不在活动年限 2012–2015 内")), "{said}");
    assert!(!said.contains("branch") && !said.contains("campaign"), "no keys: {said}");
}

#[wasm_bindgen_test]
async fn the_campaign_services_check_before_saving_and_take_branches_from_the_records() {
    use shared::model::{Assessment, CommendationAction, CommendationStage, Meeting, Visit};
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let today = NaiveDate::from_ymd_opt(2013, 5, 1).unwrap();

    // put: the same checks the server makes, before anything reaches the outbox.
    let before = store.outbox_len().await.unwrap();
    let bad = Meeting {
        branch_id: "b1".into(),
        date: Some(today),
        attended: Some(9),
        expected: Some(5),
        topics: "动员".into(),
    };
    let refused = data::put(&store, &office, Uuid::now_v7(), "b1", &bad, today).await.unwrap_err();
    assert!(
        matches!(&refused, CampaignError::Invalid(e) if e.iter().any(|e| e.field == "attended")),
        "{refused}"
    );
    assert_eq!(store.outbox_len().await.unwrap(), before, "a refused form queues nothing");
    let good = Meeting { attended: Some(5), ..bad };
    let meeting = data::put(&store, &office, Uuid::now_v7(), "b1", &good, today).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), before + 1);

    // remove: the branch is the stored record's; a surveyor of another branch may not.
    sign_in_as(
        &store,
        json!({"username": "w", "display_name": "王", "role": "surveyor", "branches": ["b2"]}),
    )
    .await;
    let outsider = session_of(&store).await;
    let err = data::remove::<Meeting>(&store, &outsider, meeting).await.unwrap_err();
    assert_eq!(err, CampaignError::NotAllowed);
    data::remove::<Meeting>(&store, &office, meeting).await.unwrap();
    assert!(store.get(EntityKind::Meeting, meeting).await.unwrap().unwrap().is_deleted());
    assert_eq!(
        data::remove::<Meeting>(&store, &office, Uuid::now_v7()).await.unwrap_err(),
        CampaignError::NotFound
    );

    // record_visit: the visit belongs to its first attendee's branch.
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let candidate = applied(&store, Category::VillageLeader).await;
    let visit = Visit {
        base_id: Uuid::now_v7(),
        date: Some(today),
        attendees: vec![candidate],
        content: "学到的经验".into(),
        ..Default::default()
    };
    let visit_id = data::record_visit(&store, &office, &visit, today).await.unwrap();
    assert_eq!(store.get(EntityKind::Visit, visit_id).await.unwrap().unwrap().branch_id, "b1");

    // begin_scoring + commend: a snapshot sheet; the town review needs every score.
    let rubric = field::logic::campaign::rubric::template(Category::VillageLeader);
    let rubric_id = field::logic::campaign::rubric::rubric_id(Category::VillageLeader);
    let sheet_id = data::begin_scoring(
        &store,
        &office,
        candidate,
        "b1",
        2013,
        (rubric_id, rubric.clone()),
        today,
    )
    .await
    .unwrap();
    let sheet: Assessment = data::get(&store, sheet_id).await.unwrap();
    assert_eq!(sheet.criteria, rubric.criteria);
    let at = at(5, 2);
    let untouched = data::Edit { before: sheet.clone(), after: sheet.clone() };
    let incomplete = data::commend(
        &store,
        &office,
        (sheet_id, "b1"),
        &untouched,
        CommendationAction::TownReview,
        "",
        at,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(incomplete, CampaignError::Workflow(WorkflowError::ScoresIncomplete(_))),
        "{incomplete}"
    );
    let mut scored = sheet.clone();
    for c in &rubric.criteria {
        scored.scores.insert(c.key.clone(), c.max_score);
    }
    data::commend(
        &store,
        &office,
        (sheet_id, "b1"),
        &data::Edit { before: sheet.clone(), after: scored },
        CommendationAction::TownReview,
        "",
        at,
    )
    .await
    .unwrap();
    let reviewed: Assessment = data::get(&store, sheet_id).await.unwrap();
    assert_ne!(reviewed.stage, CommendationStage::default());
    assert_eq!(reviewed.history.len(), 1);
}

/// A commendation step taken on a score sheet whose screen was loaded before another office
/// device saved its scores keeps those scores: the step is taken on the sheet as stored and
/// writes only its own fields, after the scores typed here (none). Before, the screen's whole
/// copy was written, so the other device's scores went back to empty without a word.
#[wasm_bindgen_test]
async fn a_commendation_step_keeps_the_scores_another_device_saved_meanwhile() {
    use shared::model::{Assessment, CommendationAction, CommendationStage};
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let candidate = applied(&store, Category::VillageLeader).await;
    let rubric = field::logic::campaign::rubric::template(Category::VillageLeader);
    let rubric_id = field::logic::campaign::rubric::rubric_id(Category::VillageLeader);
    let today = chrono::NaiveDate::from_ymd_opt(2013, 5, 2).unwrap();
    let sheet_id = data::begin_scoring(
        &store,
        &office,
        candidate,
        "b1",
        2013,
        (rubric_id, rubric.clone()),
        today,
    )
    .await
    .unwrap();
    // The screen loads the sheet, unscored.
    let on_screen: Assessment = data::get(&store, sheet_id).await.unwrap();
    // Another office device scores every criterion; its change arrives by a pull.
    let scores: serde_json::Map<String, serde_json::Value> =
        rubric.criteria.iter().map(|c| (c.key.clone(), json!(c.max_score))).collect();
    set_elsewhere(&store, EntityKind::Assessment, sheet_id, "scores", scores.into()).await;
    let untouched = data::Edit { before: on_screen.clone(), after: on_screen };
    data::commend(
        &store,
        &office,
        (sheet_id, "b1"),
        &untouched,
        CommendationAction::TownReview,
        "",
        at(5, 2),
    )
    .await
    .expect("the stored sheet is fully scored: the town review is taken on it");
    let stored: Assessment = data::get(&store, sheet_id).await.unwrap();
    assert_eq!(stored.stage, CommendationStage::TownReviewed);
    assert_eq!(stored.scores.len(), rubric.criteria.len(), "the other device's scores are kept");
    assert_eq!(stored.history.len(), 1);
}

/// A few fields written from a record read just before (a commendation step, a branch retired):
/// a change of one of them that arrives between the read and the write (a pull) is kept as a
/// conflict and said, not put back unseen.
#[wasm_bindgen_test]
async fn fields_written_from_a_record_just_read_keep_a_change_made_in_between_as_a_conflict() {
    use shared::model::{Branch, BranchKind};
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let office = session_of(&store).await;
    let id = Uuid::now_v7();
    let branch = Branch {
        name: "东沙村党支部".into(),
        kind: Some(BranchKind::Village),
        ..Default::default()
    };
    field::services::branches::save_branch(&store, &office, id, branch).await.unwrap();
    let (read, mut retired) = data::read::<Branch>(&store, id).await.unwrap();
    // Another office device retires it meanwhile (having seen it as stored); the change arrives
    // by a pull between this read and the write.
    set_elsewhere(&store, EntityKind::Branch, id, "retired", json!(true)).await;
    retired.retired = false;
    let conflicts =
        data::save_fields(&store, &office, (id, ""), &read, &retired, &["retired"]).await.unwrap();
    assert_eq!(conflicts.len(), 1, "the change in between is kept as a conflict: {conflicts:?}");
    assert_eq!(conflicts[0].field, "retired");
}

/// Another device sets `field` of the stored record `kind`/`id` to "另一台改的", having seen the
/// record as stored, and the change arrives here as a pull would (a minute in the future).
async fn changed_elsewhere(store: &Store, kind: EntityKind, id: Uuid, field: &str) {
    set_elsewhere(store, kind, id, field, json!("另一台改的")).await;
}

/// Another device sets `field` of the stored record `kind`/`id` to `value`, having seen the
/// record as stored; the change arrives here as a pull would (a minute in the future).
async fn set_elsewhere(
    store: &Store,
    kind: EntityKind,
    id: Uuid,
    field: &str,
    value: serde_json::Value,
) {
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};
    let record = store.get(kind, id).await.unwrap().unwrap();
    let elsewhere = OpContext { device_id: Uuid::new_v4(), author: "另一台".into() };
    let change = Operation::upsert(
        &elsewhere,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "other"),
        kind,
        id,
        &record.branch_id,
        Some(&record),
        vec![(field.to_owned(), value)],
    );
    store.apply_remote(&[change]).await.unwrap();
}

/// Two office devices revising one category's rubric: the second, whose screen still showed the
/// version before the first one's revision (pulled while it was open), replaced the first one's
/// criteria without a word and saved under the same version number, which score sheets keep
/// with their copy of the criteria. Now its version is past both, and the criteria it replaced
/// are kept as a conflict for the office and said.
#[wasm_bindgen_test]
async fn a_rubric_revised_on_two_office_devices_keeps_both_revisions_apart() {
    use field::logic::campaign::rubric::{rubric_id, template};
    use shared::model::{Criterion, Rubric};
    use shared::scoring::revise_rubric;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let session = session_of(&store).await;
    let category = Category::VillageLeader;
    let id = rubric_id(category);
    let plan = template(category);
    let first = revise_rubric(&plan, plan.criteria.clone());
    let edit = data::Edit { before: plan, after: first };
    data::save_rubric(&store, &session, category, &edit, at(3, 1).date()).await.unwrap();
    let shown: Rubric = data::get(&store, id).await.unwrap();
    assert_eq!(shown.version, 1);

    // Another office device's revision 2, pulled while this screen shows revision 1.
    let mut theirs = shown.criteria.clone();
    theirs[0].label = "另一台改的细则".into();
    let stored = store.get(EntityKind::Rubric, id).await.unwrap().unwrap();
    let elsewhere = shared::op::OpContext { device_id: Uuid::new_v4(), author: "另一台".into() };
    let revision = shared::op::Operation::upsert(
        &elsewhere,
        shared::hlc::Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "other"),
        EntityKind::Rubric,
        id,
        "",
        Some(&stored),
        vec![("version".into(), json!(2)), ("criteria".into(), json!(theirs))],
    );
    store.apply_remote(&[revision]).await.unwrap();

    // This screen's revision, over the revision 1 it shows.
    let mut ours = shown.criteria.clone();
    ours.push(Criterion {
        key: "c9".into(),
        label: "带富能力".into(),
        weight: 1.0,
        max_score: 10.0,
    });
    let after = revise_rubric(&shown, ours.clone());
    assert_eq!(after.version, 2, "what the screen counts: the number the other revision took");
    let edit = data::Edit { before: shown, after };
    let edited =
        data::save_rubric(&store, &session, category, &edit, at(3, 2).date()).await.unwrap();
    let saved: Rubric = data::get(&store, id).await.unwrap();
    assert_eq!(saved.version, 3, "a number of its own");
    assert_eq!(saved.criteria, ours);
    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "only the criteria, not the number: {conflicts:?}");
    assert_eq!(conflicts[0].field, "criteria");
    let kept: Vec<Criterion> = serde_json::from_value(conflicts[0].loser_value.clone()).unwrap();
    assert_eq!(kept, theirs, "the other revision is kept");
    assert_eq!(edited.overwritten.len(), 1, "and said: {edited:?}");
    let (label, said) = &edited.overwritten[0];
    assert_eq!(label, "考核细则");
    assert!(said.starts_with("另一台改的细则（权重 1，满分 10）；"), "read as criteria: {said}");
    let listed = field::services::conflicts::listing(&store, None).await;
    let title = &listed.open[0].title;
    assert!(title.ends_with(" · 考核细则") && !title.contains("未填"), "named: {title}");

    // Revised again over what it saved: an ordinary edit, the next number.
    let again = revise_rubric(&saved, saved.criteria[1..].to_vec());
    let edit = data::Edit { before: saved, after: again };
    let edited =
        data::save_rubric(&store, &session, category, &edit, at(3, 3).date()).await.unwrap();
    assert!(edited.overwritten.is_empty());
    let saved: Rubric = data::get(&store, id).await.unwrap();
    assert_eq!(saved.version, 4);
    assert_eq!(store.conflicts().await.unwrap().len(), 1);
}

/// A change another device made to an office record while its screen was open survives the
/// screen's save of something else: a demonstration base (`put_edit`, what the base, campaign,
/// inspection and score-sheet screens save with) and a candidate's profile (`save_profile`).
/// Before, the screen's copy of every field was written back over it, without a word.
#[wasm_bindgen_test]
async fn an_office_screen_saves_what_was_changed_on_it_and_keeps_a_change_made_elsewhere() {
    use shared::model::Base;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let session = session_of(&store).await;

    let id = Uuid::now_v7();
    let opened =
        Base { name: "海水养殖基地".into(), industry: "渔业".into(), ..Default::default() };
    put(&store, id, "", &opened).await;
    changed_elsewhere(&store, EntityKind::Base, id, "address").await;
    let after = Base { notes: "可容纳三十人".into(), ..opened.clone() };
    let edit = data::Edit { before: opened, after };
    data::put_edit(&store, &session, id, "", &edit, at(3, 2).date()).await.unwrap();
    let base: Base = data::get(&store, id).await.unwrap();
    assert_eq!(base.notes, "可容纳三十人");
    assert_eq!(base.address, "另一台改的", "the other device's address is kept");

    let candidate = applied(&store, Category::VillageLeader).await;
    let opened: Candidate = data::get(&store, candidate).await.unwrap();
    changed_elsewhere(&store, EntityKind::Candidate, candidate, "notes").await;
    let after = Candidate { contact_person: "镇渔农办 李主任".into(), ..opened.clone() };
    let edit = data::Edit { before: opened, after };
    data::save_profile(&store, &session, candidate, &edit, at(3, 2).date()).await.unwrap();
    let saved: Candidate = data::get(&store, candidate).await.unwrap();
    assert_eq!(saved.contact_person, "镇渔农办 李主任");
    assert_eq!(saved.notes, "另一台改的", "the other device's notes are kept");
    assert!(store.conflicts().await.unwrap().is_empty(), "nothing was typed over");
}

/// A field an office screen shows, changed elsewhere while the screen was open and then typed
/// over on it: the screen's value is saved (the later write), the change it never showed is kept
/// as a conflict for the office, and the save names it. Typed again over its own save, and a
/// field nobody else changed, are ordinary edits.
#[wasm_bindgen_test]
async fn an_office_screen_typing_over_a_change_it_never_showed_keeps_that_change_as_a_conflict() {
    use shared::model::Base;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let session = session_of(&store).await;

    let id = Uuid::now_v7();
    let opened = Base {
        name: "海水养殖基地".into(),
        industry: "渔业".into(),
        address: "东沙村".into(),
        ..Default::default()
    };
    put(&store, id, "", &opened).await;
    changed_elsewhere(&store, EntityKind::Base, id, "address").await;
    let after =
        Base { address: "西沙村".into(), notes: "新建冷库".into(), ..opened.clone() };
    let edit = data::Edit { before: opened, after: after.clone() };
    let edited = data::put_edit(&store, &session, id, "", &edit, at(3, 2).date()).await.unwrap();
    let base: Base = data::get(&store, id).await.unwrap();
    assert_eq!((base.address.as_str(), base.notes.as_str()), ("西沙村", "新建冷库"));
    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(
        (conflicts[0].field.as_str(), &conflicts[0].loser_value),
        ("address", &json!("另一台改的"))
    );
    assert_eq!(edited.overwritten.len(), 1);
    assert_eq!(edited.overwritten[0].1, "另一台改的", "the save says what it overwrote");
    // The screen's next save, over what it saved: no conflict.
    let again =
        data::Edit { before: after.clone(), after: Base { address: "北沙村".into(), ..after } };
    let edited = data::put_edit(&store, &session, id, "", &again, at(3, 3).date()).await.unwrap();
    assert!(edited.overwritten.is_empty());

    let candidate = applied(&store, Category::VillageLeader).await;
    let opened: Candidate = data::get(&store, candidate).await.unwrap();
    changed_elsewhere(&store, EntityKind::Candidate, candidate, "notes").await;
    let after = Candidate { notes: "镇里要求补充材料".into(), ..opened.clone() };
    let edit = data::Edit { before: opened, after };
    let edited =
        data::save_profile(&store, &session, candidate, &edit, at(3, 2).date()).await.unwrap();
    let saved: Candidate = data::get(&store, candidate).await.unwrap();
    assert_eq!(saved.notes, "镇里要求补充材料");
    assert_eq!(edited.overwritten.len(), 1, "{edited:?}");
    assert_eq!(store.conflicts().await.unwrap().len(), 2);
}

/// The visit form's photo picker is the survey's: a photo still being processed when the base's
/// page is left anyway (asked first; its visit form disposed) is said not added, and the app lives on (reading the
/// disposed form panicked, which aborts the whole app).
#[wasm_bindgen_test]
async fn a_visit_photo_processed_after_the_base_page_was_left_is_said_not_added() {
    use shared::model::Base;
    let store = fresh().await;
    sign_in(&store, "镇组织办", Role::TownOffice).await;
    let base = Uuid::now_v7();
    let value =
        Base { name: "海水养殖基地".into(), industry: "渔业".into(), ..Default::default() };
    put(&store, base, "", &value).await;
    let location = web_sys::window().unwrap().location();
    location.set_hash(&format!("#/campaign/base/{base}")).unwrap();
    let _app = mount_app(&store, Some("visit-photo"));
    wait_for("the visit form", || by_testid("visit-photo-input").is_some()).await;
    page::answer_confirm(true);
    page::pick(&by_testid("visit-photo-input").unwrap(), &page::camera_photo());
    wait_for("the question to ask", || field::pwa::UnsavedInput::leave_question().is_some()).await;
    // Left at once, while the photo is being processed (asked first, and leaving anyway).
    location.set_hash("#/people").unwrap();
    wait_for("the people list", || by_testid("people-count").is_some()).await;
    for _ in 0..200 {
        if by_testid("app-message").is_some() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let said = by_testid("app-message").expect("the photo not added is said").inner_text();
    assert!(said.contains(field::i18n::PHOTO_NOT_ADDED.get()), "{said}");
    // The app still works.
    location.set_hash(&format!("#/campaign/base/{base}")).unwrap();
    wait_for("the base again", || by_testid("visit-photo-input").is_some()).await;
}

/// One town's campaign on `store`: its settings (fixed id, village-leader target `target`),
/// `approved` village-leader candidates approved by the town this year, each with a score
/// sheet, and `kept` members kept for next year's pipeline, all of branch `branch`.
async fn town_campaign(
    store: &Store,
    town: &str,
    branch: &str,
    target: u32,
    approved: usize,
    kept: usize,
) {
    use chrono::Datelike as _;
    use shared::model::{Assessment, Campaign, CategoryTarget};
    let year = field::logic::forms::today().year();
    let targets = std::collections::BTreeMap::from([(
        Category::VillageLeader,
        CategoryTarget { total: target, per_year: Default::default() },
    )]);
    let campaign = Campaign {
        name: "四争一树".into(),
        town: town.into(),
        start_year: year,
        years: 3,
        targets,
    };
    put(store, Campaign::RECORD_ID, "", &campaign).await;
    let candidate = |state, pipeline| Candidate {
        person_id: Uuid::now_v7(),
        branch_id: branch.into(),
        category: Some(Category::VillageLeader),
        year,
        state,
        pipeline,
        ..Default::default()
    };
    for k in 0..approved {
        let id = Uuid::now_v7();
        put(store, id, branch, &candidate(ApplicationState::TownApproved, false)).await;
        let sheet = Assessment {
            candidate_id: id,
            year,
            category: Some(Category::VillageLeader),
            criteria: vec![shared::model::Criterion {
                key: "k".into(),
                label: "实绩".into(),
                weight: 1.0,
                max_score: 100.0,
            }],
            scores: [("k".to_owned(), 50.0 + k as f64)].into(),
            ..Default::default()
        };
        put(store, Uuid::now_v7(), branch, &sheet).await;
    }
    for _ in 0..kept {
        put(store, Uuid::now_v7(), branch, &candidate(ApplicationState::Applied, true)).await;
    }
}

/// The records a server would answer for one town (`GET /api/v1/campaign/records`).
async fn records_of(store: &Store) -> Vec<shared::record::Record> {
    let mut records = Vec::new();
    for kind in shared::county::CAMPAIGN_KINDS {
        records.extend(store.list(kind).await.unwrap());
    }
    records
}

/// The figures a screen shows of `data` (by the shared rules the screens use): village
/// leaders approved (通报), next year's pipeline (梯队) and ranked (考核评价).
fn figures(data: &field::services::campaign::CampaignData) -> (u32, u32, usize) {
    use chrono::Datelike as _;
    use shared::rules::{ReportInput, pipeline, work_report};
    let today = field::logic::forms::today();
    let (contacts, meetings, inspections) =
        (data.contact_logs(), data.meeting_list(), data.inspection_list());
    let input = ReportInput {
        campaign: &data.campaign,
        branches: &data.branches,
        candidates: &data.candidates,
        contacts: &contacts,
        meetings: &meetings,
        inspections: &inspections,
        year: today.year(),
    };
    let report = work_report(&input, today);
    let approved = report
        .progress
        .iter()
        .find(|p| p.category == Category::VillageLeader)
        .map(|p| p.approved)
        .unwrap();
    let kept = pipeline(&data.campaign, &data.candidates, today.year() + 1)
        .totals
        .iter()
        .find(|t| t.category == Category::VillageLeader)
        .map(|t| t.count.total())
        .unwrap();
    let ranked = shared::scoring::rank_scored(
        &data.assessments,
        &data.candidates,
        Category::VillageLeader,
        today.year(),
    )
    .len();
    (approved as u32, kept as u32, ranked)
}

/// Answer the app's `fetch` of the county endpoints with `towns` and each town's records
/// (everything else goes to the real `fetch`); [`unmock_fetch`] undoes it.
fn mock_fetch(towns: &[&str], records: &[(&str, Vec<shared::record::Record>)]) {
    let list = json!({"towns": towns.iter().map(|t| json!({"name": t})).collect::<Vec<_>>()});
    let by_town: serde_json::Map<String, serde_json::Value> =
        records.iter().map(|(t, r)| ((*t).to_owned(), json!({"town": t, "records": r}))).collect();
    let install = js_sys::Function::new_with_args(
        "towns, byTown",
        "window.__realFetch = window.__realFetch || window.fetch;
         const answer = (body, status) => Promise.resolve(new Response(body, {status, headers: {'content-type': 'application/json'}}));
         const byName = JSON.parse(byTown);
         window.fetch = function (req, init) {
           const u = new URL(typeof req === 'string' ? req : req.url, location.href);
           if (u.pathname === '/api/v1/towns') return answer(towns, 200);
           if (u.pathname === '/api/v1/campaign/records') {
             const candidate = u.searchParams.get('candidate');
             if (candidate && !u.searchParams.get('town')) {
               const t = Object.values(byName).find((t) => t.records.some((r) => r.entity === 'candidate' && r.id === candidate));
               return t ? answer(JSON.stringify(t), 200) : answer('{\"error\":{\"code\":\"candidate_not_found\"}}', 404);
             }
             const t = byName[u.searchParams.get('town')];
             return t ? answer(JSON.stringify(t), 200) : answer('{\"error\":{\"code\":\"town_not_found\"}}', 404);
           }
           return window.__realFetch(req, init);
         };",
    );
    install
        .call2(
            &wasm_bindgen::JsValue::NULL,
            &list.to_string().into(),
            &serde_json::Value::Object(by_town).to_string().into(),
        )
        .unwrap();
}

fn unmock_fetch() {
    js_sys::Function::new_no_args("if (window.__realFetch) window.fetch = window.__realFetch;")
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_county_reads_one_towns_report_pipeline_and_ranking_never_every_towns_summed() {
    let (east, west, county) = (fresh().await, fresh().await, fresh().await);
    // Two towns with the same branch code; the county's tablet pulled both (its store holds
    // every town's records, and the settings of whichever town wrote last).
    town_campaign(&east, "东镇", "b1", 10, 2, 1).await;
    town_campaign(&west, "西镇", "b1", 20, 3, 2).await;
    town_campaign(&county, "东镇", "b1", 10, 2, 1).await;
    town_campaign(&county, "西镇", "b1", 20, 3, 2).await;
    let of =
        |records: &[shared::record::Record]| figures(&field::services::campaign::data_of(records));
    let (east_records, west_records) = (records_of(&east).await, records_of(&west).await);
    let (a, b, mixed) = (of(&east_records), of(&west_records), of(&records_of(&county).await));
    assert_eq!(a, (2, 1, 2), "东镇's own figures");
    assert_eq!(b, (3, 2, 3), "西镇's own figures");
    assert_eq!(mixed, (5, 3, 5), "what the county's own store adds up");
    // An approved candidate of 东镇, and the records again for a second answer.
    let east_approved = east_records
        .iter()
        .find(|r| r.entity == EntityKind::Candidate && r.str_field("state") == "town_approved")
        .map(|r| r.id)
        .unwrap();
    let (east_again, west_again) = (east_records.clone(), west_records.clone());
    mock_fetch(&["东镇", "西镇"], &[("东镇", east_records), ("西镇", west_records)]);

    sign_in_as(&county, json!({"username": "county", "display_name": "县委组织部", "role": "county_viewer", "branches": []})).await;
    const ROOT: &str = "county-towns-app";
    let _handle = mount_app(&county, Some(ROOT));
    let location = web_sys::window().unwrap().location();
    let vl = Category::VillageLeader.as_str();
    let pick = |picker: &str, town: &str| set_value(&find(ROOT, picker).unwrap(), town, "change");
    let shown = |town: &str| text(ROOT, "county-town-shown").contains(town);

    // 工作情况通报: the first town's, then the other's when picked; never the sum.
    location.set_hash("#/campaign/report").unwrap();
    let approved = format!("report-approved-{vl}");
    wait_for("东镇's report", || shown("东镇") && text(ROOT, &approved) == a.0.to_string()).await;
    assert_eq!(text(ROOT, &format!("report-pipeline-{vl}")), a.1.to_string());
    pick("report-town", "西镇");
    wait_for("西镇's report", || shown("西镇") && text(ROOT, &approved) == b.0.to_string()).await;
    assert_eq!(text(ROOT, &format!("report-pipeline-{vl}")), b.1.to_string());
    assert!(text(ROOT, "report-issuer").contains("西镇"), "西镇's own settings");

    // 梯队: counted against the picked town's targets.
    location.set_hash("#/campaign/pipeline").unwrap();
    let total = format!("pipeline-total-{vl}");
    wait_for("东镇's pipeline", || shown("东镇") && text(ROOT, &total) == a.1.to_string()).await;
    pick("pipeline-town", "西镇");
    wait_for("西镇's pipeline", || shown("西镇") && text(ROOT, &total) == b.1.to_string()).await;

    // 考核评价: one town's ranking.
    location.set_hash("#/campaign/assessment").unwrap();
    let rows = || described(&format!("#{ROOT} [data-testid=\"ranking-row\"]")).len();
    wait_for("东镇's ranking", || {
        shown("东镇") && find(ROOT, "assessment-ranking").is_some() && rows() == a.2
    })
    .await;
    pick("assessment-town", "西镇");
    wait_for("西镇's ranking", || shown("西镇") && rows() == b.2).await;
    gloo_timers::future::TimeoutFuture::new(100).await;
    assert_eq!(rows(), b.2, "never both towns' sheets");
    assert!(find(ROOT, "assessment-no-rubric").is_none(), "the county begins no scoring");

    // One candidate's display card and contacts: their own town's (the county's store holds
    // 西镇's settings, written last, under the id every town's settings have).
    location.set_hash(&format!("#/campaign/card/{east_approved}")).unwrap();
    wait_for("东镇's card", || text(ROOT, "card-foot") == "中共东镇委员会").await;
    assert!(shown("东镇"));
    location.set_hash(&format!("#/campaign/contacts/{east_approved}")).unwrap();
    let contact_rows = || described(&format!("#{ROOT} [data-testid=\"contact-row\"]")).len();
    wait_for("东镇's contacts", || shown("东镇") && contact_rows() == 3).await;
    // Without the server: this device's records, saying why and that the settings may be
    // another town's, with 重试.
    unmock_fetch();
    mock_fetch(&["东镇", "西镇"], &[]);
    location.set_hash(&format!("#/campaign/card/{east_approved}")).unwrap();
    wait_for("the card's error", || find(ROOT, "county-error").is_some()).await;
    assert!(find(ROOT, "county-retry").is_some() && find(ROOT, "county-local").is_some());
    // (This device's store here was filled on its own, under other ids: not found in it.)
    wait_for("the card from this device", || find(ROOT, "card-not-found").is_some()).await;
    unmock_fetch();
    mock_fetch(&["东镇", "西镇"], &[("东镇", east_again), ("西镇", west_again)]);

    // 总览 keeps its picker; the screens read from the county's own store say they total
    // nothing.
    location.set_hash("#/campaign/dashboard").unwrap();
    wait_for("the dashboard's picker", || find(ROOT, "dashboard-town").is_some()).await;
    location.set_hash("#/campaign/candidates").unwrap();
    wait_for("the candidate list", || find(ROOT, "candidate-table").is_some()).await;
    assert!(find(ROOT, "county-mixed-note").is_some());
    assert!(find(ROOT, "candidate-count").is_none(), "no count across towns");
    location.set_hash("#/campaign/funding").unwrap();
    wait_for("the funding note", || find(ROOT, "county-no-totals").is_some()).await;
    assert!(find(ROOT, "funding-totals").is_none());
    // The people list counts every town's members together, and says so.
    location.set_hash("#/people").unwrap();
    wait_for("the people list's note", || find(ROOT, "county-people-note").is_some()).await;
    unmock_fetch();
}

/// A surveyor's tablet with candidate `id`: 梯队 ticked offline, the office's approval pulled
/// since, and the server's refusal of the mark set aside (its rule's words).
async fn pipeline_ticked_and_refused_after_approval()
-> (Store, Uuid, field::logic::session::Session, shared::roles::Account, Candidate) {
    use field::sync::plan::RejectedOp;
    use field::sync::rejected;
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};
    use shared::sync::OpResult;

    let store = fresh().await;
    sign_in(&store, "调查员小王", Role::Surveyor).await;
    let id = applied(&store, Category::VillageLeader).await;
    let surveyor = session_of(&store).await;
    let account = field::sync::session::load(&store).await.unwrap().unwrap().account;

    // Ticked offline, before the approval.
    let shown: Candidate = data::get(&store, id).await.unwrap();
    let ticked = Candidate { pipeline: true, ..shown.clone() };
    let edit = data::Edit { before: shown.clone(), after: ticked };
    data::save_profile(&store, &surveyor, id, &edit, at(3, 2).date()).await.unwrap();

    // The office approved meanwhile (aggregated, approved): its steps arrive by a pull.
    let mut approved = shown.clone();
    for action in [ApplicationAction::Aggregate, ApplicationAction::Approve] {
        shared::workflow::apply_transition(
            &mut approved,
            action,
            "镇组织办",
            Role::TownOffice,
            at(3, 3),
            None,
        )
        .unwrap();
    }
    let office = OpContext { device_id: Uuid::new_v4(), author: "镇组织办".into() };
    let record = store.get(EntityKind::Candidate, id).await.unwrap().unwrap();
    let fields = shared::model::Entity::to_fields(&approved).unwrap();
    let step: Vec<(String, serde_json::Value)> = fields
        .into_iter()
        .filter(|(f, _)| ["state", "history", "reason"].contains(&f.as_str()))
        .collect();
    let later = Hlc::new(js_sys::Date::now() as u64 + 1_000, 0, "office");
    let approval =
        Operation::upsert(&office, later, EntityKind::Candidate, id, "b1", Some(&record), step);
    store.apply_remote(&[approval]).await.unwrap();

    // The server refuses the queued mark, as its rule words it.
    let entries = store.outbox_all().await.unwrap();
    let aside: Vec<(u64, RejectedOp)> = entries
        .into_iter()
        .filter(|e| {
            let tick =
                |c: &shared::op::FieldChange| c.field == "pipeline" && c.value == json!(true);
            e.op.entity_id == id && e.op.changes.iter().any(tick)
        })
        .map(|e| {
            let rule =
                WorkflowError::RoleNotAllowed(shared::workflow::PIPELINE_AFTER_TOWN_APPROVAL);
            let result = OpResult::rejected(e.op.id, "workflow_refused", rule.to_string())
                .with_message(rule.message());
            (e.key, RejectedOp::from_result(e.op, &result, 0.0))
        })
        .collect();
    assert_eq!(aside.len(), 1, "the mark's change was queued");
    rejected::set_aside(&store, aside).await.unwrap();
    let held: Candidate = data::get(&store, id).await.unwrap();
    assert_eq!((held.state, held.pipeline), (ApplicationState::TownApproved, true));

    (store, id, surveyor, account, approved)
}

/// 梯队 ticked on a tablet before the town's approval reached it: the server refuses the mark
/// (once approved, only the office may change it). Once the approval arrived the tablet locked
/// the box on the refused mark, and every 重新提交 sent it again: the record stayed refused and
/// its later changes held back. Now the refused mark may be taken back (the box says so), 重新提交
/// before that says what to do instead of sending it again, and after it sends the office's mark.
#[wasm_bindgen_test]
async fn a_pipeline_mark_refused_after_the_towns_approval_can_be_taken_back_and_resubmitted() {
    use field::sync::rejected;

    let (store, id, surveyor, account, approved) =
        pipeline_ticked_and_refused_after_approval().await;
    // 重新提交 as it is: not sent again; the words say what to do.
    let again = rejected::resubmit_record(&store, &account, EntityKind::Candidate, id, "b1").await;
    let words = field::i18n::campaign::PIPELINE_TAKE_BACK_FIRST.to_string();
    assert_eq!(again, Err(rejected::ResubmitError::StillRefused(words)));
    assert_eq!(rejected::list(&store).await.unwrap().len(), 1, "still refused, still listed");

    // The profile: the box may be unticked, and says why.
    let location = web_sys::window().unwrap().location();
    location.set_hash(&format!("#/campaign/candidate/{id}")).unwrap();
    let app = mount_app(&store, Some("pipeline-take-back"));
    wait_for("the pipeline box", || find("pipeline-take-back", "candidate-pipeline").is_some())
        .await;
    let pipeline_box: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(
        find("pipeline-take-back", "candidate-pipeline").unwrap(),
    );
    assert!(!pipeline_box.disabled(), "the refused mark can be taken back");
    assert!(pipeline_box.checked());
    assert_eq!(
        text("pipeline-take-back", "candidate-pipeline-refused"),
        field::i18n::campaign::PIPELINE_REFUSED_TAKE_BACK.get()
    );
    drop(app);

    // Taken back (the office's mark): saved, though the candidacy is approved.
    let shown: Candidate = data::get(&store, id).await.unwrap();
    let back = Candidate { pipeline: false, ..shown.clone() };
    let edit = data::Edit { before: shown, after: back.clone() };
    data::save_profile(&store, &surveyor, id, &edit, at(3, 4).date()).await.unwrap();
    // Ticking it again is what the server refused: refused here too.
    let edit = data::Edit { before: back.clone(), after: Candidate { pipeline: true, ..back } };
    let err = data::save_profile(&store, &surveyor, id, &edit, at(3, 4).date()).await.unwrap_err();
    assert_eq!(
        err,
        CampaignError::Workflow(WorkflowError::RoleNotAllowed(
            shared::workflow::PIPELINE_AFTER_TOWN_APPROVAL
        ))
    );

    // 重新提交 now sends the whole record with the office's mark, and the refusal is settled.
    rejected::resubmit_record(&store, &account, EntityKind::Candidate, id, "b1").await.unwrap();
    assert!(rejected::list(&store).await.unwrap().is_empty());
    let queued = store.outbox_all().await.unwrap();
    let sent = queued.iter().rfind(|e| e.op.entity_id == id).expect("the record is queued");
    let mark = sent.op.changes.iter().find(|c| c.field == "pipeline").map(|c| c.value.clone());
    assert_eq!(mark, Some(json!(false)));
    // And the server's own rule takes it: the record as the server holds it (approved, the
    // office's mark) with the resubmission merged in changes no mark.
    let mut held = store.get(EntityKind::Candidate, id).await.unwrap().unwrap();
    let on_server = Candidate { pipeline: false, ..approved };
    held.fields.extend(shared::model::Entity::to_fields(&on_server).unwrap());
    let mut merged = held.clone();
    merged.fields.extend(sent.op.changes.iter().map(|c| (c.field.clone(), c.value.clone())));
    shared::policy::check_candidate(Role::Surveyor, Some(&held), &merged)
        .expect("the server's rule accepts the resubmission");
}

/// The office set the same 梯队 mark after refusing the tablet's: the mark is the office's now, so
/// the box stays locked without the take-back hint, and 重新提交 sends the record as it is.
#[wasm_bindgen_test]
async fn a_refused_pipeline_mark_the_office_set_since_is_the_offices() {
    use field::sync::rejected;
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};

    let (store, id, _, account, _) = pipeline_ticked_and_refused_after_approval().await;
    assert_eq!(data::profile(&store, id).await.unwrap().pipeline_refused, Some(true));
    let office = OpContext { device_id: Uuid::new_v4(), author: "镇组织办".into() };
    let record = store.get(EntityKind::Candidate, id).await.unwrap().unwrap();
    let later = Hlc::new(js_sys::Date::now() as u64 + 5_000, 0, "office");
    let mark = vec![("pipeline".to_owned(), json!(true))];
    let office_mark =
        Operation::upsert(&office, later, EntityKind::Candidate, id, "b1", Some(&record), mark);
    store.apply_remote(&[office_mark]).await.unwrap();

    let profile = data::profile(&store, id).await.unwrap();
    assert_eq!(profile.pipeline_refused, None, "the office's mark, not the refused one");
    assert!(profile.candidate.pipeline);
    rejected::resubmit_record(&store, &account, EntityKind::Candidate, id, "b1").await.unwrap();
    assert!(rejected::list(&store).await.unwrap().is_empty());
}
