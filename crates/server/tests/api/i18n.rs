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
