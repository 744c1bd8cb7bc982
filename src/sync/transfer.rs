//! The export file on the tablet: gather pending changes (or everything) into one file, and
//! import a file from another tablet. Decoding checks the whole file before anything is stored,
//! and the operations are merged in ONE transaction, so a bad file changes nothing and a good
//! one is never half-applied; importing the same file twice changes nothing the second time.

use std::collections::HashSet;

use shared::export::{self, Contents, ExportAttachment, ExportError, Header, Scope};
use shared::op::Operation;
use uuid::Uuid;

use super::rejected;
use crate::store::{Store, StoreError, blob_bytes};

/// Why an export or import failed.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum TransferError {
    #[error("{}", crate::logic::validation::words(&.0.message()))]
    File(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", crate::i18n::FILE_BROWSER.format(&[("detail", .0.into())]))]
    Browser(String),
    /// Changes dated beyond the clock bound (a tablet with a wrong date exported them):
    /// merged, they would carry this tablet's clock past it for good.
    #[error("{}", clock_ahead_words(.0))]
    ClockAhead(shared::policy::AheadInBatch),
}

fn clock_ahead_words(ahead: &shared::policy::AheadInBatch) -> String {
    let time = ahead.latest.as_str();
    crate::i18n::sync::IMPORT_CLOCK_AHEAD
        .format(&[("n", ahead.count.into()), ("time", time.into())])
}

/// Steps of an import, for the progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStep {
    Verifying,
    /// Photos written so far / in the file.
    Attachments(usize, usize),
    Operations(usize),
}

impl ImportStep {
    pub fn label_zh(self) -> String {
        match self {
            ImportStep::Verifying => crate::i18n::sync::IMPORT_VERIFYING.to_string(),
            ImportStep::Attachments(done, total) => crate::i18n::sync::IMPORT_ATTACHMENTS
                .format(&[("done", done.into()), ("total", total.into())]),
            ImportStep::Operations(n) => {
                crate::i18n::sync::IMPORT_OPERATIONS.format(&[("n", n.into())])
            }
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOutcome {
    /// Operations in the file (all merged; those already known changed nothing).
    pub operations: usize,
    /// Local records that changed.
    pub changed_records: usize,
    /// Conflicts found while merging.
    pub conflicts: usize,
    /// Photos that were not on this device before.
    pub new_attachments: usize,
}

impl ImportOutcome {
    pub fn summary_zh(&self) -> String {
        use crate::i18n::sync as t;
        if self.changed_records == 0 && self.new_attachments == 0 {
            return t::IMPORT_NOTHING_NEW.format(&[("n", self.operations.into())]);
        }
        let mut text = t::IMPORT_DONE.format(&[
            ("ops", self.operations.into()),
            ("records", self.changed_records.into()),
            ("photos", self.new_attachments.into()),
        ]);
        if self.conflicts > 0 {
            text.push_str(&t::IMPORT_CONFLICTS.format(&[("n", self.conflicts.into())]));
        }
        text
    }
}

/// The operations and photos an export of `scope` carries.
/// Pending: the outbox plus operations the server refused (not synced either); photos not yet
/// uploaded (those set aside as refused too). All: every operation this device has applied, and every photo.
/// The outbox is read with its records noted as maybe at the office (`Store::queued_for_file`).
pub async fn gather(store: &Store, scope: Scope) -> Result<Contents, TransferError> {
    let (mut operations, attachments) = match scope {
        Scope::Pending => {
            let mut ops = queued_for_file(store).await?;
            ops.extend(rejected::list(store).await?.into_iter().map(|r| r.op));
            // Photos set aside as refused included: the office's import may well take them.
            (ops, store.attachments_not_uploaded().await?)
        }
        Scope::All => {
            let mut ops = queued_for_file(store).await?;
            ops.extend(store.applied_operations().await?);
            // Refused ones are kept aside, not in the history (the server did not take them):
            // everything this tablet holds includes them.
            ops.extend(rejected::list(store).await?.into_iter().map(|r| r.op));
            (ops, store.all_attachments().await?)
        }
    };
    let mut seen = HashSet::new();
    operations.retain(|op| seen.insert(op.id));
    shared::order::sort_by(&mut operations, |a, b| a.hlc.cmp(&b.hlc));
    let mut files = Vec::with_capacity(attachments.len());
    for a in attachments {
        files.push(ExportAttachment::new(a.mime.clone(), &blob_bytes(&a.blob).await?));
    }
    Ok(Contents { operations, attachments: files })
}

/// The queue as an export file carries it, its records noted as maybe at the office
/// (`Store::queued_for_file`). Best effort: on a full disk the note cannot be written, and the
/// file is the way out, so the queue is then read without it.
async fn queued_for_file(store: &Store) -> Result<Vec<Operation>, StoreError> {
    match store.queued_for_file().await {
        Ok(ops) => Ok(ops),
        Err(e) => {
            log::warn!("could not note the exported records as maybe at the office: {e}");
            Ok(store.outbox_all().await?.into_iter().map(|e| e.op).collect())
        }
    }
}

/// Write the export file (text) of `scope`; `passphrase` (non-empty) encrypts it.
pub async fn export_text(
    store: &Store,
    scope: Scope,
    passphrase: Option<&str>,
) -> Result<(String, Contents), TransferError> {
    // The file's queued changes are read with their records noted as maybe at the office
    // (`Store::queued_for_file`): the office may import it without this tablet hearing of it.
    let contents = gather(store, scope).await?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text =
        export::encode(store.device_id(), &store.author(), &now, scope, &contents, passphrase)?;
    Ok((text, contents))
}

/// A file name that tells tablets and days apart: `sizheng-<device>-<pending|all>-<UTC time>.json`.
pub fn file_name(device_id: Uuid, scope: Scope, now: chrono::DateTime<chrono::Utc>) -> String {
    let scope = match scope {
        Scope::Pending => "pending",
        Scope::All => "all",
    };
    use chrono::{Datelike as _, Timelike as _};
    let device = device_id.simple().to_string();
    // Written out, not `now.format(..)`: chrono's formatter is a chunk's worth of code
    // (docs/PERFORMANCE.md, session 29).
    let time = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        now.year(),
        now.month(),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    format!("sizheng-{}-{scope}-{time}.json", &device[..8])
}

/// Read only the header (counts, device, whether a passphrase is needed).
pub fn inspect(bytes: &[u8]) -> Result<Header, TransferError> {
    Ok(export::read_header(bytes)?)
}

/// Verify the whole file, then store its photos and merge its operations (one transaction).
pub async fn import_bytes(
    store: &Store,
    bytes: &[u8],
    passphrase: Option<&str>,
    progress: &dyn Fn(ImportStep),
) -> Result<ImportOutcome, TransferError> {
    progress(ImportStep::Verifying);
    let (header, contents) = export::decode(bytes, passphrase)?;
    // Checked before anything is stored: the file is refused whole.
    if let Some(ahead) =
        shared::policy::ahead_in_batch(&contents.operations, crate::store::now_ms())
    {
        return Err(TransferError::ClockAhead(ahead));
    }
    let mut outcome =
        ImportOutcome { operations: contents.operations.len(), ..ImportOutcome::default() };
    // Photos are stored by content hash: writing one again is harmless, so they go first and the
    // records that refer to them never point at a missing photo.
    let total = contents.attachments.len();
    for (i, attachment) in contents.attachments.iter().enumerate() {
        progress(ImportStep::Attachments(i, total));
        if store.get_attachment(&attachment.sha256).await?.is_none() {
            let blob = bytes_to_blob(&attachment.bytes()?, &attachment.mime)?;
            store.put_attachment(&blob, &attachment.mime, 0, 0).await?;
            outcome.new_attachments += 1;
        }
    }
    progress(ImportStep::Operations(contents.operations.len()));
    // The records the server never sent or acknowledged here are 来自文件, not 已送达, until
    // a pull brings them (`Store::import_operations`).
    let only_of = (header.scope == Scope::All).then_some(header.device_id);
    let merged = store.import_operations(&contents.operations, only_of).await?;
    outcome.changed_records = merged.changed_records;
    outcome.conflicts = merged.conflicts.len();
    Ok(outcome)
}

/// A `Blob` of `bytes` with MIME type `mime`.
pub fn bytes_to_blob(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, TransferError> {
    crate::browser::download::blob(bytes, mime).map_err(|e| TransferError::Browser(e.to_string()))
}

/// Offer `text` (an export file) as a file download.
pub fn download(file_name: &str, text: &str) -> Result<(), TransferError> {
    crate::browser::download::download(file_name, "application/json", text.as_bytes())
        .map_err(|e| TransferError::Browser(e.to_string()))
}

/// The bytes of a file the person picked.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, TransferError> {
    Ok(blob_bytes(file).await?)
}
