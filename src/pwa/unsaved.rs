//! A page-wide record of input that is not saved yet.
//!
//! A form marks itself dirty under a stable name when the user changes something and clears the
//! mark once the input is stored (saved or kept as a draft). Before the app reloads itself for an
//! update it asks [`UnsavedInput::any`], and asks the user to save first when something is left.

use std::cell::RefCell;
use std::collections::BTreeSet;

thread_local! {
    static DIRTY_SOURCES: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

/// Input on the page that is not saved yet, by source (one name per form or editor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsavedInput;

impl UnsavedInput {
    /// Records whether `source` (e.g. `"survey-form"`) holds unsaved input.
    pub fn set(source: &'static str, unsaved: bool) {
        if unsaved {
            Self::mark(source);
        } else {
            Self::clear(source);
        }
    }

    /// `source` now holds input that is not saved yet.
    pub fn mark(source: &'static str) {
        DIRTY_SOURCES.with(|sources| {
            sources.borrow_mut().insert(source);
        });
    }

    /// Everything `source` held is saved (or was discarded on purpose).
    pub fn clear(source: &'static str) {
        DIRTY_SOURCES.with(|sources| {
            sources.borrow_mut().remove(source);
        });
    }

    /// Whether any part of the page holds unsaved input.
    pub fn any() -> bool {
        DIRTY_SOURCES.with(|sources| !sources.borrow().is_empty())
    }

    /// The sources that hold unsaved input, in name order.
    pub fn sources() -> Vec<&'static str> {
        DIRTY_SOURCES.with(|sources| sources.borrow().iter().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::UnsavedInput;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn tracks_each_source_until_all_are_saved() {
        assert!(!UnsavedInput::any());

        UnsavedInput::mark("survey-form");
        UnsavedInput::set("person-editor", true);
        UnsavedInput::mark("survey-form");
        assert!(UnsavedInput::any());
        assert_eq!(UnsavedInput::sources(), vec!["person-editor", "survey-form"]);

        UnsavedInput::clear("survey-form");
        assert!(UnsavedInput::any(), "the person editor is still unsaved");
        assert_eq!(UnsavedInput::sources(), vec!["person-editor"]);

        UnsavedInput::set("person-editor", false);
        UnsavedInput::clear("never-marked");
        assert!(!UnsavedInput::any());
        assert!(UnsavedInput::sources().is_empty());
    }
}
