//! The campaign dashboard: progress against targets per category (whole campaign or one year)
//! as an SVG bar chart, candidates behind on contacts, applications waiting for each role,
//! branches overdue for inspection or without a mobilisation meeting.

use crate::i18n::Localized as _;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use shared::roles::Role;
use shared::rules::{branches_without_meeting, overdue_branches, progress};

use super::county::{CountyTowns, render_town};
use crate::components::loaded::Loaded;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::chart::{Chart, layout};
use crate::logic::campaign::contacts::{contact_rows, status_text};
use crate::logic::campaign::dashboard::{progress_groups, progress_lines, waiting_per_role};
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::format;
use crate::logic::forms::today;
use crate::services::campaign::CampaignData;

#[component]
pub fn Dashboard() -> impl IntoView {
    // The county's tablet holds every town's records with no town on them (and each town's
    // campaign settings under the same id): its dashboard is one town's, read from the server.
    if super::use_session().role() == Role::CountyViewer {
        let render = render_town(|data, _| view! { <DashboardView data=data /> });
        return view! { <CountyTowns picker="dashboard-town" render=render /> }.into_any();
    }
    let loaded = super::campaign_data();
    view! { <Loaded resource=loaded let:data><DashboardView data=data /></Loaded> }.into_any()
}

#[component]
fn DashboardView(data: CampaignData) -> impl IntoView {
    let today = today();
    // The year filter (None: the whole campaign) applies to everything on the dashboard: the
    // chart, the table, the waiting counts, the contacts behind (of that year; the current year
    // for the whole campaign) and the branches without a mobilisation meeting (in that year;
    // since the campaign began for the whole campaign). Overdue inspections are as of today.
    let scope = RwSignal::new(None::<i32>);
    let progress = progress(&data.campaign, &data.candidate_list());
    let years: Vec<i32> = data.campaign.year_range().collect();
    let overdue = overdue_branches(&data.branches, &data.inspection_list(), today);
    let campaign_start =
        NaiveDate::from_ymd_opt(data.campaign.start_year, 1, 1).unwrap_or(NaiveDate::MIN);
    // What the town has not set up, said before the zeros it causes.
    let gaps = shared::rules::setup_gaps(
        &data.campaign,
        data.branches.len(),
        data.candidates.iter().map(|(_, c)| c),
        today.year(),
    );
    let names = StoredValue::new(data.names.clone());
    let data = StoredValue::new(data);
    let progress = StoredValue::new(progress);
    let waiting = move || {
        data.with_value(|d| waiting_per_role(&d.candidate_list(), scope.get(), &d.campaign))
    };
    let unmobilised = move || {
        let (since, until) = match scope.get() {
            Some(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(today).min(today),
            ),
            None => (campaign_start, today),
        };
        data.with_value(|d| branches_without_meeting(&d.branches, &d.meeting_list(), since, until))
    };
    let behind = move || {
        let year = scope.get().unwrap_or(today.year());
        data.with_value(|d| {
            contact_rows(&d.candidates, &d.contact_logs(), &d.names, year, today)
                .into_iter()
                .filter(|r| r.status.behind)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="dashboard" data-testid="dashboard">
            <div class="form-head">
                <h2>{tc::PROGRESS}</h2>
                <label class="field narrow">
                    <span class="label">{tc::YEAR}</span>
                    <select data-testid="dashboard-year" on:change=move |ev| scope.set(event_target_value(&ev).parse().ok())>
                        <option value="">{tc::WHOLE_CAMPAIGN}</option>
                        {years.into_iter().map(|y| view! { <option value=y.to_string()>{tc::year_label(y)}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {(!gaps.is_empty()).then(|| view! {
                <div class="message warn" role="status" data-testid="setup-gaps">
                    <ul>{gaps.iter().map(|g| view! { <li data-testid="setup-gap">{crate::logic::validation::words(&g.message())}</li> }).collect_view()}</ul>
                </div>
            })}
            {move || progress.with_value(|p| bar_chart(layout(&progress_groups(p, scope.get()))))}
            <table class="list" data-testid="progress-table">
                <thead><tr><th>{t::COL_CATEGORY}</th><th>{tc::SERIES_TARGET}</th><th>{tc::SERIES_APPROVED}</th><th>{tc::SERIES_NAMED}</th><th>{tc::REMAINING}</th></tr></thead>
                <tbody>
                {move || progress.with_value(|p| progress_lines(p, scope.get())).into_iter().map(|l| {
                    let key = l.category.as_str();
                    let done = l.target > 0 && l.named >= l.target;
                    view! {
                        <tr data-testid="progress-row" data-category=key class:done=done>
                            <td>{l.category.localized()}</td>
                            <td data-testid=format!("progress-target-{key}")>{l.target}</td>
                            <td data-testid=format!("progress-approved-{key}")>{l.approved}</td>
                            <td data-testid=format!("progress-named-{key}")>{l.named}</td>
                            <td data-testid=format!("progress-remaining-{key}")>{l.remaining}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
            <div class="cards">
                <article class="section" data-testid="dashboard-waiting">
                    <h3 class="wide">{tc::WAITING}</h3>
                    <dl class="facts wide">
                        {move || waiting().into_iter().map(|(role, n)| view! { <dt>{role.localized()}</dt><dd data-testid=format!("waiting-{}", role.as_str())>{n}</dd> }).collect_view()}
                    </dl>
                </article>
                <article class="section" data-testid="dashboard-behind">
                    {move || {
                        let rows = behind();
                        view! {
                            <h3 class="wide" data-testid="behind-count" data-count=rows.len()>{tc::contacts_behind_title(rows.len())}</h3>
                            <ul class="wide">
                                {rows.into_iter().map(|r| view! {
                                    <li data-testid="behind-row"><a href=CampaignRoute::Contacts(Some(r.candidate_id)).href()>{r.name.clone()}</a>" "{status_text(&r.status)}</li>
                                }).collect_view()}
                            </ul>
                        }
                    }}
                </article>
                <article class="section" data-testid="dashboard-overdue">
                    <h3 class="wide">{tc::inspections_overdue_title(overdue.len())}</h3>
                    <ul class="wide">
                        {overdue.into_iter().map(|s| view! {
                            <li data-testid="overdue-row">{s.branch_name.clone()}" "{s.last_inspected.map(|d| tc::last_inspected(&format::date(d))).unwrap_or_else(|| tc::NEVER.to_string())}</li>
                        }).collect_view()}
                    </ul>
                </article>
                <article class="section" data-testid="dashboard-unmobilised">
                    {move || {
                        let rows = unmobilised();
                        view! {
                            <h3 class="wide" data-testid="unmobilised-count" data-count=rows.len()>{tc::unmobilised_title(rows.len())}</h3>
                            <ul class="wide">{rows.iter().map(|b| view! { <li data-testid="unmobilised-row">{names.with_value(|n| n.branch(b))}</li> }).collect_view()}</ul>
                        }
                    }}
                </article>
            </div>
        </section>
    }
}

/// The chart as SVG: bars with their value above, category labels below, a legend.
fn bar_chart(chart: Chart) -> impl IntoView {
    let view_box = format!("0 0 {} {}", chart.width, chart.height);
    let baseline = chart.baseline_y;
    let width = chart.width;
    let bars = chart
        .groups
        .into_iter()
        .map(|g| {
            let bars = g
                .bars
                .into_iter()
                .map(|b| {
                    view! {
                        <rect class=format!("bar {}", b.class) x=b.x y=b.y width=b.width height=b.height data-value=b.value>
                            <title>{format!("{} {}", b.label, b.value)}</title>
                        </rect>
                        <text class="bar-value" x=b.x + b.width / 2.0 y=b.y - 4.0 text-anchor="middle">{b.value}</text>
                    }
                })
                .collect_view();
            view! {
                <g class="group">{bars}
                    <text class="axis-label" x=g.label_x y=baseline + 22.0 text-anchor="middle">{g.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" data-testid="progress-chart" viewBox=view_box role="img" aria-label=tc::PROGRESS
            preserveAspectRatio="xMidYMid meet" width="100%">
            <line x1="36" y1=baseline x2=width - 8.0 y2=baseline class="axis" stroke="#9e9e9e" />
            {bars}
            <g class="legend">
                <rect class="bar target" x="40" y="4" width="12" height="12" /><text x="56" y="15">{tc::SERIES_TARGET}</text>
                <rect class="bar approved" x="130" y="4" width="12" height="12" /><text x="146" y="15">{tc::SERIES_APPROVED}</text>
                <rect class="bar named" x="240" y="4" width="12" height="12" /><text x="256" y="15">{tc::SERIES_NAMED}</text>
            </g>
        </svg>
    }
}
