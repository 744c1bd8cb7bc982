//! The office server as a child process: an admin account, the server on a free loopback port,
//! a device token, and a clean stop (what makes the app offline for the cold-start runs).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::process::{Child, Command};
use uuid::Uuid;

use crate::error::BenchError;
use crate::webdriver::free_port;

pub const USERNAME: &str = "bench";
const PASSWORD: &str = "bench-password-2025";

pub struct Server {
    child: Child,
    pub origin: String,
    pub data_dir: PathBuf,
}

impl Server {
    /// Create the admin in a fresh `data_dir`, start serving `dist`, wait until it answers.
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
        let port = free_port()?;
        let child = Command::new(binary)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--dist")
            .arg(dist)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| BenchError::Io(format!("start {}", binary.display()), e))?;
        let server = Server {
            child,
            origin: format!("http://127.0.0.1:{port}"),
            data_dir: data_dir.to_owned(),
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}/healthz", server.origin)).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(BenchError::Server(format!("no answer from {} within 10 s", server.origin)))
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
    pub async fn stop(mut self) -> PathBuf {
        let _ = self.child.kill().await;
        let _ = self.child.wait().await;
        self.data_dir
    }
}
