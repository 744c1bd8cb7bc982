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
pub mod openapi;
pub mod routes;
pub mod state;
pub mod store;
pub mod sync_policy;
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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot prepare the attachment folder {path}: {source}")]
    Attachments { path: String, source: std::io::Error },
}

/// Open the database (migrating it) and the attachment folder under `data_dir`.
pub fn open_state(data_dir: &Path, dist: &Path) -> Result<AppState, StartError> {
    let store = SqliteStore::open(data_dir)?;
    let dir = data_dir.join("attachments");
    let attachments = AttachmentStore::open(&dir)
        .map_err(|source| StartError::Attachments { path: dir.display().to_string(), source })?;
    Ok(AppState::new(Arc::new(store), attachments, dist.to_path_buf()))
}

/// Serve `state` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}
