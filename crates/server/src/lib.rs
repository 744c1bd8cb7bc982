//! The office server of 四争一树 Field: the built app and the `/api/v1` sync API from one origin,
//! SQLite embedded. `main.rs` is only the command line; everything is here so tests drive the
//! real router.

pub mod attachments;
pub mod auth;
pub mod commands;
pub mod config;
pub mod connections;
pub mod error;
pub mod exports;
pub mod extract;
pub mod import;
pub mod limits;
pub mod live;
pub mod migrate;
pub mod openapi;
pub mod proxy;
pub mod roster;
pub mod routes;
pub mod state;
pub mod store;
pub mod sync_policy;
pub mod tls;
pub mod users;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use shared::sync::MAX_PUSH_BYTES;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::attachments::AttachmentStore;
use crate::state::AppState;
use crate::store::Store;
use crate::store::{SqliteStore, StoreError};

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dist = state.dist.clone();
    let mut router = Router::new();
    for route in routes::table() {
        router = router.route(route.doc.path, route.handler);
    }
    router
        .route("/api/{*rest}", any(routes::meta::api_not_found))
        .route("/api", any(routes::meta::api_not_found))
        .method_not_allowed_fallback(routes::meta::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_PUSH_BYTES))
        .fallback_service(routes::static_files::service(&dist))
        // A body that stops arriving fails the request that reads it, instead of holding the
        // handler (and the connection) for ever; the clock restarts with each piece that
        // arrives, so a slow upload is never cut. Answers (a long-poll wait's) are not timed.
        .layer(RequestBodyTimeoutLayer::new(state.limits.body_stall_timeout))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The CSP of API answers (JSON, photos, spreadsheets): nothing may load or frame them.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Headers on every answer: no framing (clickjacking), no MIME sniffing, no referrer leaving
/// the server; API answers (which carry personal data) are never stored by a cache.
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    use axum::http::header::{
        CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
        X_FRAME_OPTIONS,
    };
    let is_api = req.uri().path().starts_with("/api/") || req.uri().path() == "/api";
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if is_api {
        headers
            .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CONTENT_SECURITY_POLICY));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        // Scripts and the service worker: a worker's CSP would bind its fetches, so only
        // framing is forbidden here; pages carry the full policy (`static_files`, `pages`).
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static("frame-ancestors 'none'"));
    }
    res
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot prepare the attachment folder {path}: {source}")]
    Attachments { path: String, source: std::io::Error },
}

/// Open the SQLite database (migrating it) and the attachment folder under `data_dir`.
pub fn open_state(data_dir: &Path, dist: &Path) -> Result<AppState, StartError> {
    state_on(Arc::new(SqliteStore::open(data_dir)?), data_dir, dist)
}

/// Open the database — PostgreSQL at `database_url` if given, else SQLite under `data_dir` —
/// migrating it, and the attachment folder under `data_dir` (photos stay files on either).
pub async fn open_state_with(
    data_dir: &Path,
    dist: &Path,
    database_url: Option<&str>,
) -> Result<AppState, StartError> {
    let state = state_on(store::open(data_dir, database_url).await?, data_dir, dist)?;
    state.seed_clock().await?;
    Ok(state)
}

fn state_on(store: Arc<dyn Store>, data_dir: &Path, dist: &Path) -> Result<AppState, StartError> {
    let dir = data_dir.join("attachments");
    let attachments = AttachmentStore::open(&dir)
        .map_err(|source| StartError::Attachments { path: dir.display().to_string(), source })?;
    Ok(AppState::new(store, attachments, dist.to_path_buf()))
}

/// Serve `state` on `listener` (plain HTTP) until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, None, shutdown).await
}

/// Serve `state` on `listener`, over TLS when `tls` is given, until `shutdown` completes.
///
/// Every bound on a connection is in [`limits::Limits`]:
///
/// - At most `max_connections` are served at once (lowered below the open-file limit,
///   [`connections::connection_cap`]). When all are taken the server stops accepting: new
///   connections wait in the kernel's listen queue and are served as others close, rather than
///   being accepted only to be closed. Waiting is safe because every slot is freed in bounded
///   time unless its client keeps sending requests: the deadlines below close the silent ones.
/// - From being accepted, a connection has `header_read_timeout` to finish its TLS handshake
///   and send the bytes that tell HTTP/1 from HTTP/2 ([`connections::read_protocol`]); a client
///   that sends nothing, or half the HTTP/2 preface, is closed then.
/// - HTTP/1: hyper's header-read timeout bounds each request's headers and an idle keep-alive
///   connection. HTTP/2: a silent connection is pinged and closed when the ping goes unanswered
///   (`http2_keep_alive_*`); `http2_max_concurrent_streams` requests at once per connection.
/// - A request body that stalls for `body_stall_timeout` is cut ([`app`]); an answer whose
///   client stops reading it, once the server's writes have stalled for `write_stall_timeout`
///   (the connection is closed).
///
/// Every request carries the client's address ([`axum::extract::ConnectInfo`]) for the
/// per-address sign-in limits. Background upkeep (expired partial uploads, idle rate-limit
/// keys) runs while the server does.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits.clone();
    let connections_served = connections::connection_cap(limits.max_connections).await;
    // Live-update waits never take more than half the connections served.
    state.waits.cap_to(connections_served);
    let connection_slots = Arc::new(tokio::sync::Semaphore::new(connections_served));
    let upkeep = tokio::spawn(upkeep(state.clone()));
    let router = app(state);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, then accept: while every slot is taken, connections wait in the
        // listen queue instead of each taking a descriptor.
        let slot = tokio::select! {
            slot = connection_slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_closed) => break, // never closed: only here for the type
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let start_deadline = tokio::time::Instant::now() + limits.header_read_timeout;
        let connection = Connection {
            router: router.clone(),
            peer,
            limits: limits.clone(),
            watcher: graceful.watcher(),
        };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            // The slot is given back when the connection ends, however it ends.
            let _slot = slot;
            let result = match acceptor {
                None => connection.serve(stream, start_deadline).await,
                Some(acceptor) => {
                    match tokio::time::timeout_at(start_deadline, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => connection.serve(stream, start_deadline).await,
                        Ok(Err(e)) => Err(ServeError::Start(connections::StartError::Tls(e))),
                        Err(_) => Err(ServeError::Start(connections::StartError::TimedOut)),
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    upkeep.abort();
    // Idle connections close at once; requests under way get a while to finish.
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running at shutdown were cut");
    }
    Ok(())
}

/// Why a connection ended other than by its client closing it in good order.
#[derive(Debug, thiserror::Error)]
enum ServeError {
    #[error(transparent)]
    Start(#[from] connections::StartError),
    #[error("serving failed: {0}")]
    Serve(Box<dyn std::error::Error + Send + Sync>),
}

/// One accepted connection, before it is served.
struct Connection {
    router: Router,
    peer: std::net::SocketAddr,
    limits: Arc<limits::Limits>,
    watcher: hyper_util::server::graceful::Watcher,
}

impl Connection {
    /// Read the first bytes by `start_deadline`, then serve the protocol they name until the
    /// connection closes (or the server shuts down).
    async fn serve<I>(self, io: I, start_deadline: tokio::time::Instant) -> Result<(), ServeError>
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        use axum::extract::ConnectInfo;
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use hyper_util::server::conn::auto;
        use hyper_util::service::TowerToHyperService;
        use tower::ServiceExt;

        let (protocol, io) =
            tokio::time::timeout_at(start_deadline, connections::read_protocol(io))
                .await
                .map_err(|_| connections::StartError::TimedOut)??;
        // Writes that make no progress for the stall timeout fail, and the connection closes.
        let mut io = tokio_io_timeout::TimeoutStream::new(io);
        io.set_write_timeout(Some(self.limits.write_stall_timeout));
        let io = Box::pin(io);
        let peer = self.peer;
        let service = self.router.map_request(move |mut req: axum::extract::Request<_>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let service = TowerToHyperService::new(service);
        let limits = &self.limits;
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(limits.http2_keep_alive_interval)
            .keep_alive_timeout(limits.http2_keep_alive_timeout)
            .max_concurrent_streams(limits.http2_max_concurrent_streams);
        // The protocol is known: hyper-util's own (untimed) reading of the first bytes is
        // skipped.
        let builder = match protocol {
            connections::Protocol::Http1 => builder.http1_only(),
            connections::Protocol::Http2 => builder.http2_only(),
        };
        let conn = builder.serve_connection(TokioIo::new(io), service).into_owned();
        self.watcher.watch(conn).await.map_err(ServeError::Serve)
    }
}

/// How long requests under way may run on after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// How often the background upkeep runs.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

async fn upkeep(state: AppState) {
    let mut tick = tokio::time::interval(UPKEEP_EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = state.attempts.sweep().await {
            tracing::warn!(error = %e, "sweeping sign-in rate limits failed");
        }
        match state.attachments.sweep_expired(state.limits.partial_upload_ttl).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired partial uploads removed"),
            Err(e) => tracing::warn!(error = %e, "sweeping partial uploads failed"),
        }
    }
}
