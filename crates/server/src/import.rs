//! Importing an export file written by a tablet with no server (`shared::export`): from the
//! API (`POST /api/v1/import`), the upload page (`/import`) and the CLI (`server import`).
//!
//! The file is verified whole before anything is written (checksum, version, counts,
//! passphrase); then its photos are stored by hash and its operations applied in ONE
//! transaction through the push path. A refused file changes nothing; importing the same file
//! twice changes nothing the second time (every operation is a duplicate). Photos are written
//! before the transaction so no stored operation ever points at a missing photo; a photo left
//! behind by a failed transaction is harmless (content-addressed, and the retry needs it).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use shared::export::{self, ExportError};
use shared::op::Operation;
use shared::record::EntityKind;
use shared::sync::OpResult;
use uuid::Uuid;

use crate::attachments::{AttachmentError, AttachmentStore, Claimant, Sha256Name};
use crate::error::AppError;
use crate::limits::HashLimiter;
use crate::store::{ImportBatch, Scope, Store, StoreError};

/// Largest export file taken (photos travel inside it, base64).
pub const MAX_IMPORT_BYTES: usize = shared::export::MAX_FILE_BYTES;

/// Who imports a file (recorded in the audit log and the `imports` table).
#[derive(Clone, Debug)]
pub struct Importer {
    pub username: String,
    pub user_id: Option<i64>,
    /// The town the file goes into (the importer's own).
    pub town: i64,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub device_id: Uuid,
    pub author: String,
    pub created_at: String,
    /// Operations in the file.
    pub operations: usize,
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
    /// The refused operations with their reasons.
    pub rejections: Vec<OpResult>,
    /// Each refused operation's record, as the office reads it: the same order as
    /// `rejections`.
    #[serde(default)]
    pub refused_records: Vec<RefusedRecord>,
    /// Photos in the file, and how many of them were new to the server.
    pub attachments: usize,
    pub attachments_new: usize,
    /// The clocks of the file's operations the server holds now (accepted, or held before):
    /// what the server's clock moves past (`AppState::imported`). Not part of the answer.
    #[serde(skip)]
    pub stored_clocks: Vec<shared::hlc::Hlc>,
}

/// The record a refused operation would have changed: what it is, whose, and which fields, so
/// the office can tell the surveyor which survey to mend (never only an operation id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRecord {
    pub op_id: Uuid,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    /// The member's name (a survey's, a visit's: its member's), or the record's title: from
    /// the file, else from the server's copy; `None` when neither has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The fields the operation changed (storage names; the page words them).
    pub fields: Vec<String>,
}

/// Refused records at most named from the server's copies in one import (the rest from the
/// file alone): a file refused whole (another town's, say) costs no more reads than this.
const NAMED_FROM_STORE: usize = 200;

/// What the file says of each operation and record, kept while its operations go to the
/// store: enough to name a refused one. Bounded by the file (a few fields an operation).
#[derive(Default)]
struct FileIndex {
    ops: HashMap<Uuid, (EntityKind, Uuid, Vec<String>)>,
    /// A record's name or title, as the file last sets it.
    names: HashMap<Uuid, String>,
    /// A record's member (`person_id`), as the file last sets it.
    members: HashMap<Uuid, Uuid>,
}

impl FileIndex {
    fn of(operations: &[Operation]) -> FileIndex {
        let mut index = FileIndex::default();
        for op in operations {
            let fields = op.changes.iter().map(|c| c.field.clone()).collect();
            index.ops.insert(op.id, (op.entity, op.entity_id, fields));
            for change in &op.changes {
                let text = change.value.as_str().map(str::trim).filter(|t| !t.is_empty());
                match (change.field.as_str(), text) {
                    ("name" | "title", Some(t)) => {
                        index.names.insert(op.entity_id, t.to_owned());
                    }
                    ("person_id", Some(t)) => {
                        if let Ok(p) = Uuid::parse_str(t) {
                            index.members.insert(op.entity_id, p);
                        }
                    }
                    _ => {}
                }
            }
        }
        index
    }

    /// The records of `refused`, named from the file, else from the server's copies (one or
    /// two reads for each of the first [`NAMED_FROM_STORE`] refused changes the file does not
    /// name). Best effort: the import is committed by now, so a failed read leaves the name
    /// out (logged) rather than failing what was done.
    async fn refused(
        &self,
        store: &dyn Store,
        scope: Scope,
        refused: &[OpResult],
    ) -> Vec<RefusedRecord> {
        let mut out = Vec::with_capacity(refused.len());
        let mut named: HashMap<Uuid, Option<String>> = HashMap::new();
        for r in refused {
            let Some((entity, entity_id, fields)) = self.ops.get(&r.id) else { continue };
            let name = match named.get(entity_id) {
                Some(name) => name.clone(),
                None if named.len() < NAMED_FROM_STORE => {
                    let name = self.name_of(store, scope, *entity, *entity_id).await.unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "naming a refused change of an import failed");
                        None
                    });
                    named.insert(*entity_id, name.clone());
                    name
                }
                None => self.file_name_of(*entity, *entity_id),
            };
            out.push(RefusedRecord {
                op_id: r.id,
                entity: *entity,
                entity_id: *entity_id,
                name,
                fields: fields.clone(),
            });
        }
        out
    }

    /// [`FileIndex::name_of`] from the file alone.
    fn file_name_of(&self, entity: EntityKind, id: Uuid) -> Option<String> {
        let own = self.names.get(&id).filter(|_| entity != EntityKind::Survey);
        own.or_else(|| self.members.get(&id).and_then(|m| self.names.get(m))).cloned()
    }

    /// A record's own name or title (a survey has none: its member's), else its member's.
    async fn name_of(
        &self,
        store: &dyn Store,
        scope: Scope,
        entity: EntityKind,
        id: Uuid,
    ) -> Result<Option<String>, StoreError> {
        let own_named = entity != EntityKind::Survey;
        if let Some(name) = self.names.get(&id).filter(|_| own_named) {
            return Ok(Some(name.clone()));
        }
        let member = match self.members.get(&id) {
            Some(member) => Some(*member),
            None => {
                let (own, member) = stored_name(store, scope, id).await?;
                if let Some(own) = own.filter(|_| own_named) {
                    return Ok(Some(own));
                }
                member
            }
        };
        let Some(member) = member else { return Ok(None) };
        match self.names.get(&member) {
            Some(name) => Ok(Some(name.clone())),
            None => Ok(stored_name(store, scope, member).await?.0),
        }
    }
}

/// The server's copy of a record: its name or title, and its member.
async fn stored_name(
    store: &dyn Store,
    scope: Scope,
    id: Uuid,
) -> Result<(Option<String>, Option<Uuid>), StoreError> {
    let Some(record) = store.record(scope, id).await? else { return Ok((None, None)) };
    let own = ["name", "title"]
        .iter()
        .map(|f| record.str_field(f).trim().to_owned())
        .find(|v| !v.is_empty());
    Ok((own, Uuid::parse_str(record.str_field("person_id")).ok()))
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself is refused; the message is for the person importing it (zh-Hans).
    #[error("{}", crate::error::zh_hans(&.0.message()))]
    File(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("照片保存失败：{0}")]
    Attachment(#[from] AttachmentError),
    #[error("导入任务失败：{0}")]
    Task(String),
    /// The password-hash threads' queue was full (`503 busy`), or they stopped.
    #[error(transparent)]
    Hashing(AppError),
}

impl ImportError {
    /// The stable code of a refused file.
    pub fn file_code(err: &ExportError) -> &'static str {
        match err {
            ExportError::NotAnExport => "not_an_export",
            ExportError::UnsupportedVersion { .. } => "unsupported_version",
            ExportError::Truncated => "truncated_file",
            ExportError::Corrupt => "corrupt_file",
            ExportError::CountMismatch => "count_mismatch",
            ExportError::PassphraseRequired => "passphrase_required",
            ExportError::WrongPassphrase => "wrong_passphrase",
            ExportError::KdfOutOfRange => "kdf_out_of_range",
            ExportError::Crypto(_) => "decrypt_failed",
        }
    }
}

impl From<ImportError> for AppError {
    fn from(err: ImportError) -> Self {
        match err {
            ImportError::File(e) => {
                let said = if e.says_nothing_imported() {
                    e.message()
                } else {
                    shared::message::Message::new("import_refused").arg("reason", vec![e.message()])
                };
                AppError::ImportRefused {
                    code: ImportError::file_code(&e),
                    message: crate::error::zh_hans(&said),
                    said: Some(said),
                }
            }
            ImportError::Store(e) => e.into(),
            // A photo of the file with no room for it (507), a photo that is not what its name
            // says: as a tablet's upload of it is answered.
            ImportError::Attachment(e) => e.into(),
            ImportError::Hashing(e) => e,
            other => AppError::internal(other),
        }
    }
}

/// Verify `bytes` as an export file and apply it. Nothing is applied unless the whole file
/// passed every check.
pub async fn import_file(
    store: &dyn Store,
    hashing: &HashLimiter,
    attachments: &AttachmentStore,
    bytes: Vec<u8>,
    passphrase: Option<String>,
    importer: Importer,
) -> Result<ImportReport, ImportError> {
    // Off the async threads: reading and checking the file, then (for an encrypted file) its
    // key's derivation with Argon2id (19–64 MiB, deliberately slow) on the bounded
    // password-hash threads, as sign-ins are checked, so imports at once wait there (or are
    // answered `503 busy`) instead of each taking a thread and its memory; then decrypting and
    // decoding, again on a blocking thread (only the key takes a password-hash thread's turn).
    let task = |e: tokio::task::JoinError| ImportError::Task(e.to_string());
    let opened =
        tokio::task::spawn_blocking(move || export::open(&bytes)).await.map_err(task)??;
    let key = match opened.header().encryption.clone() {
        None => None,
        Some(encryption) => Some(
            hashing
                .run(move || export::derive_key(&encryption, passphrase.as_deref()))
                .await
                .map_err(ImportError::Hashing)??,
        ),
    };
    let (header, contents) =
        tokio::task::spawn_blocking(move || opened.decode(key.as_ref())).await.map_err(task)??;

    let mut attachments_new = 0;
    for attachment in &contents.attachments {
        let sha = Sha256Name::parse(&attachment.sha256).ok_or(ExportError::Corrupt)?;
        if attachments.put_whole(&sha, attachment.bytes()?).await? {
            attachments_new += 1;
        }
        attachments.add_uploader(&sha, &Claimant::of(&header.author)).await?;
    }

    let operations = contents.operations.len();
    let index = FileIndex::of(&contents.operations);
    let clocks: Vec<(Uuid, shared::hlc::Hlc)> =
        contents.operations.iter().map(|op| (op.id, op.hlc.clone())).collect();
    let counts = store
        .import(ImportBatch {
            device_id: header.device_id,
            author: header.author.clone(),
            created_at: header.created_at.clone(),
            checksum: header.checksum.clone(),
            operations: contents.operations,
            imported_by: importer.username.clone(),
            importer_user_id: importer.user_id,
            town: importer.town,
        })
        .await?;
    tracing::info!(
        importer = %importer.username,
        device = %header.device_id,
        author = %header.author,
        accepted = counts.accepted,
        duplicate = counts.duplicate,
        rejected = counts.rejected,
        "export file imported"
    );
    let refused_records =
        index.refused(store, Scope::Town(importer.town), &counts.rejections).await;
    let refused: std::collections::HashSet<Uuid> = counts.rejections.iter().map(|r| r.id).collect();
    let stored_clocks =
        clocks.into_iter().filter(|(id, _)| !refused.contains(id)).map(|(_, hlc)| hlc).collect();
    Ok(ImportReport {
        device_id: header.device_id,
        author: header.author,
        created_at: header.created_at,
        operations,
        accepted: counts.accepted,
        duplicate: counts.duplicate,
        rejected: counts.rejected,
        rejections: counts.rejections,
        refused_records,
        attachments: contents.attachments.len(),
        attachments_new,
        stored_clocks,
    })
}

/// Decode a percent-encoded header value (so a Chinese passphrase fits in an HTTP header).
pub fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_may_be_percent_encoded() {
        assert_eq!(percent_decode("plain-pass").as_deref(), Some("plain-pass"));
        assert_eq!(percent_decode("%E6%B8%94%E6%9D%912026").as_deref(), Some("渔村2026"));
        assert_eq!(percent_decode("%E6%B8"), None, "not UTF-8");
        assert_eq!(percent_decode("%G1"), None);
        assert_eq!(percent_decode("50%"), None);
    }
}
