//! A minimal W3C WebDriver client for chromedriver (new session, navigate, execute scripts) plus
//! chromedriver's Chrome DevTools Protocol passthrough (`POST /session/{id}/goog/cdp/execute`).

use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::error::BenchError;

/// Chromium flags for a headless run as root on a small machine.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
];

/// A running chromedriver.
pub struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

/// One browser (a fresh profile) driven through a WebDriver session.
pub struct Browser {
    http: reqwest::Client,
    session: String,
}

pub fn free_port() -> Result<u16, BenchError> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| BenchError::Io("free port".into(), e))?;
    Ok(listener.local_addr().map_err(|e| BenchError::Io("free port".into(), e))?.port())
}

impl Driver {
    pub async fn start(chromedriver: &Path) -> Result<Driver, BenchError> {
        let port = free_port()?;
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| BenchError::Io(format!("start {}", chromedriver.display()), e))?;
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        for _ in 0..100 {
            if let Ok(r) = driver.http.get(format!("{}/status", driver.base)).send().await
                && r.status().is_success()
            {
                return Ok(driver);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(BenchError::Browser("chromedriver did not answer within 10 s".into()))
    }

    /// A new browser with a fresh profile.
    pub async fn browser(&self, chromium: &Path) -> Result<Browser, BenchError> {
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium, "args": CHROMIUM_ARGS },
                "timeouts": { "script": 900_000, "pageLoad": 120_000 },
            }}
        });
        let value = send(self.http.post(format!("{}/session", self.base)).json(&caps)).await?;
        let session = value["sessionId"]
            .as_str()
            .ok_or_else(|| BenchError::Browser(format!("no session id in {value}")))?
            .to_owned();
        Ok(Browser { http: self.http.clone(), session: format!("{}/session/{session}", self.base) })
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

impl Browser {
    pub async fn goto(&self, url: &str) -> Result<(), BenchError> {
        send(self.http.post(format!("{}/url", self.session)).json(&json!({ "url": url }))).await?;
        Ok(())
    }

    /// Run `script` (a function body; `arguments` holds `args`) and return its value.
    pub async fn execute(&self, script: &str, args: Value) -> Result<Value, BenchError> {
        let body = json!({ "script": script, "args": args });
        send(self.http.post(format!("{}/execute/sync", self.session)).json(&body)).await
    }

    /// Run an async `script`: it calls `arguments[arguments.length - 1](value)` when done.
    pub async fn execute_async(&self, script: &str, args: Value) -> Result<Value, BenchError> {
        let body = json!({ "script": script, "args": args });
        send(self.http.post(format!("{}/execute/async", self.session)).json(&body)).await
    }

    /// A Chrome DevTools Protocol command on the current page.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, BenchError> {
        let body = json!({ "cmd": cmd, "params": params });
        send(self.http.post(format!("{}/goog/cdp/execute", self.session)).json(&body)).await
    }

    /// Poll `predicate` (a script returning a value; `null` means not yet) until it answers.
    pub async fn wait_for(&self, predicate: &str, timeout: Duration) -> Result<Value, BenchError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last_error = String::new();
        loop {
            // While a page is navigating, scripts may fail: that is "not yet".
            match self.execute(predicate, json!([])).await {
                Ok(value) if !value.is_null() => return Ok(value),
                Ok(_) => {}
                Err(e) => last_error = e.to_string(),
            }
            if tokio::time::Instant::now() > deadline {
                return Err(BenchError::Browser(format!(
                    "timed out after {timeout:?} waiting for: {predicate} {last_error}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn quit(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, BenchError> {
    let response =
        request.send().await.map_err(|e| BenchError::Browser(format!("chromedriver: {e}")))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|e| BenchError::Browser(format!("chromedriver answer: {e}")))?;
    if !status.is_success() {
        let message = body["value"]["message"].as_str().unwrap_or("unknown error");
        return Err(BenchError::Browser(format!("chromedriver {status}: {message}")));
    }
    Ok(body["value"].clone())
}
