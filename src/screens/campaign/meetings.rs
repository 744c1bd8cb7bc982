//! 宣传发动: each branch's mobilisation meeting (党员大会) and the branches without one yet.

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::model::Meeting;
use shared::record::EntityKind;
use shared::rules::branches_without_meeting;
use uuid::Uuid;

use super::put_action;
use crate::components::branch_picker::{PickerState, branch_picker};
use crate::components::fields::{Field, date, number, textarea};
use crate::components::notice::{Notice, notice_line, on_result};
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::format;
use crate::logic::forms::today;
use crate::services::campaign::CampaignData;

#[component]
pub fn Meetings() -> impl IntoView {
    // Which branches held no meeting is one town's (the county picks the town).
    super::town_screen(
        "meetings-town",
        |data, reload| view! { <MeetingsView data=data reload=reload /> },
    )
}

#[component]
fn MeetingsView(data: CampaignData, reload: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(Meeting { date: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    let save = put_action::<Meeting>();
    on_result(save, notice, move |_| reload.run(()));
    let submit = move |_| {
        let m = form.get_untracked();
        save.dispatch_local((Uuid::now_v7(), m.branch_id.clone(), m));
    };
    let since = NaiveDate::from_ymd_opt(data.campaign.start_year, 1, 1).unwrap_or(NaiveDate::MIN);
    let missing = branches_without_meeting(&data.branches, &data.meeting_list(), since, today());
    let can = super::use_session().may_write_any(EntityKind::Meeting);
    let mut meetings = data.meetings.clone();
    shared::order::sort_by_key(&mut meetings, |(_, x)| std::cmp::Reverse(x.date));
    let names = data.names.clone();
    view! {
        <section class="meetings">
            <h2>{tc::NAV_MEETINGS}</h2>
            {notice_line(notice)}
            <div class="message warn" data-testid="branches-without-meeting">
                {if missing.is_empty() { tc::ALL_MOBILISED.to_string() } else {
                    format!("{}{}", tc::WITHOUT_MEETING, missing.iter().map(|b| names.branch(b)).collect::<Vec<_>>().join("、"))
                }}
            </div>
            {can.then(|| view! {
            <fieldset class="section" data-testid="meeting-form">
                <legend>{tc::NEW_MEETING}</legend>
                {branch_picker(form, EntityKind::Meeting, tc::COL_BRANCH.get(), "meeting-branch", |m| m.branch_id.clone(), |m, v| m.branch_id = v, PickerState::open())}
                {date(form, Field::new(tc::DATE.get(), "meeting-date"), |m| m.date, |m, v| m.date = v)}
                {number(form, Field::new(tc::ATTENDED.get(), "meeting-attended"), |m| m.attended, |m, v| m.attended = v)}
                {number(form, Field::new(tc::EXPECTED.get(), "meeting-expected"), |m| m.expected, |m, v| m.expected = v)}
                {textarea(form, Field::new(tc::TOPICS.get(), "meeting-topics"), |m| m.topics.clone(), |m, v| m.topics = v)}
                <button type="button" class="button primary" data-testid="meeting-save" disabled=move || save.pending().get() on:click=submit>{t::SAVE}</button>
            </fieldset>
            })}
            <table class="list" data-testid="meeting-table">
                <thead><tr><th>{tc::DATE}</th><th>{tc::COL_BRANCH}</th><th>{tc::ATTENDANCE}</th><th>{tc::TOPICS}</th></tr></thead>
                <tbody>
                {meetings.into_iter().map(|(_, m)| view! {
                    <tr data-testid="meeting-row">
                        <td>{format::date_or_blank(m.date)}</td>
                        <td>{names.branch(&m.branch_id)}</td>
                        <td>{tc::attendance(m.attended, m.expected)}</td>
                        <td>{m.topics.clone()}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
