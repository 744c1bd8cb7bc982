//! Errors of the local database, with messages a surveyor understands.

use indexed_db_futures::error::{DomException, Error as IdbError, OpenDbError};
use wasm_bindgen::{JsCast, JsValue};

/// Something went wrong reading or writing the tablet's local database.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The browser refused a write because the device (or the site's share of it) is full.
    #[error("设备存储空间已满，请同步或导出后清理")]
    QuotaExceeded,
    /// IndexedDB is missing (private mode in some browsers, or a very old browser).
    #[error("此浏览器不支持本机数据库（IndexedDB），无法离线保存")]
    Unsupported,
    /// The database could not be opened or upgraded (for example another tab holds an old version).
    #[error("无法打开本机数据库：{0}")]
    Open(String),
    /// A read or write failed; the transaction was rolled back so nothing was half-written.
    #[error("本机数据库操作失败，未保存任何内容：{0}")]
    Database(String),
    /// A stored value could not be converted to or from its Rust form.
    #[error("本机数据格式错误：{0}")]
    Codec(String),
    /// An operation was already queued (same operation id): it was not written a second time.
    #[error("此修改已在待同步队列中，未重复保存")]
    DuplicateOperation,
    /// The record asked for is not on this tablet (deleted meanwhile, or never synced here).
    #[error("本机找不到这条记录")]
    NotFound,
}

const QUOTA: &str = "QuotaExceededError";

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
                if dom_name(js).as_deref() == Some(QUOTA) {
                    StoreError::QuotaExceeded
                } else {
                    StoreError::Database(format!(
                        "{}: {}",
                        dom_name(js).unwrap_or_default(),
                        dom.message()
                    ))
                }
            }
            IdbError::Serialisation(e) => StoreError::Codec(e.to_string()),
            other => {
                let text = other.to_string();
                if text.contains(QUOTA) {
                    StoreError::QuotaExceeded
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

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(err: serde_wasm_bindgen::Error) -> Self {
        StoreError::Codec(err.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Codec(err.to_string())
    }
}

impl StoreError {
    /// Classify a raw JS error (a rejected promise from a browser API).
    pub fn from_js(value: JsValue) -> Self {
        if dom_name(&value).as_deref() == Some(QUOTA) {
            return StoreError::QuotaExceeded;
        }
        let text = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        StoreError::Database(text)
    }
}
