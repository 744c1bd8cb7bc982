//! Reading records: one by id, all of a kind (whole, or as lists show them), a person's surveys,
//! open conflicts.

use std::marker::PhantomData;

use indexed_db_futures::KeyRange;
use indexed_db_futures::cursor::{CursorDirection, KeyCursor};
use indexed_db_futures::future::GetAllPrimitiveRequest;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use serde::de::DeserializeOwned;
use shared::merge::Conflict;
use shared::record::{EntityKind, ListedRecord, Projected, Record};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{from_js, record_key};
use super::key_ranges::{self, KeyBounds, READ_RANGES};
use super::schema::{CONFLICTS, IDX_ENTITY, IDX_PERSON_ID, RECORDS, SURVEYS, store_for};
use super::{Store, StoreError};
use crate::browser::read_cuts;

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
        self.decode_stored(entity, |values, out| decode_live(values, Record::is_deleted, out)).await
    }

    /// Every live record of `entity` as a list shows it, without the per-field clocks: what
    /// the people list reads, at about half the cost of [`Store::list`] for many records.
    pub async fn listing(&self, entity: EntityKind) -> Result<Vec<ListedRecord>, StoreError> {
        self.decode_stored(entity, |values, out| decode_live(values, ListedRecord::is_deleted, out))
            .await
    }

    /// Every live record of `entity` decoded as `T`: a type naming only the parts of a stored
    /// record a screen shows (`logic::people::ListedPerson`), so nothing else is copied out of
    /// the browser's objects. `is_deleted` tells a tombstone.
    pub async fn listing_as<T: Projected>(
        &self,
        entity: EntityKind,
        is_deleted: fn(&T) -> bool,
    ) -> Result<Vec<T>, StoreError> {
        self.listing_into(entity, |record: T| (!is_deleted(&record)).then_some(record)).await
    }

    /// Every record of `entity` decoded as `T` and turned at once into what a screen keeps
    /// (`None`: left out, e.g. a tombstone), so that the decoded records are never all held
    /// beside what is made of them (the people list's rows: `services::people::list_rows`).
    pub async fn listing_into<T: Projected, R>(
        &self,
        entity: EntityKind,
        into: impl Fn(T) -> Option<R>,
    ) -> Result<Vec<R>, StoreError> {
        let keys = projected_keys::<T>();
        self.decode_stored(entity, |values, out| decode_projected(&values, &keys, &into, out)).await
    }

    /// Every stored value of `entity` (tombstones included), in key order, decoded by `decode`
    /// into what is kept, sized once for every stored value (a vector grown record by record
    /// leaves wasm memory behind: round 5).
    async fn decode_stored<R>(
        &self,
        entity: EntityKind,
        mut decode: impl FnMut(Vec<JsValue>, &mut Vec<R>) -> Result<(), StoreError>,
    ) -> Result<Vec<R>, StoreError> {
        let answers = self.all_stored(entity).await?;
        let mut out = Vec::with_capacity(answers.iter().map(Vec::len).sum());
        for values in answers {
            decode(values, &mut out)?;
        }
        Ok(out)
    }

    /// Every stored value of `entity` (tombstones included), in key order, as the browser's
    /// answers came (public for tests, which look at the ranges). A store keyed by id is read as
    /// up to [`READ_RANGES`] key ranges requested at once, so that the browser reads the next
    /// range while the tab unpacks the last ([`key_ranges`]): cut where the last read of it was
    /// cut evenly ([`crate::browser::read_cuts`]), or else between its lowest and highest key
    /// (two key cursors). A read whose ranges came out uneven keeps where the same records cut
    /// evenly, for the next. The `records` store is read through its entity index in one request.
    pub async fn all_stored(&self, entity: EntityKind) -> Result<Vec<Vec<JsValue>>, StoreError> {
        let name = store_for(entity);
        let db = self.db().await?;
        let tx = db.transaction(name).build()?;
        let store = tx.object_store(name)?;
        let requests = if name == RECORDS {
            // Keyed `[entity, id]` beside other kinds: the few records of the campaign's kinds.
            let query = JsValue::from_str(entity.as_str());
            vec![store.index(IDX_ENTITY)?.get_all::<JsValue>().with_query(query).primitive()?]
        } else {
            let learned = read_cuts::read(self.name(), name).and_then(key_ranges::ranges_from);
            let ranges = match learned {
                Some(ranges) => ranges,
                None => span_ranges(&store).await?,
            };
            ranges
                .into_iter()
                .map(|range| range_request(&store, range))
                .collect::<Result<_, _>>()?
        };
        // In order: each answer is unpacked while the browser reads the next range.
        let mut answers = Vec::with_capacity(requests.len());
        for request in requests {
            answers.push(collect(request.await?)?);
        }
        if name != RECORDS {
            self.learn_cuts(name, &answers);
        }
        Ok(answers)
    }

    /// Keep where the records of `answers` (a whole read of store `name`) cut into even ranges,
    /// if they came out uneven ([`key_ranges::positions_to_learn`]).
    fn learn_cuts(&self, name: &str, answers: &[Vec<JsValue>]) {
        let lengths: Vec<usize> = answers.iter().map(Vec::len).collect();
        let Some(positions) = key_ranges::positions_to_learn(&lengths, READ_RANGES) else {
            return;
        };
        let mut records = answers.iter().flatten();
        let mut at = 0;
        let mut cuts = Vec::with_capacity(positions.len());
        for position in positions {
            let Some(record) = records.nth(position - at) else { return };
            at = position + 1;
            match primary_key(record) {
                Some(key) => cuts.push(key),
                None => return,
            }
        }
        read_cuts::write(self.name(), name, &cuts);
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
        let mut out = Vec::with_capacity(values.len());
        decode_live(values, Record::is_deleted, &mut out)?;
        Ok(out)
    }

    /// Every conflict kept on this device (concurrent edits that lost), for review.
    pub async fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(CONFLICTS).build()?;
        let values = collect(tx.object_store(CONFLICTS)?.get_all::<JsValue>().primitive()?.await?)?;
        values.into_iter().map(from_js).collect()
    }
}

/// The ranges of a store keyed by id cut between its lowest and highest keys
/// ([`key_ranges::read_ranges`]), found by two key cursors requested at once; one range, the
/// whole store, for an empty store or keys that are not UUID text.
async fn span_ranges(store: &ObjectStore<'_>) -> Result<Vec<KeyBounds>, StoreError> {
    let lowest = store.open_key_cursor().primitive()?;
    let highest = store.open_key_cursor().with_direction(CursorDirection::Prev).primitive()?;
    let (lowest, highest) = (key_text(lowest.await?)?, key_text(highest.await?)?);
    Ok(match (lowest, highest) {
        (Some(lowest), Some(highest)) => key_ranges::read_ranges(&lowest, &highest, READ_RANGES),
        _ => vec![KeyBounds { from: None, to: None }],
    })
}

/// The key a cursor stands on as text; `None` for no cursor (an empty store) or a key that is
/// not text.
fn key_text<Qs>(cursor: Option<KeyCursor<'_, Qs>>) -> Result<Option<String>, StoreError> {
    let Some(cursor) = cursor else { return Ok(None) };
    Ok(cursor.primary_key::<JsValue>()?.and_then(|key| key.as_string()))
}

/// The primary key of a value of a store keyed by its `id` as text.
fn primary_key(value: &JsValue) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str("id")).ok()?.as_string()
}

/// A request for every value of `store` in `range`, made now.
fn range_request(
    store: &ObjectStore<'_>,
    range: KeyBounds,
) -> Result<GetAllPrimitiveRequest<JsValue>, StoreError> {
    let text = |key: String| JsValue::from_str(&key);
    let range = match (range.from.map(text), range.to.map(text)) {
        (None, None) => return Ok(store.get_all::<JsValue>().primitive()?),
        (None, Some(to)) => KeyRange::UpperBound(to, true),
        (Some(from), Some(to)) => KeyRange::Bound(from, false, to, true),
        (Some(from), None) => KeyRange::LowerBound(from, false),
    };
    Ok(store.get_all::<JsValue>().with_query::<JsValue, _>(range).primitive()?)
}

/// The names of the properties `T` reads, for [`decode_projected`].
fn projected_keys<T: Projected>() -> js_sys::Array {
    T::KEYS.iter().map(|k| JsValue::from_str(k)).collect()
}

fn collect<I, E>(iter: I) -> Result<Vec<JsValue>, StoreError>
where
    I: IntoIterator<Item = Result<JsValue, E>>,
    StoreError: From<E>,
{
    iter.into_iter().map(|r| r.map_err(StoreError::from)).collect()
}

/// Decode `values` into `out`, leaving out the deleted ones.
fn decode_live<T: DeserializeOwned>(
    values: Vec<JsValue>,
    is_deleted: fn(&T) -> bool,
    out: &mut Vec<T>,
) -> Result<(), StoreError> {
    for v in values {
        let record: T = from_js(v)?;
        if !is_deleted(&record) {
            out.push(record);
        }
    }
    Ok(())
}

/// Decode `values` as `T` through its projection ([`Projected`]), each record turned at once
/// into what is kept (`None`: left out) and pushed onto `out`. The browser writes out only the
/// properties `T` reads, [`PROJECTED_BATCH`] records at a time as one JSON text
/// (`JSON.stringify` with the list of names, `keys`), which crosses into wasm once and is
/// decoded record by record: a few calls into the browser for the whole read instead of one per
/// property of each record, and never more than one batch's text in wasm memory, which never
/// shrinks (docs/PERFORMANCE.md, session 37).
///
/// A record that cannot be decoded fails the read ([`StoreError::Codec`]), as it did when each
/// was read by itself. Every text this app stores has passed through a Rust `String`, so none
/// holds what JSON cannot carry (a lone UTF-16 surrogate); one edited into the database by hand
/// fails the read here, where reading it by itself made a U+FFFD of it.
fn decode_projected<T: Projected, R>(
    values: &[JsValue],
    keys: &js_sys::Array,
    into: &impl Fn(T) -> Option<R>,
    out: &mut Vec<R>,
) -> Result<(), StoreError> {
    for batch in values.chunks(PROJECTED_BATCH) {
        decode_batch(batch, keys, into, out)?;
    }
    Ok(())
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
