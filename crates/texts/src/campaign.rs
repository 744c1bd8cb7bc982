crate::texts! {
    1000;
    NAV_CAMPAIGN = "campaign-nav-campaign": "争创活动";
    NAV_DASHBOARD = "campaign-nav-dashboard": "总览";
    NAV_CANDIDATES = "campaign-nav-candidates": "争创对象";
    NAV_CONTACTS = "campaign-nav-contacts": "结对联系";
    NAV_BASES = "campaign-nav-bases": "示范基地";
    NAV_FUNDING = "campaign-nav-funding": "资金扶持";
    NAV_MEETINGS = "campaign-nav-meetings": "宣传发动";
    NAV_INSPECTIONS = "campaign-nav-inspections": "督查";
    NAV_ASSESSMENT = "campaign-nav-assessment": "考核表彰";
    NAV_NOTICES = "campaign-nav-notices": "通知公告";
    NAV_REPORT = "campaign-nav-report": "工作通报";
    NAV_SETTINGS = "campaign-nav-settings": "活动设置";
    LOCAL_USER = "campaign-local-user": "本机用户";
    UNKNOWN_PERSON = "campaign-unknown-person": "（未知党员）";
    NO_BRANCH = "campaign-no-branch": "（未指定支部）";
    NOT_ALLOWED = "campaign-not-allowed": "您的账号无权修改这条记录（角色或支部不符）";
    NOT_FOUND = "campaign-not-found": "找不到这条记录";
    DECODE_FAILED = "campaign-decode-failed": "记录格式无法识别";
    NO_DOCUMENT = "campaign-no-document": "浏览器无法下载文件";
    SAVED = "campaign-saved": "已保存";
    DELETE = "campaign-delete": "删除";
    CANCEL = "campaign-cancel": "取消";
    CONFIRM_DELETE = "campaign-confirm-delete": "确定删除这条记录吗？删除后会同步到所有设备。";
    CONFIRM_REMOVE = "campaign-confirm-remove": "确定移除该争创对象吗？移除后除镇组织办恢复外不能再进行任何操作（历史保留）。";
    CONFIRM_REJECT = "campaign-confirm-reject": "确定登记为「不予通过」吗？";
    YES = "campaign-yes": "是";
    NO = "campaign-no": "否";
    NOT_SET = "campaign-not-set": "未填写";
    PRINT = "campaign-print": "打印";
    EXPORT_CSV = "campaign-export-csv": "导出表格（CSV）";
    COL_BRANCH = "campaign-column-branch": "支部";
    YEAR = "campaign-year": "年度";
    STATE = "campaign-state": "状态";
    DATE = "campaign-date": "日期";
    CANDIDATE = "campaign-candidate": "争创对象";
    PERSON = "campaign-person": "党员";
    NOTES = "campaign-notes": "备注";
    CONTENT = "campaign-content": "内容";
    UNIT = "campaign-unit": "所在单位";
    CANDIDATES = "campaign-candidates": "争创对象";
    NEW_CANDIDATE = "campaign-new-candidate": "登记申报";
    NO_CANDIDATES = "campaign-no-candidates": "没有符合条件的争创对象";
    CONTACTS = "campaign-contacts": "结对联系";
    BEHIND = "campaign-behind": "联系滞后";
    PIPELINE = "campaign-pipeline": "列入下一年度梯队培育（培育一批）";
    /// Beside the 梯队 box on a tablet whose change of it the server refused (ticked before the
    /// town's approval reached the tablet): it may be taken back.
    PIPELINE_REFUSED_TAKE_BACK = "campaign-pipeline-refused-take-back": "办公室没有接受这个梯队标记（镇党委审定后只有镇组织办可以更改）。请把它改回并保存，再在“待发送”中点“重新提交”。";
    /// 重新提交 of a candidate still holding the 梯队 mark the server refused.
    PIPELINE_TAKE_BACK_FIRST = "campaign-pipeline-take-back-first": "梯队标记仍是办公室没有接受的那一个：请先在候选人页面把它改回并保存，再重新提交。";
    PIPELINE_SHORT = "campaign-pipeline-short": "梯队";
    ALL_YEARS = "campaign-all-years": "全部年度";
    ALL_CATEGORIES = "campaign-all-categories": "全部类别";
    NAV_PIPELINE = "campaign-nav-pipeline": "梯队";
    PIPELINE_OPEN = "campaign-pipeline-open": "梯队培育中";
    PIPELINE_CARRIED = "campaign-pipeline-carried": "已转入";
    PIPELINE_TOTAL = "campaign-pipeline-total": "梯队合计";
    YEAR_TARGET = "campaign-year-target": "年度目标";
    NO_YEAR_TARGET = "campaign-no-year-target": "未分年度";
    NO_PIPELINE = "campaign-no-pipeline": "该年度还没有梯队培育对象";
    NOT_A_CAMPAIGN_YEAR = "campaign-not-a-campaign-year": "该年度不在争创年度内";
    APPLY = "campaign-apply": "登记申报";
    PICK_PERSON_AND_CATEGORY = "campaign-pick-person-and-category": "请选择党员和争创类别";
    DISPLAY_CARD = "campaign-display-card": "亮相卡";
    LATEST_REASON = "campaign-latest-reason": "最近一次退回/移除/调整的理由：";
    APPLICATION = "campaign-application": "申报流程";
    PROFILE = "campaign-profile": "基本情况";
    CONTACT_PERSON = "campaign-contact-person": "结对联系人";
    INTEGRITY_GRADE = "campaign-integrity-grade": "诚信等级";
    INDUSTRY_PROSPECTS = "campaign-industry-prospects": "行业前景";
    EVIDENCE = "campaign-evidence": "事实依据";
    NEXT_YEAR = "campaign-next-year": "登记下一年度（年度评选/梯队转正）";
    NO_CONTACTS_NEEDED = "campaign-no-contacts-needed": "本年度无需结对联系";
    PROFILE_CLOSED = "campaign-profile-closed": "该争创记录已移除或已转入下一年度，档案只读（已移除的可由镇组织办「恢复」）";
    SHEET_AT_OFFICE = "campaign-sheet-at-office": "该争创对象本年度已有评分表，在服务器上，这台设备还没有取回：请先同步，再在那份评分表上评分";
    CLOSED_REMOVED = "campaign-closed-removed": "已移除：不计入排名、目标、提醒和统计；档案只读，镇组织办可填写理由后「恢复」";
    CLOSED_CARRIED = "campaign-closed-carried": "已转入下一年度：本记录只读，请在下一年度的记录上继续";
    DELETED = "campaign-deleted": "已删除";
    OPEN_EXISTING = "campaign-open-existing": "查看已有的争创记录";
    CARRIED_TO = "campaign-carried-to": "已转入下一年度的记录";
    CARRIED_FROM = "campaign-carried-from": "由上一年度的记录转入";
    OUTSIDE_CAMPAIGN = "campaign-outside-campaign": "（不在争创年度内，不计入目标）";
    LOG_CONTACT = "campaign-log-contact": "登记联系";
    HISTORY = "campaign-history": "流程记录";
    WHEN = "campaign-when": "时间";
    STEP = "campaign-step": "操作";
    WHO = "campaign-who": "操作人";
    REASON = "campaign-reason": "理由";
    CONTACT_KIND = "campaign-contact-kind": "类型";
    WAY = "campaign-way": "联系方式";
    CONTACT_BY = "campaign-contact-by": "联系人/专家";
    HELP_GIVEN = "campaign-help-given": "帮扶事项";
    CONTACT_STATUS = "campaign-contact-status": "联系情况（每人每年不少于4次）";
    GUIDANCE = "campaign-guidance": "专家指导";
    BASE_NAME = "campaign-base-name": "基地名称";
    INDUSTRY = "campaign-industry": "所属行业";
    ADDRESS = "campaign-address": "地址";
    VISITS = "campaign-visits": "参观学习";
    NEW_BASE = "campaign-new-base": "新增示范基地";
    BASE_INFO = "campaign-base-info": "基地信息";
    NEW_VISIT = "campaign-new-visit": "登记参观学习";
    ATTENDEES = "campaign-attendees": "参加的争创对象";
    NEW_FUNDING = "campaign-new-funding": "登记资金扶持";
    FUNDING_KIND = "campaign-funding-kind": "扶持方式";
    FUNDING_LEVEL = "campaign-funding-level": "出资层级";
    AMOUNT_YUAN = "campaign-amount-yuan": "金额（元）";
    PURPOSE = "campaign-purpose": "项目/用途";
    BAD_AMOUNT = "campaign-bad-amount": "请填写正确的金额（元，最多两位小数）";
    NEW_MEETING = "campaign-new-meeting": "登记党员大会";
    ATTENDED = "campaign-attended": "实到人数";
    EXPECTED = "campaign-expected": "应到人数";
    TOPICS = "campaign-topics": "会议内容";
    ATTENDANCE = "campaign-attendance": "出席";
    ALL_MOBILISED = "campaign-all-mobilised": "所有支部都已召开动员党员大会";
    WITHOUT_MEETING = "campaign-without-meeting": "尚未召开动员党员大会的支部：";
    NEW_INSPECTION = "campaign-new-inspection": "登记督查";
    INSPECTION_KIND = "campaign-inspection-kind": "督查方式";
    INSPECTORS = "campaign-inspectors": "督查人员";
    FINDINGS = "campaign-findings": "发现的问题";
    FIXES = "campaign-fixes": "整改事项";
    FIX_ITEM = "campaign-fix-item": "整改内容";
    FIX_DUE = "campaign-fix-due": "整改期限";
    FIXED_ON = "campaign-fixed-on": "完成日期";
    ADD_FIX = "campaign-add-fix": "添加整改事项";
    INSPECTION_RECORDS = "campaign-inspection-records": "督查记录";
    LAST_INSPECTED = "campaign-last-inspected": "最近督查";
    DAYS_SINCE = "campaign-days-since": "距今天数";
    OPEN_FIXES = "campaign-open-fixes": "未完成整改";
    OVERDUE = "campaign-overdue": "逾期未督查";
    NEVER = "campaign-never": "从未督查";
    RANKING = "campaign-ranking": "得分排名";
    RANK = "campaign-rank": "名次";
    TOTAL = "campaign-total": "总分";
    STAGE = "campaign-stage": "表彰环节";
    SCORE_SHEETS = "campaign-score-sheets": "评分表";
    BEGIN_SCORING = "campaign-begin-scoring": "开始评分";
    NO_RUBRIC = "campaign-no-rubric": "该类别还没有考核细则，请镇组织办在「活动设置」中制定";
    SAVE_SCORES = "campaign-save-scores": "保存评分";
    WEIGHT = "campaign-weight": "权重";
    MAX_SCORE = "campaign-max-score": "满分";
    CRITERION_SHOWN = "campaign-criterion-shown": "{ $label }（权重 { $weight }，满分 { $max }）";
    REJECT_REASON = "campaign-reject-reason": "不予通过的理由";
    COMMENDATION_OVERDUE = "campaign-commendation-overdue": "已过七·一，本年度表彰流程尚未完成县级审核";
    PUBLISH_NOTICE = "campaign-publish-notice": "发布通知";
    TITLE = "campaign-title": "标题";
    BODY = "campaign-body": "正文";
    PUBLISHED_ON = "campaign-published-on": "发布日期";
    PUBLISH = "campaign-publish": "发布";
    NO_NOTICES = "campaign-no-notices": "暂无通知";
    OFFICE_ONLY = "campaign-office-only": "活动设置和考核细则只能由镇组织办修改，这里仅供查看";
    TARGETS = "campaign-targets": "活动年限与目标";
    CAMPAIGN_NAME = "campaign-campaign-name": "活动名称";
    START_YEAR = "campaign-start-year": "起始年份";
    YEARS = "campaign-years": "年限（年）";
    TOTAL_TARGET = "campaign-total-target": "总目标";
    CRITERION_LABEL = "campaign-criterion-label": "考核内容";
    ADD_CRITERION = "campaign-add-criterion": "添加考核项";
    SAVE_RUBRIC = "campaign-save-rubric": "保存考核细则（生成新版本）";
    PROGRESS = "campaign-progress": "目标完成情况";
    WHOLE_CAMPAIGN = "campaign-whole-campaign": "活动全程";
    SERIES_TARGET = "campaign-series-target": "目标";
    SERIES_APPROVED = "campaign-series-approved": "已审定";
    SERIES_NAMED = "campaign-series-named": "已命名";
    REMAINING = "campaign-remaining": "尚差";
    WAITING = "campaign-waiting": "待处理的申报";
    SHORT_VILLAGE_LEADER = "campaign-short-village-leader": "带头人";
    SHORT_ENTERPRISE_POST = "campaign-short-enterprise-post": "示范岗";
    SHORT_BUSINESS_HOUSEHOLD = "campaign-short-business-household": "示范户";
    SHORT_SERVICE_POST = "campaign-short-service-post": "先锋岗";
    ALL_BRANCHES = "campaign-all-branches": "全部支部";
    TOWN_PROGRESS = "campaign-town-progress": "全镇目标完成情况";
    ACTIVE = "campaign-active": "争创对象";
    MOBILISED = "campaign-mobilised": "已召开动员党员大会";
    NOT_MOBILISED = "campaign-not-mobilised": "尚未召开动员党员大会";
    CSV_ACTIVE_SUFFIX = "campaign-csv-active-suffix": "·对象";
    CSV_NAMED_SUFFIX = "campaign-csv-named-suffix": "·命名";
    CARD_HEADING = "campaign-card-heading": "“四争一树”党员创业创新先锋";
    BOARD = "campaign-board": "亮相台";
    RED_FLAG = "campaign-red-flag": "流动红旗";
    DEEDS = "campaign-deeds": "主要事迹";
    BACK_TO_PROFILE = "campaign-back-to-profile": "返回档案";

    // The county's dashboard: its town picker, and why it shows nothing without the server.
    TOWN = "campaign-town": "镇";
    COUNTY_NEEDS_SERVER = "campaign-county-needs-server": "县级看板需要连接服务器";
    NO_SERVER = "campaign-no-server": "连不上服务器，请联网后重试";
    COUNTY_LOCAL = "campaign-county-local": "以下按本机保存的记录显示。本机存有各镇的记录，落款的镇名和年度可能是别的镇的：请连上服务器后再打印或核对。";
    NO_TOWNS = "campaign-no-towns": "服务器上还没有镇";
    RETRY = "campaign-retry": "重试";
    // The county's other campaign screens: read from its own store, whose records carry no town.
    COUNTY_MIXED = "campaign-county-mixed": "本页列出本机收到的各镇记录，记录上没有标明所属的镇，不做合计。各镇的进度、通报、梯队和排名，请在“总览”“工作通报”“梯队”“考核表彰”中选镇查看。";
    COUNTY_NO_TOTALS = "campaign-county-no-totals": "各镇的记录混在一起，此处不显示合计或目标：请在“总览”“工作通报”中选镇查看。";
    // Texts with arguments (their functions below)
    YEAR_LABEL = "campaign-year-label": "{ $year }年";
    SHOWN_COUNT = "campaign-shown-count": "共{ $n }条";
    TOWN_SHOWN = "campaign-town-shown": "以下是{ $town }的数据（从服务器读取）";
    PIPELINE_TITLE = "campaign-pipeline-title": "{ $year }年度梯队（创建一批、培育一批）";
    ACTING_AS = "campaign-acting-as": "当前操作人：{ $name }（{ $role }）";
    STANDARDS_TITLE = "campaign-standards-title": "主要标准（已达标 { $met }/{ $total }）";
    REASON_FOR = "campaign-reason-for": "{ $action }的理由（必填）";
    REASON_REQUIRED = "campaign-reason-required": "{ $action }必须填写理由";
    CONFIRM_ACTION = "campaign-confirm-action": "确认{ $action }";
    STATE_CHANGE = "campaign-state-change": "{ $from } → { $to }";
    WHO_WITH_ROLE = "campaign-who-with-role": "{ $by }（{ $role }）";
    CONTACT_STATUS_COUNT = "campaign-contact-status-count": "已联系 { $done }/{ $required } 次（截至今日应联系 { $expected } 次）";
    BASES_TOO_FEW = "campaign-bases-too-few": "目前有 { $have } 个示范基地，按计划至少应建立 { $need } 个";
    INSPECTION_RULE = "campaign-inspection-rule": "一般每两个月督查一次：超过 { $days } 天未督查的支部标为逾期";
    LAST_INSPECTED_ON = "campaign-last-inspected-on": "最近督查 { $date }";
    RUBRIC_VERSION = "campaign-rubric-version": "考核细则第{ $version }版";
    TOTAL_SCORE = "campaign-total-score": "总分 { $total }（满分100）";
    CRITERION_NUMBER = "campaign-criterion-number": "第{ $n }项";
    RUBRIC_TITLE = "campaign-rubric-title": "{ $category } 考核细则（第{ $version }版）";
    RUBRIC_TITLE_DRAFT = "campaign-rubric-title-draft": "{ $category } 考核细则（尚未制定，以下按主要标准生成草案）";
    CONTACTS_BEHIND_TITLE = "campaign-contacts-behind-title": "结对联系滞后 { $n } 人";
    INSPECTIONS_OVERDUE_TITLE = "campaign-inspections-overdue-title": "逾期未督查支部 { $n } 个";
    UNMOBILISED_TITLE = "campaign-unmobilised-title": "未召开动员大会支部 { $n } 个";
    REPORT_TITLE = "campaign-report-title": "“四争一树”活动{ $year }年度工作情况通报";
    REPORT_FILE_NAME = "campaign-report-file-name": "四争一树工作情况通报-{ $year }.csv";
    AS_OF = "campaign-as-of": "统计截至 { $date }";
    WAITING_LINE = "campaign-waiting-line": "待处理申报：待申报人补充 { $applicant }，待支部汇总 { $secretary }，待镇组织办 { $office }";
    INSPECTION_LINE = "campaign-inspection-line": "督查：{ $last }{ $flag }，未完成整改 { $open } 项";
    OVERDUE_FLAG = "campaign-overdue-flag": "（逾期）";
    // The report's CSV columns
    CSV_CATEGORY = "campaign-csv-category": "类别";
    CSV_TARGET = "campaign-csv-target": "目标";
    CSV_APPROVED = "campaign-csv-approved": "已审定";
    CSV_NAMED = "campaign-csv-named": "已命名";
    CSV_REMAINING = "campaign-csv-remaining": "尚差";
    CSV_BEHIND_COUNT = "campaign-csv-behind-count": "联系滞后人数";
    CSV_BEHIND_NAMES = "campaign-csv-behind-names": "联系滞后名单";
    CSV_WAITING_APPLICANT = "campaign-csv-waiting-applicant": "待申报人补充";
    CSV_WAITING_SECRETARY = "campaign-csv-waiting-secretary": "待支部汇总";
    CSV_WAITING_OFFICE = "campaign-csv-waiting-office": "待镇组织办处理";
    CSV_MOBILISED = "campaign-csv-mobilised": "已召开动员大会";
    CSV_LAST_INSPECTED = "campaign-csv-last-inspected": "最近督查";
    CSV_INSPECTION_OVERDUE = "campaign-csv-inspection-overdue": "督查逾期";
    CSV_OPEN_FIXES = "campaign-csv-open-fixes": "未完成整改";
    STATE_IN_PIPELINE = "campaign-state-in-pipeline": "{ $state }（梯队培育）";
}

pub const CSV_PROGRESS_HEAD: &[crate::Text] =
    &[CSV_CATEGORY, CSV_TARGET, CSV_APPROVED, CSV_NAMED, CSV_REMAINING];
pub const CSV_BRANCH_TAIL: &[crate::Text] = &[
    CSV_BEHIND_COUNT,
    CSV_BEHIND_NAMES,
    CSV_WAITING_APPLICANT,
    CSV_WAITING_SECRETARY,
    CSV_WAITING_OFFICE,
    CSV_MOBILISED,
    CSV_LAST_INSPECTED,
    CSV_INSPECTION_OVERDUE,
    CSV_OPEN_FIXES,
];

pub fn year_label(year: i32) -> String {
    YEAR_LABEL.format(&[("year", year.into())])
}
pub fn town_shown(town: &str) -> String {
    TOWN_SHOWN.format(&[("town", town.into())])
}
pub fn shown_count(n: usize) -> String {
    SHOWN_COUNT.format(&[("n", n.into())])
}
pub fn pipeline_title(year: i32) -> String {
    PIPELINE_TITLE.format(&[("year", year.into())])
}
pub fn acting_as(name: &str, role: &str) -> String {
    ACTING_AS.format(&[("name", name.into()), ("role", role.into())])
}
pub fn standards_title(met: usize, total: usize) -> String {
    STANDARDS_TITLE.format(&[("met", met.into()), ("total", total.into())])
}
pub fn reason_for(action: &str) -> String {
    REASON_FOR.format(&[("action", action.into())])
}
pub fn reason_required(action: &str) -> String {
    REASON_REQUIRED.format(&[("action", action.into())])
}
pub fn confirm_action(action: &str) -> String {
    CONFIRM_ACTION.format(&[("action", action.into())])
}
pub fn state_change(from: Option<&str>, to: &str) -> String {
    match from {
        Some(f) => STATE_CHANGE.format(&[("from", f.into()), ("to", to.into())]),
        None => to.to_owned(),
    }
}
pub fn who(by: &str, role: Option<&str>) -> String {
    match role {
        Some(r) => WHO_WITH_ROLE.format(&[("by", by.into()), ("role", r.into())]),
        None => by.to_owned(),
    }
}
pub fn contact_status(done: u32, required: u32, expected: u32) -> String {
    CONTACT_STATUS_COUNT.format(&[
        ("done", done.into()),
        ("required", required.into()),
        ("expected", expected.into()),
    ])
}
pub fn bases_too_few(have: usize, need: usize) -> String {
    BASES_TOO_FEW.format(&[("have", have.into()), ("need", need.into())])
}
pub fn attendance(attended: Option<u32>, expected: Option<u32>) -> String {
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".to_owned());
    format!("{}/{}", n(attended), n(expected))
}
pub fn inspection_rule(days: i64) -> String {
    INSPECTION_RULE.format(&[("days", days.into())])
}
pub fn last_inspected(date: &str) -> String {
    LAST_INSPECTED_ON.format(&[("date", date.into())])
}
pub fn rubric_version(version: u32) -> String {
    RUBRIC_VERSION.format(&[("version", version.into())])
}
pub fn total(total: f64) -> String {
    let total = format!("{total:.2}");
    TOTAL_SCORE.format(&[("total", (&total).into())])
}
/// `第3项`: a rubric criterion by its place.
pub fn criterion_number(n: usize) -> String {
    CRITERION_NUMBER.format(&[("n", n.into())])
}
pub fn rubric_title(category: &str, version: u32, exists: bool) -> String {
    if exists {
        RUBRIC_TITLE.format(&[("category", category.into()), ("version", version.into())])
    } else {
        RUBRIC_TITLE_DRAFT.format(&[("category", category.into())])
    }
}
pub fn contacts_behind_title(n: usize) -> String {
    CONTACTS_BEHIND_TITLE.format(&[("n", n.into())])
}
pub fn inspections_overdue_title(n: usize) -> String {
    INSPECTIONS_OVERDUE_TITLE.format(&[("n", n.into())])
}
pub fn unmobilised_title(n: usize) -> String {
    UNMOBILISED_TITLE.format(&[("n", n.into())])
}
pub fn report_title(year: i32) -> String {
    REPORT_TITLE.format(&[("year", year.into())])
}
pub fn report_file_name(year: i32) -> String {
    REPORT_FILE_NAME.format(&[("year", year.into())])
}
pub fn as_of(date: &str) -> String {
    AS_OF.format(&[("date", date.into())])
}
pub fn waiting_line(applicant: u32, secretary: u32, office: u32) -> String {
    WAITING_LINE.format(&[
        ("applicant", applicant.into()),
        ("secretary", secretary.into()),
        ("office", office.into()),
    ])
}
pub fn inspection_line(last: Option<String>, overdue: bool, open_fixes: usize) -> String {
    let last = last.map_or_else(|| NEVER.get().to_owned(), |d| last_inspected(&d));
    let flag = if overdue { OVERDUE_FLAG.get() } else { "" };
    INSPECTION_LINE.format(&[
        ("last", (&last).into()),
        ("flag", flag.into()),
        ("open", open_fixes.into()),
    ])
}
