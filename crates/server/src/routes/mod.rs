//! Every route of the API in ONE table: the router is built from it and the OpenAPI document is
//! written from it, so a route cannot exist undocumented or be documented without existing.

pub mod admin;
pub mod attachments;
pub mod auth;
pub mod conflicts;
pub mod county;
pub mod exports;
pub mod import;
pub mod import_page;
pub mod meta;
pub mod pages;
pub mod roster;
pub mod signin;
pub mod static_files;
pub mod sync;

use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post, put};
use shared::sync::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_CHUNK_BYTES};

use crate::import::MAX_IMPORT_BYTES;
use roster::MAX_ROSTER_BYTES;

use crate::state::AppState;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Any signed-in device.
    Signed,
    /// Signed in as 镇组织办.
    TownOffice,
    /// A page whose form carries a town-office user name and password (no token).
    OfficeForm,
}

#[derive(Clone, Copy, Debug)]
pub struct QueryParam {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub description: &'static str,
    /// Bounds the server enforces (an integer out of them is answered 400).
    pub minimum: Option<u64>,
    pub maximum: Option<u64>,
    /// The only values taken, if the parameter is an enumeration.
    pub values: &'static [&'static str],
}

/// A parameter with no bounds.
const fn param(
    name: &'static str,
    kind: &'static str,
    required: bool,
    description: &'static str,
) -> QueryParam {
    QueryParam { name, kind, required, description, minimum: None, maximum: None, values: &[] }
}

/// `limit`, a page's length: any `u32` is taken (the handler clamps it, as `description` says).
const fn page_limit(description: &'static str) -> QueryParam {
    QueryParam {
        minimum: Some(0),
        maximum: Some(u32::MAX as u64),
        ..param("limit", "integer", false, description)
    }
}

/// A request or response body: a component schema name, or raw bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    Schema(&'static str),
    /// A JSON array of a component schema.
    ListOf(&'static str),
    Bytes,
    /// An HTML page.
    Html,
    /// A `multipart/form-data` submission of the named schema's fields.
    Form(&'static str),
    /// A spreadsheet download (CSV or XLSX).
    Spreadsheet,
}

/// The documentation of one route (method + path).
#[derive(Clone, Copy, Debug)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub access: Access,
    pub query: &'static [QueryParam],
    pub request: Option<Body>,
    pub success: u16,
    pub response: Option<Body>,
    /// Error statuses besides 401/403 implied by `access`.
    pub errors: &'static [u16],
}

pub struct ApiRoute {
    pub doc: RouteDoc,
    pub handler: MethodRouter<AppState>,
}

const NONE: &[QueryParam] = &[];

const fn doc(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    tag: &'static str,
    access: Access,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        summary,
        tag,
        access,
        query: NONE,
        request: None,
        success: 200,
        response: None,
        errors: &[],
    }
}

const EXPORT_QUERY: &[QueryParam] = &[param(
    "town",
    "string",
    false,
    "县级账号：只导出该镇（镇名）；镇账号只能导出本镇，写别的镇答 404",
)];

const TOWN_QUERY: &[QueryParam] = &[param(
    "town",
    "string",
    false,
    "镇名（至多 64 字，更长答 400）：县级账号必填；镇账号只能写本镇，写别的镇或不存在的镇答 404",
)];

/// `GET /api/v1/campaign/records`: the town by name, or by one of its candidates.
const TOWN_RECORDS_QUERY: &[QueryParam] = &[
    TOWN_QUERY[0],
    param(
        "candidate",
        "string",
        false,
        "不写镇名时：这名争创对象所在的镇（县级账号查看一名争创对象的联系记录、打印展示牌时用）；本账号看不到的镇里的或不存在的答 404",
    ),
];

const PULL_QUERY: &[QueryParam] = &[
    QueryParam {
        minimum: Some(0),
        maximum: Some(u64::MAX),
        ..param("cursor", "integer", false, "上次拉取返回的 cursor（首次为 0）")
    },
    param(
        "check",
        "string",
        false,
        "上次拉取与 cursor 一起返回的 cursor_check（至多 32 个十六进制字符，否则答 400）；\
         服务器在该 cursor 处已不是同一操作（数据库恢复为较早的备份）时答 409 history_changed",
    ),
    param(
        "acked",
        "string",
        false,
        "服务器最后确认收到的本机操作的 id（UUID）；服务器已没有该操作时答 409 history_changed",
    ),
    page_limit("每页条数，默认 500；小于 1 按 1、大于 5000 按 5000 处理"),
];
const WAIT_QUERY: &[QueryParam] = &[
    QueryParam {
        minimum: Some(0),
        maximum: Some(u64::MAX),
        ..param("cursor", "integer", false, "本机保存的拉取 cursor")
    },
    param(
        "check",
        "string",
        false,
        "本机与 cursor 一起保存的 cursor_check；服务器在该 cursor 处已不是同一操作时立即答 changed: true",
    ),
    param(
        "acked",
        "string",
        false,
        "服务器最后确认收到的本机操作的 id（UUID）；服务器已没有该操作时立即答 changed: true",
    ),
    QueryParam {
        minimum: Some(1),
        maximum: Some(shared::sync::MAX_WAIT_SECONDS),
        ..param("timeout", "integer", false, "没有新内容时最多等待的秒数，默认 60，范围 1–60")
    },
];
const CONFLICTS_QUERY: &[QueryParam] = &[
    QueryParam {
        values: &["open", "resolved", "all"],
        ..param("status", "string", false, "open（默认）、resolved 或 all")
    },
    page_limit(
        "每页条数，默认 500；小于 1 按 1、大于 1000 按 1000 处理。按发现时间、id 从早到晚；\
         少于 limit 条即最后一页",
    ),
    param(
        "after_time",
        "string",
        false,
        "从此条之后开始：上一页最后一条的 detected_at（与 after_id 同给，至多 64 个字符）",
    ),
    param("after_id", "string", false, "上一页最后一条的 id（UUID，与 after_time 同给）"),
];
const CHUNK_QUERY: &[QueryParam] = &[
    QueryParam {
        minimum: Some(0),
        maximum: Some(MAX_ATTACHMENT_BYTES),
        ..param("offset", "integer", true, "本块的起始位置，必须等于服务器已收到的字节数")
    },
    QueryParam {
        minimum: Some(0),
        maximum: Some(MAX_ATTACHMENT_BYTES),
        ..param("total", "integer", true, "附件总字节数")
    },
];

/// The largest body a sign-in takes (a name, a password, a device id, a code): these routes
/// answer anyone, so a body is read and decoded before any rate limit; the push's 8 MiB would
/// let each request cost that much.
pub const MAX_SIGNIN_BYTES: usize = 16 * 1024;

/// The whole API.
pub fn table() -> Vec<ApiRoute> {
    use Access::*;
    use Body::*;
    let route = |doc: RouteDoc, handler: MethodRouter<AppState>| ApiRoute { doc, handler };
    vec![
        route(
            RouteDoc {
                response: Some(Schema("Health")),
                ..doc("GET", "/healthz", "存活检查", "meta", Public)
            },
            get(meta::healthz),
        ),
        route(
            RouteDoc {
                response: Some(Schema("OpenApi")),
                ..doc("GET", "/api/v1/openapi.json", "本接口的 OpenAPI 文档", "meta", Public)
            },
            get(meta::openapi),
        ),
        route(
            RouteDoc {
                request: Some(Schema("LoginRequest")),
                response: Some(Schema("LoginResponse")),
                errors: &[400, 401, 403, 429, 503],
                ..doc("POST", "/api/v1/auth/login", "登录并取得本设备的令牌", "auth", Public)
            },
            post(auth::login).layer(DefaultBodyLimit::max(MAX_SIGNIN_BYTES)),
        ),
        route(
            RouteDoc {
                response: Some(Schema("Account")),
                ..doc("GET", "/api/v1/auth/me", "当前登录的账号", "auth", Signed)
            },
            get(auth::me),
        ),
        route(
            RouteDoc {
                success: 204,
                ..doc("POST", "/api/v1/auth/logout", "注销本设备的令牌", "auth", Signed)
            },
            post(auth::logout),
        ),
        route(
            RouteDoc {
                request: Some(Schema("PushRequest")),
                response: Some(Schema("PushResponse")),
                errors: &[400, 409, 413, 426, 507],
                ..doc("POST", "/api/v1/sync/push", "上传一批操作（按操作编号幂等）", "sync", Signed)
            },
            post(sync::push),
        ),
        route(
            RouteDoc {
                request: Some(Schema("CodeLoginRequest")),
                response: Some(Schema("LoginResponse")),
                errors: &[400, 401, 403, 429],
                ..doc(
                    "POST",
                    "/api/v1/auth/code",
                    "用镇组织办发放的一次性登录码登录（扫码或输入 8 位码）",
                    "auth",
                    Public,
                )
            },
            post(signin::code_login).layer(DefaultBodyLimit::max(MAX_SIGNIN_BYTES)),
        ),
        route(
            RouteDoc {
                request: Some(Schema("DeviceReport")),
                success: 204,
                errors: &[400],
                ..doc(
                    "POST",
                    "/api/v1/sync/report",
                    "每次同步结束时平板报告本机情况（待同步、被退回、冲突、最早未发送）",
                    "sync",
                    Signed,
                )
            },
            post(signin::report),
        ),
        route(
            RouteDoc {
                query: PULL_QUERY,
                response: Some(Schema("PullResponse")),
                errors: &[400, 409, 426],
                ..doc(
                    "GET",
                    "/api/v1/sync/pull",
                    "拉取 cursor 之后本账号可见的操作",
                    "sync",
                    Signed,
                )
            },
            get(sync::pull),
        ),
        route(
            RouteDoc {
                query: WAIT_QUERY,
                response: Some(Schema("WaitResponse")),
                errors: &[400, 426, 503],
                ..doc(
                    "GET",
                    "/api/v1/sync/wait",
                    "等到 cursor 之后有本账号可见的新操作（changed: true）或等待超时（changed: false），平板随后拉取",
                    "sync",
                    Signed,
                )
            },
            get(sync::wait),
        ),
        route(
            RouteDoc {
                query: CONFLICTS_QUERY,
                response: Some(ListOf("ConflictEntry")),
                errors: &[400],
                ..doc("GET", "/api/v1/conflicts", "列出字段冲突", "conflicts", TownOffice)
            },
            get(conflicts::list),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/conflicts/{id}/resolve",
                    "将冲突标记为已处理",
                    "conflicts",
                    TownOffice,
                )
            },
            post(conflicts::resolve),
        ),
        route(
            RouteDoc {
                response: Some(Schema("AttachmentStatus")),
                errors: &[400],
                ..doc(
                    "GET",
                    "/api/v1/attachments/{sha256}/status",
                    "附件上传进度",
                    "attachments",
                    Signed,
                )
            },
            get(attachments::status),
        ),
        route(
            RouteDoc {
                query: CHUNK_QUERY,
                request: Some(Bytes),
                response: Some(Schema("AttachmentStatus")),
                errors: &[400, 409, 413, 422, 429, 507],
                ..doc(
                    "PUT",
                    "/api/v1/attachments/{sha256}",
                    "上传附件的一块（可断点续传）",
                    "attachments",
                    Signed,
                )
            },
            put(attachments::put_chunk).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_CHUNK_BYTES)),
        ),
        route(
            RouteDoc {
                response: Some(Bytes),
                errors: &[400, 404],
                ..doc("GET", "/api/v1/attachments/{sha256}", "下载附件", "attachments", Signed)
            },
            get(attachments::download),
        ),
        route(
            RouteDoc {
                response: Some(ListOf("UserSummary")),
                ..doc("GET", "/api/v1/admin/users", "列出账号", "admin", TownOffice)
            },
            get(admin::list_users),
        ),
        route(
            RouteDoc {
                request: Some(Schema("CreateUserRequest")),
                success: 201,
                response: Some(Schema("UserSummary")),
                errors: &[400, 409, 503],
                ..doc("POST", "/api/v1/admin/users", "新建账号", "admin", TownOffice)
            },
            post(admin::create_user),
        ),
        route(
            RouteDoc {
                response: Some(ListOf("DeviceSummary")),
                ..doc("GET", "/api/v1/admin/devices", "列出已登录的设备", "admin", TownOffice)
            },
            get(admin::list_devices),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/devices/{id}/revoke",
                    "吊销设备令牌（该设备不能再用密码登录，直到镇组织办恢复）",
                    "admin",
                    TownOffice,
                )
            },
            post(admin::revoke_device),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/devices/{id}/restore",
                    "恢复被吊销的设备（可再用密码登录）",
                    "admin",
                    TownOffice,
                )
            },
            post(admin::restore_device),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/users/{username}/disable",
                    "停用账号（令牌立即失效，不能登录）",
                    "admin",
                    TownOffice,
                )
            },
            post(admin::disable_user),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/users/{username}/enable",
                    "重新启用账号",
                    "admin",
                    TownOffice,
                )
            },
            post(admin::enable_user),
        ),
        route(
            RouteDoc {
                request: Some(Schema("ResetPasswordRequest")),
                success: 204,
                errors: &[400, 404, 503],
                ..doc(
                    "POST",
                    "/api/v1/admin/users/{username}/password",
                    "镇组织办重设账号密码（该账号所有设备需重新登录）",
                    "admin",
                    TownOffice,
                )
            },
            post(admin::reset_password),
        ),
        route(
            RouteDoc {
                request: Some(Schema("SigninCodeRequest")),
                success: 201,
                response: Some(Schema("SigninCode")),
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/users/{username}/signin-code",
                    "为账号生成一次性登录码（二维码和 8 位码，24 小时内有效，只能用一次）",
                    "admin",
                    TownOffice,
                )
            },
            post(signin::create_code),
        ),
        route(
            RouteDoc {
                success: 204,
                errors: &[400, 404],
                ..doc(
                    "POST",
                    "/api/v1/admin/users/{username}/signin-code/revoke",
                    "撤销账号所有未使用的登录码",
                    "admin",
                    TownOffice,
                )
            },
            post(signin::revoke_codes),
        ),
        route(
            RouteDoc {
                request: Some(Bytes),
                response: Some(Schema("RosterReport")),
                errors: &[400, 413, 422],
                ..doc(
                    "POST",
                    "/api/v1/admin/roster/preview",
                    "预览党员名册（XLSX 或 CSV，UTF-8 或 GBK）：逐行列出问题，不写入任何内容",
                    "admin",
                    TownOffice,
                )
            },
            post(roster::preview).layer(DefaultBodyLimit::max(MAX_ROSTER_BYTES)),
        ),
        route(
            RouteDoc {
                request: Some(Bytes),
                response: Some(Schema("RosterReport")),
                errors: &[400, 413, 422],
                ..doc(
                    "POST",
                    "/api/v1/admin/roster/apply",
                    "导入党员名册：全部无误才整体写入（一个事务），按身份证号或姓名+出生年份+支部更新已有党员",
                    "admin",
                    TownOffice,
                )
            },
            post(roster::apply).layer(DefaultBodyLimit::max(MAX_ROSTER_BYTES)),
        ),
        route(
            RouteDoc {
                request: Some(Bytes),
                response: Some(Schema("ImportReport")),
                errors: &[400, 409, 413, 422, 503, 507],
                ..doc(
                    "POST",
                    "/api/v1/import",
                    "导入平板导出文件（整体一个事务；加密文件的密码放在 X-Export-Passphrase，非 ASCII 用百分号编码）",
                    "import",
                    TownOffice,
                )
            },
            post(import::import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        ),
        route(
            RouteDoc {
                response: Some(Spreadsheet),
                query: EXPORT_QUERY,
                errors: &[404],
                ..doc(
                    "GET",
                    "/api/v1/exports/{file}",
                    "导出表格：people、surveys、candidates 的 .csv（UTF-8 带 BOM）或 .xlsx，按本账号权限",
                    "exports",
                    Signed,
                )
            },
            get(exports::download),
        ),
        route(
            RouteDoc {
                response: Some(Schema("TownList")),
                errors: &[403],
                ..doc(
                    "GET",
                    "/api/v1/towns",
                    "本账号可见的镇：县级账号为全部镇，镇账号为本镇（调查员、支部书记答 403）",
                    "county",
                    Signed,
                )
            },
            get(county::towns),
        ),
        route(
            RouteDoc {
                query: TOWN_RECORDS_QUERY,
                response: Some(Schema("TownRecords")),
                errors: &[400, 403, 404],
                ..doc(
                    "GET",
                    "/api/v1/campaign/records",
                    "一个镇的“四争一树”看板记录（按本账号权限去掉个人信息；县级看板按镇显示）",
                    "county",
                    Signed,
                )
            },
            get(county::campaign_records),
        ),
        route(
            RouteDoc {
                response: Some(Html),
                ..doc("GET", "/import", "导出文件上传页面", "pages", Public)
            },
            get(import_page::form),
        ),
        route(
            RouteDoc {
                request: Some(Form("ImportForm")),
                response: Some(Html),
                errors: &[400, 401, 403, 409, 413, 422, 429, 503],
                ..doc("POST", "/import", "上传页面提交导出文件，返回结果页面", "pages", OfficeForm)
            },
            post(import_page::submit).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        ),
    ]
}

/// The documentation half of [`table`].
pub fn docs() -> Vec<RouteDoc> {
    table().into_iter().map(|r| r.doc).collect()
}

/// Record in the audit log what the signed-in `session` did (`action`, with `detail`).
pub(crate) async fn audit(
    state: &crate::state::AppState,
    session: &crate::store::Caller,
    action: &'static str,
    detail: String,
) -> Result<(), crate::error::AppError> {
    Ok(state
        .store
        .audit(crate::store::AuditEvent {
            town: session.town,
            user_id: Some(session.user_id),
            username: &session.account.username,
            device_row: Some(session.device_row),
            action,
            detail,
        })
        .await?)
}
