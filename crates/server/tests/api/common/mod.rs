//! Starts the real app on 127.0.0.1:0 with a temporary data directory and talks to it over HTTP.
#![allow(dead_code)] // helpers some tests no longer need stay usable

use std::path::Path;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use server::state::AppState;
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{CreateUserRequest, LoginResponse, PullResponse, PushResponse};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub data_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), None).await
    }

    pub async fn start_with_dist(dist: &Path) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), Some(dist)).await
    }

    /// A server with other bounds on pre-sign-in work (`server::limits::Limits`).
    pub async fn start_with_limits(limits: server::limits::Limits) -> Self {
        Self::start_configured(tempfile::tempdir().unwrap(), None, Some(limits)).await
    }

    pub async fn start_in(data_dir: TempDir, dist: Option<&Path>) -> Self {
        Self::start_configured(data_dir, dist, None).await
    }

    async fn start_configured(
        data_dir: TempDir,
        dist: Option<&Path>,
        limits: Option<server::limits::Limits>,
    ) -> Self {
        let dist = dist.map_or_else(|| data_dir.path().join("no-dist"), Path::to_path_buf);
        let mut state = server::open_state(data_dir.path(), &dist).expect("state opens");
        if let Some(limits) = limits {
            state.set_limits(limits);
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
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stop serving and hand back the data directory (to start again on it).
    pub async fn stop(mut self) -> TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.data_dir
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
        server::users::create(
            self.state.store.as_ref(),
            CreateUserRequest {
                username: username.into(),
                password: PASSWORD.into(),
                display_name: format!("{username} 的姓名"),
                role,
                branches: branches.iter().map(|b| (*b).to_owned()).collect(),
            },
        )
        .await
        .expect("user created");
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

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let res = self.request(Method::GET, path, token).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
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

/// Assert an error answer: status and `{"error": {"code": code, "message": non-empty}}`.
pub async fn assert_error(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    body
}
