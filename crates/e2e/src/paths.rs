//! Where the built app and the server binary are, and where tests leave files for a person to
//! look at.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::HarnessError;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `<target>/<name>`, made if missing: files a test leaves for a person to look at (PDFs it
/// printed, say), under `$CARGO_TARGET_DIR` when set, else the workspace's `target/`.
pub fn artifacts_dir(name: &str) -> Result<PathBuf, HarnessError> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    let dir = target.join(name);
    std::fs::create_dir_all(&dir).map_err(|source| HarnessError::Io {
        context: format!("create {}", dir.display()),
        source,
    })?;
    Ok(dir)
}

/// The release build of the app (`FIELD_DIST`, else `<workspace>/dist`), checked to hold an
/// `index.html` and the service worker.
pub fn dist_dir() -> Result<PathBuf, HarnessError> {
    let dist = std::env::var_os("FIELD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"));
    for file in ["index.html", "sw.js"] {
        if !dist.join(file).is_file() {
            return Err(HarnessError::Missing {
                what: "the built app",
                path: dist.join(file),
                hint: "run `trunk build --release` (scripts/test.sh does) or set FIELD_DIST",
            });
        }
    }
    Ok(dist)
}

/// The `server` binary: `FIELD_SERVER_BIN`, else the newest of the target dir's debug and
/// release builds.
pub fn server_binary() -> Result<PathBuf, HarnessError> {
    if let Some(path) = std::env::var_os("FIELD_SERVER_BIN").map(PathBuf::from) {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(HarnessError::Missing {
                what: "the server binary (FIELD_SERVER_BIN)",
                path,
                hint: "run `cargo build -p server`",
            })
        };
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    ["debug", "release"]
        .iter()
        .map(|profile| target.join(profile).join("server"))
        .filter_map(|path| {
            let modified = path.metadata().and_then(|m| m.modified()).ok()?;
            Some((modified, path))
        })
        .max_by_key(|(modified, _): &(SystemTime, PathBuf)| *modified)
        .map(|(_, path)| path)
        .ok_or(HarnessError::Missing {
            what: "the server binary",
            path: target.join("debug/server"),
            hint: "run `cargo build -p server` or set FIELD_SERVER_BIN",
        })
}

/// `CHROMEDRIVER`, else Debian's `/usr/bin/chromedriver`.
pub(crate) fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// `CHROME_BIN`, else Debian's `/usr/bin/chromium`.
pub(crate) fn chromium() -> PathBuf {
    std::env::var_os("CHROME_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}
