//! A party member (党员). Later visits update the same person record.

use serde::{Deserialize, Serialize};

use super::category::Category;
use super::choice::choice;

choice! {
    pub enum Gender {
        Male => ("male", "男"),
        Female => ("female", "女"),
    }
}

/// A party member. Phone and ID number are personal data (see `roles::personal_fields`).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Person {
    /// 姓名
    pub name: String,
    /// 性别
    pub gender: Option<Gender>,
    /// 出生年份
    pub birth_year: Option<i32>,
    /// 联系电话: mainland mobile (11 digits) or landline with area code (0580-1234567).
    pub phone: String,
    /// 公民身份号码 (optional, sensitive; 18 characters, GB 11643-1999).
    pub id_number: String,
    /// The branch (党支部/党总支) the member belongs to: the branch's code (`Branch::key`).
    pub branch_id: String,
    /// 所在村（社区）/企业/机关: the name of the member's village, community, enterprise or organ.
    pub village_unit: String,
    /// The category the member is surveyed for or competes in, once known.
    pub category: Option<Category>,
    /// 备注
    pub notes: String,
}
