//! What every handler shares.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use shared::hlc::{Hlc, HlcClock};

use crate::attachments::AttachmentStore;
use crate::limits::{AttemptLimiter, HashLimiter, Limits, PhotoQuota};
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
    /// Photo bytes each account may upload a day.
    pub photo_quota: Arc<PhotoQuota>,
    clock: Arc<Mutex<HlcClock>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Arc<crate::proxy::TrustedProxies>,
    /// The oldest sync protocol served (`shared::sync::MIN_PROTOCOL_VERSION` unless raised).
    min_protocol: Arc<AtomicU32>,
    /// What the tablets waiting for news wait on (`GET /api/v1/sync/wait`).
    pub changes: Arc<crate::live::Changes>,
    /// The live-update waits being held, bounded ([`crate::live::WaitSlots`]).
    pub waits: Arc<crate::live::WaitSlots>,
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
        attachments.set_min_free(limits.min_free_bytes);
        Self {
            attachments: Arc::new(attachments),
            dist,
            hashing: Arc::new(HashLimiter::new(limits.hash_concurrency, limits.hash_queue)),
            attempts: Arc::new(AttemptLimiter::with_shared(&limits, store.shared_attempts())),
            photo_quota: Arc::new(PhotoQuota::new(limits.photo_mb_per_day)),
            store,
            clock: Arc::new(Mutex::new(HlcClock::new(node_id()))),
            trusted_proxies: Arc::default(),
            min_protocol: Arc::new(AtomicU32::new(shared::sync::MIN_PROTOCOL_VERSION)),
            changes: Arc::default(),
            waits: Arc::new(wait_slots(&limits)),
            limits: Arc::new(limits),
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
        self.attempts =
            Arc::new(AttemptLimiter::with_shared(&limits, self.store.shared_attempts()));
        self.waits = Arc::new(wait_slots(&limits));
        self.attachments.set_min_free(limits.min_free_bytes);
        self.photo_quota = Arc::new(PhotoQuota::new(limits.photo_mb_per_day));
        self.limits = Arc::new(limits);
    }

    /// Believe `X-Forwarded-For` from these proxies (`--trusted-proxy`).
    pub fn set_trusted_proxies(&mut self, proxies: crate::proxy::TrustedProxies) {
        self.trusted_proxies = Arc::new(proxies);
    }

    /// This process's clock node (`server-` and 16 random hex digits, new at every start).
    pub fn clock_node(&self) -> String {
        self.clock.lock().unwrap_or_else(|p| p.into_inner()).device.clone()
    }

    /// Move the server's clock past every stored operation's clock (at start: a restarted
    /// process, or another process of the deployment, never hands out a timestamp below one
    /// already stored, even one stamped ahead of this machine's wall clock).
    pub async fn seed_clock(&self) -> Result<(), crate::store::StoreError> {
        if let Some(highest) = self.store.max_hlc().await? {
            let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
            // Within the `clock_ahead` bound, as a push moves it: a stamp stored beyond it (a
            // process whose own date was wrong) would have the server stamp what the policy
            // then refuses (a roster's changes).
            if shared::policy::within_bound(highest.millis, now_ms) {
                let mut clock = self.clock.lock().unwrap_or_else(|p| p.into_inner());
                clock.observe(&highest, now_ms);
            }
        }
        Ok(())
    }

    /// Operations were stored other than by a push (an imported file, their clocks `stored`):
    /// move the clock past them as a push does (within the `clock_ahead` bound, whatever the
    /// policy says), so what the server stamps next (a roster update) comes after them, and
    /// wake the tablets waiting for news.
    pub fn imported(&self, stored: &[Hlc]) {
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        self.tick_clock(stored.iter().filter(|h| shared::policy::within_bound(h.millis, now_ms)));
        self.changes.poke();
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

fn wait_slots(limits: &Limits) -> crate::live::WaitSlots {
    crate::live::WaitSlots::new(limits.waits_per_device, limits.waits_per_account, limits.max_waits)
}

/// A clock node id unique to this process start: two processes of a deployment (or one
/// restarted) never stamp the same timestamp.
fn node_id() -> String {
    format!("server-{:016x}", rand::random::<u64>())
}
