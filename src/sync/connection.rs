//! Whether the office server can be reached, as a person needs to know it: 离线 (the browser
//! has no network), 有网络但连不上办公室 (a network, but the server does not answer: it is down,
//! or the tablet is on another network), 已连接办公室 (the server answered recently).
//!
//! The browser's `online` flag only says a network interface is up; it stays true while the
//! office server is down and on an office LAN with no internet. So the engine asks the server
//! itself (`GET /healthz`, no sign-in, never cached by the service worker): every
//! [`PROBE_DOWN_MS`] while it cannot reach it, so a sync starts within seconds of the server
//! coming back, and every [`PROBE_UP_MS`] while all is well (one small request a minute).

use super::http::Http;

/// Probe interval while the server cannot be reached.
pub const PROBE_DOWN_MS: u32 = 5_000;
/// Probe interval while the server answers.
pub const PROBE_UP_MS: u32 = 60_000;
/// How long a probe waits for an answer.
pub const PROBE_TIMEOUT_MS: u32 = 4_000;

/// The tablet's connection to the office, as the top bar shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Connection {
    /// Not known yet (the first probe is on its way).
    #[default]
    Checking,
    /// The browser reports no network.
    Offline,
    /// A network, but the office server did not answer.
    NoServer,
    /// The office server answered recently.
    Connected,
}

impl Connection {
    pub fn label_zh(self) -> &'static str {
        match self {
            Connection::Checking => crate::i18n::sync::CONNECTION_CHECKING,
            Connection::Offline => crate::i18n::sync::CONNECTION_OFFLINE,
            Connection::NoServer => crate::i18n::sync::CONNECTION_NO_SERVER,
            Connection::Connected => crate::i18n::sync::CONNECTION_CONNECTED,
        }
        .get()
    }

    /// Stable name for tests and styles.
    pub fn as_str(self) -> &'static str {
        match self {
            Connection::Checking => "checking",
            Connection::Offline => "offline",
            Connection::NoServer => "no-server",
            Connection::Connected => "connected",
        }
    }

    /// What the probe found, given whether the browser has a network.
    pub fn from_probe(browser_online: bool, server_answered: bool) -> Connection {
        match (browser_online, server_answered) {
            (_, true) => Connection::Connected,
            (false, false) => Connection::Offline,
            (true, false) => Connection::NoServer,
        }
    }

    /// How long to wait before the next probe.
    pub fn next_probe_ms(self) -> u32 {
        if self == Connection::Connected { PROBE_UP_MS } else { PROBE_DOWN_MS }
    }
}

/// The longest a probe takes whole: an answer that comes slowly is read to its end (its parts
/// each within [`PROBE_TIMEOUT_MS`]), one that never ends does not hold the probes back.
pub const PROBE_WHOLE_MS: u32 = 30_000;

/// Ask the server whether it is there.
pub async fn probe(server: &str) -> bool {
    let http = Http::new(server, None).with_timeout(PROBE_TIMEOUT_MS);
    let answer = Box::pin(http.get::<serde_json::Value>("/healthz"));
    let whole = gloo_timers::future::TimeoutFuture::new(PROBE_WHOLE_MS);
    // Given up (the answer dropped), the request is aborted.
    match futures::future::select(answer, whole).await {
        futures::future::Either::Left((answer, _)) => answer.is_ok(),
        futures::future::Either::Right(_) => false,
    }
}
