//! Who may move a candidate along the application path (DOMAIN.md step 3) and along the yearly
//! commendation cycle (step 5), and when. Every refusal says why ([`WorkflowError::message`]).
//!
//! Decision on county and city outcomes: the county viewer account is read-only everywhere
//! (`roles::Account::can_write` refuses it), so county filing (备案), county approval (审核),
//! city naming (命名) and 十佳 recommendation are recorded by the town office on their behalf.
//! A county viewer who tries gets a message saying so.

mod application;
mod commendation;

use crate::message::Message;
pub use crate::model::{
    ApplicationAction, ApplicationState, CommendationAction, CommendationEntry, CommendationStage,
    TransitionEntry,
};
pub use application::{
    allowed_actions, apply_transition, needs_reason, restored_state, start, start_candidate,
    transition,
};

pub use commendation::{
    advance_commendation, commendation_deadline, commendation_overdue, commendation_transition,
    is_named, yearly_appraisal_excellent,
};

/// Whether `role` may tick or untick 梯队 (next year's pipeline) on `candidate` as it stands.
/// Once the town committee has approved the candidacy (镇党委审定, 备案, 命名) it counts in the
/// year's progress, ranking and report; moving it to the pipeline then takes it out of all
/// three, so only the town office may (`pipeline_after_town_approval`). Run by the tablet
/// before a save and by the server on every push (`policy::check_candidate`).
pub fn check_pipeline_change(
    candidate: &crate::model::Candidate,
    role: crate::roles::Role,
) -> Result<(), WorkflowError> {
    let approved = matches!(
        candidate.standing(),
        ApplicationState::TownApproved | ApplicationState::CountyFiled | ApplicationState::Named
    );
    if approved && role != crate::roles::Role::TownOffice {
        return Err(WorkflowError::RoleNotAllowed(PIPELINE_AFTER_TOWN_APPROVAL));
    }
    Ok(())
}

/// The refusal's code of [`check_pipeline_change`] (a [`WorkflowError::RoleNotAllowed`]).
pub const PIPELINE_AFTER_TOWN_APPROVAL: &str = "pipeline_after_town_approval";

/// Whether `role` may set 梯队 of `candidate` to `mark` on a tablet that holds `refused`: the
/// mark one of its own changes set that the server refused by [`check_pipeline_change`] (a
/// mark ticked offline before the town's approval reached the tablet), if any. As
/// [`check_pipeline_change`], except that taking such a mark back is always allowed: the server
/// refused it for changing the mark it holds, so the other value is the office's, and the
/// record then agrees with the office again. Without this the refused mark stayed on the tablet,
/// locked, and every resubmission of the record sent it again.
pub fn check_pipeline_mark(
    candidate: &crate::model::Candidate,
    role: crate::roles::Role,
    mark: bool,
    refused: Option<bool>,
) -> Result<(), WorkflowError> {
    if refused == Some(!mark) {
        return Ok(());
    }
    check_pipeline_change(candidate, role)
}

#[cfg(test)]
mod pipeline_tests {
    use super::*;
    use crate::model::Candidate;
    use crate::roles::Role;

    fn approved(pipeline: bool) -> Candidate {
        Candidate { state: ApplicationState::TownApproved, pipeline, ..Default::default() }
    }

    #[test]
    fn a_refused_mark_may_be_taken_back_and_nothing_else_changed() {
        // Ticked offline, refused: the tablet still shows it ticked on an approved candidacy.
        let ticked = approved(true);
        assert!(check_pipeline_change(&ticked, Role::Surveyor).is_err());
        // Taking it back (unticking) agrees with the office: allowed.
        assert_eq!(check_pipeline_mark(&ticked, Role::Surveyor, false, Some(true)), Ok(()));
        // Ticking it again is what the server refused: still refused.
        let unticked = approved(false);
        assert_eq!(
            check_pipeline_mark(&unticked, Role::Surveyor, true, Some(true)),
            Err(WorkflowError::RoleNotAllowed(PIPELINE_AFTER_TOWN_APPROVAL))
        );
        // Without a refusal nothing changes from the rule.
        assert!(check_pipeline_mark(&ticked, Role::BranchSecretary, false, None).is_err());
        assert_eq!(check_pipeline_mark(&ticked, Role::TownOffice, false, None), Ok(()));
        let applied = Candidate { state: ApplicationState::Applied, ..Default::default() };
        assert_eq!(check_pipeline_mark(&applied, Role::Surveyor, true, None), Ok(()));
    }
}

/// A value of one of shared's lists, by list name and code (`("application-state",
/// "returned")`): a state or an action a refusal names.
pub type Listed = (&'static str, &'static str);

/// Why a step is refused. Shown as [`WorkflowError::message`], worded by `crates/texts`; the
/// `Display` is for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub enum WorkflowError {
    /// The step does not apply in the current state (`from`: the states it applies in).
    WrongState { state: Listed, action: Listed, from: Vec<Listed> },
    /// The candidate was removed; its history is kept but nothing more happens.
    Finished,
    /// The record was carried over into the next year; the next year's record goes on.
    CarriedOver,
    /// The role may not take this step: the code of the message saying who may.
    RoleNotAllowed(&'static str),
    /// County accounts are read-only.
    ReadOnlyRole,
    /// The step (an action) needs a reason.
    ReasonRequired(Listed),
    /// The step does not apply to the category: the code of the message saying why.
    NotForCategory(&'static str),
    /// The candidate has no category yet.
    NoCategory,
    /// Scores are missing (the labels of the criteria not scored).
    ScoresIncomplete(Vec<String>),
}

impl WorkflowError {
    /// What the refusal says.
    pub fn message(&self) -> Message {
        let label = |m: Message, name: &str, (list, code): Listed| m.label(name, list, code);
        match self {
            WorkflowError::WrongState { state, action, from } => {
                let from: Vec<Message> = from
                    .iter()
                    .map(|listed| label(Message::new("quoted_state"), "state", *listed))
                    .collect();
                let m = label(Message::new("wrong_state"), "state", *state);
                label(m, "action", *action).arg("from", from)
            }
            WorkflowError::Finished => Message::new("candidate_removed"),
            WorkflowError::CarriedOver => Message::new("candidate_carried_over"),
            WorkflowError::RoleNotAllowed(code) | WorkflowError::NotForCategory(code) => {
                Message::new(code)
            }
            WorkflowError::ReadOnlyRole => Message::new("county_records_through_office"),
            WorkflowError::ReasonRequired(action) => {
                label(Message::new("reason_required"), "action", *action)
            }
            WorkflowError::NoCategory => Message::new("choose_category_first"),
            WorkflowError::ScoresIncomplete(missing) => {
                let missing: Vec<Message> =
                    missing.iter().map(|m| Message::new("item").arg("text", m.as_str())).collect();
                Message::new("scores_incomplete").arg("missing", missing)
            }
        }
    }
}

/// A reason, trimmed, if one was given.
fn given(reason: Option<&str>) -> Option<&str> {
    reason.map(str::trim).filter(|r| !r.is_empty())
}
