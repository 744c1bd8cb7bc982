//! Hooks in the style of leptos-use: one a file, each wrapping a browser capability or a
//! piece of screen behaviour in signals, browser failures returned as values (never a panic).

pub mod use_autosave;
pub mod use_geolocation;
pub mod use_loader;
pub mod use_local_action;
pub mod use_unfold;
