//! What this tab last wrote or read: the clock and a few records, so a save can write without
//! first waiting for its reads (`local.rs`, `write_expected`). Only a hint: every save still
//! reads the clock and the record in its transaction and rolls back if they differ from what is
//! remembered here, so a stale entry (another tab, a pull, an import) costs one retry, never a
//! wrong clock or a lost edit.

use std::collections::HashMap;

use shared::hlc::HlcClock;
use shared::record::{EntityKind, Record};
use uuid::Uuid;

/// Records remembered at most (the ones being edited on screen; the rest are re-read).
const MAX_RECORDS: usize = 256;

#[derive(Debug, Default)]
pub(super) struct SaveCache {
    clock: Option<HlcClock>,
    /// `None`: known not to exist.
    records: HashMap<(EntityKind, Uuid), Option<Record>>,
}

/// The state a save expects to find in the database.
#[derive(Debug)]
pub(super) struct Expected {
    pub clock: HlcClock,
    pub record: Option<Record>,
}

impl SaveCache {
    /// What to expect for `entity`/`id`, if the clock is known. A record never seen in this tab
    /// is expected not to exist: a new record (the common case for a new form) then takes the
    /// one-round-trip path, and an existing one costs one retry.
    pub(super) fn expected(&self, entity: EntityKind, id: Uuid) -> Option<Expected> {
        let clock = self.clock.clone()?;
        let record = self.records.get(&(entity, id)).cloned().flatten();
        Some(Expected { clock, record })
    }

    /// The state just read or committed.
    pub(super) fn remember(
        &mut self,
        entity: EntityKind,
        id: Uuid,
        record: Option<Record>,
        clock: HlcClock,
    ) {
        self.remember_record(entity, id, record);
        self.clock = Some(clock);
    }

    /// A record read outside a save (`Store::get`).
    pub(super) fn remember_record(&mut self, entity: EntityKind, id: Uuid, record: Option<Record>) {
        if self.records.len() >= MAX_RECORDS {
            self.records.clear();
        }
        self.records.insert((entity, id), record);
    }

    /// The expectation for `entity`/`id` or the clock was wrong: drop both.
    pub(super) fn forget(&mut self, entity: EntityKind, id: Uuid) {
        self.records.remove(&(entity, id));
        self.clock = None;
    }

    /// Records written in bulk or merged from elsewhere (and possibly the clock) changed.
    pub(super) fn forget_records(&mut self, clock: Option<HlcClock>) {
        self.records.clear();
        if clock.is_some() {
            self.clock = clock;
        }
    }
}
