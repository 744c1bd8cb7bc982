//! Thin wrappers over the browser APIs the app uses, so screens stay free of `web_sys` plumbing.

pub mod barcode;
pub mod device_mark;
pub mod dialog;
pub mod download;
pub mod files;
pub mod geolocation;
pub mod location;
pub mod online;
pub mod page;
pub mod photos;
pub mod storage;
