//! How much of the device the app uses, and asking the browser to keep our data.

use wasm_bindgen_futures::JsFuture;

use crate::store::StoreError;

/// Bytes used by this site and the most it may use (both as the browser estimates them).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageEstimate {
    pub used: f64,
    pub quota: f64,
}

impl StorageEstimate {
    pub fn available(&self) -> f64 {
        (self.quota - self.used).max(0.0)
    }
}

fn manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // `navigator.storage` is missing on insecure origins and old browsers.
    js_sys::Reflect::get(&navigator, &"storage".into()).ok().filter(|v| !v.is_undefined())?;
    Some(navigator.storage())
}

/// The browser's storage estimate, `None` where the API is unavailable.
pub async fn estimate() -> Result<Option<StorageEstimate>, StoreError> {
    let Some(manager) = manager() else { return Ok(None) };
    let promise = manager.estimate().map_err(StoreError::from_js)?;
    let value = JsFuture::from(promise).await.map_err(StoreError::from_js)?;
    let estimate: web_sys::StorageEstimate = value.into();
    Ok(Some(StorageEstimate {
        used: estimate.get_usage().unwrap_or(0.0),
        quota: estimate.get_quota().unwrap_or(0.0),
    }))
}

/// Whether the browser already promised not to evict our data.
pub async fn is_persisted() -> bool {
    let Some(manager) = manager() else { return false };
    match manager.persisted() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()).unwrap_or(false),
        Err(_) => false,
    }
}

/// Ask the browser to keep our data even when the device runs low (returns whether it agreed).
pub async fn request_persist() -> bool {
    let Some(manager) = manager() else { return false };
    match manager.persist() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()).unwrap_or(false),
        Err(_) => false,
    }
}

/// `1.5 GB`, `230 MB`, `12 KB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes.max(0.0);
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
