//! One town's live records of some kinds (the county's per-town dashboard).

use rusqlite::{Connection, params};
use shared::record::{EntityKind, Record};

use crate::store::StoreError;

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
