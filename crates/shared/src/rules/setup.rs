//! What the town has not set up yet, said on the dashboard instead of a wall of zeros: no
//! branches, a campaign whose years do not include this year, candidacies outside the
//! campaign's years (made before the years were set, or imported).

use crate::message::Message;
use crate::model::{Campaign, Candidate};

/// One thing missing from the town's set-up, with where to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupGap {
    /// No active branch: nothing can be counted per branch, and surveyors have none to choose.
    NoBranches,
    /// This year is not one of the campaign's years: nothing of this year counts.
    YearOutsideCampaign { year: i32, first: i32, last: i32 },
    /// Candidacies whose year is outside the campaign's years: counted nowhere.
    CandidatesOutsideCampaign { count: usize, years: Vec<i32>, first: i32, last: i32 },
}

impl SetupGap {
    /// What to tell the office (worded by `crates/texts`).
    pub fn message(&self) -> Message {
        match self {
            SetupGap::NoBranches => Message::new("setup_no_branches"),
            SetupGap::YearOutsideCampaign { year, first, last } => {
                Message::new("setup_year_outside_campaign")
                    .arg("year", *year)
                    .arg("first", *first)
                    .arg("last", *last)
            }
            SetupGap::CandidatesOutsideCampaign { count, years, first, last } => {
                let years: Vec<Message> =
                    years.iter().map(|y| Message::new("year_item").arg("year", *y)).collect();
                Message::new("setup_candidates_outside_campaign")
                    .arg("count", *count)
                    .arg("years", years)
                    .arg("first", *first)
                    .arg("last", *last)
            }
        }
    }
}

/// What is missing, most basic first. `active_branches` counts the active branch records.
pub fn setup_gaps<'a>(
    campaign: &Campaign,
    active_branches: usize,
    candidates: impl IntoIterator<Item = &'a Candidate>,
    this_year: i32,
) -> Vec<SetupGap> {
    let (first, last) = (*campaign.year_range().start(), *campaign.year_range().end());
    let mut gaps = Vec::new();
    if active_branches == 0 {
        gaps.push(SetupGap::NoBranches);
    }
    if !campaign.year_range().contains(&this_year) {
        gaps.push(SetupGap::YearOutsideCampaign { year: this_year, first, last });
    }
    let outside: Vec<i32> = candidates
        .into_iter()
        .map(|c| c.year)
        .filter(|y| !campaign.year_range().contains(y))
        .collect();
    if !outside.is_empty() {
        let mut years = outside.clone();
        crate::order::sort(&mut years);
        years.dedup();
        gaps.push(SetupGap::CandidatesOutsideCampaign { count: outside.len(), years, first, last });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(start_year: i32, years: u32) -> Campaign {
        Campaign { start_year, years, ..Default::default() }
    }

    fn candidate(year: i32) -> Candidate {
        Candidate { year, ..Default::default() }
    }

    #[test]
    fn a_town_set_up_for_this_year_has_no_gaps() {
        let c = campaign(2026, 3);
        assert!(setup_gaps(&c, 4, &[candidate(2026), candidate(2028)], 2026).is_empty());
    }

    #[test]
    fn the_seed_plan_in_2026_says_what_is_missing_and_where() {
        let c = campaign(2012, 4);
        let gaps = setup_gaps(&c, 0, &[candidate(2026), candidate(2026), candidate(2013)], 2026);
        assert_eq!(
            gaps,
            vec![
                SetupGap::NoBranches,
                SetupGap::YearOutsideCampaign { year: 2026, first: 2012, last: 2015 },
                SetupGap::CandidatesOutsideCampaign {
                    count: 2,
                    years: vec![2026],
                    first: 2012,
                    last: 2015
                },
            ]
        );
        assert_eq!(
            gaps[1].message(),
            Message::new("setup_year_outside_campaign")
                .arg("year", 2026)
                .arg("first", 2012)
                .arg("last", 2015)
        );
        assert_eq!(gaps[0].message(), Message::new("setup_no_branches"));
        assert!(gaps[2].message().to_string().contains("count=2"));
    }

    #[test]
    fn the_campaigns_first_and_last_years_are_inside() {
        let c = campaign(2026, 2);
        assert!(setup_gaps(&c, 1, &[candidate(2026), candidate(2027)], 2027).is_empty());
        let gaps = setup_gaps(&c, 1, &[candidate(2025), candidate(2028)], 2028);
        assert_eq!(gaps.len(), 2);
        assert!(matches!(
            &gaps[1],
            SetupGap::CandidatesOutsideCampaign { count: 2, years, .. } if *years == vec![2025, 2028]
        ));
    }
}
