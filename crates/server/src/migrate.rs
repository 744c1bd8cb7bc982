//! `server migrate --from <data-dir> --to postgres://… --town <name>`: moving a town's SQLite
//! install up into a PostgreSQL database, with nothing lost.
//!
//! Every table is copied — token hashes, JSON text byte for byte — in ONE PostgreSQL
//! transaction that holds the operation writers' lock, into the town `--town` of the county
//! database (created if new; it must hold no rows yet). Every row's `town_id` becomes that
//! town's. Ids and sequence numbers are kept when the database holds no other town's rows;
//! otherwise each is moved up past the largest the database holds (`Offsets`), foreign keys
//! with them. With `ops.seq` kept, the tablets' pull cursors stay valid; moved up, every
//! operation of the town is above any cursor a tablet holds, so a tablet pulls its town once
//! more (merging is idempotent: nothing is lost or doubled) — a reset that is safe. Device
//! tokens keep working either way: pointed at the new address, tablets sync on without
//! re-installing. User names must be new to the county (sign-in names no town). Photos are
//! copied file by file into the county's `--data-dir/attachments`. Before committing, each
//! table's row count and a SHA-256 over its rows as written (in key order) are computed on both
//! sides and must be equal; they are printed.

use std::path::Path;

use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use crate::store::SqliteStore;
use crate::store::postgres::PgStore;
use crate::store::postgres::sync::OPS_WRITER_LOCK;

/// The tables, parents before children, with the column they are ordered by.
const TABLES: &[(&str, &str)] = &[
    ("users", "id"),
    ("devices", "id"),
    ("signin_codes", "id"),
    ("ops", "seq"),
    ("records", "ord"),
    ("conflicts", "id"),
    ("audit", "id"),
    ("imports", "id"),
    ("roster_imports", "id"),
];

/// One table's figures on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCopy {
    pub table: &'static str,
    pub rows: u64,
    /// SHA-256 (hex) over the rows in key order, the same on both sides.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrateReport {
    pub town: String,
    pub tables: Vec<TableCopy>,
    pub photos: usize,
}

/// A value on its way: what both databases hold, as the hash sees it.
enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    fn hash_into(&self, h: &mut Sha256) {
        match self {
            Cell::Null => h.update(b"n;"),
            Cell::Int(n) => h.update(format!("i{n};").as_bytes()),
            Cell::Text(s) => {
                h.update(format!("t{}:", s.len()).as_bytes());
                h.update(s.as_bytes());
                h.update(b";");
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Copy the install in `from` into the database at `to`, photos into `photos_to`.
pub async fn migrate(
    from: &Path,
    to: &str,
    town: &str,
    photos_to: &Path,
) -> Result<MigrateReport, String> {
    if !from.join(crate::store::sqlite::DB_FILE).exists() {
        return Err(format!(
            "{} 中没有数据库文件 {}",
            from.display(),
            crate::store::sqlite::DB_FILE
        ));
    }
    // Brings the town's file to this version's schema (what starting this server on it does).
    SqliteStore::open(from).map_err(|e| e.to_string())?;
    // Creates (migrates) the county database.
    PgStore::open(to).await.map_err(|e| e.to_string())?;
    let source = rusqlite::Connection::open_with_flags(
        from.join(crate::store::sqlite::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| e.to_string())?;

    let (mut client, connection) =
        tokio_postgres::connect(to, tokio_postgres::NoTls).await.map_err(|e| e.to_string())?;
    let connection = tokio::spawn(connection);
    let result = copy_all(&source, &mut client, town).await;
    drop(client);
    let _ = connection.await;
    let tables = result?;
    let photos = copy_photos(&from.join("attachments"), &photos_to.join("attachments"))?;
    Ok(MigrateReport { town: town.to_owned(), tables, photos })
}

/// How far each kind of id moves up (0 in a database with no other town's rows).
#[derive(Clone, Copy, Debug, Default)]
struct Offsets {
    users: i64,
    devices: i64,
    ops: i64,
    other: i64,
}

impl Offsets {
    /// The offset of `table.column`, `None` for a column that is copied as it is.
    fn of(&self, table: &str, column: &str) -> Option<i64> {
        Some(match (table, column) {
            ("users", "id") | (_, "user_id") => self.users,
            ("devices", "id") | (_, "device_row") => self.devices,
            ("ops", "seq") => self.ops,
            ("conflicts", _) => return None,
            (_, "id") | ("records", "ord") => self.other,
            _ => return None,
        })
    }
}

async fn copy_all(
    source: &rusqlite::Connection,
    client: &mut tokio_postgres::Client,
    town: &str,
) -> Result<Vec<TableCopy>, String> {
    let e = |e: tokio_postgres::Error| e.to_string();
    let tx = client.transaction().await.map_err(e)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&OPS_WRITER_LOCK]).await.map_err(e)?;
    tx.execute(
        "INSERT INTO towns (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        &[&town, &crate::store::sqlite::now()],
    )
    .await
    .map_err(e)?;
    let town_id: i64 =
        tx.query_one("SELECT id FROM towns WHERE name = $1", &[&town]).await.map_err(e)?.get(0);
    let occupied: i64 = tx
        .query_one(
            "SELECT (SELECT COUNT(*) FROM users WHERE town_id = $1)
                  + (SELECT COUNT(*) FROM ops WHERE town_id = $1)",
            &[&town_id],
        )
        .await
        .map_err(e)?
        .get(0);
    if occupied > 0 {
        return Err(format!("目标数据库中镇“{town}”已有账号或数据：每个镇只迁入一次"));
    }
    let others: i64 = tx
        .query_one(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM ops)
                  + (SELECT COUNT(*) FROM records) + (SELECT COUNT(*) FROM audit)",
            &[],
        )
        .await
        .map_err(e)?
        .get(0);
    let mut offsets = Offsets::default();
    if others > 0 {
        let max = |sql: &'static str| {
            let tx = &tx;
            async move {
                tx.query_one(sql, &[]).await.map(|r| r.get::<_, i64>(0)).map_err(|e| e.to_string())
            }
        };
        offsets.users = max("SELECT COALESCE(MAX(id), 0)::BIGINT FROM users").await?;
        offsets.devices = max("SELECT COALESCE(MAX(id), 0)::BIGINT FROM devices").await?;
        offsets.ops =
            max("SELECT GREATEST(COALESCE(MAX(seq), 0), (SELECT last_value FROM ops_seq))::BIGINT
             FROM ops")
            .await?;
        offsets.other = max("SELECT GREATEST(
                 (SELECT COALESCE(MAX(id), 0) FROM signin_codes),
                 (SELECT COALESCE(MAX(ord), 0) FROM records),
                 (SELECT COALESCE(MAX(id), 0) FROM audit),
                 (SELECT COALESCE(MAX(id), 0) FROM imports),
                 (SELECT COALESCE(MAX(id), 0) FROM roster_imports))::BIGINT")
        .await?;
    }
    let mut copies = Vec::new();
    for (table, key) in TABLES {
        let columns: Vec<(String, String)> = tx
            .query(
                "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                 ORDER BY ordinal_position",
                &[table],
            )
            .await
            .map_err(e)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        // SQLite's rowid is PostgreSQL's `records.ord`.
        let select: Vec<&str> = names
            .iter()
            .map(|n| if *table == "records" && *n == "ord" { "rowid" } else { n })
            .collect();
        let source_key = if *table == "records" { "rowid" } else { key };
        let mut stmt = source
            .prepare(&format!("SELECT {} FROM {table} ORDER BY {source_key}", select.join(", ")))
            .map_err(|e| e.to_string())?;
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                placeholders.join(", ")
            ))
            .await
            .map_err(e)?;
        let mut hash = Sha256::new();
        let mut rows = 0u64;
        let mut found = stmt.query([]).map_err(|e| e.to_string())?;
        while let Some(row) = found.next().map_err(|e| e.to_string())? {
            let mut params: Vec<Box<dyn ToSql + Sync + Send>> = Vec::with_capacity(names.len());
            for (i, (name, kind)) in columns.iter().enumerate() {
                let value = row.get_ref(i).map_err(|e| e.to_string())?;
                let cell = match value {
                    // Every row belongs to the town it is migrated into.
                    _ if name == "town_id" => Cell::Int(town_id),
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(n) => match offsets.of(table, name) {
                        Some(offset) => Cell::Int(n + offset),
                        None => Cell::Int(n),
                    },
                    ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    other => {
                        return Err(format!("{table}.{name}: unexpected value {other:?}"));
                    }
                };
                cell.hash_into(&mut hash);
                params.push(match (kind.as_str(), cell) {
                    ("bigint", Cell::Int(n)) => Box::new(n),
                    ("bigint", Cell::Null) => Box::new(None::<i64>),
                    ("text", Cell::Text(s)) => Box::new(s),
                    ("text", Cell::Null) => Box::new(None::<String>),
                    ("bigint", Cell::Text(s)) => {
                        Box::new(s.parse::<i64>().map_err(|_| format!("{table}.{name}: {s:?}"))?)
                    }
                    ("text", Cell::Int(n)) => Box::new(n.to_string()),
                    (kind, _) => return Err(format!("{table}.{name}: column type {kind}")),
                });
            }
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
            tx.execute(&insert, &refs).await.map_err(|err| {
                if table == &"users" && err.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    "有用户名在县里已被别的镇使用：先在原镇改名后再迁移".to_owned()
                } else {
                    err.to_string()
                }
            })?;
            rows += 1;
        }
        let copied = TableCopy { table, rows, sha256: hex(&hash.finalize()) };
        let again = table_digest(&tx, table, key, &columns, town_id).await?;
        if again != copied {
            return Err(format!("{table}: copied {copied:?} but the database holds {again:?}"));
        }
        copies.push(copied);
    }
    // Sequences go on after the copied numbers; `ops` after SQLite's own (AUTOINCREMENT).
    let ops_next: i64 = source
        .query_row(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'ops'), 0),
                        COALESCE((SELECT MAX(seq) FROM ops), 0))",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    let ops_next = ops_next + offsets.ops;
    if ops_next > 0 {
        tx.execute(
            "SELECT setval('ops_seq', GREATEST($1, (SELECT last_value FROM ops_seq)))",
            &[&ops_next],
        )
        .await
        .map_err(e)?;
    }
    for (table, column) in TABLES.iter().filter(|(t, _)| *t != "ops" && *t != "conflicts") {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               (SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
            ),
            &[],
        )
        .await
        .map_err(e)?;
    }
    tx.execute(
        "INSERT INTO audit (at, username, action, detail, town_id)
         VALUES ($1, $2, 'migrate', $3, $4)",
        &[
            &crate::store::sqlite::now(),
            &crate::commands::CLI_USER,
            &format!("镇“{town}”的数据从 SQLite 迁入：{} 张表", copies.len()),
            &town_id,
        ],
    )
    .await
    .map_err(e)?;
    tx.commit().await.map_err(e)?;
    Ok(copies)
}

/// Count and hash a table as the copy wrote it (inside the copying transaction).
async fn table_digest(
    tx: &tokio_postgres::Transaction<'_>,
    table: &'static str,
    key: &str,
    columns: &[(String, String)],
    town_id: i64,
) -> Result<TableCopy, String> {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let order = if columns.iter().any(|(n, k)| n == key && k == "text") {
        format!("{key} COLLATE \"C\"")
    } else {
        key.to_owned()
    };
    let rows = tx
        .query(
            &format!(
                "SELECT {} FROM {table} WHERE town_id = $1 ORDER BY {order}",
                names.join(", ")
            ),
            &[&town_id],
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut hash = Sha256::new();
    for row in &rows {
        for (i, (_, kind)) in columns.iter().enumerate() {
            let cell = if kind == "bigint" {
                row.try_get::<_, Option<i64>>(i)
                    .map_err(|e| e.to_string())?
                    .map_or(Cell::Null, Cell::Int)
            } else {
                row.try_get::<_, Option<String>>(i)
                    .map_err(|e| e.to_string())?
                    .map_or(Cell::Null, Cell::Text)
            };
            cell.hash_into(&mut hash);
        }
    }
    Ok(TableCopy { table, rows: rows.len() as u64, sha256: hex(&hash.finalize()) })
}

/// Copy every photo file (not the partial uploads) that the target does not hold yet; the
/// number of files copied.
fn copy_photos(from: &Path, to: &Path) -> Result<usize, String> {
    fn walk(from: &Path, to: &Path, copied: &mut usize) -> std::io::Result<()> {
        if !from.is_dir() {
            return Ok(());
        }
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let name = entry.file_name();
            if name == "tmp" {
                continue;
            }
            let (src, dst) = (entry.path(), to.join(&name));
            if entry.file_type()?.is_dir() {
                walk(&src, &dst, copied)?;
            } else if !dst.exists() {
                std::fs::copy(&src, &dst)?;
                *copied += 1;
            }
        }
        Ok(())
    }
    let mut copied = 0;
    walk(from, to, &mut copied).map_err(|e| format!("照片复制失败：{e}"))?;
    Ok(copied)
}
