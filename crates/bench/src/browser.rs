//! The benchmark's browsers, through the e2e crate's driver: one chromedriver for the whole run,
//! each browser on a fresh temporary profile (nothing left from the one before), with WebDriver
//! timeouts long enough for a whole IndexedDB run.

use std::time::Duration;

use e2e::BrowserOptions;
pub use e2e::{Browser, Chromedriver};

use crate::config::Config;
use crate::error::BenchError;

/// One scenario on the bench page may take this long (10,000 people, three implementations).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(900);
const PAGE_LOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// Start `--chromedriver`, its output in the work directory.
pub async fn start(config: &Config) -> Result<Chromedriver, BenchError> {
    let log = config.work_dir.join("chromedriver.log");
    Ok(Chromedriver::start(&config.chromedriver, &log).await?)
}

/// A new `--chromium` with a fresh profile.
pub async fn open(config: &Config, driver: &Chromedriver) -> Result<Browser, BenchError> {
    let options = BrowserOptions {
        chromium: Some(config.chromium.clone()),
        profile: None,
        script_timeout: Some(SCRIPT_TIMEOUT),
        page_load_timeout: Some(PAGE_LOAD_TIMEOUT),
        lang: config.browser_lang.clone(),
    };
    Ok(driver.open(&options).await?)
}

/// End the session; chromedriver removes the profile.
pub async fn close(browser: Browser) {
    let _ = browser.close().await;
}
