//! The running system under test: server + chromedriver + a browser profile.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::browser::{Browser, BrowserOptions};
use crate::net::free_port;
use crate::services::{Chromedriver, ServerProcess};
use crate::{HarnessError, paths};

/// One test's world: its own server, data, copy of the app, chromedriver and browser profile.
/// Dropping it kills every process it started and removes its temporary directories.
pub struct Harness {
    // Field order is drop order: processes end before their directories go.
    server: Option<ServerProcess>,
    driver: Chromedriver,
    server_bin: PathBuf,
    server_port: u16,
    dist: PathBuf,
    data: PathBuf,
    profile: PathBuf,
    logs: PathBuf,
    _temp: TempDir,
}

impl Harness {
    /// Starts the server (on a copy of the built app, so a test may change files) and chromedriver.
    pub async fn start() -> Result<Self, HarnessError> {
        let built = paths::dist_dir()?;
        let server_bin = paths::server_binary()?;

        let temp = tempfile::Builder::new()
            .prefix("field-e2e-")
            .tempdir()
            .map_err(HarnessError::io("create a temporary directory"))?;
        let root = temp.path().to_owned();
        let (dist, data, profile, logs) =
            (root.join("dist"), root.join("data"), root.join("profile"), root.join("logs"));
        for dir in [&data, &profile, &logs] {
            std::fs::create_dir_all(dir)
                .map_err(HarnessError::io(format!("create {}", dir.display())))?;
        }
        copy_dir(&built, &dist)?;

        let driver =
            Chromedriver::start(&paths::chromedriver(), &logs.join("chromedriver.log")).await?;

        let server_port = free_port().map_err(HarnessError::io("find a free port"))?;
        let mut harness = Self {
            server: None,
            driver,
            server_bin,
            server_port,
            dist,
            data,
            profile,
            logs,
            _temp: temp,
        };
        harness.start_server().await?;
        Ok(harness)
    }

    /// (Re)starts the server on the same port, data and app copy.
    pub async fn start_server(&mut self) -> Result<(), HarnessError> {
        self.start_server_with(&[]).await
    }

    /// [`Harness::start_server`] with more `serve` options (e.g. `--min-protocol 3`).
    pub async fn start_server_with(&mut self, args: &[&str]) -> Result<(), HarnessError> {
        self.stop_server();
        let log = self.logs.join("server.log");
        let server = ServerProcess::start(
            &self.server_bin,
            args,
            self.server_port,
            &self.data,
            &self.dist,
            &log,
        )
        .await?;
        self.server = Some(server);
        Ok(())
    }

    /// Kills the server: from now on the browser has no network to the app.
    pub fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }

    /// The server's port (to put a fault proxy in front of it).
    pub fn server_port(&self) -> u16 {
        self.server_port
    }

    /// `http://127.0.0.1:<port>` of the app.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.server_port)
    }

    /// `base_url` + `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// This harness's copy of the built app (tests may change it to simulate a new release).
    pub fn dist(&self) -> &Path {
        &self.dist
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// Runs the server binary with `args` (e.g. `add-user …`) on this harness's data directory.
    pub fn server_command(&self, args: &[&str]) -> Result<String, HarnessError> {
        let output = Command::new(&self.server_bin)
            .args(args)
            .arg("--data-dir")
            .arg(&self.data)
            .output()
            .map_err(|source| HarnessError::Spawn {
                program: self.server_bin.display().to_string(),
                source,
            })?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if output.status.success() {
            Ok(text)
        } else {
            Err(HarnessError::Page { what: format!("server {}", args.join(" ")), value: text })
        }
    }

    /// Makes an account with the server's CLI: `role` (`surveyor`, `town_office`, …) over
    /// `branches` (comma-separated; empty for none).
    pub fn add_account(
        &self,
        username: &str,
        password: &str,
        role: &str,
        branches: &str,
        display_name: &str,
    ) -> Result<String, HarnessError> {
        let mut args = vec![
            "add-user",
            "--username",
            username,
            "--password",
            password,
            "--role",
            role,
            "--display-name",
            display_name,
        ];
        if !branches.is_empty() {
            args.extend(["--branches", branches]);
        }
        self.server_command(&args)
    }

    /// What the office exports of `what` (`people`, `surveys`, …) as CSV, through the server's
    /// CLI on the live data directory.
    pub fn office_csv(&self, what: &str) -> Result<String, HarnessError> {
        let out = self.data.join(format!("{what}-export.csv"));
        let path = out.to_string_lossy().into_owned();
        self.server_command(&["export", "--what", what, "--format", "csv", "--out", &path])?;
        std::fs::read_to_string(&out).map_err(HarnessError::io(format!("read {path}")))
    }

    /// Opens headless Chromium on this harness's profile directory. The profile outlives the
    /// session, so closing the browser and opening it again is a tablet reopening the app.
    pub async fn open_browser(&self) -> Result<Browser, HarnessError> {
        self.driver
            .open(&BrowserOptions { profile: Some(self.profile.clone()), ..Default::default() })
            .await
    }

    /// Opens headless Chromium on another named profile of this harness: another device (or
    /// another person's browser) with its own storage, kept between sessions like the default.
    pub async fn open_browser_in(&self, profile: &str) -> Result<Browser, HarnessError> {
        let dir = self.profile.with_file_name(format!("profile-{profile}"));
        std::fs::create_dir_all(&dir)
            .map_err(HarnessError::io(format!("create {}", dir.display())))?;
        self.driver.open(&BrowserOptions { profile: Some(dir), ..Default::default() }).await
    }

    /// Opens headless Chromium on a new profile of this harness whose browser language is `lang`
    /// (`zh-TW`, `en-US`): a first run on a tablet set up in that language.
    pub async fn open_browser_with_lang(&self, lang: &str) -> Result<Browser, HarnessError> {
        let dir = self.profile.with_file_name(format!("profile-lang-{lang}"));
        std::fs::create_dir_all(&dir)
            .map_err(HarnessError::io(format!("create {}", dir.display())))?;
        let options = BrowserOptions {
            profile: Some(dir),
            lang: Some(lang.to_owned()),
            ..Default::default()
        };
        self.driver.open(&options).await
    }

    /// The default browser profile's directory (Chromium's own files: IndexedDB, caches).
    pub fn profile_dir(&self) -> &Path {
        &self.profile
    }

    /// SIGKILLs every Chromium process of the default profile, as when a tablet's battery dies or
    /// the system kills the browser: no `pagehide`, no unload, nothing flushed. The WebDriver
    /// session of that browser is dead afterwards; open a new one with [`Harness::open_browser`].
    /// Returns how many processes were killed.
    pub fn kill_browser(&self) -> Result<usize, HarnessError> {
        let flag = format!("--user-data-dir={}", self.profile.display());
        let mut killed = 0;
        let procs = std::fs::read_dir("/proc").map_err(HarnessError::io("read /proc"))?;
        for entry in procs.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
            let ours = cmdline.split(|b| *b == 0).any(|arg| arg == flag.as_bytes());
            if ours
                && std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status()
                    .is_ok_and(|s| s.success())
            {
                killed += 1;
            }
        }
        // Wait until none of them is left, so a new browser does not meet the old one's lock.
        for _ in 0..100 {
            let left = std::fs::read_dir("/proc")
                .map_err(HarnessError::io("read /proc"))?
                .flatten()
                .any(|e| {
                    e.file_name().to_str().is_some_and(|n| n.parse::<i32>().is_ok())
                        && std::fs::read(e.path().join("cmdline"))
                            .is_ok_and(|c| c.split(|b| *b == 0).any(|arg| arg == flag.as_bytes()))
                });
            if !left {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Ok(killed)
    }

    /// Opens Chromium again on this harness's profile after [`Harness::kill_browser`] (a few
    /// tries: the killed browser's profile lock can take a moment to clear).
    pub async fn reopen_browser(&self) -> Result<Browser, HarnessError> {
        let mut last = None;
        for _ in 0..5 {
            match self.open_browser().await {
                Ok(browser) => return Ok(browser),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        Err(last
            .unwrap_or(HarnessError::Page { what: "reopen Chromium".into(), value: String::new() }))
    }

    /// The server's log so far (for failure messages).
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.logs.join("server.log")).unwrap_or_default()
    }

    /// Stops chromedriver explicitly (it also stops on drop).
    pub fn shutdown(mut self) {
        self.stop_server();
        self.driver.kill();
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), HarnessError> {
    std::fs::create_dir_all(to).map_err(HarnessError::io(format!("create {}", to.display())))?;
    let entries =
        std::fs::read_dir(from).map_err(HarnessError::io(format!("read {}", from.display())))?;
    for entry in entries {
        let entry = entry.map_err(HarnessError::io(format!("read {}", from.display())))?;
        let target = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(HarnessError::io(format!("stat {}", entry.path().display())))?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(HarnessError::io(format!("copy {}", entry.path().display())))?;
        }
    }
    Ok(())
}
