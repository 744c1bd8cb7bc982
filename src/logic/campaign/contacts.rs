//! 结对帮带 rows: each active candidate's pairing contacts in a calendar year, behind or not.

use chrono::NaiveDate;
use shared::model::{Candidate, ContactLog};
use shared::rules::{ContactStatus, contact_status};
use uuid::Uuid;

use super::typed::Names;

/// One candidate's line in the contact table.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactRow {
    pub candidate_id: Uuid,
    pub name: String,
    pub contact_person: String,
    pub status: ContactStatus,
    /// Expert guidance sessions in the year (logged the same way, not counted in the four).
    pub guidance: u32,
}

/// The contact rows of `year` as of `today`: candidates that need contacts that year, those
/// behind first, then by name.
pub fn contact_rows(
    candidates: &[(Uuid, Candidate)],
    logs: &[ContactLog],
    names: &Names,
    year: i32,
    today: NaiveDate,
) -> Vec<ContactRow> {
    use chrono::Datelike;
    let mut rows: Vec<ContactRow> = candidates
        .iter()
        .filter_map(|(id, c)| {
            let status = contact_status(*id, c, logs, year, today)?;
            let guidance = logs
                .iter()
                .filter(|l| l.candidate_id == *id)
                .filter(|l| l.kind == shared::model::ContactKind::ExpertGuidance)
                .filter(|l| l.date.is_some_and(|d| d.year() == year))
                .count() as u32;
            Some(ContactRow {
                candidate_id: *id,
                name: names.person(&c.person_id),
                contact_person: c.contact_person.clone(),
                status,
                guidance,
            })
        })
        .collect();
    shared::order::sort_by(&mut rows, |a, b| {
        b.status.behind.cmp(&a.status.behind).then(a.name.cmp(&b.name))
    });
    rows
}

/// The logs of one candidate, newest first (undated last).
pub fn logs_of(logs: &[(Uuid, ContactLog)], candidate_id: Uuid) -> Vec<(Uuid, ContactLog)> {
    let mut own: Vec<(Uuid, ContactLog)> =
        logs.iter().filter(|(_, l)| l.candidate_id == candidate_id).cloned().collect();
    shared::order::sort_by(&mut own, |a, b| b.1.date.cmp(&a.1.date).then(b.0.cmp(&a.0)));
    own
}

/// The status as a sentence, for the profile and the dashboard.
pub fn status_text(status: &ContactStatus) -> String {
    crate::i18n::campaign::contact_status(status.done, status.required, status.expected_by_now)
}
