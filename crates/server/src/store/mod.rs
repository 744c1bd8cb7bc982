//! Storage behind a trait, so the SQLite office install and a later PostgreSQL deployment share
//! every handler. Implementations keep the push contract: the whole batch in one transaction,
//! idempotent by operation id, authorised by [`crate::sync_policy`], merged with
//! [`shared::merge::apply`].

pub mod photo_refs;
pub mod postgres;
pub mod sqlite;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::{
    ConflictEntry, DeviceReport, DeviceSummary, OpResult, UnsentElsewhere, UserSummary,
};
use uuid::Uuid;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Open the store a server or command works on: PostgreSQL when `database_url` is given
/// (`--database-url` / `FIELD_DATABASE_URL`), otherwise the SQLite file under `data_dir`.
/// Either way pending migrations are applied first.
pub async fn open(
    data_dir: &Path,
    database_url: Option<&str>,
) -> Result<Arc<dyn Store>, StoreError> {
    match database_url.filter(|url| !url.is_empty()) {
        Some(url) => Ok(Arc::new(PgStore::open(url).await?)),
        None => Ok(Arc::new(SqliteStore::open(data_dir)?)),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("operation id {0} was stored before with other content")]
    OpIdConflict(Uuid),
    #[error("username already exists")]
    UsernameTaken,
    #[error("this device was revoked by the town office")]
    DeviceBlocked,
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("database migration {version} failed: {source}")]
    Migration { version: i64, source: rusqlite::Error },
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("database migration {version} failed: {source}")]
    PgMigration { version: i64, source: tokio_postgres::Error },
    #[error("no database connection: {0}")]
    Pool(String),
    /// Every database connection stayed taken for the pool's whole wait: the server is
    /// overloaded (a county's tablets all syncing at once). Answered 503 with `Retry-After`;
    /// the tablet sends the same operations again later.
    #[error("every database connection is busy")]
    Busy,
    #[error("database worker stopped: {0}")]
    Worker(String),
    #[error("cannot open database {path}: {message}")]
    Open { path: String, message: String },
    /// A pull's cursor names an operation this database does not hold at that sequence number:
    /// it was restored from an older backup after the tablet pulled.
    #[error("the operation at the pull cursor is not the one the tablet pulled")]
    HistoryChanged,
}

impl StoreError {
    /// Whether the database could not write for want of disk space: SQLite's `SQLITE_FULL`
    /// (also what it answers when the file cannot grow) or PostgreSQL's `53100 disk_full`.
    pub fn is_storage_full(&self) -> bool {
        match self {
            StoreError::Sqlite(e) | StoreError::Migration { source: e, .. } => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
            }
            StoreError::Postgres(e) | StoreError::PgMigration { source: e, .. } => {
                e.code() == Some(&tokio_postgres::error::SqlState::DISK_FULL)
            }
            _ => false,
        }
    }
}

/// The town of an install that never named one: a town office on SQLite works in it with no
/// town configuration, and every row written before towns existed belongs to it.
pub const DEFAULT_TOWN: i64 = 1;

/// Which towns a request reaches. Always derived from the caller's account (its `town_id`),
/// never from what the client sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One town: every town account (office, secretaries, surveyors, a town's county viewer).
    Town(i64),
    /// Every town of the deployment: a county account (no town), read-only but for its filing
    /// step.
    County,
}

impl Scope {
    /// The town to filter by; `None` for every town.
    pub fn town(self) -> Option<i64> {
        match self {
            Scope::Town(id) => Some(id),
            Scope::County => None,
        }
    }

    pub fn of(town: Option<i64>) -> Self {
        town.map_or(Scope::County, Scope::Town)
    }

    /// A county account narrowed to one town (an export's `town` filter); a town account
    /// stays in its own town, and asking for another is `None`.
    pub fn narrowed(self, town: Option<i64>) -> Option<Self> {
        match (self, town) {
            (scope, None) => Some(scope),
            (Scope::County, Some(t)) => Some(Scope::Town(t)),
            (Scope::Town(own), Some(t)) => (own == t).then_some(self),
        }
    }
}

/// A town of the deployment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Town {
    pub id: i64,
    pub name: String,
}

/// A user to create; the password is already hashed (see [`crate::auth::hash_password`]).
#[derive(Clone, Debug)]
pub struct NewUser {
    pub account: Account,
    pub password_hash: String,
    /// The account's town; `None` only for a county account (every town, read-only).
    pub town: Option<i64>,
}

/// What login needs to check a password.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user_id: i64,
    /// `None`: a county account.
    pub town: Option<i64>,
    pub account: Account,
    pub password_hash: String,
    pub disabled: bool,
}

/// The caller of an authenticated request: a device token that is known and not revoked.
#[derive(Clone, Debug, PartialEq)]
pub struct Caller {
    /// Row id of the device (what an admin revokes).
    pub device_row: i64,
    pub device_id: Uuid,
    pub user_id: i64,
    pub account: Account,
    /// The account's town; `None` for a county account.
    pub town: Option<i64>,
}

impl Caller {
    /// The towns this caller reaches: its town, or every town for a county account. An
    /// account of another role without a town (which `users::create` never makes) reaches
    /// none: town 0 does not exist.
    pub fn scope(&self) -> Scope {
        match (self.town, self.account.role) {
            (Some(town), _) => Scope::Town(town),
            (None, shared::roles::Role::CountyViewer) => Scope::County,
            (None, _) => Scope::Town(0),
        }
    }
}

/// One page of a pull, before redaction.
#[derive(Clone, Debug, PartialEq)]
pub struct PullPage {
    /// Each operation as the JSON the push stored (`serde_json` of an [`Operation`]), oldest
    /// first: a pull that needs no redaction sends it as it is, without decoding it.
    pub ops: Vec<String>,
    pub cursor: u64,
    /// What the tablet passes back with `cursor` ([`shared::sync::cursor_check_of`] of the
    /// operation stored at `cursor`); `None` when no operation is stored there (cursor 0).
    pub cursor_check: Option<String>,
    pub more: bool,
}

/// What a tablet says the server holds, checked before a pull is answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The `cursor_check` the page that gave the cursor came with: the operation stored at the
    /// cursor (ignored at cursor 0).
    pub check: Option<String>,
    /// The last operation of this tablet the server acknowledged: it must still be stored.
    pub acked: Option<Uuid>,
}

/// Which conflicts to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictFilter {
    #[default]
    Open,
    Resolved,
    All,
}

/// Where a page of conflicts starts and how long it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictPage {
    /// Most entries (1 to `shared::sync::MAX_CONFLICTS_PAGE`).
    pub limit: u32,
    /// The last entry of the page before: its `detected_at` and id.
    pub after: Option<(String, Uuid)>,
}

/// A verified export file to apply (see [`crate::import`]).
#[derive(Clone, Debug)]
pub struct ImportBatch {
    /// The device named in the file's header.
    pub device_id: Uuid,
    /// Who wrote the file (header); each operation is checked against its own author.
    pub author: String,
    /// When the file was written (header, RFC 3339).
    pub created_at: String,
    /// The file's payload checksum (`sha256:<hex>`).
    pub checksum: String,
    pub operations: Vec<Operation>,
    /// Who imports it (a town-office user name, or the CLI's `--as`).
    pub imported_by: String,
    pub importer_user_id: Option<i64>,
    /// The town the file is imported into (the importer's); each author must belong to it.
    pub town: i64,
}

/// What an import did with the file's operations.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportCounts {
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
    /// One entry per refused operation, with the reason.
    pub rejections: Vec<OpResult>,
}

/// A device registered for a user at sign-in.
#[derive(Clone, Debug, PartialEq)]
pub struct Registered {
    pub device_row: i64,
    /// Only when the device was new to the user: the user's other devices whose last report
    /// still held changes not sent (`LoginResponse::unsent_elsewhere`).
    pub unsent_elsewhere: Vec<UnsentElsewhere>,
}

/// What using a one-time sign-in code came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Redeemed {
    SignedIn {
        user_id: i64,
        device_row: i64,
        account: Account,
        town: Option<i64>,
        /// As [`Registered::unsent_elsewhere`].
        unsent_elsewhere: Vec<UnsentElsewhere>,
    },
    /// No such code, or it was used, revoked or has expired (one answer for all of them).
    Unknown,
    Disabled,
    DeviceBlocked,
}

/// A roster (党员名册) to apply: its operations, all or nothing.
#[derive(Clone, Debug)]
pub struct RosterBatch {
    pub operations: Vec<Operation>,
    /// `sha256:<hex>` of the uploaded file.
    pub checksum: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// An audit entry for something other than a pushed operation.
#[derive(Clone, Debug)]
pub struct AuditEvent<'a> {
    /// The town it happened in; `None` for a county account's own actions.
    pub town: Option<i64>,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub device_row: Option<i64>,
    pub action: &'a str,
    pub detail: String,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Where sign-in rate limits are counted when several server processes share this store
    /// (PostgreSQL: a table); `None` for a one-process store (SQLite), which counts them in
    /// memory ([`crate::limits::AttemptLimiter`]).
    fn shared_attempts(&self) -> Option<Arc<dyn crate::limits::SharedAttempts>> {
        None
    }

    /// The highest hybrid logical clock of any stored operation (the server's clock starts
    /// from it, so no process hands out a timestamp below one already stored).
    async fn max_hlc(&self) -> Result<Option<shared::hlc::Hlc>, StoreError>;

    /// Every town of the deployment, by name.
    async fn towns(&self) -> Result<Vec<Town>, StoreError>;
    /// The town named `name`, created first if `create` and it does not exist.
    async fn town_named(&self, name: &str, create: bool) -> Result<Option<Town>, StoreError>;

    async fn create_user(&self, user: NewUser) -> Result<UserSummary, StoreError>;
    async fn list_users(&self, scope: Scope) -> Result<Vec<UserSummary>, StoreError>;
    /// User names are unique in the whole deployment (sign-in names no town).
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError>;

    /// Store (or replace) the token of this user on this device; returns the device row id and,
    /// when the user had no device of this id, what the user's other devices last reported and
    /// never sent. The device belongs to the user's town.
    async fn register_device(
        &self,
        user_id: i64,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Registered, StoreError>;
    /// The session of a token hash, if the device is known, not revoked and its user enabled.
    /// Also refreshes the device's `last_seen` (at most once a minute).
    async fn session(&self, token_hash: &str) -> Result<Option<Caller>, StoreError>;
    async fn list_devices(&self, scope: Scope) -> Result<Vec<DeviceSummary>, StoreError>;
    /// Revoke a device's token (its own sign-out); `false` if there is no such device. The
    /// device may sign in again with the password.
    async fn revoke_device(&self, device_row: i64) -> Result<bool, StoreError>;
    /// Revoke a device for good (the town office): its token stops working and signing in
    /// again from it is refused ([`StoreError::DeviceBlocked`]) until the office restores it.
    /// `false` if there is no such device in `scope`.
    async fn block_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError>;
    /// Let a device the office revoked sign in again (with the password; its old token stays
    /// dead). `false` if there is no such device in `scope`.
    async fn restore_device(&self, scope: Scope, device_row: i64) -> Result<bool, StoreError>;
    /// Disable or enable an account; `false` if there is no such user in `scope`. A disabled
    /// account's tokens stop working and it cannot sign in.
    async fn set_disabled(
        &self,
        scope: Scope,
        username: &str,
        disabled: bool,
    ) -> Result<bool, StoreError>;
    /// Replace an account's password hash and sign out all its devices; `false` if there is no
    /// such user in `scope`.
    async fn set_password(
        &self,
        scope: Scope,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError>;

    /// Keep what a device reported at the end of a sync run.
    async fn report_device(&self, device_row: i64, report: DeviceReport) -> Result<(), StoreError>;
    /// Keep a new one-time sign-in code (its hash) for `username`, valid until `expires_at`;
    /// `false` if there is no such user in `scope`.
    async fn create_signin_code(
        &self,
        scope: Scope,
        username: &str,
        code_hash: &str,
        expires_at: &str,
        created_by: &str,
    ) -> Result<bool, StoreError>;
    /// Revoke every unused sign-in code of `username`; `None` if there is no such user in
    /// `scope`.
    async fn revoke_signin_codes(
        &self,
        scope: Scope,
        username: &str,
    ) -> Result<Option<usize>, StoreError>;
    /// Use a sign-in code (once): marks it used and registers the device with `token_hash`,
    /// in one transaction.
    async fn redeem_signin_code(
        &self,
        code_hash: &str,
        device_id: Uuid,
        device_name: &str,
        token_hash: &str,
    ) -> Result<Redeemed, StoreError>;
    /// Apply a roster's operations through the push path in ONE transaction, all or nothing:
    /// if any is refused nothing is kept and the refusals are returned. Written into the
    /// caller's town.
    async fn apply_roster(
        &self,
        session: &Caller,
        batch: RosterBatch,
    ) -> Result<Result<(), Vec<OpResult>>, StoreError>;

    /// Store a batch of operations in one transaction; results in request order. Each
    /// operation goes to its record's town, which must be the caller's (a county caller
    /// reaches every town's existing records, for its filing step); a new record is created
    /// in the caller's town.
    /// Fails whole with [`StoreError::OpIdConflict`] if an id was stored with other content.
    async fn push(
        &self,
        session: &Caller,
        ops: Vec<Operation>,
    ) -> Result<Vec<OpResult>, StoreError>;
    /// Operations of `scope` after `cursor` that `account` may see (not yet redacted). Fails
    /// with [`StoreError::HistoryChanged`] when the database no longer holds what `held` names
    /// (it went back in time: an older backup restored).
    async fn pull(
        &self,
        scope: Scope,
        account: &Account,
        cursor: u64,
        held: &Held,
        limit: u32,
    ) -> Result<PullPage, StoreError>;
    /// The last sequence number stored in each town (towns with none are absent): what the
    /// live-update watcher ([`crate::live`]) compares to wake the tablets waiting on a town.
    async fn latest_seqs(&self) -> Result<Vec<(i64, u64)>, StoreError>;
    /// The merged state of one entity of `scope`.
    async fn record(&self, scope: Scope, entity_id: Uuid) -> Result<Option<Record>, StoreError>;

    /// One page of the conflicts of `scope`, oldest first (by when the server saw them, then
    /// id), starting after `page.after`.
    async fn list_conflicts(
        &self,
        scope: Scope,
        filter: ConflictFilter,
        page: ConflictPage,
    ) -> Result<Vec<ConflictEntry>, StoreError>;
    /// Mark a conflict resolved; `false` if there is no such conflict in `scope`.
    async fn resolve_conflict(
        &self,
        scope: Scope,
        id: Uuid,
        resolved_by: &str,
    ) -> Result<bool, StoreError>;

    async fn audit(&self, event: AuditEvent<'_>) -> Result<(), StoreError>;

    /// Apply a whole export file in ONE transaction through the push path (same policy,
    /// idempotent by operation id), into the batch's town. Fails whole with
    /// [`StoreError::OpIdConflict`].
    async fn import(&self, batch: ImportBatch) -> Result<ImportCounts, StoreError>;

    /// The branches of the live records of `scope` whose fields reference the photo `sha256`
    /// (lowercase hex), `""` for a town-wide record: who may download it is who may see one of
    /// them. `referenced_anywhere` says whether any record of any town does.
    async fn attachment_branches(
        &self,
        scope: Scope,
        sha256: &str,
    ) -> Result<AttachmentRefs, StoreError>;

    /// The live (not deleted) records of `entity` of `scope` that `account` may see, oldest
    /// first.
    async fn records(
        &self,
        scope: Scope,
        entity: EntityKind,
        account: &Account,
    ) -> Result<Vec<Record>, StoreError>;

    /// The towns holding a live record `id` of kind `entity` (a fixed-id setting: several; any
    /// other record: at most one), in town order.
    async fn towns_holding(&self, entity: EntityKind, id: Uuid) -> Result<Vec<i64>, StoreError>;

    /// The live (not deleted) records of `kinds` of town `town` (one town, whatever the caller:
    /// the route checks who may read it), oldest first, not yet redacted.
    async fn town_records(
        &self,
        town: i64,
        kinds: &[EntityKind],
    ) -> Result<Vec<Record>, StoreError>;
}

/// Who references a photo (see [`Store::attachment_branches`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachmentRefs {
    /// Branches of the referencing records within the caller's towns.
    pub branches: Vec<String>,
    /// Whether a record of any town references it.
    pub referenced_anywhere: bool,
}
