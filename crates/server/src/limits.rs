//! Work a client can cause before it is signed in, bounded:
//!
//! - [`HashLimiter`]: password hashing (Argon2id, 19 MiB and tens of milliseconds each) runs on
//!   [`Limits::hash_concurrency`] threads of its own; at most [`Limits::hash_queue`] more wait,
//!   and any beyond that are answered `503 busy` at once instead of queueing memory and threads.
//! - [`AttemptLimiter`]: sign-in attempts (login and the `/import` form) per address, and failed
//!   sign-ins per account, with `governor`'s GCRA limiters: a burst, then one per interval; a
//!   second, slower quota makes a long guessing run wait longer (the backoff). A refused attempt
//!   is answered `429 too_many_attempts` with `Retry-After`, before any hashing.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;
use crate::store::StoreError;

/// A quota: `burst` attempts at once, then one per `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptQuota {
    pub burst: u32,
    pub per: Duration,
}

impl AttemptQuota {
    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.per.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// The server's bounds on unauthenticated work, on connections and on live-update waits;
/// [`Limits::default`] is what `server serve` uses (`--max-connections` sets
/// [`Limits::max_connections`]).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Password hashes computed at once (each takes 19 MiB and ~20-50 ms of a core; two keep a
    /// town's sign-ins flowing).
    pub hash_concurrency: usize,
    /// Password checks allowed to wait for a slot; more are answered `503`.
    pub hash_queue: usize,
    /// Failed sign-ins per account name (short and long quotas).
    pub per_account: [AttemptQuota; 2],
    /// Sign-in attempts per client address (short and long quotas).
    pub per_address: [AttemptQuota; 2],
    /// How long a client may take to send a request's headers. A new connection has this long
    /// from being accepted to finish its TLS handshake and send enough bytes to tell HTTP/1 from
    /// HTTP/2 (a client that connects and sends nothing is closed then); then hyper's HTTP/1
    /// timer bounds the headers themselves, and starts again whenever it waits for the next
    /// request, so it also closes keep-alive connections idle that long.
    pub header_read_timeout: Duration,
    /// A partial photo upload untouched this long is removed (its uploader starts again).
    pub partial_upload_ttl: Duration,
    /// Connections served at once. Each holds a file descriptor and buffers; beyond this the
    /// server accepts no more until one closes (they wait in the kernel's listen queue), so a
    /// flood of idle connections cannot take every descriptor and stop `accept` for the
    /// tablets and the office. `serve_with` lowers it below the process's open-file limit.
    pub max_connections: usize,
    /// A request body that delivers nothing for this long is cut (the request is answered
    /// `400 unreadable_body`; over HTTP/1 the connection then closes). About a stalled body, not
    /// a slow one: each piece that arrives starts the clock again, so a photo chunk crawling in
    /// over a weak link is never cut. Requests without a body (a long-poll wait) are not timed.
    pub body_stall_timeout: Duration,
    /// An answer the client stops reading is cut once the server's writes have made no progress
    /// for this long (the connection is closed): a client that asked for a large file (a photo,
    /// an export) and never read it kept its connection, one of [`Limits::max_connections`], for
    /// ever. About a stalled reader, not a slow one: each write that goes through starts the
    /// clock again. A connection waiting for the next request or a long-poll's answer writes
    /// nothing, so is not timed by this. It sees the socket only: over HTTP/2 a client that stops
    /// reading one stream withholds flow-control credit instead, and that stream is not timed.
    pub write_stall_timeout: Duration,
    /// HTTP/2: a connection silent this long is pinged, and closed if the ping is not answered
    /// within [`Limits::http2_keep_alive_timeout`] (HTTP/1's idle bound is the header timeout).
    pub http2_keep_alive_interval: Duration,
    /// HTTP/2: how long an answer to the keep-alive ping may take.
    pub http2_keep_alive_timeout: Duration,
    /// HTTP/2: requests open at once on one connection.
    pub http2_max_concurrent_streams: u32,
    /// Live-update waits (`GET /api/v1/sync/wait`) one device holds at once; a newer one
    /// takes the place of the oldest (a tablet that reconnected is never refused).
    pub waits_per_device: usize,
    /// Live-update waits one account holds at once (over all its devices); more are answered
    /// `503 busy` at once.
    pub waits_per_account: usize,
    /// Live-update waits the server holds at once; more are answered `503 busy` at once. Every
    /// wait of a town costs a one-operation pull when the town changes, so this bounds the
    /// reads one push can cause.
    pub max_waits: usize,
    /// Bytes a photo upload (or an export file's photos) must leave free on the data folder's
    /// disk: a photo that would go below is refused (`507 storage_full`) and stays on the
    /// tablet, so the database keeps room to take the records (`--min-free-mb`).
    pub min_free_bytes: u64,
    /// Megabytes of photos one account may upload a day (`--photo-mb-per-day`; 0: no bound):
    /// one account, or a stolen token, cannot take the whole photo folder from the others.
    pub photo_mb_per_day: u64,
}

/// [`Limits::photo_mb_per_day`] by default: 2 GiB, thousands of a surveyor's photos (the app
/// sends them as taken, a few hundred KB to a few MB each).
pub const DEFAULT_PHOTO_MB_PER_DAY: u64 = 2048;

/// [`Limits::min_free_bytes`] by default: 1 GiB, years of a town's records (a push of 2,000
/// operations takes a few MB) while photos wait for the office to make room.
pub const DEFAULT_MIN_FREE_MB: u64 = 1024;

/// [`Limits::max_connections`] unless the open-file limit is lower.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

impl Default for Limits {
    /// Failed sign-ins per account: 10 at once, then one per 6 s; over an hour no more than 60
    /// (then one per minute). Attempts per address (a whole office behind one NAT address signs
    /// in from it): 60 at once, then 2 per second; 600 per hour. Two live-update waits per
    /// device (two tabs of the app), 16 per account, 1,024 in all: a county's tablets, while
    /// one push causes at most 1,024 one-operation pulls.
    fn default() -> Self {
        Self {
            hash_concurrency: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(2, 4),
            hash_queue: 32,
            per_account: [
                AttemptQuota { burst: 10, per: Duration::from_secs(6) },
                AttemptQuota { burst: 60, per: Duration::from_secs(60) },
            ],
            per_address: [
                AttemptQuota { burst: 60, per: Duration::from_millis(500) },
                AttemptQuota { burst: 600, per: Duration::from_secs(6) },
            ],
            header_read_timeout: Duration::from_secs(20),
            partial_upload_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            body_stall_timeout: Duration::from_secs(60),
            write_stall_timeout: Duration::from_secs(60),
            http2_keep_alive_interval: Duration::from_secs(20),
            http2_keep_alive_timeout: Duration::from_secs(20),
            http2_max_concurrent_streams: 32,
            waits_per_device: 2,
            waits_per_account: 16,
            max_waits: 1024,
            min_free_bytes: DEFAULT_MIN_FREE_MB * 1024 * 1024,
            photo_mb_per_day: DEFAULT_PHOTO_MB_PER_DAY,
        }
    }
}

/// At most N password hashes at once, at most M waiting.
///
/// The hashes run on N threads of their own, not on tokio's blocking pool: each Argon2 hash
/// takes 19 MiB, and the C allocator keeps freed blocks per thread arena, so hashes spread over
/// the many threads of the blocking pool left hundreds of MiB resident after a burst. N fixed
/// threads keep it to N blocks.
pub struct HashLimiter {
    jobs: std::sync::mpsc::SyncSender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl HashLimiter {
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let (jobs, receiver) = std::sync::mpsc::sync_channel::<Job>(queue);
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for i in 0..concurrency.max(1) {
            let receiver = receiver.clone();
            let spawned =
                std::thread::Builder::new().name(format!("password-hash-{i}")).spawn(move || {
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = match receiver.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the limiter was dropped
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-hash thread");
            }
        }
        Self { jobs }
    }

    /// Run `work` (a password hash or check) on a hashing thread; `503 busy` at once when the
    /// queue is full. Work already queued runs even if the caller goes away.
    pub async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, AppError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(std::sync::mpsc::TrySendError::Full(_)) => return Err(AppError::Busy),
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                return Err(AppError::internal("password-hash threads stopped"));
            }
        }
        result.await.map_err(|_| AppError::internal("password-hash thread failed"))
    }
}

/// Where the sign-in rate limits of a deployment with several server processes live (the
/// PostgreSQL store: `store::postgres::attempts`), so every process counts against the same
/// quotas. The same GCRA as `governor`'s: per key and quota a theoretical arrival time; a cell
/// is allowed while it stays within `burst × per` of now. Time is the database's clock, which
/// every process shares.
#[async_trait::async_trait]
pub trait SharedAttempts: Send + Sync {
    /// Take one cell of quota number `quota` for `key`: `None` when allowed (counted), else how
    /// long until a cell is free (nothing counted).
    async fn take(
        &self,
        key: &str,
        quota: i64,
        limit: AttemptQuota,
    ) -> Result<Option<Duration>, StoreError>;
    /// Hold `key` for `wait` (or longer, if it is held longer already).
    async fn hold(&self, key: &str, wait: Duration) -> Result<(), StoreError>;
    /// How much longer `key` is held, if it is.
    async fn held(&self, key: &str) -> Result<Option<Duration>, StoreError>;
    /// Forget quotas that are full again and holds that ended; how many rows went.
    async fn sweep(&self) -> Result<u64, StoreError>;
}

/// Photo bytes each account may upload a day ([`Limits::photo_mb_per_day`]), counted in KiB by
/// `governor`'s GCRA: a day's quota at once, refilled evenly over the day. Counted in this
/// process (a county's processes each count their own, as SECURITY.md says of the other caps).
pub struct PhotoQuota {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    kib_per_day: u32,
    clock: DefaultClock,
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl PhotoQuota {
    pub fn new(mb_per_day: u64) -> Self {
        let kib_per_day = u32::try_from(mb_per_day.saturating_mul(1024)).unwrap_or(u32::MAX);
        let limiter = NonZeroU32::new(kib_per_day).map(|burst| {
            let per_kib = (DAY / burst.get()).max(Duration::from_nanos(1));
            let quota = Quota::with_period(per_kib)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(burst);
            RateLimiter::keyed(quota)
        });
        Self { limiter, kib_per_day, clock: DefaultClock::default() }
    }

    /// Count `bytes` of a photo against `username`'s day, or refuse them (`429 photo_quota`,
    /// with how long until they would fit).
    pub fn take(&self, username: &str, bytes: usize) -> Result<(), AppError> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        let kib = u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX);
        let Some(cells) = NonZeroU32::new(kib) else { return Ok(()) };
        let wait = match limiter.check_key_n(&account_key(username), cells) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(not_until)) => not_until.wait_time_from(self.clock.now()),
            // More than a whole day's quota at once.
            Err(_) => DAY,
        };
        Err(AppError::PhotoQuota {
            retry_after_secs: wait.as_secs().max(1),
            mb_per_day: u64::from(self.kib_per_day / 1024),
        })
    }
}

/// Sign-in attempts per address and failed sign-ins per account.
///
/// Per address every attempt counts, before any work. Per account only *failed* attempts count
/// (a tablet signing in again and again with the right password is never held up): when a
/// failure is over the account's quotas, the account is held until the quota's wait has passed,
/// and every attempt on it meanwhile (even with the right password) is answered `429` before any
/// hashing.
///
/// One process (SQLite) counts in memory with `governor`; several processes on one PostgreSQL
/// count in the database ([`SharedAttempts`]), with the same quotas, the same algorithm and the
/// same answers, so N processes do not allow N times the rate.
pub struct AttemptLimiter {
    per_account: [AttemptQuota; 2],
    per_address: [AttemptQuota; 2],
    backend: Backend,
}

enum Backend {
    Memory(Box<MemoryAttempts>),
    Shared(Arc<dyn SharedAttempts>),
}

struct MemoryAttempts {
    failures: [DefaultKeyedRateLimiter<String>; 2],
    per_address: [DefaultKeyedRateLimiter<IpAddr>; 2],
    /// Accounts held after too many failures, until when.
    held: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
    clock: DefaultClock,
}

/// Longest account key kept (longer names are cut: they are not valid user names anyway).
const MAX_KEY_CHARS: usize = 64;

fn account_key(username: &str) -> String {
    crate::users::normalise_username(username)
        .chars()
        .take(MAX_KEY_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// The shared table's keys: an address's attempts and an account's failures (and hold) never
/// share a key.
fn address_row(ip: IpAddr) -> String {
    format!("address:{ip}")
}

fn account_row(key: &str) -> String {
    format!("account:{key}")
}

fn too_many(wait: Duration) -> AppError {
    AppError::TooManyAttempts { retry_after_secs: wait.as_secs().max(1) }
}

impl AttemptLimiter {
    /// Limits counted in this process (`governor`): a one-process install.
    pub fn new(limits: &Limits) -> Self {
        let [a0, a1] = limits.per_account;
        let [b0, b1] = limits.per_address;
        Self {
            per_account: limits.per_account,
            per_address: limits.per_address,
            backend: Backend::Memory(Box::new(MemoryAttempts {
                failures: [RateLimiter::keyed(a0.quota()), RateLimiter::keyed(a1.quota())],
                per_address: [RateLimiter::keyed(b0.quota()), RateLimiter::keyed(b1.quota())],
                held: Default::default(),
                clock: DefaultClock::default(),
            })),
        }
    }

    /// Limits counted in `shared` (the database every process of the deployment uses), or in
    /// this process when there is none.
    pub fn with_shared(limits: &Limits, shared: Option<Arc<dyn SharedAttempts>>) -> Self {
        match shared {
            Some(shared) => Self {
                per_account: limits.per_account,
                per_address: limits.per_address,
                backend: Backend::Shared(shared),
            },
            None => Self::new(limits),
        }
    }

    /// Whether the counts are shared by every process of the deployment.
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Shared(_))
    }

    /// Before a password is checked: count the attempt for `address`, and refuse (`429` with
    /// the wait) when the address is over its quotas or `username` is held.
    pub async fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), AppError> {
        let mut wait = Duration::ZERO;
        if let Some(ip) = address {
            match &self.backend {
                Backend::Memory(m) => {
                    for limiter in &m.per_address {
                        if let Err(not_until) = limiter.check_key(&ip) {
                            wait = wait.max(not_until.wait_time_from(m.clock.now()));
                        }
                    }
                }
                Backend::Shared(shared) => {
                    let key = address_row(ip);
                    for (i, quota) in (0i64..).zip(self.per_address) {
                        if let Some(w) = shared.take(&key, i, quota).await? {
                            wait = wait.max(w);
                        }
                    }
                }
            }
        }
        if !wait.is_zero() {
            tracing::warn!(
                ?address,
                wait_s = wait.as_secs(),
                "sign-in attempts from an address limited"
            );
            return Err(too_many(wait));
        }
        let key = account_key(username);
        let held = match &self.backend {
            Backend::Memory(m) => {
                let held = m.held.lock().unwrap_or_else(|p| p.into_inner());
                let now = std::time::Instant::now();
                held.get(&key).filter(|until| **until > now).map(|until| *until - now)
            }
            Backend::Shared(shared) => shared.held(&account_row(&key)).await?,
        };
        match held {
            Some(wait) => Err(too_many(wait)),
            None => Ok(()),
        }
    }

    /// After a wrong password for `username`: count the failure; `Err(429)` when it is over
    /// the account's quotas (the account is then held for the quota's wait).
    pub async fn failed(&self, username: &str) -> Result<(), AppError> {
        let key = account_key(username);
        let mut wait = Duration::ZERO;
        match &self.backend {
            Backend::Memory(m) => {
                for limiter in &m.failures {
                    if let Err(not_until) = limiter.check_key(&key) {
                        wait = wait.max(not_until.wait_time_from(m.clock.now()));
                    }
                }
            }
            Backend::Shared(shared) => {
                let row = account_row(&key);
                for (i, quota) in (0i64..).zip(self.per_account) {
                    if let Some(w) = shared.take(&row, i, quota).await? {
                        wait = wait.max(w);
                    }
                }
            }
        }
        if wait.is_zero() {
            return Ok(());
        }
        tracing::warn!(username = %key, wait_s = wait.as_secs(), "failed sign-ins: account held");
        match &self.backend {
            Backend::Memory(m) => {
                let until = std::time::Instant::now() + wait;
                m.held.lock().unwrap_or_else(|p| p.into_inner()).insert(key, until);
            }
            Backend::Shared(shared) => shared.hold(&account_row(&key), wait).await?,
        }
        Err(too_many(wait))
    }

    /// Forget keys whose quotas are full again and holds that ended (memory, or the shared
    /// table, stays bounded by recent attempts).
    pub async fn sweep(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Memory(m) => {
                for limiter in &m.failures {
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                }
                for limiter in &m.per_address {
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                }
                let now = std::time::Instant::now();
                m.held.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, until| *until > now);
            }
            Backend::Shared(shared) => {
                shared.sweep().await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_then_refusals_with_a_wait() {
        let limits = Limits {
            per_account: [
                AttemptQuota { burst: 3, per: Duration::from_secs(60) },
                AttemptQuota { burst: 100, per: Duration::from_secs(60) },
            ],
            ..Limits::default()
        };
        let limiter = AttemptLimiter::new(&limits);
        let ip: IpAddr = "10.0.0.7".parse().unwrap();
        // Successful sign-ins never count against the account.
        for _ in 0..20 {
            assert!(limiter.attempt("zhang", Some(ip)).await.is_ok());
        }
        for _ in 0..3 {
            assert!(limiter.attempt("zhang", Some(ip)).await.is_ok());
            assert!(limiter.failed("zhang").await.is_ok());
        }
        assert!(limiter.attempt("zhang", Some(ip)).await.is_ok());
        assert!(matches!(limiter.failed("zhang").await, Err(AppError::TooManyAttempts { .. })));
        match limiter.attempt("ZHANG", Some(ip)).await {
            Err(AppError::TooManyAttempts { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(limiter.attempt("li", Some(ip)).await.is_ok(), "another account is not held up");
    }

    #[test]
    fn a_days_photos_are_counted_per_account_and_zero_bounds_nothing() {
        let quota = PhotoQuota::new(1);
        assert!(quota.take("zhang", 1_000_000).is_ok());
        match quota.take("Zhang", 100_000) {
            Err(AppError::PhotoQuota { retry_after_secs, mb_per_day: 1 }) => {
                // 977 of 1,024 KiB taken, 98 more asked: the 51 KiB over refill in 51/1,024 of
                // a day (4,303 s).
                assert!((4_250..=4_350).contains(&retry_after_secs), "{retry_after_secs}");
            }
            other => panic!("the same account, however written: {other:?}"),
        }
        assert!(quota.take("li", 1_000_000).is_ok(), "another account's day is its own");
        match quota.take("wang", 2_000_000) {
            Err(AppError::PhotoQuota { retry_after_secs, .. }) => {
                assert_eq!(retry_after_secs, 86_400)
            }
            other => panic!("more than a day at once: {other:?}"),
        }
        let unbounded = PhotoQuota::new(0);
        assert!((0..100).all(|_| unbounded.take("zhang", 16 << 20).is_ok()));
    }
}
