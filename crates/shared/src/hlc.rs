//! Hybrid logical clock: wall-clock milliseconds plus a counter plus the device id.
//!
//! Timestamps are totally ordered (millis, counter, device) and serialise to a fixed-width
//! string that sorts the same way, so IndexedDB and SQLite can index and compare them as text.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in hybrid logical time. Ordering is (millis, counter, device).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
    pub device: String,
}

impl Hlc {
    pub fn new(millis: u64, counter: u32, device: impl Into<String>) -> Self {
        Self { millis, counter, device: device.into() }
    }

    /// The smallest timestamp; never produced by a clock.
    pub fn zero() -> Self {
        Self::new(0, 0, "")
    }
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.millis, self.counter, &self.device).cmp(&(other.millis, other.counter, &other.device))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Hlc {
    /// `0001700000000000-000000-<device>`: 16 digits of millis, 6 of counter; sorts like `Ord`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}-{:06}-{}", self.millis, self.counter, self.device)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a hybrid logical clock timestamp: {0:?}")]
pub struct HlcParseError(pub String);

impl FromStr for Hlc {
    type Err = HlcParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || HlcParseError(s.to_owned());
        let mut parts = s.splitn(3, '-');
        let millis = parts.next().filter(|p| p.len() == 16).ok_or_else(err)?;
        let counter = parts.next().filter(|p| p.len() == 6).ok_or_else(err)?;
        let device = parts.next().ok_or_else(err)?;
        Ok(Hlc {
            millis: millis.parse().map_err(|_| err())?,
            counter: counter.parse().map_err(|_| err())?,
            device: device.to_owned(),
        })
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A device's clock. `tick` stamps a local event; `observe` folds in a remote timestamp so the
/// next local stamp is later than everything this device has seen, even if its wall clock is
/// behind (tablets' clocks are often wrong).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcClock {
    pub device: String,
    pub millis: u64,
    pub counter: u32,
}

impl HlcClock {
    pub fn new(device: impl Into<String>) -> Self {
        Self { device: device.into(), millis: 0, counter: 0 }
    }

    /// A new timestamp for a local event at wall-clock time `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        if now_ms > self.millis {
            self.millis = now_ms;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        Hlc::new(self.millis, self.counter, self.device.clone())
    }

    /// Fold in a timestamp received from elsewhere.
    pub fn observe(&mut self, remote: &Hlc, now_ms: u64) {
        let max = now_ms.max(self.millis).max(remote.millis);
        if max == self.millis && max == remote.millis {
            self.counter = self.counter.max(remote.counter);
        } else if max == remote.millis {
            self.counter = remote.counter;
        } else if max != self.millis {
            self.counter = 0;
        }
        self.millis = max;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_form_round_trips_and_sorts_like_ord() {
        let a = Hlc::new(5, 2, "dev-a");
        let b = Hlc::new(5, 10, "dev-a");
        let c = Hlc::new(40, 0, "dev-a");
        let d = Hlc::new(40, 0, "dev-b");
        for h in [&a, &b, &c, &d] {
            assert_eq!(&h.to_string().parse::<Hlc>().unwrap(), h);
        }
        let mut by_ord = vec![d.clone(), b.clone(), c.clone(), a.clone()];
        by_ord.sort();
        let mut by_text: Vec<String> = [&d, &b, &c, &a].iter().map(|h| h.to_string()).collect();
        by_text.sort();
        assert_eq!(by_ord.iter().map(ToString::to_string).collect::<Vec<_>>(), by_text);
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!("".parse::<Hlc>().is_err());
        assert!("12-3-x".parse::<Hlc>().is_err());
        assert!("000000000000000x-000000-d".parse::<Hlc>().is_err());
    }

    #[test]
    fn tick_is_monotonic_even_when_wall_clock_goes_back() {
        let mut clock = HlcClock::new("d");
        let t1 = clock.tick(1000);
        let t2 = clock.tick(1000);
        let t3 = clock.tick(900);
        let t4 = clock.tick(2000);
        assert!(t1 < t2 && t2 < t3 && t3 < t4);
        assert_eq!(t3.millis, 1000);
    }

    #[test]
    fn observe_moves_past_remote_time() {
        let mut clock = HlcClock::new("slow");
        clock.tick(100);
        let remote = Hlc::new(5000, 7, "fast");
        clock.observe(&remote, 200);
        let next = clock.tick(300);
        assert!(next > remote, "{next} must be after {remote}");
    }
}
