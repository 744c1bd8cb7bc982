//! Live updates: while the office server is reachable and someone is signed in, the tablet
//! holds `GET /api/v1/sync/wait` open (up to [`shared::sync::MAX_WAIT_SECONDS`]); when the
//! server answers that something new is there for this account, the tablet syncs at once — an
//! approval at the office reaches the surveyor in the same room within seconds, not at the
//! next five-minute sync. An idle tablet asks once a minute, and while these answers come the
//! once-a-minute health probe is not sent: one request a minute in all. A server without the
//! route (an older release) is asked again only every ten minutes; the five-minute sync goes on
//! as before.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shared::sync::{MAX_WAIT_SECONDS, backoff_ms};

use super::connection::Connection;
use super::error::HttpError;
use super::scheduler::SyncEngine;
use super::transport;
use crate::browser::online;
use crate::store::meta_keys;

/// How long to look again when the tablet cannot follow (offline, signed out, server away).
const IDLE_MS: u32 = 5_000;
/// How long to leave a server that has no wait route alone.
const NO_ROUTE_MS: u32 = 10 * 60 * 1_000;
/// The longest pause after failures.
const MAX_PAUSE_MS: u64 = 60_000;

/// What to do after asking the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// News for this account: sync now, then ask again.
    Sync,
    /// Nothing new within the wait: ask again at once.
    AskAgain,
    /// Wait this long before asking again.
    Pause(u32),
}

/// The step after an answer (`failures`: failed asks in a row before this one).
pub fn after(answer: &Result<bool, HttpError>, failures: u32, jitter: f64) -> Next {
    match answer {
        Ok(true) => Next::Sync,
        Ok(false) => Next::AskAgain,
        Err(HttpError::Status { status: 404 | 405, .. }) => Next::Pause(NO_ROUTE_MS),
        Err(_) => Next::Pause(backoff_ms(failures, jitter).min(MAX_PAUSE_MS) as u32),
    }
}

/// Follow the server for the life of the app (started with the sync loop).
pub(crate) async fn follow(engine: SyncEngine) {
    let mut failures: u32 = 0;
    loop {
        let Some(connection) = engine.connection.try_get_untracked() else {
            return; // the app is gone
        };
        let credentials = engine.credentials.get_untracked();
        let (Some(credentials), true, Connection::Connected) =
            (credentials, online::is_online(), connection)
        else {
            TimeoutFuture::new(IDLE_MS).await;
            continue;
        };
        let store = engine.store();
        let from = store.pull_position().await.unwrap_or_default();
        let cursor = from.cursor;
        // The server holds the request up to MAX_WAIT_SECONDS; give it some more to answer.
        let http = credentials.http().with_timeout((MAX_WAIT_SECONDS as u32 + 15) * 1_000);
        let answer = transport::wait(&http, &from, MAX_WAIT_SECONDS).await.map(|w| w.changed);
        if answer.is_ok() {
            engine.heard_from_server();
        }
        match after(&answer, failures, js_sys::Math::random()) {
            Next::Sync => {
                failures = 0;
                engine.sync_now();
                // Let that run take the news before asking again; if the cursor did not move
                // (the run failed), the next answer would be the same at once: wait a while.
                TimeoutFuture::new(1_000).await;
                while engine.status.try_with_untracked(|s| s.running) == Some(true) {
                    TimeoutFuture::new(250).await;
                }
                let after_run = store.meta_get::<u64>(meta_keys::CURSOR).await.ok().flatten();
                if after_run.unwrap_or(0) == cursor {
                    TimeoutFuture::new(30_000).await;
                }
            }
            Next::AskAgain => failures = 0,
            Next::Pause(ms) => {
                if let Err(e) = &answer {
                    log::info!("live updates: {e}; asking again in {ms} ms");
                }
                failures = failures.saturating_add(1);
                TimeoutFuture::new(ms).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn news_syncs_nothing_asks_again_failures_back_off() {
        assert_eq!(after(&Ok(true), 3, 0.5), Next::Sync);
        assert_eq!(after(&Ok(false), 3, 0.5), Next::AskAgain);
        let old_server = HttpError::Status { status: 404, error: None };
        assert_eq!(after(&Err(old_server), 0, 0.5), Next::Pause(NO_ROUTE_MS));
        let Next::Pause(first) = after(&Err(HttpError::Timeout), 0, 0.5) else { panic!() };
        let Next::Pause(later) = after(&Err(HttpError::Timeout), 30, 0.5) else { panic!() };
        assert!(first > 0 && first <= later, "{first} then {later}");
        assert!(u64::from(later) <= MAX_PAUSE_MS, "never more than a minute: {later}");
    }
}
