//! Office exports: CSV with BOM and XLSX, Chinese headers and labels, the caller's rights.

use std::io::Read;

use crate::common::{TestServer, assert_error, upsert};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::record::EntityKind;
use shared::roles::Role;
use uuid::Uuid;

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// Two branches, a person in each, a survey and a candidate of the first.
async fn seed(s: &TestServer) {
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let (b1, b2) = (Uuid::now_v7(), Uuid::now_v7());
    let (wang, chen) = (Uuid::now_v7(), Uuid::now_v7());
    let f =
        |pairs: &[(&'static str, Value)]| -> Vec<(&'static str, Value, Option<shared::hlc::Hlc>)> {
            pairs.iter().map(|(k, v)| (*k, v.clone(), None)).collect()
        };
    let ops = vec![
        upsert(
            "office",
            "o",
            t,
            EntityKind::Branch,
            b1,
            "",
            &f(&[("name", json!("东海村党支部"))]),
        ),
        upsert(
            "office",
            "o",
            t,
            EntityKind::Branch,
            b2,
            "",
            &f(&[("name", json!("西岙村党支部"))]),
        ),
        upsert(
            "office",
            "o",
            t + 1,
            EntityKind::Person,
            wang,
            &b1.to_string(),
            &f(&[
                ("name", json!("王海")),
                ("gender", json!("male")),
                ("birth_year", json!(1970)),
                ("phone", json!("13800000000")),
                ("branch_id", json!(b1.to_string())),
                ("village_unit", json!("东海村")),
                ("category", json!("village_leader")),
            ]),
        ),
        upsert(
            "office",
            "o",
            t + 2,
            EntityKind::Person,
            chen,
            &b2.to_string(),
            &f(&[
                ("name", json!("陈雪")),
                ("gender", json!("female")),
                ("branch_id", json!(b2.to_string())),
            ]),
        ),
        upsert(
            "office",
            "o",
            t + 3,
            EntityKind::Survey,
            Uuid::now_v7(),
            &b1.to_string(),
            &f(&[
                ("person_id", json!(wang)),
                ("surveyor", json!("zhang")),
                ("surveyed_at", json!("2013-05-01T09:30:00")),
                ("employment", json!("fishery")),
            ]),
        ),
        upsert(
            "office",
            "o",
            t + 4,
            EntityKind::Candidate,
            Uuid::now_v7(),
            &b1.to_string(),
            &f(&[
                ("person_id", json!(wang)),
                ("branch_id", json!(b1.to_string())),
                ("category", json!("village_leader")),
                ("year", json!(2013)),
                ("state", json!("applied")),
            ]),
        ),
    ];
    let res = s.push(&office, &ops).await;
    assert!(res.results.iter().all(|r| r.status.is_acknowledged()), "{:?}", res.results);
    s.add_user("zhang", Role::Surveyor, &[&b1.to_string()]).await;
}

async fn download(s: &TestServer, token: &str, file: &str) -> (String, Vec<u8>) {
    let res = s
        .request(Method::GET, &format!("/api/v1/exports/{file}"), Some(token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{file}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    (content_type, res.bytes().await.unwrap().to_vec())
}

/// Headers and rows of a CSV export (checking the BOM first).
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (headers, rows)
}

fn column<'a>(headers: &[String], row: &'a [String], name: &str) -> &'a str {
    &row[headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))]
}

#[tokio::test]
async fn csv_exports_follow_the_callers_rights() {
    let s = TestServer::start().await;
    seed(&s).await;
    let office = s.login("office", Uuid::now_v7()).await;
    let (content_type, bytes) = download(&s, &office, "people.csv").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let (headers, rows) = parse_csv(&bytes);
    assert_eq!(
        headers,
        ["姓名", "性别", "出生年份", "手机号", "身份证号", "所属支部", "村/单位", "类别", "备注"]
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][..4], ["王海", "男", "1970", "13800000000"]);
    assert_eq!(column(&headers, &rows[0], "所属支部"), "东海村党支部");
    assert_eq!(column(&headers, &rows[0], "类别"), "渔农村党员创业创新带头人");
    assert_eq!(column(&headers, &rows[1], "姓名"), "陈雪");

    s.add_user("county", Role::CountyViewer, &[]).await;
    let county = s.login("county", Uuid::now_v7()).await;
    let (headers, rows) = parse_csv(&download(&s, &county, "people.csv").await.1);
    assert!(!headers.iter().any(|h| h == "手机号" || h == "身份证号"), "{headers:?}");
    assert_eq!(rows.len(), 2);

    let zhang = s.login("zhang", Uuid::now_v7()).await;
    let (_, rows) = parse_csv(&download(&s, &zhang, "people.csv").await.1);
    assert_eq!(rows.len(), 1, "a surveyor exports only their branch");
    assert_eq!(rows[0][0], "王海");

    let (headers, rows) = parse_csv(&download(&s, &office, "surveys.csv").await.1);
    assert_eq!(column(&headers, &rows[0], "姓名"), "王海");
    assert_eq!(column(&headers, &rows[0], "调查时间"), "2013-05-01 09:30");
    assert_eq!(column(&headers, &rows[0], "状态"), "草稿");
    assert_eq!(column(&headers, &rows[0], "从业情况"), "渔业捕捞/养殖");

    let res =
        s.request(Method::GET, "/api/v1/exports/users.csv", Some(&office)).send().await.unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "unknown_export").await;
}

/// The cell texts of the first sheet of an XLSX file (shared strings and inline numbers).
fn xlsx_text(bytes: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the XLSX"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let workbook = read("xl/workbook.xml");
    let strings = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    (format!("{workbook}{strings}"), sheet)
}

#[tokio::test]
async fn xlsx_exports_open_as_spreadsheets() {
    let s = TestServer::start().await;
    seed(&s).await;
    let office = s.login("office", Uuid::now_v7()).await;
    let (content_type, bytes) = download(&s, &office, "candidates.xlsx").await;
    assert_eq!(content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let (strings, sheet) = xlsx_text(&bytes);
    assert!(strings.contains("name=\"争创对象\""), "sheet named in Chinese");
    for text in [
        "姓名",
        "所属支部",
        "类别",
        "争创年度",
        "状态",
        "王海",
        "东海村党支部",
        "已申报",
        "渔农村党员创业创新带头人",
    ] {
        assert!(strings.contains(text), "{text} missing");
    }
    assert!(sheet.contains("<v>2013</v>"), "the year is a number cell");
    assert_eq!(sheet.matches("<row ").count(), 2, "header and one candidate");

    // The CLI writes the same export.
    let out = s.data_dir.path().join("people.xlsx");
    let status = s
        .cli(&["export", "--what", "people", "--format", "xlsx"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(String::from_utf8_lossy(&status.stdout).contains("2 行"));
    let (strings, sheet) = xlsx_text(&std::fs::read(&out).unwrap());
    assert!(
        strings.contains("手机号") && strings.contains("13800000000") && strings.contains("陈雪")
    );
    assert_eq!(sheet.matches("<row ").count(), 3);
}

#[tokio::test]
async fn a_branch_adopted_from_free_text_and_renamed_prints_its_new_name() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let f =
        |pairs: &[(&'static str, Value)]| -> Vec<(&'static str, Value, Option<shared::hlc::Hlc>)> {
            pairs.iter().map(|(k, v)| (*k, v.clone(), None)).collect()
        };
    // A member recorded under the free-text branch 东沙村 before branches were records …
    let wang = Uuid::now_v7();
    let member =
        f(&[("name", json!("王海")), ("gender", json!("male")), ("branch_id", json!("东沙村"))]);
    // … the office adopts that value as a branch (code = the text, record id ≠ code) and
    // renames it.
    let branch = Uuid::now_v7();
    let adopted = shared::branches::adopt("东沙村");
    let fields = shared::record::to_fields(&adopted).unwrap();
    let adopt: Vec<(&str, Value, _)> =
        fields.iter().map(|(k, v)| (k.as_str(), v.clone(), None)).collect();
    let ops = vec![
        upsert("office", "o", t, EntityKind::Person, wang, "东沙村", &member),
        upsert("office", "o", t + 1, EntityKind::Branch, branch, "", &adopt),
        upsert(
            "office",
            "o",
            t + 2,
            EntityKind::Branch,
            branch,
            "",
            &f(&[("name", json!("东沙社区党总支"))]),
        ),
    ];
    s.push_accepted(&office, &ops).await;
    let login = s.login("office", Uuid::now_v7()).await;
    let (headers, rows) = parse_csv(&download(&s, &login, "people.csv").await.1);
    assert_eq!(rows.len(), 1);
    assert_eq!(column(&headers, &rows[0], "所属支部"), "东沙社区党总支");
}
