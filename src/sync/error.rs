//! Why a sync (or a sign-in) did not finish, in words a surveyor understands.

use shared::sync::{ApiError, UPGRADE_REQUIRED};

use crate::store::StoreError;

/// A failed HTTP exchange with the office server, before it is given a meaning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    /// The request never reached the server (no network, server down, DNS, CORS).
    #[error("网络不可用：{0}")]
    Network(String),
    /// No answer within the time limit.
    #[error("服务器无响应")]
    Timeout,
    /// The server answered with an error status; `error` is its JSON error body when it sent one.
    #[error("服务器返回 {status}")]
    Status { status: u16, error: Option<ApiError> },
    /// The answer was not the JSON we expected.
    #[error("服务器返回的数据无法识别：{0}")]
    Decode(String),
}

impl HttpError {
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's own message (Chinese), if it sent one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            HttpError::Status { error: Some(e), .. } => Some(e.message.as_str()),
            _ => None,
        }
    }

    /// For `offset_mismatch` on an attachment chunk: the bytes the server already holds.
    pub fn received(&self) -> Option<u64> {
        match self {
            HttpError::Status { error: Some(e), .. } => e.received,
            _ => None,
        }
    }

    /// The server's machine-readable error code, if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            HttpError::Status { error: Some(e), .. } => Some(e.code.as_str()),
            _ => None,
        }
    }
}

/// Why a sync run stopped. The `Display` text is what the sync screen shows as "last error".
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("尚未登录，请先登录后再同步")]
    NotSignedIn,
    #[error("无法连接服务器，稍后自动重试")]
    Offline,
    #[error("连接服务器超时，稍后自动重试")]
    Timeout,
    #[error("登录已失效，请重新登录")]
    Unauthorized,
    #[error("没有权限：{0}")]
    Forbidden(String),
    #[error("服务器未确认 {0} 条修改，稍后自动重试")]
    Unacknowledged(usize),
    #[error("服务器出错（{status}）：{message}。稍后自动重试")]
    Server { status: u16, message: String },
    #[error("服务器返回的数据无法识别，请更新程序后再试")]
    BadResponse(String),
    #[error("照片上传失败：{0}")]
    Attachment(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("同步正在进行中，请稍候")]
    Busy,
    /// The server no longer syncs with this version of the app (`426 upgrade_required`): nothing
    /// was sent or taken, the outbox is as it was; syncing resumes once the app is updated.
    #[error(
        "请更新应用：办公室服务器已升级，这个版本的应用不能再同步。本机的修改都已保存，安装新版本后会自动发送"
    )]
    UpgradeRequired,
}

impl SyncError {
    /// Worth retrying automatically later (the network or the server may come back).
    /// A missing or expired sign-in needs a person first.
    pub fn is_transient(&self) -> bool {
        !matches!(
            self,
            SyncError::NotSignedIn
                | SyncError::Unauthorized
                | SyncError::Busy
                | SyncError::UpgradeRequired
        )
    }
}

impl From<HttpError> for SyncError {
    fn from(err: HttpError) -> Self {
        match err {
            HttpError::Network(_) => SyncError::Offline,
            HttpError::Timeout => SyncError::Timeout,
            HttpError::Decode(detail) => SyncError::BadResponse(detail),
            HttpError::Status { status: 401, .. } => SyncError::Unauthorized,
            // By status or by code: a proxy in between may change neither, but the code is what
            // the server promises (`shared::sync::UPGRADE_REQUIRED`).
            HttpError::Status { status: 426, .. } => SyncError::UpgradeRequired,
            HttpError::Status { error: Some(e), .. } if e.code == UPGRADE_REQUIRED => {
                SyncError::UpgradeRequired
            }
            HttpError::Status { status: 403, error } => SyncError::Forbidden(
                error.map(|e| e.message).unwrap_or_else(|| "此设备或账号已被停用".into()),
            ),
            HttpError::Status { status, error } => SyncError::Server {
                status,
                message: error.map(|e| e.message).unwrap_or_else(|| default_message(status).into()),
            },
        }
    }
}

fn default_message(status: u16) -> &'static str {
    match status {
        413 => "发送的内容过大",
        429 => "请求过于频繁",
        500..=599 => "服务器暂时不可用",
        _ => "请求未被接受",
    }
}

/// Why signing in failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoginError {
    #[error("请输入用户名和密码")]
    Missing,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("请输入镇组织办发放的 8 位登录码")]
    MissingCode,
    #[error("登录码不正确、已使用、已撤销或已过期，请向镇组织办重新领取")]
    BadCode,
    #[error("无法连接服务器，请在有网络时登录")]
    Offline,
    #[error("{0}")]
    Server(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<HttpError> for LoginError {
    fn from(err: HttpError) -> Self {
        match err {
            HttpError::Network(_) | HttpError::Timeout => LoginError::Offline,
            HttpError::Status { status: 401, .. } => LoginError::BadCredentials,
            HttpError::Status { status: 426, .. } => {
                LoginError::Server(SyncError::UpgradeRequired.to_string())
            }
            other => LoginError::Server(
                other
                    .server_message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| SyncError::from(other.clone()).to_string()),
            ),
        }
    }
}
