//! A page-wide record of input that is not saved yet.
//!
//! A form marks itself dirty under a stable name when the user changes something and clears the
//! mark once the input is stored (saved or kept as a draft). Before the app reloads itself for an
//! update it asks [`UnsavedInput::any`], and asks the user to save first when something is left.
//!
//! Input that leaving the screen would lose (a form keeps most of what is typed as a draft, but
//! not text a number field cannot hold, nor a photo still being processed) is also named here,
//! with the question to ask: the router asks it before another screen opens, and the page before
//! it is closed or reloaded ([`UnsavedInput::leave_question`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

thread_local! {
    static DIRTY_SOURCES: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
    static LOST_ON_LEAVING: RefCell<BTreeMap<&'static str, String>> =
        const { RefCell::new(BTreeMap::new()) };
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

    /// Whether leaving the screen would lose what `source` holds: `Some(question)` asks the
    /// person whether to leave anyway (in their words, naming what would be lost); `None` once
    /// nothing would be (saved, kept, or the source gone).
    pub fn ask_before_leaving(source: &'static str, question: Option<String>) {
        LOST_ON_LEAVING.with(|lost| {
            let mut lost = lost.borrow_mut();
            match question {
                Some(question) => lost.insert(source, question),
                None => lost.remove(source),
            };
        });
    }

    /// What to ask before the screen is left, when leaving would lose input: every source's
    /// question, a line each, in name order.
    pub fn leave_question() -> Option<String> {
        LOST_ON_LEAVING.with(|lost| {
            let lost = lost.borrow();
            (!lost.is_empty()).then(|| lost.values().cloned().collect::<Vec<_>>().join("\n"))
        })
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

    #[wasm_bindgen_test]
    fn asks_before_leaving_while_any_source_would_lose_its_input() {
        assert_eq!(UnsavedInput::leave_question(), None);
        UnsavedInput::ask_before_leaving("survey-form", Some("数字栏？".into()));
        UnsavedInput::ask_before_leaving("photos", Some("照片？".into()));
        assert_eq!(UnsavedInput::leave_question().as_deref(), Some("照片？\n数字栏？"));
        UnsavedInput::ask_before_leaving("photos", None);
        assert_eq!(UnsavedInput::leave_question().as_deref(), Some("数字栏？"));
        UnsavedInput::ask_before_leaving("survey-form", None);
        assert_eq!(UnsavedInput::leave_question(), None);
        assert!(!UnsavedInput::any(), "a question to ask is not itself unsaved input");
    }
}
