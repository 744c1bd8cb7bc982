//! A county account's campaign overview screens (总览, 工作情况通报, 梯队, 考核评价): one town at a
//! time, read from the office server (`services::county`). The county's tablet holds every
//! town's records with no town on them, and each town's campaign settings under the same fixed
//! id, so anything counted, ranked or set against a target from its own store would mix towns.
//! The chosen town's records are made into the same [`CampaignData`] its own tablets read, and
//! the screen shows it with the same view (and the same shared rules) as the town's.

use leptos::prelude::*;

use crate::components::loaded::Loaded;
use crate::hooks::use_loader::Loader;
use crate::i18n::campaign as tc;
use crate::services::campaign::CampaignData;
use crate::services::county;
use crate::sync::use_sync;

/// A campaign screen drawn from a town's data, with a way to read it again: boxed once, so the
/// county's pickers and the local screen are compiled once, not once for each screen
/// (docs/PERFORMANCE.md, session 32).
pub type RenderTown = std::sync::Arc<dyn Fn(CampaignData, Callback<()>) -> AnyView + Send + Sync>;

/// `render` as a [`RenderTown`].
pub fn render_town<F, V>(render: F) -> RenderTown
where
    F: Fn(CampaignData, Callback<()>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    std::sync::Arc::new(move |data, reload| render(data, reload).into_any())
}

/// The towns the county account may see, a picker (`data-testid` `picker`; the first town at
/// first) and `render` of the chosen town's data (with a way to read it again).
#[component]
pub fn CountyTowns(picker: &'static str, render: RenderTown) -> impl IntoView {
    let engine = use_sync();
    let towns = Loader::new(move || {
        let http = county::county_http(engine.credentials.get().as_ref());
        async move { county::towns(&http?).await }
    });
    view! {
        <Loaded resource=towns error_testid="county-error" let:names>
            <TownPicker names=names picker=picker render=render.clone() />
        </Loaded>
        {retry(towns)}
    }
}

/// A town picker and the chosen town's screen.
#[component]
fn TownPicker(names: Vec<String>, picker: &'static str, render: RenderTown) -> impl IntoView {
    let engine = use_sync();
    let Some(first) = names.first().cloned() else {
        return view! { <p class="empty" data-testid="county-no-towns">{tc::NO_TOWNS}</p> }
            .into_any();
    };
    let town = RwSignal::new(first);
    let data = Loader::new(move || {
        let http = county::county_http(engine.credentials.get_untracked().as_ref());
        let town = town.get();
        async move { county::town_data(&http?, &town).await }
    });
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <label class="field narrow no-print">
            <span class="label">{tc::TOWN}</span>
            <select data-testid=picker on:change=move |ev| town.set(event_target_value(&ev))>
                {names.into_iter().map(|n| { let label = n.clone(); view! { <option value=n>{label}</option> } }).collect_view()}
            </select>
        </label>
        <p class="hint" data-testid="county-town-shown">{move || tc::town_shown(&town.get())}</p>
        <Loaded resource=data error_testid="county-error" let:data>{render(data, reload)}</Loaded>
        {retry(data)}
    }
    .into_any()
}

/// `render` of the data of candidate `candidate`'s town, read from the server (the county's
/// one-candidate screens: contacts, the display card), the town named above it. Without the
/// server: this device's own records, saying why and that the town's settings may be another
/// town's, with 重试.
#[component]
pub fn CandidateTown(candidate: uuid::Uuid, render: RenderTown) -> impl IntoView {
    let engine = use_sync();
    let ctx = crate::context::use_app();
    let data = Loader::new(move || {
        let http = county::county_http(engine.credentials.get_untracked().as_ref());
        let store = ctx.store();
        async move { county::candidate_town(http, &store, candidate).await }
    });
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Loaded resource=data let:found>{match found {
            county::CandidateTown::Server { town, data } => view! {
                <p class="hint no-print" data-testid="county-town-shown">{tc::town_shown(&town)}</p>
                {render(data, reload)}
            }.into_any(),
            county::CandidateTown::Local { why, data } => view! {
                <div class="no-print">
                    <p class="message error" role="alert" data-testid="county-error">{why.to_string()}</p>
                    <p class="message warn" data-testid="county-local">{tc::COUNTY_LOCAL}</p>
                    {retry_button(move || reload.run(()))}
                </div>
                {render(data, reload)}
            }.into_any(),
        }}</Loaded>
    }
}

/// 重试, while `resource` holds a failure.
fn retry<T: 'static, E: 'static>(resource: Loader<Result<T, E>>) -> impl IntoView {
    move || {
        resource
            .with(|r| matches!(r, Some(Err(_))))
            .then(|| retry_button(move || resource.refetch()))
    }
}

/// The 重试 button (`county-retry`), reading again with `again`.
fn retry_button(again: impl Fn() + 'static) -> impl IntoView {
    view! {
        <button type="button" class="button no-print" data-testid="county-retry" on:click=move |_| again()>
            {tc::RETRY}
        </button>
    }
}
