//! Campaign settings (town office only): the campaign's years and targets per category with an
//! optional split per year, and the assessment rubric of each category. Both are town-wide
//! records with fixed ids, so every tablet receives them on sync.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::{Campaign, Category, Criterion, Rubric};
use shared::scoring::revise_rubric;
use uuid::Uuid;

use crate::browser::dialog::confirm;
use crate::components::fields::value_of;
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::rubric::{
    CAMPAIGN_ID, current_campaign, next_key, rubric_for, template,
};
use crate::logic::forms::{
    drop_years_outside, number_text, parse_count, parse_number, set_total_target, set_year_target,
};
use crate::services::campaign::{self, CampaignError, Edit};

#[component]
pub fn CampaignSettings() -> impl IntoView {
    let ctx = use_app();
    let loaded: Loading = Loader::new(move || {
        let store = ctx.store();
        async move {
            let campaign = current_campaign(&campaign::load::<Campaign>(&store).await?);
            let rubrics: Vec<(Uuid, Rubric)> = campaign::load(&store).await?;
            Ok((campaign, rubrics))
        }
    });
    let office = super::use_session().is_office();
    let county = super::use_session().read_only();
    // Kept outside what is read again after a save: 已保存 must outlive the screen built anew.
    let targets_notice = RwSignal::new(None::<Notice>);
    view! {
        <section class="campaign-settings">
            <h2>{tc::NAV_SETTINGS}</h2>
            {if county {
                // Every town's settings and rubrics have the same fixed ids: the county's store
                // holds whichever town's was written last, so it shows no town's targets.
                view! { <p class="message warn" data-testid="county-no-totals">{tc::COUNTY_NO_TOTALS}</p> }.into_any()
            } else {
                view! {
                    <Loaded resource=loaded let:((campaign, rubrics))>
                        {(!office).then(|| view! { <p class="message warn" data-testid="settings-read-only">{tc::OFFICE_ONLY}</p> })}
                        <Targets campaign=campaign office=office loaded=loaded notice=targets_notice />
                        {Category::ALL.iter().map(|c| {
                            let current = rubric_for(*c, &rubrics).map(|(_, r)| r);
                            view! { <RubricEditor category=*c rubric=current office=office loaded=loaded /> }
                        }).collect_view()}
                    </Loaded>
                }.into_any()
            }}
        </section>
    }
}

type Loading = Loader<Result<(Campaign, Vec<(Uuid, Rubric)>), CampaignError>>;

type Getter = Box<dyn Fn(&Campaign) -> Option<u32> + Send + Sync>;
type Setter = Box<dyn Fn(&mut Campaign, Option<u32>) + Send + Sync>;

#[component]
fn Targets(
    campaign: Campaign,
    office: bool,
    loaded: Loading,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    // What is on disk (the screen is read again after a save): only what was changed here is
    // written over it.
    let on_disk = StoredValue::new(campaign.clone());
    let form = RwSignal::new(campaign);
    let ctx = use_app();
    let put = super::write_action(
        move |store, session, (_, _, edit): (Uuid, String, Edit<Campaign>)| async move {
            let edited =
                campaign::save_settings(&store, &session, &edit, crate::logic::forms::today())
                    .await;
            super::say_overwritten(ctx, edited)
        },
    );
    on_result(put, notice, move |_| {
        notice.set(Some(Notice::Done(tc::SAVED.get())));
        loaded.refetch();
    });
    let save = move |_| {
        let mut c = form.get_untracked();
        drop_years_outside(&mut c);
        put.dispatch_local((
            CAMPAIGN_ID,
            String::new(),
            Edit { before: on_disk.get_value(), after: c },
        ));
    };
    let years = Memo::new(move |_| form.with(|c| c.year_range().collect::<Vec<i32>>()));
    // `name`: what the input is, for a screen reader (a table cell has no label of its own).
    let number_input = move |testid: String, name: String, get: Getter, set: Setter| {
        let bad = RwSignal::new(false);
        // Given to the input only when the stored number changes, so text that is not a
        // number stays on screen, marked, while another cell is filled in.
        let value = value_of(form, move |c| get(c).map(|n| n.to_string()).unwrap_or_default());
        view! {
            <input type="text" inputmode="numeric" class="cell-input" data-testid=testid aria-label=name disabled=!office class:invalid=move || bad.get()
                prop:value=move || value.get()
                on:change=move |ev| match parse_count(&event_target_value(&ev)) {
                    Ok(v) => { bad.set(false); form.update(|c| set(c, v)); }
                    Err(_) => bad.set(true),
                } />
        }
    };
    view! {
        <fieldset class="section" data-testid="campaign-targets">
            <legend>{tc::TARGETS}</legend>
            {notice_line(notice)}
            <label class="field">
                <span class="label">{tc::CAMPAIGN_NAME}</span>
                <input type="text" data-testid="campaign-name" disabled=!office prop:value=move || form.with(|c| c.name.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|c| c.name = v); } />
            </label>
            <label class="field">
                <span class="label">{tc::START_YEAR}</span>
                {number_input("campaign-start-year".into(), tc::START_YEAR.into(), Box::new(|c| u32::try_from(c.start_year).ok()), Box::new(|c, v| c.start_year = v.map_or(0, |v| v as i32)))}
            </label>
            <label class="field">
                <span class="label">{tc::YEARS}</span>
                {number_input("campaign-years".into(), tc::YEARS.into(), Box::new(|c| Some(c.years)), Box::new(|c, v| c.years = v.unwrap_or(0)))}
            </label>
            {move || {
                // Drawn again when the years change only: a cell holding text that is not a
                // number keeps it while another cell or the name is filled in.
                let years: Vec<i32> = years.get();
                view! {
                    <table class="list wide" data-testid="target-table">
                        <thead><tr>
                            <th>{t::COL_CATEGORY}</th><th>{tc::TOTAL_TARGET}</th>
                            {years.iter().map(|y| view! { <th>{tc::year_label(*y)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                        {Category::ALL.iter().map(|cat| {
                            let cat = *cat;
                            view! {
                                <tr>
                                    <td>{cat.localized()}</td>
                                    <td>{number_input(format!("target-{}", cat.as_str()), format!("{} {}", cat.localized(), tc::TOTAL_TARGET), Box::new(move |c| Some(c.target(cat))), Box::new(move |c, v| set_total_target(c, cat, v.unwrap_or(0))))}</td>
                                    {years.iter().map(|y| {
                                        let y = *y;
                                        view! { <td>{number_input(format!("target-{}-{y}", cat.as_str()), format!("{} {}", cat.localized(), tc::year_label(y)), Box::new(move |c| c.year_target(cat, y)), Box::new(move |c, v| set_year_target(c, cat, y, v)))}</td> }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                }
            }}
            {office.then(|| view! { <button type="button" class="button primary" data-testid="campaign-save" disabled=move || put.pending().get() on:click=save>{t::SAVE}</button> })}
        </fieldset>
    }
}

#[component]
fn RubricEditor(
    category: Category,
    rubric: Option<Rubric>,
    office: bool,
    loaded: Loading,
) -> impl IntoView {
    let exists = rubric.is_some();
    let base = rubric.unwrap_or_else(|| template(category));
    let version = base.version;
    let criteria = RwSignal::new(base.criteria.clone());
    let notice = RwSignal::new(None::<Notice>);
    // What is on disk (the screen is read again after a save): a revision saved elsewhere since
    // is kept as a conflict, and said, not replaced unseen (`campaign::save_rubric`).
    let base = StoredValue::new(base);
    let ctx = use_app();
    let put = super::write_action(move |store, session, edit: Edit<Rubric>| async move {
        let edited =
            campaign::save_rubric(&store, &session, category, &edit, crate::logic::forms::today())
                .await;
        super::say_overwritten(ctx, edited)
    });
    on_result(put, notice, move |_| loaded.refetch());
    let save = move |_| {
        let before = base.get_value();
        let after = revise_rubric(&before, criteria.get_untracked());
        put.dispatch_local(Edit { before, after });
    };
    // Rows are drawn again when one is added or removed only.
    let rows = Memo::new(move |_| criteria.with(Vec::len));
    // `column`: the cell's column, named with its row for a screen reader.
    let field = move |k: usize,
                      testid: &'static str,
                      column: &'static str,
                      get: fn(&Criterion) -> String,
                      set: fn(&mut Criterion, &str) -> bool| {
        let bad = RwSignal::new(false);
        let name = format!("{} {} {}", category.localized(), tc::criterion_number(k + 1), column);
        // Given to the input only when this cell's value changes, so text that is not a number
        // stays on screen, marked, while another cell is filled in.
        let value = value_of(criteria, move |cs| cs.get(k).map(get).unwrap_or_default());
        view! {
            <input type="text" class="cell-input" data-testid=testid aria-label=name disabled=!office class:invalid=move || bad.get()
                prop:value=move || value.get()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    // Tried on a copy: a refused value changes nothing, and redraws nothing.
                    let ok = criteria.with_untracked(|cs| cs.get(k).is_some_and(|c| set(&mut c.clone(), &v)));
                    if ok {
                        criteria.update(|cs| if let Some(c) = cs.get_mut(k) { set(c, &v); });
                    }
                    bad.set(!ok);
                } />
        }
    };
    view! {
        <fieldset class="section" data-testid=format!("rubric-{}", category.as_str())>
            <legend>{tc::rubric_title(category.localized(), version, exists)}</legend>
            {notice_line(notice)}
            <table class="list wide">
                <thead><tr><th>{tc::CRITERION_LABEL}</th><th>{tc::WEIGHT}</th><th>{tc::MAX_SCORE}</th><th></th></tr></thead>
                <tbody>
                {move || (0..rows.get()).map(|k| view! {
                    <tr data-testid="criterion-row">
                        <td>{field(k, "criterion-label", tc::CRITERION_LABEL.get(), |c| c.label.clone(), |c, v| { c.label = v.to_owned(); true })}</td>
                        <td>{field(k, "criterion-weight", tc::WEIGHT.get(), |c| number_text(c.weight), |c, v| match parse_number(v) { Ok(Some(n)) => { c.weight = n; true } _ => false })}</td>
                        <td>{field(k, "criterion-max", tc::MAX_SCORE.get(), |c| number_text(c.max_score), |c, v| match parse_number(v) { Ok(Some(n)) => { c.max_score = n; true } _ => false })}</td>
                        <td>{office.then(|| view! {
                            <button type="button" class="link" data-testid="criterion-remove"
                                on:click=move |_| if confirm(tc::CONFIRM_DELETE.get()) { criteria.update(|cs| { if k < cs.len() { cs.remove(k); } }) }>{tc::DELETE}</button>
                        })}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
            {office.then(|| view! {
                <button type="button" class="button" data-testid="criterion-add"
                    on:click=move |_| criteria.update(|cs| { let key = next_key(cs); cs.push(Criterion { key, label: String::new(), weight: 1.0, max_score: 10.0 }); })>{tc::ADD_CRITERION}</button>
                <button type="button" class="button primary" data-testid=format!("rubric-save-{}", category.as_str()) disabled=move || put.pending().get() on:click=save>{tc::SAVE_RUBRIC}</button>
            })}
        </fieldset>
    }
}
