//! Export-file import: API, upload page and CLI. One transaction per file, idempotent, and a
//! refused file changes nothing.

use crate::common::{TestServer, assert_error, blind_note_writes, new_person, upsert};
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::import::ImportReport;
use shared::export::{Contents, ExportAttachment, Scope, encode};
use shared::op::Operation;
use shared::record::EntityKind;
use shared::roles::Role;
use uuid::Uuid;

const DEVICE: Uuid = Uuid::from_u128(0x0199_0000_0000_7000_8000_0000_0000_0042);

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

fn file(ops: &[Operation], photo: Option<&[u8]>, passphrase: Option<&str>) -> Vec<u8> {
    let contents = Contents {
        operations: ops.to_vec(),
        attachments: photo.map(|p| ExportAttachment::new("image/jpeg", p)).into_iter().collect(),
    };
    encode(DEVICE, "zhang", "2026-11-20T10:00:00Z", Scope::Pending, &contents, passphrase)
        .unwrap()
        .into_bytes()
}

/// Three people of zhang's branch and one of a branch zhang does not work in.
fn field_ops() -> Vec<Operation> {
    let t = now_ms() - 3_600_000;
    vec![
        new_person("zhang", "b1", t),
        new_person("zhang", "b1", t + 1),
        new_person("zhang", "b1", t + 2),
        new_person("zhang", "b2", t + 3),
    ]
}

async fn import(
    s: &TestServer,
    token: &str,
    body: Vec<u8>,
    pass: Option<&str>,
) -> reqwest::Response {
    let mut req = s.request(Method::POST, "/api/v1/import", Some(token)).body(body);
    if let Some(p) = pass {
        req = req.header("X-Export-Passphrase", p);
    }
    req.send().await.unwrap()
}

async fn count(s: &TestServer, sql: &str) -> i64 {
    s.db().count(sql, &[]).await
}

#[tokio::test]
async fn a_file_is_applied_once_with_audit_and_photos() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let ops = field_ops();
    let photo = b"\xff\xd8 a photo of the fish farm";
    let body = file(&ops, Some(photo), None);

    let res = import(&s, &office, body.clone(), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: ImportReport = res.json().await.unwrap();
    assert_eq!((first.operations, first.accepted, first.duplicate, first.rejected), (4, 3, 0, 1));
    assert_eq!(first.rejections[0].id, ops[3].id);
    assert_eq!(first.rejections[0].code.as_deref(), Some("forbidden_branch"));
    assert_eq!((first.attachments, first.attachments_new), (1, 1));
    assert_eq!(first.device_id, DEVICE);

    let again: ImportReport = import(&s, &office, body, None).await.json().await.unwrap();
    assert_eq!(
        (again.accepted, again.duplicate, again.rejected, again.attachments_new),
        (0, 3, 1, 0)
    );

    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 3);
    let audited = format!(
        "SELECT COUNT(*) FROM audit WHERE action = 'import_op' AND device_id = '{DEVICE}' AND username = 'zhang'"
    );
    assert_eq!(count(&s, &audited).await, 3);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM imports WHERE imported_by = 'office'").await, 2);

    // The imported changes reach the tablets like pushed ones, photo included.
    let zhang = s.login("zhang", Uuid::now_v7()).await;
    let (pulled, _) = s.pull_all(&zhang, 100).await;
    assert_eq!(pulled, ops[..3].to_vec());
    let sha = shared::op::hex(&<sha2::Sha256 as sha2::Digest>::digest(photo));
    let res = s
        .request(Method::GET, &format!("/api/v1/attachments/{sha}"), Some(&zhang))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), photo);
}

#[tokio::test]
async fn refused_files_change_nothing() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let good = String::from_utf8(file(&field_ops(), Some(b"jpeg"), None)).unwrap();

    let truncated = good.as_bytes()[..good.len() / 2].to_vec();
    assert_error(
        import(&s, &office, truncated, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "truncated_file",
    )
    .await;

    let mut tampered: serde_json::Value = serde_json::from_str(&good).unwrap();
    let payload = tampered["payload"].as_str().unwrap().to_owned();
    let flipped = if payload.starts_with('e') { "f" } else { "e" };
    tampered["payload"] = json!(format!("{flipped}{}", &payload[1..]));
    let body = assert_error(
        import(&s, &office, tampered.to_string().into_bytes(), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "corrupt_file",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("未导入"), "{body}");

    let mut newer: serde_json::Value = serde_json::from_str(&good).unwrap();
    newer["version"] = json!(2);
    let body = assert_error(
        import(&s, &office, newer.to_string().into_bytes(), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsupported_version",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("版本 2"), "{body}");

    let locked = file(&field_ops(), None, Some("渔村2026"));
    assert_error(
        import(&s, &office, locked.clone(), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "passphrase_required",
    )
    .await;
    assert_error(
        import(&s, &office, locked.clone(), Some("wrong")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong_passphrase",
    )
    .await;

    // A surveyor may not import; a file reusing a stored op id with other content is refused whole.
    let zhang = s.login("zhang", Uuid::now_v7()).await;
    assert_error(
        import(&s, &zhang, good.clone().into_bytes(), None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM imports").await, 0);

    let pushed = new_person("zhang", "b1", now_ms() - 10_000);
    s.push(&zhang, std::slice::from_ref(&pushed)).await;
    let mut reused = pushed.clone();
    reused.changes[0].value = json!("另一个名字");
    let mut ops = field_ops();
    ops.push(reused);
    assert_error(
        import(&s, &office, file(&ops, None, None), None).await,
        StatusCode::CONFLICT,
        "op_id_conflict",
    )
    .await;
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM ops").await,
        1,
        "nothing of the refused file was applied"
    );

    // The encrypted file with its (percent-encoded Chinese) passphrase goes in.
    let res = import(&s, &office, locked, Some("%E6%B8%94%E6%9D%912026")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: ImportReport = res.json().await.unwrap();
    assert_eq!(report.accepted, 3);
}

/// A `multipart/form-data` body as a browser's form sends it.
fn form(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----fieldformboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"导出.json\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_upload_page_imports_without_any_script() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    s.add_user("office", Role::TownOffice, &[]).await;

    let res = s.request(Method::GET, "/import", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains(" 'unsafe-eval'"), "{csp}");
    let html = res.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("name=\"file\""));
    assert!(!html.contains("<script"), "no inline script");

    let bytes = file(&field_ops(), None, None);
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let (content_type, body) = form(&fields, &bytes);
        s.request(Method::POST, "/import", None)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let res =
        post(vec![("username", "office"), ("password", "wrong password"), ("passphrase", "")])
            .await
            .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("用户名或密码错误"));
    let res =
        post(vec![("username", "zhang"), ("password", crate::common::PASSWORD)]).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 0);

    let res = post(vec![
        ("username", "office"),
        ("password", crate::common::PASSWORD),
        ("passphrase", ""),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    // One change of the file was refused: the page does not say the file went in whole.
    assert!(page.contains("<h1>导入完成，但有修改被拒绝</h1>"), "{page}");
    assert!(page.contains("role=\"alert\">文件中有 1 条修改被拒绝，没有保存"), "{page}");
    assert!(!page.contains("文件已完整导入"), "{page}");
    assert!(
        page.contains("<th>新保存</th><td>3</td>") && page.contains("<th>被拒绝</th><td>1</td>"),
        "{page}"
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 3);
    // The refused change is named by its record and member, and the fields it touched.
    assert!(page.contains("<th>被拒绝：党员 · 王海</th>"), "{page}");
    assert!(page.contains("涉及：姓名、联系电话、身份证号（选填）（修改编号 "), "{page}");

    // A file whose every change is refused says nothing was saved; in English, in the singular.
    let refused_only = file(&field_ops()[3..], None, None);
    let (content_type, body) = form(
        &[("username", "office"), ("password", crate::common::PASSWORD), ("passphrase", "")],
        &refused_only,
    );
    let res = s.request(Method::POST, "/import", None).header("content-type", content_type);
    let page = res.body(body).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("文件中的 1 条修改都被拒绝，没有保存任何修改"), "{page}");
    let (content_type, body) = form(
        &[("username", "office"), ("password", crate::common::PASSWORD), ("passphrase", "")],
        &refused_only,
    );
    let res = s.request(Method::POST, "/import", None).header("content-type", content_type);
    let res = res.header("accept-language", "en").body(body).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(
        page.contains("The file&#39;s 1 change was refused")
            || page.contains("The file's 1 change was refused"),
        "{page}"
    );
    assert!(page.contains("Refused: Party member · 王海"), "{page}");

    // A file whose every change is stored says it went in whole.
    let bytes = file(&field_ops()[..1], None, None);
    let (content_type, body) = form(
        &[("username", "office"), ("password", crate::common::PASSWORD), ("passphrase", "")],
        &bytes,
    );
    let res = s.request(Method::POST, "/import", None).header("content-type", content_type);
    let page = res.body(body).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<h1>导入完成</h1>") && page.contains("文件已完整导入"), "{page}");
}

/// A refused change the file does not name (an edit of a phone number, a survey) is named from
/// the server's copy of its record, a survey by its member; the API says the same records.
#[tokio::test]
async fn a_refused_change_is_named_from_the_server_copy_when_the_file_does_not_name_it() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 60_000;
    // The office holds 林海生 in b2 and a survey of him.
    let person = Uuid::now_v7();
    let survey = Uuid::now_v7();
    let held = vec![
        upsert(
            "office",
            "office-dev",
            t,
            EntityKind::Person,
            person,
            "b2",
            &[("name", json!("林海生"), None)],
        ),
        upsert(
            "office",
            "office-dev",
            t + 1,
            EntityKind::Survey,
            survey,
            "b2",
            &[("person_id", json!(person.to_string()), None)],
        ),
    ];
    let pushed = s.push(&office, &held).await;
    assert!(
        pushed.results.iter().all(|r| r.status == shared::sync::OpStatus::Accepted),
        "{pushed:?}"
    );
    // zhang's file edits both, in a branch zhang does not work in: refused, and named.
    let edits = vec![
        upsert(
            "zhang",
            "zhang-dev",
            t + 10,
            EntityKind::Person,
            person,
            "b2",
            &[("phone", json!("13911112222"), None)],
        ),
        upsert(
            "zhang",
            "zhang-dev",
            t + 11,
            EntityKind::Survey,
            survey,
            "b2",
            &[("capital", json!(30), None)],
        ),
    ];
    let res = import(&s, &office, file(&edits, None, None), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: ImportReport = res.json().await.unwrap();
    assert_eq!(report.rejected, 2, "{report:?}");
    let named: Vec<(EntityKind, Option<&str>, &[String])> = report
        .refused_records
        .iter()
        .map(|r| (r.entity, r.name.as_deref(), r.fields.as_slice()))
        .collect();
    assert_eq!(
        named,
        vec![
            (EntityKind::Person, Some("林海生"), &["phone".to_owned()][..]),
            (EntityKind::Survey, Some("林海生"), &["capital".to_owned()][..]),
        ]
    );
    assert_eq!(report.refused_records[1].entity_id, survey);
}

#[tokio::test]
async fn the_cli_imports_into_the_data_directory() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    s.add_user("office", Role::TownOffice, &[]).await;
    let path = s.data_dir.path().join("from-tablet.json");
    let t = now_ms() - 5_000;
    let survey = upsert(
        "zhang",
        "d",
        t,
        EntityKind::Survey,
        Uuid::now_v7(),
        "b1",
        &[("person_id", json!(Uuid::now_v7()), None), ("surveyor", json!("zhang"), None)],
    );
    std::fs::write(&path, file(&[new_person("zhang", "b1", t), survey], None, Some("pw-2026")))
        .unwrap();

    let run = |pass: &str| {
        s.cli(&["import"])
            .arg("--file")
            .arg(&path)
            .args(["--passphrase", pass, "--as", "office"])
            .output()
            .unwrap()
    };
    let wrong = run("nope");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("密码错误"));
    let out = run("pw-2026");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("新保存 2，重复 0，拒绝 0"), "{text}");
    let out = run("pw-2026");
    assert!(String::from_utf8_lossy(&out.stdout).contains("新保存 0，重复 2"));
    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 2);
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM audit WHERE action = 'import_file' AND username = 'office'"
        )
        .await,
        2
    );
}

/// An imported file moves the server's clock past what it stored, as a push does: what the
/// server stamps next (a roster update, the next push's answer) comes after it. Before, a
/// roster update right after importing a tablet's file stamped ahead lost to that file.
#[tokio::test]
async fn an_import_moves_the_server_clock_past_what_it_stored() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let ahead = new_person("zhang", "b1", now_ms() + 2 * 3_600_000);
    let stamp = ahead.hlc.clone();
    let res = import(&s, &office, file(&[ahead], None, None), None).await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = s.push_raw(&office, &[new_person("office", "b1", now_ms())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let pushed: shared::sync::PushResponse = res.json().await.unwrap();
    assert!(pushed.server_hlc > stamp, "{} after {stamp}", pushed.server_hlc);
}

/// A file's changes that would take its conflicts past the bound of one push or import are
/// refused, with the words saying so, and their record's later changes with them: a file is
/// not sent again, so, unlike a push's, they cannot be left for a later one. What went before
/// them is kept.
#[tokio::test]
async fn a_files_changes_past_the_conflict_bound_are_refused_not_left_out() {
    let s = TestServer::start().await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let t = now_ms() - 600_000;
    let person = new_person("office", "b1", t);
    let id = person.entity_id;
    s.push_accepted(&office, &[person]).await;
    // 300 writes of one field, each having seen nothing: conflicts with every earlier one.
    let blind = blind_note_writes("zhang", id, t, 300);
    let res = import(&s, &office, file(&blind, None, None), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: ImportReport = res.json().await.unwrap();
    assert!(report.accepted > 40 && report.accepted < 300, "{report:?}");
    assert_eq!(report.accepted + report.rejected, 300, "every change answered: {report:?}");
    let stored = count(&s, "SELECT COUNT(*) FROM ops").await;
    assert_eq!(stored as usize, 1 + report.accepted, "what was refused is not stored");
    let conflicts = count(&s, "SELECT COUNT(*) FROM conflicts").await;
    assert!(conflicts as usize <= shared::policy::MAX_CONFLICTS_PER_PUSH, "{conflicts}");
}

/// An encrypted file's key is derived (Argon2id) on the bounded password-hash threads, as a
/// sign-in is checked: imports at once beyond the queue are answered `503 busy`, importing
/// nothing; the file is imported once by those that had their turn.
#[tokio::test]
async fn encrypted_files_at_once_wait_in_the_password_hash_queue() {
    let s = TestServer::start_with_limits(server::limits::Limits {
        hash_concurrency: 1,
        hash_queue: 1,
        ..server::limits::Limits::default()
    })
    .await;
    s.add_user("zhang", Role::Surveyor, &["b1"]).await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let body = file(&field_ops()[..1], None, Some("fishing-2026"));
    let imports = (0..8)
        .map(|_| {
            s.request(Method::POST, "/api/v1/import", Some(&office))
                .header("X-Export-Passphrase", "fishing-2026")
                .body(body.clone())
        })
        .collect();
    crate::common::some_wait_their_turn(imports, StatusCode::OK).await;
    assert_eq!(count(&s, "SELECT COUNT(*) FROM ops").await, 1);
}
