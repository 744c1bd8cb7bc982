//! Applying a decoded export file: every operation through the push path, in ONE transaction,
//! each checked against the rights of its author's account.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use shared::op::Operation;
use shared::sync::OpStatus;

use super::accounts::account_at;
use super::now;
use super::sync::{Pusher, apply_ops};
use crate::store::{ImportBatch, ImportCounts, StoreError};
use crate::sync_policy::PastTheBound::Refuse;
use crate::sync_policy::Rejection;

/// The account that authored `op`, or why its operations cannot be taken.
fn author_of(
    conn: &Connection,
    batch: &ImportBatch,
    op: &Operation,
) -> Result<Result<Pusher, Rejection>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT id, username, display_name, role, branches FROM users
             WHERE username = ?1 AND town_id = ?2",
        )?
        .query_row(params![&op.author, batch.town], |row| {
            Ok((row.get::<_, i64>(0)?, account_at(row, 1)))
        })
        .optional()?;
    Ok(match found {
        None => Err(Rejection::new(
            "unknown_author",
            shared::message::Message::new("unknown_author").arg("author", &op.author),
        )),
        Some((user_id, account)) => Ok(Pusher {
            user_id: Some(user_id),
            account: account?,
            device_row: None,
            device_id: batch.device_id,
            scope: crate::store::Scope::Town(batch.town),
        }),
    })
}

pub fn import(
    conn: &mut Connection,
    checker: &mut Connection,
    batch: &ImportBatch,
) -> Result<ImportCounts, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let suffix = format!("，由 {} 从导出文件导入", batch.imported_by);
    let results =
        apply_ops(&tx, checker, &batch.operations, "import_op", &suffix, Refuse, &mut |c, op| {
            author_of(c, batch, op)
        })?;
    let count = |s: OpStatus| results.iter().filter(|r| r.status == s).count();
    let counts = ImportCounts {
        accepted: count(OpStatus::Accepted),
        duplicate: count(OpStatus::Duplicate),
        rejected: count(OpStatus::Rejected),
        rejections: results.into_iter().filter(|r| r.status == OpStatus::Rejected).collect(),
    };
    let at = now();
    tx.execute(
        "INSERT INTO imports (at, checksum, device_id, author, created_at, imported_by,
                              accepted, duplicate, rejected, town_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            at,
            batch.checksum,
            batch.device_id.to_string(),
            batch.author,
            batch.created_at,
            batch.imported_by,
            counts.accepted as i64,
            counts.duplicate as i64,
            counts.rejected as i64,
            batch.town
        ],
    )?;
    tx.execute(
        "INSERT INTO audit (at, user_id, username, device_row, device_id, action, detail, town_id)
         VALUES (?1, ?2, ?3, NULL, ?4, 'import_file', ?5, ?6)",
        params![
            at,
            batch.importer_user_id,
            batch.imported_by,
            batch.device_id.to_string(),
            format!(
                "{} 的导出文件（{}）：新增 {}，重复 {}，拒绝 {}",
                batch.author, batch.checksum, counts.accepted, counts.duplicate, counts.rejected
            ),
            batch.town
        ],
    )?;
    tx.commit()?;
    Ok(counts)
}
