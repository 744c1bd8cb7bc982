//! Trial browser-kills-at-random (docs/RELIABILITY.md, issue "fault trials" 7): Chromium is
//! SIGKILLed at a random moment while the tablet saves a survey or pulls the office's changes,
//! then reopened on the same profile. After every kill:
//!
//! * **save**: the survey's notes were changed in one input (one change); after reopening the
//!   form shows either the notes before or after it — never anything else — and if the form
//!   said 草稿已自动保存 before the kill, the change is there;
//! * **pull**: the office had just added 1,200 members (three pull pages); the tablet's members
//!   from the office are exactly those of the operations up to its stored pull cursor (a page
//!   and its cursor are written in one transaction), read from its IndexedDB and from the
//!   server's SQLite file;
//!
//! and at the end one sync brings the tablet every member, with its own survey on the server
//! once. Runs: `FIELD_TRIAL_KILL_RUNS` (10 here; `scripts/trials.sh` runs 200), seed
//! `FIELD_TRIAL_SEED`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use e2e::trial::{Rng, env_number};
use e2e::{Api, Browser, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::json;
use shared::record::EntityKind;
use uuid::Uuid;

const OFFICE: (&str, &str) = ("office", "office-pass-123");
const SURVEYOR: (&str, &str) = ("zhou_k", "field-pass-456");
const BRANCH: &str = "东沙村党支部";
/// Members the office adds before each pull run: three pages of the tablet's 500.
const PER_PULL: usize = 1_200;
const SHORT: Duration = Duration::from_secs(30);

/// The tablet's pull cursor and how many members from the office it holds, from its IndexedDB.
async fn tablet_pulled(browser: &Browser) -> (u64, u64) {
    let out = browser
        .eval_async(
            "const req = indexedDB.open('field');
             req.onerror = () => done({ error: String(req.error) });
             req.onsuccess = () => {
               const db = req.result;
               const tx = db.transaction(['meta', 'people']);
               const out = { cursor: 0, people: 0 };
               tx.objectStore('meta').get('cursor').onsuccess = (e) => { out.cursor = e.target.result || 0; };
               tx.objectStore('people').openCursor().onsuccess = (e) => {
                 const c = e.target.result;
                 if (!c) return;
                 const name = c.value && c.value.fields && c.value.fields.name;
                 if (typeof name === 'string' && name.startsWith('拉取')) out.people += 1;
                 c.continue();
               };
               tx.oncomplete = () => { db.close(); done(out); };
             };",
        )
        .await
        .unwrap();
    assert!(out.get("error").is_none(), "{out}");
    (out["cursor"].as_u64().unwrap(), out["people"].as_u64().unwrap())
}

/// What a reopen found of the tablet's database.
#[derive(Debug, PartialEq, Eq)]
enum Reopened {
    /// The database the tablet had.
    Kept,
    /// Chromium discarded it at the kill (it deletes a database it finds damaged) and the app
    /// said so, from the mark it keeps outside the database; `recovered`: the changes it took
    /// back from the outbox's copy outside IndexedDB (OPFS, `sync::mirror`) and queued again,
    /// as its notice says (`data-recovered`).
    DiscardedAndSaid { recovered: u64 },
    /// Chromium discarded it together with the app's mark in localStorage: nothing on the
    /// tablet could tell (docs/RELIABILITY.md). The tablet signs in again as a new device; the
    /// server then tells it what the account's other devices last reported and never sent
    /// (`told`: the old device's last report held records not sent, and the app said so).
    DiscardedWithTheMark { told: bool },
}

/// The account's devices whose last report (as the office's device list shows it) held records
/// not sent: what a new device of the account must be told at sign-in.
async fn reported_unsent(office: &Api, username: &str) -> Vec<(String, u64)> {
    let res = office.request(reqwest::Method::GET, "/api/v1/admin/devices").send().await.unwrap();
    assert!(res.status().is_success(), "the device list: {}", res.status());
    let devices: serde_json::Value = res.json().await.unwrap();
    devices
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["username"] == username)
        .filter_map(|d| {
            let pending = d["report"]["pending"].as_u64().unwrap_or(0);
            (pending > 0).then(|| (d["device_id"].as_str().unwrap_or_default().to_owned(), pending))
        })
        .collect()
}

/// The app's mark in localStorage (`src/browser/device_mark.rs`) as the browser kept it through
/// the kill, read from a page of the same origin the service worker leaves alone, before the
/// app runs (the app writes the mark again at start).
async fn mark_before_the_app(browser: &Browser, origin: &str) -> Option<String> {
    browser.goto(&format!("{origin}/healthz")).await.unwrap();
    let mark = browser.eval("return localStorage.getItem('field.device-mark');").await.unwrap();
    mark.as_str().map(str::to_owned)
}

/// After a reopen, once the app is up: whether the tablet's database is the one it had (it has
/// a pull cursor since the first sync), and if not, whether the app said so — which it must
/// whenever its mark outlived the kill (`mark`, read before the app ran). After a discard the
/// surveyor does what the app says: signs in again and syncs. With the mark gone too the tablet
/// signs in as a new device, and must then be told of the records the account's other devices
/// (the old one among them) last reported and never sent, whenever the office's device list
/// shows any.
async fn follow_a_discard(
    browser: &Browser,
    origin: &str,
    mark: Option<String>,
    office: &Api,
) -> Reopened {
    browser.wait_for(&testid("nav-people"), FIRST_LOAD_TIMEOUT).await.unwrap();
    let keys = browser
        .eval_async(
            "const req = indexedDB.open('field');
             req.onsuccess = () => {
               const db = req.result;
               const keys = db.transaction('meta').objectStore('meta').getAllKeys();
               keys.onsuccess = () => { db.close(); done(keys.result); };
             };
             req.onerror = () => done('error: ' + String(req.error));",
        )
        .await
        .unwrap();
    let has = |key: &str| keys.as_array().is_some_and(|k| k.contains(&json!(key)));
    assert!(keys.is_array(), "reading the tablet's meta: {keys}");
    if has("cursor") {
        return Reopened::Kept;
    }
    // Said from the mark, or (the mark gone too) from the outbox's copy in OPFS, which names
    // the device it was written for.
    if let Some(mark) = &mark {
        assert!(
            has("storage_lost"),
            "the mark {mark} outlived the kill, the database did not, and the app keeps no notice"
        );
    }
    let reopened = if has("storage_lost") {
        if mark.is_none() {
            println!("the mark was discarded too; the app knew the device from its outbox copy");
        }
        let said = browser.wait_for(&testid("storage-lost"), SHORT).await;
        assert!(said.is_ok(), "the database was discarded and the app does not say so: {said:?}");
        let words = browser.text_of("storage-lost").await.unwrap();
        // The recovery runs at start, before the notice shows; with the disk free and the app
        // cached it is never left pending.
        let pending = browser.attribute_of("storage-lost", "data-recovery-pending").await.unwrap();
        assert_eq!(pending.as_deref(), Some("false"), "the recovery was left pending: {words}");
        assert!(words.contains("清空") && words.contains("同步"), "says what to do: {words}");
        let recovered: u64 = browser
            .attribute_of("storage-lost", "data-recovered")
            .await
            .unwrap()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if recovered > 0 {
            assert!(words.contains("恢复"), "says the changes were recovered: {words}");
        }
        println!("the database was discarded and said; {recovered} unsent changes recovered");
        Reopened::DiscardedAndSaid { recovered }
    } else {
        let unsent = reported_unsent(office, SURVEYOR.0).await;
        println!(
            "the database and the app's mark in localStorage were both discarded; the account's \
             devices that last reported records not sent: {unsent:?}"
        );
        browser.sign_in(origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
        if unsent.is_empty() {
            assert!(!browser.exists(&testid("previous-device-unsent")).await.unwrap());
        } else {
            let told = browser.wait_for(&testid("previous-device-unsent"), SHORT).await;
            assert!(told.is_ok(), "signed in as a new device, not told of {unsent:?}: {told:?}");
            let words = browser.text_of("previous-device-unsent").await.unwrap();
            assert!(words.contains("没有发送"), "says what was not sent: {words}");
        }
        browser.sync(origin).await.unwrap();
        return Reopened::DiscardedWithTheMark { told: !unsent.is_empty() };
    };
    browser.sign_in(origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.sync(origin).await.unwrap();
    reopened
}

/// The survey's notes as the office holds them (its SQLite file).
fn server_notes(harness: &Harness) -> String {
    let conn = rusqlite::Connection::open_with_flags(
        harness.data_dir().join("field.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let json: String = conn
        .query_row("SELECT record_json FROM records WHERE entity = 'survey'", [], |r| r.get(0))
        .unwrap();
    let record: serde_json::Value = serde_json::from_str(&json).unwrap();
    record["fields"]["notes"].as_str().unwrap_or_default().to_owned()
}

/// Every object store of the tablet's database with its count, and the surveys' keys and
/// deletion marks: what a failed run held.
async fn tablet_dump(browser: &Browser) -> String {
    let dump = browser
        .eval_async(
            "const req = indexedDB.open('field');
             req.onerror = () => done('error: ' + String(req.error));
             req.onsuccess = () => {
               const db = req.result;
               const names = Array.from(db.objectStoreNames);
               const tx = db.transaction(names);
               const out = { version: db.version };
               for (const n of names) {
                 tx.objectStore(n).count().onsuccess = (e) => { out[n] = e.target.result; };
               }
               tx.objectStore('surveys').getAll().onsuccess = (e) => {
                 out.surveys_held = e.target.result.map((r) => JSON.stringify(r).slice(0, 300));
               };
               tx.objectStore('meta').getAllKeys().onsuccess = (e) => { out.meta_keys = e.target.result; };
               out.local_storage = JSON.stringify(Object.assign({}, localStorage));
               tx.oncomplete = () => { db.close(); done(JSON.stringify(out)); };
             };",
        )
        .await;
    match dump {
        Ok(dump) => dump.to_string(),
        Err(e) => format!("(not read: {e})"),
    }
}

/// Chromium's IndexedDB files with their sizes, and any corruption report it left.
fn indexeddb_files(profile: &std::path::Path) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("cd \"$1\" && find . -path '*IndexedDB*' -type f -exec ls -l {} + ; \
              find . -name 'corruption_info*' -exec cat {} + ; \
              echo '-- Default:'; ls -la --time-style=full-iso Default | head -60; \
              echo '-- Local Storage:'; find 'Default/Local Storage' -type f -exec ls -l --time-style=full-iso {} + ; \
              echo '-- IndexedDB LOG:'; cat Default/IndexedDB/*/LOG")
        .arg("sh")
        .arg(profile)
        .output();
    out.map_or_else(|e| e.to_string(), |o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Members from the office among the server's operations up to `cursor`, from its SQLite file.
fn server_pulled_up_to(harness: &Harness, cursor: u64) -> u64 {
    let conn = rusqlite::Connection::open_with_flags(
        harness.data_dir().join("field.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(
        "SELECT count(DISTINCT entity_id) FROM ops WHERE entity = 'person' AND seq <= ?1 \
         AND instr(op_json, '\"拉取') > 0",
        [cursor as i64],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as u64
}

/// Sets the survey's notes to `text` in one input event (one change), as a paste would.
async fn change_notes(browser: &Browser, text: &str) {
    let script = format!(
        "const e = document.querySelector('[data-testid=\"survey-notes\"]');
         e.value = {text};
         e.dispatchEvent(new Event('input', {{ bubbles: true }}));
         return true;",
        text = serde_json::Value::String(text.into())
    );
    browser.eval(&script).await.unwrap();
}

#[tokio::test]
async fn trial_kills_at_random_moments_during_saves_and_pulls() {
    let runs = env_number("FIELD_TRIAL_KILL_RUNS", 10);
    let seed = env_number("FIELD_TRIAL_SEED", u64::from(std::process::id()) | 1);
    println!("browser-kills-at-random: {runs} runs, seed {seed}");
    let mut rng = Rng::new(seed);
    let began = Instant::now();

    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", BRANCH, "周调查").unwrap();
    let mut office = Api::sign_in(&origin, OFFICE.0, OFFICE.1).await;

    let mut browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.new_survey(&origin, "王秀英", BRANCH).await.unwrap();
    let hash = browser.eval("return location.hash;").await.unwrap();
    let survey_url = format!("{origin}/{}", hash.as_str().unwrap());
    browser.sync(&origin).await.unwrap();
    let mark = mark_before_the_app(&browser, &origin).await;
    assert!(mark.as_deref().is_some_and(|m| m.contains("device_id")), "the app's mark: {mark:?}");

    let (mut notes, mut added) = (String::new(), 0usize);
    // Every state the notes have had: after a discarded database the survey comes back as the
    // office last received it, one of these.
    let mut states = vec![String::new()];
    let (mut saves, mut pulls, mut said_saved, mut mid_pull) = (0, 0, 0, 0);
    let (mut said, mut untold, mut told, mut unsent_with_it) = (0, 0, 0, 0);
    // Discards where the app took the unsent changes back from their copy (OPFS), and changes
    // so recovered.
    let (mut recovered_runs, mut recovered_changes) = (0, 0u64);
    for run in 0..runs {
        let save = rng.below(2) == 0;
        println!("run {run}: {}", if save { "kill during a save" } else { "kill during a pull" });
        if save {
            saves += 1;
            browser.goto(&survey_url).await.unwrap();
            if let Err(e) = browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await {
                panic!(
                    "run {run}: {e}\nthe tablet's database: {}\nChromium's IndexedDB files:\n{}",
                    tablet_dump(&browser).await,
                    indexeddb_files(harness.profile_dir())
                );
            }
            let shown = browser.field_value("survey-notes").await.unwrap();
            assert_eq!(shown, notes, "run {run}: the notes before the change");
            let after = format!("{notes}第{run}次");
            change_notes(&browser, &after).await;
            tokio::time::sleep(Duration::from_millis(rng.below(800))).await;
            let state = browser.text_of("save-state").await.unwrap_or_default();
            assert!(harness.kill_browser().unwrap() > 0, "run {run}: nothing to kill");
            drop(browser);
            browser = harness.reopen_browser().await.unwrap();
            let mark = mark_before_the_app(&browser, &origin).await;
            browser.goto(&survey_url).await.unwrap();
            let reopened = follow_a_discard(&browser, &origin, mark, &office).await;
            // A discard the app noticed (its mark kept) is mended from the outbox's copy: what
            // was saved comes back, nothing is lost. Only a discard that took the mark too is
            // still a loss (the lost column).
            let lost = matches!(reopened, Reopened::DiscardedWithTheMark { .. });
            let discarded = reopened != Reopened::Kept;
            if let Reopened::DiscardedAndSaid { recovered } = reopened {
                said += 1;
                recovered_runs += 1;
                recovered_changes += recovered;
            }
            untold += usize::from(matches!(reopened, Reopened::DiscardedWithTheMark { .. }));
            told += usize::from(reopened == Reopened::DiscardedWithTheMark { told: true });
            if discarded {
                browser.goto(&survey_url).await.unwrap();
            }
            browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
            let kept = browser.field_value("survey-notes").await.unwrap();
            states.push(after.clone());
            if lost {
                assert!(states.contains(&kept), "run {run}: notes never typed: {kept:?}");
                unsent_with_it += usize::from(kept != after);
            } else {
                // Kept, or discarded and recovered: the same promise.
                assert!(
                    kept == notes || kept == after,
                    "run {run}: neither before nor after the change ({reopened:?}): {kept:?}"
                );
                if state == "草稿已自动保存" {
                    said_saved += 1;
                    assert_eq!(
                        kept, after,
                        "run {run}: the form said saved before the kill ({reopened:?})"
                    );
                }
            }
            if discarded && !lost {
                // Signed in and synced as the notice says: the office holds what the form said
                // was saved (and what it shows now).
                assert_eq!(
                    server_notes(&harness),
                    kept,
                    "run {run}: at the office after {reopened:?}"
                );
            }
            notes = kept;
        } else {
            pulls += 1;
            let ops: Vec<_> = (0..PER_PULL)
                .map(|i| {
                    let fields = BTreeMap::from([
                        ("name".to_owned(), json!(format!("拉取{run}-{i}"))),
                        ("branch_id".to_owned(), json!(BRANCH)),
                    ]);
                    office.upsert(EntityKind::Person, Uuid::now_v7(), BRANCH, fields)
                })
                .collect();
            office.push(&ops).await;
            added += PER_PULL;
            browser.goto(&format!("{origin}/#/sync")).await.unwrap();
            browser.wait_for(&testid("sync-now"), FIRST_LOAD_TIMEOUT).await.unwrap();
            browser.click_testid("sync-now").await.unwrap();
            tokio::time::sleep(Duration::from_millis(rng.below(1_500))).await;
            assert!(harness.kill_browser().unwrap() > 0, "run {run}: nothing to kill");
            drop(browser);
            browser = harness.reopen_browser().await.unwrap();
            let mark = mark_before_the_app(&browser, &origin).await;
            browser.goto(&format!("{origin}/#/sync")).await.unwrap();
            match follow_a_discard(&browser, &origin, mark, &office).await {
                Reopened::Kept => {}
                Reopened::DiscardedAndSaid { recovered } => {
                    said += 1;
                    recovered_runs += 1;
                    recovered_changes += recovered;
                }
                Reopened::DiscardedWithTheMark { told: was_told } => {
                    untold += 1;
                    told += usize::from(was_told);
                }
            }
            browser.wait_for(&testid("sync-screen"), FIRST_LOAD_TIMEOUT).await.unwrap();
            let (cursor, held) = tablet_pulled(&browser).await;
            let expected = server_pulled_up_to(&harness, cursor);
            assert_eq!(
                held, expected,
                "run {run}: members held vs. operations up to cursor {cursor}"
            );
            if (held as usize) < added {
                mid_pull += 1;
            }
        }
    }

    // One sync brings everything; the survey's member is on the server once.
    browser.sync(&origin).await.unwrap();
    let (cursor, held) = tablet_pulled(&browser).await;
    assert_eq!(held as usize, added, "every member after the last sync (cursor {cursor})");
    let csv = harness.office_csv("people").unwrap();
    assert_eq!(csv.lines().filter(|l| l.contains("王秀英")).count(), 1, "the survey's member once");
    // Every change the form last showed (and said saved) reached the office.
    assert_eq!(server_notes(&harness), notes, "the survey's notes at the office");
    println!(
        "TRIAL|browser-kills-at-random|{runs}|{runs}|{unsent_with_it}|0|{:.0}|{saves} kills during saves ({said_saved} after 草稿已自动保存, all kept), {pulls} during pulls of {PER_PULL} members ({mid_pull} left a pull part-way, every page whole with its cursor); Chromium discarded the database at {} kills ({said} said on screen from the mark, each recovered from the outbox's copy in OPFS: {recovered_changes} unsent changes queued again over {recovered_runs} discards; {untold} with the mark gone too, {told} of those told at sign-in of the records the old device last reported unsent), each mended by signing in and syncing; {unsent_with_it} notes changes not yet sent went with a discard that took the mark too (the lost column); the office holds the notes the form last showed; seed {seed}",
        began.elapsed().as_secs_f64(),
        said + untold
    );
    browser.close().await.unwrap();
}

/// The outbox's copy in OPFS (`sync::mirror`) as the page can read it: how many changes it
/// holds, or what went wrong.
async fn opfs_copy(browser: &Browser) -> String {
    let out = browser
        .eval_async(
            "(async () => {
               const root = await navigator.storage.getDirectory();
               const dir = await root.getDirectoryHandle('field-outbox');
               const file = await (await dir.getFileHandle('field.json')).getFile();
               const copy = JSON.parse(await file.text());
               return copy.queued.length + ' queued, ' + copy.refused.length + ' refused, device '
                 + copy.device_id;
             })().then(done, e => done('no copy: ' + String(e)));",
        )
        .await;
    out.map_or_else(|e| e.to_string(), |v| v.as_str().unwrap_or_default().to_owned())
}

/// Removes what Chromium removes when it discards the origin's IndexedDB after a kill (the
/// LevelDB backing store and its blobs), and with `mark` the origin's localStorage too (the app's
/// mark), as in the one discard caught here; the Origin Private File System (`File System/`) is
/// left as the browser leaves it. Chromium is not running.
fn discard_like_chromium(profile: &std::path::Path, mark: bool) {
    let mut gone = 0;
    for dir in ["Default/IndexedDB", "Default/Local Storage"] {
        if dir.ends_with("Local Storage") && !mark {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(profile.join(dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path).unwrap();
            } else {
                std::fs::remove_file(&path).unwrap();
            }
            gone += 1;
        }
    }
    assert!(gone > 0, "nothing to discard in {}", profile.display());
}

/// Trial browser-kills-at-random, the discard made sure of: Chromium is SIGKILLed at a random
/// moment (0–1.5 s) after a survey's notes changed, and then its IndexedDB is deleted as
/// Chromium deletes one it finds damaged (every other run with the app's mark in localStorage
/// too). The outbox's copy in OPFS must bring back every change the form said was saved: the
/// notes after reopening, signing in and syncing are those before or after the change, after it
/// whenever the form said 草稿已自动保存, and the office holds exactly what the form then shows.
/// Runs: `FIELD_TRIAL_DISCARD_RUNS` (4 here), seed `FIELD_TRIAL_SEED`.
#[tokio::test]
async fn trial_discards_after_kills_give_back_what_the_form_said_saved() {
    let runs = env_number("FIELD_TRIAL_DISCARD_RUNS", 4);
    let seed = env_number("FIELD_TRIAL_SEED", u64::from(std::process::id()) | 1);
    println!("browser-kills-with-discard: {runs} runs, seed {seed}");
    let mut rng = Rng::new(seed);
    let began = Instant::now();

    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", BRANCH, "周调查").unwrap();
    let office = Api::sign_in(&origin, OFFICE.0, OFFICE.1).await;

    let mut browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    browser.new_survey(&origin, "王秀英", BRANCH).await.unwrap();
    let hash = browser.eval("return location.hash;").await.unwrap();
    let survey_url = format!("{origin}/{}", hash.as_str().unwrap());
    browser.sync(&origin).await.unwrap();

    let mut notes = String::new();
    let (mut said_saved, mut recovered_changes, mut without_mark) = (0, 0u64, 0);
    for run in 0..runs {
        let take_mark = run % 2 == 1;
        // Changes waiting: one saved earlier in this run, then the one the kill meets.
        browser.goto(&survey_url).await.unwrap();
        browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
        assert_eq!(browser.field_value("survey-notes").await.unwrap(), notes, "run {run}");
        // The office out of reach (the app is the service worker's): what is saved now stays
        // queued, and only the copy can bring it back.
        harness.stop_server();
        let waiting = format!("{notes}等{run}");
        change_notes(&browser, &waiting).await;
        browser.wait_survey_saved().await.unwrap();
        let after = format!("{waiting}第{run}次");
        change_notes(&browser, &after).await;
        // Past the autosave's 0.7 s too, so some kills come after the form said saved.
        tokio::time::sleep(Duration::from_millis(rng.below(1_500))).await;
        let state = browser.text_of("save-state").await.unwrap_or_default();
        println!("run {run}: before the kill ({state}): {}", opfs_copy(&browser).await);
        assert!(harness.kill_browser().unwrap() > 0, "run {run}: nothing to kill");
        drop(browser);
        discard_like_chromium(harness.profile_dir(), take_mark);
        harness.start_server().await.unwrap();
        browser = harness.reopen_browser().await.unwrap();
        let mark = mark_before_the_app(&browser, &origin).await;
        println!("run {run}: after the discard, before the app: {}", opfs_copy(&browser).await);
        // Taken with the database, or not yet committed when the browser was killed (Chromium
        // writes localStorage lazily: a mark the app wrote again after the last discard may
        // not have reached the disk).
        if take_mark {
            assert!(mark.is_none(), "run {run}: the mark was deleted");
        }
        let without = mark.is_none();
        browser.goto(&survey_url).await.unwrap();
        let reopened = follow_a_discard(&browser, &origin, mark, &office).await;
        let Reopened::DiscardedAndSaid { recovered } = reopened else {
            panic!("run {run}: the discard was not said and mended from the copy: {reopened:?}");
        };
        assert!(recovered >= 1, "run {run}: the change saved before the kill came back");
        recovered_changes += recovered;
        without_mark += usize::from(without);
        browser.goto(&survey_url).await.unwrap();
        browser.wait_for(&testid("survey-form"), FIRST_LOAD_TIMEOUT).await.unwrap();
        let kept = browser.field_value("survey-notes").await.unwrap();
        assert!(
            kept == waiting || kept == after,
            "run {run}: neither the saved notes nor the change: {kept:?} (state {state:?})"
        );
        if state == "草稿已自动保存" {
            said_saved += 1;
            assert_eq!(kept, after, "run {run}: the form said saved before the kill");
        }
        assert_eq!(server_notes(&harness), kept, "run {run}: the office holds what the form shows");
        notes = kept;
    }
    println!(
        "TRIAL|browser-kills-with-discard|{runs}|{runs}|0|0|{:.0}|every kill followed by the database deleted as Chromium does ({without_mark} with no mark in localStorage: deleted too, or not yet written); {recovered_changes} unsent changes recovered from the OPFS copy; {said_saved} kills after 草稿已自动保存, all kept; the office holds what the form shows after every run; seed {seed}",
        began.elapsed().as_secs_f64()
    );
    browser.close().await.unwrap();
}
