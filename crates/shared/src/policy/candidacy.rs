//! One candidacy per member, category and year (`crate::candidacy`), on the server: a pushed
//! candidate record that becomes a candidacy another live record already is, is refused
//! (`duplicate_candidacy`) with the message the tablet shows before its save; so is one whose
//! year is not a year of the campaign in force (`outside_campaign`, `Campaign::current`). The store finds
//! the other records ([`needs_uniqueness_check`] says when, and for which member); this module
//! decides.

use uuid::Uuid;

use crate::candidacy::{CandidacyError, CandidacyKey, check_unique};
use crate::model::{Assessment, Campaign, Candidate};
use crate::record::{EntityKind, Record};

use super::Rejection;
use crate::message::Message;

fn key_of(record: &Record) -> Option<CandidacyKey> {
    if record.entity != EntityKind::Candidate || record.is_deleted() {
        return None;
    }
    CandidacyKey::of(&record.to_typed::<Candidate>().ok()?)
}

/// The key `merged` must be unique under, when the push made it (new record, or its member,
/// category or year changed); `None`: nothing to check.
pub fn needs_uniqueness_check(current: Option<&Record>, merged: &Record) -> Option<CandidacyKey> {
    let key = key_of(merged)?;
    (current.and_then(key_of) != Some(key)).then_some(key)
}

/// Refuse `merged` when its year is not one of `campaign`'s (`outside_campaign`), or when one
/// of `others` (live candidate records, any ids) is the same candidacy (`duplicate_candidacy`).
pub fn check_candidacy(
    merged: &Record,
    campaign: &Campaign,
    others: &[(Uuid, Candidate)],
) -> Result<(), Rejection> {
    let Ok(candidate) = merged.to_typed::<Candidate>() else { return Ok(()) };
    if !campaign.contains_year(candidate.year) {
        let err = CandidacyError::OutsideCampaign {
            year: candidate.year,
            start: campaign.start_year,
            end: campaign.end_year(),
        };
        return Err(Rejection::new("outside_campaign", err.message()));
    }
    check_unique(merged.id, &candidate, others.iter().map(|(id, c)| (*id, c)))
        .map_err(|e| Rejection::new("duplicate_candidacy", e.message()))
}

/// The candidate a new score sheet (`merged`, an assessment record the push created) is for,
/// if the push created one; `None`: nothing to check.
pub fn new_sheet_candidate(current: Option<&Record>, merged: &Record) -> Option<Uuid> {
    if merged.entity != EntityKind::Assessment || merged.is_deleted() || current.is_some() {
        return None;
    }
    let sheet = merged.to_typed::<Assessment>().ok()?;
    (!sheet.candidate_id.is_nil()).then_some(sheet.candidate_id)
}

/// The code of [`check_sheet_unique`]'s refusal.
pub const DUPLICATE_SHEET: &str = "duplicate_sheet";

/// Refuse a new score sheet under another id than the one every device now gives it
/// (`crate::scoring::sheet_id`: an old app's random id, or a tampered tablet's) when the
/// candidate already has a live sheet for that year (`others`: the town's live sheets of the
/// same candidate, the batch's included). The screens count one sheet per candidate and year
/// (`scoring::one_sheet_each`), so two sheets would split the scoring between them without a
/// word (each device scoring the one it holds); refused, the old app's device is told (and, once
/// updated, leaves the refused sheet out: `services::campaign::load_data`). A sheet under the
/// derived id is always taken (it is the one every device opens), and so is an old app's first
/// sheet of a candidate and year.
pub fn check_sheet_unique(merged: &Record, others: &[(Uuid, Assessment)]) -> Result<(), Rejection> {
    let Ok(sheet) = merged.to_typed::<Assessment>() else {
        return Ok(());
    };
    if merged.id == crate::scoring::sheet_id(sheet.candidate_id, sheet.year) {
        return Ok(());
    }
    let taken = others.iter().any(|(id, other)| {
        *id != merged.id && other.candidate_id == sheet.candidate_id && other.year == sheet.year
    });
    if taken {
        return Err(Rejection::new(
            DUPLICATE_SHEET,
            Message::new("duplicate_sheet").arg("year", sheet.year),
        ));
    }
    Ok(())
}

/// Refuse a new score sheet for a candidate who may not be scored that year
/// (`crate::scoring::may_be_scored`: that year's candidacy, approved by the town or further,
/// not removed or returned). A candidate the server does not hold is not judged.
pub fn check_sheet(merged: &Record, candidate: Option<&Candidate>) -> Result<(), Rejection> {
    let (Ok(sheet), Some(candidate)) = (merged.to_typed::<Assessment>(), candidate) else {
        return Ok(());
    };
    if crate::scoring::may_be_scored(candidate, sheet.year) {
        return Ok(());
    }
    Err(Rejection::new(
        "not_scorable",
        Message::new("not_scorable").arg("year", sheet.year).state(candidate.state),
    ))
}
