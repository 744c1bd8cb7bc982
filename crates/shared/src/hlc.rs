//! Hybrid logical clock: wall-clock milliseconds plus a counter plus the device id.
//!
//! Timestamps are totally ordered (millis, counter, device) and serialise to a fixed-width
//! string that sorts the same way, so IndexedDB and SQLite can index and compare them as text.
//!
//! The widths are fixed (16 digits of millis, 6 of counter) and so are bounded: a clock never
//! holds a counter above [`MAX_COUNTER`] (when it would, the clock moves on to the next
//! millisecond with counter 0) nor millis above [`MAX_MILLIS`]. Every timestamp a clock hands out
//! therefore prints in the fixed width and parses back, whatever clocks it observed.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest counter the 6-digit field holds.
pub const MAX_COUNTER: u32 = 999_999;
/// The largest millis the 16-digit field holds (about the year 318857).
pub const MAX_MILLIS: u64 = 9_999_999_999_999_999;

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
    /// A value built by hand beyond the widths (no clock makes one) is written at the bounds, so
    /// the text always parses.
    ///
    /// The digits are written by hand into one buffer: `write!` with padded integers took more
    /// than half of `serde_json::to_string` of a record in wasm (nine timestamps a person:
    /// docs/PERFORMANCE.md, session 35).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut head = [b'-'; 24];
        put_digits(&mut head[..16], self.millis.min(MAX_MILLIS));
        put_digits(&mut head[17..23], u64::from(self.counter.min(MAX_COUNTER)));
        f.write_str(std::str::from_utf8(&head).map_err(|_| fmt::Error)?)?;
        f.write_str(&self.device)
    }
}

/// `n` in decimal, right-aligned in `out` with leading zeros (`n` fits: the callers bound it).
fn put_digits(out: &mut [u8], mut n: u64) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
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

    /// A new timestamp for a local event at wall-clock time `now_ms`. A counter at
    /// [`MAX_COUNTER`] carries into the next millisecond instead of growing a seventh digit.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        self.normalise();
        let now_ms = now_ms.min(MAX_MILLIS);
        if now_ms > self.millis {
            self.millis = now_ms;
            self.counter = 0;
        } else if self.counter >= MAX_COUNTER {
            if self.millis < MAX_MILLIS {
                self.millis += 1;
                self.counter = 0;
            }
            // At MAX_MILLIS and MAX_COUNTER the clock is exhausted (year 318857): it stays.
        } else {
            self.counter += 1;
        }
        Hlc::new(self.millis, self.counter, self.device.clone())
    }

    /// Fold in a timestamp received from elsewhere. Values beyond the widths are taken at the
    /// bounds, so the clock itself never leaves them.
    pub fn observe(&mut self, remote: &Hlc, now_ms: u64) {
        self.normalise();
        let remote_millis = remote.millis.min(MAX_MILLIS);
        let remote_counter = remote.counter.min(MAX_COUNTER);
        let max = now_ms.min(MAX_MILLIS).max(self.millis).max(remote_millis);
        if max == self.millis && max == remote_millis {
            self.counter = self.counter.max(remote_counter);
        } else if max == remote_millis {
            self.counter = remote_counter;
        } else if max != self.millis {
            self.counter = 0;
        }
        self.millis = max;
    }

    /// Bring a clock read from storage (fields are public) within the widths.
    fn normalise(&mut self) {
        self.millis = self.millis.min(MAX_MILLIS);
        self.counter = self.counter.min(MAX_COUNTER);
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
        let mut by_ord = [d.clone(), b.clone(), c.clone(), a.clone()];
        crate::order::sort(&mut by_ord);
        let mut by_text: Vec<String> = [&d, &b, &c, &a].iter().map(|h| h.to_string()).collect();
        crate::order::sort(&mut by_text);
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
    fn a_full_counter_carries_into_the_next_millisecond() {
        let mut clock = HlcClock::new("server");
        let now = 1_700_000_000_000;
        clock.observe(&Hlc::new(now + 5, MAX_COUNTER, "x"), now);
        let next = clock.tick(now);
        assert_eq!((next.millis, next.counter), (now + 6, 0));
        assert_eq!(next.to_string().parse::<Hlc>().unwrap(), next);
        // A hand-made value beyond the widths still prints in them.
        let wide = Hlc::new(u64::MAX, u32::MAX, "d");
        assert_eq!(wide.to_string(), "9999999999999999-999999-d");
        assert!(wide.to_string().parse::<Hlc>().is_ok());
        assert!("0000000000000001-1000000-d".parse::<Hlc>().is_err());
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

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any clock a peer may send: millis and counter over their whole types (a tampered peer),
    /// or near the bounds.
    fn any_hlc() -> impl Strategy<Value = Hlc> {
        let millis = prop_oneof![any::<u64>(), 0..=MAX_MILLIS, (MAX_MILLIS - 10)..=MAX_MILLIS];
        let counter = prop_oneof![any::<u32>(), 0..=MAX_COUNTER, (MAX_COUNTER - 3)..=MAX_COUNTER];
        (millis, counter, "[a-z0-9-]{0,12}").prop_map(|(m, c, d)| Hlc::new(m, c, d))
    }

    #[derive(Clone, Debug)]
    enum Step {
        Tick(u64),
        Observe(Hlc, u64),
    }

    fn any_step() -> impl Strategy<Value = Step> {
        let now = prop_oneof![any::<u64>(), 1_600_000_000_000u64..1_800_000_000_000];
        prop_oneof![
            now.clone().prop_map(Step::Tick),
            (any_hlc(), now).prop_map(|(h, n)| Step::Observe(h, n)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Whatever a clock observes and whenever it ticks: every stamp is later than the last
        /// one (until the 16-digit millis are exhausted) and later than everything observed,
        /// and prints in the fixed width and parses back to itself.
        #[test]
        fn ticks_are_monotonic_and_always_encodable(steps in prop::collection::vec(any_step(), 1..40)) {
            let mut clock = HlcClock::new("dev");
            let mut last: Option<Hlc> = None;
            let mut seen: Option<Hlc> = None;
            for step in steps {
                match step {
                    Step::Observe(remote, now) => {
                        clock.observe(&remote, now);
                        let bounded = Hlc::new(
                            remote.millis.min(MAX_MILLIS),
                            remote.counter.min(MAX_COUNTER),
                            "",
                        );
                        seen = Some(seen.map_or(bounded.clone(), |s| s.max(bounded)));
                    }
                    Step::Tick(now) => {
                        let stamp = clock.tick(now);
                        let text = stamp.to_string();
                        prop_assert_eq!(text.len(), 16 + 1 + 6 + 1 + 3);
                        prop_assert_eq!(&text.parse::<Hlc>().unwrap(), &stamp);
                        prop_assert!(stamp.counter <= MAX_COUNTER && stamp.millis <= MAX_MILLIS);
                        let exhausted = stamp.millis == MAX_MILLIS && stamp.counter == MAX_COUNTER;
                        if let Some(prev) = &last {
                            prop_assert!(&stamp > prev || exhausted, "{} after {}", stamp, prev);
                        }
                        if let Some(s) = &seen {
                            let after = (stamp.millis, stamp.counter) > (s.millis, s.counter);
                            prop_assert!(after || exhausted, "{} not after observed {:?}", stamp, s);
                        }
                        last = Some(stamp);
                    }
                }
            }
        }

        /// Any timestamp, even one built beyond the widths, prints as text that parses.
        #[test]
        fn every_timestamp_prints_parseable(h in any_hlc()) {
            let text = h.to_string();
            let back: Hlc = text.parse().unwrap();
            prop_assert_eq!(back.millis, h.millis.min(MAX_MILLIS));
            prop_assert_eq!(back.counter, h.counter.min(MAX_COUNTER));
        }

        /// The digits written by hand are the stored text `write!` wrote before session 35 (the
        /// text every stored record and operation holds, and the order indexes sort by).
        #[test]
        fn the_text_is_the_padded_form_it_always_was(h in any_hlc()) {
            let (millis, counter) = (h.millis.min(MAX_MILLIS), h.counter.min(MAX_COUNTER));
            prop_assert_eq!(h.to_string(), format!("{millis:016}-{counter:06}-{}", h.device));
            prop_assert_eq!(
                serde_json::to_string(&h).unwrap(),
                serde_json::to_string(&format!("{millis:016}-{counter:06}-{}", h.device)).unwrap()
            );
        }
    }
}
