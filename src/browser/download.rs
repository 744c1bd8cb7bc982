//! Offering a file to save: a `Blob` URL clicked through a temporary `<a download>`, the one
//! way the app hands a file (an export, a report's CSV) to the person.

use wasm_bindgen::JsCast;

/// The browser could not offer the file (no document, or it refused the Blob).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the browser could not offer the file: {0}")]
pub struct DownloadError(String);

fn failed(value: wasm_bindgen::JsValue) -> DownloadError {
    DownloadError(format!("{value:?}"))
}

/// A `Blob` of `bytes` with MIME type `mime`.
pub fn blob(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, DownloadError> {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)
}

/// Offer `bytes` as a file named `file_name` of type `mime`.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), DownloadError> {
    let blob = blob(bytes, mime)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let window = web_sys::window().ok_or_else(|| DownloadError("no window".into()))?;
    let document = window.document().ok_or_else(|| DownloadError("no document".into()))?;
    let link = document.create_element("a").map_err(failed)?;
    link.set_attribute("href", &url).map_err(failed)?;
    link.set_attribute("download", file_name).map_err(failed)?;
    let body = document.body().ok_or_else(|| DownloadError("no body".into()))?;
    body.append_child(&link).map_err(failed)?;
    link.dyn_ref::<web_sys::HtmlElement>()
        .ok_or_else(|| DownloadError("not an element".into()))?
        .click();
    link.remove();
    // Revoke later: some browsers start the download only after the click handler returns.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}
