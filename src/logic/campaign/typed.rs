//! Typed records from the store's generic ones, and back to a list of field changes.

use std::collections::HashMap;

use serde_json::Value;
use shared::branches::BranchRecord;
use shared::model::{Branch, Candidate, Entity, Person};
use shared::record::Record;
use uuid::Uuid;

use crate::i18n::campaign as tc;
use tc::UNKNOWN_PERSON;

/// Decode every live record of `T`'s kind, keeping its id. Records that do not decode (a newer
/// app wrote a field this one does not know the type of) are skipped and logged.
pub fn decode_all<T: Entity>(records: &[Record]) -> Vec<(Uuid, T)> {
    records
        .iter()
        .filter(|r| !r.is_deleted() && r.entity == T::KIND)
        .filter_map(|r| match T::from_record(r) {
            Ok(value) => Some((r.id, value)),
            Err(err) => {
                log::warn!("skipping {} {}: {err}", r.entity, r.id);
                None
            }
        })
        .collect()
}

/// The field changes that write `value` as a whole (the store drops unchanged ones).
pub fn changes_of<T: Entity>(value: &T) -> Result<Vec<(String, Value)>, serde_json::Error> {
    Ok(value.to_fields()?.into_iter().collect())
}

/// Names of people and branches, for showing ids as text.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub people: HashMap<Uuid, String>,
    pub branches: HashMap<String, String>,
    /// Candidate record id → the member's name.
    pub candidates: HashMap<Uuid, String>,
}

impl Names {
    pub fn new(people: &[(Uuid, Person)], branches: &[(String, Branch)]) -> Names {
        Names {
            people: people.iter().map(|(id, p)| (*id, p.name.clone())).collect(),
            branches: branches.iter().map(|(id, b)| (id.clone(), b.name.clone())).collect(),
            candidates: HashMap::new(),
        }
    }

    /// Also name candidates (by their member's name).
    pub fn with_candidates(mut self, candidates: &[(Uuid, Candidate)]) -> Names {
        self.candidates =
            candidates.iter().map(|(id, c)| (*id, self.person(&c.person_id))).collect();
        self
    }

    /// The candidate's member name.
    pub fn candidate(&self, id: &Uuid) -> String {
        self.candidates.get(id).cloned().unwrap_or_else(|| UNKNOWN_PERSON.to_string())
    }

    /// The person's name, or a placeholder when this device does not hold the person.
    pub fn person(&self, id: &Uuid) -> String {
        self.people.get(id).cloned().unwrap_or_else(|| UNKNOWN_PERSON.to_string())
    }

    /// The branch's name, or its id when no branch record is known.
    pub fn branch(&self, id: &str) -> String {
        match self.branches.get(id) {
            Some(name) if !name.is_empty() => name.clone(),
            _ if id.is_empty() => tc::NO_BRANCH.to_string(),
            _ => id.to_owned(),
        }
    }
}

/// Every branch record (retired ones too) with its record id, sorted by name.
pub fn branch_records(records: &[Record]) -> Vec<BranchRecord> {
    let mut out = decode_all::<Branch>(records);
    shared::order::sort_by(&mut out, |a, b| a.1.name.cmp(&b.1.name));
    out
}

/// Branches as `(code, branch)` ([`Branch::key`]: the `branch_id` their records carry), sorted
/// by name; retired ones only when `retired` is true.
pub fn keyed(branches: &[BranchRecord], retired: bool) -> Vec<(String, Branch)> {
    branches
        .iter()
        .filter(|(_, b)| retired || !b.retired)
        .map(|(id, b)| (b.key(*id), b.clone()))
        .collect()
}
