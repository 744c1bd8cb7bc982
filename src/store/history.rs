//! The change history of a record: every operation this device applied to it (local edits and
//! pulled ones), newest first, plus the per-field authorship kept in `Record::meta`.

use indexed_db_futures::prelude::*;
use serde_json::Value;
use shared::hlc::Hlc;
use shared::op::{OpKind, Operation};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::from_js;
use super::schema::{HISTORY, IDX_ENTITY_ID};
use super::{Store, StoreError};

/// One change to one record, as shown on a person or survey page.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub hlc: Hlc,
    pub author: String,
    pub kind: OpKind,
    /// (field, new value) pairs.
    pub changes: Vec<(String, Value)>,
}

impl HistoryEntry {
    pub fn from_op(op: &Operation) -> Self {
        HistoryEntry {
            hlc: op.hlc.clone(),
            author: op.author.clone(),
            kind: op.kind,
            changes: op.changes.iter().map(|c| (c.field.clone(), c.value.clone())).collect(),
        }
    }
}

impl Store {
    /// Every change this device knows for the record `entity_id`, newest first.
    pub async fn history(&self, entity_id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        let tx = self.db.transaction(HISTORY).build()?;
        let object_store = tx.object_store(HISTORY)?;
        let index = object_store.index(IDX_ENTITY_ID)?;
        let values = index
            .get_all::<JsValue>()
            .with_query(JsValue::from_str(&entity_id.to_string()))
            .primitive()?
            .await?;
        let mut entries = Vec::new();
        for value in values {
            let op: Operation = from_js(value?)?;
            entries.push(HistoryEntry::from_op(&op));
        }
        entries.sort_by(|a, b| b.hlc.cmp(&a.hlc));
        Ok(entries)
    }
}
