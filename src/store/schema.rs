//! The versioned IndexedDB schema and its upgrade path.
//!
//! | version | change |
//! |---|---|
//! | 1 | `people`, `surveys` (index `person_id`), `attachments`, `outbox` (index `op_id`, unique), `meta` |
//! | 2 | `records` (key `[entity, id]`, index `entity`) for every other entity kind, `conflicts` |
//! | 3 | `history`: every operation applied on this device (index `entity_id`), for the change history |
//! | 4 | `history_pages`: pulled operations, one entry per pulled page (multi-entry index `entity_ids`); operations in `outbox` and `history` written as `{id, entity_id, op: JSON text}` (`codec::op_to_js`); a local operation is in the outbox until acknowledged, then in `history` |
//!
//! The history of a record is therefore `history` + `history_pages` + the outbox, one copy per
//! operation id. Version 4 adds a store and changes what is written; entries of versions 1–3
//! (plain objects, and a queued operation in both the outbox and history) are read as they are,
//! so the step keeps all data without rewriting it. The version number also stops an older app,
//! which cannot read the new form, from opening the database.
//!
//! The upgrade callback applies every step after the database's old version, in order, so a
//! database at any earlier version reaches the current one with its data kept.

use indexed_db_futures::KeyPath;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use shared::record::EntityKind;

use super::StoreError;

pub const CURRENT_VERSION: u32 = 4;

pub const PEOPLE: &str = "people";
pub const SURVEYS: &str = "surveys";
pub const ATTACHMENTS: &str = "attachments";
pub const OUTBOX: &str = "outbox";
pub const META: &str = "meta";
pub const RECORDS: &str = "records";
pub const CONFLICTS: &str = "conflicts";
pub const HISTORY: &str = "history";
pub const HISTORY_PAGES: &str = "history_pages";

/// Index names.
pub const IDX_PERSON_ID: &str = "person_id";
pub const IDX_OP_ID: &str = "op_id";
pub const IDX_ENTITY: &str = "entity";
pub const IDX_ENTITY_ID: &str = "entity_id";
pub const IDX_ENTITY_IDS: &str = "entity_ids";

/// The object store that holds records of `entity`.
pub fn store_for(entity: EntityKind) -> &'static str {
    match entity {
        EntityKind::Person => PEOPLE,
        EntityKind::Survey => SURVEYS,
        _ => RECORDS,
    }
}

/// Open `name`, upgrading it to `version` (at most [`CURRENT_VERSION`]) if it is older.
/// Tests open at version 1 to build an old database; the app always opens the current version.
pub async fn open_at(name: &str, version: u32) -> Result<Database, StoreError> {
    let version = version.clamp(1, CURRENT_VERSION);
    let db = Database::open(name)
        .with_version(version)
        .with_on_blocked(|_| {
            log::warn!("database upgrade is waiting for another tab to close");
            Ok(())
        })
        .with_on_upgrade_needed(move |event, db| {
            let old = event.old_version() as u32;
            for step in (old + 1)..=version {
                upgrade_step(&db, step)?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

fn upgrade_step(db: &Database, step: u32) -> indexed_db_futures::Result<()> {
    match step {
        1 => {
            db.create_object_store(PEOPLE).with_key_path(KeyPath::One("id")).build()?;
            let surveys =
                db.create_object_store(SURVEYS).with_key_path(KeyPath::One("id")).build()?;
            surveys.create_index(IDX_PERSON_ID, KeyPath::One("fields.person_id")).build()?;
            db.create_object_store(ATTACHMENTS).with_key_path(KeyPath::One("sha256")).build()?;
            let outbox = db.create_object_store(OUTBOX).with_auto_increment(true).build()?;
            outbox.create_index(IDX_OP_ID, KeyPath::One("id")).with_unique(true).build()?;
            db.create_object_store(META).build()?;
        }
        2 => {
            let records = db
                .create_object_store(RECORDS)
                .with_key_path(KeyPath::Sequence(["entity", "id"].into_iter().collect()))
                .build()?;
            records.create_index(IDX_ENTITY, KeyPath::One("entity")).build()?;
            let conflicts =
                db.create_object_store(CONFLICTS).with_key_path(KeyPath::One("id")).build()?;
            conflicts.create_index(IDX_ENTITY_ID, KeyPath::One("entity_id")).build()?;
        }
        3 => {
            let history =
                db.create_object_store(HISTORY).with_key_path(KeyPath::One("id")).build()?;
            history.create_index(IDX_ENTITY_ID, KeyPath::One("entity_id")).build()?;
        }
        4 => {
            let pages =
                db.create_object_store(HISTORY_PAGES).with_key_path(KeyPath::One("id")).build()?;
            pages
                .create_index(IDX_ENTITY_IDS, KeyPath::One("entity_ids"))
                .with_multi_entry(true)
                .build()?;
        }
        _ => {}
    }
    Ok(())
}
