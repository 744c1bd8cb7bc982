//! The people list: rows built once from the stored records, filtered in memory while the user
//! types, and shown a page at a time (smooth with 10,000 people).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use shared::hlc::Hlc;
use shared::model::{Category, SurveyStatus};
use shared::record::Projected;
use uuid::Uuid;

/// Rows shown per page; "更多" adds another page.
pub const PAGE_SIZE: usize = 50;

/// One person as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    /// The name as the search compares it ([`search_key`]); empty when that is the name itself.
    name_key: String,
    pub branch_id: String,
    pub village_unit: String,
    pub category: Option<Category>,
    /// Status of the member's latest survey; `None` if never surveyed.
    pub survey_status: Option<SurveyStatus>,
    /// The latest survey's id, to continue a draft.
    pub latest_survey: Option<Uuid>,
}

impl PersonRow {
    /// The name as the search compares it.
    fn name_key(&self) -> &str {
        if self.name_key.is_empty() { &self.name } else { &self.name_key }
    }
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
    /// Part of the name (capitals and full-width letters match their small ASCII forms,
    /// [`search_key`]; surrounding spaces ignored).
    pub query: String,
    pub branch_id: String,
    pub village_unit: String,
    pub category: Option<Category>,
    pub status: StatusFilter,
}

impl PeopleFilter {
    /// Whether `row` passes. `query` is this filter's query as [`search_key`] makes it: folded
    /// once for a whole list, not once a row.
    fn matches(&self, query: &str, row: &PersonRow) -> bool {
        (query.is_empty() || row.name_key().contains(query))
            && (self.branch_id.is_empty() || row.branch_id == self.branch_id)
            && (self.village_unit.is_empty() || row.village_unit == self.village_unit)
            && (self.category.is_none() || row.category == self.category)
            && self.status.accepts(row.survey_status)
    }
}

/// A name, or what is typed to find one, as the list compares them: the full-width letters,
/// digits, signs and space a Chinese input method types in 全角 mode (ＺＨＡＮＧ１２) become
/// their ASCII forms, and capitals become small letters in the alphabets a member's name can
/// hold beside Chinese characters: Latin (all of Latin-1's and Latin Extended-A's letters, and
/// pinyin's tone-marked capitals: Ā Á Ǎ À, Ō, Ǖ Ǘ Ǚ Ǜ …), Greek (accented too) and Cyrillic.
///
/// Not `str::to_lowercase`: the table of every alphabet's case pairs it carries was 11.7 KB of
/// the first load for the sake of alphabets no name here is written in (docs/PERFORMANCE.md,
/// session 29). Where both apply they agree (tests/logic.rs).
pub fn search_key(text: &str) -> String {
    text.chars().map(search_char).collect()
}

fn search_char(c: char) -> char {
    let code = match u32::from(c) {
        full_width @ 0xFF01..=0xFF5E => full_width - 0xFEE0,
        0x3000 => 0x20, // the ideographic space
        code => code,
    };
    let even = code % 2 == 0;
    let small = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            code + 0x20
        }
        // Latin Extended-A and Cyrillic's later letters: a capital, then its small letter.
        0x100..=0x12F
        | 0x132..=0x137
        | 0x14A..=0x177
        | 0x460..=0x481
        | 0x48A..=0x4BF
        | 0x4D0..=0x4FF
            if even =>
        {
            code + 1
        }
        0x139..=0x148 | 0x179..=0x17E | 0x1CD..=0x1DC | 0x4C1..=0x4CE if !even => code + 1,
        0x178 => 0xFF,
        0x386 => 0x3AC,
        0x388..=0x38A => code + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => code + 0x3F,
        0x400..=0x40F => code + 0x50,
        0x4C0 => 0x4CF,
        code => code,
    };
    char::from_u32(small).unwrap_or(c)
}

/// A person record as the list reads it: of the stored record (`shared::record::Record`), only
/// what a row shows is decoded (`Store::listing_as`, through its projection: [`Projected`]); the
/// per-field clocks and every other field are never copied out of the browser. Values inside
/// `fields` the list cannot show (a name that is not text, a category code this app does not
/// know) read as empty: the member is listed all the same. A stored object whose `id` is not a
/// UUID, or whose `fields` is neither an object nor missing, is nothing this app or the server
/// writes; the read fails on it (an array as `fields` may instead be read by position).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct ListedPerson {
    pub id: Uuid,
    #[serde(default)]
    pub branch_id: String,
    #[serde(default)]
    pub fields: PersonFields,
    /// A tombstone (`deleted` holds the clock of the deletion).
    #[serde(default, deserialize_with = "present")]
    pub deleted: bool,
}

impl Projected for ListedPerson {
    const KEYS: &'static [&'static str] =
        &["id", "branch_id", "fields", "name", "village_unit", "category", "deleted"];
}

/// The person fields a row shows.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct PersonFields {
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub branch_id: String,
    #[serde(deserialize_with = "text")]
    pub village_unit: String,
    #[serde(deserialize_with = "text")]
    pub category: String,
}

/// A survey record as the list reads it: whom, when, which state, and when it was last written.
/// A survey made on another form version (a choice code this form does not know) reads the same.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct ListedSurvey {
    pub id: Uuid,
    #[serde(default)]
    pub fields: SurveyFields,
    #[serde(default, deserialize_with = "present")]
    pub deleted: bool,
    pub updated: Hlc,
}

impl Projected for ListedSurvey {
    const KEYS: &'static [&'static str] =
        &["id", "fields", "person_id", "surveyed_at", "status", "deleted", "updated"];
}

/// The survey fields the list needs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct SurveyFields {
    #[serde(deserialize_with = "text")]
    pub person_id: String,
    #[serde(deserialize_with = "text")]
    pub surveyed_at: String,
    #[serde(deserialize_with = "text")]
    pub status: String,
}

/// Any value: its text if it is a string, else empty (nothing of it is copied).
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any value")
        }
        fn visit_str<E>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_bool<E>(self, _: bool) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_i64<E>(self, _: i64) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_u64<E>(self, _: u64) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_f64<E>(self, _: f64) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_bytes<E>(self, _: &[u8]) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_unit<E>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(String::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(String::new())
        }
    }
    deserializer.deserialize_any(Text)
}

/// Whether an optional value is there (not missing, `null` or `undefined`): any stored `deleted`
/// value is a tombstone (the store writes the deletion's clock there, nothing else).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<IgnoredAny>::deserialize(deserializer)?.is_some())
}

/// Builds the list's rows one person at a time, each as it is decoded ([`RowBuilder::row`]
/// takes the person and moves its texts into the row), so that the people are never all held
/// beside their rows: a wasm module's memory never shrinks, and holding both at once kept about
/// 190 bytes a person more for good (docs/PERFORMANCE.md, session 35).
pub struct RowBuilder<'a> {
    /// The latest survey per person: the one visited last, then the one most recently written
    /// (by record clock).
    latest: HashMap<Uuid, (&'a ListedSurvey, Option<NaiveDateTime>)>,
}

impl<'a> RowBuilder<'a> {
    pub fn new(surveys: &'a [ListedSurvey]) -> Self {
        let mut latest: HashMap<Uuid, (&ListedSurvey, Option<NaiveDateTime>)> = HashMap::new();
        for survey in surveys.iter().filter(|r| !r.deleted) {
            let person_id: Uuid = survey.fields.person_id.parse().unwrap_or_default();
            let surveyed_at: Option<NaiveDateTime> = survey.fields.surveyed_at.parse().ok();
            let newer = latest
                .get(&person_id)
                .is_none_or(|(s, at)| (surveyed_at, &survey.updated) > (*at, &s.updated));
            if newer {
                latest.insert(person_id, (survey, surveyed_at));
            }
        }
        RowBuilder { latest }
    }

    /// The row of one person; `None` for a deleted one.
    pub fn row(&self, record: ListedPerson) -> Option<PersonRow> {
        if record.deleted {
            return None;
        }
        let person = record.fields;
        let last = self.latest.get(&record.id);
        // Most names are their own key (Chinese characters, no capitals): not made, not held.
        let own_key = person.name.chars().all(|c| search_char(c) == c);
        Some(PersonRow {
            id: record.id,
            name_key: if own_key { String::new() } else { search_key(&person.name) },
            name: person.name,
            branch_id: if person.branch_id.is_empty() {
                record.branch_id
            } else {
                person.branch_id
            },
            village_unit: person.village_unit,
            category: Category::parse(&person.category),
            survey_status: last
                .map(|(s, _)| SurveyStatus::parse(&s.fields.status).unwrap_or_default()),
            latest_survey: last.map(|(s, _)| s.id),
        })
    }
}

/// Sort rows by name (then id: ids are unique, so the order is total). The sort moves
/// positions, not rows: two `usize` a person (80 KB for 10,000), then swaps the rows.
pub fn sort_rows(rows: &mut [PersonRow]) {
    shared::order::sort_by(rows, |a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
}

/// The rows of `people` (deleted ones skipped) with their latest surveys, sorted by name.
pub fn build_rows(people: Vec<ListedPerson>, surveys: &[ListedSurvey]) -> Vec<PersonRow> {
    let builder = RowBuilder::new(surveys);
    // Sized once: a growing vector of rows leaves megabytes of wasm memory behind (round 5).
    let mut rows: Vec<PersonRow> = Vec::with_capacity(people.len());
    rows.extend(people.into_iter().filter_map(|p| builder.row(p)));
    sort_rows(&mut rows);
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
    let query = search_key(filter.query.trim());
    for row in rows.iter().filter(|r| filter.matches(&query, r)) {
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
    shared::order::sort(&mut values);
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use shared::record::{EntityKind, FieldMeta, Record, project};

    use super::*;

    fn person(name: &str, branch: &str, field_branch: &str) -> ListedPerson {
        ListedPerson {
            id: Uuid::now_v7(),
            branch_id: branch.into(),
            fields: PersonFields {
                name: name.into(),
                branch_id: field_branch.into(),
                ..PersonFields::default()
            },
            deleted: false,
        }
    }

    /// A row keeps a second copy of the name only when the search compares something else, and
    /// takes the record's branch when the person names none.
    #[test]
    fn a_row_holds_a_search_key_only_when_it_is_not_the_name() {
        let builder = RowBuilder::new(&[]);
        let wang = builder.row(person("王五", "b1", "")).unwrap();
        assert!(wang.name_key.is_empty(), "a Chinese name is its own key");
        assert_eq!((wang.name_key(), wang.branch_id.as_str()), ("王五", "b1"));
        let zhang = builder.row(person("ZHANG Ｗei", "b1", "b2")).unwrap();
        assert_eq!(zhang.name_key, "zhang wei");
        assert_eq!((zhang.name.as_str(), zhang.branch_id.as_str()), ("ZHANG Ｗei", "b2"));
        let gone = ListedPerson { deleted: true, ..person("李四", "b1", "") };
        assert!(builder.row(gone).is_none(), "a deleted member has no row");
    }

    /// A stored record as the tablet stores it (`store::codec::to_js`: the record's JSON),
    /// every field written with its clock, the tombstone's clock when `deleted`.
    fn stored(entity: EntityKind, fields: &[(&str, &str)], deleted: bool) -> serde_json::Value {
        let clock = Hlc::new(1_764_000_000_000, 3, "d1");
        let mut record = Record::new(entity, Uuid::now_v7(), "b-record");
        for (field, value) in fields {
            let meta = FieldMeta { clock: clock.clone(), base: None, author: "王五".into() };
            record.meta.insert((*field).into(), meta);
            record.fields.insert((*field).into(), serde_json::json!(value));
        }
        record.updated = clock.clone();
        record.deleted = deleted.then_some(clock);
        serde_json::to_value(&record).unwrap()
    }

    /// What `T` decodes from a stored record, and what it decodes from the record's projection
    /// (the properties `T::KEYS` names, as the browser writes them out for the list's read).
    fn both_ways<T: Projected>(stored: &serde_json::Value) -> (T, T) {
        let whole = T::deserialize(stored).unwrap();
        let projected = T::deserialize(&project(stored, T::KEYS)).unwrap();
        (whole, projected)
    }

    /// Each list type, every field of it written out by hand (no `..`: a field added to a type
    /// must be added here too, with a value other than its default), stored as the record it
    /// mirrors among the properties it does not read (clocks under `meta` named like the
    /// fields, other fields), decodes from its projection as it was.
    #[test]
    fn a_projection_keeps_every_field_of_the_list_types() {
        let clock = Hlc::new(1_764_000_000_000, 3, "d1");
        let person = ListedPerson {
            id: Uuid::now_v7(),
            branch_id: "b-record".into(),
            fields: PersonFields {
                name: "王五".into(),
                branch_id: "b-field".into(),
                village_unit: "东沙村".into(),
                category: "village_leader".into(),
            },
            deleted: true,
        };
        let survey = ListedSurvey {
            id: Uuid::now_v7(),
            fields: SurveyFields {
                person_id: person.id.to_string(),
                surveyed_at: "2026-03-01T09:30:00".into(),
                status: "final".into(),
            },
            deleted: true,
            updated: clock.clone(),
        };
        let among_others = |value: serde_json::Value| {
            let mut stored = value;
            let clock = serde_json::json!({ "clock": clock.to_string(), "author": "王五" });
            stored["entity"] = "person".into();
            stored["meta"] = serde_json::json!({ "name": clock, "status": clock, "phone": clock });
            stored["fields"]["phone"] = "13800000000".into();
            stored["fields"]["notes"] = "带动周边群众发展海水养殖".into();
            stored
        };
        let stored = among_others(serde_json::to_value(&person).unwrap());
        assert_eq!(
            ListedPerson::deserialize(&project(&stored, ListedPerson::KEYS)).unwrap(),
            person
        );
        let stored = among_others(serde_json::to_value(&survey).unwrap());
        assert_eq!(
            ListedSurvey::deserialize(&project(&stored, ListedSurvey::KEYS)).unwrap(),
            survey
        );
    }

    /// The list reads records through their projections (`store::read`): a property the list
    /// shows but `KEYS` leaves out would read as empty. Every property each type reads is set
    /// here to something other than its default, beside fields and clocks it does not read.
    #[test]
    fn a_projection_keeps_every_property_the_list_reads() {
        let person_fields = [
            ("name", "王五"),
            ("branch_id", "b-field"),
            ("village_unit", "东沙村"),
            ("category", "village_leader"),
            ("phone", "13800000000"),
            ("notes", "带动周边群众发展海水养殖"),
        ];
        for deleted in [false, true] {
            let record = stored(EntityKind::Person, &person_fields, deleted);
            let (whole, projected) = both_ways::<ListedPerson>(&record);
            assert_eq!(projected, whole, "deleted: {deleted}");
            assert_eq!(whole.deleted, deleted);
            let fields = &whole.fields;
            let shown = [&fields.name, &fields.branch_id, &fields.village_unit, &fields.category];
            assert!(shown.iter().all(|v| !v.is_empty()) && !whole.branch_id.is_empty());
        }
        let survey_fields = [
            ("person_id", "0190a0c0-0000-7000-8000-000000000001"),
            ("surveyed_at", "2026-03-01T09:30:00"),
            ("status", "final"),
            ("notes", "近年从事近海捕捞"),
        ];
        for deleted in [false, true] {
            let record = stored(EntityKind::Survey, &survey_fields, deleted);
            let (whole, projected) = both_ways::<ListedSurvey>(&record);
            assert_eq!(projected, whole, "deleted: {deleted}");
            assert_eq!(whole.deleted, deleted);
            let fields = &whole.fields;
            assert!(
                [&fields.person_id, &fields.surveyed_at, &fields.status]
                    .iter()
                    .all(|v| !v.is_empty())
            );
            assert_eq!(whole.updated, Hlc::new(1_764_000_000_000, 3, "d1"));
        }
    }
}
