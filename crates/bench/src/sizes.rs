//! First-load transfer: the files a browser fetches when it first opens the app (the page, what
//! the page references, the main wasm module, the service worker), raw and compressed; then the
//! chunks of the release build fetched later, and the whole build the service worker precaches.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::BenchError;

/// Raw, gzip (level 9) and brotli (quality 11, window 22) sizes in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl std::ops::AddAssign for Sizes {
    fn add_assign(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

/// Sizes per kind (`html`, `js`, `wasm`, `css`, `other`) and `total` of html+js+wasm+css of the
/// first load; then what the app fetches later, and the whole build.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FirstLoad {
    pub kinds: BTreeMap<String, Sizes>,
    pub total: Sizes,
    pub files: BTreeMap<String, Sizes>,
    /// The wasm chunks of the split modules named in [`LATER_SPLITS`], each fetched when a split
    /// point of it is first called (empty for a build that is not split).
    pub later: BTreeMap<String, Sizes>,
    /// Every file of the build: what the service worker precaches for offline use.
    pub installed: Sizes,
}

/// Split modules (src/split.rs) reported on their own: the tablet's field work (prefetched once
/// the people list is painted; the sync engine's loop needs it two seconds after the app opens),
/// the campaign dashboard (the campaign area's first screen) and the town office's other
/// campaign and set-up screens.
pub const LATER_SPLITS: &[&str] = &["fieldwork", "dashboard", "office"];

/// `bytes` compressed both ways. The encoders write to memory: an error is the encoder's own.
pub fn compress(bytes: &[u8]) -> Result<Sizes, BenchError> {
    let io = |what: &'static str| move |e| BenchError::Io(what.to_owned(), e);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).map_err(io("gzip"))?;
    let gzip = gz.finish().map_err(io("gzip"))?.len() as u64;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).map_err(io("brotli"))?;
    Ok(Sizes { raw: bytes.len() as u64, gzip, brotli: br.len() as u64 })
}

fn kind_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "html",
        "js" | "mjs" => "js",
        "wasm" => "wasm",
        "css" => "css",
        _ => "other",
    }
}

/// Measure the build in `dist`: the first load (`e2e::first_load_files`: index.html, what it
/// references, the main module and its chunk loader) plus `sw.js`; the split modules of
/// [`LATER_SPLITS`]; every file.
pub fn first_load(dist: &Path) -> Result<FirstLoad, BenchError> {
    let read = |rel: &str| {
        std::fs::read(dist.join(rel))
            .map_err(|e| BenchError::Io(format!("read {}/{rel}", dist.display()), e))
    };
    let mut files = e2e::first_load_files(dist).map_err(BenchError::Build)?;
    if dist.join("sw.js").exists() && !files.iter().any(|f| f == "sw.js") {
        files.push("sw.js".to_owned());
    }
    let mut out = FirstLoad::default();
    for file in files {
        let sizes = compress(&read(&file)?)?;
        let kind = kind_of(&file);
        *out.kinds.entry(kind.to_owned()).or_default() += sizes;
        if kind != "other" {
            out.total += sizes;
        }
        out.files.insert(file, sizes);
    }
    for split in LATER_SPLITS {
        let mut sizes = Sizes::default();
        for file in e2e::split_module_files(dist, split).map_err(BenchError::Build)? {
            sizes += compress(&read(&file)?)?;
        }
        if sizes.raw > 0 {
            out.later.insert((*split).to_owned(), sizes);
        }
    }
    for file in all_files(dist)?.iter().filter(|f| is_precached(f)) {
        out.installed += compress(&read(file)?)?;
    }
    Ok(out)
}

/// Whether the service worker precaches `file`: every file of the build but the compressed
/// copies the server sends in its place (`.br`, `.gz`, scripts/precompress.sh) and source maps,
/// as scripts/stamp-sw.py lists them.
fn is_precached(file: &str) -> bool {
    ![".br", ".gz", ".map"].iter().any(|suffix| file.ends_with(suffix))
}

/// Every file under `dist`, relative to it.
fn all_files(dist: &Path) -> Result<Vec<String>, BenchError> {
    let mut files = Vec::new();
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| BenchError::Io(format!("read {}", dir.display()), e))?;
        for entry in entries {
            let path =
                entry.map_err(|e| BenchError::Io(format!("read {}", dir.display()), e))?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(rel) = path.strip_prefix(dist) {
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    shared::order::sort(&mut files);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "四争一树 ".repeat(2000);
        let sizes = compress(text.as_bytes()).unwrap();
        assert_eq!(sizes.raw, text.len() as u64);
        assert!(sizes.gzip < sizes.raw / 20, "{sizes:?}");
        assert!(sizes.brotli <= sizes.gzip, "{sizes:?}");
    }

    #[test]
    fn totals_count_code_but_not_icons() {
        let dir = std::env::temp_dir().join(format!("bench-sizes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r#"<script src="/a.js"></script><link rel="icon" href="/i.png">"#,
        )
        .unwrap();
        std::fs::write(dir.join("a.js"), "x".repeat(1000)).unwrap();
        std::fs::write(dir.join("i.png"), [7u8; 300]).unwrap();
        std::fs::write(dir.join("unused.wasm"), [1u8; 50]).unwrap();
        // The server's compressed copies are the same files, not more to precache.
        std::fs::write(dir.join("a.js.br"), [2u8; 40]).unwrap();
        std::fs::write(dir.join("a.js.gz"), [3u8; 45]).unwrap();
        let load = first_load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(load.kinds["js"].raw, 1000);
        assert_eq!(load.kinds["other"].raw, 300);
        assert_eq!(load.total.raw, 1000 + load.kinds["html"].raw);
        assert!(load.later.is_empty(), "not a split build");
        assert_eq!(load.installed.raw, load.total.raw + 300 + 50);
    }
}
