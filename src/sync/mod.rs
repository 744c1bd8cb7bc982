//! Sync with the office server, and the export file for places without one.
//!
//! * [`engine`]: one run — push the outbox in batches, pull pages after the stored cursor,
//!   upload photos in resumable chunks (generic over [`transport::Transport`]).
//! * [`scheduler`]: [`SyncEngine`], the app's handle: status signal, `online` event, periodic
//!   runs with exponential backoff and jitter, one run at a time.
//! * [`connection`]: 离线 / 有网络但连不上办公室 / 已连接办公室, from probing the server.
//! * [`live`]: live updates — a request the server holds until there is news, then a sync.
//! * [`mirror`]: the outbox's second copy outside IndexedDB (the Origin Private File System).
//! * [`session`]: sign-in; the device token lives in the store's `meta`.
//! * [`rejected`]: operations the server refused, kept aside with its reason.
//! * [`transfer`]: export to / import from one file (`shared::export`).
//! * [`http`], [`transport`]: `fetch` and the `/api/v1` calls; [`plan`]: pure decisions;
//!   [`error`]: what went wrong, in Chinese.

pub mod connection;
pub mod engine;
pub mod error;
pub mod http;
pub mod live;
pub mod mirror;
pub mod plan;
pub mod rejected;
pub mod scheduler;
pub mod session;
pub mod transfer;
pub mod transport;

pub use connection::Connection;
pub use engine::{SyncReport, run_once};
pub use error::{HttpError, LoginError, SyncError};
pub use plan::{Phase, RejectedOp, SyncStatus};
pub use scheduler::{SyncEngine, use_sync};
pub use session::Credentials;
