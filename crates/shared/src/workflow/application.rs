//! The application path: 自愿申报 → 支部汇总 → 镇党委审定 → 报县委组织部备案 → 命名, with
//! 退回 (back to the applicant), 移除 and 调整 (dynamic management), all with reasons.
//!
//! `service_post` skips the branch: the town office nominates (records the application),
//! the town committee selects (审定) yearly and it is reported to the county.

use chrono::NaiveDateTime;

use super::{WorkflowError, given};
use crate::model::{
    ApplicationAction as A, ApplicationState as S, Candidate, Category, TransitionEntry,
};
use crate::roles::Role;

/// The states `action` may start from (for `category`).
fn from_states(action: A, category: Category) -> &'static [S] {
    let through_branch = category.applies_through_branch();
    match action {
        A::Apply => &[S::Returned, S::Adjusted],
        A::Aggregate => &[S::Applied],
        A::Approve if through_branch => &[S::BranchAggregated],
        A::Approve => &[S::Applied],
        A::File => &[S::TownApproved],
        A::Name => &[S::CountyFiled],
        A::Return => &[S::Applied, S::BranchAggregated, S::TownApproved, S::CountyFiled],
        A::Remove => &[
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Returned,
            S::Adjusted,
        ],
        A::Adjust => &[S::TownApproved, S::CountyFiled, S::Named],
        A::CarryOver => &[
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Adjusted,
        ],
        A::Restore => &[S::Removed],
    }
}

fn target(action: A) -> S {
    match action {
        A::Apply => S::Applied,
        A::Aggregate => S::BranchAggregated,
        A::Approve => S::TownApproved,
        A::File => S::CountyFiled,
        A::Name => S::Named,
        A::Return => S::Returned,
        A::Remove => S::Removed,
        A::Adjust => S::Adjusted,
        A::CarryOver => S::CarriedOver,
        // The state before the removal (see `restored_state`); 已申报 when the history has none.
        A::Restore => S::Applied,
    }
}

/// Whether `action` needs a written reason (退回、移除、调整、恢复).
pub fn needs_reason(action: A) -> bool {
    matches!(action, A::Return | A::Remove | A::Adjust | A::Restore)
}

/// The state a removed candidate returns to on 恢复: the one it was removed from (history),
/// else 已申报.
pub fn restored_state(candidate: &Candidate) -> S {
    candidate
        .history
        .iter()
        .rev()
        .find(|e| e.to == S::Removed)
        .and_then(|e| e.from)
        .filter(|s| !matches!(s, S::Removed | S::CarriedOver))
        .unwrap_or(S::Applied)
}

/// Who may record a (new or renewed) application of `category`.
fn check_apply_role(role: Role, category: Category) -> Result<(), WorkflowError> {
    match (role, category.applies_through_branch()) {
        (Role::CountyViewer, _) => Err(WorkflowError::ReadOnlyRole),
        (Role::TownOffice, _) => Ok(()),
        (Role::Surveyor | Role::BranchSecretary, true) => Ok(()),
        (_, false) => Err(WorkflowError::RoleNotAllowed("service_post_named_by_office")),
    }
}

/// Whether `role` may take `action` from `state`; the message says who may.
fn check_role(state: S, action: A, role: Role, category: Category) -> Result<(), WorkflowError> {
    // The county records its own step, 县委组织部备案, and nothing else.
    if role == Role::CountyViewer && action != A::File {
        return Err(WorkflowError::ReadOnlyRole);
    }
    let office_only = |message| {
        if role == Role::TownOffice { Ok(()) } else { Err(WorkflowError::RoleNotAllowed(message)) }
    };
    match action {
        A::Apply => check_apply_role(role, category),
        A::Aggregate => match role {
            Role::BranchSecretary | Role::TownOffice => Ok(()),
            _ => Err(WorkflowError::RoleNotAllowed("only_secretary_aggregates")),
        },
        A::Approve => office_only("only_office_approves"),
        // The county account files it itself (a county deployment); the town office records it
        // on the county's behalf where the county has no account (a town on its own).
        A::File => match role {
            Role::CountyViewer | Role::TownOffice => Ok(()),
            _ => Err(WorkflowError::RoleNotAllowed("only_county_files")),
        },
        A::Name => office_only("only_office_names"),
        A::Return if state == S::Applied && category.applies_through_branch() => match role {
            Role::BranchSecretary | Role::TownOffice => Ok(()),
            _ => Err(WorkflowError::RoleNotAllowed("only_secretary_returns")),
        },
        A::Return => office_only("only_office_returns_aggregated"),
        A::Remove => office_only("only_office_removes"),
        A::Adjust => office_only("only_office_adjusts"),
        A::CarryOver => check_apply_role(role, category),
        A::Restore => office_only("only_office_restores"),
    }
}

/// The state after `role` takes `action` on a candidate of `category` in `state`.
///
/// Checks, in order: the candidate is not removed; the action applies to the category; the
/// state allows it; the role may take it; a reason is given for return, removal and adjustment.
pub fn transition(
    state: S,
    action: A,
    role: Role,
    category: Category,
    reason: Option<&str>,
) -> Result<S, WorkflowError> {
    if state == S::Removed && action != A::Restore {
        return Err(WorkflowError::Finished);
    }
    if state == S::CarriedOver {
        return Err(WorkflowError::CarriedOver);
    }
    if action == A::Aggregate && !category.applies_through_branch() {
        return Err(WorkflowError::NotForCategory("service_post_not_aggregated"));
    }
    let from = from_states(action, category);
    if !from.contains(&state) {
        return Err(WorkflowError::WrongState {
            state: ("application-state", state.as_str()),
            action: ("application-action", action.as_str()),
            from: from.iter().map(|s| ("application-state", s.as_str())).collect(),
        });
    }
    check_role(state, action, role, category)?;
    if needs_reason(action) && given(reason).is_none() {
        return Err(WorkflowError::ReasonRequired(("application-action", action.as_str())));
    }
    Ok(target(action))
}

/// The state of a newly recorded application (always `Applied`), if `role` may record one.
pub fn start(role: Role, category: Category) -> Result<S, WorkflowError> {
    check_apply_role(role, category).map(|()| S::Applied)
}

/// The steps `role` may take now (assuming a reason is given where one is needed): the buttons
/// a candidate screen shows.
pub fn allowed_actions(state: S, role: Role, category: Category) -> Vec<A> {
    A::ALL
        .iter()
        .copied()
        .filter(|a| transition(state, *a, role, category, Some("理由")).is_ok())
        .collect()
}

/// Record a new application on `candidate` (state `Applied`, first history entry).
pub fn start_candidate(
    candidate: &mut Candidate,
    by: &str,
    role: Role,
    at: NaiveDateTime,
) -> Result<(), WorkflowError> {
    let category = candidate.category.ok_or(WorkflowError::NoCategory)?;
    let to = start(role, category)?;
    candidate.state = to;
    candidate.history.push(TransitionEntry {
        from: None,
        to,
        action: Some(A::Apply),
        by: by.to_owned(),
        role: Some(role),
        at,
        reason: String::new(),
        note: None,
    });
    Ok(())
}

/// Take `action` on `candidate`: checks it with [`transition`], then sets the state, the latest
/// reason (for return, removal and adjustment) and appends to the history.
pub fn apply_transition(
    candidate: &mut Candidate,
    action: A,
    by: &str,
    role: Role,
    at: NaiveDateTime,
    reason: Option<&str>,
) -> Result<S, WorkflowError> {
    let category = candidate.category.ok_or(WorkflowError::NoCategory)?;
    let from = candidate.state;
    let mut to = transition(from, action, role, category, reason)?;
    if action == A::Restore {
        to = restored_state(candidate);
    }
    let reason = given(reason).unwrap_or("").to_owned();
    if needs_reason(action) {
        candidate.reason = reason.clone();
    }
    candidate.state = to;
    candidate.history.push(TransitionEntry {
        from: Some(from),
        to,
        action: Some(action),
        by: by.to_owned(),
        role: Some(role),
        at,
        reason,
        note: None,
    });
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const SEC: Role = Role::BranchSecretary;
    const SUR: Role = Role::Surveyor;
    const OFF: Role = Role::TownOffice;

    /// Every step allowed for a branch-applied category: (from, action, role, to).
    /// Written out by hand from the seed, independently of the implementation's tables.
    fn branch_table() -> Vec<(S, A, Role, S)> {
        let mut t = vec![];
        for from in [S::Returned, S::Adjusted] {
            for role in [SUR, SEC, OFF] {
                t.push((from, A::Apply, role, S::Applied));
            }
        }
        t.push((S::Applied, A::Aggregate, SEC, S::BranchAggregated));
        t.push((S::Applied, A::Aggregate, OFF, S::BranchAggregated));
        t.push((S::BranchAggregated, A::Approve, OFF, S::TownApproved));
        t.push((S::TownApproved, A::File, OFF, S::CountyFiled));
        t.push((S::TownApproved, A::File, Role::CountyViewer, S::CountyFiled));
        t.push((S::CountyFiled, A::Name, OFF, S::Named));
        t.push((S::Applied, A::Return, SEC, S::Returned));
        for from in [S::Applied, S::BranchAggregated, S::TownApproved, S::CountyFiled] {
            t.push((from, A::Return, OFF, S::Returned));
        }
        for from in [
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Returned,
            S::Adjusted,
        ] {
            t.push((from, A::Remove, OFF, S::Removed));
        }
        for from in [S::TownApproved, S::CountyFiled, S::Named] {
            t.push((from, A::Adjust, OFF, S::Adjusted));
        }
        for from in [
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Adjusted,
        ] {
            for role in [SUR, SEC, OFF] {
                t.push((from, A::CarryOver, role, S::CarriedOver));
            }
        }
        t.push((S::Removed, A::Restore, OFF, S::Applied));
        t
    }

    /// The same for service_post: no branch step, office only.
    fn service_table() -> Vec<(S, A, Role, S)> {
        let mut t = vec![];
        for from in [S::Returned, S::Adjusted] {
            t.push((from, A::Apply, OFF, S::Applied));
        }
        t.push((S::Applied, A::Approve, OFF, S::TownApproved));
        t.push((S::TownApproved, A::File, OFF, S::CountyFiled));
        t.push((S::TownApproved, A::File, Role::CountyViewer, S::CountyFiled));
        t.push((S::CountyFiled, A::Name, OFF, S::Named));
        for from in [S::Applied, S::BranchAggregated, S::TownApproved, S::CountyFiled] {
            t.push((from, A::Return, OFF, S::Returned));
        }
        for from in [
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Returned,
            S::Adjusted,
        ] {
            t.push((from, A::Remove, OFF, S::Removed));
        }
        for from in [S::TownApproved, S::CountyFiled, S::Named] {
            t.push((from, A::Adjust, OFF, S::Adjusted));
        }
        for from in [
            S::Applied,
            S::BranchAggregated,
            S::TownApproved,
            S::CountyFiled,
            S::Named,
            S::Adjusted,
        ] {
            t.push((from, A::CarryOver, OFF, S::CarriedOver));
        }
        t.push((S::Removed, A::Restore, OFF, S::Applied));
        t
    }

    #[test]
    fn every_combination_is_allowed_or_refused_as_the_table_says() {
        for category in Category::ALL.iter().copied() {
            let table =
                if category == Category::ServicePost { service_table() } else { branch_table() };
            let allowed: HashSet<(S, A, Role)> =
                table.iter().map(|(f, a, r, _)| (*f, *a, *r)).collect();
            let mut checked = 0;
            for state in S::ALL.iter().copied() {
                for action in A::ALL.iter().copied() {
                    for role in Role::ALL {
                        let got = transition(state, action, role, category, Some("理由"));
                        match table
                            .iter()
                            .find(|(f, a, r, _)| (*f, *a, *r) == (state, action, role))
                        {
                            Some((_, _, _, to)) => assert_eq!(
                                got,
                                Ok(*to),
                                "{category:?} {state:?} {action:?} {role:?}"
                            ),
                            None => {
                                let err = got.expect_err(&format!(
                                    "{category:?} {state:?} {action:?} {role:?} must be refused"
                                ));
                                assert!(!err.to_string().is_empty());
                            }
                        }
                        assert_eq!(
                            allowed.contains(&(state, action, role)),
                            allowed_actions(state, role, category).contains(&action)
                        );
                        checked += 1;
                    }
                }
            }
            assert_eq!(checked, 9 * 10 * 4);
        }
    }

    #[test]
    fn refusals_say_why() {
        let c = Category::VillageLeader;
        assert_eq!(
            transition(S::BranchAggregated, A::Approve, SEC, c, None).unwrap_err().to_string(),
            "only_office_approves"
        );
        assert_eq!(
            transition(S::Applied, A::Return, SEC, c, Some("  ")).unwrap_err().to_string(),
            "reason_required(action=application-action:return)"
        );
        assert_eq!(
            transition(S::Applied, A::Approve, OFF, c, None).unwrap_err().to_string(),
            "wrong_state(action=application-action:approve, \
             from=quoted_state(state=application-state:branch_aggregated), \
             state=application-state:applied)"
        );
        assert_eq!(
            transition(S::TownApproved, A::File, Role::CountyViewer, c, None),
            Ok(S::CountyFiled),
            "the county records its own step"
        );
        assert_eq!(
            transition(S::CountyFiled, A::Name, Role::CountyViewer, c, None).unwrap_err(),
            WorkflowError::ReadOnlyRole
        );
        assert_eq!(
            transition(S::Removed, A::Apply, OFF, c, None).unwrap_err(),
            WorkflowError::Finished
        );
        assert!(matches!(
            transition(S::Applied, A::Aggregate, SEC, Category::ServicePost, None),
            Err(WorkflowError::NotForCategory(_))
        ));
        assert_eq!(
            transition(S::BranchAggregated, A::Return, SEC, c, Some("材料不全"))
                .unwrap_err()
                .to_string(),
            "only_office_returns_aggregated"
        );
        assert_eq!(
            transition(S::Named, A::Remove, OFF, c, None).unwrap_err().to_string(),
            "reason_required(action=application-action:remove)"
        );
    }

    #[test]
    fn who_may_record_an_application() {
        for role in [SUR, SEC, OFF] {
            assert_eq!(start(role, Category::BusinessHousehold), Ok(S::Applied));
        }
        assert_eq!(
            start(Role::CountyViewer, Category::VillageLeader),
            Err(WorkflowError::ReadOnlyRole)
        );
        assert_eq!(start(OFF, Category::ServicePost), Ok(S::Applied));
        assert!(matches!(start(SEC, Category::ServicePost), Err(WorkflowError::RoleNotAllowed(_))));
    }

    #[test]
    fn full_path_with_a_return_keeps_history() {
        let at =
            |h| chrono::NaiveDate::from_ymd_opt(2013, 3, 1).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let mut c = Candidate { category: Some(Category::EnterprisePost), ..Default::default() };
        start_candidate(&mut c, "surveyor1", SUR, at(8)).unwrap();
        apply_transition(&mut c, A::Aggregate, "sec", SEC, at(9), None).unwrap();
        let err = apply_transition(&mut c, A::Return, "office", OFF, at(10), None).unwrap_err();
        assert_eq!(err, WorkflowError::ReasonRequired(("application-action", "return")));
        assert_eq!(c.state, S::BranchAggregated, "a refused step changes nothing");
        assert_eq!(c.history.len(), 2);
        apply_transition(&mut c, A::Return, "office", OFF, at(10), Some(" 缺少业绩材料 ")).unwrap();
        assert_eq!((c.state, c.reason.as_str()), (S::Returned, "缺少业绩材料"));
        apply_transition(&mut c, A::Apply, "surveyor1", SUR, at(11), None).unwrap();
        for (action, role) in
            [(A::Aggregate, SEC), (A::Approve, OFF), (A::File, OFF), (A::Name, OFF)]
        {
            apply_transition(&mut c, action, "x", role, at(12), None).unwrap();
        }
        assert_eq!(c.state, S::Named);
        assert_eq!(c.reason, "缺少业绩材料", "the last reason stays until the next one");
        let trail: Vec<(Option<S>, S)> = c.history.iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(
            trail,
            [
                (None, S::Applied),
                (Some(S::Applied), S::BranchAggregated),
                (Some(S::BranchAggregated), S::Returned),
                (Some(S::Returned), S::Applied),
                (Some(S::Applied), S::BranchAggregated),
                (Some(S::BranchAggregated), S::TownApproved),
                (Some(S::TownApproved), S::CountyFiled),
                (Some(S::CountyFiled), S::Named),
            ]
        );
        assert_eq!(c.history[2].reason, "缺少业绩材料");
        assert_eq!(c.history[2].role, Some(OFF));
        apply_transition(&mut c, A::Remove, "office", OFF, at(13), Some("迁出本镇")).unwrap();
        assert!(!c.is_active());
        assert_eq!(
            apply_transition(&mut c, A::Apply, "x", OFF, at(14), None),
            Err(WorkflowError::Finished)
        );
        // 恢复: office only, with a reason, back to the state it was removed from.
        assert_eq!(
            apply_transition(&mut c, A::Restore, "sec", SEC, at(15), Some("误操作")),
            Err(WorkflowError::RoleNotAllowed("only_office_restores"))
        );
        assert_eq!(
            apply_transition(&mut c, A::Restore, "office", OFF, at(15), None),
            Err(WorkflowError::ReasonRequired(("application-action", "restore")))
        );
        assert_eq!(
            apply_transition(&mut c, A::Restore, "office", OFF, at(15), Some("误操作")),
            Ok(S::Named)
        );
        assert!(c.is_active());
        assert_eq!(c.history.last().map(|e| (e.from, e.to)), Some((Some(S::Removed), S::Named)));
    }

    #[test]
    fn service_post_goes_straight_to_the_town() {
        let c = Category::ServicePost;
        assert_eq!(
            allowed_actions(S::Applied, OFF, c),
            [A::Approve, A::Return, A::Remove, A::CarryOver]
        );
        assert_eq!(allowed_actions(S::Applied, SEC, c), Vec::<A>::new());
        let mut cand = Candidate { category: None, ..Default::default() };
        let at = chrono::NaiveDateTime::default();
        assert_eq!(
            apply_transition(&mut cand, A::Approve, "o", OFF, at, None),
            Err(WorkflowError::NoCategory)
        );
    }
}
