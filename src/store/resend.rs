//! When the office server's database went back in time — an older backup restored, which a
//! pull learns from the server's `history_changed` answer — this tablet pulls from the start
//! and sends again every change it made. The server keeps each operation once: what it still
//! holds is acknowledged as a duplicate, what it lost is stored again.

use std::collections::HashSet;

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use shared::op::Operation;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::{op_from_js, op_to_js, page_from_js, to_js};
use super::local::decode_opt;
use super::schema::{ATTACHMENTS, HISTORY, HISTORY_PAGES, META, OUTBOX};
use super::{ServerRestored, Store, StoreError, meta_keys};

impl Store {
    /// Queue again every change this device made that the server acknowledged (`history`,
    /// the operations of this device's id), oldest clock first, except those still queued,
    /// which move after them; mark every photo as to be checked again (the server's data
    /// folder may be older too; one it holds is asked about and not sent); forget the pull
    /// position; keep the notice that says so ([`ServerRestored`], its count added to one not
    /// yet read). One transaction: a tablet closed halfway is as it was, and its next pull is
    /// answered the same. Returns how many were queued.
    ///
    /// `history` keeps each acknowledged change (schema v4), and `history_pages` this device's
    /// changes pulled back (a database the browser discarded, then filled by a pull from the
    /// start; read only when `pulled_whole`, since an account that may not see personal fields
    /// pulled them without those), so this is the whole of what the tablet sent that it still
    /// knows; other devices' operations are left alone (they reach the server again from their
    /// own tablets).
    pub async fn resend_history(&self, at_ms: f64, pulled_whole: bool) -> Result<u32, StoreError> {
        let device = self.device_id();
        let db = self.db().await?;
        let tx = db
            .transaction([HISTORY, HISTORY_PAGES, OUTBOX, META, ATTACHMENTS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let meta = tx.object_store(META)?;
        let acked_req = tx.object_store(HISTORY)?.get_all::<JsValue>().primitive()?;
        let pages_req = if pulled_whole {
            Some(tx.object_store(HISTORY_PAGES)?.get_all::<JsValue>().primitive()?)
        } else {
            None
        };
        let queued_keys_req = outbox.get_all_keys::<JsValue>().primitive()?;
        let queued_req = outbox.get_all::<JsValue>().primitive()?;
        let photos = tx.object_store(ATTACHMENTS)?;
        let photos_req = photos.get_all::<JsValue>().primitive()?;
        let notice_req =
            meta.get::<JsValue, _, _>(JsValue::from_str(meta_keys::SERVER_RESTORED)).primitive()?;
        let acked = acked_req.await?;
        let pages = match pages_req {
            Some(request) => Some(request.await?),
            None => None,
        };
        let held_photos = photos_req.await?;
        let queued_keys = queued_keys_req.await?;
        let queued = queued_req.await?;
        let unread = decode_opt::<ServerRestored>(notice_req.await?)?;
        let mut still_queued = HashSet::<Uuid>::new();
        let mut queued_entries = Vec::new();
        for (key, value) in queued_keys.zip(queued) {
            let value = value?;
            still_queued.insert(op_from_js(value.clone())?.id);
            queued_entries.push((key?, value));
        }
        let mut again: Vec<Operation> = Vec::new();
        for value in acked {
            let op = op_from_js(value?)?;
            if op.device_id == device && still_queued.insert(op.id) {
                again.push(op);
            }
        }
        // Pulled back: this device's own operations in a pull from the start (after the
        // browser discarded the database and the changes came back from the server, say).
        for page in pages.into_iter().flatten() {
            for op in page_from_js(&page?)? {
                if op.device_id == device && still_queued.insert(op.id) {
                    again.push(op);
                }
            }
        }
        shared::order::sort_by(&mut again, |a, b| a.hlc.cmp(&b.hlc));
        let mut writes = Vec::with_capacity(again.len() + 3);
        for op in &again {
            writes.push(outbox.add(op_to_js(op)?).primitive()?);
        }
        // What was queued meanwhile goes after them (the outbox is sent in key order): a change
        // made since may build on one the server lost (a survey's earlier fields, a workflow's
        // earlier step), and would be refused if it arrived first.
        if !again.is_empty() {
            for (key, value) in queued_entries {
                drop(outbox.delete(key).primitive()?);
                writes.push(outbox.add(value).primitive()?);
            }
        }
        let uploaded = JsValue::from_str("uploaded");
        for photo in held_photos {
            let photo = photo?;
            if js_sys::Reflect::get(&photo, &uploaded).ok().and_then(|v| v.as_bool()) == Some(true)
            {
                js_sys::Reflect::set(&photo, &uploaded, &JsValue::FALSE)
                    .map_err(StoreError::from_js)?;
                drop(photos.put(photo).primitive()?);
            }
        }
        drop(meta.delete(JsValue::from_str(meta_keys::CURSOR)).primitive()?);
        drop(meta.delete(JsValue::from_str(meta_keys::CURSOR_CHECK)).primitive()?);
        drop(meta.delete(JsValue::from_str(meta_keys::LAST_ACKED)).primitive()?);
        let resent = again.len() as u32;
        let notice = ServerRestored {
            resent: resent + unread.map_or(0, |n| n.resent),
            at_ms,
            complete: false,
        };
        let put_notice = meta
            .put(to_js(&notice)?)
            .with_key(JsValue::from_str(meta_keys::SERVER_RESTORED))
            .primitive()?;
        put_notice.await?;
        for write in writes {
            write.await?;
        }
        tx.commit().await?;
        self.photos_may_have_moved();
        self.outbox_changed();
        Ok(resent)
    }

    /// Changes queued again after a restore wait to be sent: the notice is kept and not done.
    pub async fn server_restore_pending(&self) -> Result<bool, StoreError> {
        let notice: Option<ServerRestored> = self.meta_get(meta_keys::SERVER_RESTORED).await?;
        Ok(notice.is_some_and(|n| !n.complete))
    }

    /// A run sent the changes queued again after a restore and pulled from the start: the
    /// notice says so from now on (a notice already read stays gone).
    pub async fn server_restored_complete(&self) -> Result<(), StoreError> {
        self.meta_update::<Option<ServerRestored>, _>(meta_keys::SERVER_RESTORED, |notice| {
            notice.flatten().map(|n| ServerRestored { complete: true, ..n })
        })
        .await?;
        Ok(())
    }
}
