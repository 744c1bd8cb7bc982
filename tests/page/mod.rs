//! Driving a mounted app in the test page as a person would: find an element by its
//! `data-testid`, type into it, wait until the page shows something. Shared by the browser
//! tests that mount views (`mod page;`).

#![allow(dead_code, reason = "each test file uses the helpers it needs")]

use wasm_bindgen::JsCast;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element with id `id` for one test's view (queries with [`find`] look inside it, so
/// an app another test left mounted is never looked at).
pub fn root(id: &str) -> web_sys::HtmlElement {
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    root.set_id(id);
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// The element with `data-testid` `testid` inside the root `root`.
pub fn find(root: &str, testid: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(&format!("#{root} [data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
        .map(|e| e.unchecked_into())
}

/// The first element anywhere in the page with `data-testid` `testid`.
pub fn by_testid(testid: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
        .map(|e| e.unchecked_into())
}

/// The visible text of [`find`]`(root, testid)` ("" when it is not there).
pub fn text(root: &str, testid: &str) -> String {
    find(root, testid).map(|e| e.inner_text()).unwrap_or_default()
}

/// Set an input's value and send `event` (`input` or `change`), as typing or picking does.
pub fn set_value(element: &web_sys::HtmlElement, value: &str, event: &str) {
    let input: web_sys::HtmlInputElement = element.clone().unchecked_into();
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new(event).unwrap()).unwrap();
}

/// Wait until `cond` holds, for at most 5 s; fails the test naming `what` otherwise.
pub async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("{what}: not shown within 5 s");
}
