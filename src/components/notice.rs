//! The message line of a form: what went wrong (in red, with a link to the record a refusal
//! names) or what was done (in green); and the wiring that shows a write's outcome in it.

use leptos::prelude::*;

use crate::hooks::use_local_action::LocalAction;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use crate::services::campaign::CampaignError;

/// A message line: errors in red, confirmations in green.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Error(String),
    /// An error naming an existing record, with a link to it.
    ErrorLink(String, String),
    Done(&'static str),
}

impl Notice {
    /// The message of a campaign error, with a link to the record it names (a duplicate
    /// candidacy) when it names one.
    pub fn of(error: &CampaignError) -> Notice {
        match error.existing() {
            Some(id) => Notice::ErrorLink(error.to_string(), CampaignRoute::Candidate(id).href()),
            None => Notice::Error(error.to_string()),
        }
    }
}

/// After each run of `action`: `done` with what it returned, or `failed` with its error.
pub fn on_outcome<I, T, E>(
    action: LocalAction<I, Result<T, E>>,
    done: impl Fn(T) + 'static,
    failed: impl Fn(E) + 'static,
) where
    I: 'static,
    T: Clone + 'static,
    E: Clone + 'static,
{
    watch(Box::new(move || match action.value().get() {
        Some(Ok(value)) => done(value),
        Some(Err(e)) => failed(e),
        None => {}
    }));
}

/// Run `react` now and again whenever what it read changes: one effect type for every
/// action's outcome (an `Effect::new` per action type compiled Leptos' effect code once per
/// type; PERFORMANCE.md, "Session 31").
fn watch(react: Box<dyn Fn()>) {
    Effect::new(move |_| react());
}

/// After each run of a campaign `action`: its refusal in `notice`, or `done` with what it
/// returned.
pub fn on_result<I, T>(
    action: LocalAction<I, Result<T, CampaignError>>,
    notice: RwSignal<Option<Notice>>,
    done: impl Fn(T) + 'static,
) where
    I: 'static,
    T: Clone + 'static,
{
    on_outcome(action, done, move |e| notice.set(Some(Notice::of(&e))));
}

/// The message line of `notice` (nothing while it is empty).
pub fn notice_line(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || {
        notice.get().map(|n| match n {
            Notice::Error(m) => {
                view! { <p class="message error" role="alert" data-testid="campaign-error">{m}</p> }
                    .into_any()
            }
            Notice::ErrorLink(m, href) => view! {
                <p class="message error" role="alert" data-testid="campaign-error">
                    {m}" "<a href=href data-testid="campaign-error-link">{tc::OPEN_EXISTING}</a>
                </p>
            }
            .into_any(),
            Notice::Done(m) => {
                view! { <p class="message info" data-testid="campaign-done">{m}</p> }.into_any()
            }
        })
    }
}
