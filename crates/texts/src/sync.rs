crate::texts! {
    2000;
    NAV_SYNC = "sync-nav-sync": "同步";
    NAV_TRANSFER = "sync-nav-transfer": "导出导入";
    NAV_CONFLICTS = "sync-nav-conflicts": "冲突处理";
    LOGIN_TITLE = "sync-login-title": "登录办公室服务器";
    LOGIN_HINT = "sync-login-hint": "在有网络时登录一次，之后本平板离线也能保存，联网后自动同步。";
    USERNAME = "sync-username": "用户名";
    PASSWORD = "sync-password": "密码";
    DEVICE_NAME = "sync-device-name": "平板名称";
    LOGIN = "sync-login": "登录";
    LOGGING_IN = "sync-logging-in": "正在登录…";
    SIGN_OUT = "sync-sign-out": "退出登录";
    NOT_SIGNED_IN = "sync-not-signed-in": "尚未登录，无法同步。";
    SYNC_TITLE = "sync-sync-title": "同步";
    SYNC_NOW = "sync-sync-now": "立即同步";
    SYNCING = "sync-syncing": "正在同步…";
    PENDING = "sync-pending": "待同步的记录";
    LAST_SUCCESS = "sync-last-success": "上次同步成功";
    NEVER = "sync-never": "从未同步";
    LAST_ERROR = "sync-last-error": "上次问题";
    NEXT_ATTEMPT = "sync-next-attempt": "下次自动同步";
    OFFLINE_WAIT = "sync-offline-wait": "当前离线，联网后自动同步。";
    /// The top bar's mark while the server refuses this version of the app.
    UPGRADE_REQUIRED = "sync-upgrade-required": "请更新应用";
    REJECTED_TITLE = "sync-rejected-title": "服务器拒绝的修改";
    REJECTED_HINT = "sync-rejected-hint": "这些记录的修改未被办公室接受，之后的修改也暂不发送。请打开记录改正，再在“待发送”中重新提交。";
    TRANSFER_TITLE = "sync-transfer-title": "导出与导入文件";
    TRANSFER_HINT = "sync-transfer-hint": "没有网络或服务器时，用文件把修改带到办公室或另一台平板。";
    EXPORT_TITLE = "sync-export-title": "导出";
    EXPORT_PENDING = "sync-export-pending": "只导出待同步的修改";
    EXPORT_ALL = "sync-export-all": "导出本机全部数据";
    PASSPHRASE_OPTIONAL = "sync-passphrase-optional": "加密密码（可不填）";
    EXPORT_BUTTON = "sync-export-button": "导出文件";
    EXPORTING = "sync-exporting": "正在生成文件（加密需要几秒钟）…";
    IMPORT_TITLE = "sync-import-title": "导入";
    CHOOSE_FILE = "sync-choose-file": "选择导出文件";
    PASSPHRASE = "sync-passphrase": "文件密码";
    IMPORT_BUTTON = "sync-import-button": "导入";
    ENCRYPTED = "sync-encrypted": "此文件已加密，请输入密码。";
    SCOPE_PENDING = "sync-scope-pending": "待同步的修改";
    SCOPE_ALL = "sync-scope-all": "全部数据";
    CONFLICTS_TITLE = "sync-conflicts-title": "冲突处理";
    CONFLICTS_HINT = "sync-conflicts-hint": "两台平板离线修改了同一项内容。较晚的修改已生效，请确认保留哪一个。";
    CONFLICTS_OFFICE_ONLY = "sync-conflicts-office-only": "只有镇组织办账号可以处理冲突；下面是本机记录的冲突。";
    CONFLICTS_LOCAL = "sync-conflicts-local": "无法连接服务器，显示本机记录的冲突（处理需要联网）。";
    NO_CONFLICTS = "sync-no-conflicts": "没有待处理的冲突";
    CONFLICTS_MORE = "sync-conflicts-more": "这里列出的是最早的 { $shown } 条冲突，服务器上还有更多：处理完这些后点“刷新”，会列出之后的。";
    CURRENT_VALUE = "sync-current-value": "现行值";
    OTHER_VALUE = "sync-other-value": "被覆盖的值";
    KEEP_THIS = "sync-keep-this": "保留此值";
    RESOLVED = "sync-resolved": "已处理";
    EMPTY_VALUE = "sync-empty-value": "（空）";
    REFRESH = "sync-refresh": "刷新";

    // The connection to the office (top bar, sync screen)
    CONNECTION_CHECKING = "sync-connection-checking": "正在连接办公室…";
    CONNECTION_OFFLINE = "sync-connection-offline": "离线";
    CONNECTION_NO_SERVER = "sync-connection-no-server": "有网络但连不上办公室";
    CONNECTION_CONNECTED = "sync-connection-connected": "已连接办公室";
    // What a sync is doing
    PHASE_IDLE = "sync-phase-idle": "空闲";
    PHASE_PUSHING = "sync-phase-pushing": "正在上传修改";
    PHASE_PULLING = "sync-phase-pulling": "正在下载他人的修改";
    PHASE_UPLOADING = "sync-phase-uploading": "正在上传照片";
    // What an import is doing
    IMPORT_VERIFYING = "sync-import-verifying": "正在校验文件…";
    IMPORT_ATTACHMENTS = "sync-import-attachments": "正在写入照片 { $done }/{ $total }…";
    IMPORT_OPERATIONS = "sync-import-operations": "正在合并 { $n } 条修改…";
    IMPORT_CLOCK_AHEAD = "sync-import-clock-ahead": "文件中有 { $n } 条修改的时间（最晚 { $time } UTC）比本机时间晚一天以上，多半是导出它的平板日期设置有误。文件没有导入，本机数据未改动：导入后本机此后的修改都会被服务器拒收。请校正那台平板的日期和时间。";
    // Why a sync or a sign-in did not finish (src/sync/error.rs)
    NETWORK_UNAVAILABLE = "sync-network-unavailable": "网络不可用：{ $detail }";
    SERVER_NO_ANSWER = "sync-server-no-answer": "服务器无响应";
    SERVER_STATUS = "sync-server-status": "服务器返回 { $status }";
    SERVER_UNREADABLE = "sync-server-unreadable": "服务器返回的数据无法识别：{ $detail }";
    ERROR_NOT_SIGNED_IN = "sync-error-not-signed-in": "尚未登录，请先登录后再同步";
    ERROR_OFFLINE = "sync-error-offline": "无法连接服务器，稍后自动重试";
    ERROR_TIMEOUT = "sync-error-timeout": "连接服务器超时，稍后自动重试";
    ERROR_UNAUTHORIZED = "sync-error-unauthorized": "登录已失效，请重新登录";
    ERROR_FORBIDDEN = "sync-error-forbidden": "没有权限：{ $detail }";
    ERROR_UNACKNOWLEDGED = "sync-error-unacknowledged": "服务器未确认 { $n } 条修改，稍后自动重试";
    ERROR_SERVER = "sync-error-server": "服务器出错（{ $status }）：{ $message }。稍后自动重试";
    ERROR_BAD_RESPONSE = "sync-error-bad-response": "服务器返回的数据无法识别，请更新程序后再试";
    ERROR_ATTACHMENT = "sync-error-attachment": "照片上传失败：{ $detail }";
    ERROR_BUSY = "sync-error-busy": "同步正在进行中，请稍候";
    ERROR_UPGRADE_REQUIRED = "sync-error-upgrade-required": "请更新应用：办公室服务器已升级，这个版本的应用不能再同步。本机的修改都已保存，安装新版本后会自动发送";
    ERROR_DISABLED = "sync-error-disabled": "此设备或账号已被停用";
    ERROR_HISTORY_CHANGED = "sync-error-history-changed": "办公室服务器的数据已恢复为较早的备份：本机正从头重新下载，并重新发送本机的修改";
    STATUS_TOO_LARGE = "sync-status-too-large": "发送的内容过大";
    STATUS_TOO_MANY = "sync-status-too-many": "请求过于频繁";
    STATUS_UNAVAILABLE = "sync-status-unavailable": "服务器暂时不可用";
    STATUS_REFUSED = "sync-status-refused": "请求未被接受";
    LOGIN_MISSING = "sync-login-missing": "请输入用户名和密码";
    LOGIN_BAD_CREDENTIALS = "sync-login-bad-credentials": "用户名或密码错误";
    LOGIN_MISSING_CODE = "sync-login-missing-code": "请输入镇组织办发放的 8 位登录码";
    LOGIN_BAD_CODE = "sync-login-bad-code": "登录码不正确、已使用、已撤销或已过期，请向镇组织办重新领取";
    LOGIN_OFFLINE = "sync-login-offline": "无法连接服务器，请在有网络时登录";
    IMPORT_NOTHING_NEW = "sync-import-nothing-new": "文件中的 { $n } 条修改本机都已有，未做任何更改";
    IMPORT_DONE = "sync-import-done": "已导入 { $ops } 条修改，更新 { $records } 条记录，新增 { $photos } 张照片";
    IMPORT_CONFLICTS = "sync-import-conflicts": "；发现 { $n } 处冲突，待镇组织办处理";
    // Texts with arguments (their functions below)
    SIGNED_IN_AS = "sync-signed-in-as": "已登录：{ $who }";
    UPGRADE_KEPT_PENDING = "sync-upgrade-kept-pending": "本机 { $pending } 条待同步的修改都已保存，不会丢失，安装新版本后会自动发送。";
    UPGRADE_KEPT = "sync-upgrade-kept": "本机的修改都已保存，安装新版本后会自动同步。";
    UPGRADE_REQUIRED_HINT = "sync-upgrade-required-hint": "请更新应用：办公室服务器已升级，这个版本的应用不能再同步。请在连上办公室网络时点击页面上方的“有新版本，点击更新”；没有出现时，关闭本应用后重新打开（或刷新页面）。{ $kept }";
    EXPORTED = "sync-exported": "已导出 { $ops } 条修改、{ $photos } 张照片：{ $file }";
    HEADER_SUMMARY = "sync-header-summary": "文件包含 { $ops } 条修改、{ $photos } 张照片；导出人：{ $author }；导出时间：{ $created }";
    UNKNOWN_AUTHOR = "sync-unknown-author": "未知";
    BY_AUTHOR = "sync-by-author": "修改人：{ $author }";
    /// A photo whose bytes the browser no longer gives back.
    ATTACHMENT_UNREADABLE = "sync-attachment-unreadable": "本机保存的照片无法读取：{ $detail }";
    ATTACHMENT_SIZE_MISMATCH = "sync-attachment-size-mismatch": "服务器收到 { $received } 字节，与已发送的 { $sent } 字节不符";
    ATTACHMENT_UNCONFIRMED = "sync-attachment-unconfirmed": "服务器未确认照片完整，稍后重新上传";
    REJECTED_NO_REASON = "sync-rejected-no-reason": "服务器未说明原因";
    SERVER_REJECTED = "sync-server-rejected": "服务器拒绝了 { $n } 条修改：{ $reasons }";
    REFUSED_ON_TABLET = "sync-refused-on-tablet": "{ $n } 条修改被退回，需处理：{ $reasons }";
    REASONS_AND_MORE = "sync-reasons-and-more": "{ $reasons }等";
    HELD_WAITING = "sync-held-waiting": "{ $n } 条修改等待所属记录处理后再发送";
    DEFAULT_DEVICE_NAME = "sync-default-device-name": "平板 { $id }";
}

pub fn signed_in_as(who: &str) -> String {
    SIGNED_IN_AS.format(&[("who", who.into())])
}
pub fn progress(done: u32, total: u32) -> String {
    if total == 0 { format!("{done}") } else { format!("{done} / {total}") }
}
/// What to do about it, on the sync screen.
pub fn upgrade_required(pending: u32) -> String {
    let kept = if pending > 0 {
        UPGRADE_KEPT_PENDING.format(&[("pending", pending.into())])
    } else {
        UPGRADE_KEPT.get().to_owned()
    };
    UPGRADE_REQUIRED_HINT.format(&[("kept", (&kept).into())])
}
pub fn exported(ops: usize, photos: usize, file: &str) -> String {
    EXPORTED.format(&[("ops", ops.into()), ("photos", photos.into()), ("file", file.into())])
}
pub fn header_summary(ops: usize, photos: usize, author: &str, created: &str) -> String {
    let author = if author.is_empty() { UNKNOWN_AUTHOR.get() } else { author };
    HEADER_SUMMARY.format(&[
        ("ops", ops.into()),
        ("photos", photos.into()),
        ("author", author.into()),
        ("created", created.into()),
    ])
}
pub fn by_author(author: &str) -> String {
    BY_AUTHOR.format(&[("author", author.into())])
}
