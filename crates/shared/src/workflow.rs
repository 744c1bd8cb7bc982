//! Who may move a candidate along the application path (DOMAIN.md step 3) and along the yearly
//! commendation cycle (step 5), and when. Every refusal says why, in Simplified Chinese.
//!
//! Decision on county and city outcomes: the county viewer account is read-only everywhere
//! (`roles::Account::can_write` refuses it), so county filing (备案), county approval (审核),
//! city naming (命名) and 十佳 recommendation are recorded by the town office on their behalf.
//! A county viewer who tries gets a message saying so.

mod application;
mod commendation;

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

/// Why a step is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The step does not apply in the current state.
    #[error("当前状态为「{state}」，不能进行「{action}」{hint}")]
    WrongState { state: &'static str, action: &'static str, hint: String },
    /// The candidate was removed; its history is kept but nothing more happens.
    #[error("该争创对象已移除，除镇组织办恢复外不能再进行任何操作")]
    Finished,
    /// The record was carried over into the next year; the next year's record goes on.
    #[error("该争创记录已转入下一年度，请在下一年度的记录上操作")]
    CarriedOver,
    /// The role may not take this step.
    #[error("{0}")]
    RoleNotAllowed(&'static str),
    /// County accounts are read-only.
    #[error("县委组织部账号为只读，备案、审核和命名结果由镇组织办代为登记")]
    ReadOnlyRole,
    /// The step needs a reason.
    #[error("{0}必须填写理由")]
    ReasonRequired(&'static str),
    /// The step does not apply to the category.
    #[error("{0}")]
    NotForCategory(&'static str),
    /// The candidate has no category yet.
    #[error("请先选择争创类别")]
    NoCategory,
    /// Scores are missing.
    #[error("评分未完成，不能进行初评（缺少：{0}）")]
    ScoresIncomplete(String),
}

/// A reason, trimmed, if one was given.
fn given(reason: Option<&str>) -> Option<&str> {
    reason.map(str::trim).filter(|r| !r.is_empty())
}

/// Format the states an action needs, for the hint of [`WorkflowError::WrongState`].
fn needs(states: &[&'static str]) -> String {
    if states.is_empty() {
        return String::new();
    }
    let list: Vec<String> = states.iter().map(|s| format!("「{s}」")).collect();
    format!("（须处于{}状态）", list.join("或"))
}
