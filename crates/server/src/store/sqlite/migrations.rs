//! Versioned schema migrations, applied in order at start. Each runs once, in its own
//! transaction, and is recorded in `schema_version`; re-running on a migrated database is a no-op.

use rusqlite::{Connection, params};

use crate::store::StoreError;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts, operations, records, conflicts, audit",
        sql: r#"
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    branches      TEXT NOT NULL DEFAULT '[]',   -- JSON array of branch ids
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,           -- SHA-256 hex of the bearer token
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, device_id)
);

-- Every accepted operation; seq is the pull cursor.
CREATE TABLE ops (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id        TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    branch_id    TEXT NOT NULL,
    hlc          TEXT NOT NULL,
    op_json      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    user_id      INTEGER,
    device_row   INTEGER
);
CREATE INDEX ops_branch_seq ON ops (branch_id, seq);
CREATE INDEX ops_entity ON ops (entity_id);

-- The merged state of every entity (shared::record::Record as JSON).
CREATE TABLE records (
    entity_id   TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    branch_id   TEXT NOT NULL,
    record_json TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
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
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL,
    device_row INTEGER,
    action     TEXT NOT NULL,                   -- push_op, login, create_user, revoke_device, ...
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
-- The device an audited operation came from (for imports: the device named in the file).
ALTER TABLE audit ADD COLUMN device_id TEXT;

-- Every export file applied (an import applies a file in one transaction, so a row here means
-- the whole file was applied).
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    checksum    TEXT NOT NULL,               -- the file's sha256:<hex> payload checksum
    device_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,               -- when the tablet wrote the file
    imported_by TEXT NOT NULL,
    accepted    INTEGER NOT NULL,
    duplicate   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL
);
CREATE INDEX imports_checksum ON imports (checksum);
"#,
    },
    Migration {
        version: 3,
        name: "device reports, one-time sign-in codes, roster imports",
        sql: r#"
-- What each tablet reported at the end of its last sync run (shared::sync::DeviceReport).
ALTER TABLE devices ADD COLUMN report_json TEXT;
ALTER TABLE devices ADD COLUMN reported_at TEXT;

-- One-time sign-in codes the town office hands out (QR or 8 characters); stored as SHA-256.
CREATE TABLE signin_codes (
    id         INTEGER PRIMARY KEY,
    code_hash  TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    revoked_at TEXT
);
CREATE INDEX signin_codes_user ON signin_codes (user_id);

-- Every roster (党员名册) applied: a row here means the whole file was applied.
CREATE TABLE roster_imports (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);
"#,
    },
    Migration {
        version: 4,
        name: "towns as tenants",
        sql: r#"
-- The towns of a deployment. A town office's install has one, the default town (id 1), to
-- which every row written before towns existed belongs.
CREATE TABLE towns (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
INSERT INTO towns (id, name, created_at) VALUES (1, '本镇', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- NULL: a county account, which reads every town (and files approved candidates).
ALTER TABLE users ADD COLUMN town_id INTEGER REFERENCES towns(id);
UPDATE users SET town_id = 1;
ALTER TABLE devices ADD COLUMN town_id INTEGER REFERENCES towns(id);
UPDATE devices SET town_id = (SELECT town_id FROM users WHERE users.id = devices.user_id);
ALTER TABLE signin_codes ADD COLUMN town_id INTEGER REFERENCES towns(id);
UPDATE signin_codes SET town_id = (SELECT town_id FROM users WHERE users.id = signin_codes.user_id);
-- NULL: something a county account did itself (an export, say).
ALTER TABLE audit ADD COLUMN town_id INTEGER REFERENCES towns(id);
UPDATE audit SET town_id = 1;
-- Every operation, record, conflict and file applied belongs to exactly one town. (SQLite
-- takes no REFERENCES on an added column with a default; the server always writes it.)
ALTER TABLE ops ADD COLUMN town_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE records ADD COLUMN town_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conflicts ADD COLUMN town_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE imports ADD COLUMN town_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE roster_imports ADD COLUMN town_id INTEGER NOT NULL DEFAULT 1;

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
-- Sign-in rate limits of a deployment with several server processes (PostgreSQL): one row per
-- key and quota, the GCRA's theoretical arrival time in milliseconds (`quota` -1: an account
-- held until then). A SQLite install is one process and keeps them in memory (`governor`); the
-- table is made here too so both stores have the same schema at the same version.
CREATE TABLE signin_limits (
    key      TEXT NOT NULL,
    quota    INTEGER NOT NULL,
    until_ms INTEGER NOT NULL,
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
-- a second town's campaign settings were refused as another town's record. SQLite cannot change
-- a primary key in place: the table is made anew, rowids kept (the order records reached the
-- server).
CREATE TABLE records_by_town (
    town_id     INTEGER NOT NULL REFERENCES towns(id),
    entity_id   TEXT NOT NULL,
    entity      TEXT NOT NULL,
    branch_id   TEXT NOT NULL,
    record_json TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (town_id, entity_id)
);
INSERT INTO records_by_town
    (rowid, town_id, entity_id, entity, branch_id, record_json, updated_hlc, deleted, updated_at)
    SELECT rowid, town_id, entity_id, entity, branch_id, record_json, updated_hlc, deleted,
           updated_at
    FROM records ORDER BY rowid;
DROP TABLE records;
ALTER TABLE records_by_town RENAME TO records;
CREATE INDEX records_entity_branch ON records (entity, branch_id);
CREATE INDEX records_town_entity ON records (town_id, entity, branch_id);
-- A county account's filing step names a candidate by id alone.
CREATE INDEX records_entity_id ON records (entity_id);
"#,
    },
];

/// Apply the migrations this database lacks; returns how many ran.
pub fn run(conn: &mut Connection) -> Result<usize, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let current: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?;
    let mut applied = 0;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let fail = |source| StoreError::Migration { version: m.version, source };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(m.sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, super::now()],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        tracing::info!(version = m.version, name = m.name, "database migrated");
        applied += 1;
    }
    Ok(applied)
}

/// Highest applied version.
pub fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_strictly_increasing() {
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
        assert_eq!(MIGRATIONS[0].version, 1);
    }

    #[test]
    fn rerun_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(run(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(run(&mut conn).unwrap(), 0);
        assert_eq!(version(&conn).unwrap(), MIGRATIONS.last().unwrap().version);
    }

    /// Records written at version 5 (keyed by id) keep their content and order at version 6,
    /// where a second town may hold a record of the same id.
    #[test]
    fn records_move_to_the_town_and_id_key_with_their_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                          applied_at TEXT NOT NULL)",
        )
        .unwrap();
        for m in MIGRATIONS.iter().filter(|m| m.version <= 5) {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO schema_version VALUES (?1, ?2, 'then')",
                params![m.version, m.name],
            )
            .unwrap();
        }
        conn.execute("INSERT INTO towns (id, name, created_at) VALUES (2, '象山镇', 'then')", [])
            .unwrap();
        for (id, town) in [("z-last-id", 1), ("a-first-id", 2), ("fixed", 1)] {
            conn.execute(
                "INSERT INTO records (entity_id, entity, branch_id, record_json, updated_hlc,
                                      updated_at, town_id)
                 VALUES (?1, 'person', 'b1', ?2, 'h', 'then', ?3)",
                params![id, format!("{{\"id\":\"{id}\"}}"), town],
            )
            .unwrap();
        }
        assert_eq!(run(&mut conn).unwrap(), 1);
        let rows: Vec<(String, i64, String)> = conn
            .prepare("SELECT entity_id, town_id, record_json FROM records ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let ids: Vec<(&str, i64)> = rows.iter().map(|(id, t, _)| (id.as_str(), *t)).collect();
        assert_eq!(ids, [("z-last-id", 1), ("a-first-id", 2), ("fixed", 1)], "same order");
        assert!(rows.iter().all(|(id, _, json)| json.contains(id.as_str())));
        conn.execute(
            "INSERT INTO records (entity_id, entity, branch_id, record_json, updated_hlc,
                                  updated_at, town_id)
             VALUES ('fixed', 'campaign', '', '{}', 'h', 'now', 2)",
            [],
        )
        .expect("the same id in another town");
        let again = conn.execute(
            "INSERT INTO records (entity_id, entity, branch_id, record_json, updated_hlc,
                                  updated_at, town_id)
             VALUES ('fixed', 'campaign', '', '{}', 'h', 'now', 1)",
            [],
        );
        assert!(again.is_err(), "still one record per id in a town");
    }
}
