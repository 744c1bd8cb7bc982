//! The town-wide settings records: one campaign, one rubric per category. Their ids are fixed so
//! that two devices editing them offline edit the same record (and merge field by field)
//! instead of creating two.

use shared::model::{Campaign, Category, Criterion, Rubric};
use uuid::Uuid;

/// The id of the campaign settings record.
pub const CAMPAIGN_ID: Uuid = Campaign::RECORD_ID;

/// The id of `category`'s rubric record.
pub fn rubric_id(category: Category) -> Uuid {
    let index = Category::ALL.iter().position(|c| *c == category).unwrap_or(0) as u128;
    Uuid::from_u128(0x5a4e_7a31_0000_4000_8000_0000_0000_0100 + index)
}

/// The campaign in force: the fixed-id record, else any campaign record, else the 2012 plan.
pub fn current_campaign(campaigns: &[(Uuid, Campaign)]) -> Campaign {
    Campaign::current(campaigns)
}

/// `category`'s rubric: the fixed-id record, else the highest version of that category.
pub fn rubric_for(category: Category, rubrics: &[(Uuid, Rubric)]) -> Option<(Uuid, Rubric)> {
    let own = rubrics.iter().filter(|(_, r)| r.category == Some(category));
    own.clone()
        .find(|(id, _)| *id == rubric_id(category))
        .or_else(|| own.max_by_key(|(_, r)| r.version))
        .cloned()
}

/// The version a rubric revised now gets: one past the version the screen showed and the one
/// stored. A revision saved on another office device and pulled while the screen was open has
/// taken the number after the one shown; so two revisions never share a number, which score
/// sheets keep with their copy of the criteria.
pub fn next_version(shown: u32, stored: Option<u32>) -> u32 {
    shown.max(stored.unwrap_or(0)) + 1
}

/// The rubric's field holding its version.
pub const VERSION_FIELD: &str = "version";
/// The rubric's field holding its criteria (one value: the list).
pub const CRITERIA_FIELD: &str = "criteria";

/// What choosing `chosen` over `other` in a conflict on `field` of a rubric stored as `record`
/// writes. Revisions saved at once on two office devices (offline) took the same number, or
/// numbers the other device's revisions also had, so whatever is chosen the rubric gets a
/// number past all of them: the criteria kept, with the number after the one stored; a
/// conflict on the number itself, the number after the highest of the two and the one stored
/// (never back to one an earlier revision had).
pub fn rubric_resolution(
    field: &str,
    chosen: serde_json::Value,
    other: &serde_json::Value,
    record: Option<&shared::record::Record>,
) -> Vec<(String, serde_json::Value)> {
    let number = |v: Option<&serde_json::Value>| {
        v.and_then(serde_json::Value::as_u64).and_then(|n| u32::try_from(n).ok())
    };
    let stored = number(record.and_then(|r| r.fields.get(VERSION_FIELD)));
    match field {
        CRITERIA_FIELD => {
            let mut changes = vec![(field.to_owned(), chosen)];
            if let Some(stored) = stored {
                changes.push((VERSION_FIELD.to_owned(), next_version(stored, Some(stored)).into()));
            }
            changes
        }
        VERSION_FIELD => {
            let highest = number(Some(&chosen)).unwrap_or(0).max(number(Some(other)).unwrap_or(0));
            vec![(VERSION_FIELD.to_owned(), next_version(highest, stored).into())]
        }
        _ => vec![(field.to_owned(), chosen)],
    }
}

/// A starting rubric for `category` (version 0, so its first save is version 1): one criterion
/// per standard of the category, equal weights, scored out of 10.
pub fn template(category: Category) -> Rubric {
    Rubric {
        category: Some(category),
        version: 0,
        criteria: category
            .standards()
            .iter()
            .enumerate()
            .map(|(i, label)| Criterion {
                key: format!("s{}", i + 1),
                label: (*label).to_owned(),
                weight: 1.0,
                max_score: 10.0,
            })
            .collect(),
    }
}

/// A key for a new criterion not used by `criteria` (`c1`, `c2`, …).
pub fn next_key(criteria: &[Criterion]) -> String {
    (1..)
        .map(|n| format!("c{n}"))
        .find(|k| !criteria.iter().any(|c| &c.key == k))
        .unwrap_or_default()
}
