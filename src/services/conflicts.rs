//! The town office's conflict review: the open conflicts (from the server when the office is
//! signed in and reachable, else this device's own copy), each titled with what a person calls
//! the record (the member's name) and the field's label; and resolving one.

use leptos::prelude::*;
use serde_json::Value;
use shared::merge::Conflict;
use shared::model::Criterion;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::ConflictEntry;

use crate::i18n::campaign as tc;
use crate::i18n::sync as t;
use crate::logic::campaign::rubric::{CRITERIA_FIELD, rubric_resolution};
use crate::logic::forms::number_text;
use crate::services::delivery;
use crate::store::Store;
use crate::sync::transport::{self, ResolveRequest};
use crate::sync::{Credentials, SyncEngine, SyncError};

/// One open conflict and its title ("林海生 · 联系电话").
#[derive(Clone, Debug, PartialEq)]
pub struct OpenConflict {
    pub conflict: Conflict,
    pub title: String,
}

/// The open conflicts and where they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    pub open: Vec<OpenConflict>,
    /// From the server (resolvable), or only this device's own copy.
    pub from_server: bool,
    /// The server holds open conflicts after these (more than the review lists at once).
    pub more: bool,
}

/// The open conflicts as `credentials` may see them: the server's list for the town office,
/// this device's own copy otherwise (or when the server cannot be reached).
pub async fn listing(store: &Store, credentials: Option<&Credentials>) -> Listing {
    let office = credentials.filter(|c| c.account.role == Role::TownOffice);
    let (entries, from_server, more) = match office {
        Some(c) => match transport::conflicts(&c.http()).await {
            Ok(pages) => (pages.entries, true, pages.more),
            Err(e) => {
                log::info!("conflicts from the server unavailable: {e}");
                (local(store).await, false, false)
            }
        },
        None => (local(store).await, false, false),
    };
    let mut open = Vec::new();
    for entry in entries.into_iter().filter(|e| !e.resolved) {
        let title = title(store, &entry.conflict).await;
        open.push(OpenConflict { conflict: entry.conflict, title });
    }
    Listing { open, from_server, more }
}

async fn local(store: &Store) -> Vec<ConflictEntry> {
    let conflicts = store.conflicts().await.unwrap_or_default();
    conflicts
        .into_iter()
        .map(|conflict| ConflictEntry {
            conflict,
            detected_at: String::new(),
            resolved: false,
            resolved_by: None,
            resolved_at: None,
        })
        .collect()
}

/// "林海生 · 联系电话": what a person calls the record, then the field's label; the record's
/// kind when this device does not hold the record.
async fn title(store: &Store, conflict: &Conflict) -> String {
    let record = store.get(conflict.entity, conflict.entity_id).await.ok().flatten();
    let name = match record {
        Some(record) => delivery::name_of(store, Some(&record)).await.ok(),
        None => None,
    };
    let name =
        name.unwrap_or_else(|| crate::i18n::branches::entity_label(conflict.entity).to_owned());
    format!("{name} · {}", crate::i18n::field_label(&conflict.field))
}

/// A conflict's value as a person reads it.
pub fn shown(value: &Value) -> String {
    match value {
        Value::Null => t::EMPTY_VALUE.to_string(),
        Value::String(s) if s.is_empty() => t::EMPTY_VALUE.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A conflict's value of `field` as a person reads it: a rubric's criteria one by one (`考核内容
/// （权重 1，满分 10）；…`), anything else as [`shown`].
pub fn shown_of(field: &str, value: &Value) -> String {
    if field == CRITERIA_FIELD
        && let Ok(criteria) = <Vec<Criterion> as serde::Deserialize>::deserialize(value)
        && !criteria.is_empty()
    {
        let shown: Vec<String> = criteria
            .iter()
            .map(|c| {
                let (weight, max) = (number_text(c.weight), number_text(c.max_score));
                tc::CRITERION_SHOWN.format(&[
                    ("label", c.label.as_str().into()),
                    ("weight", weight.as_str().into()),
                    ("max", max.as_str().into()),
                ])
            })
            .collect();
        return shown.join("；");
    }
    shown(value)
}

/// Add what `conflicts` overwrote to the values a form says were changed elsewhere and typed
/// over (`said`: field label, the other value), one line a field, the latest value.
pub fn note_overwritten(said: &mut Vec<(String, String)>, conflicts: &[Conflict]) {
    let mut latest: Vec<&Conflict> = Vec::new();
    for conflict in conflicts {
        match latest.iter_mut().find(|c| c.entity == conflict.entity && c.field == conflict.field) {
            Some(kept) if kept.loser_clock < conflict.loser_clock => *kept = conflict,
            Some(_) => {}
            None => latest.push(conflict),
        }
    }
    for conflict in latest {
        let label = crate::i18n::field_label(&conflict.field).to_owned();
        let value = shown_of(&conflict.field, &conflict.loser_value);
        said.retain(|(l, _)| *l != label);
        said.push((label, value));
    }
}

/// The chosen value becomes a local change (so every device converges on it through the normal
/// sync), then the server marks the conflict resolved.
pub async fn resolve(
    engine: SyncEngine,
    conflict: &Conflict,
    keep_winner: bool,
) -> Result<(), String> {
    let credentials =
        engine.credentials.get_untracked().ok_or_else(|| t::NOT_SIGNED_IN.to_string())?;
    let value =
        if keep_winner { conflict.winner_value.clone() } else { conflict.loser_value.clone() };
    let store = engine.store();
    let changes = if conflict.entity == EntityKind::Rubric {
        let other = if keep_winner { &conflict.loser_value } else { &conflict.winner_value };
        let record =
            store.get(conflict.entity, conflict.entity_id).await.map_err(|e| e.to_string())?;
        rubric_resolution(&conflict.field, value.clone(), other, record.as_ref())
    } else {
        vec![(conflict.field.clone(), value.clone())]
    };
    store
        .save(conflict.entity, conflict.entity_id, &conflict.branch_id, changes)
        .await
        .map_err(|e| e.to_string())?;
    engine.refresh_pending().await;
    let request = ResolveRequest { chosen: if keep_winner { "winner" } else { "loser" }, value };
    transport::resolve_conflict(&credentials.http(), conflict.id, &request)
        .await
        .map_err(|e| SyncError::from(e).to_string())
}
