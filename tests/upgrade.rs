//! Trial 10 (docs/RELIABILITY.md): upgrade from every earlier IndexedDB schema. For each earlier
//! version, a database is built in that version's exact shape (object stores and indexes created
//! here by raw IndexedDB calls, as that version's upgrade code made them) and filled the way that
//! version's app wrote it: records as plain objects (a `null` field value stored as `undefined`),
//! operations as plain objects, a queued operation of version 3 in both the outbox and history.
//! Today's `Store::open` then upgrades it, and every record, outbox entry, history entry,
//! conflict, attachment and meta value must read back equal. The upgrade time is printed.
//!
//! Records per version: `FIELD_TRIAL_UPGRADE_RECORDS` at build time (`scripts/trials.sh` sets
//! 10,000), else 1,000 (what `scripts/test.sh` runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use std::collections::{BTreeMap, BTreeSet};

use field::store::schema::{
    ATTACHMENTS, CONFLICTS, HISTORY, META, OUTBOX, PEOPLE, RECORDS, SURVEYS,
};
use field::store::{Store, blob_bytes, codec, meta_keys};
use indexed_db_futures::KeyPath;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::merge::Conflict;
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod old_form;
use old_form::stored_before_38;

fn records_per_version() -> usize {
    option_env!("FIELD_TRIAL_UPGRADE_RECORDS").and_then(|n| n.parse().ok()).unwrap_or(1_000)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Create `name` at `version` with the object stores and indexes that version had, written out
/// here (not through today's upgrade code), from the history of `src/store/schema.rs`.
async fn open_old(name: &str, version: u32) -> Database {
    Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |_event, db| {
            // Version 1.
            db.create_object_store(PEOPLE).with_key_path(KeyPath::One("id")).build()?;
            let surveys =
                db.create_object_store(SURVEYS).with_key_path(KeyPath::One("id")).build()?;
            surveys.create_index("person_id", KeyPath::One("fields.person_id")).build()?;
            db.create_object_store(ATTACHMENTS).with_key_path(KeyPath::One("sha256")).build()?;
            let outbox = db.create_object_store(OUTBOX).with_auto_increment(true).build()?;
            outbox.create_index("op_id", KeyPath::One("id")).with_unique(true).build()?;
            db.create_object_store(META).build()?;
            if version >= 2 {
                let records = db
                    .create_object_store(RECORDS)
                    .with_key_path(KeyPath::Sequence(["entity", "id"].into_iter().collect()))
                    .build()?;
                records.create_index("entity", KeyPath::One("entity")).build()?;
                let conflicts =
                    db.create_object_store(CONFLICTS).with_key_path(KeyPath::One("id")).build()?;
                conflicts.create_index("entity_id", KeyPath::One("entity_id")).build()?;
            }
            if version >= 3 {
                let history =
                    db.create_object_store(HISTORY).with_key_path(KeyPath::One("id")).build()?;
                history.create_index("entity_id", KeyPath::One("entity_id")).build()?;
            }
            Ok(())
        })
        .await
        .expect("create the old database")
}

/// What one old database holds.
struct OldData {
    records: BTreeMap<(EntityKind, Uuid), Record>,
    /// Outbox entries in insertion (auto-increment key) order.
    outbox: Vec<Operation>,
    /// Acknowledged operations kept in `history` (version 3 only).
    acked: Vec<Operation>,
    conflicts: Vec<Conflict>,
    attachments: Vec<(String, Vec<u8>)>,
    device_id: Uuid,
    cursor: u64,
    clock: Value,
    draft: Value,
}

fn make_data(version: u32, n: usize) -> OldData {
    let device_id = Uuid::new_v4();
    let ctx = OpContext { device_id, author: format!("旧版{version}") };
    let mut records = BTreeMap::new();
    let mut outbox = Vec::new();
    let mut acked = Vec::new();
    let kinds: &[EntityKind] = if version >= 2 {
        &[EntityKind::Person, EntityKind::Survey, EntityKind::Candidate, EntityKind::Visit]
    } else {
        &[EntityKind::Person, EntityKind::Survey]
    };
    let mut people: Vec<Uuid> = Vec::new();
    for i in 0..n {
        let entity = kinds[i % kinds.len()];
        let id = Uuid::now_v7();
        let clock = Hlc::new(1_700_000_000_000 + i as u64, 0, "old");
        let mut change = vec![
            ("name".to_owned(), json!(format!("记录{i}"))),
            ("village_unit".to_owned(), json!("东村")),
            ("note".to_owned(), if i % 7 == 0 { Value::Null } else { json!(i) }),
        ];
        if entity == EntityKind::Survey
            && let Some(person) = people.get(i % people.len().max(1))
        {
            change.push(("person_id".to_owned(), json!(person.to_string())));
        }
        let op = Operation::upsert(&ctx, clock.clone(), entity, id, "b7", None, change.clone());
        let mut record = Record::new(entity, id, "b7");
        for (field, value) in change {
            let meta = shared::record::FieldMeta {
                clock: clock.clone(),
                base: None,
                author: ctx.author.clone(),
            };
            record.meta.insert(field.clone(), meta);
            record.fields.insert(field, value);
        }
        record.updated = clock;
        if i % 50 == 49 {
            record.deleted = Some(Hlc::new(1_800_000_000_000 + i as u64, 0, "old"));
        }
        if entity == EntityKind::Person {
            people.push(id);
        }
        // One record in five still has its change queued; in version 3 one in five has it
        // acknowledged and kept in history.
        match i % 5 {
            0 => outbox.push(op),
            1 if version >= 3 => acked.push(op),
            _ => {}
        }
        records.insert((entity, id), record);
    }
    let conflicts = if version >= 2 {
        records
            .values()
            .take(100)
            .map(|r| Conflict {
                id: Uuid::new_v4(),
                entity: r.entity,
                entity_id: r.id,
                branch_id: r.branch_id.clone(),
                field: "name".into(),
                winner_value: json!("甲"),
                winner_clock: Hlc::new(2_000_000_000_000, 1, "a"),
                winner_author: "甲".into(),
                loser_value: json!("乙"),
                loser_clock: Hlc::new(2_000_000_000_000, 0, "b"),
                loser_author: "乙".into(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let attachments = (0..5u8)
        .map(|k| {
            let bytes: Vec<u8> = (0..4096u32).map(|b| (b as u8).wrapping_mul(k + 1)).collect();
            (field::store::sha256_hex(&bytes), bytes)
        })
        .collect();
    OldData {
        records,
        outbox,
        acked,
        conflicts,
        attachments,
        device_id,
        cursor: 4242 + u64::from(version),
        clock: json!({"last": {"wall": 1_900_000_000_000u64, "counter": 3, "device": "old"}}),
        draft: json!({"person_id": null, "answers": {"q1": "是", "q2": [1, 2]}}),
    }
}

/// Write `data` into `db` as the old app did (serde-wasm-bindgen plain objects: `old_form`).
async fn fill(db: &Database, version: u32, data: &OldData) {
    let mut stores = vec![PEOPLE, SURVEYS, ATTACHMENTS, OUTBOX, META];
    if version >= 2 {
        stores.extend([RECORDS, CONFLICTS]);
    }
    if version >= 3 {
        stores.push(HISTORY);
    }
    let tx = db.transaction(stores).with_mode(TransactionMode::Readwrite).build().unwrap();
    for record in data.records.values() {
        let store = match record.entity {
            EntityKind::Person => PEOPLE,
            EntityKind::Survey => SURVEYS,
            _ => RECORDS,
        };
        let value = stored_before_38(record);
        tx.object_store(store).unwrap().put(value).primitive().unwrap().await.unwrap();
    }
    let outbox = tx.object_store(OUTBOX).unwrap();
    for op in &data.outbox {
        outbox.put(stored_before_38(op)).primitive().unwrap().await.unwrap();
    }
    if version >= 3 {
        let history = tx.object_store(HISTORY).unwrap();
        // Version 3 wrote every applied operation to history, queued ones too.
        for op in data.acked.iter().chain(&data.outbox) {
            history.put(stored_before_38(op)).primitive().unwrap().await.unwrap();
        }
    }
    if version >= 2 {
        let conflicts = tx.object_store(CONFLICTS).unwrap();
        for conflict in &data.conflicts {
            conflicts.put(stored_before_38(conflict)).primitive().unwrap().await.unwrap();
        }
    }
    let attachments = tx.object_store(ATTACHMENTS).unwrap();
    for (sha, bytes) in &data.attachments {
        let array = js_sys::Uint8Array::from(bytes.as_slice());
        let parts = js_sys::Array::of1(&array);
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("image/jpeg");
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap();
        let value = codec::plain_object(&[
            ("sha256", &JsValue::from_str(sha)),
            ("mime", &JsValue::from_str("image/jpeg")),
            ("blob", blob.as_ref()),
            ("size", &JsValue::from(bytes.len() as u32)),
            ("width", &JsValue::from(640)),
            ("height", &JsValue::from(480)),
            ("uploaded", &JsValue::from_bool(sha.starts_with(['0', '1', '2', '3']))),
        ])
        .unwrap();
        attachments.put(value).primitive().unwrap().await.unwrap();
    }
    let meta = tx.object_store(META).unwrap();
    let metas: [(&str, JsValue); 5] = [
        (meta_keys::DEVICE_ID, stored_before_38(&data.device_id)),
        (meta_keys::AUTHOR, stored_before_38(&format!("旧版{version}"))),
        (meta_keys::CURSOR, stored_before_38(&data.cursor)),
        ("trial_clock", stored_before_38(&data.clock)),
        (meta_keys::FORM_DRAFT, stored_before_38(&data.draft)),
    ];
    for (key, value) in metas {
        meta.put(value).with_key(JsValue::from_str(key)).primitive().unwrap().await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// What was lost, what came back twice, and what went wrong otherwise, after the upgrade.
#[derive(Default)]
struct Tally {
    lost: usize,
    duplicated: usize,
    problems: Vec<String>,
}

impl Tally {
    fn lost(&mut self, what: String) {
        self.lost += 1;
        if self.problems.len() < 20 {
            self.problems.push(format!("lost: {what}"));
        }
    }
}

async fn check(store: &Store, version: u32, data: &OldData) -> Tally {
    let mut t = Tally::default();
    // Records: every live record listed once and equal; every record (tombstones too) by id.
    let kinds: BTreeSet<EntityKind> = data.records.keys().map(|(k, _)| *k).collect();
    for kind in kinds {
        let expected: BTreeMap<Uuid, &Record> = data
            .records
            .values()
            .filter(|r| r.entity == kind && r.deleted.is_none())
            .map(|r| (r.id, r))
            .collect();
        let listed = store.list(kind).await.unwrap();
        let mut seen = BTreeMap::new();
        for record in &listed {
            if seen.insert(record.id, record).is_some() {
                t.duplicated += 1;
            }
        }
        for (id, record) in &expected {
            match seen.get(id) {
                Some(got) if *got == *record => {}
                Some(got) => t.lost(format!("{kind:?} {id} reads {got:?}")),
                None => t.lost(format!("{kind:?} {id} not listed")),
            }
        }
        if listed.len() > expected.len() + t.duplicated {
            t.problems.push(format!(
                "{kind:?}: {} listed, {} expected",
                listed.len(),
                expected.len()
            ));
        }
    }
    for ((kind, id), record) in data.records.iter().step_by(37) {
        if store.get(*kind, *id).await.unwrap().as_ref() != Some(record) {
            t.lost(format!("get {kind:?} {id}"));
        }
    }
    // The surveys' person index.
    let mut by_person: BTreeMap<String, usize> = BTreeMap::new();
    for r in data.records.values() {
        if r.entity == EntityKind::Survey
            && r.deleted.is_none()
            && let Some(p) = r.fields.get("person_id").and_then(Value::as_str)
        {
            *by_person.entry(p.to_owned()).or_default() += 1;
        }
    }
    for (person, count) in by_person.iter().take(50) {
        let got = store.surveys_of(person.parse().unwrap()).await.unwrap().len();
        if got != *count {
            t.lost(format!("surveys of {person}: {got} of {count}"));
        }
    }
    // The outbox, in order.
    let queued: Vec<Operation> =
        store.outbox_all().await.unwrap().into_iter().map(|e| e.op).collect();
    if queued != data.outbox {
        let got: BTreeSet<Uuid> = queued.iter().map(|o| o.id).collect();
        t.lost += data.outbox.iter().filter(|o| !got.contains(&o.id)).count();
        t.duplicated += queued.len().saturating_sub(got.len());
        t.problems.push(format!("outbox: {} read, {} written", queued.len(), data.outbox.len()));
    }
    if store.outbox_len().await.unwrap() as usize != data.outbox.len() {
        t.problems.push("outbox count".into());
    }
    // Every operation once (what an export file carries), and the history of records.
    let all = store.all_operations().await.unwrap();
    let by_id: BTreeMap<Uuid, &Operation> = all.iter().map(|o| (o.id, o)).collect();
    let unique: BTreeSet<Uuid> = by_id.keys().copied().collect();
    t.duplicated += all.len() - unique.len();
    for op in data.outbox.iter().chain(&data.acked) {
        match by_id.get(&op.id).copied() {
            Some(got) if got == op => {}
            _ => t.lost(format!("operation {}", op.id)),
        }
    }
    if unique.len() != data.outbox.len() + data.acked.len() {
        t.problems.push(format!(
            "{} operations, {} expected",
            unique.len(),
            data.outbox.len() + data.acked.len()
        ));
    }
    for op in data.outbox.iter().chain(&data.acked).step_by(23) {
        let history = store.history(op.entity_id).await.unwrap();
        match history.iter().filter(|h| h.id == op.id).count() {
            1 => {}
            0 => t.lost(format!("history of {}", op.entity_id)),
            n => t.duplicated += n - 1,
        }
    }
    // Conflicts.
    let mut conflicts = store.conflicts().await.unwrap();
    shared::order::sort_by_key(&mut conflicts, |c| c.id);
    let mut expected = data.conflicts.clone();
    shared::order::sort_by_key(&mut expected, |c| c.id);
    if conflicts != expected {
        t.lost += expected.iter().filter(|c| !conflicts.contains(c)).count();
        t.problems.push(format!("conflicts: {} read, {} written", conflicts.len(), expected.len()));
    }
    // Attachments, byte for byte.
    for (sha, bytes) in &data.attachments {
        match store.get_attachment(sha).await.unwrap() {
            Some(a)
                if blob_bytes(&a.blob).await.unwrap() == *bytes
                    && a.uploaded == sha.starts_with(['0', '1', '2', '3']) => {}
            _ => t.lost(format!("attachment {sha}")),
        }
    }
    // Meta values and the device's identity.
    if store.device_id() != data.device_id {
        t.lost("device id".into());
    }
    if store.author() != format!("旧版{version}") {
        t.lost("author".into());
    }
    if store.meta_get::<u64>(meta_keys::CURSOR).await.unwrap() != Some(data.cursor) {
        t.lost("pull cursor".into());
    }
    if store.meta_get::<Value>("trial_clock").await.unwrap().as_ref() != Some(&data.clock) {
        t.lost("meta value".into());
    }
    if store.meta_get::<Value>(meta_keys::FORM_DRAFT).await.unwrap().as_ref() != Some(&data.draft) {
        t.lost("form draft".into());
    }
    t
}

#[wasm_bindgen_test]
async fn trial_upgrade_from_every_earlier_schema_keeps_everything() {
    let n = records_per_version();
    let started = now_ms();
    let mut lost = 0;
    let mut duplicated = 0;
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for version in 1..field::store::schema::CURRENT_VERSION {
        let name = format!("trial-upgrade-v{version}-{}", Uuid::new_v4());
        let data = make_data(version, n);
        let db = open_old(&name, version).await;
        assert_eq!(db.version() as u32, version);
        fill(&db, version, &data).await;
        db.close();

        let before = now_ms();
        let store = Store::open(&name).await.expect("today's app opens the old database");
        let upgrade_ms = now_ms() - before;
        let tally = check(&store, version, &data).await;

        // Still usable: a new save is queued beside the old ones and the new stores work.
        let id = Uuid::now_v7();
        store
            .save(EntityKind::Candidate, id, "b7", vec![("year".into(), json!(2026))])
            .await
            .unwrap();
        assert_eq!(store.outbox_len().await.unwrap() as usize, data.outbox.len() + 1);
        assert_eq!(store.history(id).await.unwrap().len(), 1);
        store.close();

        console_log!(
            "upgrade v{version} -> v{}: {n} records, {} queued, {} in history, {} conflicts: \
             opened in {upgrade_ms:.0} ms; lost {}, duplicated {}",
            field::store::schema::CURRENT_VERSION,
            data.outbox.len(),
            data.acked.len(),
            data.conflicts.len(),
            tally.lost,
            tally.duplicated
        );
        notes.push(format!("v{version}: {upgrade_ms:.0} ms"));
        lost += tally.lost;
        duplicated += tally.duplicated;
        problems.extend(tally.problems.into_iter().map(|p| format!("v{version}: {p}")));
    }
    let seconds = (now_ms() - started) / 1000.0;
    let versions = field::store::schema::CURRENT_VERSION - 1;
    console_log!(
        "TRIAL|upgrade-schema|{versions} versions × {n} records|0|{lost}|{duplicated}|{seconds:.0}|upgrade to v{} {}",
        field::store::schema::CURRENT_VERSION,
        notes.join(", ")
    );
    assert!(problems.is_empty() && lost == 0 && duplicated == 0, "{problems:#?}");
}
