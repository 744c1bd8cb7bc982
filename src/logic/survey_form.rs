//! The survey form's state: the person being surveyed plus the survey, and how it becomes the
//! field changes that the store saves.

use serde_json::Value;
use shared::model::{Person, Survey, SurveyStatus};
use shared::record::{Record, to_fields};
use uuid::Uuid;

/// Everything the form edits. Identity fields belong to the person (a later visit updates the
/// same person); the rest to this visit's survey.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SurveyForm {
    pub person_id: Uuid,
    pub survey_id: Uuid,
    pub person: Person,
    pub survey: Survey,
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
            ..Survey::default()
        };
        SurveyForm { person_id, survey_id: Uuid::now_v7(), person, survey }
    }

    /// Load an existing survey and its person from their records.
    pub fn from_records(
        survey: &Record,
        person: Option<&Record>,
    ) -> Result<Self, serde_json::Error> {
        let survey_typed: Survey = survey.to_typed()?;
        let person_typed: Person = match person {
            Some(p) => p.to_typed()?,
            None => Person::default(),
        };
        Ok(SurveyForm {
            person_id: survey_typed.person_id,
            survey_id: survey.id,
            person: person_typed,
            survey: survey_typed,
        })
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

    /// The survey's fields as (name, value) changes for `Store::save`.
    pub fn survey_changes(&self) -> Vec<(String, Value)> {
        let mut survey = self.survey.clone();
        survey.person_id = self.person_id;
        fields_of(&survey)
    }
}

fn fields_of<T: serde::Serialize>(value: &T) -> Vec<(String, Value)> {
    to_fields(value).map(|m| m.into_iter().collect()).unwrap_or_default()
}

/// Text typed into a number field that is not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::NOT_A_NUMBER)]
pub struct NotANumber;

/// Parse a number typed into a form field ("" → `None`; other text that is not a number is
/// an error).
pub fn parse_optional_number<T: std::str::FromStr>(text: &str) -> Result<Option<T>, NotANumber> {
    let text = text.trim();
    if text.is_empty() { Ok(None) } else { text.parse().map(Some).map_err(|_| NotANumber) }
}
