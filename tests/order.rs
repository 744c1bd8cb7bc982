//! Trial 3, "order", on the tablet's store in real IndexedDB (headless Chromium): the cases of
//! `trials::order` (the operations of four devices on two records), each of the three tablets'
//! plans delivered to a fresh database through the tablet's two ways in — pulled pages
//! (`PullResponse` on the wire, then `Store::apply_remote_page` with an increasing cursor, as the
//! sync engine calls it) and export files (the app's import, `sync::transfer::import_bytes`) —
//! about a fifth of the operations a second time at the end through the other way.
//!
//! Per tablet: its records (`Store::get`, tombstones included) are the reference's byte for byte
//! (every operation applied once in the order made, `shared::merge::apply`), its conflicts
//! (`Store::conflicts`) the reference's by id and field for field, the last pulled page's cursor
//! is stored; the redelivery changes nothing (no record changed, no conflict found, records and
//! conflicts the same before and after). The database is deleted afterwards. Every other tablet
//! first takes a page of 100 unrelated people, so its store trusts the records it knows to be
//! stored (`src/store/known_records.rs`) for every later page.
//!
//! Cases: `FIELD_TRIAL_ORDER_CASES` at build time (`scripts/trials.sh` sets 1,000), else 25
//! (what `scripts/test.sh` runs); seed `FIELD_TRIAL_SEED` at build time, else from the clock,
//! printed. One `TRIAL|order-tablet|…` line reports the run (`--nocapture` shows it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]

use std::collections::BTreeMap;

use field::store::{Store, meta_keys};
use field::sync::transfer;
use indexed_db_futures::database::Database;
use shared::hlc::Hlc;
use shared::merge::Conflict;
use shared::op::{OpContext, Operation};
use shared::record::{EntityKind, Record};
use shared::sync::PullResponse;
use trials::Rng;
use trials::order::{
    Case, Channel, ENTITY, RECORDS, Reference, TABLETS, Tally, conflicts_bytes, export_file,
    random_case, record_id, records_bytes, schedule,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn cases() -> u64 {
    option_env!("FIELD_TRIAL_ORDER_CASES").and_then(|n| n.trim().parse().ok()).unwrap_or(25)
}

fn seed() -> u64 {
    option_env!("FIELD_TRIAL_SEED")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| js_sys::Date::now() as u64)
}

/// A tablet's records of the case (by id) and its conflicts (by id).
async fn held(
    store: &Store,
    case: u64,
) -> Result<(BTreeMap<Uuid, Record>, BTreeMap<Uuid, Conflict>), String> {
    let mut records = BTreeMap::new();
    for i in 0..RECORDS {
        let id = record_id(case, i);
        if let Some(record) = store.get(ENTITY, id).await.map_err(|e| e.to_string())? {
            records.insert(id, record);
        }
    }
    let mut conflicts = BTreeMap::new();
    for conflict in store.conflicts().await.map_err(|e| e.to_string())? {
        let id = conflict.id;
        if conflicts.insert(id, conflict).is_some() {
            return Err(format!("conflict {id} kept twice"));
        }
    }
    Ok((records, conflicts))
}

/// A page of 100 people the case does not touch, pulled first by every other tablet: from then
/// on that store trusts what it knows to be stored (`src/store/known_records.rs`), reading only
/// those records and adding the rest unread, instead of reading every record of a page. So both
/// ways of storing a page meet every order of the case.
async fn known_records_first(store: &Store) -> Result<(), String> {
    let ctx = OpContext { device_id: Uuid::new_v4(), author: "warm".into() };
    let ops: Vec<Operation> = (0..100u64)
        .map(|i| {
            Operation::upsert(
                &ctx,
                Hlc::new(1_000 + i, 0, "warm"),
                EntityKind::Person,
                Uuid::new_v4(),
                "b1",
                None,
                vec![("name".to_owned(), serde_json::json!(format!("人{i}")))],
            )
        })
        .collect();
    let outcome = store.apply_remote_page(&ops, 0).await.map_err(|e| format!("first page: {e}"))?;
    if outcome.changed_records != 100 || outcome.applied_again {
        return Err(format!("first page: {outcome:?}"));
    }
    Ok(())
}

/// Deliver tablet `t`'s plan of case `c` to a fresh database and check it.
async fn tablet(
    c: &Case,
    t: usize,
    reference: &Reference,
    tally: &mut Tally,
    pulls: &mut usize,
) -> Result<(), String> {
    let name = format!("trial-order-{}-{t}-{}", c.case, Uuid::new_v4());
    let store = Store::open(&name).await.map_err(|e| e.to_string())?;
    if t % 2 == 1 {
        known_records_first(&store).await?;
    }
    let deliveries = schedule(&c.ops, &c.plans[t]);
    tally.receiver(&deliveries);
    let mut cursor = 0u64;
    for d in &deliveries {
        let before = if d.resend { Some(held(&store, c.case).await?) } else { None };
        let (changed, found) = match d.channel {
            Channel::Sync => {
                // The page as the server sends it and the app's transport reads it.
                cursor += d.ops.len() as u64;
                let page =
                    PullResponse { ops: d.ops.clone(), cursor, cursor_check: None, more: false };
                let wire = serde_json::to_vec(&page).unwrap();
                let page: PullResponse = serde_json::from_slice(&wire).unwrap();
                let outcome = store
                    .apply_remote_page(&page.ops, page.cursor)
                    .await
                    .map_err(|e| format!("pull page: {e}"))?;
                *pulls += 1;
                (outcome.changed_records, outcome.conflicts.len())
            }
            Channel::File => {
                let file = export_file(&d.ops).map_err(|e| e.to_string())?;
                let outcome = transfer::import_bytes(&store, &file, None, &|_| {})
                    .await
                    .map_err(|e| format!("import: {e}"))?;
                if outcome.operations != d.ops.len() {
                    return Err(format!(
                        "{} of {} operations imported",
                        outcome.operations,
                        d.ops.len()
                    ));
                }
                (outcome.changed_records, outcome.conflicts)
            }
        };
        if let Some(before) = before {
            if changed != 0 || found != 0 {
                return Err(format!(
                    "tablet {t}: the redelivery changed {changed} records and found {found} conflicts"
                ));
            }
            if held(&store, c.case).await? != before {
                return Err(format!("tablet {t}: the redelivery changed what it holds"));
            }
        }
    }
    let stored: Option<u64> = store.meta_get(meta_keys::CURSOR).await.map_err(|e| e.to_string())?;
    if cursor > 0 && stored != Some(cursor) {
        return Err(format!("tablet {t}: cursor {stored:?} stored after the last page's {cursor}"));
    }
    let (records, conflicts) = held(&store, c.case).await?;
    if records_bytes(&records) != reference.records_bytes() {
        return Err(format!(
            "tablet {t} holds other records than the reference:\ntablet:    {}\nreference: {}",
            String::from_utf8_lossy(&records_bytes(&records)),
            String::from_utf8_lossy(&reference.records_bytes())
        ));
    }
    if conflicts_bytes(&conflicts) != reference.conflicts_bytes() {
        return Err(format!(
            "tablet {t} holds other conflicts than the reference:\ntablet:    {}\nreference: {}",
            String::from_utf8_lossy(&conflicts_bytes(&conflicts)),
            String::from_utf8_lossy(&reference.conflicts_bytes())
        ));
    }
    store.close();
    Database::delete_by_name(&name)
        .map_err(|e| format!("delete {name}: {e}"))?
        .await
        .map_err(|e| format!("delete {name}: {e}"))?;
    Ok(())
}

#[wasm_bindgen_test]
async fn trial_order_the_same_operations_in_any_order_through_pulls_and_files_on_tablets() {
    let (cases, seed) = (cases(), seed());
    console_log!("trial order-tablet: {cases} cases, seed {seed}");
    let started = js_sys::Date::now();
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let mut pulls = 0;
    for case in 0..cases {
        let c = random_case(&mut rng, case);
        let reference = Reference::of(&c.ops);
        for t in 0..TABLETS {
            if let Err(problem) = tablet(&c, t, &reference, &mut tally, &mut pulls).await {
                panic!(
                    "trial order-tablet failed at case {case} (replay with FIELD_TRIAL_SEED={seed} \
                     at build time): {problem}\nsteps: {:?}\ntablet {t}'s plan: {:?}",
                    c.steps, c.plans[t]
                );
            }
        }
        tally.case(&c.ops, &reference);
    }
    let secs = (js_sys::Date::now() - started) / 1000.0;
    console_log!(
        "TRIAL|order-tablet|{cases}|{}|0|0|{secs:.0}|{} operations over 2 records from 4 devices \
         per case, each case to 3 tablets (a fresh IndexedDB each) in {} deliveries: {pulls} \
         pulled pages, {} export files imported; {} operations delivered twice, changing nothing; \
         {} conflicts, the same on every tablet as the reference; seed {seed}",
        tally.redelivered,
        tally.operations,
        tally.deliveries,
        tally.files,
        tally.redelivered,
        tally.conflicts,
    );
}
