//! What shared's rules and the server say ([`shared::message::Message`]: a code and typed
//! arguments), worded in the reader's language. The catalog key of code `fill_in` is
//! `msg-fill-in`; an argument that names a value of one of shared's lists (a field's label, a
//! state) is that value's label in the same language, a list of messages is each worded and
//! joined. [`words`] is what the app shows (the installed catalog); [`words_in`] words a message
//! in a given catalog (the server, which answers each request in its own language).

use shared::message::{Arg as MessageArg, Message};

use crate::{Arg, Catalog, Text};

crate::texts! { 6000;
    LIST_OR = "msg-list-or": "或";
    ITEM = "msg-item": "{ $text }";
    QUOTED_STATE = "msg-quoted-state": "「{ $state }」";
    FILL_IN = "msg-fill-in": "请填写{ $field }";
    CHOOSE = "msg-choose": "请选择{ $field }";
    TOO_LONG = "msg-too-long": "内容过长（{ $n } 字），最多 { $max } 字";
    DATE_TOO_EARLY = "msg-date-too-early": "{ $field }不能早于{ $date }";
    DATE_TOO_LATE = "msg-date-too-late": "{ $field }不能晚于{ $date }";
    YEAR_OUT_OF_RANGE = "msg-year-out-of-range": "争创年度应在{ $first }至{ $last }之间";
    STANDARD_NOT_OF_CATEGORY = "msg-standard-not-of-category": "该标准不属于所选争创类别";
    EVIDENCE_REQUIRED = "msg-evidence-required": "已达标的标准请填写事实依据";
    STATE_NEEDS_REASON = "msg-state-needs-reason": "「{ $state }」须填写理由";
    ATTENDEES_REQUIRED = "msg-attendees-required": "请至少选择一名参加的争创对象";
    ATTENDEES_INVALID = "msg-attendees-invalid": "参加人员有重复或无效";
    AMOUNT_NOT_POSITIVE = "msg-amount-not-positive": "金额必须大于0";
    ATTENDED_NOT_POSITIVE = "msg-attended-not-positive": "实到人数必须大于0";
    ATTENDED_OVER_EXPECTED = "msg-attended-over-expected": "实到人数不能多于应到人数";
    FIX_DUE_BEFORE_INSPECTION = "msg-fix-due-before-inspection": "整改期限不能早于督查日期";
    FIXED_BEFORE_INSPECTION = "msg-fixed-before-inspection": "整改完成日期不能早于督查日期";
    FIXED_AFTER_TODAY = "msg-fixed-after-today": "整改完成日期不能晚于今天";
    START_YEAR_OUT_OF_RANGE = "msg-start-year-out-of-range": "起始年份应在{ $first }至{ $last }之间";
    CAMPAIGN_YEARS_OUT_OF_RANGE = "msg-campaign-years-out-of-range": "活动年限应为{ $first }至{ $last }年";
    YEAR_OUTSIDE_CAMPAIGN = "msg-year-outside-campaign": "{ $year }年不在活动年限内";
    YEARLY_TARGETS_OVER_TOTAL = "msg-yearly-targets-over-total": "{ $category }的年度目标合计（{ $split }）超过总目标（{ $total }）";
    LATITUDE_OUT_OF_RANGE = "msg-latitude-out-of-range": "纬度应在-90至90之间";
    LONGITUDE_OUT_OF_RANGE = "msg-longitude-out-of-range": "经度应在-180至180之间";
    ACCURACY_NEGATIVE = "msg-accuracy-negative": "定位精度不能为负数";
    PHOTO_HASH_INVALID = "msg-photo-hash-invalid": "照片标识不正确，请重新拍摄";
    PHOTO_NOT_IMAGE = "msg-photo-not-image": "只能上传图片";
    PHOTO_EMPTY = "msg-photo-empty": "照片文件为空，请重新拍摄";
    MOBILE_FORMAT = "msg-mobile-format": "手机号格式不正确（应为11位数字，以13-19开头）";
    PHONE_FORMAT = "msg-phone-format": "电话号码格式不正确（手机为11位数字，座机如0580-1234567）";
    ID_NUMBER_LENGTH = "msg-id-number-length": "身份证号应为18位";
    ID_NUMBER_CHARACTERS = "msg-id-number-characters": "身份证号前17位应为数字，最后一位为数字或X";
    ID_NUMBER_REGION = "msg-id-number-region": "身份证号的地区码不正确";
    ID_NUMBER_BIRTH_DATE = "msg-id-number-birth-date": "身份证号中的出生日期不正确";
    ID_NUMBER_CHECK_DIGIT = "msg-id-number-check-digit": "身份证号校验位不正确";
    NAME_TOO_LONG = "msg-name-too-long": "姓名不能超过{ $max }个字";
    BIRTH_YEAR_OUT_OF_RANGE = "msg-birth-year-out-of-range": "出生年份应在{ $first }至{ $last }之间";
    ID_NUMBER_BIRTH_YEAR_DIFFERS = "msg-id-number-birth-year-differs": "身份证号中的出生年份与填写的出生年份不一致";
    ID_NUMBER_GENDER_DIFFERS = "msg-id-number-gender-differs": "身份证号中的性别与填写的性别不一致";
    VERSION_FROM_ONE = "msg-version-from-one": "版本号必须从1开始";
    CRITERIA_REQUIRED = "msg-criteria-required": "请至少添加一项考核内容";
    CRITERION_KEY_REPEATED = "msg-criterion-key-repeated": "考核项代码重复";
    WEIGHT_NOT_POSITIVE = "msg-weight-not-positive": "权重必须大于0";
    MAX_SCORE_NOT_POSITIVE = "msg-max-score-not-positive": "满分必须大于0";
    CRITERION_NOT_IN_RUBRIC = "msg-criterion-not-in-rubric": "该评分项不在考核细则中";
    SCORE_OUT_OF_RANGE = "msg-score-out-of-range": "得分应在0至{ $max }之间";
    BRANCH_NAME_TAKEN = "msg-branch-name-taken": "已有名为“{ $name }”的支部";
    BRANCH_CODE_TAKEN = "msg-branch-code-taken": "支部编码“{ $code }”已被另一个支部使用";
    PRECEDED_BY_REFUSAL = "msg-preceded-by-refusal": "同一记录之前的修改被退回，此修改暂不保存；请在平板上修正该记录后重新提交";
    VALUE_TOO_LARGE = "msg-value-too-large": "这项修改的内容太多（字段或条目过多、文字过长），无法保存；请在平板上打开该记录，删减后重新提交";
    TOO_MANY_CONFLICTS = "msg-too-many-conflicts": "这项修改会与别人的 { $n } 处修改冲突，超过一次能保存的数量，暂不保存；请在平板上打开该记录，核对后重新提交";
    CLOCK_AHEAD = "msg-clock-ahead": "该修改的时间（{ $time } UTC）比服务器时间晚一天以上，可能是平板的日期设置有误。请校正平板的日期和时间后重新修改并同步";
    AUTHOR_MISMATCH = "msg-author-mismatch": "操作的作者“{ $author }”与当前登录账号不一致";
    COUNTY_READ_ONLY = "msg-county-read-only": "县委组织部账号为只读，不能提交修改";
    TOWN_OFFICE_ONLY = "msg-town-office-only": "此类记录只能由镇组织办修改";
    BRANCH_OUT_OF_SCOPE = "msg-branch-out-of-scope": "支部“{ $branch }”不在您的工作范围内";
    MISSING_BRANCH = "msg-missing-branch": "该记录必须属于某个支部";
    ENTITY_MISMATCH = "msg-entity-mismatch": "该编号已被另一类记录（{ $entity }）使用";
    BRANCH_MISMATCH = "msg-branch-mismatch": "该记录属于另一个支部，不能通过此操作转移";
    COUNTY_FILES_ONLY = "msg-county-files-only": "县委组织部账号为只读，只能登记县委组织部备案";
    DUPLICATE_SHEET = "msg-duplicate-sheet": "该争创对象{ $year }年度已有评分表，不能再开一份；请在已有的评分表上评分（如果这台设备的应用较旧，请先更新）";
    NOT_SCORABLE = "msg-not-scorable": "该争创对象不能参加{ $year }年度考核评分：须为当年经镇党委审定（或已备案、命名）且未移除、退回的争创对象（当前为「{ $state }」）";
    COUNTY_FILES_APPROVED_ONLY = "msg-county-files-approved-only": "县委组织部账号只能把「镇党委审定」的争创对象登记为「县委组织部备案」";
    MUST_START_AT = "msg-must-start-at": "新的争创对象必须从「{ $start }」开始，不能直接登记为「{ $state }」";
    RESTORE_TO_STATE_BEFORE = "msg-restore-to-state-before": "恢复后的状态应为移除前的「{ $state }」";
    COMMENDATION_NOT_BACK_TO_SCORING = "msg-commendation-not-back-to-scoring": "命名表彰不能从「{ $stage }」退回到「评分中」";
    INVALID_RECORD = "msg-invalid-record": "记录未通过校验：{ $problems }";
    UNDECODABLE_RECORD = "msg-undecodable-record": "{ $entity }记录中有字段格式不正确，无法保存";
    FIELD_TOO_LONG = "msg-field-too-long": "{ $field }过长（{ $n } 字），最多 { $max } 字";
    VALUE_TOO_LONG = "msg-value-too-long": "内容过长（{ $n } 字），最多 { $max } 字，请删减后再保存";
    ASSESSMENT_YEAR_OUT_OF_RANGE = "msg-assessment-year-out-of-range": "考核年度应在{ $first }至{ $last }之间";
    WRONG_STATE = "msg-wrong-state": "当前状态为「{ $state }」，不能进行「{ $action }」（须处于{ $from }状态）";
    CANDIDATE_REMOVED = "msg-candidate-removed": "该争创对象已移除，除镇组织办恢复外不能再进行任何操作";
    CANDIDATE_CARRIED_OVER = "msg-candidate-carried-over": "该争创记录已转入下一年度，请在下一年度的记录上操作";
    COUNTY_RECORDS_THROUGH_OFFICE = "msg-county-records-through-office": "县委组织部账号为只读，备案、审核和命名结果由镇组织办代为登记";
    REASON_REQUIRED = "msg-reason-required": "{ $action }必须填写理由";
    CHOOSE_CATEGORY_FIRST = "msg-choose-category-first": "请先选择争创类别";
    SERVICE_POST_NAMED_BY_OFFICE = "msg-service-post-named-by-office": "镇机关服务创业创新先锋岗由镇组织办提名登记，不由支部申报";
    ONLY_SECRETARY_AGGREGATES = "msg-only-secretary-aggregates": "只有支部书记（或镇组织办代办）可以汇总上报申报";
    ONLY_OFFICE_APPROVES = "msg-only-office-approves": "只有镇组织办可以审定申报";
    ONLY_COUNTY_FILES = "msg-only-county-files": "只有县委组织部（或镇组织办代登记）可以登记备案";
    ONLY_OFFICE_NAMES = "msg-only-office-names": "只有镇组织办可以登记命名结果";
    ONLY_SECRETARY_RETURNS = "msg-only-secretary-returns": "只有支部书记或镇组织办可以退回申报";
    ONLY_OFFICE_RETURNS_AGGREGATED = "msg-only-office-returns-aggregated": "支部已汇总上报的申报只有镇组织办可以退回";
    ONLY_OFFICE_REMOVES = "msg-only-office-removes": "只有镇组织办可以移除争创对象";
    ONLY_OFFICE_ADJUSTS = "msg-only-office-adjusts": "只有镇组织办可以调整争创对象";
    ONLY_OFFICE_RESTORES = "msg-only-office-restores": "只有镇组织办可以恢复已移除的争创对象";
    PIPELINE_AFTER_TOWN_APPROVAL = "msg-pipeline-after-town-approval": "镇党委审定后，只有镇组织办可以更改梯队（下一年度）标记";
    SERVICE_POST_NOT_AGGREGATED = "msg-service-post-not-aggregated": "镇机关服务创业创新先锋岗由镇党委每年评选，不经支部汇总";
    COMMENDATION_BY_OFFICE = "msg-commendation-by-office": "命名表彰各环节由镇组织办登记";
    SCORES_INCOMPLETE = "msg-scores-incomplete": "评分未完成，不能进行初评（缺少：{ $missing }）";
    DUPLICATE_CANDIDACY = "msg-duplicate-candidacy": "该党员已有{ $year }年度「{ $category }」争创记录（{ $state }），同一党员同一类别每年只登记一次";
    DUPLICATE_CANDIDACY_DELETED = "msg-duplicate-candidacy-deleted": "该党员已有{ $year }年度「{ $category }」争创记录（已删除），同一党员同一类别每年只登记一次";
    OUTSIDE_CAMPAIGN = "msg-outside-campaign": "{ $year }年度不在争创年度（{ $start }至{ $end }年）之内，请镇组织办在「争创设置」中设定争创年度";
    NOT_CARRIABLE = "msg-not-carriable": "只有列入梯队培育的对象和镇机关服务创业创新先锋岗可以登记下一年度";
    UPGRADE_REQUIRED = "msg-upgrade-required": "请更新应用：服务器已升级，需要同步协议 { $minimum } 或更新版本，本应用为 { $client }。本机的修改都已保存，更新后会自动发送";
    OP_ID_CONFLICT = "msg-op-id-conflict": "操作 { $id } 此前已以不同内容提交过，本批次未保存";
    UNAUTHORIZED = "msg-unauthorized": "登录已失效或未登录，请重新登录";
    INVALID_CREDENTIALS = "msg-invalid-credentials": "用户名或密码错误";
    INVALID_SIGNIN_CODE = "msg-invalid-signin-code": "登录码不正确、已使用、已撤销或已过期，请向镇组织办重新领取";
    FORBIDDEN = "msg-forbidden": "当前账号无权执行此操作";
    NOT_FOUND = "msg-not-found": "请求的接口不存在";
    METHOD_NOT_ALLOWED = "msg-method-not-allowed": "该接口不支持此请求方法";
    MALFORMED_JSON = "msg-malformed-json": "请求内容不是有效的 JSON 或缺少必填项";
    UNSUPPORTED_MEDIA_TYPE = "msg-unsupported-media-type": "请求内容类型必须是 application/json";
    PAYLOAD_TOO_LARGE = "msg-payload-too-large": "请求内容过大，请分批发送";
    USERNAME_TAKEN = "msg-username-taken": "该用户名已存在";
    OFFSET_MISMATCH = "msg-offset-mismatch": "上传位置不对，服务器已收到 { $received } 字节，请从该位置继续";
    ATTACHMENT_TOTAL_MISMATCH = "msg-attachment-total-mismatch": "附件大小与正在进行的上传（{ $recorded } 字节）不一致";
    ATTACHMENT_HASH_MISMATCH = "msg-attachment-hash-mismatch": "附件内容校验失败，已丢弃，请重新上传";
    BUSY = "msg-busy": "服务器正忙，请稍后再试";
    TOO_MANY_ATTEMPTS = "msg-too-many-attempts": "尝试次数过多，请 { $seconds } 秒后再试";
    ACCOUNT_DISABLED = "msg-account-disabled": "该账号已停用，请联系镇组织办";
    DEVICE_REVOKED = "msg-device-revoked": "这台平板已被镇组织办停用，不能再登录；请联系镇组织办恢复";
    SETUP_NO_BRANCHES = "msg-setup-no-branches": "尚未设置支部：请在“支部管理”中添加本镇的党支部。";
    SETUP_YEAR_OUTSIDE_CAMPAIGN = "msg-setup-year-outside-campaign": "今年（{ $year }年）不在活动年限 { $first }–{ $last } 内，今年的数字都是 0：请在“活动设置”中修改活动年限。";
    SETUP_CANDIDATES_OUTSIDE_CAMPAIGN = "msg-setup-candidates-outside-campaign": "有 { $count } 名候选人的年度（{ $years }）不在活动年限 { $first }–{ $last } 内，未计入任何统计：请修改活动年限或这些候选人的年度。";
    YEAR_ITEM = "msg-year-item": "{ $year }年";
    FORM_CODE_RENAMED = "msg-form-code-renamed": "“{ $field }”的选项代码 { $from } 改为 { $to }";
    FORM_QUESTION_REMOVED = "msg-form-question-removed": "表单已不再询问“{ $field }”，原填写值 { $value } 保留在记录中";
    FORM_REQUIRED_QUESTION_ADDED = "msg-form-required-question-added": "表单新增必答题“{ $field }”（本调查按原表单填写，定稿时不要求）";
    FORM_QUESTION_ADDED = "msg-form-question-added": "表单新增题目“{ $field }”";
    FORM_VALUE_KEPT = "msg-form-value-kept": "“{ $field }”的填写值 { $value } 不在现行选项中，已原样保留，请重新选择";
    FORM_VERSION = "msg-form-version": "表单第{ $to }版";
    FORM_VERSION_NOTES = "msg-form-version-notes": "表单第{ $to }版：{ $notes }";
    FORM_UPGRADED = "msg-form-upgraded": "表单由第{ $from }版升级到第{ $to }版";
    FORM_UPGRADED_NOTES = "msg-form-upgraded-notes": "表单由第{ $from }版升级到第{ $to }版：{ $notes }";
    EXPORT_NOT_AN_EXPORT = "msg-export-not-an-export": "这不是四争一树的导出文件";
    EXPORT_UNSUPPORTED_VERSION = "msg-export-unsupported-version": "导出文件版本 { $found } 不受支持（本程序支持版本 { $supported }），请更新程序";
    EXPORT_TRUNCATED = "msg-export-truncated": "文件不完整（可能传输中断），请重新导出";
    EXPORT_CORRUPT = "msg-export-corrupt": "文件已损坏或被修改（校验和不符），未导入任何内容";
    EXPORT_COUNT_MISMATCH = "msg-export-count-mismatch": "文件记录数与内容不符，未导入任何内容";
    EXPORT_PASSPHRASE_REQUIRED = "msg-export-passphrase-required": "此文件已加密，请输入密码";
    EXPORT_WRONG_PASSPHRASE = "msg-export-wrong-passphrase": "密码错误，或文件已被修改";
    EXPORT_KDF_OUT_OF_RANGE = "msg-export-kdf-out-of-range": "文件的加密参数超出允许范围（可能被篡改），未导入任何内容";
    EXPORT_CRYPTO = "msg-export-crypto": "加密失败：{ $detail }";
    IMPORT_REFUSED = "msg-import-refused": "{ $reason }（文件未导入任何内容）";
    UNKNOWN_AUTHOR = "msg-unknown-author": "操作的作者“{ $author }”在服务器上没有账号，请先为其开设账号再导入";
    INTERNAL = "msg-internal": "服务器内部错误，请稍后重试或联系管理员";
    PHOTO_QUOTA = "msg-photo-quota": "这个账号一天内上传的照片已达上限（{ $mb } MB）：其余照片留在平板上，随额度恢复陆续上传（每小时约 { $per_hour } MB）；需要提高上限请联系镇组织办";
    STORAGE_FULL = "msg-storage-full": "办公室服务器的磁盘空间不足，这次送来的内容没有保存（之前保存的不受影响）；请镇组织办为服务器腾出磁盘空间";
    PASSWORD_LENGTH = "msg-password-length": "密码长度应为 { $min } 至 { $max } 位";
    USERNAME_LENGTH = "msg-username-length": "用户名不能为空，且不超过 { $max } 个字符";
    USERNAME_HAS_SPACES = "msg-username-has-spaces": "用户名不能包含空格";
    USERNAME_INVISIBLE_CHARACTERS = "msg-username-invisible-characters": "用户名不能包含控制字符或不可见字符";
    USERNAME_NOT_STANDARD = "msg-username-not-standard": "用户名不能包含全角字母、数字或兼容字符，请使用标准写法";
    DISPLAY_NAME_INVISIBLE_CHARACTERS = "msg-display-name-invisible-characters": "姓名不能包含控制字符或不可见字符";
    DISPLAY_NAME_LENGTH = "msg-display-name-length": "姓名不能为空，且不超过 { $max } 个字符";
    BRANCHES_REQUIRED = "msg-branches-required": "调查员和支部书记必须指定至少一个支部";
    TOWN_REQUIRED_FOR_ACCOUNT = "msg-town-required-for-account": "只有县委组织部账号可以不属于某个镇";
    UNREADABLE_BODY = "msg-unreadable-body": "请求内容读取失败";
    INVALID_QUERY = "msg-invalid-query": "查询参数无效：{ $detail }";
    HISTORY_CHANGED = "msg-history-changed": "办公室服务器的数据已恢复为较早的备份：本机将从头重新下载，并重新发送本机的修改";
    INVALID_CURSOR_CHECK = "msg-invalid-cursor-check": "同步位置的校验值无效";
    INVALID_PATH = "msg-invalid-path": "路径参数无效：{ $detail }";
    BAD_PROTOCOL = "msg-bad-protocol": "协议版本“{ $value }”不是数字";
    EMPTY_ROSTER = "msg-empty-roster": "没有收到名册文件";
    INVALID_SHA256 = "msg-invalid-sha256": "附件编号必须是 64 位十六进制 SHA-256";
    CHUNK_PAST_END = "msg-chunk-past-end": "上传内容超出了声明的附件大小";
    INVALID_SERVER_ADDRESS = "msg-invalid-server-address": "服务器地址应为 http:// 或 https:// 开头的地址，如 https://192.168.1.10:8443";
    INVALID_REPORT = "msg-invalid-report": "设备报告的内容不正确";
    TOWN_NAME_TOO_LONG = "msg-town-name-too-long": "镇名不能超过 { $max } 个字";
    TOWN_REQUIRED = "msg-town-required": "县级账号须指明镇名（town）";
    INVALID_PASSPHRASE_HEADER = "msg-invalid-passphrase-header": "X-Export-Passphrase 无法识别：非 ASCII 字符请用 URL 编码（百分号编码）";
    CANNOT_DISABLE_SELF = "msg-cannot-disable-self": "不能停用当前登录的账号";
    TOWN_NOT_FOUND = "msg-town-not-found": "找不到该镇";
    CANDIDATE_NOT_FOUND = "msg-candidate-not-found": "找不到该争创对象";
    CONFLICT_NOT_FOUND = "msg-conflict-not-found": "找不到该冲突记录";
    ATTACHMENT_NOT_FOUND = "msg-attachment-not-found": "找不到该附件";
    USER_NOT_FOUND = "msg-user-not-found": "找不到该账号";
    DEVICE_NOT_FOUND = "msg-device-not-found": "找不到该设备";
    UNKNOWN_EXPORT = "msg-unknown-export": "找不到该导出（可选 people、surveys、candidates，格式 .csv 或 .xlsx）";
    ROSTER_UNREADABLE = "msg-roster-unreadable": "无法读取表格文件：{ $detail }（请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后再导入）";
    ROSTER_NO_SHEET = "msg-roster-no-sheet": "无法读取表格文件：文件中没有工作表（请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后再导入）";
    ROSTER_ENCODING = "msg-roster-encoding": "文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx";
    ROSTER_TOO_LARGE = "msg-roster-too-large": "表格解压后过大，不像党员名册";
    ROSTER_TOO_MANY_ROWS = "msg-roster-too-many-rows": "名册超过 { $max } 行，请分批导入";
    ROSTER_NO_HEADER = "msg-roster-no-header": "前 { $rows } 行中找不到表头：需要“姓名”和“所在支部”两列";
    ROSTER_NO_BRANCH_COLUMN = "msg-roster-no-branch-column": "表头缺少“所在支部”列";
    ROSTER_CELL_TOO_LONG = "msg-roster-cell-too-long": "内容过长（不能超过 { $max } 字）";
    ROSTER_GENDER = "msg-roster-gender": "性别应为“男”或“女”，而不是“{ $value }”";
    ROSTER_BIRTH = "msg-roster-birth": "无法识别出生年月“{ $value }”（如 1980、1980-05、1980年5月）";
    ROSTER_BRANCH_RETIRED = "msg-roster-branch-retired": "支部“{ $branch }”已撤销，不能再加入党员";
    ROSTER_BRANCH_UNKNOWN = "msg-roster-branch-unknown": "支部“{ $branch }”不存在：请先在“支部管理”中建立该支部，或核对名称";
    ROSTER_DUPLICATE_ID = "msg-roster-duplicate-id": "与第 { $row } 行的身份证号重复";
    ROSTER_DUPLICATE_MEMBER = "msg-roster-duplicate-member": "与第 { $row } 行重复（姓名、出生年份、所在支部都相同）";
    ROSTER_BRANCH_DIFFERS = "msg-roster-branch-differs": "身份证号与已登记在“{ $branch }”的党员相同，但名册中的支部不同；党员转支部不能通过名册导入";
    ROSTER_HAS_PROBLEMS = "msg-roster-has-problems": "名册有 { $count } 处问题，未导入任何内容；请先预览并修正后再导入";
    ROSTER_REFUSED = "msg-roster-refused": "服务器拒绝了名册中的 { $count } 条记录（{ $first }），未导入任何内容";
    RUBRIC_VERSION_MISMATCH = "msg-rubric-version-mismatch": "评分表使用的是第{ $sheet }版考核细则，与当前第{ $rubric }版不一致，已记录的得分不随细则变更";
    RUBRIC_CATEGORY_MISMATCH = "msg-rubric-category-mismatch": "评分表与考核细则的类别不一致";
    RUBRIC_NO_WEIGHT = "msg-rubric-no-weight": "考核细则没有有效的权重";
    CRITERION_SCORE_OUT_OF_RANGE = "msg-criterion-score-out-of-range": "「{ $criterion }」得分{ $score }超出范围（0～{ $max }）";
    CARRIED_FROM = "msg-carried-from": "由{ $year }年度记录转入";
    CARRIED_TO = "msg-carried-to": "已转入{ $year }年度";
    ROSTER_OUT_OF_BOUNDS = "msg-roster-out-of-bounds": "单元格 { $cell } 超出了名册可用的范围（最多 { $max } 行党员、{ $cols } 列）：请删除该单元格的内容（或把名册复制到新的工作表）后再导入；党员确实超过 { $max } 名的，请分批导入";
    ROSTER_FORMAT = "msg-roster-format": "不支持这种表格格式（如 .xlsb、.ods）：请用 Excel 或 WPS 另存为 .xlsx 或 .csv 后再导入";
    ROSTER_NOT_MOVED = "msg-roster-not-moved": "未转支部：该党员登记在“{ $stored }”，名册中为“{ $file }”；其他信息已按名册更新，党员仍在“{ $stored }”（党员转支部不能通过名册导入）";
    ROSTER_POSSIBLE_DUPLICATE = "msg-roster-possible-duplicate": "可能重复：本支部已登记的 { $count } 名“{ $name }”（{ $candidates }）都可能是本行的党员（出生年份有一方未填），无法确定是哪一位，未导入任何内容；请在名册中填写身份证号或出生年月，或先补全已登记党员的出生年份";
    ROSTER_NAMESAKE_ELSEWHERE = "msg-roster-namesake-elsewhere": "将新建一名党员：其他支部已登记 { $count } 名“{ $name }”（{ $candidates }）。若是转来本支部的同一人，应用后会有两份记录（名册这一行和已登记的党员没有都填身份证号，无从对照，认不出是同一人）：请先不要应用，在名册和该党员的资料里都填上身份证号后再导入；若不是同一人，照常应用即可";
    ROSTER_NAMESAKE = "msg-roster-namesake": "{ $branch }，{ $member }";
    ROSTER_CANDIDATE = "msg-roster-candidate": "{ $year } 年生";
    ROSTER_CANDIDATE_AT = "msg-roster-candidate-at": "{ $year } 年生，{ $value }";
    ROSTER_CANDIDATE_NO_YEAR = "msg-roster-candidate-no-year": "出生年份未填";
    ROSTER_CANDIDATE_NO_YEAR_AT = "msg-roster-candidate-no-year-at": "出生年份未填，{ $value }";
    ROSTER_DUPLICATE_MAYBE = "msg-roster-duplicate-maybe": "可能与第 { $row } 行重复（姓名、所在支部相同，出生年份有一行未填）：请填写出生年月或身份证号以区分";
    ROSTER_SAME_MEMBER = "msg-roster-same-member": "与第 { $row } 行是同一名已登记的党员";
}

/// The text of a message's code, if the catalogs have it.
pub fn text_of(code: &str) -> Option<Text> {
    let key = format!("msg-{}", code.replace('_', "-"));
    KEYS.iter().position(|k| *k == key).map(|i| ALL[i])
}

/// `message` in the app's language; `None` when its code is not one this build knows (a newer
/// server's): the caller shows the server's own words then.
pub fn words(message: &Message) -> Option<String> {
    crate::INSTALLED.with(|installed| words_in(installed.get().copied(), message))
}

/// `message` worded by `catalog` (`None`: zh-Hans, the constants).
pub fn words_in(catalog: Option<&Catalog>, message: &Message) -> Option<String> {
    let text = text_of(&message.code)?;
    let values: Vec<(&str, Value)> =
        message.args.iter().map(|(name, arg)| (name.as_str(), value(catalog, name, arg))).collect();
    let args: Vec<(&str, Arg<'_>)> = values
        .iter()
        .map(|(name, v)| {
            (
                *name,
                match v {
                    Value::Num(n) => Arg::Num(*n),
                    Value::Str(s) => Arg::Str(s),
                },
            )
        })
        .collect();
    Some(text.format_in(catalog, &args))
}

/// `message` in the app's language, or `fallback` (the server's words) when the code is unknown.
pub fn words_or(message: Option<&Message>, fallback: &str) -> String {
    message.and_then(words).unwrap_or_else(|| fallback.to_owned())
}

enum Value {
    Num(i64),
    Str(String),
}

fn value(catalog: Option<&Catalog>, name: &str, arg: &MessageArg) -> Value {
    match arg {
        MessageArg::Num(n) => Value::Num(*n),
        MessageArg::Text(s) => Value::Str(s.clone()),
        MessageArg::Label { list, code } => Value::Str(label(catalog, list, code)),
        MessageArg::List(items) => {
            let separator = match name {
                "from" => LIST_OR,
                "missing" | "years" => crate::LIST_SEPARATOR,
                _ => crate::LIST_SEPARATOR_LONG,
            }
            .get_in(catalog);
            let worded: Vec<String> = items
                .iter()
                .map(|m| words_in(catalog, m).unwrap_or_else(|| m.code.to_string()))
                .collect();
            Value::Str(worded.join(separator))
        }
    }
}

/// The label of `code` in shared's list `list`, in `catalog`'s language (else zh-Hans); a code
/// no list has is shown as it came.
fn label(catalog: Option<&Catalog>, list: &str, code: &str) -> String {
    if let Some(text) = catalog.and_then(|c| c.label(list, code)) {
        return text.to_owned();
    }
    crate::labels::all()
        .into_iter()
        .find(|(l, c, _)| *l == list && *c == code)
        .map_or_else(|| code.to_owned(), |(_, _, zh)| zh.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::message::FieldLabel;
    use shared::model::ApplicationState;

    #[test]
    fn zh_hans_words_fill_labels_and_lists() {
        let m = Message::new("fill_in").field(FieldLabel::Branch);
        assert_eq!(words_in(None, &m).unwrap(), "请填写所属支部");
        let m = Message::new("invalid_record").arg(
            "problems",
            vec![
                Message::new("mobile_format"),
                Message::new("state_needs_reason").state(ApplicationState::Returned),
            ],
        );
        assert_eq!(
            words_in(None, &m).unwrap(),
            "记录未通过校验：手机号格式不正确（应为11位数字，以13-19开头）；「已退回」须填写理由"
        );
        assert_eq!(words_in(None, &Message::new("no_such_code")), None);
    }
}
