//! The town's branches (支部管理): the branches and the free-text branch values of older
//! records that match none; saving a branch after the checks among the device's branches.

use std::collections::BTreeMap;

use shared::branches::{BranchRecord, Unmatched, record_counts, unmatched, validate_among};
use shared::model::Branch;
use shared::record::EntityKind;
use uuid::Uuid;

use crate::logic::campaign::typed::branch_records;
use crate::logic::session::Session;
use crate::services::campaign::{self, CampaignError};
use crate::store::Store;

/// What the screen shows.
#[derive(Clone, Debug)]
pub struct BranchOverview {
    pub branches: Vec<BranchRecord>,
    /// Records per `branch_id` value (every branch-scoped kind).
    pub counts: BTreeMap<String, usize>,
    pub unmatched: Vec<Unmatched>,
}

/// Read the branches and the `branch_id` of every branch-scoped record on the device.
pub async fn overview(store: &Store) -> Result<BranchOverview, CampaignError> {
    let branches = branch_records(&store.list(EntityKind::Branch).await?);
    let mut values: Vec<String> = Vec::new();
    for kind in EntityKind::ALL.into_iter().filter(|k| !k.is_town_wide()) {
        values.extend(store.listing(kind).await?.into_iter().map(|r| r.branch_id));
    }
    let counts = record_counts(values.iter().map(String::as_str));
    let unmatched = unmatched(&branches, values.iter().map(String::as_str));
    Ok(BranchOverview { branches, counts, unmatched })
}

/// Save branch `id` as `branch` after the checks among the device's branches (the office
/// only; the server checks the role again).
pub async fn save_branch(
    store: &Store,
    session: &Session,
    id: Uuid,
    mut branch: Branch,
) -> Result<(), CampaignError> {
    if !session.may_write(EntityKind::Branch, "") {
        return Err(CampaignError::NotAllowed);
    }
    let others = branch_records(&store.list(EntityKind::Branch).await?);
    if branch.code.trim().is_empty() {
        // Made in the app: the code is the record id, for good.
        branch.code = match others.iter().find(|(other, _)| *other == id) {
            Some((_, old)) => old.key(id),
            None => id.to_string(),
        };
    }
    branch.name = branch.name.trim().to_owned();
    campaign::check(validate_among(id, &branch, &others))?;
    campaign::save(store, session, id, "", &branch).await?;
    crate::components::branch_picker::invalidate();
    Ok(())
}

/// Retire branch `id` (or restore it: `retired` false), as stored now: only `retired` is
/// written, so a rename saved meanwhile (another office device, a pull) is kept. The screen's
/// copy of the branch is not written back.
pub async fn set_retired(
    store: &Store,
    session: &Session,
    id: Uuid,
    retired: bool,
) -> Result<(), CampaignError> {
    if !session.may_write(EntityKind::Branch, "") {
        return Err(CampaignError::NotAllowed);
    }
    let (read, mut branch) = campaign::read::<Branch>(store, id).await?;
    branch.retired = retired;
    campaign::save_fields(store, session, (id, ""), &read, &branch, &["retired"]).await?;
    crate::components::branch_picker::invalidate();
    Ok(())
}
