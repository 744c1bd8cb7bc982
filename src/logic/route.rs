//! Hash routes: `#/people`, `#/person/<id>`, `#/survey/new`, `#/survey/new/<person id>`,
//! `#/survey/<id>`, `#/settings`.

use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    People,
    Person(Uuid),
    /// A new survey, of a new person (`None`) or of a known one.
    NewSurvey(Option<Uuid>),
    Survey(Uuid),
    Settings,
    /// The campaign screens, `#/campaign/…`.
    Campaign(crate::logic::campaign::route::CampaignRoute),
    /// `#/sync`: sign-in and sync status.
    Sync,
    /// `#/transfer`: export/import file.
    Transfer,
    /// `#/conflicts`: the town office's conflict review.
    Conflicts,
    /// `#/outbox`: every record saved here and not yet 已送达, by delivery state.
    Outbox,
    /// `#/office/…`: the town office's setup (checklist, accounts, devices, roster import).
    Office(OfficeTab),
    /// `#/signin/<code>`: the link in a one-time sign-in QR code.
    Signin(String),
    NotFound,
}

/// The town office's setup screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficeTab {
    Checklist,
    Accounts,
    Devices,
    Roster,
}

impl OfficeTab {
    pub const ALL: [OfficeTab; 4] =
        [OfficeTab::Checklist, OfficeTab::Accounts, OfficeTab::Devices, OfficeTab::Roster];

    pub fn slug(self) -> &'static str {
        match self {
            OfficeTab::Checklist => "checklist",
            OfficeTab::Accounts => "accounts",
            OfficeTab::Devices => "devices",
            OfficeTab::Roster => "roster",
        }
    }
}

impl Route {
    /// Parse `location.hash` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let id = |s: &str| Uuid::parse_str(s).ok();
        match parts.as_slice() {
            [] | ["people"] => Route::People,
            ["person", p] => id(p).map_or(Route::NotFound, Route::Person),
            ["survey", "new"] => Route::NewSurvey(None),
            ["survey", "new", p] => id(p).map_or(Route::NotFound, |p| Route::NewSurvey(Some(p))),
            ["survey", s] => id(s).map_or(Route::NotFound, Route::Survey),
            ["settings"] => Route::Settings,
            ["sync"] => Route::Sync,
            ["transfer"] => Route::Transfer,
            ["conflicts"] => Route::Conflicts,
            ["outbox"] => Route::Outbox,
            ["office"] => Route::Office(OfficeTab::Checklist),
            ["office", tab] => OfficeTab::ALL
                .into_iter()
                .find(|t| t.slug() == *tab)
                .map_or(Route::NotFound, Route::Office),
            ["signin", code] if code.len() <= 32 => Route::Signin((*code).to_owned()),
            ["campaign", rest @ ..] => crate::logic::campaign::route::CampaignRoute::parse(rest)
                .map_or(Route::NotFound, Route::Campaign),
            _ => Route::NotFound,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::People | Route::NotFound => "#/people".into(),
            Route::Person(id) => format!("#/person/{id}"),
            Route::NewSurvey(None) => "#/survey/new".into(),
            Route::NewSurvey(Some(p)) => format!("#/survey/new/{p}"),
            Route::Survey(id) => format!("#/survey/{id}"),
            Route::Settings => "#/settings".into(),
            Route::Campaign(c) => c.href(),
            Route::Sync => "#/sync".into(),
            Route::Transfer => "#/transfer".into(),
            Route::Conflicts => "#/conflicts".into(),
            Route::Outbox => "#/outbox".into(),
            Route::Office(tab) => format!("#/office/{}", tab.slug()),
            Route::Signin(code) => format!("#/signin/{code}"),
        }
    }
}
