//! The campaign screens (DOMAIN.md steps 2–5 and section 四), below `#/campaign/`: one screen
//! per file, a sub-navigation, and the store access they share ([`data`]).

pub mod assessment;
pub mod bases;
pub mod candidate;
pub mod candidates;
pub mod contacts;
pub mod dashboard;
pub mod data;
pub mod display_card;
pub mod funding;
pub mod inspections;
pub mod meetings;
pub mod notices;
pub mod report;
pub mod settings;
pub mod widgets;

use leptos::prelude::*;

use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;

/// The campaign area: its sub-navigation and the screen `route` names.
#[component]
pub fn CampaignScreen(route: CampaignRoute) -> impl IntoView {
    let nav = NAV
        .iter()
        .map(|(target, label, testid)| {
            let active = std::mem::discriminant(target) == std::mem::discriminant(&route);
            view! { <a href=target.href() class:active=active data-testid=*testid>{*label}</a> }
        })
        .collect_view();
    let screen = match route {
        CampaignRoute::Dashboard => view! { <dashboard::Dashboard /> }.into_any(),
        CampaignRoute::Candidates => view! { <candidates::CandidateList /> }.into_any(),
        CampaignRoute::NewCandidate(person) => {
            view! { <candidates::NewCandidate person=person /> }.into_any()
        }
        CampaignRoute::Candidate(id) => view! { <candidate::CandidateProfile id=id /> }.into_any(),
        CampaignRoute::Contacts(id) => view! { <contacts::Contacts candidate=id /> }.into_any(),
        CampaignRoute::Bases => view! { <bases::Bases /> }.into_any(),
        CampaignRoute::Base(id) => view! { <bases::BaseDetail id=id /> }.into_any(),
        CampaignRoute::Funding => view! { <funding::FundingScreen /> }.into_any(),
        CampaignRoute::Meetings => view! { <meetings::Meetings /> }.into_any(),
        CampaignRoute::Inspections => view! { <inspections::Inspections /> }.into_any(),
        CampaignRoute::Assessment => view! { <assessment::AssessmentScreen /> }.into_any(),
        CampaignRoute::Notices => view! { <notices::Notices /> }.into_any(),
        CampaignRoute::Settings => view! { <settings::CampaignSettings /> }.into_any(),
        CampaignRoute::Report => view! { <report::Report /> }.into_any(),
        CampaignRoute::Card(id) => view! { <display_card::DisplayCard id=id /> }.into_any(),
    };
    view! {
        <nav class="nav campaign-nav no-print" data-testid="campaign-nav">{nav}</nav>
        <div class="campaign">{screen}</div>
    }
}

const NAV: &[(CampaignRoute, &str, &str)] = &[
    (CampaignRoute::Dashboard, tc::NAV_DASHBOARD, "cnav-dashboard"),
    (CampaignRoute::Candidates, tc::NAV_CANDIDATES, "cnav-candidates"),
    (CampaignRoute::Contacts(None), tc::NAV_CONTACTS, "cnav-contacts"),
    (CampaignRoute::Bases, tc::NAV_BASES, "cnav-bases"),
    (CampaignRoute::Funding, tc::NAV_FUNDING, "cnav-funding"),
    (CampaignRoute::Meetings, tc::NAV_MEETINGS, "cnav-meetings"),
    (CampaignRoute::Inspections, tc::NAV_INSPECTIONS, "cnav-inspections"),
    (CampaignRoute::Assessment, tc::NAV_ASSESSMENT, "cnav-assessment"),
    (CampaignRoute::Notices, tc::NAV_NOTICES, "cnav-notices"),
    (CampaignRoute::Report, tc::NAV_REPORT, "cnav-report"),
    (CampaignRoute::Settings, tc::NAV_SETTINGS, "cnav-settings"),
];
