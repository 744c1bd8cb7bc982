//! The built app (`--dist`): static files with a fallback to `index.html` for client-side
//! routes. The page and the service worker are never cached stale; pages carry a CSP.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Files a browser must revalidate on every load so a new release is picked up.
fn must_revalidate(path: &str, is_html: bool) -> bool {
    is_html || path == "/sw.js" || path.ends_with("/sw.js") || path.ends_with(".webmanifest")
}

async fn page_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = res.headers_mut();
    if must_revalidate(&path, is_html) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if is_html {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        );
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

/// A service for everything outside `/api`: files of `dist`, else `dist/index.html`.
pub fn service(dist: &Path) -> Router {
    let serve = ServeDir::new(dist)
        .append_index_html_on_directories(true)
        .fallback(ServeFile::new(dist.join("index.html")));
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(page_headers))
        .layer(CompressionLayer::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_files_revalidate() {
        assert!(must_revalidate("/", true));
        assert!(must_revalidate("/sw.js", false));
        assert!(!must_revalidate("/field-1234.wasm", false));
        assert!(!must_revalidate("/style.css", false));
    }
}
