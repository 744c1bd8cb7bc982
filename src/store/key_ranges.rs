//! How a read of a whole store is split into key ranges requested at once.
//!
//! The browser answers the requests of a transaction one after another, and a tab turns each
//! answer into objects when it arrives. One request for 10,000 records makes the tab wait for
//! the browser to read them all, then the browser wait while the tab unpacks them; several
//! requested at once overlap the two: the browser reads the next range while the tab unpacks
//! the last and this module decodes it (docs/PERFORMANCE.md, session 42).
//!
//! The ranges are cut between the lowest and the highest key of the store as numbers. Records
//! are keyed by their id, a UUID written as lowercase hex with hyphens, so text order is number
//! order. Random ids (v4) spread evenly over the span; time-ordered ones (v7, the app's own)
//! spread as the records were made, so a batch made in one go may fall in one range. Uneven
//! ranges cost only the overlap: every key still falls in exactly one range.

use uuid::Uuid;

/// Ranges a whole-store read is split into (docs/PERFORMANCE.md, session 42: 8 and 16 measured
/// on 10,000 people; 16 was the faster).
pub const READ_RANGES: u64 = 16;

/// The keys that cut the span from `lowest` to `highest` into `parts` about equal ranges, in
/// increasing order, each above `lowest` and at most `highest`. The ranges read are everything
/// below the first cut, from each cut up to (not including) the next, and from the last cut up:
/// together every key there is, whatever it looks like. The span is measured on the ids' first
/// 64 bits (a millisecond and more of a time-ordered id). Empty (one range, the whole store)
/// when either key is not a UUID or they are too close to cut.
pub fn cuts(lowest: &str, highest: &str, parts: u64) -> Vec<String> {
    let leading = |key: &str| Uuid::try_parse(key).ok().map(|id| id.as_u64_pair().0);
    let (Some(low), Some(high)) = (leading(lowest), leading(highest)) else {
        return Vec::new();
    };
    if high <= low || parts < 2 {
        return Vec::new();
    }
    let span = high - low;
    let mut out: Vec<String> = Vec::with_capacity(parts as usize - 1);
    let mut last = low;
    for k in 1..parts {
        // span × k / parts without overflowing: span = q × parts + r.
        let at = low + span / parts * k + span % parts * k / parts;
        if at > last {
            out.push(Uuid::from_u64_pair(at, 0).to_string());
            last = at;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOW: &str = "00000000-0000-4000-8000-000000000000";
    const HIGH: &str = "ffffffff-ffff-4fff-bfff-ffffffffffff";

    /// Which of the ranges `cuts` makes holds `key` (0: below the first cut).
    fn range_of(cuts: &[String], key: &str) -> usize {
        cuts.iter().filter(|cut| cut.as_str() <= key).count()
    }

    /// How many of `ids` fall in each of the 16 ranges `cuts` make.
    fn counts(cuts: &[String], ids: &[String]) -> [usize; 16] {
        let mut counts = [0usize; 16];
        for id in ids {
            counts[range_of(cuts, id)] += 1;
        }
        counts
    }

    #[test]
    fn random_ids_fall_evenly_into_the_ranges() {
        let ids: Vec<String> = (0..16_000).map(|_| Uuid::new_v4().to_string()).collect();
        let lowest = ids.iter().min().unwrap();
        let highest = ids.iter().max().unwrap();
        let cuts = cuts(lowest, highest, 16);
        assert_eq!(cuts.len(), 15);
        let counts = counts(&cuts, &ids);
        assert!(counts.iter().all(|&n| (700..1_300).contains(&n)), "{counts:?}");
    }

    #[test]
    fn cuts_are_increasing_uuids_inside_the_span() {
        let cuts = cuts(LOW, HIGH, 16);
        assert_eq!(cuts.len(), 15);
        assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
        assert!(cuts.iter().all(|c| c.as_str() > LOW && c.as_str() <= HIGH));
        assert!(cuts.iter().all(|c| Uuid::try_parse(c).is_ok()));
        // Text order is number order: the cuts are written as the keys are.
        let numbers: Vec<u128> =
            cuts.iter().map(|c| Uuid::try_parse(c).unwrap().as_u128()).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]));
        let leading = |key: &str| Uuid::try_parse(key).unwrap().as_u64_pair().0;
        let middle = leading(LOW) + (leading(HIGH) - leading(LOW)) / 2;
        assert_eq!(cuts[7], Uuid::from_u64_pair(middle, 0).to_string(), "the middle halves it");
        assert_eq!(cuts[7], "7fffffff-ffff-c7ff-0000-000000000000");
    }

    #[test]
    fn every_key_falls_in_exactly_one_range_even_outside_the_span() {
        let cuts = cuts(LOW, HIGH, 4);
        // Below, at and above every cut, and keys no UUID looks like: ranges cover everything.
        for key in ["", "0", LOW, &cuts[0], &cuts[1], &cuts[2], HIGH, "g", "zzz"] {
            let n = range_of(&cuts, key);
            assert!(n <= cuts.len(), "{key}");
        }
        assert_eq!(range_of(&cuts, LOW), 0);
        assert_eq!(range_of(&cuts, &cuts[1]), 2, "a cut starts its range");
    }

    #[test]
    fn time_ordered_ids_made_over_a_span_spread_as_they_were_made() {
        // v7: the first 48 bits are the time in milliseconds; one made a second for 10,000 s.
        let ids: Vec<String> = (0..10_000u64)
            .map(|i| {
                let ts = uuid::Timestamp::from_unix(uuid::NoContext, 1_790_000_000 + i, 0);
                Uuid::new_v7(ts).to_string()
            })
            .collect();
        let counts = counts(&cuts(&ids[0], &ids[9_999], 16), &ids);
        assert!(counts.iter().all(|&n| (600..650).contains(&n)), "{counts:?}");
    }

    #[test]
    fn no_cuts_for_one_key_close_keys_or_keys_not_uuids() {
        assert!(cuts(LOW, LOW, 16).is_empty(), "one record: one range");
        assert!(cuts(HIGH, LOW, 16).is_empty());
        assert!(cuts("p-1", "p-9", 16).is_empty(), "not UUIDs: the whole store at once");
        assert!(cuts(LOW, HIGH, 1).is_empty());
        // Two keys alike in their first 64 bits: no key between them to cut at.
        assert!(cuts(LOW, "00000000-0000-4000-ffff-ffffffffffff", 16).is_empty());
        let leading = |n: u64| Uuid::from_u64_pair(n, 0).to_string();
        assert!(cuts(&leading(7), &leading(8), 16).is_empty(), "one apart");
        // Sixteen apart: a cut at each.
        let sixteen: Vec<String> = (1..16).map(leading).collect();
        assert_eq!(cuts(&leading(0), &leading(16), 16), sixteen);
    }
}
