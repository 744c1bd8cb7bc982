//! What a tablet downloads on its first visit, raw and compressed.

use std::io::Write;
use std::path::Path;

use crate::HarnessError;

/// One first-load file and its sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizedFile {
    pub name: String,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// The first-load files of a build (HTML, JS, CSS, wasm at the root of `dist/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstLoadReport {
    pub files: Vec<SizedFile>,
}

impl FirstLoadReport {
    pub fn total_raw(&self) -> usize {
        self.files.iter().map(|f| f.raw).sum()
    }

    pub fn total_gzip(&self) -> usize {
        self.files.iter().map(|f| f.gzip).sum()
    }

    pub fn total_brotli(&self) -> usize {
        self.files.iter().map(|f| f.brotli).sum()
    }

    /// A table of every file and the totals.
    pub fn table(&self) -> String {
        let mut out = format!("{:<44} {:>10} {:>10} {:>10}\n", "file", "raw", "gzip", "brotli");
        for file in &self.files {
            out += &format!(
                "{:<44} {:>10} {:>10} {:>10}\n",
                file.name, file.raw, file.gzip, file.brotli
            );
        }
        out += &format!(
            "{:<44} {:>10} {:>10} {:>10}\n",
            "total",
            self.total_raw(),
            self.total_gzip(),
            self.total_brotli()
        );
        out
    }
}

/// The loader the release build's main module imports to fetch its chunks (scripts/build-wasm.sh).
const SPLIT_LOADER: &str = "__wasm_split.js";

/// The files a browser fetches to show the app's first screen, relative to `dist`, in fetch
/// order: index.html, the local files it references (`href`, `src` and the `content` of its
/// `<meta>` tags, quoted or not, as Trunk's minified HTML writes them) and, when the build is
/// split, the chunk loader the main JS imports. Icons and the manifest count too; callers group
/// by extension. Chunks are not in it: see [`split_module_files`].
pub fn first_load_files(dist: &Path) -> Result<Vec<String>, HarnessError> {
    let index = read_text(&dist.join("index.html"))?;
    let mut files = vec!["index.html".to_owned()];
    for url in local_references(&index) {
        if !files.contains(&url) && dist.join(&url).is_file() {
            files.push(url);
        }
    }
    // index.html may preload the loader too (a release build does): fetched once, counted once.
    if let Some(loader) = split_loader(dist, &files)
        && !files.contains(&loader)
    {
        files.push(loader);
    }
    Ok(files)
}

/// The wasm files the release build fetches the first time a split point of module `split` (the
/// first argument of `wasm_split` in src/split.rs, e.g. `fieldwork` or `office`) is called: the
/// module and the shared chunks it needs, relative to `dist`. Empty for a build that is not split.
pub fn split_module_files(dist: &Path, split: &str) -> Result<Vec<String>, HarnessError> {
    let Some(loader) = split_loader(dist, &first_load_files(dist)?) else {
        return Ok(Vec::new());
    };
    let dir = loader.rsplit_once('/').map_or(String::new(), |(d, _)| format!("{d}/"));
    let source = read_text(&dist.join(&loader))?;
    Ok(split_chunks(&source, split).into_iter().map(|chunk| format!("{dir}{chunk}")).collect())
}

/// The chunk loader beside the first JS module of `files` that has one.
fn split_loader(dist: &Path, files: &[String]) -> Option<String> {
    files
        .iter()
        .filter(|f| f.ends_with(".js"))
        .map(|f| match f.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{SPLIT_LOADER}"),
            None => SPLIT_LOADER.to_owned(),
        })
        .find(|loader| dist.join(loader).is_file())
}

/// Local URLs in `href=`, `src=` and `content=` attributes, without a leading `/` or `./`.
fn local_references(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in ["href=", "src=", "content="] {
        for (start, _) in html.match_indices(attr) {
            if !html[..start].chars().next_back().is_some_and(char::is_whitespace) {
                continue;
            }
            let rest = &html[start + attr.len()..];
            let url = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().unwrap_or(""),
                _ => rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
            };
            let local = url.starts_with('/') || url.starts_with("./");
            let path = url.trim_start_matches("./").trim_start_matches('/');
            let path = path.split(['?', '#']).next().unwrap_or("");
            if local && !path.is_empty() && !urls.iter().any(|u| u == path) {
                urls.push(path.to_owned());
            }
        }
    }
    urls
}

/// The files the loader fetches for split point `split`: its own module and its shared chunks.
/// The loader (minified by the release build, so spacing and declarations vary) defines
/// `__wasm_split_load_<split>_<hash> = wrapAsyncCb(makeLoad(() => { ...
/// fetch(new URL("./split_<split>_<hash>.wasm" ...)) ... }, [__chunk_11, ...]))` and each
/// `__chunk_N = makeLoad(() => { ... fetch(new URL("./chunk_N.wasm" ...`.
fn split_chunks(loader: &str, split: &str) -> Vec<String> {
    const LOAD: &str = "__wasm_split_load_";
    // The export is named after the split point, with a numeric suffix when Leptos' `#[lazy]`
    // made it: `sync` must not match `sync_loop_…`.
    let named = |name: &str| {
        name == split
            || name
                .strip_prefix(split)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let Some(body) = loader.match_indices(LOAD).find_map(|(i, _)| {
        let name = identifier(&loader[i + LOAD.len()..]);
        let value = defined_as(loader, i, LOAD.len() + name.len())?;
        named(name).then_some(value)
    }) else {
        return Vec::new();
    };
    // Its module is the first file it fetches; its chunks are the list that ends it.
    let body = body.split_once(']').map_or(body, |(b, _)| b);
    let mut files = Vec::new();
    files.extend(fetched_file(body));
    if let Some(deps) = body.rsplit_once('[').map(|(_, d)| d) {
        for dep in deps.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !dep.starts_with("__chunk_") {
                continue;
            }
            let chunk = loader.match_indices(dep).find_map(|(at, _)| {
                defined_as(loader, at, dep.len()).filter(|_| identifier(&loader[at..]) == dep)
            });
            files.extend(chunk.and_then(fetched_file));
        }
    }
    files
}

/// The identifier at the start of `code`.
fn identifier(code: &str) -> &str {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("")
}

/// What follows `=` when the identifier at `at` (of `len` bytes) is being defined there (not
/// used, not compared): the identifier starts a word and `=` follows it.
fn defined_as(code: &str, at: usize, len: usize) -> Option<&str> {
    let starts_word =
        !code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
    let rest = code[at + len..].trim_start().strip_prefix('=')?;
    (starts_word && !rest.starts_with('=')).then_some(rest)
}

/// The first `new URL("./<file>"` in `code`.
fn fetched_file(code: &str) -> Option<String> {
    let at = code.find("new URL(\"./")? + "new URL(\"./".len();
    code[at..].split('"').next().map(str::to_owned)
}

fn read_text(path: &Path) -> Result<String, HarnessError> {
    std::fs::read_to_string(path).map_err(HarnessError::io(format!("read {}", path.display())))
}

const CODE_EXTENSIONS: &[&str] = &["html", "js", "css", "wasm"];

/// Measures the code of the first load ([`first_load_files`] that are HTML, JS, CSS or wasm),
/// compressed the way the server can send them (gzip level 9, brotli quality 11).
pub fn first_load_report(dist: &Path) -> Result<FirstLoadReport, HarnessError> {
    measure(dist, &first_load_files(dist)?)
}

/// Measures the code among `files` (relative to `dist`).
pub fn measure(dist: &Path, files: &[String]) -> Result<FirstLoadReport, HarnessError> {
    let mut sized = Vec::new();
    for name in files {
        let code = name.rsplit('.').next().is_some_and(|ext| CODE_EXTENSIONS.contains(&ext));
        if !code {
            continue;
        }
        let path = dist.join(name);
        let bytes =
            std::fs::read(&path).map_err(HarnessError::io(format!("read {}", path.display())))?;
        sized.push(SizedFile {
            name: name.clone(),
            raw: bytes.len(),
            gzip: gzip_len(&bytes)?,
            brotli: brotli_len(&bytes)?,
        });
    }
    Ok(FirstLoadReport { files: sized })
}

fn gzip_len(bytes: &[u8]) -> Result<usize, HarnessError> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(HarnessError::io("gzip"))?;
    Ok(encoder.finish().map_err(HarnessError::io("gzip"))?.len())
}

fn brotli_len(bytes: &[u8]) -> Result<usize, HarnessError> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(HarnessError::io("brotli"))?;
    Ok(out.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"import { initSync } from "./field.js";
const __chunk_3 = makeLoad(() => {
    const src = fetch(new URL("./chunk_3.wasm", import.meta.url));
}, []);
const __chunk_4 = makeLoad(() => {
    const src = fetch(new URL("./chunk_4.wasm", import.meta.url));
}, []);
export const __wasm_split_load_campaign_77 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_campaign_77.wasm", import.meta.url));
}
, [__chunk_3, __chunk_4]));
export const __wasm_split_load_sync = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_sync.wasm", import.meta.url));
}
, [__chunk_3]));
export const __wasm_split_load_sync_loop_12 = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_sync_loop_12.wasm", import.meta.url));
}
, [__chunk_4]));
"#;

    /// The same loader as the release build ships it: minified by terser (declarations joined,
    /// no spaces).
    const MINIFIED: &str = r#"import{initSync}from"./field.js";const __chunk_3=makeLoad(()=>{const src=fetch(new URL("./chunk_3.wasm",import.meta.url));return src},[]),__chunk_4=makeLoad(()=>{const src=fetch(new URL("./chunk_4.wasm",import.meta.url));return src},[]);export const __wasm_split_load_campaign_77=wrapAsyncCb(makeLoad(()=>{const src=fetch(new URL("./split_campaign_77.wasm",import.meta.url))},[__chunk_3,__chunk_4])),__wasm_split_load_sync=wrapAsyncCb(makeLoad(()=>{const src=fetch(new URL("./split_sync.wasm",import.meta.url))},[__chunk_3])),__wasm_split_load_sync_loop_12=wrapAsyncCb(makeLoad(()=>{const src=fetch(new URL("./split_sync_loop_12.wasm",import.meta.url))},[__chunk_4]));"#;

    #[test]
    fn a_split_points_files_are_read_from_the_plain_and_the_minified_loader() {
        for loader in [LOADER, MINIFIED] {
            assert_eq!(
                split_chunks(loader, "sync_loop"),
                ["split_sync_loop_12.wasm", "chunk_4.wasm"]
            );
            assert_eq!(
                split_chunks(loader, "campaign"),
                ["split_campaign_77.wasm", "chunk_3.wasm", "chunk_4.wasm"]
            );
            assert_eq!(split_chunks(loader, "sync"), ["split_sync.wasm", "chunk_3.wasm"]);
            assert!(split_chunks(loader, "nothing").is_empty());
            assert!(split_chunks(loader, "sync_loop_1").is_empty());
        }
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn first_load_is_the_page_and_its_main_module_and_chunks_come_per_split_point() {
        let dir = tempfile::tempdir().unwrap();
        let text = "四争一树 ".repeat(2000);
        write(
            dir.path(),
            "index.html",
            "<link href=/main-1.css rel=stylesheet><link rel=icon href=/icons/i.png>\
             <meta name=field-js content=/app-9/field.js><meta name=\"field-wasm\" \
             content=\"/app-9/field_bg.wasm\"><script type=module src=/boot.js></script>\
             <a href=\"https://example.com/x.js\">",
        );
        for name in ["main-1.css", "boot.js", "app-9/field.js", "app-9/field_bg.wasm"] {
            write(dir.path(), name, &text);
        }
        write(dir.path(), "icons/i.png", "png");
        write(dir.path(), "app-9/__wasm_split.js", LOADER);
        for name in [
            "chunk_3.wasm",
            "chunk_4.wasm",
            "split_campaign_77.wasm",
            "split_sync.wasm",
            "split_sync_loop_12.wasm",
        ] {
            write(dir.path(), &format!("app-9/{name}"), &text);
        }

        let files = first_load_files(dir.path()).unwrap();
        assert_eq!(
            files,
            [
                "index.html",
                "main-1.css",
                "icons/i.png",
                "boot.js",
                "app-9/field.js",
                "app-9/field_bg.wasm",
                "app-9/__wasm_split.js",
            ]
        );
        assert_eq!(
            split_module_files(dir.path(), "sync_loop").unwrap(),
            ["app-9/split_sync_loop_12.wasm", "app-9/chunk_4.wasm"]
        );
        assert_eq!(
            split_module_files(dir.path(), "campaign").unwrap(),
            ["app-9/split_campaign_77.wasm", "app-9/chunk_3.wasm", "app-9/chunk_4.wasm"]
        );
        assert_eq!(
            split_module_files(dir.path(), "sync").unwrap(),
            ["app-9/split_sync.wasm", "app-9/chunk_3.wasm"]
        );
        assert!(split_module_files(dir.path(), "nothing").unwrap().is_empty());

        let report = first_load_report(dir.path()).unwrap();
        assert_eq!(report.files.len(), 6, "the icon is not code");
        assert!(report.total_brotli() < report.total_gzip());
        assert!(report.total_gzip() < report.total_raw() / 10);
    }

    #[test]
    fn a_chunk_loader_the_page_preloads_is_counted_once() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "index.html",
            "<meta name=field-js content=/app-9/field.js>\
             <link rel=modulepreload href=/app-9/field.js>\
             <link rel=modulepreload href=/app-9/__wasm_split.js>",
        );
        write(dir.path(), "app-9/field.js", "x");
        write(dir.path(), "app-9/__wasm_split.js", LOADER);
        assert_eq!(
            first_load_files(dir.path()).unwrap(),
            ["index.html", "app-9/field.js", "app-9/__wasm_split.js"]
        );
    }

    #[test]
    fn an_unsplit_build_has_no_chunks() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "index.html", r#"<script type="module" src="/field-1.js"></script>"#);
        write(dir.path(), "field-1.js", "x");
        assert_eq!(first_load_files(dir.path()).unwrap(), ["index.html", "field-1.js"]);
        assert!(split_module_files(dir.path(), "campaign").unwrap().is_empty());
    }
}
