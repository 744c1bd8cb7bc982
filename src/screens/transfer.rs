//! Export pending changes (or everything) to one file, and import a file from another tablet.

use leptos::prelude::*;
use leptos::reactive::owner::LocalStorage;
use shared::export::{self, Header, Scope};
use shared::roles::Role;

use crate::browser::files;
use crate::components::notice::on_outcome;
use crate::components::screen_head::ScreenHead;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::branches as tb;
use crate::i18n::sync as t;
use crate::logic::format;
use crate::sync::transfer::{self, ImportStep};
use crate::sync::use_sync;

/// The title and hint, drawn by the main module too while this screen's module loads.
const HEAD: ScreenHead = ScreenHead::TRANSFER;

#[component]
pub fn TransferScreen() -> impl IntoView {
    let engine = use_sync();
    // A county viewer reads: exporting is reading, importing would write into this device.
    let read_only = move || {
        engine
            .credentials
            .with(|s| s.as_ref().is_some_and(|s| s.account.role == Role::CountyViewer))
    };
    view! {
        <section class=HEAD.class data-testid="transfer-screen">
            {HEAD.view(false)}
            <ExportPanel />
            {move || if read_only() {
                view! { <p class="message warn" data-testid="import-read-only">{tb::IMPORT_READ_ONLY}</p> }.into_any()
            } else {
                view! { <ImportPanel /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn ExportPanel() -> impl IntoView {
    let engine = use_sync();
    let scope = RwSignal::new(Scope::Pending);
    let passphrase = RwSignal::new(String::new());
    let export = LocalAction::new(move |_: &()| {
        let (store, scope, pass) =
            (engine.store(), scope.get_untracked(), passphrase.get_untracked());
        async move {
            // Let the "正在生成" message paint before the (blocking) key derivation starts.
            gloo_timers::future::TimeoutFuture::new(30).await;
            let exported = async {
                let (text, contents) =
                    transfer::export_text(&store, scope, Some(pass.as_str())).await?;
                let name = transfer::file_name(store.device_id(), scope, chrono::Utc::now());
                transfer::download(&name, &text)?;
                Ok::<_, transfer::TransferError>(t::exported(
                    contents.operations.len(),
                    contents.attachments.len(),
                    &name,
                ))
            };
            let exported = exported.await.map_err(|e| {
                log::warn!("export: {e:?}");
                e.to_string()
            });
            // The export just read what waits to be sent: the top bar's count is read again
            // with it. After the database could not be read (a full disk) this is the first
            // moment the count can be true again. (Asking the database again every few seconds
            // while the disk was full saw Chromium discard it far more often: docs/RELIABILITY.md.)
            if exported.is_ok() {
                engine.refresh_pending().await;
            }
            exported
        }
    });
    let busy = move || export.pending().get();
    let result = move || if busy() { None } else { export.value().get() };
    view! {
        <div class="panel">
            <h3>{t::EXPORT_TITLE}</h3>
            <label class="field check">
                <input type="radio" name="export-scope" data-testid="export-scope-pending"
                    prop:checked=move || scope.get() == Scope::Pending on:change=move |_| scope.set(Scope::Pending) />
                {t::EXPORT_PENDING}
            </label>
            <label class="field check">
                <input type="radio" name="export-scope" data-testid="export-scope-all"
                    prop:checked=move || scope.get() == Scope::All on:change=move |_| scope.set(Scope::All) />
                {t::EXPORT_ALL}
            </label>
            <label class="field">
                <span class="label">{t::PASSPHRASE_OPTIONAL}</span>
                <input type="password" autocomplete="new-password" data-testid="export-passphrase"
                    prop:value=move || passphrase.get() on:input=move |ev| passphrase.set(event_target_value(&ev)) />
            </label>
            <button class="button primary" data-testid="export-button" disabled=busy
                on:click=move |_| { if !export.pending().get_untracked() { export.dispatch_local(()); } }>
                {t::EXPORT_BUTTON}
            </button>
            <Show when=busy><p class="message info" data-testid="export-progress">{t::EXPORTING}</p></Show>
            {move || result().map(|r| match r {
                Ok(text) => view! { <p class="message info" data-testid="export-result">{text}</p> }.into_any(),
                Err(e) => view! { <p class="message error" role="alert" data-testid="export-error">{e}</p> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn ImportPanel() -> impl IntoView {
    let engine = use_sync();
    let bytes = StoredValue::<Option<Vec<u8>>, LocalStorage>::new_local(None);
    let header = RwSignal::new(None::<Header>);
    let passphrase = RwSignal::new(String::new());
    let step = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<Result<String, String>>);

    // Reading the picked file (bounded as the server bounds it) and its header.
    let pick = LocalAction::new(move |ev: &leptos::ev::Event| {
        let ev = ev.clone();
        async move {
            let (_, data) = files::picked_by(&ev, export::MAX_FILE_BYTES as u64)
                .await
                .map_err(|e| e.to_string())?;
            let header = transfer::inspect(&data).map_err(|e| e.to_string());
            bytes.set_value(Some(data));
            header
        }
    });
    on_outcome(pick, move |h| header.set(Some(h)), move |e: String| result.set(Some(Err(e))));
    let choose = move |ev: leptos::ev::Event| {
        header.set(None);
        result.set(None);
        bytes.set_value(None);
        pick.dispatch_local(ev);
    };

    let importing = LocalAction::new(move |data: &Vec<u8>| {
        let (store, data, pass) = (engine.store(), data.clone(), passphrase.get_untracked());
        async move {
            gloo_timers::future::TimeoutFuture::new(30).await;
            let progress = move |s: ImportStep| step.set(Some(s.label_zh()));
            transfer::import_bytes(&store, &data, Some(pass.as_str()), &progress).await.map_err(
                |e| {
                    log::warn!("import: {e:?}");
                    e.to_string()
                },
            )
        }
    });
    on_outcome(
        importing,
        move |o| {
            step.set(None);
            if o.changed_records > 0 {
                engine.data_version.update(|v| *v += 1);
            }
            result.set(Some(Ok(o.summary_zh())));
        },
        move |e| {
            step.set(None);
            result.set(Some(Err(e)));
        },
    );
    let import = move |_| {
        let Some(data) = bytes.get_value() else { return };
        if step.get_untracked().is_some() {
            return;
        }
        result.set(None);
        step.set(Some(ImportStep::Verifying.label_zh()));
        importing.dispatch_local(data);
    };

    view! {
        <div class="panel">
            <h3>{t::IMPORT_TITLE}</h3>
            <label class="field">
                <span class="label">{t::CHOOSE_FILE}</span>
                <input type="file" accept=".json,application/json" data-testid="import-file" on:change=choose />
            </label>
            {move || header.get().map(|h| {
                let scope = match h.scope { Scope::Pending => t::SCOPE_PENDING, Scope::All => t::SCOPE_ALL };
                let encrypted = h.encryption.is_some();
                view! {
                    <p class="message info" data-testid="import-header">
                        {t::header_summary(h.counts.operations, h.counts.attachments, &h.author, &format::timestamp(&h.created_at))}
                        "（" {scope} "）"
                    </p>
                    <Show when=move || encrypted>
                        <p class="hint">{t::ENCRYPTED}</p>
                        <label class="field">
                            <span class="label">{t::PASSPHRASE}</span>
                            <input type="password" data-testid="import-passphrase"
                                prop:value=move || passphrase.get() on:input=move |ev| passphrase.set(event_target_value(&ev)) />
                        </label>
                    </Show>
                    <button class="button primary" data-testid="import-button" disabled=move || step.get().is_some() on:click=import>
                        {t::IMPORT_BUTTON}
                    </button>
                }
            })}
            {move || step.get().map(|s| view! { <p class="message info" data-testid="import-progress"><progress /> {s}</p> })}
            {move || result.get().map(|r| match r {
                Ok(text) => view! { <p class="message info" data-testid="import-result">{text}</p> }.into_any(),
                Err(e) => view! { <p class="message error" role="alert" data-testid="import-error">{e}</p> }.into_any(),
            })}
        </div>
    }
}
