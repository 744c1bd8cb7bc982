//! The server's messages as code + arguments (the app words them in its language) and its own
//! HTML pages in the request's `Accept-Language`.

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::roles::Role;
use shared::sync::OpStatus;
use uuid::Uuid;

use crate::common::{TestServer, assert_error, new_person, upsert};
use shared::record::EntityKind;

#[tokio::test]
async fn a_refused_push_carries_its_reason_as_code_and_arguments() {
    let s = TestServer::start().await;
    let token = s.user_token("zhang", Role::Surveyor, &["b1"]).await;
    let outside = new_person("zhang", "b2", 1_000);
    let phone = upsert(
        "zhang",
        "zhang-dev",
        2_000,
        EntityKind::Person,
        Uuid::now_v7(),
        "b1",
        &[("name", json!("王海"), None), ("phone", json!("1381234"), None)],
    );
    let res = s.push(&token, &[outside, phone]).await;
    let (scope, invalid) = (&res.results[0], &res.results[1]);
    assert_eq!(scope.status, OpStatus::Rejected);
    assert_eq!(scope.code.as_deref(), Some("forbidden_branch"));
    let said = scope.said().expect("a reason as code and arguments");
    assert_eq!(said.code, "branch_out_of_scope");
    assert_eq!(said.get("branch"), Some(&"b2".into()));
    // The server's own words (zh-Hans) stay, for older apps and curl.
    assert_eq!(scope.message.as_deref(), Some("支部“b2”不在您的工作范围内"));
    // The app words the same answer in its language.
    let en = texts::messages::words_in(texts::fluent::cached(texts::Lang::En), &said).unwrap();
    assert_eq!(en, "Branch “b2” is not one of yours");

    assert_eq!(invalid.code.as_deref(), Some("invalid_record"));
    let said = invalid.said().unwrap();
    assert_eq!(said.code, "invalid_record");
    let hant =
        texts::messages::words_in(texts::fluent::cached(texts::Lang::ZhHant), &said).unwrap();
    assert!(hant.starts_with("記錄未通過校驗：手機號"), "{hant}");
    assert_eq!(
        invalid.message.as_deref(),
        Some("记录未通过校验：手机号格式不正确（应为11位数字，以13-19开头）")
    );
}

#[tokio::test]
async fn an_error_answer_carries_reason_and_arguments_and_old_clients_keep_the_message() {
    let s = TestServer::start().await;
    let res = s.request(Method::GET, "/api/v1/auth/me", None).send().await.unwrap();
    let body = assert_error(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(body["error"]["reason"], "unauthorized");
    assert_eq!(body["error"]["message"], "登录已失效或未登录，请重新登录");
    let error: shared::sync::ApiError = serde_json::from_value(body["error"].clone()).unwrap();
    let said = error.said().unwrap();
    let en = texts::messages::words_in(texts::fluent::cached(texts::Lang::En), &said).unwrap();
    assert_eq!(en, "Not signed in, or the sign-in expired; please sign in again");

    // An answer without reason (an older server) still reads: the app shows its message.
    let old: shared::sync::ApiError =
        serde_json::from_value(json!({"code": "x", "message": "旧服务器的说明"})).unwrap();
    assert_eq!(old.said(), None);
    assert_eq!(texts::messages::words_or(old.said().as_ref(), &old.message), "旧服务器的说明");
    // A reason this build does not know (a newer server): the message too.
    let new: shared::sync::ApiError = serde_json::from_value(
        json!({"code": "x", "message": "新服务器的说明", "reason": "brand_new", "args": {"n": 1}}),
    )
    .unwrap();
    assert_eq!(texts::messages::words_or(new.said().as_ref(), &new.message), "新服务器的说明");
}

async fn import_page(s: &TestServer, accept_language: Option<&str>) -> (String, String) {
    let mut req = s.request(Method::GET, "/import", None);
    if let Some(value) = accept_language {
        req = req.header("accept-language", value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["vary"], "accept-language");
    let html = res.text().await.unwrap();
    let lang = html.split("<html lang=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (lang, html)
}

#[tokio::test]
async fn the_import_page_follows_accept_language() {
    let s = TestServer::start().await;
    let (lang, html) = import_page(&s, None).await;
    assert_eq!(lang, "zh-Hans");
    assert!(html.contains("导入平板导出文件"), "{html}");
    let (lang, html) = import_page(&s, Some("zh-TW,zh;q=0.9")).await;
    assert_eq!(lang, "zh-Hant");
    assert!(html.contains("導入平板導出文件") && html.contains("鎮組織辦帳號"), "{html}");
    let (lang, html) = import_page(&s, Some("zh-HK")).await;
    assert_eq!(lang, "zh-Hant", "{html}");
    let (lang, html) = import_page(&s, Some("en-GB,en;q=0.9")).await;
    assert_eq!(lang, "en");
    assert!(
        html.contains("Import a tablet's export file".replace('\'', "&#39;").as_str()),
        "{html}"
    );
    assert!(!html.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese left: {html}");
    // q-values decide, not the order written.
    let (lang, _) = import_page(&s, Some("en;q=0.3, zh-TW;q=0.8")).await;
    assert_eq!(lang, "zh-Hant");
    let (lang, _) = import_page(&s, Some("fr-FR, de;q=0.9")).await;
    assert_eq!(lang, "zh-Hans");

    // A refusal on the page is in the page's language too.
    let (content_type, body) = crate::import_form(
        &[("username", "nobody"), ("password", "wrong password"), ("passphrase", "")],
        b"not a file",
    );
    let res = s
        .request(Method::POST, "/import", None)
        .header("content-type", content_type)
        .header("accept-language", "en-US")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Import failed") && html.contains("Wrong user name or password"),
        "{html}"
    );
}

fn en() -> Option<&'static texts::Catalog> {
    texts::fluent::cached(texts::Lang::En)
}

fn hant() -> Option<&'static texts::Catalog> {
    texts::fluent::cached(texts::Lang::ZhHant)
}

/// A roster's issues carry their message as code and arguments (the app words them in its
/// language), with the server's zh-Hans words for older apps; its refusals too.
#[tokio::test]
async fn a_roster_s_issues_and_refusals_carry_their_reason_as_code_and_arguments() {
    use crate::roster::{BRANCH_A, make_branches, post_roster, preview, row, xlsx};
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    make_branches(&s, &office).await;
    let rows = vec![
        row(["陈大海", "男", "1975", "13800000002", "", "不存在的支部", ""]),
        row(["王小红", "未知", "1980", "", "", BRANCH_A, ""]),
        row(["李四", "女", "1981", "1381234", "", BRANCH_A, ""]),
    ];
    let file = xlsx(&rows);
    // The report as sent: `reason` and `args` beside `message`.
    let res = post_roster(&s, &office, "/api/v1/admin/roster/preview", file.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let raw: serde_json::Value = res.json().await.unwrap();
    let unknown = raw["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["reason"] == "roster_branch_unknown")
        .unwrap_or_else(|| panic!("{raw}"));
    assert_eq!(unknown["args"], json!({"branch": "不存在的支部"}));
    assert_eq!(
        unknown["message"],
        "支部“不存在的支部”不存在：请先在“支部管理”中建立该支部，或核对名称"
    );

    let report = preview(&s, &office, file.clone()).await;
    assert_eq!(report.issues.len(), 3, "{:#?}", report.issues);
    for issue in &report.issues {
        let said = issue.said().unwrap_or_else(|| panic!("no reason: {issue:?}"));
        // The zh-Hans words are the message's own.
        assert_eq!(texts::messages::words_in(None, &said).as_deref(), Some(&*issue.message));
        let english = texts::messages::words_in(en(), &said).unwrap();
        assert!(
            !english.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                || english.contains("不存在的支部")
                || english.contains("未知"),
            "Chinese left in {english:?}"
        );
    }
    let worded = |lang, reason: &str| {
        let issue = report.issues.iter().find(|i| i.reason.as_deref() == Some(reason)).unwrap();
        texts::messages::words_in(lang, &issue.said().unwrap()).unwrap()
    };
    assert_eq!(
        worded(en(), "roster_gender"),
        "Gender must be 男 (male) or 女 (female), not “未知”"
    );
    assert_eq!(worded(hant(), "roster_gender"), "性別應為“男”或“女”，而不是“未知”");
    // A problem found by shared's rules is the rule's own message.
    assert!(
        worded(en(), "mobile_format").starts_with("Mobile"),
        "{}",
        worded(en(), "mobile_format")
    );

    // Applying it is refused whole, saying how many problems, as code and arguments.
    let res = post_roster(&s, &office, "/api/v1/admin/roster/apply", file).await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_has_problems").await;
    assert_eq!(body["error"]["reason"], "roster_has_problems");
    assert_eq!(body["error"]["args"], json!({"count": 3}));
    assert_eq!(body["error"]["message"], "名册有 3 处问题，未导入任何内容；请先预览并修正后再导入");
    let error: shared::sync::ApiError = serde_json::from_value(body["error"].clone()).unwrap();
    let english = texts::messages::words_in(en(), &error.said().unwrap()).unwrap();
    assert!(english.starts_with("The roster has 3 problems;"), "{english}");
    // A file that is no roster at all.
    let res =
        post_roster(&s, &office, "/api/v1/admin/roster/preview", b"a,b\n1,2\n".to_vec()).await;
    let body = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY, "roster_no_header").await;
    assert_eq!(body["error"]["args"], json!({"rows": 10}));
}

/// A bad request answers with its reason as code and arguments, and the zh-Hans `message`.
#[tokio::test]
async fn a_bad_request_carries_its_reason_as_code_and_arguments() {
    let s = TestServer::start().await;
    let office = s.user_token("office", Role::TownOffice, &[]).await;
    let res = s
        .request(Method::POST, "/api/v1/admin/users", Some(&office))
        .json(&json!({"username": "zhao", "password": "short", "display_name": "赵",
                      "role": "surveyor", "branches": ["b1"]}))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "invalid_user").await;
    assert_eq!(body["error"]["reason"], "password_length");
    assert_eq!(body["error"]["args"], json!({"min": 8, "max": 256}));
    assert_eq!(body["error"]["message"], "密码长度应为 8 至 256 位");
    let error: shared::sync::ApiError = serde_json::from_value(body["error"].clone()).unwrap();
    assert_eq!(
        texts::messages::words_in(en(), &error.said().unwrap()).unwrap(),
        "The password must have 8 to 256 characters"
    );

    // The sync protocol header that is no number names what was sent.
    let res = s
        .request(Method::GET, "/api/v1/sync/pull?cursor=0", Some(&office))
        .header(shared::sync::PROTOCOL_HEADER, "v2")
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::BAD_REQUEST, "bad_protocol").await;
    assert_eq!(body["error"]["reason"], "bad_protocol");
    assert_eq!(body["error"]["args"], json!({"value": "v2"}));
    assert_eq!(body["error"]["message"], "协议版本“v2”不是数字");
    let error: shared::sync::ApiError = serde_json::from_value(body["error"].clone()).unwrap();
    let hant_words = texts::messages::words_in(hant(), &error.said().unwrap()).unwrap();
    assert_eq!(hant_words, "協議版本“v2”不是數字");

    // Something not found names what, in the reader's language.
    let res = s
        .request(Method::POST, "/api/v1/admin/users/nobody/disable", Some(&office))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, StatusCode::NOT_FOUND, "user_not_found").await;
    assert_eq!(body["error"]["message"], "找不到该账号");
    let error: shared::sync::ApiError = serde_json::from_value(body["error"].clone()).unwrap();
    assert_eq!(
        texts::messages::words_in(en(), &error.said().unwrap()).unwrap(),
        "Account not found"
    );
}
