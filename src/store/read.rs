//! Reading records: one by id, all of a kind (whole, or as lists show them), a person's surveys,
//! open conflicts.

use std::marker::PhantomData;

use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use shared::merge::Conflict;
use shared::record::{EntityKind, ListedRecord, Projected, Record};
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
    pub async fn listing_as<T: Projected>(
        &self,
        entity: EntityKind,
        is_deleted: fn(&T) -> bool,
    ) -> Result<Vec<T>, StoreError> {
        decode_projected(self.all_stored(entity).await?, |record: T| {
            (!is_deleted(&record)).then_some(record)
        })
    }

    /// Every record of `entity` decoded as `T` and turned at once into what a screen keeps
    /// (`None`: left out, e.g. a tombstone), so that the decoded records are never all held
    /// beside what is made of them (the people list's rows: `services::people::list_rows`).
    pub async fn listing_into<T: Projected, R>(
        &self,
        entity: EntityKind,
        into: impl Fn(T) -> Option<R>,
    ) -> Result<Vec<R>, StoreError> {
        decode_projected(self.all_stored(entity).await?, into)
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

/// Decode `values` as `T` through its projection ([`Projected`]), each record turned at once
/// into what is kept (`None`: left out). The browser writes out only the properties `T` reads,
/// [`PROJECTED_BATCH`] records at a time as one JSON text (`JSON.stringify` with the list of
/// names), which crosses into wasm once and is decoded record by record: a few calls into the
/// browser for the whole read instead of one per property of each record, and never more than
/// one batch's text in wasm memory, which never shrinks (docs/PERFORMANCE.md, session 37).
///
/// A record that cannot be decoded fails the read ([`StoreError::Codec`]), as it did when each
/// was read by itself. Every text this app stores has passed through a Rust `String`, so none
/// holds what JSON cannot carry (a lone UTF-16 surrogate); one edited into the database by hand
/// fails the read here, where reading it by itself made a U+FFFD of it.
fn decode_projected<T: Projected, R>(
    values: Vec<JsValue>,
    into: impl Fn(T) -> Option<R>,
) -> Result<Vec<R>, StoreError> {
    let keys: js_sys::Array = T::KEYS.iter().map(|k| JsValue::from_str(k)).collect();
    let mut out = Vec::with_capacity(values.len());
    for batch in values.chunks(PROJECTED_BATCH) {
        decode_batch(batch, &keys, &into, &mut out)?;
    }
    Ok(out)
}

/// One batch of [`decode_projected`]: its records written out by the browser and decoded.
fn decode_batch<T: Projected, R>(
    batch: &[JsValue],
    keys: &js_sys::Array,
    into: &impl Fn(T) -> Option<R>,
    out: &mut Vec<R>,
) -> Result<(), StoreError> {
    let batch: js_sys::Array = batch.iter().collect();
    let text: String = js_sys::JSON::stringify_with_replacer(&batch, keys)
        .map_err(|e| StoreError::Codec(format!("the browser could not write records out: {e:?}")))?
        .into();
    let mut decoder = serde_json::Deserializer::from_str(&text);
    serde::Deserializer::deserialize_seq(
        &mut decoder,
        EachInto { into, out, record: PhantomData },
    )?;
    Ok(decoder.end()?)
}

/// Records written out and decoded at a time by [`decode_projected`]: about 18 KB of text for
/// the people list's rows. With 1,000 (180 KB, and up to three times that while the browser's
/// text is copied in) the list of 10,000 left the module's memory 0.9 MB larger for good; with
/// 100 it is 0.1 MB (`bench --only memory`, docs/PERFORMANCE.md "Session 37").
const PROJECTED_BATCH: usize = 100;

/// Decodes a JSON array's items as `T` one by one, each handed to `into` as it is decoded.
struct EachInto<'a, T, R, F> {
    into: &'a F,
    out: &'a mut Vec<R>,
    record: PhantomData<T>,
}

impl<'de, T: Projected, R, F: Fn(T) -> Option<R>> serde::de::Visitor<'de>
    for EachInto<'_, T, R, F>
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while let Some(record) = items.next_element::<T>()? {
            self.out.extend((self.into)(record));
        }
        Ok(())
    }
}
