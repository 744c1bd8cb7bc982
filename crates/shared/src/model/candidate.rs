//! Candidate profiles (争创对象) and their application path (DOMAIN.md step 3).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::category::Category;
use super::choice::choice;
use crate::roles::Role;

choice! {
    /// Where a candidate stands on the application path. The rules live in `crate::workflow`.
    #[derive(Default)]
    pub enum ApplicationState {
        /// 自愿申报: the member applied (or, for service_post, was nominated by the town).
        #[default]
        Applied => ("applied", "已申报"),
        /// 支部汇总: the branch passed the application up.
        BranchAggregated => ("branch_aggregated", "支部已汇总"),
        /// 镇党委审定 (service_post: 镇党委评选).
        TownApproved => ("town_approved", "镇党委已审定"),
        /// 报县委组织部备案.
        CountyFiled => ("county_filed", "已报县委组织部备案"),
        /// 命名: named a pioneer.
        Named => ("named", "已命名"),
        /// 退回: sent back to the applicant with a reason.
        Returned => ("returned", "已退回"),
        /// 动态管理: removed with a reason (terminal; the history is kept).
        Removed => ("removed", "已移除"),
        /// 动态管理: adjusted after assessment with a reason (e.g. back to the pipeline).
        Adjusted => ("adjusted", "已调整"),
        /// 登记下一年度: closed because the member was carried over into the next year's
        /// candidacy (`Candidate::carried_to`); the history is kept.
        CarriedOver => ("carried_over", "已转入下一年度"),
    }
}

choice! {
    /// A step a user takes on the application path.
    pub enum ApplicationAction {
        /// 自愿申报 / 重新申报 (after a return or an adjustment).
        Apply => ("apply", "申报"),
        /// 支部汇总上报.
        Aggregate => ("aggregate", "支部汇总"),
        /// 镇党委审定 / 评选.
        Approve => ("approve", "镇党委审定"),
        /// 报县委组织部备案.
        File => ("file", "报县备案"),
        /// 命名.
        Name => ("name", "命名"),
        /// 退回 (reason required).
        Return => ("return", "退回"),
        /// 移除 (reason required).
        Remove => ("remove", "移除"),
        /// 调整 (reason required).
        Adjust => ("adjust", "调整"),
        /// 登记下一年度: the member becomes next year's candidate; this record closes.
        CarryOver => ("carry_over", "登记下一年度"),
        /// 恢复 (reason required): the office takes a removal back.
        Restore => ("restore", "恢复"),
    }
}

choice! {
    /// 诚信等级 of a member (informs funding decisions).
    pub enum IntegrityGrade {
        Aaa => ("aaa", "AAA级（优秀）"),
        Aa => ("aa", "AA级（良好）"),
        A => ("a", "A级（较好）"),
        B => ("b", "B级（一般）"),
        C => ("c", "C级（较差）"),
    }
}

/// One standard of the category as a checklist item with evidence.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StandardCheck {
    /// The standard's text (one of `Category::standards()`).
    pub item: String,
    pub met: bool,
    /// 事实依据: what shows the standard is met.
    pub evidence: String,
}

impl StandardCheck {
    /// The unticked checklist for `category`, one entry per standard.
    pub fn checklist(category: Category) -> Vec<StandardCheck> {
        category
            .standards()
            .iter()
            .map(|item| StandardCheck { item: (*item).to_owned(), ..Default::default() })
            .collect()
    }
}

/// One step on the application path, kept in the candidate's history.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TransitionEntry {
    /// The state before (`None` when the application was first recorded).
    pub from: Option<ApplicationState>,
    pub to: ApplicationState,
    pub action: Option<ApplicationAction>,
    /// User name of who took the step.
    pub by: String,
    pub role: Option<Role>,
    /// Local wall-clock time in the town.
    pub at: NaiveDateTime,
    /// Required for return, removal and adjustment; empty otherwise. A step the app notes
    /// itself (a carry-over) keeps its note here in zh-Hans too, for older apps.
    pub reason: String,
    /// The app's own note of the step, worded in the reader's language
    /// (`crate::candidacy::history_note`); left out when there is none, and on records
    /// written before there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<crate::message::Message>,
}

/// A candidate profile: one member competing in one category from one year.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Candidate {
    /// The member (`Person` record id).
    pub person_id: Uuid,
    /// The member's branch (its code, `Branch::key`), for per-branch reports.
    pub branch_id: String,
    pub category: Option<Category>,
    /// The campaign year the candidate competes in (创建年度).
    pub year: i32,
    /// 结对联系人: the named leader or office staff who pairs with the candidate.
    pub contact_person: String,
    /// The category's standards as a checklist with evidence.
    pub standards: Vec<StandardCheck>,
    pub state: ApplicationState,
    /// 梯队: kept as next year's candidate (培育一批) rather than this year's (创建一批).
    pub pipeline: bool,
    pub integrity_grade: Option<IntegrityGrade>,
    /// 行业前景
    pub industry_prospects: String,
    /// The reason of the latest return, removal or adjustment (the full trail is `history`).
    pub reason: String,
    /// Every step taken, oldest first.
    pub history: Vec<TransitionEntry>,
    pub notes: String,
    /// The record this one was carried over from (登记下一年度), if any.
    pub carried_from: Option<Uuid>,
    /// The next year's record this one was carried over into (then `state` is `CarriedOver`).
    pub carried_to: Option<Uuid>,
}

impl Candidate {
    /// Whether the candidate counts: in rankings, targets, contact reminders, waiting counts
    /// and pickers. Removed, returned and carried-over records do not (their history is kept).
    pub fn is_active(&self) -> bool {
        !matches!(
            self.state,
            ApplicationState::Removed | ApplicationState::Returned | ApplicationState::CarriedOver
        )
    }

    /// Where the candidacy stood in its own year: the state, except that a record carried over
    /// into the next year keeps the state it had then (a service post named in 2026 stays
    /// named for 2026).
    pub fn standing(&self) -> ApplicationState {
        if self.state != ApplicationState::CarriedOver {
            return self.state;
        }
        self.history
            .iter()
            .rev()
            .find(|e| e.to == ApplicationState::CarriedOver)
            .and_then(|e| e.from)
            .unwrap_or(ApplicationState::Applied)
    }

    /// Whether the profile is closed to edits: removed (only the office's 恢复 reopens it) or
    /// carried over into the next year (the next year's record is edited instead).
    pub fn is_closed(&self) -> bool {
        matches!(self.state, ApplicationState::Removed | ApplicationState::CarriedOver)
    }
}
