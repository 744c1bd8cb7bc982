//! 考核评价: yearly scoring with the category's rubric, totals and the ranking per category,
//! and the commendation cycle before July 1 (镇初评 → 县审核 → 市命名 → 十佳推荐) with the
//! outcome per person per year.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{Assessment, Category, CommendationAction, Rubric};
use shared::scoring::{may_be_scored, one_sheet_each, rank_scored, recorded_total};
use shared::workflow::{commendation_overdue, commendation_transition};
use uuid::Uuid;

use crate::browser::dialog::confirm;
use crate::components::fields::{value_of, year_select};
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::rubric::rubric_for;
use crate::logic::format;
use crate::logic::forms::{now, today, year_options};
use crate::logic::forms::{number_text, parse_number};
use crate::services::campaign::{self, CampaignData, CampaignError};
use shared::model::Choice;
use shared::roles::Role;

use super::county::{CountyTowns, render_town};

type Loading = Loader<Result<(CampaignData, Vec<(Uuid, Rubric)>), CampaignError>>;

#[component]
pub fn AssessmentScreen() -> impl IntoView {
    let year = RwSignal::new(today().year());
    let category = RwSignal::new(Category::VillageLeader);
    // The county's own store mixes every town's sheets (and each town's rubrics under the same
    // ids): its ranking is one town's, from the server, ranked by the same rule as the town's.
    if super::use_session().role() == Role::CountyViewer {
        let render = render_town(move |data, reload| {
            view! { <AssessmentView data=data rubrics=None year=year category=category reload=reload /> }
        });
        return view! {
            <section class="assessment">
                <h2>{tc::NAV_ASSESSMENT}</h2>
                <CountyTowns picker="assessment-town" render=render />
            </section>
        }
        .into_any();
    }
    let ctx = use_app();
    let loaded: Loading = Loader::new(move || {
        let store = ctx.store();
        async move { Ok((campaign::load_data(&store).await?, campaign::load(&store).await?)) }
    });
    let reload = Callback::new(move |()| loaded.refetch());
    view! {
        <section class="assessment">
            <h2>{tc::NAV_ASSESSMENT}</h2>
            <Loaded resource=loaded let:((data, rubrics))>
                <AssessmentView data=data rubrics=Some(rubrics) year=year category=category reload=reload />
            </Loaded>
        </section>
    }
    .into_any()
}

/// The filters and the sheets of `data`. `rubrics`: the town's, or `None` where they are not
/// known (the county, which begins no scoring).
#[component]
fn AssessmentView(
    data: CampaignData,
    rubrics: Option<Vec<(Uuid, Rubric)>>,
    year: RwSignal<i32>,
    category: RwSignal<Category>,
    reload: Callback<()>,
) -> impl IntoView {
    let years = year_options(&data.campaign, today().year());
    view! {
        <div class="filters">
            {year_select(year, years, "assessment-year")}
            <label class="field">
                <span class="label">{t::F_CATEGORY}</span>
                <select data-testid="assessment-category" prop:value=move || category.get().as_str()
                    on:change=move |ev| if let Some(c) = Category::from_key(&event_target_value(&ev)) { category.set(c) }>
                    {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.localized()}</option> }).collect_view()}
                </select>
            </label>
        </div>
        {move || view! { <Sheets data=data.clone() rubrics=rubrics.clone() year=year.get() category=category.get() reload=reload /> }}
    }
}

#[component]
fn Sheets(
    data: CampaignData,
    rubrics: Option<Vec<(Uuid, Rubric)>>,
    year: i32,
    category: Category,
    reload: Callback<()>,
) -> impl IntoView {
    let notice = RwSignal::new(None::<Notice>);
    let rubric = rubrics.as_deref().and_then(|r| rubric_for(category, r));
    let no_rubric = rubrics.is_some() && rubric.is_none();
    // One sheet per candidate and year: of several stored (begun before the sheet's id was
    // derived from both), the one `one_sheet_each` keeps is shown and ranked.
    let sheets: Vec<(Uuid, Assessment)> = one_sheet_each(&data.assessments)
        .into_iter()
        .filter(|(_, a)| a.year == year && a.category == Some(category))
        .collect();
    // Only candidacies that may be scored this year (approved by the town or further, not
    // removed or returned) get a sheet and a place in the ranking.
    let ranking = rank_scored(&sheets, &data.candidates, category, year);
    let candidates: Vec<_> = data
        .candidates
        .iter()
        .filter(|(_, c)| c.category == Some(category) && may_be_scored(c, year))
        .cloned()
        .collect();
    let office = super::use_session().is_office();
    let current_rubric = StoredValue::new(rubric.clone());
    let begin_scoring =
        super::write_action(move |store, session, (candidate, branch): (Uuid, String)| {
            let rubric = current_rubric.get_value();
            async move {
                let rubric = rubric.ok_or(CampaignError::NotFound)?;
                campaign::begin_scoring(&store, &session, candidate, &branch, year, rubric, today())
                    .await
            }
        });
    on_result(begin_scoring, notice, move |_| reload.run(()));
    let begin = move |candidate_id: Uuid, branch: String| {
        begin_scoring.dispatch_local((candidate_id, branch));
    };
    let names = data.names.clone();
    view! {
        {notice_line(notice)}
        {no_rubric.then(|| view! { <p class="message warn" data-testid="assessment-no-rubric">{tc::NO_RUBRIC}</p> })}
        <h3>{tc::RANKING}</h3>
        <table class="list" data-testid="assessment-ranking">
            <thead><tr><th>{tc::RANK}</th><th>{t::COL_NAME}</th><th>{tc::TOTAL}</th><th>{tc::STAGE}</th></tr></thead>
            <tbody>
            {ranking.iter().map(|r| {
                let stage = sheets.iter().find(|(id, _)| *id == r.assessment_id).map(|(_, a)| a.stage.localized()).unwrap_or("");
                view! {
                    <tr data-testid="ranking-row">
                        <td data-testid="ranking-rank">{r.rank}</td><td data-testid="ranking-name">{names.candidate(&r.candidate_id)}</td>
                        <td data-testid="ranking-total">{format!("{:.2}", r.total)}</td><td>{stage}</td>
                    </tr>
                }
            }).collect_view()}
            </tbody>
        </table>
        <h3>{tc::SCORE_SHEETS}</h3>
        {candidates.into_iter().map(|(cid, c)| {
            let sheet = sheets.iter().find(|(_, a)| a.candidate_id == cid).cloned();
            let name = names.person(&c.person_id);
            let branch = c.branch_id.clone();
            match sheet {
                Some((aid, a)) => view! {
                    <SheetEditor id=aid sheet=a name=name branch=branch office=office reload=reload />
                }.into_any(),
                None => view! {
                    <article class="section" data-testid="sheet-missing">
                        <strong class="wide">{name}</strong>
                        {office.then(|| view! {
                            <button type="button" class="button" data-testid="sheet-begin"
                                disabled=move || no_rubric || begin_scoring.pending().get()
                                on:click=move |_| begin(cid, branch.clone())>{tc::BEGIN_SCORING}</button>
                        })}
                    </article>
                }.into_any(),
            }
        }).collect_view()}
    }
}

#[component]
fn SheetEditor(
    id: Uuid,
    sheet: Assessment,
    name: String,
    branch: String,
    office: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let form = RwSignal::new(sheet.clone());
    // What is on disk (the sheet is read again after a save): a save writes only the scores
    // changed here.
    let on_disk = StoredValue::new(sheet.clone());
    let notice = RwSignal::new(None::<Notice>);
    let reason = RwSignal::new(String::new());
    let branch = StoredValue::new(branch);
    let save = super::edit_action::<Assessment>();
    on_result(save, notice, move |_| reload.run(()));
    let ctx = crate::context::use_app();
    let step = super::write_action(
        move |store, session, (action, why, sheet): (CommendationAction, String, Assessment)| {
            let branch = branch.get_value();
            let edit = campaign::Edit { before: on_disk.get_value(), after: sheet };
            async move {
                let stepped =
                    campaign::commend(&store, &session, (id, &branch), &edit, action, &why, now())
                        .await;
                // Scores typed over another device's, or a step over one taken meanwhile:
                // said, and kept as conflicts for the office.
                super::say_overwritten(ctx, stepped)
            }
        },
    );
    on_result(step, notice, move |_| reload.run(()));
    let act = move |action: CommendationAction| {
        if action == CommendationAction::Reject && !confirm(tc::CONFIRM_REJECT.get()) {
            return;
        }
        step.dispatch_local((action, reason.get_untracked(), form.get_untracked()));
    };
    let session = super::use_session();
    let overdue = commendation_overdue(&sheet, today());
    let criteria = sheet.criteria.clone();
    let role = session.role();
    let read_only = session.read_only();
    view! {
        <article class="section sheet" data-testid="sheet">
            <strong class="wide">{name}" · "{tc::rubric_version(sheet.rubric_version)}</strong>
            {notice_line(notice)}
            {overdue.then(|| view! { <p class="message warn wide" data-testid="sheet-overdue">{tc::COMMENDATION_OVERDUE}</p> })}
            {criteria.into_iter().map(|c| {
                let key = c.key.clone();
                // Given to the input only when the stored score changes, so text that is not a
                // number stays on screen (with its notice) while another score is entered.
                let score = value_of(form, move |a| a.scores.get(&key).map(|s| number_text(*s)).unwrap_or_default());
                let key2 = c.key.clone();
                view! {
                    <label class="field">
                        <span class="label">{format!("{}（{} {}，{} {}）", c.label, tc::WEIGHT, number_text(c.weight), tc::MAX_SCORE, number_text(c.max_score))}</span>
                        <input type="text" inputmode="decimal" data-testid=format!("score-{}", c.key) disabled=!office
                            prop:value=move || score.get()
                            on:change=move |ev| match parse_number(&event_target_value(&ev)) {
                                Ok(Some(n)) => form.update(|a| { a.scores.insert(key2.clone(), n); }),
                                Ok(None) => form.update(|a| { a.scores.remove(&key2); }),
                                Err(_) => notice.set(Some(Notice::Error(t::NOT_A_NUMBER.to_string()))),
                            } />
                    </label>
                }
            }).collect_view()}
            <p class="wide" data-testid="sheet-total">{move || form.with(|a| match recorded_total(a) {
                Ok(total) => tc::total(total),
                Err(e) => crate::logic::validation::words(&e.message()),
            })}</p>
            {office.then(|| view! {
                <button type="button" class="button primary" data-testid="sheet-save" disabled=move || save.pending().get()
                    on:click=move |_| {
                        let edit = campaign::Edit { before: on_disk.get_value(), after: form.get_untracked() };
                        save.dispatch_local((id, branch.get_value(), edit));
                    }>{tc::SAVE_SCORES}</button>
            })}
            <p class="wide" data-testid="sheet-stage">{tc::STAGE}"："{sheet.stage.localized()}
                {(!sheet.reason.is_empty()).then(|| format!("（{}）", sheet.reason))}</p>
            {(!read_only).then(|| view! {
            <div class="actions-grid wide">
                {CommendationAction::ALL.iter().map(|action| {
                    let action = *action;
                    let refusal = commendation_transition(sheet.stage, action, role, Some("理由")).err().map(|e| crate::logic::validation::words(&e.message()));
                    view! {
                        <div class="action">
                            <button type="button" class="button" data-testid=format!("commend-{}", action.as_str())
                                disabled=refusal.is_some() title=refusal.clone().unwrap_or_default() on:click=move |_| act(action)>
                                {action.localized()}
                            </button>
                            {refusal.map(|r| view! { <span class="refusal">{r}</span> })}
                        </div>
                    }
                }).collect_view()}
            </div>
            })}
            {office.then(|| view! {
                <label class="field wide">
                    <span class="label">{tc::REJECT_REASON}</span>
                    <input type="text" data-testid="commend-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            })}
            <ul class="history wide">
                {sheet.history.iter().map(|h| view! {
                    <li>{format!("{} {} {} → {} {}", format::date_time(h.at), tc::who(&h.by, h.role.map(|r| r.localized())), h.from.localized(), h.to.localized(), h.reason)}</li>
                }).collect_view()}
            </ul>
        </article>
    }
}
