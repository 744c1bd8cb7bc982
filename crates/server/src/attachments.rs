//! Photo blobs by SHA-256, uploaded in chunks that can resume after an interruption.
//!
//! Layout under `data-dir/attachments/`: complete, verified files as `<sha256>`; uploads under
//! way as `tmp/<sha256>.<claimant>.part` with the announced size in
//! `tmp/<sha256>.<claimant>.total`. A part file is renamed into place only after its SHA-256
//! matched its name.
//!
//! An upload under way belongs to the account that started it (`<claimant>`, a hash of the
//! user name): its announced size binds only that account's upload, so another account that
//! announces a wrong size for the same hash cannot block the real one (each uploads its own
//! part; the first complete, verified one is kept). Parts untouched for
//! [`crate::limits::Limits::partial_upload_ttl`] are removed by [`AttachmentStore::sweep_expired`].
//!
//! Several server processes may share the folder (a county's servers behind one proxy): each
//! write or read of an upload under way holds the upload's lock file `tmp/<key>.lock` locked
//! (the operating system's advisory lock, `File::lock`) besides the process's own mutex, so no
//! two processes append to one part file either.
//!
//! Photos never take the database's last room: a chunk or a file is refused
//! ([`AttachmentError::StorageFull`], answered `507 storage_full`) when writing it would leave
//! less than [`AttachmentStore::set_min_free`] bytes free on the folder's disk, so records keep
//! reaching the office when photos cannot. A write the disk refuses itself (`ENOSPC`) gives the
//! same error, and what it wrote of the chunk is taken back.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use shared::sync::{AttachmentStatus, MAX_ATTACHMENT_BYTES};

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("attachment storage failed: {0}")]
    Io(io::Error),
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
    /// Writing it would leave the disk under the free-space floor, or the disk is full.
    #[error("no room for the attachment: {0}")]
    StorageFull(String),
    /// The caller's admission of a chunk that would be written refused it (the account's photos
    /// of the day: `limits::PhotoQuota`).
    #[error("chunk not admitted: {0}")]
    NotAdmitted(Box<crate::error::AppError>),
}

impl AttachmentError {
    /// An I/O failure, or [`AttachmentError::StorageFull`] when the disk refused the write for
    /// want of room (or quota).
    fn of_io(err: io::Error) -> Self {
        if matches!(err.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded) {
            AttachmentError::StorageFull(err.to_string())
        } else {
            AttachmentError::Io(err)
        }
    }
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

/// Whose upload under way it is: 16 hex digits of the SHA-256 of the account's user name (safe
/// in a file name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Claimant(String);

impl Claimant {
    pub fn of(username: &str) -> Self {
        Self(shared::op::hex(&Sha256::digest(username.as_bytes()))[..16].to_owned())
    }
}

impl From<io::Error> for AttachmentError {
    fn from(err: io::Error) -> Self {
        AttachmentError::of_io(err)
    }
}

pub struct AttachmentStore {
    root: PathBuf,
    /// One lock per upload under way, so two requests never append to the same part file.
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Bytes a write must leave free on the folder's disk ([`AttachmentStore::set_min_free`]).
    min_free: AtomicU64,
}

impl AttachmentStore {
    pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(root.join("tmp"))?;
        fs::create_dir_all(root.join("uploaders"))?;
        Ok(Self { root, locks: Mutex::new(HashMap::new()), min_free: AtomicU64::new(0) })
    }

    /// Refuse a chunk or file that would leave fewer than `bytes` free on the folder's disk
    /// ([`crate::limits::Limits::min_free_bytes`]; 0: only a full disk refuses).
    pub fn set_min_free(&self, bytes: u64) {
        self.min_free.store(bytes, Ordering::Relaxed);
    }

    /// [`AttachmentError::StorageFull`] unless `bytes` more leave the floor free. Asked before
    /// each write, not reserved: two writes at once may each see the room the other takes, by
    /// at most a chunk each, which the floor is there to absorb.
    fn room_for(root: &Path, bytes: u64, floor: u64) -> Result<(), AttachmentError> {
        let available = fs4::available_space(root)?;
        if available < floor.saturating_add(bytes) {
            return Err(AttachmentError::StorageFull(format!(
                "{available} bytes free, {bytes} to write, {floor} kept free"
            )));
        }
        Ok(())
    }

    fn complete_path(&self, sha: &Sha256Name) -> PathBuf {
        self.root.join(sha.as_str())
    }

    /// Who uploaded a complete attachment (one claimant a line): they may download it before
    /// any record references it.
    fn uploaders_path(&self, sha: &Sha256Name) -> PathBuf {
        self.root.join("uploaders").join(sha.as_str())
    }

    /// Record `claimant` as an uploader of the complete `sha` (an imported file's author: the
    /// photo came from their tablet).
    pub async fn add_uploader(
        &self,
        sha: &Sha256Name,
        claimant: &Claimant,
    ) -> Result<(), AttachmentError> {
        let (path, who) = (self.uploaders_path(sha), claimant.0.clone());
        blocking(move || Ok(note_uploader(&path, &who)?)).await
    }

    /// Whether `claimant` uploaded (or finished uploading) `sha`.
    pub async fn uploaded_by(
        &self,
        sha: &Sha256Name,
        claimant: &Claimant,
    ) -> Result<bool, AttachmentError> {
        match tokio::fs::read_to_string(self.uploaders_path(sha)).await {
            Ok(text) => Ok(text.lines().any(|l| l == claimant.0)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn part_path(&self, sha: &Sha256Name, claimant: &Claimant) -> PathBuf {
        self.root.join("tmp").join(format!("{}.{}.part", sha.as_str(), claimant.0))
    }

    fn total_path(&self, sha: &Sha256Name, claimant: &Claimant) -> PathBuf {
        self.root.join("tmp").join(format!("{}.{}.total", sha.as_str(), claimant.0))
    }

    /// How far `claimant`'s upload of `sha` is (complete whoever uploaded it).
    pub async fn status(
        &self,
        sha: &Sha256Name,
        claimant: &Claimant,
    ) -> Result<AttachmentStatus, AttachmentError> {
        let (complete, part, total) = (
            self.complete_path(sha),
            self.part_path(sha, claimant),
            self.total_path(sha, claimant),
        );
        // Under the upload's lock: a chunk being written is counted whole or not at all.
        let key = format!("{}.{}", sha.as_str(), claimant.0);
        let lock = self.lock_for(&key);
        let guard = lock.clone().lock_owned().await;
        let root = self.root.clone();
        let file_key = key.clone();
        let result = blocking(move || {
            let _guard = guard;
            let _across = lock_across_processes(&root, &file_key)?;
            status_of(&complete, &part, &total)
        })
        .await;
        self.release_lock(&key, lock);
        result
    }

    /// Remove the files of uploads under way untouched for `ttl` or longer; how many uploads.
    pub async fn sweep_expired(&self, ttl: std::time::Duration) -> Result<usize, AttachmentError> {
        let tmp = self.root.join("tmp");
        blocking(move || {
            let now = std::time::SystemTime::now();
            let mut removed = 0;
            for entry in fs::read_dir(&tmp)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_part = name.ends_with(".part");
                let ours = [".total", ".whole", ".lock"].iter().any(|end| name.ends_with(end));
                if !(is_part || ours) {
                    continue;
                }
                let modified = entry.metadata()?.modified()?;
                let age = now.duration_since(modified).unwrap_or_default();
                if age >= ttl {
                    match fs::remove_file(entry.path()) {
                        Ok(()) => removed += usize::from(is_part),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            Ok(removed)
        })
        .await
    }

    /// Whether a complete attachment `sha` is held (its bytes not read).
    pub async fn holds(&self, sha: &Sha256Name) -> Result<bool, AttachmentError> {
        match tokio::fs::metadata(self.complete_path(sha)).await {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The bytes of a complete attachment.
    #[cfg(test)]
    async fn read(&self, sha: &Sha256Name) -> Result<Option<Vec<u8>>, AttachmentError> {
        match tokio::fs::read(self.complete_path(sha)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A complete attachment opened for reading, and its length: a download streams it rather
    /// than holding it whole (up to 64 MiB each) in memory. Complete files are only ever
    /// renamed into place, never written, so the length stays true while it is read.
    pub async fn open_complete(
        &self,
        sha: &Sha256Name,
    ) -> Result<Option<(tokio::fs::File, u64)>, AttachmentError> {
        match tokio::fs::File::open(self.complete_path(sha)).await {
            Ok(file) => {
                let len = file.metadata().await?.len();
                Ok(Some((file, len)))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Append `chunk` at `offset` of an upload of `total` bytes; verify and keep the file once
    /// all bytes are in. `admit` is asked, with the chunk's length, only once the chunk is to be
    /// written (not for a photo held whole, a chunk at another offset or past the announced
    /// size, or one the disk has no room for), and its refusal writes nothing.
    pub async fn put_chunk(
        &self,
        sha: &Sha256Name,
        claimant: &Claimant,
        offset: u64,
        total: u64,
        chunk: bytes::Bytes,
        admit: impl FnOnce(usize) -> Result<(), crate::error::AppError> + Send + 'static,
    ) -> Result<AttachmentStatus, AttachmentError> {
        if total > MAX_ATTACHMENT_BYTES {
            return Err(AttachmentError::TooLarge);
        }
        let key = format!("{}.{}", sha.as_str(), claimant.0);
        let lock = self.lock_for(&key);
        // Owned and moved into the blocking write: a request dropped while it writes (its client
        // went away) must not let the next chunk append beside the unfinished write.
        let guard = lock.clone().lock_owned().await;
        let paths = UploadPaths {
            sha: sha.clone(),
            complete: self.complete_path(sha),
            part: self.part_path(sha, claimant),
            total: self.total_path(sha, claimant),
            dir: self.root.clone(),
        };
        let uploaders = self.uploaders_path(sha);
        let who = claimant.0.clone();
        let file_key = key.clone();
        let floor = self.min_free.load(Ordering::Relaxed);
        let result = blocking(move || {
            let _guard = guard;
            let _across = lock_across_processes(&paths.dir, &file_key)?;
            let (status, completed_here) = append(&paths, offset, total, &chunk, floor, admit)?;
            // Only the account whose own bytes completed the file counts as its uploader (a
            // chunk sent for a file already complete proves nothing).
            if completed_here {
                note_uploader(&uploaders, &who)?;
            }
            Ok(status)
        })
        .await;
        self.release_lock(&key, lock);
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
        let lock = self.lock_for(sha.as_str());
        let guard = lock.clone().lock_owned().await;
        let complete = self.complete_path(sha);
        let staging = self.root.join("tmp").join(format!("{}.whole", sha.as_str()));
        let dir = self.root.clone();
        let file_key = sha.as_str().to_owned();
        let floor = self.min_free.load(Ordering::Relaxed);
        let result = blocking(move || {
            let _guard = guard;
            let _across = lock_across_processes(&dir, &file_key)?;
            if file_len(&complete)?.is_some() {
                return Ok(false);
            }
            Self::room_for(&dir, bytes.len() as u64, floor)?;
            if let Err(e) = write_synced(&staging, &bytes) {
                let _ = fs::remove_file(&staging);
                return Err(e.into());
            }
            fs::rename(&staging, &complete)?;
            File::open(&dir)?.sync_all()?;
            Ok(true)
        })
        .await;
        self.release_lock(sha.as_str(), lock);
        result
    }

    fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(key.to_owned()).or_default().clone()
    }

    fn release_lock(&self, key: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        // Ours and the map's: nobody else waits on it (clones are only made under this lock).
        if Arc::strong_count(&lock) == 2 {
            locks.remove(key);
        }
    }
}

/// Locks `tmp/<key>.lock` for as long as the returned file lives (closing it unlocks): the
/// lock of one upload across the processes sharing the folder. Its time is set at every lock,
/// so [`AttachmentStore::sweep_expired`] never removes a lock file that is in use.
fn lock_across_processes(root: &Path, key: &str) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(root.join("tmp").join(format!("{key}.lock")))?;
    file.lock()?;
    file.set_modified(std::time::SystemTime::now())?;
    Ok(file)
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

/// Append a chunk; the status and whether this chunk completed the file.
fn append(
    p: &UploadPaths,
    offset: u64,
    total: u64,
    chunk: &[u8],
    floor: u64,
    admit: impl FnOnce(usize) -> Result<(), crate::error::AppError>,
) -> Result<(AttachmentStatus, bool), AttachmentError> {
    let status = status_of(&p.complete, &p.part, &p.total)?;
    if status.complete {
        // Another upload of the same content finished first: this one is not needed.
        let _ = fs::remove_file(&p.part);
        let _ = fs::remove_file(&p.total);
        return Ok((status, false));
    }
    let received = status.received;
    AttachmentStore::room_for(&p.dir, chunk.len() as u64, floor)?;
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
    admit(chunk.len()).map_err(|e| AttachmentError::NotAdmitted(Box::new(e)))?;
    let mut file = OpenOptions::new().create(true).append(true).open(&p.part)?;
    if let Err(e) = file.write_all(chunk).and_then(|()| file.sync_data()) {
        // Half a chunk is not kept: the upload stays at the `received` the status said, so the
        // tablet's next try sends this chunk again from its start.
        let _ = file.set_len(received);
        return Err(e.into());
    }
    drop(file);
    if end < total {
        return Ok((AttachmentStatus { received: end, total, complete: false }, false));
    }
    if sha256_of(&p.part)? != p.sha.as_str() {
        let _ = fs::remove_file(&p.part);
        let _ = fs::remove_file(&p.total);
        return Err(AttachmentError::HashMismatch);
    }
    fs::rename(&p.part, &p.complete)?;
    File::open(&p.dir)?.sync_all()?;
    let _ = fs::remove_file(&p.total);
    Ok((AttachmentStatus { received: total, total, complete: true }, true))
}

/// Add `who` to the uploaders of a complete attachment (once).
fn note_uploader(path: &Path, who: &str) -> io::Result<()> {
    let known = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if known.lines().any(|l| l == who) {
        return Ok(());
    }
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(f, "{who}")
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
        let me = Claimant::of("zhang");
        let s = store
            .put_chunk(&sha, &me, 0, total, data[..400].to_vec().into(), |_| Ok(()))
            .await
            .unwrap();
        assert_eq!((s.received, s.complete), (400, false));
        let err = store
            .put_chunk(&sha, &me, 0, total, data[..400].to_vec().into(), |_| Ok(()))
            .await
            .unwrap_err();
        assert!(matches!(err, AttachmentError::OffsetMismatch { received: 400, .. }));
        let err = store
            .put_chunk(&sha, &me, 400, 5, data[400..].to_vec().into(), |_| Ok(()))
            .await
            .unwrap_err();
        assert!(matches!(err, AttachmentError::TotalMismatch { recorded: 1000, .. }));
        let s = store
            .put_chunk(&sha, &me, 400, total, data[400..].to_vec().into(), |_| Ok(()))
            .await
            .unwrap();
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
        let me = Claimant::of("zhang");
        let wrong = bytes::Bytes::from_static(b"wrong");
        let err = store.put_chunk(&sha, &me, 0, 5, wrong, |_| Ok(())).await.unwrap_err();
        assert!(matches!(err, AttachmentError::HashMismatch));
        let s = store.status(&sha, &me).await.unwrap();
        assert_eq!((s.received, s.total, s.complete), (0, 0, false));
        assert!(store.read(&sha).await.unwrap().is_none());
    }
}
