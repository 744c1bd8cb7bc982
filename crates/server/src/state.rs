//! What every handler shares.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use shared::hlc::{Hlc, HlcClock};

use crate::attachments::AttachmentStore;
use crate::limits::{AttemptLimiter, HashLimiter, Limits};
use crate::store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub attachments: Arc<AttachmentStore>,
    /// The built app (Trunk's `dist/`).
    pub dist: PathBuf,
    /// Bounds on work before sign-in (see [`crate::limits`]).
    pub limits: Arc<Limits>,
    pub hashing: Arc<HashLimiter>,
    pub attempts: Arc<AttemptLimiter>,
    clock: Arc<Mutex<HlcClock>>,
    /// The oldest sync protocol served (`shared::sync::MIN_PROTOCOL_VERSION` unless raised).
    min_protocol: Arc<AtomicU32>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, attachments: AttachmentStore, dist: PathBuf) -> Self {
        Self::with_limits(store, attachments, dist, Limits::default())
    }

    pub fn with_limits(
        store: Arc<dyn Store>,
        attachments: AttachmentStore,
        dist: PathBuf,
        limits: Limits,
    ) -> Self {
        Self {
            store,
            attachments: Arc::new(attachments),
            dist,
            hashing: Arc::new(HashLimiter::new(limits.hash_concurrency, limits.hash_queue)),
            attempts: Arc::new(AttemptLimiter::new(&limits)),
            limits: Arc::new(limits),
            clock: Arc::new(Mutex::new(HlcClock::new("server"))),
            min_protocol: Arc::new(AtomicU32::new(shared::sync::MIN_PROTOCOL_VERSION)),
        }
    }

    /// The oldest sync protocol this server syncs with: older apps are answered
    /// `426 upgrade_required`.
    pub fn min_protocol(&self) -> u32 {
        self.min_protocol.load(Ordering::Relaxed)
    }

    /// Raise (or lower) the oldest protocol served, for every clone of this state (tests: a
    /// server upgraded under tablets that still run the old app).
    pub fn set_min_protocol(&self, version: u32) {
        self.min_protocol.store(version, Ordering::Relaxed);
    }

    /// The same state with other limits (tests and `serve` options).
    pub fn set_limits(&mut self, limits: Limits) {
        self.hashing = Arc::new(HashLimiter::new(limits.hash_concurrency, limits.hash_queue));
        self.attempts = Arc::new(AttemptLimiter::new(&limits));
        self.limits = Arc::new(limits);
    }

    /// Advance the server's hybrid logical clock past `seen` and read it.
    pub fn tick_clock<'a>(&self, seen: impl IntoIterator<Item = &'a Hlc>) -> Hlc {
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let mut clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
        for hlc in seen {
            clock.observe(hlc, now_ms);
        }
        clock.tick(now_ms)
    }
}
