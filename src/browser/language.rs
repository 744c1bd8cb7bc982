//! The app's language: the one chosen in 设置, kept in `localStorage` (a small setting, through
//! `gloo-storage`); on the first run, the first of the browser's languages the app has.

use gloo_storage::{LocalStorage, Storage};
use texts::Lang;

use super::page;

/// Read by `public/shell.js` too, which draws index.html's top bar in the language kept here.
const KEY: &str = "field.language";

/// The language chosen in 设置, if any (and still one the app has). Kept as the bare tag
/// (`en`), not JSON: the main module has no room for another deserializer.
pub fn stored() -> Option<Lang> {
    LocalStorage::raw().get_item(KEY).ok().flatten().and_then(|tag| Lang::from_tag(&tag))
}

/// Keep `lang` for the next start; a browser that refuses is logged (the choice then lasts
/// until the page reloads).
pub fn store(lang: Lang) {
    if let Err(e) = LocalStorage::raw().set_item(KEY, lang.tag()) {
        log::warn!("could not keep the language in localStorage: {e:?}");
    }
}

/// The browser's preferred languages, most preferred first (`navigator.languages`).
pub fn browser_languages() -> Vec<String> {
    page::navigator()
        .map(|n| n.languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// The language to start in: the stored choice, else the browser's.
pub fn chosen() -> Lang {
    stored().unwrap_or_else(|| Lang::from_browser(&browser_languages()))
}

/// `<html lang>`: screen readers and fonts follow it.
pub fn set_document_lang(lang: Lang) {
    if let Some(root) = page::document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Applies a new choice: reloads the page, which starts in it.
pub fn reload() {
    if let Some(location) = page::location()
        && let Err(e) = location.reload()
    {
        log::warn!("could not reload the page: {e:?}");
    }
}
