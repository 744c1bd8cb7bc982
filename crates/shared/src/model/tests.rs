use super::*;
use crate::record::{Record, to_fields};
use serde_json::json;
use uuid::Uuid;

/// For one choice type: keys are unique snake_case, parse round-trips, serde uses the key,
/// and every value has a Chinese label.
fn check_choice<T>(all: &[T], as_str: fn(T) -> &'static str, label: fn(T) -> &'static str)
where
    T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    let mut keys = std::collections::HashSet::new();
    for value in all.iter().copied() {
        let key = as_str(value);
        assert!(keys.insert(key), "duplicate key {key}");
        assert!(key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        assert_eq!(serde_json::to_value(value).unwrap(), json!(key));
        assert_eq!(serde_json::from_value::<T>(json!(key)).unwrap(), value);
        assert!(!label(value).is_empty() && !label(value).is_ascii(), "{key} needs a label");
    }
}

macro_rules! check_choices {
    ($($t:ty),+) => {$(
        check_choice::<$t>(<$t>::ALL, <$t>::as_str, <$t>::label_zh);
        for v in <$t>::ALL { assert_eq!(<$t>::parse(v.as_str()), Some(*v)); }
        assert_eq!(<$t>::parse("no_such_key"), None);
    )+};
}

#[test]
fn every_choice_is_consistent() {
    check_choices!(
        Category,
        UnitKind,
        Gender,
        SurveyStatus,
        Employment,
        PotentialLevel,
        TurnoverBand,
        ThreeCultivation,
        MentoringAbility,
        MentoringWillingness,
        Section,
        ApplicationState,
        ApplicationAction,
        IntegrityGrade,
        ContactWay,
        ContactKind,
        FundingKind,
        FundingLevel,
        BranchKind,
        InspectionKind,
        CommendationStage,
        CommendationAction
    );
}

#[test]
fn category_keys_labels_and_standards() {
    assert_eq!(Category::VillageLeader.as_str(), "village_leader");
    assert_eq!(Category::ServicePost.label_zh(), "镇机关党员服务创业创新先锋岗");
    assert_eq!(Category::VillageLeader.standards()[0], "思想政治素质好");
    assert_eq!(Category::BusinessHousehold.standards().len(), 4);
    for c in Category::ALL {
        assert!(c.standards().len() >= 4);
        assert!(c.standards().iter().all(|s| !s.contains('潛') && !s.contains('業')));
    }
    assert_eq!(Category::EnterprisePost.unit_kind(), UnitKind::Enterprise);
    assert!(!Category::ServicePost.applies_through_branch());
    let list = StandardCheck::checklist(Category::VillageLeader);
    assert_eq!(list.len(), 5);
    assert!(list.iter().all(|c| !c.met && c.evidence.is_empty()));
}

#[test]
fn half_filled_draft_decodes() {
    let survey: Survey = serde_json::from_value(json!({"surveyor": "王", "boats": "2艘"})).unwrap();
    assert_eq!(survey.surveyor, "王");
    assert_eq!(survey.status, SurveyStatus::Draft);
    assert_eq!(survey.employees, None);
    let person: Person = serde_json::from_value(json!({"name": "李四"})).unwrap();
    assert_eq!(person.category, None);
    let empty: Candidate = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty.state, ApplicationState::Applied);
}

#[test]
fn survey_round_trips_through_a_record() {
    let survey = Survey {
        person_id: Uuid::now_v7(),
        surveyor: "张三".into(),
        surveyed_at: chrono::NaiveDate::from_ymd_opt(2013, 3, 5).unwrap().and_hms_opt(9, 30, 0),
        status: SurveyStatus::Final,
        employment: Some(Employment::Fishery),
        turnover_band: Some(TurnoverBand::From100kTo500k),
        employees: Some(6),
        three_cultivation: Some(ThreeCultivation::EarnerToCadre),
        gps: Some(GeoPoint { lat: 30.0, lon: 122.1, accuracy_m: Some(8.0) }),
        photos: vec![PhotoRef {
            sha256: "ab".repeat(32),
            mime: "image/jpeg".into(),
            width: 800,
            height: 600,
            bytes: 12345,
        }],
        ..Default::default()
    };
    let fields = to_fields(&survey).unwrap();
    assert_eq!(fields["surveyed_at"], json!("2013-03-05T09:30:00"));
    assert_eq!(fields["turnover_band"], json!("100k_500k"));
    let mut record = Record::new(EntityKind::Survey, Uuid::now_v7(), "b1");
    record.fields = fields;
    assert_eq!(Survey::from_record(&record).unwrap(), survey);
    assert_eq!(record.to_typed::<Survey>().unwrap(), survey);
    record.entity = EntityKind::Person;
    assert!(Survey::from_record(&record).is_err(), "kind is checked");
}

#[test]
fn campaign_default_plan_and_targets_round_trip() {
    let mut plan = Campaign::default_plan();
    assert_eq!((plan.start_year, plan.years, plan.end_year()), (2012, 4, 2015));
    let totals: Vec<u32> = Category::ALL.iter().map(|c| plan.target(*c)).collect();
    assert_eq!(totals, [11, 8, 13, 3]);
    assert!(plan.contains_year(2012) && plan.contains_year(2015));
    assert!(!plan.contains_year(2011) && !plan.contains_year(2016));
    assert_eq!(plan.year_target(Category::VillageLeader, 2013), None);
    plan.targets.get_mut(&Category::VillageLeader).unwrap().per_year.insert(2013, 3);
    assert_eq!(plan.year_target(Category::VillageLeader, 2013), Some(3));
    let fields = plan.to_fields().unwrap();
    assert_eq!(fields["targets"]["village_leader"]["total"], json!(11));
    let mut record = Record::new(EntityKind::Campaign, Uuid::now_v7(), "");
    record.fields = fields;
    assert_eq!(Campaign::from_record(&record).unwrap(), plan);
}

#[test]
fn sections_follow_the_unit() {
    let village = sections_for(Some(Category::VillageLeader));
    assert!(village.contains(&Section::VillageWealth));
    assert!(village.contains(&Section::ThreeCultivation));
    assert!(village.contains(&Section::TechTalent));
    assert!(!village.contains(&Section::Business));
    let enterprise = sections_for(Some(Category::EnterprisePost));
    assert!(enterprise.contains(&Section::EnterpriseInnovation));
    assert!(enterprise.contains(&Section::ThreeCultivation));
    assert!(!enterprise.contains(&Section::TechTalent));
    let business = sections_for(Some(Category::BusinessHousehold));
    assert!(business.contains(&Section::Business));
    assert!(!business.contains(&Section::ThreeCultivation));
    let organ = sections_for(Some(Category::ServicePost));
    assert!(organ.contains(&Section::ServicePerformance));
    assert!(!organ.contains(&Section::VillageWealth));
    assert_eq!(sections_for(None), Section::ALL.to_vec());
    for s in [Section::Identity, Section::Employment, Section::Resources, Section::Notes] {
        assert!(organ.contains(&s) && village.contains(&s));
    }
}

#[test]
fn section_fields_exist_on_the_survey_or_person() {
    let survey = serde_json::to_value(Survey::default()).unwrap();
    let person = serde_json::to_value(Person::default()).unwrap();
    let mut seen = std::collections::HashSet::new();
    for s in Section::ALL {
        for f in s.fields() {
            assert!(seen.insert(*f), "{f} in two sections");
            assert!(
                survey.get(*f).is_some() || person.get(*f).is_some(),
                "{f} is neither a survey nor a person field"
            );
        }
    }
    // Every survey field is on the form.
    for key in survey.as_object().unwrap().keys() {
        assert!(
            seen.contains(key.as_str()) || ["person_id", "status"].contains(&key.as_str()),
            "survey field {key} is in no section"
        );
    }
}

#[test]
fn yuan_formatting_and_parsing() {
    assert_eq!(format_yuan(123456), "1234.56");
    assert_eq!(format_yuan(5), "0.05");
    assert_eq!(format_yuan(-250), "-2.50");
    assert_eq!(parse_yuan("1234"), Some(123400));
    assert_eq!(parse_yuan("1234.5"), Some(123450));
    assert_eq!(parse_yuan(" 1,234.56元 "), Some(123456));
    assert_eq!(parse_yuan("0.07"), Some(7));
    for bad in ["", "abc", "1.234", "-5", "1..2", ".5", "1e3"] {
        assert_eq!(parse_yuan(bad), None, "{bad}");
    }
}
