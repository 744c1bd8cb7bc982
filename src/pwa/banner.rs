//! The update banner: shown while a new version of the app waits to take over.

use leptos::prelude::*;

use super::UnsavedInput;
use super::service_worker;

#[derive(Debug, Clone, PartialEq, Eq)]
enum BannerState {
    /// No new version (or none known yet).
    Hidden,
    /// A new version is waiting; one tap installs it.
    UpdateReady,
    /// The user tapped, but a form still holds unsaved input: nothing was reloaded.
    SaveFirst,
    /// The new version was asked to take over; the page reloads in a moment.
    Updating,
    /// The hand-over failed; the message says why.
    Failed(String),
}

/// Registers the service worker and shows "有新版本，点击更新" when a new version waits.
/// Tapping it installs the new version and reloads — unless some input is unsaved
/// ([`UnsavedInput`]), in which case it asks the user to save first and does not reload.
/// Mount it once, at the top of the app shell.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let state = RwSignal::new(BannerState::Hidden);

    if let Err(error) = service_worker::register(move || state.set(BannerState::UpdateReady)) {
        log::warn!("{error}");
    }

    let update = move |_| {
        // Input not saved yet, or that reloading would lose (text a number field cannot hold, a
        // photo still being processed): the reload would ask the browser's own question, and
        // staying then leaves the old app running under the new service worker.
        if UnsavedInput::any() || UnsavedInput::leave_question().is_some() {
            state.set(BannerState::SaveFirst);
            return;
        }
        match service_worker::activate_waiting() {
            Ok(()) => state.set(BannerState::Updating),
            Err(error) => state.set(BannerState::Failed(error.to_string())),
        }
    };

    let note = move || match state.get() {
        BannerState::SaveFirst => Some(crate::i18n::UPDATE_SAVE_FIRST.to_string()),
        BannerState::Updating => Some(crate::i18n::UPDATE_UPDATING.to_string()),
        BannerState::Failed(message) => Some(message),
        BannerState::Hidden | BannerState::UpdateReady => None,
    };

    view! {
        <Show when=move || state.get() != BannerState::Hidden>
            <div class="update-banner" role="status" data-testid="update-banner">
                <button
                    type="button"
                    class="update-banner__button"
                    data-testid="update-banner-button"
                    disabled=move || state.get() == BannerState::Updating
                    on:click=update
                >
                    {crate::i18n::UPDATE_READY}
                </button>
                {move || {
                    note()
                        .map(|text| {
                            view! {
                                <span class="update-banner__note" data-testid="update-banner-note">
                                    {text}
                                </span>
                            }
                        })
                }}
            </div>
        </Show>
    }
}
