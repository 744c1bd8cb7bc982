//! The notices the database keeps until they are read: the browser discarded the tablet's
//! database ([`StorageLostNotice`]), another device of the signed-in account holds changes not
//! sent ([`PreviousDeviceUnsent`]), and the office server's data was restored from an older
//! backup ([`ServerRestoredNotice`]). All are rare, so this view and everything it reads is in the
//! `fieldwork` split module (`split::kept_notices`), fetched when the shell finds one kept
//! (`services::storage_loss::any_kept`, which reads no value).

use leptos::prelude::*;

use crate::components::server_restored::ServerRestoredNotice;
use crate::components::storage_lost::StorageLostNotice;
use crate::components::unsent_elsewhere::PreviousDeviceUnsent;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::services::storage_loss::{self, UnsentElsewhereNotice};
use crate::sync::SyncEngine;

#[component]
pub fn KeptNotices() -> impl IntoView {
    let ctx = use_app();
    let engine = expect_context::<SyncEngine>();
    // Read again whenever the counts move: the store may notice a discard while the app runs,
    // and a dismissal recounts.
    let storage_notice = Loader::new(move || {
        ctx.counts.track();
        let store = ctx.store();
        async move {
            let loss = storage_loss::notice(&store).await.ok().flatten();
            if loss.as_ref().is_none_or(|l| l.recovered.is_some()) {
                return loss;
            }
            // Found while the app ran: take back what its copy outside IndexedDB holds.
            storage_loss::recover_if_due(&store).await;
            let after = storage_loss::notice(&store).await.ok().flatten();
            // Recount (which reads this again) only once the recovery is done: a recovery
            // that failed (a full disk, its chunk not cached) is tried at the next start, not
            // again and again in a loop on every recount.
            if after.as_ref().is_some_and(|l| l.recovered.is_some()) {
                ctx.recount();
            }
            after
        }
    });
    // Read again after a sign-in (which keeps it) and whenever the counts move.
    let unsent_elsewhere = Loader::new(move || {
        ctx.counts.track();
        engine.credentials.track();
        let store = ctx.store();
        async move { storage_loss::unsent_elsewhere(&store).await.ok().flatten() }
    });
    // Kept by a sync run (which moves the counts as it sends the changes again).
    let server_restored = Loader::new(move || {
        ctx.counts.track();
        engine.data_version.track();
        let store = ctx.store();
        async move { storage_loss::server_restored(&store).await.ok().flatten() }
    });
    // The signed-in account's own: another account signing in on this tablet is not told.
    let mine = move |n: &UnsentElsewhereNotice| {
        engine.credentials.with(|c| c.as_ref().is_some_and(|c| c.account.username == n.username))
    };
    view! {
        {move || storage_notice.get().flatten().map(|loss| view! { <StorageLostNotice loss=loss /> })}
        {move || {
            server_restored
                .get()
                .flatten()
                .map(|notice| view! { <ServerRestoredNotice notice=notice /> })
        }}
        {move || {
            unsent_elsewhere
                .get()
                .flatten()
                .filter(mine)
                .map(|notice| view! { <PreviousDeviceUnsent notice=notice /> })
        }}
    }
}
