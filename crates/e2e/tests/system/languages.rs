//! Three languages (issue 12, part 1): zh-Hans by default, zh-Hant and English chosen in 设置
//! and remembered over a reload, and on a first run the browser's language decides. Checked on
//! real screen text by `data-testid`, and on `<html lang>`.

use std::collections::BTreeSet;
use std::time::Duration;

use e2e::{Browser, Harness};

const WAIT: Duration = Duration::from_secs(60);

/// Waits until the page is in `tag` and its people link reads `people`.
async fn wait_for_language(browser: &Browser, tag: &str, people: &str) {
    browser
        .wait_until(
            &format!("the app in {tag}"),
            &format!(
                "const link = document.querySelector('[data-testid=\"nav-people\"]');
                 return document.documentElement.lang === '{tag}' && !!link && link.textContent.trim() === '{people}';"
            ),
            WAIT,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_browser_s_language_chooses_on_the_first_run() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    for (browser_lang, tag, people) in [
        ("zh-TW", "zh-Hant", "黨員名冊"),
        ("en-US", "en", "Members"),
        ("zh-CN", "zh-Hans", "党员名册"),
    ] {
        let browser = harness.open_browser_with_lang(browser_lang).await.expect("open Chromium");
        browser.goto(&format!("{}/#/people", harness.base_url())).await.unwrap();
        wait_for_language(&browser, tag, people).await;
        // Each language's catalog is a chunk of its own: the page fetched its own (none for
        // zh-Hans) and not the other's. (The service worker's precache is not the page's.)
        // Its files (the module and the chunks it waits for, which build-wasm.sh names in
        // index.html: the same as the e2e crate's own reading of the chunk loader) were
        // fetched once each, as public/shell.js's preloads, beside the main module: the app's
        // own fetch of each took the preload's answer, not a second request.
        let module = match tag {
            "zh-Hant" => "catalog_zh_hant",
            "en" => "catalog_en",
            _ => "none",
        };
        let seen = browser
            .eval(&format!(
                "const meta = document.querySelector('meta[name=\"field-split-{module}\"]');
                 const dir = new URL(document.querySelector('meta[name=\"field-wasm\"]').content,
                   location.href).pathname.replace(/[^/]*$/, '');
                 const files = meta ? meta.content.split(' ').map(f => dir + f) : [];
                 const entries = performance.getEntriesByType('resource');
                 return {{
                   catalog: entries.map(e => e.name).filter(n => n.includes('split_catalog'))
                     .map(n => n.split('/').pop()),
                   files: files.map(f => f.slice(1)),
                   requests: files.map(f => entries.filter(e => new URL(e.name).pathname === f)
                     .map(e => e.initiatorType)),
                   preloads: [...document.querySelectorAll('link[rel=preload]')]
                     .map(l => l.href.split('/').pop()),
                 }};"
            ))
            .await
            .unwrap();
        let fetched: Vec<String> = serde_json::from_value(seen["catalog"].clone()).unwrap();
        let files: Vec<String> = serde_json::from_value(seen["files"].clone()).unwrap();
        if tag == "zh-Hans" {
            assert_eq!(seen["preloads"], serde_json::json!(["field_bg.wasm"]), "{seen}");
        } else {
            let loader: BTreeSet<String> =
                e2e::split_module_files(harness.dist(), module).unwrap().into_iter().collect();
            let named: BTreeSet<String> = files.iter().cloned().collect();
            assert_eq!(named, loader, "{browser_lang}: index.html names {module}'s files");
            assert!(files.len() >= 2, "{browser_lang}: the module and its chunks: {seen}");
            assert_eq!(
                seen["requests"],
                serde_json::json!(vec![["link"]; files.len()]),
                "{browser_lang}: each file fetched once, by its preload: {seen}"
            );
            assert_eq!(seen["preloads"].as_array().unwrap().len(), 1 + files.len(), "{seen}");
        }
        let expected: Vec<String> =
            if tag == "zh-Hans" { vec![] } else { vec![format!("split_{module}.wasm")] };
        assert_eq!(fetched, expected, "{browser_lang}: the catalog chunks the page fetched");
        browser.close().await.ok();
    }
}

#[tokio::test]
async fn the_language_chosen_in_settings_changes_the_screens_and_is_remembered() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    let settings = format!("{}/#/settings", harness.base_url());
    browser.goto(&settings).await.unwrap();
    wait_for_language(&browser, "zh-Hans", "党员名册").await;
    browser.wait_for_testid("settings-language", WAIT).await.unwrap();
    assert_eq!(browser.field_value("settings-language").await.unwrap(), "zh-Hans");

    for (tag, people, settings_nav, hint) in [
        ("en", "Members", "Storage & settings", "The page reloads in the language you choose."),
        ("zh-Hant", "黨員名冊", "存儲與設置", "選擇後頁面會重新加載，以所選語言顯示。"),
        ("zh-Hans", "党员名册", "存储与设置", "选择后页面会重新加载，以所选语言显示。"),
    ] {
        // Choosing reloads the page in the new language…
        browser.select_value("settings-language", tag).await.unwrap();
        wait_for_language(&browser, tag, people).await;
        browser.wait_for_testid("settings-language", WAIT).await.unwrap();
        browser.wait_for_text("settings-language-hint", hint).await.unwrap();
        browser.wait_for_text("nav-settings", settings_nav).await.unwrap();
        assert_eq!(browser.field_value("settings-language").await.unwrap(), tag);
        // …and the choice outlives a reload.
        browser.refresh().await.unwrap();
        wait_for_language(&browser, tag, people).await;
        browser.wait_for_text("settings-language-hint", hint).await.unwrap();
    }
    browser.close().await.ok();
}
