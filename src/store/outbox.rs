//! The outbox: operations made on this device and not yet acknowledged by the office server.
//! An acknowledged operation moves into `history` (see `local.rs`).

use indexed_db_futures::KeyRange;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use shared::op::Operation;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::batch::await_in_order;
use super::codec::{OP_ID, op_from_js};
use super::schema::{HISTORY, IDX_OP_ID, META, OUTBOX};
use super::{Store, StoreError, meta_keys};

/// One queued operation and its outbox key (ascending in the order the changes were made).
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub key: u64,
    pub op: Operation,
}

/// A window of the outbox as a sync run reads it ([`Store::outbox_window`]).
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxWindow {
    pub entries: Vec<OutboxEntry>,
    /// `meta_keys::OUTBOX_REWRITES` as it was when the entries were read.
    pub rewrites: u64,
}

/// An outbox key as stored (a number).
pub(super) fn outbox_key(key: JsValue) -> Result<u64, StoreError> {
    key.as_f64()
        .map(|k| k as u64)
        .ok_or_else(|| StoreError::Codec("outbox key is not a number".into()))
}

/// How many in-place rewrites of queued operations `meta` counts, read in the caller's
/// transaction: the request is issued now, its answer awaited later.
pub(super) fn rewrites_in<'a>(
    meta: &ObjectStore<'a>,
) -> Result<impl std::future::Future<Output = Result<u64, StoreError>> + 'a, StoreError> {
    let read =
        meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::OUTBOX_REWRITES)).primitive()?;
    Ok(async move { Ok(super::local::decode_opt::<u64>(read.await?)?.unwrap_or(0)) })
}

/// Count one more in-place rewrite of queued operations, in the caller's readwrite transaction
/// (which holds `meta`): a sync run that read them before reads them again before sending.
pub(super) async fn count_rewrite(meta: &ObjectStore<'_>) -> Result<(), StoreError> {
    let now = rewrites_in(meta)?.await?;
    let next = super::codec::to_js(&(now + 1))?;
    drop(meta.put(next).with_key(JsValue::from_str(meta_keys::OUTBOX_REWRITES)).primitive()?);
    Ok(())
}

impl Store {
    /// How many changes are waiting to be synced.
    pub async fn outbox_len(&self) -> Result<u32, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(OUTBOX).build()?;
        let count: u32 = tx.object_store(OUTBOX)?.count().primitive()?.await?;
        Ok(count)
    }

    /// The oldest `limit` queued operations, oldest first.
    pub async fn outbox_batch(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox_after(None, limit).await
    }

    /// Every queued operation, oldest first (the outbox stays small: it is what has not been
    /// sent yet).
    pub async fn outbox_all(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox_batch(u32::MAX).await
    }

    /// The oldest `limit` queued operations with a key after `after`: the push loop walks the
    /// outbox with it, past entries it holds back.
    pub async fn outbox_after(
        &self,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(OUTBOX).build()?;
        let store = tx.object_store(OUTBOX)?;
        let lower = JsValue::from_f64(after.map_or(0.0, |k| k as f64));
        let open = after.is_some();
        let keys_req = store
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(KeyRange::LowerBound(lower.clone(), open))
            .with_limit(limit)
            .primitive()?;
        let values_req = store
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(KeyRange::LowerBound(lower, open))
            .with_limit(limit)
            .primitive()?;
        let keys = keys_req.await?;
        let values = values_req.await?;
        let mut out = Vec::new();
        for (key, value) in keys.zip(values) {
            out.push(OutboxEntry { key: outbox_key(key?)?, op: op_from_js(value?)? });
        }
        Ok(out)
    }

    /// [`Store::outbox_after`], and how many in-place rewrites of queued operations there had
    /// been (`meta_keys::OUTBOX_REWRITES`), read just before: what a sync run passes to
    /// [`Store::note_sending`] before each push. Read first, in its own transaction, so that the
    /// outbox's read does not hold `meta` (a keystroke draft's write) up: a rewrite between the
    /// two reads only makes the push read its operations again.
    pub async fn outbox_window(
        &self,
        after: Option<u64>,
        limit: u32,
    ) -> Result<OutboxWindow, StoreError> {
        let rewrites = self.meta_get::<u64>(meta_keys::OUTBOX_REWRITES).await?.unwrap_or(0);
        Ok(OutboxWindow { entries: self.outbox_after(after, limit).await?, rewrites })
    }

    /// Remove acknowledged entries by outbox key, moving each operation into `history` in the
    /// same transaction (a local operation stays in the outbox only until it is acknowledged).
    pub async fn ack(&self, keys: &[u64]) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db
            .transaction([OUTBOX, HISTORY, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let keys: Vec<JsValue> = keys.iter().map(|k| JsValue::from_f64(*k as f64)).collect();
        let mut reads = Vec::with_capacity(keys.len());
        for key in &keys {
            reads.push(outbox.get::<JsValue, _, _>(key.clone()).primitive()?);
        }
        let values = await_in_order(reads).await?;
        let entries = keys.into_iter().zip(values).filter_map(|(k, v)| Some((k, defined(v)?)));
        move_to_history(&tx, &outbox, entries.collect()).await?;
        tx.commit().await?;
        self.photos_may_have_moved();
        self.outbox_changed();
        Ok(())
    }

    /// Remove entries the server refused (kept aside by the caller) from the outbox, by outbox
    /// key, WITHOUT moving them to `history`: `history` holds what the server stored or sent,
    /// and a refused change is neither (`Store::reached_server` reads it so).
    pub async fn drop_refused(&self, keys: &[u64]) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db.transaction([OUTBOX]).with_mode(TransactionMode::Readwrite).build()?;
        let outbox = tx.object_store(OUTBOX)?;
        for key in keys {
            drop(outbox.delete(JsValue::from_f64(*key as f64)).primitive()?);
        }
        tx.commit().await?;
        self.outbox_changed();
        Ok(())
    }

    /// Remove acknowledged entries by operation id (what the server's push answer lists), moving
    /// each operation into `history` like [`Store::ack`]. Ids that are not queued are ignored.
    pub async fn ack_ops(&self, op_ids: &[Uuid]) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db
            .transaction([OUTBOX, HISTORY, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let index = outbox.index(IDX_OP_ID)?;
        let mut key_reads = Vec::with_capacity(op_ids.len());
        let mut value_reads = Vec::with_capacity(op_ids.len());
        for id in op_ids {
            let id = JsValue::from_str(&id.to_string());
            key_reads.push(index.get_key::<JsValue, _>(id.clone()).primitive()?);
            value_reads.push(index.get::<JsValue, _, _>(id).primitive()?);
        }
        // The last value read was issued last: once it is done, every key read is done too.
        let values = await_in_order(value_reads).await?;
        let keys = await_in_order(key_reads).await?;
        let entries =
            keys.into_iter().zip(values).filter_map(|(k, v)| Some((defined(k)?, defined(v)?)));
        move_to_history(&tx, &outbox, entries.collect()).await?;
        tx.commit().await?;
        self.photos_may_have_moved();
        self.outbox_changed();
        Ok(())
    }
}

fn defined(value: Option<JsValue>) -> Option<JsValue> {
    value.filter(|v| !v.is_undefined() && !v.is_null())
}

/// Put each (outbox key, operation) in `history` and delete it from the outbox (`tx` writes
/// the outbox, `history` and `meta`), and keep the
/// last one's id as the last acknowledged (`meta_keys::LAST_ACKED`: acknowledgements come in
/// the order the changes were queued); every request is issued before the first await.
async fn move_to_history(
    tx: &Transaction<'_>,
    outbox: &ObjectStore<'_>,
    entries: Vec<(JsValue, JsValue)>,
) -> Result<(), StoreError> {
    let history = tx.object_store(HISTORY)?;
    let meta = tx.object_store(META)?;
    let mut puts = Vec::with_capacity(entries.len());
    let mut deletes = Vec::with_capacity(entries.len());
    let last_id = entries
        .last()
        .and_then(|(_, op)| js_sys::Reflect::get(op, &JsValue::from_str(OP_ID)).ok())
        .filter(|id| id.is_string());
    if let Some(id) = last_id {
        drop(meta.put(id).with_key(JsValue::from_str(meta_keys::LAST_ACKED)).primitive()?);
    }
    for (key, op) in entries {
        puts.push(history.put(op).primitive()?);
        deletes.push(outbox.delete(key).primitive()?);
    }
    // A delete was issued last: once the deletes are done, every put is done too.
    await_in_order(deletes).await?;
    await_in_order(puts).await?;
    Ok(())
}
