//! The dashboard's numbers: chart input from progress, applications waiting per role.

use shared::model::{Campaign, Candidate, Category};
use shared::roles::Role;
use shared::rules::{CategoryProgress, waiting_on};

use super::chart::GroupInput;
use crate::i18n::campaign as tc;

/// A short label of a category for the chart's axis.
pub fn short_label(category: Category) -> &'static str {
    match category {
        Category::VillageLeader => tc::SHORT_VILLAGE_LEADER.get(),
        Category::EnterprisePost => tc::SHORT_ENTERPRISE_POST.get(),
        Category::BusinessHousehold => tc::SHORT_BUSINESS_HOUSEHOLD.get(),
        Category::ServicePost => tc::SHORT_SERVICE_POST.get(),
    }
}

/// One category's figures for the scope: target (the yearly one, 0 without a split), approved,
/// named and still to name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressLine {
    pub category: Category,
    pub target: u32,
    pub approved: u32,
    pub named: u32,
    pub remaining: u32,
}

/// The figures of every category for the whole campaign (`None`) or one year: the chart and
/// the table beneath it show the same numbers.
pub fn progress_lines(progress: &[CategoryProgress], year: Option<i32>) -> Vec<ProgressLine> {
    progress
        .iter()
        .map(|p| {
            let (target, approved, named) = match year {
                None => (p.target, p.approved, p.named),
                Some(y) => p
                    .per_year
                    .iter()
                    .find(|yp| yp.year == y)
                    .map_or((0, 0, 0), |yp| (yp.target.unwrap_or(0), yp.approved, yp.named)),
            };
            ProgressLine {
                category: p.category,
                target,
                approved,
                named,
                remaining: target.saturating_sub(named),
            }
        })
        .collect()
}

/// Chart input: per category, target, approved and named, for the whole campaign (`None`) or
/// one year (the yearly target is 0 when the campaign has no split for that year).
pub fn progress_groups(progress: &[CategoryProgress], year: Option<i32>) -> Vec<GroupInput> {
    progress_lines(progress, year)
        .into_iter()
        .map(|l| {
            (
                short_label(l.category).to_owned(),
                vec![
                    ("target", tc::SERIES_TARGET.get(), l.target),
                    ("approved", tc::SERIES_APPROVED.get(), l.approved),
                    ("named", tc::SERIES_NAMED.get(), l.named),
                ],
            )
        })
        .collect()
}

/// Whether `candidate` is in the dashboard's scope: counted (not removed, returned or carried
/// over), this year's rather than next year's pipeline, and of the year (`None`: any campaign
/// year).
pub fn in_scope(candidate: &Candidate, year: Option<i32>, campaign: &Campaign) -> bool {
    candidate.is_active()
        && !candidate.pipeline
        && match year {
            Some(y) => candidate.year == y,
            None => campaign.contains_year(candidate.year),
        }
}

/// Applications in scope ([`in_scope`]) waiting for each role to act, in `Role::ALL` order
/// (roles nobody waits for are listed with 0).
pub fn waiting_per_role(
    candidates: &[Candidate],
    year: Option<i32>,
    campaign: &Campaign,
) -> Vec<(Role, u32)> {
    let mut counts: Vec<(Role, u32)> = Role::ALL.iter().map(|r| (*r, 0)).collect();
    for c in candidates.iter().filter(|c| in_scope(c, year, campaign)) {
        let Some(category) = c.category else { continue };
        if let Some(role) = waiting_on(c.state, category)
            && let Some(entry) = counts.iter_mut().find(|(r, _)| *r == role)
        {
            entry.1 += 1;
        }
    }
    counts
}
