//! The town's roster of party members (党员名册) over real HTTP: an XLSX made here with
//! `rust_xlsxwriter` (as Excel/WPS write it) and a GBK CSV (as Excel writes CSV on a Chinese
//! Windows), with rows that carry every kind of problem; preview writes nothing, apply is all or
//! nothing, a second import of an updated roster updates and never duplicates, and the members
//! reach tablets by pull, branch-scoped.

use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::message::FieldLabel;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::RosterReport;
use uuid::Uuid;

use crate::common::{TestServer, assert_error, upsert};

pub const BRANCH_A: &str = "渔业村党支部";
pub const BRANCH_B: &str = "海港社区党支部";

/// A valid 18-character ID number (GB 11643-1999) born on `birth` (YYYYMMDD), `seq` 3 digits
/// (odd: a man).
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330902{birth}{seq:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// The same number with a wrong check digit.
pub fn bad_check_digit(id: &str) -> String {
    let last = id.chars().last().unwrap();
    let other = if last == '1' { '2' } else { '1' };
    format!("{}{other}", &id[..17])
}

/// Branch records 渔业村党支部 (code a) and 海港社区党支部 (code b), made by the office.
pub async fn make_branches(s: &TestServer, office: &str) {
    let t = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap() - 10_000;
    let ops = [("a", BRANCH_A), ("b", BRANCH_B)].map(|(code, name)| {
        upsert(
            "office",
            "o",
            t,
            EntityKind::Branch,
            Uuid::now_v7(),
            "",
            &[("name", json!(name), None), ("code", json!(code), None)],
        )
    });
    s.push_accepted(office, &ops).await;
}

/// An XLSX roster: a title line, the header row (with variant headers), then `rows`.
pub fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "某某镇党员名册（2026年）").unwrap();
    let header = [
        "序号",
        "姓 名",
        "性别",
        "出生年月",
        "手机号码",
        "公民身份号码",
        "*所在支部",
        "村（社区）/单位",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        sheet.write_number(r, 0, f64::from(r - 1)).unwrap();
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16 + 1;
            // Phones and birth years as numbers, as a spreadsheet holds them.
            if (c == 3 || c == 4) && !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) {
                sheet.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap();
            } else {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The same rows as a GBK CSV with the plain headers.
pub fn gbk_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut text =
        String::from("姓名,性别,出生年份,联系电话,身份证号,所在支部,村（社区）/单位\r\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, errors) = encoding_rs::GBK.encode(&text);
    assert!(!errors);
    bytes.into_owned()
}

pub fn row(cells: [&str; 7]) -> Vec<String> {
    cells.map(str::to_owned).to_vec()
}

/// `n` good members, alternating between the two branches.
pub fn good_rows(n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let year = 1950 + (i % 50) as u32;
            let birth = format!("{year}0{}1{}", 1 + i % 9, i % 10);
            vec![
                format!("党员{i:04}"),
                "男".into(),
                year.to_string(),
                format!("138{:08}", i),
                id_number(&birth, (i % 500) as u32 * 2 + 1),
                if i % 2 == 0 { BRANCH_A } else { BRANCH_B }.into(),
                "东海村".into(),
            ]
        })
        .collect()
}

pub async fn post_roster(
    s: &TestServer,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    s.request(Method::POST, path, Some(token)).body(body).send().await.unwrap()
}

pub async fn preview(s: &TestServer, token: &str, body: Vec<u8>) -> RosterReport {
    let res = post_roster(s, token, "/api/v1/admin/roster/preview", body).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn apply(s: &TestServer, token: &str, body: Vec<u8>) -> RosterReport {
    let res = post_roster(s, token, "/api/v1/admin/roster/apply", body).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn people(s: &TestServer, token: &str) -> Vec<Value> {
    let (status, _) = s.get_json("/api/v1/auth/me", Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    let (ops, _) = s.pull_all(token, 5000).await;
    let mut ids: Vec<Uuid> =
        ops.iter().filter(|o| o.entity == EntityKind::Person).map(|o| o.entity_id).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter().map(|id| json!(id)).collect()
}

#[tokio::test]
async fn a_roster_with_problems_is_previewed_row_by_row_and_never_half_applied() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let good = id_number("19800501", 123);
    let mut rows = good_rows(3);
    rows.push(row(["林海生", "男", "1980", "13800000001", &bad_check_digit(&good), BRANCH_A, ""]));
    rows.push(row(["陈大海", "男", "1975", "13800000002", "", "不存在的支部", ""]));
    rows.push(row(["党员0000", "男", "1950", "13900000000", "", BRANCH_A, ""])); // same as row 3
    rows.push(row(["王小红", "未知", "八零年", "12345", "", BRANCH_B, ""]));
    rows.push(row(["", "女", "1990", "", "", BRANCH_B, ""]));

    for (kind, file) in [("xlsx", xlsx(&rows)), ("gbk csv", gbk_csv(&rows))] {
        let report = preview(&s, &office, file.clone()).await;
        // The XLSX has a title line above its header: its rows are one lower than the CSV's.
        let at = |csv_row: u32| if kind == "xlsx" { csv_row + 1 } else { csv_row };
        assert_eq!(report.rows, 8, "{kind}: {report:?}");
        if kind == "xlsx" {
            // Each header with the field it was read as, by code for the app's language.
            let read: Vec<(&str, Option<FieldLabel>)> =
                report.columns.iter().map(|c| (c.header.as_str(), c.label)).collect();
            assert_eq!(
                read,
                [
                    ("姓 名", Some(FieldLabel::Name)),
                    ("性别", Some(FieldLabel::Gender)),
                    ("出生年月", Some(FieldLabel::BirthYear)),
                    ("手机号码", Some(FieldLabel::Phone)),
                    ("公民身份号码", Some(FieldLabel::IdNumber)),
                    ("*所在支部", Some(FieldLabel::Branch)),
                    ("村（社区）/单位", Some(FieldLabel::VillageUnit)),
                ]
            );
        }
        let said = |row: u32, column: &str, words: &str| {
            report
                .issues
                .iter()
                .any(|i| i.row == at(row) && i.column.contains(column) && i.message.contains(words))
        };
        let col = |xlsx_header: &'static str, csv_header: &'static str| {
            if kind == "xlsx" { xlsx_header } else { csv_header }
        };
        assert!(said(5, col("公民身份号码", "身份证号"), "校验位"), "{kind}: {:#?}", report.issues);
        assert!(said(6, "所在支部", "不存在"), "{kind}: {:#?}", report.issues);
        let duplicate = format!("与第 {} 行重复", at(2));
        assert!(said(7, col("姓 名", "姓名"), &duplicate), "{kind}: {:#?}", report.issues);
        assert!(said(8, "性别", "男"), "{kind}: {:#?}", report.issues);
        assert!(said(8, col("出生年月", "出生年份"), "出生年月"), "{kind}: {:#?}", report.issues);
        assert!(said(8, col("手机号码", "联系电话"), "手机号"), "{kind}: {:#?}", report.issues);
        assert!(said(9, col("姓 名", "姓名"), "姓名"), "{kind}: {:#?}", report.issues);
        assert!(report.issues.iter().all(|i| !i.message.is_empty()));
        assert!(!report.applied);

        // Apply refuses the whole file: nothing is written.
        let res = post_roster(&s, &office, "/api/v1/admin/roster/apply", file).await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_has_problems").await;
        assert!(people(&s, &office).await.is_empty(), "{kind}: nothing applied");
    }
}

#[tokio::test]
async fn reimporting_an_updated_roster_updates_members_and_never_duplicates_them() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let mut rows = good_rows(10);
    // One member with no ID number: matched by name + birth year + branch.
    rows.push(row(["张无号", "女", "1966", "", "", BRANCH_A, "西岙村"]));
    let first = apply(&s, &office, xlsx(&rows)).await;
    assert_eq!((first.rows, first.created, first.updated, first.applied), (11, 11, 0, true));
    assert_eq!(people(&s, &office).await.len(), 11);

    // The same roster again: nothing changes.
    let again = apply(&s, &office, xlsx(&rows)).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 11));

    // An updated roster, as a GBK CSV: two phones changed, one member added.
    rows[0][3] = "13912345678".into();
    rows[10][3] = "13700000000".into();
    rows.push(row(["新党员", "男", "1990", "", "", BRANCH_B, ""]));
    let updated = apply(&s, &office, gbk_csv(&rows)).await;
    assert_eq!((updated.created, updated.updated, updated.unchanged), (1, 2, 9), "{updated:?}");
    assert_eq!(people(&s, &office).await.len(), 12, "no member twice");

    // Members reach tablets by pull, branch-scoped: a surveyor of branch a sees a's members.
    let surveyor = s.user_token("zhou", Role::Surveyor, &["a"]).await;
    let in_a = rows.iter().filter(|r| r[5] == BRANCH_A).count();
    assert_eq!(people(&s, &surveyor).await.len(), in_a);

    // The counts agree everywhere on the server: its database, what a pull delivers, the CSV
    // and XLSX exports (for the office, and for the surveyor's branch).
    let stored = s
        .state
        .store
        .records(
            server::store::Scope::County,
            EntityKind::Person,
            &shared::roles::Account {
                username: "office".into(),
                display_name: String::new(),
                role: Role::TownOffice,
                branches: vec![],
            },
        )
        .await
        .unwrap()
        .len();
    assert_eq!(stored, 12);
    for (token, expected) in [(&office, 12), (&surveyor, in_a)] {
        assert_eq!(people(&s, token).await.len(), expected);
        let csv = export(&s, token, "people.csv").await;
        let csv_rows = csv::Reader::from_reader(&csv[3..]).records().count();
        assert_eq!(csv_rows, expected, "people.csv");
        let xlsx = export(&s, token, "people.xlsx").await;
        let mut book: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(xlsx)).unwrap();
        let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
        assert_eq!(range.height() - 1, expected, "people.xlsx");
    }
}

/// Trial files-round-trip from the server (issue "fault trials" 4): the office's own 党员名册
/// export, CSV and XLSX, imported back as a roster changes nothing: 0 new members, 0 updated,
/// no operation stored.
#[tokio::test]
async fn the_offices_own_people_export_imported_back_as_a_roster_changes_nothing() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let mut rows = good_rows(20);
    rows.push(row(["张无号", "女", "1966", "", "", BRANCH_A, "西岙村"]));
    apply(&s, &office, xlsx(&rows)).await;
    let ops_before = s.pull_all(&office, 5_000).await.0.len();
    for file in ["people.csv", "people.xlsx"] {
        let exported = export(&s, &office, file).await;
        let report = preview(&s, &office, exported.clone()).await;
        assert!(report.issues.is_empty(), "{file}: {:?}", report.issues);
        let report = apply(&s, &office, exported).await;
        assert_eq!(
            (report.rows, report.created, report.updated, report.unchanged),
            (21, 0, 0, 21),
            "{file}: {report:?}"
        );
        assert_eq!(s.pull_all(&office, 5_000).await.0.len(), ops_before, "{file}: no new op");
    }
    assert_eq!(people(&s, &office).await.len(), 21);
}

async fn export(s: &TestServer, token: &str, file: &str) -> Vec<u8> {
    let res = s
        .request(Method::GET, &format!("/api/v1/exports/{file}"), Some(token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes().await.unwrap().to_vec()
}

/// 3,000 members, preview then apply: the figure for the README (not a timed assertion).
#[tokio::test]
async fn three_thousand_rows_preview_and_apply() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let file = xlsx(&good_rows(3000));
    let started = Instant::now();
    let previewed = preview(&s, &office, file.clone()).await;
    let preview_time = started.elapsed();
    assert!(
        previewed.issues.is_empty(),
        "{:?}",
        &previewed.issues[..previewed.issues.len().min(5)]
    );
    let applied = apply(&s, &office, file).await;
    let total = started.elapsed();
    assert_eq!((applied.rows, applied.created), (3000, 3000));
    println!(
        "roster of 3,000 rows (XLSX {} bytes): preview {:.2} s, preview + apply {:.2} s (debug build)",
        xlsx(&good_rows(3000)).len(),
        preview_time.as_secs_f64(),
        total.as_secs_f64()
    );
}

#[tokio::test]
async fn only_the_town_office_imports_rosters_and_bad_files_are_refused_whole() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let surveyor = s.user_token("zhou", Role::Surveyor, &["a"]).await;
    let file = xlsx(&good_rows(1));
    let res = post_roster(&s, &surveyor, "/api/v1/admin/roster/preview", file).await;
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = post_roster(
        &s,
        &office,
        "/api/v1/admin/roster/preview",
        b"not,a\nroster,at all\n".to_vec(),
    )
    .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_no_header").await;
    let res =
        post_roster(&s, &office, "/api/v1/admin/roster/preview", b"PK\x03\x04garbage".to_vec())
            .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_unreadable").await;
    let big = vec![b'a'; server::roster::MAX_ROSTER_BYTES + 1];
    let res = post_roster(&s, &office, "/api/v1/admin/roster/preview", big).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // With no branches yet, every row says its branch is missing.
    let report = preview(&s, &office, xlsx(&good_rows(2))).await;
    assert_eq!(report.issues.len(), 2);
    assert!(report.issues[0].message.contains("支部管理"));
}

/// A minimal BIFF8 XLS (globals: BOF, one BOUNDSHEET, EOF; the sheet: BOF, `cells`, EOF) in a
/// compound file written with the `cfb` crate.
fn xls(cells: &[Vec<u8>]) -> Vec<u8> {
    use std::io::Write;
    let record = |typ: u16, data: &[u8]| -> Vec<u8> {
        let len = u16::try_from(data.len()).unwrap();
        [&typ.to_le_bytes()[..], &len.to_le_bytes(), data].concat()
    };
    let bof =
        |kind: u16| record(0x0809, &[&[0x00, 0x06][..], &kind.to_le_bytes(), &[0; 12]].concat());
    let boundsheet =
        |pos: u32| record(0x0085, &[&pos.to_le_bytes()[..], &[0, 0, 6, 0], b"Sheet1"].concat());
    let globals_len = bof(0x0005).len() + boundsheet(0).len() + 4;
    let stream = [
        bof(0x0005),
        boundsheet(u32::try_from(globals_len).unwrap()),
        record(0x000A, &[]),
        bof(0x0010),
        cells.concat(),
        record(0x000A, &[]),
    ]
    .concat();
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .unwrap();
    let mut out = file.create_stream("/Workbook").unwrap();
    out.write_all(&stream).unwrap();
    out.flush().unwrap();
    drop(out);
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A NUMBER record of an XLS.
fn xls_number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let data = [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &value.to_le_bytes()].concat();
    [&0x0203u16.to_le_bytes()[..], &14u16.to_le_bytes(), &data].concat()
}

/// A tiny file naming a far cell made calamine build the whole block up to it (an XLSX with one
/// value at XFD1048576: 17 billion cells; an XLS with one at (65535, 65535): 4.3 billion) and
/// aborted the server, every town with it. Both are refused at once with the cell they name; a
/// compound file of garbage is unreadable, not a failure of the server; and the server still
/// reads the next roster.
#[tokio::test]
async fn a_tiny_roster_naming_a_far_cell_is_refused_at_once_and_the_server_lives_on() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "所在支部").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    let far_xlsx = book.save_to_buffer().unwrap();
    assert!(far_xlsx.len() < 16 * 1024);
    let far_xls = xls(&[xls_number(0, 0, 1.0), xls_number(65_535, 65_535, 1.0)]);

    let started = Instant::now();
    for (file, cell) in [(&far_xlsx, "XFD1048576"), (&far_xls, "CRXP65536")] {
        for path in ["/api/v1/admin/roster/preview", "/api/v1/admin/roster/apply"] {
            let res = post_roster(&s, &office, path, file.clone()).await;
            let body =
                assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_out_of_bounds").await;
            assert_eq!(body["error"]["reason"], "roster_out_of_bounds");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(cell), "{message}");
        }
    }
    let mut garbage = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    garbage.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    let res = post_roster(&s, &office, "/api/v1/admin/roster/preview", garbage).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_unreadable").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());

    // Just inside the bounds, an XLS still reads: its one member's branch is unknown (no
    // branches yet), the cell at BL10011 counts for no member.
    let label = |row: u16, col: u16, text: &str| {
        let units: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut data = [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0]].concat();
        data.extend(u16::try_from(units.len() / 2).unwrap().to_le_bytes());
        data.push(1);
        data.extend(units);
        [&0x0204u16.to_le_bytes()[..], &u16::try_from(data.len()).unwrap().to_le_bytes(), &data]
            .concat()
    };
    let cells = [
        label(0, 0, "姓名"),
        label(0, 1, "所在支部"),
        label(1, 0, "林海生"),
        label(1, 1, BRANCH_A),
        xls_number(10_010, 63, 1.0),
    ];
    let report = preview(&s, &office, xls(&cells)).await;
    assert_eq!(report.issues.len(), 1, "{:?}", report.issues);
    assert!(report.issues[0].message.contains("支部管理"));
    // And an XLSX roster as before.
    let report = preview(&s, &office, xlsx(&good_rows(2))).await;
    assert_eq!(report.issues.len(), 2);
}

/// A file imported with the command line (another process) while the server runs: a roster
/// applied right after is stamped after the file's changes, even one stamped ahead of this
/// machine's clock, so the roster's update is not lost to them.
#[tokio::test]
async fn a_roster_is_stamped_after_what_the_command_line_imported_meanwhile() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let ahead = crate::common::new_person("zhang", "b1", now + 2 * 3_600_000);
    let stamp = ahead.hlc.clone();
    let contents = shared::export::Contents { operations: vec![ahead], attachments: Vec::new() };
    let file = shared::export::encode(
        Uuid::now_v7(),
        "zhang",
        "2026-11-20T10:00:00Z",
        shared::export::Scope::Pending,
        &contents,
        None,
    )
    .unwrap();
    let path = s.data_dir.path().join("ahead.json");
    std::fs::write(&path, file).unwrap();
    let out =
        s.cli(&["import"]).arg("--file").arg(&path).args(["--as", "office"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The roster reads the server's clock: it moved past the imported stamp.
    preview(&s, &office, xlsx(&good_rows(1))).await;
    let res = s.push_raw(&office, &[]).await;
    let pushed: shared::sync::PushResponse = res.json().await.unwrap();
    assert!(pushed.server_hlc > stamp, "{} after {stamp}", pushed.server_hlc);
}

/// The members the server holds (every branch), read from its database.
async fn members(s: &TestServer) -> Vec<shared::record::Record> {
    let office = shared::roles::Account {
        username: "office".into(),
        display_name: String::new(),
        role: Role::TownOffice,
        branches: vec![],
    };
    s.state.store.records(server::store::Scope::County, EntityKind::Person, &office).await.unwrap()
}

fn named<'a>(members: &'a [shared::record::Record], name: &str) -> Vec<&'a shared::record::Record> {
    members.iter().filter(|r| r.str_field("name") == name).collect()
}

/// A member who moved to another branch made every later import fail
/// (`roster_branch_differs` refused the whole file). Now the row updates the member's other
/// fields in the stored branch, the report says the member was not moved, and the rest of the
/// file applies; the next import of the same file applies too.
#[tokio::test]
async fn a_member_who_moved_branch_is_updated_in_place_reported_not_moved_and_the_rest_applies() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let mut rows = good_rows(4);
    apply(&s, &office, xlsx(&rows)).await;
    let moved = named(&members(&s).await, "党员0000")[0].clone();
    assert_eq!(moved.branch_id, "a");

    // The office's roster after the transfer: 党员0000 in branch b with a new phone, one more
    // member.
    rows[0][5] = BRANCH_B.into();
    rows[0][3] = "13912345678".into();
    rows.push(row(["新党员", "男", "1990", "", "", BRANCH_B, ""]));
    let report = preview(&s, &office, xlsx(&rows)).await;
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert_eq!(report.notes.len(), 1, "{report:?}");
    let note = &report.notes[0];
    // The title line and the header come first: the first member is on row 3.
    assert_eq!((note.row, note.reason.as_deref()), (3, Some("roster_not_moved")));
    assert!(note.column.contains("所在支部"));
    assert!(note.message.contains(BRANCH_A) && note.message.contains(BRANCH_B), "{note:?}");

    let applied = apply(&s, &office, xlsx(&rows)).await;
    assert!(applied.applied);
    assert_eq!((applied.created, applied.updated, applied.unchanged), (1, 1, 3), "{applied:?}");
    assert_eq!(applied.notes.len(), 1);
    let stored = members(&s).await;
    assert_eq!(stored.len(), 5, "no member twice");
    let now = named(&stored, "党员0000");
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].id, now[0].branch_id.as_str()), (moved.id, "a"), "not moved");
    assert_eq!(now[0].str_field("phone"), "13912345678", "the other fields updated");
    assert_eq!(named(&stored, "新党员")[0].branch_id, "b");

    // Every later import of the same file applies, and says so again.
    let again = apply(&s, &office, gbk_csv(&rows)).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 5), "{again:?}");
    assert_eq!(again.notes.len(), 1);
    assert_eq!(again.notes[0].row, 2, "the CSV has no title line");
}

/// A roster without 出生年月 imported, a surveyor then filling in a birth year: the same roster
/// imported again made a second member (the match key held the birth year). And the reverse: a
/// member recorded on a tablet without a birth year, then a roster with it.
#[tokio::test]
async fn a_birth_year_known_on_one_side_only_never_makes_a_second_member() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let surveyor = s.user_token("zhou", Role::Surveyor, &["a"]).await;
    make_branches(&s, &office).await;
    let no_years = vec![
        row(["张三", "男", "", "13800000011", "", BRANCH_A, "东海村"]),
        row(["李四", "女", "", "13800000012", "", BRANCH_B, ""]),
    ];
    let first = apply(&s, &office, xlsx(&no_years)).await;
    assert_eq!(first.created, 2);
    let zhang = named(&members(&s).await, "张三")[0].clone();
    assert_eq!(zhang.get("birth_year"), None);

    // A survey fills in 张三's birth year.
    let t = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let op = upsert(
        "zhou",
        "zhou-dev",
        t,
        EntityKind::Person,
        zhang.id,
        "a",
        &[("birth_year", json!(1966), None)],
    );
    s.push_accepted(&surveyor, &[op]).await;

    // The same roster again: no new member.
    let report = preview(&s, &office, xlsx(&no_years)).await;
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    let again = apply(&s, &office, xlsx(&no_years)).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2), "{again:?}");
    let stored = members(&s).await;
    assert_eq!(stored.len(), 2, "no member twice");
    assert_eq!(named(&stored, "张三")[0].get("birth_year"), Some(&json!(1966)));

    // A roster with the birth years: they are filled in, nobody is added.
    let with_years = vec![
        row(["张三", "男", "1966", "13800000011", "", BRANCH_A, "东海村"]),
        row(["李四", "女", "1970", "13800000012", "", BRANCH_B, ""]),
    ];
    let filled = apply(&s, &office, gbk_csv(&with_years)).await;
    assert_eq!((filled.created, filled.updated, filled.unchanged), (0, 1, 1), "{filled:?}");
    assert_eq!(members(&s).await.len(), 2);

    // The reverse: a member a surveyor recorded without a birth year, then the roster with one.
    let wang = Uuid::now_v7();
    let t = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
    let op = upsert(
        "zhou",
        "zhou-dev",
        t,
        EntityKind::Person,
        wang,
        "a",
        &[("name", json!("王五"), None), ("phone", json!("13800000013"), None)],
    );
    s.push_accepted(&surveyor, &[op]).await;
    let mut rows = with_years.clone();
    rows.push(row(["王五", "男", "1980", "13800000013", "", BRANCH_A, ""]));
    let reverse = apply(&s, &office, xlsx(&rows)).await;
    assert_eq!((reverse.created, reverse.updated, reverse.unchanged), (0, 1, 2), "{reverse:?}");
    let stored = members(&s).await;
    assert_eq!(stored.len(), 3, "no member twice");
    let found = named(&stored, "王五");
    assert_eq!((found[0].id, found[0].get("birth_year")), (wang, Some(&json!(1980))));
}

/// Two members of one name in one branch and a row without a birth year: which one it is
/// cannot be told. The row is a blocking "possible duplicate" naming both, and nothing is
/// written (neither a guess nor a third member).
#[tokio::test]
async fn a_row_that_could_be_either_of_two_same_name_members_is_a_blocking_possible_duplicate() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let two = vec![
        row(["王海", "男", "1970", "", "", BRANCH_A, "东海村"]),
        row(["王海", "男", "1980", "", "", BRANCH_A, "西岙村"]),
    ];
    assert_eq!(apply(&s, &office, xlsx(&two)).await.created, 2);

    let mut rows = good_rows(2);
    rows.push(row(["王海", "男", "", "13800000021", "", BRANCH_A, ""]));
    let report = preview(&s, &office, xlsx(&rows)).await;
    assert_eq!(report.issues.len(), 1, "{:?}", report.issues);
    let issue = &report.issues[0];
    assert_eq!((issue.row, issue.reason.as_deref()), (5, Some("roster_possible_duplicate")));
    for words in ["王海", "1970", "东海村", "1980", "西岙村"] {
        assert!(issue.message.contains(words), "{words}: {}", issue.message);
    }
    let res = post_roster(&s, &office, "/api/v1/admin/roster/apply", xlsx(&rows)).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_has_problems").await;
    assert_eq!(members(&s).await.len(), 2, "nothing written");

    // With the birth year the row is the member of that year.
    rows[2][2] = "1980".into();
    rows[2][3] = "13800000021".into();
    let applied = apply(&s, &office, xlsx(&rows)).await;
    assert_eq!((applied.created, applied.updated), (2, 1), "{applied:?}");
    let stored = members(&s).await;
    let wang: Vec<_> = named(&stored, "王海");
    assert_eq!(wang.len(), 2);
    assert!(wang.iter().any(
        |r| r.str_field("phone") == "13800000021" && r.get("birth_year") == Some(&json!(1980))
    ));
}
