//! 工作情况通报: per-branch progress for the town's work meetings (counts against targets,
//! contacts behind schedule, applications waiting, mobilisation, inspections), printable and
//! exportable as CSV.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::Category;
use shared::rules::{ReportInput, work_report};

use crate::browser::download::download;
use crate::components::fields::year_select;
use crate::components::loaded::Loaded;
use crate::components::print::print_button;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::i18n::office as to;
use crate::logic::campaign::csv::report_csv;
use crate::logic::format;
use crate::logic::forms::{today, year_options};
use crate::services::campaign::CampaignData;
use shared::roles::Role;

use super::county::{CountyTowns, render_town};

#[component]
pub fn Report() -> impl IntoView {
    // The county's own store mixes every town's records: its report is one town's, from the
    // server, with the same rules as the town's own.
    if super::use_session().role() == Role::CountyViewer {
        let render = render_town(|data, _| view! { <ReportView data=data /> });
        return view! { <CountyTowns picker="report-town" render=render /> }.into_any();
    }
    let loaded = super::campaign_data();
    view! { <Loaded resource=loaded let:data><ReportView data=data /></Loaded> }.into_any()
}

#[component]
fn ReportView(data: CampaignData) -> impl IntoView {
    let today = today();
    let year = RwSignal::new(today.year());
    let branch = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let years = year_options(&data.campaign, today.year());
    let data = StoredValue::new(data);
    let report = Memo::new(move |_| {
        let d = data.get_value();
        let contacts = d.contact_logs();
        let meetings = d.meeting_list();
        let inspections = d.inspection_list();
        let input = ReportInput {
            campaign: &d.campaign,
            branches: &d.branches,
            candidates: &d.candidates,
            contacts: &contacts,
            meetings: &meetings,
            inspections: &inspections,
            year: year.get(),
        };
        work_report(&input, today)
    });
    let export = move |_| {
        let names = data.get_value().names;
        let b = branch.get_untracked();
        let csv =
            report.with_untracked(|r| report_csv(r, &names, (!b.is_empty()).then_some(b.as_str())));
        let file = tc::report_file_name(year.get_untracked());
        if let Err(e) = download(&file, "text/csv;charset=utf-8", csv.as_bytes()) {
            log::warn!("report export: {e}");
            error.set(Some(tc::NO_DOCUMENT.to_string()));
        }
    };
    let branch_options = data.get_value().branches;
    let (issuer, start, end) = data.with_value(|d| {
        (d.campaign.issuing_office(), d.campaign.start_year, d.campaign.end_year())
    });
    view! {
        <section class="report">
            <div class="filters no-print">
                {year_select(year, years, "report-year")}
                <label class="field">
                    <span class="label">{tc::COL_BRANCH}</span>
                    <select data-testid="report-branch" on:change=move |ev| branch.set(event_target_value(&ev))>
                        <option value="">{tc::ALL_BRANCHES}</option>
                        {branch_options.into_iter().map(|(id, b)| view! { <option value=id>{b.name}</option> }).collect_view()}
                    </select>
                </label>
                {print_button("print")}
                <button type="button" class="button no-print" data-testid="report-export" on:click=export>{tc::EXPORT_CSV}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="message error no-print" role="alert">{e}</p> })}
            <article class="paper" data-testid="report-paper">
                {move || {
                    let names = data.get_value().names;
                    let r = report.get();
                    let b = branch.get();
                    view! {
                        <h2 class="paper-title">{tc::report_title(r.year)}</h2>
                        <p class="paper-issuer" data-testid="report-issuer">{to::ISSUER}{issuer.clone()}</p>
                        <p class="paper-period" data-testid="report-period">{to::PERIOD}{to::period(r.year, start, end)}</p>
                        <p class="paper-date" data-testid="report-date">{tc::as_of(&to::chinese_date(today))}</p>
                        <h3>{tc::TOWN_PROGRESS}</h3>
                        <table class="list paper-table">
                            <thead><tr><th>{t::COL_CATEGORY}</th><th>{tc::SERIES_TARGET}</th><th>{tc::SERIES_APPROVED}</th><th>{tc::SERIES_NAMED}</th><th>{tc::REMAINING}</th></tr></thead>
                            <tbody>{r.progress.iter().map(|p| {
                                let key = p.category.as_str();
                                view! {
                                    <tr data-testid="report-progress-row"><td>{p.category.localized()}</td><td>{p.target}</td>
                                        <td data-testid=format!("report-approved-{key}")>{p.approved}</td>
                                        <td data-testid=format!("report-named-{key}")>{p.named}</td><td>{p.remaining}</td></tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                        <h3>{tc::pipeline_title(r.pipeline.year)}</h3>
                        <table class="list paper-table" data-testid="report-pipeline">
                            <thead><tr><th>{t::COL_CATEGORY}</th><th>{tc::PIPELINE_OPEN}</th><th>{tc::PIPELINE_CARRIED}</th><th>{tc::PIPELINE_TOTAL}</th><th>{tc::YEAR_TARGET}</th></tr></thead>
                            <tbody>{r.pipeline.totals.iter().map(|p| {
                                let key = p.category.as_str();
                                view! {
                                    <tr><td>{p.category.localized()}</td><td>{p.count.open}</td><td>{p.count.carried}</td>
                                        <td data-testid=format!("report-pipeline-{key}")>{p.count.total()}</td>
                                        <td>{p.year_target.map_or_else(|| tc::NO_YEAR_TARGET.to_string(), |n| n.to_string())}</td></tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                        {r.branches.into_iter().filter(|br| b.is_empty() || br.branch_id == b).map(|br| view! {
                            <section class="paper-branch" data-testid="report-branch-section">
                                <h3>{names.branch(&br.branch_id)}</h3>
                                <table class="list paper-table">
                                    <thead><tr><th>{t::COL_CATEGORY}</th><th>{tc::ACTIVE}</th><th>{tc::SERIES_APPROVED}</th><th>{tc::SERIES_NAMED}</th><th>{tc::PIPELINE_SHORT}</th></tr></thead>
                                    <tbody>{Category::ALL.iter().map(|c| {
                                        let n = br.by_category.get(c).copied().unwrap_or_default();
                                        view! { <tr><td>{c.localized()}</td><td>{n.active}</td><td>{n.approved}</td><td>{n.named}</td><td>{n.pipeline}</td></tr> }
                                    }).collect_view()}</tbody>
                                </table>
                                <ul>
                                    <li>{tc::contacts_behind_title(br.contacts_behind.len())}
                                        {(!br.contacts_behind.is_empty()).then(|| format!("：{}", br.contacts_behind.iter().map(|id| names.candidate(id)).collect::<Vec<_>>().join("、")))}</li>
                                    <li>{tc::waiting_line(br.waiting.applicant, br.waiting.branch_secretary, br.waiting.town_office)}</li>
                                    <li>{if br.mobilised { tc::MOBILISED } else { tc::NOT_MOBILISED }}</li>
                                    <li>{tc::inspection_line(br.last_inspected.map(format::date), br.inspection_overdue, br.open_fixes)}</li>
                                </ul>
                            </section>
                        }).collect_view()}
                    }
                }}
            </article>
        </section>
    }
}
