//! 账号: create accounts with their role and branch scope, reset a password, disable or enable,
//! and hand a tablet a one-time sign-in code (QR + 8 characters).

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, SigninCode, UserSummary};

use super::{error_line, office_action};
use crate::browser::dialog::confirm;
use crate::browser::location;
use crate::components::loaded::Loaded;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n::office as t;
use crate::logic::campaign::typed::{branch_records, keyed};
use crate::logic::format;
use crate::services::office;
use crate::sync::http::Http;

#[component]
pub fn Accounts(http: Http) -> impl IntoView {
    let ctx = use_app();
    let http = StoredValue::new(http);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let users = Loader::new(move || {
        let http = http.get_value();
        async move { office::users(&http).await.map_err(|e| e.to_string()) }
    });
    let branches = Loader::new(move || async move {
        let records = ctx.store().list(EntityKind::Branch).await.unwrap_or_default();
        keyed(&branch_records(&records), false)
    });
    // The sign-in code shown, the account whose password is being reset.
    let code = RwSignal::new(None::<SigninCode>);
    let resetting = RwSignal::new(None::<String>);
    let new_password = RwSignal::new(String::new());
    let server = RwSignal::new(location::origin());

    let issue_code = office_action(
        error,
        move |username: &String| {
            let (http, username, server) =
                (http.get_value(), username.clone(), server.get_untracked());
            async move { office::signin_code(&http, &username, &server).await }
        },
        move |c| {
            notice.set(None);
            code.set(Some(c));
        },
    );
    let make_code = move |username: String| {
        issue_code.dispatch_local(username);
    };
    let disable = office_action(
        error,
        move |(username, disabled): &(String, bool)| {
            let (http, username, disabled) = (http.get_value(), username.clone(), *disabled);
            async move { office::set_disabled(&http, &username, disabled).await }
        },
        move |_| users.refetch(),
    );
    let set_disabled = move |username: String, disabled: bool| {
        disable.dispatch_local((username, disabled));
    };
    let revoke = office_action(
        error,
        move |username: &String| {
            let (http, username) = (http.get_value(), username.clone());
            async move { office::revoke_codes(&http, &username).await }
        },
        move |_| {
            code.set(None);
            notice.set(Some(t::SIGNIN_REVOKED.into()));
        },
    );
    let reset = office_action(
        error,
        move |(username, password): &(String, String)| {
            let (http, username, password) = (http.get_value(), username.clone(), password.clone());
            async move { office::reset_password(&http, &username, &password).await }
        },
        move |_| {
            resetting.set(None);
            new_password.set(String::new());
            notice.set(Some(t::PASSWORD_RESET.into()));
        },
    );

    view! {
        <div data-testid="office-accounts">
            <p class="hint">{t::ACCOUNTS_HINT}</p>
            {error_line(error, "accounts-error")}
            {move || notice.get().map(|n| view! { <p class="message info" role="status" data-testid="accounts-notice">{n}</p> })}
            {move || code.get().map(|c| view! { <SigninCodeCard code=c on_revoke=move |username: String| {
                revoke.dispatch_local(username);
            } /> })}
            <label class="field">
                <span class="label">{t::SIGNIN_SERVER}</span>
                <input type="url" data-testid="signin-server" prop:value=move || server.get()
                    on:input=move |ev| server.set(event_target_value(&ev)) />
            </label>
            <Loaded resource=users error_testid="accounts-load-error" let:list>{view! {
                    <div class="table-scroll"><table class="list" data-testid="accounts-table">
                        <thead><tr>
                            <th>{t::USERNAME}</th><th>{t::DISPLAY_NAME}</th><th>{t::ROLE}</th>
                            <th>{t::BRANCHES}</th><th>{t::STATE}</th><th>{t::ACTIONS}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|u| user_row(u, branches, make_code, set_disabled, resetting)).collect_view()}
                        </tbody>
                    </table></div>
                }}</Loaded>
            {move || resetting.get().map(|username| {
                let who = username.clone();
                view! {
                    <form class="inline-form" data-testid="account-reset-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        reset.dispatch_local((who.clone(), new_password.get_untracked()));
                    }>
                        <strong>{username}</strong>
                        <label class="field">
                            <span class="label">{t::NEW_PASSWORD}</span>
                            <input type="password" autocomplete="new-password" data-testid="account-reset-password"
                                prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev)) />
                        </label>
                        <button type="submit" class="button primary" data-testid="account-reset-submit" disabled=move || reset.pending().get()>{t::SAVE_PASSWORD}</button>
                    </form>
                }
            })}
            <NewAccount http=http.get_value() branches=branches on_created=move |u: UserSummary| {
                notice.set(Some(format!("{}{}", t::CREATED, u.account.username)));
                users.refetch();
            } />
        </div>
    }
}

fn user_row(
    u: UserSummary,
    branches: Loader<Vec<(String, shared::model::Branch)>>,
    make_code: impl Fn(String) + Copy + 'static,
    set_disabled: impl Fn(String, bool) + Copy + 'static,
    resetting: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = u.account.username.clone();
    let scope = u.account.branches.clone();
    let scope = move || {
        if scope.is_empty() {
            return t::ALL_BRANCHES.to_string();
        }
        let known = branches.get().unwrap_or_default();
        scope
            .iter()
            .map(|code| {
                known.iter().find(|(c, _)| c == code).map_or(code.clone(), |(_, b)| b.name.clone())
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
    let disabled = u.disabled;
    view! {
        <tr data-testid=format!("account-row-{name}") data-disabled=disabled.to_string()>
            <td>{name.clone()}</td>
            <td>{u.account.display_name.clone()}</td>
            <td>{u.account.role.localized()}</td>
            <td>{scope}</td>
            <td data-testid=format!("account-state-{name}")>{if disabled { t::DISABLED } else { t::ENABLED }}</td>
            <td class="actions">
                <button class="button secondary" data-testid=format!("account-code-{name}") disabled=disabled
                    on:click=move |_| make_code(n1.clone())>{t::SIGNIN_CODE}</button>
                <button class="button secondary" data-testid=format!("account-reset-{name}")
                    on:click=move |_| resetting.set(Some(n2.clone()))>{t::RESET_PASSWORD}</button>
                {if disabled {
                    view! { <button class="button secondary" data-testid=format!("account-enable-{name}")
                        on:click=move |_| set_disabled(n3.clone(), false)>{t::ENABLE}</button> }.into_any()
                } else {
                    view! { <button class="button danger" data-testid=format!("account-disable-{name}")
                        on:click=move |_| if confirm(&t::confirm_disable_account(&n3)) { set_disabled(n3.clone(), true) }>{t::DISABLE}</button> }.into_any()
                }}
            </td>
        </tr>
    }
}

/// The one-time code: its QR code (server address + code), the 8 characters, until when.
#[component]
fn SigninCodeCard(code: SigninCode, on_revoke: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let username = code.username.clone();
    let expires = format::timestamp(&code.expires_at);
    view! {
        <div class="signin-code card" data-testid="signin-code-card">
            <h3>{t::SIGNIN_CODE_FOR} {code.username.clone()}</h3>
            <img class="qr" data-testid="signin-code-qr" alt=code.link.clone() src=location::svg_data_url(&code.qr_svg) width="240" height="240" />
            <p class="code" data-testid="signin-code">{code.code.clone()}</p>
            <p class="hint">{t::SIGNIN_CODE_HINT}</p>
            <p><span>{t::SIGNIN_EXPIRES}</span> " " <span data-testid="signin-code-expires">{expires}</span></p>
            <p class="hint" data-testid="signin-code-link">{code.link.clone()}</p>
            <button class="button secondary no-print" data-testid="signin-code-print"
                on:click=move |_| crate::browser::dialog::print()>{t::PRINT}</button>
            <button class="button danger no-print" data-testid="signin-code-revoke"
                on:click=move |_| if confirm(&t::confirm_revoke_codes(&username)) { on_revoke(username.clone()) }>{t::SIGNIN_REVOKE}</button>
        </div>
    }
}

#[component]
fn NewAccount(
    http: Http,
    branches: Loader<Vec<(String, shared::model::Branch)>>,
    on_created: impl Fn(UserSummary) + Copy + 'static,
) -> impl IntoView {
    let http = StoredValue::new(http);
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Surveyor);
    let scope = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let create = office_action(
        error,
        move |request: &CreateUserRequest| {
            let (http, request) = (http.get_value(), request.clone());
            async move { office::create_user(&http, &request).await }
        },
        move |u| {
            username.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
            scope.set(Vec::new());
            on_created(u);
        },
    );
    let busy = move || create.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let request = CreateUserRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            display_name: display_name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            branches: if matches!(role.get_untracked(), Role::Surveyor | Role::BranchSecretary) {
                scope.get_untracked()
            } else {
                Vec::new()
            },
        };
        create.dispatch_local(request);
    };
    let scoped = move || matches!(role.get(), Role::Surveyor | Role::BranchSecretary);
    view! {
        <form class="new-account" data-testid="account-create-form" on:submit=submit>
            <h3>{t::NEW_ACCOUNT}</h3>
            <label class="field"><span class="label">{t::USERNAME}</span>
                <input type="text" autocomplete="off" data-testid="account-create-username" prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) /></label>
            <label class="field"><span class="label">{t::DISPLAY_NAME}</span>
                <input type="text" data-testid="account-create-name" prop:value=move || display_name.get()
                    on:input=move |ev| display_name.set(event_target_value(&ev)) /></label>
            <label class="field"><span class="label">{t::PASSWORD}</span>
                <input type="password" autocomplete="new-password" data-testid="account-create-password" prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) /></label>
            <label class="field"><span class="label">{t::ROLE}</span>
                <select data-testid="account-create-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r); }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{r.localized()}</option>
                    }).collect_view()}
                </select></label>
            <Show when=scoped>
                <fieldset class="field" data-testid="account-create-branches">
                    <legend class="label">{t::BRANCHES}</legend>
                    {move || branches.get().map(|list| if list.is_empty() {
                        view! { <p class="message warn" data-testid="account-no-branches">{t::NO_BRANCHES_YET}</p> }.into_any()
                    } else {
                        list.into_iter().map(|(code, b)| {
                            let c1 = code.clone();
                            let c2 = code.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" data-testid=format!("account-create-branch-{code}")
                                        prop:checked=move || scope.with(|s| s.contains(&c1))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            scope.update(|s| { s.retain(|x| x != &c2); if on { s.push(c2.clone()); } });
                                        } />
                                    {b.name}
                                </label>
                            }
                        }).collect_view().into_any()
                    })}
                </fieldset>
            </Show>
            <button type="submit" class="button primary" data-testid="account-create-submit" disabled=busy>{t::CREATE}</button>
            {error_line(error, "account-create-error")}
        </form>
    }
}
