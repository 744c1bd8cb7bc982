//! The generic record that every entity is stored and synced as.
//!
//! Typed domain structs ([`crate::model`]) convert to and from a record's field map; storage and
//! sync never need to know which entity they carry, so one store module, one sync engine and one
//! server table serve every screen.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::order::CollectOrdered as _;

/// Every kind of record the campaign keeps. The string form is the storage and wire name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A party member (党员), updated by later visits.
    Person,
    /// One door-to-door survey (调查摸底) of one person.
    Survey,
    /// A candidate profile (争创对象) in one of the four categories.
    Candidate,
    /// One pairing contact or expert guidance session (结对联系 / 专家指导). Append-only.
    ContactLog,
    /// A demonstration base (示范基地).
    Base,
    /// A visit to a demonstration base (参观学习). Append-only.
    Visit,
    /// A funding record (资金扶持). Append-only.
    Funding,
    /// A branch's mobilisation meeting (党员大会). Append-only.
    Meeting,
    /// An inspection of a branch (督查).
    Inspection,
    /// A yearly assessment score sheet for a candidate (考核评分).
    Assessment,
    /// A notice published by the office (信息平台).
    Notice,
    /// Campaign settings: years and targets (town-wide).
    Campaign,
    /// Assessment rubric per category (town-wide).
    Rubric,
    /// A branch (党支部/党总支) of the town.
    Branch,
}

impl EntityKind {
    pub const ALL: [EntityKind; 14] = [
        EntityKind::Person,
        EntityKind::Survey,
        EntityKind::Candidate,
        EntityKind::ContactLog,
        EntityKind::Base,
        EntityKind::Visit,
        EntityKind::Funding,
        EntityKind::Meeting,
        EntityKind::Inspection,
        EntityKind::Assessment,
        EntityKind::Notice,
        EntityKind::Campaign,
        EntityKind::Rubric,
        EntityKind::Branch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Survey => "survey",
            EntityKind::Candidate => "candidate",
            EntityKind::ContactLog => "contact_log",
            EntityKind::Base => "base",
            EntityKind::Visit => "visit",
            EntityKind::Funding => "funding",
            EntityKind::Meeting => "meeting",
            EntityKind::Inspection => "inspection",
            EntityKind::Assessment => "assessment",
            EntityKind::Notice => "notice",
            EntityKind::Campaign => "campaign",
            EntityKind::Rubric => "rubric",
            EntityKind::Branch => "branch",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What a person calls a record of this kind (待发送 list, refusals, history).
    pub fn label_zh(self) -> &'static str {
        match self {
            EntityKind::Person => "党员信息",
            EntityKind::Survey => "调查摸底表",
            EntityKind::Candidate => "争创对象",
            EntityKind::ContactLog => "结对联系记录",
            EntityKind::Base => "示范基地",
            EntityKind::Visit => "参观学习记录",
            EntityKind::Funding => "资金扶持记录",
            EntityKind::Meeting => "党员大会记录",
            EntityKind::Inspection => "督查记录",
            EntityKind::Assessment => "考核评分表",
            EntityKind::Notice => "通知公告",
            EntityKind::Campaign => "活动设置",
            EntityKind::Rubric => "评分细则",
            EntityKind::Branch => "支部",
        }
    }

    /// Append-only records are written once by one author and never edited, so they never
    /// conflict (DOMAIN.md: contact logs and visits).
    pub fn is_append_only(self) -> bool {
        matches!(
            self,
            EntityKind::ContactLog | EntityKind::Visit | EntityKind::Funding | EntityKind::Meeting
        )
    }

    /// Town-wide records that every role and branch receives.
    pub fn is_town_wide(self) -> bool {
        matches!(
            self,
            EntityKind::Notice
                | EntityKind::Campaign
                | EntityKind::Rubric
                | EntityKind::Branch
                | EntityKind::Base
        )
    }
}

impl EntityKind {
    /// Written only by the town office: the town-wide kinds, and score sheets, which the town
    /// scores (DOMAIN.md, step 5: "weighted criteria scored by the town") in every branch.
    pub fn is_office_only(self) -> bool {
        self.is_town_wide() || self == EntityKind::Assessment
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who last wrote a field, and which earlier write that author had seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMeta {
    /// Clock of the write that produced the current value.
    pub clock: Hlc,
    /// Clock of the value the writer saw before changing it (`None`: the field was new to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Hlc>,
    /// Who made the write (user name) — for the change history.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
}

/// One entity as stored: its current field values and, per field, the clock that wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub entity: EntityKind,
    pub id: Uuid,
    /// The branch the record belongs to (visibility scope); empty for town-wide records.
    #[serde(default)]
    pub branch_id: String,
    pub fields: BTreeMap<String, Value>,
    pub meta: BTreeMap<String, FieldMeta>,
    /// Set once the record is deleted; a tombstone is permanent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Hlc>,
    /// The latest clock of any write applied to this record.
    pub updated: Hlc,
    /// Per field, the earlier writes that no longer hold its value, oldest first. The merge
    /// compares every new write with all of them, so the conflicts found do not depend on the
    /// order writes arrive in ([`crate::merge`]). Absent in records stored before it existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub earlier: BTreeMap<String, Vec<EarlierWrite>>,
}

/// A write of one field that a later clock has replaced (kept for conflict detection).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlierWrite {
    pub value: Value,
    pub clock: Hlc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Hlc>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
}

impl Record {
    pub fn new(entity: EntityKind, id: Uuid, branch_id: impl Into<String>) -> Self {
        Self {
            entity,
            id,
            branch_id: branch_id.into(),
            fields: BTreeMap::new(),
            meta: BTreeMap::new(),
            deleted: None,
            updated: Hlc::zero(),
            earlier: BTreeMap::new(),
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }

    pub fn str_field(&self, field: &str) -> &str {
        self.fields.get(field).and_then(Value::as_str).unwrap_or("")
    }

    /// The clock a new local edit of `field` builds on.
    pub fn base_of(&self, field: &str) -> Option<Hlc> {
        self.meta.get(field).map(|m| m.clock.clone())
    }

    /// Decode the field map into a typed struct of the domain model.
    pub fn to_typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        typed_from_fields(&self.fields)
    }
}

/// A record as a list reads it: everything but the per-field clocks (`meta`), which only saving,
/// merging and the change history need. The stored form is the same as a [`Record`]'s; decoding
/// it without the clocks skips most of the work of reading thousands of records for a list
/// (docs/PERFORMANCE.md, "read 10,000"). Never written back: a save reads the full record.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ListedRecord {
    pub entity: EntityKind,
    pub id: Uuid,
    #[serde(default)]
    pub branch_id: String,
    pub fields: BTreeMap<String, Value>,
    #[serde(default)]
    pub deleted: Option<Hlc>,
    pub updated: Hlc,
}

/// A type decoded from only some of a stored record's properties (a list's view of it), which
/// the tablet's store reads through a projection: the browser writes out, as JSON text, only the
/// properties named in [`Projected::KEYS`] (at any depth, as `JSON.stringify` with a list of
/// names does), and Rust decodes that one text, instead of asking the browser for each property
/// of each record (docs/PERFORMANCE.md, session 37).
///
/// `KEYS` must name every property the type reads, its nested ones too: a property left out
/// reads as missing. Each implementation has a test decoding a full record both ways.
pub trait Projected: serde::de::DeserializeOwned {
    const KEYS: &'static [&'static str];
}

/// Keep only the properties named in `keys`, at every depth of objects and arrays: what
/// `JSON.stringify(value, keys)` writes out, for tests of [`Projected::KEYS`] off the browser.
pub fn project(value: &Value, keys: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), project(v, keys)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| project(v, keys)).collect()),
        other => other.clone(),
    }
}

impl ListedRecord {
    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }

    /// Decode the field values as a typed domain struct (as [`Record::to_typed`]).
    pub fn to_typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        typed_from_fields(&self.fields)
    }
}

impl From<&Record> for ListedRecord {
    fn from(record: &Record) -> Self {
        Self {
            entity: record.entity,
            id: record.id,
            branch_id: record.branch_id.clone(),
            fields: record.fields.clone(),
            deleted: record.deleted.clone(),
            updated: record.updated.clone(),
        }
    }
}

/// Decode a field map into a typed struct of the domain model.
///
/// Read where the values are, as a map of `&str` to `&Value`: for a struct (the entities of
/// [`crate::model`]) what it gives is what `serde_json::from_value` gives for the same map as a
/// JSON object (`crates/shared/tests/properties/typed.rs`), without copying every field into
/// that object first (a person 0.65 → 0.17 µs, a survey 2.0 → 0.37 µs natively; session 30).
/// Not for a type that is not read as a map of text keys (an `Option`, an enum, a tuple, a map
/// keyed by numbers): those decode differently here. The server's checks decode pushed
/// persons, candidates and score sheets this way; the tablet, the records its campaign screens
/// and the survey form read.
pub fn typed_from_fields<T: serde::de::DeserializeOwned>(
    fields: &BTreeMap<String, Value>,
) -> Result<T, serde_json::Error> {
    let entries = fields.iter().map(|(field, value)| (field.as_str(), value));
    T::deserialize(serde::de::value::MapDeserializer::new(entries))
}

/// Encode a typed domain struct as a field map (the reverse of [`Record::to_typed`]).
pub fn to_fields<T: Serialize>(value: &T) -> Result<BTreeMap<String, Value>, serde_json::Error> {
    match serde_json::to_value(value)? {
        Value::Object(map) => Ok(map.into_iter().collect_map()),
        other => Err(serde::ser::Error::custom(format!("expected an object, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `JSON.stringify(value, keys)`: the named properties at every depth of objects, through
    /// arrays (whose items are all kept), everything else left out.
    #[test]
    fn a_projection_keeps_the_named_properties_at_every_depth() {
        let value = serde_json::json!({
            "id": "a", "meta": {"name": {"clock": 1}}, "name": "王五",
            "fields": {"name": "李四", "phone": "138", "list": [{"name": 1, "x": 2}, 3]},
            "deleted": null
        });
        let keys = ["id", "fields", "name", "list", "deleted"];
        let expected = serde_json::json!({
            "id": "a", "name": "王五", "deleted": null,
            "fields": {"name": "李四", "list": [{"name": 1}, 3]}
        });
        assert_eq!(project(&value, &keys), expected);
    }

    #[test]
    fn entity_names_round_trip() {
        for kind in EntityKind::ALL {
            assert_eq!(EntityKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EntityKind::parse("nope"), None);
    }

    #[test]
    fn a_stored_record_reads_as_its_listing_without_the_clocks() {
        let clock = Hlc::new(1_764_300_000_000, 2, "device-a");
        let mut record = Record::new(EntityKind::Person, Uuid::new_v4(), "b1");
        for (field, value) in [("name", "王海波"), ("village_unit", "东沙村")] {
            record.fields.insert(field.into(), Value::from(value));
            let meta = FieldMeta { clock: clock.clone(), base: None, author: "zhang".into() };
            record.meta.insert(field.into(), meta);
        }
        record.updated = clock.clone();
        let live: ListedRecord =
            serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(live, ListedRecord::from(&record));
        assert!(!live.is_deleted());
        assert_eq!(live.fields["name"], "王海波");

        record.deleted = Some(clock);
        let tombstone: ListedRecord =
            serde_json::from_value(serde_json::to_value(&record).unwrap()).unwrap();
        assert!(tombstone.is_deleted());
        assert_eq!(tombstone, ListedRecord::from(&record));
    }
}
