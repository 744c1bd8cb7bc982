//! The office server of 四争一树 Field: the built app and the `/api/v1` sync API from one origin,
//! SQLite embedded. `main.rs` is only the command line; everything is here so tests drive the
//! real router.

pub mod attachments;
pub mod auth;
pub mod commands;
pub mod config;
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
/// Each connection is served by hyper with a header-read timeout
/// ([`limits::Limits::header_read_timeout`]): a client that opens a connection and sends its
/// headers slowly (or never) is dropped instead of holding a connection and its buffers. The TLS
/// handshake has the same bound. Every request carries the client's address
/// ([`axum::extract::ConnectInfo`]) for the per-address sign-in limits. Background upkeep
/// (expired partial uploads, idle rate-limit keys) runs while the server does.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let header_timeout = state.limits.header_read_timeout;
    let upkeep = tokio::spawn(upkeep(state.clone()));
    let router = app(state);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
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
        let service = router.clone().map_request(move |mut req: axum::extract::Request<_>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let service = TowerToHyperService::new(service);
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
        builder.http2().timer(TokioTimer::new());
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let result = match acceptor {
                None => {
                    let conn =
                        builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    watcher.watch(conn.into_owned()).await
                }
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(%peer, "TLS handshake timed out");
                                return;
                            }
                        };
                    let conn =
                        builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    watcher.watch(conn.into_owned()).await
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
