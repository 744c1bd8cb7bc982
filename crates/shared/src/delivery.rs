//! Where each record made or changed on a tablet stands on its way to the office: the one
//! promise of the app is that what a surveyor saved reaches the office, or the surveyor is told
//! why and can fix it. Pure: the tablet gathers the facts (which records have operations in the
//! outbox, which have refused operations, which have open conflicts, which surveys are
//! unfinished) and these functions decide what a person sees.
//!
//! Precedence, from what needs a person most to what needs nothing:
//! 被退回，需处理 (a change was refused: fix it and resubmit) > 有冲突（办公室处理） (the office
//! decides) > 已保存待发送 (queued, goes with the next sync) > 草稿 (an unfinished survey of this
//! tablet's, every change of which the server has) > 来自文件 (known here only from another
//! tablet's export file: that tablet sends it) > 已送达 (the server acknowledged every change).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::order::CollectOrdered as _;
use crate::record::EntityKind;

/// The delivery state of one record on this tablet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// A change was refused (by the server, or on the tablet before sending): the record's
    /// later changes are held back until the surveyor fixes and resubmits it.
    Refused,
    /// The office has to choose between two concurrent values of a field.
    Conflict,
    /// Saved on the tablet, waiting for the next sync.
    Pending,
    /// An unfinished survey; everything saved of it has reached the office.
    Draft,
    /// Known on this tablet only from another tablet's export file, not yet from the server:
    /// the tablet that made it sends it (or the office imports the file); nothing to do here.
    FromFile,
    /// The server acknowledged every change of it.
    Delivered,
}

impl DeliveryState {
    /// Every state, in the order a person should deal with them.
    pub const ALL: [DeliveryState; 6] = [
        DeliveryState::Refused,
        DeliveryState::Conflict,
        DeliveryState::Pending,
        DeliveryState::Draft,
        DeliveryState::FromFile,
        DeliveryState::Delivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Refused => "refused",
            DeliveryState::Conflict => "conflict",
            DeliveryState::Pending => "pending",
            DeliveryState::Draft => "draft",
            DeliveryState::FromFile => "from_file",
            DeliveryState::Delivered => "delivered",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DeliveryState::Refused => "被退回，需处理",
            DeliveryState::Conflict => "有冲突（办公室处理）",
            DeliveryState::Pending => "已保存待发送",
            DeliveryState::Draft => "草稿",
            DeliveryState::FromFile => "来自文件，由原平板发送",
            DeliveryState::Delivered => "已送达",
        }
    }

    /// Not yet accepted by the server: counted in 待同步.
    pub fn is_undelivered(self) -> bool {
        matches!(self, DeliveryState::Refused | DeliveryState::Pending)
    }
}

/// A record on this tablet: kind and id.
pub type RecordKey = (EntityKind, Uuid);

/// What the tablet knows about delivery, gathered from its store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryFacts {
    /// Records with operations waiting in the outbox (held back ones included).
    pub queued: BTreeSet<RecordKey>,
    /// Records with a refused operation not yet resubmitted.
    pub refused: BTreeSet<RecordKey>,
    /// Records with an open field conflict.
    pub conflicted: BTreeSet<RecordKey>,
    /// Surveys that are not finalised.
    pub drafts: BTreeSet<RecordKey>,
    /// Records known only from another tablet's export file.
    pub from_file: BTreeSet<RecordKey>,
}

impl DeliveryFacts {
    /// The state of one record.
    pub fn state_of(&self, key: &RecordKey) -> DeliveryState {
        if self.refused.contains(key) {
            DeliveryState::Refused
        } else if self.conflicted.contains(key) {
            DeliveryState::Conflict
        } else if self.queued.contains(key) {
            DeliveryState::Pending
        } else if self.drafts.contains(key) {
            DeliveryState::Draft
        } else if self.from_file.contains(key) {
            DeliveryState::FromFile
        } else {
            DeliveryState::Delivered
        }
    }

    /// Every record that is not 已送达, with its state, grouped in [`DeliveryState::ALL`] order.
    pub fn not_delivered(&self) -> BTreeMap<DeliveryState, Vec<RecordKey>> {
        let mut out: BTreeMap<DeliveryState, Vec<RecordKey>> = BTreeMap::new();
        let keys: BTreeSet<&RecordKey> = self
            .queued
            .iter()
            .chain(&self.refused)
            .chain(&self.conflicted)
            .chain(&self.drafts)
            .chain(&self.from_file)
            .collect_set();
        for key in keys {
            out.entry(self.state_of(key)).or_default().push(*key);
        }
        out
    }

    /// The top bar's figures.
    pub fn counts(&self) -> DeliveryCounts {
        let undelivered: BTreeSet<&RecordKey> = self.queued.union(&self.refused).collect_set();
        DeliveryCounts {
            pending: undelivered.len() as u32,
            needs_action: self.refused.len() as u32,
        }
    }
}

/// 待同步 N (records saved here that the server has not accepted yet, refused ones included, so
/// the figure never drops to zero while a refusal is open) and 需处理 M (records refused).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCounts {
    pub pending: u32,
    pub needs_action: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> RecordKey {
        (EntityKind::Person, Uuid::from_u128(n))
    }

    #[test]
    fn precedence_refused_over_conflict_over_pending_over_draft() {
        let mut facts = DeliveryFacts::default();
        facts.drafts.extend([key(1), key(2), key(3), key(4)]);
        facts.queued.extend([key(2), key(3), key(4)]);
        facts.conflicted.extend([key(3), key(4)]);
        facts.refused.insert(key(4));
        assert_eq!(facts.state_of(&key(1)), DeliveryState::Draft);
        assert_eq!(facts.state_of(&key(2)), DeliveryState::Pending);
        assert_eq!(facts.state_of(&key(3)), DeliveryState::Conflict);
        assert_eq!(facts.state_of(&key(4)), DeliveryState::Refused);
        assert_eq!(facts.state_of(&key(5)), DeliveryState::Delivered);
    }

    #[test]
    fn a_record_known_only_from_a_file_is_neither_delivered_nor_counted() {
        let mut facts = DeliveryFacts::default();
        facts.from_file.extend([key(1), key(2)]);
        // Edited here: this tablet sends its change.
        facts.queued.insert(key(2));
        assert_eq!(facts.state_of(&key(1)), DeliveryState::FromFile);
        // This tablet's own draft needs its surveyor more (the tablet leaves another's out).
        facts.drafts.insert(key(1));
        assert_eq!(facts.state_of(&key(1)), DeliveryState::Draft);
        facts.drafts.clear();
        assert_eq!(facts.state_of(&key(2)), DeliveryState::Pending);
        assert_eq!(facts.counts(), DeliveryCounts { pending: 1, needs_action: 0 });
        assert_eq!(facts.not_delivered()[&DeliveryState::FromFile], vec![key(1)]);
        assert!(!DeliveryState::FromFile.is_undelivered(), "not this tablet's to send");
    }

    #[test]
    fn a_refused_record_counts_as_pending_and_needing_action() {
        let mut facts = DeliveryFacts::default();
        facts.refused.insert(key(1));
        // The refused record's later edits are held in the outbox: still one record.
        facts.queued.extend([key(1), key(2)]);
        assert_eq!(facts.counts(), DeliveryCounts { pending: 2, needs_action: 1 });
        // Only refusals left: the pending count is not zero.
        facts.queued.clear();
        assert_eq!(facts.counts(), DeliveryCounts { pending: 1, needs_action: 1 });
    }

    #[test]
    fn not_delivered_lists_each_record_once_under_its_state() {
        let mut facts = DeliveryFacts::default();
        facts.queued.extend([key(1), key(2)]);
        facts.refused.insert(key(2));
        facts.drafts.insert(key(3));
        let groups = facts.not_delivered();
        assert_eq!(groups[&DeliveryState::Refused], vec![key(2)]);
        assert_eq!(groups[&DeliveryState::Pending], vec![key(1)]);
        assert_eq!(groups[&DeliveryState::Draft], vec![key(3)]);
        assert_eq!(groups.values().map(Vec::len).sum::<usize>(), 3);
    }
}
