//! Small files in the Origin Private File System (OPFS): the site's own directory, which the
//! browser keeps apart from IndexedDB (`navigator.storage.getDirectory()`).
//!
//! The app keeps a second copy of its unsent outbox here (`sync::mirror`), because Chromium
//! deletes a whole IndexedDB database it finds damaged when it reopens (crbug 146284). Files are
//! written with `FileSystemFileHandle.createWritable()`, which works in a window (no worker):
//! what is written goes to a swap file beside the file (`<name>.crswap` in Chromium) and
//! replaces the file only when the stream is closed. So a write is all or nothing: a kill
//! before `close()` leaves the file as it was (and a stray swap file, which the next write
//! takes over), never half of the new content. Reading a file that does not parse is the
//! caller's to judge (`sync::mirror` logs it and ignores it).
//!
//! Every failure is a value ([`OpfsError`]), never a panic: a browser without OPFS (an insecure
//! origin, Firefox's private windows, an old browser) is [`OpfsError::Unavailable`].

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemWritableFileStream,
};

/// Why an OPFS file could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpfsError {
    /// This browser gives the page no private file system (or refuses it).
    #[error("the origin private file system is unavailable: {0}")]
    Unavailable(String),
    /// The file system answered an operation with an error (disk full, file busy, …).
    #[error("the origin private file system refused {what}: {message}")]
    Failed { what: &'static str, message: String },
}

impl OpfsError {
    fn failed(what: &'static str) -> impl FnOnce(JsValue) -> OpfsError {
        move |e| OpfsError::Failed { what, message: describe(&e) }
    }
}

fn describe(e: &JsValue) -> String {
    if let Some(error) = e.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(error.name()), String::from(error.message()));
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// The directory `dir` in the origin's private file system, made if it is not there.
async fn directory(dir: &str) -> Result<FileSystemDirectoryHandle, OpfsError> {
    directory_with(dir, true).await
}

/// The directory `dir`, made if `create`; without, a directory that is not there is `NotFound`.
async fn directory_with(dir: &str, create: bool) -> Result<FileSystemDirectoryHandle, OpfsError> {
    let navigator =
        web_sys::window().ok_or_else(|| OpfsError::Unavailable("no window".into()))?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &"storage".into())
        .ok()
        .filter(|v| !v.is_undefined())
        .ok_or_else(|| OpfsError::Unavailable("no navigator.storage".into()))?;
    let storage: web_sys::StorageManager = storage.unchecked_into();
    let get = js_sys::Reflect::get(&storage, &"getDirectory".into()).unwrap_or(JsValue::UNDEFINED);
    if !get.is_function() {
        return Err(OpfsError::Unavailable("no navigator.storage.getDirectory".into()));
    }
    let root = JsFuture::from(storage.get_directory())
        .await
        .map_err(|e| OpfsError::Unavailable(describe(&e)))?;
    let root: FileSystemDirectoryHandle = root.unchecked_into();
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(create);
    let handle = JsFuture::from(root.get_directory_handle_with_options(dir, &options))
        .await
        .map_err(OpfsError::failed("opening a directory"))?;
    Ok(handle.unchecked_into())
}

/// Writes `text` as the whole content of `dir/name`, all or nothing (see the module comment).
pub async fn write(dir: &str, name: &str, text: &str) -> Result<(), OpfsError> {
    let dir = directory(dir).await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let file: FileSystemFileHandle =
        JsFuture::from(dir.get_file_handle_with_options(name, &options))
            .await
            .map_err(OpfsError::failed("opening a file"))?
            .unchecked_into();
    let stream: FileSystemWritableFileStream = JsFuture::from(file.create_writable())
        .await
        .map_err(OpfsError::failed("opening a file for writing"))?
        .unchecked_into();
    let written = match stream.write_with_str(text) {
        Ok(promise) => JsFuture::from(promise).await.map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        // The swap file is dropped; the file keeps its old content.
        let _ = JsFuture::from(stream.abort()).await;
        return Err(OpfsError::failed("writing a file")(e));
    }
    JsFuture::from(stream.close()).await.map_err(OpfsError::failed("committing a file"))?;
    Ok(())
}

/// Whether `dir/name` is there, without making the directory (a new tablet's first start asks
/// this before anything else is loaded).
pub async fn exists(dir: &str, name: &str) -> Result<bool, OpfsError> {
    let dir = match directory_with(dir, false).await {
        Ok(dir) => dir,
        Err(OpfsError::Failed { .. }) => return Ok(false),
        Err(e) => return Err(e),
    };
    match JsFuture::from(dir.get_file_handle(name)).await {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(OpfsError::failed("opening a file")(e)),
    }
}

/// The content of `dir/name`, `None` when there is no such file.
pub async fn read(dir: &str, name: &str) -> Result<Option<String>, OpfsError> {
    let dir = directory(dir).await?;
    let file = match JsFuture::from(dir.get_file_handle(name)).await {
        Ok(file) => file.unchecked_into::<FileSystemFileHandle>(),
        Err(e) if is_not_found(&e) => return Ok(None),
        Err(e) => return Err(OpfsError::failed("opening a file")(e)),
    };
    let blob: web_sys::File = JsFuture::from(file.get_file())
        .await
        .map_err(OpfsError::failed("reading a file"))?
        .unchecked_into();
    let text = JsFuture::from(blob.text()).await.map_err(OpfsError::failed("reading a file"))?;
    Ok(text.as_string())
}

/// Removes `dir/name`; a file that is not there is no error.
pub async fn delete(dir: &str, name: &str) -> Result<(), OpfsError> {
    let dir = directory(dir).await?;
    match JsFuture::from(dir.remove_entry(name)).await {
        Ok(_) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        Err(e) => Err(OpfsError::failed("removing a file")(e)),
    }
}

fn is_not_found(e: &JsValue) -> bool {
    e.dyn_ref::<js_sys::Error>().is_some_and(|e| e.name() == "NotFoundError")
}
