//! The notice that another device of the signed-in account still held changes not sent when it
//! last synced (`services::storage_loss::UnsentElsewhereNotice`): which device, how many, when
//! it last synced, and what to do; shown until read.

use leptos::prelude::*;

use crate::context::use_app;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n as t;
use crate::logic::format;
use crate::services::storage_loss::{self, UnsentElsewhereNotice};

#[component]
pub fn PreviousDeviceUnsent(notice: UnsentElsewhereNotice) -> impl IntoView {
    let ctx = use_app();
    let acknowledge = LocalAction::new(move |_: &()| {
        let store = ctx.store();
        async move {
            storage_loss::acknowledge_unsent_elsewhere(&store).await.map_err(|e| e.to_string())
        }
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
    let total: u32 = notice.devices.iter().map(|d| d.pending).sum();
    view! {
        <aside class="message error" role="alert" data-testid="previous-device-unsent"
            data-pending=total.to_string()>
            {notice.devices.into_iter().map(|d| {
                let words = t::unsent_elsewhere(
                    &d.device_name,
                    d.pending,
                    &format::timestamp(&d.reported_at),
                    d.blocked,
                );
                let oldest = d.oldest_unsent.as_deref().map(|at| t::unsent_elsewhere_oldest(&format::timestamp(at)));
                view! {
                    <p data-testid="previous-device-unsent-device" data-device=d.device_id.to_string()
                        data-pending=d.pending.to_string()>
                        {words} {oldest}
                    </p>
                }
            }).collect_view()}
            <button class="button" data-testid="previous-device-unsent-dismiss"
                disabled=move || acknowledge.pending().get()
                on:click=move |_| { acknowledge.dispatch_local(()); }>{t::UNSENT_ELSEWHERE_READ}</button>
        </aside>
    }
}
