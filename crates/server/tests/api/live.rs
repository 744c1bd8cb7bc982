//! Live updates (`GET /api/v1/sync/wait`): a tablet holding the request open is answered as
//! soon as something it may see is stored — not for another branch's or town's news — and
//! after its timeout with `changed: false`. Runs on both stores.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use shared::roles::Role;
use shared::sync::WaitResponse;

use crate::common::{TestServer, assert_error, new_person};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

async fn wait(s: &TestServer, token: &str, cursor: u64, timeout: u64) -> (WaitResponse, Duration) {
    let began = Instant::now();
    let res = s
        .request(
            Method::GET,
            &format!("/api/v1/sync/wait?cursor={cursor}&timeout={timeout}"),
            Some(token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    (res.json().await.unwrap(), began.elapsed())
}

#[tokio::test]
async fn a_waiting_tablet_is_answered_when_something_it_may_see_is_stored() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    s.push(&office, &[new_person("office", "b1", now_ms() - 10_000)]).await;

    // Something after its cursor already: answered at once.
    let (answer, _) = wait(&s, &zhang, 0, 30).await;
    assert!(answer.changed);
    let cursor = s.pull(&zhang, 0, 100).await.cursor;

    // Nothing new: held, then answered `changed: false` after the timeout.
    let (answer, took) = wait(&s, &zhang, cursor, 1).await;
    assert!(!answer.changed);
    assert!(took >= Duration::from_millis(900), "held for its timeout, answered after {took:?}");

    // The office stores a member of zhang's branch while zhang waits: answered then, long
    // before the 30 s timeout.
    let waiting = {
        let (s, zhang) = (&s, zhang.clone());
        async move { wait(s, &zhang, cursor, 30).await }
    };
    let storing = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        s.push(&office, &[new_person("office", "b1", now_ms() - 5_000)]).await;
    };
    let ((answer, took), ()) = tokio::join!(waiting, storing);
    assert!(answer.changed);
    assert!(took < Duration::from_secs(20), "answered when stored, not at the timeout: {took:?}");

    // Another branch's news is not zhang's: the wait runs to its timeout.
    let cursor = s.pull(&zhang, cursor, 100).await.cursor;
    let waiting = {
        let (s, zhang) = (&s, zhang.clone());
        async move { wait(s, &zhang, cursor, 2).await }
    };
    let storing = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        s.push(&office, &[new_person("office", "b2", now_ms() - 4_000)]).await;
    };
    let ((answer, took), ()) = tokio::join!(waiting, storing);
    assert!(!answer.changed, "b2's member woke a b1 surveyor");
    assert!(took >= Duration::from_millis(1_900), "{took:?}");
}

#[tokio::test]
async fn another_towns_news_does_not_answer_and_bad_requests_are_refused() {
    let s = TestServer::start().await;
    let (a, b) = (s.town("东岙镇").await, s.town("象山镇").await);
    let office_a = s.user_token_in(Some(a), "office_a", Role::TownOffice, &[]).await;
    let office_b = s.user_token_in(Some(b), "office_b", Role::TownOffice, &[]).await;
    let cursor = s.pull(&office_a, 0, 100).await.cursor;
    let waiting = wait(&s, &office_a, cursor, 2);
    let storing = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        s.push(&office_b, &[new_person("office_b", "b1", now_ms() - 4_000)]).await;
    };
    let ((answer, _), ()) = tokio::join!(waiting, storing);
    assert!(!answer.changed, "town B's member woke town A's office");

    let res = s.request(Method::GET, "/api/v1/sync/wait?cursor=0", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = s
        .request(Method::GET, "/api/v1/sync/wait?cursor=many", Some(&office_a))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::BAD_REQUEST, "invalid_query").await;
}

/// Wait until the server holds `count` live-update waits (so the order of arrival is known).
async fn until_held(s: &TestServer, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while s.state.waits.held() != count {
        assert!(Instant::now() < deadline, "{} waits held, not {count}", s.state.waits.held());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A wait sent in the background: its answer's status and body.
fn wait_in_background(
    s: &TestServer,
    token: &str,
    cursor: u64,
) -> tokio::task::JoinHandle<(StatusCode, String)> {
    let request = s.request(
        Method::GET,
        &format!("/api/v1/sync/wait?cursor={cursor}&timeout=60"),
        Some(token),
    );
    tokio::spawn(async move {
        let res = request.send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    })
}

/// Answered within 15 s (a wait held to its 60 s timeout is not).
async fn answered(
    wait: tokio::task::JoinHandle<(StatusCode, String)>,
    what: &str,
) -> (StatusCode, String) {
    tokio::time::timeout(Duration::from_secs(15), wait)
        .await
        .unwrap_or_else(|_| panic!("{what}: not answered"))
        .unwrap()
}

/// A device holds at most two waits: its third takes the oldest one's place, which is answered
/// at once `503 busy` (the tablet backs off; answered "nothing new" it would ask again at once).
/// The server then holds two, and a push still wakes both.
#[tokio::test]
async fn a_device_s_third_wait_ends_its_oldest_and_a_push_wakes_the_others() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let cursor = s.pull(&zhang, 0, 100).await.cursor;
    let oldest = wait_in_background(&s, &zhang, cursor);
    until_held(&s, 1).await;
    let second = wait_in_background(&s, &zhang, cursor);
    until_held(&s, 2).await;
    let third = wait_in_background(&s, &zhang, cursor);
    let (status, body) = answered(oldest, "the oldest wait").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("\"busy\""), "{body}");
    until_held(&s, 2).await;
    s.push(&office, &[new_person("office", "b1", now_ms() - 5_000)]).await;
    for (wait, what) in [(second, "the second wait"), (third, "the third wait")] {
        let (status, body) = answered(wait, what).await;
        assert_eq!(status, StatusCode::OK, "{what}: {body}");
        assert!(serde_json::from_str::<WaitResponse>(&body).unwrap().changed, "{what}");
    }
    until_held(&s, 0).await;
}

/// Beyond the server's bound on waits a wait is answered at once `503 busy` with
/// `Retry-After`, and held normally again once there is room.
#[tokio::test]
async fn waits_beyond_the_server_s_bound_are_answered_busy_at_once() {
    let s = TestServer::start_with_limits(server::limits::Limits {
        max_waits: 1,
        ..Default::default()
    })
    .await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let cursor = s.pull(&zhang, 0, 100).await.cursor;
    let held = wait_in_background(&s, &zhang, cursor);
    until_held(&s, 1).await;
    let office_cursor = s.pull(&office, 0, 100).await.cursor;
    let res = s
        .request(
            Method::GET,
            &format!("/api/v1/sync/wait?cursor={office_cursor}&timeout=60"),
            Some(&office),
        )
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("retry-after"));
    assert_error(res, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
    // zhang's wait is still held, and answered by news.
    s.push(&office, &[new_person("office", "b1", now_ms() - 5_000)]).await;
    let (status, body) = answered(held, "the held wait").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    until_held(&s, 0).await;
    // Room again: a wait is held (to its timeout), not refused.
    let office_cursor = s.pull(&office, office_cursor, 100).await.cursor;
    let (answer, _) = wait(&s, &office, office_cursor, 1).await;
    assert!(!answer.changed);
}
