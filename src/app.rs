//! The app shell: top bar (title, online state, changes waiting to sync), navigation, the
//! draft banner, and the hash router that picks the screen.

use leptos::prelude::*;
use leptos::reactive::owner::LocalStorage;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use shared::delivery::DeliveryCounts;

use crate::browser::storage;
use crate::i18n as t;
use crate::logic::route::Route;
use crate::pwa::UpdateBanner;
use crate::screens::people_list::PeopleList;
use crate::services::{storage_loss, survey};
use crate::split;
use crate::store::{Store, meta_keys};
use crate::sync::scheduler::delivery_counts;
use crate::sync::{Connection, SyncEngine};

/// What every screen can reach: the store and the shell's shared state.
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
}

impl AppCtx {
    pub fn store(&self) -> Store {
        self.store.get_value()
    }

    /// After a local save: count again, and let the sync engine know there is something to send.
    pub fn refresh_pending(&self) {
        self.saved.update(|n| *n += 1);
        self.recount();
    }

    /// Re-read how many records wait to be synced and how many need fixing.
    pub fn recount(&self) {
        let ctx = *self;
        leptos::task::spawn_local(async move {
            match delivery_counts(&ctx.store()).await {
                Ok(counts) => ctx.counts.set(counts),
                Err(e) => log::warn!("could not count the records waiting to be sent: {e}"),
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
        counts: RwSignal::new(DeliveryCounts::default()),
        saved: RwSignal::new(0),
        route: RwSignal::new(Route::parse(&current_hash())),
        message: RwSignal::new(None),
    };
    provide_context(ctx);
    let engine = SyncEngine::start(ctx.store(), ctx.counts, ctx.saved, move || ctx.recount());
    provide_context(engine);
    recover_typing(ctx);
    watch_hash(ctx.route);
    ask_persistence_once(ctx);
    // The mark outside the database keeps the count, so a later loss can say what went with it;
    // from the first real count on (not the default the shell starts with).
    Effect::new(move |counted: Option<()>| {
        let pending = ctx.counts.get().pending;
        if counted.is_some() {
            storage_loss::remember_pending(&ctx.store(), pending);
        }
    });
    // Read again whenever the counts move: the store may notice a discard while the app runs.
    let storage_notice = LocalResource::new(move || {
        ctx.counts.track();
        let store = ctx.store();
        async move { storage_loss::notice(&store).await.ok().flatten() }
    });
    let writes =
        move || engine.session.with(|s| s.as_ref().is_none_or(|s| s.account.role.writes()));
    let office = move || {
        engine
            .session
            .with(|s| s.as_ref().is_some_and(|s| s.account.role == shared::roles::Role::TownOffice))
    };

    view! {
        <header class="topbar">
            <h1 class="title">{t::APP_TITLE}</h1>
            <span
                class=move || format!("net {}", engine.connection.get().as_str())
                class:offline=move || engine.connection.get() != Connection::Connected
                data-testid="online-indicator"
                data-state=move || engine.connection.get().as_str()
                role="status"
            >
                {move || engine.connection.get().label_zh()}
            </span>
            <a class="pending" href=Route::Outbox.href() data-testid="pending-count" title=t::PENDING_SYNC>
                {t::PENDING_SYNC} " " {move || ctx.counts.get().pending}
            </a>
            <Show when=move || engine.upgrade_required.get()>
                <a class="upgrade-required" href="#/sync" data-testid="upgrade-required" role="alert">
                    {crate::i18n::sync::UPGRADE_REQUIRED}
                </a>
            </Show>
            <Show when=move || { ctx.counts.get().needs_action > 0 }>
                <a class="needs-action" href=Route::Outbox.href() data-testid="needs-action-count">
                    {t::outbox::NEEDS_ACTION} " " {move || ctx.counts.get().needs_action}
                </a>
            </Show>
        </header>
        <nav class="nav">
            <a href="#/people" data-testid="nav-people" class:active=move || matches!(ctx.route.get(), Route::People)>
                {t::NAV_PEOPLE}
            </a>
            <Show when=writes>
                <a href="#/survey/new" data-testid="nav-new-survey" class:active=move || matches!(ctx.route.get(), Route::NewSurvey(_))>
                    {t::NAV_NEW_SURVEY}
                </a>
            </Show>
            <a href="#/campaign/dashboard" data-testid="nav-campaign" class:active=move || matches!(ctx.route.get(), Route::Campaign(_))>
                {t::campaign::NAV_CAMPAIGN}
            </a>
            <Show when=writes>
                <a href=Route::Outbox.href() data-testid="nav-outbox" class:active=move || matches!(ctx.route.get(), Route::Outbox)>{t::outbox::NAV_OUTBOX}</a>
            </Show>
            <a href="#/sync" data-testid="nav-sync" class:active=move || matches!(ctx.route.get(), Route::Sync)>{t::sync::NAV_SYNC}</a>
            <a href="#/transfer" data-testid="nav-transfer" class:active=move || matches!(ctx.route.get(), Route::Transfer)>{t::sync::NAV_TRANSFER}</a>
            <a href="#/conflicts" data-testid="nav-conflicts" class:active=move || matches!(ctx.route.get(), Route::Conflicts)>{t::sync::NAV_CONFLICTS}</a>
            <Show when=office>
                <a href="#/office" data-testid="nav-office" class:active=move || matches!(ctx.route.get(), Route::Office(_))>{t::office::NAV_OFFICE}</a>
            </Show>
            <a href="#/settings" data-testid="nav-settings" class:active=move || matches!(ctx.route.get(), Route::Settings)>
                {t::NAV_SETTINGS}
            </a>
        </nav>
        <UpdateBanner />
        // The notice's view is in a chunk of its own: it is rare, and the first load is not
        // made heavier for it.
        {move || storage_notice.get().flatten().map(|loss| split::deferred(split::storage_lost(loss)))}
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
                Route::Outbox => split::deferred(split::outbox()),
                Route::Office(tab) => split::deferred(split::office(tab)),
                Route::Signin(code) => split::deferred(split::signin(code)),
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

/// Text typed into the survey form just before the browser was killed is in a keystroke draft
/// that was never saved as records: save it now, before anything else reads the records.
fn recover_typing(ctx: AppCtx) {
    leptos::task::spawn_local(async move {
        match survey::recover_draft(&ctx.store()).await {
            Ok(Some(id)) => log::info!("saved the survey typed before the app was closed: {id}"),
            Ok(None) => {}
            Err(e) => ctx.message.set(Some(e.to_string())),
        }
        ctx.recount();
    });
}

/// "有一份未完成的调查草稿：林海生" with buttons to continue it or delete it (after a
/// confirmation), when the app reopens with a draft.
#[component]
fn DraftBanner() -> impl IntoView {
    let ctx = use_app();
    let dismissed = RwSignal::new(false);
    let draft = LocalResource::new(move || {
        ctx.counts.track();
        let store = ctx.store();
        async move { survey::current_draft(&store).await.ok().flatten() }
    });
    let confirming = RwSignal::new(false);
    let discard = Action::new_local(move |id: &Uuid| {
        let (store, id) = (ctx.store(), *id);
        async move { survey::discard_draft(&store, id).await.map_err(|e| e.to_string()) }
    });
    Effect::new(move |_| {
        if let Some(result) = discard.value().get() {
            confirming.set(false);
            match result {
                Ok(_) => ctx.message.set(None),
                Err(e) => ctx.message.set(Some(e)),
            }
            ctx.refresh_pending();
            draft.refetch();
        }
    });
    let visible = move || {
        let on_form = matches!(ctx.route.get(), Route::Survey(_) | Route::NewSurvey(_));
        (!dismissed.get() && !on_form).then(|| draft.get().flatten()).flatten()
    };
    view! {
        {move || visible().map(|(id, name)| view! {
            <aside class="message draft" data-testid="draft-banner" aria-label=t::DRAFT_WAITING>
                <span>{t::outbox::DRAFT_OF} <strong data-testid="draft-name">{name}</strong></span>
                <a class="button" href=Route::Survey(id).href() data-testid="draft-continue">{t::DRAFT_CONTINUE}</a>
                <button class="button secondary" on:click=move |_| dismissed.set(true)>{t::DRAFT_DISMISS}</button>
                <Show when=move || !confirming.get() fallback=move || view! {
                    <span class="confirm" role="alertdialog" data-testid="draft-delete-confirm">
                        {t::outbox::DRAFT_DELETE_CONFIRM}
                        <button class="button danger" data-testid="draft-delete-yes"
                            disabled=move || discard.pending().get()
                            on:click=move |_| { discard.dispatch_local(id); }>{t::outbox::DRAFT_DELETE}</button>
                        <button class="button secondary" data-testid="draft-delete-no"
                            on:click=move |_| confirming.set(false)>{t::campaign::CANCEL}</button>
                    </span>
                }>
                    <button class="button secondary" data-testid="draft-delete" on:click=move |_| confirming.set(true)>
                        {t::outbox::DRAFT_DELETE}
                    </button>
                </Show>
            </aside>
        })}
    }
}
