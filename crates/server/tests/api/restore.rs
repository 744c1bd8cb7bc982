//! A database restored from an older backup: a tablet that pulled past what the backup holds
//! is told (`history_changed`) instead of missing the operations numbered again after it.

use reqwest::{Method, StatusCode};
use shared::sync::{ApiError, ApiErrorBody, HISTORY_CHANGED, PullResponse, WaitResponse};

use crate::common::{Data, TestServer, assert_error, new_person};
use shared::roles::Role;

/// What a tablet keeps after a pull: the cursor and its check.
fn position(page: &PullResponse) -> (u64, String) {
    (page.cursor, page.cursor_check.clone().expect("a cursor past 0 comes with its check"))
}

#[tokio::test]
async fn a_restored_backup_is_told_to_a_tablet_that_pulled_past_it() {
    let s = TestServer::start_in(Data::fresh().await, None).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    s.push_accepted(&zhang, &[new_person("zhang", "b1", 1_000), new_person("zhang", "b1", 1_001)])
        .await;
    let before = position(&s.pull(&office, 0, 1_000).await);
    let data = s.stop().await;
    let backup = data.backup().await;

    // After the backup: more work, pulled by the office's tablet.
    let s = TestServer::start_in(data, None).await;
    let lost = [new_person("zhang", "b1", 2_000), new_person("zhang", "b1", 2_001)];
    s.push_accepted(&zhang, &lost).await;
    let after = position(&s.pull(&office, 0, 1_000).await);
    assert!(after.0 > before.0);
    // The same cursor and check, asked again, are still good.
    let res = s.pull_checked(&office, after.0, &after.1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut data = s.stop().await;

    // The backup goes back in place, and a new operation takes the numbers the lost ones had.
    data.restore(&backup).await;
    let s = TestServer::start_in(data, None).await;
    let renumbered = new_person("zhang", "b1", 3_000);
    s.push_accepted(&zhang, std::slice::from_ref(&renumbered)).await;
    let (all, _) = s.pull_all(&office, 1_000).await;
    assert!(!all.iter().any(|op| lost.iter().any(|l| l.id == op.id)), "the backup predates them");

    // The tablet that pulled past the backup is told, at once and every time.
    for _ in 0..2 {
        let res = s.pull_checked(&office, after.0, &after.1).await;
        let body = assert_error(res, StatusCode::CONFLICT, HISTORY_CHANGED).await;
        let answer: ApiErrorBody = serde_json::from_value(body).unwrap();
        assert_eq!(answer.error, ApiError::history_changed(), "what the tablet's tests answer");
    }
    // Its live-update wait answers at once, so it pulls and learns of it.
    let path = format!("/api/v1/sync/wait?cursor={}&check={}&timeout=30", after.0, after.1);
    let started = std::time::Instant::now();
    let res = s.request(Method::GET, &path, Some(&office)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<WaitResponse>().await.unwrap(), WaitResponse { changed: true });
    assert!(started.elapsed().as_secs() < 20, "not held to its timeout");

    // A tablet whose cursor the backup holds goes on as before, and gets the new operation.
    let res = s.pull_checked(&office, before.0, &before.1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: PullResponse = res.json().await.unwrap();
    assert_eq!(page.ops.iter().map(|o| o.id).collect::<Vec<_>>(), [renumbered.id]);
    // From the start, every operation the server holds.
    let (from_start, _) = s.pull_all(&office, 1_000).await;
    assert_eq!(from_start.len(), 3);
    s.stop().await;
}

#[tokio::test]
async fn a_check_is_bounded_and_hex() {
    let s = TestServer::start_in(Data::fresh().await, None).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let first = new_person("zhang", "b1", 1_000);
    s.push_accepted(&zhang, std::slice::from_ref(&first)).await;
    let (cursor, check) = position(&s.pull(&zhang, 0, 100).await);
    assert_eq!(check.len(), 16);
    for bad in ["x".repeat(16), "a".repeat(33), "%22%3E".to_owned()] {
        let res = s.pull_checked(&zhang, cursor, &bad).await;
        assert_error(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    }
    // A well-formed check that names another operation.
    let res = s.pull_checked(&zhang, cursor, "0000000000000000").await;
    assert_error(res, StatusCode::CONFLICT, HISTORY_CHANGED).await;
    // A cursor past anything stored, with a check.
    let res = s.pull_checked(&zhang, cursor + 100, &check).await;
    assert_error(res, StatusCode::CONFLICT, HISTORY_CHANGED).await;
    // No check, as older apps pull: answered as before.
    let page = s.pull(&zhang, cursor + 100, 100).await;
    assert!(page.ops.is_empty());
    // The last operation the tablet had acknowledged must still be stored.
    let acked = |id: String| {
        let path = format!("/api/v1/sync/pull?cursor={cursor}&check={check}&acked={id}");
        s.request(Method::GET, &path, Some(&zhang)).send()
    };
    assert_eq!(acked(first.id.to_string()).await.unwrap().status(), StatusCode::OK);
    let res = acked(uuid::Uuid::now_v7().to_string()).await.unwrap();
    assert_error(res, StatusCode::CONFLICT, HISTORY_CHANGED).await;
    let res = acked("not-a-uuid".to_owned()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Cursor 0 needs no check, whatever is sent.
    let res = s.pull_checked(&zhang, 0, "0000000000000000").await;
    assert_eq!(res.status(), StatusCode::OK);
}
