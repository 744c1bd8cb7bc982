//! The browser's own dialogs: asking before something that cannot be undone, and printing.

/// Ask before something that cannot be undone. `false` when the browser cannot ask.
pub fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

/// Open the browser's print dialog (the print stylesheet hides everything but the paper).
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
