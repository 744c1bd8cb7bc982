//! The app mounted in a real page: typing in the survey form autosaves a draft to IndexedDB,
//! and the people list finds it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a browser test: a failed unwrap is a failing test (clippy's allow-unwrap-in-tests \
              does not recognise #[wasm_bindgen_test])"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "a browser test drives the page itself, outside the app's src/browser/"
)]

use field::app::App;
use field::store::Store;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(id: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .map(|e| e.unchecked_into())
}

fn type_into(id: &str, text: &str) {
    let input: web_sys::HtmlInputElement =
        by_testid(id).unwrap_or_else(|| panic!("no {id}")).unchecked_into();
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn choose(id: &str, value: &str) {
    let select: web_sys::HtmlSelectElement =
        by_testid(id).unwrap_or_else(|| panic!("no {id}")).unchecked_into();
    select.set_value(value);
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

async fn wait_for(mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("condition not met in 5 s");
}

#[wasm_bindgen_test]
async fn survey_draft_autosaves_and_the_list_finds_it() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root, move || view! { <App store=app_store /> });

    wait_for(|| by_testid("survey-name").is_some()).await;
    // Sections follow the category: a business household has no village-only questions.
    choose("survey-category", "business_household");
    wait_for(|| {
        by_testid("survey-trade").is_some() && by_testid("survey-wealth-potential").is_none()
    })
    .await;
    type_into("survey-name", "陈八");
    type_into("survey-trade", "水产批发");

    // Debounced autosave: stored within about a second, as a draft.
    let mut people = Vec::new();
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        people = store.list(EntityKind::Person).await.unwrap();
        let surveys = store.list(EntityKind::Survey).await.unwrap();
        if people.len() == 1 && surveys.first().is_some_and(|s| s.str_field("trade") == "水产批发")
        {
            break;
        }
    }
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].str_field("name"), "陈八");
    let surveys = store.list(EntityKind::Survey).await.unwrap();
    assert_eq!(surveys[0].str_field("status"), "draft");
    assert_eq!(surveys[0].str_field("surveyor"), "测试员");
    assert!(store.outbox_len().await.unwrap() >= 2);

    // Finalising an incomplete survey shows the errors and keeps it a draft.
    by_testid("survey-finalise").unwrap().click();
    wait_for(|| by_testid("survey-errors").is_some()).await;
    assert_eq!(
        store.get(EntityKind::Survey, surveys[0].id).await.unwrap().unwrap().str_field("status"),
        "draft"
    );

    // The list finds the person while typing.
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for(|| by_testid("people-search").is_some()).await;
    wait_for(|| by_testid("people-row").is_some()).await;
    type_into("people-search", "陈");
    wait_for(|| by_testid("people-count").is_some_and(|e| e.inner_text().contains("共 1 人")))
        .await;
    type_into("people-search", "不存在");
    wait_for(|| by_testid("people-count").is_some_and(|e| e.inner_text().contains("共 0 人")))
        .await;
}
