//! Position and photo references shared by surveys and visits.

use serde::{Deserialize, Serialize};

/// A GPS position (WGS-84) as the tablet reported it.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GeoPoint {
    /// Latitude in degrees, -90..=90.
    pub lat: f64,
    /// Longitude in degrees, -180..=180.
    pub lon: f64,
    /// Reported accuracy radius in metres, if the device gave one.
    pub accuracy_m: Option<f64>,
}

/// A photo, stored separately as a blob addressed by its SHA-256 (`/api/v1/attachments/{sha256}`).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoRef {
    /// Lowercase hex SHA-256 of the blob (64 characters).
    pub sha256: String,
    /// MIME type, e.g. `image/jpeg`.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// Size of the blob in bytes.
    pub bytes: u64,
}
