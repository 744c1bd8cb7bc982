//! Roster import (党员名册): a 3,000-member XLSX made here with `rust_xlsxwriter`, previewed and
//! applied over HTTP on a fresh release server (`POST /api/v1/admin/roster/preview`, `…/apply`).

use std::time::Instant;

use serde::Serialize;
use serde_json::json;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::sync::{PushRequest, RosterReport};
use uuid::Uuid;

use crate::config::Config;
use crate::error::BenchError;
use crate::server::{Server, USERNAME};

/// Members in the benchmark roster (a large town).
pub const ROSTER_ROWS: usize = 3_000;
const BRANCHES: [&str; 2] = ["渔业村党支部", "海港社区党支部"];

/// One run.
#[derive(Clone, Debug, Serialize)]
pub struct RosterRun {
    pub rows: usize,
    pub xlsx_bytes: usize,
    pub preview_s: f64,
    pub apply_s: f64,
}

fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330902{birth}{seq:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// The roster as Excel writes it: header, then `n` members over the two branches.
pub fn roster_xlsx(n: usize) -> Result<Vec<u8>, BenchError> {
    let fail = |e: rust_xlsxwriter::XlsxError| BenchError::Server(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header =
        ["姓名", "性别", "出生年月", "联系电话", "身份证号", "所在支部", "村（社区）/单位"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(fail)?;
    }
    for i in 0..n {
        let r = i as u32 + 1;
        let year = 1950 + (i % 50) as u32;
        let birth = format!("{year}0{}1{}", 1 + i % 9, i % 10);
        let cells = [
            format!("党员{i:04}"),
            "男".into(),
            format!("{year}-0{}", 1 + i % 9),
            format!("138{i:08}"),
            id_number(&birth, (i % 500) as u32 * 2 + 1),
            BRANCHES[i % 2].into(),
            "东海村".into(),
        ];
        for (c, cell) in cells.iter().enumerate() {
            sheet.write_string(r, c as u16, cell).map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

async fn post(
    origin: &str,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> Result<RosterReport, BenchError> {
    let response = reqwest::Client::new()
        .post(format!("{origin}{path}"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .map_err(|e| BenchError::Server(format!("{path}: {e}")))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(BenchError::Server(format!("{path} answered {status}: {text}")));
    }
    serde_json::from_str(&text).map_err(|e| BenchError::Server(format!("{path} answer: {e}")))
}

pub async fn run_once(config: &Config) -> Result<RosterRun, BenchError> {
    let work = config.work_dir.join("roster");
    let server = Server::start(&config.server, &work.join("server-data"), &config.dist).await?;
    let outcome = async {
        let token = server.login().await?;
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0) - 1000;
        let ops: Vec<Operation> = BRANCHES
            .iter()
            .enumerate()
            .map(|(i, name)| Operation {
                id: Uuid::now_v7(),
                device_id: Uuid::nil(),
                author: USERNAME.into(),
                hlc: shared::hlc::Hlc::new(now, i as u32, "bench"),
                entity: EntityKind::Branch,
                entity_id: Uuid::now_v7(),
                branch_id: String::new(),
                kind: OpKind::Upsert,
                changes: vec![FieldChange { field: "name".into(), value: json!(name), base: None }],
            })
            .collect();
        let pushed = reqwest::Client::new()
            .post(format!("{}/api/v1/sync/push", server.origin))
            .bearer_auth(&token)
            .json(&PushRequest { ops })
            .send()
            .await
            .map_err(|e| BenchError::Server(format!("push branches: {e}")))?;
        if !pushed.status().is_success() {
            return Err(BenchError::Server(format!("push branches: {}", pushed.status())));
        }
        let file = roster_xlsx(ROSTER_ROWS)?;
        let xlsx_bytes = file.len();
        let started = Instant::now();
        let preview =
            post(&server.origin, &token, "/api/v1/admin/roster/preview", file.clone()).await?;
        let preview_s = started.elapsed().as_secs_f64();
        if !preview.issues.is_empty() {
            return Err(BenchError::Server(format!("roster issues: {:?}", preview.issues.first())));
        }
        let started = Instant::now();
        let applied = post(&server.origin, &token, "/api/v1/admin/roster/apply", file).await?;
        let apply_s = started.elapsed().as_secs_f64();
        if applied.created as usize != ROSTER_ROWS {
            return Err(BenchError::Server(format!("roster created {}", applied.created)));
        }
        Ok(RosterRun { rows: ROSTER_ROWS, xlsx_bytes, preview_s, apply_s })
    }
    .await;
    server.stop();
    outcome
}
