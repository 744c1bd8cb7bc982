//! 亮相: a printable display card per candidate (for the village notice board's 亮相台, or the
//! rotating red flag of the other categories).

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::{ApplicationState, Candidate, Category, Person};
use uuid::Uuid;

use crate::components::print::print_button;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::campaign::typed::Names;
use crate::services::campaign::{CampaignData, CampaignError};

/// Whether a candidate's display card may be printed: only once the town committee approved
/// (镇党委审定) them, and while they stay on the path (filed with the county, named).
pub fn past_town_approval(state: ApplicationState) -> bool {
    matches!(
        state,
        ApplicationState::TownApproved | ApplicationState::CountyFiled | ApplicationState::Named
    )
}

#[component]
pub fn DisplayCard(id: Uuid) -> impl IntoView {
    // The candidate's town's data: its committee signs the card (for a county account, read
    // from the server: its own store mixes every town's settings).
    super::candidate_screen(id, move |data: CampaignData, _| {
        let candidate = data.candidates.iter().find(|(c, _)| *c == id).map(|(_, c)| c.clone());
        let Some(candidate) = candidate else {
            return view! {
                <p class="message error" data-testid="card-not-found">{CampaignError::NotFound.to_string()}</p>
            }
            .into_any();
        };
        let person =
            data.people.iter().find(|(p, _)| *p == candidate.person_id).map(|(_, p)| p.clone());
        card(id, candidate, person, data.names.clone(), data.campaign.committee())
    })
}

/// The card of candidate `id`, or why it may not be printed yet.
fn card(
    id: Uuid,
    candidate: Candidate,
    person: Option<Person>,
    names: Names,
    committee: String,
) -> AnyView {
    match (candidate, person, names, committee) {
        (c, _, _, _) if !past_town_approval(c.state) => view! {
            <p class="message warn" data-testid="card-not-approved">
                {crate::i18n::office::CARD_NOT_YET}{c.state.localized()}"）"
            </p>
            <a class="button secondary" href=CampaignRoute::Candidate(id).href()>{tc::BACK_TO_PROFILE}</a>
        }.into_any(),
        (c, p, names, committee) => {
            let name = p.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| tc::UNKNOWN_PERSON.to_string());
            let unit = p.as_ref().map(|p| p.village_unit.clone()).unwrap_or_default();
            let named = c.state == ApplicationState::Named;
            let board = if c.category == Some(Category::VillageLeader) && named { tc::BOARD } else { tc::RED_FLAG };
            let met: Vec<_> = c.standards.iter().filter(|s| s.met).cloned().collect();
            view! {
                <div class="no-print filters">
                    <a class="button secondary" href=CampaignRoute::Candidate(id).href()>{tc::BACK_TO_PROFILE}</a>
                    {print_button("print")}
                </div>
                <article class="paper card" data-testid="display-card">
                    <header class="card-head">
                        <p class="card-campaign">{tc::CARD_HEADING}</p>
                        <h2 class="card-title">{c.category.map(|k| k.localized()).unwrap_or("")}</h2>
                        <p class="card-kind">{board}</p>
                    </header>
                    <h1 class="card-name" data-testid="card-name">{name}</h1>
                    <dl class="facts">
                        <dt>{tc::UNIT}</dt><dd>{unit}</dd>
                        <dt>{tc::COL_BRANCH}</dt><dd>{names.branch(&c.branch_id)}</dd>
                        <dt>{tc::YEAR}</dt><dd>{tc::year_label(c.year)}</dd>
                        <dt>{tc::STATE}</dt><dd data-testid="card-state">{c.state.localized()}</dd>
                        <dt>{tc::CONTACT_PERSON}</dt><dd>{c.contact_person.clone()}</dd>
                    </dl>
                    <h3>{tc::DEEDS}</h3>
                    <ul class="card-deeds">
                        {met.into_iter().map(|s| view! { <li><strong>{s.item}</strong>"："{s.evidence}</li> }).collect_view()}
                    </ul>
                    <p class="card-foot" data-testid="card-foot">{committee}</p>
                </article>
            }.into_any()
        }
    }
}
