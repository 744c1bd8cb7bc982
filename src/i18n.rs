//! Every user-visible string of the app (Simplified Chinese), in one catalog.
//!
//! Labels of domain choices (categories, employment, …) come from `shared::model` (`label_zh`);
//! field labels of the survey form are here.

pub const APP_TITLE: &str = "四争一树";
pub const ONLINE: &str = "在线";
pub const OFFLINE: &str = "离线";
pub const PENDING_SYNC: &str = "待同步";
pub const LOADING: &str = "正在加载…";
pub const OPEN_FAILED: &str = "本机数据库无法打开";

// Navigation
pub const NAV_PEOPLE: &str = "党员名册";
pub const NAV_NEW_SURVEY: &str = "新建调查";
pub const NAV_SETTINGS: &str = "存储与设置";
pub const NOT_FOUND: &str = "页面不存在";
pub const BACK_TO_LIST: &str = "返回名册";

// Draft banner
pub const DRAFT_WAITING: &str = "有一份未完成的调查草稿。";
pub const DRAFT_CONTINUE: &str = "继续填写";
pub const DRAFT_DISMISS: &str = "稍后";

// People list
pub const SEARCH_PLACEHOLDER: &str = "输入姓名搜索";
pub const FILTER_BRANCH: &str = "支部";
pub const FILTER_VILLAGE: &str = "村（社区）/单位";
pub const FILTER_CATEGORY: &str = "类别";
pub const FILTER_STATUS: &str = "调查状态";
pub const FILTER_ANY: &str = "全部";
pub const STATUS_DRAFT: &str = "草稿";
pub const STATUS_FINAL: &str = "已定稿";
pub const STATUS_NONE: &str = "未调查";
pub const MORE: &str = "更多";
pub const NO_PEOPLE: &str = "没有符合条件的党员";
pub fn people_count(shown: usize, total: usize) -> String {
    format!("共 {total} 人，显示 {shown} 人")
}
pub const COL_NAME: &str = "姓名";
pub const COL_BRANCH: &str = "支部";
pub const COL_VILLAGE: &str = "村（社区）/单位";
pub const COL_CATEGORY: &str = "类别";
pub const COL_STATUS: &str = "调查";

// Survey form
pub const SURVEY_TITLE: &str = "调查摸底表";
pub const SAVED_AT: &str = "草稿已自动保存";
pub const SAVING: &str = "正在保存…";
pub const UNSAVED: &str = "有未保存的修改";
pub const FINALISE: &str = "定稿";
pub const FINALISED: &str = "已定稿，可继续修改（修改会记录在历史中）";
pub const FIX_ERRORS: &str = "请先改正以下问题再定稿：";
pub const CHOOSE: &str = "请选择";
pub const YES: &str = "是";
pub const GPS_BUTTON: &str = "记录当前位置";
pub const GPS_LOCATING: &str = "正在定位…";
pub fn gps_fix(lat: f64, lon: f64, accuracy: Option<f64>) -> String {
    match accuracy {
        Some(a) => format!("纬度 {lat:.5}，经度 {lon:.5}（精度约 {a:.0} 米）"),
        None => format!("纬度 {lat:.5}，经度 {lon:.5}"),
    }
}
pub const GPS_CLEAR: &str = "清除位置";
pub const PHOTO_ADD: &str = "拍照/添加照片";
pub const PHOTO_PROCESSING: &str = "正在处理照片…";
pub const PHOTO_REMOVE: &str = "移除";
pub const SURVEY_NOT_FOUND: &str = "找不到这份调查";

// Field labels: person
pub const F_NAME: &str = "姓名";
pub const F_GENDER: &str = "性别";
pub const F_BIRTH_YEAR: &str = "出生年份";
pub const F_PHONE: &str = "联系电话";
pub const F_ID_NUMBER: &str = "身份证号（选填）";
pub const F_BRANCH: &str = "所在支部";
pub const F_VILLAGE_UNIT: &str = "所在村（社区）/企业/机关";
pub const F_CATEGORY: &str = "争创类别";
pub const F_PERSON_NOTES: &str = "党员备注";
// Field labels: survey
pub const F_SURVEYOR: &str = "调查人";
pub const F_SURVEYED_AT: &str = "调查时间";
pub const F_EMPLOYMENT: &str = "从业情况";
pub const F_EMPLOYMENT_DETAIL: &str = "从业情况说明（单位、岗位、行业、年限）";
pub const F_POTENTIAL: &str = "创业创新潜力";
pub const F_POTENTIAL_DETAIL: &str = "潜力说明";
pub const F_CAPITAL: &str = "资金";
pub const F_TECHNOLOGY: &str = "技术";
pub const F_MARKET: &str = "市场渠道";
pub const F_LAND_SEA: &str = "土地/海域面积";
pub const F_BOATS: &str = "船只";
pub const F_NETWORKS: &str = "人脉关系";
pub const F_WEALTH: &str = "致富潜力";
pub const F_WEALTH_DETAIL: &str = "致富潜力说明";
pub const F_INNOVATION: &str = "创新潜力";
pub const F_INNOVATION_DETAIL: &str = "创新潜力说明";
pub const F_TRADE: &str = "经营行业";
pub const F_SCALE: &str = "经营规模";
pub const F_EMPLOYEES: &str = "从业人数";
pub const F_TURNOVER: &str = "年营业额";
pub const F_BUSINESS_CONDITION: &str = "经营状况";
pub const F_THREE_CULTIVATION: &str = "三培养对象";
pub const F_MENTOR_ABILITY: &str = "帮带能力";
pub const F_MENTOR_WILLINGNESS: &str = "帮带意向";
pub const F_MENTOR_DETAIL: &str = "帮带情况说明";
pub const F_TECH_TALENT: &str = "是实用技术人才";
pub const F_TECH_SPECIALTY: &str = "技术专长";
pub const F_TECH_INFO: &str = "掌握的技术信息";
pub const F_SERVICE: &str = "服务创业创新表现";
pub const F_INDUSTRY_INFO: &str = "产业信息";
pub const F_POLICY: &str = "产业导向与政策";
pub const F_NOTES: &str = "调查备注";

// Person detail
pub const PERSON_NOT_FOUND: &str = "找不到这名党员";
pub const SURVEYS: &str = "调查记录";
pub const NO_SURVEYS: &str = "还没有调查记录";
pub const NEW_SURVEY_FOR: &str = "为此党员新建调查";
pub const EDIT: &str = "编辑";
pub const PHOTOS: &str = "照片";
pub const NO_PHOTOS: &str = "没有照片";
pub const HISTORY: &str = "修改历史";
pub const NO_HISTORY: &str = "没有修改记录";
pub const HISTORY_DELETED: &str = "删除了记录";
pub const UNKNOWN_AUTHOR: &str = "（未登录用户）";
pub const FIELD_AUTHORS: &str = "各项最后修改人";

// Settings
pub const STORAGE: &str = "本机存储";
pub const STORAGE_USED: &str = "已用空间";
pub const STORAGE_AVAILABLE: &str = "可用空间";
pub const STORAGE_UNKNOWN: &str = "此浏览器无法估算存储空间";
pub const STORAGE_PERSISTED: &str = "浏览器已承诺保留本机数据";
pub const STORAGE_NOT_PERSISTED: &str = "浏览器可能在空间不足时清理本机数据，请及时同步";
pub const STORAGE_ASK_PERSIST: &str = "申请长期保留本机数据";
pub const DEVICE_ID: &str = "设备编号";
pub const AUTHOR_NAME: &str = "当前调查人（用于修改记录）";
pub const SAVE: &str = "保存";
pub const SAVED: &str = "已保存";
pub const OUTBOX_COUNT: &str = "待同步的修改";
pub const CONFLICTS: &str = "冲突记录";

/// The Chinese label of a survey/person field name, for the change history.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "name" => F_NAME,
        "gender" => F_GENDER,
        "birth_year" => F_BIRTH_YEAR,
        "phone" => F_PHONE,
        "id_number" => F_ID_NUMBER,
        "branch_id" => F_BRANCH,
        "village_unit" => F_VILLAGE_UNIT,
        "category" => F_CATEGORY,
        "person_id" => "调查对象",
        "surveyor" => F_SURVEYOR,
        "surveyed_at" => F_SURVEYED_AT,
        "status" => "状态",
        "employment" => F_EMPLOYMENT,
        "employment_detail" => F_EMPLOYMENT_DETAIL,
        "potential_level" => F_POTENTIAL,
        "potential_detail" => F_POTENTIAL_DETAIL,
        "capital" => F_CAPITAL,
        "technology" => F_TECHNOLOGY,
        "market_channels" => F_MARKET,
        "land_sea_area" => F_LAND_SEA,
        "boats" => F_BOATS,
        "networks" => F_NETWORKS,
        "wealth_potential" => F_WEALTH,
        "wealth_potential_detail" => F_WEALTH_DETAIL,
        "innovation_potential" => F_INNOVATION,
        "innovation_potential_detail" => F_INNOVATION_DETAIL,
        "trade" => F_TRADE,
        "scale" => F_SCALE,
        "employees" => F_EMPLOYEES,
        "turnover_band" => F_TURNOVER,
        "business_condition" => F_BUSINESS_CONDITION,
        "three_cultivation" => F_THREE_CULTIVATION,
        "mentoring_ability" => F_MENTOR_ABILITY,
        "mentoring_willingness" => F_MENTOR_WILLINGNESS,
        "mentoring_detail" => F_MENTOR_DETAIL,
        "tech_talent" => F_TECH_TALENT,
        "tech_specialty" => F_TECH_SPECIALTY,
        "tech_info" => F_TECH_INFO,
        "service_performance" => F_SERVICE,
        "industry_info" => F_INDUSTRY_INFO,
        "policy_orientation" => F_POLICY,
        "gps" => "位置",
        "photos" => PHOTOS,
        "notes" => F_NOTES,
        _ => "其他",
    }
}

/// What a history line is about.
pub const HIST_PERSON: &str = "党员信息";
pub const HIST_SURVEY: &str = "调查";
