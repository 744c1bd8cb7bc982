//! One-time sign-in codes and device reports over real HTTP.

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::roles::Role;
use shared::sync::{DeviceSummary, LoginResponse, SigninCode};
use uuid::Uuid;

use crate::common::{TestServer, assert_error};

async fn make_code(s: &TestServer, office: &str, username: &str) -> reqwest::Response {
    s.request(Method::POST, &format!("/api/v1/admin/users/{username}/signin-code"), Some(office))
        .json(&json!({"server": "https://192.168.1.10:8443"}))
        .send()
        .await
        .unwrap()
}

async fn use_code(s: &TestServer, code: &str, device: Uuid) -> reqwest::Response {
    s.request(Method::POST, "/api/v1/auth/code", None)
        .json(&json!({"code": code, "device_id": device, "device_name": "新平板"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_code_signs_one_tablet_in_once_and_can_be_revoked() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhou", Role::Surveyor, &["a"]).await;

    let res = make_code(&s, &office, "zhou").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let code: SigninCode = res.json().await.unwrap();
    assert_eq!(code.code.len(), 8);
    assert_eq!(code.link, format!("https://192.168.1.10:8443/#/signin/{}", code.code));
    assert!(code.qr_svg.starts_with("<?xml") || code.qr_svg.contains("<svg"));
    let expires = chrono::DateTime::parse_from_rfc3339(&code.expires_at).unwrap();
    let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&hours), "valid 24 h: {hours} min");

    // Typed in lower case with a hyphen, as a person might.
    let typed = format!("{}-{}", &code.code[..4], &code.code[4..]).to_lowercase();
    let res = use_code(&s, &typed, Uuid::now_v7()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let signed: LoginResponse = res.json().await.unwrap();
    assert_eq!(signed.account.username, "zhou");
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&signed.token)).await.0, StatusCode::OK);

    // Single use.
    let res = use_code(&s, &code.code, Uuid::now_v7()).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "invalid_signin_code").await;

    // Revoked before use: refused.
    let fresh: SigninCode = make_code(&s, &office, "zhou").await.json().await.unwrap();
    let res = s
        .request(Method::POST, "/api/v1/admin/users/zhou/signin-code/revoke", Some(&office))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = use_code(&s, &fresh.code, Uuid::now_v7()).await;
    assert_error(res, StatusCode::UNAUTHORIZED, "invalid_signin_code").await;

    // A disabled account's code does not sign in.
    let third: SigninCode = make_code(&s, &office, "zhou").await.json().await.unwrap();
    s.request(Method::POST, "/api/v1/admin/users/zhou/disable", Some(&office))
        .send()
        .await
        .unwrap();
    let res = use_code(&s, &third.code, Uuid::now_v7()).await;
    assert_error(res, StatusCode::FORBIDDEN, "account_disabled").await;

    // Only the town office makes codes; a bad address or unknown user is refused.
    let surveyor = s.user_token("li", Role::Surveyor, &["a"]).await;
    assert_error(make_code(&s, &surveyor, "li").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(make_code(&s, &office, "nobody").await, StatusCode::NOT_FOUND, "user_not_found")
        .await;
    let res = s
        .request(Method::POST, "/api/v1/admin/users/li/signin-code", Some(&office))
        .json(&json!({"server": "javascript:alert(1)"}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_server_address").await;
}

#[tokio::test]
async fn guessing_codes_is_rate_limited() {
    let s = TestServer::start().await;
    let mut limited = false;
    for i in 0..30 {
        let res = use_code(&s, &format!("AAAA{i:04}"), Uuid::now_v7()).await;
        match res.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(res.headers().contains_key("retry-after"));
                limited = true;
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(limited, "failed codes from one address are limited like failed passwords");
}

#[tokio::test]
async fn the_device_list_shows_what_each_tablet_reported_at_its_last_sync() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let tablet = s.user_token("zhou", Role::Surveyor, &["a"]).await;
    let report = json!({"app_version": "0.1.0", "pending": 3, "refused": 1, "conflicts": 0,
                        "oldest_unsent": "2026-11-28T10:00:00Z"});
    let res = s
        .request(Method::POST, "/api/v1/sync/report", Some(&tablet))
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, devices) = s.get_json("/api/v1/admin/devices", Some(&office)).await;
    assert_eq!(status, StatusCode::OK);
    let devices: Vec<DeviceSummary> = serde_json::from_value(devices).unwrap();
    let zhou = devices.iter().find(|d| d.username == "zhou").unwrap();
    let got = zhou.report.as_ref().expect("the report");
    assert_eq!((got.pending, got.refused, got.conflicts), (3, 1, 0));
    assert_eq!(got.oldest_unsent.as_deref(), Some("2026-11-28T10:00:00Z"));
    assert!(zhou.reported_at.is_some());
    let office_dev = devices.iter().find(|d| d.username == "office").unwrap();
    assert!(office_dev.report.is_none());

    let res = s
        .request(Method::POST, "/api/v1/sync/report", Some(&tablet))
        .json(&json!({"app_version": "x".repeat(41), "pending": 0, "refused": 0, "conflicts": 0}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_report").await;
}
