//! 考核评价: yearly scoring with the category's rubric, totals and the ranking per category,
//! and the commendation cycle before July 1 (镇初评 → 县审核 → 市命名 → 十佳推荐) with the
//! outcome per person per year.

use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{Assessment, Category, CommendationAction, Rubric};
use shared::scoring::{
    begin_assessment, may_be_scored, rank_scored, recorded_total, validate_scores,
};
use shared::workflow::{advance_commendation, commendation_overdue, commendation_transition};
use uuid::Uuid;

use super::data::{self, CampaignData, CampaignError};
use super::widgets::{Notice, Pick, confirm, notice_line, now, today, year_options, year_select};
use crate::app::use_app;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::forms::{number_text, parse_number};
use crate::logic::campaign::rubric::rubric_for;
use crate::logic::campaign::session::Session;

#[derive(Clone)]
struct Loaded {
    data: CampaignData,
    rubrics: Vec<(Uuid, Rubric)>,
    session: Session,
}

#[component]
pub fn AssessmentScreen() -> impl IntoView {
    let ctx = use_app();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move {
            let store = ctx.store();
            Ok::<_, CampaignError>(Loaded {
                data: data::load_data(&store).await?,
                rubrics: data::load(&store).await?,
                session: data::session(&store).await,
            })
        }
    });
    let year = RwSignal::new(today().year());
    let category = RwSignal::new(Category::VillageLeader);
    view! {
        <section class="assessment">
            <h2>{tc::NAV_ASSESSMENT}</h2>
            {move || match loaded.get() {
                None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(l)) => {
                    let years = year_options(&l.data.campaign, today().year());
                    view! {
                        <div class="filters">
                            {year_select(year, years, "assessment-year")}
                            <label class="field">
                                <span class="label">{t::F_CATEGORY}</span>
                                <select data-testid="assessment-category" prop:value=move || category.get().as_str()
                                    on:change=move |ev| if let Some(c) = Category::from_key(&event_target_value(&ev)) { category.set(c) }>
                                    {Category::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label_zh()}</option> }).collect_view()}
                                </select>
                            </label>
                        </div>
                        {move || view! { <Sheets loaded=l.clone() year=year.get() category=category.get() reload=reload /> }}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Sheets(loaded: Loaded, year: i32, category: Category, reload: RwSignal<u32>) -> impl IntoView {
    let ctx = use_app();
    let Loaded { data, rubrics, session } = loaded;
    let notice = RwSignal::new(None::<Notice>);
    let rubric = rubric_for(category, &rubrics);
    let sheets: Vec<(Uuid, Assessment)> = data
        .assessments
        .iter()
        .filter(|(_, a)| a.year == year && a.category == Some(category))
        .cloned()
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
    let office = session.is_office();
    let session = StoredValue::new(session);
    let current_rubric = StoredValue::new(rubric.clone());
    let begin = move |candidate_id: Uuid, branch: String| {
        let Some((rubric_id, rubric)) = current_rubric.get_value() else { return };
        let session = session.get_value();
        leptos::task::spawn_local(async move {
            let sheet =
                begin_assessment(candidate_id, year, rubric_id, &rubric, &session.by(), today());
            match data::save(&ctx.store(), &session, Uuid::now_v7(), &branch, &sheet).await {
                Ok(()) => {
                    ctx.refresh_pending();
                    reload.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let names = data.names.clone();
    view! {
        {notice_line(notice)}
        {rubric.is_none().then(|| view! { <p class="message warn" data-testid="assessment-no-rubric">{tc::NO_RUBRIC}</p> })}
        <h3>{tc::RANKING}</h3>
        <table class="list" data-testid="assessment-ranking">
            <thead><tr><th>{tc::RANK}</th><th>{t::COL_NAME}</th><th>{tc::TOTAL}</th><th>{tc::STAGE}</th></tr></thead>
            <tbody>
            {ranking.iter().map(|r| {
                let stage = sheets.iter().find(|(id, _)| *id == r.assessment_id).map(|(_, a)| a.stage.label_zh()).unwrap_or("");
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
                    <SheetEditor id=aid sheet=a name=name branch=branch office=office session=session.get_value() reload=reload />
                }.into_any(),
                None => view! {
                    <article class="section" data-testid="sheet-missing">
                        <strong class="wide">{name}</strong>
                        {office.then(|| view! {
                            <button type="button" class="button" data-testid="sheet-begin" disabled=rubric.is_none()
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
    session: Session,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let ctx = use_app();
    let form = RwSignal::new(sheet.clone());
    let notice = RwSignal::new(None::<Notice>);
    let reason = RwSignal::new(String::new());
    let session = StoredValue::new(session);
    let branch = StoredValue::new(branch);
    let persist = move |a: Assessment| {
        let session = session.get_value();
        let branch = branch.get_value();
        leptos::task::spawn_local(async move {
            let result = async {
                data::check(validate_scores(&a))?;
                data::save(&ctx.store(), &session, id, &branch, &a).await
            }
            .await;
            match result {
                Ok(()) => {
                    ctx.refresh_pending();
                    reload.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let act = move |action: CommendationAction| {
        let mut a = form.get_untracked();
        let s = session.get_value();
        let why = reason.get_untracked();
        if action == CommendationAction::Reject && !confirm(tc::CONFIRM_REJECT) {
            return;
        }
        match advance_commendation(&mut a, action, &s.by(), s.role(), now(), Some(why.as_str())) {
            Ok(_) => persist(a),
            Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
        }
    };
    let overdue = commendation_overdue(&sheet, today());
    let criteria = sheet.criteria.clone();
    let role = session.get_value().role();
    let read_only = session.get_value().read_only();
    view! {
        <article class="section sheet" data-testid="sheet">
            <strong class="wide">{name}" · "{tc::rubric_version(sheet.rubric_version)}</strong>
            {notice_line(notice)}
            {overdue.then(|| view! { <p class="message warn wide" data-testid="sheet-overdue">{tc::COMMENDATION_OVERDUE}</p> })}
            {criteria.into_iter().map(|c| {
                let key = c.key.clone();
                let key2 = c.key.clone();
                view! {
                    <label class="field">
                        <span class="label">{format!("{}（{} {}，{} {}）", c.label, tc::WEIGHT, number_text(c.weight), tc::MAX_SCORE, number_text(c.max_score))}</span>
                        <input type="text" inputmode="decimal" data-testid=format!("score-{}", c.key) disabled=!office
                            prop:value=move || form.with(|a| a.scores.get(&key).map(|s| number_text(*s)).unwrap_or_default())
                            on:change=move |ev| match parse_number(&event_target_value(&ev)) {
                                Ok(Some(n)) => form.update(|a| { a.scores.insert(key2.clone(), n); }),
                                Ok(None) => form.update(|a| { a.scores.remove(&key2); }),
                                Err(_) => notice.set(Some(Notice::Error(tc::NOT_A_NUMBER.to_owned()))),
                            } />
                    </label>
                }
            }).collect_view()}
            <p class="wide" data-testid="sheet-total">{move || form.with(|a| match recorded_total(a) {
                Ok(total) => tc::total(total),
                Err(e) => e.to_string(),
            })}</p>
            {office.then(|| view! {
                <button type="button" class="button primary" data-testid="sheet-save" on:click=move |_| persist(form.get_untracked())>{tc::SAVE_SCORES}</button>
            })}
            <p class="wide" data-testid="sheet-stage">{tc::STAGE}"："{sheet.stage.label_zh()}
                {(!sheet.reason.is_empty()).then(|| format!("（{}）", sheet.reason))}</p>
            {(!read_only).then(|| view! {
            <div class="actions-grid wide">
                {CommendationAction::ALL.iter().map(|action| {
                    let action = *action;
                    let refusal = commendation_transition(sheet.stage, action, role, Some("理由")).err().map(|e| e.to_string());
                    view! {
                        <div class="action">
                            <button type="button" class="button" data-testid=format!("commend-{}", action.as_str())
                                disabled=refusal.is_some() title=refusal.clone().unwrap_or_default() on:click=move |_| act(action)>
                                {action.label_zh()}
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
                    <li>{format!("{} {} {} → {} {}", h.at.format("%Y-%m-%d %H:%M"), tc::who(&h.by, h.role.map(|r| r.label_zh())), h.from.label_zh(), h.to.label_zh(), h.reason)}</li>
                }).collect_view()}
            </ul>
        </article>
    }
}
