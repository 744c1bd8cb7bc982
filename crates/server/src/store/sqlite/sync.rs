//! Push (store + merge in one transaction), pull (by sequence number) and merged records.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use shared::merge;
use shared::op::Operation;
use shared::record::Record;
use shared::roles::Account;
use shared::sync::OpResult;
use uuid::Uuid;

use super::{conflicts, now};
use crate::store::{PullPage, Session, StoreError};
use crate::sync_policy::{self, Existing};

fn load_record(conn: &Connection, entity_id: Uuid) -> Result<Option<Record>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT record_json FROM records WHERE entity_id = ?1",
            [entity_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match json {
        Some(j) => Some(serde_json::from_str(&j)?),
        None => None,
    })
}

pub fn record(conn: &mut Connection, entity_id: Uuid) -> Result<Option<Record>, StoreError> {
    load_record(conn, entity_id)
}

/// Store a batch: duplicates are acknowledged, refused operations reported, the rest stored,
/// merged and audited. All or nothing: an id reused with other content aborts the batch.
pub fn push(
    conn: &mut Connection,
    session: &Session,
    ops: &[Operation],
) -> Result<Vec<OpResult>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let received_at = now();
    // Content hashes of ids stored by this batch (an id may appear twice in one request).
    let mut stored_now: HashMap<Uuid, String> = HashMap::new();
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let hash = op.content_hash();
        let earlier: Option<String> = match stored_now.get(&op.id) {
            Some(h) => Some(h.clone()),
            None => tx
                .query_row(
                    "SELECT content_hash FROM ops WHERE op_id = ?1",
                    [op.id.to_string()],
                    |r| r.get(0),
                )
                .optional()?,
        };
        match earlier {
            Some(h) if h == hash => {
                results.push(OpResult::duplicate(op.id));
                continue;
            }
            Some(_) => return Err(StoreError::OpIdConflict(op.id)),
            None => {}
        }

        let current = load_record(&tx, op.entity_id)?;
        let existing =
            current.as_ref().map(|r| Existing { entity: r.entity, branch_id: r.branch_id.clone() });
        if let Err(rejection) = sync_policy::check(&session.account, op, existing.as_ref()) {
            results.push(rejection.into_result(op));
            continue;
        }

        tx.execute(
            "INSERT INTO ops (op_id, content_hash, entity, entity_id, branch_id, hlc, op_json,
                              received_at, user_id, device_row)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                op.id.to_string(),
                hash,
                op.entity.as_str(),
                op.entity_id.to_string(),
                op.branch_id,
                op.hlc.to_string(),
                serde_json::to_string(op)?,
                received_at,
                session.user_id,
                session.device_row
            ],
        )?;

        let applied = merge::apply(current, op);
        let rec = &applied.record;
        tx.execute(
            "INSERT INTO records (entity_id, entity, branch_id, record_json, updated_hlc, deleted, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (entity_id) DO UPDATE SET
                 record_json = excluded.record_json,
                 updated_hlc = excluded.updated_hlc,
                 deleted = excluded.deleted,
                 updated_at = excluded.updated_at",
            params![
                rec.id.to_string(),
                rec.entity.as_str(),
                rec.branch_id,
                serde_json::to_string(rec)?,
                rec.updated.to_string(),
                rec.is_deleted(),
                received_at
            ],
        )?;
        for conflict in &applied.conflicts {
            conflicts::insert(&tx, conflict)?;
        }
        tx.execute(
            "INSERT INTO audit (at, user_id, username, device_row, action, op_id, entity, entity_id, branch_id, detail)
             VALUES (?1, ?2, ?3, ?4, 'push_op', ?5, ?6, ?7, ?8, ?9)",
            params![
                received_at,
                session.user_id,
                session.account.username,
                session.device_row,
                op.id.to_string(),
                op.entity.as_str(),
                op.entity_id.to_string(),
                op.branch_id,
                format!("{:?} {} field(s)", op.kind, op.changes.len())
            ],
        )?;
        stored_now.insert(op.id, hash);
        results.push(OpResult::accepted(op.id));
    }
    tx.commit()?;
    Ok(results)
}

/// Operations after `cursor` that `account` may see, oldest first. `cursor` of the answer is
/// the last sequence number covered: the last operation sent when the page is full, otherwise
/// the newest sequence number (so operations the caller may not see are not scanned again).
pub fn pull(
    conn: &mut Connection,
    account: &Account,
    cursor: u64,
    limit: u32,
) -> Result<PullPage, StoreError> {
    let tx = conn.transaction()?;
    let cursor_i = i64::try_from(cursor).unwrap_or(i64::MAX);
    let fetch = i64::from(limit) + 1;
    let scoped = account.role.is_branch_scoped();
    let branches = serde_json::to_string(&account.branches)?;
    let mut rows: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT seq, op_json FROM ops
             WHERE seq > ?1
               AND (?3 = 0 OR branch_id = '' OR branch_id IN (SELECT value FROM json_each(?4)))
             ORDER BY seq LIMIT ?2",
        )?;
        stmt.query_map(params![cursor_i, fetch, scoped, branches], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    let more = rows.len() as i64 > i64::from(limit);
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map_or(cursor_i, |(seq, _)| *seq)
    } else {
        let newest: i64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM ops", [], |r| r.get(0))?;
        newest.max(cursor_i)
    };
    let ops = rows
        .into_iter()
        .map(|(_, json)| serde_json::from_str::<Operation>(&json))
        .collect::<Result<Vec<_>, _>>()?;
    tx.finish()?;
    Ok(PullPage { ops, cursor: u64::try_from(next).unwrap_or(0), more })
}
