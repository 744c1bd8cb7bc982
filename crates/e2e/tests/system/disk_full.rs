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
//! FOUND, NOT YET FIXED (so the test is ignored; run it with
//! `cargo test -p e2e --test system -- --ignored disk_full`): on a full disk Chromium 156 does
//! not answer the write with `QuotaExceededError`; it closes the app's IndexedDB connection, and
//! from then on every transaction fails with `InvalidStateError: … The database connection is
//! closing.` The form keeps its typing and the outbox count stays, but the form shows
//! "本机数据库操作失败，未保存任何内容：InvalidStateError…" (not what to do) and the export fails
//! with the same error, so the way out is gone until the app is reopened. The fix: the store
//! reopens its connection after the browser closed it (`IDBDatabase` `close` event) and maps a
//! closed connection and disk errors to words that say what to do.

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
fn fill(dir: &Path) -> u64 {
    let mut file = std::fs::File::create(dir.join("filler")).unwrap();
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

#[tokio::test]
#[ignore = "found: on a full disk Chromium closes the IndexedDB connection and the export fails (see the module comment)"]
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
    let filler = fill(&disk.0);
    browser.select_value("survey-category", "village_leader").await.unwrap();
    browser.type_into("survey-name", "满盘乙").await.unwrap();
    browser.type_into("survey-phone", "13900001111").await.unwrap();
    browser.choose_branch(BRANCH).await.unwrap();
    browser.type_into("survey-village-unit", "东沙村").await.unwrap();
    // What the form says once its save has failed (its save state), and the app-wide message.
    let said = browser
        .wait_until(
            "the form to say its save failed",
            "const e = document.querySelector('[data-testid=\"save-state\"]');
             return !!e && e.textContent.includes('：');",
            SHORT,
        )
        .await;
    let state = browser.text_of("save-state").await.unwrap_or_default();
    let message = format!("{state} {}", browser.text_of("app-message").await.unwrap_or_default());
    println!("disk full ({filler} bytes of filler): save state {state:?}");
    said.expect("the form says its save failed");
    let mut problems = Vec::new();
    if !message.contains("设备存储空间已满") || !message.contains("导出") {
        problems.push(format!("does not say the disk is full and what to do: {message}"));
    }
    let typed = browser.field_value("survey-name").await.unwrap();
    if typed != "满盘乙" {
        problems.push(format!("the typing is lost: {typed:?}"));
    }
    let pending = browser.counter("pending-count").await;
    if pending != Some(2) {
        problems.push(format!("the outbox count reads {pending:?}, not 2"));
    }

    // The export is still offered and made.
    browser.goto(&format!("{origin}/#/transfer")).await.unwrap();
    browser.click_testid("export-button").await.unwrap();
    let done = browser
        .wait_for("[data-testid=\"export-result\"], [data-testid=\"export-error\"]", SHORT)
        .await
        .unwrap();
    let text = done.text().await.unwrap();
    println!("disk full: export {text:?}");
    if done.attr("data-testid").await.unwrap().as_deref() != Some("export-result") {
        problems.push(format!("no export with a full disk: {text}"));
    }
    assert!(problems.is_empty(), "with the disk full: {problems:#?}");

    // Space is back: the second member is typed again if it was not saved, and both reach the
    // office once.
    std::fs::remove_file(disk.0.join("filler")).unwrap();
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser.wait_for(&testid("people-row"), SHORT).await.unwrap();
    let people = browser.text_of("people-list").await.unwrap_or_default();
    assert!(people.contains("满盘甲"), "the first member is still listed: {people}");
    if !people.contains("满盘乙") {
        browser.new_survey(&origin, "满盘乙", BRANCH).await.unwrap();
    }
    harness.start_server().await.unwrap();
    browser.sync(&origin).await.unwrap();
    let csv = harness.office_csv("people").unwrap();
    let (mut lost, mut duplicated) = (0, 0);
    for name in ["满盘甲", "满盘乙"] {
        match csv.lines().filter(|l| l.contains(name)).count() {
            0 => lost += 1,
            1 => {}
            n => duplicated += n - 1,
        }
    }
    println!(
        "TRIAL|disk-full|1|1|{lost}|{duplicated}|{:.0}|profile on a tmpfs filled to the last byte: \
         save refused with {message:?}, typing and outbox kept, export made, both members synced once",
        began.elapsed().as_secs_f64()
    );
    assert_eq!((lost, duplicated), (0, 0), "{csv}");
    browser.close().await.unwrap();
    drop(disk);
}
