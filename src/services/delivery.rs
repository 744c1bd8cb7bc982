//! The delivery state of every record made or changed on this tablet (`shared::delivery`),
//! gathered from the store: the 待发送 screen's rows, the people list's and a profile's badges,
//! and the branch a refused record is resubmitted in.

use crate::i18n::Localized as _;
use std::collections::{BTreeMap, BTreeSet};

use shared::delivery::{DeliveryFacts, DeliveryState, RecordKey};
use shared::model::SurveyStatus;
use shared::record::{EntityKind, ListedRecord, Record};
use uuid::Uuid;

use crate::i18n;
use crate::logic::route::Route;
use crate::store::{Store, StoreError};
use crate::sync::RejectedOp;
use crate::sync::rejected;
use shared::order::CollectOrdered as _;

/// Everything the tablet knows about delivery right now.
pub async fn facts(store: &Store) -> Result<DeliveryFacts, StoreError> {
    facts_with(store, &store.listing(EntityKind::Survey).await?).await
}

/// [`facts`] from the surveys the caller has already read (the people list reads them anyway).
pub async fn facts_with(
    store: &Store,
    surveys: &[ListedRecord],
) -> Result<DeliveryFacts, StoreError> {
    let mut refused = rejected::refused_records(&rejected::list(store).await?);
    let to_send = store.records_to_send().await?;
    refused.extend(to_send.photo_refusals.keys().copied());
    let conflicted: BTreeSet<RecordKey> =
        store.conflicts().await?.into_iter().map(|c| (c.entity, c.entity_id)).collect_set();
    let author = store.author();
    // A survey known only from another tablet's file is that tablet's draft, not this one's.
    let from_file = store.from_file().await?;
    let drafts: BTreeSet<RecordKey> = surveys
        .iter()
        .filter(|s| !from_file.contains(&(EntityKind::Survey, s.id)))
        .filter(|s| {
            let status = s.fields.get("status").and_then(|v| v.as_str()).unwrap_or_default();
            let surveyor = s.fields.get("surveyor").and_then(|v| v.as_str()).unwrap_or_default();
            status != SurveyStatus::Final.as_str() && (surveyor.is_empty() || surveyor == author)
        })
        .map(|s| (EntityKind::Survey, s.id))
        .collect_set();
    Ok(DeliveryFacts { queued: to_send.records, refused, conflicted, drafts, from_file })
}

/// One line of the 待发送 screen.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryRow {
    pub entity: EntityKind,
    pub id: Uuid,
    pub state: DeliveryState,
    /// "调查摸底表"
    pub kind: &'static str,
    /// The member's name (or what the record is called), never an id.
    pub name: String,
    /// Where to fix it.
    pub href: String,
    /// For a refused record: the reasons, in the server's (or the tablet's) words.
    pub reasons: Vec<String>,
    /// For a refused record: the labels of the fields its refused changes touched.
    pub fields: Vec<&'static str>,
    /// Refused by the tablet's own check (never sent).
    pub on_tablet: bool,
    /// For a record saved and not sent yet: what it waits for besides the next sync.
    pub waits_for: Option<WaitsFor>,
    /// For a refused record: changes of it were refused (not only a photo).
    pub changes_refused: bool,
    /// For a refused record: a photo it shows was refused for good (the reason is among
    /// `reasons`); taking the photo off the record, or resubmitting, mends it.
    pub photos_refused: bool,
}

/// What a record 已保存待发送 waits for besides the next sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitsFor {
    /// Saved before 所在支部 was chosen: held until it is (`sync::plan::hold_back`).
    Branch,
    /// Every change sent; a photo it shows is not at the server yet.
    Photos,
}

/// Every record not yet 已送达, grouped in the order a person should deal with them.
pub async fn rows(store: &Store) -> Result<Vec<DeliveryRow>, StoreError> {
    let facts = facts(store).await?;
    let kept = rejected::list(store).await?;
    let queued = store.outbox_all().await?;
    let photos = store.photo_records(&queued).await?;
    let mut out = Vec::new();
    for (state, keys) in facts.not_delivered() {
        for (entity, id) in keys {
            let record = store.get(entity, id).await?;
            let refusals: Vec<&RejectedOp> = kept.iter().filter(|r| r.op.entity_id == id).collect();
            let mut row = row(store, entity, id, state, record.as_ref(), &refusals).await?;
            if let Some(said) =
                photos.refused.get(&(entity, id)).filter(|_| state == DeliveryState::Refused)
            {
                row.reasons.extend(said.iter().map(|words| i18n::outbox::photo_refused(words)));
                row.fields.push(i18n::PHOTOS.get());
                row.photos_refused = true;
            }
            if state == DeliveryState::Pending {
                let mut own = queued.iter().map(|e| &e.op).filter(|op| op.entity_id == id);
                row.waits_for =
                    if own.clone().any(|op| op.branch_id.is_empty() && !entity.is_town_wide()) {
                        Some(WaitsFor::Branch)
                    } else if own.next().is_none() && photos.waiting.contains(&(entity, id)) {
                        Some(WaitsFor::Photos)
                    } else {
                        None
                    };
            }
            out.push(row);
        }
    }
    Ok(out)
}

async fn row(
    store: &Store,
    entity: EntityKind,
    id: Uuid,
    state: DeliveryState,
    record: Option<&Record>,
    refusals: &[&RejectedOp],
) -> Result<DeliveryRow, StoreError> {
    let mut reasons: Vec<String> = Vec::new();
    let mut fields: Vec<&'static str> = Vec::new();
    for r in refusals {
        let reason = r.reason();
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
        for change in &r.op.changes {
            let label = i18n::field_label(&change.field);
            if !fields.contains(&label) {
                fields.push(label);
            }
        }
    }
    Ok(DeliveryRow {
        entity,
        id,
        state,
        kind: entity.localized(),
        name: name_of(store, record).await?,
        href: href_of(entity, id, record),
        reasons,
        fields,
        on_tablet: refusals.iter().any(|r| r.on_tablet),
        waits_for: None,
        changes_refused: !refusals.is_empty(),
        photos_refused: false,
    })
}

/// What a person calls the record: the member's name for people and everything about a member,
/// else the record's own name or title.
pub async fn name_of(store: &Store, record: Option<&Record>) -> Result<String, StoreError> {
    let Some(record) = record else {
        return Ok(i18n::RECORD_GONE.to_string());
    };
    if record.entity == EntityKind::Rubric {
        // A category's rubric: the category's name.
        use crate::i18n::Localized as _;
        let category = shared::model::Category::parse(record.str_field("category"));
        return Ok(category.map_or_else(|| i18n::UNNAMED.to_string(), |c| c.localized().to_owned()));
    }
    let own = ["name", "title"].iter().map(|f| record.str_field(f).trim()).find(|v| !v.is_empty());
    if record.entity == EntityKind::Person || own.is_some() && record.entity != EntityKind::Survey {
        return Ok(own.map_or_else(|| i18n::UNNAMED.to_string(), str::to_owned));
    }
    let person = Uuid::parse_str(record.str_field("person_id")).ok();
    let name = match person {
        Some(p) => {
            store.get(EntityKind::Person, p).await?.map(|r| r.str_field("name").trim().to_owned())
        }
        None => None,
    };
    Ok(name.filter(|n| !n.is_empty()).unwrap_or_else(|| i18n::UNNAMED.to_string()))
}

fn href_of(entity: EntityKind, id: Uuid, record: Option<&Record>) -> String {
    match entity {
        EntityKind::Survey => Route::Survey(id).href(),
        EntityKind::Person => Route::Person(id).href(),
        _ => match record.and_then(|r| Uuid::parse_str(r.str_field("person_id")).ok()) {
            Some(person) => Route::Person(person).href(),
            None => Route::Outbox.href(),
        },
    }
}

/// The branch a refused record is resubmitted in: the branch its form names now (a person's
/// 所在支部, a survey's member's), else the one it was saved in.
pub async fn branch_for_resubmit(
    store: &Store,
    entity: EntityKind,
    id: Uuid,
) -> Result<String, StoreError> {
    let record = store.get(entity, id).await?.ok_or(StoreError::NotFound)?;
    let own = record.str_field("branch_id").trim().to_owned();
    if !own.is_empty() {
        return Ok(own);
    }
    if let Ok(person) = Uuid::parse_str(record.str_field("person_id"))
        && let Some(p) = store.get(EntityKind::Person, person).await?
    {
        let branch = p.str_field("branch_id").trim();
        if !branch.is_empty() {
            return Ok(branch.to_owned());
        }
    }
    Ok(record.branch_id)
}

/// The delivery state of every record of `entity` that is not 已送达 (the people list's badges).
pub async fn states(store: &Store) -> Result<BTreeMap<RecordKey, DeliveryState>, StoreError> {
    states_with(store, &store.listing(EntityKind::Survey).await?).await
}

/// [`states`] from the surveys the caller has already read.
pub async fn states_with(
    store: &Store,
    surveys: &[ListedRecord],
) -> Result<BTreeMap<RecordKey, DeliveryState>, StoreError> {
    Ok(facts_with(store, surveys)
        .await?
        .not_delivered()
        .into_iter()
        .flat_map(|(s, keys)| keys.into_iter().map(move |k| (k, s)))
        .collect_map())
}

/// What the server would answer to a change of `entity` in `branch_id` by `account`, if it would
/// refuse it (`shared::policy`, the server's own rule and words); `None` when it would pass or
/// no branch is chosen yet (the form asks for one).
pub fn refusal_for(
    account: &shared::roles::Account,
    entity: EntityKind,
    branch_id: &str,
) -> Option<String> {
    if branch_id.trim().is_empty() && !entity.is_town_wide() {
        return None;
    }
    crate::sync::plan::would_refuse(account, entity, Uuid::nil(), branch_id, js_sys::Date::now())
        .err()
        .map(|r| crate::logic::validation::words(&r.message))
}
