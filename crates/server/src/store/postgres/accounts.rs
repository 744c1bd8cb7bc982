//! Users and their devices on PostgreSQL: the same statements and answers as
//! [`crate::store::sqlite::accounts`], in PostgreSQL's dialect.

use deadpool_postgres::GenericClient;
use shared::roles::Account;
use shared::sync::{
    DeviceReport, DeviceSummary, MAX_UNSENT_ELSEWHERE, UnsentElsewhere, UserSummary,
};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;
use uuid::Uuid;

use crate::store::sqlite::accounts::{
    BLOCKED, SIGNED_OUT, parse_branches, parse_role, parse_uuid, unsent_entry,
};
use crate::store::sqlite::now;
use crate::store::{Caller, Credentials, NewUser, Redeemed, Registered, Scope, StoreError, Town};

/// `username, display_name, role, branches` at columns `first..first+4`.
pub(super) fn account_at(row: &Row, first: usize) -> Result<Account, StoreError> {
    Ok(Account {
        username: row.try_get(first)?,
        display_name: row.try_get(first + 1)?,
        role: parse_role(row.try_get::<_, &str>(first + 2)?)?,
        branches: parse_branches(row.try_get::<_, &str>(first + 3)?)?,
    })
}

pub async fn towns(c: &impl GenericClient) -> Result<Vec<Town>, StoreError> {
    let rows = c.query("SELECT id, name FROM towns ORDER BY name COLLATE \"C\"", &[]).await?;
    rows.iter().map(|r| Ok(Town { id: r.try_get(0)?, name: r.try_get(1)? })).collect()
}

pub async fn town_named(
    c: &impl GenericClient,
    name: &str,
    create: bool,
) -> Result<Option<Town>, StoreError> {
    if create {
        c.execute(
            "INSERT INTO towns (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &now()],
        )
        .await?;
    }
    c.query_opt("SELECT id, name FROM towns WHERE name = $1", &[&name])
        .await?
        .map(|r| Ok(Town { id: r.try_get(0)?, name: r.try_get(1)? }))
        .transpose()
}

pub async fn create_user(
    c: &impl GenericClient,
    user: &NewUser,
) -> Result<UserSummary, StoreError> {
    let created_at = now();
    let a = &user.account;
    let result = c
        .execute(
            "INSERT INTO users (username, display_name, password_hash, role, branches, created_at,
                                town_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &a.username,
                &a.display_name,
                &user.password_hash,
                &a.role.as_str(),
                &serde_json::to_string(&a.branches)?,
                &created_at,
                &user.town,
            ],
        )
        .await;
    match result {
        Ok(_) => Ok(UserSummary { account: a.clone(), created_at, disabled: false }),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Err(StoreError::UsernameTaken),
        Err(e) => Err(e.into()),
    }
}

pub async fn list_users(
    c: &impl GenericClient,
    scope: Scope,
) -> Result<Vec<UserSummary>, StoreError> {
    let rows = c
        .query(
            "SELECT username, display_name, role, branches, created_at, disabled
             FROM users WHERE ($1::BIGINT IS NULL OR town_id = $1)
             ORDER BY username COLLATE \"C\"",
            &[&scope.town()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(UserSummary {
                account: account_at(row, 0)?,
                created_at: row.try_get(4)?,
                disabled: row.try_get::<_, i64>(5)? != 0,
            })
        })
        .collect()
}

pub async fn credentials(
    c: &impl GenericClient,
    username: &str,
) -> Result<Option<Credentials>, StoreError> {
    let Some(row) = c
        .query_opt(
            "SELECT id, password_hash, disabled, username, display_name, role, branches, town_id
             FROM users WHERE username = $1",
            &[&username],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Credentials {
        user_id: row.try_get(0)?,
        town: row.try_get(7)?,
        password_hash: row.try_get(1)?,
        disabled: row.try_get::<_, i64>(2)? != 0,
        account: account_at(&row, 3)?,
    }))
}

pub async fn register_device(
    c: &impl GenericClient,
    user_id: i64,
    device_id: Uuid,
    device_name: &str,
    token_hash: &str,
) -> Result<Registered, StoreError> {
    let at = now();
    let id = device_id.to_string();
    let known = c
        .query_opt("SELECT 1 FROM devices WHERE user_id = $1 AND device_id = $2", &[&user_id, &id])
        .await?
        .is_some();
    let device_row: i64 = c
        .query_opt(
            "INSERT INTO devices (user_id, device_id, device_name, token_hash, created_at,
                                  last_seen, town_id)
             VALUES ($1, $2, $3, $4, $5, $5, (SELECT town_id FROM users WHERE id = $1))
             ON CONFLICT (user_id, device_id) DO UPDATE SET
                 device_name = excluded.device_name,
                 token_hash = excluded.token_hash,
                 last_seen = excluded.last_seen,
                 revoked = 0
             WHERE devices.revoked != 2
             RETURNING id",
            &[&user_id, &id, &device_name, &token_hash, &at],
        )
        .await?
        .map(|row| row.try_get(0))
        .transpose()?
        .ok_or(StoreError::DeviceBlocked)?;
    let unsent_elsewhere =
        if known { Vec::new() } else { unsent_elsewhere(c, user_id, &id).await? };
    Ok(Registered { device_row, unsent_elsewhere })
}

/// As the SQLite store's: the user's other devices whose last report held changes not sent.
async fn unsent_elsewhere(
    c: &impl GenericClient,
    user_id: i64,
    device_id: &str,
) -> Result<Vec<UnsentElsewhere>, StoreError> {
    let rows = c
        .query(
            "SELECT device_id, device_name, report_json, reported_at, revoked FROM devices
             WHERE user_id = $1 AND device_id != $2 AND report_json IS NOT NULL
                   AND reported_at IS NOT NULL
             ORDER BY reported_at COLLATE \"C\" DESC, id DESC",
            &[&user_id, &device_id],
        )
        .await?;
    let mut out = Vec::new();
    for row in &rows {
        let entry = unsent_entry(
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get::<_, i64>(4)? == BLOCKED,
        );
        if let Some(entry) = entry {
            out.push(entry);
            if out.len() == MAX_UNSENT_ELSEWHERE {
                break;
            }
        }
    }
    Ok(out)
}

pub async fn block_device(
    c: &impl GenericClient,
    scope: Scope,
    device_row: i64,
) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE devices SET revoked = $1 WHERE id = $2 AND ($3::BIGINT IS NULL OR town_id = $3)",
        &[&BLOCKED, &device_row, &scope.town()],
    )
    .await?
        > 0)
}

pub async fn restore_device(
    c: &impl GenericClient,
    scope: Scope,
    device_row: i64,
) -> Result<bool, StoreError> {
    let dead = format!("restored:{}", crate::auth::token_hash(&crate::auth::new_token()));
    Ok(c.execute(
        "UPDATE devices SET revoked = $1, token_hash = $2
         WHERE id = $3 AND revoked = $4 AND ($5::BIGINT IS NULL OR town_id = $5)",
        &[&SIGNED_OUT, &dead, &device_row, &BLOCKED, &scope.town()],
    )
    .await?
        > 0
        || c.query_opt(
            "SELECT 1 FROM devices WHERE id = $1 AND ($2::BIGINT IS NULL OR town_id = $2)",
            &[&device_row, &scope.town()],
        )
        .await?
        .is_some())
}

pub async fn set_disabled(
    c: &impl GenericClient,
    scope: Scope,
    username: &str,
    disabled: bool,
) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE users SET disabled = $1
         WHERE username = $2 AND ($3::BIGINT IS NULL OR town_id = $3)",
        &[&i64::from(disabled), &username, &scope.town()],
    )
    .await?
        > 0)
}

pub async fn set_password(
    c: &mut deadpool_postgres::Client,
    scope: Scope,
    username: &str,
    password_hash: &str,
) -> Result<bool, StoreError> {
    let tx = c.transaction().await?;
    let changed = tx
        .execute(
            "UPDATE users SET password_hash = $1
             WHERE username = $2 AND ($3::BIGINT IS NULL OR town_id = $3)",
            &[&password_hash, &username, &scope.town()],
        )
        .await?
        > 0;
    if changed {
        tx.execute(
            "UPDATE devices SET revoked = $1
             WHERE revoked = 0 AND user_id = (SELECT id FROM users WHERE username = $2)",
            &[&SIGNED_OUT, &username],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// The session of a token and the device's `last_seen`.
pub async fn session(
    c: &impl GenericClient,
    token_hash: &str,
) -> Result<Option<(Caller, String)>, StoreError> {
    let Some(row) = c
        .query_opt(
            "SELECT d.id, d.device_id, d.user_id, d.last_seen,
                    u.username, u.display_name, u.role, u.branches, u.town_id
             FROM devices d JOIN users u ON u.id = d.user_id
             WHERE d.token_hash = $1 AND d.revoked = 0 AND u.disabled = 0",
            &[&token_hash],
        )
        .await?
    else {
        return Ok(None);
    };
    let caller = Caller {
        device_row: row.try_get(0)?,
        device_id: parse_uuid(row.try_get(1)?)?,
        user_id: row.try_get(2)?,
        account: account_at(&row, 4)?,
        town: row.try_get(8)?,
    };
    Ok(Some((caller, row.try_get(3)?)))
}

pub async fn touch_device(c: &impl GenericClient, device_row: i64) -> Result<(), StoreError> {
    c.execute("UPDATE devices SET last_seen = $1 WHERE id = $2", &[&now(), &device_row]).await?;
    Ok(())
}

pub async fn list_devices(
    c: &impl GenericClient,
    scope: Scope,
) -> Result<Vec<DeviceSummary>, StoreError> {
    let rows = c
        .query(
            "SELECT d.id, d.device_id, d.device_name, u.username, d.created_at, d.last_seen,
                    d.revoked, d.report_json, d.reported_at
             FROM devices d JOIN users u ON u.id = d.user_id
             WHERE ($1::BIGINT IS NULL OR d.town_id = $1)
             ORDER BY d.last_seen COLLATE \"C\" DESC, d.id",
            &[&scope.town()],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(DeviceSummary {
                id: row.try_get(0)?,
                device_id: parse_uuid(row.try_get(1)?)?,
                device_name: row.try_get(2)?,
                username: row.try_get(3)?,
                created_at: row.try_get(4)?,
                last_seen: row.try_get(5)?,
                revoked: row.try_get::<_, i64>(6)? != 0,
                report: row.try_get::<_, Option<&str>>(7)?.map(serde_json::from_str).transpose()?,
                reported_at: row.try_get(8)?,
            })
        })
        .collect()
}

pub async fn revoke_device(c: &impl GenericClient, device_row: i64) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE devices SET revoked = GREATEST(revoked, $1) WHERE id = $2",
        &[&SIGNED_OUT, &device_row],
    )
    .await?
        > 0)
}

pub async fn report_device(
    c: &impl GenericClient,
    device_row: i64,
    report: &DeviceReport,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE devices SET report_json = $1, reported_at = $2 WHERE id = $3",
        &[&serde_json::to_string(report)?, &now(), &device_row],
    )
    .await?;
    Ok(())
}

pub async fn create_signin_code(
    c: &impl GenericClient,
    scope: Scope,
    username: &str,
    code_hash: &str,
    expires_at: &str,
    created_by: &str,
) -> Result<bool, StoreError> {
    Ok(c.execute(
        "INSERT INTO signin_codes (code_hash, user_id, created_by, created_at, expires_at, town_id)
         SELECT $1, id, $2, $3, $4, town_id FROM users
         WHERE username = $5 AND ($6::BIGINT IS NULL OR town_id = $6)",
        &[&code_hash, &created_by, &now(), &expires_at, &username, &scope.town()],
    )
    .await?
        > 0)
}

pub async fn revoke_signin_codes(
    c: &impl GenericClient,
    scope: Scope,
    username: &str,
) -> Result<Option<usize>, StoreError> {
    let Some(row) = c
        .query_opt(
            "SELECT id FROM users WHERE username = $1 AND ($2::BIGINT IS NULL OR town_id = $2)",
            &[&username, &scope.town()],
        )
        .await?
    else {
        return Ok(None);
    };
    let user_id: i64 = row.try_get(0)?;
    let n = c
        .execute(
            "UPDATE signin_codes SET revoked_at = $1
             WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
            &[&now(), &user_id],
        )
        .await?;
    Ok(Some(usize::try_from(n).unwrap_or(usize::MAX)))
}

/// Use a sign-in code, in one transaction; the code's row is locked (`FOR UPDATE`), so two
/// processes redeeming the same code at once cannot both succeed.
pub async fn redeem_signin_code(
    c: &mut deadpool_postgres::Client,
    code_hash: &str,
    device_id: Uuid,
    device_name: &str,
    token_hash: &str,
) -> Result<Redeemed, StoreError> {
    let tx = c.transaction().await?;
    let found = tx
        .query_opt(
            "SELECT c.id, c.expires_at, c.used_at IS NOT NULL OR c.revoked_at IS NOT NULL,
                    u.id, u.disabled, u.username, u.display_name, u.role, u.branches, u.town_id
             FROM signin_codes c JOIN users u ON u.id = c.user_id WHERE c.code_hash = $1
             FOR UPDATE OF c",
            &[&code_hash],
        )
        .await?;
    let Some(row) = found else {
        return Ok(Redeemed::Unknown);
    };
    let code_row: i64 = row.try_get(0)?;
    let expires_at: String = row.try_get(1)?;
    let spent: bool = row.try_get(2)?;
    let user_id: i64 = row.try_get(3)?;
    let disabled = row.try_get::<_, i64>(4)? != 0;
    let expired = chrono::DateTime::parse_from_rfc3339(&expires_at)
        .map(|t| chrono::Utc::now() > t)
        .unwrap_or(true);
    if spent || expired {
        return Ok(Redeemed::Unknown);
    }
    if disabled {
        return Ok(Redeemed::Disabled);
    }
    let account = account_at(&row, 5)?;
    let town: Option<i64> = row.try_get(9)?;
    tx.execute("UPDATE signin_codes SET used_at = $1 WHERE id = $2", &[&now(), &code_row]).await?;
    let registered = match register_device(&tx, user_id, device_id, device_name, token_hash).await {
        Ok(registered) => registered,
        Err(StoreError::DeviceBlocked) => return Ok(Redeemed::DeviceBlocked),
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(Redeemed::SignedIn {
        user_id,
        device_row: registered.device_row,
        account,
        town,
        unsent_elsewhere: registered.unsent_elsewhere,
    })
}
