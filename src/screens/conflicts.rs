//! The town office's conflict review: both values of each conflict, pick one. Picking writes a
//! new local change setting the chosen value (synced like any edit) and tells the server the
//! conflict is resolved.

use leptos::prelude::*;
use serde_json::Value;
use shared::merge::Conflict;
use shared::roles::Role;
use shared::sync::ConflictEntry;

use crate::components::notice::on_outcome;
use crate::i18n::sync as t;
use crate::sync::transport::{self, ResolveRequest};
use crate::sync::use_sync;

/// Where the list came from.
#[derive(Clone)]
struct Listing {
    entries: Vec<ConflictEntry>,
    /// From the server (resolvable) or only this device's own copy.
    from_server: bool,
}

#[component]
pub fn ConflictsScreen() -> impl IntoView {
    let engine = use_sync();
    let error = RwSignal::new(None::<String>);
    let listing = LocalResource::new(move || async move {
        let session = engine.credentials.get_untracked();
        let office = session.as_ref().is_some_and(|s| s.account.role == Role::TownOffice);
        if let Some(s) = session.filter(|_| office) {
            match transport::conflicts(&s.http()).await {
                Ok(entries) => return Listing { entries, from_server: true },
                Err(e) => log::info!("conflicts from the server unavailable: {e}"),
            }
        }
        let local = engine.store().conflicts().await.unwrap_or_default();
        Listing { entries: local.into_iter().map(local_entry).collect(), from_server: false }
    });
    let resolving = Action::new_local(move |(conflict, keep_winner): &(Conflict, bool)| {
        let (conflict, keep_winner) = (conflict.clone(), *keep_winner);
        async move { resolve(engine, &conflict, keep_winner).await }
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
        <section class="conflicts" data-testid="conflicts-screen">
            <h2>{t::CONFLICTS_TITLE}</h2>
            <p class="hint">{t::CONFLICTS_HINT}</p>
            <button class="button secondary" data-testid="conflicts-refresh" on:click=move |_| listing.refetch()>{t::REFRESH}</button>
            {move || error.get().map(|e| view! { <p class="message error" role="alert" data-testid="conflicts-error">{e}</p> })}
            {move || listing.get().map(|l| {
                let open: Vec<ConflictEntry> = l.entries.into_iter().filter(|e| !e.resolved).collect();
                let note = if l.from_server {
                    None
                } else if engine.credentials.get_untracked().is_some_and(|s| s.account.role == Role::TownOffice) {
                    Some(t::CONFLICTS_LOCAL)
                } else {
                    Some(t::CONFLICTS_OFFICE_ONLY)
                };
                let resolvable = l.from_server;
                view! {
                    {note.map(|n| view! { <p class="message warn" data-testid="conflicts-note">{n}</p> })}
                    {if open.is_empty() {
                        view! { <p class="empty" data-testid="conflicts-empty">{t::NO_CONFLICTS}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="conflict-list">
                                {open.into_iter().map(|e| conflict_item(e.conflict, resolvable, choose)).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}

fn conflict_item(
    c: Conflict,
    resolvable: bool,
    choose: impl Fn(Conflict, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let title = format!(
        "{} · {}",
        crate::i18n::branches::entity_label(c.entity),
        crate::i18n::field_label(&c.field)
    );
    let winner = c.clone();
    let loser = c.clone();
    view! {
        <li class="conflict" data-testid="conflict-item" data-conflict-id=c.id.to_string() data-entity-id=c.entity_id.to_string() data-field=c.field.clone()>
            <h3>{title}</h3>
            <div class="side" data-testid="conflict-winner">
                <span class="label">{t::CURRENT_VALUE}</span>
                <strong data-testid="conflict-winner-value">{show(&c.winner_value)}</strong>
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
                <strong data-testid="conflict-loser-value">{show(&c.loser_value)}</strong>
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

/// The chosen value becomes a local change (so every device converges on it through the normal
/// sync), then the server marks the conflict resolved.
async fn resolve(
    engine: crate::sync::SyncEngine,
    conflict: &Conflict,
    keep_winner: bool,
) -> Result<(), String> {
    let session = engine.credentials.get_untracked().ok_or_else(|| t::NOT_SIGNED_IN.to_owned())?;
    let value =
        if keep_winner { conflict.winner_value.clone() } else { conflict.loser_value.clone() };
    engine
        .store()
        .save(
            conflict.entity,
            conflict.entity_id,
            &conflict.branch_id,
            vec![(conflict.field.clone(), value.clone())],
        )
        .await
        .map_err(|e| e.to_string())?;
    engine.refresh_pending().await;
    let request = ResolveRequest { chosen: if keep_winner { "winner" } else { "loser" }, value };
    transport::resolve_conflict(&session.http(), conflict.id, &request)
        .await
        .map_err(|e| crate::sync::SyncError::from(e).to_string())
}

fn show(value: &Value) -> String {
    match value {
        Value::Null => t::EMPTY_VALUE.to_owned(),
        Value::String(s) if s.is_empty() => t::EMPTY_VALUE.to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn local_entry(conflict: Conflict) -> ConflictEntry {
    ConflictEntry {
        conflict,
        detected_at: String::new(),
        resolved: false,
        resolved_by: None,
        resolved_at: None,
    }
}
