//! Every user-visible string of the app (Simplified Chinese), in one catalog.
//!
//! Labels of domain choices (categories, employment, …) come from `shared::model` (`label_zh`);
//! field labels of the survey form are here.

pub const APP_TITLE: &str = "四争一树";
pub const ONLINE: &str = "在线";
pub const OFFLINE: &str = "离线";
pub const PENDING_SYNC: &str = "待同步";
pub const LOADING: &str = "正在加载…";
/// A screen's code could not be fetched (offline before the app finished installing).
pub const CHUNK_LOAD_FAILED: &str = "无法加载此页面：设备未联网，且应用尚未完整安装。请连接网络后重新打开此页面，已保存的数据不受影响。";
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
/// A field's label for notes about form versions: its Chinese label, or its own name when the
/// form no longer (or not yet) has it.
pub fn form_field_label(field: &str) -> String {
    match field_label(field) {
        "其他" => field.to_owned(),
        label => label.to_owned(),
    }
}
/// Values of a survey the current form does not know, kept as they are.
pub fn kept_values(values: &[(String, String)]) -> String {
    let list: Vec<String> = values.iter().map(|(f, v)| format!("{f}：{v}")).collect();
    format!(
        "以下填写值不在现行表单的选项中，已原样保留（不会丢失，照常同步）：{}。如需更改，请重新选择。",
        list.join("；")
    )
}
/// A survey made on an older form, read on the current one.
pub fn form_migrated(description: &str) -> String {
    format!(
        "此调查按旧版表单填写，已按现行表单读取：{description}。下次保存时一并保存，并记入修改记录。"
    )
}
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
/// The browser discarded the tablet's database (`services::storage_loss`).
pub const STORAGE_LOST: &str = "浏览器清空了本机保存的数据（可能因意外关闭、存储空间不足或清除了网站数据）。\
     已交给办公室的内容不受影响：请重新登录并同步，即可重新下载。";
pub const STORAGE_LOST_READ: &str = "知道了";

/// How many unsent changes went with a discarded database.
pub fn storage_lost_pending(n: u32) -> String {
    format!("清空前本机有 {n} 条记录尚未送达办公室，已无法恢复：请核对并重新录入。")
}

/// A sign-in answered that another device of the account still held changes not sent when it
/// last synced (`services::storage_loss::UnsentElsewhereNotice`).
pub fn unsent_elsewhere(device: &str, pending: u32, last_sync: &str, blocked: bool) -> String {
    if blocked {
        format!(
            "这个账号在另一台平板（{device}，已被镇组织办停用）上还有 {pending} 条记录的修改没有发送\
             （最后一次同步：{last_sync}）。请联系镇组织办。"
        )
    } else {
        format!(
            "这个账号在另一台平板（{device}）上还有 {pending} 条记录的修改没有发送\
             （最后一次同步：{last_sync}）。如果那台平板还在，请在那台平板上同步；\
             如果那台平板的数据已经丢失，请联系镇组织办。"
        )
    }
}
/// When the oldest of them was made.
pub fn unsent_elsewhere_oldest(at: &str) -> String {
    format!("其中最早的修改做于 {at}。")
}
pub const UNSENT_ELSEWHERE_READ: &str = "知道了";

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
pub const VIEW: &str = "查看";
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
        "form_migration" => "表单升级",
        "form_version" => "表单版本",
        _ => "其他",
    }
}

/// What a history line is about.
pub const HIST_PERSON: &str = "党员信息";
pub const HIST_SURVEY: &str = "调查";

// ===== Campaign screens (src/screens/campaign, src/logic/campaign) — owned by the campaign UI =====
/// Strings of the campaign screens (candidates, contacts, bases, funding, meetings,
/// inspections, assessment, notices, settings, dashboard, report, display card).
pub mod campaign {
    pub const NAV_CAMPAIGN: &str = "争创活动";
    pub const NAV_DASHBOARD: &str = "总览";
    /// The county's dashboard: its town picker, and why it shows nothing without the server.
    pub const TOWN: &str = "镇";
    pub const COUNTY_NEEDS_SERVER: &str = "县级看板需要连接服务器";
    pub const NO_SERVER: &str = "连不上服务器，请联网后重试";
    pub const NO_TOWNS: &str = "服务器上还没有镇";
    pub const RETRY: &str = "重试";
    pub const NAV_CANDIDATES: &str = "争创对象";
    pub const NAV_CONTACTS: &str = "结对联系";
    pub const NAV_BASES: &str = "示范基地";
    pub const NAV_FUNDING: &str = "资金扶持";
    pub const NAV_MEETINGS: &str = "宣传发动";
    pub const NAV_INSPECTIONS: &str = "督查";
    pub const NAV_ASSESSMENT: &str = "考核表彰";
    pub const NAV_NOTICES: &str = "通知公告";
    pub const NAV_REPORT: &str = "工作通报";
    pub const NAV_SETTINGS: &str = "活动设置";

    pub const LOCAL_USER: &str = "本机用户";
    pub const UNKNOWN_PERSON: &str = "（未知党员）";
    pub const NO_BRANCH: &str = "（未指定支部）";
    pub const NOT_ALLOWED: &str = "您的账号无权修改这条记录（角色或支部不符）";
    pub const NOT_FOUND: &str = "找不到这条记录";
    pub const DECODE_FAILED: &str = "记录格式无法识别";
    pub const NO_DOCUMENT: &str = "浏览器无法下载文件";
    pub const SAVED: &str = "已保存";
    pub const DELETE: &str = "删除";
    pub const CANCEL: &str = "取消";
    pub const CONFIRM_DELETE: &str = "确定删除这条记录吗？删除后会同步到所有设备。";
    pub const CONFIRM_REMOVE: &str =
        "确定移除该争创对象吗？移除后除镇组织办恢复外不能再进行任何操作（历史保留）。";
    pub const CONFIRM_REJECT: &str = "确定登记为「不予通过」吗？";
    pub const YES: &str = "是";
    pub const NO: &str = "否";
    pub const NOT_SET: &str = "未填写";
    pub const PRINT: &str = "打印";
    pub const EXPORT_CSV: &str = "导出表格（CSV）";

    // Common columns and fields
    pub const COL_BRANCH: &str = "支部";
    pub const YEAR: &str = "年度";
    pub const STATE: &str = "状态";
    pub const DATE: &str = "日期";
    pub const CANDIDATE: &str = "争创对象";
    pub const PERSON: &str = "党员";
    pub const NOTES: &str = "备注";
    pub const CONTENT: &str = "内容";
    pub const UNIT: &str = "所在单位";
    pub fn year_label(year: i32) -> String {
        format!("{year}年")
    }

    // Candidates
    pub const CANDIDATES: &str = "争创对象";
    pub const NEW_CANDIDATE: &str = "登记申报";
    pub const NO_CANDIDATES: &str = "没有符合条件的争创对象";
    pub const CONTACTS: &str = "结对联系";
    pub const BEHIND: &str = "联系滞后";
    pub const PIPELINE: &str = "列入下一年度梯队培育（培育一批）";
    pub const PIPELINE_SHORT: &str = "梯队";
    pub const ALL_YEARS: &str = "全部年度";
    pub fn shown_count(n: usize) -> String {
        format!("共{n}条")
    }
    pub const ALL_CATEGORIES: &str = "全部类别";

    // 梯队 (next year's pipeline)
    pub const NAV_PIPELINE: &str = "梯队";
    pub const PIPELINE_OPEN: &str = "梯队培育中";
    pub const PIPELINE_CARRIED: &str = "已转入";
    pub const PIPELINE_TOTAL: &str = "梯队合计";
    pub const YEAR_TARGET: &str = "年度目标";
    pub const NO_YEAR_TARGET: &str = "未分年度";
    pub const NO_PIPELINE: &str = "该年度还没有梯队培育对象";
    pub const NOT_A_CAMPAIGN_YEAR: &str = "该年度不在争创年度内";
    pub fn pipeline_title(year: i32) -> String {
        format!("{year}年度梯队（创建一批、培育一批）")
    }
    pub const APPLY: &str = "登记申报";
    pub const PICK_PERSON_AND_CATEGORY: &str = "请选择党员和争创类别";

    // Candidate profile
    pub const DISPLAY_CARD: &str = "亮相卡";
    pub const LATEST_REASON: &str = "最近一次退回/移除/调整的理由：";
    pub const APPLICATION: &str = "申报流程";
    pub const PROFILE: &str = "基本情况";
    pub const CONTACT_PERSON: &str = "结对联系人";
    pub const INTEGRITY_GRADE: &str = "诚信等级";
    pub const INDUSTRY_PROSPECTS: &str = "行业前景";
    pub const EVIDENCE: &str = "事实依据";
    pub const NEXT_YEAR: &str = "登记下一年度（年度评选/梯队转正）";
    pub const NO_CONTACTS_NEEDED: &str = "本年度无需结对联系";
    pub const PROFILE_CLOSED: &str =
        "该争创记录已移除或已转入下一年度，档案只读（已移除的可由镇组织办「恢复」）";
    pub const CLOSED_REMOVED: &str =
        "已移除：不计入排名、目标、提醒和统计；档案只读，镇组织办可填写理由后「恢复」";
    pub const CLOSED_CARRIED: &str = "已转入下一年度：本记录只读，请在下一年度的记录上继续";
    pub const DELETED: &str = "已删除";
    pub const OPEN_EXISTING: &str = "查看已有的争创记录";
    pub const CARRIED_TO: &str = "已转入下一年度的记录";
    pub const CARRIED_FROM: &str = "由上一年度的记录转入";
    pub const OUTSIDE_CAMPAIGN: &str = "（不在争创年度内，不计入目标）";
    pub const LOG_CONTACT: &str = "登记联系";
    pub const HISTORY: &str = "流程记录";
    pub const WHEN: &str = "时间";
    pub const STEP: &str = "操作";
    pub const WHO: &str = "操作人";
    pub const REASON: &str = "理由";
    pub fn acting_as(name: &str, role: &str) -> String {
        format!("当前操作人：{name}（{role}）")
    }
    pub fn standards_title(met: usize, total: usize) -> String {
        format!("主要标准（已达标 {met}/{total}）")
    }
    pub fn reason_for(action: &str) -> String {
        format!("{action}的理由（必填）")
    }
    pub fn reason_required(action: &str) -> String {
        format!("{action}必须填写理由")
    }
    pub fn confirm_action(action: &str) -> String {
        format!("确认{action}")
    }
    pub fn state_change(from: Option<&str>, to: &str) -> String {
        match from {
            Some(f) => format!("{f} → {to}"),
            None => to.to_owned(),
        }
    }
    pub fn who(by: &str, role: Option<&str>) -> String {
        match role {
            Some(r) => format!("{by}（{r}）"),
            None => by.to_owned(),
        }
    }

    // Contacts
    pub const CONTACT_KIND: &str = "类型";
    pub const WAY: &str = "联系方式";
    pub const CONTACT_BY: &str = "联系人/专家";
    pub const HELP_GIVEN: &str = "帮扶事项";
    pub const CONTACT_STATUS: &str = "联系情况（每人每年不少于4次）";
    pub const GUIDANCE: &str = "专家指导";
    pub fn contact_status(done: u32, required: u32, expected: u32) -> String {
        format!("已联系 {done}/{required} 次（截至今日应联系 {expected} 次）")
    }

    // Bases
    pub const BASE_NAME: &str = "基地名称";
    pub const INDUSTRY: &str = "所属行业";
    pub const ADDRESS: &str = "地址";
    pub const VISITS: &str = "参观学习";
    pub const NEW_BASE: &str = "新增示范基地";
    pub const BASE_INFO: &str = "基地信息";
    pub const NEW_VISIT: &str = "登记参观学习";
    pub const ATTENDEES: &str = "参加的争创对象";
    pub fn bases_too_few(have: usize, need: usize) -> String {
        format!("目前有 {have} 个示范基地，按计划至少应建立 {need} 个")
    }

    // Funding
    pub const NEW_FUNDING: &str = "登记资金扶持";
    pub const FUNDING_KIND: &str = "扶持方式";
    pub const FUNDING_LEVEL: &str = "出资层级";
    pub const AMOUNT_YUAN: &str = "金额（元）";
    pub const PURPOSE: &str = "项目/用途";
    pub const BAD_AMOUNT: &str = "请填写正确的金额（元，最多两位小数）";

    // Meetings
    pub const NEW_MEETING: &str = "登记党员大会";
    pub const ATTENDED: &str = "实到人数";
    pub const EXPECTED: &str = "应到人数";
    pub const TOPICS: &str = "会议内容";
    pub const ATTENDANCE: &str = "出席";
    pub const ALL_MOBILISED: &str = "所有支部都已召开动员党员大会";
    pub const WITHOUT_MEETING: &str = "尚未召开动员党员大会的支部：";
    pub fn attendance(attended: Option<u32>, expected: Option<u32>) -> String {
        let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".to_owned());
        format!("{}/{}", n(attended), n(expected))
    }

    // Inspections
    pub const NEW_INSPECTION: &str = "登记督查";
    pub const INSPECTION_KIND: &str = "督查方式";
    pub const INSPECTORS: &str = "督查人员";
    pub const FINDINGS: &str = "发现的问题";
    pub const FIXES: &str = "整改事项";
    pub const FIX_ITEM: &str = "整改内容";
    pub const FIX_DUE: &str = "整改期限";
    pub const FIXED_ON: &str = "完成日期";
    pub const ADD_FIX: &str = "添加整改事项";
    pub const INSPECTION_RECORDS: &str = "督查记录";
    pub const LAST_INSPECTED: &str = "最近督查";
    pub const DAYS_SINCE: &str = "距今天数";
    pub const OPEN_FIXES: &str = "未完成整改";
    pub const OVERDUE: &str = "逾期未督查";
    pub const NEVER: &str = "从未督查";
    pub fn inspection_rule(days: i64) -> String {
        format!("一般每两个月督查一次：超过 {days} 天未督查的支部标为逾期")
    }
    pub fn last_inspected(date: &str) -> String {
        format!("最近督查 {date}")
    }

    // Assessment
    pub const RANKING: &str = "得分排名";
    pub const RANK: &str = "名次";
    pub const TOTAL: &str = "总分";
    pub const STAGE: &str = "表彰环节";
    pub const SCORE_SHEETS: &str = "评分表";
    pub const BEGIN_SCORING: &str = "开始评分";
    pub const NO_RUBRIC: &str = "该类别还没有考核细则，请镇组织办在「活动设置」中制定";
    pub const SAVE_SCORES: &str = "保存评分";
    pub const WEIGHT: &str = "权重";
    pub const MAX_SCORE: &str = "满分";
    pub const REJECT_REASON: &str = "不予通过的理由";
    pub const COMMENDATION_OVERDUE: &str = "已过七·一，本年度表彰流程尚未完成县级审核";
    pub fn rubric_version(version: u32) -> String {
        format!("考核细则第{version}版")
    }
    pub fn total(total: f64) -> String {
        format!("总分 {total:.2}（满分100）")
    }

    // Notices
    pub const PUBLISH_NOTICE: &str = "发布通知";
    pub const TITLE: &str = "标题";
    pub const BODY: &str = "正文";
    pub const PUBLISHED_ON: &str = "发布日期";
    pub const PUBLISH: &str = "发布";
    pub const NO_NOTICES: &str = "暂无通知";

    // Settings
    pub const OFFICE_ONLY: &str = "活动设置和考核细则只能由镇组织办修改，这里仅供查看";
    pub const TARGETS: &str = "活动年限与目标";
    pub const CAMPAIGN_NAME: &str = "活动名称";
    pub const START_YEAR: &str = "起始年份";
    pub const YEARS: &str = "年限（年）";
    pub const TOTAL_TARGET: &str = "总目标";
    /// `第3项`: a rubric criterion by its place.
    pub fn criterion_number(n: usize) -> String {
        format!("第{n}项")
    }
    pub const CRITERION_LABEL: &str = "考核内容";
    pub const ADD_CRITERION: &str = "添加考核项";
    pub const SAVE_RUBRIC: &str = "保存考核细则（生成新版本）";
    pub fn rubric_title(category: &str, version: u32, exists: bool) -> String {
        if exists {
            format!("{category} 考核细则（第{version}版）")
        } else {
            format!("{category} 考核细则（尚未制定，以下按主要标准生成草案）")
        }
    }

    // Dashboard
    pub const PROGRESS: &str = "目标完成情况";
    pub const WHOLE_CAMPAIGN: &str = "活动全程";
    pub const SERIES_TARGET: &str = "目标";
    pub const SERIES_APPROVED: &str = "已审定";
    pub const SERIES_NAMED: &str = "已命名";
    pub const REMAINING: &str = "尚差";
    pub const WAITING: &str = "待处理的申报";
    pub const SHORT_VILLAGE_LEADER: &str = "带头人";
    pub const SHORT_ENTERPRISE_POST: &str = "示范岗";
    pub const SHORT_BUSINESS_HOUSEHOLD: &str = "示范户";
    pub const SHORT_SERVICE_POST: &str = "先锋岗";
    pub fn contacts_behind_title(n: usize) -> String {
        format!("结对联系滞后 {n} 人")
    }
    pub fn inspections_overdue_title(n: usize) -> String {
        format!("逾期未督查支部 {n} 个")
    }
    pub fn unmobilised_title(n: usize) -> String {
        format!("未召开动员大会支部 {n} 个")
    }

    // Report
    pub const ALL_BRANCHES: &str = "全部支部";
    pub const TOWN_PROGRESS: &str = "全镇目标完成情况";
    pub const ACTIVE: &str = "争创对象";
    pub const MOBILISED: &str = "已召开动员党员大会";
    pub const NOT_MOBILISED: &str = "尚未召开动员党员大会";
    pub const CSV_PROGRESS_HEAD: &[&str] = &["类别", "目标", "已审定", "已命名", "尚差"];
    pub const CSV_ACTIVE_SUFFIX: &str = "·对象";
    pub const CSV_NAMED_SUFFIX: &str = "·命名";
    pub const CSV_BRANCH_TAIL: &[&str] = &[
        "联系滞后人数",
        "联系滞后名单",
        "待申报人补充",
        "待支部汇总",
        "待镇组织办处理",
        "已召开动员大会",
        "最近督查",
        "督查逾期",
        "未完成整改",
    ];
    pub fn report_title(year: i32) -> String {
        format!("“四争一树”活动{year}年度工作情况通报")
    }
    pub fn report_file_name(year: i32) -> String {
        format!("四争一树工作情况通报-{year}.csv")
    }
    pub fn as_of(date: &str) -> String {
        format!("统计截至 {date}")
    }
    pub fn waiting_line(applicant: u32, secretary: u32, office: u32) -> String {
        format!("待处理申报：待申报人补充 {applicant}，待支部汇总 {secretary}，待镇组织办 {office}")
    }
    pub fn inspection_line(last: Option<String>, overdue: bool, open_fixes: usize) -> String {
        let last = last.map_or_else(|| NEVER.to_owned(), |d| format!("最近督查 {d}"));
        let flag = if overdue { "（逾期）" } else { "" };
        format!("督查：{last}{flag}，未完成整改 {open_fixes} 项")
    }

    // Display card
    pub const CARD_HEADING: &str = "“四争一树”党员创业创新先锋";
    pub const BOARD: &str = "亮相台";
    pub const RED_FLAG: &str = "流动红旗";
    pub const DEEDS: &str = "主要事迹";
    pub const BACK_TO_PROFILE: &str = "返回档案";
}

// ---------------------------------------------------------------------------------------------
// Sync, sign-in, export/import, conflicts (owned by the sync engineer: src/sync, src/screens/
// login.rs, sync.rs, transfer.rs, conflicts.rs)
// ---------------------------------------------------------------------------------------------
pub mod sync {
    pub const NAV_SYNC: &str = "同步";
    pub const NAV_TRANSFER: &str = "导出导入";
    pub const NAV_CONFLICTS: &str = "冲突处理";

    // Sign-in
    pub const LOGIN_TITLE: &str = "登录办公室服务器";
    pub const LOGIN_HINT: &str = "在有网络时登录一次，之后本平板离线也能保存，联网后自动同步。";
    pub const USERNAME: &str = "用户名";
    pub const PASSWORD: &str = "密码";
    pub const DEVICE_NAME: &str = "平板名称";
    pub const LOGIN: &str = "登录";
    pub const LOGGING_IN: &str = "正在登录…";
    pub const SIGN_OUT: &str = "退出登录";
    pub fn signed_in_as(who: &str) -> String {
        format!("已登录：{who}")
    }
    pub const NOT_SIGNED_IN: &str = "尚未登录，无法同步。";

    // Sync screen
    pub const SYNC_TITLE: &str = "同步";
    pub const SYNC_NOW: &str = "立即同步";
    pub const SYNCING: &str = "正在同步…";
    pub const PENDING: &str = "待同步修改";
    pub const LAST_SUCCESS: &str = "上次同步成功";
    pub const NEVER: &str = "从未同步";
    pub const LAST_ERROR: &str = "上次问题";
    pub const NEXT_ATTEMPT: &str = "下次自动同步";
    pub const OFFLINE_WAIT: &str = "当前离线，联网后自动同步。";
    pub fn progress(done: u32, total: u32) -> String {
        if total == 0 { format!("{done}") } else { format!("{done} / {total}") }
    }
    /// The top bar's mark while the server refuses this version of the app.
    pub const UPGRADE_REQUIRED: &str = "请更新应用";
    /// What to do about it, on the sync screen.
    pub fn upgrade_required(pending: u32) -> String {
        let kept = if pending > 0 {
            format!("本机 {pending} 条待同步的修改都已保存，不会丢失，安装新版本后会自动发送。")
        } else {
            "本机的修改都已保存，安装新版本后会自动同步。".to_owned()
        };
        format!(
            "请更新应用：办公室服务器已升级，这个版本的应用不能再同步。请在连上办公室网络时点击页面上方的“有新版本，点击更新”；没有出现时，关闭本应用后重新打开（或刷新页面）。{kept}"
        )
    }
    pub const REJECTED_TITLE: &str = "服务器拒绝的修改";
    pub const REJECTED_HINT: &str = "这些记录的修改未被办公室接受，之后的修改也暂不发送。请打开记录改正，再在“待发送”中重新提交。";

    // Export / import
    pub const TRANSFER_TITLE: &str = "导出与导入文件";
    pub const TRANSFER_HINT: &str = "没有网络或服务器时，用文件把修改带到办公室或另一台平板。";
    pub const EXPORT_TITLE: &str = "导出";
    pub const EXPORT_PENDING: &str = "只导出待同步的修改";
    pub const EXPORT_ALL: &str = "导出本机全部数据";
    pub const PASSPHRASE_OPTIONAL: &str = "加密密码（可不填）";
    pub const EXPORT_BUTTON: &str = "导出文件";
    pub const EXPORTING: &str = "正在生成文件（加密需要几秒钟）…";
    pub fn exported(ops: usize, photos: usize, file: &str) -> String {
        format!("已导出 {ops} 条修改、{photos} 张照片：{file}")
    }
    pub const IMPORT_TITLE: &str = "导入";
    pub const CHOOSE_FILE: &str = "选择导出文件";
    pub const PASSPHRASE: &str = "文件密码";
    pub const IMPORT_BUTTON: &str = "导入";
    pub fn header_summary(ops: usize, photos: usize, author: &str, created: &str) -> String {
        let author = if author.is_empty() { "未知" } else { author };
        format!("文件包含 {ops} 条修改、{photos} 张照片；导出人：{author}；导出时间：{created}")
    }
    pub const ENCRYPTED: &str = "此文件已加密，请输入密码。";
    pub const SCOPE_PENDING: &str = "待同步的修改";
    pub const SCOPE_ALL: &str = "全部数据";

    // Conflicts
    pub const CONFLICTS_TITLE: &str = "冲突处理";
    pub const CONFLICTS_HINT: &str =
        "两台平板离线修改了同一项内容。较晚的修改已生效，请确认保留哪一个。";
    pub const CONFLICTS_OFFICE_ONLY: &str = "只有镇组织办账号可以处理冲突；下面是本机记录的冲突。";
    pub const CONFLICTS_LOCAL: &str = "无法连接服务器，显示本机记录的冲突（处理需要联网）。";
    pub const NO_CONFLICTS: &str = "没有待处理的冲突";
    pub const CURRENT_VALUE: &str = "现行值";
    pub const OTHER_VALUE: &str = "被覆盖的值";
    pub const KEEP_THIS: &str = "保留此值";
    pub const RESOLVED: &str = "已处理";
    pub const EMPTY_VALUE: &str = "（空）";
    pub fn by_author(author: &str) -> String {
        format!("修改人：{author}")
    }
    pub const REFRESH: &str = "刷新";
}

pub const NOT_A_NUMBER: &str = "请填写数字";
/// The survey form's list of sections.
pub const SECTION_LIST: &str = "调查表目录";
/// The app's main navigation.
pub const NAV_MAIN: &str = "主导航";
/// `已填 3/10`: questions of a section answered.
pub fn answered_of(answered: usize, total: usize) -> String {
    format!("已填 {answered}/{total}")
}
pub const LOCATION: &str = "位置";
pub const PHOTO_ALT: &str = "照片";
/// `修改了调查：从业情况、资金`; `保存了调查` when no answer moved.
pub fn history_changed(what: &str, fields: &[&str]) -> String {
    if fields.is_empty() {
        format!("保存了{what}")
    } else {
        format!("修改了{what}：{}", fields.join("、"))
    }
}

/// A record the tablet no longer has (deleted meanwhile).
pub const RECORD_GONE: &str = "（记录已不在本机）";
/// A record with no name yet.
pub const UNNAMED: &str = "（未填姓名）";

// ===== Delivery: the top bar, the 待发送 screen, drafts, sign-in adoption =====
pub mod outbox {
    pub const NAV_OUTBOX: &str = "待发送";
    pub const TITLE: &str = "待发送的记录";
    pub const HINT: &str =
        "本机保存、办公室尚未收到的记录。被退回的记录请打开修改，再点“重新提交”。";
    pub const ALL_DELIVERED: &str = "本机保存的记录都已送达办公室。";
    pub const REFUSED_BY_SERVER: &str = "办公室服务器退回：";
    pub const REFUSED_ON_TABLET: &str = "未发送，服务器会拒收：";
    pub const FIX_THEN_RESUBMIT: &str =
        "打开记录改正后，点“重新提交”：将以您的账号提交整条记录，取代被退回的修改。";
    pub const RESUBMIT: &str = "重新提交";
    pub const RESUBMITTED: &str = "已重新提交，将随下次同步发送。";
    pub const NEEDS_ACTION: &str = "需处理";
    /// "涉及：姓名、所在支部"
    pub fn fields(labels: &[&str]) -> String {
        format!("涉及：{}", labels.join("、"))
    }
    /// "登录前保存的 3 条修改已归入您的账号，将随下次同步发送。"
    pub fn adopted(n: usize) -> String {
        format!("登录前保存的 {n} 条修改已归入您的账号，将随下次同步发送。")
    }
    /// History line of an adopted change.
    pub fn adopted_by(author: &str) -> String {
        format!("（登录前保存，由 {author} 登录后接收）")
    }
    pub const DRAFT_OF: &str = "有一份未完成的调查草稿：";
    pub const DRAFT_DELETE: &str = "删除草稿";
    pub const DRAFT_DELETE_CONFIRM: &str =
        "确定删除这份草稿吗？尚未送达办公室的草稿将从本机删除；已送达的将作为删除同步给办公室。";
    pub const DRAFT_DELETED: &str = "草稿已删除。";
    pub const READ_ONLY: &str = "您的账号为只读，不能修改记录。";
}

// ===== Branches (src/components/branch_picker.rs, src/screens/campaign/branches.rs) and the
// read-only notes of the campaign, conflict and transfer screens =====
/// Strings of the branch picker, the office's branch screen and the read-only notes.
pub mod branches {
    pub const NAV_BRANCHES: &str = "支部管理";
    pub const TITLE: &str = "支部管理";
    pub const HINT: &str = "支部由镇组织办建立、改名和撤销；各类记录和账号的工作范围以“支部编码”对应支部，改名不影响已有记录。";
    /// Prefix of a record's current value that is a retired branch.
    pub const RETIRED_PREFIX: &str = "（已撤销）";
    /// Prefix of a record's current value that matches no branch record.
    pub const UNKNOWN_PREFIX: &str = "（未登记）";
    /// Prefix of a record's current value outside the account's branches.
    pub const OUT_OF_SCOPE_PREFIX: &str = "（不在本账号范围）";
    pub const NO_BRANCHES: &str =
        "本机还没有支部名单：请填写支部全称，登录同步后将按账号的支部核对。";
    pub const NO_WRITABLE: &str = "本账号没有可填写的支部。";
    pub const FIXED: &str = "已送达镇组织办，所在支部不能在平板上更改；如填错，请联系镇组织办。";
    pub const COL_NAME: &str = "支部名称";
    pub const COL_KIND: &str = "类型";
    pub const COL_UNIT: &str = "村（社区）/单位";
    pub const COL_CODE: &str = "支部编码";
    pub const COL_STATE: &str = "状态";
    pub const COL_RECORDS: &str = "记录数";
    pub const COL_SECRETARY: &str = "支部书记";
    pub const ACTIVE: &str = "在用";
    pub const RETIRED: &str = "已撤销";
    pub const NEW_BRANCH: &str = "新建支部";
    pub const CODE_AUTO: &str = "保存后自动生成";
    pub const RENAME: &str = "修改";
    pub const RETIRE: &str = "撤销";
    pub const RESTORE: &str = "恢复";
    pub const CANCEL: &str = "取消";
    pub const SAVED: &str = "支部已保存";
    pub const EMPTY: &str = "还没有支部。";
    pub const UNMATCHED_TITLE: &str = "未对应支部的填写值";
    pub const UNMATCHED_HINT: &str = "以下是记录中“所在支部”填写的、与任何支部编码都不对应的文字。建立为支部后，这些记录和以此为工作范围的账号即归入该支部，无需改动记录。";
    pub const UNMATCHED_NONE: &str = "所有记录的支部都已对应到支部。";
    pub const ADOPT: &str = "建立为支部";
    pub const OFFICE_ONLY: &str = "只有镇组织办可以建立、修改或撤销支部。";
    pub fn confirm_retire(name: &str) -> String {
        format!("撤销支部“{name}”？已有记录保留并仍显示该支部，但新记录不能再选择它。")
    }
    pub fn confirm_restore(name: &str) -> String {
        format!("恢复支部“{name}”？")
    }
    pub fn adopting(value: &str) -> String {
        format!("支部编码沿用原填写值“{value}”")
    }
    pub fn records(n: usize) -> String {
        format!("{n} 条记录")
    }

    /// The read-only note of a county viewer on a campaign, conflict or transfer screen.
    pub const READ_ONLY: &str = "县委组织部账号为只读：可以查看，不能修改。";
    /// Why a form is not shown to a role that may not write it.
    pub const TOWN_ONLY: &str = "此项由镇组织办维护。";
    pub const IMPORT_READ_ONLY: &str = "只读账号不能导入数据文件。";

    /// What a record of `kind` is, in Chinese (never the storage key).
    pub fn entity_label(kind: shared::record::EntityKind) -> &'static str {
        use shared::record::EntityKind as K;
        match kind {
            K::Person => "党员",
            K::Survey => "调查",
            K::Candidate => "争创对象",
            K::ContactLog => "结对联系",
            K::Base => "示范基地",
            K::Visit => "参观学习",
            K::Funding => "资金扶持",
            K::Meeting => "党员大会",
            K::Inspection => "督查",
            K::Assessment => "考核评分",
            K::Notice => "通知公告",
            K::Campaign => "活动设置",
            K::Rubric => "考核细则",
            K::Branch => "支部",
        }
    }
}

/// The town office's own screens: accounts, devices, sign-in codes, roster import, the upload page.
pub mod office {
    pub const UPLOAD_PAGE_HINT: &str = "在办公室电脑上导入平板带回的导出文件：";
    pub const UPLOAD_PAGE_LINK: &str = "打开导出文件上传页面";

    pub const NAV_OFFICE: &str = "镇组织办";
    pub const TITLE: &str = "镇组织办：开始使用";
    pub const TAB_CHECKLIST: &str = "设置清单";
    pub const TAB_ACCOUNTS: &str = "账号";
    pub const TAB_DEVICES: &str = "设备";
    pub const TAB_ROSTER: &str = "导入党员名册";
    pub const REFRESH: &str = "刷新";
    pub const LOADING: &str = "正在读取…";

    // Checklist
    pub const CHECKLIST_HINT: &str = "第一天照此顺序：设置活动年限与目标、建立支部、导入党员名册、建立账号、为每台平板生成登录码。";
    pub const DONE: &str = "已完成";
    pub const NOT_DONE: &str = "未完成";
    pub const GO: &str = "去设置";
    pub fn step_label(key: &str) -> &'static str {
        match key {
            "town" => "镇名",
            "campaign" => "活动年限与目标",
            "branches" => "支部",
            "roster" => "党员名册",
            "accounts" => "外业账号",
            "tablets" => "平板",
            _ => "",
        }
    }

    // Accounts
    pub const ACCOUNTS_HINT: &str = "为调查员、支部书记和县委组织部建立账号，并限定可写的支部；平板可用一次性登录码登录，无需输入密码。";
    pub const USERNAME: &str = "用户名";
    pub const DISPLAY_NAME: &str = "姓名";
    pub const ROLE: &str = "角色";
    pub const BRANCHES: &str = "支部范围";
    pub const STATE: &str = "状态";
    pub const ACTIONS: &str = "操作";
    pub const PASSWORD: &str = "初始密码（至少 8 位）";
    pub const NEW_ACCOUNT: &str = "新建账号";
    pub const CREATE: &str = "建立账号";
    pub const CREATED: &str = "账号已建立：";
    pub const ENABLED: &str = "正常";
    pub const DISABLED: &str = "已停用";
    pub const DISABLE: &str = "停用";
    pub const ENABLE: &str = "启用";
    pub const RESET_PASSWORD: &str = "重设密码";
    pub const NEW_PASSWORD: &str = "新密码（至少 8 位）";
    pub const SAVE_PASSWORD: &str = "保存新密码";
    pub const PASSWORD_RESET: &str = "密码已重设，该账号的平板需重新登录。";
    pub const ALL_BRANCHES: &str = "全部（镇组织办、县委组织部）";
    pub const NO_BRANCHES_YET: &str =
        "尚未设置支部：请先在“支部管理”中建立支部，再建立调查员账号。";
    pub const SIGNIN_CODE: &str = "登录码";
    pub const SIGNIN_SERVER: &str = "平板访问服务器的地址";
    pub const SIGNIN_CODE_FOR: &str = "一次性登录码：";
    pub const SIGNIN_CODE_HINT: &str =
        "用平板扫描二维码，或在平板“同步”页的“用登录码登录”中输入 8 位码。只能使用一次。";
    pub const SIGNIN_EXPIRES: &str = "有效期至";
    pub const SIGNIN_REVOKE: &str = "撤销未使用的登录码";
    pub const SIGNIN_REVOKED: &str = "该账号未使用的登录码已全部撤销。";
    pub const PRINT: &str = "打印";

    // Devices
    pub const DEVICES_HINT: &str =
        "每台平板在每次同步结束时报告本机情况；标红的平板还有未送达办公室的工作。";
    pub const DEVICE: &str = "设备";
    pub const ACCOUNT: &str = "账号";
    pub const APP_VERSION: &str = "应用版本";
    pub const LAST_SYNC: &str = "最近同步";
    pub const PENDING: &str = "待同步";
    pub const REFUSED: &str = "被退回";
    pub const CONFLICTS: &str = "冲突";
    pub const OLDEST_UNSENT: &str = "最早未发送";
    pub const NEVER_REPORTED: &str = "尚未报告";
    pub const REVOKE: &str = "吊销";
    pub const RESTORE: &str = "恢复";
    pub const REVOKED: &str = "已吊销";
    pub const HOLDS_UNSENT: &str = "有未送达的工作";
    pub const NO_DEVICES: &str = "还没有设备登录。";
    pub fn devices_unsent(n: usize) -> String {
        format!("{n} 台平板有未送达的工作")
    }

    // Roster
    pub const ROSTER_HINT: &str = "选择 Excel/WPS 表格（.xlsx）或 CSV（UTF-8 或 GBK）。表头需有“姓名”和“所在支部”，可有性别、出生年月、联系电话、身份证号、村（社区）/单位。先预览，全部无误才能导入；再次导入更新已有党员，不会重复。";
    pub const ROSTER_FILE: &str = "党员名册文件";
    pub const PREVIEW: &str = "预览";
    pub const APPLY: &str = "导入";
    pub const ROWS: &str = "党员行数";
    pub const TO_CREATE: &str = "新增";
    pub const TO_UPDATE: &str = "更新";
    pub const UNCHANGED: &str = "不变";
    pub const ISSUES: &str = "问题";
    pub const ROW: &str = "行";
    pub const COLUMN: &str = "列";
    pub const REASON: &str = "原因";
    pub const COLUMNS_READ: &str = "识别的列：";
    pub const FIX_FIRST: &str =
        "名册中有问题，请在表格中修正后重新选择文件预览；有问题时不会导入任何内容。";
    pub const READY: &str = "名册无误，可以导入。";
    pub fn applied(created: u32, updated: u32, unchanged: u32) -> String {
        format!(
            "名册已导入：新增 {created} 人，更新 {updated} 人，{unchanged} 人不变。平板同步后即可看到。"
        )
    }

    // Sign-in with a code (tablet)
    pub const CODE_LOGIN_TITLE: &str = "用登录码登录（扫码登录）";
    pub const CODE_LOGIN_HINT: &str = "向镇组织办领取一次性登录码：扫描二维码，或输入 8 位码。";
    pub const CODE: &str = "8 位登录码";
    pub const CODE_LOGIN: &str = "用登录码登录";
    pub const SCAN: &str = "扫码登录";
    pub const SCANNING: &str = "请将二维码对准摄像头…";
    pub const CANCEL_SCAN: &str = "取消扫码";
    pub const SIGNING_IN: &str = "正在登录…";
    pub const SIGNED_IN_WITH_CODE: &str = "已用登录码登录。";
    pub const TO_PEOPLE: &str = "开始工作";

    // Printouts carry the town
    pub const CARD_NOT_YET: &str = "亮相卡只为镇党委审定后的争创对象提供（当前状态：";
    pub const ISSUER: &str = "印发：";
    pub const PERIOD: &str = "通报期间：";
    pub const TOWN_NAME: &str = "镇名（用于打印件落款，如“东海镇”）";
    pub const SAVE_TOWN: &str = "保存镇名";
    pub const TOWN_SAVED: &str = "镇名已保存";

    /// A date as printouts write it: 2026年11月28日.
    pub fn chinese_date(date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        format!("{}年{}月{}日", date.year(), date.month(), date.day())
    }

    /// The 通报's period: the year, within the campaign's years.
    pub fn period(year: i32, start: i32, end: i32) -> String {
        format!("{year}年1月1日至{year}年12月31日（活动年限 {start}–{end} 年）")
    }
}
