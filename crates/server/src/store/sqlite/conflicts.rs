//! Conflicts found by the merge, kept until the office marks them resolved.

use rusqlite::{Connection, params};
use shared::merge::Conflict;
use shared::sync::ConflictEntry;
use uuid::Uuid;

use super::now;
use crate::store::{ConflictFilter, ConflictPage, Scope, StoreError};

/// Insert a conflict unless one with its (deterministic) id is already known.
pub fn insert(conn: &Connection, town: i64, conflict: &Conflict) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO conflicts
             (id, entity, entity_id, branch_id, field, conflict_json, detected_at, town_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            conflict.id.to_string(),
            conflict.entity.as_str(),
            conflict.entity_id.to_string(),
            conflict.branch_id,
            conflict.field,
            serde_json::to_string(conflict)?,
            now(),
            town
        ],
    )?;
    Ok(())
}

pub fn list(
    conn: &mut Connection,
    scope: Scope,
    filter: ConflictFilter,
    page: &ConflictPage,
) -> Result<Vec<ConflictEntry>, StoreError> {
    let condition = match filter {
        ConflictFilter::Open => "AND resolved_at IS NULL",
        ConflictFilter::Resolved => "AND resolved_at IS NOT NULL",
        ConflictFilter::All => "",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT conflict_json, detected_at, resolved_at, resolved_by
         FROM conflicts WHERE (?1 IS NULL OR town_id = ?1) {condition}
           AND (?2 IS NULL OR detected_at > ?2 OR (detected_at = ?2 AND id > ?3))
         ORDER BY detected_at, id LIMIT ?4"
    ))?;
    let (after_time, after_id) = match &page.after {
        Some((time, id)) => (Some(time.as_str()), Some(id.to_string())),
        None => (None, None),
    };
    let mut rows = stmt.query(params![scope.town(), after_time, after_id, page.limit])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let resolved_at: Option<String> = row.get(2)?;
        out.push(ConflictEntry {
            conflict: serde_json::from_str(&row.get::<_, String>(0)?)?,
            detected_at: row.get(1)?,
            resolved: resolved_at.is_some(),
            resolved_by: row.get(3)?,
            resolved_at,
        });
    }
    Ok(out)
}

/// Mark resolved (keeping the first resolution if it was resolved before).
pub fn resolve(
    conn: &mut Connection,
    scope: Scope,
    id: Uuid,
    by: &str,
) -> Result<bool, StoreError> {
    let id = id.to_string();
    let exists = conn.execute(
        "UPDATE conflicts SET resolved_at = ?1, resolved_by = ?2
         WHERE id = ?3 AND resolved_at IS NULL AND (?4 IS NULL OR town_id = ?4)",
        params![now(), by, id, scope.town()],
    )? > 0;
    if exists {
        return Ok(true);
    }
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM conflicts WHERE id = ?1 AND (?2 IS NULL OR town_id = ?2)",
        params![id, scope.town()],
        |r| r.get::<_, i64>(0),
    )? > 0)
}
