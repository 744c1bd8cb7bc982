use std::path::PathBuf;

/// Why the end-to-end harness could not do what a test asked.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("{what} not found at {path}: {hint}")]
    Missing { what: &'static str, path: PathBuf, hint: &'static str },
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} did not become ready within {seconds} s; its log:\n{log}")]
    NotReady { what: &'static str, seconds: u64, log: String },
    #[error("timed out after {seconds} s waiting for {what}; the page then:\n{page}")]
    Timeout { what: String, seconds: u64, page: String },
    #[error("file system: {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not open a WebDriver session: {0}")]
    Session(#[from] fantoccini::error::NewSessionError),
    #[error("WebDriver command failed: {0}")]
    WebDriver(#[from] fantoccini::error::CmdError),
    #[error("unexpected value from the page for {what}: {value}")]
    Page { what: String, value: String },
}

impl HarnessError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}
