//! The candidate list (争创对象) with filters, and the form that records a new application.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{ApplicationState, Category, Person};
use uuid::Uuid;

use crate::browser::location::go;
use crate::components::fields::year_select;
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::candidate::{Application, CandidateFilter, state_label};
use crate::logic::campaign::contacts::contact_rows;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::campaign::rubric::current_campaign;
use crate::logic::forms::{now, today, year_options};
use crate::services::campaign::{self, CampaignData, CampaignError};
use shared::model::Choice;

#[component]
pub fn CandidateList() -> impl IntoView {
    let loaded = super::campaign_data();
    let filter = RwSignal::new(CandidateFilter::default());
    view! {
        <section class="candidates">
            <div class="form-head">
                <h2>{tc::CANDIDATES}</h2>
                {super::use_session().may_write_any(shared::record::EntityKind::Candidate).then(|| view! {
                    <a class="button primary" href=CampaignRoute::NewCandidate(None).href() data-testid="candidate-new">{tc::NEW_CANDIDATE}</a>
                })}
            </div>
            <div class="filters">
                <input type="search" class="search" data-testid="candidate-search" placeholder=t::SEARCH_PLACEHOLDER aria-label=t::SEARCH_PLACEHOLDER
                    on:input=move |ev| filter.update(|f| f.query = event_target_value(&ev)) />
                {move || loaded.get().and_then(Result::ok).map(|d| {
                    let years = year_options(&d.campaign, today().year());
                    view! {
                        <label class="field narrow">
                            <span class="label">{tc::YEAR}</span>
                            <select data-testid="candidate-filter-year" on:change=move |ev| filter.update(|f| f.year = event_target_value(&ev).parse().ok())>
                                <option value="">{tc::ALL_YEARS}</option>
                                {years.into_iter().map(|y| view! { <option value=y.to_string()>{tc::year_label(y)}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="label">{tc::COL_BRANCH}</span>
                            <select data-testid="candidate-filter-branch" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                filter.update(|f| f.branch = (!v.is_empty()).then_some(v));
                            }>
                                <option value="">{tc::ALL_BRANCHES}</option>
                                {d.branches.iter().map(|(code, b)| view! { <option value=code.clone()>{b.name.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    }
                })}
                <label class="field">
                    <span class="label">{t::FILTER_CATEGORY}</span>
                    <select data-testid="candidate-filter-category" on:change=move |ev| filter.update(|f| f.category = Category::from_key(&event_target_value(&ev)))>
                        <option value="">{t::FILTER_ANY}</option>
                        {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.localized()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{tc::STATE}</span>
                    <select data-testid="candidate-filter-state" on:change=move |ev| filter.update(|f| f.state = ApplicationState::parse(&event_target_value(&ev)))>
                        <option value="">{t::FILTER_ANY}</option>
                        {ApplicationState::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.localized()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <Loaded resource=loaded let:data><CandidateTable data=data filter=filter /></Loaded>
        </section>
    }
}

#[component]
fn CandidateTable(data: CampaignData, filter: RwSignal<CandidateFilter>) -> impl IntoView {
    let today = today();
    let rows =
        contact_rows(&data.candidates, &data.contact_logs(), &data.names, today.year(), today);
    let behind: std::collections::HashSet<Uuid> =
        rows.iter().filter(|r| r.status.behind).map(|r| r.candidate_id).collect();
    let mut all = data.candidates.clone();
    shared::order::sort_by(&mut all, |a, b| {
        b.1.year
            .cmp(&a.1.year)
            .then(data.names.person(&a.1.person_id).cmp(&data.names.person(&b.1.person_id)))
    });
    let names = data.names.clone();
    let county = super::use_session().read_only();
    move || {
        let f = filter.get();
        let shown: Vec<_> = all
            .iter()
            .filter(|(_, c)| f.matches(c, &names.person(&c.person_id)))
            .cloned()
            .collect();
        if shown.is_empty() {
            return view! { <p class="empty" data-testid="candidate-empty">{tc::NO_CANDIDATES}</p> }.into_any();
        }
        let count = shown.len();
        view! {
            // The county's store holds every town's candidates: no count across towns.
            {(!county).then(|| view! { <p class="hint" data-testid="candidate-count">{tc::shown_count(count)}</p> })}
            <table class="list" data-testid="candidate-table">
                <thead><tr>
                    <th>{t::COL_NAME}</th><th>{t::COL_CATEGORY}</th><th>{tc::YEAR}</th>
                    <th>{tc::COL_BRANCH}</th><th>{tc::STATE}</th><th>{tc::CONTACTS}</th>
                </tr></thead>
                <tbody>
                {shown.into_iter().map(|(id, c)| view! {
                    <tr data-testid="candidate-row" data-id=id.to_string()>
                        <td><a class="row-link" href=CampaignRoute::Candidate(id).href()>{names.person(&c.person_id)}</a></td>
                        <td>{c.category.map(|k| k.localized()).unwrap_or("")}</td>
                        <td>{c.year}</td>
                        <td>{names.branch(&c.branch_id)}</td>
                        <td class=format!("state {}", c.state.as_str())>{state_label(&c)}</td>
                        <td>{if behind.contains(&id) {
                            view! { <span class="badge behind" data-testid="candidate-behind">{tc::BEHIND}</span> }.into_any()
                        } else { ().into_any() }}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        }.into_any()
    }
}

/// The new application form: pick a member (search by name), the category, year and pipeline.
#[component]
pub fn NewCandidate(person: Option<Uuid>) -> impl IntoView {
    let ctx = use_app();
    let people = Loader::new(move || {
        let store = ctx.store();
        async move {
            let people: Vec<(Uuid, Person)> = campaign::load(&store).await?;
            let campaign = current_campaign(&campaign::load(&store).await?);
            Ok::<_, CampaignError>((people, campaign))
        }
    });
    let person_id = RwSignal::new(person);
    let category = RwSignal::new(None::<Category>);
    let year = RwSignal::new(today().year());
    let pipeline = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let apply = super::write_action(
        |store, session, (person, application): (Uuid, Application)| async move {
            campaign::create_candidate(&store, &session, person, application, now()).await
        },
    );
    on_result(apply, notice, move |id| go(&CampaignRoute::Candidate(id).href()));
    let submit = move |_| {
        let (Some(pid), Some(cat)) = (person_id.get_untracked(), category.get_untracked()) else {
            notice.set(Some(Notice::Error(tc::PICK_PERSON_AND_CATEGORY.to_string())));
            return;
        };
        let application = Application {
            category: cat,
            year: year.get_untracked(),
            pipeline: pipeline.get_untracked(),
        };
        apply.dispatch_local((pid, application));
    };
    if !super::use_session().may_write_any(shared::record::EntityKind::Candidate) {
        return view! {
            <section class="new-candidate">
                <h2>{tc::NEW_CANDIDATE}</h2>
                <p class="message warn" data-testid="new-candidate-read-only">{tc::NOT_ALLOWED}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="new-candidate">
            <h2>{tc::NEW_CANDIDATE}</h2>
            {notice_line(notice)}
            <Loaded resource=people let:((people, campaign))>{
                    let years = year_options(&campaign, today().year());
                    let lookup = people.clone();
                    view! {
                        <div class="section">
                            <input type="search" class="search" data-testid="new-candidate-search" placeholder=t::SEARCH_PLACEHOLDER aria-label=t::SEARCH_PLACEHOLDER
                                on:input=move |ev| query.set(event_target_value(&ev)) />
                            <label class="field">
                                <span class="label">{tc::PERSON}</span>
                                <select data-testid="new-candidate-person"
                                    prop:value=move || person_id.get().map(|p| p.to_string()).unwrap_or_default()
                                    on:change=move |ev| {
                                        let id = Uuid::parse_str(&event_target_value(&ev)).ok();
                                        person_id.set(id);
                                        let known = lookup.iter().find(|(p, _)| Some(*p) == id).and_then(|(_, p)| p.category);
                                        if known.is_some() { category.set(known); }
                                    }>
                                    <option value="">{t::CHOOSE}</option>
                                    {
                                        let people = people.clone();
                                        move || {
                                            let q = query.get();
                                            people.iter()
                                                .filter(|(id, p)| q.trim().is_empty() || p.name.contains(q.trim()) || Some(*id) == person_id.get_untracked())
                                                .take(200)
                                                .map(|(id, p)| view! { <option value=id.to_string()>{format!("{}（{}）", p.name, p.village_unit)}</option> })
                                                .collect_view()
                                        }
                                    }
                                </select>
                            </label>
                            <label class="field">
                                <span class="label">{t::F_CATEGORY}</span>
                                <select data-testid="new-candidate-category"
                                    prop:value=move || category.get().map(|c| c.as_str()).unwrap_or("")
                                    on:change=move |ev| category.set(Category::from_key(&event_target_value(&ev)))>
                                    <option value="">{t::CHOOSE}</option>
                                    {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.localized()}</option> }).collect_view()}
                                </select>
                            </label>
                            {year_select(year, years, "new-candidate-year")}
                            <label class="field check">
                                <input type="checkbox" data-testid="new-candidate-pipeline" prop:checked=move || pipeline.get()
                                    on:change=move |ev| pipeline.set(event_target_checked(&ev)) />
                                <span class="label">{tc::PIPELINE}</span>
                            </label>
                        </div>
                    }
            }</Loaded>
            <div class="actions">
                <button type="button" class="button primary" data-testid="new-candidate-save" disabled=move || apply.pending().get() on:click=submit>
                    {tc::APPLY}
                </button>
            </div>
        </section>
    }
    .into_any()
}
