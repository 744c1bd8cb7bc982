//! The candidate profile: new candidates, the checklist of the category's standards, and the
//! application steps as buttons (enabled, or disabled with the workflow's reason).

use crate::i18n::Localized as _;
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

/// Whether `action` needs a written reason (退回、移除、调整、恢复).
pub fn needs_reason(action: ApplicationAction) -> bool {
    workflow::needs_reason(action)
}

/// Every application step for `candidate` as `role` sees it. Steps that do not apply to the
/// category at all (支部汇总 for service_post) are left out, and so are 登记下一年度 (its own
/// button) and 恢复 (shown only on a removed record); the others are enabled or carry the
/// workflow's refusal. A removed record shows only 恢复; a carried-over one none.
pub fn action_buttons(candidate: &Candidate, role: Role) -> Vec<ActionButton> {
    let Some(category) = candidate.category else { return Vec::new() };
    let removed = candidate.state == ApplicationState::Removed;
    if candidate.state == ApplicationState::CarriedOver {
        return Vec::new();
    }
    ApplicationAction::ALL
        .iter()
        .copied()
        .filter(|a| category.applies_through_branch() || *a != ApplicationAction::Aggregate)
        .filter(|a| *a != ApplicationAction::CarryOver)
        .filter(|a| (*a == ApplicationAction::Restore) == removed)
        .map(|action| {
            let refusal =
                workflow::transition(candidate.state, action, role, category, Some("理由"))
                    .err()
                    .map(|e| crate::logic::validation::words(&e.message()));
            ActionButton {
                action,
                refusal,
                needs_reason: needs_reason(action),
                destructive: action == ApplicationAction::Remove,
            }
        })
        .collect()
}

/// The steps a read-only role (the county) is shown: only those it may take now, so none but
/// 县委组织部备案 on an approved candidate, and none at all elsewhere.
pub fn read_only_buttons(buttons: Vec<ActionButton>) -> Vec<ActionButton> {
    buttons.into_iter().filter(|b| b.refusal.is_none()).collect()
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

/// A short label of where the candidate stands, with the pipeline flag.
pub fn state_label(candidate: &Candidate) -> String {
    let state = candidate.state.localized();
    if candidate.pipeline && candidate.is_active() {
        crate::i18n::campaign::STATE_IN_PIPELINE.format(&[("state", state.into())])
    } else {
        state.to_owned()
    }
}

/// The candidate list's filters: year, category, branch (code), state and a name query;
/// `None` (or an empty query) lets everything through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CandidateFilter {
    pub year: Option<i32>,
    pub category: Option<Category>,
    pub branch: Option<String>,
    pub state: Option<ApplicationState>,
    pub query: String,
}

impl CandidateFilter {
    /// Whether `candidate`, whose member is called `name`, passes every filter.
    pub fn matches(&self, candidate: &Candidate, name: &str) -> bool {
        let q = self.query.trim();
        self.year.is_none_or(|y| candidate.year == y)
            && self.category.is_none_or(|k| candidate.category == Some(k))
            && self.branch.as_ref().is_none_or(|b| &candidate.branch_id == b)
            && self.state.is_none_or(|s| candidate.state == s)
            && (q.is_empty() || name.contains(q))
    }
}
