//! 督查: inspections of the branches about every two months, announced or unannounced, with
//! findings, the fixes required and the date each was fixed; branches overdue are flagged.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::{Fix, Inspection};
use shared::record::EntityKind;
use shared::rules::{INSPECTION_INTERVAL_DAYS, inspection_status};
use uuid::Uuid;

use super::{edit_action, put_action};
use crate::components::branch_picker::branch_picker;
use crate::components::fields::{Field, date, select, text, textarea};
use crate::components::notice::{Notice, notice_line, on_result};
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::format;
use crate::logic::forms::{date_value, parse_date, today};
use crate::services::campaign::{CampaignData, Edit};

#[component]
pub fn Inspections() -> impl IntoView {
    // The branches' inspection status is one town's (the county picks the town).
    super::town_screen(
        "inspections-town",
        |data, reload| view! { <InspectionsView data=data reload=reload /> },
    )
}

#[component]
fn InspectionsView(data: CampaignData, reload: Callback<()>) -> impl IntoView {
    let form = RwSignal::new(Inspection { date: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    // A new inspection is saved whole; a fix marked done writes only that fix's change over
    // the stored inspection.
    let save = put_action::<Inspection>();
    on_result(save, notice, move |_| reload.run(()));
    let edit = edit_action::<Inspection>();
    on_result(edit, notice, move |_| reload.run(()));
    let submit = move |_| {
        let i = form.get_untracked();
        save.dispatch_local((Uuid::now_v7(), i.branch_id.clone(), i));
    };
    let session = super::use_session();
    let can = session.may_write_any(EntityKind::Inspection);
    let status = inspection_status(&data.branches, &data.inspection_list(), today());
    let mut inspections = data.inspections.clone();
    shared::order::sort_by_key(&mut inspections, |(_, x)| std::cmp::Reverse(x.date));
    let names = data.names.clone();
    view! {
        <section class="inspections">
            <h2>{tc::NAV_INSPECTIONS}</h2>
            {notice_line(notice)}
            <p class="hint">{tc::inspection_rule(INSPECTION_INTERVAL_DAYS)}</p>
            <table class="list" data-testid="inspection-status">
                <thead><tr><th>{tc::COL_BRANCH}</th><th>{tc::LAST_INSPECTED}</th><th>{tc::DAYS_SINCE}</th><th>{tc::OPEN_FIXES}</th><th></th></tr></thead>
                <tbody>
                {status.into_iter().map(|s| view! {
                    <tr data-testid="inspection-status-row" class:behind=s.overdue>
                        <td>{s.branch_name.clone()}</td>
                        <td>{s.last_inspected.map(format::date).unwrap_or_else(|| tc::NEVER.to_string())}</td>
                        <td>{s.days_since.map(|d| d.to_string()).unwrap_or_default()}</td>
                        <td>{s.open_fixes}</td>
                        <td>{s.overdue.then(|| view! { <span class="badge behind" data-testid="inspection-overdue">{tc::OVERDUE}</span> })}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
            {can.then(|| view! {
            <fieldset class="section" data-testid="inspection-form">
                <legend>{tc::NEW_INSPECTION}</legend>
                {branch_picker(form, EntityKind::Inspection, tc::COL_BRANCH.get(), "inspection-branch", |i| i.branch_id.clone(), |i, v| i.branch_id = v, crate::components::branch_picker::PickerState::open())}
                {date(form, Field::new(tc::DATE.get(), "inspection-date"), |i| i.date, |i, v| i.date = v)}
                {select(form, Field::new(tc::INSPECTION_KIND.get(), "inspection-kind"), |i| i.kind, |i, v| i.kind = v)}
                {text(form, Field::new(tc::INSPECTORS.get(), "inspection-inspectors"), |i| i.inspectors.clone(), |i, v| i.inspectors = v)}
                {textarea(form, Field::new(tc::FINDINGS.get(), "inspection-findings"), |i| i.findings.clone(), |i, v| i.findings = v)}
                <div class="field wide" data-testid="inspection-fixes">
                    <span class="label">{tc::FIXES}</span>
                    {move || (0..form.with(|i| i.fixes.len())).map(|k| view! {
                        <div class="fix-row">
                            <input type="text" data-testid="fix-item" placeholder=tc::FIX_ITEM
                                prop:value=move || form.with(|i| i.fixes.get(k).map(|f| f.item.clone()).unwrap_or_default())
                                on:input=move |ev| { let v = event_target_value(&ev); form.update(|i| if let Some(f) = i.fixes.get_mut(k) { f.item = v; }); } />
                            <label>{tc::FIX_DUE}
                                <input type="date" data-testid="fix-due"
                                    prop:value=move || form.with(|i| date_value(i.fixes.get(k).and_then(|f| f.due)))
                                    on:change=move |ev| { let v = parse_date(&event_target_value(&ev)); form.update(|i| if let Some(f) = i.fixes.get_mut(k) { f.due = v; }); } />
                            </label>
                            <button type="button" class="link" on:click=move |_| form.update(|i| { if k < i.fixes.len() { i.fixes.remove(k); } })>{tc::DELETE}</button>
                        </div>
                    }).collect_view()}
                    <button type="button" class="button" data-testid="fix-add" on:click=move |_| form.update(|i| i.fixes.push(Fix::default()))>{tc::ADD_FIX}</button>
                </div>
                <button type="button" class="button primary" data-testid="inspection-save" disabled=move || save.pending().get() on:click=submit>{t::SAVE}</button>
            </fieldset>
            })}
            <h3>{tc::INSPECTION_RECORDS}</h3>
            {inspections.into_iter().map(|(id, i)| {
                let fixes = i.fixes.clone();
                let record = StoredValue::new(i.clone());
                let editable = session.may_write(EntityKind::Inspection, &i.branch_id);
                view! {
                    <article class="section" data-testid="inspection-item">
                        <strong class="wide">{format!("{} · {} · {}", format::date_or_blank(i.date), names.branch(&i.branch_id), i.kind.map(|k| k.localized()).unwrap_or(""))}</strong>
                        <span class="wide">{tc::INSPECTORS}"："{i.inspectors.clone()}</span>
                        <p class="wide pre">{i.findings.clone()}</p>
                        <table class="list wide">
                            <thead><tr><th>{tc::FIX_ITEM}</th><th>{tc::FIX_DUE}</th><th>{tc::FIXED_ON}</th></tr></thead>
                            <tbody>
                            {fixes.into_iter().enumerate().map(|(k, f)| view! {
                                <tr data-testid="fix-row" class:behind=f.fixed_on.is_none() && f.due.is_some_and(|d| d < today())>
                                    <td>{f.item.clone()}</td>
                                    <td>{format::date_or_blank(f.due)}</td>
                                    <td>{if editable {
                                        view! { <input type="date" data-testid="fix-fixed-on" aria-label=tc::FIXED_ON prop:value=date_value(f.fixed_on)
                                        on:change=move |ev| {
                                            let v = parse_date(&event_target_value(&ev));
                                            let before = record.get_value();
                                            let mut after = before.clone();
                                            if let Some(f) = after.fixes.get_mut(k) { f.fixed_on = v; }
                                            edit.dispatch_local((id, after.branch_id.clone(), Edit { before, after }));
                                        } /> }.into_any()
                                    } else {
                                        view! { <span data-testid="fix-fixed-on-text">{format::date_or_blank(f.fixed_on)}</span> }.into_any()
                                    }}</td>
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                    </article>
                }
            }).collect_view()}
        </section>
    }
}
