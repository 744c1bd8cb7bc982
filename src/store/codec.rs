//! Conversions between Rust values and the JS objects IndexedDB stores.
//!
//! Records, conflicts and settings are stored as plain JS objects, so key paths such as
//! `fields.person_id` can index them. Operations (outbox and history, schema v4) are stored as
//! `{id, entity_id, op}`: the two keys their store and index need, and the operation itself as
//! JSON text ([`op_to_js`]) — nothing ever queries inside an operation, and a string is far
//! cheaper for the browser to clone into the database than an object with a nested object per
//! changed field. [`op_from_js`] also reads the plain-object form of versions 1–3.
//!
//! Records, operations and settings cross the wasm boundary as JSON text, whichever way they go
//! (photos are built by hand: `attachments.rs`):
//!
//! * written ([`to_js`], [`to_js_array`]): serialised by serde_json in wasm and made an object by
//!   the browser's native `JSON.parse` — one crossing per value (or per batch, for a slice)
//!   instead of one per field and per nested clock. Absent options are left out where the
//!   shared types skip them; a value that is `None` as a whole is stored as `undefined`, as
//!   settings always were (a reader takes both for "not set").
//! * read ([`from_js`]): written out by the browser's `JSON.stringify`, the text copied into wasm
//!   once and decoded by serde_json. The replacer that writes a property whose value is
//!   `undefined` out as `null` (not left out) is a wasm closure, which `JSON.stringify` calls for
//!   every property; still about twice as fast for a whole record as serde-wasm-bindgen, which
//!   asked the browser for each property and copied each text on its own. The people list's
//!   bulk reads write out only the properties a list type reads, with no replacer
//!   (`store::read`, `shared::record::Projected`).
//!
//! One decoder for every type (serde_json's, which the sync transport needs anyway) instead of
//! serde-wasm-bindgen's beside it: docs/PERFORMANCE.md, "Session 38". Every text this app stores
//! has passed through a Rust `String`, so none holds what JSON cannot carry (a lone UTF-16
//! surrogate); one edited into the database by hand fails its read with a codec error.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::op::Operation;
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::StoreError;

/// A setting (or any small value) as a plain JS object; `None` as a whole is `undefined`.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(value)?;
    if text == "null" {
        return Ok(JsValue::UNDEFINED);
    }
    parse(&text)
}

/// An operation as the outbox and history store it (schema v4): `{id, entity_id, op: JSON text}`.
pub fn op_to_js(op: &Operation) -> Result<JsValue, StoreError> {
    let text = serde_json::to_string(op)?;
    plain_object(&[
        (OP_ID, &JsValue::from_str(&op.id.to_string())),
        (OP_ENTITY_ID, &JsValue::from_str(&op.entity_id.to_string())),
        (OP_TEXT, &JsValue::from_str(&text)),
    ])
}

/// An operation read from the outbox or history: the v4 form (`op` holds JSON text) or the plain
/// object that versions 1–3 stored.
pub fn op_from_js(value: JsValue) -> Result<Operation, StoreError> {
    let text =
        js_sys::Reflect::get(&value, &JsValue::from_str(OP_TEXT)).ok().and_then(|v| v.as_string());
    match text {
        Some(text) => Ok(serde_json::from_str(&text)?),
        None => from_js(value),
    }
}

/// A pulled page as `history_pages` stores it (schema v4): `{id, entity_ids, ops: JSON text}`.
/// One entry per page instead of one per operation; `entity_ids` (each record once) feeds the
/// multi-entry index the history of a record is read through. The id is made of the page's
/// first and last operation ids and its length, so storing the same page again replaces it.
pub fn page_to_js(ops: &[Operation]) -> Result<JsValue, StoreError> {
    let (Some(first), Some(last)) = (ops.first(), ops.last()) else {
        return Err(StoreError::Codec("an empty page has no history entry".into()));
    };
    let text = serde_json::to_string(ops)?;
    let mut seen = std::collections::HashSet::new();
    let entity_ids = js_sys::Array::new();
    for op in ops {
        if seen.insert(op.entity_id) {
            entity_ids.push(&JsValue::from_str(&op.entity_id.to_string()));
        }
    }
    let id = format!("{}/{}/{}", first.id, last.id, ops.len());
    plain_object(&[
        (OP_ID, &JsValue::from_str(&id)),
        (PAGE_ENTITY_IDS, &entity_ids),
        (PAGE_OPS, &JsValue::from_str(&text)),
    ])
}

/// The operations of a `history_pages` entry.
pub fn page_from_js(value: &JsValue) -> Result<Vec<Operation>, StoreError> {
    let text = js_sys::Reflect::get(value, &JsValue::from_str(PAGE_OPS))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| StoreError::Codec("a history page has no operations".into()))?;
    Ok(serde_json::from_str(&text)?)
}

/// A plain JS object with these properties, built directly (for values whose properties are
/// already JS values: text, arrays, blobs).
pub fn plain_object(properties: &[(&str, &JsValue)]) -> Result<JsValue, StoreError> {
    let object = js_sys::Object::new();
    for (key, value) in properties {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), value)
            .map_err(|e| StoreError::Codec(format!("{e:?}")))?;
    }
    Ok(object.into())
}

const PAGE_ENTITY_IDS: &str = "entity_ids";
const PAGE_OPS: &str = "ops";

/// Property names of a stored operation (`id` and `entity_id` are also what the v1–3 plain
/// objects had, so the key path and indexes cover both forms).
pub const OP_ID: &str = "id";
pub const OP_ENTITY_ID: &str = "entity_id";
const OP_TEXT: &str = "op";

fn parse(text: &str) -> Result<JsValue, StoreError> {
    js_sys::JSON::parse(text).map_err(|e| StoreError::Codec(format!("JSON.parse: {e:?}")))
}

/// A slice of records as one JS array (one `JSON.parse` for the whole batch).
pub fn to_js_array<T: Serialize>(values: &[T]) -> Result<js_sys::Array, StoreError> {
    use wasm_bindgen::JsCast;
    Ok(to_js(values)?.unchecked_into())
}

/// A stored value decoded as `T`: written out by the browser (`JSON.stringify`) and decoded by
/// serde_json.
///
/// A property whose value is `undefined` is written out as `null`, not left out: before
/// session 38 settings, and in schema versions 1–3 records, operations and conflicts, were
/// stored by serde-wasm-bindgen, which wrote `None` and a JSON `null` (a field emptied) as
/// `undefined` and read a property holding `undefined` back as `null`. `undefined` as a
/// whole (nothing stored) decodes as `null`.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    let text = UNDEFINED_AS_NULL
        .with(|replacer| js_sys::JSON::stringify_with_replacer(&value, replacer.as_ref()));
    let text: String = text
        .map_err(|e| StoreError::Codec(format!("the browser could not write a value out: {e:?}")))?
        .into();
    Ok(serde_json::from_str(&text)?)
}

thread_local! {
    /// `JSON.stringify`'s replacer for [`from_js`]: `undefined` becomes `null`, anything else is
    /// kept. Made once.
    static UNDEFINED_AS_NULL: wasm_bindgen::closure::Closure<dyn Fn(JsValue, JsValue) -> JsValue> =
        wasm_bindgen::closure::Closure::new(|_key: JsValue, value: JsValue| {
            if value.is_undefined() { JsValue::NULL } else { value }
        });
}

/// The primary key of a record in the store that holds its entity kind.
pub fn record_key(entity: EntityKind, id: Uuid) -> JsValue {
    match super::schema::store_for(entity) {
        super::schema::RECORDS => {
            let key = js_sys::Array::new();
            key.push(&JsValue::from_str(entity.as_str()));
            key.push(&JsValue::from_str(&id.to_string()));
            key.into()
        }
        _ => JsValue::from_str(&id.to_string()),
    }
}
