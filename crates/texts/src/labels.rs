//! Labels of `crates/shared`'s closed lists (categories, states, roles, …) in the app's language.
//! shared keeps its zh-Hans `label_zh()`; the catalogs translate each value by its stable code,
//! keyed `<list>-<code>` (`category-village_leader`). [`Localized::localized`] is what the app
//! shows; in zh-Hans it is `label_zh()` itself.

use shared::delivery::DeliveryState;
use shared::message::FieldLabel;
use shared::model::*;
use shared::record::EntityKind;
use shared::roles::Role;

/// A value of one of shared's lists, shown in the app's language.
pub trait Localized: Copy {
    fn localized(self) -> &'static str;
}

/// The catalog key of `code` in `list`: `category-village_leader`.
pub fn key(list: &str, code: &str) -> String {
    format!("{list}-{code}")
}

/// A loaded catalog's label of the value at `index` of list `list` (both by position: no
/// string is built or compared in the main module), else `zh`.
#[inline(never)]
fn lookup(list: usize, index: Option<usize>, zh: &'static str) -> &'static str {
    crate::INSTALLED
        .with(|installed| {
            let labels = &installed.get()?.labels;
            *labels.get(list)?.get(index?)?
        })
        .unwrap_or(zh)
}

macro_rules! lists {
    ($($ty:ident => $list:literal),* $(,)?) => {
        #[allow(clippy::upper_case_acronyms, dead_code)]
        enum List { $($ty),* }

        $(
            impl Localized for $ty {
                fn localized(self) -> &'static str {
                    let index = <$ty>::ALL.iter().position(|v| *v == self);
                    lookup(List::$ty as usize, index, self.label_zh())
                }
            }
        )*

        /// Every list: its name and, in `ALL` order, each value's code and zh-Hans label. The
        /// catalog key of a value is [`key`]`(list, code)`; a loaded catalog keeps its labels by
        /// the same positions.
        pub fn lists() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
            vec![$(($list, <$ty>::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect())),*]
        }

        /// [`lists`] without the zh-Hans labels: what the catalog loader reads. It reaches no
        /// `label_zh`, so a catalog's wasm chunk holds none of those texts and shares no chunk
        /// with the screens that show them (docs/PERFORMANCE.md, session 47).
        pub fn codes() -> Vec<(&'static str, Vec<&'static str>)> {
            vec![$(($list, <$ty>::ALL.iter().map(|v| v.as_str()).collect())),*]
        }

        /// Every label: its list, code and zh-Hans text, in list order.
        pub fn all() -> Vec<(&'static str, &'static str, &'static str)> {
            lists()
                .into_iter()
                .flat_map(|(list, values)| values.into_iter().map(move |(code, zh)| (list, code, zh)))
                .collect()
        }
    };
}

lists! {
    Category => "category",
    UnitKind => "unit-kind",
    Gender => "gender",
    SurveyStatus => "survey-status",
    Employment => "employment",
    PotentialLevel => "potential-level",
    TurnoverBand => "turnover-band",
    ThreeCultivation => "three-cultivation",
    MentoringAbility => "mentoring-ability",
    MentoringWillingness => "mentoring-willingness",
    Section => "section",
    ContactWay => "contact-way",
    ContactKind => "contact-kind",
    FundingKind => "funding-kind",
    FundingLevel => "funding-level",
    BranchKind => "branch-kind",
    InspectionKind => "inspection-kind",
    ApplicationState => "application-state",
    ApplicationAction => "application-action",
    IntegrityGrade => "integrity-grade",
    CommendationStage => "commendation-stage",
    CommendationAction => "commendation-action",
    EntityKind => "entity-kind",
    DeliveryState => "delivery-state",
    Role => "role",
    FieldLabel => "field-label",
}
