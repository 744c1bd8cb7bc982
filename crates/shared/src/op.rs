//! Operations: the unit of change that moves between tablets and the office.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::record::{EntityKind, Record};

/// What an operation does to its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Set the listed fields (creating the record if it is new).
    Upsert,
    /// Tombstone the record.
    Delete,
}

/// One field set by an operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub value: Value,
    /// The clock of the value the author saw when editing (`None` if the field was new to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Hlc>,
}

/// A change made on one device, by one author, at one hybrid logical time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Client-generated UUIDv7: the idempotency key.
    pub id: Uuid,
    pub device_id: Uuid,
    /// The user who made the change.
    pub author: String,
    pub hlc: Hlc,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    /// Branch of the entity (visibility and rights scope); empty for town-wide entities.
    #[serde(default)]
    pub branch_id: String,
    pub kind: OpKind,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// [`Operation::content_hash`] of an operation already serialised with `serde_json` (the server
/// stores that JSON and hashes the same bytes instead of serialising twice).
pub fn content_hash_of(json: &[u8]) -> String {
    hex(&Sha256::digest(json))
}

impl Operation {
    /// SHA-256 of the canonical JSON form: the server compares it when an id is sent twice.
    #[allow(
        clippy::expect_used,
        reason = "an Operation is derived plain data with string map keys, written to memory: \
                  serde_json fails only on non-string map keys, a failing Serialize impl or I/O"
    )]
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("operations always serialise");
        content_hash_of(&json)
    }

    /// An upsert of `changes` against the current state of `record` (or a new one), with each
    /// change's base taken from the record so the merge can tell concurrent edits apart.
    pub fn upsert(
        ctx: &OpContext,
        hlc: Hlc,
        entity: EntityKind,
        entity_id: Uuid,
        branch_id: &str,
        current: Option<&Record>,
        changes: impl IntoIterator<Item = (String, Value)>,
    ) -> Operation {
        let changes = changes
            .into_iter()
            .map(|(field, value)| FieldChange {
                base: current.and_then(|r| r.base_of(&field)),
                field,
                value,
            })
            .collect();
        Operation {
            id: ctx.new_op_id(),
            device_id: ctx.device_id,
            author: ctx.author.clone(),
            hlc,
            entity,
            entity_id,
            branch_id: branch_id.to_owned(),
            kind: OpKind::Upsert,
            changes,
        }
    }

    pub fn delete(ctx: &OpContext, hlc: Hlc, record: &Record) -> Operation {
        Operation {
            id: ctx.new_op_id(),
            device_id: ctx.device_id,
            author: ctx.author.clone(),
            hlc,
            entity: record.entity,
            entity_id: record.id,
            branch_id: record.branch_id.clone(),
            kind: OpKind::Delete,
            changes: Vec::new(),
        }
    }
}

/// Who is making operations on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpContext {
    pub device_id: Uuid,
    pub author: String,
}

impl OpContext {
    pub fn new_op_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
