//! Photos and other blobs, keyed by the SHA-256 of their bytes (so the same photo is stored and
//! uploaded once). Also the bulk import of people.

use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::{Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use shared::op::hex;
use shared::record::{EntityKind, Record};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::codec::{plain_object, to_js_array};
use super::schema::{ATTACHMENTS, PEOPLE};
use super::{Store, StoreError};

/// A stored attachment.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub sha256: String,
    pub mime: String,
    pub blob: web_sys::Blob,
    pub size: u32,
    pub width: u32,
    pub height: u32,
    /// True once the office server has the whole blob.
    pub uploaded: bool,
    /// Refused for good (the server would not take it as it is, or it cannot be read here):
    /// why, in words. Not tried again until the person resubmits a record showing it.
    pub refused: Option<String>,
    /// Refused, and given up by the person (the record cannot be changed, or the photo is
    /// gone): never sent, no longer counted as waiting.
    pub abandoned: bool,
}

impl Attachment {
    fn to_js(&self) -> Result<JsValue, StoreError> {
        plain_object(&[
            ("sha256", &JsValue::from_str(&self.sha256)),
            ("mime", &JsValue::from_str(&self.mime)),
            ("blob", self.blob.as_ref()),
            ("size", &JsValue::from(self.size)),
            ("width", &JsValue::from(self.width)),
            ("height", &JsValue::from(self.height)),
            ("uploaded", &JsValue::from_bool(self.uploaded)),
            ("refused", &self.refused.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str)),
            ("abandoned", &JsValue::from_bool(self.abandoned)),
        ])
    }

    fn from_js(value: &JsValue) -> Result<Self, StoreError> {
        let get = |k: &str| Reflect::get(value, &JsValue::from_str(k)).map_err(StoreError::from_js);
        let num = |k: &str| get(k).map(|v| v.as_f64().unwrap_or(0.0) as u32);
        let blob = get("blob")?
            .dyn_into::<web_sys::Blob>()
            .map_err(|_| StoreError::Codec("attachment without a blob".into()))?;
        Ok(Attachment {
            sha256: get("sha256")?.as_string().unwrap_or_default(),
            mime: get("mime")?.as_string().unwrap_or_default(),
            blob,
            size: num("size")?,
            width: num("width")?,
            height: num("height")?,
            uploaded: get("uploaded")?.as_bool().unwrap_or(false),
            refused: get("refused")?.as_string(),
            abandoned: get("abandoned")?.as_bool().unwrap_or(false),
        })
    }
}

/// Whether a stored attachment's value waits to be sent (not uploaded, not given up), read
/// without the rest of it.
pub(super) fn waits_to_be_sent(value: &JsValue) -> bool {
    let flag = |name: &str| {
        Reflect::get(value, &JsValue::from_str(name)).ok().and_then(|v| v.as_bool()) == Some(true)
    };
    !flag("uploaded") && !flag("abandoned")
}

/// The bytes of a blob.
pub async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, StoreError> {
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(StoreError::from_js)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Records converted to JS at a time by [`Store::bulk_put_people`].
const BULK_CHUNK: usize = 250;

impl Store {
    /// Store a blob (a downscaled photo) and return its SHA-256. Storing the same bytes twice
    /// keeps one copy (and keeps its upload state).
    pub async fn put_attachment(
        &self,
        blob: &web_sys::Blob,
        mime: &str,
        width: u32,
        height: u32,
    ) -> Result<String, StoreError> {
        let bytes = blob_bytes(blob).await?;
        let sha256 = sha256_hex(&bytes);
        if let Some(mut held) = self.get_attachment(&sha256).await? {
            // Taken again (on another record, say): a refusal or a giving up of the earlier
            // copy does not silently hold this one back; it is tried again.
            if held.refused.is_some() || held.abandoned {
                held.refused = None;
                held.abandoned = false;
                held.blob = blob.clone();
                self.write_attachment(&held).await?;
                self.photos_may_have_moved();
            }
            return Ok(sha256);
        }
        let attachment = Attachment {
            sha256: sha256.clone(),
            mime: mime.to_owned(),
            blob: blob.clone(),
            size: bytes.len() as u32,
            width,
            height,
            uploaded: false,
            refused: None,
            abandoned: false,
        };
        self.write_attachment(&attachment).await?;
        Ok(sha256)
    }

    pub async fn get_attachment(&self, sha256: &str) -> Result<Option<Attachment>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(ATTACHMENTS).build()?;
        let value: Option<JsValue> =
            tx.object_store(ATTACHMENTS)?.get(JsValue::from_str(sha256)).primitive()?.await?;
        match value {
            Some(v) if !v.is_undefined() => Ok(Some(Attachment::from_js(&v)?)),
            _ => Ok(None),
        }
    }

    /// Attachments the server does not have yet and that were not refused for good (for the
    /// sync engine).
    pub async fn attachments_to_upload(&self) -> Result<Vec<Attachment>, StoreError> {
        let mut out = self.attachments_not_uploaded().await?;
        out.retain(|a| a.refused.is_none());
        Ok(out)
    }

    /// Attachments the server does not have yet, refused ones included (given-up ones not).
    pub async fn attachments_not_uploaded(&self) -> Result<Vec<Attachment>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(ATTACHMENTS).build()?;
        let values = tx.object_store(ATTACHMENTS)?.get_all::<JsValue>().primitive()?.await?;
        let mut out = Vec::new();
        for value in values {
            let attachment = Attachment::from_js(&value?)?;
            if !attachment.uploaded && !attachment.abandoned {
                out.push(attachment);
            }
        }
        Ok(out)
    }

    /// Give up the refused photos of `sha256s` (the person confirmed it): never sent, no
    /// longer counted. Returns how many were given up.
    pub async fn abandon_refused_photos(&self, sha256s: &[String]) -> Result<usize, StoreError> {
        let mut given_up = 0;
        for sha256 in sha256s {
            if let Some(mut attachment) = self.get_attachment(sha256).await?
                && attachment.refused.is_some()
                && !attachment.abandoned
            {
                attachment.abandoned = true;
                self.write_attachment(&attachment).await?;
                given_up += 1;
            }
        }
        if given_up > 0 {
            self.photos_may_have_moved();
        }
        Ok(given_up)
    }

    /// Set a photo aside as refused for good, with why (`words`): the sync engine no longer
    /// sends it, and the records showing it are 被退回，需处理 until it is resubmitted or
    /// taken off them.
    pub async fn set_photo_aside(&self, sha256: &str, words: &str) -> Result<(), StoreError> {
        if let Some(mut attachment) = self.get_attachment(sha256).await? {
            attachment.refused = Some(words.to_owned());
            self.write_attachment(&attachment).await?;
            self.photos_may_have_moved();
        }
        Ok(())
    }

    /// Forget the refusals of the photos `sha256s`: the next sync tries them again. Returns
    /// how many were refused.
    pub async fn clear_photo_refusals(&self, sha256s: &[String]) -> Result<usize, StoreError> {
        let mut cleared = 0;
        for sha256 in sha256s {
            if let Some(mut attachment) = self.get_attachment(sha256).await?
                && attachment.refused.take().is_some()
            {
                self.write_attachment(&attachment).await?;
                cleared += 1;
            }
        }
        if cleared > 0 {
            self.photos_may_have_moved();
        }
        Ok(cleared)
    }

    /// Forget the refusal of every photo refused for good (not given up): the next sync tries
    /// them all again. For a refusal that hit every photo (a proxy's limit answered in the
    /// server's words) once the office mended it, instead of a 重新提交 per record. Returns how
    /// many were refused.
    pub async fn clear_every_photo_refusal(&self) -> Result<usize, StoreError> {
        let refused: Vec<String> = self
            .attachments_not_uploaded()
            .await?
            .into_iter()
            .filter(|a| a.refused.is_some())
            .map(|a| a.sha256)
            .collect();
        self.clear_photo_refusals(&refused).await
    }

    /// Of the photos `sha256s`, those this tablet holds and the server does not have yet (and
    /// were not given up), read in one transaction (without their bytes).
    pub async fn not_uploaded(
        &self,
        sha256s: impl IntoIterator<Item = String>,
    ) -> Result<Vec<String>, StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(ATTACHMENTS).build()?;
        let store = tx.object_store(ATTACHMENTS)?;
        let mut out = Vec::new();
        for sha256 in sha256s {
            let value: Option<JsValue> = store.get(JsValue::from_str(&sha256)).primitive()?.await?;
            if value.is_some_and(|v| !v.is_undefined() && waits_to_be_sent(&v)) {
                out.push(sha256);
            }
        }
        Ok(out)
    }

    /// Record that the server has the whole blob.
    pub async fn mark_uploaded(&self, sha256: &str) -> Result<(), StoreError> {
        if let Some(mut attachment) = self.get_attachment(sha256).await? {
            attachment.uploaded = true;
            attachment.refused = None;
            self.write_attachment(&attachment).await?;
            self.photos_may_have_moved();
        }
        Ok(())
    }

    async fn write_attachment(&self, attachment: &Attachment) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(ATTACHMENTS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(ATTACHMENTS)?.put(attachment.to_js()?).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Write many whole person records at once, in one transaction, as they are: no merge, no
    /// history, nothing queued in the outbox. What tests use to fill a database; no screen
    /// stores through it (an export file's people go through [`Store::import_operations`], a
    /// pull's through [`Store::apply_remote_page`]).
    pub async fn bulk_put_people(&self, records: &[Record]) -> Result<(), StoreError> {
        let db = self.db().await?;
        let tx = db.transaction(PEOPLE).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PEOPLE)?;
        // One JSON.parse per chunk, whose puts are issued before the next chunk is converted:
        // the browser's database process stores one chunk while this one builds the next.
        // The requests are not awaited one by one: a failed put aborts the transaction, which
        // `commit` reports, and the requests that succeeded have nothing to return.
        for chunk in records.chunks(BULK_CHUNK) {
            for value in to_js_array(chunk)?.iter() {
                drop(store.put(value).primitive()?);
            }
        }
        tx.commit().await?;
        self.save_cache.borrow_mut().forget_records(None);
        let mut known = self.known_records.borrow_mut();
        for record in records {
            known.note(EntityKind::Person, record.id);
        }
        Ok(())
    }
}
