//! Versions of the survey form, and how data made on an older version is read, checked and
//! brought up to the current one.
//!
//! The form is defined in code ([`crate::model::Survey`], its choices, [`crate::validate`]), so a
//! new app may ask a question the old one did not, stop asking one, or rename a choice's code,
//! while tablets still hold drafts and queued changes made on the old form, and the server holds
//! records made on it. The rules here keep that data readable, checkable and sendable:
//!
//! * **Every survey names the form it was made on**: the record field `form_version`
//!   ([`FormVersion`]; absent in surveys made before versions were counted, which are version 1).
//!   The operation that creates a survey carries it like any field.
//! * **What changed between versions is a table** ([`Form::versions`], one [`Step`] list per
//!   version): a choice code renamed, a question removed, a question added (and whether a final
//!   survey must answer it).
//! * **Reading never fails on old or unknown values** ([`Form::open`]): the record is migrated
//!   in memory first (renamed codes read as their new code); a value that still does not fit the
//!   current form (a code of a newer form, or one no table knows) is *kept* in the record and
//!   reported in [`Opened::kept`] instead of making the whole survey unreadable; a removed
//!   question's answer stays in the record (nothing is deleted) and is no longer shown or checked.
//! * **Checking follows the form the survey was made on** ([`Form::excused`]): a required
//!   question added after it is not demanded of it; an answer held as an unknown code counts as
//!   answered. The server (`policy::check_record`) and the tablet run the same rules.
//! * **Migrating is an ordinary change** ([`Form::migrate`]): what it changes (renamed codes)
//!   plus a note of every step and the version reached ([`Migration::history`], the field
//!   [`MIGRATION_FIELD`]) are saved as one operation, so every device and the server see the
//!   same record and the change history says what the upgrade did and why. `form_version`
//!   keeps naming the form the survey was made on, so a change queued on the old form that
//!   arrives after the migration is still checked against the form it was made on.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::message::Message;
use crate::order::CollectOrdered as _;

/// The record field naming the form version a survey was made on.
pub const FORM_VERSION_FIELD: &str = "form_version";
/// The record field in which a migration notes what it did (for the change history).
pub const MIGRATION_FIELD: &str = "form_migration";
/// The version of every survey made before versions were counted.
pub const FIRST_FORM_VERSION: u32 = 1;

/// The version of the form a survey was made on (absent: [`FIRST_FORM_VERSION`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormVersion(pub u32);

impl Default for FormVersion {
    fn default() -> Self {
        FormVersion(FIRST_FORM_VERSION)
    }
}

impl FormVersion {
    /// Version 1 is not written (a survey without the field is version 1), so surveys made
    /// before versions were counted are not changed by being saved again.
    pub fn is_first(&self) -> bool {
        self.0 <= FIRST_FORM_VERSION
    }
}

/// One change of the form from one version to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The code `from` of a choice question is now `to` (same meaning, new code).
    RenameChoice { field: &'static str, from: &'static str, to: &'static str },
    /// The question is no longer asked: its answers stay in the records, unshown and unchecked.
    RemoveField { field: &'static str },
    /// A new question; `required`: a final survey made on this version or later must answer it.
    AddField { field: &'static str, required: bool },
}

/// What changed to reach `version` from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormVersionSteps {
    pub version: u32,
    pub steps: &'static [Step],
}

/// A form's history and its choice questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form {
    /// Version 2, 3, … in order: what changed to reach each. Empty: the form is at version 1.
    pub versions: &'static [FormVersionSteps],
    /// Every choice question and its codes on the current form.
    pub choices: &'static [(&'static str, &'static [&'static str])],
}

/// The survey form (调查表) as this build defines it. Version 1: no change yet. A change of the
/// form adds a [`FormVersionSteps`] here (and the protocol version, `shared::sync`, when older
/// apps could not take part safely).
pub const SURVEY_FORM: Form = Form { versions: &[], choices: SURVEY_CHOICES };

/// The survey's choice questions and their current codes.
pub const SURVEY_CHOICES: &[(&str, &[&str])] = {
    use crate::model::{
        Employment, MentoringAbility, MentoringWillingness, PotentialLevel, SurveyStatus,
        ThreeCultivation, TurnoverBand,
    };
    &[
        ("status", SurveyStatus::KEYS),
        ("employment", Employment::KEYS),
        ("potential_level", PotentialLevel::KEYS),
        ("wealth_potential", PotentialLevel::KEYS),
        ("innovation_potential", PotentialLevel::KEYS),
        ("turnover_band", TurnoverBand::KEYS),
        ("three_cultivation", ThreeCultivation::KEYS),
        ("mentoring_ability", MentoringAbility::KEYS),
        ("mentoring_willingness", MentoringWillingness::KEYS),
    ]
};

/// One thing a migration did or found, for the change history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// A choice's old code was replaced by its new one.
    Renamed { field: String, from: String, to: String },
    /// A question the form no longer asks: its answer is kept in the record.
    Removed { field: String, value: Value },
    /// A question the survey was made without.
    Added { field: String, required: bool },
    /// A value the current form does not know (kept as it is; the form asks for a new choice).
    Kept { field: String, value: Value },
}

impl Note {
    /// The note for the change history (worded by `crates/texts`); `label` names a field as
    /// people know it, in their language.
    pub fn describe(&self, label: &dyn Fn(&str) -> String) -> Message {
        match self {
            Note::Renamed { field, from, to } => Message::new("form_code_renamed")
                .arg("field", label(field))
                .arg("from", from.as_str())
                .arg("to", to.as_str()),
            Note::Removed { field, value } => Message::new("form_question_removed")
                .arg("field", label(field))
                .arg("value", value.to_string()),
            Note::Added { field, required: true } => {
                Message::new("form_required_question_added").arg("field", label(field))
            }
            Note::Added { field, required: false } => {
                Message::new("form_question_added").arg("field", label(field))
            }
            Note::Kept { field, value } => Message::new("form_value_kept")
                .arg("field", label(field))
                .arg("value", value.to_string()),
        }
    }
}

/// What bringing one survey up to the current form does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    /// The version its values were on (the one it was made on, or the one an earlier migration
    /// brought it to), and the current one.
    pub from: u32,
    pub to: u32,
    /// Field changes to save (renamed codes), in field order. Nothing is removed: a removed
    /// question's answer stays. `form_version` is not changed: it keeps saying which form the
    /// survey was made on, which is what it is checked against.
    #[serde(default)]
    pub changes: Vec<(String, Value)>,
    pub notes: Vec<Note>,
}

/// What [`MIGRATION_FIELD`] holds.
#[derive(Serialize, Deserialize)]
struct HistoryNote {
    from: u32,
    to: u32,
    notes: Vec<Note>,
}

impl Migration {
    /// Nothing to save: no code to rename and already on the current form.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.from == self.to
    }

    /// The changes to save, with the note of what was done ([`MIGRATION_FIELD`]) for the change
    /// history; empty when there is nothing to change.
    pub fn to_save(&self) -> Vec<(String, Value)> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut changes = self.changes.clone();
        changes.push((MIGRATION_FIELD.to_owned(), self.history()));
        changes
    }

    /// `{"from": 1, "to": 2, "notes": [...]}` as stored in [`MIGRATION_FIELD`].
    pub fn history(&self) -> Value {
        let note = HistoryNote { from: self.from, to: self.to, notes: self.notes.clone() };
        serde_json::to_value(note).unwrap_or(Value::Null)
    }

    /// The history note ("表单由第1版升级到第2版：…；…" once worded).
    pub fn describe(&self, label: &dyn Fn(&str) -> String) -> Option<Message> {
        describe_history(&self.history(), label)
    }

    /// The fields as saving [`Migration::to_save`] leaves them.
    pub fn apply(&self, fields: &mut BTreeMap<String, Value>) {
        fields.extend(self.to_save());
    }
}

/// The note of a stored [`MIGRATION_FIELD`] value (`None` if it is not one): the form's
/// version (`form_version`) or upgrade (`form_upgraded`), with the notes (`form_version_notes`,
/// `form_upgraded_notes`).
pub fn describe_history(value: &Value, label: &dyn Fn(&str) -> String) -> Option<Message> {
    let m = HistoryNote::deserialize(value).ok()?;
    let notes: Vec<Message> = m.notes.iter().map(|n| n.describe(label)).collect();
    let message = match (m.from == m.to, notes.is_empty()) {
        (true, true) => Message::new("form_version"),
        (true, false) => Message::new("form_version_notes"),
        (false, true) => Message::new("form_upgraded"),
        (false, false) => Message::new("form_upgraded_notes"),
    };
    let message = message.arg("from", m.from).arg("to", m.to);
    Some(if notes.is_empty() { message } else { message.arg("notes", notes) })
}

/// A survey (or any form's record) read for a form: the typed value and what did not fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened<T> {
    pub value: T,
    /// The version it was made on.
    pub made_on: u32,
    /// What bringing it to the current form does (empty: nothing to change).
    pub migration: Migration,
    /// Values the typed form cannot show (a code it does not know, a value of another type),
    /// by field: they stay in the record as they are; the typed value holds the default.
    pub kept: BTreeMap<String, Value>,
}

impl Form {
    /// The current version.
    pub fn current(&self) -> u32 {
        self.versions.last().map_or(FIRST_FORM_VERSION, |v| v.version)
    }

    /// The version a record's values were last brought to by a migration ([`MIGRATION_FIELD`]).
    pub fn migrated_to(fields: &BTreeMap<String, Value>) -> Option<u32> {
        let to = fields.get(MIGRATION_FIELD)?.get("to")?.as_u64()?;
        Some(u32::try_from(to).unwrap_or(u32::MAX))
    }

    /// The version a record's fields were made on.
    pub fn made_on(fields: &BTreeMap<String, Value>) -> u32 {
        fields
            .get(FORM_VERSION_FIELD)
            .and_then(Value::as_u64)
            .map_or(FIRST_FORM_VERSION, |v| u32::try_from(v).unwrap_or(u32::MAX))
            .max(FIRST_FORM_VERSION)
    }

    /// The current codes of choice question `field` (`None`: not a choice question).
    pub fn codes(&self, field: &str) -> Option<&'static [&'static str]> {
        self.choices.iter().find(|(f, _)| *f == field).map(|(_, codes)| *codes)
    }

    /// Required questions added after version `made_on`: not demanded of a survey made on it.
    pub fn excused(&self, made_on: u32) -> Vec<&'static str> {
        self.versions
            .iter()
            .filter(|v| v.version > made_on)
            .flat_map(|v| v.steps)
            .filter_map(|s| match s {
                Step::AddField { field, required: true } => Some(*field),
                _ => None,
            })
            .collect()
    }

    /// What bringing `fields` (made on any version, today's included) up to the current form
    /// changes. Steps of every version after the one its values are on apply; a renamed code is
    /// also renamed in a record that says it is newer (a change queued on the old form may
    /// reach it after it was migrated), as long as the old code is not a current one. Applying
    /// the result again changes nothing more.
    pub fn migrate(&self, fields: &BTreeMap<String, Value>) -> Migration {
        let made_on = Self::made_on(fields);
        let from = Self::migrated_to(fields).map_or(made_on, |to| to.max(made_on));
        let to = self.current().max(from);
        let mut m = Migration { from, to, ..Migration::default() };
        for version in self.versions {
            let newer = version.version > from;
            for step in version.steps {
                match *step {
                    Step::RenameChoice { field, from: old, to: new } => {
                        let current = self.codes(field).is_some_and(|c| c.contains(&old));
                        let holds_old = fields.get(field).and_then(Value::as_str) == Some(old);
                        if holds_old && (newer || !current) {
                            m.changes.push((field.to_owned(), Value::from(new)));
                            m.notes.push(Note::Renamed {
                                field: field.to_owned(),
                                from: old.to_owned(),
                                to: new.to_owned(),
                            });
                        }
                    }
                    Step::RemoveField { field } if newer => {
                        if let Some(value) = fields.get(field).filter(|v| !v.is_null()) {
                            m.notes.push(Note::Removed {
                                field: field.to_owned(),
                                value: value.clone(),
                            });
                        }
                    }
                    Step::AddField { field, required } if newer => {
                        m.notes.push(Note::Added { field: field.to_owned(), required });
                    }
                    Step::RemoveField { .. } | Step::AddField { .. } => {}
                }
            }
        }
        // A change that renames a field twice (renamed again in a later version) keeps the last.
        let mut seen = BTreeMap::new();
        for (field, value) in std::mem::take(&mut m.changes) {
            seen.insert(field, value);
        }
        m.changes = seen.into_iter().collect();
        m
    }

    /// Read `fields` as `T` on the current form: migrated in memory first, then every value that
    /// still does not fit is left out of the typed value and reported in [`Opened::kept`]
    /// (never an error: a survey with an unknown value still opens, validates and sends).
    pub fn open<T: DeserializeOwned + Default>(
        &self,
        fields: &BTreeMap<String, Value>,
    ) -> Opened<T> {
        let made_on = Self::made_on(fields);
        let migration = self.migrate(fields);
        // The common case (nothing to migrate, everything fits) costs what `to_typed` costs.
        if migration.is_empty()
            && let Ok(value) = crate::record::typed_from_fields(fields)
        {
            return Opened { value, made_on, migration, kept: BTreeMap::new() };
        }
        let mut view = fields.clone();
        migration.apply(&mut view);
        let (value, kept) = decode_keeping(view);
        Opened { value, made_on, migration, kept }
    }
}

impl Form {
    /// The form's check of a survey ([`crate::validate::validate_survey`]) on the form it was
    /// made on (`made_on`): a required question added after that version is not reported as
    /// unanswered, nor is one whose answer is `kept` (a value this form does not know). The
    /// tablet's form and the server's policy both check this way.
    pub fn validate_survey_on(
        &self,
        survey: &crate::model::Survey,
        person: &crate::model::Person,
        finalising: bool,
        today: chrono::NaiveDate,
        made_on: u32,
        kept: &BTreeMap<String, Value>,
    ) -> Vec<crate::validate::FieldError> {
        let excused = self.excused(made_on);
        crate::validate::validate_survey(survey, person, finalising, today)
            .into_iter()
            .filter(|e| {
                let field = e.field.split(['.', '[']).next().unwrap_or(&e.field);
                !(e.missing && (excused.contains(&field) || kept.contains_key(field)))
            })
            .collect()
    }
}

/// A survey's fields as the current survey form reads them ([`SURVEY_FORM`]): never fails; what
/// does not fit is left at its default (and stays in the record).
pub fn read_survey(fields: &BTreeMap<String, Value>) -> crate::model::Survey {
    SURVEY_FORM.open(fields).value
}

/// Decode `fields` as `T` (a record view: `Default`, and every field defaulted when absent);
/// a field whose value does not decode is taken out and returned as it was, instead of failing
/// the whole record.
pub fn decode_keeping<T: DeserializeOwned + Default>(
    mut fields: BTreeMap<String, Value>,
) -> (T, BTreeMap<String, Value>) {
    let mut kept = BTreeMap::new();
    if let Ok(value) = crate::record::typed_from_fields(&fields) {
        return (value, kept);
    }
    let names: Vec<String> = fields.keys().cloned().collect();
    for name in names {
        let alone: BTreeMap<String, Value> = fields
            .get_key_value(&name)
            .map(|(k, v)| (k.clone(), v.clone()))
            .into_iter()
            .collect_map();
        if crate::record::typed_from_fields::<T>(&alone).is_err()
            && let Some(value) = fields.remove(&name)
        {
            kept.insert(name, value);
        }
    }
    let value = crate::record::typed_from_fields(&fields).unwrap_or_default();
    (value, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_listed_choice_question_takes_its_codes() {
        // The table names real questions of the typed survey with their real codes.
        let survey = crate::model::Survey::default();
        for (field, codes) in SURVEY_CHOICES {
            assert!(!codes.is_empty(), "{field}");
            let mut fields = crate::record::to_fields(&survey).unwrap();
            fields.insert((*field).to_owned(), json!(codes[0]));
            crate::record::typed_from_fields::<crate::model::Survey>(&fields).unwrap();
        }
        assert_eq!(SURVEY_FORM.current(), FIRST_FORM_VERSION);
        assert!(SURVEY_FORM.excused(FIRST_FORM_VERSION).is_empty());
    }

    #[test]
    fn made_on_reads_absent_and_odd_values_as_version_one() {
        let with = |v: Value| BTreeMap::from([(FORM_VERSION_FIELD.to_owned(), v)]);
        assert_eq!(Form::made_on(&BTreeMap::new()), 1);
        assert_eq!(Form::made_on(&with(json!(0))), 1);
        assert_eq!(Form::made_on(&with(json!("2"))), 1);
        assert_eq!(Form::made_on(&with(json!(3))), 3);
    }

    #[test]
    fn today_a_survey_made_on_version_one_needs_no_migration() {
        let fields = BTreeMap::from([("employment".to_owned(), json!("fishery"))]);
        let m = SURVEY_FORM.migrate(&fields);
        assert!(m.is_empty() && m.notes.is_empty() && m.to_save().is_empty());
        assert_eq!((m.from, m.to), (1, 1));
    }

    #[test]
    fn history_words() {
        let m = Migration {
            from: 1,
            to: 2,
            changes: vec![],
            notes: vec![Note::Renamed {
                field: "employment".into(),
                from: "a".into(),
                to: "b".into(),
            }],
        };
        let label =
            |f: &str| if f == "employment" { "从业情况".to_owned() } else { f.to_owned() };
        assert_eq!(
            m.describe(&label).unwrap().to_string(),
            "form_upgraded_notes(from=1, notes=form_code_renamed(field=从业情况, from=a, to=b), \
             to=2)"
        );
        assert_eq!(describe_history(&json!("x"), &label), None);
    }
}
