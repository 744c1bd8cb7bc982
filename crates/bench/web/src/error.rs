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
    #[error("pull failed: {0}")]
    Fetch(String),
}
