//! A child process that is killed when dropped, with its output kept in a log file.
//!
//! Each child leads its own process group, so killing it also ends what it started
//! (chromedriver's Chromium and its helpers), even when a test panicked mid-session.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::HarnessError;
use crate::net::http_status;

pub(crate) struct ChildProcess {
    child: Option<Child>,
    log: PathBuf,
}

impl ChildProcess {
    /// Starts `command` with stdout and stderr going to `log`.
    pub(crate) fn spawn(mut command: Command, log: &Path) -> Result<Self, HarnessError> {
        let program = command.get_program().to_string_lossy().into_owned();
        let out =
            File::create(log).map_err(HarnessError::io(format!("create {}", log.display())))?;
        let err = out.try_clone().map_err(HarnessError::io(format!("open {}", log.display())))?;
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|source| HarnessError::Spawn { program, source })?;
        Ok(Self { child: Some(child), log: log.to_owned() })
    }

    /// Waits until `GET path` on `port` answers 200, failing early if the process exits.
    pub(crate) async fn wait_ready(
        &mut self,
        what: &'static str,
        port: u16,
        path: &str,
        limit: Duration,
    ) -> Result<(), HarnessError> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if http_status(port, path).await == Some(200) {
                return Ok(());
            }
            let exited = self.child.as_mut().and_then(|child| child.try_wait().ok().flatten());
            if let Some(status) = exited {
                return Err(HarnessError::NotReady {
                    what,
                    seconds: start.elapsed().as_secs(),
                    log: format!("(exited with {status})\n{}", self.log_text()),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(HarnessError::NotReady { what, seconds: limit.as_secs(), log: self.log_text() })
    }

    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|error| format!("(no log: {error})"))
    }

    /// Kills the process (if still running) and reaps it.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // The group id is the child's pid (process_group(0)); "-PID" names the whole group.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
