//! The door-to-door survey (调查摸底, DOMAIN.md step 1): one record per person per visit.
//!
//! Fields are flat (not nested per section) on purpose: sync merges field by field, so two
//! surveyors filling different questions of the same survey never overwrite each other.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::category::{Category, UnitKind};
use super::choice::choice;
use super::media::{GeoPoint, PhotoRef};
use crate::form::FormVersion;

choice! {
    /// A survey is a draft until the surveyor finalises it (finalising applies stricter checks).
    #[derive(Default)]
    pub enum SurveyStatus {
        #[default]
        Draft => ("draft", "草稿"),
        Final => ("final", "已定稿"),
    }
}

choice! {
    /// 从业情况: what the member mainly does for a living.
    pub enum Employment {
        Fishery => ("fishery", "渔业捕捞/养殖"),
        Agriculture => ("agriculture", "农业种植/养殖"),
        EnterpriseStaff => ("enterprise_staff", "企业职工"),
        EnterpriseOwner => ("enterprise_owner", "企业经营者"),
        IndividualBusiness => ("individual_business", "个体经营"),
        PublicSector => ("public_sector", "机关事业单位"),
        MigrantWork => ("migrant_work", "外出务工"),
        Retired => ("retired", "离退休"),
        NotWorking => ("not_working", "无固定职业"),
        Other => ("other", "其他"),
    }
}

choice! {
    /// A graded judgement of potential (创业创新潜力, 致富潜力, 创新潜力).
    pub enum PotentialLevel {
        High => ("high", "潜力较大"),
        Medium => ("medium", "有一定潜力"),
        Low => ("low", "潜力较小"),
        NoPotential => ("none", "暂无"),
    }
}

choice! {
    /// 年营业额档次 of an individual business.
    pub enum TurnoverBand {
        Under100k => ("under_100k", "10万元以下"),
        From100kTo500k => ("100k_500k", "10万～50万元"),
        From500kTo1m => ("500k_1m", "50万～100万元"),
        From1mTo5m => ("1m_5m", "100万～500万元"),
        Over5m => ("over_5m", "500万元以上"),
    }
}

choice! {
    /// 三培养: which of the three cultivations the member is an object of.
    pub enum ThreeCultivation {
        MemberToEarner => ("member_to_earner", "把党员培养成致富能手"),
        EarnerToMember => ("earner_to_member", "把致富能手培养成党员"),
        EarnerToCadre => ("earner_to_cadre", "把党员致富能手培养成村干部"),
    }
}

choice! {
    /// 帮带能力
    pub enum MentoringAbility {
        Strong => ("strong", "强"),
        Fair => ("fair", "较强"),
        Average => ("average", "一般"),
        Weak => ("weak", "较弱"),
    }
}

choice! {
    /// 帮带意向
    pub enum MentoringWillingness {
        Willing => ("willing", "愿意帮带"),
        Undecided => ("undecided", "视情况而定"),
        Unwilling => ("unwilling", "暂不愿意"),
    }
}

/// One survey of one person on one visit. Identity fields (name, phone, …) live on the
/// [`super::Person`] the survey points to, so a later visit updates the person, not a copy.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Survey {
    /// The surveyed member (`Person` record id).
    pub person_id: Uuid,
    /// Who surveyed (user name).
    pub surveyor: String,
    /// When the visit took place, as local wall-clock time in the town (China Standard Time,
    /// no offset stored), serialised `YYYY-MM-DDTHH:MM:SS`.
    pub surveyed_at: Option<NaiveDateTime>,
    pub status: SurveyStatus,

    // 从业情况
    pub employment: Option<Employment>,
    /// Employer, post, trade, years in it.
    pub employment_detail: String,

    // 创业创新潜力
    pub potential_level: Option<PotentialLevel>,
    pub potential_detail: String,

    // 各类社会资源
    /// 资金
    pub capital: String,
    /// 技术
    pub technology: String,
    /// 市场渠道
    pub market_channels: String,
    /// 土地/海域面积
    pub land_sea_area: String,
    /// 船只
    pub boats: String,
    /// 人脉关系
    pub networks: String,

    // 渔农村: 致富潜力
    pub wealth_potential: Option<PotentialLevel>,
    pub wealth_potential_detail: String,

    // 企业: 创新潜力
    pub innovation_potential: Option<PotentialLevel>,
    pub innovation_potential_detail: String,

    // 个体工商户: 经营情况
    /// 行业
    pub trade: String,
    /// 经营规模
    pub scale: String,
    /// 从业人数
    pub employees: Option<u32>,
    /// 年营业额
    pub turnover_band: Option<TurnoverBand>,
    /// 经营状况 in the surveyor's words.
    pub business_condition: String,

    // 三培养 (渔农村、企业)
    pub three_cultivation: Option<ThreeCultivation>,
    pub mentoring_ability: Option<MentoringAbility>,
    pub mentoring_willingness: Option<MentoringWillingness>,
    pub mentoring_detail: String,

    // 实用技术人才及技术信息 (渔农村)
    /// Is the member a practical technical talent (实用技术人才)?
    pub tech_talent: bool,
    /// 技术专长
    pub tech_specialty: String,
    /// 掌握的技术信息
    pub tech_info: String,

    // 镇机关: 服务创业创新表现
    pub service_performance: String,

    // 产业信息、产业导向
    pub industry_info: String,
    pub policy_orientation: String,

    pub gps: Option<GeoPoint>,
    pub photos: Vec<PhotoRef>,
    pub notes: String,

    /// The version of the form this survey was made on (`crate::form`); not written while it is
    /// 1, so surveys made before versions were counted read and save as they always did.
    #[serde(skip_serializing_if = "FormVersion::is_first")]
    pub form_version: FormVersion,
}

choice! {
    /// A section of the survey form.
    pub enum Section {
        Identity => ("identity", "基本情况"),
        Employment => ("employment", "从业情况"),
        Potential => ("potential", "创业创新潜力"),
        Resources => ("resources", "社会资源"),
        VillageWealth => ("village_wealth", "致富潜力"),
        EnterpriseInnovation => ("enterprise_innovation", "创新潜力"),
        Business => ("business", "经营情况"),
        ThreeCultivation => ("three_cultivation", "三培养"),
        TechTalent => ("tech_talent", "实用技术人才"),
        ServicePerformance => ("service_performance", "服务创业创新表现"),
        Industry => ("industry", "产业信息与导向"),
        Location => ("location", "位置与照片"),
        Notes => ("notes", "备注"),
    }
}

impl Section {
    /// The `Survey` (for [`Section::Identity`]: `Person`) field names this section edits.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Section::Identity => &[
                "name",
                "gender",
                "birth_year",
                "phone",
                "id_number",
                "branch_id",
                "village_unit",
                "category",
                "surveyor",
                "surveyed_at",
            ],
            Section::Employment => &["employment", "employment_detail"],
            Section::Potential => &["potential_level", "potential_detail"],
            Section::Resources => {
                &["capital", "technology", "market_channels", "land_sea_area", "boats", "networks"]
            }
            Section::VillageWealth => &["wealth_potential", "wealth_potential_detail"],
            Section::EnterpriseInnovation => {
                &["innovation_potential", "innovation_potential_detail"]
            }
            Section::Business => {
                &["trade", "scale", "employees", "turnover_band", "business_condition"]
            }
            Section::ThreeCultivation => &[
                "three_cultivation",
                "mentoring_ability",
                "mentoring_willingness",
                "mentoring_detail",
            ],
            Section::TechTalent => &["tech_talent", "tech_specialty", "tech_info"],
            Section::ServicePerformance => &["service_performance"],
            Section::Industry => &["industry_info", "policy_orientation"],
            Section::Location => &["gps", "photos"],
            Section::Notes => &["notes"],
        }
    }
}

/// The sections of the survey form that apply to a member of `category`, in form order.
/// With no category yet (`None`), every section is shown so nothing is missed.
pub fn sections_for(category: Option<Category>) -> Vec<Section> {
    let unit = category.map(Category::unit_kind);
    let applies = |section: Section| match section {
        Section::VillageWealth | Section::TechTalent => {
            unit.is_none() || unit == Some(UnitKind::Village)
        }
        Section::EnterpriseInnovation => unit.is_none() || unit == Some(UnitKind::Enterprise),
        Section::Business => unit.is_none() || unit == Some(UnitKind::Business),
        Section::ThreeCultivation => {
            matches!(unit, None | Some(UnitKind::Village) | Some(UnitKind::Enterprise))
        }
        Section::ServicePerformance => unit.is_none() || unit == Some(UnitKind::Organ),
        _ => true,
    };
    Section::ALL.iter().copied().filter(|s| applies(*s)).collect()
}
