//! The yearly commendation cycle before July 1 (七·一): 镇党委初评 → 县委组织部审核同意 →
//! 市委组织部统一命名 → 推荐参加全市十佳评选, one outcome per candidate per year (kept on the
//! candidate's `Assessment` of that year). County and city outcomes are recorded by the town
//! office (see the module note in `workflow`).

use chrono::{NaiveDate, NaiveDateTime};

use super::{WorkflowError, given};
use crate::model::{
    Assessment, Category, CommendationAction as A, CommendationEntry, CommendationStage as S,
};
use crate::roles::Role;

fn from_states(action: A) -> &'static [S] {
    match action {
        A::TownReview => &[S::Scoring],
        A::CountyApprove => &[S::TownReviewed],
        A::CityName => &[S::CountyApproved],
        A::RecommendTopTen => &[S::CityNamed],
        A::Reject => &[S::Scoring, S::TownReviewed, S::CountyApproved],
    }
}

fn target(action: A) -> S {
    match action {
        A::TownReview => S::TownReviewed,
        A::CountyApprove => S::CountyApproved,
        A::CityName => S::CityNamed,
        A::RecommendTopTen => S::TopTenRecommended,
        A::Reject => S::NotPassed,
    }
}

/// The stage after `role` takes `action` from `stage`. Only the town office records steps
/// (its own review, and the county's and city's outcomes on their behalf); not passing needs a
/// reason.
pub fn commendation_transition(
    stage: S,
    action: A,
    role: Role,
    reason: Option<&str>,
) -> Result<S, WorkflowError> {
    let from = from_states(action);
    if !from.contains(&stage) {
        return Err(WorkflowError::WrongState {
            state: ("commendation-stage", stage.as_str()),
            action: ("commendation-action", action.as_str()),
            from: from.iter().map(|s| ("commendation-stage", s.as_str())).collect(),
        });
    }
    match role {
        Role::TownOffice => {}
        Role::CountyViewer => return Err(WorkflowError::ReadOnlyRole),
        Role::Surveyor | Role::BranchSecretary => {
            return Err(WorkflowError::RoleNotAllowed("commendation_by_office"));
        }
    }
    if action == A::Reject && given(reason).is_none() {
        return Err(WorkflowError::ReasonRequired(("commendation-action", A::Reject.as_str())));
    }
    Ok(target(action))
}

/// Take `action` on `assessment`. The town review also needs every criterion scored.
pub fn advance_commendation(
    assessment: &mut Assessment,
    action: A,
    by: &str,
    role: Role,
    at: NaiveDateTime,
    reason: Option<&str>,
) -> Result<S, WorkflowError> {
    let from = assessment.stage;
    let to = commendation_transition(from, action, role, reason)?;
    if action == A::TownReview {
        let missing = crate::scoring::missing_scores(assessment);
        if !missing.is_empty() {
            return Err(WorkflowError::ScoresIncomplete(missing));
        }
    }
    let reason = given(reason).unwrap_or("").to_owned();
    if action == A::Reject {
        assessment.reason = reason.clone();
    }
    assessment.stage = to;
    assessment.history.push(CommendationEntry {
        from,
        to,
        action: Some(action),
        by: by.to_owned(),
        role: Some(role),
        at,
        reason,
    });
    Ok(to)
}

/// July 1 of `year`: the cycle should be complete before it. A year outside the calendar's
/// range (a tampered record: the server refuses such years) gives the latest or earliest date
/// instead of panicking.
pub fn commendation_deadline(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(if year > 0 {
        NaiveDate::MAX
    } else {
        NaiveDate::MIN
    })
}

/// Whether the cycle of `assessment` is still open on or after its year's July 1: the county
/// approval is missing (a candidate not passed, or already approved or further, is settled).
pub fn commendation_overdue(assessment: &Assessment, today: NaiveDate) -> bool {
    matches!(assessment.stage, S::Scoring | S::TownReviewed)
        && today >= commendation_deadline(assessment.year)
}

/// Whether the stage means the candidate was named that year.
pub fn is_named(stage: S) -> bool {
    matches!(stage, S::CityNamed | S::TopTenRecommended)
}

/// A named service_post makes the person's yearly appraisal "excellent" (年度考核优秀).
pub fn yearly_appraisal_excellent(category: Category, stage: S) -> bool {
    category == Category::ServicePost && is_named(stage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Criterion;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()
    }

    fn sheet(scored: bool) -> Assessment {
        let criteria = vec![
            Criterion {
                key: "a".into(), label: "带动就业".into(), weight: 1.0, max_score: 10.0
            },
            Criterion { key: "b".into(), label: "增收".into(), weight: 1.0, max_score: 10.0 },
        ];
        let mut scores = std::collections::BTreeMap::new();
        scores.insert("a".to_owned(), 8.0);
        if scored {
            scores.insert("b".to_owned(), 9.0);
        }
        Assessment { year: 2013, criteria, scores, ..Default::default() }
    }

    #[test]
    fn every_combination() {
        let allowed = [
            (S::Scoring, A::TownReview, S::TownReviewed),
            (S::TownReviewed, A::CountyApprove, S::CountyApproved),
            (S::CountyApproved, A::CityName, S::CityNamed),
            (S::CityNamed, A::RecommendTopTen, S::TopTenRecommended),
            (S::Scoring, A::Reject, S::NotPassed),
            (S::TownReviewed, A::Reject, S::NotPassed),
            (S::CountyApproved, A::Reject, S::NotPassed),
        ];
        for stage in S::ALL.iter().copied() {
            for action in A::ALL.iter().copied() {
                for role in Role::ALL {
                    let got = commendation_transition(stage, action, role, Some("理由"));
                    let expected = allowed
                        .iter()
                        .find(|(s, a, _)| (*s, *a) == (stage, action))
                        .filter(|_| role == Role::TownOffice)
                        .map(|(_, _, to)| *to);
                    assert_eq!(got.ok(), expected, "{stage:?} {action:?} {role:?}");
                }
            }
        }
    }

    #[test]
    fn reasons_roles_and_scores() {
        assert_eq!(
            commendation_transition(S::TownReviewed, A::Reject, Role::TownOffice, None),
            Err(WorkflowError::ReasonRequired(("commendation-action", "reject")))
        );
        assert_eq!(
            commendation_transition(S::TownReviewed, A::CountyApprove, Role::CountyViewer, None),
            Err(WorkflowError::ReadOnlyRole)
        );
        let mut incomplete = sheet(false);
        let err =
            advance_commendation(&mut incomplete, A::TownReview, "o", Role::TownOffice, at(), None)
                .unwrap_err();
        assert_eq!(err.to_string(), "scores_incomplete(missing=item(text=增收))");
        assert_eq!(incomplete.stage, S::Scoring);

        let mut s = sheet(true);
        for action in [A::TownReview, A::CountyApprove, A::CityName, A::RecommendTopTen] {
            advance_commendation(&mut s, action, "office", Role::TownOffice, at(), None).unwrap();
        }
        assert_eq!(s.stage, S::TopTenRecommended);
        assert_eq!(s.history.len(), 4);
        assert!(is_named(s.stage));
        assert!(yearly_appraisal_excellent(Category::ServicePost, s.stage));
        assert!(!yearly_appraisal_excellent(Category::VillageLeader, s.stage));
        assert!(!yearly_appraisal_excellent(Category::ServicePost, S::CountyApproved));

        let mut r = sheet(true);
        advance_commendation(
            &mut r,
            A::Reject,
            "office",
            Role::TownOffice,
            at(),
            Some("业绩不突出"),
        )
        .unwrap();
        assert_eq!((r.stage, r.reason.as_str()), (S::NotPassed, "业绩不突出"));
    }

    #[test]
    fn deadline_is_july_first() {
        let mut s = sheet(true);
        let june30 = NaiveDate::from_ymd_opt(2013, 6, 30).unwrap();
        let july1 = NaiveDate::from_ymd_opt(2013, 7, 1).unwrap();
        assert!(!commendation_overdue(&s, june30));
        assert!(commendation_overdue(&s, july1));
        s.stage = S::CountyApproved;
        assert!(!commendation_overdue(&s, july1));
        s.stage = S::NotPassed;
        assert!(!commendation_overdue(&s, july1));
    }

    /// A year of 300000 (a tampered record) used to panic in `expect`.
    #[test]
    fn deadline_of_an_impossible_year_does_not_panic() {
        assert_eq!(commendation_deadline(300_000), NaiveDate::MAX);
        assert_eq!(commendation_deadline(i32::MIN), NaiveDate::MIN);
        let s = Assessment { year: 300_000, ..Default::default() };
        let today = NaiveDate::from_ymd_opt(2013, 6, 1).unwrap();
        assert!(!commendation_overdue(&s, today));
    }
}
