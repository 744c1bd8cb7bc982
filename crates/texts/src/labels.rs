//! Labels of `crates/shared`'s closed lists (categories, states, roles, …) in the app's language.
//! shared keeps its zh-Hans `label_zh()`; the catalogs translate each value by its stable code,
//! keyed `<list>-<code>` (`category-village_leader`). [`Localized::localized`] is what the app
//! shows; in zh-Hans it is `label_zh()` itself.

use shared::delivery::DeliveryState;
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

fn lookup(list: &str, code: &str, zh: &'static str) -> &'static str {
    crate::INSTALLED
        .with(|installed| installed.get().and_then(|c| c.label(&key(list, code))))
        .unwrap_or(zh)
}

macro_rules! lists {
    ($($ty:ty => $list:literal),* $(,)?) => {
        $(
            impl Localized for $ty {
                fn localized(self) -> &'static str {
                    lookup($list, self.as_str(), self.label_zh())
                }
            }
        )*

        /// Every label: its list, code and zh-Hans text, in list order. Its key in the
        /// catalogs is [`key`]`(list, code)`.
        pub fn all() -> Vec<(&'static str, &'static str, &'static str)> {
            let mut all = Vec::new();
            $(
                for value in <$ty>::ALL {
                    all.push(($list, value.as_str(), value.label_zh()));
                }
            )*
            all
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
}
