//! Trial 9, "form change with old data": the survey form changed (a choice code renamed, a
//! question removed, a required question added) while drafts and queued changes made on the old
//! form exist. They open, are checked against the form they were made on, migrate with a note
//! of every step for the change history, and the server (the same `shared::policy` it runs on
//! every push) accepts them.
//!
//! The form of this build is at version 1 ([`SURVEY_FORM`]); the change is simulated with a
//! test-only version 2 ([`FORM_V2`]) over the same typed survey: in version 1 the code of
//! 渔业捕捞/养殖 was `fisheries` (version 2 calls it `fishery`, today's code), version 1 asked for
//! a boat licence (`boat_licence`, gone in version 2), and version 2 made 创业创新潜力
//! (`potential_level`) a required question.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};
use shared::form::{
    FORM_VERSION_FIELD, Form, FormVersion, FormVersionSteps, MIGRATION_FIELD, Note, SURVEY_CHOICES,
    SURVEY_FORM, Step, describe_history,
};
use shared::hlc::Hlc;
use shared::merge;
use shared::model::{Employment, Gender, Person, PotentialLevel, Survey, SurveyStatus};
use shared::op::{OpContext, Operation};
use shared::policy::{self, Context, PolicyTime, Rejection};
use shared::record::{EntityKind, Record};
use shared::roles::{Account, Role};
use shared::validate::validate_survey;
use uuid::Uuid;

/// Version 2 of the survey form, as a later build would define it.
const FORM_V2: Form = Form {
    versions: &[FormVersionSteps {
        version: 2,
        steps: &[
            Step::RenameChoice { field: "employment", from: "fisheries", to: "fishery" },
            Step::RemoveField { field: "boat_licence" },
            Step::AddField { field: "potential_level", required: true },
        ],
    }],
    choices: SURVEY_CHOICES,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
}

fn time() -> PolicyTime {
    PolicyTime { now_ms: 1_370_000_000_000, today: today() }
}

fn surveyor() -> Account {
    Account {
        username: "zhang".into(),
        display_name: "张".into(),
        role: Role::Surveyor,
        branches: vec!["b1".into()],
    }
}

fn person() -> Person {
    Person {
        name: "王海".into(),
        branch_id: "b1".into(),
        gender: Some(Gender::Male),
        birth_year: Some(1970),
        phone: "13800000000".into(),
        village_unit: "东村".into(),
        ..Default::default()
    }
}

fn fields(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// An operation as the old app queued it on a tablet (clock `millis`).
fn op(id: Uuid, current: Option<&Record>, millis: u64, changes: &[(&str, Value)]) -> Operation {
    let ctx = OpContext { device_id: Uuid::nil(), author: "zhang".into() };
    Operation::upsert(
        &ctx,
        Hlc::new(millis, 0, "old-tablet"),
        EntityKind::Survey,
        id,
        "b1",
        current,
        fields(changes),
    )
}

/// What the server does with a pushed operation: the policy on the form `form`, then merge.
fn push(form: &Form, current: Option<&Record>, o: &Operation) -> Result<Record, Rejection> {
    let account = surveyor();
    let person = person();
    let ctx = Context { account: &account, time: time(), current, person: Some(&person) };
    policy::admit_on(form, ctx, o).map(|a| a.record)
}

/// A survey made on version 1: an old code, the removed question answered, the question that
/// version 2 requires not asked; final.
fn old_survey_changes(person_id: Uuid) -> Vec<(&'static str, Value)> {
    vec![
        ("person_id", json!(person_id)),
        ("surveyor", json!("zhang")),
        ("surveyed_at", json!("2013-05-01T09:00:00")),
        ("employment", json!("fisheries")),
        ("boat_licence", json!("浙岱渔12345")),
    ]
}

#[test]
fn before_migration_an_old_code_made_the_survey_unreadable() {
    // What happened before this mechanism: the typed survey does not decode at all, so the form
    // could not open it, the person's page left it out and the server refused every change.
    let id = Uuid::now_v7();
    let record = merge::apply(None, &op(id, None, 1, &old_survey_changes(Uuid::now_v7()))).record;
    assert!(record.to_typed::<Survey>().is_err());
    // Opened on today's form (which knows no rename): it opens, the old code kept as it is.
    let opened = SURVEY_FORM.open::<Survey>(&record.fields);
    assert_eq!(opened.value.employment, None);
    assert_eq!(opened.kept, BTreeMap::from([("employment".to_owned(), json!("fisheries"))]));
    assert_eq!(opened.value.surveyor, "zhang", "the rest of the survey is read");
}

#[test]
fn an_old_draft_opens_migrated_with_every_step_noted() {
    let id = Uuid::now_v7();
    let record = merge::apply(None, &op(id, None, 1, &old_survey_changes(Uuid::now_v7()))).record;
    let opened = FORM_V2.open::<Survey>(&record.fields);
    assert_eq!(opened.made_on, 1);
    assert!(opened.kept.is_empty(), "{:?}", opened.kept);
    assert_eq!(opened.value.employment, Some(Employment::Fishery));
    assert_eq!(opened.value.form_version, FormVersion(1), "still says what it was made on");

    let m = &opened.migration;
    assert_eq!((m.from, m.to), (1, 2));
    assert_eq!(
        m.changes,
        fields(&[("employment", json!("fishery"))]),
        "the removed question's answer is not deleted"
    );
    let saved: Vec<String> = m.to_save().into_iter().map(|(f, _)| f).collect();
    assert_eq!(saved, ["employment", MIGRATION_FIELD]);
    assert_eq!(
        m.notes,
        [
            Note::Renamed {
                field: "employment".into(),
                from: "fisheries".into(),
                to: "fishery".into()
            },
            Note::Removed { field: "boat_licence".into(), value: json!("浙岱渔12345") },
            Note::Added { field: "potential_level".into(), required: true },
        ]
    );
    let words = m.describe(&|f: &str| f.to_owned()).unwrap().to_string();
    assert!(words.starts_with("form_upgraded_notes(from=1"), "{words}");
    assert!(words.contains("浙岱渔12345") && words.contains("fisheries"), "{words}");
}

#[test]
fn validation_follows_the_form_the_survey_was_made_on() {
    let person_id = Uuid::now_v7();
    let id = Uuid::now_v7();
    let made = op(id, None, 1, &old_survey_changes(person_id));
    let on_server = push(&FORM_V2, None, &made).expect("a queued draft made on version 1 is taken");
    // Finalised on the old app: version 1 did not ask 创业创新潜力.
    let finalise = op(id, Some(&on_server), 2, &[("status", json!("final"))]);
    let finalised = push(&FORM_V2, Some(&on_server), &finalise)
        .expect("finalised on the form it was made on: the question added later is not demanded");
    assert_eq!(finalised.str_field("status"), "final");

    // The same survey made on version 2 must answer it.
    let mut v2 = old_survey_changes(person_id);
    v2.retain(|(f, _)| *f != "boat_licence");
    v2[3] = ("employment", json!("fishery"));
    v2.push((FORM_VERSION_FIELD, json!(2)));
    let id2 = Uuid::now_v7();
    let made2 = push(&FORM_V2, None, &op(id2, None, 3, &v2)).unwrap();
    let err =
        push(&FORM_V2, Some(&made2), &op(id2, Some(&made2), 4, &[("status", json!("final"))]))
            .unwrap_err();
    assert_eq!(err.code, "invalid_record");
    assert!(err.message.to_string().contains("potential_level"), "{}", err.message);

    // The tablet's form checks the same way (`validate_survey_on`, the function the policy
    // runs): on version 1 the question is not demanded, on version 2 it is.
    let opened = FORM_V2.open::<Survey>(&finalised.fields);
    let (s, p, kept) = (&opened.value, &person(), &opened.kept);
    let on_v1 = FORM_V2.validate_survey_on(s, p, true, today(), opened.made_on, kept);
    assert!(on_v1.is_empty(), "{on_v1:?}");
    let on_v2 = FORM_V2.validate_survey_on(s, p, true, today(), 2, kept);
    assert!(on_v2.iter().any(|e| e.field == "potential_level" && e.missing), "{on_v2:?}");
    assert_eq!(on_v2, validate_survey(s, p, true, today()), "on the current form: the plain rules");
    assert_eq!(FORM_V2.excused(1), ["potential_level"]);
    assert!(FORM_V2.excused(2).is_empty());
}

#[test]
fn queued_changes_made_on_the_old_form_sync_and_the_migration_converges() {
    let person_id = Uuid::now_v7();
    let id = Uuid::now_v7();
    // Tablet A queued three changes on version 1 (old code, removed question, finalised).
    let a1 = op(id, None, 10, &old_survey_changes(person_id));
    let r1 = merge::apply(None, &a1).record;
    let a2 = op(id, Some(&r1), 11, &[("notes", json!("船在港"))]);
    let r2 = merge::apply(Some(r1), &a2).record;
    let a3 = op(id, Some(&r2), 12, &[("status", json!("final"))]);

    // Tablet B, updated, holds the first two (pulled): it opens the survey, migrates it and
    // saves the migration as one ordinary change, with its note for the history.
    let on_b = r2.clone();
    let opened = FORM_V2.open::<Survey>(&on_b.fields);
    let migrate_ctx = OpContext { device_id: Uuid::nil(), author: "zhang".into() };
    let migration = Operation::upsert(
        &migrate_ctx,
        Hlc::new(20, 0, "old-tablet"),
        EntityKind::Survey,
        id,
        "b1",
        Some(&on_b),
        opened.migration.to_save(),
    );
    let note = migration.changes.iter().find(|c| c.field == MIGRATION_FIELD).unwrap();
    let words = describe_history(&note.value, &|f: &str| f.to_owned()).unwrap();
    assert!(words.to_string().starts_with("form_upgraded"), "{words}");
    assert_eq!((words.get("from"), words.get("to")), (Some(&1u32.into()), Some(&2u32.into())));

    // The server takes all four; tablet A's finalisation, made on version 1, arrives after B's
    // migration and is still checked against version 1 (创业创新潜力 not demanded).
    let mut server: Option<Record> = None;
    for o in [&a1, &a2, &migration, &a3] {
        let next = push(&FORM_V2, server.as_ref(), o)
            .unwrap_or_else(|r| panic!("refused {}: {}", r.code, r.message));
        server = Some(next);
    }
    let server = server.unwrap();
    assert_eq!(server.get("employment"), Some(&json!("fishery")));
    assert_eq!(server.get(FORM_VERSION_FIELD), None, "made on version 1 (absent)");
    assert_eq!(Form::migrated_to(&server.fields), Some(2));
    assert_eq!(server.get("boat_licence"), Some(&json!("浙岱渔12345")), "kept, not dropped");
    assert_eq!(server.str_field("status"), "final");
    assert!(FORM_V2.migrate(&server.fields).is_empty(), "migrating again changes nothing");

    // Another tablet that receives the same operations in another order holds the same record.
    let mut other: Option<Record> = None;
    for o in [&a3, &migration, &a1, &a2] {
        other = Some(merge::apply(other, o).record);
    }
    assert_eq!(other.unwrap(), server);

    // A change queued on version 1 that reaches the server after the migration (the old code
    // again) is taken too, and the next migration renames it again.
    let late = op(id, Some(&server), 30, &[("employment", json!("fisheries"))]);
    let after = push(&FORM_V2, Some(&server), &late).expect("a late old-form change still syncs");
    let again = FORM_V2.migrate(&after.fields);
    assert_eq!(again.changes, fields(&[("employment", json!("fishery"))]));
    assert_eq!((again.from, again.to), (2, 2));
}

#[test]
fn unknown_codes_are_kept_and_never_make_a_survey_unsendable() {
    let id = Uuid::now_v7();
    // A code no version of this build knows (a newer form's), on today's form.
    let mut changes = old_survey_changes(Uuid::now_v7());
    changes[3] = ("employment", json!("aquaculture_2030"));
    let made = push(&SURVEY_FORM, None, &op(id, None, 1, &changes)).expect("kept, not refused");
    assert_eq!(made.get("employment"), Some(&json!("aquaculture_2030")));
    let opened = SURVEY_FORM.open::<Survey>(&made.fields);
    assert_eq!(opened.kept.get("employment"), Some(&json!("aquaculture_2030")));
    assert!(opened.migration.is_empty(), "nothing is invented for it");

    // Finalising with every other answer given: the unknown code counts as answered.
    let complete = op(
        id,
        Some(&made),
        2,
        &[("potential_level", json!(PotentialLevel::High.as_str())), ("status", json!("final"))],
    );
    let finalised = push(&SURVEY_FORM, Some(&made), &complete).expect("finalised");
    assert_eq!(finalised.str_field("status"), SurveyStatus::Final.as_str());

    // What is still refused: a value of the wrong kind written by the change itself.
    let wrong = op(id, Some(&finalised), 3, &[("employees", json!("很多"))]);
    assert_eq!(push(&SURVEY_FORM, Some(&finalised), &wrong).unwrap_err().code, "invalid_record");
    let not_a_code = op(id, Some(&finalised), 4, &[("employment", json!(7))]);
    assert_eq!(
        push(&SURVEY_FORM, Some(&finalised), &not_a_code).unwrap_err().code,
        "invalid_record"
    );
}
