//! A new release reaches an open tablet as a banner; one tap installs it and reloads. An app
//! older than the server's minimum sync protocol says 请更新应用 and keeps its changes.

use std::time::Duration;

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, testid};

const APP_SHELL: &str = "[data-testid=\"nav-people\"]";
const UPDATE_BUTTON: &str = "update-banner-button";

/// Simulates a new release on the server: a service worker with another build version.
fn publish_new_release(harness: &Harness) {
    let path = harness.dist().join("sw.js");
    let source = std::fs::read_to_string(&path).unwrap();
    let line = source
        .lines()
        .find(|line| line.starts_with("const BUILD_VERSION = "))
        .expect("a stamped sw.js")
        .to_owned();
    std::fs::write(&path, source.replace(&line, "const BUILD_VERSION = \"e2e-next\";")).unwrap();
}

/// Publishes a new release and has the open page's service worker look for it at once.
async fn offer_new_release(harness: &Harness, browser: &Browser) {
    publish_new_release(harness);
    browser
        .eval("return navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true);")
        .await
        .unwrap();
}

/// Waits until the page has reloaded (the marker set before is gone) under a service worker.
async fn wait_for_reload_under_new_version(browser: &Browser) {
    browser
        .wait_until(
            "the page to reload under the new version",
            "return window.__beforeUpdate === undefined && !!navigator.serviceWorker.controller;",
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn new_version_waits_for_the_banner_then_takes_over() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for_service_worker(Duration::from_secs(30)).await.unwrap();
    assert!(
        !browser.exists("[data-testid=\"update-banner\"]").await.unwrap(),
        "no banner while the installed version is the newest"
    );

    offer_new_release(&harness, &browser).await;
    let button = browser
        .wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30))
        .await
        .expect("the banner offers the new version");
    assert_eq!(button.text().await.unwrap(), "有新版本，点击更新");

    // The new worker waits: it does not take over by itself. Shown without waiting for time to
    // pass: update jobs of a registration run one after another, and a worker that activated by
    // itself (`skipWaiting()` while installing) does so inside the install job. So once a second
    // `update()` has finished, that activation would already have happened: the waiting worker
    // would be gone from `waiting` and have left the `installed` state.
    let after_second_update = browser
        .eval(
            r#"return navigator.serviceWorker.getRegistration().then(async r => {
                 const waiting = r.waiting;
                 if (!waiting) return 'no waiting worker';
                 await r.update();
                 return [r.waiting === waiting, waiting.state, r.active !== waiting];
               });"#,
        )
        .await
        .unwrap();
    assert_eq!(
        after_second_update,
        serde_json::json!([true, "installed", true]),
        "the new version must wait for the user"
    );

    browser.eval("window.__beforeUpdate = true; return true;").await.unwrap();
    button.click().await.unwrap();
    wait_for_reload_under_new_version(&browser).await;
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();

    // Only the new version's shell cache is left.
    browser
        .wait_until(
            "the old shell cache to be deleted",
            "return caches.keys().then(k => JSON.stringify(k) === '[\"sizheng-shell-e2e-next\"]');",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    assert!(!browser.exists("[data-testid=\"update-banner\"]").await.unwrap());
    browser.close().await.unwrap();
}

/// A new worker's precache takes a file from the browser's HTTP cache only when it is the copy
/// its list names (the integrity hash): the files the page has just fetched are not fetched
/// again (PERFORMANCE.md, "Session 33"), and a file changed on the server since the browser
/// kept it comes from the server. Here an icon, which the server sends without a cache lifetime
/// and with an old date: the browser keeps it without asking, so the new worker's first try
/// (`only-if-cached`) meets the old copy, or nothing if the browser dropped it, and so may its
/// second (through the HTTP cache, since session 46: public/sw.js `fetchChecked`), which the
/// integrity check refuses; either way the new icon must come from the server (the third try,
/// past that cache). The one test of that last step.
#[tokio::test]
async fn a_new_release_precaches_a_changed_file_not_the_copy_the_browser_kept() {
    const ICON: &str = "icons/icon-192.png";
    let harness = Harness::start().await.expect("start server and chromedriver");
    let icon = harness.dist().join(ICON);
    let long_ago = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_836_800);
    std::fs::File::options().write(true).open(&icon).unwrap().set_modified(long_ago).unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for_service_worker(Duration::from_secs(30)).await.unwrap();

    // The release: the icon changes, and the precache list names its new hash.
    let old = std::fs::read(&icon).unwrap();
    let mut new = old.clone();
    new.extend_from_slice(b"e2e-next");
    std::fs::write(&icon, &new).unwrap();
    let integrity = |bytes: &[u8]| {
        use base64::Engine as _;
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(bytes);
        format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
    };
    let sw = harness.dist().join("sw.js");
    let source = std::fs::read_to_string(&sw).unwrap();
    assert!(source.contains(&integrity(&old)), "sw.js lists the icon's hash");
    std::fs::write(&sw, source.replace(&integrity(&old), &integrity(&new))).unwrap();
    offer_new_release(&harness, &browser).await;
    browser
        .wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30))
        .await
        .expect("the new version installed");
    let cached = browser
        .eval(&format!(
            "return caches.open('sizheng-shell-e2e-next').then(c => c.match('/{ICON}'))
               .then(r => r ? r.arrayBuffer() : null)
               .then(b => b ? Array.from(new Uint8Array(b)) : null);"
        ))
        .await
        .unwrap();
    let cached: Option<Vec<u8>> = serde_json::from_value(cached).unwrap();
    assert!(cached.as_deref() == Some(new.as_slice()), "the new version's icon is precached");
    browser.close().await.unwrap();
}

#[tokio::test]
async fn banner_asks_to_save_first_while_a_form_has_unsaved_input() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/#/survey/new")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.wait_for_service_worker(Duration::from_secs(30)).await.unwrap();
    browser.wait_for("[data-testid=\"survey-name\"]", FIRST_LOAD_TIMEOUT).await.unwrap();

    offer_new_release(&harness, &browser).await;
    browser.wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30)).await.unwrap();
    browser.eval("window.__beforeUpdate = true; return true;").await.unwrap();

    // Type, and tap the banner as soon as the form shows the input as unsaved: in the same task
    // as the change is seen, so the autosave (a timer of 0.7 s) cannot run before the tap. Every
    // message the page posts to a service worker is recorded: a tap that updates posts
    // SKIP_WAITING at once, inside the click, so an empty record right after the click shows
    // that no update (and no reload) was started.
    let tapped = browser
        .eval(
            r#"window.__posted = [];
               const post = ServiceWorker.prototype.postMessage;
               ServiceWorker.prototype.postMessage = function (message, ...rest) {
                 window.__posted.push(message && message.type);
                 return post.call(this, message, ...rest);
               };
               const name = document.querySelector('[data-testid="survey-name"]');
               const state = document.querySelector('[data-testid="save-state"]');
               return new Promise(done => {
                 const watch = new MutationObserver(() => {
                   if (!state.textContent.includes('有未保存的修改')) return;
                   watch.disconnect();
                   document.querySelector('[data-testid="update-banner-button"]').click();
                   done({ autosaved: document.body.textContent.includes('草稿已自动保存'), posted: window.__posted.slice() });
                 });
                 watch.observe(state, { childList: true, characterData: true, subtree: true });
                 name.value = '未保存的名字';
                 name.dispatchEvent(new Event('input', { bubbles: true }));
               });"#,
        )
        .await
        .unwrap();
    assert_eq!(
        tapped,
        serde_json::json!({"autosaved": false, "posted": []}),
        "tapped while unsaved, and the tap asked no worker to take over"
    );
    let note = browser
        .wait_for_testid("update-banner-note", Duration::from_secs(5))
        .await
        .expect("the banner asks to save first");
    assert!(note.text().await.unwrap().contains("请先保存"));
    let state = browser
        .eval(
            "return navigator.serviceWorker.getRegistration()\
               .then(r => [window.__beforeUpdate === true, !!r.waiting, window.__posted]);",
        )
        .await
        .unwrap();
    assert_eq!(
        state,
        serde_json::json!([true, true, []]),
        "no reload, the new version still waits"
    );

    // Once the draft has saved itself, the same tap updates.
    browser
        .wait_until(
            "the draft to be saved",
            "return document.querySelector('[data-testid=\"save-state\"]').textContent.includes('草稿已自动保存');",
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    browser.wait_for_testid(UPDATE_BUTTON, Duration::from_secs(5)).await.unwrap();
    // The same record sees this tap's message: the empty record above was not a blind spy.
    let posted = browser
        .eval(
            r#"document.querySelector('[data-testid="update-banner-button"]').click();
               return window.__posted.slice();"#,
        )
        .await
        .unwrap();
    assert_eq!(posted, serde_json::json!(["SKIP_WAITING"]));
    wait_for_reload_under_new_version(&browser).await;
    browser.close().await.unwrap();
}

/// Trial update-with-work (issue "fault trials" 8): a new release is installed while the tablet
/// holds work of every kind — saved drafts queued offline, changes the server refused (set
/// aside), a conflict pulled from the office — and the update loses none of it: the tablet's
/// IndexedDB reads the same before and after (records byte for byte, operations, outbox,
/// conflicts, the refused list), the counters agree, and once the network is back the queued
/// drafts reach the office once while the refused ones stay set aside for the surveyor to fix.
/// (A new IndexedDB schema version under pending work is the wasm trial `tests/upgrade.rs`,
/// which builds every earlier version's database by hand.)
#[tokio::test]
async fn trial_an_update_with_work_pending_loses_none_of_it() {
    const OFFICE: (&str, &str) = ("office", "office-pass-123");
    const SURVEYOR: (&str, &str) = ("chen_u", "field-pass-123");
    const SECRETARY: (&str, &str) = ("li_u", "field-pass-456");
    const HOME: &str = "东沙村党支部";
    const OTHER: &str = "西岙村党支部";
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", HOME, "陈调查").unwrap();
    harness.add_account(SECRETARY.0, SECRETARY.1, "branch_secretary", HOME, "李书记").unwrap();

    // A conflict on the server: the office and the secretary each set one member's phone
    // without having seen the other's.
    let member = uuid::Uuid::now_v7();
    for (who, phone) in [(OFFICE, "13800000001"), (SECRETARY, "13900000002")] {
        let mut api = e2e::Api::sign_in(&origin, who.0, who.1).await;
        let fields = std::collections::BTreeMap::from([
            ("name".to_owned(), serde_json::json!("林冲突")),
            ("branch_id".to_owned(), serde_json::json!(HOME)),
            ("phone".to_owned(), serde_json::json!(phone)),
        ]);
        let op = api.upsert(shared::record::EntityKind::Person, member, HOME, fields);
        api.push(&[op]).await;
    }

    // The tablet: a survey saved before anyone signed in, in a branch the surveyor does not
    // have (refused at the sync after sign-in), and the conflict pulled.
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.new_survey(&origin, "陈阿土", OTHER).await.unwrap();
    browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.press_sync(&origin).await.unwrap();
    browser.wait_counter("needs-action-count", 2, Duration::from_secs(30)).await.unwrap();

    // The new release is published and waiting; then, out of signal, two more drafts.
    offer_new_release(&harness, &browser).await;
    browser.wait_for_testid(UPDATE_BUTTON, Duration::from_secs(30)).await.unwrap();
    harness.stop_server();
    browser.new_survey(&origin, "王在途", HOME).await.unwrap();
    browser.new_survey(&origin, "赵在途", HOME).await.unwrap();
    browser.wait_counter("pending-count", 6, Duration::from_secs(30)).await.unwrap();
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    let before = browser.tablet_database().await.unwrap();
    assert_eq!(before["conflicts"], 1, "the conflict reached the tablet: {before}");
    assert_eq!(before["rejected"], 2, "the refused survey and member are set aside: {before}");
    // Queued: the two drafts (member + survey each); the refused left the outbox for the list
    // above, and still count as not delivered (待同步 6).
    assert_eq!(before["outbox"], 4, "{before}");

    // The update, offline.
    browser.eval("window.__beforeUpdate = true; return true;").await.unwrap();
    browser.click_testid(UPDATE_BUTTON).await.unwrap();
    wait_for_reload_under_new_version(&browser).await;
    browser.wait_for(APP_SHELL, FIRST_LOAD_TIMEOUT).await.unwrap();
    let after = browser.tablet_database().await.unwrap();
    assert_eq!(after, before, "the tablet's database across the update");
    assert_eq!(browser.counter("pending-count").await, Some(6));
    assert_eq!(browser.counter("needs-action-count").await, Some(2));

    // The network is back: the drafts reach the office once; the refused stay set aside.
    harness.start_server().await.unwrap();
    browser.press_sync(&origin).await.unwrap();
    browser.wait_counter("pending-count", 2, Duration::from_secs(30)).await.unwrap();
    assert_eq!(browser.counter("needs-action-count").await, Some(2));
    let csv = harness.office_csv("people").unwrap();
    for name in ["王在途", "赵在途"] {
        assert_eq!(csv.lines().filter(|l| l.contains(name)).count(), 1, "{name} once: {csv}");
    }
    assert!(!csv.contains("陈阿土"), "the refused member is not on the server");
    println!(
        "TRIAL|update-with-work|1|1|0|0|-|update installed offline with 2 drafts queued (4 changes), 2 refused changes set aside and 1 conflict: IndexedDB identical (digest {}), the queued reached the office once, the refused still set aside",
        before["digest"]
    );
    browser.close().await.unwrap();
}

const SHORT: Duration = Duration::from_secs(30);
const OFFICE: (&str, &str) = ("office", "office-pass-123");
const SURVEYOR: (&str, &str) = ("chen_s", "field-pass-123");
const HOME_BRANCH: &str = "东沙村党支部";

/// Trial 8, second half: the office server is upgraded past the sync protocol this app speaks
/// (`serve --min-protocol 3`; the app speaks 2). The app does not queue silently: every sync
/// ends with 请更新应用 in the top bar and, on the sync screen, what to do and that its changes
/// are kept; the count of changes waiting stays true and the office receives nothing. Once the
/// server syncs with this app again (as after the app's update), the same changes arrive once.
#[tokio::test]
async fn an_app_older_than_the_server_says_update_and_keeps_its_changes() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", HOME_BRANCH, "陈调查").unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), SURVEYOR.0, SURVEYOR.1).await.unwrap();
    assert!(!browser.exists(&testid("upgrade-required")).await.unwrap());

    harness.start_server_with(&["--min-protocol", "3"]).await.unwrap();
    browser.new_survey(&harness.base_url(), "林海生", HOME_BRANCH).await.unwrap();
    let pending = browser.counter("pending-count").await.expect("a pending count");
    assert!(pending > 0);
    for _ in 0..2 {
        browser.press_sync(&harness.base_url()).await.unwrap();
        let mark = browser.wait_for(&testid("upgrade-required"), SHORT).await.unwrap();
        assert_eq!(mark.text().await.unwrap().trim(), "请更新应用");
        let said = browser.text_of("sync-upgrade-required").await.unwrap();
        assert!(said.starts_with("请更新应用"), "{said}");
        assert!(said.contains(&format!("{pending} 条待同步的修改都已保存")), "{said}");
        assert_eq!(browser.counter("pending-count").await, Some(pending), "the count stays true");
    }
    let surveys = harness.office_csv("surveys").unwrap();
    assert!(!surveys.contains("林海生"), "nothing reached the office: {surveys}");

    // The server syncs with this app again: the changes arrive, once, and the mark goes.
    harness.start_server().await.unwrap();
    browser.sync(&harness.base_url()).await.unwrap();
    assert!(!browser.exists(&testid("upgrade-required")).await.unwrap());
    let surveys = harness.office_csv("surveys").unwrap();
    assert_eq!(surveys.lines().filter(|l| l.contains("林海生")).count(), 1, "{surveys}");
    browser.close().await.unwrap();
}
