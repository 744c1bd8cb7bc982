//! The change history of a record: every operation this device applied to it (local edits and
//! pulled ones), newest first, plus the per-field authorship kept in `Record::meta`.
//!
//! Acknowledged local operations are in `history`, pulled and imported ones in `history_pages`
//! (one entry per applied page, `remote.rs`), and local ones still waiting to be synced in the
//! outbox (a save writes only the outbox, see `local.rs`). Databases from before schema v4 also
//! hold pulled and queued operations in `history`; each operation is listed once.

use std::collections::HashSet;

use indexed_db_futures::prelude::*;
use serde_json::Value;
use shared::hlc::Hlc;
use shared::op::{OpKind, Operation};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{OP_ENTITY_ID, op_from_js, page_from_js};
use super::schema::{HISTORY, HISTORY_PAGES, IDX_ENTITY_ID, IDX_ENTITY_IDS, OUTBOX};
use super::{Store, StoreError};

/// One change to one record, as shown on a person or survey page.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The operation's id.
    pub id: Uuid,
    pub hlc: Hlc,
    pub author: String,
    pub kind: OpKind,
    /// (field, new value) pairs.
    pub changes: Vec<(String, Value)>,
}

impl HistoryEntry {
    pub fn from_op(op: &Operation) -> Self {
        HistoryEntry {
            id: op.id,
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
        let id = JsValue::from_str(&entity_id.to_string());
        let db = self.db().await?;
        let tx = db.transaction([HISTORY, HISTORY_PAGES, OUTBOX]).build()?;
        let history = tx.object_store(HISTORY)?;
        let pages = tx.object_store(HISTORY_PAGES)?;
        let applied_req = history
            .index(IDX_ENTITY_ID)?
            .get_all::<JsValue>()
            .with_query(id.clone())
            .primitive()?;
        let pages_req =
            pages.index(IDX_ENTITY_IDS)?.get_all::<JsValue>().with_query(id.clone()).primitive()?;
        let queued_req = tx.object_store(OUTBOX)?.get_all::<JsValue>().primitive()?;
        // The outbox read was issued last: once it is done, the other reads are done too.
        let queued = queued_req.await?;
        let mut ops = Vec::new();
        for value in applied_req.await? {
            ops.push(op_from_js(value?)?);
        }
        for page in pages_req.await? {
            ops.extend(page_from_js(&page?)?.into_iter().filter(|op| op.entity_id == entity_id));
        }
        // Only the queued operations of this record are decoded.
        let entity_id_key = JsValue::from_str(OP_ENTITY_ID);
        for value in queued {
            let value = value?;
            if js_sys::Reflect::get(&value, &entity_id_key).ok().as_ref() == Some(&id) {
                ops.push(op_from_js(value)?);
            }
        }
        let mut entries: Vec<HistoryEntry> =
            one_per_operation(ops).iter().map(HistoryEntry::from_op).collect();
        shared::order::sort_by(&mut entries, |a, b| b.hlc.cmp(&a.hlc));
        Ok(entries)
    }
}

/// `ops` with each operation id once (the first copy): an operation read from `history`,
/// `history_pages` and the outbox together may be in two of them (schema v4, `schema.rs`).
pub(super) fn one_per_operation(ops: Vec<Operation>) -> Vec<Operation> {
    let mut seen = HashSet::new();
    ops.into_iter().filter(|op| seen.insert(op.id)).collect()
}
