//! Why a sync (or a sign-in) did not finish, in words a surveyor understands.

use shared::sync::{ApiError, HISTORY_CHANGED, UPGRADE_REQUIRED};

use crate::i18n::sync as t;
use crate::store::StoreError;

/// A failed HTTP exchange with the office server, before it is given a meaning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    /// The request never reached the server (no network, server down, DNS, CORS).
    #[error("{}", t::NETWORK_UNAVAILABLE.format(&[("detail", .0.into())]))]
    Network(String),
    /// No answer within the time limit.
    #[error("{}", t::SERVER_NO_ANSWER)]
    Timeout,
    /// The server answered with an error status; `error` is its JSON error body when it sent one.
    #[error("{}", t::SERVER_STATUS.format(&[("status", (*.status).into())]))]
    Status { status: u16, error: Option<ApiError> },
    /// The answer was not the JSON we expected.
    #[error("{}", t::SERVER_UNREADABLE.format(&[("detail", .0.into())]))]
    Decode(String),
}

impl HttpError {
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's message, if it sent one: worded in the app's language from its code and
    /// arguments, else (an older server, or a code this build does not know) the server's own
    /// words.
    pub fn server_message(&self) -> Option<String> {
        match self {
            HttpError::Status { error: Some(e), .. } => Some(server_words(e)),
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
    #[error("{}", t::ERROR_NOT_SIGNED_IN)]
    NotSignedIn,
    #[error("{}", t::ERROR_OFFLINE)]
    Offline,
    #[error("{}", t::ERROR_TIMEOUT)]
    Timeout,
    #[error("{}", t::ERROR_UNAUTHORIZED)]
    Unauthorized,
    #[error("{}", t::ERROR_FORBIDDEN.format(&[("detail", .0.into())]))]
    Forbidden(String),
    #[error("{}", t::ERROR_UNACKNOWLEDGED.format(&[("n", (*.0).into())]))]
    Unacknowledged(usize),
    #[error("{}", t::ERROR_SERVER.format(&[("status", (*.status).into()), ("message", .message.into())]))]
    Server { status: u16, message: String },
    #[error("{}", t::ERROR_BAD_RESPONSE)]
    BadResponse(String),
    #[error("{}", t::ERROR_ATTACHMENT.format(&[("detail", .0.into())]))]
    Attachment(String),
    /// The office server refused a photo as it is, by its own rule (too large, not what its
    /// hash says, a malformed request: 400, 413, 415 or 422 with the server's error code; a
    /// bare status from a proxy in between is a [`SyncError::Server`]): the same at every try.
    #[error("{}", t::ERROR_SERVER.format(&[("status", (*.status).into()), ("message", .message.into())]))]
    PhotoRefused { status: u16, message: String },
    /// A photo whose bytes the browser no longer gives back (its file gone): no later try can
    /// send it.
    #[error("{}", t::ERROR_ATTACHMENT.format(&[("detail", (&t::ATTACHMENT_UNREADABLE.format(&[("detail", .0.into())])).into())]))]
    PhotoUnreadable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", t::ERROR_BUSY)]
    Busy,
    /// The server no longer syncs with this version of the app (`426 upgrade_required`): nothing
    /// was sent or taken, the outbox is as it was; syncing resumes once the app is updated.
    #[error("{}", t::ERROR_UPGRADE_REQUIRED)]
    UpgradeRequired,
    /// The server no longer holds the operation this tablet's pull cursor names (`409
    /// history_changed`: its database was restored from an older backup). The run sends this
    /// tablet's changes again and pulls from the start ([`super::engine::run_once_as`]).
    #[error("{}", t::ERROR_HISTORY_CHANGED)]
    HistoryChanged,
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
            HttpError::Status { status: 409, error: Some(e) } if e.code == HISTORY_CHANGED => {
                SyncError::HistoryChanged
            }
            HttpError::Status { status: 403, error } => SyncError::Forbidden(
                error.map(|e| server_words(&e)).unwrap_or_else(|| t::ERROR_DISABLED.to_string()),
            ),
            HttpError::Status { status, error } => SyncError::Server {
                status,
                message: error
                    .map(|e| server_words(&e))
                    .unwrap_or_else(|| default_message(status).into()),
            },
        }
    }
}

/// An error answer in the app's language: its `reason` and `args` worded by the catalogs, else
/// the server's `message` as it came.
pub fn server_words(error: &ApiError) -> String {
    crate::i18n::messages::words_or(error.said().as_ref(), &error.message)
}

fn default_message(status: u16) -> &'static str {
    match status {
        413 => t::STATUS_TOO_LARGE,
        429 => t::STATUS_TOO_MANY,
        500..=599 => t::STATUS_UNAVAILABLE,
        _ => t::STATUS_REFUSED,
    }
    .get()
}

/// Why signing in failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoginError {
    #[error("{}", t::LOGIN_MISSING)]
    Missing,
    #[error("{}", t::LOGIN_BAD_CREDENTIALS)]
    BadCredentials,
    #[error("{}", t::LOGIN_MISSING_CODE)]
    MissingCode,
    #[error("{}", t::LOGIN_BAD_CODE)]
    BadCode,
    #[error("{}", t::LOGIN_OFFLINE)]
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
                    .unwrap_or_else(|| SyncError::from(other.clone()).to_string()),
            ),
        }
    }
}
