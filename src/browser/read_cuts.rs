//! Where the last whole read of a store was cut into even ranges (`store::key_ranges`), kept in
//! `localStorage` beside the database: the keys themselves, separated by spaces, one list per
//! database and store.
//!
//! Only a hint for the next read, which it makes faster when the store's keys are bunched (a
//! roster imported in one go beside members made months later). A hint that is gone, stale, or
//! kept for another database of the same name only makes the ranges uneven again; every record
//! is still read once (`key_ranges::ranges_from` refuses cuts that are not increasing).

use gloo_storage::{LocalStorage, Storage};

fn key(database: &str, store: &str) -> String {
    format!("field.read-cuts/{database}/{store}")
}

/// The cuts kept for `store` of `database`, if any (none where storage is blocked).
pub fn read(database: &str, store: &str) -> Option<Vec<String>> {
    let kept = LocalStorage::raw().get_item(&key(database, store)).ok()??;
    Some(kept.split(' ').map(str::to_owned).collect())
}

/// Keep `cuts` (keys without spaces: the ids' text); a browser that refuses (storage blocked or
/// full) is logged, not fatal.
pub fn write(database: &str, store: &str, cuts: &[String]) {
    write_raw(database, store, &cuts.join(" "));
}

/// Keep `value` as the cuts of `store` of `database`, whatever it is (tests: a damaged hint).
pub fn write_raw(database: &str, store: &str, value: &str) {
    if let Err(e) = LocalStorage::raw().set_item(&key(database, store), value) {
        log::warn!("could not keep where {store} is read in ranges: {e:?}");
    }
}
