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
//! order. Random ids (v4) spread evenly over the span, and so do time-ordered ones (v7, the
//! app's own) made at an even pace, as in one import. Ids made in bursts far apart spread as
//! they were made: a batch made in one go beside records made months before falls in one or two
//! ranges. Uneven ranges cost only the overlap: every key still falls in exactly one range.

use uuid::Uuid;

/// Ranges a whole-store read is split into (docs/PERFORMANCE.md, session 42: 8 and 16 measured
/// on 10,000 people; 16 was the faster).
pub const READ_RANGES: u16 = 16;

/// One range of a whole-store read: the keys from `from` (included; `None`: from the lowest)
/// up to `to` (not included; `None`: to the highest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyBounds {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The ranges a store whose lowest and highest keys are `lowest` and `highest` is read in, in
/// key order, cut between the two ([`cuts`]); one range, the whole store, when there are no
/// cuts.
pub fn read_ranges(lowest: &str, highest: &str, parts: u16) -> Vec<KeyBounds> {
    between(cuts(lowest, highest, parts))
}

/// The ranges `cuts` kept from an earlier read make ([`positions_to_learn`]); `None` when they
/// are not strictly increasing (a damaged hint), since such ranges would overlap.
pub fn ranges_from(cuts: Vec<String>) -> Option<Vec<KeyBounds>> {
    let increasing = !cuts.is_empty() && cuts.windows(2).all(|w| w[0] < w[1]);
    increasing.then(|| between(cuts))
}

/// The ranges increasing `cuts` make: below the first, from each up to (not including) the
/// next, from the last up. Together they hold every key there is, whatever it looks like, each
/// in exactly one range.
fn between(cuts: Vec<String>) -> Vec<KeyBounds> {
    let starts: Vec<Option<String>> =
        std::iter::once(None).chain(cuts.iter().cloned().map(Some)).collect();
    let ends = cuts.into_iter().map(Some).chain(std::iter::once(None));
    starts.into_iter().zip(ends).map(|(from, to)| KeyBounds { from, to }).collect()
}

/// Records a read must have for its ranges to be worth learning.
const LEARN_FROM: usize = 2_000;

/// After a read whose ranges held `lengths` records, the positions (in key order, from 0) of
/// the records whose keys cut the same records into `parts` even ranges, to be kept for the
/// next read; `None` when no range held more than twice its share, or the read was too small
/// for its ranges to matter.
pub fn positions_to_learn(lengths: &[usize], parts: u16) -> Option<Vec<usize>> {
    let (total, parts) = (lengths.iter().sum::<usize>(), usize::from(parts));
    let largest = lengths.iter().copied().max().unwrap_or(0);
    if total < LEARN_FROM || parts < 2 || largest * parts <= 2 * total {
        return None;
    }
    Some((1..parts).map(|k| total * k / parts).collect())
}

/// The keys that cut the span from `lowest` to `highest` into `parts` about equal ranges, in
/// increasing order, each above `lowest` and at most `highest`, written as the keys are. The
/// span is measured on the ids' first 64 bits (a millisecond and more of a time-ordered id).
/// Empty when either key is not a UUID in the form the app writes, or they are too close to cut.
fn cuts(lowest: &str, highest: &str, parts: u16) -> Vec<String> {
    let leading = |key: &str| {
        let id = Uuid::try_parse(key).ok()?;
        (id.hyphenated().to_string() == key).then(|| id.as_u64_pair().0)
    };
    let (Some(low), Some(high)) = (leading(lowest), leading(highest)) else {
        return Vec::new();
    };
    if high <= low || parts < 2 {
        return Vec::new();
    }
    let (span, parts) = (high - low, u64::from(parts));
    let mut out: Vec<String> = Vec::new();
    let mut last = low;
    for k in 1..parts {
        // span × k / parts without overflowing: span = q × parts + r, and r × k < 2^32.
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

    impl KeyBounds {
        /// Whether `key` is in the range, comparing text as IndexedDB compares ASCII text keys.
        fn holds(&self, key: &str) -> bool {
            self.from.as_deref().is_none_or(|from| from <= key)
                && self.to.as_deref().is_none_or(|to| key < to)
        }
    }

    const LOW: &str = "00000000-0000-4000-8000-000000000000";
    const HIGH: &str = "ffffffff-ffff-4fff-bfff-ffffffffffff";

    /// Which of the ranges `cuts` makes holds `key` (0: below the first cut).
    fn range_of(cuts: &[String], key: &str) -> usize {
        between(cuts.to_vec()).iter().position(|r| r.holds(key)).unwrap()
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
        let ranges = read_ranges(LOW, HIGH, 4);
        assert_eq!(ranges.len(), 4);
        assert_eq!((ranges[0].from.as_deref(), ranges[3].to.as_deref()), (None, None));
        let cuts: Vec<&str> = ranges[1..].iter().map(|r| r.from.as_deref().unwrap()).collect();
        assert!(ranges.windows(2).all(|w| w[0].to == w[1].from), "each starts where the last ends");
        // Below, on and just above every cut, the span's ends, and keys no UUID looks like.
        let mut keys = vec!["", "0", "00000000", LOW, HIGH, "g", "zzz", "FFFFFFFF-FFFF"];
        let above: Vec<String> = cuts.iter().map(|c| format!("{c}0")).collect();
        let below: Vec<String> = cuts.iter().map(|c| c.replace("-0000-000000000000", "")).collect();
        keys.extend(cuts.iter().copied().chain(above.iter().map(String::as_str)));
        keys.extend(below.iter().map(String::as_str));
        for key in keys {
            let holding: Vec<usize> = (0..4).filter(|&i| ranges[i].holds(key)).collect();
            assert_eq!(holding.len(), 1, "{key:?} is in {holding:?}");
        }
        for (i, cut) in cuts.iter().enumerate() {
            assert!(ranges[i + 1].holds(cut) && !ranges[i].holds(cut), "a cut starts its range");
        }
    }

    /// A roster imported in one go (ids made within a few milliseconds) beside members made
    /// over the months after: the span's cuts leave the roster in one range; the cuts learned
    /// from that read cut the same records evenly.
    #[test]
    fn cuts_learned_from_a_read_of_bunched_ids_are_even() {
        let at = |ms: u64, n: u64| Uuid::from_u64_pair((ms << 16) | 0x7000 | n, n).to_string();
        let mut ids: Vec<String> = (0..3_000).map(|n| at(1_780_000_000_000, n)).collect();
        ids.extend((1..=300).map(|day| at(1_780_000_000_000 + day * 86_400_000, 0)));
        let ranges = read_ranges(&ids[0], &ids[3_299], 16);
        let lengths: Vec<usize> =
            ranges.iter().map(|r| ids.iter().filter(|id| r.holds(id)).count()).collect();
        assert_eq!(lengths[0], 3_000 + 18, "the roster in the first range: {lengths:?}");

        let positions = positions_to_learn(&lengths, 16).expect("uneven: learned");
        let learned: Vec<String> = positions.iter().map(|&p| ids[p].clone()).collect();
        let ranges = ranges_from(learned).expect("increasing");
        let lengths: Vec<usize> =
            ranges.iter().map(|r| ids.iter().filter(|id| r.holds(id)).count()).collect();
        assert!(lengths.iter().all(|&n| (206..=207).contains(&n)), "{lengths:?}");
        assert_eq!(positions_to_learn(&lengths, 16), None, "even: nothing more to learn");
    }

    #[test]
    fn nothing_is_learned_from_an_even_or_small_read() {
        assert_eq!(positions_to_learn(&[700; 16], 16), None, "even");
        assert_eq!(positions_to_learn(&[1_500, 100, 100], 16), None, "under 2,000 records");
        assert_eq!(positions_to_learn(&[2_000], 16).map(|p| p.len()), Some(15), "one range");
        assert_eq!(positions_to_learn(&[2_000], 16).unwrap()[..2], [125, 250]);
        assert_eq!(positions_to_learn(&[], 16), None);
    }

    #[test]
    fn cuts_kept_that_are_not_increasing_are_refused() {
        let cuts = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        assert!(ranges_from(cuts(&["b", "a"])).is_none(), "ranges would overlap");
        assert!(ranges_from(cuts(&["a", "a"])).is_none());
        assert!(ranges_from(Vec::new()).is_none());
        assert_eq!(ranges_from(cuts(&["a", "b"])).unwrap().len(), 3);
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
