//! Reading a file the person picked (`<input type="file">`).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a picked file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{}", crate::i18n::FILE_NONE)]
    NoFile,
    #[error("{}", crate::i18n::FILE_TOO_LARGE.format(&[("mb", (*.0).into())]))]
    TooLarge(u64),
    #[error("{}", crate::i18n::FILE_READ.format(&[("detail", .0.into())]))]
    Read(String),
}

/// A file the person picked (a photo, an export file).
pub type PickedFile = web_sys::File;

/// Every file picked in the `<input type="file">` an event came from; the input is cleared, so
/// the same file can be picked again.
pub fn take_picked(event: &web_sys::Event) -> Vec<PickedFile> {
    let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map_or_else(Vec::new, |files| (0..files.length()).filter_map(|i| files.item(i)).collect());
    input.set_value("");
    files
}

/// The first file picked in the `<input type="file">` an `input`/`change` event came from (as
/// [`picked_file`]).
pub async fn picked_by(
    event: &web_sys::Event,
    max_bytes: u64,
) -> Result<(String, Vec<u8>), FileError> {
    let input = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .ok_or(FileError::NoFile)?;
    picked_file(&input, max_bytes).await
}

/// The first file picked in the input `input` (its name and bytes), refusing files over
/// `max_bytes` before reading them.
pub async fn picked_file(
    input: &web_sys::HtmlInputElement,
    max_bytes: u64,
) -> Result<(String, Vec<u8>), FileError> {
    let file = input.files().and_then(|f| f.get(0)).ok_or(FileError::NoFile)?;
    if file.size() > max_bytes as f64 {
        return Err(FileError::TooLarge(max_bytes / (1024 * 1024)));
    }
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| {
        FileError::Read(e.as_string().unwrap_or_else(|| crate::i18n::UNKNOWN_ERROR.into()))
    })?;
    let bytes = js_sys::Uint8Array::new(&buffer.unchecked_into()).to_vec();
    Ok((file.name(), bytes))
}
