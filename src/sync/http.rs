//! A thin wrapper over the browser's `fetch` for the `/api/v1` JSON API: bearer token, time
//! limit, and the server's `{"error": {...}}` body turned into [`HttpError`].

use futures::future::{Either, select};
use gloo_timers::future::TimeoutFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::sync::{ApiErrorBody, PROTOCOL_HEADER, PROTOCOL_VERSION};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Blob, Headers, ReadableStreamDefaultReader, ReadableStreamReadResult, Request,
    RequestInit, Response,
};

use super::error::HttpError;
use crate::browser::page;

/// How long a request waits for its answer to begin (a 16 MiB chunk on a slow line fits), and
/// then for each next part of the answer's body, before it counts as failed.
pub const REQUEST_TIMEOUT_MS: u32 = 60_000;

/// The office server's API, as seen from this page.
#[derive(Clone, Debug)]
pub struct Http {
    /// Prefix of every path: empty for the page's own origin (the server serves the app).
    pub base: String,
    /// The device token, sent as `Authorization: Bearer …`.
    pub token: Option<String>,
    /// How long a request waits for its answer to begin, and then for each next part of the
    /// answer's body, before it counts as failed ([`HttpError::Timeout`]).
    pub timeout_ms: u32,
}

impl Default for Http {
    fn default() -> Self {
        Http::new("", None)
    }
}

/// A request body.
pub enum Body<'a> {
    None,
    Json(String),
    Bytes(&'a [u8]),
}

impl Http {
    pub fn new(base: impl Into<String>, token: Option<String>) -> Self {
        Http { base: base.into(), token, timeout_ms: REQUEST_TIMEOUT_MS }
    }

    /// The same client giving up on a request whose answer has not begun, or has stopped
    /// coming, for `ms` milliseconds.
    pub fn with_timeout(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, HttpError> {
        self.request("GET", path, Body::None).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, HttpError> {
        let json = serde_json::to_string(body).map_err(|e| HttpError::Decode(e.to_string()))?;
        self.request("POST", path, Body::Json(json)).await
    }

    pub async fn put_bytes<T: DeserializeOwned>(
        &self,
        path: &str,
        bytes: &[u8],
    ) -> Result<T, HttpError> {
        self.request("PUT", path, Body::Bytes(bytes)).await
    }

    /// Send one request and decode a JSON answer (an empty answer decodes as JSON `null`).
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<T, HttpError> {
        let text = self.send(method, path, body).await?;
        let text = if text.trim().is_empty() { "null" } else { text.as_str() };
        serde_json::from_str(text).map_err(|e| HttpError::Decode(e.to_string()))
    }

    /// Send one request and read its answer's text: what every request does whatever it
    /// decodes, compiled once (`request` is instantiated for each answer's type, and this was
    /// most of each copy). A status outside 2xx is [`HttpError::Status`] with the server's
    /// `{"error": …}`.
    ///
    /// The time limit is on the wait for the answer's head and on each wait for more of its
    /// body: a body that stops coming for that long is no answer (a server that sends its
    /// headers and then stalls), one that comes slowly, a large pull page on a poor line, is
    /// read to its end. A request given up on, at the limit or because its caller went away,
    /// is aborted: left in flight it would hold one of the six connections the browser keeps
    /// to the server until the server let go of it, and a few such (a probe every 9 s to a
    /// server that takes connections and never answers) would leave every later request
    /// queued behind them once the server answers again.
    async fn send(&self, method: &str, path: &str, body: Body<'_>) -> Result<String, HttpError> {
        let abort = AbortOnDrop::new()?;
        let request = self
            .build_in(abort.init(), method, path, body)
            .map_err(js_text)
            .map_err(HttpError::Network)?;
        let window = page::window().ok_or_else(|| HttpError::Network("no window".into()))?;
        let fetch = JsFuture::from(window.fetch_with_request(&request));
        let response = within(self.timeout_ms, fetch).await?;
        let response: Response =
            response.dyn_into().map_err(|_| HttpError::Decode("not a Response".into()))?;
        let status = response.status();
        let text = read_body(&response, self.timeout_ms).await?;
        if !(200..300).contains(&status) {
            let error = serde_json::from_str::<ApiErrorBody>(&text).ok().map(|b| b.error);
            return Err(HttpError::Status { status, error });
        }
        Ok(text)
    }

    /// The request as it is sent: every request names the sync protocol this build speaks
    /// (`shared::sync::PROTOCOL_HEADER`), so a server that no longer syncs with it answers
    /// `426 upgrade_required` instead of taking what it cannot read.
    pub fn build(&self, method: &str, path: &str, body: Body<'_>) -> Result<Request, JsValue> {
        self.build_in(RequestInit::new(), method, path, body)
    }

    /// [`Http::build`] on `init` (a request that can be aborted).
    fn build_in(
        &self,
        init: RequestInit,
        method: &str,
        path: &str,
        body: Body<'_>,
    ) -> Result<Request, JsValue> {
        init.set_method(method);
        let headers = Headers::new()?;
        headers.set("Accept", "application/json")?;
        headers.set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string())?;
        if let Some(token) = &self.token {
            headers.set("Authorization", &format!("Bearer {token}"))?;
        }
        match body {
            Body::None => {}
            Body::Json(json) => {
                headers.set("Content-Type", "application/json")?;
                init.set_body(&JsValue::from_str(&json));
            }
            Body::Bytes(bytes) => {
                headers.set("Content-Type", "application/octet-stream")?;
                init.set_body(&js_sys::Uint8Array::from(bytes).into());
            }
        }
        init.set_headers(&headers);
        Request::new_with_str_and_init(&format!("{}{path}", self.base), &init)
    }
}

/// `promise`'s value, or [`HttpError::Timeout`] when it has not settled within `ms`.
async fn within(ms: u32, promise: JsFuture) -> Result<JsValue, HttpError> {
    match select(promise, TimeoutFuture::new(ms)).await {
        Either::Left((settled, _)) => settled.map_err(|e| HttpError::Network(js_text(e))),
        Either::Right(_) => Err(HttpError::Timeout),
    }
}

/// An answer's body as text (decoded by the browser, as `Response.text()` does), read part by
/// part: [`HttpError::Timeout`] once no part has come for `idle_ms`, however long the whole
/// takes. The parts stay on the JavaScript side until the body is whole.
async fn read_body(response: &Response, idle_ms: u32) -> Result<String, HttpError> {
    let Some(stream) = response.body() else {
        return Ok(String::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let parts = js_sys::Array::new();
    loop {
        let part: ReadableStreamReadResult =
            within(idle_ms, JsFuture::from(reader.read())).await?.unchecked_into();
        match part.get_done() {
            Some(true) => break,
            Some(false) => drop(parts.push(&part.get_value())),
            None => return Err(HttpError::Decode("a body part with no `done`".into())),
        }
    }
    let whole =
        Blob::new_with_u8_array_sequence(&parts).map_err(|e| HttpError::Network(js_text(e)))?;
    let text = JsFuture::from(whole.text()).await.map_err(|e| HttpError::Network(js_text(e)))?;
    Ok(text.as_string().unwrap_or_default())
}

/// The `AbortController` of one request: dropped, it aborts the request (a request already
/// answered and read is not touched by it).
struct AbortOnDrop(AbortController);

impl AbortOnDrop {
    fn new() -> Result<Self, HttpError> {
        AbortController::new().map(AbortOnDrop).map_err(|e| HttpError::Network(js_text(e)))
    }

    /// What a request is made with to be aborted by this.
    fn init(&self) -> RequestInit {
        let init = RequestInit::new();
        init.set_signal(Some(&self.0.signal()));
        init
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn js_text(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Percent-encode a query or path value (RFC 3986 unreserved characters pass through).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
