//! Sorting and ordered collections through one sort compiled once for the whole program.
//!
//! `slice::sort_by` is generic over the element and the comparison: every call site with its own
//! closure compiles its own copy of the standard library's merge sort (about 3.4 KB of wasm).
//! A `collect` into a `BTreeMap` or a `serde_json::Map` sorts what it is given before it builds
//! the tree, with a closure generic over the iterator: a copy for each such `collect`; into a
//! `BTreeSet`, a copy for each element type. The tablet app had 51 copies, 173 KB raw across
//! its modules (session 30, docs/PERFORMANCE.md). Here the elements' *positions* are sorted, by
//! one sort of `usize` with the comparison passed as `&mut dyn FnMut`, and the elements are then
//! moved into that order: what is compiled per call site is a few swaps. The sort stays stable
//! (equal elements keep their order), as `sort_by` is.
//!
//! The app and this crate sort with these; `clippy.toml` refuses the standard sorts in them
//! (a `collect` into a tree cannot be refused that way: [`CollectOrdered`]).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `items` by `compare`, stably (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    arrange(items, &mut order);
}

/// Sorts `items` by the key `key` gives each, stably (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their own order, stably (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `collect` into ordered collections without their sort: `BTreeSet` and `BTreeMap` (and
/// `serde_json`'s map, a `BTreeMap`) collect by sorting what they are given and then building the
/// tree (a copy of the sort for each); these insert one by one instead. The same contents: of two
/// pairs with one key the later one's value is kept, as `collect` keeps it (`insert` keeps the
/// first of two equal keys themselves, `collect` the last: the same for every key type here,
/// where equal keys are identical).
pub trait CollectOrdered: Iterator + Sized {
    /// As `collect::<BTreeSet<_>>()`.
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        for item in self {
            set.insert(item);
        }
        set
    }

    /// As `collect::<BTreeMap<_, _>>()`.
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }

    /// As `collect::<serde_json::Map<_, _>>()`.
    fn collect_object(self) -> serde_json::Map<String, serde_json::Value>
    where
        Self: Iterator<Item = (String, serde_json::Value)>,
    {
        let mut map = serde_json::Map::new();
        for (key, value) in self {
            map.insert(key, value);
        }
        map
    }
}

impl<I: Iterator> CollectOrdered for I {}

/// The one sort: positions `0..n`, compared by what is at them.
#[inline(never)]
#[allow(clippy::disallowed_methods, reason = "the one standard sort the program keeps")]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| compare(*a, *b));
}

/// Moves `items` so that position `p` holds what was at `order[p]`, following each cycle of the
/// permutation once (`order` is left as `0..n`).
fn arrange<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard stable sort, equal keys included: pairs are sorted by
        /// their first part only, so the second part shows whether equal ones kept their order.
        #[test]
        fn sorts_as_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u32>()), 0..300)) {
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut standard = items.clone();
            #[allow(clippy::disallowed_methods, reason = "the reference")]
            standard.sort_by_key(|a| a.0);
            prop_assert_eq!(ours, standard);
        }

        #[test]
        fn a_set_or_map_is_what_collect_makes(pairs in proptest::collection::vec((0u8..20, any::<u16>()), 0..100)) {
            prop_assert_eq!(pairs.iter().copied().collect_map(), pairs.iter().copied().collect::<BTreeMap<_, _>>());
            prop_assert_eq!(pairs.iter().copied().collect_set(), pairs.iter().copied().collect::<BTreeSet<_>>());
            let object = |(k, v): (u8, u16)| (k.to_string(), serde_json::Value::from(v));
            prop_assert_eq!(
                pairs.iter().copied().map(object).collect_object(),
                pairs.iter().copied().map(object).collect::<serde_json::Map<_, _>>()
            );
        }
    }

    #[test]
    fn by_key_descending_and_by_own_order() {
        let mut words = vec!["pear", "fig", "apple", "kiwi", "date"];
        sort_by_key(&mut words, |w| std::cmp::Reverse(w.len()));
        assert_eq!(words, ["apple", "pear", "kiwi", "date", "fig"]);
        sort(&mut words);
        assert_eq!(words, ["apple", "date", "fig", "kiwi", "pear"]);
        let mut strings: Vec<String> = vec!["b".into(), "a".into()];
        sort(&mut strings);
        assert_eq!(strings, ["a", "b"]);
    }
}
