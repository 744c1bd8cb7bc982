//! The sync screen: sign-in, a big "立即同步" button, progress, the records waiting (the top
//! bar's 待同步, refused ones included), last success, last error, and the changes the server
//! refused.

use leptos::prelude::*;

use crate::components::screen_head::ScreenHead;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n::sync as t;
use crate::logic::format;
use crate::screens::login::LoginPanel;
use crate::sync::{Connection, use_sync};

/// The title, drawn by the main module too while this screen's module loads (with the sign-in
/// form's title and hint when signed out).
const HEAD: ScreenHead = ScreenHead::SYNC;

#[component]
pub fn SyncScreen() -> impl IntoView {
    let engine = use_sync();
    let status = engine.status;
    // Changes saved since the engine last counted its outbox (on other screens, offline) must
    // show as pending here: count again whenever the screen opens.
    leptos::task::spawn_local(async move { engine.refresh_pending().await });
    // Re-render "5 分钟前" once a minute.
    let now = RwSignal::new(chrono::Utc::now().timestamp_millis() as f64);
    let tick = leptos::prelude::set_interval_with_handle(
        move || now.set(chrono::Utc::now().timestamp_millis() as f64),
        std::time::Duration::from_secs(30),
    );
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    view! {
        <section class=HEAD.class data-testid="sync-screen">
            {HEAD.view(false)}
            <LoginPanel />
            <button
                class="button primary big"
                data-testid="sync-now"
                disabled=move || status.get().running || engine.credentials.get().is_none()
                on:click=move |_| engine.sync_now()
            >
                {move || (if status.get().running { t::SYNCING } else { t::SYNC_NOW }).get()}
            </button>
            <Show when=move || engine.connection.get() != Connection::Connected>
                <p class="message warn" data-testid="sync-offline">
                    {move || engine.connection.get().label_zh()} "。" {t::OFFLINE_WAIT}
                </p>
            </Show>
            <Show when=move || status.get().running>
                <div class="progress" data-testid="sync-progress">
                    <span data-testid="sync-phase">{move || status.get().phase.label_zh()}</span>
                    {move || {
                        let s = status.get();
                        match s.fraction() {
                            Some(f) => view! { <progress max="1" value=f /> }.into_any(),
                            None => view! { <progress /> }.into_any(),
                        }
                    }}
                    <span>{move || { let s = status.get(); t::progress(s.done, s.total) }}</span>
                </div>
            </Show>
            <dl class="facts">
                <dt>{t::PENDING}</dt>
                <dd data-testid="sync-pending">{move || engine.counts.get().pending}</dd>
                <dt>{t::LAST_SUCCESS}</dt>
                <dd data-testid="sync-last-success">
                    {move || status.get().last_success_ms.map_or_else(|| t::NEVER.to_string(), |ms| format::ago(now.get(), ms))}
                </dd>
                <dt>{t::NEXT_ATTEMPT}</dt>
                <dd>{move || status.get().next_attempt_ms.map(|ms| format::until(now.get(), ms)).unwrap_or_default()}</dd>
            </dl>
            <Show when=move || engine.upgrade_required.get()>
                <p class="message error" role="alert" data-testid="sync-upgrade-required">
                    {move || t::upgrade_required(engine.counts.get().pending)}
                </p>
            </Show>
            {move || status.get().last_error.map(|e| view! {
                <p class="message error" role="alert" data-testid="sync-last-error">{t::LAST_ERROR} "：" {e}</p>
            })}
            <RejectedList />
        </section>
    }
}

/// Records with refused changes: the member's name, the record's kind, the reason and the
/// fields, with the way to fix them (the 待发送 screen).
#[component]
fn RejectedList() -> impl IntoView {
    let ctx = use_app();
    let engine = use_sync();
    let rows = Loader::new(move || {
        engine.rejected.track();
        let store = ctx.store();
        async move {
            let rows = crate::services::delivery::rows(&store).await.unwrap_or_default();
            rows.into_iter()
                .filter(|r| r.state == shared::delivery::DeliveryState::Refused)
                .collect::<Vec<_>>()
        }
    });
    view! {
        <Show when=move || !engine.rejected.get().is_empty()>
            <div class="rejected" data-testid="sync-rejected">
                <h3>{t::REJECTED_TITLE}</h3>
                <p class="hint">{t::REJECTED_HINT}</p>
                <ul>
                    {move || rows.get().unwrap_or_default().into_iter().map(|r| {
                        let fields = (!r.fields.is_empty()).then(|| crate::i18n::outbox::fields(&r.fields));
                        view! {
                            <li data-testid="sync-rejected-item">
                                <a href=r.href.clone()><strong>{r.name.clone()}</strong> " · " {r.kind}</a>
                                " — " <span>{r.reasons.join("；")}</span>
                                {fields.map(|f| view! { <span class="hint">" " {f}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <a class="button" href=crate::logic::route::Route::Outbox.href() data-testid="sync-requeue">
                    {crate::i18n::outbox::TITLE}
                </a>
            </div>
        </Show>
    }
}
