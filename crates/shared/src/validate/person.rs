//! Rules for a party member's record.

use chrono::{Datelike, NaiveDate};

use super::identity::{check_id_number, check_phone};
use super::{Errors, FieldError, FieldLabel, Message};
use crate::model::{Gender, Person};

/// The birth years a member may have: 1920 to 16 years before `today`.
pub fn birth_year_range(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    1920..=today.year() - 16
}

/// Check a person record. Name and branch are always required; phone and ID number are
/// optional here but checked when given. (Finalising a survey requires more: see
/// [`super::validate_survey`].)
pub fn validate_person(person: &Person, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Errors::default();
    person_rules(person, today, &mut errors);
    errors.into_vec()
}

pub(super) fn person_rules(person: &Person, today: NaiveDate, errors: &mut Errors) {
    errors.require_text("name", &person.name, FieldLabel::Name);
    if person.name.trim().chars().count() > 30 {
        errors.push("name", Message::new("name_too_long").arg("max", 30));
    }
    errors.require_text("branch_id", &person.branch_id, FieldLabel::Branch);
    if let Some(year) = person.birth_year {
        let range = birth_year_range(today);
        if !range.contains(&year) {
            let message = Message::new("birth_year_out_of_range")
                .arg("first", *range.start())
                .arg("last", *range.end());
            errors.push("birth_year", message);
        }
    }
    if !person.phone.trim().is_empty()
        && let Some(message) = check_phone(&person.phone)
    {
        errors.push("phone", message);
    }
    if !person.id_number.trim().is_empty() {
        match check_id_number(&person.id_number, today) {
            Err(e) => errors.push("id_number", e.code()),
            Ok(info) => {
                if person.birth_year.is_some_and(|y| y != info.birth_date.year()) {
                    errors.push("id_number", "id_number_birth_year_differs");
                }
                let id_gender = if info.male { Gender::Male } else { Gender::Female };
                if person.gender.is_some_and(|g| g != id_gender) {
                    errors.push("id_number", "id_number_gender_differs");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::has_error;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
    }

    fn person() -> Person {
        Person { name: "王海".into(), branch_id: "b1".into(), ..Default::default() }
    }

    #[test]
    fn minimal_person_is_valid() {
        assert_eq!(validate_person(&person(), today()), vec![]);
    }

    #[test]
    fn name_and_branch_required() {
        let errors = validate_person(&Person { name: "  ".into(), ..Default::default() }, today());
        assert_eq!(
            errors[0],
            FieldError::missing("name", Message::new("fill_in").field(FieldLabel::Name))
        );
        assert!(has_error(&errors, "branch_id"));
    }

    #[test]
    fn birth_year_bounds_follow_today() {
        let check = |year| validate_person(&Person { birth_year: Some(year), ..person() }, today());
        assert!(check(1920).is_empty());
        assert!(check(1997).is_empty(), "16 in 2013");
        assert!(has_error(&check(1919), "birth_year"));
        assert!(has_error(&check(1998), "birth_year"));
        let later = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
        assert!(validate_person(&Person { birth_year: Some(1998), ..person() }, later).is_empty());
    }

    #[test]
    fn phone_checked_only_when_given() {
        let bad = validate_person(&Person { phone: "1381234".into(), ..person() }, today());
        assert_eq!(bad[0].field, "phone");
        assert_eq!(bad[0].message, "mobile_format".into());
        assert!(
            validate_person(&Person { phone: "0580-1234567".into(), ..person() }, today())
                .is_empty()
        );
    }

    #[test]
    fn id_number_must_match_birth_year_and_gender() {
        // 11010519491231002X: born 1949-12-31, female.
        let id = "11010519491231002X".to_owned();
        let ok = Person {
            id_number: id.clone(),
            birth_year: Some(1949),
            gender: Some(Gender::Female),
            ..person()
        };
        assert!(validate_person(&ok, today()).is_empty());
        let year = validate_person(&Person { birth_year: Some(1950), ..ok.clone() }, today());
        assert_eq!(year, vec![FieldError::new("id_number", "id_number_birth_year_differs")]);
        let gender = validate_person(&Person { gender: Some(Gender::Male), ..ok.clone() }, today());
        assert!(gender[0].message.to_string().contains("gender"));
        let check =
            validate_person(&Person { id_number: "110105194912310021".into(), ..ok }, today());
        assert_eq!(check, vec![FieldError::new("id_number", "id_number_check_digit")]);
    }
}
