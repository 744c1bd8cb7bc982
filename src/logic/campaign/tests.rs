//! Tests of the campaign view-models. Plain `#[test]` natively; the same tests run in the
//! browser through wasm-bindgen-test when the crate is tested for wasm32.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;
use shared::model::*;
use shared::roles::Role;
use shared::rules::{CategoryProgress, YearProgress};
use uuid::Uuid;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::candidate::*;
use super::chart::*;
use super::contacts::*;
use super::csv::*;
use super::dashboard::*;
use super::route::CampaignRoute;
use super::rubric::*;
use super::typed::*;
use crate::logic::forms::*;
use crate::logic::session::Session;

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2013, 3, 1).unwrap().and_hms_opt(10, 0, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn person(name: &str) -> Person {
    Person { name: name.into(), branch_id: "b1".into(), ..Default::default() }
}

fn application(category: Category) -> Application {
    Application { category, year: 2013, pipeline: false }
}

#[test]
fn session_is_the_signed_in_account_or_a_local_surveyor() {
    let account: shared::roles::Account = serde_json::from_value(json!({"username": "li", "display_name": "李书记", "role": "branch_secretary", "branches": ["b1"]})).unwrap();
    let s = Session::of(Some(&account), "x");
    assert!(s.signed_in);
    assert_eq!(s.role(), Role::BranchSecretary);
    assert_eq!(s.by(), "李书记");
    assert!(s.may_write(shared::record::EntityKind::Candidate, "b1"));
    assert!(!s.may_write(shared::record::EntityKind::Candidate, "b2"));
    let local = Session::of(None, "王五");
    assert!(!local.signed_in);
    assert_eq!((local.role(), local.by().as_str()), (Role::Surveyor, "王五"));
    assert!(local.may_write(shared::record::EntityKind::ContactLog, ""));
    assert!(!local.may_write(shared::record::EntityKind::Notice, ""), "only the office publishes");
    assert!(local.writes());
    assert_eq!(Session::of(None, " ").by(), crate::i18n::campaign::LOCAL_USER);
}

#[test]
fn new_candidate_has_the_category_checklist_and_first_history_entry() {
    let pid = Uuid::now_v7();
    let c = new_candidate(
        pid,
        &person("张三"),
        application(Category::BusinessHousehold),
        "李",
        Role::Surveyor,
        at(),
    )
    .unwrap();
    assert_eq!(c.branch_id, "b1");
    assert_eq!(c.state, ApplicationState::Applied);
    assert_eq!(c.standards.len(), Category::BusinessHousehold.standards().len());
    assert_eq!(c.history.len(), 1);
    assert_eq!((c.history[0].by.as_str(), c.history[0].role), ("李", Some(Role::Surveyor)));
    // service_post is nominated by the office, not applied for through a branch.
    let refused = new_candidate(
        pid,
        &person("张三"),
        application(Category::ServicePost),
        "李",
        Role::Surveyor,
        at(),
    );
    let refused = crate::logic::validation::words(&refused.unwrap_err().message());
    assert!(refused.contains("镇组织办提名"), "{refused}");
}

#[test]
fn action_buttons_enable_what_the_role_may_do_and_explain_the_rest() {
    let mut c = new_candidate(
        Uuid::now_v7(),
        &person("张三"),
        application(Category::VillageLeader),
        "a",
        Role::Surveyor,
        at(),
    )
    .unwrap();
    let secretary = action_buttons(&c, Role::BranchSecretary);
    let enabled: Vec<_> =
        secretary.iter().filter(|b| b.refusal.is_none()).map(|b| b.action).collect();
    assert_eq!(enabled, [ApplicationAction::Aggregate, ApplicationAction::Return]);
    let approve = secretary.iter().find(|b| b.action == ApplicationAction::Approve).unwrap();
    assert!(approve.refusal.as_deref().unwrap().contains("当前状态为「已申报」"));
    let ret = secretary.iter().find(|b| b.action == ApplicationAction::Return).unwrap();
    assert!(ret.needs_reason && !ret.destructive);

    c.state = ApplicationState::BranchAggregated;
    let surveyor = action_buttons(&c, Role::Surveyor);
    assert!(
        surveyor.iter().all(|b| b.refusal.is_some()),
        "a surveyor cannot act on an aggregated application"
    );
    let approve = surveyor.iter().find(|b| b.action == ApplicationAction::Approve).unwrap();
    assert_eq!(approve.refusal.as_deref(), Some("只有镇组织办可以审定申报"));
    let remove = action_buttons(&c, Role::TownOffice)
        .into_iter()
        .find(|b| b.action == ApplicationAction::Remove)
        .unwrap();
    assert!(remove.refusal.is_none() && remove.destructive && remove.needs_reason);

    let service = Candidate { category: Some(Category::ServicePost), ..Default::default() };
    assert!(
        action_buttons(&service, Role::TownOffice)
            .iter()
            .all(|b| b.action != ApplicationAction::Aggregate)
    );
    assert!(action_buttons(&Candidate::default(), Role::TownOffice).is_empty());

    // A removed record offers only 恢复 (the office's, with a reason); a carried-over one none.
    c.state = ApplicationState::Removed;
    let removed: Vec<_> = action_buttons(&c, Role::TownOffice)
        .into_iter()
        .map(|b| (b.action, b.refusal.is_none(), b.needs_reason))
        .collect();
    assert_eq!(removed, [(ApplicationAction::Restore, true, true)]);
    assert!(action_buttons(&c, Role::BranchSecretary)[0].refusal.is_some());
    c.state = ApplicationState::CarriedOver;
    assert!(action_buttons(&c, Role::TownOffice).is_empty());
}

#[test]
fn checklist_keeps_recorded_evidence_and_next_year_starts_afresh() {
    let mut c = new_candidate(
        Uuid::now_v7(),
        &person("张三"),
        application(Category::VillageLeader),
        "a",
        Role::Surveyor,
        at(),
    )
    .unwrap();
    c.standards[1].met = true;
    c.standards[1].evidence = "年收入50万".into();
    let kept = checklist_for(Category::VillageLeader, &c.standards);
    assert_eq!(kept[1].evidence, "年收入50万");
    assert_eq!(standards_met(&c), (1, 5));
    assert!(checklist_for(Category::ServicePost, &c.standards).iter().all(|s| !s.met));

    c.pipeline = true;
    c.contact_person = "镇长".into();
    let campaign = Campaign::default_plan();
    let carry = |c: &Candidate| {
        shared::candidacy::carry_over(Uuid::nil(), c, &campaign, "o", Role::TownOffice, at())
    };
    let next = carry(&c).unwrap().next;
    assert_eq!((next.year, next.pipeline, next.state), (2014, false, ApplicationState::Applied));
    assert_eq!(next.contact_person, "镇长");
    assert!(next.standards.iter().all(|s| !s.met));
    c.state = ApplicationState::Removed;
    assert!(carry(&c).is_err());
    assert_eq!(
        state_label(&Candidate { pipeline: true, ..Default::default() }),
        "已申报（梯队培育）"
    );
}

#[test]
fn contact_rows_put_those_behind_first_and_count_guidance_separately() {
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let (pa, pb) = (Uuid::from_u128(11), Uuid::from_u128(12));
    let cand = |p| Candidate {
        person_id: p,
        year: 2013,
        category: Some(Category::VillageLeader),
        ..Default::default()
    };
    let candidates = vec![(a, cand(pa)), (b, cand(pb))];
    let log =
        |id, d, kind| ContactLog { candidate_id: id, date: Some(d), kind, ..Default::default() };
    let logs = vec![
        log(a, date(2013, 1, 5), ContactKind::Pairing),
        log(a, date(2013, 4, 5), ContactKind::Pairing),
        log(b, date(2013, 2, 5), ContactKind::ExpertGuidance),
        log(b, date(2012, 12, 31), ContactKind::Pairing),
    ];
    let names = Names::new(&[(pa, person("甲")), (pb, person("乙"))], &[]);
    let rows = contact_rows(&candidates, &logs, &names, 2013, date(2013, 7, 1));
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["乙", "甲"]);
    assert!(rows[0].status.behind && !rows[1].status.behind);
    assert_eq!((rows[0].status.done, rows[0].guidance), (0, 1));
    assert_eq!(status_text(&rows[1].status), "已联系 2/4 次（截至今日应联系 2 次）");
    let own = logs_of(&logs.iter().map(|l| (Uuid::now_v7(), l.clone())).collect::<Vec<_>>(), a);
    assert_eq!(own[0].1.date, Some(date(2013, 4, 5)));
}

#[test]
fn chart_scales_to_the_largest_value() {
    let chart = layout(&[
        ("甲".into(), vec![("target", "目标", 10), ("named", "已命名", 5)]),
        ("乙".into(), vec![("target", "目标", 0), ("named", "已命名", 0)]),
    ]);
    assert_eq!(chart.scale_max, 10);
    let full = &chart.groups[0].bars[0];
    let half = &chart.groups[0].bars[1];
    assert!((full.y + full.height - chart.baseline_y).abs() < 1e-9);
    assert!((half.height * 2.0 - full.height).abs() < 1e-9);
    assert_eq!(chart.groups[1].bars[0].height, 0.0);
    assert!(chart.groups[1].bars[0].x > full.x + full.width, "groups do not overlap");
    assert_eq!(layout(&[]).scale_max, 1);
}

fn progress_fixture() -> Vec<CategoryProgress> {
    vec![CategoryProgress {
        category: Category::VillageLeader,
        target: 11,
        approved: 4,
        named: 2,
        remaining: 9,
        per_year: vec![YearProgress { year: 2013, target: Some(3), approved: 2, named: 1 }],
    }]
}

#[test]
fn dashboard_groups_and_waiting_roles() {
    let all = progress_groups(&progress_fixture(), None);
    assert_eq!(all[0].0, "带头人");
    assert_eq!(all[0].1.iter().map(|b| b.2).collect::<Vec<_>>(), [11, 4, 2]);
    let y = progress_groups(&progress_fixture(), Some(2013));
    assert_eq!(y[0].1.iter().map(|b| b.2).collect::<Vec<_>>(), [3, 2, 1]);
    let none = progress_groups(&progress_fixture(), Some(2015));
    assert_eq!(none[0].1.iter().map(|b| b.2).collect::<Vec<_>>(), [0, 0, 0]);

    let lines = progress_lines(&progress_fixture(), Some(2013));
    assert_eq!(
        (lines[0].target, lines[0].approved, lines[0].named, lines[0].remaining),
        (3, 2, 1, 2)
    );
    assert_eq!(progress_lines(&progress_fixture(), None)[0].remaining, 9);

    let c = |state, category| Candidate {
        state,
        category: Some(category),
        year: 2013,
        ..Default::default()
    };
    let mut pipeline = c(ApplicationState::Applied, Category::VillageLeader);
    pipeline.pipeline = true;
    let mut later = c(ApplicationState::Applied, Category::VillageLeader);
    later.year = 2014;
    let candidates = [
        c(ApplicationState::Applied, Category::VillageLeader),
        c(ApplicationState::Applied, Category::ServicePost),
        c(ApplicationState::BranchAggregated, Category::EnterprisePost),
        c(ApplicationState::Adjusted, Category::EnterprisePost),
        c(ApplicationState::Returned, Category::EnterprisePost),
        c(ApplicationState::Named, Category::EnterprisePost),
        c(ApplicationState::Removed, Category::EnterprisePost),
        c(ApplicationState::CarriedOver, Category::ServicePost),
        pipeline,
        later,
    ];
    let campaign = Campaign::default_plan();
    let counts = |year| -> Vec<u32> {
        waiting_per_role(&candidates, year, &campaign).into_iter().map(|(_, n)| n).collect()
    };
    // Surveyor, secretary, office, county: the year filter applies; returned, removed,
    // carried-over and pipeline records wait for nobody.
    assert_eq!(counts(Some(2013)), [1, 1, 2, 0]);
    assert_eq!(counts(Some(2014)), [0, 1, 0, 0]);
    assert_eq!(counts(None), [1, 2, 2, 0]);
}

#[test]
fn csv_quotes_cells_and_lists_branches() {
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("说\"好\""), "\"说\"\"好\"\"\"");
    assert_eq!(cell("普通"), "普通");
    let branch =
        |id: &str, name: &str| (id.to_owned(), Branch { name: name.into(), ..Default::default() });
    let branches = vec![branch("b1", "东沙村"), branch("b2", "水产,公司")];
    let campaign = Campaign::default_plan();
    let cid = Uuid::from_u128(7);
    let pid = Uuid::from_u128(70);
    let candidates = vec![(
        cid,
        Candidate {
            person_id: pid,
            branch_id: "b1".into(),
            category: Some(Category::VillageLeader),
            year: 2013,
            ..Default::default()
        },
    )];
    let input = shared::rules::ReportInput {
        campaign: &campaign,
        branches: &branches,
        candidates: &candidates,
        contacts: &[],
        meetings: &[],
        inspections: &[],
        year: 2013,
    };
    let report = shared::rules::work_report(&input, date(2013, 8, 1));
    let names = Names::new(&[(pid, person("张三"))], &branches).with_candidates(&candidates);
    let csv = report_csv(&report, &names, None);
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(lines[0].contains("2013年度工作情况通报"));
    assert!(lines.contains(&"2014年度梯队（创建一批、培育一批）"), "{lines:?}");
    assert!(lines.contains(&"渔农村党员创业创新带头人,0,0,0,未分年度"), "{lines:?}");
    let b1 = lines.iter().find(|l| l.starts_with("东沙村")).unwrap();
    assert!(b1.contains(",1,张三,"), "one candidate behind on contacts, by name: {b1}");
    assert!(lines.iter().any(|l| l.starts_with("\"水产,公司\"")));
    let only = report_csv(&report, &names, Some("b2"));
    assert!(!only.contains("东沙村") && only.contains("水产"));
}

#[test]
fn forms_parse_what_people_type() {
    assert_eq!(parse_date("2013-06-01"), Some(date(2013, 6, 1)));
    assert_eq!(parse_date("2013-02-30"), None);
    assert_eq!(date_value(Some(date(2013, 6, 1))), "2013-06-01");
    assert_eq!(parse_count(" 12 "), Ok(Some(12)));
    assert_eq!(parse_count(""), Ok(None));
    assert_eq!(parse_count("-1"), Err(NotANumber));
    assert_eq!(parse_number("7.5"), Ok(Some(7.5)));
    assert_eq!(parse_number("NaN"), Err(NotANumber));
    assert_eq!(parse_number("-2"), Err(NotANumber));
    assert_eq!((number_text(8.0), number_text(7.25)), ("8".to_owned(), "7.25".to_owned()));

    let mut c = Campaign::default_plan();
    set_year_target(&mut c, Category::ServicePost, 2013, Some(1));
    set_year_target(&mut c, Category::ServicePost, 2015, Some(2));
    set_total_target(&mut c, Category::ServicePost, 5);
    assert_eq!(
        (c.year_target(Category::ServicePost, 2013), c.target(Category::ServicePost)),
        (Some(1), 5)
    );
    set_year_target(&mut c, Category::ServicePost, 2013, None);
    assert_eq!(c.year_target(Category::ServicePost, 2013), None);
    c.years = 3;
    drop_years_outside(&mut c);
    assert_eq!(c.year_target(Category::ServicePost, 2015), None);
    assert!(shared::validate::validate_campaign(&c).is_empty());
}

#[test]
fn settings_records_have_fixed_ids_and_a_template_rubric() {
    assert_ne!(rubric_id(Category::VillageLeader), rubric_id(Category::ServicePost));
    assert_ne!(rubric_id(Category::VillageLeader), CAMPAIGN_ID);
    assert_eq!(current_campaign(&[]), Campaign::default_plan());
    let mine = Campaign { start_year: 2014, ..Campaign::default_plan() };
    let other = Campaign { start_year: 2020, ..Campaign::default_plan() };
    assert_eq!(current_campaign(&[(Uuid::now_v7(), other), (CAMPAIGN_ID, mine.clone())]), mine);

    let t = template(Category::EnterprisePost);
    assert_eq!((t.version, t.criteria.len()), (0, 5));
    let first = shared::scoring::revise_rubric(&t, t.criteria.clone());
    assert_eq!(first.version, 1);
    assert!(shared::scoring::validate_scores(&Assessment::default()).is_empty());
    assert!(shared::scoring::validate_rubric(&first).is_empty());
    let old = Rubric { version: 1, ..first.clone() };
    let newer = Rubric { version: 3, ..first.clone() };
    let found = rubric_for(
        Category::EnterprisePost,
        &[(Uuid::from_u128(1), old), (Uuid::from_u128(2), newer)],
    );
    assert_eq!(found.unwrap().1.version, 3);
    assert!(rubric_for(Category::ServicePost, &[]).is_none());
    assert_eq!(next_key(&[Criterion { key: "c1".into(), ..Default::default() }]), "c2");
}

/// Two revisions of one rubric never share a number: one past the number shown and the one
/// stored; and choosing a side of a criteria conflict gives the criteria kept a number past both.
#[test]
fn a_rubric_revision_takes_a_number_past_the_one_shown_and_the_one_stored() {
    assert_eq!(next_version(0, None), 1, "the template's first save");
    assert_eq!(next_version(3, Some(3)), 4);
    assert_eq!(next_version(3, Some(4)), 5, "a revision pulled while the screen was open");
    assert_eq!(next_version(5, Some(4)), 6);

    let mut stored = shared::record::Record::new(
        shared::record::EntityKind::Rubric,
        rubric_id(Category::ServicePost),
        "",
    );
    stored.fields.insert(VERSION_FIELD.into(), json!(4));
    let (ours, theirs) = (json!([{"key": "s1"}]), json!([{"key": "s2"}]));
    assert_eq!(
        rubric_resolution(CRITERIA_FIELD, ours.clone(), &theirs, Some(&stored)),
        [(CRITERIA_FIELD.to_owned(), ours.clone()), (VERSION_FIELD.to_owned(), json!(5))]
    );
    assert_eq!(
        rubric_resolution(CRITERIA_FIELD, ours.clone(), &theirs, None),
        [(CRITERIA_FIELD.to_owned(), ours)]
    );
    // One device saved twice offline (4, then 5), the other once (4): the number conflicts.
    // Keeping the other's 4 would give a number an earlier revision had: past both instead.
    stored.fields.insert(VERSION_FIELD.into(), json!(5));
    for (chosen, other) in [(json!(4), json!(5)), (json!(5), json!(4))] {
        assert_eq!(
            rubric_resolution(VERSION_FIELD, chosen, &other, Some(&stored)),
            [(VERSION_FIELD.to_owned(), json!(6))]
        );
    }
    assert_eq!(
        rubric_resolution("category", json!("service_post"), &json!("x"), Some(&stored)),
        [("category".to_owned(), json!("service_post"))]
    );
}

#[test]
fn routes_round_trip() {
    let id = Uuid::now_v7();
    for r in [
        CampaignRoute::Dashboard,
        CampaignRoute::Candidates,
        CampaignRoute::Pipeline,
        CampaignRoute::NewCandidate(None),
        CampaignRoute::NewCandidate(Some(id)),
        CampaignRoute::Candidate(id),
        CampaignRoute::Contacts(None),
        CampaignRoute::Contacts(Some(id)),
        CampaignRoute::Base(id),
        CampaignRoute::Report,
        CampaignRoute::Card(id),
        CampaignRoute::Branches,
        CampaignRoute::Settings,
    ] {
        assert_eq!(
            crate::logic::route::Route::parse(&r.href()),
            crate::logic::route::Route::Campaign(r.clone())
        );
    }
    assert_eq!(CampaignRoute::parse(&["candidate", "nope"]), None);
    assert_eq!(CampaignRoute::parse(&[]), Some(CampaignRoute::Dashboard));
}

#[test]
fn the_candidate_list_filters_by_year_category_branch_state_and_name() {
    let c = Candidate {
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year: 2026,
        state: ApplicationState::Applied,
        ..Default::default()
    };
    let all = CandidateFilter::default();
    assert!(all.matches(&c, "张三"));
    let cases = [
        (CandidateFilter { year: Some(2026), ..Default::default() }, true),
        (CandidateFilter { year: Some(2027), ..Default::default() }, false),
        (CandidateFilter { category: Some(Category::VillageLeader), ..Default::default() }, true),
        (CandidateFilter { category: Some(Category::ServicePost), ..Default::default() }, false),
        (CandidateFilter { branch: Some("b1".into()), ..Default::default() }, true),
        (CandidateFilter { branch: Some("b2".into()), ..Default::default() }, false),
        (CandidateFilter { state: Some(ApplicationState::Applied), ..Default::default() }, true),
        (CandidateFilter { state: Some(ApplicationState::Removed), ..Default::default() }, false),
        (CandidateFilter { query: " 张 ".into(), ..Default::default() }, true),
        (CandidateFilter { query: "李".into(), ..Default::default() }, false),
    ];
    for (filter, want) in cases {
        assert_eq!(filter.matches(&c, "张三"), want, "{filter:?}");
    }
}
