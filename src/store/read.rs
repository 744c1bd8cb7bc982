//! Reading records: one by id, all of a kind (whole, or as lists show them), a person's surveys,
//! open conflicts.

use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use shared::merge::Conflict;
use shared::record::{EntityKind, ListedRecord, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{from_js, record_key};
use super::schema::{CONFLICTS, IDX_ENTITY, IDX_PERSON_ID, RECORDS, SURVEYS, store_for};
use super::{Store, StoreError};

impl Store {
    /// The record (also when it is a tombstone), or `None` if this device has never seen it.
    pub async fn get(&self, entity: EntityKind, id: Uuid) -> Result<Option<Record>, StoreError> {
        let name = store_for(entity);
        let db = self.db().await?;
        let tx = db.transaction(name).build()?;
        let store = tx.object_store(name)?;
        let value: Option<JsValue> = store.get(record_key(entity, id)).primitive()?.await?;
        let record: Option<Record> = match value {
            Some(v) if !v.is_undefined() => Some(from_js(v)?),
            _ => None,
        };
        // The screen that read it is likely to save it next.
        self.save_cache.borrow_mut().remember_record(entity, id, record.clone());
        Ok(record)
    }

    /// Every live (not deleted) record of `entity`, in key order.
    pub async fn list(&self, entity: EntityKind) -> Result<Vec<Record>, StoreError> {
        decode_live(self.all_stored(entity).await?, Record::is_deleted)
    }

    /// Every live record of `entity` as a list shows it, without the per-field clocks: what
    /// the people list reads, at about half the cost of [`Store::list`] for many records.
    pub async fn listing(&self, entity: EntityKind) -> Result<Vec<ListedRecord>, StoreError> {
        decode_live(self.all_stored(entity).await?, ListedRecord::is_deleted)
    }

    /// Every live record of `entity` decoded as `T`: a type naming only the parts of a stored
    /// record a screen shows (`logic::people::ListedPerson`), so nothing else is copied out of
    /// the browser's objects. `is_deleted` tells a tombstone.
    pub async fn listing_as<T: DeserializeOwned>(
        &self,
        entity: EntityKind,
        is_deleted: fn(&T) -> bool,
    ) -> Result<Vec<T>, StoreError> {
        decode_live(self.all_stored(entity).await?, is_deleted)
    }

    /// Every record of `entity` decoded as `T` and turned at once into what a screen keeps
    /// (`None`: left out, e.g. a tombstone), so that the decoded records are never all held
    /// beside what is made of them (the people list's rows: `services::people::list_rows`).
    pub async fn listing_into<T: DeserializeOwned, R>(
        &self,
        entity: EntityKind,
        into: impl Fn(T) -> Option<R>,
    ) -> Result<Vec<R>, StoreError> {
        decode_into(self.all_stored(entity).await?, into)
    }

    /// Every stored value of `entity` (tombstones included), in key order.
    async fn all_stored(&self, entity: EntityKind) -> Result<Vec<JsValue>, StoreError> {
        let name = store_for(entity);
        let db = self.db().await?;
        let tx = db.transaction(name).build()?;
        let store = tx.object_store(name)?;
        if name == RECORDS {
            let index = store.index(IDX_ENTITY)?;
            collect(
                index
                    .get_all::<JsValue>()
                    .with_query(JsValue::from_str(entity.as_str()))
                    .primitive()?
                    .await?,
            )
        } else {
            collect(store.get_all::<JsValue>().primitive()?.await?)
        }
    }

    /// The live surveys of one person.
    pub async fn surveys_of(&self, person_id: Uuid) -> Result<Vec<Record>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(SURVEYS).build()?;
        let object_store = tx.object_store(SURVEYS)?;
        let index = object_store.index(IDX_PERSON_ID)?;
        let values = collect(
            index
                .get_all::<JsValue>()
                .with_query(JsValue::from_str(&person_id.to_string()))
                .primitive()?
                .await?,
        )?;
        decode_live(values, Record::is_deleted)
    }

    /// Every conflict kept on this device (concurrent edits that lost), for review.
    pub async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(CONFLICTS).build()?;
        let values = collect(tx.object_store(CONFLICTS)?.get_all::<JsValue>().primitive()?.await?)?;
        values.into_iter().map(from_js).collect()
    }
}

fn collect<I, E>(iter: I) -> Result<Vec<JsValue>, StoreError>
where
    I: IntoIterator<Item = Result<JsValue, E>>,
    StoreError: From<E>,
{
    iter.into_iter().map(|r| r.map_err(StoreError::from)).collect()
}

/// Decode `values`, leaving out the deleted ones.
fn decode_live<T: DeserializeOwned>(
    values: Vec<JsValue>,
    is_deleted: fn(&T) -> bool,
) -> Result<Vec<T>, StoreError> {
    decode_into(values, |record: T| (!is_deleted(&record)).then_some(record))
}

/// Decode `values` one by one, each turned at once into what is kept (`None`: left out).
fn decode_into<T: DeserializeOwned, R>(
    values: Vec<JsValue>,
    into: impl Fn(T) -> Option<R>,
) -> Result<Vec<R>, StoreError> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        out.extend(into(from_js(v)?));
    }
    Ok(out)
}
