//! Push (store + merge in one transaction), pull (by sequence number) and merged records on
//! PostgreSQL: the same checks, in the same order, as [`crate::store::sqlite::sync`].
//!
//! Every transaction that writes operations (a push, a roster, an imported file) first takes
//! the transaction-level advisory lock [`OPS_WRITER_LOCK`] and holds it to its commit. So the
//! operation writers of every server process run one at a time, as SQLite's one writer does:
//! the merge reads the records the previous writer committed (no lost merge between two
//! processes), and sequence numbers are handed out in commit order, which is what makes a pull
//! cursor safe (docs/ARCHITECTURE.md, "Pull cursors on PostgreSQL").

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use deadpool_postgres::{GenericClient, Transaction};
use shared::merge::Conflict;
use shared::model::{Entity, Person};
use shared::op::Operation;
use shared::record::{EntityKind, Record};
use shared::roles::Account;
use shared::sync::{OpResult, OpStatus};
use uuid::Uuid;

use super::accounts::account_at;
use crate::store::sqlite::now;
use crate::store::sqlite::sync::{Encoded, Pusher, encode, not_in_a_town, town_of_op};
use crate::store::{
    Caller, Held, ImportBatch, ImportCounts, PullPage, RosterBatch, Scope, StoreError,
};
use crate::sync_policy::PastTheBound::{self, LeaveForTheNextPush, Refuse};
use crate::sync_policy::{self, Answer, PolicyTime, Rejection};

/// The advisory lock every operation writer holds from its start to its commit ("FLDOPS").
pub const OPS_WRITER_LOCK: i64 = 0x464c_444f_5053;

/// Take the operation writers' lock for the rest of `tx`.
async fn lock_writers(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&OPS_WRITER_LOCK]).await?;
    Ok(())
}

pub(super) async fn load_record(
    c: &impl GenericClient,
    scope: Scope,
    entity_id: Uuid,
) -> Result<Option<Record>, StoreError> {
    let row = c
        .query_opt(
            "SELECT record_json FROM records
             WHERE entity_id = $1 AND ($2::BIGINT IS NULL OR town_id = $2)
             ORDER BY town_id LIMIT 1",
            &[&entity_id.to_string(), &scope.town()],
        )
        .await?;
    Ok(match row {
        Some(row) => Some(serde_json::from_str(row.try_get::<_, &str>(0)?)?),
        None => None,
    })
}

/// Who the operations of a batch are stored for.
enum Pushers<'a> {
    /// The signed-in caller (a push, a roster).
    Session(Pusher),
    /// Each operation's own author (an imported file).
    Authors(&'a ImportBatch),
}

impl Pushers<'_> {
    async fn of(
        &self,
        tx: &Transaction<'_>,
        op: &Operation,
    ) -> Result<Result<Pusher, Rejection>, StoreError> {
        match self {
            Pushers::Session(p) => Ok(Ok(p.clone())),
            Pushers::Authors(batch) => {
                let row = tx
                    .query_opt(
                        "SELECT id, username, display_name, role, branches FROM users
                         WHERE username = $1 AND town_id = $2",
                        &[&op.author, &batch.town],
                    )
                    .await?;
                Ok(match row {
                    None => Err(Rejection::new(
                        "unknown_author",
                        shared::message::Message::new("unknown_author").arg("author", &op.author),
                    )),
                    Some(row) => Ok(Pusher {
                        user_id: Some(row.try_get(0)?),
                        account: account_at(&row, 1)?,
                        device_row: None,
                        device_id: batch.device_id,
                        scope: Scope::Town(batch.town),
                    }),
                })
            }
        }
    }
}

pub async fn push(
    client: &mut deadpool_postgres::Client,
    session: &Caller,
    ops: &[Operation],
) -> Result<Vec<OpResult>, StoreError> {
    let tx = client.transaction().await?;
    lock_writers(&tx).await?;
    let pushers = Pushers::Session(Pusher::of_session(session));
    let results = apply_ops(&tx, ops, "push_op", "", LeaveForTheNextPush, &pushers).await?;
    tx.commit().await?;
    Ok(results)
}

pub async fn apply_roster(
    client: &mut deadpool_postgres::Client,
    session: &Caller,
    batch: &RosterBatch,
) -> Result<Result<(), Vec<OpResult>>, StoreError> {
    let Some(town) = session.town else {
        return Ok(Err(batch.operations.iter().map(|op| not_in_a_town().answer(op)).collect()));
    };
    let tx = client.transaction().await?;
    lock_writers(&tx).await?;
    let pushers = Pushers::Session(Pusher::of_session(session));
    let results = apply_ops(&tx, &batch.operations, "roster_op", "", Refuse, &pushers).await?;
    let refused: Vec<OpResult> =
        results.into_iter().filter(|r| r.status == OpStatus::Rejected).collect();
    if !refused.is_empty() {
        // Dropping the transaction rolls it back: nothing of the roster is kept.
        return Ok(Err(refused));
    }
    tx.execute(
        "INSERT INTO roster_imports
             (at, imported_by, checksum, rows, created, updated, unchanged, town_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &now(),
            &session.account.username,
            &batch.checksum,
            &(batch.rows as i64),
            &(batch.created as i64),
            &(batch.updated as i64),
            &(batch.unchanged as i64),
            &town,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub async fn import(
    client: &mut deadpool_postgres::Client,
    batch: &ImportBatch,
) -> Result<ImportCounts, StoreError> {
    let tx = client.transaction().await?;
    lock_writers(&tx).await?;
    let suffix = format!("，由 {} 从导出文件导入", batch.imported_by);
    let pushers = Pushers::Authors(batch);
    let results = apply_ops(&tx, &batch.operations, "import_op", &suffix, Refuse, &pushers).await?;
    let count = |s: OpStatus| results.iter().filter(|r| r.status == s).count();
    let counts = ImportCounts {
        accepted: count(OpStatus::Accepted),
        duplicate: count(OpStatus::Duplicate),
        rejected: count(OpStatus::Rejected),
        rejections: results.into_iter().filter(|r| r.status == OpStatus::Rejected).collect(),
    };
    let at = now();
    tx.execute(
        "INSERT INTO imports (at, checksum, device_id, author, created_at, imported_by,
                              accepted, duplicate, rejected, town_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &at,
            &batch.checksum,
            &batch.device_id.to_string(),
            &batch.author,
            &batch.created_at,
            &batch.imported_by,
            &(counts.accepted as i64),
            &(counts.duplicate as i64),
            &(counts.rejected as i64),
            &batch.town,
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO audit (at, user_id, username, device_row, device_id, action, detail, town_id)
         VALUES ($1, $2, $3, NULL, $4, 'import_file', $5, $6)",
        &[
            &at,
            &batch.importer_user_id,
            &batch.imported_by,
            &batch.device_id.to_string(),
            &format!(
                "{} 的导出文件（{}）：新增 {}，重复 {}，拒绝 {}",
                batch.author, batch.checksum, counts.accepted, counts.duplicate, counts.rejected
            ),
            &batch.town,
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(counts)
}

const SELECT_HASH: &str = "SELECT content_hash FROM ops WHERE op_id = $1";
/// A record by id in the pusher's town (`$2`), or in every town for a county account (`NULL`):
/// two rows then mean the id names a record in several towns (a fixed-id setting), which the
/// county may not write.
const SELECT_RECORD: &str = "SELECT record_json, town_id FROM records
    WHERE entity_id = $1 AND ($2::BIGINT IS NULL OR town_id = $2) LIMIT 2";
const INSERT_OP: &str = "INSERT INTO ops
        (op_id, content_hash, entity, entity_id, branch_id, hlc, op_json, received_at, user_id,
         device_row, town_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const UPSERT_RECORD: &str = "INSERT INTO records
        (entity_id, entity, branch_id, record_json, updated_hlc, deleted, updated_at, town_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (town_id, entity_id) DO UPDATE SET
        record_json = excluded.record_json,
        updated_hlc = excluded.updated_hlc,
        deleted = excluded.deleted,
        updated_at = excluded.updated_at";
const INSERT_AUDIT: &str = "INSERT INTO audit
        (at, user_id, username, device_row, device_id, action, op_id, entity, entity_id,
         branch_id, detail, town_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const INSERT_CONFLICT: &str = "INSERT INTO conflicts
        (id, entity, entity_id, branch_id, field, conflict_json, detected_at, town_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (id) DO NOTHING";

/// One record as the batch sees it (`None`: the server has no such record yet).
struct Slot {
    record: Option<Record>,
    /// The record's town (stored, or the one this batch creates it in).
    town: Option<i64>,
    changed: bool,
}

/// The records one batch touches, read at most once each and merged in memory; the changed
/// ones are written when the batch ends, in the order they were first changed.
#[derive(Default)]
struct Records {
    known: HashMap<Uuid, Slot>,
    changed: Vec<Uuid>,
}

impl Records {
    /// Read `id` as `scope` reaches it into the batch's view unless it is there already (one
    /// batch has one scope). An id held by several towns is none of a county account's records.
    async fn load(
        &mut self,
        tx: &Transaction<'_>,
        scope: Scope,
        id: Uuid,
    ) -> Result<(), StoreError> {
        if let Entry::Vacant(entry) = self.known.entry(id) {
            let stmt = tx.prepare_cached(SELECT_RECORD).await?;
            let mut rows = tx.query(&stmt, &[&id.to_string(), &scope.town()]).await?;
            let row = if rows.len() == 1 { rows.pop() } else { None };
            let (record, town) = match row {
                Some(row) => (
                    Some(serde_json::from_str(row.try_get::<_, &str>(0)?)?),
                    Some(row.try_get::<_, i64>(1)?),
                ),
                None => (None, None),
            };
            entry.insert(Slot { record, town, changed: false });
        }
        Ok(())
    }

    fn get(&self, id: &Uuid) -> Option<&Record> {
        self.known.get(id).and_then(|slot| slot.record.as_ref())
    }

    /// A loaded record if it belongs to `town`.
    fn get_in(&self, town: i64, id: &Uuid) -> Option<&Record> {
        self.known.get(id).filter(|slot| slot.town == Some(town)).and_then(|s| s.record.as_ref())
    }

    fn town(&self, id: &Uuid) -> Option<i64> {
        self.known.get(id).and_then(|slot| slot.town)
    }

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

    fn changed_records(&self) -> Vec<(&Record, i64)> {
        self.changed
            .iter()
            .filter_map(|id| {
                let slot = self.known.get(id)?;
                Some((slot.record.as_ref()?, slot.town?))
            })
            .collect()
    }

    fn of_town(&self, town: i64) -> impl Iterator<Item = &Record> {
        self.known
            .values()
            .filter(move |slot| slot.town == Some(town))
            .filter_map(|slot| slot.record.as_ref())
    }
}

async fn load_surveyed_person(
    tx: &Transaction<'_>,
    records: &mut Records,
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
    records.load(tx, Scope::Town(town), id).await?;
    Ok(records
        .get_in(town, &id)
        .filter(|r| r.entity == EntityKind::Person && !r.is_deleted())
        .and_then(|r| r.to_typed().ok()))
}

/// The town's live records of kind `T` whose field `field` names record `id` (a candidacy's
/// `person_id`, a score sheet's `candidate_id`) as the batch sees them: this batch's changes
/// over the stored ones. For the one-candidacy rule and `check_sheet_unique`.
async fn live_referring_to<T: Entity>(
    tx: &Transaction<'_>,
    records: &Records,
    town: i64,
    field: &str,
    id: Uuid,
) -> Result<Vec<(Uuid, T)>, StoreError> {
    let mut found: HashMap<Uuid, Record> = HashMap::new();
    let rows = tx
        .query(
            "SELECT record_json FROM records
             WHERE entity = $3 AND deleted = 0 AND town_id = $2
               AND (record_json::jsonb -> 'fields') ->> $4 = $1",
            &[&id.to_string(), &town, &T::KIND.as_str(), &field],
        )
        .await?;
    for row in rows {
        let record: Record = serde_json::from_str(row.try_get::<_, &str>(0)?)?;
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

async fn campaign_in_force(
    tx: &Transaction<'_>,
    records: &Records,
    town: i64,
) -> Result<shared::model::Campaign, StoreError> {
    let mut found: HashMap<Uuid, Record> = HashMap::new();
    let rows = tx
        .query(
            "SELECT record_json FROM records
             WHERE entity = 'campaign' AND deleted = 0 AND town_id = $1 ORDER BY ord",
            &[&town],
        )
        .await?;
    let mut order = Vec::new();
    for row in rows {
        let record: Record = serde_json::from_str(row.try_get::<_, &str>(0)?)?;
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

async fn load_scored_candidate(
    tx: &Transaction<'_>,
    records: &mut Records,
    town: i64,
    op: &Operation,
) -> Result<(), StoreError> {
    if op.entity != EntityKind::Assessment {
        return Ok(());
    }
    let from_op = op.changes.iter().find(|c| c.field == "candidate_id").map(|c| &c.value);
    let value = from_op.or_else(|| records.get(&op.entity_id).and_then(|r| r.get("candidate_id")));
    if let Some(id) = value.and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) {
        records.load(tx, Scope::Town(town), id).await?;
    }
    Ok(())
}

struct Accepted {
    index: usize,
    pusher: Pusher,
    town: i64,
    conflicts: Vec<Conflict>,
}

/// The push path shared by pushes, rosters and imports, inside the caller's transaction (which
/// holds [`OPS_WRITER_LOCK`]): results in request order. Past the batch's conflict bound the
/// results stop (`past_bound`, a push: the rest are not taken yet) or refuse.
async fn apply_ops(
    tx: &Transaction<'_>,
    ops: &[Operation],
    action: &str,
    detail_suffix: &str,
    past_bound: PastTheBound,
    pushers: &Pushers<'_>,
) -> Result<Vec<OpResult>, StoreError> {
    let received_at = now();
    let mut records = Records::default();
    let (results, accepted) = check_all(tx, ops, &mut records, pushers, past_bound).await?;
    write_ops(tx, ops, &accepted, action, detail_suffix, &received_at).await?;
    let upsert = tx.prepare_cached(UPSERT_RECORD).await?;
    for (rec, town) in records.changed_records() {
        tx.execute(
            &upsert,
            &[
                &rec.id.to_string(),
                &rec.entity.as_str(),
                &rec.branch_id,
                &serde_json::to_string(rec)?,
                &rec.updated.to_string(),
                &i64::from(rec.is_deleted()),
                &received_at,
                &town,
            ],
        )
        .await?;
    }
    Ok(results)
}

async fn check_all(
    tx: &Transaction<'_>,
    ops: &[Operation],
    records: &mut Records,
    pushers: &Pushers<'_>,
    past_bound: PastTheBound,
) -> Result<(Vec<OpResult>, Vec<Accepted>), StoreError> {
    let time = PolicyTime::now();
    let select_hash = tx.prepare_cached(SELECT_HASH).await?;
    let mut accepted_ids: HashMap<Uuid, usize> = HashMap::new();
    let mut results = Vec::with_capacity(ops.len());
    let mut accepted = Vec::with_capacity(ops.len());
    let mut refused_records: HashSet<Uuid> = HashSet::new();
    // The conflicts the operations accepted so far make, against the push's bound.
    let mut budget = sync_policy::ConflictBudget::default();
    for (index, op) in ops.iter().enumerate() {
        let earlier: Option<String> = match accepted_ids.get(&op.id) {
            Some(&first) => Some(encode(&ops[first])?.hash),
            None => tx
                .query_opt(&select_hash, &[&op.id.to_string()])
                .await?
                .map(|row| row.try_get(0))
                .transpose()?,
        };
        if let Some(earlier) = earlier {
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
        let pusher = match pushers.of(tx, op).await? {
            Ok(p) => p,
            Err(rejection) => {
                refused_records.insert(op.entity_id);
                results.push(rejection.answer(op));
                continue;
            }
        };
        records.load(tx, pusher.scope, op.entity_id).await?;
        let town = match town_of_op(records.town(&op.entity_id), pusher.scope) {
            Ok(town) => town,
            Err(rejection) => {
                refused_records.insert(op.entity_id);
                results.push(rejection.answer(op));
                continue;
            }
        };
        let person = load_surveyed_person(tx, records, town, op).await?;
        load_scored_candidate(tx, records, town, op).await?;
        let ctx = sync_policy::Context {
            account: &pusher.account,
            time,
            current: records.get(&op.entity_id),
            person: person.as_ref(),
        };
        let admitted = match sync_policy::admit(ctx, op) {
            Err(rejection) => Err(rejection),
            Ok(applied) => {
                let current = records.get(&op.entity_id);
                let sheet = match sync_policy::new_sheet_candidate(current, &applied.record) {
                    None => Ok(()),
                    Some(candidate_id) => {
                        let candidate = records
                            .get_in(town, &candidate_id)
                            .filter(|r| r.entity == EntityKind::Candidate && !r.is_deleted())
                            .and_then(|r| r.to_typed().ok());
                        let sheets =
                            live_referring_to(tx, records, town, "candidate_id", candidate_id)
                                .await?;
                        sync_policy::check_sheet(&applied.record, candidate.as_ref()).and_then(
                            |()| sync_policy::check_sheet_unique(&applied.record, &sheets),
                        )
                    }
                };
                match sheet {
                    Err(rejection) => Err(rejection),
                    Ok(()) => match sync_policy::needs_uniqueness_check(current, &applied.record) {
                        None => Ok(applied),
                        Some(key) => {
                            let others =
                                live_referring_to(tx, records, town, "person_id", key.person_id)
                                    .await?;
                            let campaign = campaign_in_force(tx, records, town).await?;
                            sync_policy::check_candidacy(&applied.record, &campaign, &others)
                                .map(|()| applied)
                        }
                    },
                }
            }
        };
        let applied = match admitted {
            Ok(applied) => applied,
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
        records.set(applied.record, town);
        accepted_ids.insert(op.id, index);
        accepted.push(Accepted { index, pusher, town, conflicts: applied.conflicts });
        results.push(OpResult::accepted(op.id));
    }
    Ok((results, accepted))
}

async fn write_ops(
    tx: &Transaction<'_>,
    ops: &[Operation],
    accepted: &[Accepted],
    action: &str,
    detail_suffix: &str,
    received_at: &str,
) -> Result<(), StoreError> {
    let insert_op = tx.prepare_cached(INSERT_OP).await?;
    let insert_audit = tx.prepare_cached(INSERT_AUDIT).await?;
    let insert_conflict = tx.prepare_cached(INSERT_CONFLICT).await?;
    for Accepted { index, pusher, town, conflicts } in accepted {
        let op = &ops[*index];
        let Encoded { json, hash } = encode(op)?;
        let op_id = op.id.to_string();
        let entity_id = op.entity_id.to_string();
        tx.execute(
            &insert_op,
            &[
                &op_id,
                &hash,
                &op.entity.as_str(),
                &entity_id,
                &op.branch_id,
                &op.hlc.to_string(),
                &json,
                &received_at,
                &pusher.user_id,
                &pusher.device_row,
                town,
            ],
        )
        .await?;
        for conflict in conflicts {
            tx.execute(
                &insert_conflict,
                &[
                    &conflict.id.to_string(),
                    &conflict.entity.as_str(),
                    &conflict.entity_id.to_string(),
                    &conflict.branch_id,
                    &conflict.field,
                    &serde_json::to_string(conflict)?,
                    &now(),
                    town,
                ],
            )
            .await?;
        }
        tx.execute(
            &insert_audit,
            &[
                &received_at,
                &pusher.user_id,
                &pusher.account.username,
                &pusher.device_row,
                &pusher.device_id.to_string(),
                &action,
                &op_id,
                &op.entity.as_str(),
                &entity_id,
                &op.branch_id,
                &format!("{:?} {} field(s){detail_suffix}", op.kind, op.changes.len()),
                town,
            ],
        )
        .await?;
    }
    Ok(())
}

/// Operations after `cursor` that `account` may see, oldest first; the same answer as SQLite's
/// pull. Both statements read one snapshot (REPEATABLE READ), so "the newest sequence number"
/// is the newest of what this page could have seen. Every sequence number at or below it that
/// will ever be committed is already visible in that snapshot: see [`OPS_WRITER_LOCK`].
pub async fn pull(
    client: &mut deadpool_postgres::Client,
    scope: Scope,
    account: &Account,
    cursor: u64,
    held: &Held,
    limit: u32,
) -> Result<PullPage, StoreError> {
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let cursor_i = i64::try_from(cursor).unwrap_or(i64::MAX);
    if let Some(check) = held.check.as_deref().filter(|_| cursor > 0)
        && check_at(&tx, cursor_i).await?.as_deref() != Some(check)
    {
        return Err(StoreError::HistoryChanged);
    }
    if let Some(acked) = held.acked {
        let stmt = tx.prepare_cached("SELECT 1 FROM ops WHERE op_id = $1").await?;
        if tx.query_opt(&stmt, &[&acked.to_string()]).await?.is_none() {
            return Err(StoreError::HistoryChanged);
        }
    }
    let fetch = i64::from(limit) + 1;
    let scoped = account.role.is_branch_scoped();
    // Two statements rather than `($5 IS NULL OR town_id = $5)`, so a town's pull walks the
    // `(town_id, seq)` index whatever plan the connection caches.
    let found = match scope {
        Scope::Town(town) => {
            let stmt = tx
                .prepare_cached(
                    "SELECT seq, op_json FROM ops
                     WHERE town_id = $5 AND seq > $1
                       AND (NOT $3 OR branch_id = '' OR branch_id = ANY($4))
                     ORDER BY seq LIMIT $2",
                )
                .await?;
            tx.query(&stmt, &[&cursor_i, &fetch, &scoped, &account.branches, &town]).await?
        }
        Scope::County => {
            let stmt = tx
                .prepare_cached(
                    "SELECT seq, op_json FROM ops
                     WHERE seq > $1
                       AND (NOT $3 OR branch_id = '' OR branch_id = ANY($4))
                     ORDER BY seq LIMIT $2",
                )
                .await?;
            tx.query(&stmt, &[&cursor_i, &fetch, &scoped, &account.branches]).await?
        }
    };
    let mut rows: Vec<(i64, String)> = Vec::with_capacity(found.len());
    for row in found {
        rows.push((row.try_get(0)?, row.try_get(1)?));
    }
    let more = rows.len() as i64 > i64::from(limit);
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map_or(cursor_i, |(seq, _)| *seq)
    } else {
        let newest: i64 =
            tx.query_one("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM ops", &[]).await?.try_get(0)?;
        newest.max(cursor_i)
    };
    let cursor_check = if next > 0 { check_at(&tx, next).await? } else { None };
    tx.commit().await?;
    let ops = rows.into_iter().map(|(_, json)| json).collect();
    Ok(PullPage { ops, cursor: u64::try_from(next).unwrap_or(0), cursor_check, more })
}

/// The pull check of the operation stored at `seq`, if one is.
async fn check_at(tx: &Transaction<'_>, seq: i64) -> Result<Option<String>, StoreError> {
    let stmt = tx.prepare_cached("SELECT content_hash FROM ops WHERE seq = $1").await?;
    let hash: Option<String> =
        tx.query_opt(&stmt, &[&seq]).await?.map(|r| r.try_get(0)).transpose()?;
    Ok(hash.as_deref().map(shared::sync::cursor_check_of))
}

/// The live records of `entity` that `account` may see, oldest first.
pub async fn records(
    c: &impl GenericClient,
    scope: Scope,
    entity: EntityKind,
    account: &Account,
) -> Result<Vec<Record>, StoreError> {
    let scoped = account.role.is_branch_scoped();
    let rows = c
        .query(
            "SELECT record_json FROM records
             WHERE entity = $1 AND deleted = 0 AND ($4::BIGINT IS NULL OR town_id = $4)
               AND (NOT $2 OR branch_id = '' OR branch_id = ANY($3))
             ORDER BY ord",
            &[&entity.as_str(), &scoped, &account.branches, &scope.town()],
        )
        .await?;
    rows.iter().map(|row| Ok(serde_json::from_str(row.try_get::<_, &str>(0)?)?)).collect()
}
