//! The survey form's state: the person being surveyed plus the survey, and how it becomes the
//! field changes that the store saves.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use shared::form::{Form, FormVersion, MIGRATION_FIELD, Migration, SURVEY_FORM};
use shared::model::{Person, Survey, SurveyStatus};
use shared::record::{Record, to_fields};
use uuid::Uuid;

use crate::logic::forms::fields_changed;

/// Everything the form edits. Identity fields belong to the person (a later visit updates the
/// same person); the rest to this visit's survey.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SurveyForm {
    pub person_id: Uuid,
    pub survey_id: Uuid,
    pub person: Person,
    pub survey: Survey,
    /// Values of the survey the current form cannot show (a choice code it does not know), as a
    /// JSON object by field (`null`: none): they stay in the record as they are until a new
    /// answer is chosen (`shared::form`).
    #[serde(default)]
    pub kept: Value,
    /// What reading the survey on the current form migrated (renamed codes, already in
    /// `survey`), as the note saved with the next save in `form_migration` for the history
    /// (`shared::form::Migration::history`). Not part of a keystroke draft (the app shell reads
    /// those at start-up and stays small): a draft recovered after a crash saves the renamed
    /// codes, and the next migration notes the version reached.
    #[serde(skip)]
    pub migration_note: Option<Value>,
}

impl SurveyForm {
    /// A new survey: of a new person (fresh id) or of an existing one.
    pub fn new(person: Option<(Uuid, Person)>, surveyor: &str, now: chrono::NaiveDateTime) -> Self {
        let (person_id, person) = person.unwrap_or_else(|| (Uuid::now_v7(), Person::default()));
        let survey = Survey {
            person_id,
            surveyor: surveyor.to_owned(),
            surveyed_at: Some(now),
            status: SurveyStatus::Draft,
            form_version: FormVersion(SURVEY_FORM.current()),
            ..Survey::default()
        };
        SurveyForm { person_id, survey_id: Uuid::now_v7(), person, survey, ..Default::default() }
    }

    /// Load an existing survey and its person from their records. The survey is read on the
    /// current form, whatever form it was made on: migrated, with what does not fit kept.
    pub fn from_records(
        survey: &Record,
        person: Option<&Record>,
    ) -> Result<Self, serde_json::Error> {
        Self::from_records_on(&SURVEY_FORM, survey, person)
    }

    /// [`SurveyForm::from_records`] on the form `form` (tests simulate a form change).
    pub fn from_records_on(
        form: &Form,
        survey: &Record,
        person: Option<&Record>,
    ) -> Result<Self, serde_json::Error> {
        let opened = form.open::<Survey>(&survey.fields);
        let person_typed: Person = match person {
            Some(p) => p.to_typed()?,
            None => Person::default(),
        };
        Ok(SurveyForm {
            person_id: opened.value.person_id,
            survey_id: survey.id,
            person: person_typed,
            survey: opened.value,
            kept: object_of(opened.kept),
            migration_note: note_of(&opened.migration),
        })
    }

    /// A keystroke draft written by this or an older app (`services::survey::FormDraft`): read
    /// as it was written; a draft holding a choice code this form does not know (renamed since,
    /// or a newer form's) is read with that value kept ([`SurveyForm::kept`]) instead of being
    /// unreadable. `None` if it is not a draft at all. (Deliberately light: the app shell reads
    /// drafts at start-up; the migration itself happens when the form opens the saved record.)
    pub fn from_draft_json(text: &str) -> Option<Self> {
        if let Ok(form) = serde_json::from_str(text) {
            return Some(form);
        }
        let mut draft: Value = serde_json::from_str(text).ok()?;
        let mut kept = BTreeMap::new();
        if let Some(survey) = draft.get_mut("survey").and_then(Value::as_object_mut) {
            for (field, codes) in SURVEY_FORM.choices {
                let code = survey.get(*field).and_then(Value::as_str);
                if code.is_some_and(|c| !codes.contains(&c))
                    && let Some(value) = survey.remove(*field)
                {
                    kept.insert((*field).to_owned(), value);
                }
            }
        }
        let mut form: SurveyForm = serde_json::from_str(&draft.to_string()).ok()?;
        let mut all = form.kept_map();
        all.extend(kept);
        form.kept = object_of(all);
        Some(form)
    }

    /// The kept values by field ([`SurveyForm::kept`]).
    pub fn kept_map(&self) -> BTreeMap<String, Value> {
        self.kept
            .as_object()
            .map_or_else(BTreeMap::new, |m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    /// The version of the form the survey was made on (what it is checked against).
    pub fn made_on(&self) -> u32 {
        self.survey.form_version.0
    }

    /// The branch both records belong to (visibility scope).
    pub fn branch_id(&self) -> &str {
        &self.person.branch_id
    }

    pub fn is_final(&self) -> bool {
        self.survey.status == SurveyStatus::Final
    }

    /// The person's fields as (name, value) changes for `Store::save`.
    pub fn person_changes(&self) -> Vec<(String, Value)> {
        fields_of(&self.person)
    }

    /// The survey's fields as (name, value) changes for `Store::save`. A value kept because
    /// the form does not know it stays while its question is left as it opened (a draft never
    /// saved writes it); a migration adds its note for the history.
    pub fn survey_changes(&self) -> Vec<(String, Value)> {
        let mut survey = self.survey.clone();
        survey.person_id = self.person_id;
        let mut changes = fields_of(&survey);
        for (field, value) in &mut changes {
            if let Some(kept) = self.kept.get(field.as_str())
                && is_blank(value)
            {
                // Unchanged in a stored record (so not sent); written into a new one.
                *value = kept.clone();
            }
        }
        if let Some(note) = &self.migration_note {
            changes.push((MIGRATION_FIELD.to_owned(), note.clone()));
        }
        changes
    }
}

/// The fields of each record a form changed since an earlier state of it (the form as last
/// read or saved): what a save writes once the records exist (`Store::save_touched`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormTouched {
    pub person: BTreeSet<String>,
    pub survey: BTreeSet<String>,
}

impl SurveyForm {
    /// The fields whose value differs from what `before` held. A migration's note counts as
    /// touched while the form carries one (the store writes it only if it is not stored yet).
    pub fn touched_since(&self, before: &SurveyForm) -> FormTouched {
        let person = if self.person == before.person {
            BTreeSet::new()
        } else {
            fields_changed(&before.person_changes(), &self.person_changes())
        };
        let mut survey = if self.survey == before.survey
            && self.kept == before.kept
            && self.person_id == before.person_id
        {
            BTreeSet::new()
        } else {
            fields_changed(&before.survey_changes(), &self.survey_changes())
        };
        if self.migration_note.is_some() {
            survey.insert(MIGRATION_FIELD.to_owned());
        }
        FormTouched { person, survey }
    }
}

/// Kept values as [`SurveyForm::kept`] holds them.
fn object_of(kept: BTreeMap<String, Value>) -> Value {
    if kept.is_empty() { Value::Null } else { Value::Object(kept.into_iter().collect()) }
}

/// A question left unanswered (what a kept value reads as in the typed form).
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The note a migration saves, if it has anything to do.
fn note_of(migration: &Migration) -> Option<Value> {
    (!migration.is_empty()).then(|| migration.history())
}

fn fields_of<T: serde::Serialize>(value: &T) -> Vec<(String, Value)> {
    to_fields(value).map(|m| m.into_iter().collect()).unwrap_or_default()
}

/// How far one section of the form is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionProgress {
    pub section: shared::model::Section,
    /// Questions of the section with an answer.
    pub answered: usize,
    pub total: usize,
    /// Questions a final survey must answer here that are not answered yet, in form order.
    pub missing: Vec<&'static str>,
}

impl SurveyForm {
    /// The questions a final survey of this member must answer: what the strict check of the
    /// form it was made on reports missing when nothing is answered (the member's category kept,
    /// since it decides the sections).
    pub fn required(&self, today: chrono::NaiveDate) -> std::collections::BTreeSet<String> {
        let person = Person { category: self.person.category, ..Person::default() };
        let survey = Survey {
            person_id: self.person_id,
            form_version: self.survey.form_version,
            ..Survey::default()
        };
        SURVEY_FORM
            .validate_survey_on(&survey, &person, true, today, self.made_on(), &self.kept_map())
            .into_iter()
            .filter(|e| e.missing)
            .map(|e| e.field.split(['.', '[']).next().unwrap_or(&e.field).to_owned())
            .collect()
    }

    /// Each section of the form that applies to this member, with how much is answered.
    pub fn progress(&self, today: chrono::NaiveDate) -> Vec<SectionProgress> {
        let required = self.required(today);
        let values: BTreeMap<String, Value> =
            self.person_changes().into_iter().chain(self.survey_changes()).collect();
        let answered = |field: &str| values.get(field).is_some_and(|v| !is_blank(v));
        shared::model::sections_for(self.person.category)
            .into_iter()
            .map(|section| {
                let fields = section.fields();
                SectionProgress {
                    section,
                    answered: fields.iter().filter(|f| answered(f)).count(),
                    total: fields.len(),
                    missing: fields
                        .iter()
                        .copied()
                        .filter(|f| required.contains(*f) && !answered(f))
                        .collect(),
                }
            })
            .collect()
    }
}
