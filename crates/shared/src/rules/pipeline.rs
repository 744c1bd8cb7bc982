//! 创建一批、培育一批: next year's 梯队 (pipeline) by category and branch, against next year's
//! targets. A pipeline record of year Y is kept during Y for Y+1 (`candidacy::next_year`):
//! it is in Y+1's pipeline while open, and still counted (as 已转入) once carried over into its
//! Y+1 record. Removed and returned records are not counted.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::candidacy::next_year;
use crate::model::{ApplicationState, Campaign, Candidate, Category};

/// One category in one branch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PipelineCount {
    /// Still kept as pipeline (not carried over yet).
    pub open: u32,
    /// Carried over into next year's candidacy already.
    pub carried: u32,
}

impl PipelineCount {
    pub fn total(&self) -> u32 {
        self.open + self.carried
    }
}

/// One category town-wide, against the next year's target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineTotal {
    pub category: Category,
    pub count: PipelineCount,
    /// The next year's target of the category, if the campaign splits targets by year.
    pub year_target: Option<u32>,
    /// Whether the next year is a campaign year at all.
    pub in_campaign: bool,
}

/// Next year's pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The year the pipeline is for.
    pub year: i32,
    /// (branch code, category) → counts; only pairs with someone in them.
    pub by_branch: BTreeMap<(String, Category), PipelineCount>,
    /// Every category, in `Category::ALL` order.
    pub totals: Vec<PipelineTotal>,
    /// The members' record ids, in input order, for the list under the table.
    pub members: Vec<Uuid>,
}

/// Whether `candidate` is in `year`'s pipeline, and how.
pub fn pipeline_status(candidate: &Candidate, year: i32) -> Option<PipelineCount> {
    if !candidate.pipeline || next_year(candidate) != year {
        return None;
    }
    match candidate.state {
        ApplicationState::CarriedOver => Some(PipelineCount { open: 0, carried: 1 }),
        _ if candidate.is_active() => Some(PipelineCount { open: 1, carried: 0 }),
        _ => None,
    }
}

/// The pipeline for `year` (the year its members would compete in).
pub fn pipeline(campaign: &Campaign, candidates: &[(Uuid, Candidate)], year: i32) -> Pipeline {
    let mut by_branch: BTreeMap<(String, Category), PipelineCount> = BTreeMap::new();
    let mut members = Vec::new();
    for (id, c) in candidates {
        let (Some(category), Some(count)) = (c.category, pipeline_status(c, year)) else {
            continue;
        };
        let entry = by_branch.entry((c.branch_id.clone(), category)).or_default();
        entry.open += count.open;
        entry.carried += count.carried;
        members.push(*id);
    }
    let totals = Category::ALL
        .iter()
        .map(|category| {
            let mut count = PipelineCount::default();
            for ((_, k), n) in &by_branch {
                if k == category {
                    count.open += n.open;
                    count.carried += n.carried;
                }
            }
            PipelineTotal {
                category: *category,
                count,
                year_target: campaign.year_target(*category, year),
                in_campaign: campaign.contains_year(year),
            }
        })
        .collect();
    Pipeline { year, by_branch, totals, members }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationState as S;

    fn kept(branch: &str, category: Category, year: i32, state: S) -> (Uuid, Candidate) {
        (
            Uuid::now_v7(),
            Candidate {
                person_id: Uuid::now_v7(),
                branch_id: branch.into(),
                category: Some(category),
                year,
                state,
                pipeline: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn next_years_pipeline_by_branch_and_category() {
        let mut campaign = Campaign { start_year: 2026, years: 2, ..Campaign::default_plan() };
        campaign.targets.get_mut(&Category::VillageLeader).unwrap().per_year.insert(2027, 4);
        let mut not_pipeline = kept("b1", Category::VillageLeader, 2026, S::Applied);
        not_pipeline.1.pipeline = false;
        let candidates = [
            kept("b1", Category::VillageLeader, 2026, S::Applied),
            kept("b1", Category::VillageLeader, 2026, S::CarriedOver),
            kept("b1", Category::VillageLeader, 2026, S::Removed),
            kept("b1", Category::VillageLeader, 2026, S::Returned),
            kept("b2", Category::VillageLeader, 2026, S::BranchAggregated),
            kept("b2", Category::EnterprisePost, 2026, S::Applied),
            kept("b2", Category::EnterprisePost, 2027, S::Applied), // 2028's pipeline
            not_pipeline,
        ];
        let p = pipeline(&campaign, &candidates, 2027);
        assert_eq!(p.year, 2027);
        assert_eq!(
            p.by_branch[&("b1".to_owned(), Category::VillageLeader)],
            PipelineCount { open: 1, carried: 1 }
        );
        assert_eq!(
            p.by_branch[&("b2".to_owned(), Category::VillageLeader)],
            PipelineCount { open: 1, carried: 0 }
        );
        assert_eq!(p.by_branch[&("b2".to_owned(), Category::EnterprisePost)].total(), 1);
        assert_eq!(p.by_branch.len(), 3);
        assert_eq!(p.members.len(), 4);
        let village = p.totals[0];
        assert_eq!(
            (village.count.total(), village.year_target, village.in_campaign),
            (3, Some(4), true)
        );
        assert_eq!(p.totals[1].count.total(), 1);
        assert_eq!(p.totals[1].year_target, None);
        let later = pipeline(&campaign, &candidates, 2028);
        assert_eq!(later.members.len(), 1);
        assert!(!later.totals[0].in_campaign);
    }
}
