//! What the fault trials share (docs/RELIABILITY.md): their counts from the environment,
//! replayable randomness, and the cases of the order trial ([`order`]), which run in-process
//! (`crates/shared/tests/properties/order.rs`), against the real server over HTTP
//! (`crates/server/tests/api/order.rs`) and against the tablet's store in IndexedDB
//! (`tests/order.rs`, wasm).

pub mod order;

/// The number in environment variable `name` (a trial's count or seed), else `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// A seed for a trial that was given none: from the clock, printed by the trial so a failed
/// run can be replayed with `FIELD_TRIAL_SEED`. Native only (wasm has no `SystemTime`; a wasm
/// trial takes `js_sys::Date::now()`).
pub fn fresh_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// xorshift64*: a trial's random choices, replayable from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
