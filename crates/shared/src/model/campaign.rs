//! Campaign settings: years and targets (town-wide, editable by the office).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::category::Category;
use crate::order::CollectOrdered as _;

/// One category's target: a total, optionally split by year.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryTarget {
    /// Target over the whole campaign.
    pub total: u32,
    /// Optional split per year (year → count). Years not listed have no yearly target.
    pub per_year: BTreeMap<i32, u32>,
}

/// The campaign: from `start_year`, `years` long, with targets per category.
///
/// A field the stored record does not have reads as the work plan's ([`Campaign::default_plan`]):
/// saving only the town's name writes only `town`, and the years and targets stay the plan's
/// until the office sets them ([`Campaign::PLAN_FIELDS`]).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default = "Campaign::default_plan")]
pub struct Campaign {
    pub name: String,
    /// The town running it (镇名, e.g. 东海镇): printouts are signed with its committee.
    pub town: String,
    pub start_year: i32,
    pub years: u32,
    pub targets: BTreeMap<Category, CategoryTarget>,
}

impl Campaign {
    /// The id of the campaign settings record (fixed, so two devices editing it offline edit
    /// the same record).
    pub const RECORD_ID: Uuid = Uuid::from_u128(0x5a4e_7a31_0000_4000_8000_0000_0000_0001);

    /// The fields of the years and targets: a stored campaign record holding one of them was
    /// set by the office (活动年限与目标); one holding none of them reads the work plan's.
    pub const PLAN_FIELDS: [&'static str; 3] = ["start_year", "years", "targets"];

    /// The record field saying whether the office confirmed the years and targets (its
    /// settings screen saved them): `false` on a record the town's name created with the work
    /// plan's, so an app of an earlier version, which reads a missing year as 0, still reads
    /// the plan. Not a field of [`Campaign`]: written beside it, kept by every device.
    pub const PLAN_CONFIRMED: &'static str = "plan_confirmed";

    /// The campaign in force: the fixed-id record, else any campaign record, else the 2012 plan.
    /// The tablet and the server decide the campaign's years with it.
    pub fn current(campaigns: &[(Uuid, Campaign)]) -> Campaign {
        campaigns
            .iter()
            .find(|(id, _)| *id == Campaign::RECORD_ID)
            .or_else(|| campaigns.first())
            .map(|(_, c)| c.clone())
            .unwrap_or_else(Campaign::default_plan)
    }

    /// The 2012 work plan: 2012-2015, 11 village leaders, 8 enterprise posts, 13 business
    /// households and 3 service posts, with no yearly split.
    pub fn default_plan() -> Campaign {
        Campaign {
            name: "四争一树".to_owned(),
            town: String::new(),
            start_year: 2012,
            years: 4,
            targets: Category::ALL
                .iter()
                .map(|c| (*c, CategoryTarget { total: c.default_target(), ..Default::default() }))
                .collect_map(),
        }
    }

    /// The town's Party committee as printouts are signed: 中共东海镇委员会 (中共镇委员会 while
    /// the office has not set the town's name).
    pub fn committee(&self) -> String {
        format!("中共{}委员会", self.town.trim())
    }

    /// The office that issues the 通报: 中共东海镇委员会组织办.
    pub fn issuing_office(&self) -> String {
        format!("{}组织办", self.committee())
    }

    /// The last year of the campaign (inclusive).
    pub fn end_year(&self) -> i32 {
        self.start_year + self.years as i32 - 1
    }

    /// Whether `year` lies within the campaign.
    pub fn contains_year(&self, year: i32) -> bool {
        self.years > 0 && (self.start_year..=self.end_year()).contains(&year)
    }

    /// The campaign's years, in order.
    pub fn year_range(&self) -> std::ops::RangeInclusive<i32> {
        self.start_year..=self.end_year()
    }

    /// The whole-campaign target of `category` (0 if none is set).
    pub fn target(&self, category: Category) -> u32 {
        self.targets.get(&category).map_or(0, |t| t.total)
    }

    /// The target of `category` for `year`, if the campaign splits it by year.
    pub fn year_target(&self, category: Category, year: i32) -> Option<u32> {
        self.targets.get(&category)?.per_year.get(&year).copied()
    }
}
