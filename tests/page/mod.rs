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

/// A large photo as the file input would hand it over (decoding and downscaling it takes the
/// app a while, as a camera's photo does on a tablet).
pub fn camera_photo() -> web_sys::File {
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(4_000);
    canvas.set_height(3_000);
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    for i in 0..40 {
        ctx.set_fill_style_str(&format!("hsl({}, 70%, 50%)", i * 9));
        ctx.fill_rect(f64::from(i) * 100.0, 0.0, 100.0, 3_000.0);
    }
    let url = canvas.to_data_url_with_type("image/jpeg").unwrap();
    let binary = web_sys::window().unwrap().atob(url.split(',').nth(1).unwrap()).unwrap();
    let bytes: Vec<u8> = binary.chars().map(|c| c as u8).collect();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &"image/jpeg".into()).unwrap();
    let file_class = js_sys::Reflect::get(&js_sys::global(), &"File".into()).unwrap();
    js_sys::Reflect::construct(
        file_class.unchecked_ref::<js_sys::Function>(),
        &js_sys::Array::of3(&parts, &"photo.jpg".into(), &options),
    )
    .unwrap()
    .unchecked_into()
}

/// Pick `file` in the file input `input`, as the person would.
pub fn pick(input: &web_sys::HtmlElement, file: &web_sys::File) {
    let input: web_sys::HtmlInputElement = input.clone().unchecked_into();
    let class = js_sys::Reflect::get(&js_sys::global(), &"DataTransfer".into()).unwrap();
    let transfer = js_sys::Reflect::construct(
        class.unchecked_ref::<js_sys::Function>(),
        &js_sys::Array::new(),
    )
    .unwrap();
    let items = js_sys::Reflect::get(&transfer, &"items".into()).unwrap();
    let add: js_sys::Function =
        js_sys::Reflect::get(&items, &"add".into()).unwrap().unchecked_into();
    add.call1(&items, file).unwrap();
    let files = js_sys::Reflect::get(&transfer, &"files".into()).unwrap();
    input.set_files(Some(files.unchecked_ref()));
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

thread_local! {
    static QUESTIONS_ASKED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// From now on the page's `confirm` answers `answer` at once, as a person would, instead of
/// opening a dialog (which would stop the test); each question is kept ([`questions_asked`]).
pub fn answer_confirm(answer: bool) {
    let confirm = wasm_bindgen::closure::Closure::<dyn Fn(String) -> bool>::new(move |q| {
        QUESTIONS_ASKED.with(|asked| asked.borrow_mut().push(q));
        answer
    });
    js_sys::Reflect::set(&web_sys::window().unwrap(), &"confirm".into(), confirm.as_ref()).unwrap();
    confirm.forget();
}

/// Every question `confirm` was asked since the first [`answer_confirm`], oldest first.
pub fn questions_asked() -> Vec<String> {
    QUESTIONS_ASKED.with(|asked| asked.borrow().clone())
}
