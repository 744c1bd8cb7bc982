//! The real `server` binary as a child process, for the tests that measure it from outside
//! (its resident memory in /proc/<pid>/status).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Data;

pub struct RealServer {
    // Kept for the life of the server (removed on drop).
    pub child: Child,
    pub base: String,
    pub port: u16,
    pub _data: Data,
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Run a `server` subcommand to completion (account set-up before serving).
pub fn admin(data: &Data, args: &[&str]) {
    let out = data.cli(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `server serve` on `data` and `port`, quiet, not waited for.
pub fn serve(data: &Data, port: u16) -> Command {
    let mut cmd = data.cli(&["serve", "--bind", "127.0.0.1", "--port", &port.to_string()]);
    cmd.env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .arg("--dist")
        .arg(data.dir.path().join("no-dist"));
    cmd
}

/// Wait until `/healthz` at `base` answers.
pub async fn wait_healthy(base: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await
            && res.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sign in to the server at `base` as `username` on `device`; returns the token.
pub async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
    device: uuid::Uuid,
) -> String {
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": password,
                                  "device_id": device, "device_name": format!("{username} 的平板")}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "login of {username} answered {}", res.status());
    res.json::<shared::sync::LoginResponse>().await.unwrap().token
}

impl RealServer {
    /// A data directory with `users` (name, role) whose password is `password`, served by the
    /// real binary on a free port; returns once `/healthz` answers.
    pub async fn start(users: &[(&str, &str)], password: &str) -> Self {
        let data = Data::fresh().await;
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
            admin(&data, &args);
        }
        let port = free_port();
        let child = serve(&data, port).spawn().expect("server starts");
        let server =
            RealServer { child, base: format!("http://127.0.0.1:{port}"), port, _data: data };
        wait_healthy(&server.base).await;
        server
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
