//! `GET /import`: a plain upload form for the office; `POST /import`: the form's multipart
//! submission (office user name and password, the file, its passphrase), answered with a
//! result page. No script: a browser with nothing but HTML forms can import.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use shared::roles::Role;

use super::pages::{escape, page};
use crate::auth::verify_or_dummy;
use crate::error::AppError;
use crate::extract::ClientAddr;
use crate::import::{ImportReport, Importer, MAX_IMPORT_BYTES, import_file};
use crate::routes::auth::MAX_PASSWORD_BYTES;
use crate::state::AppState;
use crate::users::normalise_username;

const TITLE: &str = "导入导出文件";

const FORM: &str = r#"<h1>导入平板导出文件</h1>
<p>没有网络的站点可在平板“导出”页面生成导出文件，带到镇组织办在此导入。同一文件重复导入不会重复保存。</p>
<form method="post" action="/import" enctype="multipart/form-data">
<label for="username">镇组织办账号</label><input id="username" name="username" required autocomplete="username">
<label for="password">密码</label><input id="password" name="password" type="password" required autocomplete="current-password">
<label for="file">导出文件</label><input id="file" name="file" type="file" required>
<label for="passphrase">文件密码 <small>（文件加密时填写）</small></label><input id="passphrase" name="passphrase" type="password" autocomplete="off">
<button type="submit">导入</button>
</form>"#;

pub async fn form() -> Response {
    page(StatusCode::OK, TITLE, FORM)
}

fn failure(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>导入失败</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/import\">返回重新导入</a></p>",
        escape(message)
    );
    page(status, TITLE, &body)
}

fn success(report: &ImportReport) -> Response {
    let mut rows = format!(
        "<tr><th>来源设备</th><td>{}</td></tr><tr><th>导出人</th><td>{}</td></tr>\
<tr><th>导出时间</th><td>{}</td></tr><tr><th>文件中的修改</th><td>{}</td></tr>\
<tr><th>新保存</th><td>{}</td></tr><tr><th>此前已导入（重复）</th><td>{}</td></tr>\
<tr><th>被拒绝</th><td>{}</td></tr><tr><th>照片</th><td>{}（新增 {}）</td></tr>",
        report.device_id,
        escape(&report.author),
        escape(&report.created_at),
        report.operations,
        report.accepted,
        report.duplicate,
        report.rejected,
        report.attachments,
        report.attachments_new
    );
    for r in &report.rejections {
        rows.push_str(&format!(
            "<tr><th>拒绝 {}</th><td>{}</td></tr>",
            r.id,
            escape(r.message.as_deref().unwrap_or(""))
        ));
    }
    let body = format!(
        "<h1>导入完成</h1><p class=\"ok\" role=\"status\">文件已完整导入。</p><table>{rows}</table>\
<p><a href=\"/import\">继续导入其他文件</a></p>"
    );
    page(StatusCode::OK, TITLE, &body)
}

#[derive(Default)]
struct Credentials {
    username: String,
    password: String,
}

/// The longest user name, password or passphrase field read (more is not a credential).
const MAX_FIELD_BYTES: usize = 4096;

/// A text field of the form, at most [`MAX_FIELD_BYTES`] read.
async fn small_text(field: &mut axum::extract::multipart::Field<'_>) -> Result<String, Response> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e.status()))? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(failure(StatusCode::BAD_REQUEST, "表单内容过长"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| failure(StatusCode::BAD_REQUEST, "表单内容不是有效的文本"))
}

fn unreadable(status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        failure(status, "文件过大，无法导入")
    } else {
        failure(StatusCode::BAD_REQUEST, "上传内容读取失败，请重新选择文件后再试")
    }
}

/// The importing account, if the name and password are a town-office account's. Counted by
/// the sign-in rate limits and run in the bounded hashing queue, like a login.
async fn office_account(
    state: &AppState,
    address: Option<std::net::IpAddr>,
    form: &Credentials,
) -> Result<Importer, Response> {
    let refused = |err: AppError| {
        let retry_after = match &err {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy => Some(1),
            _ => None,
        };
        let mut page = failure(err.status(), &err.body().error.message);
        if let Some(secs) = retry_after {
            page.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        page
    };
    let username = normalise_username(&form.username);
    state.attempts.attempt(&username, address).await.map_err(refused)?;
    if form.password.len() > MAX_PASSWORD_BYTES {
        state.attempts.failed(&username).await.map_err(refused)?;
        return Err(failure(StatusCode::UNAUTHORIZED, "用户名或密码错误"));
    }
    let creds = state.store.credentials(&username).await.map_err(|e| {
        tracing::error!(error = %e, "reading credentials for an import failed");
        failure(StatusCode::INTERNAL_SERVER_ERROR, &AppError::from(e).body().error.message)
    })?;
    let password = form.password.clone();
    let phc = creds.as_ref().map(|c| c.password_hash.clone());
    let ok = state.hashing.run(move || verify_or_dummy(&password, phc.as_deref())).await;
    let ok = ok.map_err(refused)?;
    match creds {
        Some(c) if ok && !c.disabled => {
            if let (Role::TownOffice, Some(town)) = (c.account.role, c.town) {
                Ok(Importer { username: c.account.username, user_id: Some(c.user_id), town })
            } else {
                Err(failure(StatusCode::FORBIDDEN, "只有镇组织办账号可以导入导出文件"))
            }
        }
        _ => {
            state.attempts.failed(&username).await.map_err(refused)?;
            Err(failure(StatusCode::UNAUTHORIZED, "用户名或密码错误"))
        }
    }
}

/// Read the form in its order (user name, password, file, passphrase): the account is checked
/// when the file field begins, before a byte of the file is read, so an upload without a valid
/// town-office password costs the server no memory. A file sent before the credentials is
/// refused unread.
async fn read_form(
    state: &AppState,
    address: Option<std::net::IpAddr>,
    mut multipart: Multipart,
) -> Result<(Importer, Option<Vec<u8>>, String), Response> {
    let mut creds = Credentials::default();
    let mut importer = None;
    let mut file = None;
    let mut passphrase = String::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(unreadable(e.status())),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if importer.is_none() {
                if creds.username.is_empty() || creds.password.is_empty() {
                    return Err(failure(
                        StatusCode::UNAUTHORIZED,
                        "请先填写镇组织办账号和密码，再选择文件",
                    ));
                }
                importer = Some(office_account(state, address, &creds).await?);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e.status()))? {
                if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                    return Err(unreadable(StatusCode::PAYLOAD_TOO_LARGE));
                }
                bytes.extend_from_slice(&chunk);
            }
            file = Some(bytes);
        } else {
            let text = small_text(&mut field).await?;
            match name.as_str() {
                "username" => creds.username = text.trim().to_owned(),
                "password" => creds.password = text,
                "passphrase" => passphrase = text,
                _ => {}
            }
        }
    }
    let importer = match importer {
        Some(importer) => importer,
        None => office_account(state, address, &creds).await?,
    };
    Ok((importer, file, passphrase))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return failure(StatusCode::BAD_REQUEST, "请通过导入页面的表单上传文件");
    };
    let (importer, file, passphrase) = match read_form(&state, address, multipart).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return failure(StatusCode::BAD_REQUEST, "请选择要导入的导出文件");
    };
    let passphrase = Some(passphrase).filter(|p| !p.is_empty());
    match import_file(state.store.as_ref(), &state.attachments, file, passphrase, importer).await {
        Ok(report) => {
            if report.accepted > 0 {
                state.changes.poke();
            }
            success(&report)
        }
        Err(err) => {
            let err = AppError::from(err);
            if err.status().is_server_error() {
                tracing::error!(error = %err, "import from the upload page failed");
            }
            failure(err.status(), &err.body().error.message)
        }
    }
}
