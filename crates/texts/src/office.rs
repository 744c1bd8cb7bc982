crate::texts! {
    5000;
    UPLOAD_PAGE_HINT = "office-upload-page-hint": "在办公室电脑上导入平板带回的导出文件：";
    UPLOAD_PAGE_LINK = "office-upload-page-link": "打开导出文件上传页面";
    NAV_OFFICE = "office-nav-office": "镇组织办";
    TITLE = "office-title": "镇组织办：开始使用";
    TAB_CHECKLIST = "office-tab-checklist": "设置清单";
    TAB_ACCOUNTS = "office-tab-accounts": "账号";
    TAB_DEVICES = "office-tab-devices": "设备";
    TAB_ROSTER = "office-tab-roster": "导入党员名册";
    REFRESH = "office-refresh": "刷新";
    LOADING = "office-loading": "正在读取…";
    CHECKLIST_HINT = "office-checklist-hint": "第一天照此顺序：设置活动年限与目标、建立支部、导入党员名册、建立账号、为每台平板生成登录码。";
    DONE = "office-done": "已完成";
    NOT_DONE = "office-not-done": "未完成";
    GO = "office-go": "去设置";
    ACCOUNTS_HINT = "office-accounts-hint": "为调查员、支部书记和县委组织部建立账号，并限定可写的支部；平板可用一次性登录码登录，无需输入密码。";
    USERNAME = "office-username": "用户名";
    DISPLAY_NAME = "office-display-name": "姓名";
    ROLE = "office-role": "角色";
    BRANCHES = "office-branches": "支部范围";
    STATE = "office-state": "状态";
    ACTIONS = "office-actions": "操作";
    PASSWORD = "office-password": "初始密码（至少 8 位）";
    NEW_ACCOUNT = "office-new-account": "新建账号";
    CREATE = "office-create": "建立账号";
    CREATED = "office-created": "账号已建立：";
    ENABLED = "office-enabled": "正常";
    DISABLED = "office-disabled": "已停用";
    DISABLE = "office-disable": "停用";
    ENABLE = "office-enable": "启用";
    RESET_PASSWORD = "office-reset-password": "重设密码";
    NEW_PASSWORD = "office-new-password": "新密码（至少 8 位）";
    SAVE_PASSWORD = "office-save-password": "保存新密码";
    PASSWORD_RESET = "office-password-reset": "密码已重设，该账号的平板需重新登录。";
    ALL_BRANCHES = "office-all-branches": "全部（镇组织办、县委组织部）";
    NO_BRANCHES_YET = "office-no-branches-yet": "尚未设置支部：请先在“支部管理”中建立支部，再建立调查员账号。";
    SIGNIN_CODE = "office-signin-code": "登录码";
    SIGNIN_SERVER = "office-signin-server": "平板访问服务器的地址";
    SIGNIN_CODE_FOR = "office-signin-code-for": "一次性登录码：";
    SIGNIN_CODE_HINT = "office-signin-code-hint": "用平板扫描二维码，或在平板“同步”页的“用登录码登录”中输入 8 位码。只能使用一次。";
    SIGNIN_EXPIRES = "office-signin-expires": "有效期至";
    SIGNIN_REVOKE = "office-signin-revoke": "撤销未使用的登录码";
    SIGNIN_REVOKED = "office-signin-revoked": "该账号未使用的登录码已全部撤销。";
    PRINT = "office-print": "打印";
    DEVICES_HINT = "office-devices-hint": "每台平板在每次同步结束时报告本机情况；标红的平板还有未送达办公室的工作。";
    DEVICE = "office-device": "设备";
    ACCOUNT = "office-account": "账号";
    APP_VERSION = "office-app-version": "应用版本";
    LAST_SYNC = "office-last-sync": "最近同步";
    PENDING = "office-pending": "待同步";
    REFUSED = "office-refused": "被退回";
    CONFLICTS = "office-conflicts": "冲突";
    OLDEST_UNSENT = "office-oldest-unsent": "最早未发送";
    NEVER_REPORTED = "office-never-reported": "尚未报告";
    REVOKE = "office-revoke": "吊销";
    RESTORE = "office-restore": "恢复";
    REVOKED = "office-revoked": "已吊销";
    HOLDS_UNSENT = "office-holds-unsent": "有未送达的工作";
    NO_DEVICES = "office-no-devices": "还没有设备登录。";
    ROSTER_HINT = "office-roster-hint": "选择 Excel/WPS 表格（.xlsx）或 CSV（UTF-8 或 GBK）。表头需有“姓名”和“所在支部”，可有性别、出生年月、联系电话、身份证号、村（社区）/单位。先预览，全部无误才能导入；再次导入更新已有党员，不会重复。";
    ROSTER_FILE = "office-roster-file": "党员名册文件";
    PREVIEW = "office-preview": "预览";
    APPLY = "office-apply": "导入";
    ROWS = "office-rows": "党员行数";
    TO_CREATE = "office-to-create": "新增";
    TO_UPDATE = "office-to-update": "更新";
    UNCHANGED = "office-unchanged": "不变";
    ISSUES = "office-issues": "问题";
    ROW = "office-row": "行";
    COLUMN = "office-column": "列";
    REASON = "office-reason": "原因";
    COLUMNS_READ = "office-columns-read": "识别的列：";
    FIX_FIRST = "office-fix-first": "名册中有问题，请在表格中修正后重新选择文件预览；有问题时不会导入任何内容。";
    READY = "office-ready": "名册无误，可以导入。";
    CODE_LOGIN_TITLE = "office-code-login-title": "用登录码登录（扫码登录）";
    CODE_LOGIN_HINT = "office-code-login-hint": "向镇组织办领取一次性登录码：扫描二维码，或输入 8 位码。";
    CODE = "office-code": "8 位登录码";
    CODE_LOGIN = "office-code-login": "用登录码登录";
    SCAN = "office-scan": "扫码登录";
    SCANNING = "office-scanning": "请将二维码对准摄像头…";
    CANCEL_SCAN = "office-cancel-scan": "取消扫码";
    SIGNING_IN = "office-signing-in": "正在登录…";
    SIGNED_IN_WITH_CODE = "office-signed-in-with-code": "已用登录码登录。";
    TO_PEOPLE = "office-to-people": "开始工作";
    CARD_NOT_YET = "office-card-not-yet": "亮相卡只为镇党委审定后的争创对象提供（当前状态：";
    ISSUER = "office-issuer": "印发：";
    PERIOD = "office-period": "通报期间：";
    TOWN_NAME = "office-town-name": "镇名（用于打印件落款，如“东海镇”）";
    SAVE_TOWN = "office-save-town": "保存镇名";
    TOWN_SAVED = "office-town-saved": "镇名已保存";

    // The checklist's details (src/services/office.rs)
    NOT_OFFICE = "office-not-office": "请先以镇组织办账号登录（在“同步”页登录）";
    STEP_TOWN_NOT_SET = "office-step-town-not-set": "尚未设置镇名：打印件落款将只写“中共镇委员会”";
    STEP_TOWN_SET = "office-step-town-set": "{ $town }（打印件落款：{ $committee }）";
    STEP_CAMPAIGN_DEFAULT = "office-step-campaign-default": "尚未保存活动设置：现用默认的活动年限 { $start }–{ $end } 年，请在“活动设置”中改为本镇的年限与目标";
    STEP_CAMPAIGN_SET = "office-step-campaign-set": "活动年限 { $start }–{ $end } 年";
    STEP_BRANCHES_NONE = "office-step-branches-none": "尚未设置支部";
    STEP_BRANCHES_SOME = "office-step-branches-some": "已有 { $n } 个支部";
    STEP_ROSTER_NONE = "office-step-roster-none": "尚未导入党员名册";
    STEP_ROSTER_SOME = "office-step-roster-some": "已有 { $n } 名党员";
    STEP_ACCOUNTS_NONE = "office-step-accounts-none": "尚未建立调查员或支部书记账号";
    STEP_ACCOUNTS_SOME = "office-step-accounts-some": "已有 { $n } 个外业账号";
    STEP_TABLETS_NONE = "office-step-tablets-none": "尚无平板登录";
    STEP_TABLETS_SOME = "office-step-tablets-some": "已有 { $n } 台平板登录";
    // Texts with arguments (their functions below)
    DEVICES_UNSENT = "office-devices-unsent": "{ $n } 台平板有未送达的工作";
    APPLIED = "office-applied": "名册已导入：新增 { $created } 人，更新 { $updated } 人，{ $unchanged } 人不变。平板同步后即可看到。";
    DATE_LONG = "office-date-long": "{ $year }年{ $month }月{ $day }日";
    PERIOD_TEXT = "office-period-text": "{ $year }年1月1日至{ $year }年12月31日（活动年限 { $start }–{ $end } 年）";
    // The steps of the checklist
    STEP_TOWN = "office-step-town": "镇名";
    STEP_CAMPAIGN = "office-step-campaign": "活动年限与目标";
    STEP_BRANCHES = "office-step-branches": "支部";
    STEP_ROSTER = "office-step-roster": "党员名册";
    STEP_ACCOUNTS = "office-step-accounts": "外业账号";
    STEP_TABLETS = "office-step-tablets": "平板";
    // A roster's notes: rows imported, members not moved to another branch
    NOT_MOVED = "office-not-moved": "未转支部";
    NOT_MOVED_HINT = "office-not-moved-hint": "以下党员在名册中的支部与已登记的不同：其他信息照常导入（已计入“更新”或“不变”），党员仍留在原支部；党员转支部不能通过名册导入。";
    NAMESAKES = "office-namesakes": "其他支部有同名党员";
    NAMESAKES_HINT = "office-namesakes-hint": "以下各行将新建党员（已计入“新增”），但其他支部已登记了同名的党员，可能是转来的同一人。应用前请逐行核对。";
    CONFIRM_DISABLE_ACCOUNT = "office-confirm-disable-account": "停用账号「{ $name }」？停用后该账号不能再登录和同步，直到重新启用。";
    CONFIRM_REVOKE_CODES = "office-confirm-revoke-codes": "撤销账号「{ $name }」所有未使用的登录码？已打印或发出的登录码将不能再用。";
    CONFIRM_REVOKE_DEVICE = "office-confirm-revoke-device": "吊销设备「{ $device }」（账号 { $account }）？吊销后这台平板不能再同步，直到恢复该设备。";
    CONFIRM_REVOKE_DEVICE_UNSENT = "office-confirm-revoke-device-unsent": "吊销设备「{ $device }」（账号 { $account }）？这台平板还有 { $n } 条未送达的记录：吊销后它们会一直留在这台平板上，直到恢复该设备并同步。";
}

pub fn step_label(key: &str) -> &'static str {
    match key {
        "town" => STEP_TOWN,
        "campaign" => STEP_CAMPAIGN,
        "branches" => STEP_BRANCHES,
        "roster" => STEP_ROSTER,
        "accounts" => STEP_ACCOUNTS,
        "tablets" => STEP_TABLETS,
        _ => return "",
    }
    .get()
}
pub fn devices_unsent(n: usize) -> String {
    DEVICES_UNSENT.format(&[("n", n.into())])
}
pub fn applied(created: u32, updated: u32, unchanged: u32) -> String {
    APPLIED.format(&[
        ("created", created.into()),
        ("updated", updated.into()),
        ("unchanged", unchanged.into()),
    ])
}

/// A date as printouts write it: 2026年11月28日.
pub fn chinese_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    DATE_LONG.format(&[
        ("year", date.year().into()),
        ("month", date.month().into()),
        ("day", date.day().into()),
    ])
}

/// The 通报's period: the year, within the campaign's years.
pub fn period(year: i32, start: i32, end: i32) -> String {
    PERIOD_TEXT.format(&[("year", year.into()), ("start", start.into()), ("end", end.into())])
}

/// What the office is asked before disabling account `name`.
pub fn confirm_disable_account(name: &str) -> String {
    CONFIRM_DISABLE_ACCOUNT.format(&[("name", name.into())])
}

/// What the office is asked before revoking every unused sign-in code of account `name`.
pub fn confirm_revoke_codes(name: &str) -> String {
    CONFIRM_REVOKE_CODES.format(&[("name", name.into())])
}

/// What the office is asked before revoking device `device` of `account`; `unsent`: how many
/// records it reported not delivered (they stay on that tablet until it is restored).
pub fn confirm_revoke_device(device: &str, account: &str, unsent: u32) -> String {
    let (device, account) = (("device", device.into()), ("account", account.into()));
    if unsent == 0 {
        CONFIRM_REVOKE_DEVICE.format(&[device, account])
    } else {
        CONFIRM_REVOKE_DEVICE_UNSENT.format(&[device, account, ("n", unsent.into())])
    }
}
