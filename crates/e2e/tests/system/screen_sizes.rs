//! Every size (issue 12, part 5): at 390×844 (a phone), 800×1280 (a tablet upright) and
//! 1280×800 (a tablet on its side or the office PC) no element is clipped or pushes the page
//! sideways, the navigation's links do not overlap, no table column is hidden and what a person
//! touches is at least 44 px tall (60 px in larger-text mode: `large_text.rs`). Every screen of
//! the router: the town office's (who opens them all) and those of records (a member, a survey, a
//! candidate, a base), added through the screens first. Measured from the elements' rectangles in the real page, not
//! by eye; a screenshot of every screen at every size is written to
//! `target/screenshots/<lang>/<w>x<h>/` (the README names it) for the eye as well. In each of the
//! three languages (issue 12, part 1): English words are longer than Chinese ones, and the
//! narrow layouts must hold them too.

use std::path::PathBuf;

use e2e::{Browser, Harness};

use crate::routes::{OFFICE_ROUTES, OTHER_ROUTES, ROUTES, add_records, file_name, open_settled};

const SIZES: [(u32, u32); 3] = [(390, 844), (800, 1280), (1280, 800)];
const OFFICE: (&str, &str) = ("sizes_office", "sizes-pass-123");

/// What is wrong with the layout of the page as shown now, one line each.
pub const LAYOUT_CHECK: &str = r#"
const problems = [];
const vw = document.documentElement.clientWidth;
const name = e => (e.getAttribute('data-testid') || e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')) + ' "' + (e.textContent || '').trim().slice(0, 20) + '"';
const scrollsSideways = el => {
  for (let e = el.parentElement; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1) return true;
  }
  return false;
};
const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw} px)`);
for (const el of document.querySelectorAll('a, button, input, select, textarea, th, td, h1, h2, h3, legend, p, label')) {
  if (!shown(el)) continue;
  const r = el.getBoundingClientRect();
  if ((r.right > vw + 1 || r.left < -1) && !scrollsSideways(el)) problems.push(`clipped: ${name(el)}`);
}
for (const nav of document.querySelectorAll('nav')) {
  const links = [...nav.querySelectorAll('a, button')].filter(shown).map(a => [a, a.getBoundingClientRect()]);
  for (let i = 0; i < links.length; i++) for (let j = i + 1; j < links.length; j++) {
    const [a, p] = links[i], [b, q] = links[j];
    if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) problems.push(`overlap: ${name(a)} / ${name(b)}`);
  }
}
const bars = [...document.querySelectorAll('header, nav')].filter(shown).map(b => [b, b.getBoundingClientRect()]);
for (let i = 0; i < bars.length; i++) for (let j = i + 1; j < bars.length; j++) {
  const [a, p] = bars[i], [b, q] = bars[j];
  if (p.top < q.bottom - 1 && q.top < p.bottom - 1 && p.left < q.right - 1 && q.left < p.right - 1) problems.push(`bars overlap: ${name(a)} / ${name(b)}`);
}
for (const a of document.querySelectorAll('nav a, nav button, button, a.button')) {
  if (shown(a) && getComputedStyle(a).overflow === 'visible' && a.scrollWidth > a.clientWidth + 1) problems.push(`words overflow their box: ${name(a)}`);
}
for (const c of document.querySelectorAll('table th, table td')) if (getComputedStyle(c).display === 'none') { problems.push(`a table column is hidden: ${name(c)}`); break; }
for (const t of document.querySelectorAll('button, a.button, nav a, select, input:not([type=checkbox]):not([type=radio]):not([type=file])')) {
  if (!shown(t)) continue;
  const r = t.getBoundingClientRect();
  if (r.height < 43.5) problems.push(`touch target ${Math.round(r.height)} px tall: ${name(t)}`);
}
return [...new Set(problems)].slice(0, 40);
"#;

fn screenshot_dir(lang: &str) -> PathBuf {
    let target =
        std::env::var("CARGO_TARGET_DIR").map_or_else(|_| PathBuf::from("target"), PathBuf::from);
    target.join("screenshots").join(lang)
}

async fn check(
    browser: &Browser,
    origin: &str,
    hash: &str,
    (w, h): (u32, u32),
    lang: &str,
) -> Vec<String> {
    open_settled(browser, origin, hash).await;
    let found = browser.eval(LAYOUT_CHECK).await.unwrap();
    let png = browser.client().screenshot().await.unwrap();
    let dir = screenshot_dir(lang).join(format!("{w}x{h}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{}.png", file_name(hash))), png).unwrap();
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(|s| format!("{lang} {w}×{h} {hash}: {s}")))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_screen_fits_a_phone_an_upright_tablet_and_a_landscape_one() {
    every_screen_fits("zh-Hans").await;
}

#[tokio::test]
async fn every_screen_fits_every_size_in_traditional_chinese() {
    every_screen_fits("zh-Hant").await;
}

#[tokio::test]
async fn every_screen_fits_every_size_in_english() {
    every_screen_fits("en").await;
}

/// Every screen at every size, the town office signed in, the app in `lang`.
async fn every_screen_fits(lang: &str) {
    let harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", OFFICE.0, "--password", OFFICE.1])
        .unwrap();
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.sign_in(&harness.base_url(), OFFICE.0, OFFICE.1).await.unwrap();
    // A member, their survey, a candidate and a base: the screens of a record, with data.
    let records = add_records(&browser, &harness.base_url()).await;
    if lang != "zh-Hans" {
        browser.use_language(&harness.base_url(), lang, "#/people").await.unwrap();
    }
    let mut problems = Vec::new();
    for (w, h) in SIZES {
        browser.emulate_screen(w, h, 1.0).await.unwrap();
        // The town office opens every screen, its own set-up screens too.
        let routes =
            ROUTES.iter().chain(OFFICE_ROUTES).chain(OTHER_ROUTES).map(|r| (*r).to_owned());
        for hash in routes.chain(records.iter().cloned()) {
            problems.extend(check(&browser, &harness.base_url(), &hash, (w, h), lang).await);
        }
    }
    for p in &problems {
        println!("{p}");
    }
    println!("screenshots: {}", screenshot_dir(lang).display());
    assert!(problems.is_empty(), "{} layout problems:\n{}", problems.len(), problems.join("\n"));
}
