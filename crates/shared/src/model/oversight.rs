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

/// A branch (党支部/党总支) of the town. Other records refer to it by its **code** (the
/// `Record::branch_id` string they carry, and the string account scopes name): see
/// [`Branch::key`] and [`crate::branches`].
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Branch {
    pub name: String,
    pub kind: Option<BranchKind>,
    /// 支部书记 (name), for reports.
    pub secretary: String,
    /// The `branch_id` string records of this branch carry. Set once when the branch is made
    /// (its record id for a branch made in the app, the old free-text value for one adopted
    /// from it) and never changed; renaming changes `name` only. Empty on branch records of
    /// older versions: then the record id is the code.
    pub code: String,
    /// 村（社区）/单位
    pub village_unit: String,
    /// 已撤销: kept with its history and still named on its records, but not offered for new ones.
    pub retired: bool,
}

impl Branch {
    /// The branch's code: [`Branch::code`], or the record id when it has none.
    pub fn key(&self, record_id: uuid::Uuid) -> String {
        let code = self.code.trim();
        if code.is_empty() { record_id.to_string() } else { code.to_owned() }
    }
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
