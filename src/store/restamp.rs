//! Bringing the tablet's clock back to the present after its date was corrected
//! (`shared::restamp`): its own stamps beyond the server's bound are replaced, in the records,
//! the queued operations and the refused ones, and the clock with them, in one transaction.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::hlc::{Hlc, HlcClock};
use shared::record::Record;
use shared::restamp::{Restamp, clocks_of, clocks_of_op};
use wasm_bindgen::JsValue;

use super::codec::{from_js, op_to_js, to_js};
use super::delivery::queued_in;
use super::local::decode_opt;
use super::schema::{META, OUTBOX, PEOPLE, RECORDS, SURVEYS};
use super::{Store, StoreError, meta_keys};

impl Store {
    /// Whether this tablet's clock is beyond what the server accepts at `now_ms` (its date was
    /// once ahead, or is behind now).
    pub async fn clock_ahead_of(&self, now_ms: u64) -> Result<bool, StoreError> {
        let clock: Option<HlcClock> = self.meta_get(meta_keys::CLOCK).await?;
        Ok(clock.is_some_and(|c| !shared::policy::within_bound(c.millis, now_ms)))
    }

    /// Replace this tablet's stamps beyond the server's bound at `now_ms` (the corrected time,
    /// or the server's clock if later)
    /// with fresh ones (`shared::restamp`): in every record, every queued operation and the
    /// operations kept in `meta` under `kept_key` (the refused ones: `clocks` lists their
    /// clocks, `apply` replaces them), and bring the clock back. One transaction: a crash leaves
    /// every stamp as it was, or every one replaced. Nothing but the clock and the refused
    /// operations is read when neither is ahead. Returns how many stamps were replaced.
    pub async fn restamp_ahead<M, C, A>(
        &self,
        now_ms: u64,
        kept_key: &str,
        clocks: C,
        apply: A,
    ) -> Result<usize, StoreError>
    where
        M: Serialize + DeserializeOwned + Default,
        C: Fn(&M) -> Vec<Hlc>,
        A: FnOnce(&mut M, &Restamp),
    {
        let db = self.db().await?;
        let tx = db
            .transaction([PEOPLE, SURVEYS, RECORDS, OUTBOX, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let clock: Option<HlcClock> = decode_opt(
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::CLOCK)).primitive()?.await?,
        )?;
        let mut kept: M =
            decode_opt(meta.get::<JsValue, _, _>(JsValue::from_str(kept_key)).primitive()?.await?)?
                .unwrap_or_default();
        let kept_clocks = clocks(&kept);
        let within = |millis| shared::policy::within_bound(millis, now_ms);
        // Nothing ahead: the clock, and the refused operations (another tab may have set one
        // aside with its old stamp after this tab brought the rest back).
        if clock.is_none_or(|c| within(c.millis)) && kept_clocks.iter().all(|c| within(c.millis)) {
            return Ok(0);
        }
        let mut records: Vec<(&str, Record)> = Vec::new();
        for name in [PEOPLE, SURVEYS, RECORDS] {
            let values = tx.object_store(name)?.get_all::<JsValue>().primitive()?.await?;
            for value in values {
                records.push((name, from_js(value?)?));
            }
        }
        let outbox = tx.object_store(OUTBOX)?;
        let mut queued = queued_in(&outbox).await?;
        let seen = records
            .iter()
            .flat_map(|(_, r)| clocks_of(r))
            .chain(queued.iter().flat_map(|(_, op)| clocks_of_op(op)))
            .chain(&kept_clocks);
        let plan = Restamp::plan(&self.clock_device(), seen, now_ms);

        for (name, record) in &mut records {
            if plan.record(record) {
                drop(tx.object_store(name)?.put(to_js(record)?).primitive()?);
            }
        }
        let mut rewritten = false;
        for (key, op) in &mut queued {
            if plan.op(op) {
                drop(outbox.put(op_to_js(op)?).with_key(key.clone()).primitive()?);
                rewritten = true;
            }
        }
        if rewritten {
            super::outbox::count_rewrite(&meta).await?;
        }
        if !plan.is_empty() {
            apply(&mut kept, &plan);
            drop(meta.put(to_js(&kept)?).with_key(JsValue::from_str(kept_key)).primitive()?);
        }
        drop(
            meta.put(to_js(&plan.clock)?)
                .with_key(JsValue::from_str(meta_keys::CLOCK))
                .primitive()?,
        );
        tx.commit().await?;
        log::warn!(
            "the tablet's clock was beyond the server's bound: {} stamps replaced",
            plan.len()
        );
        self.save_cache.borrow_mut().forget_records(Some(plan.clock.clone()));
        self.outbox_changed();
        Ok(plan.len())
    }
}
