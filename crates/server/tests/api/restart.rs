//! Data and schema survive a restart; migrations are not applied twice (on SQLite and, under
//! `scripts/with-postgres.sh`, on PostgreSQL: the restarted server opens the same database).

use crate::common::{PASSWORD, TestServer, new_person};
use reqwest::StatusCode;
use server::store::sqlite::migrations::MIGRATIONS;
use server::store::{PgStore, SqliteStore};
use shared::roles::Role;
use shared::sync::OpStatus;
use uuid::Uuid;

#[tokio::test]
async fn restart_keeps_data_and_reruns_migrations_idempotently() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let op = new_person("zhang", "b1", 1_000);
    s.push(&token, std::slice::from_ref(&op)).await;
    let mut data = s.stop().await;

    let all_versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    for _ in 0..2 {
        let s = TestServer::start_in(data, None).await;
        // The old token still works and the op is still there, still a duplicate if sent again.
        let (ops, _) = s.pull_all(&token, 10).await;
        assert_eq!(ops, std::slice::from_ref(&op));
        assert_eq!(
            s.push(&token, std::slice::from_ref(&op)).await.results[0].status,
            OpStatus::Duplicate
        );
        assert_eq!(s.try_login("zhang", PASSWORD, Uuid::now_v7()).await.status(), StatusCode::OK);
        data = s.stop().await;

        // Every migration recorded exactly once.
        let history = match &data.database {
            Some(url) => PgStore::open(url).await.unwrap().migration_history().await.unwrap(),
            None => SqliteStore::open(data.dir.path()).unwrap().migration_history().await.unwrap(),
        };
        assert_eq!(history, all_versions);
    }
}
