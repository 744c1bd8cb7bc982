//! Pull from the office server into the open database, page by page, the way the tablet's sync
//! engine does: fetch with the app's own transport, merge a page (and its cursor) with
//! `Store::apply_remote_page` while fetching the next one, follow the cursor.

use std::future::Future;
use std::task::Poll;

use field::store::PullPosition;
use field::sync::http::Http;
use field::sync::transport::Transport;
use serde::Serialize;
use shared::sync::PullResponse;

use crate::{BenchError, now, state};

#[derive(Debug, Default, Serialize)]
pub(crate) struct PullOutcome {
    pub ops: u32,
    pub pages: u32,
    /// Time waiting for and decoding pages (overlaps `apply_ms`: the next page is fetched while
    /// the current one is merged).
    pub fetch_ms: f64,
    /// Time merging them into IndexedDB (`Store::apply_remote_page`, which also stores the
    /// cursor).
    pub apply_ms: f64,
}

pub(crate) async fn pull_all(
    origin: &str,
    token: &str,
    limit: u32,
) -> Result<PullOutcome, BenchError> {
    let store = state::store()?;
    let http = Http::new(origin, Some(token.to_owned()));
    let mut outcome = PullOutcome::default();
    let (page, fetch_ms) = timed(fetch_page(&http, &PullPosition::default(), limit)).await;
    outcome.fetch_ms += fetch_ms;
    let mut page = page?;
    loop {
        outcome.ops += page.ops.len() as u32;
        outcome.pages += 1;
        let last = !page.more || page.ops.is_empty();
        // As the engine does (src/sync/engine.rs `pull_all`): the page and the cursor after it
        // in one transaction, the next page fetched while this one is merged. The two timings
        // then overlap; the runner's total is the wall time of the whole pull.
        let next_from = PullPosition {
            cursor: page.cursor,
            check: page.cursor_check.clone(),
            ..PullPosition::default()
        };
        let merge = timed(store.apply_remote_page(&page.ops, next_from.clone()));
        if last {
            let (merged, apply_ms) = merge.await;
            merged?;
            outcome.apply_ms += apply_ms;
            return Ok(outcome);
        }
        let next = timed(fetch_page(&http, &next_from, limit));
        let ((merged, apply_ms), (next, fetch_ms)) = join(merge, next).await;
        merged?;
        outcome.apply_ms += apply_ms;
        outcome.fetch_ms += fetch_ms;
        page = next?;
    }
}

/// Poll both futures until both are done (the engine uses `futures::join!`; this crate does not
/// depend on `futures` for one call).
async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            out_a = Some(v);
        }
        if out_b.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            out_b = Some(v);
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// Run `future`, returning its output and the milliseconds it took.
async fn timed<F: Future>(future: F) -> (F::Output, f64) {
    let t0 = now();
    let output = future.await;
    (output, now() - t0)
}

/// One page, fetched by the app's own transport (`field::sync::transport`), as the engine
/// fetches it.
async fn fetch_page(
    http: &Http,
    from: &PullPosition,
    limit: u32,
) -> Result<PullResponse, BenchError> {
    http.pull(from, limit).await.map_err(|e| BenchError::Fetch(e.to_string()))
}
