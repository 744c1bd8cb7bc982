//! Keeping a photo the person took: downscaled in the browser to ≤1600 px JPEG and stored by
//! its hash in the attachments store (the same photo twice is one attachment).

use shared::model::PhotoRef;

use crate::browser::files::PickedFile;
use crate::browser::photos;
use crate::store::{Store, StoreError};

const JPEG: &str = "image/jpeg";

/// Why a photo was not kept.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PhotoError {
    /// The browser could not read or scale the image.
    #[error("{0}")]
    Image(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PhotoError {
    /// The device is full: the app-wide message says so too.
    pub fn is_storage_full(&self) -> bool {
        matches!(self, PhotoError::Store(e) if e.is_storage_full())
    }
}

/// Downscale `file` and keep it; the reference a record stores.
pub async fn keep(store: &Store, file: &PickedFile) -> Result<PhotoRef, PhotoError> {
    let scaled = photos::downscale(file).await.map_err(|e| PhotoError::Image(e.to_string()))?;
    let sha256 = store.put_attachment(&scaled.blob, JPEG, scaled.width, scaled.height).await?;
    Ok(PhotoRef {
        sha256,
        mime: JPEG.into(),
        width: scaled.width,
        height: scaled.height,
        bytes: scaled.blob.size() as u64,
    })
}
