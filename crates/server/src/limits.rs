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

/// The server's bounds on unauthenticated work; [`Limits::default`] is what `server serve`
/// uses.
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
    /// How long a client may take to send a request's headers (and a TLS handshake). hyper
    /// starts it when it waits for a request, so it also closes keep-alive connections idle
    /// that long.
    pub header_read_timeout: Duration,
    /// A partial photo upload untouched this long is removed (its uploader starts again).
    pub partial_upload_ttl: Duration,
}

impl Default for Limits {
    /// Failed sign-ins per account: 10 at once, then one per 6 s; over an hour no more than 60
    /// (then one per minute). Attempts per address (a whole office behind one NAT address signs
    /// in from it): 60 at once, then 2 per second; 600 per hour.
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

/// Sign-in attempts per address and failed sign-ins per account (`governor`).
///
/// Per address every attempt counts, before any work. Per account only *failed* attempts count
/// (a tablet signing in again and again with the right password is never held up): when a
/// failure is over the account's quotas, the account is held until governor's wait has passed,
/// and every attempt on it meanwhile (even with the right password) is answered `429` before any
/// hashing.
pub struct AttemptLimiter {
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

fn too_many(wait: Duration) -> AppError {
    AppError::TooManyAttempts { retry_after_secs: wait.as_secs().max(1) }
}

impl AttemptLimiter {
    pub fn new(limits: &Limits) -> Self {
        let [a0, a1] = limits.per_account;
        let [b0, b1] = limits.per_address;
        Self {
            failures: [RateLimiter::keyed(a0.quota()), RateLimiter::keyed(a1.quota())],
            per_address: [RateLimiter::keyed(b0.quota()), RateLimiter::keyed(b1.quota())],
            held: Default::default(),
            clock: DefaultClock::default(),
        }
    }

    /// Before a password is checked: count the attempt for `address`, and refuse (`429` with
    /// the wait) when the address is over its quotas or `username` is held.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), AppError> {
        let mut wait = Duration::ZERO;
        if let Some(ip) = address {
            for limiter in &self.per_address {
                if let Err(not_until) = limiter.check_key(&ip) {
                    wait = wait.max(not_until.wait_time_from(self.clock.now()));
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
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        match held.get(&key) {
            Some(until) if *until > std::time::Instant::now() => {
                Err(too_many(*until - std::time::Instant::now()))
            }
            _ => Ok(()),
        }
    }

    /// After a wrong password for `username`: count the failure; `Err(429)` when it is over
    /// the account's quotas (the account is then held for governor's wait).
    pub fn failed(&self, username: &str) -> Result<(), AppError> {
        let key = account_key(username);
        let mut wait = Duration::ZERO;
        for limiter in &self.failures {
            if let Err(not_until) = limiter.check_key(&key) {
                wait = wait.max(not_until.wait_time_from(self.clock.now()));
            }
        }
        if wait.is_zero() {
            return Ok(());
        }
        tracing::warn!(username = %key, wait_s = wait.as_secs(), "failed sign-ins: account held");
        let until = std::time::Instant::now() + wait;
        self.held.lock().unwrap_or_else(|p| p.into_inner()).insert(key, until);
        Err(too_many(wait))
    }

    /// Forget keys whose quotas are full again and holds that ended (memory stays bounded by
    /// recent attempts).
    pub fn sweep(&self) {
        for limiter in &self.failures {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in &self.per_address {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        let now = std::time::Instant::now();
        self.held.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusals_with_a_wait() {
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
            assert!(limiter.attempt("zhang", Some(ip)).is_ok());
        }
        for _ in 0..3 {
            assert!(limiter.attempt("zhang", Some(ip)).is_ok());
            assert!(limiter.failed("zhang").is_ok());
        }
        assert!(limiter.attempt("zhang", Some(ip)).is_ok());
        assert!(matches!(limiter.failed("zhang"), Err(AppError::TooManyAttempts { .. })));
        match limiter.attempt("ZHANG", Some(ip)) {
            Err(AppError::TooManyAttempts { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        assert!(limiter.attempt("li", Some(ip)).is_ok(), "another account is not held up");
    }
}
