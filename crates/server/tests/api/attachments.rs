//! Resumable, hash-verified attachment upload over real HTTP.

use crate::common::{TestServer, assert_error};
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use shared::roles::Role;
use shared::sync::AttachmentStatus;

fn photo(len: usize) -> (Vec<u8>, String) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
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

async fn status(s: &TestServer, token: &str, sha: &str) -> AttachmentStatus {
    let (code, body) = s.get_json(&format!("/api/v1/attachments/{sha}/status"), Some(token)).await;
    assert_eq!(code, StatusCode::OK);
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn interrupted_upload_resumes_and_is_verified() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let (bytes, sha) = photo(300_000);
    let total = bytes.len();

    assert_eq!(
        status(&s, &token, &sha).await,
        AttachmentStatus { received: 0, total: 0, complete: false }
    );

    // First chunk arrives, then the connection "drops".
    let res = put(&s, &token, &sha, 0, total, &bytes[..100_000]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let st = status(&s, &token, &sha).await;
    assert_eq!(st, AttachmentStatus { received: 100_000, total: total as u64, complete: false });

    // The tablet retries from 0 without asking: told where to resume.
    let res = put(&s, &token, &sha, 0, total, &bytes[..100_000]).await;
    let body = assert_error(res, StatusCode::CONFLICT, "offset_mismatch").await;
    assert_eq!(body["error"]["received"], 100_000);

    // Resume from the offset the server holds.
    let resume = body["error"]["received"].as_u64().unwrap() as usize;
    let res = put(&s, &token, &sha, resume, total, &bytes[resume..200_000]).await;
    assert_eq!(res.json::<AttachmentStatus>().await.unwrap().received, 200_000);
    let res = put(&s, &token, &sha, 200_000, total, &bytes[200_000..]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);

    let res = s
        .request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // Uploading a complete attachment again is a no-op success.
    let res = put(&s, &token, &sha, 0, total, &bytes[..10]).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);
}

#[tokio::test]
async fn content_that_does_not_match_its_hash_is_discarded() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let (bytes, sha) = photo(1_000);
    let mut tampered = bytes.clone();
    tampered[500] ^= 0xff;
    let res = put(&s, &token, &sha, 0, 1_000, &tampered).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "attachment_hash_mismatch").await;
    assert_eq!(
        status(&s, &token, &sha).await,
        AttachmentStatus { received: 0, total: 0, complete: false }
    );
    let res = s
        .request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(&token))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "attachment_not_found").await;

    // The right bytes then go through.
    let res = put(&s, &token, &sha, 0, 1_000, &bytes).await;
    assert!(res.json::<AttachmentStatus>().await.unwrap().complete);
}

#[tokio::test]
async fn bad_names_and_readers_are_refused() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let county = s.user_token("county", Role::CountyViewer, &[]).await;
    let res = put(&s, &token, "not-a-hash", 0, 3, b"abc").await;
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_sha256").await;
    let (_, sha) = photo(3);
    let res = put(&s, &token, &sha, 0, 2, b"abc").await;
    assert_error(res, StatusCode::BAD_REQUEST, "chunk_past_end").await;
    let res = put(&s, &county, &sha, 0, 3, b"abc").await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = s
        .request(Method::PUT, &format!("/api/v1/attachments/{sha}?offset=0"), Some(&token))
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_query").await;
}
