//! End-to-end harness of 四争一树 Field.
//!
//! It builds nothing itself: `scripts/test.sh` builds the release `dist/` (Trunk) and the
//! `server` binary first. A [`Harness`] then starts that server on a free loopback port with a
//! temporary data directory and a private copy of the built app, starts chromedriver on another
//! free port, and opens headless Chromium sessions on a fresh profile directory. Every process
//! it started is killed when the harness is dropped.
//!
//! The same pieces serve the benchmark runner (`crates/bench`), which starts them on its own:
//! [`Chromedriver`] opens a [`Browser`] as [`BrowserOptions`] say, [`ServerProcess`] runs the
//! server binary, [`free_port`] picks its port.
//!
//! Locations (each overridable by environment):
//! * `FIELD_DIST`: the built app (default `<workspace>/dist`);
//! * `FIELD_SERVER_BIN`: the server binary (default: the newest of `<target>/{debug,release}/server`);
//! * `CHROMEDRIVER` (default `/usr/bin/chromedriver`), `CHROME_BIN` (default `/usr/bin/chromium`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the end-to-end test harness: only tests run it, where a failed unwrap is a \
              failing test"
)]

mod api;
mod browser;
mod error;
mod fixtures;
mod harness;
mod net;
mod paths;
mod process;
mod services;
mod size;
pub mod trial;
mod ui;

pub use api::Api;
pub use browser::{Browser, BrowserOptions, DEFAULT_LANG, FIRST_LOAD_TIMEOUT};
pub use error::HarnessError;
pub use fault_proxy::{Fault, FaultPlan, FaultProxy};
pub use fixtures::{noisy_png, small_png};
pub use harness::Harness;
pub use net::free_port;
pub use paths::{artifacts_dir, dist_dir, server_binary};
pub use services::{Chromedriver, ServerProcess};
pub use size::{
    FirstLoadReport, SizedFile, first_load_files, first_load_report, measure, split_module_files,
};
pub use ui::{STEP_TIMEOUT, SYNC_TIMEOUT, testid};
