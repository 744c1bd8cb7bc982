//! Login, tokens, revocation, admin endpoints and the JSON error contract, over real HTTP.

use crate::common::{PASSWORD, TestServer, assert_error};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::roles::Role;
use shared::sync::{DeviceSummary, LoginResponse, UserSummary};
use uuid::Uuid;

#[tokio::test]
async fn healthz_answers_ok() {
    let s = TestServer::start().await;
    let (status, body) = s.get_json("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn login_returns_a_working_token_and_the_account() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1", "b2"]).await;
    let res = s.try_login("zhang", PASSWORD, Uuid::now_v7()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let login: LoginResponse = res.json().await.unwrap();
    assert_eq!(login.account.role, Role::Surveyor);
    assert_eq!(login.account.branches, ["b1", "b2"]);
    assert!(login.token.len() >= 43);

    let (status, me) = s.get_json("/api/v1/auth/me", Some(&login.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "zhang");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let wrong = s.try_login("zhang", "nope nope", Uuid::now_v7()).await;
    let a = assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let unknown = s.try_login("nobody", PASSWORD, Uuid::now_v7()).await;
    let b = assert_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn missing_or_unknown_token_is_401_json() {
    let s = TestServer::start().await;
    let res = s.request(Method::GET, "/api/v1/sync/pull", None).send().await.unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let res =
        s.request(Method::GET, "/api/v1/sync/pull", Some("made-up-token")).send().await.unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let res = s
        .client
        .get(s.url("/api/v1/auth/me"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn revoked_device_gets_401_and_other_devices_keep_working() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let tablet_a = s.login("zhang", Uuid::now_v7()).await;
    let tablet_b = s.login("zhang", Uuid::now_v7()).await;

    let (status, devices) = s.get_json("/api/v1/admin/devices", Some(&office)).await;
    assert_eq!(status, StatusCode::OK);
    let devices: Vec<DeviceSummary> = serde_json::from_value(devices).unwrap();
    assert_eq!(devices.len(), 3);
    let a_row = devices.iter().filter(|d| d.username == "zhang").map(|d| d.id).min().unwrap();

    let res = s
        .request(Method::POST, &format!("/api/v1/admin/devices/{a_row}/revoke"), Some(&office))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let (status, _) = s.get_json("/api/v1/auth/me", Some(&tablet_a)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.get_json("/api/v1/auth/me", Some(&tablet_b)).await;
    assert_eq!(status, StatusCode::OK);

    let (_, devices) = s.get_json("/api/v1/admin/devices", Some(&office)).await;
    let devices: Vec<DeviceSummary> = serde_json::from_value(devices).unwrap();
    assert!(devices.iter().find(|d| d.id == a_row).unwrap().revoked);

    let res = s
        .request(Method::POST, "/api/v1/admin/devices/9999/revoke", Some(&office))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "device_not_found").await;
}

#[tokio::test]
async fn logging_in_again_on_the_same_device_replaces_its_token() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let device = Uuid::now_v7();
    let first = s.login("zhang", device).await;
    let second = s.login("zhang", device).await;
    assert_ne!(first, second);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&first)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&second)).await.0, StatusCode::OK);

    let res = s.request(Method::POST, "/api/v1/auth/logout", Some(&second)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get_json("/api/v1/auth/me", Some(&second)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_the_town_office_administers_users() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;

    let res = s.request(Method::GET, "/api/v1/admin/users", Some(&surveyor)).send().await.unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let new_user = json!({"username": "li", "password": "12345678", "display_name": "李四",
                          "role": "branch_secretary", "branches": ["b2"]});
    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&surveyor))
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&office))
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: UserSummary = res.json().await.unwrap();
    assert_eq!(created.account.role, Role::BranchSecretary);

    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&office))
        .json(&new_user)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::CONFLICT, "username_taken").await;

    let mut weak = new_user.clone();
    weak["username"] = json!("wang");
    weak["password"] = json!("short");
    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&office))
        .json(&weak)
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_user").await;

    let (_, users) = s.get_json("/api/v1/admin/users", Some(&office)).await;
    let names: Vec<&str> =
        users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["li", "office", "zhang"]);
    assert!(users.as_array().unwrap().iter().all(|u| u.get("password_hash").is_none()));

    // The new account can sign in.
    assert_eq!(s.try_login("li", "12345678", Uuid::now_v7()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_a_400_json_error() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let res = s
        .request(Method::POST, "/api/v1/sync/push", Some(&token))
        .header("content-type", "application/json")
        .body("{\"ops\": [ {not json")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "malformed_json").await;

    let res = s
        .request(Method::POST, "/api/v1/sync/push", Some(&token))
        .header("content-type", "application/json")
        .body("{\"ops\": [{\"id\": 5}]}")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "malformed_json").await;

    let res =
        s.request(Method::POST, "/api/v1/sync/push", Some(&token)).body("{}").send().await.unwrap();
    assert_error(res, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let res =
        s.request(Method::GET, "/api/v1/sync/pull?cursor=abc", Some(&token)).send().await.unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[tokio::test]
async fn oversized_push_is_a_413_json_error() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let filler = "x".repeat(shared::sync::MAX_PUSH_BYTES + 1024);
    let res = s
        .request(Method::POST, "/api/v1/sync/push", Some(&token))
        .json(&json!({"ops": [], "filler": filler}))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_json() {
    let s = TestServer::start().await;
    let res = s.request(Method::GET, "/api/v1/nothing/here", None).send().await.unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = s.request(Method::DELETE, "/api/v1/sync/push", None).send().await.unwrap();
    let body: Value = assert_error(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("不支持"));
}
