//! Photos: downscale a picked or captured image to a JPEG of at most 1600 px on its longer side
//! before it is stored, and make object URLs for thumbnails.

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of stored photos.
pub const JPEG_QUALITY: f64 = 0.8;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("{}", crate::i18n::PHOTO_UNREADABLE)]
    Unreadable,
    #[error("{}", crate::i18n::PHOTO_ENCODE.format(&[("detail", .0.into())]))]
    Encode(String),
}

/// A downscaled JPEG ready to store.
#[derive(Clone, Debug)]
pub struct ScaledPhoto {
    pub blob: web_sys::Blob,
    pub width: u32,
    pub height: u32,
}

/// The size that fits `width`×`height` within `max_side` keeping its aspect ratio (never enlarges).
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side || longest == 0 {
        return (width, height);
    }
    let scale = f64::from(max_side) / f64::from(longest);
    let w = (f64::from(width) * scale).round().max(1.0) as u32;
    let h = (f64::from(height) * scale).round().max(1.0) as u32;
    (w, h)
}

/// Decode `image`, scale it to fit [`MAX_SIDE`] and encode it as JPEG.
pub async fn downscale(image: &web_sys::Blob) -> Result<ScaledPhoto, PhotoError> {
    downscale_to(image, MAX_SIDE, JPEG_QUALITY).await
}

pub async fn downscale_to(
    image: &web_sys::Blob,
    max_side: u32,
    quality: f64,
) -> Result<ScaledPhoto, PhotoError> {
    let window = web_sys::window().ok_or(PhotoError::Unreadable)?;
    let promise =
        window.create_image_bitmap_with_blob(image).map_err(|_| PhotoError::Unreadable)?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(promise).await.map_err(|_| PhotoError::Unreadable)?.unchecked_into();
    let (width, height) = fit_within(bitmap.width(), bitmap.height(), max_side);

    let document = window.document().ok_or(PhotoError::Unreadable)?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| PhotoError::Encode(format!("{e:?}")))?
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or_else(|| PhotoError::Encode("no 2d context".into()))?
        .unchecked_into();
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )
    .map_err(|e| PhotoError::Encode(format!("{e:?}")))?;
    bitmap.close();

    let (tx, rx) = oneshot::channel::<Option<web_sys::Blob>>();
    let callback = Closure::once(move |blob: JsValue| {
        let _ = tx.send(blob.dyn_into::<web_sys::Blob>().ok());
    });
    canvas
        .to_blob_with_type_and_encoder_options(
            callback.as_ref().unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        )
        .map_err(|e| PhotoError::Encode(format!("{e:?}")))?;
    let blob = rx
        .await
        .ok()
        .flatten()
        .ok_or_else(|| PhotoError::Encode("toBlob returned nothing".into()))?;
    drop(callback);
    Ok(ScaledPhoto { blob, width, height })
}

/// An object URL showing `blob` (revoke it with [`revoke_url`] when the image goes away).
pub fn object_url(blob: &web_sys::Blob) -> Option<String> {
    web_sys::Url::create_object_url_with_blob(blob).ok()
}

pub fn revoke_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}
