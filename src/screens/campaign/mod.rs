//! The campaign screens (DOMAIN.md steps 2–5 and section 四), below `#/campaign/`: one screen
//! per file, a sub-navigation, and the store access they share ([`data`]).

pub mod assessment;
pub mod bases;
pub mod branches;
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
pub mod pipeline;
pub mod report;
pub mod settings;
pub mod widgets;

use leptos::prelude::*;
use shared::roles::Role;

use crate::app::use_app;
use crate::i18n::branches as tb;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::campaign::session::Session;

/// The session the campaign screen was opened under (provided by [`CampaignScreen`]; the
/// local default when none was provided).
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session::local(""))
}

/// The campaign area: its sub-navigation and the screen `route` names. The screen is built
/// once the session is read, and finds it with [`use_session`]: forms and buttons are shown
/// only to roles that may use them, and a county viewer reads everything with a read-only note.
#[component]
pub fn CampaignScreen(route: CampaignRoute) -> impl IntoView {
    let ctx = use_app();
    let nav = NAV
        .iter()
        .map(|(target, label, testid)| {
            let active = std::mem::discriminant(target) == std::mem::discriminant(&route);
            view! { <a href=target.href() class:active=active data-testid=*testid>{*label}</a> }
        })
        .collect_view();
    let session = LocalResource::new(move || async move { data::session(&ctx.store()).await });
    let screen = move || {
        session.get().map(|s| {
            let read_only = s.role() == Role::CountyViewer;
            provide_context(s);
            view! {
                {read_only.then(|| view! { <p class="message warn" data-testid="read-only-note">{tb::READ_ONLY}</p> })}
                {screen_of(route.clone())}
            }
        })
    };
    view! {
        <nav class="nav campaign-nav no-print" data-testid="campaign-nav">{nav}</nav>
        <div class="campaign">{screen}</div>
    }
}

fn screen_of(route: CampaignRoute) -> AnyView {
    match route {
        CampaignRoute::Dashboard => view! { <dashboard::Dashboard /> }.into_any(),
        CampaignRoute::Candidates => view! { <candidates::CandidateList /> }.into_any(),
        CampaignRoute::Pipeline => view! { <pipeline::PipelineScreen /> }.into_any(),
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
        CampaignRoute::Branches => view! { <branches::Branches /> }.into_any(),
    }
}

const NAV: &[(CampaignRoute, &str, &str)] = &[
    (CampaignRoute::Dashboard, tc::NAV_DASHBOARD, "cnav-dashboard"),
    (CampaignRoute::Candidates, tc::NAV_CANDIDATES, "cnav-candidates"),
    (CampaignRoute::Pipeline, tc::NAV_PIPELINE, "cnav-pipeline"),
    (CampaignRoute::Contacts(None), tc::NAV_CONTACTS, "cnav-contacts"),
    (CampaignRoute::Bases, tc::NAV_BASES, "cnav-bases"),
    (CampaignRoute::Funding, tc::NAV_FUNDING, "cnav-funding"),
    (CampaignRoute::Meetings, tc::NAV_MEETINGS, "cnav-meetings"),
    (CampaignRoute::Inspections, tc::NAV_INSPECTIONS, "cnav-inspections"),
    (CampaignRoute::Assessment, tc::NAV_ASSESSMENT, "cnav-assessment"),
    (CampaignRoute::Notices, tc::NAV_NOTICES, "cnav-notices"),
    (CampaignRoute::Report, tc::NAV_REPORT, "cnav-report"),
    (CampaignRoute::Settings, tc::NAV_SETTINGS, "cnav-settings"),
    (CampaignRoute::Branches, tb::NAV_BRANCHES, "cnav-branches"),
];
