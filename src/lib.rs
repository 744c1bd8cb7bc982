//! 四争一树 Field: the tablet and office app (Leptos, client-side rendered, compiled to wasm32).
//!
//! * [`store`]: the local IndexedDB database (the only code that touches it).
//! * [`browser`]: thin wrappers over browser APIs (geolocation, photos, storage, online state).
//! * [`logic`]: plain Rust behind the screens (people filtering and paging, survey form state).
//! * [`services`]: what a screen asks for (load, save, repair), as plain async Rust.
//! * [`app`] (the shell), [`router`], [`screens`] (views only), [`components`] (the widget
//!   library), [`i18n`]: the user interface; [`context`]: what every screen reaches.
//! * [`pwa`]: service worker registration and the update banner.
//! * [`sync`]: sync with the office server and the export file.

pub mod app;
pub mod browser;
pub mod components;
pub mod context;
pub mod hooks;
pub mod i18n;
pub mod logic;
pub mod pwa;
pub mod router;
pub mod screens;
pub mod services;
pub mod split;
pub mod store;
pub mod sync;
