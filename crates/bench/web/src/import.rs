//! Writes: survey saves one by one, and the bulk import of people.

use serde::Deserialize;
use serde_json::Value;
use shared::hlc::HlcClock;
use shared::op::{OpContext, Operation};
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use crate::{BenchError, now, state};

/// One entity as the bench page generates it (crates/bench/js/data.js).
#[derive(Debug, Deserialize)]
struct Input {
    id: Uuid,
    branch_id: String,
    fields: serde_json::Map<String, Value>,
}

fn inputs(value: JsValue) -> Result<Vec<Input>, BenchError> {
    Ok(serde_wasm_bindgen::from_value(value)?)
}

pub(crate) async fn save_surveys(value: JsValue) -> Result<Vec<f64>, BenchError> {
    let store = state::store()?;
    let inputs = inputs(value)?;
    let mut times = Vec::with_capacity(inputs.len());
    for input in inputs {
        let changes: Vec<(String, Value)> = input.fields.into_iter().collect();
        let t0 = now();
        store.save(EntityKind::Survey, input.id, &input.branch_id, changes).await?;
        times.push(now() - t0);
    }
    Ok(times)
}

/// The device another tablet's export file comes from (the operations' `device_id`): not the
/// store's own, so the import notes its records as 来自文件, as it does a real file's.
const OTHER_TABLET: Uuid = Uuid::from_u128(0x0f0e0d0c_0b0a_4908_8706_050403020100);

/// 10,000 people brought by another tablet's export file, stored as the import screen stores
/// them once the file is verified (`Store::import_operations`: noted as 来自文件, then merged,
/// each change kept in the history): one upsert of every field a person, at that tablet's
/// clock, made inside the timing as plain JavaScript makes its records. Until session 49 this
/// timed `Store::bulk_put_people`, a put of whole records that no screen uses.
pub(crate) async fn bulk_import_people(value: JsValue) -> Result<f64, BenchError> {
    let store = state::store()?;
    let inputs = inputs(value)?;
    let t0 = now();
    let ctx = OpContext { device_id: OTHER_TABLET, author: "bench".to_owned() };
    let mut clock = HlcClock::new(OTHER_TABLET.simple().to_string());
    let ops: Vec<Operation> = inputs
        .into_iter()
        .map(|input| {
            let hlc = clock.tick(js_sys::Date::now() as u64);
            Operation::upsert(
                &ctx,
                hlc,
                EntityKind::Person,
                input.id,
                &input.branch_id,
                None,
                input.fields,
            )
        })
        .collect();
    store.import_operations(&ops, None).await?;
    Ok(now() - t0)
}
