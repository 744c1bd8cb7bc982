//! The four candidate categories (争创对象) and their standards (主要标准, seed step 3 (2)).

use super::choice::choice;

choice! {
    /// The four categories of the campaign (四争).
    pub enum Category {
        /// Party members in fishing and farming villages.
        VillageLeader => ("village_leader", "渔农村党员创业创新带头人"),
        /// Party members working in enterprises.
        EnterprisePost => ("enterprise_post", "企业党员创业创新示范岗"),
        /// Party members running an individual business.
        BusinessHousehold => ("business_household", "个体工商户党员创业创新示范户"),
        /// Party members in the town government organs.
        ServicePost => ("service_post", "镇机关党员服务创业创新先锋岗"),
    }
}

choice! {
    /// The kind of unit a category's members work in; decides which survey sections apply.
    pub enum UnitKind {
        Village => ("village", "渔农村社区（村）"),
        Enterprise => ("enterprise", "企业"),
        Business => ("business", "个体工商户"),
        Organ => ("organ", "镇机关"),
    }
}

impl Category {
    /// The category's main standards (主要标准) as checklist items.
    pub fn standards(self) -> &'static [&'static str] {
        match self {
            Category::VillageLeader => &[
                "思想政治素质好",
                "致富能力强",
                "带头并带领渔农民闯市场、增收入",
                "示范、推广渔农业新品种、新技术和管理新模式",
                "在扩大规模、带动就业、推广技术上有较强愿望和较大潜力",
            ],
            Category::EnterprisePost => &[
                "敬业爱岗",
                "创新能力强",
                "群众反映好",
                "近几年在改进技术、研制产品、推广工艺、研发材料和加强管理等方面有一定的工作业绩",
                "在进一步创业创新、加快企业发展上有较强愿望和较大潜力",
            ],
            Category::BusinessHousehold => &[
                "文明守法",
                "诚信经营",
                "经营业绩比较好、发展比较快",
                "在同行业中有一定影响力和带动力",
            ],
            Category::ServicePost => &[
                "整体素质好",
                "业务能力强",
                "服务态度好",
                "能创造性地开展工作，切实提高办事效率",
                "真心实意为基层办实事、办好事、解难事",
            ],
        }
    }

    /// The kind of unit this category's members work in.
    pub fn unit_kind(self) -> UnitKind {
        match self {
            Category::VillageLeader => UnitKind::Village,
            Category::EnterprisePost => UnitKind::Enterprise,
            Category::BusinessHousehold => UnitKind::Business,
            Category::ServicePost => UnitKind::Organ,
        }
    }

    /// Whether candidates apply through their branch (自愿申报 → 支部汇总 → 镇党委审定).
    /// `service_post` is instead selected every year by the town committee (每年评选).
    pub fn applies_through_branch(self) -> bool {
        self != Category::ServicePost
    }

    /// The four-year target of the 2012 work plan (seed section 二).
    pub fn default_target(self) -> u32 {
        match self {
            Category::VillageLeader => 11,
            Category::EnterprisePost => 8,
            Category::BusinessHousehold => 13,
            Category::ServicePost => 3,
        }
    }
}
