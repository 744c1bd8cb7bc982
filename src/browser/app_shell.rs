//! The top bar index.html draws from the first paint, before the app's module has arrived
//! (`#app-shell`; `public/shell.js` picks its language), and the message `public/boot.js` shows
//! there when the start fails before the app has mounted (`#app-start-failed`). The app takes
//! them out as it mounts its own top bar, the same bar in the same place.

use super::page;

/// The elements of index.html that stand in for the app until it mounts.
const STAND_INS: [&str; 2] = ["app-shell", "app-start-failed"];

/// Take index.html's stand-ins out of the page (nothing to do when they are gone already).
pub fn remove() {
    let Some(document) = page::document() else { return };
    for id in STAND_INS {
        if let Some(element) = document.get_element_by_id(id) {
            element.remove();
        }
    }
}
