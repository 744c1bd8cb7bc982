//! Photo blobs by SHA-256, uploaded in chunks that can resume after an interruption.
//!
//! Layout under `data-dir/attachments/`: complete, verified files as `<sha256>`; uploads under
//! way as `tmp/<sha256>.part` with the announced size in `tmp/<sha256>.total`. A part file is
//! renamed into place only after its SHA-256 matched its name.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use shared::sync::{AttachmentStatus, MAX_ATTACHMENT_BYTES};

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("attachment storage failed: {0}")]
    Io(#[from] io::Error),
    #[error("chunk at {offset}, but {received} bytes are held")]
    OffsetMismatch { offset: u64, received: u64 },
    #[error("announced size {announced} differs from {recorded}")]
    TotalMismatch { announced: u64, recorded: u64, received: u64 },
    #[error("chunk ends past the announced size")]
    PastEnd,
    #[error("attachment larger than allowed")]
    TooLarge,
    #[error("content does not match its SHA-256")]
    HashMismatch,
    #[error("background task failed: {0}")]
    Task(String),
}

/// A validated SHA-256 name: 64 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sha256Name(String);

impl Sha256Name {
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.to_ascii_lowercase();
        (lower.len() == 64 && lower.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub struct AttachmentStore {
    root: PathBuf,
    /// One lock per upload under way, so two requests never append to the same part file.
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl AttachmentStore {
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root, locks: Mutex::new(HashMap::new()) })
    }

    fn complete_path(&self, sha: &Sha256Name) -> PathBuf {
        self.root.join(sha.as_str())
    }

    fn part_path(&self, sha: &Sha256Name) -> PathBuf {
        self.root.join("tmp").join(format!("{}.part", sha.as_str()))
    }

    fn total_path(&self, sha: &Sha256Name) -> PathBuf {
        self.root.join("tmp").join(format!("{}.total", sha.as_str()))
    }

    pub async fn status(&self, sha: &Sha256Name) -> Result<AttachmentStatus, AttachmentError> {
        let (complete, part, total) =
            (self.complete_path(sha), self.part_path(sha), self.total_path(sha));
        blocking(move || status_of(&complete, &part, &total)).await
    }

    /// The bytes of a complete attachment.
    pub async fn read(&self, sha: &Sha256Name) -> Result<Option<Vec<u8>>, AttachmentError> {
        match tokio::fs::read(self.complete_path(sha)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Append `chunk` at `offset` of an upload of `total` bytes; verify and keep the file once
    /// all bytes are in.
    pub async fn put_chunk(
        &self,
        sha: &Sha256Name,
        offset: u64,
        total: u64,
        chunk: bytes::Bytes,
    ) -> Result<AttachmentStatus, AttachmentError> {
        if total > MAX_ATTACHMENT_BYTES {
            return Err(AttachmentError::TooLarge);
        }
        let lock = self.lock_for(sha);
        let guard = lock.lock().await;
        let paths = UploadPaths {
            sha: sha.clone(),
            complete: self.complete_path(sha),
            part: self.part_path(sha),
            total: self.total_path(sha),
            dir: self.root.clone(),
        };
        let result = blocking(move || append(&paths, offset, total, &chunk)).await;
        drop(guard);
        self.release_lock(sha, lock);
        result
    }

    /// Store a whole attachment at once (from an export file): verified against its name,
    /// written beside the final place and renamed in, so a crash never leaves half a file under
    /// its hash. `false` if it was already stored.
    pub async fn put_whole(
        &self,
        sha: &Sha256Name,
        bytes: Vec<u8>,
    ) -> Result<bool, AttachmentError> {
        if bytes.len() as u64 > MAX_ATTACHMENT_BYTES {
            return Err(AttachmentError::TooLarge);
        }
        if shared::op::hex(&Sha256::digest(&bytes)) != sha.as_str() {
            return Err(AttachmentError::HashMismatch);
        }
        let lock = self.lock_for(sha);
        let guard = lock.lock().await;
        let complete = self.complete_path(sha);
        let staging = self.root.join("tmp").join(format!("{}.whole", sha.as_str()));
        let dir = self.root.clone();
        let result = blocking(move || {
            if file_len(&complete)?.is_some() {
                return Ok(false);
            }
            write_synced(&staging, &bytes)?;
            fs::rename(&staging, &complete)?;
            File::open(&dir)?.sync_all()?;
            Ok(true)
        })
        .await;
        drop(guard);
        self.release_lock(sha, lock);
        result
    }

    fn lock_for(&self, sha: &Sha256Name) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(sha.as_str().to_owned()).or_default().clone()
    }

    fn release_lock(&self, sha: &Sha256Name, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        // Ours and the map's: nobody else waits on it (clones are only made under this lock).
        if Arc::strong_count(&lock) == 2 {
            locks.remove(sha.as_str());
        }
    }
}

async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, AttachmentError> + Send + 'static,
) -> Result<R, AttachmentError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AttachmentError::Task(e.to_string()))?
}

struct UploadPaths {
    sha: Sha256Name,
    complete: PathBuf,
    part: PathBuf,
    total: PathBuf,
    dir: PathBuf,
}

fn file_len(path: &Path) -> io::Result<Option<u64>> {
    match fs::metadata(path) {
        Ok(m) => Ok(Some(m.len())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn recorded_total(path: &Path) -> io::Result<Option<u64>> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(s.trim().parse().ok()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn status_of(
    complete: &Path,
    part: &Path,
    total: &Path,
) -> Result<AttachmentStatus, AttachmentError> {
    if let Some(len) = file_len(complete)? {
        return Ok(AttachmentStatus { received: len, total: len, complete: true });
    }
    let received = file_len(part)?.unwrap_or(0);
    let total = recorded_total(total)?.unwrap_or(0);
    Ok(AttachmentStatus { received, total, complete: false })
}

fn append(
    p: &UploadPaths,
    offset: u64,
    total: u64,
    chunk: &[u8],
) -> Result<AttachmentStatus, AttachmentError> {
    let status = status_of(&p.complete, &p.part, &p.total)?;
    if status.complete {
        return Ok(status);
    }
    let received = status.received;
    match recorded_total(&p.total)? {
        Some(recorded) if recorded != total => {
            return Err(AttachmentError::TotalMismatch { announced: total, recorded, received });
        }
        Some(_) => {}
        None => write_synced(&p.total, total.to_string().as_bytes())?,
    }
    if offset != received {
        return Err(AttachmentError::OffsetMismatch { offset, received });
    }
    let end = offset.checked_add(chunk.len() as u64).ok_or(AttachmentError::PastEnd)?;
    if end > total {
        return Err(AttachmentError::PastEnd);
    }
    let mut file = OpenOptions::new().create(true).append(true).open(&p.part)?;
    file.write_all(chunk)?;
    file.sync_data()?;
    drop(file);
    if end < total {
        return Ok(AttachmentStatus { received: end, total, complete: false });
    }
    if sha256_of(&p.part)? != p.sha.as_str() {
        let _ = fs::remove_file(&p.part);
        let _ = fs::remove_file(&p.total);
        return Err(AttachmentError::HashMismatch);
    }
    fs::rename(&p.part, &p.complete)?;
    File::open(&p.dir)?.sync_all()?;
    let _ = fs::remove_file(&p.total);
    Ok(AttachmentStatus { received: total, total, complete: true })
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_data()
}

fn sha256_of(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(shared::op::hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha_of(bytes: &[u8]) -> Sha256Name {
        Sha256Name::parse(&shared::op::hex(&Sha256::digest(bytes))).unwrap()
    }

    #[test]
    fn names_must_be_64_hex_digits() {
        assert!(Sha256Name::parse(&"a".repeat(64)).is_some());
        assert_eq!(Sha256Name::parse(&"A".repeat(64)).unwrap().as_str(), "a".repeat(64));
        assert!(Sha256Name::parse(&"a".repeat(63)).is_none());
        assert!(Sha256Name::parse(&format!("../{}", "a".repeat(61))).is_none());
    }

    #[tokio::test]
    async fn chunks_resume_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttachmentStore::open(dir.path()).unwrap();
        let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let sha = sha_of(&data);
        let total = data.len() as u64;
        let s = store.put_chunk(&sha, 0, total, data[..400].to_vec().into()).await.unwrap();
        assert_eq!((s.received, s.complete), (400, false));
        let err = store.put_chunk(&sha, 0, total, data[..400].to_vec().into()).await.unwrap_err();
        assert!(matches!(err, AttachmentError::OffsetMismatch { received: 400, .. }));
        let err = store.put_chunk(&sha, 400, 5, data[400..].to_vec().into()).await.unwrap_err();
        assert!(matches!(err, AttachmentError::TotalMismatch { recorded: 1000, .. }));
        let s = store.put_chunk(&sha, 400, total, data[400..].to_vec().into()).await.unwrap();
        assert!(s.complete);
        assert_eq!(store.read(&sha).await.unwrap().unwrap(), data);
        assert!(store.locks.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn whole_files_are_verified_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttachmentStore::open(dir.path()).unwrap();
        let sha = sha_of(b"photo");
        assert!(matches!(
            store.put_whole(&sha, b"other".to_vec()).await,
            Err(AttachmentError::HashMismatch)
        ));
        assert!(store.read(&sha).await.unwrap().is_none());
        assert!(store.put_whole(&sha, b"photo".to_vec()).await.unwrap());
        assert!(!store.put_whole(&sha, b"photo".to_vec()).await.unwrap());
        assert_eq!(store.read(&sha).await.unwrap().unwrap(), b"photo");
    }

    #[tokio::test]
    async fn wrong_content_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttachmentStore::open(dir.path()).unwrap();
        let sha = sha_of(b"right");
        let err =
            store.put_chunk(&sha, 0, 5, bytes::Bytes::from_static(b"wrong")).await.unwrap_err();
        assert!(matches!(err, AttachmentError::HashMismatch));
        let s = store.status(&sha).await.unwrap();
        assert_eq!((s.received, s.total, s.complete), (0, 0, false));
        assert!(store.read(&sha).await.unwrap().is_none());
    }
}
