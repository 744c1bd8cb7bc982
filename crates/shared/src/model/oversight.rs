//! Branches, mobilisation meetings (step 2) and inspections (督查, section 四).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::choice::choice;

choice! {
    pub enum BranchKind {
        Village => ("village", "渔农村"),
        Community => ("community", "社区"),
        Enterprise => ("enterprise", "企业"),
        Organ => ("organ", "镇机关"),
    }
}

/// A branch (党支部/党总支) of the town. Other records refer to it by its record id as a string.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Branch {
    pub name: String,
    pub kind: Option<BranchKind>,
    /// 支部书记 (name), for reports.
    pub secretary: String,
}

/// A branch's mobilisation meeting (党员大会, append-only).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Meeting {
    pub branch_id: String,
    pub date: Option<NaiveDate>,
    /// 实到人数
    pub attended: Option<u32>,
    /// 应到人数 (the branch's members)
    pub expected: Option<u32>,
    /// 会议内容: documents passed on, topics discussed.
    pub topics: String,
}

choice! {
    /// 明查 (announced) or 暗访 (unannounced).
    pub enum InspectionKind {
        Announced => ("announced", "明查"),
        Unannounced => ("unannounced", "暗访"),
    }
}

/// Something an inspection found that must be fixed.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Fix {
    pub item: String,
    /// 整改期限
    pub due: Option<NaiveDate>,
    /// 整改完成日期
    pub fixed_on: Option<NaiveDate>,
}

/// An inspection of a branch by the town's inspection group (督查).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Inspection {
    pub branch_id: String,
    pub date: Option<NaiveDate>,
    pub kind: Option<InspectionKind>,
    pub inspectors: String,
    pub findings: String,
    pub fixes: Vec<Fix>,
}
