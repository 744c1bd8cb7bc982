//! Trial 3, "order", on the real server: the cases of `trials::order` (the operations of four
//! devices on two records, each receiver's random order and split), the server's plan delivered
//! over HTTP to one server on a real SQLite file — pushes (`POST /api/v1/sync/push`, each as the
//! author of its operations: a delivery holding several authors' operations is sent as one push
//! per run of consecutive operations by one author, in order) and export files
//! (`POST /api/v1/import` as the town office, each operation checked against its author's
//! account). About a fifth of the operations come again at the end through the other channel.
//!
//! Per case: every record of the case is, byte for byte, the reference's (every operation
//! applied once in the order made, `shared::merge::apply`), read back from the server's store;
//! the conflicts of the case's records (`GET /api/v1/conflicts?status=all`, as the office) are
//! the reference's, field for field; the office's pull brings each of the case's operations
//! exactly once, as sent; every first delivery is answered `accepted` and every resend
//! `duplicate` (push) or counted duplicate (import), nothing refused. The case number is in
//! every id, so the cases share the server without touching each other.
//!
//! `FIELD_TRIAL_ORDER_CASES` cases (default 25; `scripts/trials.sh` runs 1,000),
//! `FIELD_TRIAL_SEED` the seed (default: drawn, printed to replay a failure). One
//! `TRIAL|order-server|…` line reports the run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use reqwest::{Method, StatusCode};
use server::import::ImportReport;
use shared::merge::Conflict;
use shared::op::Operation;
use shared::roles::Role;
use shared::sync::{ConflictEntry, OpStatus};
use trials::order::{
    BRANCH, Case, Channel, DEVICES, RECORDS, Reference, TABLETS, Tally, author, conflicts_bytes,
    export_file, random_case, record_id, records_bytes, schedule,
};
use trials::{Rng, env_number, fresh_seed};
use uuid::Uuid;

use crate::common::{TestServer, json_body};

/// The server as the trial sees it: the authors' tokens, the office's, and where the office's
/// pull has got to.
struct Office {
    server: TestServer,
    authors: BTreeMap<String, String>,
    office: String,
    cursor: u64,
}

/// What the deliveries of the run added up to, beyond `Tally`.
#[derive(Default)]
struct Requests {
    pushes: usize,
    imports: usize,
}

impl Office {
    /// One push per run of consecutive operations by one author: the server takes a pushed
    /// operation only from its author's account. Each answered `expect` for every operation.
    async fn push(&self, ops: &[Operation], expect: OpStatus, requests: &mut Requests) {
        for run in ops.chunk_by(|a, b| a.author == b.author) {
            let token = &self.authors[&run[0].author];
            let answer = self.server.push(token, run).await;
            requests.pushes += 1;
            let got: Vec<(Uuid, OpStatus)> =
                answer.results.iter().map(|r| (r.id, r.status)).collect();
            let want: Vec<(Uuid, OpStatus)> = run.iter().map(|o| (o.id, expect)).collect();
            assert_eq!(got, want, "push answers: {:?}", answer.results);
        }
    }

    /// One export file imported as the town office.
    async fn import(&self, ops: &[Operation], resend: bool, requests: &mut Requests) {
        let file = export_file(ops).expect("the export file is written");
        let res = self
            .server
            .request(Method::POST, "/api/v1/import", Some(&self.office))
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let report: ImportReport = res.json().await.unwrap();
        requests.imports += 1;
        let (accepted, duplicate) = if resend { (0, ops.len()) } else { (ops.len(), 0) };
        assert_eq!(
            (report.operations, report.accepted, report.duplicate, report.rejected),
            (ops.len(), accepted, duplicate, 0),
            "import report: {:?}",
            report.rejections
        );
    }

    /// The office's pull from where it last stopped: the operations stored since.
    async fn pull_new(&mut self) -> Vec<Operation> {
        let mut ops = Vec::new();
        loop {
            let page = self.server.pull(&self.office, self.cursor, 1_000).await;
            assert!(page.cursor >= self.cursor, "cursor never goes back");
            ops.extend(page.ops);
            let moved = page.cursor != self.cursor;
            self.cursor = page.cursor;
            if !page.more || !moved {
                return ops;
            }
        }
    }

    /// The conflicts of `records` as the office lists them (all, resolved or not).
    async fn conflicts_of(&self, records: &BTreeSet<Uuid>) -> BTreeMap<Uuid, Conflict> {
        let res = self
            .server
            .request(Method::GET, "/api/v1/conflicts?status=all", Some(&self.office))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let entries: Vec<ConflictEntry> = serde_json::from_value(json_body(res).await).unwrap();
        let mut found = BTreeMap::new();
        for entry in entries.into_iter().filter(|e| records.contains(&e.conflict.entity_id)) {
            assert!(!entry.resolved, "nobody resolved {}", entry.conflict.id);
            let id = entry.conflict.id;
            assert!(found.insert(id, entry.conflict).is_none(), "conflict {id} listed twice");
        }
        found
    }
}

/// Deliver case `c` to the server and check it; what went wrong, if anything.
async fn run_case(
    office: &mut Office,
    c: &Case,
    tally: &mut Tally,
    requests: &mut Requests,
) -> Result<(), String> {
    let reference = Reference::of(&c.ops);
    let deliveries = schedule(&c.ops, &c.plans[TABLETS]);
    tally.receiver(&deliveries);
    for d in &deliveries {
        let expect = if d.resend { OpStatus::Duplicate } else { OpStatus::Accepted };
        match d.channel {
            Channel::Sync => office.push(&d.ops, expect, requests).await,
            Channel::File => office.import(&d.ops, d.resend, requests).await,
        }
    }

    // Records, read back from the server's store (its SQLite file), byte for byte.
    let ids: BTreeSet<Uuid> = (0..RECORDS).map(|i| record_id(c.case, i)).collect();
    let mut records = BTreeMap::new();
    for id in &ids {
        if let Some(record) =
            office.server.state.store.record(server::store::Scope::County, *id).await.unwrap()
        {
            records.insert(*id, record);
        }
    }
    if records_bytes(&records) != reference.records_bytes() {
        return Err(format!(
            "the server holds other records than the reference:\nserver:    {}\nreference: {}",
            String::from_utf8_lossy(&records_bytes(&records)),
            String::from_utf8_lossy(&reference.records_bytes())
        ));
    }

    // Conflicts, as the office lists them: every field of `shared::merge::Conflict`.
    let conflicts = office.conflicts_of(&ids).await;
    if conflicts_bytes(&conflicts) != reference.conflicts_bytes() {
        return Err(format!(
            "the server lists other conflicts than the reference:\nserver:    {}\nreference: {}",
            String::from_utf8_lossy(&conflicts_bytes(&conflicts)),
            String::from_utf8_lossy(&reference.conflicts_bytes())
        ));
    }

    // Stored once each, as sent: the office's pull brings exactly the case's operations.
    let pulled = office.pull_new().await;
    let mut by_id: BTreeMap<Uuid, usize> = BTreeMap::new();
    for op in &pulled {
        *by_id.entry(op.id).or_default() += 1;
    }
    let twice: Vec<&Uuid> = by_id.iter().filter(|(_, n)| **n > 1).map(|(id, _)| id).collect();
    if !twice.is_empty() || pulled.len() != c.ops.len() {
        return Err(format!(
            "the office pulled {} operations for the case's {} (more than once: {twice:?})",
            pulled.len(),
            c.ops.len()
        ));
    }
    let sent: BTreeMap<Uuid, &Operation> = c.ops.iter().map(|o| (o.id, o)).collect();
    for op in &pulled {
        if sent.get(&op.id) != Some(&op) {
            return Err(format!("the server holds operation {} otherwise than sent", op.id));
        }
    }
    tally.case(&c.ops, &reference);
    Ok(())
}

#[tokio::test]
async fn trial_order_the_same_operations_in_any_order_through_pushes_and_files_on_the_server() {
    let cases = env_number("FIELD_TRIAL_ORDER_CASES", 25);
    let seed = env_number("FIELD_TRIAL_SEED", fresh_seed());
    println!("trial order-server: {cases} cases, seed {seed}");
    let server = TestServer::start().await;
    let mut authors = BTreeMap::new();
    for device in 0..DEVICES.len() {
        let name = author(device);
        let token = server.user_token(&name, Role::Surveyor, &[BRANCH]).await;
        authors.insert(name, token);
    }
    let office_token = server.user_token("office", Role::TownOffice, &[]).await;
    let mut office = Office { server, authors, office: office_token, cursor: 0 };

    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let mut requests = Requests::default();
    for case in 0..cases {
        let c = random_case(&mut rng, case);
        if let Err(problem) = run_case(&mut office, &c, &mut tally, &mut requests).await {
            panic!(
                "trial order-server failed at case {case} (replay with FIELD_TRIAL_SEED={seed}): \
                 {problem}\nsteps: {:?}\nserver's plan: {:?}",
                c.steps, c.plans[TABLETS]
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "TRIAL|order-server|{cases}|{}|0|0|{secs:.0}|{} operations over 2 records from 4 devices \
         per case, to one server (HTTP, SQLite) in {} deliveries: {} pushes, {} export files \
         imported; {} operations delivered twice, each answered duplicate; {} conflicts, the same \
         as the reference; seed {seed}",
        tally.redelivered,
        tally.operations,
        tally.deliveries,
        requests.pushes,
        requests.imports,
        tally.redelivered,
        tally.conflicts,
    );
}
