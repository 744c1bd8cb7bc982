//! The outbox's second copy outside IndexedDB (the Origin Private File System), against real
//! IndexedDB and real OPFS in headless Chromium: the copy follows the outbox (queued,
//! acknowledged, refused, dismissed); a database the browser deletes is given back its unsent
//! changes once — same operation ids, records restored, the notice says recovered — also with
//! two tabs opening it at once; without OPFS, or with a copy that does not read, the app does
//! as before (the notice says what went with the database) and nothing else is lost.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "a browser test drives the page itself, outside the app's src/browser/"
)]

use field::browser::{device_mark, opfs};
use field::services::storage_loss::{self, Opened};
use field::store::Store;
use field::sync::mirror::{self, Snapshot};
use field::sync::{RejectedOp, rejected};
use serde_json::{Value, json};
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name() -> String {
    format!("outbox-mirror-{}", Uuid::new_v4())
}

fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// The copy of `name` once `done` holds for it (the copy is written after the transaction, off
/// the save's path), within 5 s.
async fn copy_when(name: &str, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
    for _ in 0..250 {
        if let Ok(Some(copy)) = mirror::read(name).await
            && done(&copy)
        {
            return copy;
        }
        sleep(20).await;
    }
    panic!("the outbox copy never got there: {:?}", mirror::read(name).await);
}

/// Close `store` and delete the copy of `name` once the store's follower has written every
/// change it was told of. The copy [`copy_when`] saw may be the follower's first write with a
/// second still open, and a file open for writing cannot be removed (NoModificationAllowedError).
async fn close_and_delete_copy(store: Store, name: &str) {
    mirror::flushed(&store).await;
    store.close();
    mirror::delete(name).await.unwrap();
}

fn queued_ids(copy: &Snapshot) -> Vec<Uuid> {
    copy.queued.iter().map(|op| op.id).collect()
}

async fn outbox_ids(store: &Store) -> Vec<Uuid> {
    store.outbox_all().await.unwrap().into_iter().map(|e| e.op.id).collect()
}

/// Deletes the database `name` (the browser discarding it), once no connection holds it.
async fn discard(name: &str) {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let request = factory.delete_database(name).unwrap();
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done).await.unwrap();
}

fn blob_of(bytes: &[u8]) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

/// A tablet with two changes queued (a person and their survey, which names three photos: one
/// taken here and not uploaded, one taken here and already at the office, one it never held)
/// and their copy written; closed. Returns the database name, the device id and the queued
/// operation ids.
async fn tablet_with_two_unsent() -> (String, Uuid, Vec<Uuid>, Uuid, Uuid) {
    device_mark::clear();
    let name = fresh_name();
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::New);
    mirror::follow(store.clone());
    let (person, survey) = (Uuid::new_v4(), Uuid::new_v4());
    store
        .save(EntityKind::Person, person, "b1", changes(&[("name", json!("王五"))]))
        .await
        .unwrap();
    let unsent = store.put_attachment(&blob_of(b"unsent"), "image/jpeg", 1, 1).await.unwrap();
    let uploaded = store.put_attachment(&blob_of(b"uploaded"), "image/jpeg", 1, 1).await.unwrap();
    store.mark_uploaded(&uploaded).await.unwrap();
    let photo = |sha256: &str| json!({"sha256": sha256, "mime": "image/jpeg", "width": 1, "height": 1, "bytes": 3});
    let photo = json!([photo(&unsent), photo(&uploaded), photo(&"ab".repeat(32))]);
    store
        .save(
            EntityKind::Survey,
            survey,
            "b1",
            changes(&[("person_id", json!(person)), ("capital", json!("10万")), ("photos", photo)]),
        )
        .await
        .unwrap();
    let ids = outbox_ids(&store).await;
    assert_eq!(ids.len(), 2);
    let copy = copy_when(&name, |c| queued_ids(c) == ids).await;
    assert_eq!(copy.photos_unsent, Some(vec![unsent]), "only the photo the office lacks");
    storage_loss::remember_pending(&store, 2);
    let device = store.device_id();
    store.close();
    (name, device, ids, person, survey)
}

#[wasm_bindgen_test]
async fn the_copy_follows_the_outbox_queued_acknowledged_refused_and_dismissed() {
    device_mark::clear();
    let name = fresh_name();
    let store = Store::open(&name).await.unwrap();
    mirror::follow(store.clone());
    let a = Uuid::new_v4();
    store.save(EntityKind::Person, a, "b1", changes(&[("name", json!("甲"))])).await.unwrap();
    let first = outbox_ids(&store).await;
    // What the form waits for before it says saved: the copy holds the change once it returns.
    mirror::flushed(&store).await;
    let copy = mirror::read(&name).await.unwrap().expect("written");
    assert_eq!(queued_ids(&copy), first);
    assert_eq!(copy.device_id, store.device_id());

    // Acknowledged: it leaves the copy.
    store.ack_ops(&first).await.unwrap();
    copy_when(&name, |c| c.queued.is_empty()).await;

    // Two more queued in a burst (one write may cover both), then one refused and kept aside.
    let (b, c) = (Uuid::new_v4(), Uuid::new_v4());
    store.save(EntityKind::Person, b, "b1", changes(&[("name", json!("乙"))])).await.unwrap();
    store.save(EntityKind::Person, c, "b1", changes(&[("name", json!("丙"))])).await.unwrap();
    let queued = store.outbox_all().await.unwrap();
    let ids: Vec<Uuid> = queued.iter().map(|e| e.op.id).collect();
    copy_when(&name, |c| queued_ids(c) == ids).await;
    let refused = RejectedOp {
        op: queued[0].op.clone(),
        code: Some("forbidden".into()),
        message: "不在本账号的支部范围内".into(),
        said: None,
        at_ms: 0.0,
        on_tablet: false,
    };
    rejected::set_aside(&store, vec![(queued[0].key, refused)]).await.unwrap();
    let copy = copy_when(&name, |c| queued_ids(c) == ids[1..] && c.refused.len() == 1).await;
    assert_eq!(copy.refused[0].op.id, ids[0], "a refused change is still not at the office");
    assert_eq!(copy.operations().len(), 2);

    // Dismissed on purpose: gone from the copy too.
    rejected::dismiss(&store, &[ids[0]]).await.unwrap();
    copy_when(&name, |c| c.refused.is_empty() && queued_ids(c) == ids[1..]).await;
    close_and_delete_copy(store, &name).await;
}

/// Two tabs on one database, each writing the copy after its own changes: one that read the
/// outbox before the other's save (and writes its snapshot only now) does not leave the copy
/// without that save. Tab A is played here: it holds the copy's lock from its read to its write.
#[wasm_bindgen_test]
async fn a_tab_writing_an_older_snapshot_does_not_leave_the_copy_without_the_other_tabs_save() {
    use field::browser::locks::{Hold, try_hold};
    device_mark::clear();
    let name = fresh_name();
    let tab_a = Store::open(&name).await.unwrap();
    let tab_b = Store::open(&name).await.unwrap();
    let a = Uuid::new_v4();
    tab_a.save(EntityKind::Person, a, "b1", changes(&[("name", json!("甲"))])).await.unwrap();
    // Tab A begins its write: the outbox as it is now (its own change only).
    let Hold::Held(writing) = try_hold(&mirror::copy_lock(&name)).await else {
        panic!("the copy's lock is free")
    };
    let older = mirror::snapshot(&tab_a).await.unwrap();
    assert_eq!(older.queued.len(), 1);
    // Tab B saves and writes the copy meanwhile.
    let b = Uuid::new_v4();
    tab_b.save(EntityKind::Person, b, "b1", changes(&[("name", json!("乙"))])).await.unwrap();
    let (done, b_wrote) = futures::channel::oneshot::channel();
    let writer = tab_b.clone();
    wasm_bindgen_futures::spawn_local(async move {
        drop(done.send(mirror::write(&writer).await));
    });
    sleep(300).await;
    // Tab A's write ends with the older snapshot, then lets go.
    let text = serde_json::to_string(&older).unwrap();
    opfs::write(mirror::DIR, &format!("{name}.json"), &text).await.unwrap();
    drop(writing);
    assert_eq!(b_wrote.await.unwrap().unwrap(), 2, "tab B's write read both changes");
    let copy = mirror::read(&name).await.unwrap().unwrap();
    let records: Vec<Uuid> = copy.queued.iter().map(|op| op.entity_id).collect();
    assert!(records.contains(&b), "tab B's save is in the copy: {records:?}");
    assert!(records.contains(&a));
    tab_b.close();
    close_and_delete_copy(tab_a, &name).await;
}

/// A tab whose write of the copy never ends (its file system stuck, the tab frozen mid-write)
/// keeps the copy's lock: another tab's write waits for it at most 5 s, then is written anyway.
#[wasm_bindgen_test]
async fn a_copy_write_that_never_ends_in_another_tab_holds_this_tabs_up_only_a_while() {
    use field::browser::locks::{Hold, try_hold};
    device_mark::clear();
    let name = fresh_name();
    let store = Store::open(&name).await.unwrap();
    let Hold::Held(stuck) = try_hold(&mirror::copy_lock(&name)).await else {
        panic!("the copy's lock is free")
    };
    let a = Uuid::new_v4();
    store.save(EntityKind::Person, a, "b1", changes(&[("name", json!("甲"))])).await.unwrap();
    let began = js_sys::Date::now();
    assert_eq!(mirror::write(&store).await.unwrap(), 1);
    let waited = js_sys::Date::now() - began;
    assert!((4_500.0..15_000.0).contains(&waited), "waited {waited} ms for the other tab");
    let copy = mirror::read(&name).await.unwrap().unwrap();
    assert_eq!(copy.queued[0].entity_id, a);
    drop(stuck);
    close_and_delete_copy(store, &name).await;
}

#[wasm_bindgen_test]
async fn a_database_deleted_under_the_app_gets_its_unsent_changes_back_once() {
    let (name, device, ids, person, survey) = tablet_with_two_unsent().await;
    discard(&name).await;

    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::Discarded { device_id: device, pending_before: 2 });
    assert_eq!(store.device_id(), device);
    assert_eq!(outbox_ids(&store).await, ids, "queued again, in order, under the same ids");
    // The surveyor sees the work again.
    let p = store.get(EntityKind::Person, person).await.unwrap().expect("the person is back");
    assert_eq!(p.get("name"), Some(&json!("王五")));
    let s = store.get(EntityKind::Survey, survey).await.unwrap().expect("the survey is back");
    assert_eq!(s.get("capital"), Some(&json!("10万")));
    let notice = storage_loss::notice(&store).await.unwrap().expect("the notice is kept");
    assert_eq!(notice.recovered, Some(2));
    assert_eq!(notice.pending_before, 2);
    assert_eq!(
        notice.photos_missing, 1,
        "the one photo not uploaded was only in the discarded database (the office has the other, \
         and the third was never this tablet's to send)"
    );
    // Tried again (another start, the shell): nothing queued twice.
    assert_eq!(storage_loss::recover(store.clone()).await, 2);
    store.close();
    let (again, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::Known);
    assert_eq!(outbox_ids(&again).await, ids, "each recovered change queued once");
    // The copy follows the recovered outbox from here; read, the notice is gone.
    mirror::follow(again.clone());
    again.ack_ops(&ids[..1]).await.unwrap();
    copy_when(&name, |c| queued_ids(c) == ids[1..]).await;
    storage_loss::acknowledge(&again).await.unwrap();
    assert_eq!(storage_loss::notice(&again).await.unwrap(), None);
    close_and_delete_copy(again, &name).await;
    device_mark::clear();
}

/// Makes every `IDBObjectStore.add` throw as a full disk does (the outbox's queueing uses it).
fn fill_the_disk() -> JsValue {
    replace_method(
        "IDBObjectStore",
        "add",
        "throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');",
    )
}

fn free_the_disk(original: &JsValue) {
    put_back("IDBObjectStore", "add", original);
}

#[wasm_bindgen_test]
async fn a_recovery_that_fails_says_it_is_pending_keeps_the_copy_and_finishes_at_the_next_start() {
    let (name, device, ids, person, _) = tablet_with_two_unsent().await;
    let before = mirror::read(&name).await.unwrap().unwrap();
    discard(&name).await;

    // The disk is full: nothing can be queued again.
    let original = fill_the_disk();
    let opened = storage_loss::open(&name).await;
    free_the_disk(&original);
    let (store, opened) = opened.unwrap();
    assert_eq!(opened, Opened::Discarded { device_id: device, pending_before: 2 });
    let notice = storage_loss::notice(&store).await.unwrap().expect("the notice is kept");
    assert_eq!(notice.recovered, None, "not recovered yet: said as pending, not as lost");
    assert_eq!(store.outbox_len().await.unwrap(), 0);

    // Dismissed anyway (an older shell's button), the disk freed, the surveyor saves something
    // new: the copy still holds the discarded database's changes, not written over.
    storage_loss::acknowledge(&store).await.unwrap();
    mirror::follow(store.clone());
    let other = Uuid::new_v4();
    store.save(EntityKind::Person, other, "b1", changes(&[("name", json!("己"))])).await.unwrap();
    let new_op = outbox_ids(&store).await;
    assert_eq!(new_op.len(), 1);
    sleep(300).await;
    assert_eq!(mirror::read(&name).await.unwrap().unwrap(), before, "the copy is kept as it was");
    store.close();

    // The next start takes them back, says so again, and the copy follows the whole outbox.
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::Known);
    let queued = outbox_ids(&store).await;
    assert_eq!(queued.len(), 3);
    assert!(ids.iter().chain(&new_op).all(|id| queued.contains(id)));
    assert!(store.get(EntityKind::Person, person).await.unwrap().is_some());
    let notice = storage_loss::notice(&store).await.unwrap().expect("said again once done");
    assert_eq!(notice.recovered, Some(2));
    mirror::follow(store.clone());
    copy_when(&name, |c| c.queued.len() == 3).await;
    // Done: another start does nothing more.
    assert_eq!(storage_loss::recover(store.clone()).await, 2);
    assert_eq!(store.outbox_len().await.unwrap(), 3);
    close_and_delete_copy(store, &name).await;
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn refused_changes_in_the_copy_come_back_among_the_refusals_not_queued() {
    device_mark::clear();
    let name = fresh_name();
    let (store, _) = storage_loss::open(&name).await.unwrap();
    mirror::follow(store.clone());
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    store.save(EntityKind::Person, a, "b9", changes(&[("name", json!("庚"))])).await.unwrap();
    store
        .save(EntityKind::Person, a, "b9", changes(&[("phone", json!("13800000000"))]))
        .await
        .unwrap();
    store.save(EntityKind::Person, b, "b1", changes(&[("name", json!("辛"))])).await.unwrap();
    let queued = store.outbox_all().await.unwrap();
    let refusal = |e: &field::store::OutboxEntry| RejectedOp {
        op: e.op.clone(),
        code: Some("forbidden".into()),
        message: "不在本账号的支部范围内".into(),
        said: None,
        at_ms: 0.0,
        on_tablet: false,
    };
    let aside = vec![(queued[0].key, refusal(&queued[0])), (queued[1].key, refusal(&queued[1]))];
    rejected::set_aside(&store, aside).await.unwrap();
    let sent_id = queued[2].op.id;
    copy_when(&name, |c| c.refused.len() == 2 && queued_ids(c) == [sent_id]).await;
    let device = store.device_id();
    store.close();
    discard(&name).await;
    device_mark::clear(); // the mark gone too: the copy says what waited, in records

    // Two tabs open it at once: each change back once, in its place.
    let (x, y) = futures::join!(storage_loss::open(&name), storage_loss::open(&name));
    let ((store, opened), (other, _)) = (x.unwrap(), y.unwrap());
    assert_eq!(
        opened,
        Opened::Discarded { device_id: device, pending_before: 2 },
        "3 changes of 2 records: 2 records waited"
    );
    other.close();
    assert_eq!(outbox_ids(&store).await, [sent_id], "only what was queued is queued again");
    let kept = rejected::list(&store).await.unwrap();
    let kept_ids: Vec<Uuid> = kept.iter().map(|r| r.op.id).collect();
    assert_eq!(kept_ids, [queued[0].op.id, queued[1].op.id], "back among the refusals");
    assert_eq!(kept[0].message, "不在本账号的支部范围内", "with the server's reason");
    let record = store.get(EntityKind::Person, a).await.unwrap().expect("the record is back");
    assert_eq!(record.get("phone"), Some(&json!("13800000000")), "to be corrected and resubmitted");
    let notice = storage_loss::notice(&store).await.unwrap().unwrap();
    assert_eq!((notice.recovered, notice.refused_restored), (Some(1), 2));
    assert_eq!(storage_loss::recover(store.clone()).await, 1, "done: nothing more");
    assert_eq!(outbox_ids(&store).await, [sent_id]);
    assert_eq!(rejected::list(&store).await.unwrap().len(), 2);
    close_and_delete_copy(store, &name).await;
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn with_the_mark_gone_too_the_copy_names_the_device_and_its_changes_come_back() {
    let (name, device, ids, person, _) = tablet_with_two_unsent().await;
    discard(&name).await;
    device_mark::clear(); // the browser discarded localStorage with the database
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::Discarded { device_id: device, pending_before: 2 });
    assert_eq!(store.device_id(), device, "the office knows the tablet by its old id");
    assert_eq!(outbox_ids(&store).await, ids);
    assert!(store.get(EntityKind::Person, person).await.unwrap().is_some());
    let notice = storage_loss::notice(&store).await.unwrap().unwrap();
    assert_eq!(notice.recovered, Some(2));
    store.close();
    mirror::delete(&name).await.unwrap();
    // A new tablet (no mark, no copy) is still just new.
    device_mark::clear();
    let (fresh, opened) = storage_loss::open(&fresh_name()).await.unwrap();
    assert_eq!(opened, Opened::New);
    assert_eq!(storage_loss::notice(&fresh).await.unwrap(), None);
    fresh.close();
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn two_tabs_opening_the_deleted_database_at_once_queue_each_change_once() {
    let (name, device, ids, _, _) = tablet_with_two_unsent().await;
    discard(&name).await;
    let (a, b) = futures::join!(storage_loss::open(&name), storage_loss::open(&name));
    let ((a, _), (b, _)) = (a.unwrap(), b.unwrap());
    assert_eq!((a.device_id(), b.device_id()), (device, device));
    // And both try the recovery again at once (two shells): still once.
    let (ra, rb) =
        futures::join!(storage_loss::recover(a.clone()), storage_loss::recover(b.clone()));
    assert_eq!((ra, rb), (2, 2));
    assert_eq!(outbox_ids(&a).await, ids);
    assert_eq!(outbox_ids(&b).await, ids);
    let notice = storage_loss::notice(&b).await.unwrap().unwrap();
    assert_eq!(notice.recovered, Some(2));
    a.close();
    b.close();
    mirror::delete(&name).await.unwrap();
    device_mark::clear();
}

/// Replaces `method` of the browser's class `class` (its prototype) by a function of `body`,
/// as a browser lacking it or a full disk makes it fail; returns the original to put back with
/// [`put_back`].
fn replace_method(class: &str, method: &str, body: &str) -> JsValue {
    let prototype = prototype_of(class);
    let original = js_sys::Reflect::get(&prototype, &method.into()).unwrap();
    let replaced = js_sys::Function::new_no_args(body);
    js_sys::Reflect::set(&prototype, &method.into(), &replaced).unwrap();
    original
}

fn put_back(class: &str, method: &str, original: &JsValue) {
    js_sys::Reflect::set(&prototype_of(class), &method.into(), original).unwrap();
}

fn prototype_of(class: &str) -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &class.into())
        .and_then(|c| js_sys::Reflect::get(&c, &"prototype".into()))
        .unwrap()
}

/// Makes `navigator.storage.getDirectory()` reject as a browser without OPFS for the page does
/// (Firefox's private windows: `SecurityError`).
fn take_opfs_away() -> JsValue {
    replace_method(
        "StorageManager",
        "getDirectory",
        "return Promise.reject(new DOMException('The operation is insecure.', 'SecurityError'));",
    )
}

fn give_opfs_back(original: &JsValue) {
    put_back("StorageManager", "getDirectory", original);
}

#[wasm_bindgen_test]
async fn without_opfs_the_app_saves_and_says_what_was_lost_as_before() {
    device_mark::clear();
    let original = take_opfs_away();
    let name = fresh_name();
    let (store, _) = storage_loss::open(&name).await.unwrap();
    mirror::follow(store.clone());
    let id = Uuid::new_v4();
    store.save(EntityKind::Person, id, "b1", changes(&[("name", json!("丁"))])).await.unwrap();
    assert!(matches!(
        mirror::write(&store).await,
        Err(mirror::MirrorError::Opfs(opfs::OpfsError::Unavailable(_)))
    ));
    sleep(100).await; // the follower's write fails (logged), nothing else happens
    assert_eq!(store.outbox_len().await.unwrap(), 1, "the save itself is not touched");
    storage_loss::remember_pending(&store, 1);
    store.close();
    discard(&name).await;
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    give_opfs_back(&original);
    assert!(matches!(opened, Opened::Discarded { pending_before: 1, .. }));
    let notice = storage_loss::notice(&store).await.unwrap().unwrap();
    assert_eq!(notice.recovered, Some(0), "tried, nothing to take back: said as lost");
    assert_eq!(notice.pending_before, 1);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    store.close();
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn a_copy_that_does_not_read_is_ignored_and_nothing_else_is_lost() {
    let (name, _, _, _, _) = tablet_with_two_unsent().await;
    // Cut short (as a file written by hand or damaged would be; the app's writes replace the
    // file whole).
    let text = opfs::read(mirror::DIR, &format!("{name}.json")).await.unwrap().unwrap();
    opfs::write(mirror::DIR, &format!("{name}.json"), &text[..text.len() / 2]).await.unwrap();
    assert!(matches!(mirror::read(&name).await, Err(mirror::MirrorError::Corrupt(_))));
    discard(&name).await;
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert!(matches!(opened, Opened::Discarded { pending_before: 2, .. }));
    let notice = storage_loss::notice(&store).await.unwrap().unwrap();
    assert_eq!(notice.recovered, Some(0));
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    // The tablet works on: a new save is queued and the copy is whole again.
    mirror::follow(store.clone());
    store
        .save(EntityKind::Person, Uuid::new_v4(), "b1", changes(&[("name", json!("戊"))]))
        .await
        .unwrap();
    let ids = outbox_ids(&store).await;
    copy_when(&name, |c| queued_ids(c) == ids).await;
    close_and_delete_copy(store, &name).await;
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn figures_what_the_copy_costs() {
    device_mark::clear();
    for size in [10usize, 100, 500] {
        let name = fresh_name();
        let store = Store::open(&name).await.unwrap();
        for i in 0..size {
            let fields =
                changes(&[("name", json!(format!("成员{i}"))), ("notes", json!("x".repeat(200)))]);
            store.save(EntityKind::Person, Uuid::new_v4(), "b1", fields).await.unwrap();
        }
        let t = js_sys::Date::now();
        for _ in 0..5 {
            mirror::write(&store).await.unwrap();
        }
        let write_ms = (js_sys::Date::now() - t) / 5.0;
        let bytes = opfs::read(mirror::DIR, &format!("{name}.json")).await.unwrap().unwrap().len();
        // A save's own time, then a save until the copy holds it (what the form waits for),
        // without and with the copy following; 20 saves of one record each, back to back.
        let id = Uuid::new_v4();
        let time_saves = |store: Store, flush: bool| async move {
            let t = js_sys::Date::now();
            for i in 0..20 {
                store
                    .save(EntityKind::Person, id, "b1", changes(&[("notes", json!(i))]))
                    .await
                    .unwrap();
                if flush {
                    mirror::flushed(&store).await;
                }
            }
            (js_sys::Date::now() - t) / 20.0
        };
        let without = time_saves(store.clone(), false).await;
        mirror::follow(store.clone());
        sleep(200).await;
        let with = time_saves(store.clone(), false).await;
        sleep(200).await;
        let flushed = time_saves(store.clone(), true).await;
        console_log!(
            "MIRROR-FIGURE queued={size} bytes={bytes} write_ms={write_ms:.1} save_ms without={without:.2} with={with:.2} save_until_copied_ms={flushed:.2}"
        );
        store.close();
        mirror::delete(&name).await.unwrap();
    }
}
