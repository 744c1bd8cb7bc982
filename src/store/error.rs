//! Errors of the local database, with messages a surveyor understands.

use indexed_db_futures::error::{
    DomException, Error as IdbError, OpenDbError, UnexpectedDataError,
};
use wasm_bindgen::{JsCast, JsValue};

/// Something went wrong reading or writing the tablet's local database.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The browser refused a write because the device (or the site's share of it) is full.
    #[error("{}", crate::i18n::STORE_QUOTA_EXCEEDED)]
    QuotaExceeded,
    /// The browser closed the database connection by itself (Chromium does when a write hits a
    /// full disk); the store opens a new one for the next transaction.
    #[error("{}", crate::i18n::STORE_CONNECTION_LOST)]
    ConnectionLost,
    /// The browser aborted a transaction at its commit with no request refused and no reason
    /// given (Chromium does when its write to disk fails, as on a full disk). Whether the browser
    /// kept it is not certain: Chromium has been seen to report such a commit aborted and still
    /// hold the write when the database opened again (trial disk-full).
    #[error("{}", crate::i18n::STORE_COMMIT_ABORTED)]
    CommitAborted,
    /// The database cannot be opened again while the device stays full.
    #[error("{}", crate::i18n::STORE_FULL)]
    StorageFull,
    /// IndexedDB is missing (private mode in some browsers, or a very old browser).
    #[error("{}", crate::i18n::STORE_UNSUPPORTED)]
    Unsupported,
    /// The database could not be opened or upgraded (for example another tab holds an old version).
    #[error("{}", crate::i18n::STORE_OPEN.format(&[("detail", .0.into())]))]
    Open(String),
    /// A read or write failed; the transaction was rolled back so nothing was half-written.
    #[error("{}", crate::i18n::STORE_DATABASE.format(&[("detail", .0.into())]))]
    Database(String),
    /// A stored value could not be converted to or from its Rust form.
    #[error("{}", crate::i18n::STORE_CODEC.format(&[("detail", .0.into())]))]
    Codec(String),
    /// An operation was already queued (same operation id): it was not written a second time.
    #[error("{}", crate::i18n::STORE_DUPLICATE)]
    DuplicateOperation,
    /// The record asked for is not on this tablet (deleted meanwhile, or never synced here).
    #[error("{}", crate::i18n::STORE_NOT_FOUND)]
    NotFound,
}

const QUOTA: &str = "QuotaExceededError";
const INVALID_STATE: &str = "InvalidStateError";

/// A closed or closing connection, as Chromium words it ("The database connection is closing.").
fn connection_closed(name: Option<&str>, message: &str) -> bool {
    name == Some(INVALID_STATE) && message.contains("connection is clos")
}

fn dom_name(value: &JsValue) -> Option<String> {
    value.dyn_ref::<web_sys::DomException>().map(web_sys::DomException::name)
}

impl From<IdbError> for StoreError {
    fn from(err: IdbError) -> Self {
        match &err {
            IdbError::DomException(DomException::ConstraintError(_)) => {
                StoreError::DuplicateOperation
            }
            IdbError::DomException(dom) => {
                let js: &JsValue = dom.as_ref();
                let name = dom_name(js);
                if name.as_deref() == Some(QUOTA) {
                    StoreError::QuotaExceeded
                } else if connection_closed(name.as_deref(), &dom.message()) {
                    StoreError::ConnectionLost
                } else {
                    StoreError::Database(format!(
                        "{}: {}",
                        dom_name(js).unwrap_or_default(),
                        dom.message()
                    ))
                }
            }
            IdbError::Serialisation(e) => StoreError::Codec(e.to_string()),
            IdbError::MissingData(UnexpectedDataError::TransactionAborted) => {
                StoreError::CommitAborted
            }
            other => {
                let text = other.to_string();
                if text.contains(QUOTA) {
                    StoreError::QuotaExceeded
                } else if connection_closed(Some(INVALID_STATE), &text) {
                    StoreError::ConnectionLost
                } else {
                    StoreError::Database(text)
                }
            }
        }
    }
}

impl From<OpenDbError> for StoreError {
    fn from(err: OpenDbError) -> Self {
        match err {
            OpenDbError::UnsupportedEnvironment | OpenDbError::NullFactory => {
                StoreError::Unsupported
            }
            OpenDbError::Base(e) => match StoreError::from(e) {
                StoreError::Database(msg) => StoreError::Open(msg),
                other => other,
            },
            other => StoreError::Open(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Codec(err.to_string())
    }
}

impl StoreError {
    /// Whether the device's storage is the problem (full, or the browser closed the database or
    /// aborted a write over it): the app says so app-wide, with what to do, besides where it
    /// happened.
    pub fn is_storage_full(&self) -> bool {
        matches!(
            self,
            StoreError::QuotaExceeded
                | StoreError::ConnectionLost
                | StoreError::CommitAborted
                | StoreError::StorageFull
        )
    }

    /// Classify a raw JS error (a rejected promise from a browser API).
    pub fn from_js(value: JsValue) -> Self {
        let name = dom_name(&value);
        if name.as_deref() == Some(QUOTA) {
            return StoreError::QuotaExceeded;
        }
        let text = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        if connection_closed(name.as_deref(), &text) {
            return StoreError::ConnectionLost;
        }
        StoreError::Database(text)
    }
}
