//! The whole system: the real server binary, the release app in dist/ and headless Chromium.
//!
//! One test binary with a module per flow (each used to be its own binary linking everything
//! again). Run one flow at a time (`-- --test-threads=1`): each starts its own server and
//! Chromium, and two at once on a 2-core machine make the timings of both unreliable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

mod accessibility;
mod app_shell;
mod branches;
mod browser_kills;
mod campaign_flow;
mod campaign_years;
mod counts_agree;
mod county;
mod delivery;
mod disk_full;
mod export_import;
mod file_round_trip;
mod languages;
mod large_text;
mod lazy_chunks;
mod live_updates;
mod network_faults;
mod office_first_day;
mod offline;
mod previous_device;
mod print;
mod routes;
mod screen_sizes;
mod server_restore;
mod size_budget;
mod survey;
mod sync_two_tablets;
mod typed_over;
mod update;
