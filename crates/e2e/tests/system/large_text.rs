//! Larger-text mode (issue 12; 设置's 大字模式, China's age-friendly app guideline): switched on
//! in 设置 it applies at once and outlives a reload; then on every screen, at a phone's 390×844,
//! body text is at least 18 px, everything a person acts on at least 60 px tall, and nothing
//! overlaps, is clipped or pushes the page sideways (the layout check of `screen_sizes.rs`).
//! Switched off, the page is back to normal size. In zh-Hans and in English, whose words are the
//! longest.

use std::time::Duration;

use e2e::{Browser, Harness};

use crate::routes::{OFFICE_ROUTES, OTHER_ROUTES, ROUTES, add_records, open_settled};
use crate::screen_sizes::LAYOUT_CHECK;

const OFFICE: (&str, &str) = ("large_office", "large-pass-123");
const WAIT: Duration = Duration::from_secs(30);

/// Text smaller than 18 px and targets lower than 60 px on the page as shown now, one line each.
/// Text: every shown element with words of its own. Targets: links, buttons, fields and
/// selects, nav items; a checkbox or switch by its label (what a finger hits); a link inside a
/// sentence is part of the text (WCAG 2.5.8's inline exception).
const LARGE_CHECK: &str = r#"
const problems = [];
const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
const name = e => (e.getAttribute('data-testid') || e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')) + ' "' + (e.textContent || '').trim().slice(0, 20) + '"';
if (!document.documentElement.classList.contains('large-text')) problems.push('larger-text mode is off');
for (const e of document.querySelectorAll('main *, header *, nav *')) {
  if (!shown(e) || e.closest('svg')) continue;
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
  if (own && parseFloat(getComputedStyle(e).fontSize) < 17.9) problems.push(`text ${getComputedStyle(e).fontSize}: ${name(e)}`);
}
const targets = 'a[href], button, select, textarea, input:not([type=hidden]):not([type=file])';
for (const t of document.querySelectorAll(targets)) {
  if (!shown(t)) continue;
  if (t.matches('a') && t.parentElement.closest('p')) continue;
  const box = t.matches('[type=checkbox], [type=radio]') ? (t.closest('label') || t) : t;
  const h = box.getBoundingClientRect().height;
  if (h < 59.5) problems.push(`target ${Math.round(h)} px tall: ${name(t)}`);
}
const vw = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > vw + 1) {
  const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) { const x = getComputedStyle(p).overflowX; if (x === 'auto' || x === 'scroll' || x === 'hidden') return true; } return false; };
  const wide = [...document.querySelectorAll('body *')].filter(e => shown(e) && !inScroller(e) && e.getBoundingClientRect().right > vw + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > vw + 1));
  for (const e of wide.slice(0, 3)) problems.push(`past the right edge: ${name(e)}`);
}
return [...new Set(problems)].slice(0, 40);
"#;

async fn switch_is_on(browser: &Browser) -> bool {
    browser
        .eval("const s = document.querySelector('[data-testid=\"settings-large-text\"]'); return !!s && s.checked && document.documentElement.classList.contains('large-text');")
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

async fn in_large_text(lang: &str) {
    let harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    let origin = harness.base_url();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&origin, OFFICE.0, OFFICE.1).await.unwrap();
    let records = add_records(&browser, &origin).await;
    browser.use_language(&origin, lang, "#/settings").await.unwrap();

    // On at once, when switched…
    browser.wait_for_testid("settings-large-text", WAIT).await.unwrap();
    assert!(!switch_is_on(&browser).await, "larger-text mode starts off");
    let normal =
        browser.eval("return parseFloat(getComputedStyle(document.body).fontSize);").await.unwrap();
    browser.click_testid("settings-large-text").await.unwrap();
    assert!(switch_is_on(&browser).await, "the switch applies at once");
    // …and still on after a reload.
    browser.refresh().await.unwrap();
    browser.wait_for_testid("settings-large-text", WAIT).await.unwrap();
    assert!(switch_is_on(&browser).await, "larger-text mode outlives a reload");
    let large =
        browser.eval("return parseFloat(getComputedStyle(document.body).fontSize);").await.unwrap();
    assert!(large.as_f64() > normal.as_f64(), "the body text grows: {normal} → {large}");

    browser.emulate_screen(390, 844, 1.0).await.unwrap();
    let mut problems = Vec::new();
    let routes = ROUTES.iter().chain(OFFICE_ROUTES).chain(OTHER_ROUTES).map(|r| (*r).to_owned());
    for hash in routes.chain(records) {
        open_settled(&browser, &origin, &hash).await;
        for check in [LARGE_CHECK, LAYOUT_CHECK] {
            let found = browser.eval(check).await.unwrap();
            problems.extend(
                found
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(|s| format!("{lang} 390×844 {hash}: {s}"))),
            );
        }
    }

    // Off again: the normal size, at once.
    open_settled(&browser, &origin, "#/settings").await;
    browser.click_testid("settings-large-text").await.unwrap();
    let off = browser.eval("return !document.documentElement.classList.contains('large-text') && parseFloat(getComputedStyle(document.body).fontSize);").await.unwrap();
    assert_eq!(off, normal, "switched off, the text is back to its normal size");
    browser.close().await.ok();

    for p in &problems {
        println!("{p}");
    }
    assert!(
        problems.is_empty(),
        "{} problems in larger-text mode:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn larger_text_mode_is_remembered_and_enlarges_every_screen() {
    in_large_text("zh-Hans").await;
}

#[tokio::test]
async fn larger_text_mode_holds_english_s_longer_words() {
    in_large_text("en").await;
}
