//! A headless Chromium session driven through chromedriver.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::{HarnessError, paths};

/// How long the app may take to appear: a cold start compiles the wasm on a busy 2-core machine.
pub const FIRST_LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Flags Chromium needs here: root, no GPU, a closed network (no background traffic).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,900",
];

/// The browser's language when a session names none: a mainland tablet's.
pub const DEFAULT_LANG: &str = "zh-CN";

/// How to open a [`Browser`]; its command-line flags are the same for every session.
#[derive(Clone, Debug, Default)]
pub struct BrowserOptions {
    /// The Chromium binary; `None`: `CHROME_BIN`, else `/usr/bin/chromium`.
    pub chromium: Option<PathBuf>,
    /// The profile directory, kept after the session; `None`: a fresh temporary profile that
    /// chromedriver removes when the session ends.
    pub profile: Option<PathBuf>,
    /// WebDriver's script timeout, which bounds [`Browser::eval_async`]; `None`: chromedriver's
    /// default (30 s).
    pub script_timeout: Option<Duration>,
    /// WebDriver's page-load timeout; `None`: chromedriver's default (300 s).
    pub page_load_timeout: Option<Duration>,
    /// The browser's language (`navigator.languages`, Accept-Language); `None`: [`DEFAULT_LANG`].
    pub lang: Option<String>,
}

/// One browser session. Close it with [`Browser::close`]; its profile directory stays.
pub struct Browser {
    client: Client,
}

/// chromedriver's Chrome DevTools Protocol passthrough, `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct CdpCommand {
    body: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

impl Browser {
    pub(crate) async fn open(
        driver_port: u16,
        options: &BrowserOptions,
    ) -> Result<Self, HarnessError> {
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        let lang = options.lang.as_deref().unwrap_or(DEFAULT_LANG);
        args.push(format!("--lang={lang}"));
        args.push(format!("--accept-lang={lang}"));
        if let Some(profile) = &options.profile {
            args.push(format!("--user-data-dir={}", profile.display()));
        }
        let chromium = options.chromium.clone().unwrap_or_else(paths::chromium);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": args,
                "prefs": { "intl": { "accept_languages": lang } },
            }),
        );
        let mut timeouts = serde_json::Map::new();
        if let Some(limit) = options.script_timeout {
            timeouts.insert("script".into(), json!(limit.as_millis() as u64));
        }
        if let Some(limit) = options.page_load_timeout {
            timeouts.insert("pageLoad".into(), json!(limit.as_millis() as u64));
        }
        if !timeouts.is_empty() {
            capabilities.insert("timeouts".into(), Value::Object(timeouts));
        }
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await?;
        Ok(Self { client })
    }

    /// The underlying WebDriver client, for anything the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn goto(&self, url: &str) -> Result<(), HarnessError> {
        Ok(self.client.goto(url).await?)
    }

    pub async fn refresh(&self) -> Result<(), HarnessError> {
        Ok(self.client.refresh().await?)
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub async fn eval(&self, script: &str) -> Result<Value, HarnessError> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// Runs `script` (a function body that ends by calling `done(value)`, after any awaits or
    /// callbacks such as IndexedDB's) in the page and gives that value, instead of setting a
    /// global and polling it. WebDriver's script timeout bounds it.
    pub async fn eval_async(&self, script: &str) -> Result<Value, HarnessError> {
        let body = format!("const done = arguments[arguments.length - 1];\n{script}");
        Ok(self.client.execute_async(&body, Vec::new()).await?)
    }

    /// Sends the Chrome DevTools Protocol command `command` with `params` to the page (through
    /// chromedriver, e.g. `Emulation.setCPUThrottlingRate`, `Runtime.getHeapUsage`) and gives
    /// its result.
    pub async fn cdp(&self, command: &str, params: Value) -> Result<Value, HarnessError> {
        let body = json!({ "cmd": command, "params": params });
        Ok(self.client.issue_cmd(CdpCommand { body }).await?)
    }

    /// Shows the page as a screen of `width` × `height` CSS pixels at `scale` device pixels each
    /// (DevTools' device emulation); narrower than 600 px, as a phone or tablet's (touch,
    /// mobile viewport).
    pub async fn emulate_screen(
        &self,
        width: u32,
        height: u32,
        scale: f64,
    ) -> Result<(), HarnessError> {
        let metrics = json!({
            "width": width, "height": height, "deviceScaleFactor": scale, "mobile": width < 600,
        });
        self.cdp("Emulation.setDeviceMetricsOverride", metrics).await.map(drop)
    }

    /// Polls `condition` (a function body returning a boolean) until it is true.
    pub async fn wait_until(
        &self,
        what: &str,
        condition: &str,
        limit: Duration,
    ) -> Result<(), HarnessError> {
        let start = Instant::now();
        loop {
            // A page in the middle of a reload may fail a script: just try again.
            if let Ok(Value::Bool(true)) = self.client.execute(condition, Vec::new()).await {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err(HarnessError::Timeout {
                    what: what.to_owned(),
                    seconds: limit.as_secs(),
                    page: self.what_the_page_shows().await,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits for an element matching the CSS `selector`.
    pub async fn wait_for(&self, selector: &str, limit: Duration) -> Result<Element, HarnessError> {
        let found = self
            .client
            .wait()
            .at_most(limit)
            .every(Duration::from_millis(200))
            .for_element(Locator::Css(selector))
            .await;
        match found {
            Ok(element) => Ok(element),
            Err(fantoccini::error::CmdError::WaitTimeout) => Err(HarnessError::Timeout {
                what: format!("an element `{selector}`"),
                seconds: limit.as_secs(),
                page: self.what_the_page_shows().await,
            }),
            Err(other) => Err(HarnessError::WebDriver(other)),
        }
    }

    /// The page's address and the start of its visible text, for a wait that gave up: a failure
    /// seen once in CI then says what the app showed instead of only what was missing.
    pub async fn what_the_page_shows(&self) -> String {
        const SCRIPT: &str = "return location.href + '\\n' + \
            (document.body ? document.body.innerText : '(no body)').slice(0, 1500);";
        match self.client.execute(SCRIPT, Vec::new()).await {
            Ok(Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(error) => format!("(the page could not be read: {error})"),
        }
    }

    /// The element with `data-testid="<id>"`.
    pub async fn wait_for_testid(
        &self,
        id: &str,
        limit: Duration,
    ) -> Result<Element, HarnessError> {
        self.wait_for(&format!("[data-testid=\"{id}\"]"), limit).await
    }

    /// Whether some element matches the CSS `selector` right now.
    pub async fn exists(&self, selector: &str) -> Result<bool, HarnessError> {
        Ok(!self.client.find_all(Locator::Css(selector)).await?.is_empty())
    }

    /// Waits until a service worker controls the page (so it would open without the network).
    pub async fn wait_for_service_worker(&self, limit: Duration) -> Result<(), HarnessError> {
        self.wait_until(
            "a service worker to control the page",
            "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
            limit,
        )
        .await
    }

    /// The script URL of the worker that controls the page, if any.
    pub async fn controller_script(&self) -> Result<Option<String>, HarnessError> {
        let value = self
            .eval("const c = navigator.serviceWorker && navigator.serviceWorker.controller; return c ? c.scriptURL : null;")
            .await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Ends the session and Chromium with it (the profile directory is kept).
    pub async fn close(self) -> Result<(), HarnessError> {
        Ok(self.client.close().await?)
    }
}
