//! What an export file of "everything" carries: every operation this device has applied (its
//! own, pulled and imported ones: `history`, `history_pages` and the outbox, whose operations
//! enter `history` only once acknowledged) and every stored attachment.
//! Added for the sync/transfer engineer (src/sync/transfer.rs).

use indexed_db_futures::prelude::*;
use shared::op::Operation;
use wasm_bindgen::JsValue;

use super::codec::{op_from_js, page_from_js};
use super::history::one_per_operation;
use super::schema::{ATTACHMENTS, HISTORY, HISTORY_PAGES, OUTBOX};
use super::{Attachment, Store, StoreError};

impl Store {
    /// Every operation this device has applied, oldest clock first.
    pub async fn all_operations(&self) -> Result<Vec<Operation>, StoreError> {
        self.operations(true).await
    }

    /// Every operation this device has applied but those still queued (the server sent or
    /// acknowledged them, or a file brought them), oldest clock first: what an export of
    /// everything carries besides [`Store::queued_for_file`].
    pub async fn applied_operations(&self) -> Result<Vec<Operation>, StoreError> {
        self.operations(false).await
    }

    async fn operations(&self, with_queued: bool) -> Result<Vec<Operation>, StoreError> {
        let db = self.db().await?;
        let stores = [HISTORY, HISTORY_PAGES, OUTBOX];
        let tx = db.transaction(if with_queued { &stores[..] } else { &stores[..2] }).build()?;
        let applied_req = tx.object_store(HISTORY)?.get_all::<JsValue>().primitive()?;
        let pages_req = tx.object_store(HISTORY_PAGES)?.get_all::<JsValue>().primitive()?;
        let queued_req = match with_queued {
            true => Some(tx.object_store(OUTBOX)?.get_all::<JsValue>().primitive()?),
            false => None,
        };
        let mut all = Vec::new();
        for value in applied_req.await? {
            all.push(op_from_js(value?)?);
        }
        for page in pages_req.await? {
            all.extend(page_from_js(&page?)?);
        }
        if let Some(queued) = queued_req {
            for value in queued.await? {
                all.push(op_from_js(value?)?);
            }
        }
        let mut ops = one_per_operation(all);
        shared::order::sort_by(&mut ops, |a, b| a.hlc.cmp(&b.hlc));
        Ok(ops)
    }

    /// Every stored attachment (uploaded or not).
    pub async fn all_attachments(&self) -> Result<Vec<Attachment>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(ATTACHMENTS).build()?;
        let keys = tx.object_store(ATTACHMENTS)?.get_all_keys::<JsValue>().primitive()?.await?;
        let mut shas = Vec::new();
        for key in keys {
            if let Some(sha) = key?.as_string() {
                shas.push(sha);
            }
        }
        drop(tx);
        let mut out = Vec::with_capacity(shas.len());
        for sha in shas {
            if let Some(attachment) = self.get_attachment(&sha).await? {
                out.push(attachment);
            }
        }
        Ok(out)
    }
}
