//! The people list: rows built once from the stored records, filtered in memory while the user
//! types, and shown a page at a time (smooth with 10,000 people).

use std::collections::HashMap;

use shared::model::{Category, Person, Survey, SurveyStatus};
use shared::record::ListedRecord;
use uuid::Uuid;

/// Rows shown per page; "更多" adds another page.
pub const PAGE_SIZE: usize = 50;

/// One person as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    /// Lower-cased name for matching.
    name_key: String,
    pub branch_id: String,
    pub village_unit: String,
    pub category: Option<Category>,
    /// Status of the member's latest survey; `None` if never surveyed.
    pub survey_status: Option<SurveyStatus>,
    /// The latest survey's id, to continue a draft.
    pub latest_survey: Option<Uuid>,
}

/// Survey status filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    Any,
    /// Has a draft survey (the latest one is a draft).
    Draft,
    /// The latest survey is finalised.
    Final,
    /// Never surveyed.
    NotSurveyed,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 4] =
        [StatusFilter::Any, StatusFilter::Draft, StatusFilter::Final, StatusFilter::NotSurveyed];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Any => "",
            StatusFilter::Draft => "draft",
            StatusFilter::Final => "final",
            StatusFilter::NotSurveyed => "none",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|f| f.as_str() == s).unwrap_or_default()
    }

    fn accepts(self, status: Option<SurveyStatus>) -> bool {
        match self {
            StatusFilter::Any => true,
            StatusFilter::Draft => status == Some(SurveyStatus::Draft),
            StatusFilter::Final => status == Some(SurveyStatus::Final),
            StatusFilter::NotSurveyed => status.is_none(),
        }
    }
}

/// What the user filters the list by. Empty strings / `None` mean "any".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeopleFilter {
    /// Part of the name (case-insensitive, surrounding spaces ignored).
    pub query: String,
    pub branch_id: String,
    pub village_unit: String,
    pub category: Option<Category>,
    pub status: StatusFilter,
}

impl PeopleFilter {
    pub fn matches(&self, row: &PersonRow) -> bool {
        let query = self.query.trim().to_lowercase();
        (query.is_empty() || row.name_key.contains(&query))
            && (self.branch_id.is_empty() || row.branch_id == self.branch_id)
            && (self.village_unit.is_empty() || row.village_unit == self.village_unit)
            && (self.category.is_none() || row.category == self.category)
            && self.status.accepts(row.survey_status)
    }
}

/// What the list needs of a survey whose fields do not all fit the form: whom, when, which state.
fn listed_survey(fields: &std::collections::BTreeMap<String, serde_json::Value>) -> Survey {
    let text = |f: &str| fields.get(f).and_then(serde_json::Value::as_str).unwrap_or_default();
    Survey {
        person_id: text("person_id").parse().unwrap_or_default(),
        surveyed_at: text("surveyed_at").parse().ok(),
        status: SurveyStatus::parse(text("status")).unwrap_or_default(),
        ..Survey::default()
    }
}

/// Build the rows from person and survey records (deleted ones skipped), sorted by name.
pub fn build_rows(people: &[ListedRecord], surveys: &[ListedRecord]) -> Vec<PersonRow> {
    // The latest survey per person: the one most recently written (by record clock).
    let mut latest: HashMap<Uuid, (&ListedRecord, Survey)> = HashMap::new();
    for record in surveys.iter().filter(|r| !r.is_deleted()) {
        // A survey holding a value the form does not know (another form version's choice
        // code) is listed all the same, by what the list shows of it.
        let survey: Survey = record.to_typed().unwrap_or_else(|_| listed_survey(&record.fields));
        let newer = latest.get(&survey.person_id).is_none_or(|(r, s)| {
            (survey.surveyed_at, &record.updated) > (s.surveyed_at, &r.updated)
        });
        if newer {
            latest.insert(survey.person_id, (record, survey));
        }
    }
    let mut rows: Vec<PersonRow> = people
        .iter()
        .filter(|r| !r.is_deleted())
        .map(|record| {
            let person: Person = record.to_typed().unwrap_or_default();
            let last = latest.get(&record.id);
            PersonRow {
                id: record.id,
                name_key: person.name.to_lowercase(),
                name: person.name,
                branch_id: if person.branch_id.is_empty() {
                    record.branch_id.clone()
                } else {
                    person.branch_id
                },
                village_unit: person.village_unit,
                category: person.category,
                survey_status: last.map(|(_, s)| s.status),
                latest_survey: last.map(|(r, _)| r.id),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    rows
}

/// The rows matching `filter`, at most `limit` of them, plus how many match in all.
pub fn filter_page<'a>(
    rows: &'a [PersonRow],
    filter: &PeopleFilter,
    limit: usize,
) -> (Vec<&'a PersonRow>, usize) {
    let mut total = 0;
    let mut page = Vec::with_capacity(limit.min(rows.len()));
    for row in rows.iter().filter(|r| filter.matches(r)) {
        if page.len() < limit {
            page.push(row);
        }
        total += 1;
    }
    (page, total)
}

/// The distinct non-empty values of a column, sorted (for the filter selects).
pub fn distinct<'a>(
    rows: &'a [PersonRow],
    column: impl Fn(&'a PersonRow) -> &'a str,
) -> Vec<String> {
    let mut values: Vec<String> =
        rows.iter().map(column).filter(|v| !v.is_empty()).map(str::to_owned).collect();
    values.sort();
    values.dedup();
    values
}
