//! index.html draws the app's top bar from the first paint, before the app's module has arrived
//! (seconds on a first visit over a slow line), in the language the app will start in
//! (`public/shell.js`) and with 大字模式 on when it is kept; the app's own top bar then takes its
//! place. A module that cannot load leaves that bar with a message in the same language and a
//! button that reloads (an installed app has no browser bar to reload from).
//!
//! The module is kept from arriving by blocking it (`Network.setBlockedURLs`): what the page
//! shows then is what it shows before the module arrives.

use e2e::{Browser, FIRST_LOAD_TIMEOUT, Harness};
use serde_json::json;

/// index.html's stand-ins as shown: the title's visible text, the start failure's (null while
/// hidden), `<html lang>`, whether 大字模式 is on and the title's font size in px.
const STAND_INS: &str = "
const shell = document.getElementById('app-shell');
const failed = document.getElementById('app-start-failed');
return {
  title: shell ? shell.querySelector('h1').innerText : null,
  failed: failed && !failed.hidden ? failed.innerText : null,
  lang: document.documentElement.lang,
  large: document.documentElement.classList.contains('large-text'),
  size: shell ? parseFloat(getComputedStyle(shell.querySelector('h1')).fontSize) : null,
  app: !!document.querySelector('[data-testid=\"online-indicator\"]'),
};";

async fn block_main_module(browser: &Browser, blocked: bool) {
    let urls = if blocked { json!(["*field_bg.wasm*"]) } else { json!([]) };
    browser.cdp("Network.enable", json!({})).await.expect("network domain");
    browser.cdp("Network.setBlockedURLs", json!({ "urls": urls })).await.expect("block");
}

/// Waits for the start failure, then reads the stand-ins.
async fn stand_ins_once_failed(browser: &Browser) -> serde_json::Value {
    browser
        .wait_until(
            "the start failure",
            "const f = document.getElementById('app-start-failed'); return !!f && !f.hidden;",
            FIRST_LOAD_TIMEOUT,
        )
        .await
        .expect("the module's failure is shown");
    browser.eval(STAND_INS).await.expect("read the stand-ins")
}

#[tokio::test]
async fn the_top_bar_comes_before_the_app_in_its_language_and_the_app_s_own_takes_its_place() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    for (browser_lang, tag, title, failure, people) in [
        ("zh-CN", "zh-Hans", "四争一树", "应用未能启动", "党员名册"),
        ("zh-TW", "zh-Hant", "四爭一樹", "應用未能啟動", "黨員名冊"),
        ("en-US", "en", "Four Strives, One Model (四争一树)", "The app could not start", "Members"),
    ] {
        let browser = harness.open_browser_with_lang(browser_lang).await.expect("open Chromium");
        block_main_module(&browser, true).await;
        browser.goto(&harness.url("/#/survey/new")).await.unwrap();
        let shown = stand_ins_once_failed(&browser).await;
        assert_eq!(shown["title"], title, "{browser_lang}: the title, one language of three");
        assert_eq!(shown["lang"], tag, "{browser_lang}: <html lang>");
        assert_eq!(shown["app"], false, "{browser_lang}: no app: {shown}");
        let failed = shown["failed"].as_str().unwrap_or_default();
        assert!(
            failed.starts_with(failure),
            "{browser_lang}: the failure in its language: {shown}"
        );
        for other in ["应用未能启动", "應用未能啟動", "The app could not start"] {
            assert_eq!(failed.contains(other), other == failure, "{browser_lang}: {failed:?}");
        }

        // The module comes again: the button reloads, the app mounts and its top bar is the
        // only one, with the same title (the catalog's) in the same language.
        block_main_module(&browser, false).await;
        browser.click_testid("app-start-reload").await.expect("tap 重新加载");
        browser
            .wait_until(
                "the app's own top bar",
                &format!(
                    "const link = document.querySelector('[data-testid=\"nav-people\"]');
                     return !!link && link.textContent.trim() === '{people}';"
                ),
                FIRST_LOAD_TIMEOUT,
            )
            .await
            .expect("the app after the reload");
        let bars = browser
            .eval(
                "return {
                   shell: !!document.getElementById('app-shell'),
                   failed: !!document.getElementById('app-start-failed'),
                   bars: [...document.querySelectorAll('header.topbar')].map(h => h.querySelector('h1').innerText),
                 };",
            )
            .await
            .unwrap();
        assert_eq!(
            bars,
            json!({ "shell": false, "failed": false, "bars": [title] }),
            "{browser_lang}: the app's top bar in place of index.html's"
        );
        browser.close().await.ok();
    }
}

#[tokio::test]
async fn a_kept_language_and_larger_text_are_on_from_the_first_paint() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    // The module never comes in this browser, so no service worker ever answers for it.
    let browser = harness.open_browser_in("no-module").await.expect("open Chromium");
    block_main_module(&browser, true).await;
    browser.goto(&harness.url("/#/people")).await.unwrap();
    let shown = stand_ins_once_failed(&browser).await;
    assert_eq!(
        (&shown["lang"], &shown["title"], &shown["large"]),
        (&json!("zh-Hans"), &json!("四争一树"), &json!(false))
    );
    let normal = shown["size"].as_f64().unwrap();

    // What 设置 keeps (src/browser/language.rs, text_size.rs), then a start.
    browser
        .eval("localStorage.setItem('field.language', 'zh-Hant'); localStorage.setItem('field.large-text', '1'); return true;")
        .await
        .unwrap();
    browser.refresh().await.unwrap();
    let shown = stand_ins_once_failed(&browser).await;
    assert_eq!(shown["title"], "四爭一樹", "the kept language: {shown}");
    assert_eq!(shown["lang"], "zh-Hant");
    assert_eq!(shown["large"], true, "大字模式 on before any module: {shown}");
    let large = shown["size"].as_f64().unwrap();
    assert!(large > normal * 1.1, "the title larger: {large} px against {normal} px");
    assert!(
        shown["failed"].as_str().unwrap_or_default().starts_with("應用未能啟動"),
        "the failure in the kept language: {shown}"
    );

    // A kept choice that is not one of the app's gives way to the browser's language, as in the
    // app.
    browser
        .eval("localStorage.setItem('field.language', 'fr'); localStorage.removeItem('field.large-text'); return true;")
        .await
        .unwrap();
    browser.refresh().await.unwrap();
    let shown = stand_ins_once_failed(&browser).await;
    assert_eq!(
        (&shown["lang"], &shown["title"], &shown["large"]),
        (&json!("zh-Hans"), &json!("四争一树"), &json!(false))
    );

    // shell.js's rule over the browser's languages is the app's (`texts::Lang::from_browser`,
    // whose unit test has these cases): shell.js run again over each list.
    let cases = json!([
        [["zh-TW"], "zh-Hant"],
        [["zh-HK", "en"], "zh-Hant"],
        [["zh-MO"], "zh-Hant"],
        [["zh-Hant-CN"], "zh-Hant"],
        [["ZH_tw"], "zh-Hant"],
        [["zh-CN", "en"], "zh-Hans"],
        [["zh"], "zh-Hans"],
        [["en-US", "zh-CN"], "en"],
        [["fr-FR", "en-GB"], "en"],
        [["EN"], "en"],
        [["fr-FR"], "zh-Hans"],
        [[], "zh-Hans"]
    ]);
    let chosen = browser
        .eval_async(&format!(
            "(async () => {{
               localStorage.removeItem('field.language');
               const chosen = [];
               for (const [languages] of {cases}) {{
                 Object.defineProperty(navigator, 'languages', {{ get: () => languages, configurable: true }});
                 await new Promise((ok, fail) => {{
                   const script = document.createElement('script');
                   script.src = '/shell.js';
                   script.onload = ok;
                   script.onerror = fail;
                   document.head.append(script);
                 }});
                 chosen.push(document.documentElement.lang);
               }}
               return chosen;
             }})().then(done, e => done(String(e)));"
        ))
        .await
        .unwrap();
    let expected: Vec<&str> =
        cases.as_array().unwrap().iter().map(|c| c[1].as_str().unwrap()).collect();
    assert_eq!(chosen, json!(expected), "shell.js over {cases}");
    browser.close().await.ok();
}

/// The sum of the page's layout shifts so far (each `layout-shift` entry not caused by input).
/// Those of the next half second are counted too (two frames on, the rows' own).
const LAYOUT_SHIFT: &str = "
let shifted = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) shifted += e.value;
}).observe({ type: 'layout-shift', buffered: true });
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(shifted), 500)));";

/// Nothing on the people list moves once drawn: its branch and village filters are there before
/// the rows come (they came with the rows and pushed the other filters down: Lighthouse's CLS
/// 0.055 at a phone's size in English, whose filter labels are the longest).
#[tokio::test]
async fn nothing_on_the_people_list_moves_when_its_rows_come() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser_with_lang("en-US").await.expect("open Chromium");
    browser.emulate_screen(412, 823, 1.75).await.unwrap();
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser.wait_for_testid("people-count", FIRST_LOAD_TIMEOUT).await.expect("the list");
    let shifted = browser.eval_async(LAYOUT_SHIFT).await.unwrap().as_f64().unwrap();
    assert!(shifted < 0.01, "the people list moved as it filled: layout shift {shifted}");
    browser.close().await.ok();
}

/// The English catalog cannot be fetched (a first visit cut off after the main module came):
/// the app still starts, in zh-Hans, with nothing left of the English stand-in bar; the next
/// start that can fetch it is in English. public/shell.js preloads the catalog and the app
/// opens its database meanwhile (`src/main.rs`): neither may keep the app from mounting.
#[tokio::test]
async fn an_english_start_whose_catalog_cannot_come_is_in_zh_hans() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser_with_lang("en-US").await.expect("open Chromium");
    browser.cdp("Network.enable", json!({})).await.expect("network domain");
    browser
        .cdp("Network.setBlockedURLs", json!({ "urls": ["*split_catalog_en*"] }))
        .await
        .expect("block");
    browser.goto(&harness.url("/#/people")).await.unwrap();
    let app_in = |lang: &str, people: &str| {
        format!(
            "const link = document.querySelector('[data-testid=\"nav-people\"]');
             return document.documentElement.lang === '{lang}' && !!link
               && link.textContent.trim() === '{people}' && !document.getElementById('app-shell');"
        )
    };
    browser
        .wait_until("the app in zh-Hans", &app_in("zh-Hans", "党员名册"), FIRST_LOAD_TIMEOUT)
        .await
        .expect("the app starts without its catalog");
    browser.wait_for_testid("people-count", FIRST_LOAD_TIMEOUT).await.expect("the list");

    browser.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await.expect("unblock");
    browser.refresh().await.unwrap();
    browser
        .wait_until("the app in English", &app_in("en", "Members"), FIRST_LOAD_TIMEOUT)
        .await
        .expect("the next start has its catalog");
    browser.close().await.ok();
}
