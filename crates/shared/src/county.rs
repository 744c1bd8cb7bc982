//! The county's view of its towns (`GET /api/v1/towns`, `GET /api/v1/campaign/records`): a
//! county deployment holds many towns in one database, and records on a tablet carry no town,
//! so a county account's per-town dashboard is read from the server, one town at a time.

use serde::{Deserialize, Serialize};

use crate::record::{EntityKind, Record};

/// The longest town name a request may name (`?town=`); longer is answered 400.
pub const MAX_TOWN_NAME_CHARS: usize = 64;

/// The record kinds the campaign's overview screens (dashboard, report, pipeline, ranking,
/// contacts, meetings, inspections) are made from: what the tablet reads from its own store and
/// what the server sends a county account for one town.
pub const CAMPAIGN_KINDS: [EntityKind; 8] = [
    EntityKind::Campaign,
    EntityKind::Person,
    EntityKind::Branch,
    EntityKind::Candidate,
    EntityKind::ContactLog,
    EntityKind::Meeting,
    EntityKind::Inspection,
    EntityKind::Assessment,
];

/// One town, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownName {
    pub name: String,
}

/// `GET /api/v1/towns`: the towns the caller may see (a county account: every town, by name; a
/// town account: its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownList {
    pub towns: Vec<TownName>,
}

/// `GET /api/v1/campaign/records?town=…`: one town's live records of [`CAMPAIGN_KINDS`], as
/// stored on the server, without the personal data the caller's role may not see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownRecords {
    pub town: String,
    pub records: Vec<Record>,
}
