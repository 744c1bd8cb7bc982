//! Storage and settings: space used and available, persistence, device id, current surveyor.

use leptos::prelude::*;

use crate::browser::storage::{self, format_bytes};
use crate::browser::{language, text_size};
use crate::components::notice::on_outcome;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n as t;

#[component]
pub fn Settings() -> impl IntoView {
    let ctx = use_app();
    let estimate = Loader::new(move || async move {
        (storage::estimate().await.ok().flatten(), storage::is_persisted().await)
    });
    let conflicts =
        Loader::new(
            move || async move { ctx.store().conflicts().await.map(|c| c.len()).unwrap_or(0) },
        );
    let author = RwSignal::new(ctx.store().author());
    let saved = RwSignal::new(false);
    let set_author = LocalAction::new(move |name: &String| {
        let (store, name) = (ctx.store(), name.trim().to_owned());
        async move { store.set_author(&name).await }
    });
    on_outcome(
        set_author,
        move |()| saved.set(true),
        move |e| ctx.message.set(Some(e.to_string())),
    );
    let save_author = move |_| {
        set_author.dispatch_local(author.get_untracked());
    };
    let persist = LocalAction::new(|_: &()| storage::request_persist());
    // Granted or not, the estimate says what the browser decided.
    Effect::new(move |_| {
        if persist.value().get().is_some() {
            estimate.refetch();
        }
    });
    let ask = move |_| {
        persist.dispatch_local(());
    };
    // A new language applies by reloading: every text is read once, when the app starts.
    let current = t::current();
    let choose_language = move |ev| {
        if let Some(lang) = t::Lang::from_tag(&event_target_value(&ev))
            && lang != current
        {
            language::store(lang);
            language::reload();
        }
    };
    view! {
        <section class="settings">
            <label class="field">
                <span class="label">{t::LANGUAGE}</span>
                <select data-testid="settings-language" on:change=choose_language>
                    {t::Lang::ALL.into_iter().map(|lang| view! {
                        <option value=lang.tag() lang=lang.tag() selected=lang == current>{lang.own_name()}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="hint" data-testid="settings-language-hint">{t::LANGUAGE_RELOADS}</p>
            <label class="field check">
                <input type="checkbox" role="switch" data-testid="settings-large-text"
                    aria-describedby="settings-large-text-hint" prop:checked=text_size::stored()
                    on:change=move |ev| text_size::choose(event_target_checked(&ev)) />
                <span>{t::LARGE_TEXT}</span>
            </label>
            <p class="hint" id="settings-large-text-hint">{t::LARGE_TEXT_HINT}</p>
            <h2>{t::STORAGE}</h2>
            {move || estimate.get().map(|(est, persisted)| view! {
                {match est {
                    Some(e) => view! {
                        <dl class="facts" data-testid="storage-estimate">
                            <dt>{t::STORAGE_USED}</dt><dd data-testid="storage-used">{format_bytes(e.used)}</dd>
                            <dt>{t::STORAGE_AVAILABLE}</dt><dd data-testid="storage-available">{format_bytes(e.available())}</dd>
                        </dl>
                    }.into_any(),
                    None => view! { <p>{t::STORAGE_UNKNOWN}</p> }.into_any(),
                }}
                {if persisted {
                    view! { <p class="message info" data-testid="storage-persisted">{t::STORAGE_PERSISTED}</p> }.into_any()
                } else {
                    view! {
                        <p class="message warn">{t::STORAGE_NOT_PERSISTED}</p>
                        <button class="button" data-testid="storage-persist" disabled=move || persist.pending().get() on:click=ask>{t::STORAGE_ASK_PERSIST}</button>
                    }.into_any()
                }}
            })}
            <dl class="facts">
                <dt>{t::OUTBOX_COUNT}</dt><dd data-testid="settings-pending">{move || ctx.counts.get().pending}</dd>
                <dt>{t::CONFLICTS}</dt><dd>{move || conflicts.get().unwrap_or(0)}</dd>
                <dt>{t::DEVICE_ID}</dt><dd data-testid="device-id">{ctx.store().device_id().to_string()}</dd>
            </dl>
            <label class="field">
                <span class="label">{t::AUTHOR_NAME}</span>
                <input type="text" data-testid="settings-author" prop:value=move || author.get()
                    on:input=move |ev| { saved.set(false); author.set(event_target_value(&ev)); } />
            </label>
            <button class="button primary" data-testid="settings-author-save" disabled=move || set_author.pending().get() on:click=save_author>{t::SAVE}</button>
            <Show when=move || saved.get()><span class="saved">{t::SAVED}</span></Show>
        </section>
    }
}
