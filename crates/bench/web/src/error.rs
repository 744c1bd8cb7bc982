//! What can go wrong while the benchmark drives the app's store.

use field::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("the benchmark database is not open: call app_open first")]
    NotOpen,
    #[error("the app's store failed: {0}")]
    Store(#[from] StoreError),
    #[error("benchmark input is not {{id, branch_id, fields}}: {0}")]
    Input(#[from] serde_wasm_bindgen::Error),
    #[error("pull request failed: {0}")]
    Fetch(String),
    #[error("pull answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("pull answer is not a PullResponse: {0}")]
    Decode(#[from] serde_json::Error),
}

impl BenchError {
    pub(crate) fn fetch(value: wasm_bindgen::JsValue) -> Self {
        BenchError::Fetch(value.as_string().unwrap_or_else(|| format!("{value:?}")))
    }
}
