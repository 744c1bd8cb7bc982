//! Split points: what the app does not need to show its first screen (the people list). A release
//! build (`scripts/build-wasm.sh`, cargo feature `split`) cuts them out of the main wasm module
//! into split modules, each fetched the first time one of its split points is called (or
//! prefetched): every screen but the people list, and the sync engine's loop, which starts 2 s
//! after the app opens. The service worker precaches every module, so this works offline.
//! Other builds (tests, the benchmark page) call them directly. Either way a split point is an
//! `async fn`.
//!
//! The split points are grouped into few modules, by what is used together:
//! - `fieldwork`: the tablet's screens (survey form, person, outbox, sync, transfer, settings,
//!   conflicts, sign-in link, the start's notices) and the sync engine's loop;
//! - `office`: the other campaign screens and the office's set-up;
//! - `dashboard`: the campaign dashboard alone, the first screen of the campaign area. What it
//!   shares with `office` is in their shared chunks, so it fetches 98 KB brotli where `office`
//!   fetches 413 KB: Lighthouse's LCP of the route went from 5.2 to 3.7 s (PERFORMANCE.md,
//!   session 41);
//! - `catalog_zh_hant`, `catalog_en`, `outbox_copy`, `recover_typing`: rare starts, each on its
//!   own.
//!
//! `wasm-split-cli` gives every set of modules that share code a chunk of its own. With a
//! module per split point (16) that was 318 files, and opening the survey form fetched and
//! instantiated 142 of them: 360 ms of the tap at 4× CPU throttling went to that, not to
//! compiling (PERFORMANCE.md, round 6). Grouped, the survey form loads 18 files (12 before the
//! dashboard had its own module; its tap took as long with 18 as with 12: session 41).

use leptos::prelude::*;

use crate::components::screen_head::ScreenHead;
use crate::logic::campaign::route::CampaignRoute;
use uuid::Uuid;

/// A chunk could not be fetched: no network and the service worker has not cached it yet (the
/// first visit was cut short). Not remembered: the next call tries again.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", crate::i18n::CHUNK_LOAD_FAILED)]
pub struct ChunkLoadError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkLoadError {
    fn from(error: leptos::wasm_split::SplitLoaderError) -> Self {
        log::error!("loading a wasm chunk failed: {error}");
        ChunkLoadError
    }
}

/// Defines `pub async fn $name(args) -> Result<AnyView, ChunkLoadError>`: with feature `split`
/// a function of split module `$module`, fetched on the first call of any of its split points (a
/// failed fetch is an error, not a panic, and the next call tries again); without, a plain async
/// function that cannot fail. With `preload $preload`, feature `split` also defines
/// `pub async fn $preload() -> Result<(), SplitLoaderError>`, which fetches the module alone.
macro_rules! split_point {
    ($(#[$doc:meta])* in $module:ident fn $name:ident($($arg:ident: $ty:ty),*) $(preload $preload:ident)? $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible $(, preload($preload))?)]
        pub fn $name($($arg: $ty),*) -> Result<AnyView, ChunkLoadError> {
            loaded(stringify!($module));
            Ok($body)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $name($($arg: $ty),*) -> Result<AnyView, ChunkLoadError> {
            Ok($body)
        }
    };
}

split_point! {
    /// The buttons of the draft the app reopened with (only when there is one).
    in fieldwork fn draft_notice(id: uuid::Uuid, name: String, dismissed: RwSignal<bool>, draft: crate::components::draft_banner::CurrentDraft) {
        view! { <crate::components::draft_banner::DraftNotice id=id name=name dismissed=dismissed draft=draft /> }.into_any()
    }
}

split_point! {
    /// The notices kept until read: the browser discarded the tablet's database, another device
    /// of the account holds unsent changes (rare: neither is in the first load).
    in fieldwork fn kept_notices() {
        view! { <crate::components::kept_notices::KeptNotices /> }.into_any()
    }
}

split_point! {
    /// Every campaign screen (`#/campaign/...`) but the dashboard ([`campaign_dashboard`]).
    in office fn campaign(route: CampaignRoute) preload preload_campaign {
        view! { <crate::screens::campaign::CampaignScreen route=route /> }.into_any()
    }
}

split_point! {
    /// The campaign dashboard (`#/campaign`, `#/campaign/dashboard`), the campaign area's first
    /// screen, on its own: about a quarter of the code the other campaign screens need.
    in dashboard fn campaign_dashboard() preload preload_dashboard {
        view! { <crate::screens::campaign::DashboardScreen /> }.into_any()
    }
}

split_point! {
    /// The survey form, new (`person`: for an existing person) or an existing survey.
    in fieldwork fn survey_form(survey_id: Option<Uuid>, person_id: Option<Uuid>) {
        view! { <crate::screens::survey_form::SurveyFormScreen survey_id=survey_id person_id=person_id /> }.into_any()
    }
}

/// The sync engine's loop (syncing, timers, backoff). With feature `split` its module
/// (`fieldwork`) is fetched first, and fetched again every [`LOAD_RETRY_MS`] until that works.
pub async fn sync_loop(
    engine: crate::sync::SyncEngine,
    wake: futures::channel::mpsc::UnboundedReceiver<()>,
) {
    #[cfg(feature = "split")]
    {
        while let Err(error) = preload_fieldwork().await {
            log::warn!("the sync engine's chunk did not load ({error}); trying again later");
            gloo_timers::future::TimeoutFuture::new(LOAD_RETRY_MS).await;
        }
        FIELDWORK_LOADED.set(true);
    }
    // Loaded (or not split): the call cannot fail.
    if let Ok(run) = run_sync_loop(engine, wake).await {
        run.await;
    }
}

/// Fetch the `fieldwork` module now (the screens the people list leads to), without opening
/// any of them, so that the tap on 新调查 or on a member finds the code loaded; called once the
/// people list has painted its rows. Without feature `split`, nothing to fetch. A failure is
/// only logged: the screen's own call tries again and says so if it fails too.
pub fn prefetch_fieldwork() {
    #[cfg(feature = "split")]
    {
        crate::browser::page::mark(PREFETCH_FIELDWORK_MARK);
        leptos::task::spawn_local(async {
            match preload_fieldwork().await {
                Ok(()) => FIELDWORK_LOADED.set(true),
                Err(error) => log::warn!("prefetching the field work screens failed: {error}"),
            }
        });
    }
}

/// What a start at some address fetches at once ([`prefetch_at_start`]): the module of that
/// screen, by the screen's own split point, so that the screen's call waits for this fetch and,
/// if it failed, fetches again (each split point keeps its own load; the chunk loader one fetch
/// a module).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartModule {
    /// The campaign dashboard's module, `dashboard` ([`campaign_dashboard`]).
    Dashboard,
    /// The other campaign screens, in the `office` module ([`campaign`]).
    Campaign,
    /// The office's set-up, in the `office` module ([`office`]).
    Office,
}

/// The module a start at `route` fetches as soon as the main module runs: that of a screen whose
/// first paint is its module's own, with nothing of it drawn by the main module. None for the
/// people list (the main module's), for the screens with a head drawn first (their module's
/// fetch waits for that paint: [`SCREEN_HEAD_PAINTED_MARK`]) and for `fieldwork`'s other
/// screens (index.html's `public/shell.js` preloads those files after the first frame: its rule
/// and this one share out the routes between them).
pub fn start_module(route: &crate::logic::route::Route) -> Option<StartModule> {
    use crate::logic::route::Route;
    match route {
        Route::Campaign(CampaignRoute::Dashboard) => Some(StartModule::Dashboard),
        Route::Campaign(_) => Some(StartModule::Campaign),
        Route::Office(_) => Some(StartModule::Office),
        _ => None,
    }
}

/// At the start, before the app mounts: fetch the [`start_module`] of `route` beside the
/// catalog and the database, rather than once the router has mounted and asks for the screen
/// (with 4× CPU throttling about half a second later, which the screen's first paint waited for).
/// The screen's own call then finds the module loaded or loading. A failure is only logged: that
/// call tries again and says so if it fails too. Not a Leptos task: Leptos' executor starts only
/// when the app mounts.
pub fn prefetch_at_start(route: &crate::logic::route::Route) {
    let Some(module) = start_module(route) else { return };
    #[cfg(feature = "split")]
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = match module {
            StartModule::Dashboard => preload_dashboard().await,
            StartModule::Campaign => preload_campaign().await,
            StartModule::Office => preload_office().await,
        };
        if let Err(error) = loaded {
            log::warn!("prefetching the {module:?} module at the start failed: {error}");
        }
    });
    #[cfg(not(feature = "split"))]
    let _ = module;
}

/// A split point of `module` runs: its module is loaded.
#[cfg(feature = "split")]
fn loaded(module: &str) {
    if module == "fieldwork" {
        FIELDWORK_LOADED.set(true);
    }
}

thread_local! {
    /// Whether the `fieldwork` module is known to be loaded (prefetched, the sync engine's loop
    /// started, or any of its screens shown). Without feature `split`, nothing is ever fetched.
    static FIELDWORK_LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(cfg!(not(feature = "split"))) };
}

/// The performance mark a screen with a [`ScreenHead`] leaves once its head is painted and its
/// module's fetch may start (the e2e suite's `lazy_chunks` checks that the fetch follows it).
pub const SCREEN_HEAD_PAINTED_MARK: &str = "field:screen-head-painted";

/// The performance mark [`prefetch_fieldwork`] leaves as it starts the fetch (the e2e suite's
/// `lazy_chunks` checks that the module's fetch follows it, and not the sync loop's 2 s later).
pub const PREFETCH_FIELDWORK_MARK: &str = "field:prefetch-fieldwork";

/// How long the sync engine waits before fetching its chunk again after a failure.
pub const LOAD_RETRY_MS: u32 = 30_000;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    fieldwork,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_fieldwork)
)]
fn run_sync_loop(
    engine: crate::sync::SyncEngine,
    wake: futures::channel::mpsc::UnboundedReceiver<()>,
) -> Result<std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>, ChunkLoadError> {
    Ok(Box::pin(engine.run_loop(wake)))
}

#[cfg(not(feature = "split"))]
async fn run_sync_loop(
    engine: crate::sync::SyncEngine,
    wake: futures::channel::mpsc::UnboundedReceiver<()>,
) -> Result<std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>, ChunkLoadError> {
    Ok(Box::pin(engine.run_loop(wake)))
}

/// Saves the survey a killed browser left as a keystroke draft (`services::survey::recover_draft`):
/// rare, so with feature `split` a chunk of its own, fetched only when the database holds one.
pub async fn recover_typing(
    store: crate::store::Store,
) -> Result<Result<Recovered, crate::store::StoreError>, ChunkLoadError> {
    Ok(load_recover_typing(store).await?.await)
}

/// The survey saved from the draft, and what its typing overwrote (`recover_draft_said`).
pub type Recovered = Option<(Uuid, Vec<(String, String)>)>;

type Recovery = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Recovered, crate::store::StoreError>>>,
>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(recover_typing, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_recover_typing(store: crate::store::Store) -> Result<Recovery, ChunkLoadError> {
    Ok(Box::pin(async move { crate::services::survey::recover_draft_said(&store).await }))
}

#[cfg(not(feature = "split"))]
async fn load_recover_typing(store: crate::store::Store) -> Result<Recovery, ChunkLoadError> {
    Ok(Box::pin(async move { crate::services::survey::recover_draft_said(&store).await }))
}

/// The records waiting for their photos, and those showing a refused one
/// (`Store::read_photo_records`), read again only after what can change them: with feature
/// `split` in the `fieldwork` module, beside the upload, not in the first load.
pub async fn photo_records(
    store: crate::store::Store,
    queued: Vec<crate::store::OutboxEntry>,
) -> Result<Result<crate::store::PhotoRecords, crate::store::StoreError>, ChunkLoadError> {
    Ok(load_photo_records(store, queued).await?.await)
}

type PhotoRecordsRead = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<crate::store::PhotoRecords, crate::store::StoreError>,
            >,
    >,
>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(fieldwork, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_photo_records(
    store: crate::store::Store,
    queued: Vec<crate::store::OutboxEntry>,
) -> Result<PhotoRecordsRead, ChunkLoadError> {
    Ok(Box::pin(async move { store.read_photo_records(&queued).await }))
}

#[cfg(not(feature = "split"))]
async fn load_photo_records(
    store: crate::store::Store,
    queued: Vec<crate::store::OutboxEntry>,
) -> Result<PhotoRecordsRead, ChunkLoadError> {
    Ok(Box::pin(async move { store.read_photo_records(&queued).await }))
}

/// Bring the tablet's stamps beyond the server's bound back to `now_ms`
/// (`sync::engine::restamp_stored`): rare (a tablet whose date was once ahead), so with
/// feature `split` in the `fieldwork` module, not in the first load.
pub async fn restamp(
    store: crate::store::Store,
    now_ms: u64,
) -> Result<Result<usize, crate::store::StoreError>, ChunkLoadError> {
    Ok(load_restamp(store, now_ms).await?.await)
}

type Restamped =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, crate::store::StoreError>>>>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(fieldwork, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_restamp(store: crate::store::Store, now_ms: u64) -> Result<Restamped, ChunkLoadError> {
    Ok(Box::pin(async move { crate::sync::engine::restamp_stored(&store, now_ms).await }))
}

#[cfg(not(feature = "split"))]
async fn load_restamp(
    store: crate::store::Store,
    now_ms: u64,
) -> Result<Restamped, ChunkLoadError> {
    Ok(Box::pin(async move { crate::sync::engine::restamp_stored(&store, now_ms).await }))
}

/// The outbox's copy outside IndexedDB, asked at start (`services::storage_loss::from_copy`):
/// with a store, take back the changes of a database the browser discarded; without, which
/// device the copy of the database `name` was written for (a start with no mark). Only after a
/// discard or at a start with no mark, so one chunk of its own, behind one split point.
pub async fn outbox_copy(
    name: String,
    store: Option<crate::store::Store>,
) -> Result<crate::services::storage_loss::FromCopy, ChunkLoadError> {
    Ok(run_outbox_copy(name, store).await?.await)
}

/// What [`outbox_copy`]'s chunk gives back.
type FromCopyFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = crate::services::storage_loss::FromCopy>>>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(outbox_copy, wasm_split_path = ::leptos::wasm_split, fallible)]
fn run_outbox_copy(
    name: String,
    store: Option<crate::store::Store>,
) -> Result<FromCopyFuture, ChunkLoadError> {
    Ok(Box::pin(crate::services::storage_loss::from_copy(name, store)))
}

#[cfg(not(feature = "split"))]
async fn run_outbox_copy(
    name: String,
    store: Option<crate::store::Store>,
) -> Result<FromCopyFuture, ChunkLoadError> {
    Ok(Box::pin(crate::services::storage_loss::from_copy(name, store)))
}

/// The zh-Hant or English catalog (`texts::fluent`, compiled from `locales/*.ftl` at build
/// time): with feature `split` a chunk for each language, fetched before the app mounts only
/// when the language is not zh-Hans. Installs the catalog; false when there is none (zh-Hans)
/// or one was installed already.
pub async fn catalog(lang: texts::Lang) -> Result<bool, ChunkLoadError> {
    let catalog = match lang {
        texts::Lang::ZhHans => return Ok(false),
        texts::Lang::ZhHant => catalog_zh_hant().await?,
        texts::Lang::En => catalog_en().await?,
    };
    Ok(texts::install(catalog))
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(catalog_zh_hant, wasm_split_path = ::leptos::wasm_split, fallible)]
fn catalog_zh_hant() -> Result<texts::Catalog, ChunkLoadError> {
    Ok(texts::fluent::load_zh_hant())
}

#[cfg(not(feature = "split"))]
async fn catalog_zh_hant() -> Result<texts::Catalog, ChunkLoadError> {
    Ok(texts::fluent::load_zh_hant())
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(catalog_en, wasm_split_path = ::leptos::wasm_split, fallible)]
fn catalog_en() -> Result<texts::Catalog, ChunkLoadError> {
    Ok(texts::fluent::load_en())
}

#[cfg(not(feature = "split"))]
async fn catalog_en() -> Result<texts::Catalog, ChunkLoadError> {
    Ok(texts::fluent::load_en())
}

split_point! {
    /// A person's page with their surveys and change history.
    in fieldwork fn person_detail(id: Uuid) {
        view! { <crate::screens::person_detail::PersonDetail id=id /> }.into_any()
    }
}

split_point! {
    /// Device settings, sign-in and storage.
    in fieldwork fn settings() {
        view! { <crate::screens::settings::Settings /> }.into_any()
    }
}

split_point! {
    /// Sync state, rejected changes, sign-in.
    in fieldwork fn sync() {
        view! { <crate::screens::sync::SyncScreen /> }.into_any()
    }
}

split_point! {
    /// Export and import files.
    in fieldwork fn transfer() {
        view! { <crate::screens::transfer::TransferScreen /> }.into_any()
    }
}

split_point! {
    /// 待发送: records not yet delivered, by state; refused ones fixed and resubmitted.
    in fieldwork fn outbox() {
        view! { <crate::screens::outbox::OutboxScreen /> }.into_any()
    }
}

split_point! {
    /// The town office's setup: checklist, accounts, devices, roster import (`#/office/…`).
    in office fn office(tab: crate::logic::route::OfficeTab) preload preload_office {
        view! { <crate::screens::office::OfficeScreen tab=tab /> }.into_any()
    }
}

split_point! {
    /// A one-time sign-in link from a QR code (`#/signin/<code>`): signs this tablet in.
    in fieldwork fn signin(code: String) {
        view! { <crate::screens::login::SigninWithCode code=code /> }.into_any()
    }
}

split_point! {
    /// Conflicting edits for the office.
    in fieldwork fn conflicts() {
        view! { <crate::screens::conflicts::ConflictsScreen /> }.into_any()
    }
}

/// Shows the view a split point resolves to, with a loading line meanwhile and a message if its
/// chunk could not be fetched. The future is only ever polled on the page's one thread (wasm has
/// no other), hence the `SendWrapper`.
///
/// A `<Transition>`, not a `<Suspense>`: a resource read under the screen that reads again (the
/// sync screen's refused list after a sign-in, a member's photos) would put a `<Suspense>` back
/// on its loading line and take the whole screen off the page meanwhile, under the finger of the
/// person using it (tests/screens.rs).
pub fn deferred(
    view: impl std::future::Future<Output = Result<AnyView, ChunkLoadError>> + 'static,
) -> AnyView {
    shown_when_loaded(Box::pin(view), false, None)
}

/// [`deferred`] for a screen the address opens: the page's first screen, once painted, lets the
/// service worker install ([`crate::pwa::first_screen`]). With a `head`, the screen's title and
/// hint are drawn at once, above the loading line, and stay above a failure to load.
pub fn deferred_screen(
    view: impl std::future::Future<Output = Result<AnyView, ChunkLoadError>> + 'static,
    head: Option<ScreenHead>,
) -> AnyView {
    shown_when_loaded(Box::pin(view), true, head)
}

/// The view a split point resolves to, boxed: compiled once, not once per split point.
type Loading =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<AnyView, ChunkLoadError>>>>;

fn shown_when_loaded(view: Loading, screen: bool, head: Option<ScreenHead>) -> AnyView {
    let view = send_wrapper::SendWrapper::new(view);
    let shown = async move {
        // A screen with a head whose module is not here yet: the head is painted first, then
        // the module fetched, so that the fetch can never land before the head is on screen (a
        // page hidden meanwhile paints nothing: it fetches once shown again).
        if head.is_some() && !FIELDWORK_LOADED.get() {
            crate::browser::page::next_paint().await;
            crate::browser::page::mark(SCREEN_HEAD_PAINTED_MARK);
        }
        let view = match view.await {
            Ok(view) => view,
            Err(error) => {
                let failed = view! {
                    <p class="message error" role="alert" data-testid="chunk-load-failed">
                        {error.to_string()}
                    </p>
                };
                match head {
                    Some(head) => {
                        view! { <section class=head.class>{head.view(true)} {failed}</section> }
                            .into_any()
                    }
                    None => failed.into_any(),
                }
            }
        };
        if screen {
            crate::pwa::first_screen::shown_after_this_frame();
        }
        view
    };
    let loading = move || {
        let line = view! { <p class="loading">{crate::i18n::LOADING}</p> };
        match head {
            Some(head) => view! {
                <section class=head.class data-testid="screen-loading" aria-busy="true">{head.view(true)} {line}</section>
            }
            .into_any(),
            None => line.into_any(),
        }
    };
    view! {
        <Transition fallback=loading>
            {Suspend::new(shown)}
        </Transition>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::route::Route;

    /// The campaign dashboard and the office's screens are drawn by their own module alone:
    /// fetched at the start. The people list is the main module's; the four screens with a head
    /// and the other tablet screens are `fieldwork`'s, fetched as they always were.
    #[test]
    fn a_start_fetches_the_module_of_a_campaign_or_office_screen_only() {
        let id = "0190a5e2-1c2b-7d3e-8f40-123456789abc";
        let cases = [
            ("#/campaign", Some(StartModule::Dashboard)),
            ("#/campaign/dashboard", Some(StartModule::Dashboard)),
            ("#//campaign/dashboard/", Some(StartModule::Dashboard)),
            ("#/campaign/candidates", Some(StartModule::Campaign)),
            ("#/campaign/report", Some(StartModule::Campaign)),
            ("#/office", Some(StartModule::Office)),
            ("#/office/roster", Some(StartModule::Office)),
            ("", None),
            ("#/people", None),
            ("#/outbox", None),
            ("#/sync", None),
            ("#/transfer", None),
            ("#/conflicts", None),
            ("#/settings", None),
            ("#/survey/new", None),
            (&format!("#/person/{id}"), None),
            ("#/signin/ABCD2345", None),
            ("#/campaign/no-such-screen", None),
            ("#/office/no-such-tab", None),
        ];
        for (hash, module) in cases {
            assert_eq!(start_module(&Route::parse(hash)), module, "{hash:?}");
        }
    }
}
