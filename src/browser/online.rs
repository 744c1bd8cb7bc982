//! Whether the browser believes it has a network connection.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

pub fn is_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

/// Call `on_change(online)` whenever the connection state changes, for the life of the page.
pub fn watch(on_change: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else { return };
    let on_change = std::rc::Rc::new(on_change);
    for (event, online) in [("online", true), ("offline", false)] {
        let cb = on_change.clone();
        let closure = Closure::<dyn Fn()>::new(move || cb(online));
        let _ = window.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        closure.forget();
    }
}
