//! Versioned schema migrations for PostgreSQL, numbered like SQLite's
//! ([`crate::store::sqlite::migrations`]): applied in order at start, each once, in its own
//! transaction, recorded in `schema_version`. Version N here makes the same tables as version N
//! there; columns keep SQLite's types where answers depend on them (timestamps stay RFC 3339
//! text, JSON stays the text that was stored, byte for byte).
//!
//! Several server processes may start at once against one database: the whole run holds an
//! advisory lock ([`MIGRATION_LOCK`]), so one migrates and the others find it done.

use deadpool_postgres::Client;

use crate::store::StoreError;

pub use crate::store::sqlite::migrations::Migration;

/// Advisory lock key held while migrating ("FLDMIGR" read as a number, arbitrary but fixed).
pub const MIGRATION_LOCK: i64 = 0x464c_444d_4947;

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts, operations, records, conflicts, audit",
        sql: r#"
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    branches      TEXT NOT NULL DEFAULT '[]',
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE devices (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    revoked     BIGINT NOT NULL DEFAULT 0,
    UNIQUE (user_id, device_id)
);

-- Every accepted operation; seq is the pull cursor. Rows are inserted only while holding the
-- ops writer lock (see store::postgres::OPS_WRITER_LOCK), so seq order is commit order.
CREATE SEQUENCE ops_seq;
CREATE TABLE ops (
    seq          BIGINT PRIMARY KEY DEFAULT nextval('ops_seq'),
    op_id        TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    branch_id    TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    op_json      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    user_id      BIGINT,
    device_row   BIGINT
);
ALTER SEQUENCE ops_seq OWNED BY ops.seq;
CREATE INDEX ops_branch_seq ON ops (branch_id, seq);
CREATE INDEX ops_entity ON ops (entity_id);

-- The merged state of every entity. `ord` is SQLite's rowid: the order entities first reached
-- the server (an upsert keeps it).
CREATE TABLE records (
    ord         BIGSERIAL NOT NULL UNIQUE,
    entity_id   TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    branch_id   TEXT NOT NULL,
    record_json TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    deleted     BIGINT NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE INDEX records_entity_branch ON records (entity, branch_id);

CREATE TABLE conflicts (
    id            TEXT PRIMARY KEY,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    branch_id     TEXT NOT NULL,
    field         TEXT NOT NULL,
    conflict_json TEXT NOT NULL,
    detected_at   TEXT NOT NULL,
    resolved_at   TEXT,
    resolved_by   TEXT
);
CREATE INDEX conflicts_open ON conflicts (resolved_at, detected_at);

CREATE TABLE audit (
    id         BIGSERIAL PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    BIGINT,
    username   TEXT NOT NULL,
    device_row BIGINT,
    action     TEXT NOT NULL,
    op_id      TEXT,
    entity     TEXT,
    entity_id  TEXT,
    branch_id  TEXT,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at);
"#,
    },
    Migration {
        version: 2,
        name: "device id in the audit log, imported export files",
        sql: r#"
ALTER TABLE audit ADD COLUMN device_id TEXT;

CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    at          TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    accepted    BIGINT NOT NULL,
    duplicate   BIGINT NOT NULL,
    rejected    BIGINT NOT NULL
);
CREATE INDEX imports_checksum ON imports (checksum);
"#,
    },
    Migration {
        version: 3,
        name: "device reports, one-time sign-in codes, roster imports",
        sql: r#"
ALTER TABLE devices ADD COLUMN report_json TEXT;
ALTER TABLE devices ADD COLUMN reported_at TEXT;

CREATE TABLE signin_codes (
    id         BIGSERIAL PRIMARY KEY,
    code_hash  TEXT NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    revoked_at TEXT
);
CREATE INDEX signin_codes_user ON signin_codes (user_id);

CREATE TABLE roster_imports (
    id          BIGSERIAL PRIMARY KEY,
    at          TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    rows        BIGINT NOT NULL,
    created     BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL
);
"#,
    },
    Migration {
        version: 4,
        name: "towns as tenants",
        sql: r#"
CREATE TABLE towns (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
INSERT INTO towns (id, name, created_at)
    VALUES (1, '本镇', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
SELECT setval(pg_get_serial_sequence('towns', 'id'), 1);

ALTER TABLE users ADD COLUMN town_id BIGINT REFERENCES towns(id);
UPDATE users SET town_id = 1;
ALTER TABLE devices ADD COLUMN town_id BIGINT REFERENCES towns(id);
UPDATE devices SET town_id = users.town_id FROM users WHERE users.id = devices.user_id;
ALTER TABLE signin_codes ADD COLUMN town_id BIGINT REFERENCES towns(id);
UPDATE signin_codes SET town_id = users.town_id FROM users WHERE users.id = signin_codes.user_id;
ALTER TABLE audit ADD COLUMN town_id BIGINT REFERENCES towns(id);
UPDATE audit SET town_id = 1;
-- Added with the default town for the rows already there; the server always writes it, so
-- the default is dropped: a row without a town is an error, never the default town's.
ALTER TABLE ops ADD COLUMN town_id BIGINT NOT NULL DEFAULT 1 REFERENCES towns(id);
ALTER TABLE records ADD COLUMN town_id BIGINT NOT NULL DEFAULT 1 REFERENCES towns(id);
ALTER TABLE conflicts ADD COLUMN town_id BIGINT NOT NULL DEFAULT 1 REFERENCES towns(id);
ALTER TABLE imports ADD COLUMN town_id BIGINT NOT NULL DEFAULT 1 REFERENCES towns(id);
ALTER TABLE roster_imports ADD COLUMN town_id BIGINT NOT NULL DEFAULT 1 REFERENCES towns(id);
ALTER TABLE ops ALTER COLUMN town_id DROP DEFAULT;
ALTER TABLE records ALTER COLUMN town_id DROP DEFAULT;
ALTER TABLE conflicts ALTER COLUMN town_id DROP DEFAULT;
ALTER TABLE imports ALTER COLUMN town_id DROP DEFAULT;
ALTER TABLE roster_imports ALTER COLUMN town_id DROP DEFAULT;

CREATE INDEX users_town ON users (town_id);
CREATE INDEX devices_town ON devices (town_id);
CREATE INDEX ops_town_seq ON ops (town_id, seq);
CREATE INDEX records_town_entity ON records (town_id, entity, branch_id);
CREATE INDEX conflicts_town ON conflicts (town_id, resolved_at, detected_at);
"#,
    },
    Migration {
        version: 5,
        name: "sign-in rate limits shared by every process",
        sql: r#"
-- Sign-in rate limits shared by every server process of the deployment (`limits::SharedAttempts`):
-- one row per key and quota, the GCRA's theoretical arrival time in milliseconds of the
-- database's clock (`quota` -1: an account held until then). Rows in the past are swept.
CREATE TABLE signin_limits (
    key      TEXT NOT NULL,
    quota    BIGINT NOT NULL,
    until_ms BIGINT NOT NULL,
    PRIMARY KEY (key, quota)
);
CREATE INDEX signin_limits_until ON signin_limits (until_ms);
"#,
    },
    Migration {
        version: 6,
        name: "a record is one town's: keyed by town and id",
        sql: r#"
-- Every town has records of the same fixed id (the campaign settings, each category's rubric:
-- fixed so that two devices of a town editing them offline edit one record). Keyed by id alone,
-- a second town's campaign settings were refused as another town's record.
ALTER TABLE records DROP CONSTRAINT records_pkey;
ALTER TABLE records ADD PRIMARY KEY (town_id, entity_id);
-- A county account's filing step names a candidate by id alone.
CREATE INDEX records_entity_id ON records (entity_id);
"#,
    },
];

/// Apply the migrations this database lacks; returns how many ran.
pub async fn run(client: &mut Client) -> Result<usize, StoreError> {
    // The lock is per session: taken and released around the run on this one connection.
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await?;
    let result = run_locked(client).await;
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await;
    let applied = result?;
    unlocked?;
    Ok(applied)
}

async fn run_locked(client: &mut Client) -> Result<usize, StoreError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )
        .await?;
    let current = version(client).await?;
    let mut applied = 0;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let fail = |source| StoreError::PgMigration { version: m.version, source };
        let tx = client.transaction().await.map_err(fail)?;
        tx.batch_execute(m.sql).await.map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &crate::store::sqlite::now()],
        )
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "database migrated");
        applied += 1;
    }
    Ok(applied)
}

/// Highest applied version.
pub async fn version(client: &Client) -> Result<i64, StoreError> {
    let row = client
        .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version", &[])
        .await?;
    Ok(row.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_versions_as_sqlite() {
        let here: Vec<(i64, &str)> = MIGRATIONS.iter().map(|m| (m.version, m.name)).collect();
        let sqlite: Vec<(i64, &str)> = crate::store::sqlite::migrations::MIGRATIONS
            .iter()
            .map(|m| (m.version, m.name))
            .collect();
        assert_eq!(here, sqlite);
    }
}
