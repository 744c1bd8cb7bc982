//! A change of a candidate's application state must be a step `shared::workflow` allows the
//! pusher's role to take from the state the server holds; the refusal carries the same Chinese
//! message the tablet shows.
//!
//! Only the merged outcome counts: an operation whose `state` loses the merge (an older clock)
//! changes nothing and is not checked; one that wins must be a legal step from the current
//! state. Which step it is comes from the history entry it appended (what the tablet's
//! `apply_transition` writes), else from the target state (each action has its own target).

use crate::model::{
    ApplicationAction, ApplicationState, Assessment, Candidate, CommendationAction,
    CommendationStage,
};
use crate::record::{EntityKind, Record};
use crate::roles::Role;
use crate::workflow::{self, WorkflowError};

use super::Rejection;
use crate::message::Message;

fn refused(err: WorkflowError) -> Rejection {
    Rejection::new("workflow_refused", err.message())
}

fn typed(record: &Record) -> Result<Candidate, Rejection> {
    record.to_typed().map_err(|_| super::validation::undecodable(EntityKind::Candidate))
}

/// The action whose target is `to` (the targets of the actions are all different).
fn action_into(to: ApplicationState) -> Option<ApplicationAction> {
    use ApplicationAction as A;
    use ApplicationState as S;
    Some(match to {
        S::Applied => A::Apply,
        S::BranchAggregated => A::Aggregate,
        S::TownApproved => A::Approve,
        S::CountyFiled => A::File,
        S::Named => A::Name,
        S::Returned => A::Return,
        S::Removed => A::Remove,
        S::Adjusted => A::Adjust,
        S::CarriedOver => A::CarryOver,
    })
}

/// What a county account may change: exactly the step 镇党委审定 → 县委组织部备案, the history
/// kept as it was with that one entry appended (the fields are limited by the access rule).
pub fn check_county_filing(
    role: Role,
    current: Option<&Record>,
    merged: &Record,
) -> Result<(), Rejection> {
    if role != Role::CountyViewer {
        return Ok(());
    }
    let refused = || Rejection::new("workflow_refused", "county_files_approved_only");
    let Some(current) = current else { return Err(refused()) };
    let (before, after) = (typed(current)?, typed(merged)?);
    let appended = after.history.len() == before.history.len() + 1
        && after.history.starts_with(&before.history)
        && after.history.last().is_some_and(|e| {
            e.to == ApplicationState::CountyFiled
                && e.from == Some(ApplicationState::TownApproved)
                && e.action == Some(ApplicationAction::File)
                && e.role == Some(Role::CountyViewer)
        });
    if merged.is_deleted()
        || after.reason != before.reason
        || before.state != ApplicationState::TownApproved
        || after.state != ApplicationState::CountyFiled
        || !appended
    {
        return Err(refused());
    }
    Ok(())
}

/// Check the state change from `current` to `merged` (both as the server sees them), and a
/// change of 梯队 on a candidacy the town approved (`workflow::check_pipeline_change`).
pub fn check_candidate(
    role: Role,
    current: Option<&Record>,
    merged: &Record,
) -> Result<(), Rejection> {
    if merged.entity != EntityKind::Candidate || merged.is_deleted() {
        return Ok(());
    }
    let before = match current.filter(|r| r.fields.contains_key("state")) {
        Some(record) => Some(typed(record)?),
        None => None,
    };
    if !merged.fields.contains_key("state") {
        return Ok(()); // a partial record without a state yet: nothing to check
    }
    let after = typed(merged)?;
    let Some(before) = before else {
        // A new application: it starts as 已申报 and the role must be allowed to record it.
        let category = after.category.ok_or(WorkflowError::NoCategory).map_err(refused)?;
        let start = workflow::start(role, category).map_err(refused)?;
        if after.state != start {
            return Err(Rejection::new(
                "workflow_refused",
                Message::new("must_start_at")
                    .label("start", "application-state", start.as_str())
                    .state(after.state),
            ));
        }
        return Ok(());
    };
    if before.pipeline != after.pipeline {
        // 梯队 on a candidacy the town approved: the office's decision only.
        workflow::check_pipeline_change(&before, role).map_err(refused)?;
    }
    if before.state == after.state {
        return Ok(());
    }
    let category =
        after.category.or(before.category).ok_or(WorkflowError::NoCategory).map_err(refused)?;
    let appended = (after.history.len() > before.history.len())
        .then(|| after.history.last())
        .flatten()
        .filter(|entry| entry.to == after.state);
    let action = appended.and_then(|e| e.action).or_else(|| action_into(after.state));
    let Some(action) = action else {
        return Ok(());
    };
    let reason = appended
        .map(|e| e.reason.as_str())
        .filter(|r| !r.trim().is_empty())
        .unwrap_or(after.reason.as_str());
    workflow::transition(before.state, action, role, category, Some(reason)).map_err(refused)?;
    if action == ApplicationAction::Restore && after.state != workflow::restored_state(&before) {
        return Err(Rejection::new(
            "workflow_refused",
            Message::new("restore_to_state_before").state(workflow::restored_state(&before)),
        ));
    }
    Ok(())
}

/// The commendation action whose target is `to` (`not_passed` is a rejection; `scoring` is
/// no action's target).
fn commendation_action_into(to: CommendationStage) -> Option<CommendationAction> {
    use CommendationAction as A;
    use CommendationStage as S;
    Some(match to {
        S::Scoring => return None,
        S::TownReviewed => A::TownReview,
        S::CountyApproved => A::CountyApprove,
        S::CityNamed => A::CityName,
        S::TopTenRecommended => A::RecommendTopTen,
        S::NotPassed => A::Reject,
    })
}

fn typed_assessment(record: &Record) -> Result<Assessment, Rejection> {
    record.to_typed().map_err(|_| super::validation::undecodable(EntityKind::Assessment))
}

/// Check the commendation stage change of a score sheet from `current` to `merged` with the
/// same `shared::workflow` table the tablet uses: a new sheet starts at 评分中; every later
/// stage is a step the role may take from the stage the server holds (only the town office
/// records them), the town review with every criterion scored.
pub fn check_assessment(
    role: Role,
    current: Option<&Record>,
    merged: &Record,
) -> Result<(), Rejection> {
    if merged.entity != EntityKind::Assessment || merged.is_deleted() {
        return Ok(());
    }
    let before = match current.filter(|r| r.fields.contains_key("stage")) {
        Some(record) => typed_assessment(record)?.stage,
        None => CommendationStage::Scoring,
    };
    let after = typed_assessment(merged)?;
    if before == after.stage {
        return Ok(());
    }
    let Some(action) = commendation_action_into(after.stage) else {
        return Err(Rejection::new(
            "workflow_refused",
            Message::new("commendation_not_back_to_scoring").label(
                "stage",
                "commendation-stage",
                before.as_str(),
            ),
        ));
    };
    let appended = after.history.last().filter(|e| e.to == after.stage);
    let reason = appended
        .map(|e| e.reason.as_str())
        .filter(|r| !r.trim().is_empty())
        .unwrap_or(after.reason.as_str());
    workflow::commendation_transition(before, action, role, Some(reason)).map_err(refused)?;
    if action == CommendationAction::TownReview {
        let missing = crate::scoring::missing_scores(&after);
        if !missing.is_empty() {
            return Err(refused(WorkflowError::ScoresIncomplete(missing)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::record::to_fields;
    use chrono::NaiveDateTime;
    use uuid::Uuid;

    fn record(c: &Candidate) -> Record {
        let mut r = Record::new(EntityKind::Candidate, Uuid::nil(), "b1");
        r.fields = to_fields(c).unwrap();
        r
    }

    fn applied(category: Category) -> Candidate {
        let mut c =
            Candidate { category: Some(category), branch_id: "b1".into(), ..Default::default() };
        workflow::start_candidate(&mut c, "u", Role::TownOffice, NaiveDateTime::default()).unwrap();
        c
    }

    /// The step as the office's tablet would write it.
    fn step(c: &Candidate, action: ApplicationAction, reason: Option<&str>) -> Candidate {
        let mut next = c.clone();
        let at = NaiveDateTime::default();
        workflow::apply_transition(&mut next, action, "u", Role::TownOffice, at, reason).unwrap();
        next
    }

    #[test]
    fn steps_are_checked_against_the_pushers_role() {
        let c = applied(Category::VillageLeader);
        let aggregated = step(&c, ApplicationAction::Aggregate, None);
        let approved = step(&aggregated, ApplicationAction::Approve, None);
        let (from, to) = (record(&aggregated), record(&approved));
        assert_eq!(check_candidate(Role::TownOffice, Some(&from), &to), Ok(()));
        let err = check_candidate(Role::BranchSecretary, Some(&from), &to).unwrap_err();
        assert_eq!(err.code, "workflow_refused");
        assert_eq!(err.message, Message::new("only_office_approves"));
        // Skipping a step: from 已申报 straight to 镇党委已审定.
        let err = check_candidate(Role::TownOffice, Some(&record(&c)), &to).unwrap_err();
        assert!(
            err.message.to_string().starts_with("wrong_state(action=application-action:approve"),
            "{}",
            err.message
        );
        assert!(
            err.message.to_string().contains("state=application-state:applied"),
            "{}",
            err.message
        );
        // No state change: nothing to check, whoever pushes.
        assert_eq!(check_candidate(Role::Surveyor, Some(&from), &from), Ok(()));
    }

    #[test]
    fn a_state_set_without_history_is_checked_by_its_target() {
        let c = applied(Category::EnterprisePost);
        let mut returned = c.clone();
        returned.state = ApplicationState::Returned;
        let err = check_candidate(Role::BranchSecretary, Some(&record(&c)), &record(&returned))
            .unwrap_err();
        assert_eq!(
            err.message,
            Message::new("reason_required").label("action", "application-action", "return")
        );
        returned.reason = "材料不全".into();
        assert_eq!(
            check_candidate(Role::BranchSecretary, Some(&record(&c)), &record(&returned)),
            Ok(())
        );
    }

    #[test]
    fn new_candidates_start_as_applied_by_an_allowed_role() {
        let c = applied(Category::ServicePost);
        assert_eq!(check_candidate(Role::TownOffice, None, &record(&c)), Ok(()));
        let err = check_candidate(Role::BranchSecretary, None, &record(&c)).unwrap_err();
        assert_eq!(err.message, Message::new("service_post_named_by_office"));
        let mut named = applied(Category::VillageLeader);
        named.state = ApplicationState::Named;
        let err = check_candidate(Role::TownOffice, None, &record(&named)).unwrap_err();
        assert_eq!(err.message.code, "must_start_at");
        assert_eq!(
            err.message.get("state"),
            Message::new("x").state(ApplicationState::Named).get("state")
        );
    }

    #[test]
    fn commendation_stages_follow_the_table() {
        let sheet = |stage: CommendationStage| {
            let mut r = Record::new(EntityKind::Assessment, Uuid::nil(), "b1");
            r.fields = to_fields(&Assessment { year: 2013, stage, ..Default::default() }).unwrap();
            r
        };
        use CommendationStage as S;
        let code = |role, from: Option<&Record>, to: &Record| {
            check_assessment(role, from, to).err().map_or("ok", |r| r.code)
        };
        // A surveyor cannot name anyone, nor can a new sheet start named.
        assert_eq!(code(Role::Surveyor, None, &sheet(S::CityNamed)), "workflow_refused");
        assert_eq!(code(Role::TownOffice, None, &sheet(S::TopTenRecommended)), "workflow_refused");
        assert_eq!(code(Role::Surveyor, None, &sheet(S::Scoring)), "ok");
        let approved = sheet(S::CountyApproved);
        assert_eq!(code(Role::TownOffice, Some(&approved), &sheet(S::CityNamed)), "ok");
        assert_eq!(
            code(Role::BranchSecretary, Some(&approved), &sheet(S::CityNamed)),
            "workflow_refused"
        );
        assert_eq!(code(Role::TownOffice, Some(&approved), &sheet(S::Scoring)), "workflow_refused");
        // Skipping the county: 初评 → 命名.
        let reviewed = sheet(S::TownReviewed);
        assert_eq!(
            code(Role::TownOffice, Some(&reviewed), &sheet(S::CityNamed)),
            "workflow_refused"
        );
    }

    #[test]
    fn removed_candidates_stay_removed() {
        let c = applied(Category::VillageLeader);
        let removed = step(&c, ApplicationAction::Remove, Some("迁出"));
        let mut again = removed.clone();
        again.state = ApplicationState::Applied;
        let err = check_candidate(Role::TownOffice, Some(&record(&removed)), &record(&again))
            .unwrap_err();
        assert_eq!(err.message, Message::new("candidate_removed"));
        // 恢复 with its history entry, by the office, back to the state before removal.
        let restored = step(&removed, ApplicationAction::Restore, Some("误操作"));
        assert_eq!(restored.state, ApplicationState::Applied);
        assert_eq!(
            check_candidate(Role::TownOffice, Some(&record(&removed)), &record(&restored)),
            Ok(())
        );
        let err =
            check_candidate(Role::BranchSecretary, Some(&record(&removed)), &record(&restored))
                .unwrap_err();
        assert_eq!(err.message, Message::new("only_office_restores"));
        let mut wrong = restored.clone();
        wrong.state = ApplicationState::Named;
        wrong.history.last_mut().unwrap().to = ApplicationState::Named;
        let err = check_candidate(Role::TownOffice, Some(&record(&removed)), &record(&wrong))
            .unwrap_err();
        assert_eq!(
            err.message,
            Message::new("restore_to_state_before").state(ApplicationState::Applied)
        );
    }
}
