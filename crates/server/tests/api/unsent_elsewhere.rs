//! Signing in on a device new to the account answers with what the account's other devices
//! last reported and never sent (`LoginResponse::unsent_elsewhere`): how a tablet whose browser
//! discarded its database and the mark kept outside it learns that work never reached the
//! office (docs/RELIABILITY.md). Both sign-ins (password and one-time code), both stores.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::roles::Role;
use shared::sync::{DeviceSummary, LoginResponse, MAX_UNSENT_ELSEWHERE, SigninCode};
use uuid::Uuid;

use crate::common::{PASSWORD, TestServer};

async fn sign_in(s: &TestServer, username: &str, device: Uuid) -> LoginResponse {
    let res = s.try_login(username, PASSWORD, device).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn report(s: &TestServer, token: &str, pending: u32, oldest: Option<&str>) {
    let mut body =
        json!({"app_version": "0.1.0", "pending": pending, "refused": 0, "conflicts": 0});
    if let Some(at) = oldest {
        body["oldest_unsent"] = json!(at);
    }
    let res = s
        .request(Method::POST, "/api/v1/sync/report", Some(token))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

async fn devices(s: &TestServer, office: &str) -> Vec<DeviceSummary> {
    let (status, list) = s.get_json("/api/v1/admin/devices", Some(office)).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_value(list).unwrap()
}

fn listed(login: &LoginResponse) -> Vec<(Uuid, u32)> {
    login.unsent_elsewhere.iter().map(|d| (d.device_id, d.pending)).collect()
}

#[tokio::test]
async fn a_new_device_is_told_what_the_accounts_other_devices_never_sent() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhou", Role::Surveyor, &["a"]).await;
    s.add_user("li", Role::Surveyor, &["a"]).await;

    // The first tablet: signing in as the account's first device lists nothing.
    let first = Uuid::now_v7();
    let login = sign_in(&s, "zhou", first).await;
    assert!(login.unsent_elsewhere.is_empty());
    // Its last sync run left 3 records unsent.
    report(&s, &login.token, 3, Some("2026-11-28T10:00:00Z")).await;
    // Another account's tablet with unsent work, never listed for zhou.
    let li_device = Uuid::now_v7();
    let li = sign_in(&s, "li", li_device).await;
    report(&s, &li.token, 5, None).await;

    // The same account on a new device (the first tablet after its browser discarded
    // everything): told, with the device's name, count, oldest change and last sync.
    let second = Uuid::now_v7();
    let told = sign_in(&s, "zhou", second).await;
    assert_eq!(listed(&told), [(first, 3)], "{:?}", told.unsent_elsewhere);
    let entry = &told.unsent_elsewhere[0];
    assert_eq!(entry.device_name, "zhou 的平板");
    assert_eq!(entry.oldest_unsent.as_deref(), Some("2026-11-28T10:00:00Z"));
    assert!(!entry.blocked);
    let zhou_first = devices(&s, &office)
        .await
        .into_iter()
        .find(|d| d.device_id == first && d.username == "zhou")
        .unwrap();
    assert_eq!(Some(&entry.reported_at), zhou_first.reported_at.as_ref(), "its last sync");
    // On the wire: the field, camelCase-free and as documented.
    let raw: Value = s.try_login("zhou", PASSWORD, Uuid::now_v7()).await.json().await.unwrap();
    assert_eq!(raw["unsent_elsewhere"][0]["pending"], 3, "{raw}");
    assert_eq!(raw["unsent_elsewhere"][0]["device_id"], first.to_string(), "{raw}");

    // The same device signing in again is not new: nothing listed.
    assert!(sign_in(&s, "zhou", second).await.unsent_elsewhere.is_empty());
    // Nor is the first tablet itself (its own report is not "another device").
    assert!(sign_in(&s, "zhou", first).await.unsent_elsewhere.is_empty());

    // Once the first tablet reports 0 pending, a new device is told nothing.
    let again = sign_in(&s, "zhou", first).await;
    report(&s, &again.token, 0, None).await;
    assert!(sign_in(&s, "zhou", Uuid::now_v7()).await.unsent_elsewhere.is_empty());

    // Another account's device: li's new device is told of li's tablet only.
    let li_new = sign_in(&s, "li", Uuid::now_v7()).await;
    assert_eq!(listed(&li_new), [(li_device, 5)]);
}

/// A tablet signed out (by itself, or by a password reset) still holds its changes and can sign
/// in again to send them: listed. One the town office revoked for good cannot: listed too (its
/// changes will not arrive unless the office restores it), marked `blocked`, so the app says to
/// contact the office rather than to sync on it.
#[tokio::test]
async fn signed_out_and_revoked_devices_are_listed_and_a_revoked_one_says_so() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhou", Role::Surveyor, &["a"]).await;

    let (signed_out, blocked) = (Uuid::now_v7(), Uuid::now_v7());
    let a = sign_in(&s, "zhou", signed_out).await;
    report(&s, &a.token, 2, None).await;
    let res = s.request(Method::POST, "/api/v1/auth/logout", Some(&a.token)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let b = sign_in(&s, "zhou", blocked).await;
    report(&s, &b.token, 4, None).await;
    let row = devices(&s, &office).await.into_iter().find(|d| d.device_id == blocked).unwrap().id;
    let res = s
        .request(Method::POST, &format!("/api/v1/admin/devices/{row}/revoke"), Some(&office))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "revoke: {}", res.status());

    let told = sign_in(&s, "zhou", Uuid::now_v7()).await;
    let mut got: Vec<_> =
        told.unsent_elsewhere.iter().map(|d| (d.device_id, d.pending, d.blocked)).collect();
    got.sort();
    let mut want = vec![(signed_out, 2, false), (blocked, 4, true)];
    want.sort();
    assert_eq!(got, want);
}

/// The one-time code signs a new tablet in too (the office's way back for a surveyor whose
/// tablet was emptied): the same list. At most [`MAX_UNSENT_ELSEWHERE`], newest report first.
#[tokio::test]
async fn a_code_sign_in_is_told_too_and_the_list_is_bounded_newest_first() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.add_user("zhou", Role::Surveyor, &["a"]).await;
    let mut order = Vec::new();
    for n in 1..=(MAX_UNSENT_ELSEWHERE as u32 + 2) {
        let device = Uuid::now_v7();
        let login = sign_in(&s, "zhou", device).await;
        report(&s, &login.token, n, None).await;
        order.push((device, n));
        // Reports are timed to the millisecond: keep them apart so the order is checkable.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let code: SigninCode = s
        .request(Method::POST, "/api/v1/admin/users/zhou/signin-code", Some(&office))
        .json(&json!({"server": "https://192.168.1.10:8443"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = s
        .request(Method::POST, "/api/v1/auth/code", None)
        .json(&json!({"code": code.code, "device_id": Uuid::now_v7(), "device_name": "新平板"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let told: LoginResponse = res.json().await.unwrap();
    assert_eq!(told.unsent_elsewhere.len(), MAX_UNSENT_ELSEWHERE);
    let newest: Vec<_> = order.iter().rev().take(MAX_UNSENT_ELSEWHERE).copied().collect();
    assert_eq!(listed(&told), newest, "newest report first");
}
