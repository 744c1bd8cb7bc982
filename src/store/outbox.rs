//! The outbox: operations made on this device and not yet acknowledged by the office server.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use shared::op::Operation;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::from_js;
use super::schema::{IDX_OP_ID, OUTBOX};
use super::{Store, StoreError};

/// One queued operation and its outbox key (ascending in the order the changes were made).
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub key: u64,
    pub op: Operation,
}

impl Store {
    /// How many changes are waiting to be synced.
    pub async fn outbox_len(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let count: u32 = tx.object_store(OUTBOX)?.count().primitive()?.await?;
        Ok(count)
    }

    /// The oldest `limit` queued operations, oldest first.
    pub async fn outbox_batch(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let store = tx.object_store(OUTBOX)?;
        let keys_req = store.get_all_keys::<JsValue>().with_limit(limit).primitive()?;
        let values_req = store.get_all::<JsValue>().with_limit(limit).primitive()?;
        let keys = keys_req.await?;
        let values = values_req.await?;
        let mut out = Vec::new();
        for (key, value) in keys.zip(values) {
            let key = key?
                .as_f64()
                .ok_or_else(|| StoreError::Codec("outbox key is not a number".into()))?;
            out.push(OutboxEntry { key: key as u64, op: from_js(value?)? });
        }
        Ok(out)
    }

    /// Remove acknowledged entries by outbox key.
    pub async fn ack(&self, keys: &[u64]) -> Result<(), StoreError> {
        let tx = self.db.transaction(OUTBOX).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(OUTBOX)?;
        let mut reqs = Vec::with_capacity(keys.len());
        for key in keys {
            reqs.push(store.delete(JsValue::from_f64(*key as f64)).primitive()?);
        }
        for req in reqs {
            req.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Remove acknowledged entries by operation id (what the server's push answer lists).
    /// Ids that are not queued are ignored.
    pub async fn ack_ops(&self, op_ids: &[Uuid]) -> Result<(), StoreError> {
        let tx = self.db.transaction(OUTBOX).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(OUTBOX)?;
        let index = store.index(IDX_OP_ID)?;
        for id in op_ids {
            let key: Option<JsValue> =
                index.get_key(JsValue::from_str(&id.to_string())).primitive()?.await?;
            if let Some(key) = key.filter(|k| !k.is_undefined()) {
                store.delete(key).primitive()?.await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
