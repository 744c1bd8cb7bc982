//! Push (store + merge in one transaction), pull (by sequence number) and merged records.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use shared::model::Person;
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::OpResult;
use uuid::Uuid;

use super::{conflicts, now};
use crate::store::{PullPage, Session, StoreError};
use crate::sync_policy::{self, PolicyTime, Rejection};

pub(crate) fn load_record(
    conn: &Connection,
    entity_id: Uuid,
) -> Result<Option<Record>, StoreError> {
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

/// Who an operation is stored for: whose rights apply and what the audit records.
#[derive(Clone, Debug)]
pub(crate) struct Pusher {
    pub user_id: Option<i64>,
    pub account: Account,
    /// The signed-in device that pushed (none for an imported file).
    pub device_row: Option<i64>,
    /// The device the operations came from.
    pub device_id: Uuid,
}

impl Pusher {
    pub(crate) fn of_session(session: &Session) -> Self {
        Self {
            user_id: Some(session.user_id),
            account: session.account.clone(),
            device_row: Some(session.device_row),
            device_id: session.device_id,
        }
    }
}

/// Store a pushed batch: duplicates are acknowledged, refused operations reported, the rest
/// stored, merged and audited. All or nothing: an id reused with other content aborts it.
pub fn push(
    conn: &mut Connection,
    session: &Session,
    ops: &[Operation],
) -> Result<Vec<OpResult>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let pusher = Pusher::of_session(session);
    let results = apply_ops(&tx, ops, "push_op", "", &mut |_, _| Ok(Ok(pusher.clone())))?;
    tx.commit()?;
    Ok(results)
}

/// Finds the [`Pusher`] of an operation, or why it has none.
pub(crate) type PusherOf<'a> =
    dyn FnMut(&Connection, &Operation) -> Result<Result<Pusher, Rejection>, StoreError> + 'a;

/// The person a survey operation refers to, as stored (for the finalisation rules).
fn surveyed_person(
    conn: &Connection,
    op: &Operation,
    current: Option<&Record>,
) -> Result<Option<Person>, StoreError> {
    if op.entity != EntityKind::Survey {
        return Ok(None);
    }
    let from_op = op.changes.iter().find(|c| c.field == "person_id").map(|c| &c.value);
    let value = from_op.or_else(|| current.and_then(|r| r.get("person_id")));
    let Some(id) = value.and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) else {
        return Ok(None);
    };
    Ok(load_record(conn, id)?
        .filter(|r| r.entity == EntityKind::Person && !r.is_deleted())
        .and_then(|r| r.to_typed().ok()))
}

/// The push path shared by pushes and imports, inside the caller's transaction: results in
/// request order. `action` names the audit rows; `detail_suffix` is appended to their detail.
pub(crate) fn apply_ops(
    tx: &Connection,
    ops: &[Operation],
    action: &str,
    detail_suffix: &str,
    pusher_of: &mut PusherOf<'_>,
) -> Result<Vec<OpResult>, StoreError> {
    let received_at = now();
    let time = PolicyTime::now();
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

        let pusher = match pusher_of(tx, op)? {
            Ok(p) => p,
            Err(rejection) => {
                results.push(rejection.into_result(op));
                continue;
            }
        };
        let current = load_record(tx, op.entity_id)?;
        let person = surveyed_person(tx, op, current.as_ref())?;
        let ctx = sync_policy::Context { account: &pusher.account, time, current, person };
        let applied = match sync_policy::admit(ctx, op) {
            Ok(applied) => applied,
            Err(rejection) => {
                results.push(rejection.into_result(op));
                continue;
            }
        };

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
                pusher.user_id,
                pusher.device_row
            ],
        )?;

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
            conflicts::insert(tx, conflict)?;
        }
        tx.execute(
            "INSERT INTO audit (at, user_id, username, device_row, device_id, action, op_id,
                                entity, entity_id, branch_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                received_at,
                pusher.user_id,
                pusher.account.username,
                pusher.device_row,
                pusher.device_id.to_string(),
                action,
                op.id.to_string(),
                op.entity.as_str(),
                op.entity_id.to_string(),
                op.branch_id,
                format!("{:?} {} field(s){detail_suffix}", op.kind, op.changes.len())
            ],
        )?;
        stored_now.insert(op.id, hash);
        results.push(OpResult::accepted(op.id));
    }
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

/// The live records of `entity` that `account` may see, oldest first.
pub fn records(
    conn: &mut Connection,
    entity: EntityKind,
    account: &Account,
) -> Result<Vec<Record>, StoreError> {
    let scoped = account.role.is_branch_scoped();
    let branches = serde_json::to_string(&account.branches)?;
    let mut stmt = conn.prepare(
        "SELECT record_json FROM records
         WHERE entity = ?1 AND deleted = 0
           AND (?2 = 0 OR branch_id = '' OR branch_id IN (SELECT value FROM json_each(?3)))
         ORDER BY rowid",
    )?;
    let rows =
        stmt.query_map(params![entity.as_str(), scoped, branches], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}
