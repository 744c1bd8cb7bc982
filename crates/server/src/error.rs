//! The one error type every handler returns. Its answer is always
//! `{"error": {"code": "snake_case", "message": "中文说明"}}`; details of internal failures go to
//! the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
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
    #[error("roster refused ({code}): {message}")]
    RosterRefused { code: &'static str, message: String },
    #[error("role may not do this")]
    Forbidden,
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{what} not found")]
    NotFound { code: &'static str, what: &'static str },
    #[error("bad request ({code}): {message}")]
    BadRequest { code: &'static str, message: String },
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
    ImportRefused { code: &'static str, message: String },
    #[error("too many password checks waiting")]
    Busy,
    /// Every database connection stayed busy for the pool's whole wait (overload).
    #[error("every database connection is busy")]
    DatabaseBusy,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("account disabled")]
    AccountDisabled,
    #[error("device revoked by the town office")]
    DeviceBlocked,
    #[error("app speaks sync protocol {client}, the server needs {minimum} or later")]
    UpgradeRequired { client: u32, minimum: u32 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest { code, message: message.into() }
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
            | AttachmentTotalMismatch { .. } => StatusCode::CONFLICT,
            AttachmentHashMismatch | ImportRefused { .. } | RosterRefused { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            UpgradeRequired { .. } => StatusCode::UPGRADE_REQUIRED,
            Busy | DatabaseBusy => StatusCode::SERVICE_UNAVAILABLE,
            TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AccountDisabled | DeviceBlocked => StatusCode::FORBIDDEN,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The client-facing body: stable code, Chinese message, nothing internal.
    pub fn body(&self) -> ApiErrorBody {
        use AppError::*;
        let (code, message): (&str, String) = match self {
            Unauthorized => ("unauthorized", "登录已失效或未登录，请重新登录".into()),
            InvalidCredentials => ("invalid_credentials", "用户名或密码错误".into()),
            InvalidSigninCode => (
                "invalid_signin_code",
                "登录码不正确、已使用、已撤销或已过期，请向镇组织办重新领取".into(),
            ),
            RosterRefused { code, message } => (code, message.clone()),
            Forbidden => ("forbidden", "当前账号无权执行此操作".into()),
            RouteNotFound => ("not_found", "请求的接口不存在".into()),
            MethodNotAllowed => ("method_not_allowed", "该接口不支持此请求方法".into()),
            NotFound { code, what } => (code, format!("找不到{what}")),
            BadRequest { code, message } => (code, message.clone()),
            MalformedJson(_) => ("malformed_json", "请求内容不是有效的 JSON 或缺少必填项".into()),
            UnsupportedMediaType => {
                ("unsupported_media_type", "请求内容类型必须是 application/json".into())
            }
            PayloadTooLarge => ("payload_too_large", "请求内容过大，请分批发送".into()),
            OpIdConflict(id) => {
                ("op_id_conflict", format!("操作 {id} 此前已以不同内容提交过，本批次未保存"))
            }
            UsernameTaken => ("username_taken", "该用户名已存在".into()),
            OffsetMismatch { received, .. } => (
                "offset_mismatch",
                format!("上传位置不对，服务器已收到 {received} 字节，请从该位置继续"),
            ),
            AttachmentTotalMismatch { recorded, .. } => (
                "attachment_total_mismatch",
                format!("附件大小与正在进行的上传（{recorded} 字节）不一致"),
            ),
            AttachmentHashMismatch => {
                ("attachment_hash_mismatch", "附件内容校验失败，已丢弃，请重新上传".into())
            }
            ImportRefused { code, message } if message.contains("未导入") => {
                (code, message.clone())
            }
            ImportRefused { code, message } => (code, format!("{message}（文件未导入任何内容）")),
            Busy | DatabaseBusy => ("busy", "服务器正忙，请稍后再试".into()),
            TooManyAttempts { retry_after_secs } => {
                ("too_many_attempts", format!("尝试次数过多，请 {retry_after_secs} 秒后再试"))
            }
            AccountDisabled => ("account_disabled", "该账号已停用，请联系镇组织办".into()),
            DeviceBlocked => (
                "device_revoked",
                "这台平板已被镇组织办停用，不能再登录；请联系镇组织办恢复".into(),
            ),
            UpgradeRequired { client, minimum } => {
                let e = ApiError::upgrade_required(*client, *minimum);
                return ApiErrorBody { error: e };
            }
            Internal(_) => ("internal", "服务器内部错误，请稍后重试或联系管理员".into()),
        };
        let received = match self {
            OffsetMismatch { received, .. } | AttachmentTotalMismatch { received, .. } => {
                Some(*received)
            }
            _ => None,
        };
        ApiErrorBody { error: ApiError { code: code.to_owned(), message, received } }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if matches!(self, AppError::Busy) {
            tracing::warn!("password checks queue full: answered 503");
        } else if matches!(self, AppError::DatabaseBusy) {
            tracing::warn!("every database connection busy for the pool's wait: answered 503");
        } else if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, status = status.as_u16(), "request refused");
        }
        let retry_after = match &self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Busy => Some(1),
            AppError::DatabaseBusy => Some(5),
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
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("blocking task failed: {err}"))
    }
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

    /// Every database connection busy (the county benchmark's 3,000 tablets at once) is an
    /// overload the tablet waits out, not a server fault: 503 `busy` with `Retry-After`.
    #[test]
    fn a_busy_database_is_503_with_a_time_to_come_back() {
        let response = AppError::from(StoreError::Busy).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], "5");
        assert_eq!(AppError::DatabaseBusy.body().error.code, "busy");
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
