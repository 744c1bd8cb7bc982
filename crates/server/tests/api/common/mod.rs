//! Starts the real app on 127.0.0.1:0 with a temporary data directory and talks to it over HTTP.
#![allow(dead_code)] // helpers some tests no longer need stay usable

use std::path::{Path, PathBuf};

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use server::state::AppState;
use shared::hlc::Hlc;
use shared::model::Candidate;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::sync::{CreateUserRequest, LoginResponse, PullResponse, PushResponse};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";

/// The PostgreSQL cluster the tests run on (`FIELD_TEST_DATABASE_URL`, which
/// `scripts/with-postgres.sh` exports: a URL of its `postgres` database), if any. Without it
/// every test runs on SQLite.
pub fn pg_cluster() -> Option<String> {
    std::env::var("FIELD_TEST_DATABASE_URL").ok().filter(|url| !url.is_empty())
}

/// A fresh empty database in the tests' PostgreSQL cluster (its URL), so each test is on its
/// own; `None` when the tests run on SQLite.
pub async fn fresh_database() -> Option<String> {
    let admin = pg_cluster()?;
    let name = format!("field_test_{}", Uuid::now_v7().simple());
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to FIELD_TEST_DATABASE_URL: {e}"));
    let connection = tokio::spawn(connection);
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    drop(client);
    let _ = connection.await;
    let (base, _) = admin.rsplit_once('/').expect("a database URL ends with /<dbname>");
    Some(format!("{base}/{name}"))
}

/// Where a test server keeps its data: the data directory (photos; the SQLite file unless
/// `database` names a PostgreSQL database).
pub struct Data {
    pub dir: TempDir,
    pub database: Option<String>,
}

impl Data {
    /// A new temporary data directory and, on PostgreSQL, a new database.
    pub async fn fresh() -> Self {
        Data { dir: tempfile::tempdir().unwrap(), database: fresh_database().await }
    }

    /// The database as plain SQL, for the tests that look at (or age) stored rows.
    pub fn db(&self) -> Db {
        match &self.database {
            Some(url) => Db::Postgres(url.clone()),
            None => Db::Sqlite(self.dir.path().join("field.sqlite3")),
        }
    }

    /// A copy of the database as it is now, the way an office backs one up (the server
    /// stopped): SQLite's `VACUUM INTO` a file beside the data folder; on PostgreSQL a database
    /// made from this one as its template.
    pub async fn backup(&self) -> Backup {
        match &self.database {
            None => {
                let file = tempfile::NamedTempFile::new().unwrap();
                std::fs::remove_file(file.path()).unwrap();
                let conn =
                    rusqlite::Connection::open(self.dir.path().join("field.sqlite3")).unwrap();
                conn.execute("VACUUM INTO ?1", [file.path().to_str().unwrap()]).unwrap();
                Backup::Sqlite(file)
            }
            Some(url) => Backup::Postgres(copy_database(url).await),
        }
    }

    /// Put `backup` back in place of the database (the server stopped), as an office restores
    /// one: on SQLite the file copied over `field.sqlite3` (its `-wal` and `-shm` removed); on
    /// PostgreSQL a new database made from the backup, which this data now names.
    pub async fn restore(&mut self, backup: &Backup) {
        match backup {
            Backup::Sqlite(file) => {
                let db = self.dir.path().join("field.sqlite3");
                for suffix in ["-wal", "-shm"] {
                    let mut side = db.clone().into_os_string();
                    side.push(suffix);
                    let _ = std::fs::remove_file(side);
                }
                std::fs::copy(file.path(), &db).unwrap();
            }
            Backup::Postgres(url) => self.database = Some(copy_database(url).await),
        }
    }

    /// `server <args…> --data-dir <dir> [--database-url <url>]`, not started yet.
    pub fn cli(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.args(args).arg("--data-dir").arg(self.dir.path());
        if let Some(url) = &self.database {
            cmd.args(["--database-url", url]);
        }
        cmd
    }
}

/// A backed-up database ([`Data::backup`]).
pub enum Backup {
    Sqlite(tempfile::NamedTempFile),
    Postgres(String),
}

/// A new database of the tests' cluster with the content of the one at `url` (no session may
/// be connected to it: a server that just stopped may take a moment to let go).
async fn copy_database(url: &str) -> String {
    let admin = pg_cluster().expect("a PostgreSQL database outside the tests' cluster");
    let (base, source) = url.rsplit_once('/').expect("a database URL ends with /<dbname>");
    let name = format!("field_test_{}", Uuid::now_v7().simple());
    let (client, connection) =
        tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap();
    let connection = tokio::spawn(connection);
    let mut tries = 0;
    while let Err(e) =
        client.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {source}")).await
    {
        tries += 1;
        assert!(tries < 50, "cannot copy database {source}: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    drop(client);
    let _ = connection.await;
    format!("{base}/{name}")
}

/// A test's direct line to the store's database. SQL is written once, in the dialect both
/// share, with `?1`, `?2`… placeholders (made `$1`, `$2`… for PostgreSQL); parameters are text.
pub enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Db {
    async fn pg(url: &str) -> tokio_postgres::Client {
        let (client, connection) =
            tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    fn dollars(sql: &str) -> String {
        let mut out = String::with_capacity(sql.len());
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
                out.push('$');
            } else {
                out.push(c);
            }
        }
        out
    }

    fn pg_params<'a>(params: &'a [&'a str]) -> Vec<&'a (dyn tokio_postgres::types::ToSql + Sync)> {
        params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect()
    }

    /// Run a statement; the number of rows it changed.
    pub async fn execute(&self, sql: &str, params: &[&str]) -> u64 {
        match self {
            Db::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.execute(sql, rusqlite::params_from_iter(params)).unwrap() as u64
            }
            Db::Postgres(url) => {
                let client = Self::pg(url).await;
                client.execute(&Self::dollars(sql), &Self::pg_params(params)).await.unwrap()
            }
        }
    }

    /// The one integer a query answers (a `COUNT(*)`).
    pub async fn count(&self, sql: &str, params: &[&str]) -> i64 {
        match self {
            Db::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0)).unwrap()
            }
            Db::Postgres(url) => {
                let client = Self::pg(url).await;
                client
                    .query_one(&Self::dollars(sql), &Self::pg_params(params))
                    .await
                    .unwrap()
                    .get(0)
            }
        }
    }

    /// Every row of a query whose columns are all text.
    pub async fn texts(&self, sql: &str, params: &[&str]) -> Vec<Vec<Option<String>>> {
        match self {
            Db::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                let n = stmt.column_count();
                stmt.query_map(rusqlite::params_from_iter(params), |r| {
                    (0..n).map(|i| r.get::<_, Option<String>>(i)).collect()
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
            Db::Postgres(url) => {
                let client = Self::pg(url).await;
                let rows =
                    client.query(&Self::dollars(sql), &Self::pg_params(params)).await.unwrap();
                rows.iter().map(|r| (0..r.len()).map(|i| r.get(i)).collect()).collect()
            }
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub data_dir: TempDir,
    /// The PostgreSQL database this server keeps its data in (`None`: SQLite in `data_dir`).
    pub database: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_in(Data::fresh().await, None).await
    }

    pub async fn start_with_dist(dist: &Path) -> Self {
        Self::start_in(Data::fresh().await, Some(dist)).await
    }

    /// A server with other bounds on pre-sign-in work (`server::limits::Limits`).
    pub async fn start_with_limits(limits: server::limits::Limits) -> Self {
        Self::start_configured(Data::fresh().await, None, Some(limits)).await
    }

    /// A server of `dist` with other bounds (`server::limits::Limits`).
    pub async fn start_with_dist_and_limits(dist: &Path, limits: server::limits::Limits) -> Self {
        Self::start_configured(Data::fresh().await, Some(dist), Some(limits)).await
    }

    pub async fn start_in(data: Data, dist: Option<&Path>) -> Self {
        Self::start_configured(data, dist, None).await
    }

    async fn start_configured(
        data: Data,
        dist: Option<&Path>,
        limits: Option<server::limits::Limits>,
    ) -> Self {
        let Data { dir: data_dir, database } = data;
        let dist = dist.map_or_else(|| data_dir.path().join("no-dist"), Path::to_path_buf);
        let mut state = server::open_state_with(data_dir.path(), &dist, database.as_deref())
            .await
            .expect("state opens");
        match limits {
            Some(limits) => state.set_limits(limits),
            // No floor of free space for photos (1 GiB by default): a test's photos must not be
            // refused because the machine running it has less free (a CI runner). The floor's
            // own tests set it.
            None => state.attachments.set_min_free(0),
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let serve_state = state.clone();
        let task = tokio::spawn(async move {
            server::serve(listener, serve_state, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        TestServer {
            base,
            client: Client::new(),
            state,
            data_dir,
            database,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stop serving and hand back the data (to start again on it).
    pub async fn stop(mut self) -> Data {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        Data { dir: self.data_dir, database: self.database }
    }

    /// The database as plain SQL (see [`Db`]).
    pub fn db(&self) -> Db {
        match &self.database {
            Some(url) => Db::Postgres(url.clone()),
            None => Db::Sqlite(self.data_dir.path().join("field.sqlite3")),
        }
    }

    /// `server <args…> --data-dir <dir> [--database-url <url>]` on this server's data.
    pub fn cli(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.args(args).arg("--data-dir").arg(self.data_dir.path());
        if let Some(url) = &self.database {
            cmd.args(["--database-url", url]);
        }
        cmd
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let req = self.client.request(method, self.url(path));
        match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    pub async fn add_user(&self, username: &str, role: Role, branches: &[&str]) {
        self.add_user_in(Some(server::store::DEFAULT_TOWN), username, role, branches).await;
    }

    /// A user of `town` (`None`: a county account, every town).
    pub async fn add_user_in(
        &self,
        town: Option<i64>,
        username: &str,
        role: Role,
        branches: &[&str],
    ) {
        server::users::create(
            self.state.store.as_ref(),
            &self.state.hashing,
            CreateUserRequest {
                username: username.into(),
                password: PASSWORD.into(),
                display_name: format!("{username} 的姓名"),
                role,
                branches: branches.iter().map(|b| (*b).to_owned()).collect(),
            },
            town,
        )
        .await
        .expect("user created");
    }

    /// A user of `town` signed in on a new device; returns the token.
    pub async fn user_token_in(
        &self,
        town: Option<i64>,
        username: &str,
        role: Role,
        branches: &[&str],
    ) -> String {
        self.add_user_in(town, username, role, branches).await;
        self.login(username, Uuid::now_v7()).await
    }

    /// The id of the town `name`, created if new.
    pub async fn town(&self, name: &str) -> i64 {
        self.state.store.town_named(name, true).await.unwrap().unwrap().id
    }

    pub async fn try_login(&self, username: &str, password: &str, device: Uuid) -> Response {
        self.request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": username, "password": password,
                          "device_id": device, "device_name": format!("{username} 的平板")}))
            .send()
            .await
            .unwrap()
    }

    /// Create a user and sign in on a new device; returns the token.
    pub async fn user_token(&self, username: &str, role: Role, branches: &[&str]) -> String {
        self.add_user(username, role, branches).await;
        self.login(username, Uuid::now_v7()).await
    }

    pub async fn login(&self, username: &str, device: Uuid) -> String {
        let res = self.try_login(username, PASSWORD, device).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<LoginResponse>().await.unwrap().token
    }

    pub async fn push_raw(&self, token: &str, ops: &[Operation]) -> Response {
        self.request(Method::POST, "/api/v1/sync/push", Some(token))
            .json(&json!({ "ops": ops }))
            .send()
            .await
            .unwrap()
    }

    pub async fn push(&self, token: &str, ops: &[Operation]) -> PushResponse {
        let res = self.push_raw(token, ops).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// [`Self::push`], every operation of which the server accepts (stored now).
    pub async fn push_accepted(&self, token: &str, ops: &[Operation]) -> PushResponse {
        let answer = self.push(token, ops).await;
        let refused = answer.results.iter().find(|r| r.status != shared::sync::OpStatus::Accepted);
        assert!(refused.is_none(), "not accepted: {refused:?}");
        answer
    }

    pub async fn pull(&self, token: &str, cursor: u64, limit: u32) -> PullResponse {
        let res = self
            .request(
                Method::GET,
                &format!("/api/v1/sync/pull?cursor={cursor}&limit={limit}"),
                Some(token),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// `GET /api/v1/sync/pull?cursor=&check=&limit=`, the answer as it came.
    pub async fn pull_checked(&self, token: &str, cursor: u64, check: &str) -> Response {
        let path = format!("/api/v1/sync/pull?cursor={cursor}&check={check}&limit=1000");
        self.request(Method::GET, &path, Some(token)).send().await.unwrap()
    }

    /// Pull everything, page by page.
    pub async fn pull_all(&self, token: &str, limit: u32) -> (Vec<Operation>, usize) {
        let (mut ops, mut cursor, mut pages) = (Vec::new(), 0, 0);
        loop {
            let page = self.pull(token, cursor, limit).await;
            pages += 1;
            assert!(page.cursor >= cursor, "cursor never goes back");
            ops.extend(page.ops);
            cursor = page.cursor;
            if !page.more {
                return (ops, pages);
            }
            assert!(pages < 1_000, "pull does not end");
        }
    }

    /// GET `path`: the status and the JSON body. A body that is not JSON fails the test (read
    /// as `Null`, it would pass every check that a field is absent or not some value).
    /// A photo's bytes as `token` downloads them; `None` for any answer but `200`.
    pub async fn download_photo(&self, token: &str, sha: &str) -> Option<Vec<u8>> {
        let res = self
            .request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(token))
            .send()
            .await
            .unwrap();
        (res.status() == StatusCode::OK).then_some(res.bytes().await.unwrap().to_vec())
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let res = self.request(Method::GET, path, token).send().await.unwrap();
        let status = res.status();
        (status, json_body(res).await)
    }
}

/// The body of `res` as JSON; fails the test unless it is declared and parses as JSON.
pub async fn json_body(res: Response) -> Value {
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.bytes().await.unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "not a JSON answer ({content_type:?}): {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("an answer that does not parse as JSON ({e}): {}", String::from_utf8_lossy(&bytes))
    })
}

/// An upsert of a `entity` record by `author` from `device` at `millis`.
pub fn upsert(
    author: &str,
    device: &str,
    millis: u64,
    entity: EntityKind,
    entity_id: Uuid,
    branch: &str,
    changes: &[(&str, Value, Option<Hlc>)],
) -> Operation {
    Operation {
        id: Uuid::now_v7(),
        device_id: Uuid::nil(),
        author: author.into(),
        hlc: Hlc::new(millis, 0, device),
        entity,
        entity_id,
        branch_id: branch.into(),
        kind: OpKind::Upsert,
        changes: changes
            .iter()
            .map(|(f, v, base)| FieldChange {
                field: (*f).into(),
                value: v.clone(),
                base: base.clone(),
            })
            .collect(),
    }
}

/// An upsert of every field of `candidate` (what the tablet's save sends for a new record), or
/// of the fields `only` names, in branch `b1`.
pub fn candidate_op(
    author: &str,
    millis: u64,
    id: Uuid,
    c: &Candidate,
    only: Option<&[&str]>,
) -> Operation {
    let fields = to_fields(c).unwrap();
    let changes: Vec<(&str, Value, _)> = fields
        .iter()
        .filter(|(k, _)| only.is_none_or(|o| o.contains(&k.as_str())))
        .map(|(k, v)| (k.as_str(), v.clone(), None))
        .collect();
    upsert(author, &format!("{author}-dev"), millis, EntityKind::Candidate, id, "b1", &changes)
}

/// The moment the policy and towns tests date their workflow steps: 2013-03-01 09:00, within the
/// 2012 plan's years.
pub fn at() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2013, 3, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()
}

/// A new member's application for a service post in `year`, started by the town office (a
/// service post goes straight to the town).
pub fn service_post_application(year: i32) -> Candidate {
    let mut c = Candidate {
        person_id: Uuid::now_v7(),
        branch_id: "b1".into(),
        category: Some(shared::model::Category::ServicePost),
        year,
        ..Default::default()
    };
    shared::workflow::start_candidate(&mut c, "office", Role::TownOffice, at()).unwrap();
    c
}

/// A town's campaign settings: every field of `campaign`, under the fixed
/// `Campaign::RECORD_ID`, as the office's settings screen writes them.
pub fn campaign_op(author: &str, millis: u64, campaign: &shared::model::Campaign) -> Operation {
    let fields = to_fields(campaign).unwrap();
    let changes: Vec<(&str, Value, _)> =
        fields.iter().map(|(k, v)| (k.as_str(), v.clone(), None)).collect();
    let id = shared::model::Campaign::RECORD_ID;
    upsert(author, &format!("{author}-dev"), millis, EntityKind::Campaign, id, "", &changes)
}

/// `n` writes of person `id`'s notes by `author` on its device, at `t + 1` … `t + n`, each
/// having seen nothing: each conflicts with every earlier one.
pub fn blind_note_writes(author: &str, id: Uuid, t: u64, n: u64) -> Vec<Operation> {
    (1..=n)
        .map(|i| {
            let note = serde_json::json!(format!("第{i}次"));
            let device = format!("{author}-dev");
            upsert(author, &device, t + i, EntityKind::Person, id, "b1", &[("notes", note, None)])
        })
        .collect()
}

/// A new person in `branch` with a name, phone and ID number.
pub fn new_person(author: &str, branch: &str, millis: u64) -> Operation {
    upsert(
        author,
        &format!("{author}-dev"),
        millis,
        EntityKind::Person,
        Uuid::now_v7(),
        branch,
        &[
            ("name", json!("王海")),
            ("phone", json!("13800000000")),
            ("id_number", json!("110101199001011237")),
        ]
        .map(|(f, v)| (f, v, None)),
    )
}

/// Send `requests` at once to a server whose password-hash queue is short: each is answered
/// `taken` or `503 busy` (the queue full), and some of each come.
pub async fn some_wait_their_turn(requests: Vec<RequestBuilder>, taken: StatusCode) {
    let sends: Vec<_> = requests.into_iter().map(|r| tokio::spawn(r.send())).collect();
    let mut statuses = std::collections::BTreeMap::new();
    for send in sends {
        let answer = send.await.unwrap().unwrap();
        let status = answer.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert_error(answer, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
        }
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
    }
    let expected = [taken.as_u16(), 503];
    assert!(statuses.keys().all(|s| expected.contains(s)), "{statuses:?}");
    assert!(statuses.len() == 2, "some taken, some wait their turn: {statuses:?}");
}

/// Assert an error answer: status and `{"error": {"code": code, "message": non-empty}}`.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    // Every answer says what is wrong as a message's code, which the app words in its language.
    let reason = body["error"]["reason"].as_str().unwrap_or_else(|| panic!("no reason: {body}"));
    assert!(texts::messages::text_of(reason).is_some(), "a reason the catalogs lack: {body}");
    body
}
