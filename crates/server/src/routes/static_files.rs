//! The built app (`--dist`): static files with a fallback to `index.html` for client-side
//! routes. The page and the service worker are never cached stale; files whose names carry the
//! build's hash are cached for good; pages carry a CSP. Files are sent as the build compressed
//! them (`<file>.br`, `<file>.gz` beside each, `scripts/precompress.sh`), else compressed here.

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

/// Files a browser must revalidate on every load so a new release is picked up: the page, the
/// service worker, the manifest, `boot.js` and `shell.js`, which keep their names across releases.
fn must_revalidate(path: &str, is_html: bool) -> bool {
    is_html
        || path == "/sw.js"
        || path.ends_with("/sw.js")
        || path == "/boot.js"
        || path == "/shell.js"
        || path.ends_with(".webmanifest")
}

/// Files whose content a name never changes: everything under the build's `app-<hash>/`
/// directory (the wasm, its chunks and their loaders) and the style sheets Trunk names
/// `<name>-<hash>.css`. A new release has new names, so these may be kept for a year.
fn is_immutable(path: &str) -> bool {
    fn is_hash(s: &str) -> bool {
        s.len() >= 12 && s.bytes().all(|b| b.is_ascii_hexdigit())
    }
    let path = path.trim_start_matches('/');
    if let Some((dir, rest)) = path.split_once('/') {
        return !rest.is_empty() && dir.strip_prefix("app-").is_some_and(is_hash);
    }
    let Some((stem, _extension)) = path.rsplit_once('.') else { return false };
    stem.rsplit_once('-').is_some_and(|(name, hash)| !name.is_empty() && is_hash(hash))
}

const CACHE_FOR_GOOD: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

async fn page_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let found = res.status().is_success();
    let headers = res.headers_mut();
    if must_revalidate(&path, is_html) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    } else if found && is_immutable(&path) {
        headers.insert(CACHE_CONTROL, CACHE_FOR_GOOD);
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
    let page = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    let serve = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(page);
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(page_headers))
        // Whatever the build did not compress (it skips nothing it can shrink; a file from an
        // older build, say). A response already encoded is passed through as it is.
        .layer(CompressionLayer::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_files_revalidate() {
        assert!(must_revalidate("/", true));
        assert!(must_revalidate("/sw.js", false));
        assert!(must_revalidate("/boot.js", false));
        assert!(must_revalidate("/shell.js", false));
        assert!(!must_revalidate("/icons/icon-192.png", false));
        assert!(!must_revalidate("/field-1234.wasm", false));
        assert!(!must_revalidate("/style.css", false));
    }

    #[test]
    fn which_files_are_cached_for_good() {
        for path in [
            "/app-1bbd3ccbe07a6dc4/field_bg.wasm",
            "/app-1bbd3ccbe07a6dc4/chunk_12.wasm",
            "/app-1bbd3ccbe07a6dc4/__wasm_split.js",
            "/main-80530be022642cfb.css",
            "/print-a68c9bcf062a5ed.css",
        ] {
            assert!(is_immutable(path), "{path}");
        }
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/boot.js",
            "/shell.js",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
            "/app-1bbd3ccbe07a6dc4",
            "/app-1bbd3ccbe07a6dc4/",
            "/app-latest/field.js",
            "/people/123/edit",
            "/-80530be022642cfb.css",
            "/main-cafe.css",
        ] {
            assert!(!is_immutable(path), "{path}");
        }
    }
}
