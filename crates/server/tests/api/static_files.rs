//! The built app: files, SPA fallback, cache and security headers. The Content-Security-Policy
//! is checked against the policy the app needs, written out here directive by directive (not
//! against the server's own constant, which would pass whatever it said), and the app's page
//! template against that policy.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::TestServer;
use reqwest::StatusCode;

/// The policy the app needs, and no more: everything from its own origin; wasm compiled by the
/// page (`'wasm-unsafe-eval'`, not `'unsafe-eval'`) and no inline script; inline styles (Leptos
/// sets `style` attributes); photos shown from blob: and data: URLs; requests to its own
/// server only.
const EXPECTED_POLICY: [(&str, &[&str]); 9] = [
    ("default-src", &["'self'"]),
    ("script-src", &["'self'", "'wasm-unsafe-eval'"]),
    ("style-src", &["'self'", "'unsafe-inline'"]),
    ("img-src", &["'self'", "blob:", "data:"]),
    ("connect-src", &["'self'"]),
    ("object-src", &["'none'"]),
    ("base-uri", &["'self'"]),
    ("form-action", &["'self'"]),
    ("frame-ancestors", &["'none'"]),
];

fn directives(policy: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut map = BTreeMap::new();
    for directive in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = directive.split_whitespace();
        let name = words.next().unwrap().to_ascii_lowercase();
        let sources = words.map(str::to_owned).collect();
        assert!(map.insert(name.clone(), sources).is_none(), "{name} given twice: {policy}");
    }
    map
}

fn expected_policy() -> BTreeMap<String, BTreeSet<String>> {
    EXPECTED_POLICY
        .iter()
        .map(|(name, sources)| {
            ((*name).to_owned(), sources.iter().map(|s| (*s).to_owned()).collect())
        })
        .collect()
}

/// The page template loads scripts only from files (the policy allows no inline script).
#[test]
fn the_page_template_needs_no_inline_script() {
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html"))
            .expect("the app's index.html");
    let scripts: Vec<&str> = template.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the template loads its boot script");
    for script in scripts {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains("src="), "an inline script: <script{tag}>");
    }
}

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
        let policy = h["content-security-policy"].to_str().unwrap();
        assert_eq!(directives(policy), expected_policy(), "{path}: {policy}");
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

/// Every page the server renders itself (route table tag `pages`) is in the service worker's
/// `SERVER_PAGES`, so an installed app never answers it with the app shell (issue 11: `/import`
/// opened the app instead of the upload page).
#[test]
fn the_service_worker_leaves_every_server_page_to_the_server() {
    let worker =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/sw.js"))
            .expect("the app's service worker");
    let line = worker
        .lines()
        .find(|l| l.starts_with("const SERVER_PAGES = "))
        .expect("sw.js lists the server's pages in `const SERVER_PAGES = [...]`");
    let listed: Vec<String> = serde_json::from_str(
        line.trim_start_matches("const SERVER_PAGES = ").trim_end_matches(';'),
    )
    .expect("SERVER_PAGES is a JSON array of paths");
    let pages: BTreeSet<&str> =
        server::routes::docs().iter().filter(|d| d.tag == "pages").map(|d| d.path).collect();
    assert!(pages.contains("/import"));
    for page in pages {
        assert!(
            listed.iter().any(|p| page == p || page.starts_with(&format!("{p}/"))),
            "{page} is a server page the service worker would answer with the app shell"
        );
    }
}

/// The build's compressed copies (`scripts/precompress.sh`) are sent as they are, with the
/// file's own type: brotli to a browser that takes it, else gzip, else the file itself, never
/// compressed twice; files named by the build's hash are cached for good, the page, the
/// service worker and a missing file's fallback are not.
#[tokio::test]
async fn sends_the_builds_compressed_copies_and_caches_hashed_files_for_good() {
    let dist = tempfile::tempdir().unwrap();
    let app = dist.path().join("app-1bbd3ccbe07a6dc4");
    std::fs::create_dir(&app).unwrap();
    let wasm = app.join("field_bg.wasm");
    std::fs::write(&wasm, b"\0asm plain").unwrap();
    std::fs::write(app.join("field_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(app.join("field_bg.wasm.gz"), b"gzip bytes").unwrap();
    let page = "<!doctype html><title>四争一树</title>";
    std::fs::write(dist.path().join("index.html"), page).unwrap();
    std::fs::write(dist.path().join("index.html.br"), b"brotli page").unwrap();
    let css = "body { margin: 0; }\n".repeat(20);
    std::fs::write(dist.path().join("main-80530be022642cfb.css"), css).unwrap();
    let s = TestServer::start_with_dist(dist.path()).await;

    let get = |path: &'static str, accept: &'static str| {
        let req = s.client.get(s.url(path));
        let req = if accept.is_empty() { req } else { req.header("accept-encoding", accept) };
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let header = |name: &str| {
                res.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
            };
            let (encoding, kind, cache) =
                (header("content-encoding"), header("content-type"), header("cache-control"));
            (encoding, kind, cache, res.bytes().await.unwrap().to_vec())
        }
    };
    let wasm_path = "/app-1bbd3ccbe07a6dc4/field_bg.wasm";
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", "br", &b"brotli bytes"[..]),
        ("gzip", "gzip", b"gzip bytes"),
        ("", "", b"\0asm plain"),
    ] {
        let (got, kind, cache, bytes) = get(wasm_path, accept).await;
        assert_eq!((got.as_str(), bytes.as_slice()), (encoding, body), "accept {accept:?}");
        assert_eq!(kind, "application/wasm", "the file's own type, for streaming compilation");
        assert_eq!(cache, "public, max-age=31536000, immutable");
    }

    for path in ["/", "/people/1"] {
        let (encoding, kind, cache, bytes) = get(path, "br").await;
        assert_eq!((encoding.as_str(), bytes.as_slice()), ("br", &b"brotli page"[..]), "{path}");
        assert!(kind.starts_with("text/html") && cache == "no-cache", "{path}: {kind} {cache}");
    }
    // A file the build did not compress is compressed here, once.
    let (encoding, _, cache, _) = get("/main-80530be022642cfb.css", "gzip").await;
    assert_eq!(encoding, "gzip");
    assert_eq!(cache, "public, max-age=31536000, immutable");
    // A missing file of a hashed directory falls back to the page, which is never kept.
    let (_, kind, cache, _) = get("/app-1bbd3ccbe07a6dc4/gone.wasm", "").await;
    assert!(kind.starts_with("text/html"));
    assert_eq!(cache, "no-cache");
}
