//! Delivery of local changes against real IndexedDB in headless Chromium: adopting changes made
//! before sign-in, walking the outbox past held-back entries, sorting what is sent, held back or
//! refused on the tablet, resubmitting a refused record whole, discarding a draft, the
//! keystroke draft, and the delivery states and counts the screens show.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use std::collections::BTreeSet;

use field::logic::survey_form::SurveyForm;
use field::services::{delivery, survey};
use field::store::{Discarded, Sending, Store, meta_keys};
use field::sync::plan::{RejectedOp, hold_back, refusal_summary};
use field::sync::rejected::{self, REJECTED_KEY};
use field::sync::scheduler::{adopt_unsigned, delivery_counts};
use serde_json::{Value, json};
use shared::delivery::{DeliveryCounts, DeliveryState};
use shared::record::EntityKind;
use shared::roles::{Account, Role};
use shared::sync::OpResult;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh() -> Store {
    Store::open(&format!("test-{}", Uuid::new_v4())).await.expect("open a fresh database")
}

fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// The office's change of `field` of the stored record `entity`/`id` to `value`, made having
/// seen the record as stored, merged into `store` as a pull would (a minute in the future, so
/// later than anything typed here).
async fn office_sets(store: &Store, entity: EntityKind, id: Uuid, field: &str, value: Value) {
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};
    let record = store.get(entity, id).await.unwrap().unwrap();
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fix = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "office"),
        entity,
        id,
        &record.branch_id,
        Some(&record),
        changes(&[(field, value)]),
    );
    store.apply_remote(std::slice::from_ref(&fix)).await.unwrap();
}

fn surveyor(branch: &str) -> Account {
    Account {
        username: "chen_s".into(),
        display_name: "陈调查".into(),
        role: Role::Surveyor,
        branches: vec![branch.into()],
    }
}

/// A member saved in `branch` with a name and a phone: one queued operation.
async fn member(store: &Store, name: &str, branch: &str) -> Uuid {
    let id = Uuid::now_v7();
    let fields = changes(&[
        ("name", json!(name)),
        ("phone", json!("13812345678")),
        ("branch_id", json!(branch)),
    ]);
    store.save(EntityKind::Person, id, branch, fields).await.unwrap();
    id
}

/// Refuse every queued operation of `id` as the server would, keeping it aside.
async fn refuse(store: &Store, id: Uuid, message: &str) {
    let entries = store.outbox_all().await.unwrap();
    let aside: Vec<(u64, RejectedOp)> = entries
        .into_iter()
        .filter(|e| e.op.entity_id == id)
        .take(1)
        .map(|e| {
            let result = OpResult::rejected(e.op.id, "forbidden_branch", message.to_owned());
            (e.key, RejectedOp::from_result(e.op, &result, 0.0))
        })
        .collect();
    rejected::set_aside(store, aside).await.unwrap();
}

#[wasm_bindgen_test]
async fn changes_saved_before_sign_in_are_adopted_by_the_next_account_and_noted() {
    let store = fresh().await;
    let before = member(&store, "陈阿土", "东沙村党支部").await;
    store.set_author("someone").await.unwrap();
    member(&store, "林海生", "东沙村党支部").await;
    let rewrites = store.outbox_window(None, 0).await.unwrap().rewrites;

    let adopted = adopt_unsigned(&store, "chen_s").await.unwrap();
    assert_eq!(adopted, 1, "only the unsigned change is adopted");
    // Rewritten in place: a sync run that read the outbox before reads it again to send it.
    assert_eq!(store.outbox_window(None, 0).await.unwrap().rewrites, rewrites + 1);
    let authors: Vec<(Uuid, String)> = store
        .outbox_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.op.entity_id, e.op.author))
        .collect();
    assert!(authors.contains(&(before, "chen_s".into())), "{authors:?}");
    assert!(authors.iter().any(|(_, a)| a == "someone"), "another account's change is left alone");
    let notes: Vec<field::sync::scheduler::Adoption> =
        store.meta_get(meta_keys::ADOPTED).await.unwrap().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].author, "chen_s");
    // Nothing is left with an empty author, so nothing can be refused for one.
    assert!(store.outbox_all().await.unwrap().iter().all(|e| !e.op.author.is_empty()));
    assert_eq!(adopt_unsigned(&store, "chen_s").await.unwrap(), 0, "adopting twice adopts nothing");
    assert_eq!(store.outbox_window(None, 0).await.unwrap().rewrites, rewrites + 1);
}

#[wasm_bindgen_test]
async fn the_outbox_is_walked_past_held_back_entries() {
    let store = fresh().await;
    for i in 0..5 {
        member(&store, &format!("党员{i}"), "b1").await;
    }
    let all = store.outbox_all().await.unwrap();
    assert_eq!(all.len(), 5);
    let first_two = store.outbox_after(None, 2).await.unwrap();
    let next = store.outbox_after(Some(first_two[1].key), 2).await.unwrap();
    assert_eq!(next.iter().map(|e| e.key).collect::<Vec<_>>(), vec![all[2].key, all[3].key]);
    let last = store.outbox_after(Some(all[4].key), 10).await.unwrap();
    assert!(last.is_empty());
}

#[wasm_bindgen_test]
async fn a_refused_records_later_changes_are_held_back_and_what_the_server_would_refuse_is_set_aside()
 {
    let store = fresh().await;
    store.set_author("chen_s").await.unwrap();
    let refused = member(&store, "陈阿土", "b1").await;
    let fine = member(&store, "林海生", "b1").await;
    let elsewhere = member(&store, "王秀英", "b9").await;
    refuse(&store, refused, "旧的拒绝").await;
    // A later edit of the refused member.
    store
        .save(EntityKind::Person, refused, "b1", changes(&[("phone", json!("13900000001"))]))
        .await
        .unwrap();

    let mut blocked = rejected::refused_records(&rejected::list(&store).await.unwrap())
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let now = js_sys::Date::now();
    let sorted =
        hold_back(store.outbox_all().await.unwrap(), &mut blocked, Some(&surveyor("b1")), now);
    let sent: Vec<Uuid> = sorted.send.iter().map(|(_, op)| op.entity_id).collect();
    assert_eq!(sent, vec![fine], "only the member with nothing refused goes");
    assert_eq!(sorted.held, 1, "the refused member's later edit waits");
    assert_eq!(sorted.refused.len(), 1);
    let (_, on_tablet) = &sorted.refused[0];
    assert_eq!(on_tablet.op.entity_id, elsewhere);
    assert!(on_tablet.on_tablet);
    assert_eq!(on_tablet.code.as_deref(), Some("forbidden_branch"));
    assert_eq!(on_tablet.message, "支部“b9”不在您的工作范围内", "the server's own words");
    assert!(blocked.contains(&elsewhere), "its later changes are held back too");
    // The tablet set it aside unsent: the summary does not say the server refused it.
    let summary = refusal_summary(std::slice::from_ref(on_tablet), sorted.held).unwrap();
    assert_eq!(
        summary,
        "1 条修改被退回，需处理：支部“b9”不在您的工作范围内；1 条修改等待所属记录处理后再发送"
    );
}

#[wasm_bindgen_test]
async fn a_resubmission_replaces_the_refused_and_held_changes_with_the_whole_record() {
    let store = fresh().await;
    let id = member(&store, "陈阿土", "西岙村党支部").await;
    refuse(&store, id, "支部“西岙村党支部”不在您的工作范围内").await;
    // The surveyor fixes the branch on the tablet (held back) and edits on.
    store
        .save(
            EntityKind::Person,
            id,
            "西岙村党支部",
            changes(&[("branch_id", json!("东沙村党支部"))]),
        )
        .await
        .unwrap();
    store
        .save(EntityKind::Person, id, "西岙村党支部", changes(&[("notes", json!("补充"))]))
        .await
        .unwrap();
    let other = member(&store, "林海生", "东沙村党支部").await;
    assert_eq!(
        delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 2, needs_action: 1 }
    );

    let branch = delivery::branch_for_resubmit(&store, EntityKind::Person, id).await.unwrap();
    assert_eq!(branch, "东沙村党支部", "the branch the form names now");
    let op = rejected::resubmit(&store, &surveyor("东沙村党支部"), EntityKind::Person, id, &branch)
        .await
        .unwrap();

    // One operation for the record, whole, under the account, in the fixed branch.
    let queued: Vec<_> =
        store.outbox_all().await.unwrap().into_iter().filter(|e| e.op.entity_id == id).collect();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].op.id, op.id);
    assert_eq!(op.author, "chen_s");
    assert_eq!(op.branch_id, "东沙村党支部");
    let fields: Vec<&str> = op.changes.iter().map(|c| c.field.as_str()).collect();
    for f in ["name", "phone", "branch_id", "notes"] {
        assert!(fields.contains(&f), "the resubmission carries {f}: {fields:?}");
    }
    let record = store.get(EntityKind::Person, id).await.unwrap().unwrap();
    assert_eq!(record.branch_id, "东沙村党支部", "the record moved to the fixed branch");
    assert_eq!(record.str_field("notes"), "补充");
    // The refusal is gone with it (same transaction); the other member is untouched.
    assert!(rejected::list(&store).await.unwrap().is_empty());
    assert!(store.outbox_all().await.unwrap().iter().any(|e| e.op.entity_id == other));
    assert_eq!(
        delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 2, needs_action: 0 }
    );
    let kept: Option<Vec<RejectedOp>> = store.meta_get(REJECTED_KEY).await.unwrap();
    assert_eq!(kept, Some(Vec::new()));
}

#[wasm_bindgen_test]
async fn a_resubmission_that_the_server_would_still_refuse_is_not_queued() {
    let store = fresh().await;
    let id = member(&store, "陈阿土", "西岙村党支部").await;
    refuse(&store, id, "支部“西岙村党支部”不在您的工作范围内").await;
    let err = rejected::resubmit(
        &store,
        &surveyor("东沙村党支部"),
        EntityKind::Person,
        id,
        "西岙村党支部",
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "支部“西岙村党支部”不在您的工作范围内");
    assert_eq!(rejected::list(&store).await.unwrap().len(), 1, "the refusal stays open");
    assert_eq!(delivery_counts(&store).await.unwrap().needs_action, 1);
}

#[wasm_bindgen_test]
async fn the_pending_count_stays_above_zero_while_a_refusal_is_open() {
    let store = fresh().await;
    let id = member(&store, "陈阿土", "b1").await;
    refuse(&store, id, "拒绝").await;
    assert!(store.outbox_all().await.unwrap().is_empty(), "the refused change left the outbox");
    assert_eq!(
        delivery_counts(&store).await.unwrap(),
        DeliveryCounts { pending: 1, needs_action: 1 }
    );
}

#[wasm_bindgen_test]
async fn delivery_rows_name_the_member_and_the_kind_and_never_a_key() {
    let store = fresh().await;
    let person = member(&store, "陈阿土", "b1").await;
    let form_survey = Uuid::now_v7();
    store
        .save(
            EntityKind::Survey,
            form_survey,
            "b1",
            changes(&[("person_id", json!(person.to_string())), ("status", json!("draft"))]),
        )
        .await
        .unwrap();
    refuse(&store, person, "支部“b1”不在您的工作范围内").await;
    let rows = delivery::rows(&store).await.unwrap();
    assert_eq!(rows.len(), 2);
    let refused = rows.iter().find(|r| r.entity == EntityKind::Person).unwrap();
    assert_eq!(refused.state, DeliveryState::Refused);
    assert_eq!((refused.name.as_str(), refused.kind), ("陈阿土", "党员信息"));
    assert!(
        refused.fields.contains(&"所在支部") && refused.fields.contains(&"姓名"),
        "{:?}",
        refused.fields
    );
    let survey_row = rows.iter().find(|r| r.entity == EntityKind::Survey).unwrap();
    assert_eq!(survey_row.state, DeliveryState::Pending);
    assert_eq!((survey_row.name.as_str(), survey_row.kind), ("陈阿土", "调查摸底表"));
    assert_eq!(rows[0].state, DeliveryState::Refused, "refused first");
}

#[wasm_bindgen_test]
async fn a_draft_never_synced_disappears_and_a_synced_one_becomes_a_deletion() {
    let store = fresh().await;
    let never = member(&store, "张晓", "b1").await;
    assert_eq!(store.discard_unsent(EntityKind::Person, never).await.unwrap(), Discarded::Removed);
    assert!(store.get(EntityKind::Person, never).await.unwrap().is_none());
    assert!(store.outbox_all().await.unwrap().is_empty(), "its queued change went with it");

    let synced = member(&store, "林海生", "b1").await;
    let keys: Vec<u64> = store.outbox_all().await.unwrap().iter().map(|e| e.key).collect();
    store.ack(&keys).await.unwrap(); // the server acknowledged it
    assert_eq!(
        store.discard_unsent(EntityKind::Person, synced).await.unwrap(),
        Discarded::Tombstoned
    );
    let queued = store.outbox_all().await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].op.kind, shared::op::OpKind::Delete);
    assert_eq!(store.discard_unsent(EntityKind::Person, synced).await.unwrap(), Discarded::Missing);
}

/// The queued operations of record `id` as a sync run reads them: (outbox key, record), and
/// the count of in-place rewrites read with them.
async fn queued_of(store: &Store, id: Uuid) -> (Vec<(u64, Uuid)>, u64) {
    let window = store.outbox_window(None, u32::MAX).await.unwrap();
    let of_id = window.entries.iter().filter(|e| e.op.entity_id == id);
    (of_id.map(|e| (e.key, e.op.entity_id)).collect(), window.rewrites)
}

/// A discard and a push of the same record never both go ahead, nor does a push send a change
/// as it was before its branch was corrected: the push's note and read of what is queued, the
/// discard's question and removal, and the correction's question and rewrite are each one
/// transaction, so whichever comes first, the other agrees with it. (Through the sync engine:
/// `tests/sync.rs`, `a_record_discarded_while_a_sync_run_pushes_is_not_sent_after_it`.)
#[wasm_bindgen_test]
async fn a_discard_and_a_push_of_the_same_record_never_both_go_ahead() {
    let store = fresh().await;
    // Discarded after the sync run read the outbox: the push leaves it out.
    let gone = member(&store, "张晓", "b1").await;
    let (read, rewrites) = queued_of(&store, gone).await;
    assert_eq!(store.discard_unsent(EntityKind::Person, gone).await.unwrap(), Discarded::Removed);
    let sending = store.note_sending(&read, rewrites).await.unwrap();
    assert_eq!(sending, Sending::AsRead(BTreeSet::new()), "nothing of it is sent");
    assert!(!store.reached_server(gone).await.unwrap(), "nor noted as maybe at the office");

    // Noted for a push first: the discard keeps it as a deletion, queued behind the change.
    let sent = member(&store, "林海生", "b1").await;
    let (read, rewrites) = queued_of(&store, sent).await;
    let keys: Vec<u64> = read.iter().map(|(k, _)| *k).collect();
    assert_eq!(store.note_sending(&read, rewrites).await.unwrap().keys(), keys);
    assert_eq!(
        store.discard_unsent(EntityKind::Person, sent).await.unwrap(),
        Discarded::Tombstoned
    );
    let queued: Vec<_> = store.outbox_all().await.unwrap().into_iter().map(|e| e.op.kind).collect();
    assert_eq!(queued, [shared::op::OpKind::Upsert, shared::op::OpKind::Delete]);

    // A branch corrected after the run read the outbox: the push sends the change as it is
    // queued now. Once noted for a push, a branch is no longer rewritten under the same ids.
    let moved = member(&store, "陈阿土", "b1").await;
    let (read, rewrites) = queued_of(&store, moved).await;
    assert!(store.assign_branch(EntityKind::Person, moved, "b2").await.unwrap());
    let Sending::Reread(sending) = store.note_sending(&read, rewrites).await.unwrap() else {
        panic!("a rewrite since the outbox was read: read again");
    };
    assert_eq!(sending.len(), 1);
    assert_eq!(sending[0].op.branch_id, "b2", "sent as queued now, not as read");
    assert!(!store.assign_branch(EntityKind::Person, moved, "b3").await.unwrap(), "on its way");
    let queued = store.outbox_all().await.unwrap();
    assert!(queued.iter().filter(|e| e.op.entity_id == moved).all(|e| e.op.branch_id == "b2"));
    // Read after the rewrite, nothing is read twice.
    let (read, rewrites) = queued_of(&store, moved).await;
    let sending = store.note_sending(&read, rewrites).await.unwrap();
    assert!(matches!(sending, Sending::AsRead(_)), "{sending:?}");

    // Both at once, started in either order (in one tab the two transactions of the discard
    // before session 50 were issued too close together for the push's to fall between them;
    // another tab's could).
    for discard_first in [true, false, true, false] {
        let id = member(&store, "王秀英", "b1").await;
        let (read, rewrites) = queued_of(&store, id).await;
        let discard = store.discard_unsent(EntityKind::Person, id);
        let note = store.note_sending(&read, rewrites);
        let (discarded, sending) = if discard_first {
            futures::join!(discard, note)
        } else {
            let (sending, discarded) = futures::join!(note, discard);
            (discarded, sending)
        };
        match discarded.unwrap() {
            Discarded::Removed => {
                assert!(sending.unwrap().keys().is_empty(), "removed, so not sent")
            }
            Discarded::Tombstoned => assert_eq!(sending.unwrap().keys().len(), 1),
            Discarded::Missing => panic!("the record was there"),
        }
    }
}

#[wasm_bindgen_test]
async fn a_keystroke_draft_left_by_a_killed_browser_is_saved_when_the_app_opens() {
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王秀英".into();
    form.person.branch_id = "b1".into();
    survey::persist(&store, &form).await.unwrap();
    assert!(
        survey::pending_draft(&store).await.unwrap().is_none(),
        "a saved state leaves no draft"
    );

    // Typed, written as a draft, and the browser died before the debounced save.
    form.survey.notes = "家里经营网箱养殖".into();
    survey::write_draft(&store, &form).await.unwrap();
    let shown = survey::load(&store, Some(form.survey_id), None).await.unwrap();
    assert_eq!(shown.survey.notes, "家里经营网箱养殖", "the form opens with what was typed");

    assert_eq!(survey::recover_draft(&store).await.unwrap(), Some(form.survey_id));
    let record = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(record.str_field("notes"), "家里经营网箱养殖");
    assert!(survey::pending_draft(&store).await.unwrap().is_none());
}

/// Two windows of the app on one survey wrote one keystroke draft, and a second window's start
/// saved the first one's draft as its own while that window was still typing. A survey open in
/// another window (holding its lock) is now left to it, draft and all; once that window is gone
/// (its lock let go), the draft is saved as before. And a window opening a survey another one
/// has open shows it as stored, not the other window's typing, and does not edit it.
#[wasm_bindgen_test]
async fn a_draft_of_a_survey_open_in_another_window_is_left_to_it() {
    use field::browser::locks::{Hold, try_hold};
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王秀英".into();
    form.person.branch_id = "b1".into();
    survey::persist(&store, &form).await.unwrap();

    // Another window has it open, and is typing.
    let Hold::Held(other_window) = try_hold(&survey::editing_lock(form.survey_id)).await else {
        panic!("the lock is free");
    };
    form.survey.notes = "家里经营网箱养殖".into();
    survey::write_draft(&store, &form).await.unwrap();
    assert_eq!(survey::recover_draft(&store).await.unwrap(), None, "left to that window");
    assert!(survey::pending_draft(&store).await.unwrap().is_some(), "the draft is kept");
    let record = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(record.str_field("notes"), "");
    let (opened, editor) = survey::open_to_edit(&store, Some(form.survey_id), None).await.unwrap();
    assert!(editor.elsewhere());
    assert_eq!(opened.form.survey.notes, "", "as stored, not the other window's typing");
    editor.let_go().await;
    // Nor deleted from here (the other window's next save would write into it).
    assert!(matches!(
        survey::discard_draft(&store, form.survey_id).await,
        Err(survey::DiscardError::OpenElsewhere)
    ));
    assert!(store.get(EntityKind::Survey, form.survey_id).await.unwrap().is_some());
    assert!(survey::pending_draft(&store).await.unwrap().is_some());

    // That window closed: the draft is saved at the next start, and the survey edited here.
    other_window.let_go().await;
    assert_eq!(survey::recover_draft(&store).await.unwrap(), Some(form.survey_id));
    let record = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(record.str_field("notes"), "家里经营网箱养殖");
    let (opened, editor) = survey::open_to_edit(&store, Some(form.survey_id), None).await.unwrap();
    assert!(!editor.elsewhere());
    assert_eq!(opened.form.survey.notes, "家里经营网箱养殖");
    // While this window has it, another cannot take it up; once it lets go, it can.
    assert!(matches!(try_hold(&survey::editing_lock(form.survey_id)).await, Hold::Elsewhere));
    editor.let_go().await;
    assert!(matches!(try_hold(&survey::editing_lock(form.survey_id)).await, Hold::Held(_)));

    // This window's own form, just left, its last save still writing (the save holds the
    // survey too): opened here again once it is written, never taken for another window's.
    let (_, editor) = survey::open_to_edit(&store, Some(form.survey_id), None).await.unwrap();
    let saving = editor.clone();
    drop(editor);
    let written = async {
        gloo_timers::future::TimeoutFuture::new(1_500).await;
        drop(saving);
    };
    let (reopened, ()) =
        futures::join!(survey::open_to_edit(&store, Some(form.survey_id), None), written);
    let (_, reopened) = reopened.unwrap();
    assert!(!reopened.elsewhere(), "this window's own save is waited for");
    reopened.let_go().await;

    // A new survey is held from its first screen: another window cannot take it up.
    let (new, editor) = survey::open_to_edit(&store, None, None).await.unwrap();
    assert!(!editor.elsewhere());
    let lock = survey::editing_lock(new.form.survey_id);
    assert!(matches!(try_hold(&lock).await, Hold::Elsewhere));
    editor.let_go().await;

    // Another window typing a new survey not saved yet (only its draft): shown here as typed
    // there, not edited.
    let mut typed = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    typed.person.name = "林海生".into();
    let Hold::Held(other_window) = try_hold(&survey::editing_lock(typed.survey_id)).await else {
        panic!("the lock is free");
    };
    survey::write_draft(&store, &typed).await.unwrap();
    let (shown, here) = survey::open_to_edit(&store, Some(typed.survey_id), None).await.unwrap();
    assert!(here.elsewhere());
    assert_eq!(shown.form.person.name, "林海生");
    other_window.let_go().await;
}

#[wasm_bindgen_test]
async fn a_save_does_not_drop_a_draft_typed_after_it() {
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王".into();
    let saved = form.clone();
    form.person.name = "王秀".into();
    survey::write_draft(&store, &form).await.unwrap();
    // The save of the older state lands after the newer keystroke was written.
    survey::persist(&store, &saved).await.unwrap();
    let draft = survey::pending_draft(&store).await.unwrap().expect("the newer typing is kept");
    assert_eq!(draft.form().unwrap().person.name, "王秀");
}

#[wasm_bindgen_test]
async fn changes_saved_before_the_branch_was_chosen_wait_for_it_and_then_carry_it() {
    let store = fresh().await;
    store.set_author("chen_s").await.unwrap();
    let mut form = SurveyForm::new(None, "chen_s", chrono::Local::now().naive_local());
    form.person.name = "陈阿土".into();
    survey::persist(&store, &form).await.unwrap(); // typed the name first: no branch yet

    // Not sent and not refused: it waits for its branch.
    let now = js_sys::Date::now();
    let mut blocked = Default::default();
    let sorted =
        hold_back(store.outbox_all().await.unwrap(), &mut blocked, Some(&surveyor("b1")), now);
    assert!(sorted.send.is_empty() && sorted.refused.is_empty());
    assert_eq!(sorted.held, 2, "the member and the survey wait");
    // 待发送 says what they wait for.
    let rows = delivery::rows(&store).await.unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.waits_for == Some(delivery::WaitsFor::Branch)), "{rows:?}");

    form.person.branch_id = "b1".into();
    survey::persist(&store, &form).await.unwrap();
    let queued = store.outbox_all().await.unwrap();
    assert!(queued.iter().all(|e| e.op.branch_id == "b1"), "every queued change names the branch");
    let mut blocked = Default::default();
    let sorted = hold_back(queued, &mut blocked, Some(&surveyor("b1")), now);
    assert_eq!((sorted.send.len(), sorted.held, sorted.refused.len()), (3, 0, 0));
    let record = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(record.branch_id, "b1");
    let rows = delivery::rows(&store).await.unwrap();
    assert!(rows.iter().all(|r| r.waits_for.is_none()), "only the next sync: {rows:?}");
}

#[wasm_bindgen_test]
async fn a_branch_corrected_before_sending_is_the_one_sent_and_a_delivered_member_keeps_theirs() {
    let store = fresh().await;
    store.set_author("chen_s").await.unwrap();
    let mut form = SurveyForm::new(None, "chen_s", chrono::Local::now().naive_local());
    form.person.name = "陈阿土".into();
    form.person.branch_id = "b2".into(); // the wrong branch, saved offline
    survey::persist(&store, &form).await.unwrap();
    assert!(!survey::branch_fixed(&store, form.person_id).await, "not sent: still open");

    // Corrected before anything was sent: every queued change and both records name b1, so
    // the server's first operation of the member is already in the right branch.
    form.person.branch_id = "b1".into();
    survey::persist(&store, &form).await.unwrap();
    let queued = store.outbox_all().await.unwrap();
    assert!(!queued.is_empty());
    assert!(queued.iter().all(|e| e.op.branch_id == "b1"), "queued: {queued:?}");
    for (entity, id) in [(EntityKind::Person, form.person_id), (EntityKind::Survey, form.survey_id)]
    {
        assert_eq!(store.get(entity, id).await.unwrap().unwrap().branch_id, "b1");
    }

    // Delivered: the branch is fixed, and a change of it on the tablet moves nothing queued.
    let keys: Vec<u64> = queued.iter().map(|e| e.key).collect();
    store.ack(&keys).await.unwrap();
    assert!(survey::branch_fixed(&store, form.person_id).await, "on the server: fixed");
    assert!(!store.assign_branch(EntityKind::Person, form.person_id, "b2").await.unwrap());
    let record = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(record.branch_id, "b1");
}

/// The survey form corrects a survey's and its person's branch in one transaction
/// (`Store::assign_branch_of`), each decided as it stands then: the one a push has noted keeps
/// its branch, the other moves. (That the two are one transaction, so that a push cannot note
/// one between them, this test cannot tell: the outcome here is the same either way.)
#[wasm_bindgen_test]
async fn a_survey_and_its_person_are_corrected_together_each_as_it_stands() {
    let store = fresh().await;
    store.set_author("chen_s").await.unwrap();
    let mut form = SurveyForm::new(None, "chen_s", chrono::Local::now().naive_local());
    form.person.name = "陈阿土".into();
    form.person.branch_id = "b2".into();
    survey::persist(&store, &form).await.unwrap();
    // A push of the survey's change is on its way.
    let window = store.outbox_window(None, u32::MAX).await.unwrap();
    let survey_ops: Vec<(u64, Uuid)> = window
        .entries
        .iter()
        .filter(|e| e.op.entity_id == form.survey_id)
        .map(|e| (e.key, e.op.entity_id))
        .collect();
    assert_eq!(store.note_sending(&survey_ops, window.rewrites).await.unwrap().keys().len(), 1);

    let records = [(EntityKind::Person, form.person_id), (EntityKind::Survey, form.survey_id)];
    assert!(store.assign_branch_of(&records, "b1").await.unwrap());
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    let survey = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(person.branch_id, "b1", "never sent: moved");
    assert_eq!(survey.branch_id, "b2", "on its way: kept");
    for entry in store.outbox_all().await.unwrap() {
        let expected = if entry.op.entity_id == form.person_id { "b1" } else { "b2" };
        assert_eq!(entry.op.branch_id, expected, "{entry:?}");
    }
    let rewrites = store.outbox_window(None, 0).await.unwrap().rewrites;
    assert_eq!(rewrites, window.rewrites + 1, "one rewrite, counted once");
    assert!(!store.assign_branch_of(&records, "b1").await.unwrap(), "nothing more to move");
}

#[wasm_bindgen_test]
async fn a_refused_change_never_counts_as_reached_the_server() {
    let store = fresh().await;
    let id = member(&store, "陈阿土", "b2").await;
    refuse(&store, id, "支部“b2”不在您的工作范围内").await;
    assert!(store.outbox_all().await.unwrap().is_empty(), "set aside, out of the outbox");
    assert!(!store.reached_server(id).await.unwrap(), "refused is not delivered");
    assert!(store.history(id).await.unwrap().is_empty(), "history holds what the server took");
    // So its branch may still be corrected, and giving up on it leaves nothing behind.
    assert!(store.assign_branch(EntityKind::Person, id, "b1").await.unwrap());
    assert_eq!(store.discard_unsent(EntityKind::Person, id).await.unwrap(), Discarded::Removed);
}

/// A full disk that refuses the bookkeeping after a survey's records (which draft is open, the
/// keystroke draft) once both records are written: the save is kept and said to be kept, never
/// "nothing saved" about records that were (trial disk-full, `services::survey::persist`).
#[wasm_bindgen_test]
async fn a_save_whose_records_were_written_is_kept_when_the_bookkeeping_after_them_is_refused() {
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "满盘乙".into();
    form.person.branch_id = "b1".into();
    survey::write_draft(&store, &form).await.unwrap();
    // Writes of those two `meta` entries throw as a full device does; every other write works.
    js_sys::Function::new_no_args(
        "if (!globalThis.__bookkeepingPatched) {
           globalThis.__bookkeepingPatched = true;
           for (const m of ['put', 'add', 'delete']) {
             const write = IDBObjectStore.prototype[m];
             IDBObjectStore.prototype[m] = function (...args) {
               const key = m === 'delete' ? args[0] : args[1];
               if (globalThis.__bookkeepingFull && this.name === 'meta'
                   && (key === 'current_draft'
                       || (typeof key === 'string' && key.startsWith('form_draft')))) {
                 globalThis.__bookkeepingRefused = (globalThis.__bookkeepingRefused || 0) + 1;
                 throw new DOMException('injected: the device is full', 'QuotaExceededError');
               }
               return write.apply(this, args);
             };
           }
         }
         globalThis.__bookkeepingFull = true;
         globalThis.__bookkeepingRefused = 0;",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
    let saved = survey::persist(&store, &form).await;
    let refused = js_sys::Reflect::get(&js_sys::global(), &"__bookkeepingRefused".into())
        .unwrap()
        .as_f64()
        .unwrap_or(0.0);
    js_sys::Reflect::set(&js_sys::global(), &"__bookkeepingFull".into(), &false.into()).unwrap();
    assert!(refused >= 1.0, "the bookkeeping was refused ({refused})");
    assert_eq!(saved, Ok(()), "the records were written: the save is kept");
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("name"), "满盘乙");
    assert!(store.get(EntityKind::Survey, form.survey_id).await.unwrap().is_some());
    assert_eq!(delivery_counts(&store).await.unwrap().pending, 2, "both queued and counted");
    // The keystroke draft stays: the same state, saved again to the same records at start.
    assert!(survey::pending_draft(&store).await.unwrap().is_some());
    assert_eq!(survey::recover_draft(&store).await.unwrap(), Some(form.survey_id));
    assert_eq!(delivery_counts(&store).await.unwrap().pending, 2, "the same two records");
}

/// The refusal list is read and written in one transaction by each change of it. The sync
/// engine setting a new refusal aside while the person dismisses another (or two tabs) each
/// read the list before either wrote it: the last write dropped the other's change, and a
/// refusal dropped that way was neither in the outbox (set aside) nor in the list: gone, without
/// a word.
#[wasm_bindgen_test]
async fn a_refusal_set_aside_while_another_is_dismissed_is_kept() {
    let store = fresh().await;
    let x = member(&store, "陈阿土", "东沙村党支部").await;
    let y = member(&store, "林海生", "东沙村党支部").await;
    refuse(&store, x, "不在本支部").await;
    let x_op = rejected::list(&store).await.unwrap()[0].op.id;
    let entry = store.outbox_all().await.unwrap().into_iter().find(|e| e.op.entity_id == y);
    let entry = entry.unwrap();
    let result = OpResult::rejected(entry.op.id, "forbidden_branch", "不在本支部".to_owned());
    let aside = vec![(entry.key, RejectedOp::from_result(entry.op.clone(), &result, 0.0))];
    let read = [x_op];
    let (set, dismissed) =
        futures::join!(rejected::set_aside(&store, aside), rejected::dismiss(&store, &read));
    set.unwrap();
    dismissed.unwrap();
    let kept: Vec<Uuid> =
        rejected::list(&store).await.unwrap().into_iter().map(|r| r.op.entity_id).collect();
    assert_eq!(kept, [y], "y's refusal kept, x's dismissed");
    assert!(store.outbox_all().await.unwrap().iter().all(|e| e.op.entity_id != y));
}

/// A save clears the keystroke draft of the state it saved even when the draft counted other
/// fields as typed (it was written before an earlier save finished). Left behind, that draft
/// would have been saved again at the next start, over whatever a pull brought meanwhile.
#[wasm_bindgen_test]
async fn a_save_clears_the_draft_of_its_state_whatever_fields_the_draft_counted_as_typed() {
    use field::logic::survey_form::FormTouched;
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王秀英".into();
    survey::persist(&store, &form).await.unwrap();
    form.survey.notes = "家里经营网箱养殖".into();
    form.person.phone = "13800000000".into();
    let since_first =
        FormTouched { person: ["phone".to_owned()].into(), survey: ["notes".to_owned()].into() };
    survey::write_edit_draft(&store, &form, Some(&since_first), None).await.unwrap();
    // Saved from a later on-disk state: only the phone was still to save.
    let since_second =
        FormTouched { person: ["phone".to_owned()].into(), survey: Default::default() };
    survey::persist_edit(&store, &form, Some(&since_second), None).await.unwrap();
    assert!(survey::pending_draft(&store).await.unwrap().is_none(), "the draft of it stayed");
}

/// A member's survey saved (phone 13800000000), opened, then the phone and the notes typed
/// (13700000000, 家里经营网箱养殖) and kept only as the keystroke draft: the form as typed, and
/// as it opened.
async fn typed_and_kept_as_draft(store: &Store) -> (SurveyForm, survey::OpenedSurvey) {
    use field::logic::survey_form::FormTouched;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王秀英".into();
    form.person.phone = "13800000000".into();
    survey::persist(store, &form).await.unwrap();
    let opened = survey::open(store, Some(form.survey_id), None).await.unwrap();
    form.person.phone = "13700000000".into();
    form.survey.notes = "家里经营网箱养殖".into();
    let touched =
        FormTouched { person: ["phone".to_owned()].into(), survey: ["notes".to_owned()].into() };
    survey::write_edit_draft(store, &form, Some(&touched), Some(&opened.clocks)).await.unwrap();
    (form, opened)
}

/// A keystroke draft left by a killed browser keeps the clocks of what its typing was typed
/// over. Saved at the next start after a pull changed that field, the change the surveyor never
/// saw is kept as a conflict, not overwritten without a word; a field of the draft nobody else
/// changed is saved as an ordinary edit.
#[wasm_bindgen_test]
async fn a_recovered_draft_typed_over_a_change_it_never_saw_keeps_that_change_as_a_conflict() {
    let store = fresh().await;
    // Typed on the form; the browser is killed before the save.
    let (form, opened) = typed_and_kept_as_draft(&store).await;
    assert!(opened.clocks.person.0.contains_key("phone"), "the form knows what it shows");
    let draft = survey::pending_draft(&store).await.unwrap().unwrap();
    let kept = draft.seen.expect("the draft keeps what it was typed over");
    assert_eq!(kept.person.0.keys().collect::<Vec<_>>(), ["phone"], "only the typed fields'");

    // The office's change of the phone arrives before the app starts again.
    office_sets(&store, EntityKind::Person, form.person_id, "phone", json!("13911112222")).await;

    assert_eq!(survey::recover_draft(&store).await.unwrap(), Some(form.survey_id));
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("phone"), "13700000000", "the surveyor's later write");
    let survey = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(survey.str_field("notes"), "家里经营网箱养殖");
    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(
        (conflicts[0].field.as_str(), &conflicts[0].loser_value),
        ("phone", &json!("13911112222"))
    );
}

/// The form opened on a keystroke draft still pending (reopened before the save made as it was
/// left has cleared it, or after a start whose recovery failed) types over what the draft's
/// typing was typed over where that typing is not saved yet, and over what is stored where it
/// is: the clocks of its own save, which else would be reported as changed elsewhere.
#[wasm_bindgen_test]
async fn a_form_opened_on_a_pending_draft_takes_its_clocks_only_for_what_is_not_saved_yet() {
    use field::store::Touched;
    let store = fresh().await;
    let (form, opened) = typed_and_kept_as_draft(&store).await;
    let read_notes = opened.clocks.survey.0["notes"].clone();
    // The phone is saved (the save as the form was left, its draft not cleared yet) ...
    let phone = changes(&[("phone", json!("13700000000"))]);
    let own = store.save_touched(EntityKind::Person, form.person_id, "", phone, Touched::All);
    let own_clock = own.await.unwrap().record.base_of("phone").unwrap();
    // ... and the office changes the notes.
    office_sets(&store, EntityKind::Survey, form.survey_id, "notes", json!("办公室补充")).await;

    let reopened = survey::open(&store, Some(form.survey_id), None).await.unwrap();
    assert_eq!(reopened.form.person.phone, "13700000000", "the draft is what the form shows");
    assert_eq!(reopened.clocks.person.0["phone"], own_clock, "its own save: what is stored");
    assert_eq!(reopened.clocks.survey.0["notes"], read_notes, "typed over what it read");
}

/// The save under way as `typed_and_kept_as_draft`'s draft was written: the phone as it was a
/// keystroke earlier, over what the form read, as the autosave saves it. Returns its clock.
async fn saved_under_the_draft(
    store: &Store,
    form: &SurveyForm,
    opened: &survey::OpenedSurvey,
) -> shared::hlc::Hlc {
    use field::store::Touched;
    let over = opened.clocks.person.over(&["phone".to_owned()].into());
    let phone = changes(&[("phone", json!("1370000000"))]);
    let saved =
        store.save_touched(EntityKind::Person, form.person_id, "", phone, Touched::Over(over));
    saved.await.unwrap().record.base_of("phone").unwrap()
}

/// A keystroke draft written while the form's own save was under way keeps the clocks from
/// before that save. Opened or saved at the next start, it types over the surveyor's own save:
/// an ordinary edit, not a change made elsewhere (no conflict, nothing said).
#[wasm_bindgen_test]
async fn a_draft_written_during_its_own_save_is_saved_over_it_without_a_conflict() {
    let store = fresh().await;
    let (form, opened) = typed_and_kept_as_draft(&store).await;
    let own_clock = saved_under_the_draft(&store, &form, &opened).await;

    let reopened = survey::open(&store, Some(form.survey_id), None).await.unwrap();
    assert_eq!(reopened.form.person.phone, "13700000000", "the draft is what the form shows");
    assert_eq!(reopened.clocks.person.0["phone"], own_clock, "typed over its own save");

    let (id, said) = survey::recover_draft_said(&store).await.unwrap().unwrap();
    assert_eq!((id, said), (form.survey_id, vec![]), "nothing to say");
    let conflicts = store.conflicts().await.unwrap();
    assert!(conflicts.is_empty(), "no conflict with its own save: {conflicts:?}");
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("phone"), "13700000000");
}

/// The same draft after the office changed the phone over that save: the office's change is
/// one the surveyor never saw, kept as a conflict and said.
#[wasm_bindgen_test]
async fn a_draft_written_during_its_own_save_still_keeps_a_change_made_after_it() {
    let store = fresh().await;
    let (form, opened) = typed_and_kept_as_draft(&store).await;
    saved_under_the_draft(&store, &form, &opened).await;
    office_sets(&store, EntityKind::Person, form.person_id, "phone", json!("13911112222")).await;

    let (_, said) = survey::recover_draft_said(&store).await.unwrap().unwrap();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].1.contains("13911112222"), "{said:?}");
    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].loser_value, json!("13911112222"));
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("phone"), "13700000000", "the surveyor's later write");
}

/// An unfinished survey with a new member, both refused, then deleted by the surveyor (the
/// draft banner's 删除): nothing of them is left, and neither is their refusal, which else
/// kept 需处理 above zero for ever with nothing to fix.
#[wasm_bindgen_test]
async fn a_discarded_draft_takes_its_refusals_with_it() {
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "b1", chrono::Local::now().naive_local());
    form.person.name = "陈阿土".into();
    survey::persist(&store, &form).await.unwrap();
    refuse(&store, form.survey_id, "支部“b1”不在您的工作范围内").await;
    refuse(&store, form.person_id, "支部“b1”不在您的工作范围内").await;
    assert_eq!(delivery_counts(&store).await.unwrap().needs_action, 2);

    assert_eq!(survey::discard_draft(&store, form.survey_id).await.unwrap(), Discarded::Removed);
    assert!(store.get(EntityKind::Person, form.person_id).await.unwrap().is_none());
    assert!(rejected::list(&store).await.unwrap().is_empty(), "no refusal left behind");
    assert_eq!(delivery_counts(&store).await.unwrap(), DeliveryCounts::default());
}

/// A member's survey saved with phone 13800000000, the office's new phone pulled while the form
/// still showed the old one, then 备注 typed and kept only as the keystroke draft (a browser
/// killed within the save delay). Reopened, the form showed the draft whole (the old phone)
/// and its save wrote the phone back over the office's. It shows what is stored with only the
/// draft's typing laid over it: the form's save writes 备注 alone.
#[wasm_bindgen_test]
async fn a_form_opened_on_a_draft_shows_what_is_stored_with_only_the_typing_over_it() {
    use field::logic::survey_form::FormTouched;
    let store = fresh().await;
    let mut form = SurveyForm::new(None, "", chrono::Local::now().naive_local());
    form.person.name = "王秀英".into();
    form.person.phone = "13800000000".into();
    survey::persist(&store, &form).await.unwrap();
    let opened = survey::open(&store, Some(form.survey_id), None).await.unwrap();
    office_sets(&store, EntityKind::Person, form.person_id, "phone", json!("13911112222")).await;
    form.survey.notes = "家里经营网箱养殖".into();
    let touched = FormTouched { person: Default::default(), survey: ["notes".to_owned()].into() };
    survey::write_edit_draft(&store, &form, Some(&touched), Some(&opened.clocks)).await.unwrap();

    let reopened = survey::open(&store, Some(form.survey_id), None).await.unwrap();
    assert_eq!(reopened.form.person.phone, "13911112222", "the office's phone is shown");
    assert_eq!(reopened.form.survey.notes, "家里经营网箱养殖", "the typing is shown");
    let saved = reopened.form.touched_since(&reopened.on_disk);
    assert!(saved.person.is_empty(), "the form would save {saved:?}");
    assert_eq!(saved.survey, touched.survey);
}

/// Every keystroke draft was kept under one key: the next form's first keystroke replaced a
/// form's draft whose save had failed as it was left (and two tabs on two surveys each other's).
/// Each survey's draft is its own; the start saves them all.
#[wasm_bindgen_test]
async fn each_surveys_keystroke_draft_is_kept_apart_and_all_are_saved_at_start() {
    let store = fresh().await;
    let now = chrono::Local::now().naive_local();
    let mut a = SurveyForm::new(None, "", now);
    a.person.name = "王秀英".into();
    let mut b = SurveyForm::new(None, "", now);
    b.person.name = "林海生".into();
    survey::write_draft(&store, &a).await.unwrap();
    survey::write_draft(&store, &b).await.unwrap();
    assert!(survey::pending_draft_of(&store, a.survey_id).await.unwrap().is_some(), "a's kept");
    assert!(survey::pending_draft_of(&store, b.survey_id).await.unwrap().is_some(), "b's kept");

    assert!(survey::recover_draft(&store).await.unwrap().is_some());
    for form in [&a, &b] {
        let person = store.get(EntityKind::Person, form.person_id).await.unwrap();
        assert_eq!(person.unwrap().str_field("name"), form.person.name, "saved");
        assert!(store.get(EntityKind::Survey, form.survey_id).await.unwrap().is_some());
    }
    assert!(survey::pending_drafts(&store).await.unwrap().is_empty(), "all cleared");
}

/// A draft the previous version left under its single key is still opened, saved at start and
/// cleared; deleting a survey clears its own draft and only its own.
#[wasm_bindgen_test]
async fn a_draft_under_the_old_single_key_is_still_saved_and_a_discard_clears_the_right_one() {
    let store = fresh().await;
    let now = chrono::Local::now().naive_local();
    let mut old = SurveyForm::new(None, "", now);
    old.person.name = "王秀英".into();
    let legacy = survey::FormDraft::of(&old).unwrap();
    store.meta_set(meta_keys::FORM_DRAFT, &legacy).await.unwrap();
    assert!(survey::has_drafts(&store).await.unwrap());
    let shown = survey::load(&store, Some(old.survey_id), None).await.unwrap();
    assert_eq!(shown.person.name, "王秀英", "the old draft opens");
    assert_eq!(survey::recover_draft(&store).await.unwrap(), Some(old.survey_id));
    let person = store.get(EntityKind::Person, old.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("name"), "王秀英");
    assert!(!survey::has_drafts(&store).await.unwrap(), "cleared");

    // Two unfinished surveys, each with a draft; one deleted.
    let mut other = SurveyForm::new(None, "", now);
    other.person.name = "林海生".into();
    survey::persist(&store, &other).await.unwrap();
    other.survey.notes = "下午再访".into();
    survey::write_draft(&store, &other).await.unwrap();
    let mut gone = old.clone();
    gone.survey.notes = "不要了".into();
    survey::write_draft(&store, &gone).await.unwrap();
    store.meta_set(meta_keys::FORM_DRAFT, &survey::FormDraft::of(&gone).unwrap()).await.unwrap();
    survey::discard_draft(&store, old.survey_id).await.unwrap();
    assert!(survey::pending_draft_of(&store, old.survey_id).await.unwrap().is_none());
    assert!(store.meta_get::<Value>(meta_keys::FORM_DRAFT).await.unwrap().is_none());
    let kept = survey::pending_draft_of(&store, other.survey_id).await.unwrap();
    assert_eq!(kept.unwrap().1.form().unwrap().survey.notes, "下午再访", "the other's kept");
}
