//! The address bar: the hash route (`#/people`, `#/survey/…`) the app's router follows.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The current `#…` part of the address ("" when there is none or no window).
pub fn hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Go to `href` (a `#/…` address): the router follows.
pub fn go(href: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(href);
    }
}

/// Show `href` in the address bar without a new history entry or a route change (a new record
/// that now has an address of its own, so a reload reopens it).
pub fn replace(href: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
    }
}

/// The origin that served the app (`https://office.example`; "" without a window).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The image source of an SVG (the page's policy allows `data:` images, not inline markup).
pub fn svg_data_url(svg: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(svg).into();
    format!("data:image/svg+xml;charset=utf-8,{encoded}")
}

/// Call `before` on every change of the hash, before the router's own listener renders the
/// next screen (a capturing listener), for the life of the page.
pub fn before_hash_change(before: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let closure = Closure::<dyn Fn()>::new(before);
    let _ = window.add_event_listener_with_callback_and_bool(
        "hashchange",
        closure.as_ref().unchecked_ref(),
        true,
    );
    closure.forget();
}

/// Call `on_change` with the new hash and the one before it (`#…`, "" for none) whenever it
/// changes, for the life of the page. The one before is the address as it was, so a
/// [`replace`] made meanwhile is in it.
pub fn on_hash_change(on_change: impl Fn(String, String) + 'static) {
    let Some(window) = web_sys::window() else { return };
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let before = event
            .dyn_ref::<web_sys::HashChangeEvent>()
            .map(|e| fragment_of(&e.old_url()))
            .unwrap_or_default();
        on_change(hash(), before)
    });
    let _ = window.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
    // The router listens as long as the page lives.
    closure.forget();
}

/// The `#…` part of `url` ("" when it has none).
fn fragment_of(url: &str) -> String {
    url.find('#').map(|at| url[at..].to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::fragment_of;

    #[test]
    fn the_fragment_of_an_address() {
        assert_eq!(fragment_of("https://office.example/#/survey/1?x"), "#/survey/1?x");
        assert_eq!(fragment_of("https://office.example/"), "");
        assert_eq!(fragment_of("https://office.example/#"), "#");
    }
}
