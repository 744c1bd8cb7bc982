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

const FIRST_LOAD_EXTENSIONS: &[&str] = &["html", "js", "css", "wasm"];

/// Measures every HTML, JS, CSS and wasm file at the root of `dist`, compressed the way the
/// server can send them (gzip level 9, brotli quality 11).
pub fn first_load_report(dist: &Path) -> Result<FirstLoadReport, HarnessError> {
    let entries =
        std::fs::read_dir(dist).map_err(HarnessError::io(format!("read {}", dist.display())))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(HarnessError::io(format!("read {}", dist.display())))?;
        let path = entry.path();
        let first_load = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| FIRST_LOAD_EXTENSIONS.contains(&ext));
        if !first_load || !path.is_file() {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(HarnessError::io(format!("read {}", path.display())))?;
        files.push(SizedFile {
            name: entry.file_name().to_string_lossy().into_owned(),
            raw: bytes.len(),
            gzip: gzip_len(&bytes),
            brotli: brotli_len(&bytes),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(FirstLoadReport { files })
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail").len()
}

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("writing to a Vec cannot fail");
    out.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_only_first_load_files_and_compresses_them() {
        let dir = tempfile::tempdir().unwrap();
        let text = "四争一树 ".repeat(2000);
        std::fs::write(dir.path().join("index.html"), &text).unwrap();
        std::fs::write(dir.path().join("app.js"), &text).unwrap();
        std::fs::write(dir.path().join("icon.png"), &text).unwrap();
        std::fs::create_dir(dir.path().join("icons")).unwrap();

        let report = first_load_report(dir.path()).unwrap();
        let names: Vec<_> = report.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["app.js", "index.html"]);
        assert_eq!(report.total_raw(), 2 * text.len());
        assert!(report.total_brotli() < report.total_gzip());
        assert!(report.total_gzip() < report.total_raw() / 10);
    }
}
