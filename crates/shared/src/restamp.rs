//! A device whose date was once more than a day ahead stamped its changes beyond what the
//! server accepts (`policy::clock`: `clock_ahead`), and a hybrid logical clock never goes back
//! by itself: after the date is corrected, every change is still stamped ahead and refused,
//! and no resubmission can mend it. Once the device's date agrees with the server's again, its
//! own stamps beyond the bound are replaced by fresh ones from the present, in the order they
//! had, each later than every clock the device keeps: a write that was the latest stays the
//! latest. Only stamps beyond the bound are replaced; the server refused every operation that
//! carried one, so none of them is held anywhere but on this device (an export file with one
//! is refused whole: `policy::ahead_in_batch`).

use std::collections::{BTreeSet, HashMap};

use crate::hlc::{Hlc, HlcClock};
use crate::op::Operation;
use crate::policy::within_bound;
use crate::record::Record;

/// The stamps to replace, and what replaces each.
#[derive(Clone, Debug, PartialEq)]
pub struct Restamp {
    replaced: HashMap<Hlc, Hlc>,
    /// The device's clock after the replacement: later than every stamp it keeps.
    pub clock: HlcClock,
}

impl Restamp {
    /// The plan for the device whose clocks are stamped `device`, given every clock it holds
    /// (`seen`: its records', its queued and refused operations') and the corrected time. Empty
    /// when none of its own is beyond the bound.
    pub fn plan<'a>(device: &str, seen: impl IntoIterator<Item = &'a Hlc>, now_ms: u64) -> Restamp {
        let mut ahead: BTreeSet<&Hlc> = BTreeSet::new();
        let mut latest_kept: Option<&Hlc> = None;
        for clock in seen {
            if !within_bound(clock.millis, now_ms) && clock.device == device {
                ahead.insert(clock);
            } else if latest_kept.is_none_or(|l| clock > l) {
                latest_kept = Some(clock);
            }
        }
        let mut clock = HlcClock::new(device);
        if let Some(kept) = latest_kept {
            clock.millis = kept.millis;
            clock.counter = kept.counter;
        }
        let replaced = ahead.into_iter().map(|old| (old.clone(), clock.tick(now_ms))).collect();
        Restamp { replaced, clock }
    }

    /// Whether nothing is to be replaced.
    pub fn is_empty(&self) -> bool {
        self.replaced.is_empty()
    }

    /// How many stamps are replaced.
    pub fn len(&self) -> usize {
        self.replaced.len()
    }

    fn swap(&self, clock: &mut Hlc) -> bool {
        match self.replaced.get(clock) {
            Some(new) => {
                *clock = new.clone();
                true
            }
            None => false,
        }
    }

    fn swap_opt(&self, clock: &mut Option<Hlc>) -> bool {
        clock.as_mut().is_some_and(|c| self.swap(c))
    }

    /// Replace the stamps of `record` (its fields', the values they replaced, its last write
    /// and its deletion). Returns whether any was.
    pub fn record(&self, record: &mut Record) -> bool {
        let mut changed = self.swap(&mut record.updated);
        changed |= self.swap_opt(&mut record.deleted);
        for meta in record.meta.values_mut() {
            changed |= self.swap(&mut meta.clock);
            changed |= self.swap_opt(&mut meta.base);
        }
        for write in record.earlier.values_mut().flatten() {
            changed |= self.swap(&mut write.clock);
            changed |= self.swap_opt(&mut write.base);
        }
        changed
    }

    /// Replace the stamps of `op` (its own, and the clocks of the values it typed over).
    /// Returns whether any was.
    pub fn op(&self, op: &mut Operation) -> bool {
        let mut changed = self.swap(&mut op.hlc);
        for change in &mut op.changes {
            changed |= self.swap_opt(&mut change.base);
        }
        changed
    }
}

/// Every clock `record` holds, for [`Restamp::plan`].
pub fn clocks_of(record: &Record) -> impl Iterator<Item = &Hlc> {
    let fields = record.meta.values().flat_map(|m| std::iter::once(&m.clock).chain(&m.base));
    let earlier =
        record.earlier.values().flatten().flat_map(|w| std::iter::once(&w.clock).chain(&w.base));
    std::iter::once(&record.updated).chain(&record.deleted).chain(fields).chain(earlier)
}

/// Every clock `op` holds, for [`Restamp::plan`].
pub fn clocks_of_op(op: &Operation) -> impl Iterator<Item = &Hlc> {
    std::iter::once(&op.hlc).chain(op.changes.iter().filter_map(|c| c.base.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge;
    use crate::op::OpContext;
    use crate::policy::MAX_CLOCK_AHEAD_MS;
    use crate::record::EntityKind;
    use serde_json::json;
    use uuid::Uuid;

    const NOW: u64 = 1_764_800_000_000;
    const YEAR: u64 = 365 * 24 * 3_600_000;

    fn ctx() -> OpContext {
        OpContext { device_id: Uuid::from_u128(1), author: "chen".into() }
    }

    fn edit(
        clock: &mut HlcClock,
        at: u64,
        record: Option<&Record>,
        field: &str,
        v: &str,
    ) -> Operation {
        Operation::upsert(
            &ctx(),
            clock.tick(at),
            EntityKind::Person,
            Uuid::from_u128(7),
            "b1",
            record,
            vec![(field.to_owned(), json!(v))],
        )
    }

    #[test]
    fn stamps_beyond_the_bound_are_replaced_in_order_after_every_kept_clock() {
        // The office wrote the name at NOW; the tablet, a year ahead, wrote the phone then
        // the name over the office's.
        let mut office = HlcClock::new("office");
        let first = edit(&mut office, NOW, None, "name", "林海生");
        let record = merge::apply(None, &first).record;
        let mut tablet = HlcClock::new("tab");
        let phone = edit(&mut tablet, NOW + YEAR, Some(&record), "phone", "139");
        let record = merge::apply(Some(record), &phone).record;
        let name = edit(&mut tablet, NOW + YEAR, Some(&record), "name", "林海升");
        let mut record = merge::apply(Some(record), &name).record;

        let seen: Vec<Hlc> = clocks_of(&record).cloned().collect();
        let plan = Restamp::plan("tab", &seen, NOW + 60_000);
        assert_eq!(plan.len(), 2);
        assert!(plan.record(&mut record));
        let (mut phone, mut name) = (phone, name);
        assert!(plan.op(&mut phone) && plan.op(&mut name));
        for clock in clocks_of(&record).chain(clocks_of_op(&phone)).chain(clocks_of_op(&name)) {
            assert!(within_bound(clock.millis, NOW + 60_000), "{clock}");
        }
        assert!(phone.hlc < name.hlc, "the order kept");
        assert!(phone.hlc > first.hlc, "later than the office's write, as before");
        assert_eq!(record.meta["name"].clock, name.hlc);
        assert_eq!(record.meta["name"].base.as_ref(), Some(&first.hlc), "the office's kept");
        // The clock goes on after them.
        let mut clock = plan.clock.clone();
        assert!(clock.tick(NOW + 60_000) > name.hlc);
        // Applied to the re-stamped record, the re-stamped operations change nothing.
        let again = merge::apply(Some(record.clone()), &name);
        assert_eq!(again.record.fields, record.fields);
        assert!(again.conflicts.is_empty());
    }

    #[test]
    fn nothing_within_the_bound_or_of_another_device_is_replaced() {
        let near = Hlc::new(NOW + MAX_CLOCK_AHEAD_MS, 0, "tab");
        let other = Hlc::new(NOW + YEAR, 0, "office");
        let plan = Restamp::plan("tab", [&near, &other], NOW);
        assert!(plan.is_empty());
        // The clock stays later than what it keeps.
        assert_eq!((plan.clock.millis, plan.clock.counter), (NOW + YEAR, 0));
        let mut op = Operation::upsert(
            &ctx(),
            near.clone(),
            EntityKind::Person,
            Uuid::from_u128(7),
            "b1",
            None,
            vec![("name".into(), json!("x"))],
        );
        assert!(!plan.op(&mut op));
        assert_eq!(op.hlc, near);
    }
}
