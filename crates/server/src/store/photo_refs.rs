//! Which records reference each photo, for the download check ([`super::Store::attachment_branches`]).
//!
//! The check used to search every record's JSON for the photo's hash, at each download: one
//! full scan of the `records` table per photo, on SQLite through the one reader connection that
//! also serves every sign-in and token check. A tablet fetching a town's photos made one scan
//! each, and a loop of downloads (of any hash, even one the server does not hold) stalled every
//! other request.
//!
//! Now one scan builds an index of every reference (hash → the branches and towns of the live
//! records naming it), kept while nothing changed: its mark is the highest operation sequence
//! number, which every stored change of a record moves (records change only with operations),
//! read again at each download (an indexed read of one row). So a burst of downloads between
//! two pushes costs one scan, and every process of a county deployment sees the others'
//! changes. An index older than [`MAX_AGE`] is built again whatever the mark says, so a
//! database changed behind the server's back (a restore while it runs) is seen within that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{AttachmentRefs, Scope};

/// The longest an index is used without being built again.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// hash → (branch, town) of each live record naming it (one entry per record).
pub type PhotoRefIndex = HashMap<String, Vec<(String, i64)>>;

/// The index last built, with the mark it was built at.
#[derive(Default)]
pub struct PhotoRefCache {
    built: Mutex<Option<Built>>,
}

struct Built {
    mark: i64,
    at: Instant,
    index: Arc<PhotoRefIndex>,
}

impl PhotoRefCache {
    /// The index built at `mark`, unless it is older than [`MAX_AGE`].
    pub fn current(&self, mark: i64) -> Option<Arc<PhotoRefIndex>> {
        let built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        built
            .as_ref()
            .filter(|b| b.mark == mark && b.at.elapsed() < MAX_AGE)
            .map(|b| Arc::clone(&b.index))
    }

    /// Keep `index`, built at `mark`.
    pub fn keep(&self, mark: i64, index: PhotoRefIndex) -> Arc<PhotoRefIndex> {
        let index = Arc::new(index);
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        *built = Some(Built { mark, at: Instant::now(), index: Arc::clone(&index) });
        index
    }
}

/// The text every photo reference holds before its hash (`shared::model::PhotoRef` as JSON).
pub const NEEDLE: &str = "\"sha256\":\"";

/// Add the photo references of one live record (its JSON, branch and town) to `index`.
pub fn add_record(index: &mut PhotoRefIndex, json: &str, branch: &str, town: i64) {
    let mut rest = json;
    while let Some(at) = rest.find(NEEDLE) {
        rest = &rest[at + NEEDLE.len()..];
        let Some(end) = rest.find('"') else { break };
        let hash = &rest[..end];
        rest = &rest[end..];
        // A photo's name: 64 lowercase hex digits (`attachments::Sha256Name`); other text
        // after the same key (a typed value) names no stored photo.
        if hash.len() != 64
            || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            continue;
        }
        let refs = index.entry(hash.to_owned()).or_default();
        if !refs.iter().any(|(b, t)| b == branch && *t == town) {
            refs.push((branch.to_owned(), town));
        }
    }
}

/// Who references photo `sha256`, as the caller in `scope` may learn it.
pub fn refs_of(index: &PhotoRefIndex, scope: Scope, sha256: &str) -> AttachmentRefs {
    let mut refs = AttachmentRefs::default();
    for (branch, town) in index.get(sha256).map(Vec::as_slice).unwrap_or_default() {
        refs.referenced_anywhere = true;
        if scope.town().is_none_or(|t| t == *town) && !refs.branches.contains(branch) {
            refs.branches.push(branch.clone());
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_of_a_record_is_indexed_once_per_branch_and_town() {
        let a = "a".repeat(64);
        let b = "0123456789abcdef".repeat(4);
        let json = format!(
            r#"{{"fields":{{"photos":[{{"sha256":"{a}","mime":"image/jpeg"}},{{"sha256":"{b}"}}],"x":{{"sha256":"not a hash"}},"y":{{"sha256":"{a}"}}}}}}"#
        );
        let mut index = PhotoRefIndex::new();
        add_record(&mut index, &json, "b1", 1);
        add_record(&mut index, &json, "b2", 2);
        assert_eq!(index.len(), 2, "{index:?}");
        assert_eq!(index[&a], vec![("b1".to_owned(), 1), ("b2".to_owned(), 2)]);

        let town_1 = refs_of(&index, Scope::Town(1), &a);
        assert_eq!(town_1.branches, vec!["b1".to_owned()]);
        assert!(town_1.referenced_anywhere);
        let county = refs_of(&index, Scope::County, &b);
        assert_eq!(county.branches.len(), 2);
        let elsewhere = refs_of(&index, Scope::Town(3), &a);
        assert!(elsewhere.branches.is_empty() && elsewhere.referenced_anywhere);
        assert_eq!(refs_of(&index, Scope::Town(1), &"c".repeat(64)), AttachmentRefs::default());
    }

    #[test]
    fn an_index_is_used_only_at_its_mark() {
        let cache = PhotoRefCache::default();
        assert!(cache.current(0).is_none());
        cache.keep(7, PhotoRefIndex::new());
        assert!(cache.current(7).is_some());
        assert!(cache.current(8).is_none(), "a change since: built again");
    }
}
