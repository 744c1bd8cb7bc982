//! 待发送: every record saved on this tablet that the office does not have yet, by the member's
//! name and the record's kind, grouped by delivery state (被退回，需处理 first). A refused record
//! says why, in the server's words and with the fields' names; the surveyor opens it, fixes it,
//! and resubmits it whole.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::delivery::DeliveryState;
use shared::record::EntityKind;
use uuid::Uuid;

use crate::components::screen_head::ScreenHead;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::outbox as t;
use crate::services::delivery::{self, DeliveryRow, WaitsFor};
use crate::sync::use_sync;

/// The title and hint, drawn by the main module too while this screen's module loads.
const HEAD: ScreenHead = ScreenHead::OUTBOX;

#[component]
pub fn OutboxScreen() -> impl IntoView {
    let ctx = use_app();
    let engine = use_sync();
    // Re-read whenever the counts or the refusals change (a sync ran, a save landed).
    let rows = Loader::new(move || {
        engine.counts.track();
        engine.rejected.track();
        let store = ctx.store();
        async move { delivery::rows(&store).await.map_err(|e| e.to_string()) }
    });
    let resubmit = LocalAction::new(move |(entity, id): &(EntityKind, Uuid)| {
        let (entity, id) = (*entity, *id);
        async move {
            let store = engine.store();
            let branch = delivery::branch_for_resubmit(&store, entity, id)
                .await
                .map_err(|e| e.to_string())?;
            engine.resubmit(entity, id, &branch).await.map_err(|e| e.to_string())
        }
    });
    // Giving up a refused photo, once the person confirmed it.
    let abandon = LocalAction::new(move |(entity, id): &(EntityKind, Uuid)| {
        let (entity, id) = (*entity, *id);
        async move { engine.abandon_photos(entity, id).await.map(|_| ()).map_err(|e| e.to_string()) }
    });
    // Every refused photo tried again at once (a refusal that hit them all, mended).
    let retry_photos = LocalAction::new(move |_: &()| async move {
        engine.retry_refused_photos().await.map_err(|e| e.to_string())
    });
    view! {
        <section class=HEAD.class data-testid="outbox-screen">
            {HEAD.view(false)}
            {move || retry_photos.value().get().map(|result| match result {
                Ok(n) => view! { <p class="message info" role="status" data-testid="retry-photos-result">{t::retried_photos(n)}</p> }.into_any(),
                Err(e) => view! { <p class="message error" role="alert" data-testid="retry-photos-result">{e}</p> }.into_any(),
            })}
            {move || resubmit.value().get().map(|result| match result {
                Ok(()) => view! { <p class="message info" role="status" data-testid="resubmit-result">{t::RESUBMITTED}</p> }.into_any(),
                Err(e) => view! { <p class="message error" role="alert" data-testid="resubmit-result">{e}</p> }.into_any(),
            })}
            {move || abandon.value().get().and_then(Result::err).map(|e| view! {
                <p class="message error" role="alert" data-testid="abandon-photo-error">{e}</p>
            })}
            <Transition fallback=|| view! { <p class="empty">{crate::i18n::LOADING}</p> }>
                {move || rows.get().map(|loaded| match loaded {
                    Err(e) => view! { <p class="message error" role="alert">{e}</p> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="empty" data-testid="outbox-empty">{t::ALL_DELIVERED}</p>
                    }.into_any(),
                    Ok(rows) => {
                        let photos_refused = rows.iter().filter(|r| r.photos_refused).count();
                        view! {
                            {(photos_refused > 1).then(|| view! {
                                <button class="button" data-testid="outbox-retry-photos"
                                    disabled=move || retry_photos.pending().get()
                                    on:click=move |_| { retry_photos.dispatch_local(()); }>
                                    {t::retry_photos(photos_refused)}
                                </button>
                            })}
                            {groups(rows, resubmit, abandon)}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// What a row's buttons do: resubmit the record, give up its refused photos.
type RecordAction = LocalAction<(EntityKind, Uuid), Result<(), String>>;

fn groups(rows: Vec<DeliveryRow>, resubmit: RecordAction, abandon: RecordAction) -> impl IntoView {
    DeliveryState::ALL
        .into_iter()
        .filter_map(|state| {
            let mine: Vec<DeliveryRow> = rows.iter().filter(|r| r.state == state).cloned().collect();
            (!mine.is_empty()).then(|| {
                view! {
                    <div class="outbox-group" data-testid="outbox-group" data-state=state.as_str()>
                        <h3>{state.localized()} " (" {mine.len()} ")"</h3>
                        <ul>{mine.into_iter().map(|row| row_view(row, resubmit, abandon)).collect_view()}</ul>
                    </div>
                }
            })
        })
        .collect_view()
}

fn row_view(row: DeliveryRow, resubmit: RecordAction, abandon: RecordAction) -> impl IntoView {
    let refused = row.state == DeliveryState::Refused;
    let key = (row.entity, row.id);
    let fields = (!row.fields.is_empty()).then(|| t::fields(&row.fields));
    let reasons = row.reasons.join("；");
    view! {
        <li class="outbox-row" data-testid="outbox-row" data-state=row.state.as_str() data-id=row.id.to_string()>
            <a class="row-link" href=row.href.clone() data-testid="outbox-open">
                <strong data-testid="outbox-name">{row.name.clone()}</strong>
                " · "
                <span data-testid="outbox-kind">{row.kind}</span>
            </a>
            <span class=format!("badge state-{}", row.state.as_str()) data-testid="delivery-state">{row.state.localized()}</span>
            {row.waits_for.map(|waits| {
                let (code, words) = match waits {
                    WaitsFor::Branch => ("branch", t::WAITS_FOR_BRANCH),
                    WaitsFor::Photos => ("photos", t::WAITS_FOR_PHOTOS),
                };
                view! { <p class="hint" data-testid="outbox-waits-for" data-waits=code>{words}</p> }
            })}
            {refused.then(|| view! {
                <p class="refusal" data-testid="outbox-reason">
                    {row.changes_refused.then(|| if row.on_tablet { t::REFUSED_ON_TABLET.get() } else { t::REFUSED_BY_SERVER.get() })}
                    {reasons.clone()}
                </p>
                {fields.clone().map(|f| view! { <p class="hint" data-testid="outbox-fields">{f}</p> })}
                {row.changes_refused.then(|| view! { <p class="hint">{t::FIX_THEN_RESUBMIT}</p> })}
                {row.photos_refused.then(|| view! { <p class="hint" data-testid="outbox-photo-fix">{t::PHOTO_FIX}</p> })}
                <button class="button primary" data-testid="outbox-resubmit"
                    disabled=move || resubmit.pending().get()
                    on:click=move |_| { resubmit.dispatch_local(key); }>
                    {t::RESUBMIT}
                </button>
                {row.photos_refused.then(|| view! {
                    <button class="button" data-testid="outbox-abandon-photo"
                        disabled=move || abandon.pending().get()
                        on:click=move |_| {
                            if crate::browser::dialog::confirm(t::PHOTO_ABANDON_CONFIRM.get()) {
                                abandon.dispatch_local(key);
                            }
                        }>
                        {t::PHOTO_ABANDON}
                    </button>
                })}
            })}
        </li>
    }
}
