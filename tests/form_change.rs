//! Trial 9 on the tablet ("form change with old data"), against real IndexedDB in headless
//! Chromium: a survey, a keystroke draft and queued changes holding values the current form does
//! not know (an old choice code, a code of a newer form) open, keep those values, save and queue
//! without losing them; a survey made on an older form opens migrated, and the migration is saved
//! with its note for the change history. The rules themselves (`shared::form`, the server's
//! policy) are tested natively in `crates/shared/tests/form_change.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use field::logic::survey_form::SurveyForm;
use field::logic::validation::form_errors;
use field::services::survey;
use field::store::{Store, meta_keys};
use serde_json::{Value, json};
use shared::form::{Form, FormVersionSteps, MIGRATION_FIELD, SURVEY_CHOICES, Step};
use shared::merge;
use shared::model::{Employment, PotentialLevel, Survey, SurveyStatus};
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A later build's survey form: version 2 renamed 渔业捕捞/养殖 from `fisheries` to `fishery`
/// (today's code) and stopped asking for a boat licence.
const FORM_V2: Form = Form {
    versions: &[FormVersionSteps {
        version: 2,
        steps: &[
            Step::RenameChoice { field: "employment", from: "fisheries", to: "fishery" },
            Step::RemoveField { field: "boat_licence" },
        ],
    }],
    choices: SURVEY_CHOICES,
};

async fn fresh() -> Store {
    let store = Store::open(&format!("form-change-{}", Uuid::new_v4())).await.expect("opens");
    store.set_author("zhang").await.unwrap();
    store
}

fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// A survey as an app on another form wrote it (pulled, or saved before this app was installed).
fn old_survey(id: Uuid, person_id: Uuid, employment: &str) -> Vec<(String, Value)> {
    changes(&[
        ("person_id", json!(person_id)),
        ("surveyor", json!("zhang")),
        ("surveyed_at", json!("2013-05-01T09:00:00")),
        ("employment", json!(employment)),
        ("boat_licence", json!("浙岱渔12345")),
        ("notes", json!(format!("调查 {id}"))),
    ])
}

fn record(id: Uuid, fields: Vec<(String, Value)>) -> Record {
    let ctx = OpContext { device_id: Uuid::nil(), author: "zhang".into() };
    let hlc = shared::hlc::Hlc::new(1, 0, "old");
    let op = Operation::upsert(&ctx, hlc, EntityKind::Survey, id, "b1", None, fields);
    merge::apply(None, &op).record
}

#[wasm_bindgen_test]
fn a_survey_made_on_the_old_form_opens_migrated_and_saves_its_note() {
    let id = Uuid::now_v7();
    let old = record(id, old_survey(id, Uuid::now_v7(), "fisheries"));
    // Before: the form could not open it at all.
    assert!(old.to_typed::<Survey>().is_err());

    let form = SurveyForm::from_records_on(&FORM_V2, &old, None).unwrap();
    assert_eq!(form.survey.employment, Some(Employment::Fishery));
    assert!(form.kept.is_null());
    let saved = form.survey_changes();
    let get = |f: &str| saved.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone());
    assert_eq!(get("employment"), Some(json!("fishery")));
    let note = get(MIGRATION_FIELD).expect("the migration's note is saved with it");
    let words = shared::form::describe_history(&note, &field::i18n::form_field_label).unwrap();
    let words = field::i18n::messages::words(&words).unwrap();
    assert!(words.contains("从业情况") && words.contains("fisheries"), "{words}");
    assert!(words.contains("boat_licence") && words.contains("浙岱渔12345"), "{words}");
    assert_eq!(get("boat_licence"), None, "the removed question's answer is left in the record");
}

#[wasm_bindgen_test]
async fn an_unknown_code_is_kept_through_open_edit_save_and_finalise() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let person_id = Uuid::now_v7();
    // A survey holding a code this form does not know (a newer form's) is in the store.
    store
        .save(EntityKind::Survey, id, "b1", old_survey(id, person_id, "aquaculture_2030"))
        .await
        .unwrap();
    let queued_before = store.outbox_all().await.unwrap().len();

    let mut form = survey::load(&store, Some(id), None).await.expect("it opens");
    assert_eq!(form.survey.employment, None);
    assert_eq!(form.kept.get("employment"), Some(&json!("aquaculture_2030")));
    // Finalising does not ask for what is held as a kept value; it asks for the rest.
    let strict: Vec<String> = form_errors(&form, true).into_iter().map(|(f, _)| f).collect();
    assert!(!strict.contains(&"employment".to_owned()), "{strict:?}");
    assert!(strict.contains(&"potential_level".to_owned()), "{strict:?}");

    // Edited and saved: the unknown value is not overwritten, and the change is queued.
    form.survey.potential_level = Some(PotentialLevel::High);
    form.person.branch_id = "b1".into();
    survey::persist(&store, &form).await.unwrap();
    let stored = store.get(EntityKind::Survey, id).await.unwrap().unwrap();
    assert_eq!(stored.get("employment"), Some(&json!("aquaculture_2030")));
    assert_eq!(stored.get("boat_licence"), Some(&json!("浙岱渔12345")));
    assert_eq!(stored.str_field("potential_level"), "high");
    let outbox = store.outbox_all().await.unwrap();
    assert!(outbox.len() > queued_before, "the edit is queued");
    let last = &outbox.last().unwrap().op;
    assert!(last.changes.iter().all(|c| c.field != "employment"), "{:?}", last.changes);

    // Choosing a current answer replaces it.
    let mut form = survey::load(&store, Some(id), None).await.unwrap();
    form.survey.employment = Some(Employment::Retired);
    form.survey.status = SurveyStatus::Final;
    survey::persist(&store, &form).await.unwrap();
    let stored = store.get(EntityKind::Survey, id).await.unwrap().unwrap();
    assert_eq!(stored.str_field("employment"), "retired");
    assert!(survey::load(&store, Some(id), None).await.unwrap().kept.is_null());
}

#[wasm_bindgen_test]
async fn a_keystroke_draft_an_older_app_left_is_kept_and_opens_on_the_form() {
    let store = fresh().await;
    let survey_id = Uuid::now_v7();
    let person_id = Uuid::now_v7();
    // The draft as the older app wrote it into `meta`: its form JSON holds a code this app's
    // form does not know (before, the draft did not decode and was dropped with the typing).
    let form_json = json!({
        "person_id": person_id,
        "survey_id": survey_id,
        "person": {"name": "王秀英", "branch_id": "b1"},
        "survey": {
            "person_id": person_id,
            "surveyor": "zhang",
            "status": "draft",
            "employment": "fisheries",
            "notes": "船在港，下午再访",
        },
    })
    .to_string();
    let draft = json!({"survey_id": survey_id, "form_json": form_json});
    store.meta_set(meta_keys::FORM_DRAFT, &draft).await.unwrap();

    // At start-up it is kept, not dropped (the app shell does not read other forms' drafts).
    assert_eq!(survey::recover_draft(&store).await.unwrap(), None);
    assert!(survey::pending_draft(&store).await.unwrap().is_some(), "kept");

    // Opening the survey shows what was typed, the unknown code kept; saving stores both and
    // clears the draft.
    let form = survey::load(&store, Some(survey_id), None).await.expect("it opens");
    assert_eq!(form.survey.notes, "船在港，下午再访");
    assert_eq!(form.person.name, "王秀英");
    assert_eq!(form.kept.get("employment"), Some(&json!("fisheries")));
    survey::persist(&store, &form).await.unwrap();
    let stored = store.get(EntityKind::Survey, survey_id).await.unwrap().expect("saved");
    assert_eq!(stored.str_field("notes"), "船在港，下午再访", "the typing is kept");
    assert_eq!(stored.get("employment"), Some(&json!("fisheries")), "the old value too");
    let person = store.get(EntityKind::Person, person_id).await.unwrap().expect("saved");
    assert_eq!(person.str_field("name"), "王秀英");
    assert!(survey::pending_draft(&store).await.unwrap().is_none(), "the draft is cleared");
}

#[wasm_bindgen_test]
fn a_survey_with_a_value_the_form_does_not_know_is_still_listed() {
    use field::logic::people::{ListedPerson, ListedSurvey, build_rows};
    use field::store::codec::{from_js, to_js};
    use shared::model::Person;
    use shared::record::to_fields;
    let person_id = Uuid::now_v7();
    let mut person = Record::new(EntityKind::Person, person_id, "b1");
    person.fields = to_fields(&Person { name: "林海生".into(), ..Person::default() }).unwrap();
    let survey_id = Uuid::now_v7();
    let mut fields = old_survey(survey_id, person_id, "aquaculture_2030");
    fields.push(("status".into(), json!("final")));
    let survey = record(survey_id, fields);
    assert!(survey.to_typed::<Survey>().is_err());
    let person: ListedPerson = from_js(to_js(&person).unwrap()).unwrap();
    let survey: ListedSurvey = from_js(to_js(&survey).unwrap()).unwrap();
    let rows = build_rows(vec![person], &[survey]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].survey_status, Some(SurveyStatus::Final), "its survey counts");
}
