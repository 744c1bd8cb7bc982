//! The built app: files, SPA fallback, cache and security headers.

use crate::common::TestServer;
use reqwest::StatusCode;
use server::routes::static_files::CONTENT_SECURITY_POLICY_VALUE;

#[tokio::test]
async fn serves_the_app_with_fallback_and_headers() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>四争一树</title>")
        .unwrap();
    std::fs::write(dist.path().join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    std::fs::write(dist.path().join("app-abc123.wasm"), b"\0asm").unwrap();
    let s = TestServer::start_with_dist(dist.path()).await;

    for path in ["/", "/index.html", "/people/123/edit"] {
        let res = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers().clone();
        assert_eq!(h["cache-control"], "no-cache", "{path}");
        assert_eq!(h["content-security-policy"], CONTENT_SECURITY_POLICY_VALUE, "{path}");
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(res.text().await.unwrap().contains("四争一树"), "{path}");
    }

    let res = s.client.get(s.url("/sw.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");

    let res = s.client.get(s.url("/app-abc123.wasm")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert!(res.headers().get("cache-control").is_none());
    // Scripts and wasm only forbid framing (a worker script's CSP would bind its fetches).
    assert_eq!(res.headers()["content-security-policy"], "frame-ancestors 'none'");

    // The API is never answered with the page.
    let res = s.client.get(s.url("/api/v1/unknown")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
}
