//! The one error type every handler returns. Its answer is always
//! `{"error": {"code": "snake_case", "message": "中文说明", "reason": "…", "args": {…}}}`:
//! `reason` and `args` (left out when there are none) are the message as a code and arguments,
//! which the app words in its own language; `message` is that message in zh-Hans for curl users,
//! logs and older apps. Details of internal failures go to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::message::Message;
use shared::sync::{ApiError, ApiErrorBody};
use uuid::Uuid;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("missing or unknown device token")]
    Unauthorized,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("one-time sign-in code refused")]
    InvalidSigninCode,
    /// `said`: why, as code and arguments (worded by `crates/texts`).
    #[error("roster refused ({code}): {said}")]
    RosterRefused { code: &'static str, said: Message },
    #[error("role may not do this")]
    Forbidden,
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{what} not found")]
    NotFound { code: &'static str, what: &'static str },
    /// `said`: what is wrong, as code and arguments (worded by `crates/texts`).
    #[error("bad request ({code}): {said}")]
    BadRequest { code: &'static str, said: Message },
    #[error("malformed JSON body: {0}")]
    MalformedJson(String),
    #[error("request body must be JSON")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("operation id {0} was sent before with other content")]
    OpIdConflict(Uuid),
    #[error("username already exists")]
    UsernameTaken,
    #[error("upload offset {offset} does not match the {received} bytes received")]
    OffsetMismatch { offset: u64, received: u64 },
    #[error("attachment size {announced} differs from the size {recorded} of the upload under way")]
    AttachmentTotalMismatch { announced: u64, recorded: u64, received: u64 },
    #[error("attachment content does not match its SHA-256")]
    AttachmentHashMismatch,
    #[error("export file refused ({code}): {message}")]
    /// `said`: the message as code and arguments (`message` its zh-Hans words).
    ImportRefused { code: &'static str, message: String, said: Option<Message> },
    #[error("too many password checks waiting")]
    Busy,
    /// A live-update wait answered at once (`503 busy`): see [`crate::live::WaitSlots`].
    #[error(transparent)]
    WaitRefused(#[from] crate::live::WaitRefused),
    /// Every database connection stayed busy for the pool's whole wait (overload).
    #[error("every database connection is busy")]
    DatabaseBusy,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The account's photos of the last day reached `Limits::photo_mb_per_day`.
    #[error(
        "the account's photo quota of {mb_per_day} MB a day is used; retry in {retry_after_secs} s"
    )]
    PhotoQuota { retry_after_secs: u64, mb_per_day: u64 },
    #[error("account disabled")]
    AccountDisabled,
    #[error("device revoked by the town office")]
    DeviceBlocked,
    #[error("app speaks sync protocol {client}, the server needs {minimum} or later")]
    UpgradeRequired { client: u32, minimum: u32 },
    /// The pull's cursor names an operation the server no longer holds there (an older backup
    /// was restored): the tablet pulls from the start and sends its changes again.
    #[error("the pull cursor's operation is not held any more: pull from the start")]
    HistoryChanged,
    /// The office server's disk is full, or a photo would take the room kept free for the
    /// database (`Limits::min_free_bytes`): `507 storage_full`. Nothing of the request is kept;
    /// the tablet keeps what it sent and tries again later. The detail goes to the log only.
    #[error("no room left on the server's disk: {0}")]
    StorageFull(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A `400` with the stable `code` (what the app reacts to) and `said`, what the person
    /// reads (the message's code may name the refusal more closely than `code`).
    pub fn bad_request(code: &'static str, said: impl Into<Message>) -> Self {
        AppError::BadRequest { code, said: said.into() }
    }

    /// A `422` refusing a roster file.
    pub fn roster_refused(code: &'static str, said: impl Into<Message>) -> Self {
        AppError::RosterRefused { code, said: said.into() }
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        AppError::Internal(err.to_string())
    }

    pub fn status(&self) -> StatusCode {
        use AppError::*;
        match self {
            Unauthorized | InvalidCredentials | InvalidSigninCode => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            RouteNotFound | NotFound { .. } => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            BadRequest { .. } | MalformedJson(_) => StatusCode::BAD_REQUEST,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            OpIdConflict(_)
            | UsernameTaken
            | OffsetMismatch { .. }
            | AttachmentTotalMismatch { .. }
            | HistoryChanged => StatusCode::CONFLICT,
            AttachmentHashMismatch | ImportRefused { .. } | RosterRefused { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            UpgradeRequired { .. } => StatusCode::UPGRADE_REQUIRED,
            Busy | DatabaseBusy | WaitRefused(_) => StatusCode::SERVICE_UNAVAILABLE,
            TooManyAttempts { .. } | PhotoQuota { .. } => StatusCode::TOO_MANY_REQUESTS,
            AccountDisabled | DeviceBlocked => StatusCode::FORBIDDEN,
            StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the answer says, as a code and arguments the app words in its language
    /// (`crates/texts`, key `msg-<code>`); `None` for answers whose words come from elsewhere
    /// (an export file's refusal without its own message).
    pub fn said(&self) -> Option<Message> {
        use AppError::*;
        Some(match self {
            Unauthorized => Message::new("unauthorized"),
            InvalidCredentials => Message::new("invalid_credentials"),
            InvalidSigninCode => Message::new("invalid_signin_code"),
            Forbidden => Message::new("forbidden"),
            RouteNotFound => Message::new("not_found"),
            MethodNotAllowed => Message::new("method_not_allowed"),
            MalformedJson(_) => Message::new("malformed_json"),
            UnsupportedMediaType => Message::new("unsupported_media_type"),
            PayloadTooLarge => Message::new("payload_too_large"),
            OpIdConflict(id) => Message::new("op_id_conflict").arg("id", id.to_string()),
            UsernameTaken => Message::new("username_taken"),
            OffsetMismatch { received, .. } => {
                Message::new("offset_mismatch").arg("received", *received)
            }
            AttachmentTotalMismatch { recorded, .. } => {
                Message::new("attachment_total_mismatch").arg("recorded", *recorded)
            }
            AttachmentHashMismatch => Message::new("attachment_hash_mismatch"),
            Busy | DatabaseBusy | WaitRefused(_) => Message::new("busy"),
            TooManyAttempts { retry_after_secs } => {
                Message::new("too_many_attempts").arg("seconds", *retry_after_secs)
            }
            PhotoQuota { mb_per_day, .. } => Message::new("photo_quota")
                .arg("mb", *mb_per_day)
                .arg("per_hour", mb_per_day.div_ceil(24)),
            AccountDisabled => Message::new("account_disabled"),
            DeviceBlocked => Message::new("device_revoked"),
            UpgradeRequired { client, minimum } => {
                Message::new("upgrade_required").arg("minimum", *minimum).arg("client", *client)
            }
            HistoryChanged => Message::new(shared::sync::HISTORY_CHANGED),
            StorageFull(_) => Message::new("storage_full"),
            Internal(_) => Message::new("internal"),
            ImportRefused { said, .. } => return said.clone(),
            RosterRefused { said, .. } | BadRequest { said, .. } => said.clone(),
            NotFound { code, .. } => Message::new(code),
        })
    }

    /// The client-facing body: stable code, the message's code and arguments, its words in
    /// zh-Hans (`message`, for curl users, logs and older apps), nothing internal.
    pub fn body(&self) -> ApiErrorBody {
        self.body_in(None)
    }

    /// [`AppError::body`] with `message` in `catalog`'s language (the server's own HTML pages).
    pub fn body_in(&self, catalog: Option<&texts::Catalog>) -> ApiErrorBody {
        use AppError::*;
        let code: &str = match self {
            RosterRefused { code, .. }
            | NotFound { code, .. }
            | BadRequest { code, .. }
            | ImportRefused { code, .. } => code,
            DeviceBlocked => "device_revoked",
            Busy | DatabaseBusy | WaitRefused(_) => "busy",
            _ => self.said().map_or("internal", |m| match m.code {
                std::borrow::Cow::Borrowed(code) => code,
                std::borrow::Cow::Owned(_) => "internal",
            }),
        };
        let said = self.said();
        let message = match self {
            NotFound { what, .. } => said
                .as_ref()
                .and_then(|m| texts::messages::words_in(catalog, m))
                .unwrap_or_else(|| format!("找不到{what}")),
            ImportRefused { message, said, .. } => said
                .as_ref()
                .and_then(|m| texts::messages::words_in(catalog, m))
                .unwrap_or_else(|| message.clone()),
            _ => said
                .as_ref()
                .and_then(|m| texts::messages::words_in(catalog, m))
                .unwrap_or_default(),
        };
        let received = match self {
            OffsetMismatch { received, .. } | AttachmentTotalMismatch { received, .. } => {
                Some(*received)
            }
            _ => None,
        };
        let error = ApiError {
            code: code.to_owned(),
            message,
            received,
            reason: None,
            args: Default::default(),
        };
        ApiErrorBody {
            error: match said {
                Some(m) => error.with_message(m),
                None => error,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if matches!(self, AppError::Busy) {
            tracing::warn!("password checks queue full: answered 503");
        } else if let AppError::WaitRefused(refused) = &self {
            match refused {
                crate::live::WaitRefused::Replaced => {
                    tracing::debug!(%refused, "live-update wait answered 503")
                }
                _ => tracing::warn!(%refused, "live-update wait answered 503"),
            }
        } else if matches!(self, AppError::DatabaseBusy) {
            tracing::warn!("every database connection busy for the pool's wait: answered 503");
        } else if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, status = status.as_u16(), "request refused");
        }
        let retry_after = match &self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::PhotoQuota { retry_after_secs, .. } => Some(*retry_after_secs),
            AppError::Busy => Some(1),
            AppError::DatabaseBusy | AppError::WaitRefused(_) => Some(5),
            _ => None,
        };
        let mut response = (status, Json(self.body())).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::OpIdConflict(id) => AppError::OpIdConflict(id),
            StoreError::UsernameTaken => AppError::UsernameTaken,
            StoreError::DeviceBlocked => AppError::DeviceBlocked,
            StoreError::Busy => AppError::DatabaseBusy,
            StoreError::HistoryChanged => AppError::HistoryChanged,
            other if other.is_storage_full() => AppError::StorageFull(other.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("blocking task failed: {err}"))
    }
}

/// A message of shared's rules in zh-Hans: the server's words in its reports and logs.
pub fn zh_hans(message: &Message) -> String {
    texts::messages::words_in(None, message).unwrap_or_else(|| message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_body() {
        let err = AppError::internal("disk I/O error at /secret/path");
        let body = serde_json::to_string(&err.body()).unwrap();
        assert!(!body.contains("secret"), "{body}");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    /// A database that cannot grow (SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`) is the
    /// office's disk, not a fault of the request: 507 `storage_full`, detail kept out.
    #[test]
    fn a_full_disk_is_507_storage_full() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full at /secret/path".into()),
        );
        let err = AppError::from(StoreError::Sqlite(full));
        assert_eq!(err.status(), StatusCode::INSUFFICIENT_STORAGE);
        let body = err.body();
        assert_eq!(body.error.code, "storage_full");
        assert!(!serde_json::to_string(&body).unwrap().contains("secret"));
        assert!(body.error.message.contains("磁盘空间不足"), "{}", body.error.message);
        let other = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
            None,
        );
        assert_eq!(
            AppError::from(StoreError::Sqlite(other)).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    /// Every database connection busy (the county benchmark's 3,000 tablets at once) is an
    /// overload the tablet waits out, not a server fault: 503 `busy` with `Retry-After`.
    #[test]
    fn a_busy_database_is_503_with_a_time_to_come_back() {
        let response = AppError::from(StoreError::Busy).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], "5");
        assert_eq!(AppError::DatabaseBusy.body().error.code, "busy");
    }

    /// A bad request, a roster's refusal and a not-found carry their reason; the server's own
    /// pages (`body_in`, the `/import` page's refusals) word it in the page's language.
    #[test]
    fn free_form_refusals_carry_a_reason_worded_in_the_page_s_language() {
        use texts::Lang;
        let bad = AppError::bad_request("invalid_user", Message::new("username_has_spaces"));
        let body = bad.body();
        assert_eq!(body.error.code, "invalid_user");
        assert_eq!(body.error.reason.as_deref(), Some("username_has_spaces"));
        assert_eq!(body.error.message, "用户名不能包含空格");
        let en = texts::fluent::cached(Lang::En);
        assert_eq!(bad.body_in(en).error.message, "A user name cannot contain spaces");
        let roster = AppError::roster_refused(
            "roster_no_header",
            Message::new("roster_no_header").arg("rows", 10usize),
        );
        let hant = roster.body_in(texts::fluent::cached(Lang::ZhHant)).error.message;
        assert_eq!(hant, "前 10 行中找不到表頭：需要“姓名”和“所在支部”兩列");
        assert_eq!(roster.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let missing = AppError::NotFound { code: "device_not_found", what: "该设备" };
        assert_eq!(missing.body().error.message, "找不到该设备");
        assert_eq!(missing.body().error.reason.as_deref(), Some("device_not_found"));
        assert_eq!(missing.body_in(en).error.message, "Tablet not found");
    }

    #[test]
    fn offset_mismatch_tells_where_to_resume() {
        let err = AppError::OffsetMismatch { offset: 10, received: 4 };
        let body = err.body();
        assert_eq!(body.error.code, "offset_mismatch");
        assert_eq!(body.error.received, Some(4));
        assert_eq!(err.status(), StatusCode::CONFLICT);
    }
}
