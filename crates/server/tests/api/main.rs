//! The office server over real HTTP and a real SQLite file in a temporary data directory.
//!
//! One test binary with a module per API area: every module used to be its own binary, each
//! linking all of axum, SQLite and reqwest again (time and disk that a CI machine ran out of).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

mod common;

mod accounts_and_transport;
mod attachments;
mod auth;
mod clock_bounds;
mod commendation;
mod crash;
mod cursor_concurrency;
mod disk_full;
mod exports;
mod file_bounds;
mod i18n;
mod import;
mod live;
mod migrate;
mod openapi_routes;
mod order;
mod photos;
mod policy;
mod pre_auth_limits;
mod protocol;
mod real_server;
mod restart;
mod restore;
mod retry_storm;
mod roster;
mod same_photo;
mod shared_state;
mod signin_codes;
mod static_files;
mod sync;
mod towns;
mod unsent_elsewhere;

/// A `multipart/form-data` body as the `/import` page's form sends it (fields first, then the
/// file, as browsers send them in form order).
pub fn import_form(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----fieldformboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.json\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
