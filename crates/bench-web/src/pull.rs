//! Pull from the office server into the open database, page by page, the way the tablet's sync
//! engine does: fetch a page, merge it with `Store::apply_remote`, follow the cursor.

use serde::Serialize;
use shared::sync::PullResponse;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use crate::{BenchError, now, state};

#[derive(Debug, Default, Serialize)]
pub(crate) struct PullOutcome {
    pub ops: u32,
    pub pages: u32,
    /// Time waiting for and decoding pages.
    pub fetch_ms: f64,
    /// Time merging them into IndexedDB.
    pub apply_ms: f64,
}

pub(crate) async fn pull_all(
    origin: &str,
    token: &str,
    limit: u32,
) -> Result<PullOutcome, BenchError> {
    let store = state::store()?;
    let mut outcome = PullOutcome::default();
    let mut cursor = 0u64;
    loop {
        let t0 = now();
        let page = fetch_page(origin, token, cursor, limit).await?;
        let t1 = now();
        store.apply_remote(&page.ops).await?;
        outcome.apply_ms += now() - t1;
        outcome.fetch_ms += t1 - t0;
        outcome.ops += page.ops.len() as u32;
        outcome.pages += 1;
        cursor = page.cursor;
        if !page.more || page.ops.is_empty() {
            return Ok(outcome);
        }
    }
}

async fn fetch_page(
    origin: &str,
    token: &str,
    cursor: u64,
    limit: u32,
) -> Result<PullResponse, BenchError> {
    let url = format!("{origin}/api/v1/sync/pull?cursor={cursor}&limit={limit}");
    let init = RequestInit::new();
    init.set_method("GET");
    let request = Request::new_with_str_and_init(&url, &init).map_err(BenchError::fetch)?;
    request
        .headers()
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(BenchError::fetch)?;
    let window = web_sys::window().ok_or_else(|| BenchError::Fetch("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(BenchError::fetch)?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(BenchError::fetch)?)
        .await
        .map_err(BenchError::fetch)?;
    let body = text.as_string().unwrap_or_default();
    if !response.ok() {
        return Err(BenchError::Http { status: response.status(), body });
    }
    Ok(serde_json::from_str(&body)?)
}
