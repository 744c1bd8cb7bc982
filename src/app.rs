//! The app shell: top bar (title, online state, changes waiting to sync), navigation, the
//! draft banner, and the hash router that picks the screen.

use leptos::prelude::*;
use leptos::reactive::owner::LocalStorage;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::browser::{online, storage};
use crate::i18n as t;
use crate::logic::route::Route;
use crate::pwa::UpdateBanner;
use crate::screens::people_list::PeopleList;
use crate::split;
use crate::store::{Store, meta_keys};

/// Meta key of the survey draft being edited (cleared when it is finalised).
pub const CURRENT_DRAFT: &str = "current_draft";

/// What every screen can reach: the store and the shell's shared state.
#[derive(Clone, Copy)]
pub struct AppCtx {
    store: StoredValue<Store, LocalStorage>,
    /// Changes not yet synced (the outbox length).
    pub pending: RwSignal<u32>,
    pub online: RwSignal<bool>,
    pub route: RwSignal<Route>,
    /// A message shown at the top of the page (errors such as a full device).
    pub message: RwSignal<Option<String>>,
}

impl AppCtx {
    pub fn store(&self) -> Store {
        self.store.get_value()
    }

    /// Re-read how many changes wait to be synced.
    pub fn refresh_pending(&self) {
        let ctx = *self;
        leptos::task::spawn_local(async move {
            if let Ok(n) = ctx.store().outbox_len().await {
                ctx.pending.set(n);
            }
        });
    }

    /// Go to another screen.
    pub fn navigate(&self, route: &Route) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&route.href());
        }
    }
}

pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

#[component]
pub fn App(store: Store) -> impl IntoView {
    let ctx = AppCtx {
        store: StoredValue::new_local(store),
        pending: RwSignal::new(0),
        online: RwSignal::new(online::is_online()),
        route: RwSignal::new(Route::parse(&current_hash())),
        message: RwSignal::new(None),
    };
    provide_context(ctx);
    provide_context(crate::sync::SyncEngine::start(ctx.store(), move || ctx.refresh_pending()));
    ctx.refresh_pending();
    online::watch(move |on| ctx.online.set(on));
    watch_hash(ctx.route);
    ask_persistence_once(ctx);

    view! {
        <header class="topbar">
            <h1 class="title">{t::APP_TITLE}</h1>
            <span
                class="net"
                class:offline=move || !ctx.online.get()
                data-testid="online-indicator"
            >
                {move || if ctx.online.get() { t::ONLINE } else { t::OFFLINE }}
            </span>
            <span class="pending" data-testid="pending-count" title=t::PENDING_SYNC>
                {t::PENDING_SYNC} " " {move || ctx.pending.get()}
            </span>
        </header>
        <nav class="nav">
            <a href="#/people" data-testid="nav-people" class:active=move || matches!(ctx.route.get(), Route::People)>
                {t::NAV_PEOPLE}
            </a>
            <a href="#/survey/new" data-testid="nav-new-survey" class:active=move || matches!(ctx.route.get(), Route::NewSurvey(_))>
                {t::NAV_NEW_SURVEY}
            </a>
            <a href="#/campaign/dashboard" data-testid="nav-campaign" class:active=move || matches!(ctx.route.get(), Route::Campaign(_))>
                {t::campaign::NAV_CAMPAIGN}
            </a>
            <a href="#/sync" data-testid="nav-sync" class:active=move || matches!(ctx.route.get(), Route::Sync)>{t::sync::NAV_SYNC}</a>
            <a href="#/transfer" data-testid="nav-transfer" class:active=move || matches!(ctx.route.get(), Route::Transfer)>{t::sync::NAV_TRANSFER}</a>
            <a href="#/conflicts" data-testid="nav-conflicts" class:active=move || matches!(ctx.route.get(), Route::Conflicts)>{t::sync::NAV_CONFLICTS}</a>
            <a href="#/settings" data-testid="nav-settings" class:active=move || matches!(ctx.route.get(), Route::Settings)>
                {t::NAV_SETTINGS}
            </a>
        </nav>
        <UpdateBanner />
        <Show when=move || ctx.message.get().is_some()>
            <div class="message error" role="alert" data-testid="app-message">
                {move || ctx.message.get().unwrap_or_default()}
                <button class="link" on:click=move |_| ctx.message.set(None)>"×"</button>
            </div>
        </Show>
        <DraftBanner />
        <main class="screen">
            {move || match ctx.route.get() {
                Route::People => view! { <PeopleList /> }.into_any(),
                Route::Person(id) => split::deferred(split::person_detail(id)),
                Route::NewSurvey(person) => split::deferred(split::survey_form(None, person)),
                Route::Survey(id) => split::deferred(split::survey_form(Some(id), None)),
                Route::Settings => split::deferred(split::settings()),
                Route::Campaign(r) => split::deferred(split::campaign(r)),
                Route::Sync => split::deferred(split::sync()),
                Route::Transfer => split::deferred(split::transfer()),
                Route::Conflicts => split::deferred(split::conflicts()),
                Route::NotFound => view! { <p class="empty">{t::NOT_FOUND} " " <a href="#/people">{t::BACK_TO_LIST}</a></p> }.into_any(),
            }}
        </main>
    }
}

fn watch_hash(route: RwSignal<Route>) {
    let Some(window) = web_sys::window() else { return };
    let closure = Closure::<dyn Fn()>::new(move || route.set(Route::parse(&current_hash())));
    let _ = window.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
    closure.forget();
}

/// On first run, ask the browser to keep our data (a tablet's only copy until it syncs).
fn ask_persistence_once(ctx: AppCtx) {
    leptos::task::spawn_local(async move {
        let store = ctx.store();
        if store.meta_get::<bool>(meta_keys::PERSIST_ASKED).await.ok().flatten().unwrap_or(false) {
            return;
        }
        let granted = storage::request_persist().await;
        log::info!("persistent storage granted: {granted}");
        let _ = store.meta_set(meta_keys::PERSIST_ASKED, &true).await;
    });
}

/// "有一份未完成的调查草稿" with a button to continue it, when the app reopens with a draft.
#[component]
fn DraftBanner() -> impl IntoView {
    let ctx = use_app();
    let dismissed = RwSignal::new(false);
    let draft = LocalResource::new(move || async move {
        let store = ctx.store();
        let id = store.meta_get::<Uuid>(CURRENT_DRAFT).await.ok().flatten()?;
        let record = store.get(shared::record::EntityKind::Survey, id).await.ok().flatten()?;
        let still_draft = record.str_field("status") != shared::model::SurveyStatus::Final.as_str();
        (still_draft && !record.is_deleted()).then_some(id)
    });
    let visible = move || {
        let on_form = matches!(ctx.route.get(), Route::Survey(_) | Route::NewSurvey(_));
        (!dismissed.get() && !on_form).then(|| draft.get().flatten()).flatten()
    };
    view! {
        {move || visible().map(|id| view! {
            <div class="message draft" data-testid="draft-banner">
                {t::DRAFT_WAITING}
                <a class="button" href=Route::Survey(id).href() data-testid="draft-continue">{t::DRAFT_CONTINUE}</a>
                <button class="button secondary" on:click=move |_| dismissed.set(true)>{t::DRAFT_DISMISS}</button>
            </div>
        })}
    }
}
