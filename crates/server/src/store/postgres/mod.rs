//! The PostgreSQL implementation of [`Store`], for a county deployment: one database that
//! several server processes share (`--database-url postgres://…` or `FIELD_DATABASE_URL`).
//!
//! `tokio-postgres` with a `deadpool-postgres` pool (docs/ARCHITECTURE.md, "Libraries"). Every
//! answer, error and ordering is SQLite's ([`crate::store::sqlite`]): the same tables and
//! columns, text ordered byte-wise (`COLLATE "C"`, SQLite's BINARY), JSON kept as the text that
//! was stored. Nothing is held only in the process: a push's lock is a database lock, and the
//! pull cursor is safe with any number of processes (see [`sync::OPS_WRITER_LOCK`]).

mod accounts;
mod attempts;
mod county;
pub mod migrations;
pub mod sync;

use crate::store::Held;
use std::str::FromStr;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::{ConflictEntry, DeviceReport, DeviceSummary, OpResult, UserSummary};
use tokio_postgres::NoTls;
use uuid::Uuid;

use super::{
    AttachmentRefs, AuditEvent, Caller, ConflictFilter, ConflictPage, Credentials, ImportBatch,
    ImportCounts, NewUser, PullPage, Redeemed, Registered, RosterBatch, Scope, Store, StoreError,
    Town,
};
use crate::store::sqlite::accounts::{expired, seen_long_ago};
use crate::store::sqlite::now;

/// Connections per server process (`FIELD_DATABASE_POOL` overrides).
const DEFAULT_POOL_SIZE: usize = 16;

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Which records reference each photo ([`super::photo_refs`]).
    photo_refs: std::sync::Arc<super::photo_refs::PhotoRefCache>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// A URL without its password, for messages.
fn redacted(url: &str) -> String {
    match tokio_postgres::Config::from_str(url) {
        Ok(config) => format!(
            "postgres://{}@{:?}/{}",
            config.get_user().unwrap_or(""),
            config.get_hosts(),
            config.get_dbname().unwrap_or("")
        ),
        Err(_) => "(an unreadable database URL)".to_owned(),
    }
}

impl PgStore {
    /// Connect to `url` (`postgres://user:password@host:port/dbname`) and apply pending
    /// migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let open_err = |message: String| StoreError::Open { path: redacted(url), message };
        let config = tokio_postgres::Config::from_str(url).map_err(|e| open_err(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let size = std::env::var("FIELD_DATABASE_POOL")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_POOL_SIZE);
        let pool = Pool::builder(manager)
            .max_size(size)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(std::time::Duration::from_secs(30)))
            .create_timeout(Some(std::time::Duration::from_secs(10)))
            .build()
            .map_err(|e| open_err(e.to_string()))?;
        let store = Self { pool, photo_refs: Default::default() };
        let mut client = store.pool.get().await.map_err(|e| open_err(e.to_string()))?;
        migrations::run(&mut client).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
                StoreError::Busy
            }
            other => StoreError::Pool(other.to_string()),
        })
    }

    /// Applied schema version.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::version(&self.client().await?).await
    }

    /// Versions recorded in `schema_version`, oldest first.
    pub async fn migration_history(&self) -> Result<Vec<i64>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT version FROM schema_version ORDER BY version", &[])
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}

#[async_trait]
impl Store for PgStore {
    fn shared_attempts(&self) -> Option<std::sync::Arc<dyn crate::limits::SharedAttempts>> {
        Some(std::sync::Arc::new(self.clone()))
    }

    async fn max_hlc(&self) -> Result<Option<shared::hlc::Hlc>, StoreError> {
        let row =
            self.client().await?.query_one("SELECT MAX(hlc COLLATE \"C\") FROM ops", &[]).await?;
        let text: Option<String> = row.try_get(0)?;
        text.map(|t| {
            t.parse().map_err(|e: shared::hlc::HlcParseError| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }

    async fn towns(&self) -> Result<Vec<Town>, StoreError> {
        accounts::towns(&self.client().await?).await
    }

    async fn town_named(&self, name: &str, create: bool) -> Result<Option<Town>, StoreError> {
        accounts::town_named(&self.client().await?, name, create).await
    }

    async fn create_user(&self, user: NewUser) -> Result<UserSummary, StoreError> {
        accounts::create_user(&self.client().await?, &user).await
    }

    async fn list_users(&self, scope: Scope) -> Result<Vec<UserSummary>, StoreError> {
        accounts::list_users(&self.client().await?, scope).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        accounts::credentials(&self.client().await?, username).await
    }

    async fn register_device(
        &self,
        user_id: i64,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Registered, StoreError> {
        accounts::register_device(
            &self.client().await?,
            user_id,
            device_id,
            device_name,
            token_hash,
        )
        .await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Caller>, StoreError> {
        let client = self.client().await?;
        match accounts::session(&client, token_hash).await? {
            Some((_, last_seen)) if expired(&last_seen) => Ok(None),
            Some((session, last_seen)) => {
                if seen_long_ago(&last_seen) {
                    accounts::touch_device(&client, session.device_row).await?;
                }
                Ok(Some(session))
            }
            None => Ok(None),
        }
    }

    async fn list_devices(&self, scope: Scope) -> Result<Vec<DeviceSummary>, StoreError> {
        accounts::list_devices(&self.client().await?, scope).await
    }

    async fn revoke_device(&self, device_row: i64) -> Result<bool, StoreError> {
        accounts::revoke_device(&self.client().await?, device_row).await
    }

    async fn block_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError> {
        accounts::block_device(&self.client().await?, scope, device_row).await
    }

    async fn restore_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError> {
        accounts::restore_device(&self.client().await?, scope, device_row).await
    }

    async fn set_disabled(
        &self,
        scope: Scope,
        username: &str,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        accounts::set_disabled(&self.client().await?, scope, username, disabled).await
    }

    async fn set_password(
        &self,
        scope: Scope,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        accounts::set_password(&mut self.client().await?, scope, username, password_hash).await
    }

    async fn report_device(&self, device_row: i64, report: DeviceReport) -> Result<(), StoreError> {
        accounts::report_device(&self.client().await?, device_row, &report).await
    }

    async fn create_signin_code(
        &self,
        scope: Scope,
        username: &str,
        code_hash: &str,
        expires_at: &str,
        created_by: &str,
    ) -> Result<bool, StoreError> {
        accounts::create_signin_code(
            &self.client().await?,
            scope,
            username,
            code_hash,
            expires_at,
            created_by,
        )
        .await
    }

    async fn revoke_signin_codes(
        &self,
        scope: Scope,
        username: &str,
    ) -> Result<Option<usize>, StoreError> {
        accounts::revoke_signin_codes(&self.client().await?, scope, username).await
    }

    async fn redeem_signin_code(
        &self,
        code_hash: &str,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Redeemed, StoreError> {
        accounts::redeem_signin_code(
            &mut self.client().await?,
            code_hash,
            device_id,
            device_name,
            token_hash,
        )
        .await
    }

    async fn apply_roster(
        &self,
        session: &Caller,
        batch: RosterBatch,
    ) -> Result<Result<(), Vec<OpResult>>, StoreError> {
        sync::apply_roster(&mut self.client().await?, session, &batch).await
    }

    async fn push(
        &self,
        session: &Caller,
        ops: Vec<Operation>,
    ) -> Result<Vec<OpResult>, StoreError> {
        sync::push(&mut self.client().await?, session, &ops).await
    }

    async fn pull(
        &self,
        scope: Scope,
        account: &Account,
        cursor: u64,
        held: &Held,
        limit: u32,
    ) -> Result<PullPage, StoreError> {
        sync::pull(&mut self.client().await?, scope, account, cursor, held, limit).await
    }

    async fn latest_seqs(&self) -> Result<Vec<(i64, u64)>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT town_id, MAX(seq) FROM ops GROUP BY town_id", &[])
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.try_get(1)?;
            out.push((row.try_get::<_, i64>(0)?, u64::try_from(seq).unwrap_or(0)));
        }
        Ok(out)
    }

    async fn record(&self, scope: Scope, entity_id: Uuid) -> Result<Option<Record>, StoreError> {
        sync::load_record(&self.client().await?, scope, entity_id).await
    }

    async fn list_conflicts(
        &self,
        scope: Scope,
        filter: ConflictFilter,
        page: ConflictPage,
    ) -> Result<Vec<ConflictEntry>, StoreError> {
        let (after_time, after_id) = match &page.after {
            Some((time, id)) => (Some(time.clone()), Some(id.to_string())),
            None => (None, None),
        };
        let limit = i64::from(page.limit);
        let condition = match filter {
            ConflictFilter::Open => "AND resolved_at IS NULL",
            ConflictFilter::Resolved => "AND resolved_at IS NOT NULL",
            ConflictFilter::All => "",
        };
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT conflict_json, detected_at, resolved_at, resolved_by
                     FROM conflicts WHERE ($1::BIGINT IS NULL OR town_id = $1) {condition}
                       AND ($2::TEXT IS NULL
                            OR detected_at COLLATE \"C\" > $2
                            OR (detected_at = $2 AND id COLLATE \"C\" > $3::TEXT))
                     ORDER BY detected_at COLLATE \"C\", id COLLATE \"C\" LIMIT $4"
                ),
                &[&scope.town(), &after_time, &after_id, &limit],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let resolved_at: Option<String> = row.try_get(2)?;
                Ok(ConflictEntry {
                    conflict: serde_json::from_str(row.try_get::<_, &str>(0)?)?,
                    detected_at: row.try_get(1)?,
                    resolved: resolved_at.is_some(),
                    resolved_by: row.try_get(3)?,
                    resolved_at,
                })
            })
            .collect()
    }

    async fn resolve_conflict(
        &self,
        scope: Scope,
        id: Uuid,
        resolved_by: &str,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let id = id.to_string();
        let changed = client
            .execute(
                "UPDATE conflicts SET resolved_at = $1, resolved_by = $2
                 WHERE id = $3 AND resolved_at IS NULL AND ($4::BIGINT IS NULL OR town_id = $4)",
                &[&now(), &resolved_by, &id, &scope.town()],
            )
            .await?
            > 0;
        if changed {
            return Ok(true);
        }
        Ok(client
            .query_opt(
                "SELECT 1 FROM conflicts WHERE id = $1 AND ($2::BIGINT IS NULL OR town_id = $2)",
                &[&id, &scope.town()],
            )
            .await?
            .is_some())
    }

    async fn audit(&self, event: AuditEvent<'_>) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO audit (at, user_id, username, device_row, action, detail, town_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &now(),
                    &event.user_id,
                    &event.username,
                    &event.device_row,
                    &event.action,
                    &event.detail,
                    &event.town,
                ],
            )
            .await?;
        Ok(())
    }

    async fn import(&self, batch: ImportBatch) -> Result<ImportCounts, StoreError> {
        sync::import(&mut self.client().await?, &batch).await
    }

    async fn attachment_branches(
        &self,
        scope: Scope,
        sha256: &str,
    ) -> Result<AttachmentRefs, StoreError> {
        use super::photo_refs::{NEEDLE, PhotoRefIndex, add_record, refs_of};
        let client = self.client().await?;
        let mark: i64 =
            client.query_one("SELECT COALESCE(MAX(seq), 0) FROM ops", &[]).await?.try_get(0)?;
        let index = match self.photo_refs.current(mark) {
            Some(index) => index,
            None => {
                let rows = client
                    .query(
                        "SELECT record_json, branch_id, town_id FROM records
                         WHERE deleted = 0 AND strpos(record_json, $1) > 0",
                        &[&NEEDLE],
                    )
                    .await?;
                let mut index = PhotoRefIndex::new();
                for row in rows {
                    let (json, branch): (&str, &str) = (row.try_get(0)?, row.try_get(1)?);
                    add_record(&mut index, json, branch, row.try_get(2)?);
                }
                self.photo_refs.keep(mark, index)
            }
        };
        Ok(refs_of(&index, scope, sha256))
    }

    async fn records(
        &self,
        scope: Scope,
        entity: EntityKind,
        account: &Account,
    ) -> Result<Vec<Record>, StoreError> {
        sync::records(&self.client().await?, scope, entity, account).await
    }

    async fn towns_holding(&self, entity: EntityKind, id: Uuid) -> Result<Vec<i64>, StoreError> {
        county::towns_holding(&self.client().await?, entity, &id.to_string()).await
    }

    async fn town_records(
        &self,
        town: i64,
        kinds: &[EntityKind],
    ) -> Result<Vec<Record>, StoreError> {
        county::town_records(&self.client().await?, town, kinds).await
    }
}
