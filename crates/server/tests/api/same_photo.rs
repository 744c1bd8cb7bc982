//! Trial same-photo (docs/RELIABILITY.md, issue "fault trials" 5): one photo referenced by two
//! surveys of two tablets, and twice by a third survey, is stored once and every reference
//! resolves; its upload, in the app's 256 KiB chunks, is interrupted at every chunk boundary —
//! the connection cut after a random part of the chunk's body was sent, or the whole chunk sent
//! and the answer never read — and resumes from what the server says it holds.
//!
//! Each run draws a photo of 1–6 chunks plus a random tail; the second tablet asks the status,
//! finds it complete and sends nothing. `FIELD_TRIAL_PHOTO_RUNS` runs (default 3, what
//! `scripts/test.sh` runs; `scripts/trials.sh` runs 50), `FIELD_TRIAL_SEED` the seed.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{AttachmentStatus, OpStatus};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::common::{TestServer, upsert};

/// The app's chunk size (`src/sync/plan.rs`, `CHUNK_BYTES`).
const CHUNK: usize = 256 * 1024;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// A PUT of `body[..sent]` announced as `body.len()` bytes on a raw connection that is then
/// closed without reading the answer: a cut request (`sent < body.len()`) or a lost answer.
async fn interrupted_put(
    s: &TestServer,
    token: &str,
    sha: &str,
    offset: usize,
    total: usize,
    body: &[u8],
    sent: usize,
) {
    let addr = s.base.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /api/v1/attachments/{sha}?offset={offset}&total={total} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body[..sent]).await.unwrap();
    conn.flush().await.unwrap();
    drop(conn);
}

async fn status(s: &TestServer, token: &str, sha: &str) -> AttachmentStatus {
    let (code, body) = s.get_json(&format!("/api/v1/attachments/{sha}/status"), Some(token)).await;
    assert_eq!(code, StatusCode::OK);
    serde_json::from_value(body).unwrap()
}

/// Send `bytes[offset..end]`; on `offset_mismatch` the server's count. `Ok` holds the status.
async fn put(
    s: &TestServer,
    token: &str,
    sha: &str,
    offset: usize,
    bytes: &[u8],
    end: usize,
) -> Result<AttachmentStatus, usize> {
    let res = s
        .request(
            Method::PUT,
            &format!("/api/v1/attachments/{sha}?offset={offset}&total={}", bytes.len()),
            Some(token),
        )
        .body(bytes[offset..end].to_vec())
        .send()
        .await
        .unwrap();
    if res.status() == StatusCode::CONFLICT {
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "offset_mismatch", "{body}");
        return Err(body["error"]["received"].as_u64().unwrap() as usize);
    }
    assert_eq!(res.status(), StatusCode::OK);
    Ok(res.json().await.unwrap())
}

async fn survey_with_photos(
    s: &TestServer,
    token: &str,
    author: &str,
    branch: &str,
    shas: &[&str],
) {
    let photos: Vec<_> = shas
        .iter()
        .map(|sha| json!({"sha256": sha, "mime": "image/jpeg", "width": 4, "height": 3, "bytes": 10}))
        .collect();
    let op = upsert(
        author,
        author,
        now_ms() - 60_000,
        EntityKind::Survey,
        Uuid::now_v7(),
        branch,
        &[
            ("person_id", json!(Uuid::now_v7()), None),
            ("surveyor", json!(author), None),
            ("photos", json!(photos), None),
        ],
    );
    let res = s.push(token, &[op]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
}

#[tokio::test]
async fn trial_the_same_photo_twice_is_stored_once_and_resumes_at_every_chunk_boundary() {
    let runs = env_number("FIELD_TRIAL_PHOTO_RUNS", 3);
    let seed = env_number("FIELD_TRIAL_SEED", rand::random());
    let mut rng = StdRng::seed_from_u64(seed);
    let began = Instant::now();
    let s = TestServer::start().await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let li = s.user_token("li", Role::Surveyor, &["b2"]).await;
    let wang = s.user_token("wang", Role::Surveyor, &["b1"]).await;
    let root = s.data_dir.path().join("attachments");
    let (mut faults, mut lost, mut duplicated, mut chunks_total, mut resent) = (0, 0, 0, 0, 0);
    for run in 0..runs {
        let len = rng.gen_range(1..=6) * CHUNK + rng.gen_range(0..CHUNK);
        let bytes: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
        let sha = shared::op::hex(&Sha256::digest(&bytes));

        // Referenced first (saved offline, synced before the photo is up): twice by zhang's
        // survey of b1, once by li's of b2, once by wang's of b1.
        survey_with_photos(&s, &zhang, "zhang", "b1", &[&sha, &sha]).await;
        survey_with_photos(&s, &li, "li", "b2", &[&sha]).await;
        survey_with_photos(&s, &wang, "wang", "b1", &[&sha]).await;

        // Zhang's tablet uploads chunk by chunk; every chunk's first attempt is interrupted.
        let mut offset = 0;
        let mut complete = false;
        while !complete {
            let end = (offset + CHUNK).min(len);
            chunks_total += 1;
            let body = &bytes[offset..end];
            // A cut request (0..len-1 bytes of the body) or a lost answer (all of it).
            let sent = if rng.gen_bool(0.5) { rng.gen_range(0..body.len()) } else { body.len() };
            interrupted_put(&s, &zhang, &sha, offset, len, body, sent).await;
            faults += 1;
            // The app resumes from what the server holds (it asks first, then sends).
            let held = status(&s, &zhang, &sha).await;
            assert!(
                held.complete || held.received as usize == offset || held.received as usize == end,
                "run {run}: {held:?} after an interrupted chunk {offset}..{end}"
            );
            offset = held.received as usize;
            complete = held.complete;
            while !complete && offset < len {
                let end = (offset + CHUNK).min(len);
                match put(&s, &zhang, &sha, offset, &bytes, end).await {
                    Ok(st) => {
                        complete = st.complete;
                        offset = st.received as usize;
                        break;
                    }
                    // The lost answer's chunk landed meanwhile: resume from the server's count.
                    Err(received) => {
                        resent += 1;
                        offset = received;
                    }
                }
            }
            // All bytes are held: the server verifies the hash and moves the file into place
            // (a status read in between says every byte is held but not yet complete).
            let mut waits = 0;
            while offset >= len && !complete {
                complete = status(&s, &zhang, &sha).await.complete;
                waits += 1;
                assert!(waits < 100, "run {run}: every byte held but never complete");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }

        // Li's tablet holds the same photo: the server has it, so nothing is sent.
        assert!(status(&s, &li, &sha).await.complete, "run {run}: li sees it complete");

        // Stored once: one complete file under its hash, no part left behind.
        let copies = std::fs::read_dir(&root)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&sha[..16]))
            .count();
        // Parts and sizes left over (an upload's empty lock file stays until the sweep).
        let parts = std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(&sha) && !name.ends_with(".lock"))
            .count();
        duplicated += copies.saturating_sub(1) + parts;
        // Every reference resolves, byte for byte, for each record's readers.
        for token in [&zhang, &li, &wang] {
            match s.download_photo(token, &sha).await {
                Some(got) if got == bytes => {}
                _ => lost += 1,
            }
        }
    }
    let seconds = began.elapsed().as_secs_f64();
    println!(
        "TRIAL|same-photo|{runs}|{faults}|{lost}|{duplicated}|{seconds:.0}|{chunks_total} chunks \
         each interrupted once (cut request or lost answer), {resent} resends refused as already \
         held; 4 references (3 surveys, 2 branches) per photo; seed {seed}"
    );
    assert_eq!((lost, duplicated), (0, 0));
}
