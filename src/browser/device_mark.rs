//! A mark of this tablet's database kept outside it, in `localStorage`: the database's device id
//! and how many changes waited to be sent when they were last counted.
//!
//! A browser may discard a site's IndexedDB while keeping its `localStorage`: Chromium deletes a
//! database it finds damaged when it reopens after being killed (seen in the browser-kill trial,
//! docs/RELIABILITY.md), and storage pressure or "clear site data" can remove it too. Without
//! the mark the app would take the empty database it then opens for a new tablet and say
//! nothing; with it, the app knows the old one is gone and says so (`services::storage_loss`).

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const KEY: &str = "field.device-mark";

/// What the app last knew of its database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceMark {
    pub device_id: Uuid,
    /// Changes saved here and not yet accepted by the office, when last counted.
    #[serde(default)]
    pub pending: u32,
}

/// The mark, if this browser holds one (none on a new tablet, or where storage is blocked).
pub fn read() -> Option<DeviceMark> {
    LocalStorage::get(KEY).ok()
}

/// Keep `mark`; a browser that refuses (storage blocked or full) is logged, not fatal: the mark
/// only improves what the app can say after a loss.
pub fn write(mark: &DeviceMark) {
    if let Err(e) = LocalStorage::set(KEY, mark) {
        log::warn!("could not keep the device mark in localStorage: {e}");
    }
}

/// Forget the mark (tests).
pub fn clear() {
    LocalStorage::delete(KEY);
}
