//! Who may see and do what: roles, branch scope and personal-data redaction.

use serde::{Deserialize, Serialize};

use crate::op::Operation;
use crate::record::{EntityKind, Record};

/// The four kinds of account (issue #3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 调查员: surveys people of their own branches.
    Surveyor,
    /// 支部书记: runs a branch; passes applications up.
    BranchSecretary,
    /// 镇组织办: the town organisation office; sees and decides everything in the town.
    TownOffice,
    /// 县委组织部 (read-only): sees the town's progress, files approved candidates.
    CountyViewer,
}

impl Role {
    pub const ALL: [Role; 4] =
        [Role::Surveyor, Role::BranchSecretary, Role::TownOffice, Role::CountyViewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Surveyor => "surveyor",
            Role::BranchSecretary => "branch_secretary",
            Role::TownOffice => "town_office",
            Role::CountyViewer => "county_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Surveyor => "调查员",
            Role::BranchSecretary => "支部书记",
            Role::TownOffice => "镇组织办",
            Role::CountyViewer => "县委组织部",
        }
    }

    /// Whether the role changes anything at all (the county viewer only reads).
    pub fn writes(self) -> bool {
        self != Role::CountyViewer
    }

    /// Roles limited to the branches listed on their account.
    pub fn is_branch_scoped(self) -> bool {
        matches!(self, Role::Surveyor | Role::BranchSecretary)
    }

    /// Whether phone and ID numbers reach this role at all (DOMAIN.md: personal data is seen
    /// only by those whose role and branch allow it).
    pub fn sees_personal_data(self) -> bool {
        !matches!(self, Role::CountyViewer)
    }
}

/// A signed-in account, as the server sends it to the tablet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Branch ids this account works in (ignored for town-wide roles).
    #[serde(default)]
    pub branches: Vec<String>,
}

impl Account {
    /// May this account see records of `branch_id` (empty: a town-wide record)?
    pub fn can_see_branch(&self, branch_id: &str) -> bool {
        branch_id.is_empty()
            || !self.role.is_branch_scoped()
            || self.branches.iter().any(|b| b == branch_id)
    }

    /// May this account write `entity` records of `branch_id`?
    pub fn can_write(&self, entity: EntityKind, branch_id: &str) -> bool {
        match self.role {
            Role::CountyViewer => false,
            Role::TownOffice => true,
            Role::Surveyor | Role::BranchSecretary => {
                !entity.is_office_only() && !branch_id.is_empty() && self.can_see_branch(branch_id)
            }
        }
    }
}

/// Fields that hold personal data, per entity.
pub fn personal_fields(entity: EntityKind) -> &'static [&'static str] {
    match entity {
        EntityKind::Person => &["phone", "id_number"],
        _ => &[],
    }
}

/// Remove personal fields from an operation before it goes to a role that may not see them.
pub fn redact_op(op: &mut Operation, role: Role) {
    if !role.sees_personal_data() {
        let hidden = personal_fields(op.entity);
        op.changes.retain(|c| !hidden.contains(&c.field.as_str()));
    }
}

/// Remove personal fields from a record before it goes to a role that may not see them.
pub fn redact_record(record: &mut Record, role: Role) {
    if !role.sees_personal_data() {
        for field in personal_fields(record.entity) {
            record.fields.remove(*field);
            record.meta.remove(*field);
            record.earlier.remove(*field);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, branches: &[&str]) -> Account {
        Account {
            username: "u".into(),
            display_name: "U".into(),
            role,
            branches: branches.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    #[test]
    fn branch_scope_per_role() {
        let surveyor = account(Role::Surveyor, &["b1"]);
        assert!(surveyor.can_see_branch("b1"));
        assert!(!surveyor.can_see_branch("b2"));
        assert!(surveyor.can_see_branch(""), "town-wide records reach everyone");
        assert!(surveyor.can_write(EntityKind::Person, "b1"));
        assert!(!surveyor.can_write(EntityKind::Person, "b2"));
        assert!(!surveyor.can_write(EntityKind::Notice, ""), "only the office publishes notices");

        let office = account(Role::TownOffice, &[]);
        assert!(office.can_see_branch("b9") && office.can_write(EntityKind::Rubric, ""));

        let county = account(Role::CountyViewer, &[]);
        assert!(county.can_see_branch("b9"));
        assert!(!county.can_write(EntityKind::Person, "b9"));
    }

    #[test]
    fn personal_data_is_removed_for_county_viewers_only() {
        use crate::hlc::Hlc;
        use crate::op::{FieldChange, OpKind};
        let op = Operation {
            id: uuid::Uuid::now_v7(),
            device_id: uuid::Uuid::nil(),
            author: "a".into(),
            hlc: Hlc::new(1, 0, "d"),
            entity: EntityKind::Person,
            entity_id: uuid::Uuid::now_v7(),
            branch_id: "b1".into(),
            kind: OpKind::Upsert,
            changes: ["name", "phone", "id_number"]
                .iter()
                .map(|f| FieldChange { field: (*f).into(), value: "x".into(), base: None })
                .collect(),
        };
        let mut for_office = op.clone();
        redact_op(&mut for_office, Role::TownOffice);
        assert_eq!(for_office.changes.len(), 3);
        let mut for_county = op;
        redact_op(&mut for_county, Role::CountyViewer);
        let fields: Vec<_> = for_county.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name"]);
    }
}
