//! A county on PostgreSQL (`--only county`, not in the default set): `--county-towns` towns ×
//! `--county-tablets` tablets (surveyors, each its own branch, device and `X-Forwarded-For`
//! address) push their share of `--county-ops` operations in batches of [`BATCH`] through the
//! release server binary, once with 1 process and once with 2 processes on one fresh database,
//! each batch to the next process in turn. Meanwhile one town-office puller per town and a
//! county viewer page through the processes in turn (pages of [`PAGE`]). At the end: every
//! operation acknowledged, stored once (`ops` rows), and every puller saw exactly the operations
//! it may see (its town's; the county every one), each once. Beside it, a raw baseline: the same
//! rows (`op_id`, town, the operation's JSON) INSERTed in the same batches by as many
//! connections into a scratch table of the same database (the 2-process run's, after it).
//!
//! The database: `FIELD_DATABASE_URL`, else `FIELD_TEST_DATABASE_URL` (what
//! `scripts/with-postgres.sh` exports), a URL whose user may create databases; each run makes
//! its own database there and drops it at the end. Accounts are made with the server's command
//! line (`create-admin --town`, `add-user --town … --role surveyor --branches …`, `add-user
//! --role county_viewer`), the servers run with `--trusted-proxy 127.0.0.1`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use e2e::ServerProcess;
use reqwest::Client;
use serde::Serialize;
use serde_json::json;
use shared::op::Operation;
use shared::sync::LoginResponse;
use tokio::process::Command;
use uuid::Uuid;

use crate::config::Config;
use crate::error::BenchError;
use crate::sync_client::{self, person, pull, try_push};

/// Operations per push of a tablet.
pub const BATCH: usize = 100;
/// Operations per pull.
pub const PAGE: u32 = 500;
/// Connections of the raw INSERT baseline at most.
const BASELINE_WRITERS: usize = 32;
const PASSWORD: &str = "bench-password-2025";
const COUNTY: &str = "county";

/// One run through `processes` server processes.
#[derive(Clone, Debug, Serialize)]
pub struct CountyRun {
    pub processes: usize,
    /// First push sent to last push answered.
    pub push_s: f64,
    pub push_ops_per_s: f64,
    /// First push sent to every puller caught up.
    pub all_pulled_s: f64,
    pub pull_pages: usize,
    /// Batches a tablet sent again after the server answered 5xx (overloaded).
    pub resent_batches: usize,
    /// Operations each puller saw (the towns' offices, then the county).
    pub pulled: Vec<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CountySummary {
    pub towns: usize,
    pub tablets_per_town: usize,
    pub ops: usize,
    pub batch: usize,
    pub pull_page: u32,
    pub runs: Vec<CountyRun>,
    pub baseline_insert_s: f64,
    pub baseline_ops_per_s: f64,
    pub baseline_writers: usize,
}

fn fail(what: &str, error: impl std::fmt::Display) -> BenchError {
    sync_client::fail(&format!("county: {what}"), error)
}

fn town_name(t: usize) -> String {
    format!("县测{t:02}镇")
}

fn office(t: usize) -> String {
    format!("office{t}")
}

fn tablet(t: usize, j: usize) -> String {
    format!("tab{t}_{j}")
}

fn branch(t: usize, j: usize) -> String {
    format!("t{t}b{j}")
}

/// The county's database cluster, as a URL.
fn cluster_url() -> Result<String, BenchError> {
    ["FIELD_DATABASE_URL", "FIELD_TEST_DATABASE_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .ok_or_else(|| {
            BenchError::Usage(
                "county needs PostgreSQL: set FIELD_DATABASE_URL or run under \
                 scripts/with-postgres.sh (FIELD_TEST_DATABASE_URL)"
                    .into(),
            )
        })
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, BenchError> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| fail("connect to PostgreSQL", e))?;
    tokio::spawn(connection);
    Ok(client)
}

/// A fresh database beside the cluster URL's: (its name, its URL).
async fn create_database(cluster: &str) -> Result<(String, String), BenchError> {
    let name = format!("field_bench_county_{}", Uuid::now_v7().simple());
    connect(cluster)
        .await?
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(|e| fail("create a database", e))?;
    let (base, _) = cluster
        .split('?')
        .next()
        .unwrap_or(cluster)
        .rsplit_once('/')
        .ok_or_else(|| BenchError::Usage("the database URL must end with /<dbname>".into()))?;
    Ok((name.clone(), format!("{base}/{name}")))
}

async fn drop_database(cluster: &str, name: &str) {
    if let Ok(client) = connect(cluster).await {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
}

/// `server <args> --data-dir <data> --database-url <url>` to completion.
async fn cli(binary: &Path, data: &Path, url: &str, args: &[&str]) -> Result<(), BenchError> {
    let out = Command::new(binary)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url])
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| BenchError::Io(format!("run {}", binary.display()), e))?;
    if !out.status.success() {
        return Err(fail(&format!("server {args:?}"), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// Every account: a town office per town, its surveyors (one branch each), the county viewer.
async fn accounts(
    binary: &Path,
    data: &Path,
    url: &str,
    towns: usize,
    tablets: usize,
) -> Result<(), BenchError> {
    for t in 0..towns {
        let (town, name) = (town_name(t), office(t));
        cli(
            binary,
            data,
            url,
            &["create-admin", "--town", &town, "--username", &name, "--password", PASSWORD],
        )
        .await?;
        // The town exists now: its surveyors two at a time (2 cores).
        let mut users: Vec<(String, String)> =
            (0..tablets).map(|j| (tablet(t, j), branch(t, j))).collect();
        while !users.is_empty() {
            let pair: Vec<_> = users.drain(..users.len().min(2)).collect();
            let mut set = tokio::task::JoinSet::new();
            for (user, branch) in pair {
                let (binary, data, url, town) =
                    (binary.to_owned(), data.to_owned(), url.to_owned(), town.clone());
                set.spawn(async move {
                    cli(
                        &binary,
                        &data,
                        &url,
                        &[
                            "add-user",
                            "--town",
                            &town,
                            "--username",
                            &user,
                            "--password",
                            PASSWORD,
                            "--role",
                            "surveyor",
                            "--branches",
                            &branch,
                            "--display-name",
                            &user,
                        ],
                    )
                    .await
                });
            }
            while let Some(done) = set.join_next().await {
                done.map_err(|e| fail("add-user", e))??;
            }
        }
    }
    cli(
        binary,
        data,
        url,
        &[
            "add-user",
            "--username",
            COUNTY,
            "--password",
            PASSWORD,
            "--role",
            "county_viewer",
            "--display-name",
            "县委组织部",
        ],
    )
    .await
}

/// Log in `username` on a new device from `address` (`X-Forwarded-For`): (token, device).
async fn login(
    client: &Client,
    base: &str,
    username: &str,
    address: &str,
) -> Result<(String, Uuid), BenchError> {
    let device = Uuid::now_v7();
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .header("X-Forwarded-For", address)
        .json(&json!({"username": username, "password": PASSWORD,
                      "device_id": device, "device_name": format!("{username} 的平板")}))
        .send()
        .await
        .map_err(|e| fail("login", e))?;
    let status = res.status();
    if !status.is_success() {
        let text = res.text().await.unwrap_or_default();
        return Err(fail(&format!("login of {username}"), format!("{status}: {text}")));
    }
    let login: LoginResponse = res.json().await.map_err(|e| fail("login answer", e))?;
    Ok((login.token, device))
}

/// The share of tablet `k` of `n` in `total` operations.
pub fn share(total: usize, n: usize, k: usize) -> usize {
    total / n + usize::from(k < total % n)
}

/// A failed pull, said once per kind so a long overload does not flood the output.
fn tracing_note(error: &BenchError) {
    static SAID: AtomicBool = AtomicBool::new(false);
    if !SAID.swap(true, Ordering::Relaxed) {
        eprintln!("   a pull failed and is retried (said once): {error}");
    }
}

/// How long a puller that saw everything waits before pulling again.
const CAUGHT_UP_PAUSE: Duration = Duration::from_millis(250);

/// What a puller saw: operation ids (in order) and pages.
struct Seen {
    ids: Vec<Uuid>,
    pages: usize,
}

/// Page through the processes in turn until the tablets are done and a pull says no more.
async fn puller(
    client: Client,
    bases: Vec<String>,
    token: String,
    address: String,
    done: Arc<AtomicBool>,
) -> Result<Seen, BenchError> {
    let (mut cursor, mut turn) = (0u64, 0usize);
    let mut seen = Seen { ids: Vec::new(), pages: 0 };
    loop {
        // Read before pulling: a pull that starts after the last push was answered sees it.
        let finished = done.load(Ordering::SeqCst);
        let mut failed = 0;
        let page = loop {
            match pull(&client, &bases[turn], &token, Some(&address), cursor, PAGE as usize).await {
                Ok(page) => break page,
                // Overloaded: again in a second, as a tablet's backoff would (not for ever).
                Err(e) if failed < 60 => {
                    failed += 1;
                    tracing_note(&e);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => return Err(fail("puller", e)),
            }
        };
        turn = (turn + 1) % bases.len();
        seen.pages += 1;
        if page.cursor < cursor {
            return Err(fail("pull", format!("the cursor went back from {cursor}")));
        }
        seen.ids.extend(page.ops.iter().map(|o| o.id));
        cursor = page.cursor;
        if finished && !page.more {
            return Ok(seen);
        }
        if !page.more {
            // Caught up: look again shortly, as a tablet told of news would (a 5 ms pause made
            // 301 pullers of the full county size ask 60,000 times a second, starving the
            // pushes they were there to watch).
            tokio::time::sleep(CAUGHT_UP_PAUSE).await;
        }
    }
}

/// One tablet's pushes, each batch to the next process: (id, town) of every operation.
#[allow(clippy::too_many_arguments)]
async fn tablet_pushes(
    client: Client,
    bases: Vec<String>,
    (token, device): (String, Uuid),
    address: String,
    (t, j): (usize, usize),
    count: usize,
    start_ms: u64,
    resent: Arc<AtomicUsize>,
) -> Result<Vec<(Uuid, usize)>, BenchError> {
    let (user, branch) = (tablet(t, j), branch(t, j));
    let ops: Vec<Operation> =
        (0..count).map(|i| person(&user, device, &user, &branch, start_ms + i as u64, i)).collect();
    for (b, chunk) in ops.chunks(BATCH).enumerate() {
        let mut attempt = 0usize;
        loop {
            let base = &bases[(b + t + j + attempt) % bases.len()];
            let answer = try_push(&client, base, &token, Some(&address), chunk)
                .await
                .map_err(|e| fail("tablet", e))?;
            if answer.is_ok() {
                break;
            }
            // Overloaded (5xx): the same batch again after a pause, as the app's backoff does
            // (1–5 s, spread over the tablets); the server stores each operation once.
            attempt += 1;
            resent.fetch_add(1, Ordering::Relaxed);
            let pause = 1_000 + ((t * 7919 + j * 104_729 + attempt * 1_301) % 4_000) as u64;
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }
    Ok(ops.iter().map(|o| (o.id, t)).collect())
}

/// One run on a fresh database through `processes` processes.
/// With `then_baseline`, the raw INSERT baseline runs afterwards on the same database.
async fn run_processes(
    config: &Config,
    cluster: &str,
    processes: usize,
    then_baseline: bool,
) -> Result<(CountyRun, Option<(f64, usize)>), BenchError> {
    let (name, url) = create_database(cluster).await?;
    let data = config.work_dir.join(format!("county-{processes}"));
    let outcome = async {
        std::fs::create_dir_all(&data)
            .map_err(|e| BenchError::Io(format!("create {}", data.display()), e))?;
        let (towns, tablets) = (config.county_towns, config.county_tablets);
        let began = Instant::now();
        accounts(&config.server, &data, &url, towns, tablets).await?;
        eprintln!(
            "   {} accounts in {:.1}s",
            towns * (tablets + 1) + 1,
            began.elapsed().as_secs_f64()
        );
        let mut servers = Vec::new();
        for p in 0..processes {
            let port = e2e::free_port().map_err(|e| BenchError::Io("free port".into(), e))?;
            let log = config.work_dir.join(format!("county-{processes}-server{p}.log"));
            let args = ["--database-url", url.as_str(), "--trusted-proxy", "127.0.0.1"];
            servers.push(
                ServerProcess::start(
                    &config.server,
                    &args,
                    port,
                    &data,
                    &data.join("no-dist"),
                    &log,
                )
                .await?,
            );
        }
        let bases: Vec<String> = servers.iter().map(ServerProcess::base_url).collect();
        let measured = exchange(config, &bases, processes).await;
        for server in servers {
            server.stop();
        }
        let run = measured?;
        // Stored once each: as many rows as operations pushed.
        let stored: i64 = connect(&url)
            .await?
            .query_one("SELECT COUNT(*) FROM ops", &[])
            .await
            .map_err(|e| fail("count ops", e))?
            .get(0);
        if stored != config.county_ops as i64 {
            return Err(fail(
                "stored",
                format!("{stored} rows for {} operations", config.county_ops),
            ));
        }
        let raw = if then_baseline { Some(baseline(config, &url).await?) } else { None };
        Ok((run, raw))
    }
    .await;
    drop_database(cluster, &name).await;
    let _ = std::fs::remove_dir_all(&data);
    outcome
}

async fn exchange(
    config: &Config,
    bases: &[String],
    processes: usize,
) -> Result<CountyRun, BenchError> {
    let (towns, tablets, total) = (config.county_towns, config.county_tablets, config.county_ops);
    let client = Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| fail("HTTP client", e))?;
    let done = Arc::new(AtomicBool::new(false));
    // Pullers: each town's office, then the county.
    let mut pullers = Vec::new();
    for who in (0..towns).map(Some).chain([None]) {
        let (user, address) = match who {
            Some(t) => (office(t), format!("10.{}.250.1", t % 250)),
            None => (COUNTY.to_owned(), "10.251.0.1".to_owned()),
        };
        let (token, _) =
            login(&client, &bases[pullers.len() % bases.len()], &user, &address).await?;
        let task =
            tokio::spawn(puller(client.clone(), bases.to_vec(), token, address, done.clone()));
        pullers.push((who, task));
    }
    let mut signed_in = Vec::new();
    for t in 0..towns {
        for j in 0..tablets {
            let address = format!("10.{}.{}.{}", t % 250, j / 250, j % 250 + 1);
            let base = &bases[(t + j) % bases.len()];
            signed_in.push((
                (t, j),
                address.clone(),
                login(&client, base, &tablet(t, j), &address).await?,
            ));
        }
    }
    let start_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0) - 600_000;
    let began = Instant::now();
    let mut pushing = Vec::new();
    let resent = Arc::new(AtomicUsize::new(0));
    let n = signed_in.len();
    for (k, (tj, address, session)) in signed_in.into_iter().enumerate() {
        pushing.push(tokio::spawn(tablet_pushes(
            client.clone(),
            bases.to_vec(),
            session,
            address,
            tj,
            share(total, n, k),
            start_ms,
            resent.clone(),
        )));
    }
    let mut all: HashMap<Uuid, usize> = HashMap::new();
    let mut pushed = 0;
    for task in pushing {
        let sent = task.await.map_err(|e| fail("tablet", e))??;
        pushed += sent.len();
        all.extend(sent);
    }
    let push_s = began.elapsed().as_secs_f64();
    done.store(true, Ordering::SeqCst);
    if all.len() != total || pushed != total {
        return Err(fail(
            "push",
            format!("{} distinct of {pushed} sent, {total} asked", all.len()),
        ));
    }
    let (mut pull_pages, mut pulled) = (0, Vec::new());
    for (who, task) in pullers {
        let seen = task.await.map_err(|e| fail("puller", e))??;
        pull_pages += seen.pages;
        let label = who.map_or_else(|| COUNTY.to_owned(), office);
        let got: HashSet<Uuid> = seen.ids.iter().copied().collect();
        if got.len() != seen.ids.len() {
            return Err(fail(
                &label,
                format!("{} operations seen twice", seen.ids.len() - got.len()),
            ));
        }
        let expected: HashSet<Uuid> = all
            .iter()
            .filter(|(_, town)| who.is_none_or(|t| t == **town))
            .map(|(id, _)| *id)
            .collect();
        let (missing, extra) =
            (expected.difference(&got).count(), got.difference(&expected).count());
        if (missing, extra) != (0, 0) {
            return Err(fail(&label, format!("{missing} never seen, {extra} not its own")));
        }
        pulled.push(got.len());
    }
    Ok(CountyRun {
        processes,
        resent_batches: resent.load(Ordering::Relaxed),
        push_s,
        push_ops_per_s: total as f64 / push_s,
        all_pulled_s: began.elapsed().as_secs_f64(),
        pull_pages,
        pulled,
    })
}

/// The raw baseline: the operations' rows INSERTed in batches of [`BATCH`] (one multi-row
/// statement, its own transaction, each) by up to [`BASELINE_WRITERS`] connections into a
/// scratch table of the database at `url` (the county's, after a run): (seconds, writers).
async fn baseline(config: &Config, url: &str) -> Result<(f64, usize), BenchError> {
    async {
        let setup = connect(url).await?;
        setup
            .batch_execute(
                "CREATE TABLE scratch (seq BIGSERIAL PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, \
                 town INTEGER NOT NULL, op_json TEXT NOT NULL)",
            )
            .await
            .map_err(|e| fail("scratch table", e))?;
        let total = config.county_ops;
        let writers = (config.county_towns * config.county_tablets).clamp(1, BASELINE_WRITERS);
        let device = Uuid::now_v7();
        let start_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let mut rows = Vec::new();
        for w in 0..writers {
            let count = share(total, writers, w);
            let mut mine = Vec::with_capacity(count);
            for i in 0..count {
                let op = person("baseline", device, "baseline", "b", start_ms + i as u64, i);
                mine.push((
                    op.id.to_string(),
                    (w % config.county_towns.max(1)) as i32,
                    serde_json::to_string(&op)?,
                ));
            }
            rows.push(mine);
        }
        let mut clients = Vec::new();
        for _ in 0..writers {
            clients.push(connect(url).await?);
        }
        let began = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for (client, mine) in clients.into_iter().zip(rows) {
            set.spawn(async move {
                for chunk in mine.chunks(BATCH) {
                    let values: Vec<String> = (0..chunk.len())
                        .map(|r| format!("(${}, ${}, ${})", 3 * r + 1, 3 * r + 2, 3 * r + 3))
                        .collect();
                    let sql = format!(
                        "INSERT INTO scratch (op_id, town, op_json) VALUES {}",
                        values.join(", ")
                    );
                    let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = Vec::new();
                    for (id, town, body) in chunk {
                        params.extend([
                            id as &(dyn tokio_postgres::types::ToSql + Sync),
                            town,
                            body,
                        ]);
                    }
                    client.execute(&sql, &params).await?;
                }
                Ok::<_, tokio_postgres::Error>(())
            });
        }
        while let Some(done) = set.join_next().await {
            done.map_err(|e| fail("baseline writer", e))?
                .map_err(|e| fail("baseline insert", e))?;
        }
        let seconds = began.elapsed().as_secs_f64();
        let stored: i64 = setup
            .query_one("SELECT COUNT(*) FROM scratch", &[])
            .await
            .map_err(|e| fail("count scratch", e))?
            .get(0);
        if stored != total as i64 {
            return Err(fail("baseline", format!("{stored} rows of {total}")));
        }
        Ok((seconds, writers))
    }
    .await
}

async fn measure(config: Config) -> Result<CountySummary, BenchError> {
    let cluster = cluster_url()?;
    let (mut runs, mut baseline_raw) = (Vec::new(), (0.0, 0));
    for processes in [1, 2] {
        eprintln!(
            "   {} towns × {} tablets, {} ops through {processes} process(es)",
            config.county_towns, config.county_tablets, config.county_ops
        );
        let (run, raw) = run_processes(&config, &cluster, processes, processes == 2).await?;
        runs.push(run);
        if let Some(raw) = raw {
            baseline_raw = raw;
        }
    }
    let (baseline_insert_s, baseline_writers) = baseline_raw;
    Ok(CountySummary {
        towns: config.county_towns,
        tablets_per_town: config.county_tablets,
        ops: config.county_ops,
        batch: BATCH,
        pull_page: PAGE,
        runs,
        baseline_insert_s,
        baseline_ops_per_s: config.county_ops as f64 / baseline_insert_s,
        baseline_writers,
    })
}

/// Both runs and the baseline, on a multi-threaded runtime of this process (the clients).
pub async fn run(config: &Config) -> Result<CountySummary, BenchError> {
    if config.county_towns == 0 || config.county_tablets == 0 || config.county_ops == 0 {
        return Err(BenchError::Usage("--county-towns/-tablets/-ops must be at least 1".into()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Io("start a runtime".into(), e))?;
    let outcome = runtime.spawn(measure(config.clone())).await;
    runtime.shutdown_background();
    outcome.map_err(|e| fail("run", e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        for (total, n) in [(2000, 10), (7, 3), (1, 4), (100_001, 7)] {
            assert_eq!((0..n).map(|k| share(total, n, k)).sum::<usize>(), total);
        }
    }
}
