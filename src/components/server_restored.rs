//! The notice that the office server's data was restored from an older backup
//! (`services::storage_loss::server_restored`): this tablet downloaded everything again and sent
//! the changes made on it again; nothing is to be entered again. Shown until read.

use leptos::prelude::*;

use crate::context::use_app;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n as t;
use crate::services::storage_loss::{self, ServerRestored};

#[component]
pub fn ServerRestoredNotice(notice: ServerRestored) -> impl IntoView {
    let ctx = use_app();
    let acknowledge = LocalAction::new(move |_: &()| {
        let store = ctx.store();
        async move { storage_loss::acknowledge_server_restored(&store).await.map_err(|e| e.to_string()) }
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
    view! {
        <aside class="message warn" role="alert" data-testid="server-restored"
            data-resent=notice.resent.to_string() data-complete=notice.complete.to_string()>
            <p>{t::server_restored(notice.resent, notice.complete)}</p>
            <button class="button" data-testid="server-restored-dismiss"
                disabled=move || acknowledge.pending().get()
                on:click=move |_| { acknowledge.dispatch_local(()); }>{t::SERVER_RESTORED_READ}</button>
        </aside>
    }
}
