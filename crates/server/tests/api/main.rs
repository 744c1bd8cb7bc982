//! The office server over real HTTP and a real SQLite file in a temporary data directory.
//!
//! One test binary with a module per API area: every module used to be its own binary, each
//! linking all of axum, SQLite and reqwest again (time and disk that a CI machine ran out of).

mod common;

mod attachments;
mod auth;
mod crash;
mod exports;
mod import;
mod openapi_routes;
mod policy;
mod restart;
mod static_files;
mod sync;
