//! The sync protocol version (`X-Field-Protocol`): an app older than the server's minimum is
//! answered `426 upgrade_required` on push and pull, and nothing it sent is stored; the current
//! app syncs; an app from before the header (no header) counts as protocol 1.

use crate::common::{TestServer, assert_error, new_person};
use reqwest::{Method, Response, StatusCode};
use serde_json::json;
use shared::op::Operation;
use shared::roles::Role;
use shared::sync::{
    MIN_PROTOCOL_VERSION, OpStatus, PROTOCOL_HEADER, PROTOCOL_VERSION, PROTOCOL_VERSION_UNNAMED,
    PullResponse, PushResponse, UPGRADE_REQUIRED,
};

async fn push(s: &TestServer, token: &str, version: Option<&str>, ops: &[Operation]) -> Response {
    let mut req =
        s.request(Method::POST, "/api/v1/sync/push", Some(token)).json(&json!({"ops": ops}));
    if let Some(v) = version {
        req = req.header(PROTOCOL_HEADER, v);
    }
    req.send().await.unwrap()
}

async fn pull(s: &TestServer, token: &str, version: Option<&str>) -> Response {
    let mut req = s.request(Method::GET, "/api/v1/sync/pull?cursor=0", Some(token));
    if let Some(v) = version {
        req = req.header(PROTOCOL_HEADER, v);
    }
    req.send().await.unwrap()
}

/// The refusal says 请更新应用 and that the changes are kept, and names both versions.
async fn assert_upgrade_required(res: Response, client: u32, minimum: u32) {
    let body = assert_error(res, StatusCode::UPGRADE_REQUIRED, UPGRADE_REQUIRED).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("请更新应用"), "{message}");
    assert!(message.contains("修改都已保存"), "{message}");
    assert!(message.contains(&client.to_string()) && message.contains(&minimum.to_string()));
}

#[tokio::test]
async fn an_app_older_than_the_minimum_is_told_to_update_on_push_and_pull() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    // The server is upgraded past the protocol the old app speaks.
    s.state.set_min_protocol(PROTOCOL_VERSION);
    let old = (PROTOCOL_VERSION - 1).to_string();
    let op = new_person("zhang", "b1", 1_000);

    let res = push(&s, &token, Some(&old), std::slice::from_ref(&op)).await;
    assert_upgrade_required(res, PROTOCOL_VERSION - 1, PROTOCOL_VERSION).await;
    assert!(
        s.state.store.record(server::store::Scope::County, op.entity_id).await.unwrap().is_none(),
        "nothing of a refused push is stored"
    );
    let res = pull(&s, &token, Some(&old)).await;
    assert_upgrade_required(res, PROTOCOL_VERSION - 1, PROTOCOL_VERSION).await;

    // The same app once updated: the same push is stored, the pull returns it.
    let res =
        push(&s, &token, Some(&PROTOCOL_VERSION.to_string()), std::slice::from_ref(&op)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get(PROTOCOL_HEADER).unwrap().to_str().unwrap(),
        PROTOCOL_VERSION.to_string(),
        "the server names its own protocol"
    );
    let answer: PushResponse = res.json().await.unwrap();
    assert_eq!(answer.results[0].status, OpStatus::Accepted);
    let res = pull(&s, &token, Some(&PROTOCOL_VERSION.to_string())).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: PullResponse = res.json().await.unwrap();
    assert_eq!(page.ops, [op]);
}

#[tokio::test]
async fn no_header_is_protocol_one_which_syncs_until_the_minimum_passes_it() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;

    // Today's released app sends no header: it syncs.
    let first = new_person("zhang", "b1", 1_000);
    let res = push(&s, &token, None, std::slice::from_ref(&first)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = pull(&s, &token, None).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Once the minimum passes it, the same app is told to update.
    s.state.set_min_protocol(PROTOCOL_VERSION_UNNAMED + 1);
    let second = new_person("zhang", "b1", 2_000);
    let res = push(&s, &token, None, std::slice::from_ref(&second)).await;
    assert_upgrade_required(res, PROTOCOL_VERSION_UNNAMED, PROTOCOL_VERSION_UNNAMED + 1).await;
    assert!(
        s.state
            .store
            .record(server::store::Scope::County, second.entity_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_upgrade_required(
        pull(&s, &token, None).await,
        PROTOCOL_VERSION_UNNAMED,
        PROTOCOL_VERSION_UNNAMED + 1,
    )
    .await;
}

#[tokio::test]
async fn the_version_is_checked_before_the_sign_in_and_must_be_a_number() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    // Below every minimum: refused even with a token that is no longer valid (updating comes
    // first; signing in again would not help).
    assert_upgrade_required(pull(&s, "not-a-token", Some("0")).await, 0, MIN_PROTOCOL_VERSION)
        .await;
    let res = push(&s, &token, Some("v2"), &[]).await;
    assert_error(res, StatusCode::BAD_REQUEST, "bad_protocol").await;
    // A newer app than the server (every change so far is additive) is let through.
    let res = pull(&s, &token, Some(&(PROTOCOL_VERSION + 1).to_string())).await;
    assert_eq!(res.status(), StatusCode::OK);
}
