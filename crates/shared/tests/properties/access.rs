//! Access and redaction (`shared::roles`, `shared::policy::access`) against an independent model
//! written from DOMAIN.md and the role descriptions: every role × entity × record branch ×
//! account branch list, exhaustively, then random accounts, names and field sets.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::merge::apply;
use shared::op::{FieldChange, OpKind, Operation};
use shared::policy::{Existing, check};
use shared::record::{EntityKind, Record};
use shared::roles::{Account, Role, redact_op, redact_record};
use uuid::Uuid;

/// The model's own list of town-wide kinds (settings, notices, branches, demonstration bases):
/// every account sees them and only the town office writes them.
const TOWN_WIDE: [EntityKind; 5] = [
    EntityKind::Notice,
    EntityKind::Campaign,
    EntityKind::Rubric,
    EntityKind::Branch,
    EntityKind::Base,
];

/// Personal data (DOMAIN.md: phones and ID numbers) lives on people only.
fn personal(entity: EntityKind, field: &str) -> bool {
    entity == EntityKind::Person && matches!(field, "phone" | "id_number")
}

/// Who sees records of `branch` ("" for town-wide): the office and the county everything,
/// surveyors and secretaries their own branches.
fn model_sees(role: Role, branches: &[String], branch: &str) -> bool {
    match role {
        Role::TownOffice | Role::CountyViewer => true,
        Role::Surveyor | Role::BranchSecretary => {
            branch.is_empty() || branches.iter().any(|b| b == branch)
        }
    }
}

/// Who writes `entity` records of `branch`: the county nothing (read-only), the office all,
/// surveyors and secretaries branch records of their own branches but score sheets (the town
/// scores).
fn model_writes(role: Role, branches: &[String], entity: EntityKind, branch: &str) -> bool {
    match role {
        Role::CountyViewer => false,
        Role::TownOffice => true,
        Role::Surveyor | Role::BranchSecretary => {
            !TOWN_WIDE.contains(&entity)
                && entity != EntityKind::Assessment
                && !branch.is_empty()
                && branches.iter().any(|b| b == branch)
        }
    }
}

/// Whether phones and ID numbers reach the role: all but the county.
fn model_sees_personal(role: Role) -> bool {
    role != Role::CountyViewer
}

/// The first rule `access::check` must refuse with, in its documented order (author, scope,
/// branch present, no kind or branch move), or "ok".
fn model_check(
    account: &Account,
    author: &str,
    entity: EntityKind,
    branch: &str,
    existing: Option<(EntityKind, &str)>,
) -> &'static str {
    if author != account.username {
        return "author_mismatch";
    }
    if !model_writes(account.role, &account.branches, entity, branch) {
        return "forbidden_branch";
    }
    if !TOWN_WIDE.contains(&entity) && branch.is_empty() {
        return "missing_branch";
    }
    match existing {
        Some((kind, _)) if kind != entity => "entity_mismatch",
        Some((_, b)) if b != branch => "branch_mismatch",
        _ => "ok",
    }
}

const BRANCHES: [&str; 4] = ["", "b1", "b2", "东沙村支部"];
const ACCOUNT_BRANCHES: [&[&str]; 4] = [&[], &["b1"], &["b1", "东沙村支部"], &["b2"]];

fn account(role: Role, branches: &[&str]) -> Account {
    Account {
        username: "zhang".into(),
        display_name: "张".into(),
        role,
        branches: branches.iter().map(|b| (*b).to_owned()).collect(),
    }
}

fn op(author: &str, entity: EntityKind, branch: &str, changes: &[(&str, Value)]) -> Operation {
    Operation {
        id: Uuid::from_u128(1),
        device_id: Uuid::nil(),
        author: author.into(),
        hlc: Hlc::new(10, 0, "d"),
        entity,
        entity_id: Uuid::from_u128(2),
        branch_id: branch.into(),
        kind: OpKind::Upsert,
        changes: changes
            .iter()
            .map(|(f, v)| FieldChange { field: (*f).into(), value: v.clone(), base: None })
            .collect(),
    }
}

const FIELDS: [&str; 5] = ["name", "phone", "id_number", "notes", "village_unit"];

/// Every role × entity × record branch × account branch list × existing record.
#[test]
fn every_role_entity_and_branch_matches_the_model() {
    let mut cases = 0;
    for role in Role::ALL {
        for branches in ACCOUNT_BRANCHES {
            let acc = account(role, branches);
            for entity in EntityKind::ALL {
                for branch in BRANCHES {
                    assert_eq!(acc.can_see_branch(branch), model_sees(role, &acc.branches, branch));
                    assert_eq!(
                        acc.can_write(entity, branch),
                        model_writes(role, &acc.branches, entity, branch),
                        "{role:?} {branches:?} writes {entity} of {branch:?}"
                    );
                    let existing_kinds = [None, Some(entity), Some(EntityKind::Survey)];
                    for author in ["zhang", "li"] {
                        for kind in existing_kinds {
                            for existing_branch in ["b1", ""] {
                                let existing = kind.map(|k| (k, existing_branch));
                                let stored = existing
                                    .map(|(k, b)| Existing { entity: k, branch_id: b.into() });
                                let o = op(author, entity, branch, &[]);
                                let got =
                                    check(&acc, &o, stored.as_ref()).err().map_or("ok", |r| r.code);
                                let want = model_check(&acc, author, entity, branch, existing);
                                assert_eq!(
                                    got, want,
                                    "{role:?} {branches:?} {author} {entity} {branch:?} over {existing:?}"
                                );
                                cases += 1;
                            }
                        }
                    }
                    // Redaction of an op and of the record it makes, with every field set.
                    let changes: Vec<(&str, Value)> =
                        FIELDS.iter().map(|f| (*f, json!(format!("secret-{f}")))).collect();
                    check_redaction(role, &op("zhang", entity, branch, &changes));
                }
            }
        }
    }
    assert_eq!(cases, 4 * 4 * 14 * 4 * 2 * 3 * 2);
}

/// Redacting `o` for `role` keeps exactly the fields the model lets it see, untouched and in
/// order, in the op and in a record built from it (values, clocks and earlier writes); nothing
/// else of the op or record changes.
fn check_redaction(role: Role, o: &Operation) {
    let keep = |field: &str| model_sees_personal(role) || !personal(o.entity, field);
    let mut redacted = o.clone();
    redact_op(&mut redacted, role);
    let expected: Vec<&FieldChange> = o.changes.iter().filter(|c| keep(&c.field)).collect();
    assert_eq!(redacted.changes.iter().collect::<Vec<_>>(), expected, "{role:?} {}", o.entity);
    assert_eq!(
        Operation { changes: vec![], ..redacted },
        Operation { changes: vec![], ..o.clone() }
    );

    // A record with a second, later write of every field, so each field has an earlier write.
    let first = apply(None, o).record;
    let mut later = o.clone();
    later.hlc = Hlc::new(20, 0, "e");
    for c in &mut later.changes {
        c.value = json!(format!("newer-{}", c.field));
    }
    let record = apply(Some(first), &later).record;
    let mut seen = record.clone();
    redact_record(&mut seen, role);
    fn only<V>(map: &BTreeMap<String, V>, keep: impl Fn(&str) -> bool) -> Vec<&String> {
        map.keys().filter(|f| keep(f)).collect()
    }
    assert_eq!(seen.fields.keys().collect::<Vec<_>>(), only(&record.fields, keep));
    assert_eq!(seen.meta.keys().collect::<Vec<_>>(), only(&record.meta, keep));
    assert_eq!(seen.earlier.keys().collect::<Vec<_>>(), only(&record.earlier, keep));
    for (f, v) in &seen.fields {
        assert_eq!(Some(v), record.fields.get(f));
    }
    let text = serde_json::to_string(&seen).unwrap();
    for f in FIELDS.iter().filter(|f| !keep(f)) {
        assert!(!text.contains(&format!("-{f}\"")), "{role:?} receives {f}: {text}");
    }
    assert_eq!(
        Record {
            fields: Default::default(),
            meta: Default::default(),
            earlier: Default::default(),
            ..seen
        },
        Record {
            fields: Default::default(),
            meta: Default::default(),
            earlier: Default::default(),
            ..record
        }
    );
}

fn roles() -> impl Strategy<Value = Role> {
    proptest::sample::select(Role::ALL.to_vec())
}

fn entities() -> impl Strategy<Value = EntityKind> {
    proptest::sample::select(EntityKind::ALL.to_vec())
}

fn branch_names() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(BRANCHES.to_vec()).prop_map(str::to_owned),
        "[a-z0-9东沙村支部 ]{0,6}",
    ]
}

fn field_names() -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_owned), "[a-z_]{1,10}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Random accounts (any branch names and lists), random records and ops, random authors.
    #[test]
    fn random_accounts_records_and_ops_match_the_model(
        role in roles(),
        entity in entities(),
        branches in proptest::collection::vec(branch_names(), 0..4),
        branch in branch_names(),
        author in prop_oneof![Just("zhang".to_owned()), "[a-z]{1,6}"],
        existing in proptest::option::of((entities(), branch_names())),
        fields in proptest::collection::vec((field_names(), "[a-z0-9]{0,4}"), 0..6),
    ) {
        let acc = Account { username: "zhang".into(), display_name: "张".into(), role, branches };
        prop_assert_eq!(acc.can_see_branch(&branch), model_sees(role, &acc.branches, &branch));
        prop_assert_eq!(acc.can_write(entity, &branch), model_writes(role, &acc.branches, entity, &branch));
        let o = op(&author, entity, &branch, &[]);
        let stored = existing.as_ref().map(|(k, b)| Existing { entity: *k, branch_id: b.clone() });
        let got = check(&acc, &o, stored.as_ref()).err().map_or("ok", |r| r.code);
        let want = model_check(&acc, &author, entity, &branch, existing.as_ref().map(|(k, b)| (*k, b.as_str())));
        prop_assert_eq!(got, want);

        let mut unique = std::collections::BTreeSet::new();
        let changes: Vec<(&str, Value)> = fields
            .iter()
            .filter(|(f, _)| unique.insert(f.clone()))
            .map(|(f, v)| (f.as_str(), json!(format!("{v}-{f}"))))
            .collect();
        check_redaction(role, &op(&author, entity, &branch, &changes));
    }
}
