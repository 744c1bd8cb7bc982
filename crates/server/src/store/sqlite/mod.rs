//! The SQLite implementation of [`Store`]: one file under the data directory, WAL mode.
//!
//! Durability: `journal_mode=WAL` with `synchronous=FULL`. An operation is acknowledged only
//! after its push transaction committed, and with FULL the WAL is fsynced at every commit, so an
//! acknowledged operation survives not only a killed process (NORMAL would already do that) but
//! also a power cut of the office PC, which NORMAL does not promise. Pushes are batched, so the
//! one fsync per push costs little.
//!
//! Blocking SQLite calls run on tokio's blocking pool. There is one writer connection and one
//! reader connection (WAL lets the reader see the last commit while a push is being written),
//! and a checker connection that only the writer uses: a push's checks read through it on a
//! second thread while the writer writes the operations already checked (`sync::apply_ops`).

pub(crate) mod accounts;
mod conflicts;
mod county;
mod import;
pub mod migrations;
pub(crate) mod sync;

use crate::store::Held;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::{ConflictEntry, DeviceReport, DeviceSummary, OpResult, UserSummary};
use uuid::Uuid;

use super::{
    AttachmentRefs, AuditEvent, Caller, ConflictFilter, ConflictPage, Credentials, ImportBatch,
    ImportCounts, NewUser, PullPage, Redeemed, Registered, RosterBatch, Scope, Store, StoreError,
    Town,
};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "field.sqlite3";

#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Writer>>,
    reader: Arc<Mutex<Connection>>,
    /// Which records reference each photo ([`super::photo_refs`]).
    photo_refs: Arc<super::photo_refs::PhotoRefCache>,
}

/// How much of the database file the checker connection maps (SQLite maps no more than the
/// file's size; this is address space, not memory).
const CHECKER_MMAP_BYTES: i64 = 1 << 30;

/// The writer's connection, and the read-only one its pushes check through.
struct Writer {
    conn: Connection,
    checker: Connection,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish()
    }
}

/// Current time as fixed-width RFC 3339 UTC (sorts as text).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl SqliteStore {
    /// Open (creating if needed) `data_dir/field.sqlite3` and apply pending migrations.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let open_err =
            |message: String| StoreError::Open { path: data_dir.display().to_string(), message };
        std::fs::create_dir_all(data_dir).map_err(|e| open_err(e.to_string()))?;
        let path = data_dir.join(DB_FILE);
        let mut writer = Connection::open(&path)?;
        configure(&writer)?;
        migrations::run(&mut writer)?;
        let open_reader = || -> Result<Connection, StoreError> {
            let reader = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(10))?;
            Ok(reader)
        };
        let checker = open_reader()?;
        // Another connection's commit empties a connection's page cache, so the checker would
        // read every page of every push from the OS again; mapped, a page is found in memory.
        checker.pragma_update(None, "mmap_size", CHECKER_MMAP_BYTES)?;
        let writer = Writer { conn: writer, checker };
        let reader = open_reader()?;
        Ok(Self {
            path,
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            photo_refs: Arc::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applied schema version.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|c| migrations::version(c)).await
    }

    /// Versions recorded in `schema_version`, oldest first.
    pub async fn migration_history(&self) -> Result<Vec<i64>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT version FROM schema_version ORDER BY version")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<i64>, _>>()?)
        })
        .await
    }

    async fn run<C, R, F>(conn: Arc<Mutex<C>>, f: F) -> Result<R, StoreError>
    where
        C: Send + 'static,
        R: Send + 'static,
        F: FnOnce(&mut C) -> Result<R, StoreError> + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            // A panic mid-transaction rolled it back when the Transaction dropped: the
            // connection itself is still sound, so a poisoned lock is taken over.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }

    async fn write<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        Self::run(self.writer.clone(), |w: &mut Writer| f(&mut w.conn)).await
    }

    /// [`Self::write`] with the checker connection beside the writer's (the push path).
    async fn write_checked<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection, &mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        Self::run(self.writer.clone(), |w: &mut Writer| f(&mut w.conn, &mut w.checker)).await
    }

    async fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        Self::run(self.reader.clone(), f).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn max_hlc(&self) -> Result<Option<shared::hlc::Hlc>, StoreError> {
        self.read(|c| {
            let text: Option<String> = c.query_row("SELECT MAX(hlc) FROM ops", [], |r| r.get(0))?;
            text.map(|t| {
                t.parse()
                    .map_err(|e: shared::hlc::HlcParseError| StoreError::Corrupt(e.to_string()))
            })
            .transpose()
        })
        .await
    }

    async fn towns(&self) -> Result<Vec<Town>, StoreError> {
        self.read(accounts::towns).await
    }

    async fn town_named(&self, name: &str, create: bool) -> Result<Option<Town>, StoreError> {
        let name = name.to_owned();
        if create {
            self.write(move |c| accounts::town_named(c, &name, true)).await
        } else {
            self.read(move |c| accounts::town_named(c, &name, false)).await
        }
    }

    async fn create_user(&self, user: NewUser) -> Result<UserSummary, StoreError> {
        self.write(move |c| accounts::create_user(c, &user)).await
    }

    async fn list_users(&self, scope: Scope) -> Result<Vec<UserSummary>, StoreError> {
        self.read(move |c| accounts::list_users(c, scope)).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let username = username.to_owned();
        self.read(move |c| accounts::credentials(c, &username)).await
    }

    async fn register_device(
        &self,
        user_id: i64,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Registered, StoreError> {
        let (name, hash) = (device_name.to_owned(), token_hash.to_owned());
        self.write(move |c| accounts::register_device(c, user_id, device_id, &name, &hash)).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Caller>, StoreError> {
        let hash = token_hash.to_owned();
        let found = self.read(move |c| accounts::session(c, &hash)).await?;
        match found {
            // Sliding expiry: a token unused for `TOKEN_IDLE_EXPIRY` is dead; each use renews it.
            Some((_, last_seen)) if accounts::expired(&last_seen) => Ok(None),
            Some((session, last_seen)) => {
                if accounts::seen_long_ago(&last_seen) {
                    let row = session.device_row;
                    self.write(move |c| accounts::touch_device(c, row)).await?;
                }
                Ok(Some(session))
            }
            None => Ok(None),
        }
    }

    async fn list_devices(&self, scope: Scope) -> Result<Vec<DeviceSummary>, StoreError> {
        self.read(move |c| accounts::list_devices(c, scope)).await
    }

    async fn revoke_device(&self, device_row: i64) -> Result<bool, StoreError> {
        self.write(move |c| accounts::revoke_device(c, device_row)).await
    }

    async fn block_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError> {
        self.write(move |c| accounts::block_device(c, scope, device_row)).await
    }

    async fn restore_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError> {
        self.write(move |c| accounts::restore_device(c, scope, device_row)).await
    }

    async fn set_disabled(
        &self,
        scope: Scope,
        username: &str,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let username = username.to_owned();
        self.write(move |c| accounts::set_disabled(c, scope, &username, disabled)).await
    }

    async fn set_password(
        &self,
        scope: Scope,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let (username, hash) = (username.to_owned(), password_hash.to_owned());
        self.write(move |c| accounts::set_password(c, scope, &username, &hash)).await
    }

    async fn report_device(&self, device_row: i64, report: DeviceReport) -> Result<(), StoreError> {
        self.write(move |c| accounts::report_device(c, device_row, &report)).await
    }

    async fn create_signin_code(
        &self,
        scope: Scope,
        username: &str,
        code_hash: &str,
        expires_at: &str,
        created_by: &str,
    ) -> Result<bool, StoreError> {
        let (u, h, e, b) = (
            username.to_owned(),
            code_hash.to_owned(),
            expires_at.to_owned(),
            created_by.to_owned(),
        );
        self.write(move |c| accounts::create_signin_code(c, scope, &u, &h, &e, &b)).await
    }

    async fn revoke_signin_codes(
        &self,
        scope: Scope,
        username: &str,
    ) -> Result<Option<usize>, StoreError> {
        let username = username.to_owned();
        self.write(move |c| accounts::revoke_signin_codes(c, scope, &username)).await
    }

    async fn redeem_signin_code(
        &self,
        code_hash: &str,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Redeemed, StoreError> {
        let (h, n, t) = (code_hash.to_owned(), device_name.to_owned(), token_hash.to_owned());
        self.write(move |c| accounts::redeem_signin_code(c, &h, device_id, &n, &t)).await
    }

    async fn apply_roster(
        &self,
        session: &Caller,
        batch: RosterBatch,
    ) -> Result<Result<(), Vec<OpResult>>, StoreError> {
        let session = session.clone();
        self.write_checked(move |c, k| sync::apply_roster(c, k, &session, &batch)).await
    }

    async fn push(
        &self,
        session: &Caller,
        ops: Vec<Operation>,
    ) -> Result<Vec<OpResult>, StoreError> {
        let session = session.clone();
        self.write_checked(move |c, k| sync::push(c, k, &session, &ops)).await
    }

    async fn pull(
        &self,
        scope: Scope,
        account: &Account,
        cursor: u64,
        held: &Held,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        let account = account.clone();
        let held = held.clone();
        self.read(move |c| sync::pull(c, scope, &account, cursor, &held, limit)).await
    }

    async fn latest_seqs(&self) -> Result<Vec<(i64, u64)>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT town_id, MAX(seq) FROM ops GROUP BY town_id")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (town, seq) = row?;
                out.push((town, u64::try_from(seq).unwrap_or(0)));
            }
            Ok(out)
        })
        .await
    }

    async fn attachment_branches(
        &self,
        scope: Scope,
        sha256: &str,
    ) -> Result<AttachmentRefs, StoreError> {
        use super::photo_refs::{NEEDLE, PhotoRefIndex, add_record, refs_of};
        let cache = Arc::clone(&self.photo_refs);
        let sha256 = sha256.to_owned();
        self.read(move |c| {
            let mark: i64 =
                c.query_row("SELECT COALESCE(MAX(seq), 0) FROM ops", [], |r| r.get(0))?;
            let index = match cache.current(mark) {
                Some(index) => index,
                None => {
                    let mut index = PhotoRefIndex::new();
                    let mut stmt = c.prepare_cached(
                        "SELECT record_json, branch_id, town_id FROM records
                         WHERE deleted = 0 AND instr(record_json, ?1) > 0",
                    )?;
                    let mut rows = stmt.query([NEEDLE])?;
                    while let Some(row) = rows.next()? {
                        let json: String = row.get(0)?;
                        let branch: String = row.get(1)?;
                        add_record(&mut index, &json, &branch, row.get(2)?);
                    }
                    cache.keep(mark, index)
                }
            };
            Ok(refs_of(&index, scope, &sha256))
        })
        .await
    }

    async fn record(&self, scope: Scope, entity_id: Uuid) -> Result<Option<Record>, StoreError> {
        self.read(move |c| sync::record(c, scope, entity_id)).await
    }

    async fn list_conflicts(
        &self,
        scope: Scope,
        filter: ConflictFilter,
        page: ConflictPage,
    ) -> Result<Vec<ConflictEntry>, StoreError> {
        self.read(move |c| conflicts::list(c, scope, filter, &page)).await
    }

    async fn resolve_conflict(
        &self,
        scope: Scope,
        id: Uuid,
        resolved_by: &str,
    ) -> Result<bool, StoreError> {
        let by = resolved_by.to_owned();
        self.write(move |c| conflicts::resolve(c, scope, id, &by)).await
    }

    async fn audit(&self, event: AuditEvent<'_>) -> Result<(), StoreError> {
        let (town, user_id, username, device_row, action, detail) = (
            event.town,
            event.user_id,
            event.username.to_owned(),
            event.device_row,
            event.action.to_owned(),
            event.detail,
        );
        self.write(move |c| {
            c.execute(
                "INSERT INTO audit (at, user_id, username, device_row, action, detail, town_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![now(), user_id, username, device_row, action, detail, town],
            )?;
            Ok(())
        })
        .await
    }

    async fn import(&self, batch: ImportBatch) -> Result<ImportCounts, StoreError> {
        self.write_checked(move |c, k| import::import(c, k, &batch)).await
    }

    async fn records(
        &self,
        scope: Scope,
        entity: EntityKind,
        account: &Account,
    ) -> Result<Vec<Record>, StoreError> {
        let account = account.clone();
        self.read(move |c| sync::records(c, scope, entity, &account)).await
    }

    async fn towns_holding(&self, entity: EntityKind, id: Uuid) -> Result<Vec<i64>, StoreError> {
        let id = id.to_string();
        self.read(move |c| county::towns_holding(c, entity, &id)).await
    }

    async fn town_records(
        &self,
        town: i64,
        kinds: &[EntityKind],
    ) -> Result<Vec<Record>, StoreError> {
        let kinds = kinds.to_vec();
        self.read(move |c| county::town_records(c, town, &kinds)).await
    }
}
