//! The server's HTTP API as a tablet's account uses it, for tests that seed a town or read what
//! the office exports: operations built with the shared domain types and pushed through
//! `/api/v1/sync/push`, rosters, and the office's CSV/XLSX exports read back.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::sync::{OpStatus, PushResponse, RosterReport};
use uuid::Uuid;

fn now_ms() -> u64 {
    u64::try_from(Utc::now().timestamp_millis()).unwrap_or_default()
}

/// The server's HTTP API as one signed-in account.
pub struct Api {
    client: reqwest::Client,
    origin: String,
    token: String,
    username: String,
    clock: u64,
}

impl Api {
    /// Signs in as `username` with `password` on a new device.
    pub async fn sign_in(origin: &str, username: &str, password: &str) -> Api {
        let client = reqwest::Client::new();
        let res = client
            .post(format!("{origin}/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password,
                           "device_id": Uuid::now_v7(), "device_name": "计数检查" }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "sign in {username}: {}", res.status());
        let body: Value = res.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_owned();
        Api { client, origin: origin.to_owned(), token, username: username.to_owned(), clock: 0 }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.origin)).bearer_auth(&self.token)
    }

    /// An upsert of `fields` of record `id`, as this account's tablet would send it.
    pub fn upsert(
        &mut self,
        entity: EntityKind,
        id: Uuid,
        branch: &str,
        fields: BTreeMap<String, Value>,
    ) -> Operation {
        // As a tablet's clock: now, and never behind its own last write.
        self.clock = (self.clock + 1).max(now_ms());
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: self.username.clone(),
            hlc: Hlc::new(self.clock, 0, format!("{}-api", self.username)),
            entity,
            entity_id: id,
            branch_id: branch.to_owned(),
            kind: OpKind::Upsert,
            changes: fields
                .into_iter()
                .map(|(field, value)| FieldChange { field, value, base: None })
                .collect(),
        }
    }

    /// Pushes `ops`; every one must be accepted.
    pub async fn push(&self, ops: &[Operation]) {
        let res = self
            .request(reqwest::Method::POST, "/api/v1/sync/push")
            .json(&json!({ "ops": ops }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "push: {}", res.status());
        let answer: PushResponse = res.json().await.unwrap();
        for r in &answer.results {
            assert_eq!(r.status, OpStatus::Accepted, "{r:?}");
        }
    }

    /// Posts `csv` to the roster import; the report must show no problem.
    pub async fn roster(&self, csv: &str) -> RosterReport {
        let res = self
            .request(reqwest::Method::POST, "/api/v1/admin/roster/apply")
            .body(csv.as_bytes().to_vec())
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        if !status.is_success() {
            let preview = self
                .request(reqwest::Method::POST, "/api/v1/admin/roster/preview")
                .body(csv.as_bytes().to_vec())
                .send()
                .await
                .unwrap();
            panic!("roster import: {status} {text}\n{}", preview.text().await.unwrap());
        }
        let report: RosterReport = serde_json::from_str(&text).unwrap();
        assert!(report.applied && report.issues.is_empty(), "{report:?}");
        report
    }

    pub async fn download(&self, file: &str) -> Vec<u8> {
        let res =
            self.request(reqwest::Method::GET, &format!("/api/v1/exports/{file}")).send().await;
        let res = res.unwrap();
        assert!(res.status().is_success(), "{file}: {}", res.status());
        res.bytes().await.unwrap().to_vec()
    }

    /// An export (`people`, `candidates`) as rows of text, read from its CSV and from its
    /// XLSX, which must hold the same rows.
    pub async fn export_rows(&self, what: &str) -> Vec<BTreeMap<String, String>> {
        let csv_bytes = self.download(&format!("{what}.csv")).await;
        let text = String::from_utf8(csv_bytes).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        let from_csv: Vec<BTreeMap<String, String>> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers.iter().zip(r.iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect()
            })
            .collect();

        use calamine::Reader;
        let xlsx = self.download(&format!("{what}.xlsx")).await;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let mut rows = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        // The sheet may open with a title row above the headers.
        let header = rows.by_ref().find(|r| r.iter().any(|c| c == "姓名")).unwrap();
        let from_xlsx: Vec<BTreeMap<String, String>> = rows
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| header.iter().cloned().zip(r).collect())
            .collect();
        assert_eq!(from_csv.len(), from_xlsx.len(), "{what}: CSV and XLSX rows");
        let names = |rows: &[BTreeMap<String, String>]| {
            let mut v: Vec<String> = rows.iter().map(|r| r["姓名"].clone()).collect();
            shared::order::sort(&mut v);
            v
        };
        assert_eq!(names(&from_csv), names(&from_xlsx), "{what}: CSV and XLSX names");
        from_csv
    }
}
