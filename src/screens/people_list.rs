//! The people list: search by name while typing, filter by branch, village/unit, category and
//! survey status; shows a page of rows at a time ("更多" adds a page).

use crate::i18n::Localized as _;
use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::delivery::{DeliveryState, RecordKey};
use shared::model::Category;
use shared::record::{EntityKind, ListedRecord};
use uuid::Uuid;

use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::logic::people::{
    PAGE_SIZE, PeopleFilter, PersonRow, StatusFilter, distinct, filter_page,
};
use crate::logic::route::Route;
use crate::services::{delivery, people};
use crate::store::StoreError;
use shared::model::Choice;

#[component]
pub fn PeopleList() -> impl IntoView {
    let ctx = use_app();
    // Re-read when a sync stored changes from the office (a member the office just added
    // shows without leaving the list).
    let rows = Loader::new(move || {
        ctx.pulled.track();
        let store = ctx.store();
        async move { people::list_rows(&store).await.map_err(|e| e.to_string()) }
    });
    // Each member's delivery state, re-read when the counts change (a save, a sync). When it
    // cannot be read, the list says so: rows without a badge would read as delivered.
    let states = Loader::new(move || {
        ctx.counts.track();
        let store = ctx.store();
        async move {
            let surveys = store.listing(EntityKind::Survey).await?;
            let states = delivery::states_with(&store, &surveys).await?;
            Ok::<_, StoreError>(by_person(&surveys, &states))
        }
    });
    let states_unread = move || match states.get() {
        Some(Err(e)) => {
            log::warn!("the people list could not read the delivery states: {e:?}");
            Some(e.to_string())
        }
        _ => None,
    };
    // Once the rows are painted, fetch the code of the screens a tap here opens.
    let prefetched = StoredValue::new(false);
    Effect::new(move || {
        if rows.with(|rows| rows.is_some()) && !prefetched.get_value() {
            prefetched.set_value(true);
            crate::browser::page::after_next_paint(|| {
                crate::pwa::first_screen::shown();
                crate::split::prefetch_fieldwork();
            });
        }
    });
    let filter = RwSignal::new(PeopleFilter::default());
    let limit = RwSignal::new(PAGE_SIZE);
    // A new filter starts again from the first page.
    let set_filter = move |f: &dyn Fn(&mut PeopleFilter)| {
        filter.update(|x| f(x));
        limit.set(PAGE_SIZE);
    };

    view! {
        <section class="people">
            <div class="filters">
                <input
                    type="search"
                    class="search"
                    data-testid="people-search"
                    placeholder=t::SEARCH_PLACEHOLDER
                    aria-label=t::SEARCH_PLACEHOLDER
                    prop:value=move || filter.with(|f| f.query.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); set_filter(&|f| f.query = v.clone()); }
                />
                // Drawn before the rows have come (全部 alone to pick), so that the filters after
                // them do not move when the rows come.
                {move || {
                    let (branches, villages) = rows.with(|rows| match rows {
                        Some(Ok(all)) => (
                            distinct(all, |r| r.branch_id.as_str()),
                            distinct(all, |r| r.village_unit.as_str()),
                        ),
                        _ => (Vec::new(), Vec::new()),
                    });
                    // Built again when the rows are read again (after a sync): each shows what
                    // is picked, not 全部 over a list still filtered.
                    let (branch, village) = filter
                        .with_untracked(|f| (f.branch_id.clone(), f.village_unit.clone()));
                    view! {
                        <FilterSelect label=t::FILTER_BRANCH.get() testid="filter-branch" options=branches picked=branch
                            on_pick=Callback::new(move |v: String| set_filter(&|f| f.branch_id = v.clone())) />
                        <FilterSelect label=t::FILTER_VILLAGE.get() testid="filter-village" options=villages picked=village
                            on_pick=Callback::new(move |v: String| set_filter(&|f| f.village_unit = v.clone())) />
                    }
                }}
                <label class="field">
                    <span class="label">{t::FILTER_CATEGORY}</span>
                    <select data-testid="filter-category" on:change=move |ev| {
                        let v = Category::from_key(&event_target_value(&ev));
                        set_filter(&|f| f.category = v);
                    }>
                        <option value="">{t::FILTER_ANY}</option>
                        {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.localized()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="label">{t::FILTER_STATUS}</span>
                    <select data-testid="filter-status" on:change=move |ev| {
                        let v = StatusFilter::parse(&event_target_value(&ev));
                        set_filter(&|f| f.status = v);
                    }>
                        <option value="">{t::FILTER_ANY}</option>
                        <option value="draft">{t::STATUS_DRAFT}</option>
                        <option value="final">{t::STATUS_FINAL}</option>
                        <option value="none">{t::STATUS_NONE}</option>
                    </select>
                </label>
            </div>
            // The county's tablet holds every town's members, none saying which town.
            {move || ctx.session.with(|s| s.as_ref().is_some_and(|s| s.read_only())).then(|| view! {
                <p class="message warn" data-testid="county-people-note">{t::COUNTY_PEOPLE}</p>
            })}
            // Read in place: a keystroke in the search does not copy every row.
            {move || rows.with(|rows| match rows {
                None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="message error" role="alert">{e.clone()}</p> }.into_any(),
                Some(Ok(all)) => {
                    let (page, total) = filter.with(|f| {
                        let (page, total) = filter_page(all, f, limit.get());
                        (page.into_iter().cloned().collect::<Vec<_>>(), total)
                    });
                    let shown = page.len();
                    view! {
                        {states_unread().map(|e| view! {
                            <p class="message warn" role="alert" data-testid="people-states-error">{t::delivery_states_unread(&e)}</p>
                        })}
                        <p class="count" data-testid="people-count" data-total=total data-shown=shown>{t::people_count(shown, total)}</p>
                        {if total == 0 {
                            view! { <p class="empty">{t::NO_PEOPLE}</p> }.into_any()
                        } else {
                            view! { <PeopleTable rows=page states=states.get().and_then(Result::ok).unwrap_or_default() /> }.into_any()
                        }}
                        <Show when=move || { shown < total }>
                            <button class="button more" data-testid="people-more"
                                on:click=move |_| limit.update(|l| *l += PAGE_SIZE)>{t::MORE}</button>
                        </Show>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// A select of `options` (sorted) with 全部 first, `picked` selected (empty: 全部). A value
/// picked that the rows no longer hold stays among the options, so the select still says what
/// the list is filtered by.
#[component]
pub fn FilterSelect(
    label: &'static str,
    testid: &'static str,
    mut options: Vec<String>,
    picked: String,
    on_pick: Callback<String>,
) -> impl IntoView {
    if !picked.is_empty()
        && let Err(at) = options.binary_search(&picked)
    {
        options.insert(at, picked.clone());
    }
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <select data-testid=testid on:change=move |ev| on_pick.run(event_target_value(&ev))>
                <option value="" selected=picked.is_empty()>{t::FILTER_ANY}</option>
                {options.into_iter().map(|o| {
                    let selected = o == picked;
                    let value = o.clone();
                    view! { <option value=value selected=selected>{o}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// For each member, the delivery state that most needs a person among the member's record and
/// their surveys (absent: everything of them is 已送达).
fn by_person(
    surveys: &[ListedRecord],
    states: &BTreeMap<RecordKey, DeliveryState>,
) -> BTreeMap<Uuid, DeliveryState> {
    let mut by_person: BTreeMap<Uuid, DeliveryState> = BTreeMap::new();
    let mut note = |person: Uuid, state: DeliveryState| {
        let slot = by_person.entry(person).or_insert(state);
        *slot = (*slot).min(state);
    };
    for ((entity, id), state) in states {
        match entity {
            EntityKind::Person => note(*id, *state),
            EntityKind::Survey => {
                let person = surveys.iter().find(|s| s.id == *id).and_then(|s| {
                    s.fields.get("person_id")?.as_str().and_then(|p| Uuid::parse_str(p).ok())
                });
                if let Some(person) = person {
                    note(person, *state);
                }
            }
            _ => {}
        }
    }
    by_person
}

fn status_label(row: &PersonRow) -> &'static str {
    match row.survey_status {
        Some(shared::model::SurveyStatus::Draft) => t::STATUS_DRAFT.get(),
        Some(shared::model::SurveyStatus::Final) => t::STATUS_FINAL.get(),
        None => t::STATUS_NONE.get(),
    }
}

#[component]
fn PeopleTable(rows: Vec<PersonRow>, states: BTreeMap<Uuid, DeliveryState>) -> impl IntoView {
    view! {
        <table class="list" data-testid="people-table">
            <thead><tr>
                <th>{t::COL_NAME}</th><th>{t::COL_BRANCH}</th><th>{t::COL_VILLAGE}</th>
                <th>{t::COL_CATEGORY}</th><th>{t::COL_STATUS}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let href = Route::Person(row.id).href();
                    let status = status_label(&row);
                    let delivery = states.get(&row.id).copied();
                    view! {
                        <tr data-testid="people-row" data-id=row.id.to_string()>
                            <td><a href=href class="row-link">{if row.name.trim().is_empty() { t::UNNAMED.to_string() } else { row.name.clone() }}</a></td>
                            <td>{row.branch_id.clone()}</td>
                            <td>{row.village_unit.clone()}</td>
                            <td>{row.category.map(|c| c.localized()).unwrap_or("")}</td>
                            <td class=format!("status {}", row.survey_status.map(|s| s.as_str()).unwrap_or("none"))>
                                {status}
                                {delivery.map(crate::components::delivery::state_badge)}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
