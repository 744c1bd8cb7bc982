//! Sign-in to the office server (once, while online), "signed in as …", and sign-out.

use leptos::prelude::*;

use crate::i18n::sync as t;
use crate::sync::{session, use_sync};

/// The sign-in form when signed out; who is signed in and a sign-out button otherwise.
#[component]
pub fn LoginPanel() -> impl IntoView {
    let engine = use_sync();
    // How many changes saved before this sign-in the account took over (told once).
    let adopted = RwSignal::new(0usize);
    view! {
        {move || match engine.session.get() {
            Some(s) => {
                let who = s.signed_in_as();
                view! {
                    <div class="message info" data-testid="signed-in">
                        <span data-testid="signed-in-as">{t::signed_in_as(&who)}</span>
                        {move || (adopted.get() > 0).then(|| view! {
                            <p data-testid="adopted-notice">{crate::i18n::outbox::adopted(adopted.get())}</p>
                        })}
                        <button class="button secondary" data-testid="sign-out" on:click=move |_| {
                            leptos::task::spawn_local(async move {
                                if let Err(e) = engine.sign_out().await {
                                    engine.status.update(|s| s.last_error = Some(e.to_string()));
                                }
                            });
                        }>{t::SIGN_OUT}</button>
                    </div>
                }.into_any()
            }
            None => view! { <LoginForm adopted=adopted /> }.into_any(),
        }}
    }
}

#[component]
fn LoginForm(adopted: RwSignal<usize>) -> impl IntoView {
    let engine = use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let device_name = RwSignal::new(session::default_device_name(&engine.store()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = engine
                .login(
                    &username.get_untracked(),
                    &password.get_untracked(),
                    &device_name.get_untracked(),
                )
                .await;
            busy.set(false);
            match result {
                Ok(signed_in) => {
                    password.set(String::new());
                    adopted.set(signed_in.adopted);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <form class="login" data-testid="login-form" on:submit=submit>
            <h2>{t::LOGIN_TITLE}</h2>
            <p class="hint">{t::LOGIN_HINT}</p>
            <label class="field">
                <span class="label">{t::USERNAME}</span>
                <input type="text" autocomplete="username" data-testid="login-username"
                    prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span class="label">{t::PASSWORD}</span>
                <input type="password" autocomplete="current-password" data-testid="login-password"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span class="label">{t::DEVICE_NAME}</span>
                <input type="text" data-testid="login-device-name"
                    prop:value=move || device_name.get() on:input=move |ev| device_name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary" data-testid="login-submit" disabled=move || busy.get()>
                {move || if busy.get() { t::LOGGING_IN } else { t::LOGIN }}
            </button>
            {move || error.get().map(|e| view! { <p class="message error" role="alert" data-testid="login-error">{e}</p> })}
        </form>
    }
}
