//! Thin wrapper over the browser's service-worker API: register `/sw.js`, tell the app when a new
//! version has installed and is waiting, and hand over to it on request.
//!
//! A new worker never takes over by itself (`public/sw.js` waits for a `SKIP_WAITING` message),
//! so the page decides when to update: [`activate_waiting`] sends the message and reloads the
//! page once the new worker controls it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration};

use crate::browser::page;

/// Where Trunk puts the service worker: the root of `dist/`, so its scope is the whole app.
pub const SCRIPT_URL: &str = "/sw.js";

/// The performance mark [`register`] leaves as it registers (the e2e suite's `lazy_chunks`
/// checks that the first screen's module had arrived by then).
pub const REGISTER_MARK: &str = "field:service-worker-register";

/// The message `public/sw.js` waits for before a new version takes over.
const SKIP_WAITING: &str = "SKIP_WAITING";

/// What can go wrong with the offline machinery. The messages are for the person using the app.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceWorkerError {
    #[error("{}", crate::i18n::SW_UNSUPPORTED)]
    Unsupported,
    #[error("{}", crate::i18n::SW_REGISTRATION.format(&[("detail", .0.into())]))]
    Registration(String),
    #[error("{}", crate::i18n::SW_NO_WAITING)]
    NoWaitingVersion,
    #[error("{}", crate::i18n::SW_ACTIVATION.format(&[("detail", .0.into())]))]
    Activation(String),
}

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    static REGISTER_STARTED: Cell<bool> = const { Cell::new(false) };
    static RELOAD_ON_CONTROLLER_CHANGE: Cell<bool> = const { Cell::new(false) };
}

/// Registers the service worker (once per page) once the first screen is shown
/// ([`super::first_screen::wait`]: its first install fetches the whole app, which would share
/// the line with that screen's files), and calls `on_update_waiting` whenever a new version has
/// installed and waits to take over — including one already waiting at start-up.
pub fn register(on_update_waiting: impl Fn() + 'static) -> Result<(), ServiceWorkerError> {
    if REGISTER_STARTED.with(Cell::get) {
        return Ok(());
    }
    let container = container()?;
    REGISTER_STARTED.with(|started| started.set(true));
    listen_for_controller_change(&container);

    let on_update_waiting: Rc<dyn Fn()> = Rc::new(on_update_waiting);
    spawn_local(async move {
        super::first_screen::wait().await;
        page::mark(REGISTER_MARK);
        match JsFuture::from(container.register(SCRIPT_URL)).await {
            Ok(registration) => {
                let registration: ServiceWorkerRegistration = registration.unchecked_into();
                watch_for_updates(&container, &registration, on_update_waiting);
                REGISTRATION.with(|slot| *slot.borrow_mut() = Some(registration));
            }
            Err(error) => {
                let error = ServiceWorkerError::Registration(describe(&error));
                log::warn!("{error}");
            }
        }
    });
    Ok(())
}

/// Whether a new version has installed and waits for [`activate_waiting`].
pub fn update_waiting() -> bool {
    REGISTRATION.with(|slot| {
        slot.borrow().as_ref().is_some_and(|registration| registration.waiting().is_some())
    })
}

/// Asks the browser to fetch the service worker script again now (it otherwise looks at its
/// next navigation): a new version installs and [`register`]'s callback says so. Before this
/// page has registered (it waits for the first screen), the registration the browser already
/// holds. Nothing happens where there is no service worker.
pub fn check_for_update() {
    let registered = REGISTRATION.with(|slot| slot.borrow().clone());
    spawn_local(async move {
        let registration = match registered {
            Some(registration) => registration,
            None => {
                let Ok(container) = container() else { return };
                match JsFuture::from(container.get_registration()).await {
                    Ok(found) if !found.is_undefined() => found.unchecked_into(),
                    _ => return,
                }
            }
        };
        if let Ok(promise) = registration.update()
            && let Err(error) = JsFuture::from(promise).await
        {
            log::info!("service worker update check failed: {}", describe(&error));
        }
    });
}

/// Lets the waiting version take over; the page reloads as soon as it controls the page.
/// The caller must have made sure nothing unsaved is on the page (see `UnsavedInput`).
pub fn activate_waiting() -> Result<(), ServiceWorkerError> {
    let waiting = REGISTRATION
        .with(|slot| slot.borrow().as_ref().and_then(ServiceWorkerRegistration::waiting))
        .ok_or(ServiceWorkerError::NoWaitingVersion)?;
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"type".into(), &SKIP_WAITING.into())
        .map_err(|error| ServiceWorkerError::Activation(describe(&error)))?;
    RELOAD_ON_CONTROLLER_CHANGE.with(|reload| reload.set(true));
    waiting.post_message(&message).map_err(|error| {
        RELOAD_ON_CONTROLLER_CHANGE.with(|reload| reload.set(false));
        ServiceWorkerError::Activation(describe(&error))
    })
}

fn container() -> Result<ServiceWorkerContainer, ServiceWorkerError> {
    let navigator = page::navigator().ok_or(ServiceWorkerError::Unsupported)?;
    // Absent on old browsers and on pages not served from https or localhost.
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !supported {
        return Err(ServiceWorkerError::Unsupported);
    }
    Ok(navigator.service_worker())
}

fn watch_for_updates(
    container: &ServiceWorkerContainer,
    registration: &ServiceWorkerRegistration,
    on_update_waiting: Rc<dyn Fn()>,
) {
    let report_if_waiting: Rc<dyn Fn()> = {
        let container = container.clone();
        let registration = registration.clone();
        Rc::new(move || {
            // With no controller this is the first install, which never waits: nothing to offer.
            if registration.waiting().is_some() && container.controller().is_some() {
                on_update_waiting();
            }
        })
    };
    report_if_waiting();

    // A new version found before this page registered (it waits for the first screen) may be
    // installing already: its `updatefound` has passed, so it is followed from here.
    follow_installing(registration, &report_if_waiting);
    let on_update_found = {
        let registration = registration.clone();
        Closure::<dyn FnMut()>::new(move || follow_installing(&registration, &report_if_waiting))
    };
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();

    check_for_updates_when_visible(registration.clone());
}

/// Report the version installing now, if any, once it has installed and waits.
fn follow_installing(registration: &ServiceWorkerRegistration, report_if_waiting: &Rc<dyn Fn()>) {
    if let Some(installing) = registration.installing() {
        let report = Rc::clone(report_if_waiting);
        let on_state_change = Closure::<dyn FnMut()>::new(move || report());
        installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        on_state_change.forget();
    }
}

/// Tablets stay open for days: look for a new version each time the app comes back to the front.
fn check_for_updates_when_visible(registration: ServiceWorkerRegistration) {
    let Some(document) = page::document() else {
        return;
    };
    let visible_document = document.clone();
    let on_visibility_change = Closure::<dyn FnMut()>::new(move || {
        if visible_document.visibility_state() != web_sys::VisibilityState::Visible {
            return;
        }
        if let Ok(promise) = registration.update() {
            spawn_local(async move {
                // Offline is the normal case here; the next visit tries again.
                let _ = JsFuture::from(promise).await;
            });
        }
    });
    let _ = document.add_event_listener_with_callback(
        "visibilitychange",
        on_visibility_change.as_ref().unchecked_ref(),
    );
    on_visibility_change.forget();
}

fn listen_for_controller_change(container: &ServiceWorkerContainer) {
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        // The first install also changes the controller: reload only after the user asked.
        if RELOAD_ON_CONTROLLER_CHANGE.with(|reload| reload.replace(false))
            && let Some(location) = page::location()
            && let Err(error) = location.reload()
        {
            log::warn!("new version active, but reloading the page failed: {}", describe(&error));
        }
    });
    let _ = container.add_event_listener_with_callback(
        "controllerchange",
        on_controller_change.as_ref().unchecked_ref(),
    );
    on_controller_change.forget();
}

fn describe(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
