//! Form rules: what a record must hold before it is saved, each problem a [`Message`] (code and
//! arguments, worded by `crates/texts`) naming the field it belongs to by its label. Run on the tablet before a save and again on the server.
//!
//! Validators never read the clock: they take `today` (the town's local date).

mod identity;
mod person;
mod records;
mod survey;

pub use identity::{IdNumberError, check_id_number, check_phone, normalize_phone};
pub use person::{birth_year_range, validate_person};
pub use records::{
    validate_base, validate_branch, validate_campaign, validate_candidate, validate_contact_log,
    validate_funding, validate_inspection, validate_meeting, validate_notice, validate_visit,
};
pub use survey::validate_survey;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::message::{FieldLabel, Message};

/// A problem with one field, for the form to show next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's name as in the record (`phone`, `gps.lat`, `fixes[0].item`).
    pub field: String,
    /// What is wrong: a code and its arguments, worded in the reader's language by
    /// `crates/texts`.
    pub message: Message,
    /// The field is simply unanswered ("请填写…"/"请选择…"), as opposed to holding a wrong value.
    /// A form may hide these while a draft is being typed.
    #[serde(default)]
    pub missing: bool,
}

impl FieldError {
    /// A wrong value.
    pub fn new(field: impl Into<String>, message: impl Into<Message>) -> Self {
        Self { field: field.into(), message: message.into(), missing: false }
    }

    /// A required answer not given.
    pub fn missing(field: impl Into<String>, message: impl Into<Message>) -> Self {
        Self { field: field.into(), message: message.into(), missing: true }
    }
}

/// Texts over the shared length table ([`crate::limits`]), one error per field: for a form to
/// show next to the field (the server refuses the same texts as `text_too_long`).
pub fn validate_lengths<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
) -> Vec<FieldError> {
    fields
        .into_iter()
        .filter_map(|(field, value)| {
            let max = crate::limits::max_chars_of(field);
            crate::limits::longest_over(value, max).map(|n| {
                FieldError::new(field, Message::new("too_long").arg("n", n).arg("max", max))
            })
        })
        .collect()
}

/// Whether `errors` has one for `field`.
pub fn has_error(errors: &[FieldError], field: &str) -> bool {
    errors.iter().any(|e| e.field == field)
}

/// The earliest date any record of the campaign may carry.
pub fn earliest_date() -> NaiveDate {
    // Evaluated when compiling: a wrong date fails the build, never the app.
    const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
        Some(date) => date,
        None => panic!("2000-01-01 is a valid date"),
    };
    EARLIEST
}

/// Collects field errors while a validator runs.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<FieldError>);

impl Errors {
    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<Message>) {
        self.0.push(FieldError::new(field, message));
    }

    pub(crate) fn push_missing(&mut self, field: impl Into<String>, message: impl Into<Message>) {
        self.0.push(FieldError::missing(field, message));
    }

    /// A required text: not empty after trimming.
    pub(crate) fn require_text(&mut self, field: &str, value: &str, what: FieldLabel) {
        if value.trim().is_empty() {
            self.push_missing(field, Message::new("fill_in").field(what));
        }
    }

    /// A required choice.
    pub(crate) fn require_some<T>(&mut self, field: &str, value: &Option<T>, what: FieldLabel) {
        if value.is_none() {
            self.push_missing(field, Message::new("choose").field(what));
        }
    }

    /// A required reference to another record.
    pub(crate) fn require_id(&mut self, field: &str, id: &uuid::Uuid, what: FieldLabel) {
        if id.is_nil() {
            self.push_missing(field, Message::new("choose").field(what));
        }
    }

    /// A required date between [`earliest_date`] and `latest` (inclusive).
    pub(crate) fn require_date(
        &mut self,
        field: &str,
        date: Option<NaiveDate>,
        what: FieldLabel,
        latest: NaiveDate,
    ) {
        match date {
            None => self.push_missing(field, Message::new("fill_in").field(what)),
            Some(d) => self.date_in_range(field, d, what, latest),
        }
    }

    pub(crate) fn date_in_range(
        &mut self,
        field: &str,
        date: NaiveDate,
        what: FieldLabel,
        latest: NaiveDate,
    ) {
        if date < earliest_date() {
            self.push(
                field,
                Message::new("date_too_early").field(what).arg("date", earliest_date()),
            );
        } else if date > latest {
            self.push(field, Message::new("date_too_late").field(what).arg("date", latest));
        }
    }

    pub(crate) fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

#[cfg(test)]
mod length_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lengths_follow_the_shared_table() {
        let long = json!("备".repeat(10_001));
        let fine = json!("王海");
        let errors = validate_lengths([("notes", &long), ("name", &fine)]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "notes");
        assert_eq!(
            errors[0].message,
            Message::new("too_long").arg("n", 10_001usize).arg("max", 10_000usize)
        );
    }
}
