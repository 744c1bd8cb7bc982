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

    assert_eq!(s.download_photo(&token, &sha).await.as_deref(), Some(bytes.as_slice()));

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

/// The office's disk kept for the database: a photo that would leave less than the floor free
/// is refused in words (`507 storage_full`), nothing of it is kept (the tablet sends it again
/// from its start once there is room), and the same tablet's records still go through. An
/// export file carrying a photo is refused the same way, with nothing of its records applied.
#[tokio::test]
async fn a_photo_that_would_take_the_databases_room_is_refused_and_records_still_go() {
    // More than any disk holds: every photo is over the floor.
    let s = TestServer::start_with_limits(server::limits::Limits {
        min_free_bytes: u64::MAX / 2,
        ..server::limits::Limits::default()
    })
    .await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let (bytes, sha) = photo(10_000);
    let res = put(&s, &token, &sha, 0, bytes.len(), &bytes).await;
    let body = assert_error(res, StatusCode::INSUFFICIENT_STORAGE, "storage_full").await;
    let words = body["error"]["message"].as_str().unwrap();
    assert!(words.contains("磁盘空间不足"), "{words}");
    assert!(!words.contains("bytes free"), "the detail is for the log: {words}");
    assert_eq!(
        status(&s, &token, &sha).await,
        AttachmentStatus { received: 0, total: 0, complete: false }
    );

    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let op = crate::common::new_person("zhang", "b1", now);
    s.push_accepted(&token, std::slice::from_ref(&op)).await;

    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let later = crate::common::new_person("zhang", "b1", now + 1);
    let contents = shared::export::Contents {
        operations: vec![later],
        attachments: vec![shared::export::ExportAttachment::new("image/jpeg", &bytes)],
    };
    let file = shared::export::encode(
        uuid::Uuid::now_v7(),
        "zhang",
        "2026-11-20T10:00:00Z",
        shared::export::Scope::Pending,
        &contents,
        None,
    )
    .unwrap()
    .into_bytes();
    let res =
        s.request(Method::POST, "/api/v1/import", Some(&office)).body(file).send().await.unwrap();
    assert_error(res, StatusCode::INSUFFICIENT_STORAGE, "storage_full").await;
    assert_eq!(s.db().count("SELECT COUNT(*) FROM ops", &[]).await, 1);
}

/// Downloads of a large photo stream from its file: eight clients that ask for a 48 MiB photo
/// and read none of it hold a piece each in the server, not the photo (they used to take it
/// whole into memory each: +384 MiB). Measured on the real binary from /proc.
#[tokio::test]
async fn downloads_of_a_large_photo_at_once_keep_the_server_memory_bounded() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const MIB: u64 = 1024;
    let server = crate::real_server::RealServer::start(
        &[("office", "town_office")],
        crate::common::PASSWORD,
    )
    .await;
    let client = reqwest::Client::new();
    let token = crate::real_server::sign_in(
        &client,
        &server.base,
        "office",
        crate::common::PASSWORD,
        uuid::Uuid::now_v7(),
    )
    .await;
    let (bytes, sha) = photo(48 << 20);
    for offset in (0..bytes.len()).step_by(8 << 20) {
        let end = (offset + (8 << 20)).min(bytes.len());
        let res = client
            .put(format!(
                "{}/api/v1/attachments/{sha}?offset={offset}&total={}",
                server.base,
                bytes.len()
            ))
            .bearer_auth(&token)
            .body(bytes[offset..end].to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    // Read whole once: the right bytes, with their length announced.
    let res = client
        .get(format!("{}/api/v1/attachments/{sha}", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.content_length(), Some(bytes.len() as u64));
    assert!(res.bytes().await.unwrap() == bytes);

    let before = server.kib("VmRSS").max(server.kib("VmHWM"));
    let mut readers = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
        let request = format!(
            "GET /api/v1/attachments/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Authorization: Bearer {token}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut head = [0u8; 64];
        let n = stream.read(&mut head).await.unwrap();
        assert!(head[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head[..n]));
        readers.push(stream); // and read no more
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let growth = server.kib("VmHWM").saturating_sub(before);
    eprintln!("8 unread downloads of a 48 MiB photo: peak RSS +{} MiB", growth / MIB);
    assert!(growth < 96 * MIB, "peak RSS grew by {} MiB", growth / MIB);
    drop(readers);
}

/// One account's photos of a day are bounded (`--photo-mb-per-day`): past it a chunk is
/// refused in words with when to come back (`429 photo_quota` and `Retry-After`), nothing of
/// it kept, while another account's photos and the account's own records still go.
#[tokio::test]
async fn an_accounts_photos_of_a_day_are_bounded() {
    let s = TestServer::start_with_limits(server::limits::Limits {
        photo_mb_per_day: 1,
        ..server::limits::Limits::default()
    })
    .await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let li = s.user_token("li", Role::Surveyor, &["b1"]).await;
    let (first, first_sha) = photo(700_000);
    let res = put(&s, &zhang, &first_sha, 0, first.len(), &first).await;
    assert_eq!(res.status(), StatusCode::OK);

    let (second, second_sha) = photo(600_000);
    let res = put(&s, &zhang, &second_sha, 0, second.len(), &second).await;
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 24 * 3600, "{wait}");
    let body = assert_error(res, StatusCode::TOO_MANY_REQUESTS, "photo_quota").await;
    let words = body["error"]["message"].as_str().unwrap();
    assert!(words.contains("1 MB") && words.contains("留在平板上"), "{words}");
    assert_eq!(status(&s, &zhang, &second_sha).await.received, 0);

    let res = put(&s, &li, &second_sha, 0, second.len(), &second).await;
    assert_eq!(res.status(), StatusCode::OK, "another account's day is its own");
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    s.push_accepted(&zhang, &[crate::common::new_person("zhang", "b1", now)]).await;
}
