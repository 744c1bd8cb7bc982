//! Branches (党支部/党总支) as the office keeps them and as forms offer them.
//!
//! A branch's **code** ([`Branch::key`]) is the `branch_id` string its records carry and that
//! account scopes name. A branch made in the app gets its record id as code; one adopted from
//! an old free-text value keeps that text as code, so records and account scopes that already
//! carry the text belong to it with nothing rewritten. Renaming changes the name only;
//! retiring keeps the branch (its records still show its name) but a form no longer offers it.

use std::collections::{BTreeMap, HashSet};

use uuid::Uuid;

use crate::message::Message;
use crate::model::Branch;
use crate::record::EntityKind;
use crate::roles::Account;
use crate::validate::{FieldError, validate_branch};

/// A branch record as the tablet holds it: its record id and the typed branch.
pub type BranchRecord = (Uuid, Branch);

/// How an option of a branch picker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionState {
    /// An active branch the account may write.
    Active,
    /// A code the account's scope names that no branch record has (yet): the server accepts
    /// it, and the office can adopt it as a branch.
    Scope,
    /// The record's current value: a retired branch.
    Retired,
    /// The record's current value: a branch outside the account's scope.
    OutOfScope,
    /// The record's current value: matches no branch record.
    Unknown,
}

/// One option of a branch picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchOption {
    /// The value written into `branch_id`.
    pub code: String,
    /// The branch's name (or the code when no branch record names it).
    pub name: String,
    pub state: OptionState,
}

/// Find the branch whose code is `code`.
pub fn by_code<'a>(branches: &'a [BranchRecord], code: &str) -> Option<&'a BranchRecord> {
    branches.iter().find(|(id, b)| b.key(*id) == code)
}

/// The name to show for `code`: the branch's name, or the code itself.
pub fn name_of(branches: &[BranchRecord], code: &str) -> String {
    match by_code(branches, code) {
        Some((_, b)) if !b.name.trim().is_empty() => b.name.clone(),
        _ => code.to_owned(),
    }
}

/// What a branch picker offers a form whose value is now `current`.
///
/// * Signed in (`account` is `Some`): the active branches the account may write `entity`
///   records of, then the codes its scope names that have no branch record;
/// * signed out (`None`): every active branch known on this device;
/// * and, if `current` is none of those, `current` itself (retired, out of scope or unknown),
///   so opening a record never silently changes its branch.
///
/// Sorted by name; the current value's extra option comes first.
pub fn picker_options(
    account: Option<&Account>,
    entity: EntityKind,
    branches: &[BranchRecord],
    current: &str,
) -> Vec<BranchOption> {
    let mut options: Vec<BranchOption> = branches
        .iter()
        .filter(|(_, b)| !b.retired)
        .map(|(id, b)| (b.key(*id), b))
        .filter(|(code, _)| account.is_none_or(|a| a.can_write(entity, code)))
        .map(|(code, b)| BranchOption {
            name: if b.name.trim().is_empty() { code.clone() } else { b.name.clone() },
            code,
            state: OptionState::Active,
        })
        .collect();
    crate::order::sort_by(&mut options, |a, b| {
        a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code))
    });
    if let Some(account) = account.filter(|a| a.role.is_branch_scoped()) {
        let mut seen: HashSet<String> = HashSet::new();
        for code in &account.branches {
            let code = code.trim();
            if code.is_empty() || by_code(branches, code).is_some() || !seen.insert(code.into()) {
                continue;
            }
            if account.can_write(entity, code) {
                options.push(BranchOption {
                    code: code.to_owned(),
                    name: code.to_owned(),
                    state: OptionState::Scope,
                });
            }
        }
    }
    let current = current.trim();
    if !current.is_empty() && !options.iter().any(|o| o.code == current) {
        let (name, state) = match by_code(branches, current) {
            Some((_, b)) if b.retired => (name_of(branches, current), OptionState::Retired),
            Some(_) => (name_of(branches, current), OptionState::OutOfScope),
            None => (current.to_owned(), OptionState::Unknown),
        };
        options.insert(0, BranchOption { code: current.to_owned(), name, state });
    }
    options
}

/// The branch a new record starts with: the only one a branch-scoped account may write.
pub fn preselect(account: Option<&Account>, options: &[BranchOption]) -> Option<String> {
    account.filter(|a| a.role.is_branch_scoped())?;
    match options {
        [only] if matches!(only.state, OptionState::Active | OptionState::Scope) => {
            Some(only.code.clone())
        }
        _ => None,
    }
}

/// A `branch_id` value that no branch record's code matches, with how many records carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    pub value: String,
    pub records: usize,
}

/// The distinct `branch_id` values of `record_branches` that match no branch code (retired
/// branches included), most used first. Empty values (town-wide records) are not listed.
pub fn unmatched<'a>(
    branches: &[BranchRecord],
    record_branches: impl IntoIterator<Item = &'a str>,
) -> Vec<Unmatched> {
    let codes: HashSet<String> = branches.iter().map(|(id, b)| b.key(*id)).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for value in record_branches {
        if !value.trim().is_empty() && !codes.contains(value) {
            *counts.entry(value).or_default() += 1;
        }
    }
    let mut out: Vec<Unmatched> =
        counts.into_iter().map(|(v, n)| Unmatched { value: v.to_owned(), records: n }).collect();
    crate::order::sort_by(&mut out, |a, b| {
        b.records.cmp(&a.records).then_with(|| a.value.cmp(&b.value))
    });
    out
}

/// How many of `record_branches` carry each code.
pub fn record_counts<'a>(
    record_branches: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for value in record_branches {
        *counts.entry(value.to_owned()).or_default() += 1;
    }
    counts
}

/// Check branch `id` as it would be saved, among the `others` the device holds (which may
/// include its own old version): the form rules of [`validate_branch`], a name no other
/// active branch has, and a code no other branch has.
pub fn validate_among(id: Uuid, branch: &Branch, others: &[BranchRecord]) -> Vec<FieldError> {
    let mut errors = validate_branch(branch);
    let name = branch.name.trim();
    let code = branch.key(id);
    let others = || others.iter().filter(|(other, _)| *other != id);
    if !branch.retired
        && !name.is_empty()
        && others().any(|(_, b)| !b.retired && b.name.trim() == name)
    {
        errors.push(FieldError::new("name", Message::new("branch_name_taken").arg("name", name)));
    }
    if others().any(|(other, b)| b.key(*other) == code) {
        errors.push(FieldError::new("code", Message::new("branch_code_taken").arg("code", code)));
    }
    errors
}

/// A new branch made in the app: its code is its record id.
pub fn new_branch(id: Uuid, name: &str) -> Branch {
    Branch { name: name.trim().to_owned(), code: id.to_string(), ..Default::default() }
}

/// A branch adopted from a free-text `branch_id` value: its code is that value, so every
/// record and account scope carrying it belongs to the branch with nothing rewritten.
pub fn adopt(value: &str) -> Branch {
    Branch { name: value.trim().to_owned(), code: value.to_owned(), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BranchKind;
    use crate::roles::Role;

    fn account(role: Role, branches: &[&str]) -> Account {
        Account {
            username: "u".into(),
            display_name: "U".into(),
            role,
            branches: branches.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn branch(name: &str, code: &str, retired: bool) -> Branch {
        Branch {
            name: name.into(),
            code: code.into(),
            kind: Some(BranchKind::Village),
            retired,
            ..Default::default()
        }
    }

    fn town() -> Vec<BranchRecord> {
        vec![
            (id(1), branch("东沙村党支部", "东沙村党支部", false)),
            (id(2), branch("西沙村党支部", "", false)),
            (id(3), branch("老码头支部", "laomatou", true)),
            (id(4), branch("水产公司党支部", "shuichan", false)),
        ]
    }

    fn codes(options: &[BranchOption]) -> Vec<(&str, OptionState)> {
        options.iter().map(|o| (o.code.as_str(), o.state)).collect()
    }

    #[test]
    fn the_key_is_the_code_else_the_record_id() {
        let t = town();
        assert_eq!(t[0].1.key(t[0].0), "东沙村党支部");
        assert_eq!(t[1].1.key(t[1].0), id(2).to_string(), "an older branch record has no code");
        assert_eq!(name_of(&t, &id(2).to_string()), "西沙村党支部");
        assert_eq!(name_of(&t, "laomatou"), "老码头支部", "a retired branch keeps its name");
        assert_eq!(name_of(&t, "nowhere"), "nowhere");
    }

    #[test]
    fn a_surveyor_is_offered_the_active_branches_of_their_scope() {
        let t = town();
        let surveyor = account(Role::Surveyor, &["东沙村党支部", "laomatou", "新村"]);
        let options = picker_options(Some(&surveyor), EntityKind::Person, &t, "");
        assert_eq!(
            codes(&options),
            [("东沙村党支部", OptionState::Active), ("新村", OptionState::Scope)],
            "retired branches are not offered; a scope with no branch record is"
        );
        assert_eq!(preselect(Some(&surveyor), &options), None, "two choices: none preselected");

        let one = account(Role::Surveyor, &["东沙村党支部"]);
        let options = picker_options(Some(&one), EntityKind::Person, &t, "");
        assert_eq!(preselect(Some(&one), &options).as_deref(), Some("东沙村党支部"));
    }

    #[test]
    fn the_office_and_signed_out_devices_see_every_active_branch() {
        let t = town();
        let office = account(Role::TownOffice, &[]);
        let all = ["shuichan", "东沙村党支部"];
        let options = picker_options(Some(&office), EntityKind::Person, &t, "");
        assert_eq!(options.len(), 3);
        assert_eq!(preselect(Some(&office), &options), None, "the office always chooses");
        let signed_out = picker_options(None, EntityKind::Person, &t, "");
        assert_eq!(signed_out, options);
        assert!(all.iter().all(|c| options.iter().any(|o| o.code == *c)));
        // A county viewer may write nothing: nothing is offered.
        let county = account(Role::CountyViewer, &[]);
        assert!(picker_options(Some(&county), EntityKind::Person, &t, "").is_empty());
    }

    #[test]
    fn a_records_current_value_is_kept_and_named_for_what_it_is() {
        let t = town();
        let surveyor = account(Role::Surveyor, &["东沙村党支部"]);
        let first = |current: &str| {
            let o = picker_options(Some(&surveyor), EntityKind::Person, &t, current);
            (o[0].code.clone(), o[0].name.clone(), o[0].state, o.len())
        };
        assert_eq!(
            first("laomatou"),
            ("laomatou".into(), "老码头支部".into(), OptionState::Retired, 2)
        );
        assert_eq!(
            first("东沙村支布"),
            ("东沙村支布".into(), "东沙村支布".into(), OptionState::Unknown, 2)
        );
        assert_eq!(
            first("shuichan"),
            ("shuichan".into(), "水产公司党支部".into(), OptionState::OutOfScope, 2)
        );
        assert_eq!(first("东沙村党支部").2, OptionState::Active);
        assert_eq!(first("东沙村党支部").3, 1, "no extra option for a value on the list");
        let options = picker_options(Some(&surveyor), EntityKind::Person, &t, "laomatou");
        assert_eq!(
            preselect(Some(&surveyor), &options),
            None,
            "an existing value is never replaced"
        );
    }

    #[test]
    fn unmatched_values_are_counted_most_used_first() {
        let t = town();
        let values = ["东沙村党支部", "东沙村支布", "", "渔业村", "渔业村", "laomatou", "渔业村"];
        let found = unmatched(&t, values);
        assert_eq!(
            found,
            [
                Unmatched { value: "渔业村".into(), records: 3 },
                Unmatched { value: "东沙村支布".into(), records: 1 },
            ]
        );
        // Adopting a value makes it a code: it is no longer unmatched.
        let mut adopted = t.clone();
        adopted.push((id(9), adopt("渔业村")));
        assert_eq!(unmatched(&adopted, values).len(), 1);
        assert_eq!(record_counts(values)["渔业村"], 3);
    }

    #[test]
    fn names_are_unique_among_active_branches_and_codes_unique() {
        let t = town();
        let mut b = new_branch(id(7), "东沙村党支部");
        b.kind = Some(BranchKind::Village);
        let errors = validate_among(id(7), &b, &t);
        assert!(crate::validate::has_error(&errors, "name"), "{errors:?}");
        // A retired branch's name may be used again.
        let mut again = new_branch(id(7), "老码头支部");
        again.kind = Some(BranchKind::Village);
        assert!(validate_among(id(7), &again, &t).is_empty());
        // Renaming a branch to its own name is no clash.
        assert!(validate_among(id(1), &t[0].1, &t).is_empty());
        // An adopted value cannot be adopted twice.
        let mut twice = adopt("东沙村党支部");
        twice.name = "东沙村党总支".into();
        twice.kind = Some(BranchKind::Village);
        assert!(crate::validate::has_error(&validate_among(id(8), &twice, &t), "code"));
        // Name and kind are required.
        let empty = validate_among(id(9), &Branch::default(), &t);
        assert!(
            crate::validate::has_error(&empty, "name")
                && crate::validate::has_error(&empty, "kind")
        );
    }

    #[test]
    fn old_branch_records_decode_with_the_new_fields_defaulted() {
        let old: Branch =
            serde_json::from_value(serde_json::json!({"name": "东沙村", "kind": "village"}))
                .unwrap();
        assert_eq!((old.code.as_str(), old.village_unit.as_str(), old.retired), ("", "", false));
    }
}
