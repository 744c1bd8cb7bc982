//! The survey form's state: the person being surveyed plus the survey, and how it becomes the
//! field changes that the store saves.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use shared::form::{Form, FormVersion, MIGRATION_FIELD, Migration, SURVEY_FORM};
use shared::hlc::Hlc;
use shared::model::{Person, Survey, SurveyStatus};
use shared::record::{Record, to_fields, typed_from_fields};
use uuid::Uuid;

use crate::logic::forms::fields_changed;
use shared::order::CollectOrdered as _;

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
        self.kept.as_object().map_or_else(BTreeMap::new, |m| {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect_map()
        })
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

impl SurveyForm {
    /// This form (the records as stored) with the fields `touched` as `typed` holds them: a
    /// keystroke draft's typing laid over what is stored now. A field the draft did not type
    /// shows what is stored (a pull may have changed it since the draft's form read it): the
    /// form must not show, and so save, the draft's stale copy of it.
    pub fn overlaid(&self, typed: &SurveyForm, touched: &FormTouched) -> SurveyForm {
        let mut form = self.clone();
        form.person = lay_over(&self.person, &typed.person, &touched.person);
        form.survey = lay_over(&self.survey, &typed.survey, &touched.survey);
        let (mut kept, typed_kept) = (self.kept_map(), typed.kept_map());
        for field in &touched.survey {
            match typed_kept.get(field) {
                Some(value) => kept.insert(field.clone(), value.clone()),
                None => kept.remove(field),
            };
        }
        form.kept = object_of(kept);
        form
    }
}

/// `base` with the `fields` of `typed` (by their serialised names, as the form's changes name
/// them). A value that cannot be laid over field by field: `typed` as a whole.
fn lay_over<T>(base: &T, typed: &T, fields: &BTreeSet<String>) -> T
where
    T: Clone + serde::Serialize + serde::de::DeserializeOwned,
{
    if fields.is_empty() {
        return base.clone();
    }
    let (Ok(mut out), Ok(typed_fields)) = (to_fields(base), to_fields(typed)) else {
        return typed.clone();
    };
    for field in fields {
        match typed_fields.get(field) {
            Some(value) => out.insert(field.clone(), value.clone()),
            None => out.remove(field),
        };
    }
    typed_from_fields(&out).unwrap_or_else(|_| typed.clone())
}

/// The clock of each stored value a form shows, by field: what the person types over. A field
/// the form showed with no stored value has none. A save passes the clocks of the fields typed
/// (`Store::save_touched` with `Touched::Over`), so a value changed elsewhere while the form was
/// open (a pull, another tab) and then typed over is saved as a conflict the office reviews,
/// not overwritten without a word.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldClocks(pub BTreeMap<String, Hlc>);

impl FieldClocks {
    /// The clocks of `record`'s values, as a form reading it shows them.
    pub fn of(record: Option<&Record>) -> Self {
        let clocks = record.map(|r| r.meta.iter().map(|(f, m)| (f.clone(), m.clock.clone())));
        FieldClocks(clocks.into_iter().flatten().collect_map())
    }

    /// The clock each of `fields` was shown at (`None`: no stored value).
    pub fn over(&self, fields: &BTreeSet<String>) -> BTreeMap<String, Option<Hlc>> {
        fields.iter().map(|f| (f.clone(), self.0.get(f).cloned())).collect_map()
    }

    /// Only the clocks of `fields`.
    pub fn only(&self, fields: &BTreeSet<String>) -> Self {
        FieldClocks(
            self.0
                .iter()
                .filter(|(f, _)| fields.contains(*f))
                .map(|(f, c)| (f.clone(), c.clone()))
                .collect_map(),
        )
    }

    /// The clocks of `fields` carried past this device's own writes since: a keystroke draft
    /// written while a save of its form was under way (or just before the form took that
    /// save's clocks) keeps the clock from before the save, and saving the draft at the next
    /// start must not report the surveyor's own save as a change made elsewhere. From the
    /// write a field was typed over, the clock moves on to a write made on `device`
    /// (`Hlc::device`) over it, and on from that one, as far as such writes go. Any other write
    /// since (a pull, another device) is not passed, so it is still kept as a conflict.
    pub fn past_own_writes(
        &mut self,
        record: Option<&Record>,
        fields: &BTreeSet<String>,
        device: &str,
    ) {
        let Some(record) = record else { return };
        for field in fields {
            let Some(meta) = record.meta.get(field) else { continue };
            let earlier = record.earlier.get(field).map(Vec::as_slice).unwrap_or_default();
            let writes = earlier
                .iter()
                .map(|w| (&w.clock, w.base.as_ref()))
                .chain([(&meta.clock, meta.base.as_ref())]);
            let mut at = self.0.get(field);
            // Each step passes one write; bounded, whatever bases a record from elsewhere names.
            for _ in 0..=earlier.len() {
                let own_over = writes
                    .clone()
                    .filter(|(clock, base)| clock.device == device && *base == at)
                    .map(|(clock, _)| clock)
                    .max();
                match own_over {
                    Some(clock) if Some(clock) != at => at = Some(clock),
                    _ => break,
                }
            }
            if let Some(clock) = at.filter(|c| self.0.get(field) != Some(*c)).cloned() {
                self.0.insert(field.clone(), clock);
            }
        }
    }

    /// After `record` was saved from a form holding `values`: where the form shows what the
    /// record now holds (what was typed and saved, or a value that happens to agree), the form
    /// shows it at the record's clock. A value changed elsewhere and still shown as it was read
    /// keeps the clock it was read at.
    pub fn saved(&mut self, record: &Record, values: &[(String, Value)]) {
        for (field, value) in values {
            let agrees = match record.get(field) {
                Some(stored) => stored == value,
                None => value.is_null(),
            };
            match record.meta.get(field) {
                Some(meta) if agrees => {
                    self.0.insert(field.clone(), meta.clock.clone());
                }
                _ => {}
            }
        }
    }
}

/// [`FieldClocks`] of the two records a survey form shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormClocks {
    #[serde(default)]
    pub person: FieldClocks,
    #[serde(default)]
    pub survey: FieldClocks,
}

impl FormClocks {
    pub fn of(person: Option<&Record>, survey: Option<&Record>) -> Self {
        FormClocks { person: FieldClocks::of(person), survey: FieldClocks::of(survey) }
    }

    /// Only the clocks of the fields `touched` (what a keystroke draft keeps of them).
    pub fn only(&self, touched: &FormTouched) -> Self {
        FormClocks {
            person: self.person.only(&touched.person),
            survey: self.survey.only(&touched.survey),
        }
    }

    /// [`FieldClocks::past_own_writes`] for the fields `touched` of the two records.
    pub fn past_own_writes(
        &mut self,
        person: Option<&Record>,
        survey: Option<&Record>,
        touched: &FormTouched,
        device: &str,
    ) {
        self.person.past_own_writes(person, &touched.person, device);
        self.survey.past_own_writes(survey, &touched.survey, device);
    }

    /// These clocks with `typed`'s in place for the fields `touched` (a keystroke draft's:
    /// what those fields were typed over, where the form opening it now reads newer ones).
    pub fn with_typed(mut self, typed: &FormClocks, touched: &FormTouched) -> Self {
        for (clocks, typed, fields) in [
            (&mut self.person, &typed.person, &touched.person),
            (&mut self.survey, &typed.survey, &touched.survey),
        ] {
            for field in fields {
                match typed.0.get(field) {
                    Some(clock) => clocks.0.insert(field.clone(), clock.clone()),
                    None => clocks.0.remove(field),
                };
            }
        }
        self
    }
}

/// Kept values as [`SurveyForm::kept`] holds them.
fn object_of(kept: BTreeMap<String, Value>) -> Value {
    if kept.is_empty() { Value::Null } else { Value::Object(kept.into_iter().collect_object()) }
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
            .collect_set()
    }

    /// Each section of the form that applies to this member, with how much is answered.
    pub fn progress(&self, today: chrono::NaiveDate) -> Vec<SectionProgress> {
        let required = self.required(today);
        let values: BTreeMap<String, Value> =
            self.person_changes().into_iter().chain(self.survey_changes()).collect_map();
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

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use serde_json::json;
    use shared::op::{OpContext, Operation};
    use shared::record::EntityKind;

    fn written(fields: &[(&str, Value)], at: u64, current: Option<&Record>) -> Record {
        written_on("d", fields, at, current)
    }

    /// `fields` written on `device` at `at`, each over the value `current` holds.
    fn written_on(
        device: &str,
        fields: &[(&str, Value)],
        at: u64,
        current: Option<&Record>,
    ) -> Record {
        let ctx = OpContext { device_id: Uuid::nil(), author: "a".into() };
        let changes = fields.iter().map(|(f, v)| ((*f).to_owned(), v.clone()));
        let op = Operation::upsert(
            &ctx,
            Hlc::new(at, 0, device),
            EntityKind::Person,
            Uuid::nil(),
            "b",
            current,
            changes,
        );
        shared::merge::apply(current.cloned(), &op).record
    }

    fn values(fields: &[(&str, Value)]) -> Vec<(String, Value)> {
        fields.iter().map(|(f, v)| ((*f).to_owned(), v.clone())).collect()
    }

    #[test]
    fn the_clocks_follow_what_the_form_shows() {
        let read = written(&[("name", json!("张三")), ("phone", json!("138"))], 1, None);
        let mut clocks = FieldClocks::of(Some(&read));
        let fields: BTreeSet<String> = ["phone".to_owned(), "village_unit".to_owned()].into();
        let over = clocks.over(&fields);
        assert_eq!(over["phone"], Some(Hlc::new(1, 0, "d")));
        assert_eq!(over["village_unit"], None, "shown with no stored value");
        assert_eq!(clocks.only(&fields).0.len(), 1);

        // Elsewhere: the name changes (the form still shows 张三); the form saves the phone.
        let elsewhere = written(&[("name", json!("李四"))], 2, Some(&read));
        let saved = written(&[("phone", json!("137"))], 3, Some(&elsewhere));
        let shown = values(&[("name", json!("张三")), ("phone", json!("137"))]);
        clocks.saved(&saved, &shown);
        assert_eq!(clocks.0["phone"], Hlc::new(3, 0, "d"), "the form's own save");
        assert_eq!(clocks.0["name"], Hlc::new(1, 0, "d"), "still the value it read");
        // The same value arrives from elsewhere: the form now agrees with the record.
        let agreeing = written(&[("name", json!("张三"))], 4, Some(&saved));
        clocks.saved(&agreeing, &shown);
        assert_eq!(clocks.0["name"], Hlc::new(4, 0, "d"));
    }

    /// A keystroke draft written while the form's own save was under way: typed over the
    /// office's value (clock 1), saved twice on this tablet since ("d", clocks 2 and 3).
    #[test]
    fn a_draft_is_carried_past_its_own_tablets_saves_and_no_further() {
        let phone: BTreeSet<String> = ["phone".to_owned(), "name".to_owned()].into();
        let read = written_on("office", &[("phone", json!("138"))], 1, None);
        let typed_over = FieldClocks::of(Some(&read));
        let own = written_on("d", &[("phone", json!("1370"))], 2, Some(&read));
        let own =
            written_on("d", &[("phone", json!("13700")), ("name", json!("王"))], 3, Some(&own));
        let mut clocks = typed_over.clone();
        clocks.past_own_writes(Some(&own), &phone, "d");
        assert_eq!(clocks.0["phone"], Hlc::new(3, 0, "d"), "its own saves since");
        assert_eq!(clocks.0["name"], Hlc::new(3, 0, "d"), "shown empty, saved here since");

        // Another device's write since, last or between two of this tablet's: not passed.
        let office = written_on("office", &[("phone", json!("139"))], 4, Some(&own));
        let mut clocks = typed_over.clone();
        clocks.past_own_writes(Some(&office), &phone, "d");
        assert_eq!(clocks.0["phone"], Hlc::new(3, 0, "d"), "up to the office's write");
        let own_after = written_on("d", &[("phone", json!("137001"))], 5, Some(&office));
        let mut clocks = typed_over.clone();
        clocks.past_own_writes(Some(&own_after), &phone, "d");
        assert_eq!(clocks.0["phone"], Hlc::new(3, 0, "d"), "not past the office's write");
        // Seen from another device's clock: the same tablet's writes are not its own.
        let mut clocks = typed_over.clone();
        clocks.past_own_writes(Some(&own), &phone, "e");
        assert_eq!(clocks.0["phone"], Hlc::new(1, 0, "office"));
        assert!(!clocks.0.contains_key("name"));
    }

    /// Bases that go round in a circle (a record from elsewhere can name any): the walk ends.
    #[test]
    fn a_circle_of_bases_is_walked_a_bounded_number_of_steps() {
        let mut record = written_on("d", &[("phone", json!("1"))], 9, None);
        record.meta.get_mut("phone").unwrap().base = Some(Hlc::new(3, 0, "d"));
        let write = |at: u64, base: u64| shared::record::EarlierWrite {
            value: json!("x"),
            clock: Hlc::new(at, 0, "d"),
            base: Some(Hlc::new(base, 0, "d")),
            author: String::new(),
        };
        record.earlier.insert("phone".into(), vec![write(7, 8), write(8, 7)]);
        let mut clocks = FieldClocks([("phone".to_owned(), Hlc::new(7, 0, "d"))].into());
        clocks.past_own_writes(Some(&record), &["phone".to_owned()].into(), "d");
        assert_ne!(clocks.0["phone"], Hlc::new(9, 0, "d"), "not a write over the circle");
    }

    #[test]
    fn a_draft_puts_back_what_its_typed_fields_were_typed_over() {
        let now = FormClocks {
            person: FieldClocks([("phone".to_owned(), Hlc::new(9, 0, "o"))].into()),
            survey: FieldClocks([("notes".to_owned(), Hlc::new(9, 0, "o"))].into()),
        };
        let typed = FormClocks {
            person: FieldClocks([("phone".to_owned(), Hlc::new(1, 0, "d"))].into()),
            survey: FieldClocks::default(),
        };
        let touched = FormTouched {
            person: ["phone".to_owned()].into(),
            survey: ["notes".to_owned()].into(),
        };
        let clocks = now.with_typed(&typed, &touched);
        assert_eq!(clocks.person.0["phone"], Hlc::new(1, 0, "d"));
        assert!(!clocks.survey.0.contains_key("notes"), "typed into while shown empty");
    }
}
