//! `GET /import`: a plain upload form for the office; `POST /import`: the form's multipart
//! submission (office user name and password, the file, its passphrase), answered with a
//! result page. No script: a browser with nothing but HTML forms can import.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use shared::roles::Role;

use super::pages::{PageLang, escape, page};
use crate::auth::verify_or_dummy;
use crate::error::AppError;
use crate::extract::ClientAddr;
use crate::import::{ImportReport, Importer, MAX_IMPORT_BYTES, RefusedRecord, import_file};
use crate::routes::auth::MAX_PASSWORD_BYTES;
use crate::state::AppState;
use crate::users::normalise_username;
use texts::server as t;

fn form_html(lang: PageLang) -> String {
    let e = |text| escape(lang.text(text));
    format!(
        r#"<h1>{heading}</h1>
<p>{intro}</p>
<form method="post" action="/import" enctype="multipart/form-data">
<label for="username">{username}</label><input id="username" name="username" required autocomplete="username">
<label for="password">{password}</label><input id="password" name="password" type="password" required autocomplete="current-password">
<label for="file">{file}</label><input id="file" name="file" type="file" required>
<label for="passphrase">{passphrase} <small>{hint}</small></label><input id="passphrase" name="passphrase" type="password" autocomplete="off">
<button type="submit">{submit}</button>
</form>"#,
        heading = e(t::IMPORT_HEADING),
        intro = e(t::IMPORT_INTRO),
        username = e(t::IMPORT_USERNAME),
        password = e(t::IMPORT_PASSWORD),
        file = e(t::IMPORT_FILE),
        passphrase = e(t::IMPORT_PASSPHRASE),
        hint = e(t::IMPORT_PASSPHRASE_HINT),
        submit = e(t::IMPORT_SUBMIT),
    )
}

pub async fn form(lang: PageLang) -> Response {
    page(lang, StatusCode::OK, lang.text(t::IMPORT_TITLE), &form_html(lang))
}

fn failure(lang: PageLang, status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>{}</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/import\">{}</a></p>",
        escape(lang.text(t::IMPORT_FAILED)),
        escape(message),
        escape(lang.text(t::IMPORT_AGAIN)),
    );
    page(lang, status, lang.text(t::IMPORT_TITLE), &body)
}

/// A refusal of the server's as the page says it: in the page's language when it has a code
/// the catalogs word, else the server's zh-Hans words.
fn refusal(lang: PageLang, err: &AppError) -> String {
    let body = err.body_in(lang.catalog());
    body.error.message
}

fn success(lang: PageLang, report: &ImportReport) -> Response {
    let th = |text| escape(lang.text(text));
    let photos = lang.format(
        t::IMPORT_PHOTOS_COUNT,
        &[("n", report.attachments.into()), ("new", report.attachments_new.into())],
    );
    let mut rows = format!(
        "<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>\
<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>",
        th(t::IMPORT_DEVICE),
        report.device_id,
        th(t::IMPORT_AUTHOR),
        escape(&report.author),
        th(t::IMPORT_CREATED),
        escape(&report.created_at),
        th(t::IMPORT_OPERATIONS),
        report.operations,
        th(t::IMPORT_ACCEPTED),
        report.accepted,
        th(t::IMPORT_DUPLICATE),
        report.duplicate,
        th(t::IMPORT_REJECTED),
        report.rejected,
        th(t::IMPORT_PHOTOS),
        escape(&photos),
    );
    for r in &report.rejections {
        let reason = r
            .said()
            .and_then(|m| texts::messages::words_in(lang.catalog(), &m))
            .or_else(|| r.message.clone())
            .unwrap_or_default();
        let record = report.refused_records.iter().find(|c| c.op_id == r.id);
        rows.push_str(&format!(
            "<tr class=\"refused\"><th>{}</th><td>{}<br><small>{}</small></td></tr>",
            escape(&refused_record(lang, record)),
            escape(&reason),
            escape(&refused_detail(lang, r.id, record)),
        ));
    }
    // Said as it is: a file with refused changes was not imported whole.
    let (heading, status) = if report.rejected == 0 {
        let complete = escape(lang.text(t::IMPORT_COMPLETE));
        (lang.text(t::IMPORT_DONE), format!("<p class=\"ok\" role=\"status\">{complete}</p>"))
    } else {
        let said = if report.rejected == report.operations {
            t::IMPORT_ALL_REFUSED
        } else {
            t::IMPORT_PARTIAL
        };
        let partial = lang.format(said, &[("rejected", report.rejected.into())]);
        let partial = escape(&partial);
        (
            lang.text(t::IMPORT_DONE_REFUSED),
            format!("<p class=\"error\" role=\"alert\">{partial}</p>"),
        )
    };
    let body = format!(
        "<h1>{}</h1>{status}<table>{rows}</table><p><a href=\"/import\">{}</a></p>",
        escape(heading),
        escape(lang.text(t::IMPORT_MORE)),
    );
    page(lang, StatusCode::OK, lang.text(t::IMPORT_TITLE), &body)
}

/// "被拒绝：调查摸底表 · 陈阿土": what the refused change would have changed, and whose.
fn refused_record(lang: PageLang, record: Option<&RefusedRecord>) -> String {
    let kind = record.map_or("", |c| lang.text(texts::branches::entity_text(c.entity)));
    let name = record.and_then(|c| c.name.as_deref()).unwrap_or(lang.text(texts::UNNAMED));
    lang.format(t::IMPORT_REFUSED_RECORD, &[("kind", kind.into()), ("name", name.into())])
}

/// "涉及：所在支部、姓名（修改编号 …）".
fn refused_detail(lang: PageLang, op_id: uuid::Uuid, record: Option<&RefusedRecord>) -> String {
    let mut labels: Vec<&str> = Vec::new();
    for field in record.map(|c| c.fields.as_slice()).unwrap_or_default() {
        let label = texts::field_label_in(field, lang.catalog());
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    let fields = labels.join(lang.text(texts::LIST_SEPARATOR));
    lang.format(
        t::IMPORT_REFUSED_DETAIL,
        &[("fields", (&fields).into()), ("id", (&op_id.to_string()).into())],
    )
}

#[derive(Default)]
struct Credentials {
    username: String,
    password: String,
}

/// The longest user name, password or passphrase field read (more is not a credential).
const MAX_FIELD_BYTES: usize = 4096;

/// A text field of the form, at most [`MAX_FIELD_BYTES`] read.
async fn small_text(
    lang: PageLang,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<String, Response> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(lang, e.status()))? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(failure(
                lang,
                StatusCode::BAD_REQUEST,
                lang.text(t::IMPORT_FIELD_TOO_LONG),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| failure(lang, StatusCode::BAD_REQUEST, lang.text(t::IMPORT_FIELD_NOT_TEXT)))
}

fn unreadable(lang: PageLang, status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        failure(lang, status, lang.text(t::IMPORT_FILE_TOO_LARGE))
    } else {
        failure(lang, StatusCode::BAD_REQUEST, lang.text(t::IMPORT_UNREADABLE))
    }
}

/// The importing account, if the name and password are a town-office account's. Counted by
/// the sign-in rate limits and run in the bounded hashing queue, like a login.
async fn office_account(
    lang: PageLang,
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
        let mut page = failure(lang, err.status(), &refusal(lang, &err));
        if let Some(secs) = retry_after {
            page.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        page
    };
    let username = normalise_username(&form.username);
    state.attempts.attempt(&username, address).await.map_err(refused)?;
    if form.password.len() > MAX_PASSWORD_BYTES {
        state.attempts.failed(&username).await.map_err(refused)?;
        return Err(failure(
            lang,
            StatusCode::UNAUTHORIZED,
            &refusal(lang, &AppError::InvalidCredentials),
        ));
    }
    let creds = state.store.credentials(&username).await.map_err(|e| {
        tracing::error!(error = %e, "reading credentials for an import failed");
        failure(lang, StatusCode::INTERNAL_SERVER_ERROR, &refusal(lang, &AppError::from(e)))
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
                Err(failure(lang, StatusCode::FORBIDDEN, lang.text(t::IMPORT_OFFICE_ONLY)))
            }
        }
        _ => {
            state.attempts.failed(&username).await.map_err(refused)?;
            Err(failure(
                lang,
                StatusCode::UNAUTHORIZED,
                &refusal(lang, &AppError::InvalidCredentials),
            ))
        }
    }
}

/// Read the form in its order (user name, password, file, passphrase): the account is checked
/// when the file field begins, before a byte of the file is read, so an upload without a valid
/// town-office password costs the server no memory. A file sent before the credentials is
/// refused unread.
async fn read_form(
    lang: PageLang,
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
            Err(e) => return Err(unreadable(lang, e.status())),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if importer.is_none() {
                if creds.username.is_empty() || creds.password.is_empty() {
                    return Err(failure(
                        lang,
                        StatusCode::UNAUTHORIZED,
                        lang.text(t::IMPORT_CREDENTIALS_FIRST),
                    ));
                }
                importer = Some(office_account(lang, state, address, &creds).await?);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(lang, e.status()))? {
                if bytes.len() + chunk.len() > MAX_IMPORT_BYTES {
                    return Err(unreadable(lang, StatusCode::PAYLOAD_TOO_LARGE));
                }
                bytes.extend_from_slice(&chunk);
            }
            file = Some(bytes);
        } else {
            let text = small_text(lang, &mut field).await?;
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
        None => office_account(lang, state, address, &creds).await?,
    };
    Ok((importer, file, passphrase))
}

pub async fn submit(
    lang: PageLang,
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return failure(lang, StatusCode::BAD_REQUEST, lang.text(t::IMPORT_USE_FORM));
    };
    let (importer, file, passphrase) = match read_form(lang, &state, address, multipart).await {
        Ok(form) => form,
        Err(page) => return page,
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return failure(lang, StatusCode::BAD_REQUEST, lang.text(t::IMPORT_CHOOSE_FILE));
    };
    let passphrase = Some(passphrase).filter(|p| !p.is_empty());
    match import_file(
        state.store.as_ref(),
        &state.hashing,
        &state.attachments,
        file,
        passphrase,
        importer,
    )
    .await
    {
        Ok(report) => {
            if report.accepted > 0 {
                state.imported(&report.stored_clocks);
            }
            success(lang, &report)
        }
        Err(err) => {
            let err = AppError::from(err);
            if err.status().is_server_error() {
                tracing::error!(error = %err, "import from the upload page failed");
            }
            failure(lang, err.status(), &refusal(lang, &err))
        }
    }
}
