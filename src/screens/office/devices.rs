//! 设备: every device signed in, with its account, app version, last sync and the counts it
//! reported then (待同步, 被退回, 冲突, the oldest unsent change); a tablet that holds work which has
//! not arrived is marked. Revoke (and restore) a device.

use leptos::prelude::*;
use shared::sync::DeviceSummary;

use super::{error_line, office_action};
use crate::browser::dialog::confirm;
use crate::components::loaded::Loaded;
use crate::hooks::use_loader::Loader;
use crate::i18n::office as t;
use crate::logic::format;
use crate::services::office;
use crate::sync::http::Http;

#[component]
pub fn Devices(http: Http) -> impl IntoView {
    let http = StoredValue::new(http);
    let error = RwSignal::new(None::<String>);
    let devices = Loader::new(move || {
        let http = http.get_value();
        async move { office::devices(&http).await.map_err(|e| e.to_string()) }
    });
    let revoke = office_action(
        error,
        move |(id, revoked): &(i64, bool)| {
            let (http, id, revoked) = (http.get_value(), *id, *revoked);
            async move { office::set_device_revoked(&http, id, revoked).await }
        },
        move |_| devices.refetch(),
    );
    let set_revoked = move |id: i64, revoked: bool| {
        revoke.dispatch_local((id, revoked));
    };
    view! {
        <div data-testid="office-devices">
            <p class="hint">{t::DEVICES_HINT}</p>
            <button class="button secondary" data-testid="devices-refresh" on:click=move |_| devices.refetch()>{t::REFRESH}</button>
            {error_line(error, "devices-error")}
            <Loaded resource=devices error_testid="devices-load-error" let:list>{match list {
                list if list.is_empty() => view! { <p class="empty" data-testid="devices-empty">{t::NO_DEVICES}</p> }.into_any(),
                list => {
                    let unsent = list.iter().filter(|d| !d.revoked && office::holds_unsent(d)).count();
                    view! {
                        <p class=class_of(unsent) data-testid="devices-unsent-count" data-count=unsent.to_string()>
                            {t::devices_unsent(unsent)}
                        </p>
                        <div class="table-scroll"><table class="list" data-testid="devices-table">
                            <thead><tr>
                                <th>{t::DEVICE}</th><th>{t::ACCOUNT}</th><th>{t::APP_VERSION}</th><th>{t::LAST_SYNC}</th>
                                <th>{t::PENDING}</th><th>{t::REFUSED}</th><th>{t::CONFLICTS}</th><th>{t::OLDEST_UNSENT}</th><th>{t::ACTIONS}</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|d| device_row(d, set_revoked)).collect_view()}</tbody>
                        </table></div>
                    }.into_any()
                }
            }}</Loaded>
        </div>
    }
}

fn class_of(unsent: usize) -> &'static str {
    if unsent > 0 { "message warn" } else { "message info" }
}

fn device_row(d: DeviceSummary, set_revoked: impl Fn(i64, bool) + Copy + 'static) -> impl IntoView {
    let id = d.id;
    let unsent = office::holds_unsent(&d);
    // Asked before revoking: the device and its account, and what it still holds.
    let question = office::revoke_question(&d);
    let report = d.report.clone();
    let figure = move |f: fn(&shared::sync::DeviceReport) -> u32| {
        report.as_ref().map_or("—".to_owned(), |r| f(r).to_string())
    };
    let (pending, refused, conflicts) =
        (figure(|r| r.pending), figure(|r| r.refused), figure(|r| r.conflicts));
    let oldest = d
        .report
        .as_ref()
        .and_then(|r| r.oldest_unsent.as_deref())
        .map(format::timestamp)
        .unwrap_or_default();
    view! {
        <tr data-testid=format!("device-row-{id}") class:holds-unsent=unsent class:revoked=d.revoked
            data-username=d.username.clone() data-unsent=unsent.to_string()>
            <td>{d.device_name.clone()} {unsent.then(|| view! { <span class="badge refused" data-testid=format!("device-unsent-{id}")>{t::HOLDS_UNSENT}</span> })}</td>
            <td data-testid=format!("device-account-{id}")>{d.username.clone()}</td>
            <td data-testid=format!("device-version-{id}")>{d.report.as_ref().map(|r| r.app_version.clone()).unwrap_or_default()}</td>
            <td data-testid=format!("device-last-sync-{id}")>{d.reported_at.as_deref().map(format::timestamp).unwrap_or_else(|| t::NEVER_REPORTED.to_string())}</td>
            <td data-testid=format!("device-pending-{id}")>{pending}</td>
            <td data-testid=format!("device-refused-{id}")>{refused}</td>
            <td data-testid=format!("device-conflicts-{id}")>{conflicts}</td>
            <td data-testid=format!("device-oldest-{id}")>{oldest}</td>
            <td class="actions">
                {if d.revoked {
                    view! {
                        <span>{t::REVOKED}</span> " "
                        <button class="button secondary" data-testid=format!("device-restore-{id}") on:click=move |_| set_revoked(id, false)>{t::RESTORE}</button>
                    }.into_any()
                } else {
                    view! { <button class="button danger" data-testid=format!("device-revoke-{id}")
                        on:click=move |_| if confirm(&question) { set_revoked(id, true) }>{t::REVOKE}</button> }.into_any()
                }}
            </td>
        </tr>
    }
}
