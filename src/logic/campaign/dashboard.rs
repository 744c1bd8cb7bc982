//! The dashboard's numbers: chart input from progress, applications waiting per role.

use shared::model::{Candidate, Category};
use shared::roles::Role;
use shared::rules::{CategoryProgress, waiting_on};

use super::chart::GroupInput;
use crate::i18n::campaign as tc;

/// A short label of a category for the chart's axis.
pub fn short_label(category: Category) -> &'static str {
    match category {
        Category::VillageLeader => tc::SHORT_VILLAGE_LEADER,
        Category::EnterprisePost => tc::SHORT_ENTERPRISE_POST,
        Category::BusinessHousehold => tc::SHORT_BUSINESS_HOUSEHOLD,
        Category::ServicePost => tc::SHORT_SERVICE_POST,
    }
}

/// Chart input: per category, target, approved and named, for the whole campaign (`None`) or
/// one year (the yearly target is 0 when the campaign has no split for that year).
pub fn progress_groups(progress: &[CategoryProgress], year: Option<i32>) -> Vec<GroupInput> {
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
            (
                short_label(p.category).to_owned(),
                vec![
                    ("target", tc::SERIES_TARGET, target),
                    ("approved", tc::SERIES_APPROVED, approved),
                    ("named", tc::SERIES_NAMED, named),
                ],
            )
        })
        .collect()
}

/// Applications waiting for each role to act, in `Role::ALL` order (roles nobody waits for
/// are listed with 0). Removed and named candidates wait for nobody.
pub fn waiting_per_role(candidates: &[Candidate]) -> Vec<(Role, u32)> {
    let mut counts: Vec<(Role, u32)> = Role::ALL.iter().map(|r| (*r, 0)).collect();
    for c in candidates {
        let Some(category) = c.category else { continue };
        if let Some(role) = waiting_on(c.state, category)
            && let Some(entry) = counts.iter_mut().find(|(r, _)| *r == role)
        {
            entry.1 += 1;
        }
    }
    counts
}
