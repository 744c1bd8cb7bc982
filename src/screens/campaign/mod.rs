//! The campaign screens (DOMAIN.md steps 2–5 and section 四), below `#/campaign/`: one screen
//! per file and a sub-navigation. What they read and write is `services::campaign`.

pub mod assessment;
pub mod bases;
pub mod branches;
pub mod candidate;
pub mod candidates;
pub mod contacts;
pub mod county;
pub mod dashboard;
pub mod display_card;
pub mod funding;
pub mod inspections;
pub mod meetings;
pub mod notices;
pub mod pipeline;
pub mod report;
pub mod settings;

use leptos::prelude::*;
use shared::roles::Role;

use crate::components::loaded::Loaded;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use shared::model::Entity;
use uuid::Uuid;

use crate::i18n::branches as tb;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use std::future::Future;

use crate::logic::forms::today;
use crate::logic::session::Session;
use crate::services::campaign::{self, CampaignData, CampaignError, Checked};
use crate::store::Store;

/// Who works on this device (the app's one session, see `AppCtx::session`).
pub fn use_session() -> Session {
    use_app().session_now()
}

/// A write of a campaign screen: `write(store, session, input)` as the app's session, run when
/// the action is dispatched with `input`. A change saved is counted and sent
/// (`AppCtx::refresh_pending`). Its `pending()` disables the button that dispatched it; show
/// its outcome with `components::notice::on_result`.
pub fn write_action<I, T, Fut>(
    write: impl Fn(Store, Session, I) -> Fut + 'static,
) -> LocalAction<I, Result<T, CampaignError>>
where
    I: Clone + 'static,
    T: 'static,
    Fut: Future<Output = Result<T, CampaignError>> + 'static,
{
    let ctx = use_app();
    LocalAction::new(move |input: &I| {
        let written = write(ctx.store(), ctx.session_now(), input.clone());
        async move {
            let written = written.await;
            if written.is_ok() {
                ctx.refresh_pending();
            }
            written
        }
    })
}

/// The write of a campaign form: [`campaign::put`] of `(id, branch, value)`.
pub fn put_action<T: Checked + Clone + 'static>()
-> LocalAction<(Uuid, String, T), Result<Uuid, CampaignError>> {
    write_action(|store, session, (id, branch, value): (Uuid, String, T)| async move {
        campaign::put(&store, &session, id, &branch, &value, today()).await
    })
}

/// The write of an edit of a record the screen loaded: [`campaign::put_edit`] of
/// `(id, branch, Edit { before, after })`, which writes only the fields changed on the form
/// (what it typed over that was changed elsewhere meanwhile is said: [`say_overwritten`]).
pub fn edit_action<T: Checked + Clone + 'static>()
-> LocalAction<(Uuid, String, campaign::Edit<T>), Result<campaign::Edited, CampaignError>> {
    let ctx = use_app();
    write_action(
        move |store, session, (id, branch, edit): (Uuid, String, campaign::Edit<T>)| async move {
            let edited = campaign::put_edit(&store, &session, id, &branch, &edit, today()).await;
            say_overwritten(ctx, edited)
        },
    )
}

/// An edit's outcome, passed on; what it overwrote that was changed elsewhere meanwhile (each
/// kept as a conflict for the office) said in the app's message line, which stays when the
/// screen is read again after the save.
pub fn say_overwritten(
    ctx: crate::context::AppCtx,
    edited: Result<campaign::Edited, CampaignError>,
) -> Result<campaign::Edited, CampaignError> {
    if let Ok(edited) = &edited
        && !edited.overwritten.is_empty()
    {
        ctx.message.set(Some(crate::i18n::overwritten_values(&edited.overwritten)));
    }
    edited
}

/// The delete of a record of `T`'s kind by id ([`campaign::remove`]).
pub fn remove_action<T: Entity + 'static>() -> LocalAction<Uuid, Result<(), CampaignError>> {
    write_action(|store, session, id: Uuid| async move {
        campaign::remove::<T>(&store, &session, id).await
    })
}

/// The town's campaign data of an overview screen, read when the screen opens; `refetch()` it
/// after a save.
pub fn campaign_data() -> Loader<Result<CampaignData, CampaignError>> {
    let ctx = use_app();
    Loader::new(move || {
        let store = ctx.store();
        async move { campaign::load_data(&store).await }
    })
}

/// A screen of the town's campaign data, `render`ed with a way to read it again: from this
/// device's store, or for a county account (whose store mixes every town's records) one town's
/// from the server, behind a town picker with `data-testid` `picker` ([`county::CountyTowns`]).
pub fn town_screen<F, V>(picker: &'static str, render: F) -> AnyView
where
    F: Fn(CampaignData, Callback<()>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    town_screen_of(picker, county::render_town(render))
}

/// [`town_screen`], compiled once.
fn town_screen_of(picker: &'static str, render: county::RenderTown) -> AnyView {
    if use_session().role() == Role::CountyViewer {
        return view! { <county::CountyTowns picker=picker render=render /> }.into_any();
    }
    local_screen(render)
}

/// `render` of this device's campaign data ([`campaign_data`]), with a way to read it again.
fn local_screen(render: county::RenderTown) -> AnyView {
    let loaded = campaign_data();
    let reload = Callback::new(move |()| loaded.refetch());
    view! { <Loaded resource=loaded let:data>{render(data, reload)}</Loaded> }.into_any()
}

/// A screen of one candidate's town's campaign data (their contacts, their display card),
/// `render`ed with a way to read it again: from this device's store, or for a county account
/// (whose store mixes every town's settings under one id) the candidate's town's from the
/// server ([`county::CandidateTown`]).
pub fn candidate_screen<F, V>(candidate: Uuid, render: F) -> AnyView
where
    F: Fn(CampaignData, Callback<()>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let render = county::render_town(render);
    if use_session().role() == Role::CountyViewer {
        return view! { <county::CandidateTown candidate=candidate render=render /> }.into_any();
    }
    local_screen(render)
}

/// The campaign area: its sub-navigation and the screen `route` names. The screen is built
/// once the kept sign-in is read, and finds the session with [`use_session`]: forms and buttons are shown
/// only to roles that may use them, and a county viewer reads everything with a read-only note.
#[component]
pub fn CampaignScreen(route: CampaignRoute) -> impl IntoView {
    campaign_frame(route, screen_of)
}

/// The campaign dashboard in the same frame, reaching no other campaign screen: the split
/// point `split::campaign_dashboard` shows it from a module of its own, so the dashboard, the
/// campaign area's first screen, does not wait for every campaign screen's code.
#[component]
pub fn DashboardScreen() -> impl IntoView {
    campaign_frame(CampaignRoute::Dashboard, |_| view! { <dashboard::Dashboard /> }.into_any())
}

/// The sub-navigation with `route` marked, and under it `screen_of(route)` once the session is
/// known. `screen_of` is the only way from here to a screen's code.
fn campaign_frame(route: CampaignRoute, screen_of: fn(CampaignRoute) -> AnyView) -> impl IntoView {
    let ctx = use_app();
    let nav = NAV
        .iter()
        .map(|(target, label, testid)| {
            let active = std::mem::discriminant(target) == std::mem::discriminant(&route);
            view! { <a href=target.href() class:active=active data-testid=*testid>{*label}</a> }
        })
        .collect_view();
    let screen = move || {
        ctx.session.get().map(|s| {
            let read_only = s.role() == Role::CountyViewer;
            // The county's screens read from its own store (every town's records, none saying
            // which town) list without totals, and say where each town's figures are.
            let mixed = read_only && lists_every_town(&route);
            view! {
                {read_only.then(|| view! { <p class="message warn" data-testid="read-only-note">{tb::READ_ONLY}</p> })}
                {mixed.then(|| view! { <p class="message warn" data-testid="county-mixed-note">{tc::COUNTY_MIXED}</p> })}
                {screen_of(route.clone())}
            }
        })
    };
    view! {
        <nav class="nav campaign-nav no-print" aria-label=tc::NAV_CAMPAIGN data-testid="campaign-nav">{nav}</nav>
        <div class="campaign">{screen}</div>
    }
}

/// Does `route` show a county account its own store (every town's records, unlabelled),
/// rather than one town's picked from the server ([`town_screen`]) or a single record?
fn lists_every_town(route: &CampaignRoute) -> bool {
    matches!(
        route,
        CampaignRoute::Candidates
            | CampaignRoute::Bases
            | CampaignRoute::Funding
            | CampaignRoute::Notices
            | CampaignRoute::Settings
            | CampaignRoute::Branches
    )
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

const NAV: &[(CampaignRoute, crate::i18n::Text, &str)] = &[
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
