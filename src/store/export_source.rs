//! What an export file of "everything" carries: every operation this device has applied (its
//! own, pulled and imported ones, from the `history` store) and every stored attachment.
//! Added for the sync/transfer engineer (src/sync/transfer.rs).

use indexed_db_futures::prelude::*;
use shared::op::Operation;
use wasm_bindgen::JsValue;

use super::codec::from_js;
use super::schema::{ATTACHMENTS, HISTORY};
use super::{Attachment, Store, StoreError};

impl Store {
    /// Every operation this device has applied, oldest clock first.
    pub async fn all_operations(&self) -> Result<Vec<Operation>, StoreError> {
        let tx = self.db.transaction(HISTORY).build()?;
        let values = tx.object_store(HISTORY)?.get_all::<JsValue>().primitive()?.await?;
        let mut ops = Vec::new();
        for value in values {
            ops.push(from_js::<Operation>(value?)?);
        }
        ops.sort_by(|a, b| a.hlc.cmp(&b.hlc));
        Ok(ops)
    }

    /// Every stored attachment (uploaded or not).
    pub async fn all_attachments(&self) -> Result<Vec<Attachment>, StoreError> {
        let tx = self.db.transaction(ATTACHMENTS).build()?;
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
