//! The town office's conflict review: both values of each conflict, pick one. Picking writes a
//! new local change setting the chosen value (synced like any edit) and tells the server the
//! conflict is resolved.

use leptos::prelude::*;
use shared::merge::Conflict;
use shared::roles::Role;

use crate::components::notice::on_outcome;
use crate::components::screen_head::ScreenHead;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::sync as t;
use crate::services::conflicts::{self, OpenConflict, shown_of};
use crate::sync::use_sync;

/// The title and hint, drawn by the main module too while this screen's module loads.
const HEAD: ScreenHead = ScreenHead::CONFLICTS;

#[component]
pub fn ConflictsScreen() -> impl IntoView {
    let engine = use_sync();
    let error = RwSignal::new(None::<String>);
    let ctx = use_app();
    let listing = Loader::new(move || {
        let (store, credentials) = (ctx.store(), engine.credentials.get_untracked());
        async move { conflicts::listing(&store, credentials.as_ref()).await }
    });
    let resolving = LocalAction::new(move |(conflict, keep_winner): &(Conflict, bool)| {
        let (conflict, keep_winner) = (conflict.clone(), *keep_winner);
        async move { conflicts::resolve(engine, &conflict, keep_winner).await }
    });
    on_outcome(
        resolving,
        move |()| {
            engine.sync_now();
            listing.refetch();
        },
        move |e| error.set(Some(e)),
    );
    let choose = move |conflict: Conflict, keep_winner: bool| {
        error.set(None);
        resolving.dispatch_local((conflict, keep_winner));
    };
    view! {
        <section class=HEAD.class data-testid="conflicts-screen">
            {HEAD.view(false)}
            <button class="button secondary" data-testid="conflicts-refresh" on:click=move |_| listing.refetch()>{t::REFRESH}</button>
            {move || error.get().map(|e| view! { <p class="message error" role="alert" data-testid="conflicts-error">{e}</p> })}
            {move || listing.get().map(|l| {
                let open = l.open;
                // Another account is told it cannot resolve them under the head
                // (`ScreenHead::CONFLICTS`); the office, when the server did not answer.
                let office = engine.credentials.get_untracked().is_some_and(|s| s.account.role == Role::TownOffice);
                let note = (office && !l.from_server).then_some(t::CONFLICTS_LOCAL);
                let resolvable = l.from_server;
                let more = l.more.then(|| t::CONFLICTS_MORE.format(&[("shown", open.len().into())]));
                view! {
                    {note.map(|n| view! { <p class="message warn" data-testid="conflicts-note">{n}</p> })}
                    {more.map(|m| view! { <p class="message warn" data-testid="conflicts-more">{m}</p> })}
                    {if open.is_empty() {
                        view! { <p class="empty" data-testid="conflicts-empty">{t::NO_CONFLICTS}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="conflict-list">
                                {open.into_iter().map(|c| conflict_item(c, resolvable, choose)).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}

fn conflict_item(
    open: OpenConflict,
    resolvable: bool,
    choose: impl Fn(Conflict, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let OpenConflict { conflict: c, title } = open;
    let winner = c.clone();
    let loser = c.clone();
    view! {
        <li class="conflict" data-testid="conflict-item" data-conflict-id=c.id.to_string() data-entity-id=c.entity_id.to_string() data-field=c.field.clone()>
            <h3>{title}</h3>
            <div class="side" data-testid="conflict-winner">
                <span class="label">{t::CURRENT_VALUE}</span>
                <strong data-testid="conflict-winner-value">{shown_of(&c.field, &c.winner_value)}</strong>
                <span class="hint">{t::by_author(&c.winner_author)}</span>
                <Show when=move || resolvable>
                    <button class="button" data-testid="conflict-keep-winner" on:click={
                        let w = winner.clone();
                        move |_| choose(w.clone(), true)
                    }>{t::KEEP_THIS}</button>
                </Show>
            </div>
            <div class="side" data-testid="conflict-loser">
                <span class="label">{t::OTHER_VALUE}</span>
                <strong data-testid="conflict-loser-value">{shown_of(&c.field, &c.loser_value)}</strong>
                <span class="hint">{t::by_author(&c.loser_author)}</span>
                <Show when=move || resolvable>
                    <button class="button" data-testid="conflict-keep-loser" on:click={
                        let l = loser.clone();
                        move |_| choose(l.clone(), false)
                    }>{t::KEEP_THIS}</button>
                </Show>
            </div>
        </li>
    }
}
