//! Progress against the campaign's targets, per category and per year.

use std::collections::HashSet;

use uuid::Uuid;

use crate::model::{ApplicationState, Campaign, Candidate, Category};

/// One year's count for a category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearProgress {
    pub year: i32,
    /// The yearly target, if the campaign splits targets by year.
    pub target: Option<u32>,
    /// Approved by the town or further (审定、备案、命名).
    pub approved: u32,
    pub named: u32,
}

/// A category's progress over the whole campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryProgress {
    pub category: Category,
    pub target: u32,
    /// Distinct members approved by the town or further in any campaign year.
    pub approved: u32,
    /// Distinct members named in any campaign year.
    pub named: u32,
    /// Still to name to reach the target.
    pub remaining: u32,
    pub per_year: Vec<YearProgress>,
}

impl CategoryProgress {
    pub fn target_met(&self) -> bool {
        self.named >= self.target
    }
}

fn approved(state: ApplicationState) -> bool {
    matches!(
        state,
        ApplicationState::TownApproved | ApplicationState::CountyFiled | ApplicationState::Named
    )
}

fn distinct<'a>(candidates: impl Iterator<Item = &'a Candidate>) -> u32 {
    candidates.map(|c| c.person_id).collect::<HashSet<Uuid>>().len() as u32
}

/// Progress of every category (in `Category::ALL` order) against `campaign`. Candidates outside
/// the campaign's years, removed, returned or adjusted ones do not count; nor does a record
/// ticked 梯队 (next year's pipeline, not this year's candidacy: the rule of the ranking,
/// `scoring::may_be_scored`, and of the report's branch rows); a record carried over
/// into the next year counts as it stood in its own year; a member counts once per
/// category however many yearly records they have (service posts are chosen every year).
pub fn progress(campaign: &Campaign, candidates: &[Candidate]) -> Vec<CategoryProgress> {
    Category::ALL
        .iter()
        .map(|category| {
            let own: Vec<&Candidate> = candidates
                .iter()
                .filter(|c| {
                    c.category == Some(*category) && campaign.contains_year(c.year) && !c.pipeline
                })
                .collect();
            let approved_in = |year: Option<i32>| {
                distinct(
                    own.iter()
                        .copied()
                        .filter(|c| approved(c.standing()) && year.is_none_or(|y| c.year == y)),
                )
            };
            let named_in = |year: Option<i32>| {
                distinct(own.iter().copied().filter(|c| {
                    c.standing() == ApplicationState::Named && year.is_none_or(|y| c.year == y)
                }))
            };
            let target = campaign.target(*category);
            let named = named_in(None);
            CategoryProgress {
                category: *category,
                target,
                approved: approved_in(None),
                named,
                remaining: target.saturating_sub(named),
                per_year: campaign
                    .year_range()
                    .map(|year| YearProgress {
                        year,
                        target: campaign.year_target(*category, year),
                        approved: approved_in(Some(year)),
                        named: named_in(Some(year)),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationState as S;

    fn cand(person: u128, category: Category, year: i32, state: S) -> Candidate {
        Candidate {
            person_id: Uuid::from_u128(person),
            category: Some(category),
            year,
            state,
            ..Default::default()
        }
    }

    #[test]
    fn a_pipeline_record_counts_nowhere_as_in_the_ranking() {
        let plan = Campaign::default_plan();
        let mut pipeline = cand(1, Category::VillageLeader, 2013, S::TownApproved);
        pipeline.pipeline = true;
        let mut named = cand(2, Category::VillageLeader, 2013, S::Named);
        named.pipeline = true;
        let counted = cand(3, Category::VillageLeader, 2013, S::TownApproved);
        let all = [pipeline, named, counted];
        let village = &progress(&plan, &all)[0];
        assert_eq!((village.approved, village.named), (1, 0));
        let ranked: Vec<bool> =
            all.iter().map(|c| crate::scoring::may_be_scored(c, 2013)).collect();
        assert_eq!(ranked, [false, false, true], "the same rule as the ranking");
    }

    #[test]
    fn counts_against_targets() {
        let mut plan = Campaign::default_plan();
        plan.targets.get_mut(&Category::VillageLeader).unwrap().per_year.insert(2012, 3);
        let candidates = vec![
            cand(1, Category::VillageLeader, 2012, S::Named),
            cand(2, Category::VillageLeader, 2012, S::CountyFiled),
            cand(3, Category::VillageLeader, 2013, S::TownApproved),
            cand(4, Category::VillageLeader, 2013, S::BranchAggregated),
            cand(5, Category::VillageLeader, 2013, S::Removed),
            cand(6, Category::VillageLeader, 2016, S::Named), // after the campaign
            cand(7, Category::VillageLeader, 2011, S::Named), // before it
            cand(8, Category::VillageLeader, 2014, S::Adjusted),
            cand(12, Category::VillageLeader, 2014, S::Returned),
            // The same organ member named two years running counts once overall.
            cand(9, Category::ServicePost, 2012, S::Named),
            cand(9, Category::ServicePost, 2013, S::Named),
            cand(10, Category::ServicePost, 2013, S::Named),
            cand(11, Category::ServicePost, 2014, S::Named),
        ];
        let p = progress(&plan, &candidates);
        assert_eq!(p.len(), 4);
        let village = &p[0];
        assert_eq!(
            (village.target, village.approved, village.named, village.remaining),
            (11, 3, 1, 10)
        );
        assert_eq!(village.per_year.len(), 4);
        assert_eq!(
            village.per_year[0],
            YearProgress { year: 2012, target: Some(3), approved: 2, named: 1 }
        );
        assert_eq!(
            village.per_year[1],
            YearProgress { year: 2013, target: None, approved: 1, named: 0 }
        );
        assert_eq!(village.per_year[3].year, 2015);
        let service = &p[3];
        assert_eq!((service.named, service.remaining), (3, 0));
        assert!(service.target_met());
        assert_eq!(service.per_year[1].named, 2);
        assert!(!p[1].target_met());
        assert_eq!((p[1].named, p[1].remaining), (0, 8));
    }
}
