//! Who may write what: the author is the caller, the branch is in the caller's scope, the
//! entity kind is writable by the role, and a record never changes kind or branch.

use crate::op::{OpKind, Operation};
use crate::record::EntityKind;
use crate::roles::{Account, Role};

use super::Rejection;
use crate::message::Message;

/// The stored entity an operation targets, if it exists already.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub entity: EntityKind,
    pub branch_id: String,
}

/// Check an operation pushed by `account` against the entity it targets.
pub fn check(
    account: &Account,
    op: &Operation,
    existing: Option<&Existing>,
) -> Result<(), Rejection> {
    if op.author != account.username {
        return Err(Rejection::new(
            "author_mismatch",
            Message::new("author_mismatch").arg("author", &op.author),
        ));
    }
    if account.role == Role::CountyViewer {
        return county_filing(op, existing);
    }
    if !account.can_write(op.entity, &op.branch_id) {
        let message = if account.role == Role::CountyViewer {
            Message::new("county_read_only")
        } else if op.entity.is_office_only() {
            Message::new("town_office_only")
        } else {
            Message::new("branch_out_of_scope").arg("branch", &op.branch_id)
        };
        return Err(Rejection::new("forbidden_branch", message));
    }
    // A candidate leaves the campaign by the office's 移除, with a reason kept in its history
    // (`workflow::application`); a deletion would erase it and its history for good (the
    // earliest tombstone wins), so only the office may send one. No screen offers it to a
    // branch role.
    if op.kind == OpKind::Delete
        && op.entity == EntityKind::Candidate
        && account.role != Role::TownOffice
    {
        return Err(Rejection::new("forbidden_branch", "town_office_only"));
    }
    if !op.entity.is_town_wide() && op.branch_id.is_empty() {
        return Err(Rejection::new("missing_branch", "missing_branch"));
    }
    if let Some(existing) = existing {
        if existing.entity != op.entity {
            return Err(Rejection::new(
                "entity_mismatch",
                Message::new("entity_mismatch").label(
                    "entity",
                    "entity-kind",
                    existing.entity.as_str(),
                ),
            ));
        }
        if existing.branch_id != op.branch_id {
            return Err(Rejection::new("branch_mismatch", "branch_mismatch"));
        }
    }
    Ok(())
}

/// The fields the county's one step (县委组织部备案) changes on a candidate record.
/// (`reason` too, as the tablet sends a step with it, but it must stay as it was.)
pub const COUNTY_FILING_FIELDS: [&str; 3] = ["state", "history", "reason"];

/// A county account writes only its own step: an existing candidate's `state` and `history`
/// (which step it is, and that it starts from 镇党委审定, is the workflow rule's to check,
/// [`super::workflow::check_county_filing`]).
fn county_filing(op: &Operation, existing: Option<&Existing>) -> Result<(), Rejection> {
    let read_only = || Rejection::new("forbidden_branch", "county_files_only");
    let Some(existing) = existing else { return Err(read_only()) };
    if op.entity != EntityKind::Candidate
        || existing.entity != EntityKind::Candidate
        || existing.branch_id != op.branch_id
        || op.kind != crate::op::OpKind::Upsert
        || op.changes.is_empty()
        || op.changes.iter().any(|c| !COUNTY_FILING_FIELDS.contains(&c.field.as_str()))
    {
        return Err(read_only());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::op::OpKind;
    use uuid::Uuid;

    fn account(role: Role, branches: &[&str]) -> Account {
        Account {
            username: "u".into(),
            display_name: "U".into(),
            role,
            branches: branches.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    fn op(entity: EntityKind, branch: &str) -> Operation {
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: "u".into(),
            hlc: Hlc::new(1, 0, "d"),
            entity,
            entity_id: Uuid::now_v7(),
            branch_id: branch.into(),
            kind: OpKind::Upsert,
            changes: vec![],
        }
    }

    fn code(r: Result<(), Rejection>) -> &'static str {
        r.err().map_or("ok", |r| r.code)
    }

    #[test]
    fn rules_table() {
        let surveyor = account(Role::Surveyor, &["b1"]);
        let office = account(Role::TownOffice, &[]);
        let county = account(Role::CountyViewer, &[]);
        let b1 = Existing { entity: EntityKind::Person, branch_id: "b1".into() };
        let b2 = Existing { entity: EntityKind::Person, branch_id: "b2".into() };
        let survey_b1 = Existing { entity: EntityKind::Survey, branch_id: "b1".into() };

        let mut stranger = op(EntityKind::Person, "b1");
        stranger.author = "someone_else".into();

        let cases: Vec<(&Account, Operation, Option<&Existing>, &str)> = vec![
            (&surveyor, op(EntityKind::Person, "b1"), None, "ok"),
            (&surveyor, op(EntityKind::Person, "b1"), Some(&b1), "ok"),
            (&surveyor, op(EntityKind::Person, "b2"), None, "forbidden_branch"),
            (&surveyor, op(EntityKind::Notice, ""), None, "forbidden_branch"),
            (&surveyor, stranger, None, "author_mismatch"),
            (&county, op(EntityKind::Person, "b1"), None, "forbidden_branch"),
            (&office, op(EntityKind::Person, ""), None, "missing_branch"),
            (&office, op(EntityKind::Notice, ""), None, "ok"),
            (&office, op(EntityKind::Person, "b1"), Some(&b2), "branch_mismatch"),
            (&surveyor, op(EntityKind::Person, "b1"), Some(&survey_b1), "entity_mismatch"),
        ];
        for (i, (who, o, existing, expected)) in cases.into_iter().enumerate() {
            assert_eq!(code(check(who, &o, existing)), expected, "case {i}");
        }
    }
}
