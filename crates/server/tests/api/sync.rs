//! Push, pull, idempotency, branch isolation, redaction and conflicts, over real HTTP.

use crate::common::{TestServer, assert_error, new_person, upsert};
use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::hlc::Hlc;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{ConflictEntry, OpStatus};
use uuid::Uuid;

#[tokio::test]
async fn push_is_idempotent_by_op_id() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let op = new_person("zhang", "b1", 1_000);

    let first = s.push(&token, std::slice::from_ref(&op)).await;
    assert_eq!(first.results.len(), 1);
    assert_eq!(first.results[0].id, op.id);
    assert_eq!(first.results[0].status, OpStatus::Accepted);
    assert!(first.server_hlc >= op.hlc, "server clock moved past the op");

    let again = s.push(&token, &[op.clone(), op.clone()]).await;
    assert!(again.results.iter().all(|r| r.status == OpStatus::Duplicate && r.id == op.id));

    let (ops, _) = s.pull_all(&token, 100).await;
    assert_eq!(ops, std::slice::from_ref(&op), "stored once");

    let record =
        s.state.store.record(server::store::Scope::County, op.entity_id).await.unwrap().unwrap();
    assert_eq!(record.fields["name"], json!("王海"));
}

#[tokio::test]
async fn same_id_with_other_content_is_409_and_stores_nothing_of_the_batch() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let op = new_person("zhang", "b1", 1_000);
    s.push(&token, std::slice::from_ref(&op)).await;

    let mut changed = op.clone();
    changed.changes[0].value = json!("王小海");
    let innocent = new_person("zhang", "b1", 2_000);
    let res = s.push_raw(&token, &[innocent.clone(), changed]).await;
    assert_error(res, StatusCode::CONFLICT, "op_id_conflict").await;

    let (ops, _) = s.pull_all(&token, 100).await;
    assert_eq!(ops, std::slice::from_ref(&op), "the whole batch was rolled back");
    let record =
        s.state.store.record(server::store::Scope::County, op.entity_id).await.unwrap().unwrap();
    assert_eq!(record.fields["name"], json!("王海"));
    assert!(
        s.state
            .store
            .record(server::store::Scope::County, innocent.entity_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn pull_pages_through_everything_in_order() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let ops: Vec<_> = (0..23).map(|i| new_person("zhang", "b1", 1_000 + i)).collect();
    s.push_accepted(&token, &ops).await;

    let first = s.pull(&token, 0, 10).await;
    assert_eq!(first.ops.len(), 10);
    assert!(first.more);
    let (all, pages) = s.pull_all(&token, 10).await;
    assert_eq!(pages, 3);
    assert_eq!(all, ops, "every op once, in push order");

    // Nothing new: an empty page at the same cursor.
    let (_, cursor) = {
        let last = s.pull(&token, 0, 5000).await;
        (last.ops.len(), last.cursor)
    };
    let empty = s.pull(&token, cursor, 10).await;
    assert!(empty.ops.is_empty() && !empty.more);
    assert_eq!(empty.cursor, cursor);

    // Limits are clamped, not refused.
    let zero = s.pull(&token, 0, 0).await;
    assert_eq!(zero.ops.len(), 1);
}

#[tokio::test]
async fn branches_are_isolated() {
    let s = TestServer::start().await;
    let b1 = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let b2 = s.user_token("li", Role::Surveyor, &["b2"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;

    // zhang (b1) cannot write into b2.
    let foreign = new_person("zhang", "b2", 1_000);
    let res = s.push(&b1, std::slice::from_ref(&foreign)).await;
    assert_eq!(res.results[0].status, OpStatus::Rejected);
    assert_eq!(res.results[0].code.as_deref(), Some("forbidden_branch"));
    assert!(
        s.state
            .store
            .record(server::store::Scope::County, foreign.entity_id)
            .await
            .unwrap()
            .is_none()
    );

    // li's b2 person does not reach zhang; the town-wide notice reaches everyone.
    let li_person = new_person("li", "b2", 2_000);
    assert_eq!(
        s.push(&b2, std::slice::from_ref(&li_person)).await.results[0].status,
        OpStatus::Accepted
    );
    let zhang_person = new_person("zhang", "b1", 3_000);
    assert_eq!(
        s.push(&b1, std::slice::from_ref(&zhang_person)).await.results[0].status,
        OpStatus::Accepted
    );
    let notice = upsert(
        "office",
        "office-dev",
        4_000,
        EntityKind::Notice,
        Uuid::now_v7(),
        "",
        &[("title", json!("开会通知"), None)],
    );
    assert_eq!(
        s.push(&office, std::slice::from_ref(&notice)).await.results[0].status,
        OpStatus::Accepted
    );

    let (zhang_sees, _) = s.pull_all(&b1, 100).await;
    assert_eq!(zhang_sees, [zhang_person.clone(), notice.clone()]);
    let (li_sees, _) = s.pull_all(&b2, 100).await;
    assert_eq!(li_sees, [li_person.clone(), notice.clone()]);
    let (office_sees, _) = s.pull_all(&office, 100).await;
    assert_eq!(office_sees.len(), 3);

    // zhang cannot reach into li's record by claiming it for b1 either: the record keeps its branch.
    let mut hijack = upsert(
        "zhang",
        "zhang-dev",
        5_000,
        EntityKind::Person,
        li_person.entity_id,
        "b1",
        &[("name", json!("改名"), None)],
    );
    hijack.entity_id = li_person.entity_id;
    let res = s.push(&b1, &[hijack]).await;
    assert_eq!(res.results[0].code.as_deref(), Some("branch_mismatch"));
    let record = s
        .state
        .store
        .record(server::store::Scope::County, li_person.entity_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.branch_id, "b2");
    assert_eq!(record.fields["name"], json!("王海"));

    // Nobody pushes in another person's name.
    let mut forged = new_person("li", "b1", 6_000);
    forged.author = "li".into();
    let res = s.push(&b1, &[forged]).await;
    assert_eq!(res.results[0].code.as_deref(), Some("author_mismatch"));
}

#[tokio::test]
async fn county_viewer_gets_no_phone_or_id_number_and_cannot_write() {
    let s = TestServer::start().await;
    let surveyor = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let county = s.user_token("county", Role::CountyViewer, &[]).await;
    let op = new_person("zhang", "b1", 1_000);
    s.push(&surveyor, std::slice::from_ref(&op)).await;

    let raw = s
        .request(Method::GET, "/api/v1/sync/pull?cursor=0", Some(&county))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(raw.contains("王海"), "the name is visible");
    assert!(!raw.contains("13800000000") && !raw.contains("110101199001011237"), "{raw}");
    assert!(!raw.contains("\"phone\"") && !raw.contains("id_number"), "{raw}");

    let (surveyor_sees, _) = s.pull_all(&surveyor, 10).await;
    assert_eq!(surveyor_sees[0].changes.len(), 3, "the surveyor keeps personal data");

    let mut write = new_person("county", "b1", 2_000);
    write.author = "county".into();
    let res = s.push(&county, &[write]).await;
    assert_eq!(res.results[0].status, OpStatus::Rejected);
}

#[tokio::test]
async fn two_devices_editing_the_same_field_make_one_conflict() {
    let s = TestServer::start().await;
    let a = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let b = s.user_token("li", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;

    let create = new_person("zhang", "b1", 1_000);
    s.push(&a, std::slice::from_ref(&create)).await;
    let seen = Some(create.hlc.clone());
    let edit_a = upsert(
        "zhang",
        "tablet-a",
        10_000,
        EntityKind::Person,
        create.entity_id,
        "b1",
        &[("phone", json!("13911111111"), seen.clone())],
    );
    let edit_b = upsert(
        "li",
        "tablet-b",
        12_000,
        EntityKind::Person,
        create.entity_id,
        "b1",
        &[("phone", json!("13922222222"), seen)],
    );
    s.push(&b, std::slice::from_ref(&edit_b)).await;
    s.push(&a, std::slice::from_ref(&edit_a)).await;
    // Sending again (a lost acknowledgement) does not make a second conflict.
    s.push(&a, std::slice::from_ref(&edit_a)).await;

    let res = s.request(Method::GET, "/api/v1/conflicts", Some(&a)).send().await.unwrap();
    assert_error(res, StatusCode::FORBIDDEN, "forbidden").await;

    let (status, body) = s.get_json("/api/v1/conflicts", Some(&office)).await;
    assert_eq!(status, StatusCode::OK);
    let conflicts: Vec<ConflictEntry> = serde_json::from_value(body).unwrap();
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(c.conflict.field, "phone");
    assert_eq!(c.conflict.winner_value, json!("13922222222"));
    assert_eq!(c.conflict.loser_value, json!("13911111111"));
    assert_eq!(
        (c.conflict.winner_author.as_str(), c.conflict.loser_author.as_str()),
        ("li", "zhang")
    );
    assert_eq!(c.conflict.winner_clock, Hlc::new(12_000, 0, "tablet-b"));
    assert!(!c.resolved);

    let record = s
        .state
        .store
        .record(server::store::Scope::County, create.entity_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.fields["phone"], json!("13922222222"));

    let path = format!("/api/v1/conflicts/{}/resolve", c.conflict.id);
    let res = s.request(Method::POST, &path, Some(&office)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, open) = s.get_json("/api/v1/conflicts", Some(&office)).await;
    assert_eq!(open, json!([]));
    let (_, resolved) = s.get_json("/api/v1/conflicts?status=resolved", Some(&office)).await;
    assert_eq!(resolved[0]["resolved_by"], "office");

    let unknown = format!("/api/v1/conflicts/{}/resolve", Uuid::now_v7());
    let res = s.request(Method::POST, &unknown, Some(&office)).send().await.unwrap();
    assert_error(res, StatusCode::NOT_FOUND, "conflict_not_found").await;
}

#[tokio::test]
async fn rejected_ops_in_a_batch_do_not_stop_the_others() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let ok1 = new_person("zhang", "b1", 1_000);
    let bad = new_person("zhang", "b9", 1_001);
    let ok2 = new_person("zhang", "b1", 1_002);
    let res = s.push(&token, &[ok1.clone(), bad.clone(), ok2.clone()]).await;
    let statuses: Vec<_> = res.results.iter().map(|r| (r.id, r.status)).collect();
    assert_eq!(
        statuses,
        [(ok1.id, OpStatus::Accepted), (bad.id, OpStatus::Rejected), (ok2.id, OpStatus::Accepted)]
    );
    assert!(res.results[1].message.as_deref().unwrap().contains("b9"));
}

/// The push merges a batch in memory and writes each record once: the outcome must be the same
/// as pushing the operations one at a time (later operations see what earlier ones merged:
/// rights, merge, conflicts, refusals). One deliberate difference: within one batch, an
/// operation of a record that had an operation refused earlier in the batch is refused too
/// (`preceded_by_refusal`, so no half record is stored); pushed alone it gets its own reason.
#[tokio::test]
async fn a_batch_ends_as_the_same_operations_pushed_one_by_one() {
    let create = upsert(
        "office",
        "tablet-a",
        1_000,
        EntityKind::Person,
        Uuid::now_v7(),
        "b1",
        &[("name", json!("王海"), None), ("phone", json!("13800000000"), None)],
    );
    let id = create.entity_id;
    let seen = Some(create.hlc.clone());
    let edit = |device: &str, millis: u64, field: &str, value: &str| {
        upsert(
            "office",
            device,
            millis,
            EntityKind::Person,
            id,
            "b1",
            &[(field, json!(value), seen.clone())],
        )
    };
    let rename = edit("tablet-a", 2_000, "name", "王小海");
    let phone_a = edit("tablet-a", 3_000, "phone", "13911111111");
    let phone_b = edit("tablet-b", 4_000, "phone", "13922222222");
    let mut moved = edit("tablet-a", 5_000, "name", "李海");
    moved.branch_id = "b2".into();
    let mut other_kind = edit("tablet-a", 6_000, "name", "李海");
    other_kind.entity = EntityKind::Survey;
    let batch = [create, rename, phone_b, phone_a.clone(), moved, other_kind, phone_a];

    let mut outcomes = Vec::new();
    for one_by_one in [false, true] {
        let s = TestServer::start().await;
        let office = s.user_token("office", Role::TownOffice, &[]).await;
        let mut results = Vec::new();
        if one_by_one {
            for op in &batch {
                results.extend(s.push(&office, std::slice::from_ref(op)).await.results);
            }
        } else {
            results = s.push(&office, &batch).await.results;
        }
        let statuses: Vec<_> =
            results.iter().map(|r| (r.status, r.code.clone().unwrap_or_default())).collect();
        let record = s.state.store.record(server::store::Scope::County, id).await.unwrap().unwrap();
        let (_, mut conflicts) = s.get_json("/api/v1/conflicts", Some(&office)).await;
        for c in conflicts.as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("detected_at"); // when, not what
        }
        let (ops, _) = s.pull_all(&office, 100).await;
        outcomes.push((statuses, record, conflicts, ops));
    }
    let (statuses, record, conflicts, ops) = &outcomes[0];
    assert_eq!(outcomes[0].1, outcomes[1].1, "the same record");
    assert_eq!(outcomes[0].2, outcomes[1].2, "the same conflicts");
    assert_eq!(outcomes[0].3, outcomes[1].3, "the same stored operations");
    let mut alone = outcomes[1].0.clone();
    assert_eq!(alone[5], (OpStatus::Rejected, "entity_mismatch".into()));
    alone[5] = (OpStatus::Rejected, "preceded_by_refusal".into());
    assert_eq!(statuses, &alone);
    let ok = (OpStatus::Accepted, String::new());
    assert_eq!(
        statuses,
        &[
            ok.clone(),
            ok.clone(),
            ok.clone(),
            ok,
            (OpStatus::Rejected, "branch_mismatch".into()),
            (OpStatus::Rejected, "preceded_by_refusal".into()),
            (OpStatus::Duplicate, String::new()),
        ]
    );
    assert_eq!(record.fields["name"], json!("王小海"));
    assert_eq!(record.fields["phone"], json!("13922222222"));
    assert_eq!(conflicts.as_array().unwrap().len(), 1, "{conflicts}");
    assert_eq!(ops.len(), 4);
}

/// An id sent twice in one request with other content is a 409 too, and stores nothing.
#[tokio::test]
async fn same_id_twice_in_one_batch_with_other_content_is_409() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let op = new_person("zhang", "b1", 1_000);
    let mut changed = op.clone();
    changed.changes[0].value = json!("王小海");
    let res = s.push_raw(&token, &[op.clone(), changed]).await;
    assert_error(res, StatusCode::CONFLICT, "op_id_conflict").await;
    let (ops, _) = s.pull_all(&token, 100).await;
    assert!(ops.is_empty(), "the whole batch was rolled back");
    assert!(
        s.state.store.record(server::store::Scope::County, op.entity_id).await.unwrap().is_none()
    );
}

/// The rows of the kind of `entity` the store holds: operations, records, push audit rows.
async fn stored(s: &TestServer, entity: &str) -> (i64, i64, i64) {
    let db = s.db();
    (
        db.count("SELECT COUNT(*) FROM ops WHERE entity = ?1", &[entity]).await,
        db.count("SELECT COUNT(*) FROM records WHERE entity = ?1", &[entity]).await,
        db.count("SELECT COUNT(*) FROM audit WHERE entity = ?1 AND action = 'push_op'", &[entity])
            .await,
    )
}

/// The checker hands the writer accepted operations in groups while it goes on checking: an id
/// reused with other content found at the end of a long batch, after whole groups were written,
/// still refuses the batch and leaves nothing of it. Without that operation it is taken.
#[tokio::test]
async fn a_reused_id_found_late_in_a_long_batch_stores_nothing_of_it() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let op = new_person("zhang", "b1", 1_000);
    s.push(&token, std::slice::from_ref(&op)).await;
    let mut batch: Vec<_> = (0..300).map(|i| new_person("zhang", "b1", 2_000 + i)).collect();
    let mut changed = op.clone();
    changed.changes[0].value = json!("王小海");
    batch.push(changed);

    let res = s.push_raw(&token, &batch).await;
    assert_error(res, StatusCode::CONFLICT, "op_id_conflict").await;
    assert_eq!(stored(&s, "person").await, (1, 1, 1), "only the first push's rows");

    batch.pop();
    s.push_accepted(&token, &batch).await;
    assert_eq!(stored(&s, "person").await, (301, 301, 301));
}

/// A write that fails in the middle of a long batch (here a record row the database refuses,
/// as a full disk would) fails the push with a server error, leaves nothing of the batch, and
/// the next push is taken: the checker, still checking, stops and lets the transaction roll
/// back. SQLite only: the trigger is SQLite's, and only the SQLite store checks on a second
/// thread.
#[tokio::test]
async fn a_write_failing_mid_batch_stores_nothing_and_the_next_push_is_taken() {
    let s = TestServer::start().await;
    if s.database.is_some() {
        return;
    }
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let batch: Vec<_> = (0..300).map(|i| new_person("zhang", "b1", 1_000 + i)).collect();
    let refused = batch[200].entity_id;
    let db = s.db();
    db.execute(
        &format!(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON records WHEN NEW.entity_id = '{refused}'
             BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ),
        &[],
    )
    .await;

    let res = s.push_raw(&token, &batch).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(stored(&s, "person").await, (0, 0, 0), "the whole batch was rolled back");

    db.execute("DROP TRIGGER refuse_one", &[]).await;
    s.push_accepted(&token, &batch).await;
    assert_eq!(stored(&s, "person").await, (300, 300, 300));
}

/// Records keep the order in which they first reached the server (`records` lists them so, and
/// the campaign in force is chosen by it), also when a record's last change comes at the end of
/// a long batch and the records after it were final long before; each is stored in its final
/// state.
#[tokio::test]
async fn records_keep_their_first_order_when_one_changes_again_at_the_end_of_a_batch() {
    let s = TestServer::start().await;
    let token = s.user_token("office", Role::TownOffice, &[]).await;
    let mut batch: Vec<_> = (0..200).map(|i| new_person("office", "b1", 1_000 + i)).collect();
    let first = batch[0].clone();
    let renamed = upsert(
        "office",
        "office-dev",
        5_000,
        EntityKind::Person,
        first.entity_id,
        "b1",
        &[("name", json!("王小海"), Some(first.hlc.clone()))],
    );
    batch.push(renamed);
    s.push_accepted(&token, &batch).await;

    let office = shared::roles::Account {
        username: "office".into(),
        display_name: "office".into(),
        role: Role::TownOffice,
        branches: vec![],
    };
    let records = s
        .state
        .store
        .records(server::store::Scope::County, EntityKind::Person, &office)
        .await
        .unwrap();
    let order: Vec<Uuid> = records.iter().map(|r| r.id).collect();
    let sent: Vec<Uuid> = batch[..200].iter().map(|op| op.entity_id).collect();
    assert_eq!(order, sent);
    assert_eq!(records[0].fields["name"], json!("王小海"));
    assert!(records[1..].iter().all(|r| r.fields["name"] == json!("王海")));
}

/// The conflict list comes in pages, oldest first: following each page's last entry gives
/// every conflict once, in the order of the whole list, however many share a second; `limit`
/// is bounded; a half cursor is refused in words.
#[tokio::test]
async fn the_conflict_list_comes_in_pages_oldest_first() {
    let s = TestServer::start().await;
    let a = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let create = new_person("zhang", "b1", 1_000);
    s.push(&a, std::slice::from_ref(&create)).await;
    // Writes that saw none of each other: every pair of them is a conflict.
    s.push(&a, &crate::common::blind_note_writes("zhang", create.entity_id, 2_000, 6)).await;

    let page = |query: Vec<(&'static str, String)>| {
        let request = s.request(Method::GET, "/api/v1/conflicts", Some(&office)).query(&query);
        async move {
            let res = request.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Vec<ConflictEntry>>().await.unwrap()
        }
    };
    let whole = page(vec![("limit", "1000".into())]).await;
    assert_eq!(whole.len(), 15, "6 blind writes: 15 pairs");
    let mut paged: Vec<ConflictEntry> = Vec::new();
    let mut requests = 0;
    loop {
        let mut query = vec![("limit", "4".to_owned())];
        if let Some(last) = paged.last() {
            query.push(("after_time", last.detected_at.clone()));
            query.push(("after_id", last.conflict.id.to_string()));
        }
        let next = page(query).await;
        requests += 1;
        assert!(next.len() <= 4);
        let done = next.len() < 4;
        paged.extend(next);
        if done {
            break;
        }
    }
    assert_eq!(paged, whole);
    assert_eq!(requests, 4);
    assert_eq!(page(vec![("limit", "0".into())]).await.len(), 1, "at least one");
    assert_eq!(page(vec![]).await.len(), 15, "the default page holds them");

    let half = s
        .request(Method::GET, "/api/v1/conflicts", Some(&office))
        .query(&[("after_time", whole[0].detected_at.as_str())])
        .send()
        .await
        .unwrap();
    assert_error(half, StatusCode::BAD_REQUEST, "invalid_query").await;
    let long = s
        .request(Method::GET, "/api/v1/conflicts", Some(&office))
        .query(&[("after_time", "9".repeat(65)), ("after_id", Uuid::now_v7().to_string())])
        .send()
        .await
        .unwrap();
    assert_error(long, StatusCode::BAD_REQUEST, "invalid_query").await;
}
