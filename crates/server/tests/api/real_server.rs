//! The real `server` binary as a child process, for the tests that measure it from outside
//! (its resident memory in /proc/<pid>/status).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct RealServer {
    // Kept for the life of the server (removed on drop).
    pub child: Child,
    pub base: String,
    pub port: u16,
    pub _data: TempDir,
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Run a `server` subcommand to completion (account set-up before serving).
pub fn admin(data: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl RealServer {
    /// A data directory with `users` (name, role) whose password is `password`, served by the
    /// real binary on a free port; returns once `/healthz` answers.
    pub async fn start(users: &[(&str, &str)], password: &str) -> Self {
        let data = tempfile::tempdir().unwrap();
        for (name, role) in users {
            let display = format!("{name} 的姓名");
            let mut args = vec![
                "add-user",
                "--username",
                name,
                "--password",
                password,
                "--role",
                role,
                "--display-name",
                &display,
            ];
            if matches!(*role, "surveyor" | "branch_secretary") {
                args.extend(["--branches", "b1"]);
            }
            admin(data.path(), &args);
        }
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string(), "--data-dir"])
            .arg(data.path())
            .arg("--dist")
            .arg(data.path().join("no-dist"))
            .spawn()
            .expect("server starts");
        let server =
            RealServer { child, base: format!("http://127.0.0.1:{port}"), port, _data: data };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(res) = client.get(format!("{}/healthz", server.base)).send().await
                && res.status().is_success()
            {
                return server;
            }
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A field of /proc/<pid>/status in KiB (`VmRSS`: resident now, `VmHWM`: peak resident).
    pub fn kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field).and_then(|r| r.strip_prefix(':')))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }
}
