//! The `meta` object store: small key → value settings (device id, clock, account, cursor).

use indexed_db_futures::KeyRange;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::codec::{from_js, to_js};
use super::local::decode_opt;
use super::schema::META;
use super::{Store, StoreError};

impl Store {
    /// Read a value from `meta`; `None` if it was never set.
    pub async fn meta_get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        match self.meta_value(key).await? {
            Some(v) => Ok(Some(from_js(v)?)),
            None => Ok(None),
        }
    }

    /// The value `meta` holds at `key` as the browser gave it; `None` if it was never set.
    /// Compiled once: [`Store::meta_get`] is instantiated for each type it decodes.
    async fn meta_value(&self, key: &str) -> Result<Option<JsValue>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        let value: Option<JsValue> = store.get(JsValue::from_str(key)).primitive()?.await?;
        Ok(value.filter(|v| !v.is_undefined()))
    }

    /// Whether `meta` holds `key`, without reading its value into a type.
    pub async fn meta_has(&self, key: &str) -> Result<bool, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        let value: Option<JsValue> = store.get(JsValue::from_str(key)).primitive()?.await?;
        Ok(value.is_some_and(|v| !v.is_undefined() && !v.is_null()))
    }

    /// The keys of `meta` that start with `prefix` (in key order).
    pub async fn meta_keys_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).build()?;
        let store = tx.object_store(META)?;
        // Every string starting with `prefix` sorts below `prefix` followed by U+FFFF.
        let (lower, upper) =
            (JsValue::from_str(prefix), JsValue::from_str(&format!("{prefix}\u{ffff}")));
        let keys = store
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(KeyRange::Bound(lower, false, upper, false))
            .primitive()?
            .await?;
        let mut out = Vec::new();
        for key in keys {
            if let Some(key) = key?.as_string().filter(|k| k.starts_with(prefix)) {
                out.push(key);
            }
        }
        Ok(out)
    }

    /// Write a value to `meta` (its own committed transaction). The put is not awaited on its
    /// own: the commit is asked for with the put still in flight, so the browser answers once,
    /// not twice (one round trip a keystroke draft, not two). A put that fails aborts the
    /// transaction, and the commit reports that error.
    pub async fn meta_set<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        self.meta_put(key, to_js(value)?).await
    }

    /// [`Store::meta_set`] of a value already made a `JsValue`: compiled once, not for each
    /// type written.
    async fn meta_put(&self, key: &str, js: JsValue) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(META)?;
        drop(store.put(js).with_key(JsValue::from_str(key)).primitive()?);
        tx.commit().await?;
        Ok(())
    }

    /// Read `key`, work out its new value with `update`, and write it, in one transaction:
    /// two updates of the same value (the sync engine setting a refusal aside while the person
    /// dismisses another, or two tabs) each start from the other's result, so neither is lost.
    /// Returns the value written.
    pub async fn meta_update<T, F>(&self, key: &str, update: F) -> Result<T, StoreError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(Option<T>) -> T,
    {
        let db = self.db().await?;
        let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(META)?;
        let value: Option<JsValue> = store.get(JsValue::from_str(key)).primitive()?.await?;
        let next = update(decode_opt(value)?);
        drop(store.put(to_js(&next)?).with_key(JsValue::from_str(key)).primitive()?);
        tx.commit().await?;
        Ok(next)
    }

    /// Write `value` under `key` and delete `done` from `meta`, in one transaction.
    pub async fn meta_set_and_delete<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
        done: &str,
    ) -> Result<(), StoreError> {
        let js = to_js(value)?;
        let db = self.db().await?;
        let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(META)?;
        drop(store.put(js).with_key(JsValue::from_str(key)).primitive()?);
        drop(store.delete(JsValue::from_str(done)).primitive()?);
        tx.commit().await?;
        Ok(())
    }

    /// Delete `key` from `meta` if its stored value still equals `expected` (read and delete in
    /// one transaction): a value written meanwhile by a later request is kept.
    pub async fn meta_delete_if_eq<T: Serialize + DeserializeOwned + PartialEq>(
        &self,
        key: &str,
        expected: &T,
    ) -> Result<bool, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(META)?;
        let value: Option<JsValue> = store.get(JsValue::from_str(key)).primitive()?.await?;
        let same = match value {
            Some(v) if !v.is_undefined() && !v.is_null() => {
                from_js::<T>(v).ok().as_ref() == Some(expected)
            }
            _ => false,
        };
        if same {
            store.delete(JsValue::from_str(key)).primitive()?.await?;
        }
        tx.commit().await?;
        Ok(same)
    }
}
