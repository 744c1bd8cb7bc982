//! Issue 10 item 6: the server re-checks every commendation stage of a score sheet with the
//! `shared::workflow` commendation table the tablet uses, and bounds its year.

use chrono::NaiveDate;
use serde_json::Value;
use shared::model::{Assessment, CommendationAction, CommendationStage, Criterion};
use shared::op::Operation;
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::sync::{OpResult, OpStatus};
use shared::workflow;
use uuid::Uuid;

use crate::common::{TestServer, upsert};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// An upsert of `fields` of `sheet` (all when `None`).
fn sheet_op(
    author: &str,
    millis: u64,
    id: Uuid,
    sheet: &Assessment,
    only: Option<&[&str]>,
) -> Operation {
    let fields = to_fields(sheet).unwrap();
    let changes: Vec<(&str, Value, _)> = fields
        .iter()
        .filter(|(k, _)| only.is_none_or(|o| o.contains(&k.as_str())))
        .map(|(k, v)| (k.as_str(), v.clone(), None))
        .collect();
    upsert(author, "d", millis, EntityKind::Assessment, id, "b1", &changes)
}

fn code(r: &OpResult) -> &str {
    r.code.as_deref().unwrap_or("accepted")
}

#[tokio::test]
async fn commendation_stages_and_years_are_checked_by_the_server() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let at = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let year = chrono::Utc::now().date_naive().format("%Y").to_string().parse::<i32>().unwrap();

    // A sheet pushed already "named by the city" or "recommended for the top ten": refused,
    // from the office as a workflow step skipped, from a surveyor as not its to write at all.
    for stage in [CommendationStage::CityNamed, CommendationStage::TopTenRecommended] {
        let forged = Assessment { candidate_id: Uuid::now_v7(), year, stage, ..Default::default() };
        let res = s.push(&office, &[sheet_op("office", t, Uuid::now_v7(), &forged, None)]).await;
        assert_eq!(code(&res.results[0]), "workflow_refused", "{:?}", res.results[0]);
        let res = s.push(&zhang, &[sheet_op("zhang", t, Uuid::now_v7(), &forged, None)]).await;
        assert_eq!(code(&res.results[0]), "forbidden_branch", "{:?}", res.results[0]);
    }

    // A sheet of the year 300000 (it used to be stored, and panicked a tablet's deadline).
    let far = Assessment { candidate_id: Uuid::now_v7(), year: 300_000, ..Default::default() };
    let res = s.push(&office, &[sheet_op("office", t, Uuid::now_v7(), &far, None)]).await;
    assert_eq!(code(&res.results[0]), "invalid_record", "{:?}", res.results[0]);
    assert!(res.results[0].message.as_deref().unwrap().contains("考核年度"));

    // The office's own steps, taken as its tablet takes them, are accepted in order; a skipped
    // stage and a surveyor's step are refused with the tablet's words.
    let id = Uuid::now_v7();
    let mut sheet = Assessment {
        candidate_id: Uuid::now_v7(),
        year,
        criteria: vec![Criterion {
            key: "k".into(),
            label: "实绩".into(),
            weight: 1.0,
            max_score: 10.0,
        }],
        ..Default::default()
    };
    sheet.scores.insert("k".into(), 8.0);
    // The town scores (DOMAIN.md, step 5): a surveyor's sheet is refused, the office's stored.
    let res = s.push(&zhang, &[sheet_op("zhang", t, id, &sheet, None)]).await;
    assert_eq!(code(&res.results[0]), "forbidden_branch", "{:?}", res.results[0]);
    let res = s.push(&office, &[sheet_op("office", t, id, &sheet, None)]).await;
    assert_eq!(code(&res.results[0]), "accepted", "the office scores: {:?}", res.results[0]);

    let step = |sheet: &Assessment, action| {
        let mut next = sheet.clone();
        workflow::advance_commendation(&mut next, action, "office", Role::TownOffice, at, None)
            .unwrap();
        next
    };
    let reviewed = step(&sheet, CommendationAction::TownReview);
    let approved = step(&reviewed, CommendationAction::CountyApprove);
    let stage_fields: &[&str] = &["stage", "history"];
    // Skipping the town review: refused.
    let res =
        s.push(&office, &[sheet_op("office", t + 1, id, &approved, Some(stage_fields))]).await;
    assert_eq!(code(&res.results[0]), "workflow_refused");
    assert!(res.results[0].message.as_deref().unwrap().contains("当前状态为「评分中」"));
    // A surveyor taking the town review: refused.
    let res = s.push(&zhang, &[sheet_op("zhang", t + 2, id, &reviewed, Some(stage_fields))]).await;
    assert_eq!(res.results[0].message.as_deref(), Some("此类记录只能由镇组织办修改"));
    // The office in order: accepted.
    for (i, next) in [&reviewed, &approved].into_iter().enumerate() {
        let res = s
            .push(&office, &[sheet_op("office", t + 3 + i as u64, id, next, Some(stage_fields))])
            .await;
        assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    }
    let stored: Assessment = s
        .state
        .store
        .record(server::store::Scope::County, id)
        .await
        .unwrap()
        .unwrap()
        .to_typed()
        .unwrap();
    assert_eq!(stored.stage, CommendationStage::CountyApproved);
    assert_eq!(workflow::commendation_deadline(300_000), NaiveDate::MAX, "no panic on a tablet");
}
