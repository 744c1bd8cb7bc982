//! Rules for a survey form: lenient for a draft, complete for a final survey.

use chrono::NaiveDate;

use super::person::person_rules;
use super::{Errors, FieldError, FieldLabel, Message};
use crate::model::{Category, Person, Survey, SurveyStatus, UnitKind};

/// Check a survey of `person`. A draft needs only who was surveyed, by whom and when; when
/// `finalising` (or the survey is already final) the person's identity and every main question
/// of the sections that apply to the person's category must be answered. Values that are given
/// are always checked (phone, ID number, GPS, photos, dates).
pub fn validate_survey(
    survey: &Survey,
    person: &Person,
    finalising: bool,
    today: NaiveDate,
) -> Vec<FieldError> {
    let strict = finalising || survey.status == SurveyStatus::Final;
    let mut errors = Errors::default();
    person_rules(person, today, &mut errors);

    errors.require_id("person_id", &survey.person_id, FieldLabel::SurveyedMember);
    errors.require_text("surveyor", &survey.surveyor, FieldLabel::Surveyor);
    match survey.surveyed_at {
        None => errors
            .push_missing("surveyed_at", Message::new("fill_in").field(FieldLabel::SurveyedAt)),
        Some(at) => errors.date_in_range("surveyed_at", at.date(), FieldLabel::SurveyedAt, today),
    }
    if let Some(gps) = &survey.gps {
        if !(-90.0..=90.0).contains(&gps.lat) {
            errors.push("gps.lat", "latitude_out_of_range");
        }
        if !(-180.0..=180.0).contains(&gps.lon) {
            errors.push("gps.lon", "longitude_out_of_range");
        }
        if gps.accuracy_m.is_some_and(|a| a.is_nan() || a < 0.0) {
            errors.push("gps.accuracy_m", "accuracy_negative");
        }
    }
    for (i, photo) in survey.photos.iter().enumerate() {
        let is_hash = photo.sha256.len() == 64
            && photo.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_hash {
            errors.push(format!("photos[{i}].sha256"), "photo_hash_invalid");
        }
        if !photo.mime.starts_with("image/") {
            errors.push(format!("photos[{i}].mime"), "photo_not_image");
        }
        if photo.bytes == 0 {
            errors.push(format!("photos[{i}].bytes"), "photo_empty");
        }
    }

    if strict {
        errors.require_some("gender", &person.gender, FieldLabel::Gender);
        if person.birth_year.is_none() {
            errors.push_missing("birth_year", Message::new("fill_in").field(FieldLabel::BirthYear));
        }
        errors.require_text("phone", &person.phone, FieldLabel::Phone);
        errors.require_text("village_unit", &person.village_unit, FieldLabel::VillageUnit);
        errors.require_some("employment", &survey.employment, FieldLabel::Employment);
        errors.require_some("potential_level", &survey.potential_level, FieldLabel::PotentialLevel);
        section_rules(survey, person.category, &mut errors);
    }
    errors.into_vec()
}

/// The main question of each section that applies to the category must be answered.
fn section_rules(survey: &Survey, category: Option<Category>, errors: &mut Errors) {
    match category.map(Category::unit_kind) {
        Some(UnitKind::Village) => {
            errors.require_some(
                "wealth_potential",
                &survey.wealth_potential,
                FieldLabel::WealthPotential,
            );
        }
        Some(UnitKind::Enterprise) => {
            errors.require_some(
                "innovation_potential",
                &survey.innovation_potential,
                FieldLabel::InnovationPotential,
            );
        }
        Some(UnitKind::Business) => {
            errors.require_text("trade", &survey.trade, FieldLabel::Trade);
            errors.require_some("turnover_band", &survey.turnover_band, FieldLabel::TurnoverBand);
            if survey.employees.is_none() {
                errors.push_missing(
                    "employees",
                    Message::new("fill_in").field(FieldLabel::Employees),
                );
            }
        }
        Some(UnitKind::Organ) => {
            errors.require_text(
                "service_performance",
                &survey.service_performance,
                FieldLabel::ServicePerformance,
            );
        }
        None => {}
    }
    // A 三培养 object must have ability and willingness to mentor recorded.
    if survey.three_cultivation.is_some() {
        errors.require_some(
            "mentoring_ability",
            &survey.mentoring_ability,
            FieldLabel::MentoringAbility,
        );
        errors.require_some(
            "mentoring_willingness",
            &survey.mentoring_willingness,
            FieldLabel::MentoringWillingness,
        );
    }
    if survey.tech_talent {
        errors.require_text("tech_specialty", &survey.tech_specialty, FieldLabel::TechSpecialty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::validate::has_error;
    use uuid::Uuid;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
    }

    fn person(category: Category) -> Person {
        Person {
            name: "林海".into(),
            gender: Some(Gender::Male),
            birth_year: Some(1970),
            phone: "13812345678".into(),
            branch_id: "b1".into(),
            village_unit: "东沙村".into(),
            category: Some(category),
            ..Default::default()
        }
    }

    fn draft() -> Survey {
        Survey {
            person_id: Uuid::now_v7(),
            surveyor: "张三".into(),
            surveyed_at: today().and_hms_opt(10, 0, 0),
            ..Default::default()
        }
    }

    fn complete(category: Category) -> Survey {
        Survey {
            employment: Some(Employment::Fishery),
            potential_level: Some(PotentialLevel::High),
            wealth_potential: Some(PotentialLevel::High),
            innovation_potential: Some(PotentialLevel::Medium),
            trade: "水产批发".into(),
            turnover_band: Some(TurnoverBand::From500kTo1m),
            employees: Some(4),
            service_performance: if category == Category::ServicePost {
                "窗口服务".into()
            } else {
                String::new()
            },
            ..draft()
        }
    }

    #[test]
    fn draft_needs_little() {
        let p = Person { name: "林海".into(), branch_id: "b1".into(), ..Default::default() };
        assert_eq!(validate_survey(&draft(), &p, false, today()), vec![]);
        let errors = validate_survey(&Survey::default(), &p, false, today());
        for f in ["person_id", "surveyor", "surveyed_at"] {
            assert!(has_error(&errors, f), "{f}");
        }
        assert!(!has_error(&errors, "employment"), "not required for a draft");
        assert!(errors.iter().all(|e| e.missing), "all three are unanswered, not wrong");
        let wrong =
            Survey { surveyed_at: today().succ_opt().unwrap().and_hms_opt(0, 0, 0), ..draft() };
        let errors = validate_survey(&wrong, &p, false, today());
        assert_eq!(errors.len(), 1);
        assert!(!errors[0].missing, "a future date is wrong, not missing");
    }

    #[test]
    fn finalising_requires_identity_and_main_questions() {
        let p = Person {
            name: "林海".into(),
            branch_id: "b1".into(),
            category: Some(Category::VillageLeader),
            ..Default::default()
        };
        let errors = validate_survey(&draft(), &p, true, today());
        for f in [
            "gender",
            "birth_year",
            "phone",
            "village_unit",
            "employment",
            "potential_level",
            "wealth_potential",
        ] {
            assert!(has_error(&errors, f), "{f}: {errors:?}");
        }
        assert!(!has_error(&errors, "trade"), "business questions do not apply to a village");
        // An already final survey is checked as strictly.
        let final_survey = Survey { status: SurveyStatus::Final, ..draft() };
        assert!(has_error(&validate_survey(&final_survey, &p, false, today()), "employment"));
    }

    #[test]
    fn complete_surveys_pass_for_every_category() {
        for c in Category::ALL {
            let errors = validate_survey(&complete(*c), &person(*c), true, today());
            assert_eq!(errors, vec![], "{c:?}");
        }
    }

    #[test]
    fn section_questions_per_category() {
        let business = Survey {
            trade: String::new(),
            employees: None,
            ..complete(Category::BusinessHousehold)
        };
        let errors =
            validate_survey(&business, &person(Category::BusinessHousehold), true, today());
        assert!(has_error(&errors, "trade") && has_error(&errors, "employees"));
        let organ = Survey { service_performance: " ".into(), ..complete(Category::ServicePost) };
        assert!(has_error(
            &validate_survey(&organ, &person(Category::ServicePost), true, today()),
            "service_performance"
        ));
        let mentor = Survey {
            three_cultivation: Some(ThreeCultivation::MemberToEarner),
            ..complete(Category::EnterprisePost)
        };
        let errors = validate_survey(&mentor, &person(Category::EnterprisePost), true, today());
        assert!(
            has_error(&errors, "mentoring_ability") && has_error(&errors, "mentoring_willingness")
        );
        let talent = Survey { tech_talent: true, ..complete(Category::VillageLeader) };
        assert!(has_error(
            &validate_survey(&talent, &person(Category::VillageLeader), true, today()),
            "tech_specialty"
        ));
    }

    #[test]
    fn dates_gps_and_photos_checked_even_in_drafts() {
        let p = person(Category::VillageLeader);
        let future = Survey {
            surveyed_at: NaiveDate::from_ymd_opt(2013, 6, 2).unwrap().and_hms_opt(0, 0, 0),
            ..draft()
        };
        assert!(has_error(&validate_survey(&future, &p, false, today()), "surveyed_at"));
        let late_today = Survey { surveyed_at: today().and_hms_opt(23, 59, 59), ..draft() };
        assert!(validate_survey(&late_today, &p, false, today()).is_empty());
        let gps = Survey {
            gps: Some(GeoPoint { lat: 95.0, lon: -181.0, accuracy_m: Some(-1.0) }),
            ..draft()
        };
        let errors = validate_survey(&gps, &p, false, today());
        for f in ["gps.lat", "gps.lon", "gps.accuracy_m"] {
            assert!(has_error(&errors, f), "{f}");
        }
        let photos = Survey {
            photos: vec![
                PhotoRef {
                    sha256: "a".repeat(64),
                    mime: "image/jpeg".into(),
                    width: 1,
                    height: 1,
                    bytes: 10,
                },
                PhotoRef {
                    sha256: "XYZ".into(),
                    mime: "text/plain".into(),
                    width: 1,
                    height: 1,
                    bytes: 0,
                },
            ],
            ..draft()
        };
        let errors = validate_survey(&photos, &p, false, today());
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["photos[1].sha256", "photos[1].mime", "photos[1].bytes"]
        );
    }

    #[test]
    fn person_errors_are_included() {
        let p = Person { phone: "123".into(), ..person(Category::VillageLeader) };
        assert!(has_error(&validate_survey(&draft(), &p, false, today()), "phone"));
    }
}
