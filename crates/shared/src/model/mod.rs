//! The campaign's records as typed Rust (DOMAIN.md), converting to and from the generic
//! [`Record`] field map.
//!
//! Conventions:
//! * every struct decodes from a half-filled draft: missing fields take their default;
//! * choices (enums) serialise as snake_case keys and carry `ALL`, `as_str()`, `label_zh()`;
//! * dates are `chrono::NaiveDate` (`YYYY-MM-DD`); times are local wall-clock
//!   `NaiveDateTime` (`YYYY-MM-DDTHH:MM:SS`, China Standard Time, no offset stored);
//! * references to other records are their record ids (`Uuid`); branch references are the
//!   `Branch` code (`Branch::key`: the same string as `Record::branch_id`);
//! * money is integer fen (`amount_fen`).

mod assessment;
mod campaign;
mod candidate;
mod category;
pub(crate) mod choice;
mod media;
mod oversight;
mod person;
mod support;
mod survey;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

pub use assessment::{
    Assessment, CommendationAction, CommendationEntry, CommendationStage, Criterion, Rubric,
};
pub use campaign::{Campaign, CategoryTarget};
pub use candidate::{
    ApplicationAction, ApplicationState, Candidate, IntegrityGrade, StandardCheck, TransitionEntry,
};
pub use category::{Category, UnitKind};
pub use choice::Choice;
pub use media::{GeoPoint, PhotoRef};
pub use oversight::{Branch, BranchKind, Fix, Inspection, InspectionKind, Meeting};
pub use person::{Gender, Person};
pub use support::{
    Base, ContactKind, ContactLog, ContactWay, Funding, FundingKind, FundingLevel, Notice, Visit,
    format_yuan, parse_yuan,
};
pub use survey::{
    Employment, MentoringAbility, MentoringWillingness, PotentialLevel, Section, Survey,
    SurveyStatus, ThreeCultivation, TurnoverBand, sections_for,
};

use crate::record::{EntityKind, Record};

/// A typed view of one [`EntityKind`].
pub trait Entity: Serialize + DeserializeOwned {
    const KIND: EntityKind;

    /// Decode a record's fields. Fails if the record is of another kind or a field has the
    /// wrong type.
    fn from_record(record: &Record) -> Result<Self, serde_json::Error> {
        if record.entity != Self::KIND {
            return Err(serde::de::Error::custom(format!(
                "expected a {} record, got {}",
                Self::KIND,
                record.entity
            )));
        }
        record.to_typed()
    }

    /// Encode as a record field map.
    fn to_fields(&self) -> Result<BTreeMap<String, Value>, serde_json::Error> {
        crate::record::to_fields(self)
    }
}

macro_rules! entity {
    ($($ty:ty => $kind:ident),+ $(,)?) => {
        $(impl Entity for $ty { const KIND: EntityKind = EntityKind::$kind; })+
    };
}

entity! {
    Person => Person,
    Survey => Survey,
    Candidate => Candidate,
    ContactLog => ContactLog,
    Base => Base,
    Visit => Visit,
    Funding => Funding,
    Meeting => Meeting,
    Inspection => Inspection,
    Assessment => Assessment,
    Notice => Notice,
    Campaign => Campaign,
    Rubric => Rubric,
    Branch => Branch,
}

#[cfg(test)]
mod tests;
