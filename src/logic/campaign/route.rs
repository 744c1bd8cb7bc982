//! Routes of the campaign screens, below `#/campaign/`.

use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CampaignRoute {
    Dashboard,
    Candidates,
    /// 梯队: next year's pipeline by category and branch.
    Pipeline,
    /// A new candidate, optionally for a known person.
    NewCandidate(Option<Uuid>),
    Candidate(Uuid),
    /// Contact log, optionally of one candidate.
    Contacts(Option<Uuid>),
    Bases,
    Base(Uuid),
    Funding,
    Meetings,
    Inspections,
    Assessment,
    Notices,
    Settings,
    Report,
    Card(Uuid),
    /// 支部管理: the town's branches and unmatched free-text values.
    Branches,
}

impl CampaignRoute {
    /// Parse the path parts after `campaign`; `None` if they name no campaign screen.
    pub fn parse(parts: &[&str]) -> Option<CampaignRoute> {
        let id = |s: &str| Uuid::parse_str(s).ok();
        Some(match parts {
            [] | ["dashboard"] => CampaignRoute::Dashboard,
            ["candidates"] => CampaignRoute::Candidates,
            ["pipeline"] => CampaignRoute::Pipeline,
            ["candidate", "new"] => CampaignRoute::NewCandidate(None),
            ["candidate", "new", p] => CampaignRoute::NewCandidate(Some(id(p)?)),
            ["candidate", c] => CampaignRoute::Candidate(id(c)?),
            ["contacts"] => CampaignRoute::Contacts(None),
            ["contacts", c] => CampaignRoute::Contacts(Some(id(c)?)),
            ["bases"] => CampaignRoute::Bases,
            ["base", b] => CampaignRoute::Base(id(b)?),
            ["funding"] => CampaignRoute::Funding,
            ["meetings"] => CampaignRoute::Meetings,
            ["inspections"] => CampaignRoute::Inspections,
            ["assessment"] => CampaignRoute::Assessment,
            ["notices"] => CampaignRoute::Notices,
            ["settings"] => CampaignRoute::Settings,
            ["report"] => CampaignRoute::Report,
            ["card", c] => CampaignRoute::Card(id(c)?),
            ["branches"] => CampaignRoute::Branches,
            _ => return None,
        })
    }

    pub fn href(&self) -> String {
        let tail = match self {
            CampaignRoute::Dashboard => "dashboard".to_owned(),
            CampaignRoute::Candidates => "candidates".to_owned(),
            CampaignRoute::Pipeline => "pipeline".to_owned(),
            CampaignRoute::NewCandidate(None) => "candidate/new".to_owned(),
            CampaignRoute::NewCandidate(Some(p)) => format!("candidate/new/{p}"),
            CampaignRoute::Candidate(c) => format!("candidate/{c}"),
            CampaignRoute::Contacts(None) => "contacts".to_owned(),
            CampaignRoute::Contacts(Some(c)) => format!("contacts/{c}"),
            CampaignRoute::Bases => "bases".to_owned(),
            CampaignRoute::Base(b) => format!("base/{b}"),
            CampaignRoute::Funding => "funding".to_owned(),
            CampaignRoute::Meetings => "meetings".to_owned(),
            CampaignRoute::Inspections => "inspections".to_owned(),
            CampaignRoute::Assessment => "assessment".to_owned(),
            CampaignRoute::Notices => "notices".to_owned(),
            CampaignRoute::Settings => "settings".to_owned(),
            CampaignRoute::Report => "report".to_owned(),
            CampaignRoute::Card(c) => format!("card/{c}"),
            CampaignRoute::Branches => "branches".to_owned(),
        };
        format!("#/campaign/{tail}")
    }
}
