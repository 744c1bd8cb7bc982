//! One holder at a time across the app's windows and tabs: the Web Locks API
//! (`navigator.locks`). A lock is asked for without waiting (`ifAvailable`), so a window either
//! holds it at once or learns that another window does; a window that learnt so can be told
//! when the lock is free again ([`when_free`]). A short piece of work two windows must not
//! interleave waits for its lock ([`hold`]). The browser lets go of a window's
//! locks when the window closes or crashes, so a lock is never left behind.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

/// What asking for a lock came to.
pub enum Hold {
    /// This window holds it until the [`Held`] is dropped.
    Held(Held),
    /// Another window of the app holds it.
    Elsewhere,
    /// The browser has no locks (an older one, an insecure page): nothing is coordinated.
    Unsupported,
}

/// A lock this window holds; dropping it lets go (the lock is free a moment later: see
/// [`Held::let_go`]).
pub struct Held {
    release: js_sys::Function,
    /// The request's promise, which settles once the lock is free again.
    freed: Rc<RefCell<Option<js_sys::Promise>>>,
}

impl Held {
    /// Let go, and wait until the lock is free again (so this window can take it up at once).
    pub async fn let_go(self) {
        let freed = self.freed.borrow_mut().take();
        drop(self);
        if let Some(freed) = freed {
            drop(wasm_bindgen_futures::JsFuture::from(freed).await);
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // Resolving the promise the lock's callback returned ends the hold.
        if let Err(e) = self.release.call0(&JsValue::UNDEFINED) {
            log::warn!("a lock was not let go of: {e:?}");
        }
    }
}

impl std::fmt::Debug for Held {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.write_str("Held")
    }
}

/// Ask for lock `name` without waiting.
pub async fn try_hold(name: &str) -> Hold {
    match request(name, true) {
        Some(answer) => answer.await.unwrap_or(Hold::Unsupported),
        None => Hold::Unsupported,
    }
}

/// Hold lock `name`, waiting for it as long as another holder has it (never
/// [`Hold::Elsewhere`]). For a short piece of work two windows must not interleave.
pub async fn hold(name: &str) -> Hold {
    match request(name, false) {
        Some(answer) => answer.await.unwrap_or(Hold::Unsupported),
        None => Hold::Unsupported,
    }
}

/// [`try_hold`], asked again for up to `wait_ms` while another holder has it: one letting go
/// just now (a save of a form just left, still ending) is waited for, not taken for a window
/// that keeps it.
pub async fn hold_within(name: &str, wait_ms: u32) -> Hold {
    const AGAIN_MS: u32 = 100;
    let mut waited = 0;
    loop {
        match try_hold(name).await {
            Hold::Elsewhere if waited < wait_ms => {
                gloo_timers::future::TimeoutFuture::new(AGAIN_MS).await;
                waited += AGAIN_MS;
            }
            hold => return hold,
        }
    }
}

type Answer = Rc<RefCell<Option<oneshot::Sender<Hold>>>>;

/// A wait for a lock to be free ([`when_free`]). Dropping it gives the wait up.
pub struct Waiting {
    /// The request's `AbortController`.
    controller: JsValue,
    given_up: Rc<std::cell::Cell<bool>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.given_up.set(true);
        let abort = js_sys::Reflect::get(&self.controller, &"abort".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(abort) = abort {
            drop(abort.call0(&self.controller));
        }
    }
}

/// Call `then` once lock `name` is free: the window holding it let go of it, or was closed or
/// crashed. The browser grants the lock to this window in its turn, and this lets go of it at
/// once, so that `then` (or another window) can take it up. `None` without the API: nothing to
/// wait for. Dropping the [`Waiting`] gives the wait up, and `then` is not called.
pub fn when_free(name: &str, then: impl FnOnce() + 'static) -> Option<Waiting> {
    let (locks, request) = api()?;
    let global = js_sys::global();
    let controller_class: js_sys::Function =
        js_sys::Reflect::get(&global, &"AbortController".into()).ok()?.dyn_into().ok()?;
    let controller = js_sys::Reflect::construct(&controller_class, &js_sys::Array::new()).ok()?;
    let options = js_sys::Object::new();
    let signal = js_sys::Reflect::get(&controller, &"signal".into()).ok()?;
    js_sys::Reflect::set(&options, &"signal".into(), &signal).ok()?;
    // Granted: returning at once lets go.
    let granted = Closure::once_into_js(|_lock: JsValue| JsValue::UNDEFINED);
    let asked: js_sys::Promise = request
        .call3(&locks, &JsValue::from_str(name), &options, &granted)
        .ok()?
        .dyn_into()
        .ok()?;
    let given_up = Rc::new(std::cell::Cell::new(false));
    let waiting = Waiting { controller, given_up: given_up.clone() };
    wasm_bindgen_futures::spawn_local(async move {
        // Given up, the request is refused (`AbortError`).
        let granted = wasm_bindgen_futures::JsFuture::from(asked).await.is_ok();
        if granted && !given_up.get() {
            then();
        }
    });
    Some(waiting)
}

/// `navigator.locks` and its `request`; `None` without the API.
fn api() -> Option<(JsValue, js_sys::Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
    Some((locks, request))
}

/// `navigator.locks.request(name, {ifAvailable}, callback)`; `None` without the API.
fn request(name: &str, if_available: bool) -> Option<oneshot::Receiver<Hold>> {
    let (locks, request) = api()?;
    let (sender, receiver) = oneshot::channel();
    let answer: Answer = Rc::new(RefCell::new(Some(sender)));
    let answer_granted = answer.clone();
    let freed: Rc<RefCell<Option<js_sys::Promise>>> = Rc::default();
    let freed_held = freed.clone();
    let granted = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let Some(sender) = answer_granted.borrow_mut().take() else {
            return JsValue::UNDEFINED;
        };
        if lock.is_null() {
            drop(sender.send(Hold::Elsewhere));
            return JsValue::UNDEFINED;
        }
        // Held until this promise resolves: its `resolve` is what dropping `Held` calls.
        let mut release = None;
        let held = js_sys::Promise::new(&mut |resolve, _reject| release = Some(resolve));
        if let Some(release) = release {
            // Should nobody wait for it any more, the lock comes back unsent and is let go at
            // once as it drops.
            drop(sender.send(Hold::Held(Held { release, freed: freed_held })));
        }
        held.into()
    });
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::from_bool(if_available))
        .ok()?;
    let asked = request.call3(&locks, &JsValue::from_str(name), &options, &granted).ok()?;
    // The callback runs in a later task, so this is in place before a `Held` can read it.
    *freed.borrow_mut() = asked.clone().dyn_into::<js_sys::Promise>().ok();
    // A refused request (an insecure page, a document without locks) never calls back: said
    // as no locks.
    let catch = js_sys::Reflect::get(&asked, &"catch".into()).ok()?.dyn_into::<js_sys::Function>();
    if let Ok(catch) = catch {
        let refused = Closure::once_into_js(move |e: JsValue| {
            if let Some(sender) = answer.borrow_mut().take() {
                log::warn!("locks refused: {e:?}");
                drop(sender.send(Hold::Unsupported));
            }
        });
        drop(catch.call1(&asked, &refused));
    }
    Some(receiver)
}
