//! Issue 10 item 9: accounts (disable, office password reset, sliding token expiry, revoked
//! devices stay out, normalised unique user names), HTTPS served by the server itself, security
//! headers on every answer, and an OpenAPI document that states what the server enforces.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::roles::Role;
use shared::sync::DeviceSummary;
use uuid::Uuid;

use crate::common::{PASSWORD, TestServer, assert_error};

async fn post(s: &TestServer, path: &str, token: &str, body: Option<Value>) -> reqwest::Response {
    let mut req = s.request(Method::POST, path, Some(token));
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

async fn device_row(s: &TestServer, office: &str, username: &str) -> i64 {
    let (_, devices) = s.get_json("/api/v1/admin/devices", Some(office)).await;
    let devices: Vec<DeviceSummary> = serde_json::from_value(devices).unwrap();
    devices.iter().filter(|d| d.username == username).map(|d| d.id).max().unwrap()
}

#[tokio::test]
async fn a_device_revoked_by_the_office_cannot_sign_in_again_until_restored() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let tablet = Uuid::now_v7();
    let token = s.login("zhang", tablet).await;
    let row = device_row(&s, &office, "zhang").await;
    let res = post(&s, &format!("/api/v1/admin/devices/{row}/revoke"), &office, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);

    // The lost or stolen tablet tries the password again: refused, with the reason.
    let res = s.try_login("zhang", PASSWORD, tablet).await;
    let body = assert_error(res, StatusCode::FORBIDDEN, "device_revoked").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("镇组织办"));
    // Another tablet of the same account still signs in.
    let other = s.login("zhang", Uuid::now_v7()).await;
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&other)).await.0, StatusCode::OK);

    // The office restores it: it signs in with the password, the old token stays dead.
    let res = post(&s, &format!("/api/v1/admin/devices/{row}/restore"), &office, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);
    let again = s.login("zhang", tablet).await;
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&again)).await.0, StatusCode::OK);

    // A device that signed itself out signs in again as before.
    let res = s.request(Method::POST, "/api/v1/auth/logout", Some(&again)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    s.login("zhang", tablet).await;
}

#[tokio::test]
async fn the_office_disables_accounts_and_resets_passwords() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let secretary = s.user_token("li", Role::BranchSecretary, &["b1"]).await;

    // Only the office.
    let res = post(&s, "/api/v1/admin/users/zhang/disable", &secretary, None).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let res = post(&s, "/api/v1/admin/users/zhang/disable", &office, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&zhang)).await.0, StatusCode::UNAUTHORIZED);
    let res = s.try_login("zhang", PASSWORD, Uuid::now_v7()).await;
    assert_error(res, StatusCode::FORBIDDEN, "account_disabled").await;
    let res = s.try_login("zhang", "wrong password", Uuid::now_v7()).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let res = post(&s, "/api/v1/admin/users/office/disable", &office, None).await;
    assert_error(res, StatusCode::BAD_REQUEST, "cannot_disable_self").await;
    let res = post(&s, "/api/v1/admin/users/nobody/disable", &office, None).await;
    assert_error(res, StatusCode::NOT_FOUND, "user_not_found").await;

    let res = post(&s, "/api/v1/admin/users/zhang/enable", &office, None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let zhang = s.login("zhang", Uuid::now_v7()).await;

    // A password reset signs every device of the account out; the new password works.
    let res =
        post(&s, "/api/v1/admin/users/zhang/password", &office, Some(json!({"password": "short"})))
            .await;
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_password").await;
    let res = post(
        &s,
        "/api/v1/admin/users/zhang/password",
        &office,
        Some(json!({"password": "a new password 2026"})),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&zhang)).await.0, StatusCode::UNAUTHORIZED);
    let res = s.try_login("zhang", PASSWORD, Uuid::now_v7()).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let res = s.try_login("zhang", "a new password 2026", Uuid::now_v7()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn device_tokens_expire_when_unused_and_are_renewed_by_use() {
    let s = TestServer::start().await;
    let used = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let idle = s.login("zhang", Uuid::now_v7()).await;
    let db = s.db();
    let days_ago = |d: i64| {
        (chrono::Utc::now() - chrono::Duration::days(d))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let set_last_seen = async |token: &str, at: &str| {
        db.execute(
            "UPDATE devices SET last_seen = ?1 WHERE token_hash = ?2",
            &[at, &server::auth::token_hash(token)],
        )
        .await
    };
    // Last used 29 days ago: still valid, and the use renews it.
    assert_eq!(set_last_seen(&used, &days_ago(29)).await, 1);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&used)).await.0, StatusCode::OK);
    let renewed = db
        .texts(
            "SELECT last_seen FROM devices WHERE token_hash = ?1",
            &[&server::auth::token_hash(&used)],
        )
        .await[0][0]
        .clone()
        .unwrap();
    assert!(renewed > days_ago(1), "sliding: {renewed}");
    // Unused for 31 days: expired.
    assert_eq!(set_last_seen(&idle, &days_ago(31)).await, 1);
    let res = s.request(Method::GET, "/api/v1/auth/me", Some(&idle)).send().await.unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn user_names_are_normalised_and_unique_after_normalisation() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let create = |name: &str| {
        post(
            &s,
            "/api/v1/admin/users",
            &office,
            Some(json!({"username": name, "password": PASSWORD, "display_name": "张三",
                        "role": "surveyor", "branches": ["b1"]})),
        )
    };
    for bad in
        ["zh\u{0}ang", "zh\u{200B}ang", "adm\u{202E}in", "ｚｈａｎｇ", "\u{FEFF}zhang", "zh\tang"]
    {
        let res = create(bad).await;
        assert_error(res, StatusCode::BAD_REQUEST, "invalid_user").await;
    }
    assert_eq!(create("zhang").await.status(), StatusCode::CREATED);
    let res = create("zhang").await;
    assert_error(res, StatusCode::CONFLICT, "username_taken").await;
    // A full-width spelling signs in to the same account (looked up normalised).
    assert_eq!(s.try_login("ｚｈａｎｇ", PASSWORD, Uuid::now_v7()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    for (path, auth) in [
        ("/healthz", None),
        ("/api/v1/openapi.json", None),
        ("/api/v1/auth/me", Some(token.as_str())),
        ("/api/v1/sync/pull?cursor=0", Some(token.as_str())),
        ("/api/v1/nothing-here", None),
        ("/import", None),
        ("/some/app/route", None),
    ] {
        let res = s.request(Method::GET, path, auth).send().await.unwrap();
        let h = res.headers();
        let get = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(get("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(get("referrer-policy").as_deref(), Some("no-referrer"), "{path}");
        let csp = get("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        if path.starts_with("/api/") {
            assert_eq!(get("cache-control").as_deref(), Some("no-store"), "{path}");
        }
    }
}

#[tokio::test]
async fn the_openapi_document_states_415_and_the_bounds_the_server_enforces() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let (_, doc) = s.get_json("/api/v1/openapi.json", None).await;
    let push = &doc["paths"]["/api/v1/sync/push"]["post"]["responses"];
    assert!(push.get("415").is_some(), "{push}");
    let login = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
    assert!(login.get("415").is_some() && login.get("429").is_some(), "{login}");
    let params = doc["paths"]["/api/v1/sync/pull"]["get"]["parameters"].as_array().unwrap();
    let cursor = params.iter().find(|p| p["name"] == "cursor").unwrap();
    assert_eq!(cursor["schema"]["minimum"], 0);
    // What the document refuses, the server refuses …
    let res =
        s.request(Method::GET, "/api/v1/sync/pull?cursor=-1", Some(&token)).send().await.unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    let res = s
        .request(Method::POST, "/api/v1/sync/push", Some(&token))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    // … and what it accepts (a limit within its bounds), the server accepts.
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    let max = limit["schema"]["maximum"].as_u64().unwrap();
    let res = s
        .request(Method::GET, &format!("/api/v1/sync/pull?cursor=0&limit={max}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let sha =
        doc["paths"]["/api/v1/attachments/{sha256}"]["get"]["parameters"][0]["schema"]["pattern"]
            .as_str()
            .unwrap()
            .to_owned();
    assert_eq!(sha, "^[0-9a-fA-F]{64}$");
}

/// `--tls-cert/--tls-key`: the server speaks HTTPS itself (a certificate made here, as an
/// office would make one for its LAN; see docs/DEPLOY.md), and refuses plain HTTP on that port.
#[tokio::test]
async fn the_server_serves_https_with_the_given_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("office.crt");
    let key_path = dir.path().join("office.key");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let tls = server::tls::load(&cert_path, &key_path).unwrap();

    let state = server::open_state(dir.path(), &dir.path().join("no-dist")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve_with(listener, state, Some(tls), async {
        let _ = stopped.await;
    }));

    let root = reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .unwrap();
    let res = client.get(format!("https://localhost:{port}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A client that does not trust the certificate is refused by TLS itself.
    let untrusting = reqwest::Client::builder()
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .unwrap();
    assert!(untrusting.get(format!("https://localhost:{port}/healthz")).send().await.is_err());
    // Plain HTTP on the TLS port gets no answer.
    let plain = reqwest::Client::new().get(format!("http://127.0.0.1:{port}/healthz")).send().await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    // Bad files give a clear error.
    let err = server::tls::load(&key_path, &cert_path).unwrap_err();
    assert!(!err.to_string().is_empty());
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}
