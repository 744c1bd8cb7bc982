//! The notice that the browser discarded the tablet's database (`services::storage_loss`): what
//! happened, how many records waiting to be sent went with it — or, when the outbox's copy
//! outside IndexedDB brought them back, how many changes were recovered and will be sent (and
//! which photos did not come back) — and what to do; shown until read. While the copy's changes
//! are not taken back yet it says so, asks that nothing be entered again, and cannot be
//! dismissed (the next start tries again).

use leptos::prelude::*;

use crate::context::use_app;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n as t;
use crate::services::storage_loss::{self, StorageLoss};

#[component]
pub fn StorageLostNotice(loss: StorageLoss) -> impl IntoView {
    let ctx = use_app();
    let acknowledge = LocalAction::new(move |_: &()| {
        let store = ctx.store();
        async move { storage_loss::acknowledge(&store).await.map_err(|e| e.to_string()) }
    });
    Effect::new(move |_| {
        if let Some(result) = acknowledge.value().get() {
            if let Err(e) = result {
                ctx.message.set(Some(e));
            }
            // The shell reads the notice again when the counts move.
            ctx.recount();
        }
    });
    let pending = loss.recovered.is_none();
    let recovered = loss.recovered.unwrap_or(0);
    view! {
        <aside class="message error" role="alert" data-testid="storage-lost"
            data-recovered=recovered data-recovery-pending=pending.to_string()>
            {if pending {
                // Not taken back yet (its chunk not cached, the disk full): it will be, so
                // nothing may be entered again, and the notice stays until it is.
                view! { <p data-testid="storage-lost-recovering">{t::STORAGE_RECOVERY_PENDING}</p> }
                    .into_any()
            } else if recovered > 0 || loss.refused_restored > 0 {
                view! {
                    <p>{t::STORAGE_RECOVERED}</p>
                    {(recovered > 0).then(|| view! {
                        <p data-testid="storage-lost-recovered">{t::storage_recovered_count(recovered)}</p>
                    })}
                    {(loss.refused_restored > 0).then(|| view! {
                        <p data-testid="storage-lost-refused">{t::storage_recovered_refused(loss.refused_restored)}</p>
                    })}
                    {(loss.photos_missing > 0).then(|| view! {
                        <p data-testid="storage-lost-photos">{t::storage_recovered_photos_missing(loss.photos_missing)}</p>
                    })}
                }.into_any()
            } else {
                view! {
                    <p>{t::STORAGE_LOST}</p>
                    {(loss.pending_before > 0).then(|| view! {
                        <p data-testid="storage-lost-pending">{t::storage_lost_pending(loss.pending_before)}</p>
                    })}
                }.into_any()
            }}
            {(!pending).then(|| view! {
                <button class="button" data-testid="storage-lost-dismiss"
                    disabled=move || acknowledge.pending().get()
                    on:click=move |_| { acknowledge.dispatch_local(()); }>{t::STORAGE_LOST_READ}</button>
            })}
        </aside>
    }
}
