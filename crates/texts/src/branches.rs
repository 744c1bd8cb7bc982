crate::texts! {
    4000;
    NAV_BRANCHES = "branches-nav-branches": "支部管理";
    TITLE = "branches-title": "支部管理";
    HINT = "branches-hint": "支部由镇组织办建立、改名和撤销；各类记录和账号的工作范围以“支部编码”对应支部，改名不影响已有记录。";
    /// Prefix of a record's current value that is a retired branch.
    RETIRED_PREFIX = "branches-retired-prefix": "（已撤销）";
    /// Prefix of a record's current value that matches no branch record.
    UNKNOWN_PREFIX = "branches-unknown-prefix": "（未登记）";
    /// Prefix of a record's current value outside the account's branches.
    OUT_OF_SCOPE_PREFIX = "branches-out-of-scope-prefix": "（不在本账号范围）";
    NO_BRANCHES = "branches-no-branches": "本机还没有支部名单：请填写支部全称，登录同步后将按账号的支部核对。";
    NO_WRITABLE = "branches-no-writable": "本账号没有可填写的支部。";
    FIXED = "branches-fixed": "已送达镇组织办，所在支部不能在平板上更改；如填错，请联系镇组织办。";
    COL_NAME = "branches-column-name": "支部名称";
    COL_KIND = "branches-column-kind": "类型";
    COL_UNIT = "branches-column-unit": "村（社区）/单位";
    COL_CODE = "branches-column-code": "支部编码";
    COL_STATE = "branches-column-state": "状态";
    COL_RECORDS = "branches-column-records": "记录数";
    COL_SECRETARY = "branches-column-secretary": "支部书记";
    ACTIVE = "branches-active": "在用";
    RETIRED = "branches-retired": "已撤销";
    NEW_BRANCH = "branches-new-branch": "新建支部";
    CODE_AUTO = "branches-code-auto": "保存后自动生成";
    RENAME = "branches-rename": "修改";
    RETIRE = "branches-retire": "撤销";
    RESTORE = "branches-restore": "恢复";
    CANCEL = "branches-cancel": "取消";
    SAVED = "branches-saved": "支部已保存";
    EMPTY = "branches-empty": "还没有支部。";
    UNMATCHED_TITLE = "branches-unmatched-title": "未对应支部的填写值";
    UNMATCHED_HINT = "branches-unmatched-hint": "以下是记录中“所在支部”填写的、与任何支部编码都不对应的文字。建立为支部后，这些记录和以此为工作范围的账号即归入该支部，无需改动记录。";
    UNMATCHED_NONE = "branches-unmatched-none": "所有记录的支部都已对应到支部。";
    ADOPT = "branches-adopt": "建立为支部";
    OFFICE_ONLY = "branches-office-only": "只有镇组织办可以建立、修改或撤销支部。";
    /// The read-only note of a county viewer on a campaign, conflict or transfer screen.
    READ_ONLY = "branches-read-only": "县委组织部账号为只读：可以查看，不能修改。";
    /// Why a form is not shown to a role that may not write it.
    TOWN_ONLY = "branches-town-only": "此项由镇组织办维护。";
    IMPORT_READ_ONLY = "branches-import-read-only": "只读账号不能导入数据文件。";

    // Texts with arguments (their functions below)
    CONFIRM_RETIRE = "branches-confirm-retire": "撤销支部“{ $name }”？已有记录保留并仍显示该支部，但新记录不能再选择它。";
    CONFIRM_RESTORE = "branches-confirm-restore": "恢复支部“{ $name }”？";
    ADOPTING = "branches-adopting": "支部编码沿用原填写值“{ $value }”";
    RECORDS = "branches-records": "{ $n } 条记录";
    // What a record is
    ENTITY_PERSON = "branches-entity-person": "党员";
    ENTITY_SURVEY = "branches-entity-survey": "调查";
    ENTITY_CANDIDATE = "branches-entity-candidate": "争创对象";
    ENTITY_CONTACT_LOG = "branches-entity-contact-log": "结对联系";
    ENTITY_BASE = "branches-entity-base": "示范基地";
    ENTITY_VISIT = "branches-entity-visit": "参观学习";
    ENTITY_FUNDING = "branches-entity-funding": "资金扶持";
    ENTITY_MEETING = "branches-entity-meeting": "党员大会";
    ENTITY_INSPECTION = "branches-entity-inspection": "督查";
    ENTITY_ASSESSMENT = "branches-entity-assessment": "考核评分";
    ENTITY_NOTICE = "branches-entity-notice": "通知公告";
    ENTITY_CAMPAIGN = "branches-entity-campaign": "活动设置";
    ENTITY_RUBRIC = "branches-entity-rubric": "考核细则";
    ENTITY_BRANCH = "branches-entity-branch": "支部";
}

pub fn confirm_retire(name: &str) -> String {
    CONFIRM_RETIRE.format(&[("name", name.into())])
}
pub fn confirm_restore(name: &str) -> String {
    CONFIRM_RESTORE.format(&[("name", name.into())])
}
pub fn adopting(value: &str) -> String {
    ADOPTING.format(&[("value", value.into())])
}
pub fn records(n: usize) -> String {
    RECORDS.format(&[("n", n.into())])
}

/// What a record of `kind` is, in words (never the storage key).
pub fn entity_label(kind: shared::record::EntityKind) -> &'static str {
    entity_text(kind).get()
}

/// [`entity_label`]'s text, for a page in a language of its own (the server's).
pub fn entity_text(kind: shared::record::EntityKind) -> crate::Text {
    use shared::record::EntityKind as K;
    match kind {
        K::Person => ENTITY_PERSON,
        K::Survey => ENTITY_SURVEY,
        K::Candidate => ENTITY_CANDIDATE,
        K::ContactLog => ENTITY_CONTACT_LOG,
        K::Base => ENTITY_BASE,
        K::Visit => ENTITY_VISIT,
        K::Funding => ENTITY_FUNDING,
        K::Meeting => ENTITY_MEETING,
        K::Inspection => ENTITY_INSPECTION,
        K::Assessment => ENTITY_ASSESSMENT,
        K::Notice => ENTITY_NOTICE,
        K::Campaign => ENTITY_CAMPAIGN,
        K::Rubric => ENTITY_RUBRIC,
        K::Branch => ENTITY_BRANCH,
    }
}
