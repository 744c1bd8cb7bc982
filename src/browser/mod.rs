//! Thin wrappers over the browser APIs the app uses, so screens stay free of `web_sys` plumbing.
//! The rest of the app reaches the window through here (`page::window`, `page::document`, …):
//! `clippy.toml` disallows `web_sys::window` and the window's document, navigator, location and
//! local storage everywhere else.

#![allow(
    clippy::disallowed_methods,
    reason = "src/browser is the one place that reaches the browser"
)]

pub mod app_shell;
pub mod barcode;
pub mod device_mark;
pub mod dialog;
pub mod download;
pub mod files;
pub mod geolocation;
pub mod language;
pub mod location;
pub mod locks;
pub mod online;
pub mod opfs;
pub mod page;
pub mod photos;
pub mod read_cuts;
pub mod storage;
pub mod text_size;
