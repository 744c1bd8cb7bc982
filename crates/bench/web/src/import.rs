//! Writes: survey saves one by one, and the bulk import of people.

use serde::Deserialize;
use serde_json::Value;
use shared::hlc::HlcClock;
use shared::record::{EntityKind, FieldMeta, Record};
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

pub(crate) async fn bulk_import_people(value: JsValue) -> Result<f64, BenchError> {
    let store = state::store()?;
    let inputs = inputs(value)?;
    let author = store.author();
    let t0 = now();
    let mut clock = HlcClock::new(store.device_id().simple().to_string());
    let hlc = clock.tick(js_sys::Date::now() as u64);
    let records: Vec<Record> = inputs
        .into_iter()
        .map(|input| {
            let mut record = Record::new(EntityKind::Person, input.id, input.branch_id);
            for (field, value) in input.fields {
                let meta = FieldMeta { clock: hlc.clone(), base: None, author: author.clone() };
                record.meta.insert(field.clone(), meta);
                record.fields.insert(field, value);
            }
            record.updated = hlc.clone();
            record
        })
        .collect();
    store.bulk_put_people(&records).await?;
    Ok(now() - t0)
}
