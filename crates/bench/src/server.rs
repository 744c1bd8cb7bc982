//! The office server as a child process (e2e's [`ServerProcess`]): an admin account, the server
//! on a free loopback port, a device token, and a clean stop (what makes the app offline for the
//! cold-start runs).

use std::path::Path;
use std::process::Stdio;

use e2e::ServerProcess;
use serde_json::json;
use tokio::process::Command;
use uuid::Uuid;

use crate::error::BenchError;

pub const USERNAME: &str = "bench";
pub const PASSWORD: &str = "bench-password-2025";

pub struct Server {
    process: ServerProcess,
    pub origin: String,
}

impl Server {
    /// Create the admin in a fresh `data_dir`, start serving `dist`, wait until it answers. The
    /// server's output goes to `<data_dir>.log`.
    pub async fn start(binary: &Path, data_dir: &Path, dist: &Path) -> Result<Server, BenchError> {
        if data_dir.exists() {
            std::fs::remove_dir_all(data_dir)
                .map_err(|e| BenchError::Io(format!("clear {}", data_dir.display()), e))?;
        }
        std::fs::create_dir_all(data_dir)
            .map_err(|e| BenchError::Io(format!("create {}", data_dir.display()), e))?;
        let status = Command::new(binary)
            .arg("create-admin")
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--username", USERNAME, "--password", PASSWORD])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map_err(|e| BenchError::Io(format!("run {} create-admin", binary.display()), e))?;
        if !status.success() {
            return Err(BenchError::Server(format!("create-admin exited with {status}")));
        }
        let port = e2e::free_port().map_err(|e| BenchError::Io("free port".into(), e))?;
        let log = data_dir.with_extension("log");
        let process = ServerProcess::start(binary, &[], port, data_dir, dist, &log).await?;
        Ok(Server { origin: process.base_url(), process })
    }

    /// Log in as the benchmark admin from a new device; returns the device token.
    pub async fn login(&self) -> Result<String, BenchError> {
        let body = json!({
            "username": USERNAME, "password": PASSWORD,
            "device_id": Uuid::new_v4(), "device_name": "benchmark",
        });
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", self.origin))
            .json(&body)
            .send()
            .await
            .map_err(|e| BenchError::Server(format!("login: {e}")))?;
        let status = response.status();
        let value: serde_json::Value =
            response.json().await.map_err(|e| BenchError::Server(format!("login answer: {e}")))?;
        match value["token"].as_str() {
            Some(token) if status.is_success() => Ok(token.to_owned()),
            _ => Err(BenchError::Server(format!("login answered {status}: {value}"))),
        }
    }

    /// Stop the process (the port then refuses connections).
    pub fn stop(self) {
        self.process.stop();
    }
}
