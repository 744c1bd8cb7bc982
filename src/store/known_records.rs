//! Which records this tab knows to be stored, so a large pulled page reads only those and
//! writes the others without reading them first (`remote.rs`).
//!
//! Only a hint, in both directions, and never trusted for correctness:
//!
//! * an id it holds that is not stored (another tab discarded a refused new record) is read as
//!   usual, found missing, and merged as new;
//! * an id it lacks that is stored (another tab saved or pulled it since the ids were read) is
//!   written with `add`, which IndexedDB refuses for a key it already holds: the page's
//!   transaction aborts with nothing written, the ids are forgotten and the page is applied
//!   again reading every record. So a stale set costs one retry, never an overwritten record.
//!
//! The ids are read once (`getAllKeys` of the three record stores, inside the first large
//! page's transaction, or a large export file's note of 来自文件 just before its merge) and kept
//! up to date by this tab's own writes, for the life of the tab:
//! 17 bytes a record in a hash table, about 1.2 MB of wasm memory at 50,000 records.

use std::collections::HashSet;

use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::{JsCast as _, JsValue};

/// A pulled page with at least this many operations reads the stored ids when they are not
/// known yet: a tablet's first sync, or a catch-up after days offline. Smaller pages (a live
/// update, a few changes) read their records as before, whatever it costs to read the ids of a
/// large database. An export file naming this many records reads them too, in the
/// transaction that notes which are 来自文件 (`Store::note_from_file`), and leaves them here
/// for its merge.
pub(super) const LOAD_FROM_OPS: usize = 100;

#[derive(Debug, Default)]
pub(super) struct KnownRecords {
    /// `None` until read from the database (or after a page found it stale).
    ids: Option<HashSet<(EntityKind, Uuid)>>,
}

impl KnownRecords {
    /// Whether the ids are known.
    pub(super) fn is_loaded(&self) -> bool {
        self.ids.is_some()
    }

    /// Whether `entity`/`id` may be stored: `true` when the ids are not known.
    pub(super) fn may_hold(&self, entity: EntityKind, id: Uuid) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(&(entity, id)))
    }

    /// The ids as just read from the three record stores' keys (`people` and `surveys`: the id;
    /// `records`: `[entity, id]`). A key of another shape names no record an operation can
    /// reach, and is left out.
    pub(super) fn load(&mut self, people: &[JsValue], surveys: &[JsValue], records: &[JsValue]) {
        let mut ids = HashSet::with_capacity(people.len() + surveys.len() + records.len());
        let uuid = |key: &JsValue| key.as_string().and_then(|s| Uuid::parse_str(&s).ok());
        ids.extend(people.iter().filter_map(uuid).map(|id| (EntityKind::Person, id)));
        ids.extend(surveys.iter().filter_map(uuid).map(|id| (EntityKind::Survey, id)));
        ids.extend(records.iter().filter_map(|key| {
            let pair = key.dyn_ref::<js_sys::Array>()?;
            let entity = EntityKind::parse(&pair.get(0).as_string()?)?;
            Some((entity, uuid(&pair.get(1))?))
        }));
        self.ids = Some(ids);
    }

    /// A record this tab has just stored (when the ids are known).
    pub(super) fn note(&mut self, entity: EntityKind, id: Uuid) {
        if let Some(ids) = &mut self.ids {
            ids.insert((entity, id));
        }
    }

    /// Forget the ids (a page found them stale); the next large page reads them again.
    pub(super) fn forget(&mut self) {
        self.ids = None;
    }
}
