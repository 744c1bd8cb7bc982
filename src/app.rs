//! The app shell: top bar (title, online state, changes waiting to sync), navigation, the
//! notices every screen shares (update, storage lost, another device's unsent work, messages,
//! the draft), and the screen the address names ([`crate::router`]). It provides [`AppCtx`] and
//! the sync engine to everything below it.

use leptos::prelude::*;

use shared::delivery::DeliveryCounts;

use crate::browser::storage;
use crate::components::draft_banner::DraftBanner;
use crate::context::AppCtx;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::logic::route::Route;
use crate::pwa::UpdateBanner;
use crate::router;
use crate::services::storage_loss;
use crate::split;
use crate::store::{Store, meta_keys};
use crate::sync::{Connection, SyncEngine};

#[component]
pub fn App(store: Store) -> impl IntoView {
    let store = StoredValue::new_local(store);
    let counts = RwSignal::new(DeliveryCounts::default());
    let saved = RwSignal::new(0);
    let engine = SyncEngine::start(store.get_value(), counts, saved, move || {
        crate::context::recount(store, counts)
    });
    let ctx = AppCtx::new(store, counts, saved, engine);
    provide_context(ctx);
    provide_context(engine);
    recover_typing(ctx);
    router::follow_address(ctx.route);
    ask_persistence_once(ctx);
    // The mark outside the database keeps the count, so a later loss can say what went with it;
    // from the first real count on (not the default the shell starts with).
    Effect::new(move |counted: Option<()>| {
        let pending = ctx.counts.get().pending;
        if counted.is_some() {
            storage_loss::remember_pending(&ctx.store(), pending);
        }
    });
    // Whether the database keeps a notice until read (no value is read here): the notices and
    // what they read are a chunk fetched only then. Read again whenever the counts move (the
    // store may notice a discard while the app runs; a dismissal recounts), after a sign-in and
    // after a sync run that found the server's data restored from a backup.
    let notice_kept = Loader::new(move || {
        ctx.counts.track();
        engine.credentials.track();
        engine.data_version.track();
        let store = ctx.store();
        async move { storage_loss::any_kept(&store).await.unwrap_or(false) }
    });
    let notice_kept = Memo::new(move |_| notice_kept.get().unwrap_or(false));
    let session_known = Memo::new(move |_| ctx.session.with(Option::is_some));
    let writes = move || ctx.session.with(|s| s.as_ref().is_none_or(|s| s.writes()));
    let office = move || ctx.session.with(|s| s.as_ref().is_some_and(|s| s.is_office()));

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
        <nav class="nav" aria-label=t::NAV_MAIN>
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
        // Kept notices are rare: their views are a chunk, and the first load is not made
        // heavier for them.
        {move || notice_kept.get().then(|| split::deferred(split::kept_notices()))}
        <Show when=move || ctx.message.get().is_some()>
            <div class="message error" role="alert" data-testid="app-message">
                {move || ctx.message.get().unwrap_or_default()}
                <button class="link" on:click=move |_| ctx.message.set(None)>"×"</button>
            </div>
        </Show>
        <DraftBanner />
        // Screens are built once the kept sign-in is read, so each finds the right session
        // (and is not built again when it changes: a sign-in keeps the screen it happened on).
        <main class="screen">{move || session_known.get().then(|| router::screen(ctx.route.get()))}</main>
    }
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
    // The survey form opens only once this has run (`typing_recovered`): else it could read a
    // draft this is saving at the same moment, and the two disagree on what it holds.
    let (done, running) = futures::channel::oneshot::channel::<()>();
    RECOVERING.with(|r| *r.borrow_mut() = Some(futures::FutureExt::shared(running)));
    leptos::task::spawn_local(async move {
        // Dropped when this ends, however it ends: the form goes on.
        let _done = done;
        let store = ctx.store();
        // Only a browser closed mid-typing leaves a keystroke draft: the code that saves it is a
        // chunk, fetched only then (a chunk that cannot be fetched leaves the draft for the next
        // start, and says so).
        let recovered = match crate::services::survey::has_drafts(&store).await {
            Ok(false) => Ok(None),
            Ok(true) => match split::recover_typing(store).await {
                Ok(saved) => saved.map_err(|e| e.to_string()),
                Err(chunk) => Err(chunk.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        match recovered {
            Ok(Some((id, overwritten))) => {
                log::info!("saved the survey typed before the app was closed: {id}");
                if !overwritten.is_empty() {
                    ctx.message.set(Some(crate::i18n::overwritten_values(&overwritten)));
                }
            }
            Ok(None) => {}
            Err(message) => ctx.message.set(Some(message)),
        }
        ctx.recount();
    });
}

thread_local! {
    /// The start-up recovery of keystroke drafts under way ([`recover_typing`]), if any.
    static RECOVERING: std::cell::RefCell<Option<futures::future::Shared<futures::channel::oneshot::Receiver<()>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Wait until the start-up recovery of keystroke drafts has ended (at once when none runs):
/// the survey form reads a draft only after it, so both never work on the same draft at once.
pub async fn typing_recovered() {
    let running = RECOVERING.with(|r| r.borrow().clone());
    if let Some(running) = running {
        // Its sender dropped (`Canceled`) is the signal.
        let _ = running.await;
    }
}
