//! `server migrate`: a town's SQLite install moved into PostgreSQL loses nothing, and its
//! tablets sync on with the token and cursor they had. PostgreSQL only (prints a note and passes
//! without `FIELD_TEST_DATABASE_URL`).

use serde_json::json;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::OpStatus;
use uuid::Uuid;

use server::store::Scope;
use shared::model::Campaign;

use crate::common::{
    Data, TestServer, campaign_op, fresh_database, new_person, pg_cluster, upsert,
};

#[tokio::test]
async fn a_town_moves_into_postgres_and_its_tablets_sync_on() {
    if pg_cluster().is_none() {
        println!(
            "note: migrate test skipped: no PostgreSQL (run it with scripts/with-postgres.sh)"
        );
        return;
    }
    // The town office on SQLite: two accounts, operations, a conflict, a cursor.
    let town = Data { dir: tempfile::tempdir().unwrap(), database: None };
    let s = TestServer::start_in(town, None).await;
    let zhang = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let mut ops: Vec<_> = (0..20).map(|i| new_person("zhang", "b1", 1_000 + i)).collect();
    let id = ops[0].entity_id;
    let late = |who: &str, name: &str, ms| {
        upsert(who, who, ms, EntityKind::Person, id, "b1", &[("name", json!(name), None)])
    };
    ops.push(late("zhang", "王海洋", 5_000));
    s.push(&zhang, &ops).await;
    s.push(&office, &[late("office", "王海波", 5_001)]).await;
    // Its campaign settings, under the fixed id every town uses.
    let first_campaign = Campaign { start_year: 2016, years: 2, ..Campaign::default_plan() };
    let res = s.push(&office, &[campaign_op("office", 5_002, &first_campaign)]).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let (before, _) = s.pull_all(&zhang, 7).await;
    let cursor = s.pull(&zhang, 0, 1_000).await.cursor;
    let conflicts = s.get_json("/api/v1/conflicts", Some(&office)).await.1;
    let town = s.stop().await;

    let url = fresh_database().await.unwrap();
    let county = tempfile::tempdir().unwrap();
    let migrate = |to: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["migrate", "--from"])
            .arg(town.dir.path())
            .args(["--to", to, "--town", "东岙镇", "--data-dir"])
            .arg(county.path())
            .output()
            .unwrap()
    };
    let out = migrate(&url);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("行数与校验和一致"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("ops") && l.contains(" 23 行")), "{text}");
    // A second run into the same database is refused: nothing is copied twice.
    let again = migrate(&url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已有账号或数据"));

    // The county server on PostgreSQL: same tokens, same answers, the old cursor still right.
    let s = TestServer::start_in(Data { dir: county, database: Some(url) }, None).await;
    let (after, _) = s.pull_all(&zhang, 7).await;
    assert_eq!(after, before);
    assert_eq!(s.get_json("/api/v1/conflicts", Some(&office)).await.1, conflicts);
    assert!(s.pull(&zhang, cursor, 100).await.ops.is_empty());
    let next = new_person("zhang", "b1", 9_000);
    assert_eq!(
        s.push(&zhang, std::slice::from_ref(&next)).await.results[0].status,
        OpStatus::Accepted
    );
    assert_eq!(s.push(&zhang, &ops[..1]).await.results[0].status, OpStatus::Duplicate);
    let page = s.pull(&zhang, cursor, 100).await;
    assert_eq!(page.ops, vec![next]);
    assert!(page.cursor > cursor);
    // New accounts get new ids after the copied ones.
    s.add_user("li", Role::Surveyor, &["b2"]).await;
    s.login("li", Uuid::now_v7()).await;
    let county_url = s.database.clone().unwrap();
    let county = s.stop().await;

    // A second town moves into the same county database: its own town, ids moved up past the
    // first town's, its tablets' tokens kept; their old cursor makes them pull their town once
    // more (nothing lost, nothing of the other town).
    let second = Data { dir: tempfile::tempdir().unwrap(), database: None };
    let t = TestServer::start_in(second, None).await;
    let wang = t.user_token("wang", Role::Surveyor, &["b1"]).await;
    let theirs: Vec<_> = (0..5).map(|i| new_person("wang", "b1", 2_000 + i)).collect();
    t.push(&wang, &theirs).await;
    // Its own campaign settings under the same fixed id as the first town's.
    let office2 = t.user_token("office2", Role::TownOffice, &[]).await;
    let second_campaign = Campaign { start_year: 2020, years: 3, ..Campaign::default_plan() };
    let settings = campaign_op("office2", 2_100, &second_campaign);
    let res = t.push(&office2, std::slice::from_ref(&settings)).await;
    assert_eq!(res.results[0].status, OpStatus::Accepted, "{:?}", res.results[0]);
    let old_cursor = t.pull(&wang, 0, 1_000).await.cursor;
    let second = t.stop().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["migrate", "--from"])
        .arg(second.dir.path())
        .args(["--to", &county_url, "--town", "象山镇", "--data-dir"])
        .arg(county.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = TestServer::start_in(county, None).await;
    let (wang_ops, _) = s.pull_all(&wang, 3).await;
    let mut got: Vec<_> = wang_ops.iter().map(|o| o.id).collect();
    let mut want: Vec<_> = theirs.iter().chain([&settings]).map(|o| o.id).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the second town sees exactly its own operations");
    let again = s.pull(&wang, old_cursor, 100).await;
    assert_eq!(again.ops.len(), 6, "an old cursor re-pulls the town, safely");
    let (first_town, _) = s.pull_all(&zhang, 50).await;
    assert!(first_town.iter().all(|o| o.author != "wang"), "towns stay apart");
    // Both towns' campaign settings, each in its town under the one fixed id.
    for (town, campaign) in [("东岙镇", first_campaign), ("象山镇", second_campaign)] {
        let scope = Scope::Town(s.town(town).await);
        let stored = s.state.store.record(scope, Campaign::RECORD_ID).await.unwrap().unwrap();
        assert_eq!(stored.to_typed::<Campaign>().unwrap(), campaign, "{town}");
    }
}
