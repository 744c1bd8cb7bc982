//! 结对帮带: at least four pairing contacts per candidate per calendar year.

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use crate::model::{Candidate, ContactKind, ContactLog};

/// Pairing contacts each candidate needs in a calendar year (seed: 每年联系次数不少于4次).
pub const CONTACTS_PER_YEAR: u32 = 4;

/// How a candidate's pairing contacts stand for one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactStatus {
    /// Pairing contacts logged in the year, up to today.
    pub done: u32,
    /// Always [`CONTACTS_PER_YEAR`].
    pub required: u32,
    /// Contacts due by today: one per quarter of `year` fully elapsed (all four once it is over).
    pub expected_by_now: u32,
    /// Fewer done than due by now.
    pub behind: bool,
}

impl ContactStatus {
    /// The year's requirement is met.
    pub fn complete(&self) -> bool {
        self.done >= self.required
    }
}

/// Quarters of `year` fully elapsed before `today` (0 to 4).
pub fn quarters_elapsed(year: i32, today: NaiveDate) -> u32 {
    match today.year().cmp(&year) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Greater => 4,
        std::cmp::Ordering::Equal => today.month0() / 3,
    }
}

/// The contact status of candidate `id` for calendar `year`. Only pairing contacts
/// (not expert guidance) dated within `year` and not after `today` count. `None` when the
/// candidate needs no contacts that year: removed, or a candidate only from a later year.
pub fn contact_status(
    id: Uuid,
    candidate: &Candidate,
    logs: &[ContactLog],
    year: i32,
    today: NaiveDate,
) -> Option<ContactStatus> {
    if !candidate.is_active() || candidate.year > year {
        return None;
    }
    let done = logs
        .iter()
        .filter(|l| l.candidate_id == id && l.kind == ContactKind::Pairing)
        .filter(|l| l.date.is_some_and(|d| d.year() == year && d <= today))
        .count() as u32;
    let expected_by_now = quarters_elapsed(year, today);
    Some(ContactStatus {
        done,
        required: CONTACTS_PER_YEAR,
        expected_by_now,
        behind: done < expected_by_now,
    })
}

/// The candidates behind on contacts in `year`, in input order.
pub fn candidates_behind(
    candidates: &[(Uuid, Candidate)],
    logs: &[ContactLog],
    year: i32,
    today: NaiveDate,
) -> Vec<(Uuid, ContactStatus)> {
    candidates
        .iter()
        .filter_map(|(id, c)| contact_status(*id, c, logs, year, today).map(|s| (*id, s)))
        .filter(|(_, s)| s.behind)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApplicationState;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn log(id: Uuid, d: NaiveDate) -> ContactLog {
        ContactLog { candidate_id: id, date: Some(d), ..Default::default() }
    }

    fn candidate() -> Candidate {
        Candidate { year: 2013, ..Default::default() }
    }

    #[test]
    fn quarters() {
        assert_eq!(quarters_elapsed(2013, date(2013, 1, 1)), 0);
        assert_eq!(quarters_elapsed(2013, date(2013, 3, 31)), 0);
        assert_eq!(quarters_elapsed(2013, date(2013, 4, 1)), 1);
        assert_eq!(quarters_elapsed(2013, date(2013, 12, 31)), 3);
        assert_eq!(quarters_elapsed(2013, date(2014, 1, 1)), 4);
        assert_eq!(quarters_elapsed(2014, date(2013, 12, 31)), 0);
    }

    #[test]
    fn year_boundaries() {
        let id = Uuid::now_v7();
        let logs = vec![
            log(id, date(2012, 12, 31)), // last year
            log(id, date(2013, 1, 1)),
            log(id, date(2013, 12, 31)),
            log(id, date(2014, 1, 1)), // next year
        ];
        let s = contact_status(id, &candidate(), &logs, 2013, date(2014, 1, 5)).unwrap();
        assert_eq!(s, ContactStatus { done: 2, required: 4, expected_by_now: 4, behind: true });
        let s2012 = contact_status(
            id,
            &Candidate { year: 2012, ..candidate() },
            &logs,
            2012,
            date(2014, 1, 5),
        )
        .unwrap();
        assert_eq!(s2012.done, 1);
        // On Dec 31 the Dec 31 contact counts and three quarters are due.
        let s = contact_status(id, &candidate(), &logs, 2013, date(2013, 12, 31)).unwrap();
        assert_eq!((s.done, s.expected_by_now, s.behind), (2, 3, true));
        // On Dec 30 the Dec 31 contact is not yet (a mistyped future date does not count).
        let s = contact_status(id, &candidate(), &logs, 2013, date(2013, 12, 30)).unwrap();
        assert_eq!(s.done, 1);
    }

    #[test]
    fn pro_rata_by_quarter() {
        let id = Uuid::now_v7();
        let logs = vec![log(id, date(2013, 2, 1))];
        let march = contact_status(id, &candidate(), &logs, 2013, date(2013, 3, 31)).unwrap();
        assert!(!march.behind);
        let july = contact_status(id, &candidate(), &logs, 2013, date(2013, 7, 1)).unwrap();
        assert_eq!((july.expected_by_now, july.behind), (2, true));
        let four: Vec<_> = (1..=4).map(|m| log(id, date(2013, m, 2))).collect();
        let done = contact_status(id, &candidate(), &four, 2013, date(2013, 5, 1)).unwrap();
        assert!(done.complete() && !done.behind);
    }

    #[test]
    fn only_own_pairing_contacts_count() {
        let id = Uuid::now_v7();
        let other = Uuid::now_v7();
        let mut expert = log(id, date(2013, 2, 1));
        expert.kind = ContactKind::ExpertGuidance;
        let undated = ContactLog { candidate_id: id, date: None, ..Default::default() };
        let logs = vec![expert, undated, log(other, date(2013, 2, 1)), log(id, date(2013, 3, 1))];
        assert_eq!(
            contact_status(id, &candidate(), &logs, 2013, date(2013, 6, 1)).unwrap().done,
            1
        );
    }

    #[test]
    fn removed_and_future_candidates_are_excluded() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let c = Uuid::from_u128(3);
        let d = Uuid::from_u128(4);
        let removed =
            Candidate { state: ApplicationState::Removed, reason: "迁出".into(), ..candidate() };
        let next_year = Candidate { year: 2014, pipeline: true, ..candidate() };
        let candidates =
            vec![(a, candidate()), (b, removed.clone()), (c, next_year), (d, candidate())];
        let logs = vec![log(d, date(2013, 1, 10)), log(d, date(2013, 4, 10))];
        assert_eq!(contact_status(b, &removed, &logs, 2013, date(2013, 7, 1)), None);
        let behind = candidates_behind(&candidates, &logs, 2013, date(2013, 7, 1));
        assert_eq!(behind.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [a]);
        assert!(candidates_behind(&candidates, &logs, 2013, date(2013, 3, 1)).is_empty());
    }
}
