//! 结对帮带: who is behind on the four contacts a year, and the log of contacts and expert
//! guidance sessions (date, way, content, help given), optionally for one candidate.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{ContactKind, ContactLog};
use shared::record::EntityKind;
use uuid::Uuid;

use crate::browser::dialog::confirm;
use crate::components::fields::{Field, date, id_select, select, text, textarea, year_select};
use crate::components::notice::{Notice, notice_line, on_result};
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::contacts::{contact_rows, logs_of, status_text};
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::format;
use crate::logic::forms::{today, year_options};
use crate::services::campaign::{self, CampaignData};

#[component]
pub fn Contacts(candidate: Option<Uuid>) -> impl IntoView {
    let render = move |data: CampaignData, reload: Callback<()>| view! { <ContactsView data=data candidate=candidate reload=reload /> };
    match candidate {
        // Who is behind is listed per town (the county picks the town).
        None => super::town_screen("contacts-town", render),
        // One candidate's log, with their town's years (the county's from the server).
        Some(id) => super::candidate_screen(id, render),
    }
}

#[component]
fn ContactsView(
    data: CampaignData,
    candidate: Option<Uuid>,
    reload: Callback<()>,
) -> impl IntoView {
    let today = today();
    let year = RwSignal::new(today.year());
    let years = year_options(&data.campaign, today.year());
    let notice = RwSignal::new(None::<Notice>);
    let contact_person = candidate
        .and_then(|id| data.candidates.iter().find(|(c, _)| *c == id))
        .map(|(_, c)| c.contact_person.clone())
        .unwrap_or_default();
    let form = RwSignal::new(ContactLog {
        candidate_id: candidate.unwrap_or_default(),
        date: Some(today),
        contact_person,
        ..Default::default()
    });
    let options: Vec<(Uuid, String)> = data
        .candidates
        .iter()
        .filter(|(_, c)| c.is_active())
        .map(|(id, c)| (*id, format!("{}（{}）", data.names.person(&c.person_id), c.year)))
        .collect();
    let save = super::write_action(move |store, session, log: ContactLog| async move {
        campaign::log_contact(&store, &session, &log, today).await
    });
    on_result(save, notice, move |_| reload.run(()));
    let submit = move |_| {
        save.dispatch_local(form.get_untracked());
    };
    let all_logs = data.contact_logs();
    let rows_data = data.clone();
    let own_logs = candidate.map(|id| logs_of(&data.contacts, id)).unwrap_or_default();
    let heading = candidate.map(|id| data.names.candidate(&id));
    let session = super::use_session();
    let can = match candidate.and_then(|id| data.candidates.iter().find(|(c, _)| *c == id)) {
        Some((_, c)) => session.may_write(EntityKind::ContactLog, &c.branch_id),
        None => session.may_write_any(EntityKind::ContactLog),
    };
    view! {
        <section class="contacts">
            <h2>{tc::CONTACTS}{heading.map(|h| format!(" · {h}"))}</h2>
            {notice_line(notice)}
            {can.then(|| view! {
            <fieldset class="section" data-testid="contact-form">
                <legend>{tc::LOG_CONTACT}</legend>
                {id_select(form, Field::new(tc::CANDIDATE.get(), "contact-candidate"), options, |l| l.candidate_id, |l, v| l.candidate_id = v)}
                {select(form, Field::new(tc::CONTACT_KIND.get(), "contact-kind"), |l| Some(l.kind), |l, v| l.kind = v.unwrap_or_default())}
                {date(form, Field::new(tc::DATE.get(), "contact-date"), |l| l.date, |l, v| l.date = v)}
                {select(form, Field::new(tc::WAY.get(), "contact-way"), |l| l.way, |l, v| l.way = v)}
                {text(form, Field::new(tc::CONTACT_BY.get(), "contact-person"), |l| l.contact_person.clone(), |l, v| l.contact_person = v)}
                {textarea(form, Field::new(tc::CONTENT.get(), "contact-content"), |l| l.content.clone(), |l, v| l.content = v)}
                {textarea(form, Field::new(tc::HELP_GIVEN.get(), "contact-help"), |l| l.help_given.clone(), |l, v| l.help_given = v)}
                <button type="button" class="button primary" data-testid="contact-save" disabled=move || save.pending().get() on:click=submit>{t::SAVE}</button>
            </fieldset>
            })}
            {(!own_logs.is_empty()).then(|| view! { <LogList logs=own_logs reload=reload notice=notice can_delete=can /> })}
            <div class="form-head">
                <h3>{tc::CONTACT_STATUS}</h3>
                {year_select(year, years, "contact-year")}
            </div>
            {move || {
                let rows = contact_rows(&rows_data.candidates, &all_logs, &rows_data.names, year.get(), today);
                view! {
                    <table class="list" data-testid="contact-table">
                        <thead><tr><th>{t::COL_NAME}</th><th>{tc::CONTACT_PERSON}</th><th>{tc::CONTACTS}</th><th>{tc::GUIDANCE}</th><th></th></tr></thead>
                        <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr data-testid="contact-row" data-id=r.candidate_id.to_string() class:behind=r.status.behind>
                                <td><a class="row-link" href=CampaignRoute::Contacts(Some(r.candidate_id)).href()>{r.name.clone()}</a></td>
                                <td>{r.contact_person.clone()}</td>
                                <td>{status_text(&r.status)}</td>
                                <td>{r.guidance}</td>
                                <td>{r.status.behind.then(|| view! { <span class="badge behind" data-testid="contact-behind">{tc::BEHIND}</span> })}</td>
                            </tr>
                        }).collect_view()}
                        </tbody>
                    </table>
                }
            }}
        </section>
    }
}

/// One candidate's contacts, newest first; a wrongly entered one can be deleted (after asking).
#[component]
fn LogList(
    logs: Vec<(Uuid, ContactLog)>,
    reload: Callback<()>,
    notice: RwSignal<Option<Notice>>,
    can_delete: bool,
) -> impl IntoView {
    let remove = super::remove_action::<ContactLog>();
    on_result(remove, notice, move |()| reload.run(()));
    view! {
        <table class="list" data-testid="contact-log">
            <thead><tr><th>{tc::DATE}</th><th>{tc::CONTACT_KIND}</th><th>{tc::WAY}</th><th>{tc::CONTACT_BY}</th><th>{tc::CONTENT}</th><th>{tc::HELP_GIVEN}</th><th></th></tr></thead>
            <tbody>
            {logs.into_iter().map(|(id, l)| {
                let delete = move |_| {
                    if confirm(tc::CONFIRM_DELETE.get()) {
                        remove.dispatch_local(id);
                    }
                };
                view! {
                    <tr data-testid="contact-log-row">
                        <td>{format::date_or_blank(l.date)}</td>
                        <td>{if l.kind == ContactKind::Pairing { ContactKind::Pairing.localized() } else { ContactKind::ExpertGuidance.localized() }}</td>
                        <td>{l.way.map(|w| w.localized()).unwrap_or("")}</td>
                        <td>{l.contact_person.clone()}</td>
                        <td>{l.content.clone()}</td>
                        <td>{l.help_given.clone()}</td>
                        <td>{can_delete.then(|| view! { <button type="button" class="link" data-testid="contact-delete" disabled=move || remove.pending().get() on:click=delete>{tc::DELETE}</button> })}</td>
                    </tr>
                }
            }).collect_view()}
            </tbody>
        </table>
    }
}
