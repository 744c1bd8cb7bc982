//! Importing an export file written by a tablet with no server (`shared::export`): from the
//! API (`POST /api/v1/import`), the upload page (`/import`) and the CLI (`server import`).
//!
//! The file is verified whole before anything is written (checksum, version, counts,
//! passphrase); then its photos are stored by hash and its operations applied in ONE
//! transaction through the push path. A refused file changes nothing; importing the same file
//! twice changes nothing the second time (every operation is a duplicate). Photos are written
//! before the transaction so no stored operation ever points at a missing photo; a photo left
//! behind by a failed transaction is harmless (content-addressed, and the retry needs it).

use serde::{Deserialize, Serialize};
use shared::export::{self, ExportError};
use shared::sync::OpResult;
use uuid::Uuid;

use crate::attachments::{AttachmentError, AttachmentStore, Claimant, Sha256Name};
use crate::error::AppError;
use crate::store::{ImportBatch, Store, StoreError};

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
    /// Photos in the file, and how many of them were new to the server.
    pub attachments: usize,
    pub attachments_new: usize,
    /// The clocks of the file's operations the server holds now (accepted, or held before):
    /// what the server's clock moves past (`AppState::imported`). Not part of the answer.
    #[serde(skip)]
    pub stored_clocks: Vec<shared::hlc::Hlc>,
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
            other => AppError::internal(other),
        }
    }
}

/// Verify `bytes` as an export file and apply it. Nothing is applied unless the whole file
/// passed every check.
pub async fn import_file(
    store: &dyn Store,
    attachments: &AttachmentStore,
    bytes: Vec<u8>,
    passphrase: Option<String>,
    importer: Importer,
) -> Result<ImportReport, ImportError> {
    // Decoding an encrypted file runs Argon2id (deliberately slow): off the async threads.
    let (header, contents) =
        tokio::task::spawn_blocking(move || export::decode(&bytes, passphrase.as_deref()))
            .await
            .map_err(|e| ImportError::Task(e.to_string()))??;

    let mut attachments_new = 0;
    for attachment in &contents.attachments {
        let sha = Sha256Name::parse(&attachment.sha256).ok_or(ExportError::Corrupt)?;
        if attachments.put_whole(&sha, attachment.bytes()?).await? {
            attachments_new += 1;
        }
        attachments.add_uploader(&sha, &Claimant::of(&header.author)).await?;
    }

    let operations = contents.operations.len();
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
