//! Yearly assessment (考核评价, step 5): rubrics as data and score sheets that keep the rubric
//! they were scored with.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::category::Category;
use super::choice::choice;
use crate::roles::Role;

/// One weighted criterion of a rubric.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Criterion {
    /// Stable key the scores refer to (e.g. `income_growth`).
    pub key: String,
    /// 考核内容 shown to the scorer.
    pub label: String,
    /// Relative weight (> 0); weights need not sum to 100.
    pub weight: f64,
    /// The highest score a scorer may give (> 0).
    pub max_score: f64,
}

/// The quantified assessment rubric of one category (考核评价体系), editable by the office.
/// Every edit bumps `version`; assessments keep a snapshot of the version they used.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rubric {
    pub category: Option<Category>,
    pub version: u32,
    pub criteria: Vec<Criterion>,
}

choice! {
    /// The yearly commendation cycle before July 1 (七·一).
    #[derive(Default)]
    pub enum CommendationStage {
        /// Being scored; not yet reviewed.
        #[default]
        Scoring => ("scoring", "评分中"),
        /// 镇党委初评 passed.
        TownReviewed => ("town_reviewed", "镇党委初评通过"),
        /// 县委组织部审核同意.
        CountyApproved => ("county_approved", "县委组织部审核同意"),
        /// 市委组织部统一命名.
        CityNamed => ("city_named", "市委组织部统一命名"),
        /// 推荐参加全市十佳评选.
        TopTenRecommended => ("top_ten_recommended", "推荐参加全市十佳评选"),
        /// Not passed at some stage (reason kept).
        NotPassed => ("not_passed", "未通过"),
    }
}

choice! {
    /// A step of the commendation cycle.
    pub enum CommendationAction {
        TownReview => ("town_review", "镇党委初评"),
        CountyApprove => ("county_approve", "县委组织部审核"),
        CityName => ("city_name", "市委组织部命名"),
        RecommendTopTen => ("recommend_top_ten", "推荐十佳"),
        Reject => ("reject", "不予通过"),
    }
}

/// One step of the commendation cycle, kept on the assessment.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CommendationEntry {
    pub from: CommendationStage,
    pub to: CommendationStage,
    pub action: Option<CommendationAction>,
    pub by: String,
    pub role: Option<Role>,
    pub at: NaiveDateTime,
    pub reason: String,
}

/// A candidate's yearly score sheet and commendation outcome (one per candidate per year).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Assessment {
    pub candidate_id: Uuid,
    pub year: i32,
    pub category: Option<Category>,
    /// The `Rubric` record the sheet was started from …
    pub rubric_id: Uuid,
    /// … and its version then.
    pub rubric_version: u32,
    /// Snapshot of that version's criteria: totals never change when the rubric is edited later.
    pub criteria: Vec<Criterion>,
    /// Score per criterion key.
    pub scores: BTreeMap<String, f64>,
    pub scored_by: String,
    pub scored_on: Option<NaiveDate>,
    pub stage: CommendationStage,
    pub history: Vec<CommendationEntry>,
    /// Reason when not passed.
    pub reason: String,
    pub notes: String,
}
