//! What every screen can reach, provided once by the shell ([`crate::app::App`]): the store,
//! the shell's shared state and the one [`Session`] of the app.
//!
//! Screens, components and services import this module, never the shell: the shell imports
//! the screens, so nothing the screens import may import it back.

use leptos::prelude::*;
use leptos::reactive::owner::LocalStorage;

use shared::delivery::DeliveryCounts;

use crate::browser::location;
use crate::logic::route::Route;
use crate::logic::session::Session;
use crate::store::Store;
use crate::sync::SyncEngine;
use crate::sync::scheduler::delivery_counts;

/// The store and the shell's shared state (a `Copy` handle: pass it into closures freely).
#[derive(Clone, Copy)]
pub struct AppCtx {
    store: StoredValue<Store, LocalStorage>,
    /// 待同步 N (records saved here the server has not accepted) and 需处理 M (refused ones).
    pub counts: RwSignal<DeliveryCounts>,
    /// Bumped after every local save: the sync engine sends it soon when the office is reachable.
    pub saved: RwSignal<u64>,
    pub route: RwSignal<Route>,
    /// A message shown at the top of the page (errors such as a full device).
    pub message: RwSignal<Option<String>>,
    /// Who works on this device: `None` until the kept sign-in has been read at start, then the
    /// signed-in account or the local surveyor. Made from the sync engine's credentials, so a
    /// sign-in or sign-out shows at once on every screen.
    pub session: Memo<Option<Session>>,
    /// Bumped when a sync stored changes from the office (the sync engine's `data_version`):
    /// lists that only show records re-read on it.
    pub pulled: RwSignal<u64>,
}

impl AppCtx {
    /// The context of an app over `store`, whose session follows `engine`'s sign-in.
    pub fn new(
        store: StoredValue<Store, LocalStorage>,
        counts: RwSignal<DeliveryCounts>,
        saved: RwSignal<u64>,
        engine: SyncEngine,
    ) -> AppCtx {
        let session = Memo::new(move |_| {
            if !engine.credentials_read.get() {
                return None;
            }
            let author = store.with_value(Store::author);
            Some(engine.credentials.with(|c| Session::of(c.as_ref().map(|c| &c.account), &author)))
        });
        AppCtx {
            store,
            counts,
            saved,
            route: RwSignal::new(Route::parse(&location::hash())),
            message: RwSignal::new(None),
            session,
            pulled: engine.data_version,
        }
    }

    pub fn store(&self) -> Store {
        self.store.get_value()
    }

    /// The session now, without tracking it (for event handlers and actions): the local
    /// surveyor while the kept sign-in is still being read.
    pub fn session_now(&self) -> Session {
        self.session.get_untracked().unwrap_or_else(|| Session::local(&self.store().author()))
    }

    /// After a local save: count again, and let the sync engine know there is something to send.
    pub fn refresh_pending(&self) {
        self.saved.update(|n| *n += 1);
        self.recount();
    }

    /// Re-read how many records wait to be synced and how many need fixing.
    pub fn recount(&self) {
        recount(self.store, self.counts);
    }

    /// Go to another screen.
    pub fn navigate(&self, route: &Route) {
        location::go(&route.href());
    }
}

/// Re-read the delivery counts of `store` into `counts`.
/// Nothing once the app is gone (a save finishing after it).
pub fn recount(store: StoredValue<Store, LocalStorage>, counts: RwSignal<DeliveryCounts>) {
    let Some(store) = store.try_get_value() else { return };
    leptos::task::spawn_local(async move {
        match delivery_counts(&store).await {
            Ok(c) => drop(counts.try_set(c)),
            Err(e) => log::warn!("could not count the records waiting to be sent: {e}"),
        }
    });
}

/// The app's context (provided by the shell).
pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}
