//! The form rules of `shared::validate`, run on the merged record as the server will store it.
//!
//! A record is built by many operations and may be a draft, so the server refuses only what a
//! form would refuse for the fields the operation touched: wrong values (a malformed phone, an
//! impossible birth year, a bad ID number), never "not answered yet". Finalising a survey is the
//! exception: then everything a final survey needs must be there, exactly as the tablet's
//! finalise button checks it (when the server holds the surveyed person).

use std::collections::BTreeSet;

use crate::form;
use crate::message::{FieldLabel, Message};
use crate::model::{Assessment, Candidate, Person, Survey, SurveyStatus};
use crate::op::{OpKind, Operation};
use crate::record::{EntityKind, Record};
use crate::validate::{FieldError, validate_candidate, validate_person};
use chrono::{Datelike, NaiveDate};

use super::Rejection;
use crate::order::CollectOrdered as _;

/// The record field an error belongs to: `gps.lat` → `gps`, `photos[0].sha256` → `photos`.
fn top_field(field: &str) -> &str {
    field.split(['.', '[']).next().unwrap_or(field)
}

fn rejection(errors: &[FieldError]) -> Result<(), Rejection> {
    if errors.is_empty() {
        return Ok(());
    }
    let mut problems: Vec<Message> = Vec::with_capacity(errors.len());
    for error in errors {
        if !problems.contains(&error.message) {
            problems.push(error.message.clone());
        }
    }
    Err(Rejection::new("invalid_record", Message::new("invalid_record").arg("problems", problems)))
}

pub(super) fn undecodable(entity: EntityKind) -> Rejection {
    Rejection::new(
        "invalid_record",
        Message::new("undecodable_record").label("entity", "entity-kind", entity.as_str()),
    )
}

/// Every text an operation carries within the shared length table ([`crate::limits`]), and its
/// own identifying strings (author, branch, clock device, field names) short: refused as
/// `text_too_long` before anything is merged.
pub fn check_lengths(op: &Operation) -> Result<(), Rejection> {
    use crate::limits::{MAX_FIELD_NAME_CHARS, TextKind, longest_over, max_chars, max_chars_of};
    let code = max_chars(TextKind::Code);
    let name = max_chars(TextKind::Name);
    let too_long = |what: FieldLabel, n: usize, max: usize| {
        let message = Message::new("field_too_long").field(what).arg("n", n).arg("max", max);
        Rejection::new("text_too_long", message)
    };
    let chars = |s: &str| s.chars().count();
    if chars(&op.author) > name {
        return Err(too_long(FieldLabel::Author, chars(&op.author), name));
    }
    if chars(&op.branch_id) > name {
        return Err(too_long(FieldLabel::BranchCode, chars(&op.branch_id), name));
    }
    if chars(&op.hlc.device) > code {
        return Err(too_long(FieldLabel::ClockDevice, chars(&op.hlc.device), code));
    }
    if op.changes.len() > crate::limits::MAX_CHANGES_PER_OP {
        return Err(too_large());
    }
    for change in &op.changes {
        if !crate::limits::value_within_bounds(&change.value) {
            return Err(too_large());
        }
        if chars(&change.field) > MAX_FIELD_NAME_CHARS {
            return Err(too_long(
                FieldLabel::FieldName,
                chars(&change.field),
                MAX_FIELD_NAME_CHARS,
            ));
        }
        let max = max_chars_of(top_field(&change.field));
        if let Some(n) = longest_over(&change.value, max) {
            let message = Message::new("value_too_long").arg("n", n).arg("max", max);
            return Err(Rejection::new("text_too_long", message));
        }
    }
    Ok(())
}

/// The refusal of an operation, or the record it makes, beyond the bounds of
/// [`crate::limits`] on how much a change and a record may hold.
pub fn too_large() -> Rejection {
    Rejection::new("value_too_large", "value_too_large")
}

/// Check `merged` (the record after `op`); `current` is the record before it and `person` the
/// surveyed person when `merged` is a survey. Surveys are read and checked on the survey form
/// as this build defines it ([`form::SURVEY_FORM`]).
pub fn check_record(
    op: &Operation,
    current: Option<&Record>,
    merged: &Record,
    person: Option<&Person>,
    today: NaiveDate,
) -> Result<(), Rejection> {
    check_record_on(&form::SURVEY_FORM, op, current, merged, person, today)
}

/// [`check_record`] with the survey form's history `survey_form` (tests simulate a form change
/// with a form of their own).
///
/// A survey is read the way the form opens it ([`form::Form::open`]): migrated in memory, with
/// values the form does not know kept rather than refused: a change queued on an older form (an
/// old choice code) or made on a newer one (a code this build does not know yet) is stored, never
/// refused for it. It is checked against the form it was made on: a required question added
/// after that version is not demanded, and an answer kept as an unknown code counts as given.
pub fn check_record_on(
    survey_form: &form::Form,
    op: &Operation,
    current: Option<&Record>,
    merged: &Record,
    person: Option<&Person>,
    today: NaiveDate,
) -> Result<(), Rejection> {
    if op.kind == OpKind::Delete || merged.is_deleted() {
        return Ok(());
    }
    let touched: BTreeSet<&str> = op.changes.iter().map(|c| c.field.as_str()).collect_set();
    let wrong_touched = |errors: Vec<FieldError>| -> Vec<FieldError> {
        errors.into_iter().filter(|e| !e.missing && touched.contains(top_field(&e.field))).collect()
    };
    match merged.entity {
        EntityKind::Person => {
            let p: Person = merged.to_typed().map_err(|_| undecodable(EntityKind::Person))?;
            rejection(&wrong_touched(validate_person(&p, today)))
        }
        EntityKind::Candidate => {
            let c: Candidate = merged.to_typed().map_err(|_| undecodable(EntityKind::Candidate))?;
            rejection(&wrong_touched(validate_candidate(&c, today)))
        }
        EntityKind::Survey => {
            let opened = survey_form.open::<Survey>(&merged.fields);
            // A value kept because it does not fit is refused only when this operation wrote it
            // and it is not a code of a choice question (a number where text belongs, …):
            // codes of other form versions are kept.
            let malformed = opened.kept.iter().any(|(field, value)| {
                touched.contains(field.as_str())
                    && !(value.is_string() && survey_form.codes(field).is_some())
            });
            if malformed {
                return Err(undecodable(EntityKind::Survey));
            }
            let was_final = current.is_some_and(|r| r.str_field("status") == "final");
            let finalising = opened.value.status == SurveyStatus::Final && !was_final;
            let p = person.cloned().unwrap_or_default();
            let (made_on, kept) = (opened.made_on, &opened.kept);
            let check = |strict: bool| {
                survey_form.validate_survey_on(&opened.value, &p, strict, today, made_on, kept)
            };
            match person {
                Some(_) if finalising => rejection(&check(true)),
                // Otherwise (and while the person is not on the server yet: then only the
                // survey's own fields are judged) only wrong values this change wrote.
                _ => rejection(&wrong_touched(check(false))),
            }
        }
        EntityKind::Assessment => {
            let a: Assessment =
                merged.to_typed().map_err(|_| undecodable(EntityKind::Assessment))?;
            let mut errors = crate::scoring::validate_scores(&a);
            let years = crate::validate::earliest_date().year()..=today.year() + 1;
            if !years.contains(&a.year) {
                let message = Message::new("assessment_year_out_of_range")
                    .arg("first", *years.start())
                    .arg("last", *years.end());
                errors.push(FieldError::new("year", message));
            }
            rejection(&wrong_touched(errors))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::merge;
    use crate::model::{Employment, Gender, PotentialLevel};
    use crate::op::FieldChange;
    use serde_json::{Value, json};
    use uuid::Uuid;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
    }

    fn op(entity: EntityKind, id: Uuid, millis: u64, changes: &[(&str, Value)]) -> Operation {
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: "u".into(),
            hlc: Hlc::new(millis, 0, "d"),
            entity,
            entity_id: id,
            branch_id: "b1".into(),
            kind: OpKind::Upsert,
            changes: changes
                .iter()
                .map(|(f, v)| FieldChange { field: (*f).into(), value: v.clone(), base: None })
                .collect(),
        }
    }

    /// Apply `o` to `current` and check it.
    fn run(
        current: Option<&Record>,
        o: &Operation,
        person: Option<&Person>,
    ) -> Result<Record, Rejection> {
        let merged = merge::apply(current.cloned(), o).record;
        check_record(o, current, &merged, person, today()).map(|()| merged)
    }

    #[test]
    fn a_malformed_phone_is_refused_a_missing_one_is_not() {
        let id = Uuid::now_v7();
        let draft =
            op(EntityKind::Person, id, 1, &[("name", json!("王海")), ("branch_id", json!("b1"))]);
        let rec = run(None, &draft, None).unwrap();
        let bad = op(EntityKind::Person, id, 2, &[("phone", json!("1381234"))]);
        let err = run(Some(&rec), &bad, None).unwrap_err();
        assert_eq!(err.code, "invalid_record");
        assert!(err.message.to_string().contains("mobile_format"), "{}", err.message);
        // A name-only edit is not blocked by other, unanswered fields.
        let rename = op(EntityKind::Person, id, 3, &[("name", json!("王小海"))]);
        assert!(run(Some(&rec), &rename, None).is_ok());
        let typed_wrong = op(EntityKind::Person, id, 4, &[("birth_year", json!("一九九〇"))]);
        assert_eq!(run(Some(&rec), &typed_wrong, None).unwrap_err().code, "invalid_record");
    }

    #[test]
    fn finalising_a_survey_needs_what_the_finalise_button_needs() {
        let person = Person {
            name: "王海".into(),
            branch_id: "b1".into(),
            gender: Some(Gender::Male),
            birth_year: Some(1970),
            phone: "13800000000".into(),
            village_unit: "东村".into(),
            ..Default::default()
        };
        let id = Uuid::now_v7();
        let draft = op(
            EntityKind::Survey,
            id,
            1,
            &[
                ("person_id", json!(Uuid::now_v7())),
                ("surveyor", json!("zhang")),
                ("surveyed_at", json!("2013-05-01T09:00:00")),
            ],
        );
        let rec = run(None, &draft, Some(&person)).unwrap();
        let finalise = op(EntityKind::Survey, id, 2, &[("status", json!("final"))]);
        let err = run(Some(&rec), &finalise, Some(&person)).unwrap_err();
        assert!(
            err.message.to_string().contains("choose(field=field-label:employment)"),
            "{}",
            err.message
        );
        let complete = op(
            EntityKind::Survey,
            id,
            3,
            &[
                ("status", json!("final")),
                ("employment", json!(Employment::Fishery)),
                ("potential_level", json!(PotentialLevel::High)),
            ],
        );
        let done = run(Some(&rec), &complete, Some(&person)).unwrap();
        // Later edits of a final survey: only wrong values of touched fields count.
        let gps = op(EntityKind::Survey, id, 4, &[("gps", json!({"lat": 123.0, "lon": 120.0}))]);
        assert!(
            run(Some(&done), &gps, Some(&person))
                .unwrap_err()
                .message
                .to_string()
                .contains("latitude")
        );
        let note = op(EntityKind::Survey, id, 5, &[("notes", json!("补充"))]);
        assert!(run(Some(&done), &note, Some(&person)).is_ok());
    }
}
