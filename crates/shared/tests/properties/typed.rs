//! A record's fields decoded into its typed struct (`record::typed_from_fields`, read where the
//! values are) give what `serde_json::from_value` gives for the same fields as one JSON object:
//! the same value, or a failure both ways. Field maps are drawn from each entity's own fields
//! (its default's values, choice keys, other JSON) and names it does not have.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::model::*;
use shared::record::typed_from_fields;

/// The keys of every choice, so that choice fields also decode to a value of their own.
fn choice_keys() -> Vec<&'static str> {
    [
        CommendationStage::KEYS,
        CommendationAction::KEYS,
        ApplicationState::KEYS,
        ApplicationAction::KEYS,
        IntegrityGrade::KEYS,
        Category::KEYS,
        UnitKind::KEYS,
        BranchKind::KEYS,
        InspectionKind::KEYS,
        Gender::KEYS,
        ContactWay::KEYS,
        ContactKind::KEYS,
        FundingKind::KEYS,
        FundingLevel::KEYS,
        SurveyStatus::KEYS,
        Employment::KEYS,
        PotentialLevel::KEYS,
        TurnoverBand::KEYS,
        ThreeCultivation::KEYS,
        MentoringAbility::KEYS,
        MentoringWillingness::KEYS,
        Section::KEYS,
    ]
    .concat()
}

fn leaves() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3000i32..3000).prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        proptest::sample::select(choice_keys()).prop_map(Value::from),
        Just(Value::from("2014-03-05")),
        Just(Value::from("2014-03-05T09:30:00")),
        Just(Value::from("0191f0c4-7a3e-7cc2-9a51-3f1c2b8d4e60")),
        Just(Value::from(u64::MAX)),
    ]
}

/// Mostly leaves: a field given a text, a number or a choice key decodes as often as it can.
fn values() -> impl Strategy<Value = Value> {
    let nested = leaves().prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![3 => leaves(), 1 => nested]
}

/// Fields of `T`: each of its own fields kept at its default's value (mostly, so that even the
/// survey's 36 fields decode in some maps), given another value or left out, and a few names it
/// does not have.
fn fields_of<T: Default + Serialize>() -> impl Strategy<Value = BTreeMap<String, Value>> {
    let own = shared::record::to_fields(&T::default()).unwrap();
    let own: Vec<(String, Value)> = own.into_iter().collect();
    let each = own
        .into_iter()
        .map(|(field, default)| {
            prop_oneof![
                12 => Just(Some(default)),
                1 => values().prop_map(Some),
                1 => Just(None),
            ]
            .prop_map(move |v| v.map(|v| (field.clone(), v)))
        })
        .collect::<Vec<_>>();
    (each, proptest::collection::btree_map("[a-z_]{1,12}", values(), 0..3)).prop_map(
        |(own, mut extra)| {
            extra.extend(own.into_iter().flatten());
            extra
        },
    )
}

fn same_as_from_value<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
    fields: &BTreeMap<String, Value>,
) -> Result<(), TestCaseError> {
    let read: Result<T, _> = typed_from_fields(fields);
    let object: Result<T, _> =
        serde_json::from_value(Value::Object(fields.clone().into_iter().collect()));
    match (read, object) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => prop_assert!(false, "read: {:?}, from_value: {:?}", a.is_ok(), b.is_ok()),
    }
    Ok(())
}

macro_rules! same_for_each_entity {
    ($($name:ident: $ty:ty),+ $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            $(
                #[test]
                fn $name(fields in fields_of::<$ty>()) {
                    same_as_from_value::<$ty>(&fields)?;
                }
            )+
        }
    };
}

same_for_each_entity! {
    person: Person,
    survey: Survey,
    candidate: Candidate,
    contact_log: ContactLog,
    base: Base,
    visit: Visit,
    funding: Funding,
    meeting: Meeting,
    inspection: Inspection,
    assessment: Assessment,
    notice: Notice,
    campaign: Campaign,
    rubric: Rubric,
    branch: Branch,
}
