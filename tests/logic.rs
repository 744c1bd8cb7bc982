//! The plain logic behind the screens: people filtering and paging, routes, survey form state.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use field::browser::photos::fit_within;
use field::logic::forms::{
    NotANumber, date_time_value, date_value, parse_date, parse_optional_number,
};
use field::logic::people::{
    ListedPerson, ListedSurvey, PAGE_SIZE, PeopleFilter, StatusFilter, build_rows, distinct,
    filter_page, search_key,
};
use field::logic::route::Route;
use field::logic::survey_form::SurveyForm;
use field::store::codec::{from_js, to_js};
use field::sync::transfer::file_name;
use serde::de::DeserializeOwned;
use serde_json::json;
use shared::export::Scope;
use shared::hlc::Hlc;
use shared::model::{Category, Person, Survey, SurveyStatus};
use shared::record::{EntityKind, Projected, Record, project, to_fields};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A stored record as the list decodes it (the store's own codec both ways).
fn listed<T: DeserializeOwned>(r: &Record) -> T {
    from_js(to_js(r).unwrap()).unwrap()
}

/// A person as the list reads it.
fn person(name: &str, branch: &str, village: &str, category: Option<Category>) -> ListedPerson {
    let p = Person {
        name: name.into(),
        branch_id: branch.into(),
        village_unit: village.into(),
        category,
        ..Person::default()
    };
    let mut r = Record::new(EntityKind::Person, Uuid::now_v7(), branch);
    r.fields = to_fields(&p).unwrap();
    listed(&r)
}

/// A survey as the list reads it.
fn survey(person_id: Uuid, status: SurveyStatus, millis: u64) -> ListedSurvey {
    let s = Survey { person_id, status, ..Survey::default() };
    let mut r = Record::new(EntityKind::Survey, Uuid::now_v7(), "b1");
    r.fields = to_fields(&s).unwrap();
    r.updated = Hlc::new(millis, 0, "d");
    listed(&r)
}

#[wasm_bindgen_test]
fn people_filter_by_name_branch_village_category_and_status() {
    let zhang = person("张海生", "b1", "东沙村", Some(Category::VillageLeader));
    let li = person("李海燕", "b2", "西岙村", Some(Category::BusinessHousehold));
    let wang = person("王建国", "b1", "东沙村", None);
    let deleted = {
        let mut r = Record::new(EntityKind::Person, Uuid::now_v7(), "b1");
        r.fields = to_fields(&Person { name: "张已删".into(), ..Person::default() }).unwrap();
        r.deleted = Some(Hlc::new(1, 0, "d"));
        listed::<ListedPerson>(&r)
    };
    assert!(deleted.deleted, "a tombstone reads as deleted");
    let surveys = vec![
        survey(zhang.id, SurveyStatus::Draft, 10),
        survey(zhang.id, SurveyStatus::Final, 20), // the latest decides
        survey(li.id, SurveyStatus::Draft, 5),
    ];
    let rows = build_rows(vec![zhang.clone(), li.clone(), wang.clone(), deleted], &surveys);
    assert_eq!(rows.len(), 3, "deleted people are not listed");

    let names = |f: &PeopleFilter| {
        filter_page(&rows, f, PAGE_SIZE).0.iter().map(|r| r.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&PeopleFilter { query: "海".into(), ..Default::default() }),
        ["张海生", "李海燕"]
    );
    assert_eq!(names(&PeopleFilter { query: " 建国 ".into(), ..Default::default() }), ["王建国"]);
    assert_eq!(
        names(&PeopleFilter { branch_id: "b1".into(), ..Default::default() }),
        ["张海生", "王建国"]
    );
    assert_eq!(
        names(&PeopleFilter { village_unit: "西岙村".into(), ..Default::default() }),
        ["李海燕"]
    );
    assert_eq!(
        names(&PeopleFilter { category: Some(Category::VillageLeader), ..Default::default() }),
        ["张海生"]
    );
    assert_eq!(
        names(&PeopleFilter { status: StatusFilter::Final, ..Default::default() }),
        ["张海生"]
    );
    assert_eq!(
        names(&PeopleFilter { status: StatusFilter::Draft, ..Default::default() }),
        ["李海燕"]
    );
    assert_eq!(
        names(&PeopleFilter { status: StatusFilter::NotSurveyed, ..Default::default() }),
        ["王建国"]
    );
    assert_eq!(
        names(&PeopleFilter { query: "海".into(), branch_id: "b2".into(), ..Default::default() }),
        ["李海燕"]
    );
    assert_eq!(distinct(&rows, |r| r.village_unit.as_str()), ["东沙村", "西岙村"]);
    assert_eq!(StatusFilter::parse("final"), StatusFilter::Final);
    assert_eq!(StatusFilter::parse("whatever"), StatusFilter::Any);
}

/// The search's own case fold agrees with `str::to_lowercase` on every capital of the alphabets
/// it covers, leaves Chinese alone, and lets a query typed in full width (全角) find the name.
#[wasm_bindgen_test]
fn search_folds_capitals_and_full_width_letters() {
    // Whole blocks: ASCII, Latin-1, Latin Extended-A, pinyin's capitals in Latin Extended-B,
    // Greek's letters, Cyrillic.
    let covered =
        [0x20..=0x7E, 0x80..=0xFF, 0x100..=0x17F, 0x1CD..=0x1DC, 0x386..=0x3CE, 0x400..=0x4FF];
    let mut compared = 0;
    for code in covered.into_iter().flatten() {
        let Some(c) = char::from_u32(code) else { continue };
        let std = c.to_lowercase().collect::<String>();
        if std.chars().count() == 1 {
            assert_eq!(search_key(&c.to_string()), std, "U+{code:04X}");
            compared += 1;
        }
    }
    assert!(compared >= 690, "only {compared} characters compared");
    // Full width: as the ASCII it stands for, folded the same.
    for code in 0xFF01..=0xFF5E_u32 {
        let full = char::from_u32(code).unwrap().to_string();
        let ascii = char::from_u32(code - 0xFEE0).unwrap().to_lowercase().to_string();
        assert_eq!(search_key(&full), ascii, "U+{code:04X}");
    }
    assert_eq!(search_key("张海生"), "张海生");
    assert_eq!(search_key("ＺＨＡＮＧ　Ｗｅｉ１２"), "zhang wei12");
    assert_eq!(search_key("ŌUYÁNG LǙ"), "ōuyáng lǚ");
    assert_eq!(search_key("Ꭰ"), "Ꭰ", "an alphabet outside these: kept as typed");

    let rows = build_rows(
        vec![person("Zhang Wei", "b1", "东沙村", None), person("ÉMILE", "b1", "东沙村", None)],
        &[],
    );
    let names = |query: &str| {
        let filter = PeopleFilter { query: query.into(), ..Default::default() };
        filter_page(&rows, &filter, PAGE_SIZE).0.iter().map(|r| r.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names("ｚｈａｎｇ"), ["Zhang Wei"]);
    assert_eq!(names("WEI"), ["Zhang Wei"]);
    assert_eq!(names("émi"), ["ÉMILE"]);
    assert!(names("zhāng").is_empty());
}

/// What the list cannot show does not keep a member off it: a name that is not text, a category
/// code this app does not know, a survey whose fields are missing or of another kind; `deleted`
/// written as `null` (records stored through `JSON.parse`) is not a tombstone.
#[wasm_bindgen_test]
fn odd_stored_values_are_listed_by_what_can_be_shown() {
    let id = Uuid::now_v7();
    let stored = json!({
        "entity": "person", "id": id.to_string(), "branch_id": "b1", "deleted": null,
        "updated": "0000000000000001-000000-d",
        "fields": { "name": 12345, "village_unit": ["东沙村"], "category": "fisher_2031",
                    "branch_id": "b2", "phone": {"nested": true} },
        "meta": {}
    });
    let person: ListedPerson = from_js(to_js(&stored).unwrap()).unwrap();
    assert_eq!((person.id, person.deleted), (id, false));
    let odd_survey = json!({
        "entity": "survey", "id": Uuid::now_v7().to_string(), "updated": "0000000000000002-000000-d",
        "fields": { "person_id": id.to_string(), "status": "final", "surveyed_at": 20260301 },
        "meta": {}
    });
    let survey: ListedSurvey = from_js(to_js(&odd_survey).unwrap()).unwrap();
    let no_fields = json!({
        "entity": "survey", "id": Uuid::now_v7().to_string(), "updated": "0000000000000003-000000-d"
    });
    let empty: ListedSurvey = from_js(to_js(&no_fields).unwrap()).unwrap();
    let rows = build_rows(vec![person], &[survey, empty]);
    assert_eq!(rows.len(), 1, "listed: {rows:?}");
    let row = &rows[0];
    assert_eq!((row.name.as_str(), row.village_unit.as_str()), ("", ""));
    assert_eq!((row.branch_id.as_str(), row.category), ("b2", None));
    assert_eq!(row.survey_status, Some(SurveyStatus::Final), "its survey counts");
}

/// The native tests of each list type's projection (`logic::people`) model the browser's
/// `JSON.stringify(value, keys)` with `shared::record::project`: the model must be what this
/// browser writes out, for a stored record and for nested objects and arrays.
#[wasm_bindgen_test]
fn the_projection_model_is_what_the_browser_writes_out() {
    let record = json!({
        "entity": "person", "id": Uuid::now_v7().to_string(), "branch_id": "b1", "deleted": null,
        "updated": "0000000000000001-000000-d",
        "fields": { "name": "王五", "phone": "138", "category": ["a", {"name": 1, "x": 2}],
                    "village_unit": {"name": "东沙村", "code": 7} },
        "meta": { "name": { "clock": "0000000000000001-000000-d", "author": "王五" } }
    });
    for keys in [ListedPerson::KEYS, ListedSurvey::KEYS, &["fields", "name", "x"][..]] {
        let names: js_sys::Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        let written = js_sys::JSON::stringify_with_replacer(&to_js(&record).unwrap(), &names)
            .unwrap()
            .as_string()
            .unwrap();
        let browser: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(project(&record, keys), browser, "keys {keys:?}");
    }
}

/// Filtering and paging 10,000 people finds exactly the matching ones, in name order. How fast
/// it is lives in the benchmarks (docs/PERFORMANCE.md), not in a test's wall clock.
#[wasm_bindgen_test]
fn ten_thousand_people_filter_and_page() {
    let people: Vec<ListedPerson> = (0..10_000)
        .map(|i| person(&format!("党员{i:05}"), &format!("b{}", i % 40), "村", None))
        .collect();
    let rows = build_rows(people, &[]);
    let filter = PeopleFilter { query: "党员01".into(), ..Default::default() };
    let (page, total) = filter_page(&rows, &filter, PAGE_SIZE);
    // 党员01000 ..= 党员01999
    assert_eq!(total, 1000);
    assert_eq!(page.len(), PAGE_SIZE);
    let names: Vec<&str> = page.iter().map(|r| r.name.as_str()).collect();
    let expected: Vec<String> = (1000..1000 + PAGE_SIZE).map(|i| format!("党员{i:05}")).collect();
    assert_eq!(names, expected);
    let (more, _) = filter_page(&rows, &filter, PAGE_SIZE * 2);
    assert_eq!(more.len(), PAGE_SIZE * 2);
    assert_eq!(more[PAGE_SIZE].name, "党员01050");
}

#[wasm_bindgen_test]
fn routes_parse_and_print() {
    let id = Uuid::now_v7();
    for route in [
        Route::People,
        Route::Person(id),
        Route::NewSurvey(None),
        Route::NewSurvey(Some(id)),
        Route::Survey(id),
        Route::Settings,
        Route::Office(field::logic::route::OfficeTab::Checklist),
        Route::Office(field::logic::route::OfficeTab::Accounts),
        Route::Office(field::logic::route::OfficeTab::Devices),
        Route::Office(field::logic::route::OfficeTab::Roster),
        Route::Signin("ABCD2345".into()),
    ] {
        assert_eq!(Route::parse(&route.href()), route);
    }
    assert_eq!(Route::parse("#/office"), Route::Office(field::logic::route::OfficeTab::Checklist));
    assert_eq!(Route::parse("#/office/nowhere"), Route::NotFound);
    assert_eq!(Route::parse(""), Route::People);
    assert_eq!(Route::parse("#/person/not-a-uuid"), Route::NotFound);
    assert_eq!(Route::parse("#/nowhere"), Route::NotFound);
}

#[wasm_bindgen_test]
fn survey_form_splits_person_and_survey_fields() {
    let now = chrono::NaiveDate::from_ymd_opt(2013, 5, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
    let mut form = SurveyForm::new(None, "调查员", now);
    form.person.name = "周七".into();
    form.person.branch_id = "b3".into();
    form.survey.capital = "30万".into();
    let person: Vec<String> = form.person_changes().into_iter().map(|(k, _)| k).collect();
    assert!(person.contains(&"name".to_owned()) && !person.contains(&"capital".to_owned()));
    let survey = form.survey_changes();
    let get = |k: &str| survey.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    assert_eq!(get("person_id"), Some(json!(form.person_id.to_string())));
    assert_eq!(get("capital"), Some(json!("30万")));
    assert_eq!(get("surveyor"), Some(json!("调查员")));
    assert_eq!(get("status"), Some(json!("draft")));
    assert_eq!(form.branch_id(), "b3");

    // Round trip through records.
    let mut survey_record = Record::new(EntityKind::Survey, form.survey_id, "b3");
    survey_record.fields = survey.into_iter().collect();
    let mut person_record = Record::new(EntityKind::Person, form.person_id, "b3");
    person_record.fields = form.person_changes().into_iter().collect();
    assert_eq!(SurveyForm::from_records(&survey_record, Some(&person_record)).unwrap(), form);
}

#[wasm_bindgen_test]
fn a_survey_form_tells_which_fields_were_typed_since_it_was_saved() {
    let now = chrono::NaiveDate::from_ymd_opt(2013, 5, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
    let saved = SurveyForm::new(None, "调查员", now);
    let mut form = saved.clone();
    let touched = form.touched_since(&saved);
    assert!(touched.person.is_empty() && touched.survey.is_empty(), "{touched:?}");
    form.person.phone = "138".into();
    form.survey.capital = "30万".into();
    let touched = form.touched_since(&saved);
    assert_eq!(touched.person, ["phone".to_owned()].into());
    assert_eq!(touched.survey, ["capital".to_owned()].into());
    // Typed back to what was saved: not touched.
    form.person.phone.clear();
    assert!(form.touched_since(&saved).person.is_empty());
    // A form carrying a migration's note has it to save.
    form.migration_note = Some(json!({"from": 1}));
    assert!(form.touched_since(&saved).survey.contains(shared::form::MIGRATION_FIELD));
}

#[wasm_bindgen_test]
fn the_survey_form_knows_its_required_questions_and_how_far_each_section_is_answered() {
    use shared::model::Section;
    let now = chrono::NaiveDate::from_ymd_opt(2013, 5, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
    let today = now.date();
    let mut form = SurveyForm::new(None, "调查员", now);
    form.person.category = Some(Category::VillageLeader);
    let required = form.required(today);
    assert!(required.contains("name") && required.contains("branch_id"), "{required:?}");
    assert!(!required.contains("notes"), "notes are never required: {required:?}");

    let progress = form.progress(today);
    let sections: Vec<Section> = progress.iter().map(|p| p.section).collect();
    assert_eq!(sections, shared::model::sections_for(Some(Category::VillageLeader)));
    let identity = &progress[0];
    assert_eq!(identity.section, Section::Identity);
    assert_eq!(identity.total, Section::Identity.fields().len());
    // A new form knows its surveyor, the time and the category only.
    assert_eq!(identity.answered, 3, "{identity:?}");
    assert!(identity.missing.contains(&"name"));
    assert!(!identity.missing.contains(&"surveyor"));

    form.person.name = "周七".into();
    let identity = &form.progress(today)[0];
    assert_eq!(identity.answered, 4);
    assert!(!identity.missing.contains(&"name"));
    let notes = form.progress(today).into_iter().find(|p| p.section == Section::Notes).unwrap();
    assert!(notes.missing.is_empty());
}

#[wasm_bindgen_test]
fn numbers_and_photo_sizes() {
    assert_eq!(parse_optional_number::<u32>(" 12 "), Ok(Some(12)));
    assert_eq!(parse_optional_number::<u32>(""), Ok(None));
    assert_eq!(parse_optional_number::<u32>("十二"), Err(NotANumber));
    assert_eq!(fit_within(4000, 3000, 1600), (1600, 1200));
    assert_eq!(fit_within(3000, 4000, 1600), (1200, 1600));
    assert_eq!(fit_within(800, 600, 1600), (800, 600));
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
    assert_eq!(date_value(Some(date)), "2026-03-07");
    assert_eq!(parse_date(&date_value(Some(date))), Some(date));
    assert_eq!(date_value(None), "");
    assert_eq!(date_time_value(date.and_hms_opt(8, 5, 59)), "2026-03-07T08:05");
    assert_eq!(date_time_value(None), "");
    let at = chrono::DateTime::from_timestamp(1_772_870_709, 0).unwrap(); // 2026-03-07 08:05:09 UTC
    let name = file_name(uuid::Uuid::nil(), Scope::Pending, at);
    assert_eq!(name, "sizheng-00000000-pending-20260307-080509.json");
}
