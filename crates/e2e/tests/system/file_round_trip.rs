//! Trial file-round-trip (docs/RELIABILITY.md, issue "fault trials" 4): two tablets that have
//! synced the same data, a conflict among it; one exports everything (transfer screen, "全部数据")
//! and the file is imported into the server (`POST /api/v1/import`, as the town office) and into
//! the other tablet (its transfer screen). Counted before and after, independently of what the
//! app reports: the server's operations, records and conflicts (its SQLite file) and each
//! tablet's records, operations (history, pulled pages and outbox) and conflicts (its IndexedDB)
//! → 0 new records, 0 new history entries, 0 new conflicts, and every record byte-identical.
//! (A tablet keeps a pulled or imported batch as one `history_pages` entry and lists each
//! operation once whatever the copies, so stored copies may grow; the distinct operations, which
//! are what its history lists and its exports carry, may not.)
//!
//! Each run adds 1–3 surveys on a random tablet and syncs both, then exports from one tablet
//! (alternating). `FIELD_TRIAL_ROUNDTRIP_RUNS` runs (default 2, what `scripts/test.sh` runs;
//! `scripts/trials.sh` runs 10), `FIELD_TRIAL_SEED` the seed.

use std::time::{Duration, Instant};

use e2e::trial::{Rng, env_number};
use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::{Value, json};

const SHORT: Duration = Duration::from_secs(30);
const BRANCH: &str = "东沙村党支部";

/// What the server holds: (operations, records, conflicts, every record's JSON in key order).
fn server_counts(harness: &Harness) -> (i64, i64, i64, String) {
    let conn = rusqlite::Connection::open_with_flags(
        harness.data_dir().join("field.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let records: String = conn
        .query_row(
            "SELECT coalesce(group_concat(record_json, char(10)), '') FROM \
             (SELECT record_json FROM records ORDER BY entity_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (
        count("SELECT count(*) FROM ops"),
        count("SELECT count(*) FROM records"),
        count("SELECT count(*) FROM conflicts"),
        records,
    )
}

/// What a tablet holds (see [`Browser::tablet_database`]), read on `origin`'s transfer screen.
async fn tablet_counts(browser: &Browser, origin: &str) -> Value {
    browser.goto(&format!("{origin}/#/transfer")).await.unwrap();
    browser.wait_for(&testid("export-button"), FIRST_LOAD_TIMEOUT).await.unwrap();
    browser.tablet_database().await.unwrap()
}

/// `POST /api/v1/import` with `text`, signed in as the town office, from `origin`'s page.
async fn import_into_server(browser: &Browser, origin: &str, text: &str) -> Value {
    browser.goto(&format!("{origin}/#/transfer")).await.unwrap();
    browser
        .client()
        .execute(
            "window.__imported = null;
             const body = arguments[0];
             (async () => {
               try {
                 const login = await fetch('/api/v1/auth/login', { method: 'POST',
                   headers: { 'Content-Type': 'application/json' },
                   body: JSON.stringify({ username: 'office', password: 'office-pass-123',
                     device_id: crypto.randomUUID(), device_name: 'trial' }) });
                 const { token } = await login.json();
                 const r = await fetch('/api/v1/import', { method: 'POST',
                   headers: { Authorization: 'Bearer ' + token }, body });
                 window.__imported = { status: r.status, body: await r.text() };
               } catch (e) { window.__imported = { status: 0, body: String(e) }; }
             })();
             return true;",
            vec![json!(text)],
        )
        .await
        .unwrap();
    browser
        .wait_until("the server's import", "return window.__imported !== null;", SHORT)
        .await
        .unwrap();
    let answer = browser.eval("return window.__imported;").await.unwrap();
    assert_eq!(answer["status"], 200, "server import: {answer}");
    serde_json::from_str(answer["body"].as_str().unwrap()).unwrap()
}

/// Open the survey of `name` on `origin`.
async fn open_survey(browser: &Browser, origin: &str, name: &str) {
    browser.goto(&format!("{origin}/#/people")).await.unwrap();
    browser.wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT).await.unwrap();
    let rows = browser
        .client()
        .find_all(fantoccini::Locator::Css("[data-testid=\"people-row\"] a.row-link"))
        .await
        .unwrap();
    for row in rows {
        if row.text().await.unwrap() == name {
            row.click().await.unwrap();
            let entry = browser.wait_for(&testid("person-survey"), SHORT).await.unwrap();
            entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
            browser.wait_for(&testid("survey-form"), SHORT).await.unwrap();
            return;
        }
    }
    panic!("{name} is not listed on {origin}");
}

#[tokio::test]
async fn trial_a_file_imported_where_its_data_already_is_adds_nothing() {
    let runs = env_number("FIELD_TRIAL_ROUNDTRIP_RUNS", 2);
    let seed = env_number(
        "FIELD_TRIAL_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    );
    let mut rng = Rng::new(seed);
    let began = Instant::now();
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", "office-pass-123"])
        .unwrap();
    for user in ["tablet_a", "tablet_b"] {
        harness.add_account(user, "field-pass-123", "surveyor", BRANCH, user).unwrap();
    }
    let a = harness.base_url();
    let b = a.replace("127.0.0.1", "localhost");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&a, "tablet_a", "field-pass-123").await.unwrap();
    browser.sign_in(&b, "tablet_b", "field-pass-123").await.unwrap();

    // A member both tablets edit offline: a conflict on the server and on both tablets.
    browser.new_survey(&a, "林海生", BRANCH).await.unwrap();
    browser.sync(&a).await.unwrap();
    browser.sync(&b).await.unwrap();
    harness.stop_server();
    open_survey(&browser, &a, "林海生").await;
    browser.type_into("survey-name", "林海生甲").await.unwrap();
    browser.wait_survey_saved().await.unwrap();
    open_survey(&browser, &b, "林海生").await;
    browser.type_into("survey-name", "林海生乙").await.unwrap();
    browser.wait_survey_saved().await.unwrap();
    harness.start_server().await.unwrap();

    let mut surveys = 1;
    let mut ops_imported = 0;
    let (mut lost, mut duplicated) = (0, 0);
    let mut copies_added = 0;
    for run in 0..runs {
        // New work on a random tablet, then both synced (A, B, A: each has everything).
        let origin = if rng.below(2) == 0 { &a } else { &b };
        for k in 0..=rng.below(3) {
            browser.new_survey(origin, &format!("成员{run}_{k}"), BRANCH).await.unwrap();
            surveys += 1;
        }
        for o in [&a, &b, &a] {
            browser.sync(o).await.unwrap();
        }
        let (from, into) = if run % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let server_before = server_counts(&harness);
        let from_before = tablet_counts(&browser, from).await;
        let into_before = tablet_counts(&browser, into).await;
        assert!(server_before.2 >= 1, "the server holds the conflict");
        assert_eq!(from_before["records"], into_before["records"], "both tablets synced the same");
        assert_eq!(from_before["unique_ops"], into_before["unique_ops"]);

        let (shown, text) = browser.export_file(from, true).await.expect("export finished");
        assert!(shown.contains("已导出"), "{shown}");
        let report = import_into_server(&browser, from, &text).await;
        let operations = report["operations"].as_u64().unwrap();
        ops_imported += operations;
        assert_eq!(operations as i64, server_before.0, "the file carries every operation");
        assert_eq!(
            (report["accepted"].as_u64(), report["rejected"].as_u64()),
            (Some(0), Some(0)),
            "{report}"
        );
        let path = harness.data_dir().join(format!("round-trip-{run}.json"));
        std::fs::write(&path, &text).unwrap();
        let (ok, message) = browser.import_file(into, &path).await.unwrap();
        assert!(ok, "tablet import: {message}");
        assert!(message.contains("未做任何更改"), "{message}");

        let server_after = server_counts(&harness);
        let into_after = tablet_counts(&browser, into).await;
        let from_after = tablet_counts(&browser, from).await;
        println!(
            "run {run}: {operations} operations exported from {from}, imported into the server \
             and {into}: server ops {}→{}, records {}→{}, conflicts {}→{}; tablet records {}→{}, \
             operations {}→{}, conflicts {}→{}",
            server_before.0,
            server_after.0,
            server_before.1,
            server_after.1,
            server_before.2,
            server_after.2,
            into_before["records"],
            into_after["records"],
            into_before["ops"],
            into_after["ops"],
            into_before["conflicts"],
            into_after["conflicts"],
        );
        for (what, before, after) in [
            ("server operations", server_before.0, server_after.0),
            ("server records", server_before.1, server_after.1),
            ("server conflicts", server_before.2, server_after.2),
        ] {
            assert!(after >= before, "{what} went from {before} to {after}");
            duplicated += after - before;
        }
        assert_eq!(server_before.3, server_after.3, "server records byte-identical");
        for counts in [(&into_before, &into_after), (&from_before, &from_after)] {
            for key in ["records", "unique_ops", "outbox", "conflicts"] {
                let (before, after) =
                    (counts.0[key].as_i64().unwrap(), counts.1[key].as_i64().unwrap());
                duplicated += (after - before).max(0);
                lost += (before - after).max(0);
            }
            // Stored copies of operations may grow (a pulled or imported page is kept whole and
            // the history reads one copy per operation id); what the history lists may not.
            copies_added += counts.1["ops"].as_i64().unwrap() - counts.0["ops"].as_i64().unwrap();
            let mut before = counts.0.clone();
            let mut after = counts.1.clone();
            before["ops"] = json!(null);
            after["ops"] = json!(null);
            assert_eq!(before, after, "the tablet's data is unchanged by the import");
        }
    }
    println!(
        "TRIAL|file-round-trip|{runs}|0|{lost}|{duplicated}|{:.0}|{surveys} surveys + 1 conflict; \
         {ops_imported} operations imported back into the server and a tablet; \
         {copies_added} stored copies added in pages (history lists each once); seed {seed}",
        began.elapsed().as_secs_f64()
    );
    assert_eq!((lost, duplicated), (0, 0));
    browser.close().await.unwrap();
}
