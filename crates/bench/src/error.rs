//! Why a benchmark run could not complete.

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("browser: {0}")]
    Browser(String),
    #[error("bench page scenario {scenario} failed: {message}")]
    Page { scenario: String, message: String },
    #[error("server: {0}")]
    Server(String),
    #[error("usage: {0}")]
    Usage(String),
    /// A results file (`--out`, `--record`) that is not one.
    #[error("{path} is not a results file ({why})")]
    Results { path: String, why: String },
    #[error("sqlite baseline: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("reading the build: {0}")]
    Build(#[source] e2e::HarnessError),
    /// chromedriver, a browser session or the server process (e2e's driver).
    #[error("{0}")]
    Harness(#[from] e2e::HarnessError),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}
