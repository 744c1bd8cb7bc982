//! The app's own store code (`field::store`, `field::logic::people`) exported to the benchmark
//! page (`crates/bench/js/`), where it runs beside the plain-JavaScript IndexedDB baseline and
//! Dexie.
//!
//! Inputs arrive as plain JS objects and are converted to Rust values *before* any clock starts,
//! so the timings cover only what the app itself does when a surveyor saves, imports or searches.

mod draft;
mod error;
mod import;
mod people;
mod pull;
mod state;

pub use error::BenchError;

use wasm_bindgen::prelude::*;

/// Milliseconds since the page started (`performance.now()`).
pub(crate) fn now() -> f64 {
    field::browser::page::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Open (creating) the app's database `name` with the app's schema; the caller deletes any old
/// database of that name first so every run starts empty.
#[wasm_bindgen]
pub async fn app_open(name: String) -> Result<(), JsError> {
    state::open(&name).await.map_err(JsError::from)
}

/// Close the open database and drop everything held in memory.
#[wasm_bindgen]
pub fn app_close() {
    state::close();
}

/// Save each survey edit `{id, branch_id, fields}` with `Store::save` (reads the record and the
/// clock, writes record, outbox entry and clock in one transaction); returns the milliseconds of
/// each save.
#[wasm_bindgen]
pub async fn app_save_surveys(inputs: JsValue) -> Result<Vec<f64>, JsError> {
    import::save_surveys(inputs).await.map_err(JsError::from)
}

/// Import people `{id, branch_id, fields}` as another tablet's export file brings them, with
/// `Store::import_operations` (what the import screen does once the file is verified); returns
/// milliseconds spent making the operations and storing them.
#[wasm_bindgen]
pub async fn app_bulk_import_people(inputs: JsValue) -> Result<f64, JsError> {
    import::bulk_import_people(inputs).await.map_err(JsError::from)
}

/// Type `keystrokes` characters into a filled survey form, writing the keystroke draft after
/// each as the form does (`services::survey::write_draft`); returns the milliseconds of each.
#[wasm_bindgen]
pub async fn app_keystroke_drafts(keystrokes: u32) -> Result<Vec<f64>, JsError> {
    draft::keystrokes(keystrokes).await.map_err(JsError::from)
}

/// The filled survey form the draft part types into, as the JSON text a keystroke draft holds,
/// and what is typed (`{form_json, typed, restart}`): the plain-JavaScript baseline writes the
/// same text the same way.
#[wasm_bindgen]
pub fn app_draft_form() -> Result<JsValue, JsError> {
    let form = draft::typed_form().map_err(JsError::from)?;
    // Maps as plain objects, as the app's draft holds them.
    let as_objects = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&form, &as_objects).map_err(|e| JsError::new(&e.to_string()))
}

/// Read the people list's rows as its screen does (`services::people::list_rows`: each member
/// made into its row as it is decoded, then sorted) and keep them; returns how many.
#[wasm_bindgen]
pub async fn app_read_people() -> Result<u32, JsError> {
    people::read_all().await.map_err(JsError::from)
}

/// The people list's rows: made by [`app_read_people`] (the list's one step since session 35),
/// so this only says how many.
#[wasm_bindgen]
pub fn app_build_rows() -> u32 {
    people::build_rows()
}

/// Filter the rows by name as the search box does (`logic::people::filter_page`); returns the
/// number of matches.
#[wasm_bindgen]
pub fn app_search(query: String) -> u32 {
    people::search(&query)
}

/// Drop the records and rows held in memory (the database stays open).
#[wasm_bindgen]
pub fn app_release() {
    people::release();
}

/// Pull every operation the server has (`GET /api/v1/sync/pull`, pages of `limit`) and merge
/// each page (with its cursor) into the open database with `Store::apply_remote_page`, fetching
/// the next page meanwhile as the sync engine does. Resolves to
/// `{ops, pages, fetch_ms, apply_ms}`.
#[wasm_bindgen]
pub async fn app_pull(origin: String, token: String, limit: u32) -> Result<JsValue, JsError> {
    let outcome = pull::pull_all(&origin, &token, limit).await.map_err(JsError::from)?;
    serde_wasm_bindgen::to_value(&outcome).map_err(|e| JsError::new(&e.to_string()))
}

/// Bytes of this module's linear memory (the wasm heap).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
