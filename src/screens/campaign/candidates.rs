//! The candidate list (争创对象) with filters, and the form that records a new application.

use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{ApplicationState, Category, Person};
use uuid::Uuid;

use super::data::{self, CampaignData};
use super::widgets::{Notice, Pick, go, notice_line, now, today, year_options, year_select};
use crate::app::use_app;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::candidate::{Application, CandidateFilter, state_label};
use crate::logic::campaign::contacts::contact_rows;
use crate::logic::campaign::route::CampaignRoute;

#[component]
pub fn CandidateList() -> impl IntoView {
    let ctx = use_app();
    let loaded = LocalResource::new(move || async move { data::load_data(&ctx.store()).await });
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
                <input type="search" class="search" data-testid="candidate-search" placeholder=t::SEARCH_PLACEHOLDER
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
                        {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label_zh()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{tc::STATE}</span>
                    <select data-testid="candidate-filter-state" on:change=move |ev| filter.update(|f| f.state = ApplicationState::parse(&event_target_value(&ev)))>
                        <option value="">{t::FILTER_ANY}</option>
                        {ApplicationState::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label_zh()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {move || match loaded.get() {
                None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(d)) => view! { <CandidateTable data=d filter=filter /> }.into_any(),
            }}
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
    all.sort_by(|a, b| {
        b.1.year
            .cmp(&a.1.year)
            .then(data.names.person(&a.1.person_id).cmp(&data.names.person(&b.1.person_id)))
    });
    let names = data.names.clone();
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
            <p class="hint" data-testid="candidate-count">{tc::shown_count(count)}</p>
            <table class="list" data-testid="candidate-table">
                <thead><tr>
                    <th>{t::COL_NAME}</th><th>{t::COL_CATEGORY}</th><th>{tc::YEAR}</th>
                    <th>{tc::COL_BRANCH}</th><th>{tc::STATE}</th><th>{tc::CONTACTS}</th>
                </tr></thead>
                <tbody>
                {shown.into_iter().map(|(id, c)| view! {
                    <tr data-testid="candidate-row" data-id=id.to_string()>
                        <td><a class="row-link" href=CampaignRoute::Candidate(id).href()>{names.person(&c.person_id)}</a></td>
                        <td>{c.category.map(|k| k.label_zh()).unwrap_or("")}</td>
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
    let people = LocalResource::new(move || async move {
        let store = ctx.store();
        let people: Vec<(Uuid, Person)> = data::load(&store).await?;
        let campaign = crate::logic::campaign::rubric::current_campaign(&data::load(&store).await?);
        Ok::<_, data::CampaignError>((people, campaign))
    });
    let person_id = RwSignal::new(person);
    let category = RwSignal::new(None::<Category>);
    let year = RwSignal::new(today().year());
    let pipeline = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let submit = move |_| {
        let (Some(pid), Some(cat)) = (person_id.get_untracked(), category.get_untracked()) else {
            notice.set(Some(Notice::Error(tc::PICK_PERSON_AND_CATEGORY.to_owned())));
            return;
        };
        let application = Application {
            category: cat,
            year: year.get_untracked(),
            pipeline: pipeline.get_untracked(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            match data::create_candidate(&store, &session, pid, application, now()).await {
                Ok(id) => {
                    ctx.refresh_pending();
                    go(&CampaignRoute::Candidate(id).href());
                }
                Err(e) => notice.set(Some(Notice::of(&e))),
            }
            busy.set(false);
        });
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
            {move || people.get().map(|r| match r {
                Err(e) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok((people, campaign)) => {
                    let years = year_options(&campaign, today().year());
                    let lookup = people.clone();
                    view! {
                        <div class="section">
                            <input type="search" class="search" data-testid="new-candidate-search" placeholder=t::SEARCH_PLACEHOLDER
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
                                    {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label_zh()}</option> }).collect_view()}
                                </select>
                            </label>
                            {year_select(year, years, "new-candidate-year")}
                            <label class="field check">
                                <input type="checkbox" data-testid="new-candidate-pipeline" prop:checked=move || pipeline.get()
                                    on:change=move |ev| pipeline.set(event_target_checked(&ev)) />
                                <span class="label">{tc::PIPELINE}</span>
                            </label>
                        </div>
                    }.into_any()
                }
            })}
            <div class="actions">
                <button type="button" class="button primary" data-testid="new-candidate-save" disabled=move || busy.get() on:click=submit>
                    {tc::APPLY}
                </button>
            </div>
        </section>
    }
    .into_any()
}
