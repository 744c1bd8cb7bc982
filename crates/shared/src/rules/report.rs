//! 工作情况通报: per-branch progress for the town's work meetings.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::contacts::candidates_behind;
use super::oversight::{branches_without_meeting, inspection_status};
use super::pipeline::{Pipeline, pipeline, pipeline_status};
use super::progress::{CategoryProgress, progress};
use crate::model::{
    ApplicationState as S, Branch, Campaign, Candidate, Category, ContactLog, Inspection, Meeting,
};
use crate::roles::Role;

/// Everything a report is made from.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    pub campaign: &'a Campaign,
    /// Branch id (as in `Record::branch_id`) and branch.
    pub branches: &'a [(String, Branch)],
    /// Candidate record id and candidate.
    pub candidates: &'a [(Uuid, Candidate)],
    pub contacts: &'a [ContactLog],
    pub meetings: &'a [Meeting],
    pub inspections: &'a [Inspection],
    /// The year reported on (contacts are counted in this calendar year).
    pub year: i32,
}

/// Who must act next on an application in `state`, if anyone: the branch secretary aggregates,
/// the town office decides (and records county/city outcomes), adjusted applications wait for
/// the applicant's side (surveyor or secretary) to apply again. Returned, removed, carried-over
/// and named records wait for nobody: they leave every waiting count and reminder.
pub fn waiting_on(state: S, category: Category) -> Option<Role> {
    match state {
        S::Applied if category.applies_through_branch() => Some(Role::BranchSecretary),
        S::Applied | S::BranchAggregated | S::TownApproved | S::CountyFiled => {
            Some(Role::TownOffice)
        }
        S::Adjusted => {
            if category.applies_through_branch() {
                Some(Role::Surveyor)
            } else {
                Some(Role::TownOffice)
            }
        }
        S::Named | S::Removed | S::Returned | S::CarriedOver => None,
    }
}

/// Applications waiting, by who must act.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waiting {
    /// Returned or adjusted, back with the applicant's side.
    pub applicant: u32,
    pub branch_secretary: u32,
    pub town_office: u32,
}

/// A branch's candidates of the report year in one category (active: counted, i.e. not
/// removed, returned or carried over).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CategoryCounts {
    pub active: u32,
    /// Approved by the town or further.
    pub approved: u32,
    pub named: u32,
    /// 梯队: kept during the report year for the next (open or carried over).
    pub pipeline: u32,
}

/// One branch's line in the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchReport {
    pub branch_id: String,
    pub branch_name: String,
    /// Candidates of the report year (and pipeline for next year), per category.
    pub by_category: BTreeMap<Category, CategoryCounts>,
    /// Candidates behind on pairing contacts in the report year.
    pub contacts_behind: Vec<Uuid>,
    pub waiting: Waiting,
    /// Has held its mobilisation meeting since the campaign began.
    pub mobilised: bool,
    pub last_inspected: Option<NaiveDate>,
    pub inspection_overdue: bool,
    pub open_fixes: usize,
}

/// The whole report: town-wide progress against targets, then one line per branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkReport {
    pub year: i32,
    pub progress: Vec<CategoryProgress>,
    /// Next year's 梯队, town-wide and per branch (shown whether or not branches are known).
    pub pipeline: Pipeline,
    pub branches: Vec<BranchReport>,
}

/// Build the 工作情况通报 as of `today`.
pub fn work_report(input: &ReportInput<'_>, today: NaiveDate) -> WorkReport {
    let since = NaiveDate::from_ymd_opt(input.campaign.start_year, 1, 1).unwrap_or(NaiveDate::MIN);
    let unmobilised = branches_without_meeting(input.branches, input.meetings, since, today);
    let inspections = inspection_status(input.branches, input.inspections, today);
    let all: Vec<Candidate> = input.candidates.iter().map(|(_, c)| c.clone()).collect();

    let branches = input
        .branches
        .iter()
        .zip(inspections)
        .map(|((id, branch), inspection)| {
            let own: Vec<(Uuid, Candidate)> =
                input.candidates.iter().filter(|(_, c)| &c.branch_id == id).cloned().collect();
            let mut by_category: BTreeMap<Category, CategoryCounts> = BTreeMap::new();
            let mut waiting = Waiting::default();
            for (_, c) in &own {
                let Some(category) = c.category else { continue };
                if let Some(n) = pipeline_status(c, input.year + 1) {
                    by_category.entry(category).or_default().pipeline += n.total();
                }
                if !c.is_active() || c.pipeline || c.year != input.year {
                    continue;
                }
                let counts = by_category.entry(category).or_default();
                counts.active += 1;
                counts.approved +=
                    u32::from(matches!(c.state, S::TownApproved | S::CountyFiled | S::Named));
                counts.named += u32::from(c.state == S::Named);
                match waiting_on(c.state, category) {
                    Some(Role::Surveyor) => waiting.applicant += 1,
                    Some(Role::BranchSecretary) => waiting.branch_secretary += 1,
                    Some(Role::TownOffice) => waiting.town_office += 1,
                    _ => {}
                }
            }
            BranchReport {
                branch_id: id.clone(),
                branch_name: branch.name.clone(),
                by_category,
                contacts_behind: candidates_behind(&own, input.contacts, input.year, today)
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect(),
                waiting,
                mobilised: !unmobilised.contains(id),
                last_inspected: inspection.last_inspected,
                inspection_overdue: inspection.overdue,
                open_fixes: inspection.open_fixes,
            }
        })
        .collect();
    WorkReport {
        year: input.year,
        progress: progress(input.campaign, &all),
        pipeline: pipeline(input.campaign, input.candidates, input.year + 1),
        branches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, m, d).unwrap()
    }

    fn cand(branch: &str, category: Category, state: S) -> Candidate {
        Candidate {
            person_id: Uuid::now_v7(),
            branch_id: branch.into(),
            category: Some(category),
            year: 2013,
            state,
            ..Default::default()
        }
    }

    #[test]
    fn waiting_roles() {
        assert_eq!(waiting_on(S::Applied, Category::VillageLeader), Some(Role::BranchSecretary));
        assert_eq!(waiting_on(S::Applied, Category::ServicePost), Some(Role::TownOffice));
        assert_eq!(
            waiting_on(S::BranchAggregated, Category::EnterprisePost),
            Some(Role::TownOffice)
        );
        assert_eq!(waiting_on(S::Adjusted, Category::BusinessHousehold), Some(Role::Surveyor));
        assert_eq!(waiting_on(S::Returned, Category::BusinessHousehold), None);
        assert_eq!(waiting_on(S::CarriedOver, Category::VillageLeader), None);
        assert_eq!(waiting_on(S::Named, Category::VillageLeader), None);
        assert_eq!(waiting_on(S::Removed, Category::VillageLeader), None);
    }

    #[test]
    fn report_per_branch() {
        let campaign = Campaign::default_plan();
        let branches = vec![
            ("b1".to_owned(), Branch { name: "东沙村".into(), ..Default::default() }),
            ("b2".to_owned(), Branch { name: "水产公司".into(), ..Default::default() }),
        ];
        let ids: Vec<Uuid> = (1..=7u128).map(Uuid::from_u128).collect();
        let mut pipeline = cand("b1", Category::VillageLeader, S::Applied);
        pipeline.pipeline = true; // kept during 2013 for 2014
        let mut removed = cand("b1", Category::VillageLeader, S::Removed);
        removed.reason = "迁出".into();
        let candidates = vec![
            (ids[0], cand("b1", Category::VillageLeader, S::Named)),
            (ids[1], cand("b1", Category::VillageLeader, S::Applied)),
            (ids[2], cand("b1", Category::BusinessHousehold, S::Returned)),
            (ids[3], pipeline),
            (ids[4], removed),
            (ids[5], cand("b2", Category::EnterprisePost, S::BranchAggregated)),
            (ids[6], cand("b2", Category::EnterprisePost, S::TownApproved)),
        ];
        let contacts: Vec<ContactLog> = [(0, 1), (0, 4), (5, 2)]
            .iter()
            .map(|(i, m)| ContactLog {
                candidate_id: ids[*i],
                date: Some(date(*m, 5)),
                ..Default::default()
            })
            .collect();
        let meetings =
            vec![Meeting { branch_id: "b2".into(), date: Some(date(2, 1)), ..Default::default() }];
        let inspections = vec![Inspection {
            branch_id: "b1".into(),
            date: Some(date(6, 1)),
            ..Default::default()
        }];
        let input = ReportInput {
            campaign: &campaign,
            branches: &branches,
            candidates: &candidates,
            contacts: &contacts,
            meetings: &meetings,
            inspections: &inspections,
            year: 2013,
        };
        let report = work_report(&input, date(7, 1));
        assert_eq!(report.year, 2013);
        assert_eq!(report.progress[0].named, 1);
        assert_eq!(report.progress[1].approved, 1);

        let b1 = &report.branches[0];
        assert_eq!(b1.branch_name, "东沙村");
        assert_eq!(
            b1.by_category[&Category::VillageLeader],
            CategoryCounts { active: 2, approved: 1, named: 1, pipeline: 1 }
        );
        // Returned: out of the counts.
        assert_eq!(b1.by_category.get(&Category::BusinessHousehold), None);
        // Two quarters are due by July 1: ids[0] has 2, the others none; removed and returned
        // excluded.
        assert_eq!(b1.contacts_behind, [ids[1], ids[3]]);
        // ids[1] waits for the secretary; the pipeline record waits for next year, the returned
        // one for nobody.
        assert_eq!(b1.waiting, Waiting { applicant: 0, branch_secretary: 1, town_office: 0 });
        assert_eq!(report.pipeline.year, 2014);
        assert_eq!(report.pipeline.totals[0].count.open, 1);
        assert!(!b1.mobilised);
        assert!(!b1.inspection_overdue);

        let b2 = &report.branches[1];
        assert_eq!(b2.waiting, Waiting { applicant: 0, branch_secretary: 0, town_office: 2 });
        // ids[5] has one contact (February) but two are due by July 1.
        assert_eq!(b2.contacts_behind, [ids[5], ids[6]]);
        assert!(b2.mobilised);
        assert!(b2.inspection_overdue && b2.last_inspected.is_none());
    }
}
