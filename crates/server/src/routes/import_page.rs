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
use crate::import::{ImportReport, Importer, import_file};
use crate::state::AppState;

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
struct Submission {
    username: String,
    password: String,
    passphrase: String,
    file: Option<Vec<u8>>,
}

async fn read_form(mut multipart: Multipart) -> Result<Submission, Response> {
    let unreadable = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            failure(status, "文件过大，无法导入")
        } else {
            failure(StatusCode::BAD_REQUEST, "上传内容读取失败，请重新选择文件后再试")
        }
    };
    let mut form = Submission::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(unreadable(e.status())),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let bytes = field.bytes().await.map_err(|e| unreadable(e.status()))?;
            form.file = Some(bytes.to_vec());
        } else {
            let text = field.text().await.map_err(|e| unreadable(e.status()))?;
            match name.as_str() {
                "username" => form.username = text.trim().to_owned(),
                "password" => form.password = text,
                "passphrase" => form.passphrase = text,
                _ => {}
            }
        }
    }
    Ok(form)
}

/// The importing account, if the name and password are a town-office account's.
async fn office_account(state: &AppState, form: &Submission) -> Result<Importer, Response> {
    let creds = state.store.credentials(&form.username).await.map_err(|e| {
        tracing::error!(error = %e, "reading credentials for an import failed");
        failure(StatusCode::INTERNAL_SERVER_ERROR, &AppError::from(e).body().error.message)
    })?;
    let password = form.password.clone();
    let phc = creds.as_ref().map(|c| c.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_or_dummy(&password, phc.as_deref()))
        .await
        .unwrap_or(false);
    match creds {
        Some(c) if ok && !c.disabled => {
            if c.account.role == Role::TownOffice {
                Ok(Importer { username: c.account.username, user_id: Some(c.user_id) })
            } else {
                Err(failure(StatusCode::FORBIDDEN, "只有镇组织办账号可以导入导出文件"))
            }
        }
        _ => Err(failure(StatusCode::UNAUTHORIZED, "用户名或密码错误")),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return failure(StatusCode::BAD_REQUEST, "请通过导入页面的表单上传文件");
    };
    let form = match read_form(multipart).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let importer = match office_account(&state, &form).await {
        Ok(importer) => importer,
        Err(page) => return page,
    };
    let Some(file) = form.file.filter(|f| !f.is_empty()) else {
        return failure(StatusCode::BAD_REQUEST, "请选择要导入的导出文件");
    };
    let passphrase = Some(form.passphrase).filter(|p| !p.is_empty());
    match import_file(state.store.as_ref(), &state.attachments, file, passphrase, importer).await {
        Ok(report) => success(&report),
        Err(err) => {
            let err = AppError::from(err);
            if err.status().is_server_error() {
                tracing::error!(error = %err, "import from the upload page failed");
            }
            failure(err.status(), &err.body().error.message)
        }
    }
}
