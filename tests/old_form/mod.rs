//! Values as versions of the app before session 38 stored them: serde-wasm-bindgen's plain
//! objects (maps as objects), where `None` and a JSON `null` (a field emptied, in a record or an
//! operation) are properties whose value is `undefined`. Tablets in the field still hold
//! records, operations, conflicts and settings written so; the app must read them as they were.

use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as versions before session 38 stored it.
pub fn stored_before_38<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&serializer).expect("serde-wasm-bindgen writes every stored type")
}
