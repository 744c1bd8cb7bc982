//! Push (store + merge in one transaction), pull (by sequence number) and merged records.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::mpsc;
use std::thread;

use rusqlite::{CachedStatement, Connection, OptionalExtension, TransactionBehavior, params};
use shared::merge::Conflict;
use shared::model::{Entity, Person};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::OpResult;
use uuid::Uuid;

use super::{conflicts, now};
use crate::store::{Caller, Held, PullPage, Scope, StoreError};
use crate::sync_policy::PastTheBound::{self, LeaveForTheNextPush, Refuse};
use crate::sync_policy::{self, Answer, PolicyTime, Rejection};

pub(crate) fn load_record(
    conn: &Connection,
    scope: Scope,
    entity_id: Uuid,
) -> Result<Option<Record>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT record_json FROM records WHERE entity_id = ?1 AND (?2 IS NULL OR town_id = ?2)
             ORDER BY town_id LIMIT 1",
            params![entity_id.to_string(), scope.town()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match json {
        Some(j) => Some(serde_json::from_str(&j)?),
        None => None,
    })
}

pub fn record(
    conn: &mut Connection,
    scope: Scope,
    entity_id: Uuid,
) -> Result<Option<Record>, StoreError> {
    load_record(conn, scope, entity_id)
}

/// Who an operation is stored for: whose rights apply and what the audit records.
#[derive(Clone, Debug)]
pub(crate) struct Pusher {
    pub user_id: Option<i64>,
    pub account: Account,
    /// The signed-in device that pushed (none for an imported file).
    pub device_row: Option<i64>,
    /// The device the operations came from.
    pub device_id: Uuid,
    /// The towns the pusher reaches: its own (a new record is created there), or every town
    /// for a county account (which only files existing candidates).
    pub scope: Scope,
}

impl Pusher {
    pub(crate) fn of_session(session: &Caller) -> Self {
        Self {
            user_id: Some(session.user_id),
            account: session.account.clone(),
            device_row: Some(session.device_row),
            device_id: session.device_id,
            scope: session.scope(),
        }
    }
}

/// Store a pushed batch: duplicates are acknowledged, refused operations reported, the rest
/// stored, merged and audited. All or nothing: an id reused with other content aborts it.
pub fn push(
    conn: &mut Connection,
    checker: &mut Connection,
    session: &Caller,
    ops: &[Operation],
) -> Result<Vec<OpResult>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let pusher = Pusher::of_session(session);
    let results = apply_ops(&tx, checker, ops, "push_op", "", LeaveForTheNextPush, &mut |_, _| {
        Ok(Ok(pusher.clone()))
    })?;
    tx.commit()?;
    Ok(results)
}

/// A roster's operations through the push path in one transaction, kept only if every one is
/// accepted (or a duplicate); the `roster_imports` row is written in the same transaction.
pub fn apply_roster(
    conn: &mut Connection,
    checker: &mut Connection,
    session: &Caller,
    batch: &crate::store::RosterBatch,
) -> Result<Result<(), Vec<OpResult>>, StoreError> {
    let Some(town) = session.town else {
        return Ok(Err(batch.operations.iter().map(|op| not_in_a_town().answer(op)).collect()));
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let pusher = Pusher::of_session(session);
    let results =
        apply_ops(&tx, checker, &batch.operations, "roster_op", "", Refuse, &mut |_, _| {
            Ok(Ok(pusher.clone()))
        })?;
    let refused: Vec<OpResult> =
        results.into_iter().filter(|r| r.status == shared::sync::OpStatus::Rejected).collect();
    if !refused.is_empty() {
        // Dropping the transaction rolls it back: nothing of the roster is kept.
        return Ok(Err(refused));
    }
    tx.execute(
        "INSERT INTO roster_imports
             (at, imported_by, checksum, rows, created, updated, unchanged, town_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            super::now(),
            session.account.username,
            batch.checksum,
            batch.rows as i64,
            batch.created as i64,
            batch.updated as i64,
            batch.unchanged as i64,
            town
        ],
    )?;
    tx.commit()?;
    Ok(Ok(()))
}

/// A county account creates nothing: it has no town to create it in.
pub(crate) fn not_in_a_town() -> Rejection {
    Rejection::new("forbidden_branch", "county_files_only")
}

/// An operation naming a record of a town the pusher does not reach. The same words as an id
/// used by another kind of record: the record's town is not told.
pub(crate) fn other_towns_record() -> Rejection {
    Rejection::new("entity_mismatch", "该编号已被另一条记录使用")
}

/// The town an operation is stored in: its record's, which the pusher must reach; a new
/// record's is the pusher's own town.
pub(crate) fn town_of_op(record_town: Option<i64>, pusher: Scope) -> Result<i64, Rejection> {
    match (record_town, pusher) {
        (Some(town), Scope::County) => Ok(town),
        (Some(town), Scope::Town(own)) if town == own => Ok(town),
        (Some(_), Scope::Town(_)) => Err(other_towns_record()),
        (None, Scope::Town(own)) => Ok(own),
        (None, Scope::County) => Err(not_in_a_town()),
    }
}

/// Finds the [`Pusher`] of an operation, or why it has none.
pub(crate) type PusherOf<'a> =
    dyn FnMut(&Connection, &Operation) -> Result<Result<Pusher, Rejection>, StoreError> + Send + 'a;

/// The SQL of the push path, prepared once per connection (`prepare_cached`) instead of once
/// per operation.
const SELECT_HASH: &str = "SELECT content_hash FROM ops WHERE op_id = ?1";
/// A record by id in the pusher's town (`?2`), or in every town for a county account (`NULL`):
/// two rows then mean the id names a record in several towns (a fixed-id setting), which the
/// county may not write.
const SELECT_RECORD: &str = "SELECT record_json, town_id FROM records
    WHERE entity_id = ?1 AND (?2 IS NULL OR town_id = ?2) LIMIT 2";
const INSERT_OP: &str = "INSERT INTO ops
        (op_id, content_hash, entity, entity_id, branch_id, hlc, op_json, received_at, user_id,
         device_row, town_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
const UPSERT_RECORD: &str = "INSERT INTO records
        (entity_id, entity, branch_id, record_json, updated_hlc, deleted, updated_at, town_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (town_id, entity_id) DO UPDATE SET
        record_json = excluded.record_json,
        updated_hlc = excluded.updated_hlc,
        deleted = excluded.deleted,
        updated_at = excluded.updated_at";
const INSERT_AUDIT: &str = "INSERT INTO audit
        (at, user_id, username, device_row, device_id, action, op_id, entity, entity_id,
         branch_id, detail, town_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// One record as the batch sees it.
struct Slot {
    /// `None`: the server has no such record (yet).
    record: Option<Record>,
    /// The record's town (stored, or the one this batch creates it in).
    town: Option<i64>,
    /// Changed by this batch, so it is written once no later operation of the batch touches
    /// it.
    changed: bool,
}

/// The records one batch touches, each read from the database at most once and merged in
/// memory; each changed one is written once, in its final state, in the order they were
/// first changed (so `records.rowid` keeps the order in which entities reached the server).
struct Records<'c> {
    select: CachedStatement<'c>,
    known: HashMap<Uuid, Slot>,
    changed: Vec<Uuid>,
    /// How many of `changed` were handed to the writer.
    handed_over: usize,
}

impl<'c> Records<'c> {
    fn new(tx: &'c Connection) -> Result<Self, StoreError> {
        Ok(Self {
            select: tx.prepare_cached(SELECT_RECORD)?,
            known: HashMap::new(),
            changed: Vec::new(),
            handed_over: 0,
        })
    }

    /// Read `id` as `scope` reaches it into the batch's view unless it is there already (one
    /// batch has one scope: a push one caller's, an import the importer's town). An id held by
    /// several towns is none of a county account's records.
    fn load(&mut self, scope: Scope, id: Uuid) -> Result<(), StoreError> {
        if let Entry::Vacant(entry) = self.known.entry(id) {
            let mut buf = Uuid::encode_buffer();
            let key: &str = id.hyphenated().encode_lower(&mut buf);
            let mut rows = self.select.query(params![key, scope.town()])?;
            let mut found: Vec<(String, i64)> = Vec::with_capacity(1);
            while let Some(row) = rows.next()? {
                found.push((row.get(0)?, row.get(1)?));
            }
            let (json, town) = match found.len() {
                1 => found.pop().unzip(),
                _ => (None, None),
            };
            let record = json.map(|j| serde_json::from_str(&j)).transpose()?;
            entry.insert(Slot { record, town, changed: false });
        }
        Ok(())
    }

    /// The batch's view of a loaded record.
    fn get(&self, id: &Uuid) -> Option<&Record> {
        self.known.get(id).and_then(|slot| slot.record.as_ref())
    }

    /// A loaded record if it belongs to `town` (a record of another town is none of the
    /// operation's business).
    fn get_in(&self, town: i64, id: &Uuid) -> Option<&Record> {
        self.known.get(id).filter(|slot| slot.town == Some(town)).and_then(|s| s.record.as_ref())
    }

    /// The town of a loaded record.
    fn town(&self, id: &Uuid) -> Option<i64> {
        self.known.get(id).and_then(|slot| slot.town)
    }

    /// Replace a record by its merged state, to be written once it is final ([`Self::hand_over`]).
    fn set(&mut self, record: Record, town: i64) {
        let id = record.id;
        let slot =
            self.known.entry(id).or_insert(Slot { record: None, town: None, changed: false });
        if !slot.changed {
            slot.changed = true;
            self.changed.push(id);
        }
        slot.record = Some(record);
        slot.town = Some(town);
    }

    /// Hand the changed records to `writer` in the order they were first changed, up to the
    /// first one that is not `done` (a later operation of the batch may still change it).
    fn hand_over(
        &mut self,
        done: impl Fn(&Uuid) -> bool,
        writer: &mut HandOver,
    ) -> Result<(), StoreError> {
        while let Some(id) = self.changed.get(self.handed_over) {
            if !done(id) {
                break;
            }
            if let Some(Slot { record: Some(record), town: Some(town), .. }) = self.known.get(id) {
                let row = ChangedRecord {
                    json: serde_json::to_string(record)?,
                    id: record.id.to_string(),
                    entity: record.entity.as_str(),
                    updated: record.updated.to_string(),
                    deleted: record.is_deleted(),
                    branch_id: record.branch_id.clone(),
                    town: *town,
                };
                writer.push(Write::Record(row))?;
            }
            self.handed_over += 1;
        }
        Ok(())
    }

    /// The records of `town` this batch holds.
    fn of_town(&self, town: i64) -> impl Iterator<Item = &Record> {
        self.known
            .values()
            .filter(move |slot| slot.town == Some(town))
            .filter_map(|slot| slot.record.as_ref())
    }
}

/// The person a survey operation refers to, as the batch sees it (for the finalisation rules).
/// Loads the person into `records`; `None` when `op` is no survey or names no stored person.
fn load_surveyed_person(
    records: &mut Records<'_>,
    town: i64,
    op: &Operation,
) -> Result<Option<Person>, StoreError> {
    if op.entity != EntityKind::Survey {
        return Ok(None);
    }
    let from_op = op.changes.iter().find(|c| c.field == "person_id").map(|c| &c.value);
    let value = from_op.or_else(|| records.get(&op.entity_id).and_then(|r| r.get("person_id")));
    let Some(id) = value.and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) else {
        return Ok(None);
    };
    records.load(Scope::Town(town), id)?;
    Ok(records
        .get_in(town, &id)
        .filter(|r| r.entity == EntityKind::Person && !r.is_deleted())
        .and_then(|r| r.to_typed().ok()))
}

/// The town's live records of kind `T` whose field `field` names record `id` (a candidacy's
/// `person_id`, a score sheet's `candidate_id`) as the batch sees them: this batch's changes
/// over the stored ones. For the one-candidacy rule and `check_sheet_unique`.
fn live_referring_to<T: Entity>(
    tx: &Connection,
    records: &Records<'_>,
    town: i64,
    field: &str,
    id: Uuid,
) -> Result<Vec<(Uuid, T)>, StoreError> {
    let mut found: HashMap<Uuid, Record> = HashMap::new();
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT record_json FROM records
         WHERE entity = ?3 AND deleted = 0 AND town_id = ?2
           AND json_extract(record_json, '$.fields.{field}') = ?1"
    ))?;
    let mut rows = stmt.query(params![id.to_string(), town, T::KIND.as_str()])?;
    while let Some(row) = rows.next()? {
        let record: Record = serde_json::from_str(&row.get::<_, String>(0)?)?;
        found.insert(record.id, record);
    }
    for r in records.of_town(town).filter(|r| r.entity == T::KIND) {
        found.insert(r.id, r.clone());
    }
    Ok(found
        .into_values()
        .filter(|r| !r.is_deleted())
        .filter_map(|r| r.to_typed().ok().map(|t| (r.id, t)))
        .collect())
}

/// The campaign in force as the batch sees it (`Campaign::current` of the live campaign
/// records, this batch's changes over the stored ones).
fn campaign_in_force(
    tx: &Connection,
    records: &Records<'_>,
    town: i64,
) -> Result<shared::model::Campaign, StoreError> {
    let mut found: HashMap<Uuid, Record> = HashMap::new();
    let mut stmt = tx.prepare_cached(
        "SELECT record_json FROM records
         WHERE entity = 'campaign' AND deleted = 0 AND town_id = ?1 ORDER BY rowid",
    )?;
    let mut rows = stmt.query([town])?;
    let mut order = Vec::new();
    while let Some(row) = rows.next()? {
        let record: Record = serde_json::from_str(&row.get::<_, String>(0)?)?;
        order.push(record.id);
        found.insert(record.id, record);
    }
    for r in records.of_town(town).filter(|r| r.entity == EntityKind::Campaign) {
        if !found.contains_key(&r.id) {
            order.push(r.id);
        }
        found.insert(r.id, r.clone());
    }
    let campaigns: Vec<(Uuid, shared::model::Campaign)> = order
        .into_iter()
        .filter_map(|id| found.remove(&id))
        .filter(|r| !r.is_deleted())
        .filter_map(|r| r.to_typed().ok().map(|c| (r.id, c)))
        .collect();
    Ok(shared::model::Campaign::current(&campaigns))
}

/// Loads the candidate a score-sheet operation names into `records` (for the one-sheet-per-
/// scorable-candidacy rule).
fn load_scored_candidate(
    records: &mut Records<'_>,
    town: i64,
    op: &Operation,
) -> Result<(), StoreError> {
    if op.entity != EntityKind::Assessment {
        return Ok(());
    }
    let from_op = op.changes.iter().find(|c| c.field == "candidate_id").map(|c| &c.value);
    let value = from_op.or_else(|| records.get(&op.entity_id).and_then(|r| r.get("candidate_id")));
    if let Some(id) = value.and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) {
        records.load(Scope::Town(town), id)?;
    }
    Ok(())
}

/// An operation as the `ops` table stores it.
pub(crate) struct Encoded {
    pub(crate) json: String,
    /// [`Operation::content_hash`], from the same serialisation.
    pub(crate) hash: String,
}

pub(crate) fn encode(op: &Operation) -> Result<Encoded, serde_json::Error> {
    let json = serde_json::to_string(op)?;
    let hash = shared::op::content_hash_of(json.as_bytes());
    Ok(Encoded { json, hash })
}

/// An operation the batch accepted, for the writer.
struct Accepted {
    /// Its place in the batch.
    index: usize,
    /// Its row's JSON and hash.
    encoded: Encoded,
    /// The texts of its rows, made by the checker so that the writer only writes.
    op_id: String,
    entity_id: String,
    hlc: String,
    device_id: String,
    detail: String,
    pusher: Pusher,
    /// The town it is stored in.
    town: i64,
    conflicts: Vec<Conflict>,
}

/// A record the batch changed, as its row is written.
struct ChangedRecord {
    id: String,
    entity: &'static str,
    branch_id: String,
    json: String,
    updated: String,
    deleted: bool,
    town: i64,
}

/// What the checker hands the writer, in the order it is to be written.
enum Write {
    Op(Box<Accepted>),
    /// A record in its final state for this batch.
    Record(ChangedRecord),
}

/// The checker's side of the channel to the writer. Writes go over in groups of
/// [`HandOver::GROUP`], so a writer that waits is woken about 60 times in a 2,000-operation
/// push rather than 4,000.
struct HandOver {
    sender: mpsc::Sender<Vec<Write>>,
    group: Vec<Write>,
}

impl HandOver {
    const GROUP: usize = 64;

    fn new(sender: mpsc::Sender<Vec<Write>>) -> Self {
        Self { sender, group: Vec::with_capacity(Self::GROUP) }
    }

    fn push(&mut self, write: Write) -> Result<(), StoreError> {
        self.group.push(write);
        if self.group.len() < Self::GROUP {
            return Ok(());
        }
        self.send()
    }

    /// Send what is waiting. Fails when the writer returned (with its error).
    fn send(&mut self) -> Result<(), StoreError> {
        let group = std::mem::replace(&mut self.group, Vec::with_capacity(Self::GROUP));
        self.sender.send(group).map_err(|_| StoreError::Worker("the push's writer stopped".into()))
    }
}

/// The push path shared by pushes and imports, inside the caller's transaction `tx`: results
/// in request order. `action` names the audit rows; `detail_suffix` is appended to their
/// detail. Past the batch's conflict bound the results stop (`past_bound`, a push) or refuse.
///
/// Two threads share the work. The checker decides every operation in order against the
/// batch's in-memory view of the records, each read once through `checker`, a second
/// connection to the same file. It hands each accepted operation, encoded, to this thread as
/// soon as it is decided, and each changed record once no later operation of the batch touches
/// it (in the order records were first changed, so `records.rowid` keeps the order in which
/// entities reached the server). This thread writes them as they come: an `ops` and an
/// `audit` row for an operation, a `records` row for a record.
///
/// The checker reads what `tx` started from: `tx` holds the write lock (`BEGIN IMMEDIATE`)
/// from before the checker's first read until it commits, after the checker ended, so no
/// commit can come between, and `tx`'s own rows are invisible to another connection until
/// then (WAL). The checker sees this batch's effects in its in-memory view only, so the outcome
/// is the one a single thread checking first and writing after would have.
pub(crate) fn apply_ops(
    tx: &Connection,
    checker: &mut Connection,
    ops: &[Operation],
    action: &str,
    detail_suffix: &str,
    past_bound: PastTheBound,
    pusher_of: &mut PusherOf<'_>,
) -> Result<Vec<OpResult>, StoreError> {
    let received_at = now();
    thread::scope(|scope| {
        let (sender, writes) = mpsc::channel::<Vec<Write>>();
        let checking = scope.spawn(move || -> Result<Vec<OpResult>, StoreError> {
            let snapshot = checker.transaction()?;
            let mut records = Records::new(&snapshot)?;
            let mut writer = HandOver::new(sender);
            let batch = Batch { ops, detail_suffix, past_bound };
            check_all(&snapshot, batch, &mut records, pusher_of, &mut writer)
        });
        let written = write_all(tx, ops, writes, action, &received_at);
        let checked = joined(checking.join());
        // A writer that failed stopped the checker (its next hand-over found no one): the
        // writer's error is the cause.
        written?;
        checked
    })
}

/// The value of a helper thread, or its panic passed on.
fn joined<T>(result: thread::Result<T>) -> T {
    result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// What [`check_all`] decides: the operations, in order, with what their audit rows add and
/// what happens past the conflict bound.
struct Batch<'a> {
    ops: &'a [Operation],
    detail_suffix: &'a str,
    past_bound: PastTheBound,
}

/// Decide every operation of the batch, in order, against the batch's view of the records;
/// hand `writer` each accepted one as soon as it is decided, and each changed record once no
/// later operation touches it. A push's results stop at its first operation past the conflict
/// bound (the rest are not taken yet).
fn check_all(
    tx: &Connection,
    Batch { ops, detail_suffix, past_bound }: Batch<'_>,
    records: &mut Records<'_>,
    pusher_of: &mut PusherOf<'_>,
    writer: &mut HandOver,
) -> Result<Vec<OpResult>, StoreError> {
    let time = PolicyTime::now();
    // The place of the last operation on each record: after it, the record is final.
    let last_op: HashMap<Uuid, usize> =
        ops.iter().enumerate().map(|(index, op)| (op.entity_id, index)).collect();
    let mut select_hash = tx.prepare_cached(SELECT_HASH)?;
    // Ids this batch accepted, with their place (an id may appear twice in one request).
    let mut accepted_ids: HashMap<Uuid, usize> = HashMap::new();
    let mut results = Vec::with_capacity(ops.len());
    // Records with a refused operation in this batch: their later operations are refused too,
    // so the server never stores half a record (the tablet repairs and resubmits it whole).
    let mut refused_records: HashSet<Uuid> = HashSet::new();
    // The conflicts the operations accepted so far make, against the push's bound.
    let mut budget = sync_policy::ConflictBudget::default();
    for (index, op) in ops.iter().enumerate() {
        records.hand_over(|id| last_op.get(id).is_some_and(|&last| last < index), writer)?;
        let earlier: Option<String> = match accepted_ids.get(&op.id) {
            Some(&first) => Some(encode(&ops[first])?.hash),
            None => {
                let mut buf = Uuid::encode_buffer();
                let key: &str = op.id.hyphenated().encode_lower(&mut buf);
                select_hash.query_row([key], |r| r.get(0)).optional()?
            }
        };
        if let Some(earlier) = earlier {
            // Sent before: acknowledged again if it is the same, the whole batch refused if not.
            if earlier != encode(op)?.hash {
                return Err(StoreError::OpIdConflict(op.id));
            }
            results.push(OpResult::duplicate(op.id));
            continue;
        }

        if refused_records.contains(&op.entity_id) {
            results.push(sync_policy::preceded_by_refusal().answer(op));
            continue;
        }
        let pusher = match pusher_of(tx, op)? {
            Ok(p) => p,
            Err(rejection) => {
                refused_records.insert(op.entity_id);
                results.push(rejection.answer(op));
                continue;
            }
        };
        records.load(pusher.scope, op.entity_id)?;
        let town = match town_of_op(records.town(&op.entity_id), pusher.scope) {
            Ok(town) => town,
            Err(rejection) => {
                refused_records.insert(op.entity_id);
                results.push(rejection.answer(op));
                continue;
            }
        };
        let person = load_surveyed_person(records, town, op)?;
        load_scored_candidate(records, town, op)?;
        let ctx = sync_policy::Context {
            account: &pusher.account,
            time,
            current: records.get(&op.entity_id),
            person: person.as_ref(),
        };
        let admitted = sync_policy::admit(ctx, op).and_then(|applied| {
            let current = records.get(&op.entity_id);
            if let Some(candidate_id) = sync_policy::new_sheet_candidate(current, &applied.record) {
                let candidate = records
                    .get_in(town, &candidate_id)
                    .filter(|r| r.entity == EntityKind::Candidate && !r.is_deleted())
                    .and_then(|r| r.to_typed().ok());
                sync_policy::check_sheet(&applied.record, candidate.as_ref())?;
                let sheets = live_referring_to(tx, records, town, "candidate_id", candidate_id)
                    .map_err(|e| {
                        Rejection::new(
                            "store",
                            shared::message::Message::new("store").arg("detail", e.to_string()),
                        )
                    })?;
                sync_policy::check_sheet_unique(&applied.record, &sheets)?;
            }
            match sync_policy::needs_uniqueness_check(current, &applied.record) {
                None => Ok(applied),
                Some(key) => {
                    let found = live_referring_to(tx, records, town, "person_id", key.person_id)
                        .and_then(|others| Ok((campaign_in_force(tx, records, town)?, others)));
                    let (campaign, others) = found.map_err(|e| {
                        Rejection::new(
                            "store",
                            shared::message::Message::new("store").arg("detail", e.to_string()),
                        )
                    })?;
                    sync_policy::check_candidacy(&applied.record, &campaign, &others)
                        .map(|()| applied)
                }
            }
        });
        let applied = match admitted {
            Ok(applied) => applied,
            Err(rejection) if rejection.code == "store" => {
                return Err(StoreError::Corrupt(rejection.message.to_string()));
            }
            Err(rejection) => {
                refused_records.insert(op.entity_id);
                results.push(rejection.answer(op));
                continue;
            }
        };
        if let Err(rejection) = budget.take(applied.conflicts.len()) {
            if past_bound == LeaveForTheNextPush {
                // Neither this operation nor any later one is taken: the tablet sends them
                // again in a push of their own.
                break;
            }
            refused_records.insert(op.entity_id);
            results.push(rejection.answer(op));
            continue;
        }
        // Only the operation's own record changes, so a record is final after its last
        // operation (what `hand_over` counts on).
        if applied.record.id != op.entity_id {
            return Err(StoreError::Corrupt(format!(
                "operation {} changed record {}, not its own {}",
                op.id, applied.record.id, op.entity_id
            )));
        }
        records.set(applied.record, town);
        accepted_ids.insert(op.id, index);
        let encoded = encode(op)?;
        writer.push(Write::Op(Box::new(Accepted {
            index,
            encoded,
            op_id: op.id.to_string(),
            entity_id: op.entity_id.to_string(),
            hlc: op.hlc.to_string(),
            device_id: pusher.device_id.to_string(),
            detail: format!("{:?} {} field(s){detail_suffix}", op.kind, op.changes.len()),
            pusher,
            town,
            conflicts: applied.conflicts,
        })))?;
        results.push(OpResult::accepted(op.id));
    }
    records.hand_over(|_| true, writer)?;
    writer.send()?;
    Ok(results)
}

/// What the checker hands over, as it comes, until it is done: the `ops`, `conflicts` and
/// `audit` rows of an accepted operation, the `records` row of a changed record.
fn write_all(
    tx: &Connection,
    ops: &[Operation],
    writes: mpsc::Receiver<Vec<Write>>,
    action: &str,
    received_at: &str,
) -> Result<(), StoreError> {
    let mut insert_op = tx.prepare_cached(INSERT_OP)?;
    let mut insert_audit = tx.prepare_cached(INSERT_AUDIT)?;
    let mut upsert_record = tx.prepare_cached(UPSERT_RECORD)?;
    for write in writes.into_iter().flatten() {
        let Accepted {
            index,
            encoded: Encoded { json, hash },
            op_id,
            entity_id,
            hlc,
            device_id,
            detail,
            pusher,
            town,
            conflicts,
        } = match write {
            Write::Op(accepted) => *accepted,
            Write::Record(record) => {
                upsert_record.execute(params![
                    record.id,
                    record.entity,
                    record.branch_id,
                    record.json,
                    record.updated,
                    record.deleted,
                    received_at,
                    record.town
                ])?;
                continue;
            }
        };
        let op = &ops[index];
        insert_op.execute(params![
            op_id,
            hash,
            op.entity.as_str(),
            entity_id,
            op.branch_id,
            hlc,
            json,
            received_at,
            pusher.user_id,
            pusher.device_row,
            town
        ])?;
        for conflict in &conflicts {
            conflicts::insert(tx, town, conflict)?;
        }
        insert_audit.execute(params![
            received_at,
            pusher.user_id,
            pusher.account.username,
            pusher.device_row,
            device_id,
            action,
            op_id,
            op.entity.as_str(),
            entity_id,
            op.branch_id,
            detail,
            town
        ])?;
    }
    Ok(())
}

/// Operations after `cursor` that `account` may see, oldest first. `cursor` of the answer is
/// the last sequence number covered: the last operation sent when the page is full, otherwise
/// the newest sequence number (so operations the caller may not see are not scanned again).
pub fn pull(
    conn: &mut Connection,
    scope: Scope,
    account: &Account,
    cursor: u64,
    held: &Held,
    limit: u32,
) -> Result<PullPage, StoreError> {
    let tx = conn.transaction()?;
    let cursor_i = i64::try_from(cursor).unwrap_or(i64::MAX);
    if let Some(check) = held.check.as_deref().filter(|_| cursor > 0)
        && check_at(&tx, cursor_i)?.as_deref() != Some(check)
    {
        return Err(StoreError::HistoryChanged);
    }
    if let Some(acked) = held.acked {
        let stored = tx
            .prepare_cached("SELECT 1 FROM ops WHERE op_id = ?1")?
            .query_row([acked.to_string()], |_| Ok(()))
            .optional()?;
        if stored.is_none() {
            return Err(StoreError::HistoryChanged);
        }
    }
    let fetch = i64::from(limit) + 1;
    let scoped = account.role.is_branch_scoped();
    let branches = serde_json::to_string(&account.branches)?;
    let mut rows: Vec<(i64, String)> = Vec::with_capacity(limit as usize + 1);
    {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, op_json FROM ops
             WHERE seq > ?1
               AND (?5 IS NULL OR town_id = ?5)
               AND (?3 = 0 OR branch_id = '' OR branch_id IN (SELECT value FROM json_each(?4)))
             ORDER BY seq LIMIT ?2",
        )?;
        let mut found = stmt.query(params![cursor_i, fetch, scoped, branches, scope.town()])?;
        while let Some(row) = found.next()? {
            rows.push((row.get(0)?, row.get(1)?));
        }
    }
    let more = rows.len() as i64 > i64::from(limit);
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map_or(cursor_i, |(seq, _)| *seq)
    } else {
        let newest: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM ops")?
            .query_row([], |r| r.get(0))?;
        newest.max(cursor_i)
    };
    let cursor_check = if next > 0 { check_at(&tx, next)? } else { None };
    tx.finish()?;
    let ops = rows.into_iter().map(|(_, json)| json).collect();
    Ok(PullPage { ops, cursor: u64::try_from(next).unwrap_or(0), cursor_check, more })
}

/// The pull check of the operation stored at `seq`, if one is.
fn check_at(tx: &rusqlite::Transaction<'_>, seq: i64) -> Result<Option<String>, StoreError> {
    let hash: Option<String> = tx
        .prepare_cached("SELECT content_hash FROM ops WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?;
    Ok(hash.as_deref().map(shared::sync::cursor_check_of))
}

/// The live records of `entity` that `account` may see, oldest first.
pub fn records(
    conn: &mut Connection,
    scope: Scope,
    entity: EntityKind,
    account: &Account,
) -> Result<Vec<Record>, StoreError> {
    let scoped = account.role.is_branch_scoped();
    let branches = serde_json::to_string(&account.branches)?;
    let mut stmt = conn.prepare(
        "SELECT record_json FROM records
         WHERE entity = ?1 AND deleted = 0 AND (?4 IS NULL OR town_id = ?4)
           AND (?2 = 0 OR branch_id = '' OR branch_id IN (SELECT value FROM json_each(?3)))
         ORDER BY rowid",
    )?;
    let rows = stmt.query_map(params![entity.as_str(), scoped, branches, scope.town()], |r| {
        r.get::<_, String>(0)
    })?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}
