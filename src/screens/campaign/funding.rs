//! 资金扶持: funding records (kind, paying level, amount, date, purpose), with the candidate's
//! integrity grade and industry prospects shown next to them, and totals per level.

use leptos::prelude::*;
use shared::model::{Funding, FundingLevel, format_yuan, parse_yuan};
use shared::record::EntityKind;
use uuid::Uuid;

use super::data::{self, CampaignData, CampaignError};
use super::widgets::{Notice, date, id_select, notice_line, pick, textarea, today};
use crate::app::use_app;
use crate::i18n as t;
use crate::i18n::campaign as tc;

#[component]
pub fn FundingScreen() -> impl IntoView {
    let ctx = use_app();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move {
            let store = ctx.store();
            let all = data::load_data(&store).await?;
            let funding: Vec<(Uuid, Funding)> = data::load(&store).await?;
            Ok::<_, CampaignError>((all, funding))
        }
    });
    view! {
        {move || match loaded.get() {
            None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok((d, f))) => view! { <FundingView data=d funding=f reload=reload /> }.into_any(),
        }}
    }
}

#[component]
fn FundingView(
    data: CampaignData,
    funding: Vec<(Uuid, Funding)>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let ctx = use_app();
    let form = RwSignal::new(Funding { date: Some(today()), ..Default::default() });
    let amount = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<Notice>);
    let options: Vec<(Uuid, String)> = data
        .candidates
        .iter()
        .filter(|(_, c)| c.is_active())
        .map(|(id, c)| (*id, format!("{}（{}）", data.names.person(&c.person_id), c.year)))
        .collect();
    let branch_of: std::collections::HashMap<Uuid, String> =
        data.candidates.iter().map(|(id, c)| (*id, c.branch_id.clone())).collect();
    let candidates = data.candidates.clone();
    let submit = move |_| {
        let Some(fen) = parse_yuan(&amount.get_untracked()) else {
            notice.set(Some(Notice::Error(tc::BAD_AMOUNT.to_owned())));
            return;
        };
        let mut f = form.get_untracked();
        f.amount_fen = fen;
        let branch = branch_of.get(&f.candidate_id).cloned().unwrap_or_default();
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            let result = async {
                data::check(shared::validate::validate_funding(&f, today()))?;
                data::save(&store, &session, Uuid::now_v7(), &branch, &f).await
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
    let mut rows = funding.clone();
    rows.sort_by_key(|(_, x)| std::cmp::Reverse(x.date));
    let totals: Vec<(FundingLevel, i64)> = FundingLevel::ALL
        .iter()
        .map(|l| {
            (
                *l,
                funding
                    .iter()
                    .filter(|(_, f)| f.level == Some(*l))
                    .map(|(_, f)| f.amount_fen)
                    .sum(),
            )
        })
        .collect();
    let can = super::use_session().may_write_any(EntityKind::Funding);
    let names = data.names.clone();
    view! {
        <section class="funding">
            <h2>{tc::NAV_FUNDING}</h2>
            {notice_line(notice)}
            {can.then(|| view! {
            <fieldset class="section" data-testid="funding-form">
                <legend>{tc::NEW_FUNDING}</legend>
                {id_select(form, tc::CANDIDATE, "funding-candidate", options, |f| f.candidate_id, |f, v| f.candidate_id = v)}
                {move || {
                    let id = form.with(|f| f.candidate_id);
                    candidates.iter().find(|(c, _)| *c == id).map(|(_, c)| view! {
                        <p class="hint wide" data-testid="funding-informs">
                            {tc::INTEGRITY_GRADE}"："{c.integrity_grade.map(|g| g.label_zh()).unwrap_or(tc::NOT_SET)}
                            "；"{tc::INDUSTRY_PROSPECTS}"："{if c.industry_prospects.is_empty() { tc::NOT_SET.to_owned() } else { c.industry_prospects.clone() }}
                        </p>
                    })
                }}
                {pick(form, tc::FUNDING_KIND, "funding-kind", |f| f.kind, |f, v| f.kind = v)}
                {pick(form, tc::FUNDING_LEVEL, "funding-level", |f| f.level, |f, v| f.level = v)}
                <label class="field">
                    <span class="label">{tc::AMOUNT_YUAN}</span>
                    <input type="text" inputmode="decimal" data-testid="funding-amount" prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev)) />
                </label>
                {date(form, tc::DATE, "funding-date", |f| f.date, |f, v| f.date = v)}
                {textarea(form, tc::PURPOSE, "funding-purpose", |f| f.purpose.clone(), |f, v| f.purpose = v)}
                <button type="button" class="button primary" data-testid="funding-save" on:click=submit>{t::SAVE}</button>
            </fieldset>
            })}
            <dl class="facts" data-testid="funding-totals">
                {totals.into_iter().map(|(l, fen)| view! { <dt>{l.label_zh()}</dt><dd>{tc::yuan(&format_yuan(fen))}</dd> }).collect_view()}
            </dl>
            <table class="list" data-testid="funding-table">
                <thead><tr><th>{tc::DATE}</th><th>{tc::CANDIDATE}</th><th>{tc::FUNDING_KIND}</th><th>{tc::FUNDING_LEVEL}</th><th>{tc::AMOUNT_YUAN}</th><th>{tc::PURPOSE}</th></tr></thead>
                <tbody>
                {rows.into_iter().map(|(_, f)| view! {
                    <tr data-testid="funding-row">
                        <td>{f.date.map(|d| d.to_string()).unwrap_or_default()}</td>
                        <td>{names.candidate(&f.candidate_id)}</td>
                        <td>{f.kind.map(|k| k.label_zh()).unwrap_or("")}</td>
                        <td>{f.level.map(|l| l.label_zh()).unwrap_or("")}</td>
                        <td>{format_yuan(f.amount_fen)}</td>
                        <td>{f.purpose.clone()}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
