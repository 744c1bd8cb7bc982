//! Split points: what the app does not need to show its first screen (the people list). A release
//! build (`scripts/build-wasm.sh`, cargo feature `split`) cuts each of them out of the main wasm
//! module into a chunk fetched the first time it is called: every screen but the people list, and
//! the sync engine's loop, fetched while the first screen renders. The service worker
//! precaches every chunk, so this works offline. Other builds (tests, the benchmark page) call
//! them directly. Either way a split point is an `async fn`.

use leptos::prelude::*;

use crate::logic::campaign::route::CampaignRoute;
use uuid::Uuid;

/// Defines `pub async fn $name(args) -> AnyView`: a lazily loaded wasm chunk with
/// feature `split`, a plain async function without.
macro_rules! split_point {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[leptos::lazy]
        pub fn $name($($arg: $ty),*) -> AnyView $body

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $name($($arg: $ty),*) -> AnyView $body
    };
}

split_point! {
    /// Every campaign screen (`#/campaign/...`).
    fn campaign(route: CampaignRoute) {
        view! { <crate::screens::campaign::CampaignScreen route=route /> }.into_any()
    }
}

split_point! {
    /// The survey form, new (`person`: for an existing person) or an existing survey.
    fn survey_form(survey_id: Option<Uuid>, person_id: Option<Uuid>) {
        view! { <crate::screens::survey_form::SurveyFormScreen survey_id=survey_id person_id=person_id /> }.into_any()
    }
}

/// The sync engine's loop (syncing, timers, backoff), loaded once the first screen is up.
#[cfg(feature = "split")]
#[leptos::lazy]
pub async fn sync_loop(
    engine: crate::sync::SyncEngine,
    wake: futures::channel::mpsc::UnboundedReceiver<()>,
) {
    engine.run_loop(wake).await
}

/// The sync engine's loop (syncing, timers, backoff).
#[cfg(not(feature = "split"))]
pub async fn sync_loop(
    engine: crate::sync::SyncEngine,
    wake: futures::channel::mpsc::UnboundedReceiver<()>,
) {
    engine.run_loop(wake).await
}

split_point! {
    /// A person's page with their surveys and change history.
    fn person_detail(id: Uuid) {
        view! { <crate::screens::person_detail::PersonDetail id=id /> }.into_any()
    }
}

split_point! {
    /// Device settings, sign-in and storage.
    fn settings() {
        view! { <crate::screens::settings::Settings /> }.into_any()
    }
}

split_point! {
    /// Sync state, rejected changes, sign-in.
    fn sync() {
        view! { <crate::screens::sync::SyncScreen /> }.into_any()
    }
}

split_point! {
    /// Export and import files.
    fn transfer() {
        view! { <crate::screens::transfer::TransferScreen /> }.into_any()
    }
}

split_point! {
    /// Conflicting edits for the office.
    fn conflicts() {
        view! { <crate::screens::conflicts::ConflictsScreen /> }.into_any()
    }
}

/// Shows the view a split point resolves to, with a loading line meanwhile. The future is only
/// ever polled on the page's one thread (wasm has no other), hence the `SendWrapper`.
pub fn deferred(view: impl std::future::Future<Output = AnyView> + 'static) -> AnyView {
    let view = send_wrapper::SendWrapper::new(view);
    view! {
        <Suspense fallback=|| view! { <p class="loading">{crate::i18n::LOADING}</p> }>
            {Suspend::new(view)}
        </Suspense>
    }
    .into_any()
}
