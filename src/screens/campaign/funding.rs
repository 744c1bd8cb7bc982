//! 资金扶持: funding records (kind, paying level, amount, date, purpose), with the candidate's
//! integrity grade and industry prospects shown next to them, and totals per level.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::{Funding, FundingLevel, parse_yuan};
use shared::record::EntityKind;
use uuid::Uuid;

use super::put_action;
use crate::components::fields::{Field, date, id_select, select, textarea};
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::format;
use crate::logic::forms::today;
use crate::services::campaign::{self, CampaignData, CampaignError};

type Loading = Loader<Result<(CampaignData, Vec<(Uuid, Funding)>), CampaignError>>;

#[component]
pub fn FundingScreen() -> impl IntoView {
    let ctx = use_app();
    let loaded: Loading = Loader::new(move || {
        let store = ctx.store();
        async move {
            let all = campaign::load_data(&store).await?;
            let funding: Vec<(Uuid, Funding)> = campaign::load(&store).await?;
            Ok((all, funding))
        }
    });
    view! {
        <Loaded resource=loaded let:((data, funding))>
            <FundingView data=data funding=funding loaded=loaded />
        </Loaded>
    }
}

#[component]
fn FundingView(
    data: CampaignData,
    funding: Vec<(Uuid, Funding)>,
    loaded: Loading,
) -> impl IntoView {
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
    let save = put_action::<Funding>();
    on_result(save, notice, move |_| loaded.refetch());
    let submit = move |_| {
        let Some(fen) = parse_yuan(&amount.get_untracked()) else {
            notice.set(Some(Notice::Error(tc::BAD_AMOUNT.to_string())));
            return;
        };
        let mut f = form.get_untracked();
        f.amount_fen = fen;
        // A funding record belongs to its candidate's branch.
        let branch = branch_of.get(&f.candidate_id).cloned().unwrap_or_default();
        save.dispatch_local((Uuid::now_v7(), branch, f));
    };
    let mut rows = funding.clone();
    shared::order::sort_by_key(&mut rows, |(_, x)| std::cmp::Reverse(x.date));
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
    let county = super::use_session().read_only();
    let names = data.names.clone();
    view! {
        <section class="funding">
            <h2>{tc::NAV_FUNDING}</h2>
            {notice_line(notice)}
            {can.then(|| view! {
            <fieldset class="section" data-testid="funding-form">
                <legend>{tc::NEW_FUNDING}</legend>
                {id_select(form, Field::new(tc::CANDIDATE.get(), "funding-candidate"), options, |f| f.candidate_id, |f, v| f.candidate_id = v)}
                {move || {
                    let id = form.with(|f| f.candidate_id);
                    candidates.iter().find(|(c, _)| *c == id).map(|(_, c)| view! {
                        <p class="hint wide" data-testid="funding-informs">
                            {tc::INTEGRITY_GRADE}"："{c.integrity_grade.map(|g| g.localized()).unwrap_or(tc::NOT_SET.get())}
                            "；"{tc::INDUSTRY_PROSPECTS}"："{if c.industry_prospects.is_empty() { tc::NOT_SET.to_string() } else { c.industry_prospects.clone() }}
                        </p>
                    })
                }}
                {select(form, Field::new(tc::FUNDING_KIND.get(), "funding-kind"), |f| f.kind, |f, v| f.kind = v)}
                {select(form, Field::new(tc::FUNDING_LEVEL.get(), "funding-level"), |f| f.level, |f, v| f.level = v)}
                <label class="field">
                    <span class="label">{tc::AMOUNT_YUAN}</span>
                    <input type="text" inputmode="decimal" data-testid="funding-amount" prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev)) />
                </label>
                {date(form, Field::new(tc::DATE.get(), "funding-date"), |f| f.date, |f, v| f.date = v)}
                {textarea(form, Field::new(tc::PURPOSE.get(), "funding-purpose"), |f| f.purpose.clone(), |f, v| f.purpose = v)}
                <button type="button" class="button primary" data-testid="funding-save" disabled=move || save.pending().get() on:click=submit>{t::SAVE}</button>
            </fieldset>
            })}
            // The county's store mixes every town's funding: no total across towns.
            {if county {
                view! { <p class="message warn" data-testid="county-no-totals">{tc::COUNTY_NO_TOTALS}</p> }.into_any()
            } else {
                view! {
                    <dl class="facts" data-testid="funding-totals">
                        {totals.into_iter().map(|(l, fen)| view! { <dt>{l.localized()}</dt><dd>{format::yuan(fen)}</dd> }).collect_view()}
                    </dl>
                }.into_any()
            }}
            <table class="list" data-testid="funding-table">
                <thead><tr><th>{tc::DATE}</th><th>{tc::CANDIDATE}</th><th>{tc::FUNDING_KIND}</th><th>{tc::FUNDING_LEVEL}</th><th>{tc::AMOUNT_YUAN}</th><th>{tc::PURPOSE}</th></tr></thead>
                <tbody>
                {rows.into_iter().map(|(_, f)| view! {
                    <tr data-testid="funding-row">
                        <td>{format::date_or_blank(f.date)}</td>
                        <td>{names.candidate(&f.candidate_id)}</td>
                        <td>{f.kind.map(|k| k.localized()).unwrap_or("")}</td>
                        <td>{f.level.map(|l| l.localized()).unwrap_or("")}</td>
                        <td>{format::yuan(f.amount_fen)}</td>
                        <td>{f.purpose.clone()}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
