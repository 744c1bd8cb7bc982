//! What identifies a candidacy, and the year rules of creating one (DOMAIN.md step 3, 创建一批、
//! 培育一批). One rule for the tablet (before a save) and the server (on every push):
//!
//! * A candidacy is one member competing in one category in one campaign year
//!   ([`CandidacyKey`]). A second record with the same key is refused with a message naming the
//!   first ([`CandidacyError::Duplicate`]), whatever the first one's state: a removed candidacy
//!   comes back through the office's 恢复, not through a new application.
//! * Its record id is derived from the key ([`CandidacyKey::record_id`]), so two tablets that
//!   record the same candidacy offline (or press 登记下一年度 twice) write the same record,
//!   which the sync merges into one (differing fields show up as conflicts the office resolves).
//!   Records made before this rule keep their random ids; the server's duplicate check covers
//!   them.
//! * "Next year" has one definition, [`next_year`]: the record's year plus one. A pipeline
//!   (梯队) record of year Y is kept during Y for Y+1; carrying it over makes the Y+1 candidacy.
//! * Creating a candidacy, by application or by carry-over, needs a year the server accepts
//!   (not before 2000, not after next calendar year) inside the campaign's years
//!   ([`check_year`]).
//! * Carry-over ([`carry_over`]) closes the old record (已转入下一年度) and links both ways
//!   (`carried_to`, `carried_from`), each with a history entry.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::message::Message;
use crate::model::{
    ApplicationAction, ApplicationState, Campaign, Candidate, Category, StandardCheck,
    TransitionEntry,
};
use crate::roles::Role;
use crate::validate::earliest_date;
use crate::workflow::{self, WorkflowError};

/// What identifies a candidacy: the member, the category and the campaign year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CandidacyKey {
    pub person_id: Uuid,
    pub category: Category,
    pub year: i32,
}

impl CandidacyKey {
    /// The key of `candidate`; `None` while it has no category or member.
    pub fn of(candidate: &Candidate) -> Option<CandidacyKey> {
        let category = candidate.category?;
        (!candidate.person_id.is_nil()).then_some(CandidacyKey {
            person_id: candidate.person_id,
            category,
            year: candidate.year,
        })
    }

    /// The record id every device gives a new candidacy with this key (UUID version 8 from
    /// the SHA-256 of the key).
    pub fn record_id(&self) -> Uuid {
        let text =
            format!("candidacy/v1/{}/{}/{}", self.person_id, self.category.as_str(), self.year);
        let digest = Sha256::digest(text.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    }
}

/// Why a candidacy cannot be created or carried over. Shown as [`CandidacyError::message`]
/// (worded by `crates/texts`); the `Display` is for logs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub enum CandidacyError {
    /// Another record is this candidacy already (`state`: `None` when that record is deleted).
    Duplicate {
        existing: Uuid,
        year: i32,
        category: Option<Category>,
        state: Option<ApplicationState>,
    },
    /// The year is not one the server accepts.
    ImplausibleYear {
        first: i32,
        last: i32,
    },
    /// The year lies outside the campaign.
    OutsideCampaign {
        year: i32,
        start: i32,
        end: i32,
    },
    /// Only pipeline members and service posts go on to the next year.
    NotCarriable,
    Workflow(#[from] WorkflowError),
}

impl CandidacyError {
    /// What the refusal says.
    pub fn message(&self) -> Message {
        match self {
            CandidacyError::Duplicate { year, category, state, .. } => {
                let m = match state {
                    Some(state) => Message::new("duplicate_candidacy").state(*state),
                    None => Message::new("duplicate_candidacy_deleted"),
                };
                let m = m.arg("year", *year);
                match category {
                    Some(category) => m.category(*category),
                    None => m.arg("category", ""),
                }
            }
            CandidacyError::ImplausibleYear { first, last } => {
                Message::new("year_out_of_range").arg("first", *first).arg("last", *last)
            }
            CandidacyError::OutsideCampaign { year, start, end } => {
                Message::new("outside_campaign")
                    .arg("year", *year)
                    .arg("start", *start)
                    .arg("end", *end)
            }
            CandidacyError::NotCarriable => Message::new("not_carriable"),
            CandidacyError::Workflow(err) => err.message(),
        }
    }

    /// The record a duplicate refusal names (the screen links to it).
    pub fn existing(&self) -> Option<Uuid> {
        match self {
            CandidacyError::Duplicate { existing, .. } => Some(*existing),
            _ => None,
        }
    }
}

/// Another record (id ≠ `id`) among `others` with the same key as `candidate`, if any.
/// Deleted records are not passed in.
pub fn same_candidacy<'a>(
    id: Uuid,
    candidate: &Candidate,
    others: impl IntoIterator<Item = (Uuid, &'a Candidate)>,
) -> Option<(Uuid, &'a Candidate)> {
    let key = CandidacyKey::of(candidate)?;
    others.into_iter().find(|(other, c)| *other != id && CandidacyKey::of(c) == Some(key))
}

/// Refuse `candidate` (record `id`) when another of `others` is the same candidacy.
pub fn check_unique<'a>(
    id: Uuid,
    candidate: &Candidate,
    others: impl IntoIterator<Item = (Uuid, &'a Candidate)>,
) -> Result<(), CandidacyError> {
    match same_candidacy(id, candidate, others) {
        None => Ok(()),
        Some((existing, c)) => Err(CandidacyError::Duplicate {
            existing,
            year: c.year,
            category: c.category,
            state: Some(c.state),
        }),
    }
}

/// The years a candidacy may be created for as of `today`: the server's plausible window.
pub fn plausible_years(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    earliest_date().year()..=today.year() + 1
}

/// A new candidacy's year: one the server accepts, within the campaign's years.
pub fn check_year(year: i32, campaign: &Campaign, today: NaiveDate) -> Result<(), CandidacyError> {
    let plausible = plausible_years(today);
    if !plausible.contains(&year) {
        return Err(CandidacyError::ImplausibleYear {
            first: *plausible.start(),
            last: *plausible.end(),
        });
    }
    if !campaign.contains_year(year) {
        return Err(CandidacyError::OutsideCampaign {
            year,
            start: campaign.start_year,
            end: campaign.end_year(),
        });
    }
    Ok(())
}

/// The one definition of "next year": the year after the record's.
pub fn next_year(candidate: &Candidate) -> i32 {
    candidate.year + 1
}

/// Whether `candidate` is one that goes on to the next year: a pipeline (梯队) member, or a
/// service post (chosen every year).
pub fn carriable(candidate: &Candidate) -> bool {
    candidate.pipeline || candidate.category == Some(Category::ServicePost)
}

/// A new application: the first history entry, the category's checklist, a year accepted by
/// [`check_year`]. The record id is `CandidacyKey::record_id`.
pub fn check_new(
    candidate: &Candidate,
    campaign: &Campaign,
    role: Role,
    today: NaiveDate,
) -> Result<(), CandidacyError> {
    let category = candidate.category.ok_or(WorkflowError::NoCategory)?;
    workflow::start(role, category)?;
    check_year(candidate.year, campaign, today)
}

/// The result of [`carry_over`].
#[derive(Clone, Debug, PartialEq)]
pub struct CarryOver {
    /// The next year's record id (the key's `record_id`).
    pub next_id: Uuid,
    /// The next year's candidacy: 已申报, `carried_from` the old record.
    pub next: Candidate,
    /// The old record, closed: 已转入下一年度, `carried_to` the new one.
    pub closed: Candidate,
}

/// 登记下一年度 of record `id`: checks that it goes on to the next year (pipeline or service
/// post), that the step is allowed from its state for `role`, and that the next year is one a
/// candidacy may be created for; then builds both records. A record already carried over is
/// refused as a duplicate naming the next year's record.
pub fn carry_over(
    id: Uuid,
    candidate: &Candidate,
    campaign: &Campaign,
    by: &str,
    role: Role,
    at: NaiveDateTime,
) -> Result<CarryOver, CandidacyError> {
    let category = candidate.category.ok_or(WorkflowError::NoCategory)?;
    if candidate.state == ApplicationState::CarriedOver
        && let Some(existing) = candidate.carried_to
    {
        return Err(CandidacyError::Duplicate {
            existing,
            year: next_year(candidate),
            category: Some(category),
            state: Some(ApplicationState::Applied),
        });
    }
    workflow::transition(candidate.state, ApplicationAction::CarryOver, role, category, None)?;
    if !carriable(candidate) {
        return Err(CandidacyError::NotCarriable);
    }
    let year = next_year(candidate);
    check_year(year, campaign, at.date())?;
    let mut next = Candidate {
        person_id: candidate.person_id,
        branch_id: candidate.branch_id.clone(),
        category: Some(category),
        year,
        contact_person: candidate.contact_person.clone(),
        standards: StandardCheck::checklist(category),
        integrity_grade: candidate.integrity_grade,
        industry_prospects: candidate.industry_prospects.clone(),
        carried_from: Some(id),
        ..Default::default()
    };
    workflow::start_candidate(&mut next, by, role, at)?;
    if let Some(first) = next.history.first_mut() {
        first.action = Some(ApplicationAction::CarryOver);
        let note = carried_from_note(candidate.year);
        first.reason = zh_hans_note(&note);
        first.note = Some(note);
    }
    let next_id = CandidacyKey::of(&next).map_or_else(Uuid::now_v7, |k| k.record_id());
    let mut closed = candidate.clone();
    let from = closed.state;
    closed.state = ApplicationState::CarriedOver;
    closed.carried_to = Some(next_id);
    closed.history.push(TransitionEntry {
        from: Some(from),
        to: ApplicationState::CarriedOver,
        action: Some(ApplicationAction::CarryOver),
        by: by.to_owned(),
        role: Some(role),
        at,
        reason: zh_hans_note(&carried_to_note(year)),
        note: Some(carried_to_note(year)),
    });
    Ok(CarryOver { next_id, next, closed })
}

/// The history note on the next year's record (`carried_from`, worded `由{from_year}年度记录转入`).
pub fn carried_from_note(from_year: i32) -> Message {
    Message::new("carried_from").arg("year", from_year)
}

/// The history note on the closed record (`carried_to`, worded `已转入{to_year}年度`).
pub fn carried_to_note(to_year: i32) -> Message {
    Message::new("carried_to").arg("year", to_year)
}

/// A carry-over note in zh-Hans, kept in the entry's `reason` for apps from before
/// [`TransitionEntry::note`] (`crates/texts` words the note the same; its tests check it).
fn zh_hans_note(note: &Message) -> String {
    let year = note.get("year").map(ToString::to_string).unwrap_or_default();
    match note.code.as_ref() {
        "carried_from" => format!("由{year}年度记录转入"),
        _ => format!("已转入{year}年度"),
    }
}

/// The note of a history entry as a message, when the app wrote it: the entry's own
/// [`TransitionEntry::note`], or for a carry-over recorded before there was one, the zh-Hans
/// note it kept in `reason` read back. `None`: show `reason` as written (a person's reason).
pub fn history_note(entry: &TransitionEntry) -> Option<Message> {
    if let Some(note) = &entry.note {
        return Some(note.clone());
    }
    if entry.action != Some(ApplicationAction::CarryOver) {
        return None;
    }
    let reason = entry.reason.trim();
    let year = |text: Option<&str>| text.and_then(|t| t.parse::<i32>().ok());
    if let Some(y) = year(reason.strip_prefix('由').and_then(|r| r.strip_suffix("年度记录转入")))
    {
        Some(carried_from_note(y))
    } else {
        year(reason.strip_prefix("已转入").and_then(|r| r.strip_suffix("年度")))
            .map(carried_to_note)
    }
}

/// A history entry's note worded by `words` (`crates/texts`), else its reason as written.
pub fn history_note_or_reason(
    entry: &TransitionEntry,
    words: impl Fn(&Message) -> Option<String>,
) -> String {
    history_note(entry).and_then(|m| words(&m)).unwrap_or_else(|| entry.reason.clone())
}

#[cfg(test)]
mod tests;
