//! The two processes a browser test runs against, each killed (with what it started) when
//! dropped: chromedriver, which opens [`Browser`]s, and the office `server` binary. The
//! [`Harness`](crate::Harness) runs one of each; the benchmark runner (`crates/bench`) starts
//! them on its own.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::HarnessError;
use crate::browser::{Browser, BrowserOptions};
use crate::net::free_port;
use crate::process::ChildProcess;

const SERVER_START: Duration = Duration::from_secs(30);
const DRIVER_START: Duration = Duration::from_secs(30);

/// A running chromedriver on a free loopback port.
pub struct Chromedriver {
    process: ChildProcess,
    port: u16,
}

impl Chromedriver {
    /// Starts `binary` with its output in the file `log` and waits until it answers.
    pub async fn start(binary: &Path, log: &Path) -> Result<Self, HarnessError> {
        if !binary.is_file() {
            return Err(HarnessError::Missing {
                what: "chromedriver",
                path: binary.to_owned(),
                hint: "run scripts/setup.sh (apt-get install chromium-driver) or set CHROMEDRIVER",
            });
        }
        let port = free_port().map_err(HarnessError::io("find a free port"))?;
        let mut command = Command::new(binary);
        command.arg(format!("--port={port}"));
        let mut process = ChildProcess::spawn(command, log)?;
        process.wait_ready("chromedriver", port, "/status", DRIVER_START).await?;
        Ok(Self { process, port })
    }

    /// Opens headless Chromium as `options` say.
    pub async fn open(&self, options: &BrowserOptions) -> Result<Browser, HarnessError> {
        Browser::open(self.port, options).await
    }

    /// Kills chromedriver and every browser it started (also done on drop).
    pub fn stop(mut self) {
        self.kill();
    }

    pub(crate) fn kill(&mut self) {
        self.process.kill();
    }
}

/// The `server` binary serving the app build `dist` and the sync API from the data directory
/// `data` on 127.0.0.1:`port`.
pub struct ServerProcess {
    process: ChildProcess,
    port: u16,
}

impl ServerProcess {
    /// Starts `binary` (with `args`, more `serve` options, first) with its output in the file
    /// `log` and waits until `/healthz` answers.
    pub async fn start(
        binary: &Path,
        args: &[&str],
        port: u16,
        data: &Path,
        dist: &Path,
        log: &Path,
    ) -> Result<Self, HarnessError> {
        let mut command = Command::new(binary);
        command.args(args);
        command
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--data-dir")
            .arg(data)
            .arg("--dist")
            .arg(dist)
            .env("RUST_LOG", "warn");
        let mut process = ChildProcess::spawn(command, log)?;
        process.wait_ready("the server", port, "/healthz", SERVER_START).await?;
        Ok(Self { process, port })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the server (also done on drop): its port refuses connections from then on.
    pub fn stop(mut self) {
        self.process.kill();
    }
}
