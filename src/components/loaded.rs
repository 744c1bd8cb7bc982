//! A screen's data read from the store: "读取中" while it is first read, the failure in words,
//! then the screen of it. Built on `<Transition>` (a screen read again after a save keeps
//! showing its last data until the new data is there) and `<ErrorBoundary>`.

use leptos::prelude::*;

use crate::hooks::use_loader::{ErasedRead, Loader};
use crate::i18n as t;

/// Why a screen's data could not be read, in the words its error gave.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
struct NotLoaded(String);

/// Show `children` of what `resource` read, once it is read; its error if it failed (with
/// `data-testid` `error_testid`, `load-error` unless given). Use it with `let:` to name the
/// data: `<Loaded resource=r let:data>…</Loaded>`, and call `r.refetch()` after a write to read
/// again.
#[component]
pub fn Loaded<T, E, F, V>(
    resource: Loader<Result<T, E>>,
    children: F,
    #[prop(optional)] error_testid: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + 'static,
    E: std::fmt::Display + 'static,
    F: Fn(T) -> V + 'static,
    V: IntoView + 'static,
{
    // What differs by type is only this: the value shown, or its error in words. The rest is
    // compiled once for every screen (`loaded_view`).
    let show = move |value: &Result<T, E>| match value {
        Ok(data) => Ok(children(data.clone()).into_any()),
        Err(e) => Err(e.to_string()),
    };
    loaded_view(resource.shown_with(show), error_testid.unwrap_or("load-error"))
}

fn loaded_view(read: ErasedRead, error_testid: &'static str) -> AnyView {
    view! {
        <Transition fallback=|| view! { <p class="empty" data-testid="loading">{t::LOADING}</p> }>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="message error" role="alert" data-testid=error_testid>
                    {move || errors.with(|e| e.iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("；"))}
                </p>
            }>
                {move || Suspend::new(async move {
                    read.shown().await.map_err(|e| {
                        log::warn!("a screen's data could not be read: {e}");
                        NotLoaded(e)
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
    .into_any()
}
