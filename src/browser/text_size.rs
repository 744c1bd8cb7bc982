//! Larger-text mode (设置's 大字模式, the age-friendly guideline): a small setting in
//! `localStorage` like the language, shown as the class `large-text` on `<html>`. `public/shell.js`
//! puts the class on before the first paint, so a start never flashes the small text; this
//! module keeps the choice and applies a new one at once.

use gloo_storage::{LocalStorage, Storage};

use super::page;

/// The key `public/shell.js` reads too: `"1"` is on, anything else off.
const KEY: &str = "field.large-text";
/// The class on `<html>` that `style/main.css` enlarges text and touch targets under.
const CLASS: &str = "large-text";

/// Whether larger-text mode is on.
pub fn stored() -> bool {
    LocalStorage::raw().get_item(KEY).ok().flatten().as_deref() == Some("1")
}

/// Keeps `on` for the next start and applies it to the page now. A browser that refuses to
/// keep it is logged: the mode then lasts until the page reloads.
pub fn choose(on: bool) {
    if let Err(e) = LocalStorage::raw().set_item(KEY, if on { "1" } else { "0" }) {
        log::warn!("could not keep larger-text mode in localStorage: {e:?}");
    }
    if let Some(root) = page::document().and_then(|d| d.document_element()) {
        let _ = root.class_list().toggle_with_force(CLASS, on);
    }
}
