//! Issue 10 item 7: photos are scoped like the records that reference them, an upload's
//! announced size binds only the account that started it, and abandoned uploads expire.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{AttachmentStatus, OpStatus};
use uuid::Uuid;

use crate::common::{TestServer, assert_error, upsert};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

fn photo(len: usize, seed: u8) -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8 ^ seed).collect();
    let sha = shared::op::hex(&Sha256::digest(&bytes));
    (bytes, sha)
}

async fn put(
    s: &TestServer,
    token: &str,
    sha: &str,
    offset: usize,
    total: usize,
    chunk: &[u8],
) -> reqwest::Response {
    s.request(
        Method::PUT,
        &format!("/api/v1/attachments/{sha}?offset={offset}&total={total}"),
        Some(token),
    )
    .body(chunk.to_vec())
    .send()
    .await
    .unwrap()
}

async fn download(s: &TestServer, token: &str, sha: &str) -> StatusCode {
    s.request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(token))
        .send()
        .await
        .unwrap()
        .status()
}

/// A survey of `branch` whose photos reference `sha`.
async fn survey_with_photo(s: &TestServer, token: &str, author: &str, branch: &str, sha: &str) {
    let op = upsert(
        author,
        "d",
        now_ms() - 60_000,
        EntityKind::Survey,
        Uuid::now_v7(),
        branch,
        &[
            ("person_id", json!(Uuid::now_v7()), None),
            ("surveyor", json!(author), None),
            (
                "photos",
                json!([{"sha256": sha, "mime": "image/jpeg", "width": 4, "height": 3, "bytes": 10}]),
                None,
            ),
        ],
    );
    let res = s.push(token, &[op]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
}

#[tokio::test]
async fn photos_are_downloaded_only_by_who_may_see_a_record_that_references_them() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let li = s.user_token("li", Role::Surveyor, &["b2"]).await;
    let wang = s.user_token("wang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let county = s.user_token("county", Role::CountyViewer, &[]).await;
    let (bytes, sha) = photo(5_000, 1);
    let res = put(&s, &zhang, &sha, 0, bytes.len(), &bytes).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);

    // Not referenced yet: its uploader and the office only.
    assert_eq!(download(&s, &zhang, &sha).await, StatusCode::OK);
    assert_eq!(download(&s, &office, &sha).await, StatusCode::OK);
    assert_eq!(download(&s, &li, &sha).await, StatusCode::NOT_FOUND);
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::NOT_FOUND);

    // Referenced by a survey of b1: b1's accounts, the office and the county; not b2's.
    survey_with_photo(&s, &zhang, "zhang", "b1", &sha).await;
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::OK);
    assert_eq!(download(&s, &county, &sha).await, StatusCode::OK);
    let res = s
        .request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(&li))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "attachment_not_found").await;

    // Another account sending a chunk of a complete photo does not become its uploader.
    let (other, other_sha) = photo(3_000, 2);
    assert!(put(&s, &zhang, &other_sha, 0, other.len(), &other).await.status().is_success());
    let res = put(&s, &li, &other_sha, 0, other.len(), &other[..10]).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);
    assert_eq!(download(&s, &li, &other_sha).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_size_announced_by_another_account_does_not_block_the_real_upload() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let mallory = s.user_token("mallory", Role::Surveyor, &["b2"]).await;
    let (bytes, sha) = photo(10_000, 3);
    // Mallory announces a wrong size for the hash first (it used to bind everyone's upload).
    let res = put(&s, &mallory, &sha, 0, 99, &[0u8; 10]).await;
    assert_eq!(res.status(), StatusCode::OK);
    // The real upload goes through, in two chunks.
    let res = put(&s, &zhang, &sha, 0, bytes.len(), &bytes[..4_000]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = put(&s, &zhang, &sha, 4_000, bytes.len(), &bytes[4_000..]).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);
    // The announced size still binds its own claimant's upload.
    let res = put(&s, &zhang, &photo(100, 4).1, 0, 100, &[1u8; 10]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = put(&s, &zhang, &photo(100, 4).1, 10, 50, &[1u8; 10]).await;
    assert_error(res, StatusCode::CONFLICT, "attachment_total_mismatch").await;
}

#[tokio::test]
async fn abandoned_partial_uploads_expire() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let (bytes, sha) = photo(10_000, 5);
    let res = put(&s, &zhang, &sha, 0, bytes.len(), &bytes[..3_000]).await;
    assert_eq!(res.json::<AttachmentStatus>().await.unwrap().received, 3_000);
    let tmp = s.data_dir.path().join("attachments").join("tmp");
    let mut held: Vec<String> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().rsplit('.').next().unwrap().to_owned())
        .collect();
    held.sort();
    assert_eq!(held, ["lock", "part", "total"], "a part, its size and its lock file");

    // A fresh upload is kept by the sweep; one older than the TTL is removed.
    assert_eq!(s.state.attachments.sweep_expired(Duration::from_secs(3600)).await.unwrap(), 0);
    assert_eq!(s.state.attachments.sweep_expired(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    let (code, body) = s.get_json(&format!("/api/v1/attachments/{sha}/status"), Some(&zhang)).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(body["received"], 0, "the uploader starts again");
    let res = put(&s, &zhang, &sha, 0, bytes.len(), &bytes).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);
}

/// The download check reads which records reference each photo from an index built by one scan
/// and kept until an operation is stored (`store::photo_refs`): a reference pushed after the
/// index was built, and a referencing record deleted after, are both seen at the next download.
/// A photo the server does not hold is not found whoever asks.
#[tokio::test]
async fn the_photo_reference_index_follows_every_stored_change() {
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let wang = s.user_token("wang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let (bytes, sha) = photo(3_000, 9);
    assert!(put(&s, &zhang, &sha, 0, bytes.len(), &bytes).await.status().is_success());
    assert_eq!(download(&s, &office, &"e".repeat(64)).await, StatusCode::NOT_FOUND);
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::NOT_FOUND, "index built: no reference");

    let id = Uuid::now_v7();
    let photos =
        json!([{"sha256": sha, "mime": "image/jpeg", "width": 4, "height": 3, "bytes": 10}]);
    let t = now_ms() - 60_000;
    let survey = upsert(
        "zhang",
        "d",
        t,
        EntityKind::Survey,
        id,
        "b1",
        &[
            ("person_id", json!(Uuid::now_v7()), None),
            ("surveyor", json!("zhang"), None),
            ("photos", photos, None),
        ],
    );
    s.push_accepted(&zhang, &[survey]).await;
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::OK, "the new reference is seen");
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::OK);

    let mut delete = upsert("zhang", "d", t + 1, EntityKind::Survey, id, "b1", &[]);
    delete.kind = shared::op::OpKind::Delete;
    s.push_accepted(&zhang, &[delete]).await;
    assert_eq!(download(&s, &wang, &sha).await, StatusCode::NOT_FOUND, "the deletion is seen");
}
