//! Users and their devices (bearer tokens are stored only as SHA-256 hashes).

use rusqlite::{Connection, OptionalExtension, Row, params};
use shared::roles::{Account, Role};
use shared::sync::{
    DeviceReport, DeviceSummary, MAX_UNSENT_ELSEWHERE, UnsentElsewhere, UserSummary,
};
use uuid::Uuid;

use super::now;
use crate::store::{Caller, Credentials, NewUser, Redeemed, Registered, Scope, StoreError, Town};

/// How stale `last_seen` may get before a request refreshes it.
pub(crate) const TOUCH_AFTER: chrono::Duration = chrono::Duration::seconds(60);

/// A device token unused this long expires (sliding: every use renews it, see `last_seen`).
pub const TOKEN_IDLE_EXPIRY: chrono::Duration = chrono::Duration::days(30);

/// `devices.revoked`: 0 live, 1 signed out (may sign in again), 2 revoked by the town office
/// (may not sign in again until the office restores it).
pub(crate) const SIGNED_OUT: i64 = 1;
pub(crate) const BLOCKED: i64 = 2;

pub(crate) fn parse_role(s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}")))
}

pub(crate) fn parse_branches(s: &str) -> Result<Vec<String>, StoreError> {
    Ok(serde_json::from_str(s)?)
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt(format!("bad uuid {s:?}")))
}

/// `username, display_name, role, branches` at columns `first..first+4`.
pub(super) fn account_at(row: &Row<'_>, first: usize) -> Result<Account, StoreError> {
    Ok(Account {
        username: row.get(first)?,
        display_name: row.get(first + 1)?,
        role: parse_role(&row.get::<_, String>(first + 2)?)?,
        branches: parse_branches(&row.get::<_, String>(first + 3)?)?,
    })
}

pub fn towns(conn: &mut Connection) -> Result<Vec<Town>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, name FROM towns ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok(Town { id: r.get(0)?, name: r.get(1)? }))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn town_named(
    conn: &mut Connection,
    name: &str,
    create: bool,
) -> Result<Option<Town>, StoreError> {
    if create {
        conn.execute(
            "INSERT INTO towns (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, now()],
        )?;
    }
    Ok(conn
        .query_row("SELECT id, name FROM towns WHERE name = ?1", [name], |r| {
            Ok(Town { id: r.get(0)?, name: r.get(1)? })
        })
        .optional()?)
}

pub fn create_user(conn: &mut Connection, user: &NewUser) -> Result<UserSummary, StoreError> {
    let created_at = now();
    let a = &user.account;
    let result = conn.execute(
        "INSERT INTO users (username, display_name, password_hash, role, branches, created_at,
                            town_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            a.username,
            a.display_name,
            user.password_hash,
            a.role.as_str(),
            serde_json::to_string(&a.branches)?,
            created_at,
            user.town
        ],
    );
    match result {
        Ok(_) => Ok(UserSummary { account: a.clone(), created_at, disabled: false }),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(StoreError::UsernameTaken)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn list_users(conn: &mut Connection, scope: Scope) -> Result<Vec<UserSummary>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT username, display_name, role, branches, created_at, disabled
         FROM users WHERE (?1 IS NULL OR town_id = ?1) ORDER BY username",
    )?;
    let mut rows = stmt.query([scope.town()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(UserSummary {
            account: account_at(row, 0)?,
            created_at: row.get(4)?,
            disabled: row.get::<_, i64>(5)? != 0,
        });
    }
    Ok(out)
}

pub fn credentials(
    conn: &mut Connection,
    username: &str,
) -> Result<Option<Credentials>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, password_hash, disabled, username, display_name, role, branches, town_id
         FROM users WHERE username = ?1",
    )?;
    let mut rows = stmt.query([username])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    Ok(Some(Credentials {
        user_id: row.get(0)?,
        town: row.get(7)?,
        password_hash: row.get(1)?,
        disabled: row.get::<_, i64>(2)? != 0,
        account: account_at(row, 3)?,
    }))
}

pub fn register_device(
    conn: &Connection,
    user_id: i64,
    device_id: Uuid,
    device_name: &str,
    token_hash: &str,
) -> Result<Registered, StoreError> {
    let at = now();
    let id = device_id.to_string();
    let known = conn
        .query_row(
            "SELECT 1 FROM devices WHERE user_id = ?1 AND device_id = ?2",
            params![user_id, id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let device_row = conn
        .query_row(
            "INSERT INTO devices (user_id, device_id, device_name, token_hash, created_at,
                                  last_seen, town_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, (SELECT town_id FROM users WHERE id = ?1))
             ON CONFLICT (user_id, device_id) DO UPDATE SET
                 device_name = excluded.device_name,
                 token_hash = excluded.token_hash,
                 last_seen = excluded.last_seen,
                 revoked = 0
             WHERE devices.revoked != 2
             RETURNING id",
            params![user_id, id, device_name, token_hash, at],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::DeviceBlocked)?;
    let unsent_elsewhere = if known { Vec::new() } else { unsent_elsewhere(conn, user_id, &id)? };
    Ok(Registered { device_row, unsent_elsewhere })
}

/// The user's devices other than `device_id` whose last report still held changes not sent,
/// newest report first, at most [`MAX_UNSENT_ELSEWHERE`]. A report that does not read is left
/// out (logged): it must not stop a sign-in.
fn unsent_elsewhere(
    conn: &Connection,
    user_id: i64,
    device_id: &str,
) -> Result<Vec<UnsentElsewhere>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT device_id, device_name, report_json, reported_at, revoked FROM devices
         WHERE user_id = ?1 AND device_id != ?2 AND report_json IS NOT NULL
               AND reported_at IS NOT NULL
         ORDER BY reported_at DESC, id DESC",
    )?;
    let mut rows = stmt.query(params![user_id, device_id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let (id, name, json, at, revoked) = (
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, i64>(4)?,
        );
        if let Some(entry) = unsent_entry(&id, name, &json, at, revoked == BLOCKED) {
            out.push(entry);
            if out.len() == MAX_UNSENT_ELSEWHERE {
                break;
            }
        }
    }
    Ok(out)
}

/// One device's row as an [`UnsentElsewhere`], if its report reads and holds anything unsent.
pub(crate) fn unsent_entry(
    device_id: &str,
    device_name: String,
    report_json: &str,
    reported_at: String,
    blocked: bool,
) -> Option<UnsentElsewhere> {
    let report = match serde_json::from_str::<DeviceReport>(report_json) {
        Ok(report) => report,
        Err(e) => {
            tracing::warn!(device_id, "a device report that does not read: {e}");
            return None;
        }
    };
    let device_id = Uuid::parse_str(device_id).ok()?;
    UnsentElsewhere::of(device_id, device_name, &report, reported_at, blocked)
}

/// Whether a token last used at `last_seen` has expired.
pub fn expired(last_seen: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(last_seen)
        .map(|t| chrono::Utc::now().signed_duration_since(t) > TOKEN_IDLE_EXPIRY)
        .unwrap_or(true)
}

pub fn block_device(
    conn: &mut Connection,
    scope: Scope,
    device_row: i64,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE devices SET revoked = ?1 WHERE id = ?2 AND (?3 IS NULL OR town_id = ?3)",
        params![BLOCKED, device_row, scope.town()],
    )? > 0)
}

/// Back to "signed out": it may sign in with the password. The token is replaced by an
/// unguessable value, so the token it had before the revocation stays dead.
pub fn restore_device(
    conn: &mut Connection,
    scope: Scope,
    device_row: i64,
) -> Result<bool, StoreError> {
    let dead = format!("restored:{}", crate::auth::token_hash(&crate::auth::new_token()));
    Ok(conn.execute(
        "UPDATE devices SET revoked = ?1, token_hash = ?2
         WHERE id = ?3 AND revoked = ?4 AND (?5 IS NULL OR town_id = ?5)",
        params![SIGNED_OUT, dead, device_row, BLOCKED, scope.town()],
    )? > 0
        || conn
            .query_row(
                "SELECT 1 FROM devices WHERE id = ?1 AND (?2 IS NULL OR town_id = ?2)",
                params![device_row, scope.town()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
}

pub fn set_disabled(
    conn: &mut Connection,
    scope: Scope,
    username: &str,
    disabled: bool,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE users SET disabled = ?1 WHERE username = ?2 AND (?3 IS NULL OR town_id = ?3)",
        params![i64::from(disabled), username, scope.town()],
    )? > 0)
}

pub fn set_password(
    conn: &mut Connection,
    scope: Scope,
    username: &str,
    password_hash: &str,
) -> Result<bool, StoreError> {
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE users SET password_hash = ?1 WHERE username = ?2 AND (?3 IS NULL OR town_id = ?3)",
        params![password_hash, username, scope.town()],
    )? > 0;
    if changed {
        tx.execute(
            "UPDATE devices SET revoked = ?1
             WHERE revoked = 0 AND user_id = (SELECT id FROM users WHERE username = ?2)",
            params![SIGNED_OUT, username],
        )?;
    }
    tx.commit()?;
    Ok(changed)
}

/// The session of a token and the device's `last_seen`.
pub fn session(
    conn: &mut Connection,
    token_hash: &str,
) -> Result<Option<(Caller, String)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.device_id, d.user_id, d.last_seen,
                u.username, u.display_name, u.role, u.branches, u.town_id
         FROM devices d JOIN users u ON u.id = d.user_id
         WHERE d.token_hash = ?1 AND d.revoked = 0 AND u.disabled = 0",
    )?;
    let found = stmt
        .query_row([token_hash], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<i64>>(8)?,
            ))
        })
        .optional()?;
    let Some((
        device_row,
        device_id,
        user_id,
        last_seen,
        username,
        display_name,
        role,
        branches,
        town,
    )) = found
    else {
        return Ok(None);
    };
    let account = Account {
        username,
        display_name,
        role: parse_role(&role)?,
        branches: parse_branches(&branches)?,
    };
    Ok(Some((
        Caller { device_row, device_id: parse_uuid(&device_id)?, user_id, account, town },
        last_seen,
    )))
}

pub fn seen_long_ago(last_seen: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(last_seen)
        .map(|t| chrono::Utc::now().signed_duration_since(t) > TOUCH_AFTER)
        .unwrap_or(true)
}

pub fn touch_device(conn: &mut Connection, device_row: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE devices SET last_seen = ?1 WHERE id = ?2", params![now(), device_row])?;
    Ok(())
}

pub fn list_devices(conn: &mut Connection, scope: Scope) -> Result<Vec<DeviceSummary>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.device_id, d.device_name, u.username, d.created_at, d.last_seen, d.revoked,
                d.report_json, d.reported_at
         FROM devices d JOIN users u ON u.id = d.user_id
         WHERE (?1 IS NULL OR d.town_id = ?1)
         ORDER BY d.last_seen DESC, d.id",
    )?;
    let mut rows = stmt.query([scope.town()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(DeviceSummary {
            id: row.get(0)?,
            device_id: parse_uuid(&row.get::<_, String>(1)?)?,
            device_name: row.get(2)?,
            username: row.get(3)?,
            created_at: row.get(4)?,
            last_seen: row.get(5)?,
            revoked: row.get::<_, i64>(6)? != 0,
            report: row
                .get::<_, Option<String>>(7)?
                .map(|json| serde_json::from_str(&json))
                .transpose()?,
            reported_at: row.get(8)?,
        });
    }
    Ok(out)
}

pub fn revoke_device(conn: &mut Connection, device_row: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE devices SET revoked = MAX(revoked, ?1) WHERE id = ?2",
        params![SIGNED_OUT, device_row],
    )? > 0)
}

/// Keep what a device reported at the end of a sync run.
pub fn report_device(
    conn: &mut Connection,
    device_row: i64,
    report: &DeviceReport,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE devices SET report_json = ?1, reported_at = ?2 WHERE id = ?3",
        params![serde_json::to_string(report)?, now(), device_row],
    )?;
    Ok(())
}

/// Keep a new sign-in code (its hash) for `username`; `false` if there is no such user.
pub fn create_signin_code(
    conn: &mut Connection,
    scope: Scope,
    username: &str,
    code_hash: &str,
    expires_at: &str,
    created_by: &str,
) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "INSERT INTO signin_codes (code_hash, user_id, created_by, created_at, expires_at, town_id)
         SELECT ?1, id, ?2, ?3, ?4, town_id FROM users
         WHERE username = ?5 AND (?6 IS NULL OR town_id = ?6)",
        params![code_hash, created_by, now(), expires_at, username, scope.town()],
    )? > 0)
}

/// Revoke every unused code of `username`; `None` if there is no such user.
pub fn revoke_signin_codes(
    conn: &mut Connection,
    scope: Scope,
    username: &str,
) -> Result<Option<usize>, StoreError> {
    let Some(user_id) = conn
        .query_row(
            "SELECT id FROM users WHERE username = ?1 AND (?2 IS NULL OR town_id = ?2)",
            params![username, scope.town()],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    Ok(Some(conn.execute(
        "UPDATE signin_codes SET revoked_at = ?1
         WHERE user_id = ?2 AND used_at IS NULL AND revoked_at IS NULL",
        params![now(), user_id],
    )?))
}

/// Use a sign-in code, in one transaction: a live code (not used, revoked or expired) of an
/// enabled account is marked used and the device registered with `token_hash`.
pub fn redeem_signin_code(
    conn: &mut Connection,
    code_hash: &str,
    device_id: Uuid,
    device_name: &str,
    token_hash: &str,
) -> Result<Redeemed, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found = tx
        .query_row(
            "SELECT c.id, c.expires_at, c.used_at IS NOT NULL OR c.revoked_at IS NOT NULL,
                    u.id, u.disabled, u.username, u.display_name, u.role, u.branches, u.town_id
             FROM signin_codes c JOIN users u ON u.id = c.user_id WHERE c.code_hash = ?1",
            [code_hash],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, bool>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, i64>(4)? != 0,
                    account_at(row, 5),
                    row.get::<_, Option<i64>>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((code_row, expires_at, spent, user_id, disabled, account, town)) = found else {
        return Ok(Redeemed::Unknown);
    };
    let expired = chrono::DateTime::parse_from_rfc3339(&expires_at)
        .map(|t| chrono::Utc::now() > t)
        .unwrap_or(true);
    if spent || expired {
        return Ok(Redeemed::Unknown);
    }
    if disabled {
        return Ok(Redeemed::Disabled);
    }
    let account = account?;
    tx.execute("UPDATE signin_codes SET used_at = ?1 WHERE id = ?2", params![now(), code_row])?;
    let registered = match register_device(&tx, user_id, device_id, device_name, token_hash) {
        Ok(registered) => registered,
        Err(StoreError::DeviceBlocked) => return Ok(Redeemed::DeviceBlocked),
        Err(e) => return Err(e),
    };
    tx.commit()?;
    Ok(Redeemed::SignedIn {
        user_id,
        device_row: registered.device_row,
        account,
        town,
        unsent_elsewhere: registered.unsent_elsewhere,
    })
}
