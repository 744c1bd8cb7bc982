//! The local database against real IndexedDB in headless Chromium. Each test uses a fresh
//! database name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use field::logic::people::{ListedPerson, ListedSurvey};
use field::store::schema::{self, OUTBOX, PEOPLE, SURVEYS};
use field::store::{Store, StoreError, codec, meta_keys};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, ListedRecord, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod old_form;
use old_form::stored_before_38;

fn fresh_name() -> String {
    format!("test-{}", Uuid::new_v4())
}

async fn fresh() -> Store {
    Store::open(&fresh_name()).await.expect("open a fresh database")
}

fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Put `(store, value, key)` entries into `db` without the Store API, in one transaction, as an
/// older version of the app left them (`key`: for stores without a key path).
async fn put_raw(db: &Database, entries: Vec<(&str, JsValue, Option<&str>)>) {
    let mut stores: Vec<&str> = entries.iter().map(|(store, _, _)| *store).collect();
    stores.dedup();
    let tx = db.transaction(stores).with_mode(TransactionMode::Readwrite).build().unwrap();
    for (store, value, key) in entries {
        let store = tx.object_store(store).unwrap();
        match key {
            Some(key) => {
                store
                    .put(value)
                    .with_key(JsValue::from_str(key))
                    .primitive()
                    .unwrap()
                    .await
                    .unwrap();
            }
            None => store.put(value).primitive().unwrap().await.unwrap(),
        }
    }
    tx.commit().await.unwrap();
}

#[wasm_bindgen_test]
async fn save_writes_record_outbox_and_history_together() {
    let store = fresh().await;
    store.set_author("张三").await.unwrap();
    let id = Uuid::now_v7();
    let saved = store
        .save(
            EntityKind::Person,
            id,
            "b1",
            changes(&[("name", json!("李四")), ("birth_year", json!(1970))]),
        )
        .await
        .unwrap();
    assert_eq!(saved.str_field("name"), "李四");

    let stored = store.get(EntityKind::Person, id).await.unwrap().expect("record stored");
    assert_eq!(stored, saved);
    assert_eq!(stored.branch_id, "b1");
    assert_eq!(stored.meta["name"].author, "张三");

    assert_eq!(store.outbox_len().await.unwrap(), 1);
    let batch = store.outbox_batch(10).await.unwrap();
    assert_eq!(batch.len(), 1);
    let op = &batch[0].op;
    assert_eq!(op.entity_id, id);
    assert_eq!(op.author, "张三");
    assert_eq!(op.device_id, store.device_id());
    assert_eq!(op.hlc, stored.updated);
    let mut fields: Vec<&str> = op.changes.iter().map(|c| c.field.as_str()).collect();
    shared::order::sort(&mut fields);
    assert_eq!(fields, ["birth_year", "name"]);

    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].author, "张三");
}

#[wasm_bindgen_test]
async fn unchanged_values_make_no_operation_and_edits_carry_their_base() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let first = store
        .save(
            EntityKind::Survey,
            id,
            "b1",
            changes(&[("capital", json!("10万")), ("boats", json!("2艘"))]),
        )
        .await
        .unwrap();
    // Autosave sends every field again: nothing changed, nothing queued.
    store
        .save(
            EntityKind::Survey,
            id,
            "b1",
            changes(&[("capital", json!("10万")), ("boats", json!("2艘"))]),
        )
        .await
        .unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 1);

    let second = store
        .save(
            EntityKind::Survey,
            id,
            "b1",
            changes(&[("capital", json!("20万")), ("boats", json!("2艘"))]),
        )
        .await
        .unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 2);
    let batch = store.outbox_batch(10).await.unwrap();
    let edit = &batch[1].op;
    assert_eq!(edit.changes.len(), 1, "only the changed field is sent");
    assert_eq!(edit.changes[0].field, "capital");
    assert_eq!(edit.changes[0].base.as_ref(), Some(&first.meta["capital"].clock));
    assert!(second.updated > first.updated);
    assert!(batch[0].key < batch[1].key, "outbox keeps the order of the changes");
}

#[wasm_bindgen_test]
async fn a_failed_write_leaves_neither_record_nor_outbox_entry() {
    let store = fresh().await;
    let ctx = OpContext { device_id: store.device_id(), author: "t".into() };
    let a = Uuid::now_v7();
    let op_a = Operation::upsert(
        &ctx,
        Hlc::new(1_000, 0, "x"),
        EntityKind::Person,
        a,
        "b1",
        None,
        changes(&[("name", json!("甲"))]),
    );
    store.commit_local(op_a.clone()).await.unwrap();

    // Same operation id, other record: the record put succeeds inside the transaction, then the
    // outbox add hits the unique op-id index and the whole transaction rolls back.
    let b = Uuid::now_v7();
    let mut op_b = Operation::upsert(
        &ctx,
        Hlc::new(2_000, 0, "x"),
        EntityKind::Person,
        b,
        "b1",
        None,
        changes(&[("name", json!("乙"))]),
    );
    op_b.id = op_a.id;
    let err = store.commit_local(op_b).await.unwrap_err();
    assert_eq!(err, StoreError::DuplicateOperation);

    assert_eq!(
        store.get(EntityKind::Person, b).await.unwrap(),
        None,
        "record write was rolled back"
    );
    assert_eq!(store.outbox_len().await.unwrap(), 1);
    assert!(store.history(b).await.unwrap().is_empty());
    assert_eq!(store.get(EntityKind::Person, a).await.unwrap().unwrap().str_field("name"), "甲");
}

#[wasm_bindgen_test]
async fn upgrade_from_version_1_keeps_the_data() {
    let name = fresh_name();
    let person_id = Uuid::now_v7();
    let device_id = Uuid::new_v4();
    {
        let db = schema::open_at(&name, 1).await.unwrap();
        assert_eq!(db.version() as u32, 1);
        let names: Vec<String> = db.object_store_names().collect();
        assert!(!names.contains(&"records".to_owned()), "v1 has no records store: {names:?}");
        // Raw v1 data, written without the Store API.
        let mut record = Record::new(EntityKind::Person, person_id, "b7");
        record.fields.insert("name".into(), json!("王五"));
        let op = Operation::upsert(
            &OpContext { device_id, author: "旧版".into() },
            Hlc::new(5, 0, "old"),
            EntityKind::Person,
            person_id,
            "b7",
            None,
            changes(&[("name", json!("王五"))]),
        );
        put_raw(
            &db,
            vec![
                (PEOPLE, stored_before_38(&record), None),
                (OUTBOX, stored_before_38(&op), None),
                (schema::META, stored_before_38(&device_id), Some(meta_keys::DEVICE_ID)),
            ],
        )
        .await;
        db.close();
    }

    let store = Store::open(&name).await.unwrap();
    let person = store.get(EntityKind::Person, person_id).await.unwrap().expect("v1 person kept");
    assert_eq!(person.str_field("name"), "王五");
    assert_eq!(store.outbox_len().await.unwrap(), 1, "v1 outbox kept");
    assert_eq!(store.device_id(), device_id, "device identity kept");
    // The stores added by later versions work.
    let candidate = Uuid::now_v7();
    store
        .save(EntityKind::Candidate, candidate, "b7", changes(&[("year", json!(2013))]))
        .await
        .unwrap();
    assert_eq!(store.list(EntityKind::Candidate).await.unwrap().len(), 1);
    let listed = store.listing(EntityKind::Candidate).await.unwrap();
    assert_eq!(
        (listed.len(), listed[0].id, listed[0].fields["year"].clone()),
        (1, candidate, json!(2013))
    );
    assert_eq!(store.history(candidate).await.unwrap().len(), 1);
    assert_eq!(store.outbox_len().await.unwrap(), 2);
}

#[wasm_bindgen_test]
async fn two_devices_converge_after_exchanging_operations() {
    let a = fresh().await;
    let b = fresh().await;
    a.set_author("甲").await.unwrap();
    b.set_author("乙").await.unwrap();
    let id = Uuid::now_v7();
    // Both edit the same fields without seeing each other.
    a.save(
        EntityKind::Survey,
        id,
        "b1",
        changes(&[("capital", json!("A的资金")), ("boats", json!("1艘"))]),
    )
    .await
    .unwrap();
    b.save(
        EntityKind::Survey,
        id,
        "b1",
        changes(&[("capital", json!("B的资金")), ("trade", json!("水产"))]),
    )
    .await
    .unwrap();

    let ops_a: Vec<Operation> =
        a.outbox_batch(100).await.unwrap().into_iter().map(|e| e.op).collect();
    let ops_b: Vec<Operation> =
        b.outbox_batch(100).await.unwrap().into_iter().map(|e| e.op).collect();
    let on_a = a.apply_remote(&ops_b).await.unwrap();
    let on_b = b.apply_remote(&ops_a).await.unwrap();

    let ra = a.get(EntityKind::Survey, id).await.unwrap().unwrap();
    let rb = b.get(EntityKind::Survey, id).await.unwrap().unwrap();
    assert_eq!(ra, rb, "same record on both devices");
    assert_eq!(ra.str_field("boats"), "1艘");
    assert_eq!(ra.str_field("trade"), "水产");
    assert_eq!(on_a.conflicts.len(), 1);
    assert_eq!(on_a.conflicts, on_b.conflicts, "same conflict, same id, on both devices");
    assert_eq!(a.conflicts().await.unwrap(), b.conflicts().await.unwrap());
    // Remote operations never enter the outbox.
    assert_eq!(a.outbox_len().await.unwrap(), 1);

    // Applying the same operations again changes nothing.
    let again = a.apply_remote(&ops_b).await.unwrap();
    assert_eq!(again.changed_records, 0);
    assert_eq!(a.get(EntityKind::Survey, id).await.unwrap().unwrap(), ra);

    // The clock moved past everything seen: the next local edit wins over both.
    let next = a
        .save(EntityKind::Survey, id, "b1", changes(&[("capital", json!("合并后"))]))
        .await
        .unwrap();
    assert!(next.meta["capital"].clock > rb.updated);
    assert_eq!(a.history(id).await.unwrap().len(), 3);
}

#[wasm_bindgen_test]
async fn ack_removes_acknowledged_operations_only() {
    let store = fresh().await;
    for i in 0..3 {
        store
            .save(
                EntityKind::Person,
                Uuid::now_v7(),
                "b1",
                changes(&[("name", json!(format!("人{i}")))]),
            )
            .await
            .unwrap();
    }
    let first_two = store.outbox_batch(2).await.unwrap();
    assert_eq!(first_two.len(), 2);
    assert_eq!(first_two[0].op.changes[0].value, json!("人0"));
    store.ack(&first_two.iter().map(|e| e.key).collect::<Vec<_>>()).await.unwrap();
    let rest = store.outbox_batch(10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].op.changes[0].value, json!("人2"));
    store.ack_ops(&[Uuid::now_v7(), rest[0].op.id]).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);
}

#[wasm_bindgen_test]
async fn history_keeps_each_operation_once_from_save_through_ack_and_pull_back() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    for name in ["甲", "乙", "丙"] {
        store.save(EntityKind::Person, id, "b1", changes(&[("name", json!(name))])).await.unwrap();
    }
    let names = |h: &[field::store::HistoryEntry]| -> Vec<Value> {
        h.iter().map(|e| e.changes[0].1.clone()).collect()
    };
    // Queued only: read from the outbox, newest first.
    let queued = store.outbox_batch(10).await.unwrap();
    assert_eq!(names(&store.history(id).await.unwrap()), [json!("丙"), json!("乙"), json!("甲")]);

    // Acknowledged one by key and one by id: moved into history, still listed once.
    store.ack(&[queued[0].key]).await.unwrap();
    store.ack_ops(&[queued[1].op.id]).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 1);
    assert_eq!(names(&store.history(id).await.unwrap()), [json!("丙"), json!("乙"), json!("甲")]);
    assert_eq!(store.all_operations().await.unwrap().len(), 3);

    // The server sends them all back on the next pull: still once each.
    let ops: Vec<Operation> = queued.iter().map(|e| e.op.clone()).collect();
    store.apply_remote(&ops).await.unwrap();
    store.ack(&[queued[2].key]).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    let history = store.history(id).await.unwrap();
    assert_eq!(names(&history), [json!("丙"), json!("乙"), json!("甲")]);
    let all: Vec<Uuid> = store.all_operations().await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(all, ops.iter().map(|o| o.id).collect::<Vec<_>>(), "oldest clock first");
}

#[wasm_bindgen_test]
async fn upgrade_from_version_3_reads_old_operations_once_and_writes_the_new_form() {
    // Before saves stopped writing history, a queued local operation was in both the outbox and
    // history (written raw here, in that version's object form).
    let name = fresh_name();
    let device_id = Uuid::new_v4();
    let id = Uuid::now_v7();
    let op = Operation::upsert(
        &OpContext { device_id, author: "旧版".into() },
        Hlc::new(7, 0, "old"),
        EntityKind::Person,
        id,
        "b7",
        None,
        changes(&[("name", json!("赵六")), ("phone", Value::Null)]),
    );
    {
        let db = schema::open_at(&name, 3).await.unwrap();
        put_raw(
            &db,
            vec![
                (OUTBOX, stored_before_38(&op), None),
                (schema::HISTORY, stored_before_38(&op), None),
            ],
        )
        .await;
        db.close();
    }
    let store = Store::open(&name).await.unwrap();
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].author, "旧版");
    assert_eq!(store.all_operations().await.unwrap(), std::slice::from_ref(&op));
    let queued = store.outbox_batch(10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].op, op);
    store.ack(&[queued[0].key]).await.unwrap();
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(store.history(id).await.unwrap().len(), 1);
    // A new edit after the upgrade (written in the version 4 form) is listed beside the old one.
    store.save(EntityKind::Person, id, "b7", changes(&[("name", json!("赵七"))])).await.unwrap();
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].changes, [("name".to_owned(), json!("赵七"))]);
    // A pulled operation goes to the store version 4 added.
    let remote = Operation::upsert(
        &OpContext { device_id: Uuid::new_v4(), author: "乙".into() },
        Hlc::new(9_999_999_999_999, 0, "tabletB"),
        EntityKind::Person,
        id,
        "b7",
        None,
        changes(&[("phone", json!("13800000000"))]),
    );
    store.apply_remote(std::slice::from_ref(&remote)).await.unwrap();
    let history = store.history(id).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].author, "乙");
    assert_eq!(store.all_operations().await.unwrap().len(), 3);
    store.close();
    let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
    assert_eq!(db.version() as u32, schema::CURRENT_VERSION);
    db.close();
}

#[wasm_bindgen_test]
async fn a_pulled_page_and_its_cursor_are_stored_together() {
    let store = fresh().await;
    let ctx = OpContext { device_id: Uuid::new_v4(), author: "乙".into() };
    let id = Uuid::now_v7();
    let person = Uuid::now_v7();
    let op = Operation::upsert(
        &ctx,
        Hlc::new(3_000, 0, "tabletB"),
        EntityKind::Survey,
        id,
        "b1",
        None,
        changes(&[("person_id", json!(person.to_string())), ("capital", json!("5万"))]),
    );
    let outcome = store.apply_remote_page(std::slice::from_ref(&op), 17).await.unwrap();
    assert_eq!(outcome.changed_records, 1);
    assert_eq!(store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(17));
    // Written through JSON.parse, the record is still found by its index.
    assert_eq!(store.surveys_of(person).await.unwrap().len(), 1);
    assert_eq!(store.history(id).await.unwrap().len(), 1);
    assert_eq!(store.all_operations().await.unwrap(), [op]);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    // An empty last page still moves the cursor.
    store.apply_remote_page(&[], 18).await.unwrap();
    assert_eq!(store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(18));
}

/// Found by the order trial (tests/order.rs): a later delete after an earlier tombstone moves
/// the record's latest clock without changing a field; the store wrote back only records the
/// merge said changed, and kept an older `updated` than the server and every other order.
#[wasm_bindgen_test]
async fn a_later_delete_pulled_after_an_earlier_one_is_stored_as_the_merge_made_it() {
    let store = fresh().await;
    let ctx = OpContext { device_id: Uuid::new_v4(), author: "乙".into() };
    let id = Uuid::now_v7();
    let create = Operation::upsert(
        &ctx,
        Hlc::new(3_000, 0, "tabletB"),
        EntityKind::Inspection,
        id,
        "b1",
        None,
        changes(&[("place", json!("东村"))]),
    );
    let record = shared::merge::apply(None, &create).record;
    let earlier = Operation::delete(&ctx, Hlc::new(4_000, 0, "tabletB"), &record);
    let later = Operation::delete(&ctx, Hlc::new(5_000, 0, "tabletC"), &record);
    store.apply_remote_page(&[create.clone(), earlier.clone()], 1).await.unwrap();
    let outcome = store.apply_remote_page(std::slice::from_ref(&later), 2).await.unwrap();
    assert_eq!(outcome.changed_records, 1);
    let mut expected = None;
    for op in [&create, &earlier, &later] {
        expected = Some(shared::merge::apply(expected, op).record);
    }
    let stored = store.get(EntityKind::Inspection, id).await.unwrap().unwrap();
    assert_eq!(stored, expected.unwrap());
    assert_eq!((stored.deleted, stored.updated), (Some(earlier.hlc), later.hlc));
}

#[wasm_bindgen_test]
async fn two_tabs_saving_the_same_record_keep_one_increasing_clock() {
    // Two connections to one database, as two tabs of the app: each remembers what it last
    // wrote, and a save made from a stale memory must notice and start again from the stored
    // state.
    let name = fresh_name();
    let tab_a = Store::open(&name).await.unwrap();
    let tab_b = Store::open(&name).await.unwrap();
    let id = Uuid::now_v7();
    let save = |store: &Store, value: &str| {
        let store = store.clone();
        let value = value.to_owned();
        async move {
            store
                .save(EntityKind::Survey, id, "b1", changes(&[("capital", json!(value))]))
                .await
                .unwrap()
        }
    };
    let first = save(&tab_a, "1万").await;
    let second = save(&tab_a, "2万").await;
    let third = save(&tab_b, "3万").await;
    // Tab A's memory (its clock and the record at "2万") is now stale.
    let fourth = save(&tab_a, "4万").await;
    let fifth = save(&tab_b, "5万").await;

    let ops: Vec<Operation> =
        tab_a.outbox_batch(10).await.unwrap().into_iter().map(|e| e.op).collect();
    assert_eq!(ops.len(), 5);
    for pair in ops.windows(2) {
        assert!(pair[0].hlc < pair[1].hlc, "clocks strictly increase: {:?}", pair);
    }
    let stored = tab_b.get(EntityKind::Survey, id).await.unwrap().unwrap();
    assert_eq!(stored.str_field("capital"), "5万");
    assert_eq!(stored, fifth);
    // Each edit saw the one before it, whichever tab made it.
    for (op, before) in ops[1..].iter().zip([&first, &second, &third, &fourth]) {
        assert_eq!(op.changes[0].base.as_ref(), Some(&before.meta["capital"].clock));
    }
}

/// A save built from this tab's memory must not commit over what another tab wrote: a record it
/// has never seen (its add collides) or a pull merged by the other tab (the write token moved).
#[wasm_bindgen_test]
async fn a_save_from_memory_never_overwrites_what_another_tab_wrote() {
    let name = fresh_name();
    let tab_a = Store::open(&name).await.unwrap();
    let tab_b = Store::open(&name).await.unwrap();
    let survey = |store: &Store, id: Uuid, field: &str, value: &str| {
        let (store, field, value) = (store.clone(), field.to_owned(), value.to_owned());
        async move {
            store
                .save(EntityKind::Survey, id, "b1", changes(&[(&field, json!(value))]))
                .await
                .unwrap()
        }
    };

    // Tab B creates X. Tab A then saves Y, so A's memory is current, but A has never seen X.
    let x = Uuid::now_v7();
    let by_b = survey(&tab_b, x, "trade", "水产").await;
    survey(&tab_a, Uuid::now_v7(), "trade", "养殖").await;
    let by_a = survey(&tab_a, x, "capital", "5万").await;
    assert_eq!(by_a.str_field("trade"), "水产", "B's field kept");
    assert_eq!(by_a.str_field("capital"), "5万");
    let ops: Vec<Operation> =
        tab_a.outbox_batch(10).await.unwrap().into_iter().map(|e| e.op).collect();
    assert_eq!(ops.len(), 3);
    assert!(ops[2].hlc > by_b.updated, "A's clock moved past B's write");

    // Tab B merges an edit of X pulled from another device; A's next save of X builds on it.
    let other = OpContext { device_id: Uuid::new_v4(), author: "乙".into() };
    let pulled = Operation::upsert(
        &other,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "other"),
        EntityKind::Survey,
        x,
        "b1",
        None,
        changes(&[("boats", json!("2艘"))]),
    );
    tab_b.apply_remote(std::slice::from_ref(&pulled)).await.unwrap();
    let after_pull = survey(&tab_a, x, "capital", "8万").await;
    assert_eq!(after_pull.str_field("boats"), "2艘", "the pulled field kept");
    assert_eq!(after_pull.str_field("trade"), "水产");
    assert!(after_pull.meta["capital"].clock > pulled.hlc, "the clock observed the pull");
    assert_eq!(tab_b.get(EntityKind::Survey, x).await.unwrap().unwrap(), after_pull);
}

/// `n` new people from another device, each one operation: a page large enough that the store
/// takes the records it does not know for new (`known_records.rs`).
fn new_people(ctx: &OpContext, first_ms: u64, n: usize) -> Vec<Operation> {
    (0..n)
        .map(|i| {
            Operation::upsert(
                ctx,
                Hlc::new(first_ms + i as u64, 0, "tabletC"),
                EntityKind::Person,
                Uuid::now_v7(),
                "b1",
                None,
                changes(&[("name", json!(format!("新人{i}")))]),
            )
        })
        .collect()
}

/// A large pulled page reads only the records this tab knows to be stored and adds the others
/// unread. The ids are read from the database the first time, from each of the three record
/// stores: records stored before (by another tab) are read and merged, not written over, and
/// the page is applied once.
#[wasm_bindgen_test]
async fn a_large_pulled_page_merges_into_records_stored_before_it() {
    let name = fresh_name();
    let tab_b = Store::open(&name).await.unwrap();
    let (person, survey, meeting) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    tab_b
        .save(EntityKind::Person, person, "b1", changes(&[("phone", json!("138"))]))
        .await
        .unwrap();
    tab_b
        .save(EntityKind::Survey, survey, "b1", changes(&[("trade", json!("水产"))]))
        .await
        .unwrap();
    tab_b
        .save(EntityKind::Meeting, meeting, "b1", changes(&[("topics", json!("动员"))]))
        .await
        .unwrap();

    let tab_a = Store::open(&name).await.unwrap();
    let other = OpContext { device_id: Uuid::new_v4(), author: "丙".into() };
    let later = js_sys::Date::now() as u64 + 60_000;
    let mut page = new_people(&other, later, 150);
    for (entity, id, field, value) in [
        (EntityKind::Person, person, "name", "张三"),
        (EntityKind::Survey, survey, "capital", "5万"),
        (EntityKind::Meeting, meeting, "place", "村部"),
    ] {
        page.push(Operation::upsert(
            &other,
            Hlc::new(later + 1_000, 0, "tabletC"),
            entity,
            id,
            "b1",
            None,
            changes(&[(field, json!(value))]),
        ));
    }
    let outcome = tab_a.apply_remote_page(&page, 153).await.unwrap();
    assert!(!outcome.applied_again, "every stored record was known from its store's keys");
    assert_eq!(outcome.changed_records, 153);
    let stored = |entity, id| {
        let tab_a = tab_a.clone();
        async move { tab_a.get(entity, id).await.unwrap().unwrap() }
    };
    let p = stored(EntityKind::Person, person).await;
    assert_eq!((p.str_field("phone"), p.str_field("name")), ("138", "张三"));
    let s = stored(EntityKind::Survey, survey).await;
    assert_eq!((s.str_field("trade"), s.str_field("capital")), ("水产", "5万"));
    let m = stored(EntityKind::Meeting, meeting).await;
    assert_eq!((m.str_field("topics"), m.str_field("place")), ("动员", "村部"));
    assert_eq!(tab_a.listing(EntityKind::Person).await.unwrap().len(), 151);
    assert_eq!(tab_a.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(153));
    assert_eq!(tab_a.outbox_len().await.unwrap(), 3, "tab B's saves still wait to be sent");
}

/// Once a tab knows the stored ids, a record another tab stores meanwhile is missing from what
/// it knows: the page's `add` of it is refused, nothing of that attempt is kept, and the page is
/// applied again reading every record. The other tab's edit survives; the tab's own new save is
/// known and read without a retry.
#[wasm_bindgen_test]
async fn a_large_pulled_page_never_writes_over_a_record_another_tab_stored_meanwhile() {
    let name = fresh_name();
    let tab_a = Store::open(&name).await.unwrap();
    let tab_b = Store::open(&name).await.unwrap();
    let other = OpContext { device_id: Uuid::new_v4(), author: "丙".into() };
    let later = js_sys::Date::now() as u64 + 60_000;
    let first = tab_a.apply_remote_page(&new_people(&other, later, 120), 120).await.unwrap();
    assert!(!first.applied_again);

    // Tab A's own new survey is noted; tab B's is not known to tab A.
    let (own, by_b) = (Uuid::now_v7(), Uuid::now_v7());
    tab_a.save(EntityKind::Survey, own, "b1", changes(&[("trade", json!("养殖"))])).await.unwrap();
    let edit = |id| {
        Operation::upsert(
            &other,
            Hlc::new(later + 5_000, 0, "tabletC"),
            EntityKind::Survey,
            id,
            "b1",
            None,
            changes(&[("capital", json!("9万"))]),
        )
    };
    let mut page = new_people(&other, later + 1_000, 110);
    page.push(edit(own));
    let second = tab_a.apply_remote_page(&page, 231).await.unwrap();
    assert!(!second.applied_again, "a record this tab saved is known to it");

    tab_b.save(EntityKind::Survey, by_b, "b1", changes(&[("trade", json!("水产"))])).await.unwrap();
    let mut page = new_people(&other, later + 2_000, 110);
    page.push(edit(by_b));
    let third = tab_a.apply_remote_page(&page, 342).await.unwrap();
    assert!(third.applied_again, "the add of tab B's survey was refused");
    assert_eq!(third.changed_records, 111);

    let stored = tab_a.get(EntityKind::Survey, by_b).await.unwrap().unwrap();
    assert_eq!((stored.str_field("trade"), stored.str_field("capital")), ("水产", "9万"));
    let own = tab_a.get(EntityKind::Survey, own).await.unwrap().unwrap();
    assert_eq!((own.str_field("trade"), own.str_field("capital")), ("养殖", "9万"));
    assert_eq!(tab_a.listing(EntityKind::Person).await.unwrap().len(), 340);
    assert_eq!(tab_a.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(342));
    // The page is in the history once: the refused attempt left nothing.
    assert_eq!(tab_a.history(by_b).await.unwrap().len(), 2);
    assert_eq!(tab_a.all_operations().await.unwrap().len(), 120 + 111 + 111 + 2);

    // Forgotten after the refusal, the ids are read again by the next large page.
    let fourth = tab_a
        .apply_remote_page(
            &[new_people(&other, later + 3_000, 100), vec![edit(by_b)]].concat(),
            443,
        )
        .await
        .unwrap();
    assert!(!fourth.applied_again);
}

#[wasm_bindgen_test]
async fn delete_tombstones_and_list_hides_it() {
    let store = fresh().await;
    let keep = Uuid::now_v7();
    let gone = Uuid::now_v7();
    store
        .save(EntityKind::Meeting, keep, "b1", changes(&[("topics", json!("动员"))]))
        .await
        .unwrap();
    store
        .save(EntityKind::Meeting, gone, "b1", changes(&[("topics", json!("取消"))]))
        .await
        .unwrap();
    store
        .save(EntityKind::Inspection, Uuid::now_v7(), "b1", changes(&[("findings", json!("良好"))]))
        .await
        .unwrap();
    store.delete(EntityKind::Meeting, gone).await.unwrap();
    let meetings = store.list(EntityKind::Meeting).await.unwrap();
    assert_eq!(meetings.iter().map(|r| r.id).collect::<Vec<_>>(), vec![keep]);
    assert!(store.get(EntityKind::Meeting, gone).await.unwrap().unwrap().is_deleted());
    assert_eq!(store.outbox_len().await.unwrap(), 4);
}

#[wasm_bindgen_test]
async fn surveys_are_found_by_person() {
    let store = fresh().await;
    let person = Uuid::now_v7();
    let other = Uuid::now_v7();
    for p in [person, person, other] {
        store
            .save(
                EntityKind::Survey,
                Uuid::now_v7(),
                "b1",
                changes(&[("person_id", json!(p.to_string()))]),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.surveys_of(person).await.unwrap().len(), 2);
    assert_eq!(store.surveys_of(other).await.unwrap().len(), 1);
}

fn blob_of(bytes: &[u8], mime: &str) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

#[wasm_bindgen_test]
async fn attachments_round_trip_by_content_hash() {
    let store = fresh().await;
    let blob = blob_of(b"abc", "image/jpeg");
    let sha = store.put_attachment(&blob, "image/jpeg", 640, 480).await.unwrap();
    assert_eq!(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let got = store.get_attachment(&sha).await.unwrap().expect("stored");
    assert_eq!(
        (got.mime.as_str(), got.width, got.height, got.size, got.uploaded),
        ("image/jpeg", 640, 480, 3, false)
    );
    let bytes = field::store::blob_bytes(&got.blob).await.unwrap();
    assert_eq!(bytes, b"abc");

    // Same bytes again: one copy.
    assert_eq!(
        store.put_attachment(&blob_of(b"abc", "image/jpeg"), "image/jpeg", 640, 480).await.unwrap(),
        sha
    );
    assert_eq!(store.attachments_to_upload().await.unwrap().len(), 1);
    store.mark_uploaded(&sha).await.unwrap();
    assert!(store.attachments_to_upload().await.unwrap().is_empty());
    assert!(store.get_attachment(&sha).await.unwrap().unwrap().uploaded);
    assert!(store.get_attachment("00").await.unwrap().is_none());
}

#[wasm_bindgen_test]
async fn bulk_put_people_writes_all_without_queueing() {
    let store = fresh().await;
    let records: Vec<Record> = (0..1000)
        .map(|i| {
            let mut r = Record::new(EntityKind::Person, Uuid::now_v7(), "b1");
            r.fields.insert("name".into(), json!(format!("党员{i}")));
            r
        })
        .collect();
    store.bulk_put_people(&records).await.unwrap();
    let people = store.list(EntityKind::Person).await.unwrap();
    assert_eq!(people.len(), 1000);
    let listed: Vec<ListedRecord> = people.iter().map(ListedRecord::from).collect();
    assert_eq!(store.listing(EntityKind::Person).await.unwrap(), listed, "the list's read");
    // The people list's own read (records written through JSON.parse: `deleted` is null).
    let rows: Vec<ListedPerson> =
        store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await.unwrap();
    let names: Vec<&str> = rows.iter().map(|p| p.fields.name.as_str()).collect();
    let expected: Vec<String> = people.iter().map(|p| p.str_field("name").to_owned()).collect();
    assert_eq!(names, expected, "every member, by name, in key order");
    assert_eq!(store.outbox_len().await.unwrap(), 0);
}

/// A whole store is read as key ranges requested at once (`store::key_ranges`: cut between its
/// lowest and highest key): every record comes once and in key order, whether the ids are
/// random (v4, spread over the whole span) or time-ordered (v7, bunched at one end), with the
/// tombstones left out, and for a store of one record or none.
#[wasm_bindgen_test]
async fn a_store_read_in_key_ranges_gives_every_record_once_in_key_order() {
    let store = fresh().await;
    assert!(store.list(EntityKind::Person).await.unwrap().is_empty(), "an empty store");
    let named = |id: Uuid, name: String, deleted: bool| {
        let mut record = person_record(&[("name", json!(name))], deleted);
        record.id = id;
        record
    };
    let first = named(Uuid::new_v4(), "党员".into(), false);
    store.bulk_put_people(std::slice::from_ref(&first)).await.unwrap();
    let one = store.list(EntityKind::Person).await.unwrap();
    assert_eq!(one.iter().map(|r| r.id).collect::<Vec<_>>(), [first.id], "one record");

    let records: Vec<Record> = (0..3_000)
        .map(|i| {
            let id = if i % 2 == 0 { Uuid::new_v4() } else { Uuid::now_v7() };
            named(id, format!("党员{i}"), i % 7 == 0)
        })
        .collect();
    store.bulk_put_people(&records).await.unwrap();
    let mut expected: Vec<Uuid> =
        records.iter().chain([&first]).filter(|r| r.deleted.is_none()).map(|r| r.id).collect();
    // Key order: the ids as text, which for UUIDs is their order as numbers.
    shared::order::sort_by_key(&mut expected, |id| id.to_string());
    let listed = store.list(EntityKind::Person).await.unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), expected, "the whole records");
    let listing = store.listing(EntityKind::Person).await.unwrap();
    assert_eq!(listing.iter().map(|r| r.id).collect::<Vec<_>>(), expected, "the list's read");
    let projected: Vec<ListedPerson> =
        store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await.unwrap();
    assert_eq!(projected.iter().map(|r| r.id).collect::<Vec<_>>(), expected, "projected");
    let first_listed = projected.iter().find(|p| p.id == first.id).unwrap();
    assert_eq!(first_listed.fields.name, "党员", "each record is its own");
    let answers = store.all_stored(EntityKind::Person).await.unwrap();
    assert_eq!(answers.len(), 16, "read in 16 ranges");
    assert_eq!(answers.iter().map(Vec::len).sum::<usize>(), 3_001, "tombstones are read too");

    // Ids whose first 64 bits are 0..=16 apart: every cut falls on a stored key, which its own
    // range starts.
    let store = fresh().await;
    let base = Uuid::new_v4().as_u64_pair().0 >> 8 << 8;
    let on_cuts: Vec<Record> =
        (0..=16).map(|k| named(Uuid::from_u64_pair(base + k, 0), format!("{k}"), false)).collect();
    store.bulk_put_people(&on_cuts).await.unwrap();
    let listed = store.list(EntityKind::Person).await.unwrap();
    let ids: Vec<Uuid> = on_cuts.iter().map(|r| r.id).collect();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), ids, "each once, at the cuts");
    let answers = store.all_stored(EntityKind::Person).await.unwrap();
    let lengths: Vec<usize> = answers.iter().map(Vec::len).collect();
    assert_eq!(lengths, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], "one a range");
}

/// A roster imported in one go (ids made within a few milliseconds) beside members made over
/// the months after: the first read, cut between the lowest and highest key, has the roster in
/// one range; it keeps where the same records cut evenly (`browser::read_cuts`), and the next
/// read is cut there. Every read gives every record once, and a damaged hint is not used.
#[wasm_bindgen_test]
async fn a_read_of_bunched_ids_keeps_cuts_that_make_the_next_read_even() {
    let store = fresh().await;
    let at = |ms: u64, n: u64| Uuid::from_u64_pair((ms << 16) | 0x7000 | n, n);
    let mut ids: Vec<Uuid> = (0..3_000).map(|n| at(1_780_000_000_000, n)).collect();
    ids.extend((1..=300).map(|day| at(1_780_000_000_000 + day * 86_400_000, 0)));
    let records: Vec<Record> = ids
        .iter()
        .map(|id| {
            let mut record = person_record(&[("name", json!("党员"))], false);
            record.id = *id;
            record
        })
        .collect();
    store.bulk_put_people(&records).await.unwrap();
    let lengths = |answers: Vec<Vec<JsValue>>| answers.iter().map(Vec::len).collect::<Vec<_>>();
    let listed = |records: Vec<Record>| records.iter().map(|r| r.id).collect::<Vec<_>>();

    let first = lengths(store.all_stored(EntityKind::Person).await.unwrap());
    assert_eq!((first.len(), first[0]), (16, 3_018), "the roster in one range: {first:?}");
    let next = lengths(store.all_stored(EntityKind::Person).await.unwrap());
    assert_eq!(next.len(), 16);
    assert!(next.iter().all(|&n| (206..=207).contains(&n)), "cut where it was learned: {next:?}");
    assert_eq!(listed(store.list(EntityKind::Person).await.unwrap()), ids, "every record once");

    // Decreasing, the same key twice, nothing, and text no key looks like.
    for damaged in ["b a", "a a", "", "[\"x\"]"] {
        field::browser::read_cuts::write_raw(store.name(), "people", damaged);
        assert_eq!(listed(store.list(EntityKind::Person).await.unwrap()), ids, "{damaged}");
        let again = lengths(store.all_stored(EntityKind::Person).await.unwrap());
        assert!(again.iter().all(|&n| n <= 207), "learned again after {damaged}: {again:?}");
    }
}

/// The people list's rows, each made as its member is read (`services::people::list_rows`), are
/// the rows built from the whole read: a deleted member left out, the latest survey's state, the
/// order by name, a name the search finds in another case (its own key) and one it finds as
/// written (no key held).
#[wasm_bindgen_test]
async fn the_list_rows_made_one_at_a_time_are_the_rows_of_the_whole_read() {
    use field::logic::people::{PeopleFilter, build_rows, filter_page};
    let store = fresh().await;
    let mut ids = Vec::new();
    for (name, village) in
        [("王五", "东沙村"), ("ZHANG Wei", "西沙村"), ("李四", "东沙村"), ("赵六", "")]
    {
        let id = Uuid::now_v7();
        let changes = vec![("name".into(), json!(name)), ("village_unit".into(), json!(village))];
        store.save(EntityKind::Person, id, "b1", changes).await.unwrap();
        ids.push(id);
    }
    store.delete(EntityKind::Person, ids[3]).await.unwrap();
    for (status, at) in [("final", "2026-03-01T09:00:00"), ("draft", "2026-03-02T09:00:00")] {
        let changes = vec![
            ("person_id".into(), json!(ids[0].to_string())),
            ("status".into(), json!(status)),
            ("surveyed_at".into(), json!(at)),
        ];
        store.save(EntityKind::Survey, Uuid::now_v7(), "b1", changes).await.unwrap();
    }

    let rows = field::services::people::list_rows(&store).await.unwrap();
    let people: Vec<ListedPerson> =
        store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await.unwrap();
    let surveys: Vec<ListedSurvey> =
        store.listing_as(EntityKind::Survey, |s: &ListedSurvey| s.deleted).await.unwrap();
    assert_eq!(rows, build_rows(people, &surveys), "the same rows as from the whole read");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ZHANG Wei", "李四", "王五"], "by name, the deleted member left out");
    let wang = rows.iter().find(|r| r.id == ids[0]).unwrap();
    assert_eq!(wang.survey_status, Some(shared::model::SurveyStatus::Draft), "the latest visit's");
    let found = |query: &str| {
        let filter = PeopleFilter { query: query.into(), ..PeopleFilter::default() };
        filter_page(&rows, &filter, 50).0.iter().map(|r| r.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(found("zhang"), ["ZHANG Wei"], "found in another case");
    assert_eq!(found("ｗｅｉ"), ["ZHANG Wei"], "and typed full-width");
    assert_eq!(found("王"), ["王五"], "a name that is its own key");
    assert!(found("赵").is_empty(), "a deleted member is not found");
}

/// A person record written with a clock for each field; a tombstone when `deleted`.
fn person_record(fields: &[(&str, Value)], deleted: bool) -> Record {
    let clock = Hlc::new(1_764_000_000_000, 0, "d1");
    let mut record = Record::new(EntityKind::Person, Uuid::now_v7(), "b1");
    for (field, value) in fields {
        let meta =
            shared::record::FieldMeta { clock: clock.clone(), base: None, author: "王五".into() };
        record.meta.insert((*field).into(), meta);
        record.fields.insert((*field).into(), value.clone());
    }
    record.updated = clock.clone();
    record.deleted = deleted.then_some(clock);
    record
}

/// What reading each stored value by itself gives, read by serde-wasm-bindgen (as every list read
/// did before session 37, and every read before session 38), a decoder apart from the JSON
/// text the store reads through: the live ones (`deleted` tells), in key order (`id`).
fn read_one_by_one<T: serde::de::DeserializeOwned>(
    values: &[JsValue],
    deleted: fn(&T) -> bool,
    id: fn(&T) -> Uuid,
) -> Vec<T> {
    let mut read: Vec<T> =
        values.iter().map(|v| serde_wasm_bindgen::from_value::<T>(v.clone()).unwrap()).collect();
    read.retain(|r| !deleted(r));
    shared::order::sort_by_key(&mut read, id);
    read
}

/// The people list reads through a projection (`JSON.stringify` with the names its types read,
/// 100 records at a time, decoded in Rust): it must list what reading each stored object by
/// itself gives, across batches, with texts JSON escapes, tombstones, and the odd values other
/// versions and writers left.
#[wasm_bindgen_test]
async fn the_list_read_through_a_projection_is_the_read_of_each_record() {
    let name = fresh_name();
    let store = Store::open(&name).await.unwrap();
    let awkward = [
        "引号\"与\\反斜杠",
        "换行\n制表\t回车\r",
        "行分隔\u{2028}段分隔\u{2029}",
        "表情😀与𠀀",
        "控制\u{1}\u{1f}\u{7f}",
        "</script><b>",
        "",
    ];
    let records: Vec<Record> = (0..2_345)
        .map(|i| {
            let name = format!("{}{i}", awkward[i % awkward.len()]);
            let fields = [
                ("name", json!(name)),
                ("village_unit", json!("东沙村")),
                ("category", json!("village_leader")),
                ("phone", json!(i)),
            ];
            person_record(&fields, i % 11 == 5)
        })
        .collect();
    store.bulk_put_people(&records).await.unwrap();
    let odd = json!({
        "entity": "person", "id": Uuid::now_v7().to_string(), "branch_id": "b1", "deleted": null,
        "updated": "0000000000000001-000000-d",
        "fields": { "name": 12345, "village_unit": ["东沙村"], "category": "fisher_2031",
                    "branch_id": "b2", "phone": {"nested": true} },
        "meta": {}
    });
    let mut old_form = person_record(&[("name", json!("赵六")), ("phone", Value::Null)], false);
    old_form.branch_id = "b3".into();
    let raw = vec![codec::to_js(&odd).unwrap(), stored_before_38(&old_form)];
    {
        let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
        put_raw(&db, raw.iter().map(|v| (PEOPLE, v.clone(), None)).collect()).await;
        db.close();
    }

    let listed: Vec<ListedPerson> =
        store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await.unwrap();
    let mut stored: Vec<JsValue> = records.iter().map(|r| codec::to_js(r).unwrap()).collect();
    stored.extend(raw);
    let expected = read_one_by_one(&stored, |p: &ListedPerson| p.deleted, |p| p.id);
    assert_eq!(listed.len(), 2_345 - 213 + 2, "the live ones");
    assert_eq!(listed, expected, "what each record reads as by itself, in key order");
    assert!(listed.iter().any(|p| p.fields.name == "表情😀与𠀀3"), "a pair of surrogates kept");

    // The surveys the rows take their states from: saved by the app, and odd ones stored by
    // others (a visit's time that is a number, no fields at all, `deleted: null`).
    let person_id = listed[0].id.to_string();
    let mut saved = Vec::new();
    for (status, at) in [("final", "2026-03-01T09:00:00"), ("draft", "2026-03-02T09:00:00")] {
        let changes = vec![
            ("person_id".into(), json!(person_id)),
            ("status".into(), json!(status)),
            ("surveyed_at".into(), json!(at)),
            ("notes".into(), json!("引号\"与\\反斜杠\u{2028}")),
        ];
        let id = Uuid::now_v7();
        store.save(EntityKind::Survey, id, "b1", changes).await.unwrap();
        saved.push(id);
    }
    let gone = Uuid::now_v7();
    store
        .save(EntityKind::Survey, gone, "b1", vec![("status".into(), json!("draft"))])
        .await
        .unwrap();
    store.delete(EntityKind::Survey, gone).await.unwrap();
    let odd_surveys = [
        json!({
            "entity": "survey", "id": Uuid::now_v7().to_string(), "deleted": null,
            "updated": "0000000000000002-000000-d", "meta": {},
            "fields": { "person_id": person_id, "status": "final", "surveyed_at": 20260301 }
        }),
        json!({ "entity": "survey", "id": Uuid::now_v7().to_string(), "updated": "0000000000000003-000000-d" }),
    ];
    let odd_surveys: Vec<JsValue> = odd_surveys.iter().map(|v| codec::to_js(v).unwrap()).collect();
    {
        let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
        put_raw(&db, odd_surveys.iter().map(|v| (SURVEYS, v.clone(), None)).collect()).await;
        db.close();
    }
    let surveys: Vec<ListedSurvey> =
        store.listing_as(EntityKind::Survey, |s: &ListedSurvey| s.deleted).await.unwrap();
    let mut stored = odd_surveys;
    saved.push(gone);
    for id in saved {
        let survey = store.get(EntityKind::Survey, id).await.unwrap().unwrap();
        stored.push(codec::to_js(&survey).unwrap());
    }
    let expected = read_one_by_one(&stored, |s: &ListedSurvey| s.deleted, |s| s.id);
    assert_eq!(surveys.len(), 4, "the live ones: {surveys:?}");
    assert_eq!(surveys, expected, "what each survey reads as by itself, in key order");
}

/// A value JSON cannot carry (a lone UTF-16 surrogate; every text the app stores passed through
/// a Rust `String`, so only a hand edit of the database leaves one) fails the projected read
/// and its own read with a codec error, as a record the app cannot decode always did: no panic,
/// no member silently left off the list, nothing stored lost.
#[wasm_bindgen_test]
async fn a_record_json_cannot_carry_fails_the_list_read_with_a_codec_error() {
    let name = fresh_name();
    let store = Store::open(&name).await.unwrap();
    let member = person_record(&[("name", json!("成员"))], false);
    store.bulk_put_people(std::slice::from_ref(&member)).await.unwrap();
    let id = Uuid::now_v7();
    let text = format!(
        r#"{{"entity":"person","id":"{id}","branch_id":"b1","updated":"0000000000000001-000000-d",
            "fields":{{"name":"半个\ud800字"}},"meta":{{}}}}"#
    );
    {
        let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
        put_raw(&db, vec![(PEOPLE, js_sys::JSON::parse(&text).unwrap(), None)]).await;
        db.close();
    }
    let read = store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await;
    assert!(matches!(read, Err(StoreError::Codec(_))), "{read:?}");
    assert_eq!(store.get(EntityKind::Person, member.id).await.unwrap(), Some(member));
    let read_one = store.get(EntityKind::Person, id).await;
    assert!(matches!(read_one, Err(StoreError::Codec(_))), "{read_one:?}");
    let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
    let tx = db.transaction(PEOPLE).build().unwrap();
    let kept: Option<JsValue> = tx
        .object_store(PEOPLE)
        .unwrap()
        .get(JsValue::from_str(&id.to_string()))
        .primitive()
        .unwrap()
        .await
        .unwrap();
    let kept = js_sys::JSON::stringify(&kept.expect("the odd one kept")).unwrap();
    assert!(String::from(kept).contains("\\ud800"), "as it was stored");
}

/// `list` reads in bulk through JSON text; records that serde-wasm-bindgen wrote (a `null` field
/// value stored as `undefined`) must come back as they went in, as `get` reads them.
#[wasm_bindgen_test]
async fn list_reads_records_in_the_old_plain_object_form() {
    let name = fresh_name();
    let mut old = Record::new(EntityKind::Person, Uuid::now_v7(), "b1");
    for (field, value) in [("name", json!("赵六")), ("phone", Value::Null), ("age", json!(61))] {
        let meta = shared::record::FieldMeta {
            clock: Hlc::new(7, 0, "old"),
            base: None,
            author: "旧版".into(),
        };
        old.meta.insert(field.into(), meta);
        old.fields.insert(field.into(), value);
    }
    old.updated = Hlc::new(7, 0, "old");
    let mut gone = Record::new(EntityKind::Person, Uuid::now_v7(), "b1");
    gone.deleted = Some(Hlc::new(8, 0, "old"));
    {
        let db = schema::open_at(&name, schema::CURRENT_VERSION).await.unwrap();
        let values = [&old, &gone].map(|r| (PEOPLE, stored_before_38(r), None));
        put_raw(&db, values.into()).await;
        db.close();
    }
    let store = Store::open(&name).await.unwrap();
    let listed = store.list(EntityKind::Person).await.unwrap();
    assert_eq!(listed, vec![old.clone()], "the tombstone is hidden, the rest read as written");
    let for_list = store.listing(EntityKind::Person).await.unwrap();
    assert_eq!(for_list, vec![ListedRecord::from(&old)], "and so does the list's read");
    let rows: Vec<ListedPerson> =
        store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await.unwrap();
    assert_eq!(rows.len(), 1, "the people list's read hides the tombstone too");
    assert_eq!((rows[0].id, rows[0].fields.name.as_str()), (old.id, "赵六"));
    assert_eq!(store.get(EntityKind::Person, old.id).await.unwrap(), Some(old));
}

#[wasm_bindgen_test]
async fn meta_values_round_trip_and_identity_persists() {
    let name = fresh_name();
    let store = Store::open(&name).await.unwrap();
    assert_eq!(store.meta_get::<String>("nothing").await.unwrap(), None);
    store.meta_set(meta_keys::CURSOR, &42u64).await.unwrap();
    store.set_author("赵六").await.unwrap();
    let device = store.device_id();
    assert_ne!(device, Uuid::nil());
    store.close();
    let reopened = Store::open(&name).await.unwrap();
    assert_eq!(reopened.meta_get::<u64>(meta_keys::CURSOR).await.unwrap(), Some(42));
    assert_eq!(reopened.device_id(), device);
    assert_eq!(reopened.author(), "赵六");
}

/// A hundred saves in a row each store their record and queue exactly one operation (how long
/// they take is measured by the benchmark, `scripts/bench.sh --only idb`, never asserted here).
#[wasm_bindgen_test]
async fn a_hundred_saves_each_store_the_record_and_queue_one_operation() {
    let store = fresh().await;
    let mut ids = Vec::new();
    for i in 0..100 {
        let id = Uuid::now_v7();
        let saved = store
            .save(
                EntityKind::Person,
                id,
                "b1",
                changes(&[("name", json!(format!("p{i}"))), ("village_unit", json!("东村"))]),
            )
            .await
            .unwrap();
        assert_eq!(saved.get("name"), Some(&json!(format!("p{i}"))));
        ids.push(id);
    }
    assert_eq!(store.outbox_len().await.unwrap(), 100);
    let people = store.list(EntityKind::Person).await.unwrap();
    assert_eq!(people.len(), 100);
    for (i, id) in ids.iter().enumerate() {
        let record = store.get(EntityKind::Person, *id).await.unwrap().expect("saved record");
        assert_eq!(record.get("name"), Some(&json!(format!("p{i}"))));
        assert_eq!(record.get("village_unit"), Some(&json!("东村")));
    }
}

/// `save_touched` writes only the fields a form changed into a stored record (a field changed
/// meanwhile by a pull keeps its value, and the operation names only what was typed), and every
/// field into a record not stored yet.
#[wasm_bindgen_test]
async fn a_touched_save_writes_only_what_was_typed_into_a_stored_record() {
    use field::store::Touched;
    let store = fresh().await;
    let id = Uuid::now_v7();
    let form = changes(&[("name", json!("张三")), ("phone", json!("138"))]);
    // Not stored yet: every field, whatever was touched.
    let first = store
        .save_touched(EntityKind::Person, id, "b1", form.clone(), Touched::Only(Default::default()))
        .await
        .unwrap()
        .record;
    assert_eq!((first.str_field("name"), first.str_field("phone")), ("张三", "138"));
    // The office changes the phone.
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fix = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "office"),
        EntityKind::Person,
        id,
        "b1",
        Some(&first),
        changes(&[("phone", json!("139"))]),
    );
    store.apply_remote(std::slice::from_ref(&fix)).await.unwrap();
    // The form, still showing 138, saves a new name.
    let typed = changes(&[("name", json!("李四")), ("phone", json!("138"))]);
    let saved = store
        .save_touched(EntityKind::Person, id, "b1", typed, Touched::Only(["name".into()].into()))
        .await
        .unwrap()
        .record;
    assert_eq!((saved.str_field("name"), saved.str_field("phone")), ("李四", "139"));
    let last = store.outbox_all().await.unwrap().pop().unwrap().op;
    assert_eq!(last.changes.len(), 1);
    assert_eq!(last.changes[0].field, "name");
    // `save` (every field the caller's) still writes the form's phone, as before.
    let all = store.save(EntityKind::Person, id, "b1", changes(&[("phone", json!("137"))])).await;
    assert_eq!(all.unwrap().str_field("phone"), "137");
    assert!(store.conflicts().await.unwrap().is_empty(), "no save here found a conflict");
}

/// A field typed over a value that changed since the form read it (`Touched::Over`): the
/// person's value is saved, and the change they never saw is kept as a conflict, in the same
/// transaction, with the operation's base the clock the form read, so every device that merges
/// it finds the same conflict. Typed over the value the form read, or over its own last save,
/// it is an ordinary edit.
#[wasm_bindgen_test]
async fn a_field_typed_over_a_change_the_form_never_saw_is_saved_as_a_conflict() {
    use field::store::Touched;
    let store = fresh().await;
    let id = Uuid::now_v7();
    let first = store
        .save(
            EntityKind::Person,
            id,
            "b1",
            changes(&[("name", json!("张三")), ("phone", json!("138"))]),
        )
        .await
        .unwrap();
    let read_at = first.base_of("phone").unwrap();
    let over =
        |field: &str, clock: &Hlc| Touched::Over([(field.to_owned(), Some(clock.clone()))].into());

    // Typed over the value as read: no conflict.
    let typed = changes(&[("name", json!("张三")), ("phone", json!("137"))]);
    let own =
        store.save_touched(EntityKind::Person, id, "b1", typed, over("phone", &read_at)).await;
    let own = own.unwrap();
    assert!(own.conflicts.is_empty());
    let own_clock = own.record.base_of("phone").unwrap();
    // The office changes the phone; the form, still showing 137 (read at its own save), types 136.
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fix = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "office"),
        EntityKind::Person,
        id,
        "b1",
        Some(&own.record),
        changes(&[("phone", json!("139"))]),
    );
    store.apply_remote(std::slice::from_ref(&fix)).await.unwrap();
    assert!(store.conflicts().await.unwrap().is_empty(), "the office saw 137: no conflict");
    let typed = changes(&[("name", json!("张三")), ("phone", json!("136"))]);
    let saved =
        store.save_touched(EntityKind::Person, id, "b1", typed, over("phone", &own_clock)).await;
    let saved = saved.unwrap();
    assert_eq!(saved.record.str_field("phone"), "136", "the later write is the person's");
    assert_eq!(saved.conflicts.len(), 1);
    let conflict = &saved.conflicts[0];
    assert_eq!((conflict.field.as_str(), &conflict.loser_value), ("phone", &json!("139")));
    assert_eq!((&conflict.winner_value, conflict.loser_author.as_str()), (&json!("136"), "办公室"));
    assert_eq!(store.conflicts().await.unwrap(), saved.conflicts, "kept with the save");
    let sent = store.outbox_all().await.unwrap().pop().unwrap().op;
    assert_eq!(sent.changes[0].base, Some(own_clock), "the base is what the form read");
    // The server (or the office's tablet) merging the same operation finds the same conflict.
    let on_office =
        shared::merge::apply(Some(shared::merge::apply(Some(own.record), &fix).record), &sent);
    assert_eq!(on_office.conflicts, saved.conflicts);

    // Typed again over its own save: an ordinary edit.
    let now_at = saved.record.base_of("phone").unwrap();
    let typed = changes(&[("name", json!("张三")), ("phone", json!("135"))]);
    let again =
        store.save_touched(EntityKind::Person, id, "b1", typed, over("phone", &now_at)).await;
    assert!(again.unwrap().conflicts.is_empty());
    assert_eq!(store.conflicts().await.unwrap().len(), 1);
}

/// A field the form showed empty (no stored value) and the office filled meanwhile, then typed
/// into: a conflict too (its base is none). The record read since the pull, this save takes the
/// one-round-trip path (the test above, the reading one).
#[wasm_bindgen_test]
async fn a_field_filled_elsewhere_while_shown_empty_and_typed_into_is_a_conflict() {
    use field::store::Touched;
    let store = fresh().await;
    let id = Uuid::now_v7();
    let first = store
        .save(EntityKind::Person, id, "b1", changes(&[("name", json!("张三"))]))
        .await
        .unwrap();
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fill = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 60_000, 0, "office"),
        EntityKind::Person,
        id,
        "b1",
        Some(&first),
        changes(&[("phone", json!("139"))]),
    );
    store.apply_remote(std::slice::from_ref(&fill)).await.unwrap();
    // Read since: this tab now expects the record as the pull left it.
    assert!(store.get(EntityKind::Person, id).await.unwrap().is_some());
    let typed = changes(&[("name", json!("张三")), ("phone", json!("138"))]);
    let over = Touched::Over([("phone".to_owned(), None)].into());
    let saved = store.save_touched(EntityKind::Person, id, "b1", typed, over).await.unwrap();
    assert_eq!(saved.record.str_field("phone"), "138");
    assert_eq!(saved.conflicts.len(), 1);
    assert_eq!(saved.conflicts[0].loser_value, json!("139"));
    assert_eq!(store.conflicts().await.unwrap().len(), 1);
}

/// Every kind of value the app keeps reads back as it was from the form versions before session
/// 38 stored it (serde-wasm-bindgen: `None` and `null` as properties whose value is `undefined`)
/// and from the form it stores now (`JSON.parse` of serde_json's text), through the one decoder
/// (`codec::from_js`). And a value that is `None` as a whole is still stored as `undefined`.
#[wasm_bindgen_test]
fn values_read_the_same_from_both_stored_forms() {
    fn both_forms<T>(value: &T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        // Compared as JSON too: some types' `==` looks at part of them (`FormDraft`).
        let json = |v: &T| serde_json::to_value(v).unwrap();
        let old: T = codec::from_js(stored_before_38(value)).unwrap();
        assert_eq!(&old, value, "from the form before session 38");
        assert_eq!(json(&old), json(value), "from the form before session 38");
        let new: T = codec::from_js(codec::to_js(value).unwrap()).unwrap();
        assert_eq!(&new, value, "from the form stored now");
        assert_eq!(json(&new), json(value), "from the form stored now");
    }
    let emptied = json!({"a": null, "b": [null, 1, {"c": null}], "d": 1.5, "e": -3});
    let mut record = person_record(
        &[("name", json!("赵六")), ("phone", Value::Null), ("extra", emptied.clone())],
        false,
    );
    both_forms(&record);
    record.deleted = Some(Hlc::new(9, 1, "d2"));
    both_forms(&record);
    let device_id = Uuid::now_v7();
    let op = Operation::upsert(
        &OpContext { device_id, author: "王五".into() },
        Hlc::new(7, 0, "old"),
        EntityKind::Person,
        record.id,
        "b7",
        None,
        changes(&[("name", json!("赵六")), ("phone", Value::Null), ("extra", emptied)]),
    );
    both_forms(&op);
    let winner = Hlc::new(8, 0, "a");
    let loser = Hlc::new(7, 0, "b");
    both_forms(&shared::merge::Conflict {
        id: shared::merge::Conflict::id_for(
            EntityKind::Person,
            record.id,
            "phone",
            &loser,
            &winner,
        ),
        entity: EntityKind::Person,
        entity_id: record.id,
        branch_id: "b7".into(),
        field: "phone".into(),
        winner_value: Value::Null,
        winner_clock: winner,
        winner_author: "甲".into(),
        loser_value: json!("138"),
        loser_clock: loser,
        loser_author: "乙".into(),
    });
    both_forms(&shared::hlc::HlcClock {
        device: "d1".into(),
        millis: 1_764_000_000_000,
        counter: 4,
    });
    both_forms(&Some(device_id));
    both_forms(&None::<Uuid>);
    both_forms(&4_242u64);
    both_forms(&1_764_000_000_123.5f64);
    both_forms(&true);
    both_forms(&"旧版".to_owned());
    both_forms(&std::collections::BTreeSet::from([(EntityKind::Survey, device_id)]));
    both_forms(&std::collections::BTreeSet::from([device_id, record.id]));
    // The settings in `meta`, with their options unset (stored as `undefined` before).
    for recovered in [None, Some(3)] {
        both_forms(&field::store::StorageLoss {
            pending_before: 4,
            noticed_at_ms: 1_764_000_000_123.0,
            recovered,
            refused_restored: 1,
            photos_missing: 0,
        });
    }
    both_forms(&field::store::ServerRestored { resent: 2, at_ms: 1.5, complete: true });
    both_forms(&field::store::UnsentElsewhereNotice {
        username: "wang".into(),
        devices: vec![shared::sync::UnsentElsewhere {
            device_id,
            device_name: "平板 1a2b".into(),
            pending: 7,
            oldest_unsent: None,
            reported_at: "2026-12-06T10:00:00Z".into(),
            blocked: false,
        }],
        at_ms: 2.0,
    });
    both_forms(&Some(field::sync::session::Credentials {
        token: "t".into(),
        account: shared::roles::Account {
            username: "wang".into(),
            display_name: "王五".into(),
            role: shared::roles::Role::Surveyor,
            branches: vec!["b7".into()],
        },
        server: String::new(),
        signed_in_at_ms: 3.0,
    }));
    both_forms(&vec![field::sync::scheduler::Adoption {
        op_id: op.id,
        author: "王五".into(),
        at_ms: 4.0,
    }]);
    let said = shared::message::Message {
        code: "invalid_record".into(),
        args: std::collections::BTreeMap::from([
            ("count".to_owned(), shared::message::Arg::Num(-3)),
            ("name".to_owned(), shared::message::Arg::Text("赵六".into())),
            (
                "state".to_owned(),
                shared::message::Arg::Label {
                    list: "application-state".into(),
                    code: "returned".into(),
                },
            ),
            (
                "issues".to_owned(),
                shared::message::Arg::List(vec![shared::message::Message {
                    code: "required".into(),
                    args: Default::default(),
                }]),
            ),
        ]),
    };
    both_forms(&vec![
        field::sync::plan::RejectedOp {
            op: op.clone(),
            code: None,
            message: "拒绝".into(),
            said: None,
            at_ms: 5.0,
            on_tablet: false,
        },
        field::sync::plan::RejectedOp {
            op,
            code: Some("invalid_record".into()),
            message: "拒绝".into(),
            said: Some(said),
            at_ms: 6.0,
            on_tablet: true,
        },
    ]);
    let clocks = |field: &str| {
        field::logic::survey_form::FieldClocks(std::collections::BTreeMap::from([(
            field.to_owned(),
            Hlc::new(7, 1, "d1"),
        )]))
    };
    for (touched, seen) in [
        (None, None),
        (
            Some(field::logic::survey_form::FormTouched {
                person: std::collections::BTreeSet::from(["name".to_owned()]),
                survey: std::collections::BTreeSet::new(),
            }),
            Some(field::logic::survey_form::FormClocks {
                person: clocks("name"),
                survey: clocks("trade"),
            }),
        ),
    ] {
        both_forms(&field::services::survey::FormDraft {
            survey_id: device_id,
            form_json: r#"{"survey":{"trade":"养殖"}}"#.into(),
            touched,
            seen,
        });
    }
    assert!(codec::to_js(&None::<Uuid>).unwrap().is_undefined(), "nothing set, as always");
    assert!(codec::to_js(&Value::Null).unwrap().is_undefined());
}
