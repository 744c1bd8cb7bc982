//! The candidate profile: new candidates, the checklist of the category's standards, and the
//! application steps as buttons (enabled, or disabled with the workflow's reason).

use chrono::NaiveDateTime;
use shared::model::{
    ApplicationAction, ApplicationState, Candidate, Category, Person, StandardCheck,
};
use shared::roles::Role;
use shared::workflow::{self, WorkflowError};
use uuid::Uuid;

/// One application step as the profile shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionButton {
    pub action: ApplicationAction,
    /// `None`: the role may take the step now; `Some(why)`: shown disabled with this reason.
    pub refusal: Option<String>,
    /// The step asks for a reason before it is taken.
    pub needs_reason: bool,
    /// The step cannot be undone (confirm before taking it).
    pub destructive: bool,
}

/// Whether `action` needs a written reason (退回、移除、调整).
pub fn needs_reason(action: ApplicationAction) -> bool {
    matches!(
        action,
        ApplicationAction::Return | ApplicationAction::Remove | ApplicationAction::Adjust
    )
}

/// Every application step for `candidate` as `role` sees it. Steps that do not apply to the
/// category at all (支部汇总 for service_post) are left out; the others are enabled or carry
/// the workflow's refusal.
pub fn action_buttons(candidate: &Candidate, role: Role) -> Vec<ActionButton> {
    let Some(category) = candidate.category else { return Vec::new() };
    ApplicationAction::ALL
        .iter()
        .copied()
        .filter(|a| category.applies_through_branch() || *a != ApplicationAction::Aggregate)
        .map(|action| {
            let refusal =
                workflow::transition(candidate.state, action, role, category, Some("理由"))
                    .err()
                    .map(|e| e.to_string());
            ActionButton {
                action,
                refusal,
                needs_reason: needs_reason(action),
                destructive: action == ApplicationAction::Remove,
            }
        })
        .collect()
}

/// What a new application says: the category, the year and whether it is next year's pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Application {
    pub category: Category,
    pub year: i32,
    pub pipeline: bool,
}

/// A new candidate for `person` (record `person_id`): the category's unticked checklist, the
/// person's branch, and the first history entry, if `role` may record an application.
pub fn new_candidate(
    person_id: Uuid,
    person: &Person,
    application: Application,
    by: &str,
    role: Role,
    at: NaiveDateTime,
) -> Result<Candidate, WorkflowError> {
    let Application { category, year, pipeline } = application;
    let mut candidate = Candidate {
        person_id,
        branch_id: person.branch_id.clone(),
        category: Some(category),
        year,
        pipeline,
        standards: StandardCheck::checklist(category),
        ..Default::default()
    };
    workflow::start_candidate(&mut candidate, by, role, at)?;
    Ok(candidate)
}

/// The checklist for `category`, keeping what was already recorded for the same standards.
pub fn checklist_for(category: Category, current: &[StandardCheck]) -> Vec<StandardCheck> {
    StandardCheck::checklist(category)
        .into_iter()
        .map(|fresh| current.iter().find(|c| c.item == fresh.item).cloned().unwrap_or(fresh))
        .collect()
}

/// (met, total) of the checklist.
pub fn standards_met(candidate: &Candidate) -> (usize, usize) {
    (candidate.standards.iter().filter(|s| s.met).count(), candidate.standards.len())
}

/// The same member as a candidate of the following year: service_post is chosen every year,
/// and a pipeline member (培育) becomes next year's applicant. The new record starts its own
/// application (its history begins with the new application).
pub fn for_next_year(
    candidate: &Candidate,
    by: &str,
    role: Role,
    at: NaiveDateTime,
) -> Result<Candidate, WorkflowError> {
    if !candidate.is_active() {
        return Err(WorkflowError::Finished);
    }
    let category = candidate.category.ok_or(WorkflowError::NoCategory)?;
    let mut next = Candidate {
        person_id: candidate.person_id,
        branch_id: candidate.branch_id.clone(),
        category: Some(category),
        year: candidate.year + 1,
        contact_person: candidate.contact_person.clone(),
        standards: StandardCheck::checklist(category),
        integrity_grade: candidate.integrity_grade,
        industry_prospects: candidate.industry_prospects.clone(),
        ..Default::default()
    };
    workflow::start_candidate(&mut next, by, role, at)?;
    Ok(next)
}

/// A short label of where the candidate stands, with the pipeline flag.
pub fn state_label(candidate: &Candidate) -> String {
    let state = candidate.state.label_zh();
    if candidate.pipeline && candidate.state != ApplicationState::Removed {
        format!("{state}（梯队培育）")
    } else {
        state.to_owned()
    }
}
