//! First-load transfer: the files a browser fetches when it first opens the app (the page, what
//! the page references, the wasm module, the service worker), raw and compressed.

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

/// Sizes per kind (`html`, `js`, `wasm`, `css`, `other`) and `total` of html+js+wasm+css.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FirstLoad {
    pub kinds: BTreeMap<String, Sizes>,
    pub total: Sizes,
    pub files: BTreeMap<String, Sizes>,
}

pub fn compress(bytes: &[u8]) -> Sizes {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("writing to memory");
    let gzip = gz.finish().expect("writing to memory").len() as u64;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("writing to memory");
    Sizes { raw: bytes.len() as u64, gzip, brotli: br.len() as u64 }
}

/// The local files `index.html` references (`href=` / `src=` attributes, quoted or not, as
/// Trunk's minified HTML writes them), relative to `dist`, plus `index.html` itself.
pub fn referenced_files(index_html: &str) -> Vec<String> {
    let mut files = vec!["index.html".to_owned()];
    for attr in ["href=", "src="] {
        for (start, _) in index_html.match_indices(attr) {
            let preceded_by_space =
                index_html[..start].chars().next_back().is_some_and(char::is_whitespace);
            if !preceded_by_space {
                continue;
            }
            let rest = &index_html[start + attr.len()..];
            let url = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let rest = &rest[1..];
                    let Some(end) = rest.find(quote) else { continue };
                    &rest[..end]
                }
                _ => {
                    let end =
                        rest.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(rest.len());
                    &rest[..end]
                }
            };
            if url.contains("://")
                || url.starts_with("data:")
                || url.starts_with('#')
                || url.is_empty()
            {
                continue;
            }
            let path = url
                .trim_start_matches("./")
                .trim_start_matches('/')
                .split(['?', '#'])
                .next()
                .unwrap_or("");
            if !path.is_empty() && !files.iter().any(|f| f == path) {
                files.push(path.to_owned());
            }
        }
    }
    files
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

/// Measure the first load of the build in `dist`: index.html, what it references, and `sw.js`.
pub fn first_load(dist: &Path) -> Result<FirstLoad, BenchError> {
    let read = |rel: &str| {
        std::fs::read(dist.join(rel))
            .map_err(|e| BenchError::Io(format!("read {}/{rel}", dist.display()), e))
    };
    let index = String::from_utf8_lossy(&read("index.html")?).into_owned();
    let mut files = referenced_files(&index);
    if dist.join("sw.js").exists() && !files.iter().any(|f| f == "sw.js") {
        files.push("sw.js".to_owned());
    }
    let mut out = FirstLoad::default();
    for file in files {
        let Ok(bytes) = read(&file) else { continue };
        let sizes = compress(&bytes);
        let kind = kind_of(&file);
        *out.kinds.entry(kind.to_owned()).or_default() += sizes;
        if kind != "other" {
            out.total += sizes;
        }
        out.files.insert(file, sizes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_local_references_only() {
        let html = r#"<link rel="preload" href="/field-1a2b_bg.wasm" as="fetch">
            <script type="module" src="/field-1a2b.js"></script>
            <link rel="stylesheet" href="/main-9f.css?v=1"><a href="https://example.com/x.js">
            <link rel="manifest" href="/manifest.webmanifest">"#;
        assert_eq!(
            referenced_files(html),
            [
                "index.html",
                "field-1a2b_bg.wasm",
                "main-9f.css",
                "manifest.webmanifest",
                "field-1a2b.js"
            ]
        );
    }

    #[test]
    fn finds_unquoted_references_of_minified_html() {
        let html = "<link href=/manifest.webmanifest rel=manifest><script src=/boot.js \
            type=module></script><link href=/main-b4.css rel=stylesheet><link crossorigin \
            href=/field-b3.js rel=modulepreload><link as=fetch href=/field-b3_bg.wasm rel=preload>\
            <meta content=/field-b3_bg.wasm name=field-wasm>";
        assert_eq!(
            referenced_files(html),
            [
                "index.html",
                "manifest.webmanifest",
                "main-b4.css",
                "field-b3.js",
                "field-b3_bg.wasm",
                "boot.js"
            ]
        );
    }

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "四争一树 ".repeat(2000);
        let sizes = compress(text.as_bytes());
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
        let load = first_load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(load.kinds["js"].raw, 1000);
        assert_eq!(load.kinds["other"].raw, 300);
        assert_eq!(load.total.raw, 1000 + load.kinds["html"].raw);
    }
}
