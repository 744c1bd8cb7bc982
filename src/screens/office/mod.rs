//! The town office's setup, below `#/office/`: the first-run checklist, accounts (with one-time
//! sign-in codes), devices (what each tablet reported at its last sync), and the roster import.
//! Loaded on demand (`split::office`), so none of it weighs on the first load.

pub mod accounts;
pub mod checklist;
pub mod devices;
pub mod roster;

use leptos::prelude::*;

use crate::components::notice::on_outcome;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::office as t;
use crate::logic::route::{OfficeTab, Route};
use crate::services::office::{OfficeError, office_http};
use crate::sync::http::Http;
use crate::sync::use_sync;

#[component]
pub fn OfficeScreen(tab: OfficeTab) -> impl IntoView {
    let engine = use_sync();
    let nav = OfficeTab::ALL
        .into_iter()
        .map(|target| {
            let label = match target {
                OfficeTab::Checklist => t::TAB_CHECKLIST,
                OfficeTab::Accounts => t::TAB_ACCOUNTS,
                OfficeTab::Devices => t::TAB_DEVICES,
                OfficeTab::Roster => t::TAB_ROSTER,
            };
            view! {
                <a href=Route::Office(target).href() class:active=target == tab
                    data-testid=format!("onav-{}", target.slug())>{label}</a>
            }
        })
        .collect_view();
    let http = move || office_http(engine.credentials.get().as_ref());
    view! {
        <section class="office" data-testid="office-screen">
            <h2>{t::TITLE}</h2>
            <nav class="nav campaign-nav no-print" aria-label=t::TITLE data-testid="office-nav">{nav}</nav>
            {move || match http() {
                Err(e) => view! { <p class="message warn" data-testid="office-not-signed-in">{e.to_string()}</p> }.into_any(),
                Ok(http) => match tab {
                    OfficeTab::Checklist => view! { <checklist::Checklist /> }.into_any(),
                    OfficeTab::Accounts => view! { <accounts::Accounts http=http /> }.into_any(),
                    OfficeTab::Devices => view! { <devices::Devices http=http /> }.into_any(),
                    OfficeTab::Roster => view! { <roster::Roster http=http /> }.into_any(),
                },
            }}
        </section>
    }
}

/// An error line, if any.
pub fn error_line(error: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="message error" role="alert" data-testid=testid>{e}</p> })
    }
}

/// A write of an office screen: an action calling the office's API with its input. Its error,
/// in words, goes to `error` (cleared when it runs again); `done` gets what it returned; its
/// `pending()` disables the button that dispatched it.
pub fn office_action<I, T, Fut>(
    error: RwSignal<Option<String>>,
    call: impl Fn(&I) -> Fut + 'static,
    done: impl Fn(T) + 'static,
) -> LocalAction<I, Result<T, OfficeError>>
where
    I: 'static,
    T: Clone + 'static,
    Fut: std::future::Future<Output = Result<T, OfficeError>> + 'static,
{
    let action = LocalAction::new(move |input: &I| {
        error.set(None);
        call(input)
    });
    on_outcome(action, done, move |e| error.set(Some(e.to_string())));
    action
}

/// A copy of the office's HTTP client for a closure.
pub fn cloned(http: &Http) -> Http {
    http.clone()
}
