//! 督查 about every two months per branch, and 宣传发动: which branches have not met yet.

use chrono::NaiveDate;

use crate::model::{Branch, Inspection, Meeting};

/// An inspection is due this many days after the last one (seed: 一般每两个月一次).
pub const INSPECTION_INTERVAL_DAYS: i64 = 60;

/// Where a branch stands on inspections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionStatus {
    pub branch_id: String,
    pub branch_name: String,
    /// The latest inspection on or before today.
    pub last_inspected: Option<NaiveDate>,
    /// Days since then (`None`: never inspected).
    pub days_since: Option<i64>,
    /// Never inspected, or more than [`INSPECTION_INTERVAL_DAYS`] ago.
    pub overdue: bool,
    /// Fixes ordered by inspections of this branch that are not done yet.
    pub open_fixes: usize,
}

/// The inspection status of every branch, in input order.
pub fn inspection_status(
    branches: &[(String, Branch)],
    inspections: &[Inspection],
    today: NaiveDate,
) -> Vec<InspectionStatus> {
    branches
        .iter()
        .map(|(id, branch)| {
            let own = || inspections.iter().filter(move |i| &i.branch_id == id);
            let last_inspected = own().filter_map(|i| i.date).filter(|d| *d <= today).max();
            let days_since = last_inspected.map(|d| (today - d).num_days());
            InspectionStatus {
                branch_id: id.clone(),
                branch_name: branch.name.clone(),
                last_inspected,
                days_since,
                overdue: days_since.is_none_or(|d| d > INSPECTION_INTERVAL_DAYS),
                open_fixes: own().map(|i| open_fixes(i).count()).sum(),
            }
        })
        .collect()
}

/// Branches overdue for inspection: never inspected or last inspected more than 60 days ago.
pub fn overdue_branches(
    branches: &[(String, Branch)],
    inspections: &[Inspection],
    today: NaiveDate,
) -> Vec<InspectionStatus> {
    inspection_status(branches, inspections, today).into_iter().filter(|s| s.overdue).collect()
}

/// The fixes of an inspection not done yet.
pub fn open_fixes(inspection: &Inspection) -> impl Iterator<Item = &crate::model::Fix> {
    inspection.fixes.iter().filter(|f| f.fixed_on.is_none())
}

/// Ids of branches that have held no mobilisation meeting (党员大会) from `since` (the
/// campaign start) to `today`, in input order.
pub fn branches_without_meeting(
    branches: &[(String, Branch)],
    meetings: &[Meeting],
    since: NaiveDate,
    today: NaiveDate,
) -> Vec<String> {
    branches
        .iter()
        .filter(|(id, _)| {
            !meetings
                .iter()
                .any(|m| &m.branch_id == id && m.date.is_some_and(|d| d >= since && d <= today))
        })
        .map(|(id, _)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Fix;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, m, d).unwrap()
    }

    fn branches() -> Vec<(String, Branch)> {
        ["b1", "b2", "b3"]
            .iter()
            .map(|id| {
                ((*id).to_owned(), Branch { name: format!("{id}支部"), ..Default::default() })
            })
            .collect()
    }

    fn inspection(branch: &str, d: NaiveDate) -> Inspection {
        Inspection { branch_id: branch.into(), date: Some(d), ..Default::default() }
    }

    #[test]
    fn sixty_days_is_not_yet_overdue() {
        let today = date(5, 1);
        let inspections = vec![
            inspection("b1", today - chrono::Days::new(60)),
            inspection("b2", today - chrono::Days::new(61)),
            inspection("b2", date(5, 20)), // in the future: ignored
        ];
        let status = inspection_status(&branches(), &inspections, today);
        assert_eq!(status[0].days_since, Some(60));
        assert!(!status[0].overdue);
        assert_eq!(status[1].days_since, Some(61));
        assert!(status[1].overdue);
        assert_eq!((status[2].last_inspected, status[2].overdue), (None, true));
        let overdue: Vec<_> = overdue_branches(&branches(), &inspections, today)
            .into_iter()
            .map(|s| s.branch_id)
            .collect();
        assert_eq!(overdue, ["b2", "b3"]);
    }

    #[test]
    fn latest_inspection_counts_across_year_end() {
        let today = NaiveDate::from_ymd_opt(2014, 1, 20).unwrap();
        let inspections = vec![inspection("b1", date(3, 1)), inspection("b1", date(12, 1))];
        let status = inspection_status(&branches(), &inspections, today);
        assert_eq!(status[0].last_inspected, Some(date(12, 1)));
        assert_eq!(status[0].days_since, Some(50));
        assert!(!status[0].overdue);
    }

    #[test]
    fn open_fixes_are_counted() {
        let mut i = inspection("b1", date(3, 1));
        i.fixes = vec![
            Fix { item: "补台账".into(), due: Some(date(3, 15)), fixed_on: Some(date(3, 10)) },
            Fix { item: "公开栏".into(), due: Some(date(3, 30)), fixed_on: None },
        ];
        assert_eq!(inspection_status(&branches(), &[i], date(4, 1))[0].open_fixes, 1);
    }

    #[test]
    fn branches_without_a_meeting() {
        let since = date(1, 1);
        let meetings = vec![
            Meeting { branch_id: "b1".into(), date: Some(date(2, 1)), ..Default::default() },
            Meeting {
                branch_id: "b2".into(),
                date: NaiveDate::from_ymd_opt(2012, 12, 31),
                ..Default::default()
            },
            Meeting { branch_id: "b3".into(), date: None, ..Default::default() },
        ];
        assert_eq!(
            branches_without_meeting(&branches(), &meetings, since, date(6, 1)),
            ["b2", "b3"]
        );
        assert_eq!(
            branches_without_meeting(&branches(), &meetings, since, date(1, 31)),
            ["b1", "b2", "b3"]
        );
    }
}
