//! 梯队 (创建一批、培育一批): next year's pipeline by category and branch, counted against next
//! year's targets, with its members. The rule is `shared::rules::pipeline`: a pipeline record of
//! year Y is kept during Y for Y+1; it stays counted (已转入) once carried over.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::Category;
use shared::rules::pipeline;

use crate::components::fields::year_select;
use crate::components::loaded::Loaded;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::candidate::state_label;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::forms::today;
use crate::services::campaign::CampaignData;
use shared::roles::Role;

use super::county::{CountyTowns, render_town};

#[component]
pub fn PipelineScreen() -> impl IntoView {
    // The county's own store mixes every town's records: its pipeline is one town's, from the
    // server, counted against that town's targets.
    if super::use_session().role() == Role::CountyViewer {
        let render = render_town(|data, _| view! { <PipelineView data=data /> });
        return view! { <CountyTowns picker="pipeline-town" render=render /> }.into_any();
    }
    let loaded = super::campaign_data();
    view! { <Loaded resource=loaded let:data><PipelineView data=data /></Loaded> }.into_any()
}

#[component]
fn PipelineView(data: CampaignData) -> impl IntoView {
    let next = today().year() + 1;
    let mut years: Vec<i32> = data.campaign.year_range().collect();
    if !years.contains(&next) {
        years.push(next);
        shared::order::sort(&mut years);
    }
    let year = RwSignal::new(next);
    let data = StoredValue::new(data);
    view! {
        <section class="pipeline" data-testid="pipeline-screen">
            <div class="form-head">
                <h2>{move || tc::pipeline_title(year.get())}</h2>
                {year_select(year, years, "pipeline-year")}
            </div>
            {move || data.with_value(|d| {
                let p = pipeline(&d.campaign, &d.candidates, year.get());
                let names = d.names.clone();
                let branches: Vec<String> = {
                    let mut b: Vec<String> = p.by_branch.keys().map(|(b, _)| b.clone()).collect();
                    b.dedup();
                    b
                };
                let members: Vec<_> = p
                    .members
                    .iter()
                    .filter_map(|id| d.candidates.iter().find(|(c, _)| c == id).cloned())
                    .collect();
                view! {
                    {(!p.totals.first().is_some_and(|t| t.in_campaign)).then(|| view! {
                        <p class="message warn" data-testid="pipeline-outside">{tc::NOT_A_CAMPAIGN_YEAR}</p>
                    })}
                    <table class="list" data-testid="pipeline-totals">
                        <thead><tr>
                            <th>{t::COL_CATEGORY}</th><th>{tc::PIPELINE_OPEN}</th><th>{tc::PIPELINE_CARRIED}</th>
                            <th>{tc::PIPELINE_TOTAL}</th><th>{tc::YEAR_TARGET}</th>
                        </tr></thead>
                        <tbody>
                        {p.totals.iter().map(|total| {
                            let key = total.category.as_str();
                            view! {
                                <tr data-testid="pipeline-total-row" data-category=key>
                                    <td>{total.category.localized()}</td>
                                    <td data-testid=format!("pipeline-open-{key}")>{total.count.open}</td>
                                    <td data-testid=format!("pipeline-carried-{key}")>{total.count.carried}</td>
                                    <td data-testid=format!("pipeline-total-{key}")>{total.count.total()}</td>
                                    <td data-testid=format!("pipeline-target-{key}")>{total.year_target.map_or_else(|| tc::NO_YEAR_TARGET.to_string(), |n| n.to_string())}</td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    {if branches.is_empty() {
                        view! { <p class="empty" data-testid="pipeline-empty">{tc::NO_PIPELINE}</p> }.into_any()
                    } else {
                        view! {
                            <table class="list" data-testid="pipeline-branches">
                                <thead><tr>
                                    <th>{tc::COL_BRANCH}</th>
                                    {Category::ALL.iter().map(|c| view! { <th>{c.localized()}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                {branches.into_iter().map(|b| {
                                    let cells = Category::ALL.iter().map(|c| {
                                        let n = p.by_branch.get(&(b.clone(), *c)).copied().unwrap_or_default();
                                        view! { <td data-testid=format!("pipeline-cell-{}", c.as_str())>{n.total()}</td> }
                                    }).collect_view();
                                    view! {
                                        <tr data-testid="pipeline-branch-row" data-branch=b.clone()>
                                            <td>{names.branch(&b)}</td>{cells}
                                        </tr>
                                    }
                                }).collect_view()}
                                </tbody>
                            </table>
                            <ul class="wide" data-testid="pipeline-members">
                                {members.into_iter().map(|(id, c)| view! {
                                    <li data-testid="pipeline-member">
                                        <a href=CampaignRoute::Candidate(id).href()>{names.person(&c.person_id)}</a>
                                        " · "{c.category.map(|k| k.localized()).unwrap_or("")}
                                        " · "{names.branch(&c.branch_id)}" · "{state_label(&c)}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            })}
        </section>
    }
}
