use super::*;
use crate::model::Criterion;
use std::collections::BTreeMap;

fn criterion(key: &str, weight: f64, max: f64) -> Criterion {
    Criterion { key: key.into(), label: format!("项目{key}"), weight, max_score: max }
}

fn rubric_v1() -> Rubric {
    Rubric {
        category: Some(Category::VillageLeader),
        version: 1,
        criteria: vec![criterion("income", 3.0, 10.0), criterion("jobs", 1.0, 20.0)],
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2013, 5, 20).unwrap()
}

fn scored(rubric: &Rubric, candidate: Uuid, scores: &[(&str, f64)]) -> Assessment {
    let mut a = begin_assessment(candidate, 2013, Uuid::nil(), rubric, "office", day());
    a.scores = scores.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<_, _>>();
    a
}

#[test]
fn weighted_total_normalised_to_100() {
    let r = rubric_v1();
    let full = scored(&r, Uuid::now_v7(), &[("income", 10.0), ("jobs", 20.0)]);
    assert_eq!(score(&full, &r), Ok(100.0));
    // (3·8/10 + 1·10/20) / 4 × 100 = (2.4 + 0.5) / 4 × 100 = 72.5
    let part = scored(&r, Uuid::now_v7(), &[("income", 8.0), ("jobs", 10.0)]);
    assert_eq!(score(&part, &r), Ok(72.5));
    // Unscored counts as zero: 3·8/10 / 4 × 100 = 60
    let missing = scored(&r, Uuid::now_v7(), &[("income", 8.0)]);
    assert_eq!(recorded_total(&missing), Ok(60.0));
    assert_eq!(missing_scores(&missing), ["项目jobs"]);
    // Rounded to two decimals: 1/3 of 100.
    let third = Rubric { criteria: vec![criterion("x", 1.0, 3.0)], ..r.clone() };
    assert_eq!(recorded_total(&scored(&third, Uuid::nil(), &[("x", 1.0)])), Ok(33.33));
}

#[test]
fn scores_above_max_are_refused() {
    let r = rubric_v1();
    let over = scored(&r, Uuid::now_v7(), &[("income", 10.5)]);
    assert_eq!(
        validate_scores(&over),
        vec![FieldError::new(
            "scores.income",
            crate::message::Message::new("score_out_of_range").arg("max", "10")
        )]
    );
    assert!(matches!(score(&over, &r), Err(ScoringError::ScoreOutOfRange { .. })));
    // A person reads the criterion's label and the numbers as written (10, not 10.0).
    assert_eq!(
        score(&over, &r).unwrap_err().message().to_string(),
        "criterion_score_out_of_range(criterion=项目income, max=10, score=10.5)"
    );
    let negative = scored(&r, Uuid::now_v7(), &[("jobs", -1.0)]);
    assert_eq!(validate_scores(&negative).len(), 1);
    let unknown = scored(&r, Uuid::now_v7(), &[("luck", 1.0)]);
    assert_eq!(validate_scores(&unknown)[0].field, "scores.luck");
    assert_eq!(recorded_total(&unknown), Err(ScoringError::UnknownCriterion("luck".into())));
    let nan = scored(&r, Uuid::now_v7(), &[("jobs", f64::NAN)]);
    assert_eq!(validate_scores(&nan).len(), 1);
    let edge = scored(&r, Uuid::now_v7(), &[("income", 0.0), ("jobs", 20.0)]);
    assert!(validate_scores(&edge).is_empty());
}

#[test]
fn rubric_changed_mid_year_keeps_recorded_totals() {
    let v1 = rubric_v1();
    let early = scored(&v1, Uuid::now_v7(), &[("income", 8.0), ("jobs", 10.0)]);
    assert_eq!(recorded_total(&early), Ok(72.5));

    // The office re-weights in June: jobs now matter as much as income, and a criterion is added.
    let v2 = revise_rubric(
        &v1,
        vec![
            criterion("income", 1.0, 10.0),
            criterion("jobs", 1.0, 20.0),
            criterion("tech", 2.0, 5.0),
        ],
    );
    assert_eq!(v2.version, 2);
    assert_eq!(recorded_total(&early), Ok(72.5), "recorded total unchanged");
    assert_eq!(early.rubric_version, 1);
    assert_eq!(
        score(&early, &v2),
        Err(ScoringError::RubricVersionMismatch { sheet: 1, rubric: 2 })
    );
    assert_eq!(
        score(&early, &v2).unwrap_err().message(),
        Message::new("rubric_version_mismatch").arg("sheet", 1u32).arg("rubric", 2u32)
    );

    let late = scored(&v2, Uuid::now_v7(), &[("income", 8.0), ("jobs", 10.0), ("tech", 5.0)]);
    // (0.8 + 0.5 + 2·1) / 4 × 100 = 82.5
    assert_eq!(score(&late, &v2), Ok(82.5));
    assert_eq!(late.criteria.len(), 3);

    // Rankings use each sheet's own version.
    let ranked = rank(
        &[(Uuid::now_v7(), early.clone()), (Uuid::now_v7(), late.clone())],
        Category::VillageLeader,
        2013,
    );
    assert_eq!(ranked.iter().map(|e| e.total).collect::<Vec<_>>(), [82.5, 72.5]);
}

#[test]
fn category_mismatch_is_refused() {
    let r = rubric_v1();
    let a = scored(&r, Uuid::now_v7(), &[("income", 1.0)]);
    let other = Rubric { category: Some(Category::ServicePost), ..r };
    assert_eq!(score(&a, &other), Err(ScoringError::CategoryMismatch));
}

#[test]
fn ranking_per_category_and_year_with_stable_ties() {
    let r = rubric_v1();
    let ids: Vec<Uuid> = (1..=4u128).map(Uuid::from_u128).collect();
    let mut sheets = vec![
        (Uuid::from_u128(101), scored(&r, ids[2], &[("income", 9.0)])),
        (Uuid::from_u128(102), scored(&r, ids[1], &[("income", 9.0)])),
        (Uuid::from_u128(103), scored(&r, ids[0], &[("income", 10.0)])),
        (Uuid::from_u128(104), scored(&r, ids[3], &[("income", 5.0)])),
    ];
    let mut other_year = scored(&r, Uuid::from_u128(9), &[("income", 10.0), ("jobs", 20.0)]);
    other_year.year = 2012;
    sheets.push((Uuid::from_u128(105), other_year));
    let mut other_category = scored(&r, Uuid::from_u128(8), &[("income", 10.0)]);
    other_category.category = Some(Category::EnterprisePost);
    sheets.push((Uuid::from_u128(106), other_category));
    let broken = scored(&r, Uuid::from_u128(7), &[("income", 99.0)]);
    sheets.push((Uuid::from_u128(107), broken));

    let ranked = rank(&sheets, Category::VillageLeader, 2013);
    let order: Vec<(Uuid, usize)> = ranked.iter().map(|e| (e.candidate_id, e.rank)).collect();
    assert_eq!(order, [(ids[0], 1), (ids[1], 2), (ids[2], 2), (ids[3], 4)]);
    sheets.reverse();
    assert_eq!(rank(&sheets, Category::VillageLeader, 2013), ranked, "independent of input order");
    assert_eq!(rank(&sheets, Category::VillageLeader, 2012).len(), 1);
    assert!(rank(&sheets, Category::ServicePost, 2013).is_empty());
}

#[test]
fn rubric_validation() {
    assert!(validate_rubric(&rubric_v1()).is_empty());
    let bad = Rubric {
        category: None,
        version: 0,
        criteria: vec![
            criterion("a", 0.0, 10.0),
            Criterion { key: "a".into(), label: "".into(), weight: 1.0, max_score: -1.0 },
        ],
    };
    let fields: Vec<String> = validate_rubric(&bad).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "category",
            "version",
            "criteria[0].weight",
            "criteria[1].key",
            "criteria[1].label",
            "criteria[1].max_score"
        ]
    );
    let empty = Rubric { criteria: vec![], ..rubric_v1() };
    assert_eq!(validate_rubric(&empty)[0].message, "criteria_required".into());
    let sheet = scored(&empty, Uuid::nil(), &[]);
    assert_eq!(recorded_total(&sheet), Err(ScoringError::NoWeight));
}

#[test]
fn default_rubrics_follow_the_standards() {
    for category in Category::ALL.iter().copied() {
        let r = default_rubric(category);
        assert!(validate_rubric(&r).is_empty(), "{category:?}");
        assert_eq!(r.criteria.len(), category.standards().len());
        assert_eq!(r.criteria[0].label, category.standards()[0]);
        let full: Vec<(String, f64)> = r.criteria.iter().map(|c| (c.key.clone(), 10.0)).collect();
        let refs: Vec<(&str, f64)> = full.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(score(&scored(&r, Uuid::nil(), &refs), &r), Ok(100.0));
    }
}

#[test]
fn removed_returned_and_unapproved_candidates_leave_the_ranking() {
    use crate::model::ApplicationState as S;
    let r = rubric_v1();
    let cand = |n: u128, state: S| {
        let c = Candidate {
            person_id: Uuid::from_u128(100 + n),
            category: Some(Category::VillageLeader),
            year: 2013,
            state,
            ..Default::default()
        };
        (Uuid::from_u128(n), c)
    };
    let mut pipeline = cand(6, S::TownApproved);
    pipeline.1.pipeline = true;
    let candidates = [
        cand(1, S::Named),
        cand(2, S::Removed),
        cand(3, S::TownApproved),
        cand(4, S::Returned),
        cand(5, S::BranchAggregated),
        pipeline,
    ];
    let sheets: Vec<(Uuid, Assessment)> = (1..=6u128)
        .map(|n| {
            (
                Uuid::from_u128(50 + n),
                scored(&r, Uuid::from_u128(n), &[("income", (11 - n) as f64)]),
            )
        })
        .collect();
    assert_eq!(rank(&sheets, Category::VillageLeader, 2013).len(), 6);
    let ranked = rank_scored(&sheets, &candidates, Category::VillageLeader, 2013);
    let order: Vec<(Uuid, usize)> = ranked.iter().map(|e| (e.candidate_id, e.rank)).collect();
    assert_eq!(order, [(Uuid::from_u128(1), 1), (Uuid::from_u128(3), 2)]);
    let may: Vec<bool> = candidates.iter().map(|(_, c)| may_be_scored(c, 2013)).collect();
    assert_eq!(may, [true, false, true, false, false, false]);
    assert!(!may_be_scored(&candidates[0].1, 2014));
}

#[test]
fn the_sheet_id_is_one_per_candidate_and_year_on_every_device() {
    let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
    assert_eq!(sheet_id(a, 2013), sheet_id(a, 2013));
    assert_eq!(sheet_id(a, 2013).get_version_num(), 8);
    assert_ne!(sheet_id(a, 2013), sheet_id(a, 2014));
    assert_ne!(sheet_id(a, 2013), sheet_id(b, 2013));
}

#[test]
fn two_stored_sheets_of_one_candidate_rank_once() {
    use crate::model::ApplicationState as S;
    let r = rubric_v1();
    let person = Uuid::from_u128(7);
    let candidate = Candidate {
        person_id: Uuid::from_u128(100),
        category: Some(Category::VillageLeader),
        year: 2013,
        state: S::TownApproved,
        ..Default::default()
    };
    let candidates = [(person, candidate)];
    // Two sheets begun with random ids (before the derived id): the scored one, shown or not,
    // is counted once; the empty one never shows up at 0.00.
    let empty = (Uuid::from_u128(900), scored(&r, person, &[]));
    let full = (Uuid::from_u128(800), scored(&r, person, &[("income", 10.0)]));
    for sheets in [vec![empty.clone(), full.clone()], vec![full.clone(), empty.clone()]] {
        let ranked = rank_scored(&sheets, &candidates, Category::VillageLeader, 2013);
        assert_eq!(ranked.len(), 1, "{ranked:?}");
        assert_eq!(ranked[0].assessment_id, full.0);
        assert_eq!(one_sheet_each(&sheets), vec![full.clone()]);
    }
    // A sheet further along the commendation cycle wins over more scores …
    let mut reviewed = scored(&r, person, &[]);
    reviewed.stage = CommendationStage::TownReviewed;
    let reviewed = (Uuid::from_u128(1), reviewed);
    assert_eq!(one_sheet_each(&[full.clone(), reviewed.clone()]), vec![reviewed.clone()]);
    // … and an empty sheet under the derived id (begun on a device that had not pulled the
    // others) hides neither the reviewed nor the scored one; among equals it wins.
    let derived = (sheet_id(person, 2013), scored(&r, person, &[]));
    let all = [full.clone(), reviewed.clone(), derived.clone(), empty.clone()];
    assert_eq!(one_sheet_each(&all), vec![reviewed]);
    assert_eq!(one_sheet_each(&[full.clone(), derived.clone()]), vec![full.clone()]);
    assert_eq!(one_sheet_each(&[empty, derived.clone()]), vec![derived]);
    // Other years and candidates are untouched.
    let other = (Uuid::from_u128(2), scored(&r, Uuid::from_u128(8), &[]));
    assert_eq!(one_sheet_each(&[full.clone(), other.clone()]), vec![full, other]);
}
