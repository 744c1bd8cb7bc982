//! "有一份未完成的调查草稿：林海生", shown when the app reopens with a draft: continue it, put the
//! notice away, or delete the draft after a confirmation.

use leptos::prelude::*;
use uuid::Uuid;

use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n as t;
use crate::logic::route::Route;
use crate::services::survey;

/// The draft the app reopened with, as (survey id, member's name), read again when the counts
/// move.
pub type CurrentDraft = Loader<Option<(Uuid, String)>>;

/// "有一份未完成的调查草稿：林海生" when the app reopens with a draft (not on the form itself,
/// and until put away). Its buttons are in a chunk of their own ([`DraftNotice`], loaded only
/// when there is a draft): the first load is not made heavier for them.
#[component]
pub fn DraftBanner() -> impl IntoView {
    let ctx = use_app();
    let dismissed = RwSignal::new(false);
    let draft: CurrentDraft = Loader::new(move || {
        ctx.counts.track();
        let store = ctx.store();
        async move { survey::current_draft(&store).await.ok().flatten() }
    });
    // A memo: the notice is built again only when the draft itself changes, not on every count.
    let visible = Memo::new(move |_| {
        let on_form = matches!(ctx.route.get(), Route::Survey(_) | Route::NewSurvey(_));
        (!dismissed.get() && !on_form).then(|| draft.get().flatten()).flatten()
    });
    move || {
        visible.get().map(|(id, name)| {
            crate::split::deferred(crate::split::draft_notice(id, name, dismissed, draft))
        })
    }
}

/// The draft's notice: continue it, put the notice away, or delete the draft after a
/// confirmation.
#[component]
pub fn DraftNotice(
    id: Uuid,
    name: String,
    dismissed: RwSignal<bool>,
    draft: CurrentDraft,
) -> impl IntoView {
    let ctx = use_app();
    let confirming = RwSignal::new(false);
    let discard = LocalAction::new(move |id: &Uuid| {
        let (store, id) = (ctx.store(), *id);
        async move { survey::discard_draft(&store, id).await.map_err(|e| e.to_string()) }
    });
    Effect::new(move |_| {
        if let Some(result) = discard.value().get() {
            confirming.set(false);
            match result {
                Ok(_) => ctx.message.set(None),
                Err(e) => ctx.message.set(Some(e)),
            }
            ctx.refresh_pending();
            draft.refetch();
        }
    });
    view! {
        <aside class="message draft" data-testid="draft-banner" aria-label=t::DRAFT_WAITING>
            <span>{t::outbox::DRAFT_OF} <strong data-testid="draft-name">{name}</strong></span>
            <a class="button" href=Route::Survey(id).href() data-testid="draft-continue">{t::DRAFT_CONTINUE}</a>
            <button class="button secondary" on:click=move |_| dismissed.set(true)>{t::DRAFT_DISMISS}</button>
            <Show when=move || !confirming.get() fallback=move || view! {
                <span class="confirm" role="alertdialog" data-testid="draft-delete-confirm">
                    {t::outbox::DRAFT_DELETE_CONFIRM}
                    <button class="button danger" data-testid="draft-delete-yes"
                        disabled=move || discard.pending().get()
                        on:click=move |_| { discard.dispatch_local(id); }>{t::outbox::DRAFT_DELETE}</button>
                    <button class="button secondary" data-testid="draft-delete-no"
                        on:click=move |_| confirming.set(false)>{t::campaign::CANCEL}</button>
                </span>
            }>
                <button class="button secondary" data-testid="draft-delete" on:click=move |_| confirming.set(true)>
                    {t::outbox::DRAFT_DELETE}
                </button>
            </Show>
        </aside>
    }
}
