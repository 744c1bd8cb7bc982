crate::texts! {
    0;
    APP_TITLE = "app-title": "四争一树";
    ONLINE = "online": "在线";
    OFFLINE = "offline": "离线";
    PENDING_SYNC = "pending-sync": "待同步";
    LOADING = "loading": "正在加载…";
    /// A screen's code could not be fetched (offline before the app finished installing).
    CHUNK_LOAD_FAILED = "chunk-load-failed": "无法加载此页面：设备未联网，且应用尚未完整安装。请连接网络后重新打开此页面，已保存的数据不受影响。";
    OPEN_FAILED = "open-failed": "本机数据库无法打开";
    NAV_PEOPLE = "nav-people": "党员名册";
    NAV_NEW_SURVEY = "nav-new-survey": "新建调查";
    NAV_SETTINGS = "nav-settings": "存储与设置";
    NOT_FOUND = "not-found": "页面不存在";
    BACK_TO_LIST = "back-to-list": "返回名册";
    DRAFT_WAITING = "draft-waiting": "有一份未完成的调查草稿。";
    DRAFT_CONTINUE = "draft-continue": "继续填写";
    DRAFT_DISMISS = "draft-dismiss": "稍后";
    SEARCH_PLACEHOLDER = "search-placeholder": "输入姓名搜索";
    FILTER_BRANCH = "filter-branch": "支部";
    FILTER_VILLAGE = "filter-village": "村（社区）/单位";
    FILTER_CATEGORY = "filter-category": "类别";
    FILTER_STATUS = "filter-status": "调查状态";
    FILTER_ANY = "filter-any": "全部";
    STATUS_DRAFT = "status-draft": "草稿";
    STATUS_FINAL = "status-final": "已定稿";
    STATUS_NONE = "status-none": "未调查";
    MORE = "more": "更多";
    NO_PEOPLE = "no-people": "没有符合条件的党员";
    COUNTY_PEOPLE = "county-people": "本机收到各镇的党员，记录上没有标明所属的镇：这里的人数是各镇合在一起的，不是某一个镇的人数。";
    /// The people list could not read which records have not reached the office yet.
    DELIVERY_STATES_UNREAD = "delivery-states-unread": "无法读取各记录的送达状态（{ $detail }），名册中没有标出哪些记录尚未送达办公室。请打开“待发送的记录”查看。";
    COL_NAME = "column-name": "姓名";
    COL_BRANCH = "column-branch": "支部";
    COL_VILLAGE = "column-village": "村（社区）/单位";
    COL_CATEGORY = "column-category": "类别";
    COL_STATUS = "column-status": "调查";
    SURVEY_TITLE = "survey-title": "调查摸底表";
    SAVED_AT = "saved-at": "草稿已自动保存";
    SAVING = "saving": "正在保存…";
    UNSAVED = "unsaved": "有未保存的修改";
    FINALISE = "finalise": "定稿";
    FINALISED = "finalised": "已定稿，可继续修改（修改会记录在历史中）";
    OPEN_ELSEWHERE = "survey-open-elsewhere": "这份调查正在本机的另一个窗口（或标签页）里填写，这里只能查看。请回到那个窗口继续填写；那个窗口关掉或离开这份调查后，这里会自动变成可以填写。";
    DISCARD_OPEN_ELSEWHERE = "survey-discard-open-elsewhere": "这份调查正在本机的另一个窗口（或标签页）里填写，没有删除。要删除，请在那个窗口里删除，或先关掉那个窗口。";
    FIX_ERRORS = "fix-errors": "请先改正以下问题再定稿：";
    CHOOSE = "choose": "请选择";
    YES = "yes": "是";
    GPS_BUTTON = "gps-button": "记录当前位置";
    GPS_LOCATING = "gps-locating": "正在定位…";
    GPS_CLEAR = "gps-clear": "清除位置";
    PHOTO_ADD = "photo-add": "拍照/添加照片";
    PHOTO_PROCESSING = "photo-processing": "正在处理照片…";
    PHOTO_REMOVE = "photo-remove": "移除";
    /// A photo finished processing after its form was left: it is on no record.
    PHOTO_NOT_ADDED = "photo-not-added": "照片未加入记录：照片处理完成前已离开了表单。请回到表单重新添加这张照片。";
    /// Asked before another screen opens while a photo is still being processed.
    LEAVE_PHOTO_PROCESSING = "leave-photo-processing": "照片还在处理中，现在离开，这张照片不会加入记录。仍要离开吗？";
    SURVEY_NOT_FOUND = "survey-not-found": "找不到这份调查";
    /// The browser discarded the tablet's database (`services::storage_loss`).
    STORAGE_LOST = "storage-lost": "浏览器清空了本机保存的数据（可能因意外关闭、存储空间不足或清除了网站数据）。\
     已交给办公室的内容不受影响：请重新登录并同步，即可重新下载。";
    STORAGE_LOST_READ = "storage-lost-read": "知道了";
    /// The browser discarded the tablet's database and the unsent changes came back from their
    /// copy outside it (`services::storage_loss::recover`).
    STORAGE_RECOVERED = "storage-recovered": "浏览器清空了本机保存的数据（可能因意外关闭、存储空间不足或清除了网站数据），\
     尚未发送的修改已从本机的备份中恢复。请重新登录并同步：恢复的修改将发送到办公室，其余内容将重新下载。";
    /// ... and taking them back from that copy is not done yet (tried again at each start).
    STORAGE_RECOVERY_PENDING = "storage-recovery-pending": "浏览器清空了本机保存的数据（可能因意外关闭、存储空间不足或清除了网站数据）。\
     尚未发送的修改保存在本机的备份中，但还没有恢复完成（可能存储空间不足，或需要先连接一次网络）。\
     每次打开应用都会自动再试：请不要重新录入这些内容，以免重复。如果一直显示此提示，请联系镇组织办。";
    F_NAME = "field-name": "姓名";
    F_GENDER = "field-gender": "性别";
    F_BIRTH_YEAR = "field-birth-year": "出生年份";
    F_PHONE = "field-phone": "联系电话";
    F_ID_NUMBER = "field-id-number": "身份证号（选填）";
    F_BRANCH = "field-branch": "所在支部";
    F_VILLAGE_UNIT = "field-village-unit": "所在村（社区）/企业/机关";
    F_CATEGORY = "field-category": "争创类别";
    F_PERSON_NOTES = "field-person-notes": "党员备注";
    F_SURVEYOR = "field-surveyor": "调查人";
    F_SURVEYED_AT = "field-surveyed-at": "调查时间";
    F_EMPLOYMENT = "field-employment": "从业情况";
    F_EMPLOYMENT_DETAIL = "field-employment-detail": "从业情况说明（单位、岗位、行业、年限）";
    F_POTENTIAL = "field-potential": "创业创新潜力";
    F_POTENTIAL_DETAIL = "field-potential-detail": "潜力说明";
    F_CAPITAL = "field-capital": "资金";
    F_TECHNOLOGY = "field-technology": "技术";
    F_MARKET = "field-market": "市场渠道";
    F_LAND_SEA = "field-land-sea": "土地/海域面积";
    F_BOATS = "field-boats": "船只";
    F_NETWORKS = "field-networks": "人脉关系";
    F_WEALTH = "field-wealth": "致富潜力";
    F_WEALTH_DETAIL = "field-wealth-detail": "致富潜力说明";
    F_INNOVATION = "field-innovation": "创新潜力";
    F_INNOVATION_DETAIL = "field-innovation-detail": "创新潜力说明";
    F_TRADE = "field-trade": "经营行业";
    F_SCALE = "field-scale": "经营规模";
    F_EMPLOYEES = "field-employees": "从业人数";
    F_TURNOVER = "field-turnover": "年营业额";
    F_BUSINESS_CONDITION = "field-business-condition": "经营状况";
    F_THREE_CULTIVATION = "field-three-cultivation": "三培养对象";
    F_MENTOR_ABILITY = "field-mentor-ability": "帮带能力";
    F_MENTOR_WILLINGNESS = "field-mentor-willingness": "帮带意向";
    F_MENTOR_DETAIL = "field-mentor-detail": "帮带情况说明";
    F_TECH_TALENT = "field-tech-talent": "是实用技术人才";
    F_TECH_SPECIALTY = "field-tech-specialty": "技术专长";
    F_TECH_INFO = "field-tech-info": "掌握的技术信息";
    F_SERVICE = "field-service": "服务创业创新表现";
    F_INDUSTRY_INFO = "field-industry-info": "产业信息";
    F_POLICY = "field-policy": "产业导向与政策";
    F_NOTES = "field-notes": "调查备注";
    F_CRITERIA = "field-criteria": "考核细则";
    PERSON_NOT_FOUND = "person-not-found": "找不到这名党员";
    SURVEYS = "surveys": "调查记录";
    NO_SURVEYS = "no-surveys": "还没有调查记录";
    NEW_SURVEY_FOR = "new-survey-for": "为此党员新建调查";
    EDIT = "edit": "编辑";
    VIEW = "view": "查看";
    PHOTOS = "photos": "照片";
    NO_PHOTOS = "no-photos": "没有照片";
    HISTORY = "history": "修改历史";
    NO_HISTORY = "no-history": "没有修改记录";
    HISTORY_DELETED = "history-deleted": "删除了记录";
    UNKNOWN_AUTHOR = "unknown-author": "（未登录用户）";
    FIELD_AUTHORS = "field-authors": "各项最后修改人";
    STORAGE = "storage": "本机存储";
    STORAGE_USED = "storage-used": "已用空间";
    STORAGE_AVAILABLE = "storage-available": "可用空间";
    STORAGE_UNKNOWN = "storage-unknown": "此浏览器无法估算存储空间";
    STORAGE_PERSISTED = "storage-persisted": "浏览器已承诺保留本机数据";
    STORAGE_NOT_PERSISTED = "storage-not-persisted": "浏览器可能在空间不足时清理本机数据，请及时同步";
    STORAGE_ASK_PERSIST = "storage-ask-persist": "申请长期保留本机数据";
    DEVICE_ID = "device-id": "设备编号";
    AUTHOR_NAME = "author-name": "当前调查人（用于修改记录）";
    SAVE = "save": "保存";
    SAVED = "saved": "已保存";
    OUTBOX_COUNT = "outbox-count": "待同步的修改";
    CONFLICTS = "conflicts": "冲突记录";
    /// What a history line is about.
    HIST_PERSON = "hist-person": "党员信息";
    HIST_SURVEY = "hist-survey": "调查";
    NOT_A_NUMBER = "not-a-number": "请填写数字";
    /// The survey's error list: a number field holding text that is not a number.
    NOT_A_NUMBER_IN = "not-a-number-in": "{ $field }：请填写数字";
    /// The form's save state while a number field holds text that is not a number (it cannot
    /// be saved until it is one).
    UNSAVED_NOT_A_NUMBER = "unsaved-not-a-number": "有未保存的修改：数字栏中填写的不是数字";
    /// Asked before another screen opens while number fields hold text that is not a number
    /// (it cannot be saved, and is lost on leaving); `fields`: their labels.
    LEAVE_NOT_A_NUMBER = "leave-not-a-number": "{ $fields }中填写的不是数字，无法保存，离开后将丢失。仍要离开吗？";
    /// The survey form's list of sections.
    SECTION_LIST = "section-list": "调查表目录";
    /// The app's main navigation.
    NAV_MAIN = "nav-main": "主导航";
    LOCATION = "location": "位置";
    PHOTO_ALT = "photo-alt": "照片";
    /// A record the tablet no longer has (deleted meanwhile).
    RECORD_GONE = "record-gone": "（记录已不在本机）";
    /// A record with no name yet.
    UNNAMED = "unnamed": "（未填姓名）";

    // The language select of 设置: its label names itself in two languages, so whoever opened
    // the app in a language they cannot read still finds it.
    LANGUAGE = "language": "语言 / Language";
    LANGUAGE_RELOADS = "language-reloads": "选择后页面会重新加载，以所选语言显示。";
    // The larger-text switch of 设置 (the age-friendly mode: body text ≥ 18 px, targets ≥ 60 px).
    LARGE_TEXT = "large-text": "大字模式";
    LARGE_TEXT_HINT = "large-text-hint": "文字和按钮更大，更易阅读和点按。";
    // The update banner
    UPDATE_READY = "update-ready": "有新版本，点击更新";
    UPDATE_SAVE_FIRST = "update-save-first": "还有未保存的内容，请先保存，再点击更新。";
    UPDATE_UPDATING = "update-updating": "正在更新…";
    // Times and amounts (src/logic/format.rs)
    TIME_AM = "time-am": "上午{ $hour }:{ $minute }";
    TIME_PM = "time-pm": "下午{ $hour }:{ $minute }";
    YUAN = "yuan": "{ $amount } 元";
    JUST_NOW = "just-now": "刚刚";
    MINUTES_AGO = "minutes-ago": "{ $n } 分钟前";
    HOURS_AGO = "hours-ago": "{ $n } 小时前";
    DAYS_AGO = "days-ago": "{ $n } 天前";
    IN_SECONDS = "in-seconds": "{ $n } 秒后";
    IN_MINUTES = "in-minutes": "{ $n } 分钟后";
    // Errors of the device: storage, offline machinery, files, scanning
    STORE_QUOTA_EXCEEDED = "error-store-quota-exceeded": "设备存储空间已满：这次的修改没有保存，之前保存的都还在。请先同步，或到「导出」导出文件带回镇里，再清理平板的存储空间";
    STORE_CONNECTION_LOST = "error-store-connection-lost": "本机数据库被浏览器关闭（设备存储空间已满时会这样）：这次的修改没有保存，之前保存的都还在。请先同步，或到「导出」导出文件，再清理平板的存储空间后重试";
    STORE_FULL = "error-store-full": "设备存储空间已满，本机数据库暂时打不开：已保存的内容都还在。请先清理平板的存储空间（删除不需要的照片、视频或应用），再同步或导出";
    STORE_UNSUPPORTED = "error-store-unsupported": "此浏览器不支持本机数据库（IndexedDB），无法离线保存";
    STORE_OPEN = "error-store-open": "无法打开本机数据库：{ $detail }";
    STORE_DATABASE = "error-store-database": "本机数据库操作失败，未保存任何内容：{ $detail }";
    STORE_CODEC = "error-store-codec": "本机数据格式错误：{ $detail }";
    STORE_DUPLICATE = "error-store-duplicate": "此修改已在待同步队列中，未重复保存";
    STORE_NOT_FOUND = "error-store-not-found": "本机找不到这条记录";
    SW_UNSUPPORTED = "error-sw-unsupported": "此浏览器不支持离线使用（没有 Service Worker），请使用新版 Chrome 或 Edge";
    SW_REGISTRATION = "error-sw-registration": "离线功能启用失败：{ $detail }";
    SW_NO_WAITING = "error-sw-no-waiting": "当前没有等待安装的新版本";
    SW_ACTIVATION = "error-sw-activation": "无法启用新版本：{ $detail }";
    FILE_NONE = "error-file-none": "请先选择文件";
    FILE_TOO_LARGE = "error-file-too-large": "文件过大（不能超过 { $mb } MB）";
    FILE_READ = "error-file-read": "无法读取文件：{ $detail }";
    SCAN_UNSUPPORTED = "error-scan-unsupported": "此浏览器不支持扫码，请输入 8 位登录码";
    SCAN_CAMERA = "error-scan-camera": "无法打开摄像头（{ $detail }），请输入 8 位登录码";
    SCAN_TIMED_OUT = "error-scan-timed-out": "没有识别到二维码，请再试一次，或输入 8 位登录码";
    SCAN_CANCELLED = "error-scan-cancelled": "已取消扫码";
    FILE_BROWSER = "error-file-browser": "浏览器无法处理文件：{ $detail }";
    // Another tablet of the account still holds unsent changes (services::storage_loss)
    UNSENT_ELSEWHERE = "unsent-elsewhere": "这个账号在另一台平板（{ $device }）上还有 { $pending } 条记录的修改没有发送（最后一次同步：{ $last_sync }）。如果那台平板还在，请在那台平板上同步；如果那台平板的数据已经丢失，请联系镇组织办。";
    UNSENT_ELSEWHERE_BLOCKED = "unsent-elsewhere-blocked": "这个账号在另一台平板（{ $device }，已被镇组织办停用）上还有 { $pending } 条记录的修改没有发送（最后一次同步：{ $last_sync }）。请联系镇组织办。";
    UNSENT_ELSEWHERE_OLDEST = "unsent-elsewhere-oldest": "其中最早的修改做于 { $at }。";
    UNSENT_ELSEWHERE_READ = "unsent-elsewhere-read": "知道了";
    SERVER_RESTORED_READ = "server-restored-read": "知道了";
    // Texts with arguments (their functions below)
    SERVER_RESTORED = "server-restored": "办公室服务器的数据已恢复为较早的备份（或已迁移），其中可能缺少已同步过的修改。本机已从头重新下载全部记录，并把本机做过的 { $n } 条修改重新发送（服务器已有的不会重复保存），照片也已重新核对。请不要重新录入；服务器未接受的修改会列在“待发送”中并说明原因。";
    SERVER_RESTORED_PENDING = "server-restored-pending": "办公室服务器的数据已恢复为较早的备份（或已迁移），其中可能缺少已同步过的修改。本机做过的 { $n } 条修改已重新加入待同步，联网后自动发送（服务器已有的不会重复保存），之后本机会从头重新下载全部记录。请不要重新录入。";
    PEOPLE_COUNT = "people-count": "共 { $total } 人，显示 { $shown } 人";
    KEPT_VALUES = "kept-values": "以下填写值不在现行表单的选项中，已原样保留（不会丢失，照常同步）：{ $values }。如需更改，请重新选择。";
    KEPT_VALUE = "kept-value": "{ $field }：{ $value }";
    OVERWRITTEN_VALUES = "overwritten-values": "以下内容在你填写期间已被别处修改：{ $values }。已按你填写的保存；被替换的值作为冲突保留，由镇组织办在“冲突处理”中核对。";
    /// A save of the survey form made as it was left failed (said app-wide: the form is gone).
    LEFT_UNSAVED = "left-unsaved": "离开调查表时保存未成功：{ $error }。所填内容仍保留在本机，重新打开该调查或下次启动时会再次保存。";
    FORM_MIGRATED = "form-migrated": "此调查按旧版表单填写，已按现行表单读取：{ $description }。下次保存时一并保存，并记入修改记录。";
    GPS_FIX = "gps-fix": "纬度 { $lat }，经度 { $lon }（精度约 { $accuracy } 米）";
    GPS_FIX_NO_ACCURACY = "gps-fix-no-accuracy": "纬度 { $lat }，经度 { $lon }";
    STORAGE_LOST_PENDING = "storage-lost-pending": "清空前本机有 { $n } 条记录尚未送达办公室，已无法恢复：请核对并重新录入。";
    STORAGE_RECOVERED_COUNT = "storage-recovered-count": "已恢复 { $n } 条尚未送达办公室的修改，同步后即发送。";
    STORAGE_RECOVERED_REFUSED = "storage-recovered-refused": "另有 { $n } 条曾被办公室退回的修改已恢复，仍在“待发送”中列为被退回：请打开记录改正后重新提交。";
    STORAGE_RECOVERED_PHOTOS = "storage-recovered-photos": "其中 { $n } 张照片未能恢复：请核对相关调查并重新拍摄。";
    ANSWERED_OF = "answered-of": "已填 { $answered }/{ $total }";
    HISTORY_SAVED = "history-saved": "保存了{ $what }";
    HISTORY_CHANGED = "history-changed": "修改了{ $what }：{ $fields }";
    /// Between the items of a list (`从业情况、资金`).
    LIST_SEPARATOR = "list-separator": "、";
    /// Between longer items of a list.
    LIST_SEPARATOR_LONG = "list-separator-long": "；";
    // Field labels of the change history that are not form fields
    FIELD_PERSON_ID = "field-person-id": "调查对象";
    FIELD_STATUS = "field-status": "状态";
    FIELD_FORM_MIGRATION = "field-form-migration": "表单升级";
    FIELD_FORM_VERSION = "field-form-version": "表单版本";
    FIELD_OTHER = "field-other": "其他";
    GEO_UNSUPPORTED = "error-geo-unsupported": "此设备不支持定位";
    GEO_DENIED = "error-geo-denied": "未获得定位权限，请在浏览器设置中允许定位";
    GEO_UNAVAILABLE = "error-geo-unavailable": "暂时无法定位，请到室外或稍后再试";
    GEO_TIMEOUT = "error-geo-timeout": "定位超时，请稍后再试";
    UNKNOWN_ERROR = "error-unknown": "未知错误";
    PHOTO_UNREADABLE = "error-photo-unreadable": "无法读取这张图片，请换一张或重新拍摄";
    PHOTO_ENCODE = "error-photo-encode": "浏览器无法压缩图片：{ $detail }";
    /// The same, when the last keystrokes could not be kept either (their draft write failed).
    LEFT_UNSAVED_LOST = "left-unsaved-lost": "离开调查表时保存未成功：{ $error }。最后输入的内容也未能保留在本机（可能是存储空间已满）：请重新打开该调查核对，补上缺少的内容。";
    STORE_COMMIT_ABORTED = "error-store-commit-aborted": "浏览器中止了本机数据库的写入（设备存储空间已满时会这样）：这次的修改可能没有保存，之前保存的都还在。请先同步，或到「导出」导出文件，再清理平板的存储空间后重试";
}

pub fn delivery_states_unread(detail: &str) -> String {
    DELIVERY_STATES_UNREAD.format(&[("detail", detail.into())])
}

pub fn people_count(shown: usize, total: usize) -> String {
    PEOPLE_COUNT.format(&[("shown", shown.into()), ("total", total.into())])
}

/// Joins short items (`从业情况、资金`).
pub fn join(items: &[&str]) -> String {
    items.join(LIST_SEPARATOR.get())
}

/// A field's label for notes about form versions: its label, or its own name when the form no
/// longer (or not yet) has it.
pub fn form_field_label(field: &str) -> String {
    match field_text(field) {
        Some(text) => text.get().to_owned(),
        None => field.to_owned(),
    }
}

/// Values of a survey the current form does not know, kept as they are.
pub fn kept_values(values: &[(String, String)]) -> String {
    KEPT_VALUES.format(&[("values", field_values(values).as_str().into())])
}

/// Values changed elsewhere while the form was open and then typed over: (field label, the
/// value that was replaced).
pub fn overwritten_values(values: &[(String, String)]) -> String {
    OVERWRITTEN_VALUES.format(&[("values", field_values(values).as_str().into())])
}

/// (field label, value) pairs as one list (`从业情况：fisheries；船舶：…`).
fn field_values(values: &[(String, String)]) -> String {
    let list: Vec<String> = values
        .iter()
        .map(|(f, v)| KEPT_VALUE.format(&[("field", f.into()), ("value", v.into())]))
        .collect();
    list.join(LIST_SEPARATOR_LONG.get())
}

/// A save made as the survey form was left failed, with why.
pub fn left_unsaved(error: &str) -> String {
    LEFT_UNSAVED.format(&[("error", error.into())])
}

/// A save made as the survey form was left failed, and the last keystrokes' draft was not kept.
pub fn left_unsaved_lost(error: &str) -> String {
    LEFT_UNSAVED_LOST.format(&[("error", error.into())])
}

/// A survey made on an older form, read on the current one.
pub fn form_migrated(description: &str) -> String {
    FORM_MIGRATED.format(&[("description", description.into())])
}

pub fn gps_fix(lat: f64, lon: f64, accuracy: Option<f64>) -> String {
    let (lat, lon) = (format!("{lat:.5}"), format!("{lon:.5}"));
    match accuracy {
        Some(a) => {
            let a = format!("{a:.0}");
            GPS_FIX.format(&[
                ("lat", (&lat).into()),
                ("lon", (&lon).into()),
                ("accuracy", (&a).into()),
            ])
        }
        None => GPS_FIX_NO_ACCURACY.format(&[("lat", (&lat).into()), ("lon", (&lon).into())]),
    }
}

/// How many unsent changes went with a discarded database.
pub fn storage_lost_pending(n: u32) -> String {
    STORAGE_LOST_PENDING.format(&[("n", n.into())])
}

/// How many unsent changes came back from the outbox's copy after a discard.
pub fn storage_recovered_count(n: u32) -> String {
    STORAGE_RECOVERED_COUNT.format(&[("n", n.into())])
}

/// The office server's database was found restored from an older backup (or moved): `n`
/// changes made on this tablet queued again, and sent once `complete`.
pub fn server_restored(n: u32, complete: bool) -> String {
    let text = if complete { SERVER_RESTORED } else { SERVER_RESTORED_PENDING };
    text.format(&[("n", n.into())])
}

/// How many refused changes came back from the copy among the refusals.
pub fn storage_recovered_refused(n: u32) -> String {
    STORAGE_RECOVERED_REFUSED.format(&[("n", n.into())])
}

/// How many photos the recovered changes name that did not come back.
pub fn storage_recovered_photos_missing(n: u32) -> String {
    STORAGE_RECOVERED_PHOTOS.format(&[("n", n.into())])
}

/// The label of a survey/person field name, for the change history.
pub fn field_label(field: &str) -> &'static str {
    field_text(field).unwrap_or(FIELD_OTHER).get()
}

/// [`field_label`] in `catalog`'s language (the server's pages; `None`: zh-Hans).
pub fn field_label_in(field: &str, catalog: Option<&crate::Catalog>) -> &'static str {
    field_text(field).unwrap_or(FIELD_OTHER).get_in(catalog)
}

/// Survey/person field names and their labels (a table: smaller than a `match` of strings).
const FIELD_TEXTS: &[(&str, crate::Text)] = &[
    ("name", F_NAME),
    ("gender", F_GENDER),
    ("birth_year", F_BIRTH_YEAR),
    ("phone", F_PHONE),
    ("id_number", F_ID_NUMBER),
    ("branch_id", F_BRANCH),
    ("village_unit", F_VILLAGE_UNIT),
    ("category", F_CATEGORY),
    ("person_id", FIELD_PERSON_ID),
    ("surveyor", F_SURVEYOR),
    ("surveyed_at", F_SURVEYED_AT),
    ("status", FIELD_STATUS),
    ("employment", F_EMPLOYMENT),
    ("employment_detail", F_EMPLOYMENT_DETAIL),
    ("potential_level", F_POTENTIAL),
    ("potential_detail", F_POTENTIAL_DETAIL),
    ("capital", F_CAPITAL),
    ("technology", F_TECHNOLOGY),
    ("market_channels", F_MARKET),
    ("land_sea_area", F_LAND_SEA),
    ("boats", F_BOATS),
    ("networks", F_NETWORKS),
    ("wealth_potential", F_WEALTH),
    ("wealth_potential_detail", F_WEALTH_DETAIL),
    ("innovation_potential", F_INNOVATION),
    ("innovation_potential_detail", F_INNOVATION_DETAIL),
    ("trade", F_TRADE),
    ("scale", F_SCALE),
    ("employees", F_EMPLOYEES),
    ("turnover_band", F_TURNOVER),
    ("business_condition", F_BUSINESS_CONDITION),
    ("three_cultivation", F_THREE_CULTIVATION),
    ("mentoring_ability", F_MENTOR_ABILITY),
    ("mentoring_willingness", F_MENTOR_WILLINGNESS),
    ("mentoring_detail", F_MENTOR_DETAIL),
    ("tech_talent", F_TECH_TALENT),
    ("tech_specialty", F_TECH_SPECIALTY),
    ("tech_info", F_TECH_INFO),
    ("service_performance", F_SERVICE),
    ("industry_info", F_INDUSTRY_INFO),
    ("policy_orientation", F_POLICY),
    ("gps", LOCATION),
    ("photos", PHOTOS),
    ("notes", F_NOTES),
    ("criteria", F_CRITERIA),
    ("form_migration", FIELD_FORM_MIGRATION),
    ("form_version", FIELD_FORM_VERSION),
];

fn field_text(field: &str) -> Option<crate::Text> {
    FIELD_TEXTS.iter().find(|(name, _)| *name == field).map(|(_, text)| *text)
}

/// `已填 3/10`: questions of a section answered.
pub fn answered_of(answered: usize, total: usize) -> String {
    ANSWERED_OF.format(&[("answered", answered.into()), ("total", total.into())])
}

/// `修改了调查：从业情况、资金`; `保存了调查` when no answer moved.
pub fn history_changed(what: &str, fields: &[&str]) -> String {
    if fields.is_empty() {
        HISTORY_SAVED.format(&[("what", what.into())])
    } else {
        let fields = join(fields);
        HISTORY_CHANGED.format(&[("what", what.into()), ("fields", (&fields).into())])
    }
}

/// A sign-in answered that another device of the account still held changes not sent when it
/// last synced (`services::storage_loss::UnsentElsewhereNotice`).
pub fn unsent_elsewhere(device: &str, pending: u32, last_sync: &str, blocked: bool) -> String {
    let text = if blocked { UNSENT_ELSEWHERE_BLOCKED } else { UNSENT_ELSEWHERE };
    text.format(&[
        ("device", device.into()),
        ("pending", pending.into()),
        ("last_sync", last_sync.into()),
    ])
}

/// When the oldest of them was made.
pub fn unsent_elsewhere_oldest(at: &str) -> String {
    UNSENT_ELSEWHERE_OLDEST.format(&[("at", at.into())])
}
