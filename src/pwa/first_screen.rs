//! Whether the first screen of this page is on screen yet. The service worker's first install
//! fetches the whole app (about 1 MB brotli, `public/sw.js`'s precache); begun while the first
//! screen's own files are still on their way, it shares a slow line with them and the screen
//! comes later (PERFORMANCE.md, "Session 33"). So [`super::service_worker::register`] waits
//! for [`wait`].

use std::cell::RefCell;

use futures::channel::oneshot;

/// The longest [`wait`] waits: a first screen that never shows (a route with no screen, a
/// chunk that hangs) does not keep the app from installing for offline use.
pub const AT_THE_LATEST_MS: u32 = 10_000;

enum State {
    /// Not shown yet; these wait for it.
    Waiting(Vec<oneshot::Sender<()>>),
    Shown,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::Waiting(Vec::new())) };
}

/// The first screen has been painted (called by each screen the address can open first, after
/// the frame that shows it; later calls do nothing).
pub fn shown() {
    let waiting = STATE.with(|state| std::mem::replace(&mut *state.borrow_mut(), State::Shown));
    if let State::Waiting(waiting) = waiting {
        crate::browser::page::mark(SHOWN_MARK);
        for waiter in waiting {
            let _ = waiter.send(());
        }
    }
}

/// Call [`shown`] once the frame being prepared, which holds the first screen, is painted
/// (nothing to wait for once the first screen was shown).
pub fn shown_after_this_frame() {
    if STATE.with(|state| matches!(*state.borrow(), State::Waiting(_))) {
        crate::browser::page::after_next_paint(shown);
    }
}

/// The performance mark [`shown`] leaves (DevTools' performance panel shows it beside the
/// service worker's registration, `service_worker::REGISTER_MARK`).
pub const SHOWN_MARK: &str = "field:first-screen-shown";

/// Resolves once the first screen is shown, or [`AT_THE_LATEST_MS`] after it was called; at once
/// in a page that is hidden (a tab opened in the background paints nothing, and the animation
/// frame [`shown_after_this_frame`] waits for never comes while it is hidden).
pub async fn wait() {
    if crate::browser::page::is_hidden() {
        return;
    }
    let (waiter, shown) = oneshot::channel();
    STATE.with(|state| match &mut *state.borrow_mut() {
        State::Waiting(waiting) => waiting.push(waiter),
        State::Shown => {
            let _ = waiter.send(());
        }
    });
    let at_the_latest = gloo_timers::future::TimeoutFuture::new(AT_THE_LATEST_MS);
    futures::future::select(shown, at_the_latest).await;
}
