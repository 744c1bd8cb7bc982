//! Sign-in to the office server (once, while online), "signed in as …", and sign-out.

use leptos::prelude::*;

use crate::components::notice::on_outcome;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::office as to;
use crate::i18n::sync as t;
use crate::sync::{session, use_sync};

/// The sign-in form when signed out; who is signed in and a sign-out button otherwise.
#[component]
pub fn LoginPanel() -> impl IntoView {
    let engine = use_sync();
    // How many changes saved before this sign-in the account took over (told once).
    let adopted = RwSignal::new(0usize);
    let sign_out = LocalAction::new(move |_: &()| async move { engine.sign_out().await });
    on_outcome(
        sign_out,
        |()| {},
        move |e| {
            engine.status.update(|s| s.last_error = Some(e.to_string()));
        },
    );
    view! {
        {move || match engine.credentials.get() {
            Some(s) => {
                let who = s.signed_in_as();
                view! {
                    <div class="message info" data-testid="signed-in">
                        <span data-testid="signed-in-as">{t::signed_in_as(&who)}</span>
                        {move || (adopted.get() > 0).then(|| view! {
                            <p data-testid="adopted-notice">{crate::i18n::outbox::adopted(adopted.get())}</p>
                        })}
                        <button class="button secondary" data-testid="sign-out"
                            disabled=move || sign_out.pending().get()
                            on:click=move |_| { sign_out.dispatch_local(()); }>{t::SIGN_OUT}</button>
                    </div>
                }.into_any()
            }
            None => view! { <LoginForm adopted=adopted /> <CodeLoginForm adopted=adopted /> }.into_any(),
        }}
    }
}

#[component]
fn LoginForm(adopted: RwSignal<usize>) -> impl IntoView {
    let engine = use_sync();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let device_name = RwSignal::new(session::default_device_name(&engine.store()));
    let error = RwSignal::new(None::<String>);
    let login = LocalAction::new(move |_: &()| {
        let (user, pass, device) =
            (username.get_untracked(), password.get_untracked(), device_name.get_untracked());
        async move {
            let signed_in = engine.login(&user, &pass, &device).await;
            // Told by the panel, which stays: this form goes as soon as the sign-in is kept.
            if let Ok(s) = &signed_in {
                adopted.try_set(s.adopted);
            }
            signed_in
        }
    });
    on_outcome(
        login,
        move |_| password.set(String::new()),
        move |e| error.set(Some(e.to_string())),
    );
    let busy = move || login.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if login.pending().get_untracked() {
            return;
        }
        error.set(None);
        login.dispatch_local(());
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
            <button type="submit" class="button primary" data-testid="login-submit" disabled=busy>
                {move || (if busy() { t::LOGGING_IN } else { t::LOGIN }).get()}
            </button>
            {move || error.get().map(|e| view! { <p class="message error" role="alert" data-testid="login-error">{e}</p> })}
        </form>
    }
}

/// 用登录码登录: the one-time code from the town office, typed, or read from its QR code with
/// the camera where the browser can (`browser::barcode`); no password.
#[component]
fn CodeLoginForm(adopted: RwSignal<usize>) -> impl IntoView {
    let engine = use_sync();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let scanning = RwSignal::new(false);
    let cancel = StoredValue::new_local(std::rc::Rc::new(std::cell::Cell::new(false)));
    let video = NodeRef::<leptos::html::Video>::new();
    let login = LocalAction::new(move |typed: &String| {
        let code = session::code_of_link(typed);
        async move {
            let device_name = session::default_device_name(&engine.store());
            let signed_in = engine.login_with_code(&code, &device_name).await;
            // Told by the panel, which stays: this form goes as soon as the sign-in is kept.
            if let Ok(s) = &signed_in {
                adopted.try_set(s.adopted);
            }
            signed_in
        }
    });
    on_outcome(login, |_| {}, move |e| error.set(Some(e.to_string())));
    let busy = move || login.pending().get();
    let sign_in = move |typed: String| {
        if login.pending().get_untracked() {
            return;
        }
        error.set(None);
        login.dispatch_local(typed);
    };
    let scan = move |_| {
        let Some(element) = video.get_untracked() else { return };
        let flag = std::rc::Rc::new(std::cell::Cell::new(false));
        cancel.set_value(flag.clone());
        scanning.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let read = crate::browser::barcode::scan(&element, flag).await;
            scanning.set(false);
            match read {
                Ok(text) => {
                    code.set(session::code_of_link(&text));
                    sign_in(text);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let can_scan = crate::browser::barcode::available();
    view! {
        <form class="login code-login" data-testid="code-login-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            sign_in(code.get_untracked());
        }>
            <h2>{to::CODE_LOGIN_TITLE}</h2>
            <p class="hint">{to::CODE_LOGIN_HINT}</p>
            {can_scan.then(|| view! {
                <button type="button" class="button" data-testid="code-login-scan" disabled=move || scanning.get() || busy()
                    on:click=scan>{to::SCAN}</button>
            })}
            <div class="scanner" prop:hidden=move || !scanning.get()>
                <video node_ref=video data-testid="code-login-video" muted=true playsinline=true></video>
                <p class="hint">{to::SCANNING}</p>
                <button type="button" class="button secondary" data-testid="code-login-scan-cancel"
                    on:click=move |_| cancel.with_value(|c| c.set(true))>{to::CANCEL_SCAN}</button>
            </div>
            <label class="field">
                <span class="label">{to::CODE}</span>
                <input type="text" autocomplete="one-time-code" autocapitalize="characters" maxlength="12"
                    data-testid="code-login-code" prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary" data-testid="code-login-submit" disabled=busy>
                {move || (if busy() { to::SIGNING_IN } else { to::CODE_LOGIN }).get()}
            </button>
            {move || error.get().map(|e| view! { <p class="message error" role="alert" data-testid="code-login-error">{e}</p> })}
        </form>
    }
}

/// `#/signin/<code>`: the link in the office's QR code, opened by the tablet's camera app;
/// signs in with the code once (nothing to type) and says how it went.
#[component]
pub fn SigninWithCode(code: String) -> impl IntoView {
    let engine = use_sync();
    let result = Loader::new(move || {
        let code = code.clone();
        async move {
            if let Some(s) = engine.credentials.get_untracked() {
                return Ok(s.signed_in_as());
            }
            let device_name = session::default_device_name(&engine.store());
            engine
                .login_with_code(&code, &device_name)
                .await
                .map(|s| s.credentials.signed_in_as())
                .map_err(|e| e.to_string())
        }
    });
    view! {
        <section class="signin" data-testid="code-signin-screen">
            <h2>{to::CODE_LOGIN_TITLE}</h2>
            {move || match result.get() {
                None => view! { <p class="loading">{to::SIGNING_IN}</p> }.into_any(),
                Some(Ok(who)) => view! {
                    <p class="message info" data-testid="code-signin-done">{to::SIGNED_IN_WITH_CODE} " " {t::signed_in_as(&who)}</p>
                    <a class="button primary" href="#/people" data-testid="code-signin-continue">{to::TO_PEOPLE}</a>
                }.into_any(),
                Some(Err(e)) => view! {
                    <p class="message error" role="alert" data-testid="code-signin-error">{e}</p>
                    <a class="button" href="#/sync">{t::LOGIN}</a>
                }.into_any(),
            }}
        </section>
    }
}
