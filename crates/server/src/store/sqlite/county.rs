//! One town's live records of some kinds (the county's per-town dashboard).

use rusqlite::{Connection, params};
use shared::record::{EntityKind, Record};

use crate::store::StoreError;

/// The towns holding a live record `id` of kind `entity`, in town order.
pub fn towns_holding(
    conn: &mut Connection,
    entity: EntityKind,
    id: &str,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT town_id FROM records WHERE entity_id = ?1 AND entity = ?2 AND deleted = 0
         ORDER BY town_id",
    )?;
    let rows = stmt.query_map(params![id, entity.as_str()], |r| r.get::<_, i64>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The live records of `kinds` of town `town`, oldest first.
pub fn town_records(
    conn: &mut Connection,
    town: i64,
    kinds: &[EntityKind],
) -> Result<Vec<Record>, StoreError> {
    let kinds = serde_json::to_string(&kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>())?;
    let mut stmt = conn.prepare_cached(
        "SELECT record_json FROM records
         WHERE town_id = ?1 AND deleted = 0 AND entity IN (SELECT value FROM json_each(?2))
         ORDER BY rowid",
    )?;
    let rows = stmt.query_map(params![town, kinds], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}
