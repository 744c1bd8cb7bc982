//! The OpenAPI 3.1 document, written from the route table ([`crate::routes::table`]) and the
//! wire types' schemas below (kept beside `shared::sync`).

use serde_json::{Map, Value, json};

use crate::routes::{self, Access, Body, RouteDoc};

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The `content` object of a body.
fn body_content(body: Body) -> Value {
    let binary = json!({"type": "string", "format": "binary"});
    match body {
        Body::Schema(name) => json!({"application/json": {"schema": schema_ref(name)}}),
        Body::ListOf(name) => {
            json!({"application/json": {"schema": {"type": "array", "items": schema_ref(name)}}})
        }
        Body::Bytes => json!({"application/octet-stream": {"schema": binary}}),
        Body::Html => json!({"text/html": {"schema": {"type": "string"}}}),
        Body::Form(name) => json!({"multipart/form-data": {"schema": schema_ref(name)}}),
        Body::Spreadsheet => json!({
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": binary},
        }),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "成功",
        201 => "已创建",
        204 => "成功，无内容",
        400 => "请求无效",
        401 => "未登录或令牌已失效",
        403 => "无权操作",
        404 => "不存在",
        409 => "冲突",
        413 => "内容过大",
        415 => "请求内容类型不是 application/json",
        422 => "内容校验失败",
        426 => "应用版本过旧（请求头 X-Field-Protocol 低于服务器支持的最低版本），请更新应用",
        429 => "尝试次数过多，或本账号当天的照片已达上限（见 Retry-After）",
        503 => "服务器正忙（见 Retry-After）",
        507 => "服务器磁盘空间不足（storage_full），未保存",
        _ => "错误",
    }
}

fn operation(doc: &RouteDoc) -> Value {
    let mut parameters: Vec<Value> = doc
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = match name {
                "id" if doc.path.contains("/devices/") => json!({"type": "integer"}),
                "id" => json!({"type": "string", "format": "uuid"}),
                "sha256" => json!({"type": "string", "pattern": "^[0-9a-fA-F]{64}$"}),
                "username" => json!({"type": "string", "minLength": 1, "maxLength": 64}),
                _ => json!({"type": "string"}),
            };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect();
    parameters.extend(doc.query.iter().map(|q| {
        let mut schema = json!({"type": q.kind});
        if let Some(min) = q.minimum {
            schema["minimum"] = min.into();
        }
        if let Some(max) = q.maximum {
            schema["maximum"] = max.into();
        }
        if !q.values.is_empty() {
            schema["enum"] = json!(q.values);
        }
        json!({"name": q.name, "in": "query", "required": q.required,
               "description": q.description, "schema": schema})
    }));

    let mut responses = Map::new();
    let mut ok = json!({"description": reason(doc.success)});
    if let Some(body) = doc.response {
        ok["content"] = body_content(body);
    }
    responses.insert(doc.success.to_string(), ok);
    let mut errors: Vec<u16> = doc.errors.to_vec();
    // A JSON body of another content type is refused by `ApiJson`.
    if matches!(doc.request, Some(Body::Schema(_) | Body::ListOf(_))) {
        errors.push(415);
    }
    match doc.access {
        Access::Public | Access::OfficeForm => {}
        Access::Signed => errors.push(401),
        Access::TownOffice => errors.extend([401, 403]),
    }
    // A page answers its errors as a page too.
    let error_content = match doc.response {
        Some(Body::Html) => json!({"text/html": {"schema": {"type": "string"}}}),
        _ => json!({"application/json": {"schema": schema_ref("ApiErrorBody")}}),
    };
    errors.sort_unstable();
    errors.dedup();
    for status in errors {
        responses.insert(
            status.to_string(),
            json!({"description": reason(status), "content": error_content.clone()}),
        );
    }

    let mut op = json!({
        "summary": doc.summary,
        "tags": [doc.tag],
        "operationId": operation_id(doc),
        "responses": responses,
    });
    if !parameters.is_empty() {
        op["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = doc.request {
        op["requestBody"] = json!({"required": true, "content": body_content(body)});
    }
    if doc.path.starts_with("/api/v1/exports/") {
        op["parameters"][0]["schema"]["enum"] = json!(
            crate::exports::ExportWhat::ALL
                .iter()
                .flat_map(|w| ["csv", "xlsx"].map(|f| format!("{}.{f}", w.as_str())))
                .collect::<Vec<_>>()
        );
    }
    op["security"] = match doc.access {
        Access::Public | Access::OfficeForm => json!([]),
        Access::Signed | Access::TownOffice => json!([{"bearer": []}]),
    };
    op
}

fn operation_id(doc: &RouteDoc) -> String {
    let words: Vec<&str> = doc
        .path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "api" && *w != "v1")
        .collect();
    // Pages outside the API get their own prefix (`POST /import` vs `POST /api/v1/import`).
    let page = if doc.path.starts_with("/api/") || doc.path == "/healthz" { "" } else { "page_" };
    format!("{}_{page}{}", doc.method.to_ascii_lowercase(), words.join("_"))
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for doc in routes::docs() {
        let item = paths.entry(doc.path.to_owned()).or_insert_with(|| json!({}));
        item[doc.method.to_ascii_lowercase()] = operation(&doc);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "四争一树 Field 同步接口",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "办公室服务器的 /api/v1 接口。错误一律为 {\"error\": {\"code\", \"message\"}}。",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "登录返回的设备令牌"}},
            "schemas": schemas(),
        },
    })
}

fn schemas() -> Value {
    let string = json!({"type": "string"});
    let hlc = json!({"type": "string", "description": "混合逻辑时钟，形如 0001700000000000-000000-<device>"});
    let uuid = json!({"type": "string", "format": "uuid"});
    let role = json!({"type": "string", "enum": ["surveyor", "branch_secretary", "town_office", "county_viewer"]});
    let account_props = json!({
        "username": string, "display_name": string, "role": role,
        "branches": {"type": "array", "items": string},
    });
    let mut user_props = account_props.clone();
    user_props["created_at"] = json!({"type": "string", "format": "date-time"});
    user_props["disabled"] = json!({"type": "boolean"});
    let mut all = json!({
        "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
        "OpenApi": {"type": "object", "description": "本文档"},
        "ApiErrorBody": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "description": "snake_case 错误码"},
                "message": {"type": "string", "description": "中文说明（简体）"},
                "received": {"type": "integer", "description": "offset_mismatch 时服务器已收到的字节数"},
                "reason": {"type": "string", "description": "说明的代码（应用按其语言显示，目录键 msg-<reason>）"},
                "args": {"type": "object", "description": "说明的参数"},
            }}},
        },
        "Account": {"type": "object", "required": ["username", "display_name", "role"], "properties": account_props},
        "UserSummary": {"type": "object", "required": ["username", "display_name", "role", "created_at"], "properties": user_props},
        "CreateUserRequest": {
            "type": "object", "required": ["username", "password", "display_name", "role"],
            "properties": {"username": {"type": "string", "minLength": 1, "maxLength": 64},
                "password": {"type": "string", "minLength": 8, "maxLength": 256},
                "display_name": {"type": "string", "minLength": 1, "maxLength": 64},
                "role": role, "branches": {"type": "array", "items": string}},
        },
        "ResetPasswordRequest": {
            "type": "object", "required": ["password"],
            "properties": {"password": {"type": "string", "minLength": 8, "maxLength": 256}},
        },
        "DeviceSummary": {
            "type": "object",
            "required": ["id", "device_id", "device_name", "username", "created_at", "last_seen", "revoked"],
            "properties": {"id": {"type": "integer"}, "device_id": uuid, "device_name": string,
                "username": string, "created_at": string, "last_seen": string, "revoked": {"type": "boolean"},
                "report": schema_ref("DeviceReport"),
                "reported_at": {"type": "string", "format": "date-time"}},
        },
        "LoginRequest": {
            "type": "object", "required": ["username", "password", "device_id"],
            "properties": {"username": string, "password": string, "device_id": uuid, "device_name": string},
        },
        "LoginResponse": {
            "type": "object", "required": ["token", "account"],
            "properties": {"token": {"type": "string", "description": "Authorization: Bearer <token>"},
                "account": schema_ref("Account"),
                "unsent_elsewhere": {"type": "array", "items": schema_ref("UnsentElsewhere"),
                    "maxItems": shared::sync::MAX_UNSENT_ELSEWHERE,
                    "description": "仅当本设备对该账号是新设备时：该账号其他设备最后一次报告中仍有未发送修改的设备（最新的在前）"}},
        },
        "FieldChange": {
            "type": "object", "required": ["field", "value"],
            "properties": {"field": string, "value": {}, "base": hlc},
        },
        "Operation": {
            "type": "object",
            "required": ["id", "device_id", "author", "hlc", "entity", "entity_id", "kind"],
            "properties": {
                "id": uuid, "device_id": uuid, "author": string, "hlc": hlc,
                "entity": {"type": "string", "enum": shared::record::EntityKind::ALL.map(|k| k.as_str())},
                "entity_id": uuid, "branch_id": string,
                "kind": {"type": "string", "enum": ["upsert", "delete"]},
                "changes": {"type": "array", "items": schema_ref("FieldChange")},
            },
        },
        "PushRequest": {"type": "object", "required": ["ops"],
            "properties": {"ops": {"type": "array", "items": schema_ref("Operation")}}},
        "OpResult": {
            "type": "object", "required": ["id", "status"],
            "properties": {"id": uuid, "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
                "code": string, "message": string,
                "reason": {"type": "string", "description": "拒绝说明的代码（应用按其语言显示）"},
                "args": {"type": "object", "description": "拒绝说明的参数"}},
        },
        "PushResponse": {"type": "object", "required": ["results", "server_hlc"],
            "properties": {"results": {"type": "array", "items": schema_ref("OpResult")}, "server_hlc": hlc}},
        "PullResponse": {"type": "object", "required": ["ops", "cursor", "more"],
            "properties": {"ops": {"type": "array", "items": schema_ref("Operation")},
                "cursor": {"type": "integer"},
                "cursor_check": {"type": "string",
                    "description": "与 cursor 一起在下次拉取时作为 check 传回（cursor 为 0 时没有）"},
                "more": {"type": "boolean"}}},
        "WaitResponse": {"type": "object", "required": ["changed"],
            "properties": {"changed": {"type": "boolean"}}},
        "ConflictEntry": {
            "type": "object",
            "required": ["id", "entity", "entity_id", "field", "winner_value", "loser_value", "detected_at", "resolved"],
            "properties": {"id": uuid, "entity": string, "entity_id": uuid, "branch_id": string, "field": string,
                "winner_value": {}, "winner_clock": hlc, "winner_author": string,
                "loser_value": {}, "loser_clock": hlc, "loser_author": string,
                "detected_at": string, "resolved": {"type": "boolean"},
                "resolved_by": string, "resolved_at": string},
        },
        "ImportReport": {
            "type": "object",
            "required": ["device_id", "author", "created_at", "operations", "accepted", "duplicate",
                         "rejected", "rejections", "attachments", "attachments_new"],
            "properties": {"device_id": uuid, "author": string, "created_at": string,
                "operations": {"type": "integer"}, "accepted": {"type": "integer"},
                "duplicate": {"type": "integer"}, "rejected": {"type": "integer"},
                "rejections": {"type": "array", "items": schema_ref("OpResult")},
                "refused_records": {"type": "array", "items": schema_ref("RefusedRecord"),
                    "description": "每条被拒绝的修改所属的记录（与 rejections 同序）"},
                "attachments": {"type": "integer"}, "attachments_new": {"type": "integer"}},
        },
        "RefusedRecord": {
            "type": "object", "required": ["op_id", "entity", "entity_id", "fields"],
            "properties": {"op_id": uuid,
                "entity": {"type": "string", "enum": shared::record::EntityKind::ALL.map(|k| k.as_str())},
                "entity_id": uuid,
                "name": {"type": "string", "description": "党员姓名或记录名称（文件和服务器都没有时省略）"},
                "fields": {"type": "array", "items": string}},
        },
        "ImportForm": {
            "type": "object", "required": ["username", "password", "file"],
            "properties": {"username": string, "password": string,
                "file": {"type": "string", "format": "binary"}, "passphrase": string},
        },
        "AttachmentStatus": {"type": "object", "required": ["received", "total", "complete"],
            "properties": {"received": {"type": "integer"}, "total": {"type": "integer"}, "complete": {"type": "boolean"}}},
    });
    if let (Some(all), Value::Object(office)) = (all.as_object_mut(), office_schemas()) {
        all.extend(office);
    }
    if let (Some(all), Value::Object(county)) = (all.as_object_mut(), county_schemas()) {
        all.extend(county);
    }
    all
}

/// The schemas of the county's per-town dashboard (`shared::county`).
fn county_schemas() -> Value {
    let string = json!({"type": "string"});
    let hlc = json!({"type": "string", "format": "hlc",
        "description": "混合逻辑时钟，形如 0001700000000000-000000-<device>"});
    json!({
        "TownName": {"type": "object", "required": ["name"], "properties": {"name": string}},
        "TownList": {"type": "object", "required": ["towns"],
            "properties": {"towns": {"type": "array", "items": schema_ref("TownName")}}},
        "Record": {
            "type": "object", "required": ["entity", "id", "fields", "meta", "updated"],
            "description": "服务器保存的一条记录（各字段的当前值及写入它的时钟）",
            "properties": {
                "entity": {"type": "string", "enum": shared::record::EntityKind::ALL.map(|k| k.as_str())},
                "id": {"type": "string", "format": "uuid"}, "branch_id": string,
                "fields": {"type": "object", "description": "字段名 → 当前值"},
                "meta": {"type": "object", "description": "字段名 → {clock, base?, author?}"},
                "deleted": hlc.clone(), "updated": hlc,
                "earlier": {"type": "object", "description": "字段名 → 被取代的较早写入"},
            },
        },
        "TownRecords": {"type": "object", "required": ["town", "records"],
            "properties": {"town": string, "records": {"type": "array", "items": schema_ref("Record")}}},
    })
}

/// The schemas of the office's setup: device reports, sign-in codes, roster import.
fn office_schemas() -> Value {
    let string = json!({"type": "string"});
    let uuid = json!({"type": "string", "format": "uuid"});
    json!({
        "DeviceReport": {
            "type": "object", "required": ["app_version", "pending", "refused", "conflicts"],
            "properties": {"app_version": {"type": "string", "maxLength": 40},
                "pending": {"type": "integer"}, "refused": {"type": "integer"},
                "conflicts": {"type": "integer"},
                "oldest_unsent": {"type": "string", "format": "date-time"}},
        },
        "UnsentElsewhere": {
            "type": "object", "required": ["device_id", "device_name", "pending", "reported_at"],
            "properties": {"device_id": uuid, "device_name": string,
                "pending": {"type": "integer", "minimum": 1},
                "oldest_unsent": {"type": "string", "format": "date-time"},
                "reported_at": {"type": "string", "format": "date-time"},
                "blocked": {"type": "boolean", "description": "镇组织办已停用该设备"}},
        },
        "SigninCodeRequest": {
            "type": "object", "required": ["server"],
            "properties": {"server": {"type": "string", "maxLength": 200,
                "description": "平板访问服务器的地址，如 https://192.168.1.10:8443"}},
        },
        "SigninCode": {
            "type": "object", "required": ["username", "code", "expires_at", "link", "qr_svg"],
            "properties": {"username": string, "code": {"type": "string", "minLength": 8},
                "expires_at": {"type": "string", "format": "date-time"}, "link": string,
                "qr_svg": {"type": "string", "description": "二维码（SVG）"}},
        },
        "CodeLoginRequest": {
            "type": "object", "required": ["code", "device_id"],
            "properties": {"code": {"type": "string", "minLength": 8}, "device_id": uuid, "device_name": string},
        },
        "RosterIssue": {
            "type": "object", "required": ["row", "column", "message"],
            "properties": {"row": {"type": "integer"}, "column": string, "message": string,
                "reason": {"type": "string", "description": "问题说明的代码（应用按其语言显示，目录键 msg-<reason>）"},
                "args": {"type": "object", "description": "问题说明的参数"}},
        },
        "RosterColumn": {
            "type": "object", "required": ["header", "field"],
            "properties": {"header": string, "field": string,
                "label": {"type": "string",
                    "enum": shared::message::FieldLabel::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                    "description": "字段代码（应用按其语言显示，目录键 field-label-<label>）"}},
        },
        "RosterReport": {
            "type": "object",
            "required": ["rows", "created", "updated", "unchanged", "issues", "columns", "applied"],
            "properties": {"rows": {"type": "integer"}, "created": {"type": "integer"},
                "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
                "issues": {"type": "array", "items": schema_ref("RosterIssue")},
                "columns": {"type": "array", "items": schema_ref("RosterColumn")},
                "applied": {"type": "boolean"},
                "notes": {"type": "array", "items": schema_ref("RosterIssue"),
                    "description": "不妨碍导入的说明（如党员的支部与名册不同：其他信息已更新，未转支部）"}},
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` points at a schema that exists.
    #[test]
    fn references_resolve() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            assert!(schemas.contains_key(&name), "missing schema {name}");
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let mut ids: Vec<String> = routes::docs().iter().map(operation_id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
