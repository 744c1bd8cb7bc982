//! 设置清单: each step of the office's first day, done or not, with what is missing in words.

use leptos::prelude::*;

use crate::components::loaded::Loaded;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n::office as t;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::route::{OfficeTab, Route};
use crate::services::office;
use crate::sync::use_sync;

fn link_of(key: &str) -> String {
    match key {
        "campaign" => Route::Campaign(CampaignRoute::Settings).href(),
        "branches" => Route::Campaign(CampaignRoute::Branches).href(),
        "roster" => Route::Office(OfficeTab::Roster).href(),
        "accounts" => Route::Office(OfficeTab::Accounts).href(),
        _ => Route::Office(OfficeTab::Devices).href(),
    }
}

#[component]
pub fn Checklist() -> impl IntoView {
    let ctx = use_app();
    let engine = use_sync();
    let steps = Loader::new(move || {
        engine.data_version.track();
        let session = engine.credentials.get_untracked();
        async move { office::checklist(&ctx.store(), session.as_ref()).await.map_err(|e| e.to_string()) }
    });
    let town = RwSignal::new(String::new());
    let town_saved = RwSignal::new(false);
    let town_error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(name) = office::town(&ctx.store()).await {
            town.set(name);
        }
    });
    let save = super::office_action(
        town_error,
        move |name: &String| {
            let (store, name) = (ctx.store(), name.clone());
            async move { office::save_town(&store, &name).await }
        },
        move |_| {
            town_saved.set(true);
            ctx.refresh_pending();
            steps.refetch();
        },
    );
    let save_town = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        town_saved.set(false);
        save.dispatch_local(town.get_untracked());
    };
    view! {
        <div data-testid="office-checklist">
            <p class="hint">{t::CHECKLIST_HINT}</p>
            <form id="office-town" class="inline-form" data-testid="town-form" on:submit=save_town>
                <label class="field">
                    <span class="label">{t::TOWN_NAME}</span>
                    <input type="text" data-testid="town-name" prop:value=move || town.get()
                        on:input=move |ev| { town_saved.set(false); town.set(event_target_value(&ev)); } />
                </label>
                <button type="submit" class="button primary" data-testid="town-save" disabled=move || save.pending().get()>{t::SAVE_TOWN}</button>
                <Show when=move || town_saved.get()><span class="saved" data-testid="town-saved">{t::TOWN_SAVED}</span></Show>
                {super::error_line(town_error, "town-error")}
            </form>
            <button class="button secondary" data-testid="checklist-refresh" on:click=move |_| steps.refetch()>{t::REFRESH}</button>
            <Loaded resource=steps error_testid="checklist-error" let:steps>{view! {
                    <ol class="checklist">
                        {steps.into_iter().map(|step| {
                            let testid = format!("checklist-step-{}", step.key);
                            let state = if step.done { "done" } else { "missing" };
                            view! {
                                <li class=format!("step {state}") data-testid=testid data-state=state>
                                    <strong>{t::step_label(step.key)}</strong> " "
                                    <span class="state">{if step.done { t::DONE } else { t::NOT_DONE }}</span> " "
                                    <span class="detail" data-testid=format!("checklist-detail-{}", step.key)>{step.detail}</span> " "
                                    {(step.key != "town").then(|| view! {
                                        <a href=link_of(step.key) data-testid=format!("checklist-go-{}", step.key)>{t::GO}</a>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }}
            </Loaded>
            <p class="hint">
                {t::UPLOAD_PAGE_HINT} " "
                <a href="/import" target="_self" data-testid="office-open-import-page">{t::UPLOAD_PAGE_LINK}</a>
            </p>
        </div>
    }
}
