//! The page: the window, its document, navigator and location for the rest of the app (which
//! does not call `web_sys::window` itself, see `clippy.toml`); and the page being hidden or
//! closed (`pagehide`, `visibilitychange` to hidden): the last moment a tablet app can be sure to
//! run, when a pending timer may never fire.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The browser window (`None` where there is none, as in a worker).
pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's document.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The browser's navigator (online state, service workers, storage, devices).
pub fn navigator() -> Option<web_sys::Navigator> {
    Some(web_sys::window()?.navigator())
}

/// Bring the first element matching `selector` into view (a section of a long form); `false`
/// when there is none.
pub fn scroll_to(selector: &str) -> bool {
    let Some(element) = document().and_then(|d| d.query_selector(selector).ok().flatten()) else {
        return false;
    };
    element.scroll_into_view();
    true
}

/// Show the top of the page (a screen just opened: it starts at its title, not where the last
/// screen was scrolled to).
pub fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Bring the input named `name` into view and put the cursor in it (the first answer a final
/// survey still needs); `false` when the page has no such input.
pub fn focus_field(name: &str) -> bool {
    let selector = format!("[name=\"{name}\"]");
    let Some(element) = document().and_then(|d| d.query_selector(&selector).ok().flatten()) else {
        return false;
    };
    element.scroll_into_view();
    if let Ok(input) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = input.focus();
    }
    true
}

/// Run `then` once the frame being prepared has been painted (the next animation frame, then a
/// task after it): work that must not hold up what the screen is about to show.
pub fn after_next_paint(then: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(then, std::time::Duration::ZERO);
    });
}

/// Resolves once the frame being prepared has been painted ([`after_next_paint`]); at once on a
/// hidden page, which paints nothing (and runs no animation frame until it is shown).
pub async fn next_paint() {
    if is_hidden() {
        return;
    }
    let (painted, wait) = futures::channel::oneshot::channel::<()>();
    after_next_paint(move || {
        let _ = painted.send(());
    });
    let _ = wait.await;
}

/// Leave the mark `name` on the page's performance timeline (DevTools shows it; the e2e suite
/// reads it); without a `performance`, nothing.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance())
        && let Err(error) = performance.mark(name)
    {
        log::debug!("could not mark {name}: {error:?}");
    }
}

/// The page's location (the route is its hash).
pub fn location() -> Option<web_sys::Location> {
    Some(web_sys::window()?.location())
}

/// For the life of the page: when it is about to be closed or reloaded and `would_lose()`, ask
/// the browser to ask the person first (`beforeunload`; the browser words the question).
pub fn on_before_unload(would_lose: impl Fn() -> bool + 'static) {
    let Some(window) = web_sys::window() else { return };
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        if would_lose() {
            event.prevent_default();
            // Older browsers ask only when `returnValue` is set.
            let _ = js_sys::Reflect::set(&event, &"returnValue".into(), &"".into());
        }
    });
    let _ =
        window.add_event_listener_with_callback("beforeunload", closure.as_ref().unchecked_ref());
    closure.forget();
}

/// Listens while it lives; dropping it removes the listeners.
pub struct PageHideListener {
    on_pagehide: Option<Closure<dyn Fn()>>,
    on_visibility: Option<Closure<dyn Fn()>>,
}

/// Whether the page is hidden (a background tab, a minimised window): it paints nothing.
pub fn is_hidden() -> bool {
    document().is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

/// Resolves once the page is on screen: at once if it is, else at the `visibilitychange` that
/// shows it (a tab brought to the front, a window restored).
pub async fn shown() {
    /// The listener, removed when the wait ends however it ends.
    struct Listening(web_sys::Document, Closure<dyn Fn()>);
    impl Drop for Listening {
        fn drop(&mut self) {
            let _ = self.0.remove_event_listener_with_callback(
                "visibilitychange",
                self.1.as_ref().unchecked_ref(),
            );
        }
    }
    if !is_hidden() {
        return;
    }
    let Some(document) = document() else { return };
    let (shown, on_screen) = futures::channel::oneshot::channel::<()>();
    let shown = std::cell::RefCell::new(Some(shown));
    let listener = Closure::<dyn Fn()>::new(move || {
        if !is_hidden()
            && let Some(shown) = shown.borrow_mut().take()
        {
            let _ = shown.send(());
        }
    });
    if document
        .add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref())
        .is_err()
    {
        return;
    }
    let _listening = Listening(document, listener);
    let _ = on_screen.await;
}

/// Call `on_hide` when the page is unloaded (`pagehide`) or hidden (`visibilitychange`).
pub fn on_hide(on_hide: impl Fn() + 'static) -> PageHideListener {
    let none = PageHideListener { on_pagehide: None, on_visibility: None };
    let Some(window) = web_sys::window() else { return none };
    let Some(document) = window.document() else { return none };
    let on_hide = Rc::new(on_hide);
    let leaving = on_hide.clone();
    let on_pagehide = Closure::<dyn Fn()>::new(move || leaving());
    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if is_hidden() {
            on_hide();
        }
    });
    let _ =
        window.add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    let _ = document.add_event_listener_with_callback(
        "visibilitychange",
        on_visibility.as_ref().unchecked_ref(),
    );
    PageHideListener { on_pagehide: Some(on_pagehide), on_visibility: Some(on_visibility) }
}

impl Drop for PageHideListener {
    fn drop(&mut self) {
        let Some(window) = web_sys::window() else { return };
        if let Some(c) = self.on_pagehide.take() {
            let _ =
                window.remove_event_listener_with_callback("pagehide", c.as_ref().unchecked_ref());
        }
        if let (Some(c), Some(document)) = (self.on_visibility.take(), window.document()) {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                c.as_ref().unchecked_ref(),
            );
        }
    }
}
