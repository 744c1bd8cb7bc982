//! The raw rusqlite baseline for server ingest: the same rows the server writes for each pushed
//! operation (`ops`, `records`, `audit`, created by the server's own migrations), with
//! the server's durability settings (`journal_mode=WAL`, `synchronous=FULL`) and one transaction
//! per push batch — but no HTTP, no JSON decoding, no checks and no merge: the rows are prepared
//! before the clock starts.

use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, params};
use shared::merge;
use shared::op::Operation;

use crate::error::BenchError;

struct Row {
    op_id: String,
    hash: String,
    entity: &'static str,
    entity_id: String,
    branch_id: String,
    hlc: String,
    op_json: String,
    record_json: String,
    detail: String,
}

/// Insert the rows of `ops` into a new database file `path` in batches of `batch`; returns the
/// seconds spent inserting and committing.
pub fn ingest(path: &Path, ops: &[Operation], batch: usize) -> Result<f64, BenchError> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let rows: Vec<Row> = ops
        .iter()
        .map(|op| {
            let record = merge::apply(None, op).record;
            Ok(Row {
                op_id: op.id.to_string(),
                hash: op.content_hash(),
                entity: op.entity.as_str(),
                entity_id: op.entity_id.to_string(),
                branch_id: op.branch_id.clone(),
                hlc: op.hlc.to_string(),
                op_json: serde_json::to_string(op)?,
                record_json: serde_json::to_string(&record)?,
                detail: format!("{:?} {} field(s)", op.kind, op.changes.len()),
            })
        })
        .collect::<Result<_, BenchError>>()?;
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The server's own migrations, so the baseline writes into exactly the tables and indexes
    // the server does.
    server::store::sqlite::migrations::run(&mut conn)
        .map_err(|e| BenchError::Server(format!("migrations: {e}")))?;
    let at = chrono::Utc::now().to_rfc3339();

    let started = Instant::now();
    for chunk in rows.chunks(batch.max(1)) {
        let tx = conn.transaction()?;
        {
            let mut insert_op = tx.prepare_cached(
                "INSERT INTO ops (op_id, content_hash, entity, entity_id, branch_id, hlc, op_json, received_at, user_id, device_row)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1)",
            )?;
            let mut upsert_record = tx.prepare_cached(
                "INSERT INTO records (entity_id, entity, branch_id, record_json, updated_hlc, deleted, updated_at, town_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, 1)
                 ON CONFLICT (town_id, entity_id) DO UPDATE SET record_json = excluded.record_json,
                     updated_hlc = excluded.updated_hlc, deleted = excluded.deleted, updated_at = excluded.updated_at",
            )?;
            let mut insert_audit = tx.prepare_cached(
                "INSERT INTO audit (at, user_id, username, device_row, action, op_id, entity, entity_id, branch_id, detail)
                 VALUES (?1, 1, 'bench', 1, 'push_op', ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in chunk {
                insert_op.execute(params![
                    r.op_id,
                    r.hash,
                    r.entity,
                    r.entity_id,
                    r.branch_id,
                    r.hlc,
                    r.op_json,
                    at
                ])?;
                upsert_record.execute(params![
                    r.entity_id,
                    r.entity,
                    r.branch_id,
                    r.record_json,
                    r.hlc,
                    at
                ])?;
                insert_audit.execute(params![
                    at,
                    r.op_id,
                    r.entity,
                    r.entity_id,
                    r.branch_id,
                    r.detail
                ])?;
            }
        }
        tx.commit()?;
    }
    Ok(started.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_row_per_table_per_operation() {
        let path = std::env::temp_dir().join(format!("bench-baseline-{}.db", std::process::id()));
        let ops = crate::ops::people_ops(120, "bench");
        let secs = ingest(&path, &ops, 50).unwrap();
        assert!(secs > 0.0);
        let conn = Connection::open(&path).unwrap();
        for table in ["ops", "records", "audit"] {
            let n: i64 =
                conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(n, 120, "{table}");
        }
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
