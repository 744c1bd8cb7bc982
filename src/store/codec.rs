//! Conversions between Rust values and the JS objects IndexedDB stores.
//!
//! Values go through serde-wasm-bindgen as plain JS objects (never JSON strings): maps become
//! objects so key paths such as `fields.person_id` can index them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::StoreError;

const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);

pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StoreError> {
    Ok(value.serialize(&SERIALIZER)?)
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, StoreError> {
    Ok(serde_wasm_bindgen::from_value(value)?)
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
