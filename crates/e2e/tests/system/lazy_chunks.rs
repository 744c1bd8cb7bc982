//! The release build loads its screens on demand (src/split.rs, scripts/build-wasm.sh): the first
//! screen fetches the main module and nothing of the campaign screens; opening the campaign
//! dashboard fetches its module, another campaign screen the `office` module, and once the
//! service worker is installed that works with no server. A zh-Hant or English start preloads
//! its catalog's files, a first visit to a screen the main module draws nothing of preloads the
//! `fieldwork` module's, and each file is fetched once. A start at a campaign or office screen
//! fetches its module before the app mounts.

use std::collections::BTreeSet;
use std::time::Duration;

use e2e::{FIRST_LOAD_TIMEOUT, Harness, first_load_files, split_module_files};

/// Path names of every resource the page has fetched so far (what `performance` recorded).
const FETCHED: &str =
    "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);";

async fn fetched(browser: &e2e::Browser) -> Vec<String> {
    let value = browser.eval(FETCHED).await.expect("read the resource timing entries");
    serde_json::from_value(value).expect("a list of paths")
}

/// When the page left the performance mark `mark` (none: not left), and each resource it has
/// fetched so far: its path and its `timing` (a resource timing's property, `startTime` or
/// `responseEnd`).
async fn mark_and_fetches(
    browser: &e2e::Browser,
    mark: &str,
    timing: &str,
) -> (Option<f64>, Vec<(String, f64)>) {
    let seen = browser
        .eval(&format!(
            "const mark = performance.getEntriesByName('{mark}')[0];
             return [mark ? mark.startTime : null,
                     performance.getEntriesByType('resource')
                       .map(e => [new URL(e.name).pathname, e.{timing}])];"
        ))
        .await
        .expect("read the mark and the fetches");
    let fetched = serde_json::from_value(seen[1].clone()).expect("paths and times");
    (seen[0].as_f64(), fetched)
}

/// Chromium pauses every request of the page for split module `module`'s own file (`fieldwork`:
/// the tablet's screens; `catalog_en`: the English catalog), and nothing lets them go on.
async fn hold_module(browser: &e2e::Browser, module: &str) {
    browser
        .cdp(
            "Fetch.enable",
            serde_json::json!({ "patterns": [{ "urlPattern": format!("*split_{module}*") }] }),
        )
        .await
        .unwrap_or_else(|e| panic!("hold the {module} module: {e}"));
}

/// The file of split module `module` itself (`split_<module>.wasm`, under `app-<hash>/`), not
/// the chunks it shares.
fn own_file(harness: &Harness, module: &str) -> String {
    split_module_files(harness.dist(), module)
        .expect("read the loader")
        .into_iter()
        .find(|f| f.contains(&format!("split_{module}")))
        .unwrap_or_else(|| panic!("the release build has a module {module}"))
}

#[tokio::test]
async fn campaign_chunk_is_fetched_when_its_screen_first_opens_even_offline() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let office = split_module_files(harness.dist(), "office").expect("read the chunk loader");
    let module = office.first().expect("the release build has a campaign chunk").clone();
    let module_path = format!("/{module}");
    let dashboard = split_module_files(harness.dist(), "dashboard").expect("read the loader");
    let dashboard_path =
        format!("/{}", dashboard.first().expect("the release build has a dashboard module"));

    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for_testid("people-search", FIRST_LOAD_TIMEOUT).await.expect("the people list");
    browser.wait_for_service_worker(Duration::from_secs(30)).await.expect("the service worker");
    let first = fetched(&browser).await;
    // index.html preloads the main JS, the chunk loader and the wasm: each fetched once, the
    // preload being the request the scripts then use.
    for file in ["/field_bg.wasm", "/field.js", "/__wasm_split.js"] {
        let times = first.iter().filter(|p| p.ends_with(file)).count();
        assert_eq!(times, 1, "{file} fetched {times} times: {first:?}");
    }
    for path in [&module_path, &dashboard_path] {
        assert!(!first.contains(path), "the people list fetched {path}: {first:?}");
    }
    // Once its rows are painted, the people list fetches the field work module (the survey
    // form's code) for the tap on 新调查: started at the mark `split::prefetch_fieldwork` leaves
    // (src/split.rs `PREFETCH_FIELDWORK_MARK`), not by the sync loop, which asks for it at least
    // 2 s after the app opens.
    let fieldwork = own_file(&harness, "fieldwork");
    let (mark, resources) =
        mark_and_fetches(&browser, "field:prefetch-fieldwork", "startTime").await;
    let fetch = resources.iter().find(|(path, _)| path == &format!("/{fieldwork}")).map(|f| f.1);
    let (Some(mark), Some(fetch)) = (mark, fetch) else {
        panic!("the prefetch's mark ({mark:?}) and the module's fetch ({fetch:?}): {resources:?}");
    };
    assert!(
        (mark..mark + 1_000.0).contains(&fetch),
        "the field work module was fetched at {fetch} ms, the prefetch began at {mark} ms"
    );

    // The dashboard, the campaign area's first screen, comes from its own module, without the
    // other campaign screens' code; the next campaign screen fetches that. Both from the
    // precache: the server is gone.
    harness.stop_server();
    browser.goto(&harness.url("/#/campaign/dashboard")).await.unwrap();
    browser
        .wait_for_testid("dashboard", FIRST_LOAD_TIMEOUT)
        .await
        .expect("the dashboard opens offline, from the precached chunk");
    let after = fetched(&browser).await;
    assert!(after.contains(&dashboard_path), "{dashboard_path} was not fetched: {after:?}");
    assert!(!after.contains(&module_path), "the dashboard fetched {module_path}: {after:?}");
    browser.click_testid("cnav-candidates").await.unwrap();
    browser
        .wait_for_testid("candidate-search", FIRST_LOAD_TIMEOUT)
        .await
        .expect("the candidates open offline, from the precached chunk");
    let after = fetched(&browser).await;
    for file in &office {
        let path = format!("/{file}");
        assert!(after.contains(&path), "{path} of the office module was not fetched: {after:?}");
    }

    browser.close().await.unwrap();
}

/// A screen whose chunk cannot be fetched (no network, nothing cached yet) says so in Chinese and
/// the app goes on working: no panic takes the page down.
#[tokio::test]
async fn a_chunk_that_cannot_be_fetched_is_a_message_not_a_dead_app() {
    let mut harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/")).await.unwrap();
    browser.wait_for_testid("people-search", FIRST_LOAD_TIMEOUT).await.expect("the people list");
    browser.wait_for_service_worker(Duration::from_secs(30)).await.expect("the service worker");
    // As if the first visit had been cut short: nothing cached (neither the service worker's
    // caches nor the browser's HTTP cache, which keeps the build's hashed files for good), and
    // the server gone.
    browser
        .eval("return caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k))));")
        .await
        .expect("clear the caches");
    browser.cdp("Network.clearBrowserCache", serde_json::json!({})).await.expect("HTTP cache");
    harness.stop_server();

    browser.goto(&harness.url("/#/campaign/dashboard")).await.unwrap();
    let message = browser
        .wait_for_testid("chunk-load-failed", FIRST_LOAD_TIMEOUT)
        .await
        .expect("the failure is shown");
    let text = message.text().await.unwrap();
    assert!(text.contains("无法加载此页面"), "{text}");

    // Same page, same wasm instance: the shell still answers.
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser.wait_for_testid("people-search", FIRST_LOAD_TIMEOUT).await.expect("still alive");

    browser.close().await.unwrap();
}

/// The service worker's first install fetches the whole app. Begun while the first screen's
/// module was still on its way, it shared the line with it: over slow 4G the survey form came
/// at 7.5 s instead of 4.1 s (PERFORMANCE.md, "Session 33"). So the app registers it only once
/// the first screen is shown: the form's module has arrived whole by the time it registers, and
/// the app still installs for offline use on this first visit.
#[tokio::test]
async fn the_service_worker_registers_after_the_first_screens_module_has_arrived() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let module = split_module_files(harness.dist(), "fieldwork").expect("read the loader");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/#/survey/new")).await.unwrap();
    browser.wait_for_testid("survey-form", FIRST_LOAD_TIMEOUT).await.expect("the survey form");
    browser.wait_for_service_worker(Duration::from_secs(30)).await.expect("installed");
    let (registered, fetched) =
        mark_and_fetches(&browser, "field:service-worker-register", "responseEnd").await;
    let registered = registered.unwrap_or_else(|| panic!("no registration mark: {fetched:?}"));
    assert!(
        fetched.iter().any(|(path, _)| path.contains("split_fieldwork")),
        "the survey form's module was fetched: {fetched:?}"
    );
    for file in &module {
        for (_, arrived) in fetched.iter().filter(|(path, _)| path == &format!("/{file}")) {
            assert!(
                *arrived <= registered,
                "the service worker was registered at {registered} ms, before {file} of the \
                 form's module had arrived ({arrived} ms)"
            );
        }
    }
    browser.close().await.unwrap();
}

/// A first screen that never shows (its module's fetch hangs: a line that stopped carrying)
/// does not keep the app from installing for offline use: the app registers the service worker
/// `first_screen::AT_THE_LATEST_MS` (10 s) after it began to wait for the screen.
#[tokio::test]
async fn a_first_screen_that_never_shows_does_not_hold_the_install_back_for_good() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    // Chromium pauses every request of the page for the survey form's module, and nothing lets
    // them go on.
    hold_module(&browser, "fieldwork").await;
    browser.goto(&harness.url("/#/survey/new")).await.unwrap();
    browser
        .wait_until(
            "the service worker to be registered",
            "return navigator.serviceWorker.getRegistration().then(r => r !== undefined);",
            Duration::from_secs(30),
        )
        .await
        .expect("registered without the first screen");
    let seen = browser
        .eval(
            "return navigator.serviceWorker.getRegistration().then(r => [
               performance.getEntriesByName('field:service-worker-register')[0].startTime,
               performance.getEntriesByName('field:first-screen-shown').length,
               !!document.querySelector('[data-testid=\"survey-form\"]'),
               r !== undefined]);",
        )
        .await
        .expect("read the marks");
    let registered = seen[0].as_f64().expect("the mark's time");
    assert_eq!(seen[1], 0, "the first screen was never shown: {seen}");
    assert_eq!(seen[2], false, "the form never came: {seen}");
    assert_eq!(seen[3], true, "the browser holds a registration: {seen}");
    assert!(registered >= 10_000.0, "it waited for the screen its 10 s first: {registered} ms");
    browser.close().await.unwrap();
}

/// The service worker's precache takes the files the page has already fetched from the
/// browser's HTTP cache (`public/sw.js`, `fetchChecked`): a first visit brings each file of the
/// build over the line once, the page's and the precache's fetches together (before session 33
/// the main module and the survey form's came twice; before session 34 the page itself, opened
/// as `/` and precached as `/index.html`). Seen at the line itself: the fault proxy, passing
/// everything, logs each request that reaches the server ([`times_over_the_line`]).
#[tokio::test]
async fn a_first_visit_fetches_each_module_of_the_build_once() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let proxy = e2e::FaultProxy::start(harness.server_port(), 0).await.expect("start the proxy");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&format!("{}/#/survey/new", proxy.base_url())).await.unwrap();
    browser.wait_for_testid("survey-form", FIRST_LOAD_TIMEOUT).await.expect("the survey form");
    browser.wait_for_service_worker(Duration::from_secs(30)).await.expect("installed");
    let requests = proxy.requests();
    let times = times_over_the_line(&requests);
    assert_eq!(times.get("/index.html"), Some(&1), "the page: {requests:#?}");
    for module in ["office", "dashboard"] {
        let files = split_module_files(harness.dist(), module).expect("read the loader");
        assert!(!files.is_empty(), "the release build has a module {module}");
        for file in &files {
            assert_eq!(
                times.get(&format!("/{file}")),
                Some(&1),
                "{file}, by the precache: {times:?}"
            );
        }
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "fetched more than once over the line: {twice:?} of {requests:#?}");
    browser.close().await.unwrap();
}

/// How many times each file of the build came over the line, by the requests that reached the
/// server (the fault proxy's log). Not counted: the service worker's own script (the browser
/// fetches it to register and to look for updates), the API, and the icons, which Chromium
/// fetches itself before the app does anything (192 px twice: as the page's icon and as the
/// manifest's; the precache then takes them from its cache). The page, opened as `/` and
/// precached as `/index.html`, is one file.
fn times_over_the_line(requests: &[String]) -> std::collections::BTreeMap<String, usize> {
    let mut times = std::collections::BTreeMap::new();
    for line in requests {
        let Some(path) = line.strip_prefix("GET ").and_then(|rest| rest.split(' ').next()) else {
            continue;
        };
        if path == "/sw.js"
            || path == "/healthz"
            || path.starts_with("/api/")
            || path.starts_with("/icons/")
        {
            continue;
        }
        let path = if path == "/" { "/index.html" } else { path };
        *times.entry(path.to_owned()).or_default() += 1;
    }
    times
}

/// A first visit over a slow line (slow 4G, 4× CPU, as the benchmark's) to a screen that is not
/// the survey form: the campaign's candidates, in the `office` module. The service worker
/// registers once the screen is shown, and as its precache runs the page fetches the sync
/// engine's `fieldwork` module (two seconds after the start). The precache's request for a file
/// the page is fetching waits for the page's and takes its copy (public/sw.js `fetchChecked`):
/// every file of the build comes over the line once. Until session 46 it went past the browser's
/// cache and `fieldwork`'s module came twice on this visit (3 of 3 runs), 1.2–1.3 s of the
/// install (PERFORMANCE.md, "Session 46"). Which of the two requests came first decides whether
/// the old precache fetched twice, and this visit's timings decided that; the test checks that
/// the visit is still one whose two fetches overlap (the page's still on its way as the worker
/// registered, begun before the worker was ready), so that a change of timings fails it rather
/// than leaves it testing nothing.
#[tokio::test]
async fn a_module_the_page_fetches_as_the_service_worker_installs_comes_over_the_line_once() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let proxy = e2e::FaultProxy::start(harness.server_port(), 0).await.expect("start the proxy");
    let line = fault_proxy::slow_line::SlowLine::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], proxy.port())),
        fault_proxy::slow_line::Line::SLOW_4G,
    )
    .await
    .expect("start the slow line");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "navigator.serviceWorker.ready.then(() => {
               window.__workerReady = performance.now(); });" }),
        )
        .await
        .expect("note when the worker is ready");
    browser
        .cdp("Emulation.setCPUThrottlingRate", serde_json::json!({ "rate": 4 }))
        .await
        .expect("slow the CPU down");
    browser.goto(&format!("{}/#/campaign/candidates", line.origin)).await.unwrap();
    browser.wait_for_testid("candidate-search", FIRST_LOAD_TIMEOUT).await.expect("the candidates");
    browser.wait_for_service_worker(Duration::from_secs(60)).await.expect("installed");
    let module = own_file(&harness, "fieldwork");
    let seen = browser
        .eval(&format!(
            "const fetch = performance.getEntriesByType('resource')
               .find(e => e.name.endsWith('/{module}'));
             const mark = performance.getEntriesByName('field:service-worker-register')[0];
             return [fetch ? fetch.startTime : null, fetch ? fetch.responseEnd : null,
                     mark ? mark.startTime : null, window.__workerReady ?? null];"
        ))
        .await
        .expect("read the page's fetch and the worker's times");
    let [Some(began), Some(ended), Some(registered), Some(ready)] =
        [0, 1, 2, 3].map(|i| seen[i].as_f64())
    else {
        panic!("the page's fetch of {module}, the registration and the worker ready: {seen}");
    };
    assert!(
        began < ready && ended > registered,
        "the page fetched {module} from {began} to {ended} ms, the worker registered at \
         {registered} and was ready at {ready} ms: the two no longer overlap on this visit"
    );
    let requests = proxy.requests();
    let times = times_over_the_line(&requests);
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "fetched more than once over the line: {twice:?} of {requests:#?}");
    browser.close().await.unwrap();
}

/// 待发送, 同步, 导出与导入 and 冲突处理 show their title and hint while their module is on its
/// way (`components::screen_head`): a first visit over a slow line says at once which screen
/// this is and what it holds, under it the loading line; the module is fetched only once that
/// is painted. Here the module's requests are held and never let go.
#[tokio::test]
async fn a_screens_head_shows_while_its_module_is_on_its_way() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let browser = harness.open_browser().await.expect("open Chromium");
    hold_module(&browser, "fieldwork").await;
    browser.goto(&harness.url("/#/outbox")).await.unwrap();
    let head = browser
        .wait_for_testid("screen-loading", FIRST_LOAD_TIMEOUT)
        .await
        .expect("the outbox's head, with its module held");
    let text = head.text().await.unwrap();
    for part in ["待发送的记录", "本机保存、办公室尚未收到的记录", "正在加载"]
    {
        assert!(text.contains(part), "{part:?} in {text:?}");
    }
    browser
        .wait_until(
            "the head's paint, after which the module is asked for",
            "return performance.getEntriesByName('field:screen-head-painted').length === 1;",
            FIRST_LOAD_TIMEOUT,
        )
        .await
        .expect("the head's mark");
    // Another screen with a head, the module still held: its own title, not the outbox's.
    browser.goto(&harness.url("/#/transfer")).await.unwrap();
    browser
        .wait_until(
            "the transfer screen's head",
            "const s = document.querySelector('[data-testid=\"screen-loading\"]');
             return !!s && s.classList.contains('transfer')
               && !!s.querySelector('[data-testid=\"open-import-page\"]');",
            FIRST_LOAD_TIMEOUT,
        )
        .await
        .expect("the transfer screen's head, its link to the upload page in it");
    // Signed out, the sync screen opens on its sign-in form: its title and hint come first;
    // the conflicts screen tells an account that is not the office's (none here) at once.
    for (route, class, says) in [
        ("sync", "sync", "登录办公室服务器"),
        ("conflicts", "conflicts", "只有镇组织办账号可以处理冲突"),
    ] {
        browser.goto(&harness.url(&format!("/#/{route}"))).await.unwrap();
        browser
            .wait_until(
                &format!("the {route} screen's head"),
                &format!(
                    "const s = document.querySelector('[data-testid=\"screen-loading\"]');
                     return !!s && s.classList.contains('{class}') && s.innerText.includes('{says}');"
                ),
                FIRST_LOAD_TIMEOUT,
            )
            .await
            .unwrap_or_else(|e| panic!("{route}: {e}"));
    }
    for screen in ["outbox-screen", "transfer-screen", "sync-screen", "conflicts-screen"] {
        let selector = format!("[data-testid=\"{screen}\"]");
        assert!(!browser.exists(&selector).await.unwrap(), "{screen} with its module held");
    }
    browser.close().await.unwrap();
}

/// Opened with nothing held, the module's fetch starts after the head's paint (the mark), and
/// the screen then shows its own head, the same title and hint.
/// A module that cannot be fetched says so under the head; the next opening tries again.
#[tokio::test]
async fn a_screens_module_is_fetched_after_its_head_and_a_failure_shows_under_it() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let module = split_module_files(harness.dist(), "fieldwork").expect("read the loader");
    let browser = harness.open_browser().await.expect("open Chromium");
    browser.goto(&harness.url("/#/outbox")).await.unwrap();
    let screen =
        browser.wait_for_testid("outbox-screen", FIRST_LOAD_TIMEOUT).await.expect("the outbox");
    assert!(screen.text().await.unwrap().contains("本机保存、办公室尚未收到的记录"));
    let (painted, fetched) =
        mark_and_fetches(&browser, "field:screen-head-painted", "startTime").await;
    let painted = painted.unwrap_or_else(|| panic!("no mark of the head: {fetched:?}"));
    let mut seen = 0;
    for (path, started) in &fetched {
        if module.iter().any(|file| path == &format!("/{file}")) {
            seen += 1;
            assert!(*started >= painted, "{path} asked for at {started} ms, the head at {painted}");
        }
    }
    assert!(seen > 0, "the module's files were fetched: {fetched:?}");

    // A browser of its own (nothing cached, no service worker) whose module cannot come (the
    // fetch refused, as with no network): the failure under the transfer screen's title.
    let browser = {
        browser.close().await.unwrap();
        harness.open_browser_in("blocked").await.expect("open Chromium")
    };
    browser.cdp("Network.enable", serde_json::json!({})).await.expect("network domain");
    browser
        .cdp("Network.setBlockedURLs", serde_json::json!({ "urls": ["*split_fieldwork*"] }))
        .await
        .expect("block the module");
    browser.goto(&harness.url("/#/transfer")).await.unwrap();
    browser.wait_for_testid("chunk-load-failed", FIRST_LOAD_TIMEOUT).await.expect("the failure");
    let shown = browser
        .eval(
            "const f = document.querySelector('[data-testid=\"chunk-load-failed\"]');
             const s = f.closest('section.transfer');
             return s ? s.querySelector('h2').innerText : null;",
        )
        .await
        .unwrap();
    assert_eq!(shown, "导出与导入文件", "the failure under the transfer screen's head");
    browser
        .cdp("Network.setBlockedURLs", serde_json::json!({ "urls": [] }))
        .await
        .expect("let the module through");
    browser.goto(&harness.url("/#/people")).await.unwrap();
    browser.wait_for_testid("people-search", FIRST_LOAD_TIMEOUT).await.expect("the list");
    browser.goto(&harness.url("/#/transfer")).await.unwrap();
    browser
        .wait_for_testid("transfer-screen", FIRST_LOAD_TIMEOUT)
        .await
        .expect("opened again, the module comes");
    browser.close().await.unwrap();
}

/// Installed before any page script: the time of the first frame (this `requestAnimationFrame`
/// is asked for before shell.js's, so it runs first in that frame) and of each preload link
/// added to the document (a mutation observer's, so the time after the script that added it).
const PRELOADS_ADDED: &str = "
window.__firstFrame = null;
window.__preloadsAdded = [];
requestAnimationFrame(() => { window.__firstFrame = performance.now(); });
new MutationObserver((records) => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeName === 'LINK' && node.rel === 'preload') {
      window.__preloadsAdded.push([new URL(node.href).pathname.slice(1), performance.now()]);
    }
  }
}).observe(document, { childList: true, subtree: true });";

/// An English first visit to 设置, a screen of the `fieldwork` module that the main module draws
/// nothing of: public/shell.js preloads the catalog's files and the module's beside the main
/// module (build-wasm.sh names them in index.html; over a line that charges each request a round
/// trip, the survey form came 0.36–0.49 s sooner so: PERFORMANCE.md, "Session 45"), the
/// module's once the first frame is painted. Every wasm file comes once, by its preload, which
/// the app's own fetch took; a chunk the catalog shares with `fieldwork` is preloaded once.
#[tokio::test]
async fn an_english_first_visit_fetches_the_catalog_by_its_preloads_and_each_file_once() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let fieldwork = split_module_files(harness.dist(), "fieldwork").expect("read the loader");
    let catalog = split_module_files(harness.dist(), "catalog_en").expect("read the loader");
    assert!(
        catalog.iter().any(|file| fieldwork.contains(file)),
        "the two share chunks, which this test is about: {catalog:?} {fieldwork:?}"
    );
    let main = main_module_files(&harness);
    let browser = harness.open_browser_with_lang("en-US").await.expect("open Chromium");
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": PRELOADS_ADDED }),
        )
        .await
        .expect("note when each preload is added");
    browser.goto(&harness.url("/#/settings")).await.unwrap();
    browser.wait_for_testid("settings-language", FIRST_LOAD_TIMEOUT).await.expect("设置");
    let seen = browser
        .eval(
            "return {
               wasm: performance.getEntriesByType('resource')
                 .filter(e => new URL(e.name).pathname.endsWith('.wasm'))
                 .map(e => [new URL(e.name).pathname.slice(1), e.initiatorType]),
               firstFrame: window.__firstFrame,
               added: window.__preloadsAdded,
               preloads: [...document.querySelectorAll('link[rel=preload]')]
                 .map(l => new URL(l.href).pathname.slice(1)),
             };",
        )
        .await
        .expect("read the fetches");
    let preloads: Vec<String> = serde_json::from_value(seen["preloads"].clone()).unwrap();
    let preloaded: BTreeSet<String> =
        main.iter().chain(&catalog).chain(&fieldwork).cloned().collect();
    assert_eq!(preloads.iter().cloned().collect::<BTreeSet<_>>(), preloaded, "what was preloaded");
    assert_eq!(preloads.len(), preloaded.len(), "each preloaded once: {preloads:?}");
    let wasm: Vec<(String, String)> = serde_json::from_value(seen["wasm"].clone()).unwrap();
    let fetched: BTreeSet<String> = wasm.iter().map(|(path, _)| path.clone()).collect();
    assert_eq!(fetched, preloaded, "the main module, the catalog and 设置's module: {wasm:?}");
    assert_eq!(wasm.len(), fetched.len(), "each once: {wasm:?}");
    for (path, by) in &wasm {
        assert_eq!(by, "link", "{path}: {wasm:?}");
    }
    // The catalog's preloads are added before the first frame, the module's own once it is
    // drawn (before it, Lighthouse's estimate counted them as needed for that frame's paint).
    let first_frame = seen["firstFrame"].as_f64().expect("the first frame's time");
    let added: Vec<(String, f64)> = serde_json::from_value(seen["added"].clone()).unwrap();
    let shell_js: BTreeSet<&String> = catalog.iter().chain(&fieldwork).collect();
    assert_eq!(
        added.iter().filter(|(p, _)| shell_js.contains(p)).count(),
        shell_js.len(),
        "{added:?}"
    );
    for (path, at) in &added {
        if catalog.contains(path) {
            assert!(*at < first_frame, "{path} added at {at} ms, first frame {first_frame}");
        } else if fieldwork.contains(path) {
            assert!(*at > first_frame, "{path} added at {at} ms, first frame {first_frame}");
        }
    }
    browser.close().await.unwrap();
}

/// public/shell.js preloads the `fieldwork` module's files exactly where the app opens one of
/// its screens that the main module draws nothing of (src/router.rs: a person, a survey, 设置,
/// the sign-in link): its rule over the address is the router's. Not on the people list (the
/// main module's), the four screens whose head the main module draws first (the module would
/// share the line with it), nor the campaign and office screens (other modules). They are added
/// once the first frame is painted (before it, Lighthouse's estimate counted them as needed for
/// the first paint: PERFORMANCE.md, "Session 45").
#[tokio::test]
async fn the_fieldwork_module_is_preloaded_for_the_screens_the_main_module_draws_nothing_of() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let fieldwork: BTreeSet<String> = split_module_files(harness.dist(), "fieldwork")
        .expect("read the loader")
        .into_iter()
        .collect();
    let main = main_module_files(&harness);
    let id = "0190a5e2-1c2b-7d3e-8f40-123456789abc";
    let cases: Vec<(String, bool)> = vec![
        ("".into(), false),
        ("#/".into(), false),
        ("#/people".into(), false),
        ("#/outbox".into(), false),
        ("#/sync".into(), false),
        ("#/transfer".into(), false),
        ("#/conflicts".into(), false),
        ("#/campaign".into(), false),
        ("#/campaign/candidates".into(), false),
        ("#/office/roster".into(), false),
        ("#/survey/new".into(), true),
        (format!("#/survey/new/{id}"), true),
        (format!("#/survey/{id}"), true),
        (format!("#/person/{id}"), true),
        ("#/settings".into(), true),
        ("#settings".into(), true),
        ("#//survey/new".into(), true),
        ("#/signin/ABCD2345".into(), true),
    ];
    // zh-CN: no catalog to preload.
    let browser = harness.open_browser().await.expect("open Chromium");
    for (i, (hash, expected)) in cases.into_iter().enumerate() {
        // A query of its own each time: a change of the hash alone would not load the page.
        browser.goto(&harness.url(&format!("/?case={i}{hash}"))).await.unwrap();
        // shell.js adds the module's once the first frame is drawn: read a frame and a task
        // after the load (its own were queued before these).
        let preloads: BTreeSet<String> = serde_json::from_value(
            browser
                .eval_async(
                    "requestAnimationFrame(() => setTimeout(() => done(
                       [...document.querySelectorAll('link[rel=preload]')]
                         .map(l => new URL(l.href).pathname.slice(1)))));",
                )
                .await
                .expect("read the preloads"),
        )
        .unwrap();
        let wanted: BTreeSet<String> =
            if expected { main.union(&fieldwork).cloned().collect() } else { main.clone() };
        assert_eq!(preloads, wanted, "{hash:?}");
    }
    browser.close().await.unwrap();
}

/// A start at the campaign dashboard or at another campaign or office screen fetches that
/// screen's module as soon as the main module runs, beside the catalog and the database, not once
/// the app has mounted and its router asks for the screen (src/split.rs `prefetch_at_start`:
/// over the benchmark's line the dashboard came 0.11–0.19 s sooner so, PERFORMANCE.md "Session
/// 46"). Seen in English with the catalog's own module held: the app cannot mount, yet the
/// screen's module arrives, and only that one.
#[tokio::test]
async fn a_start_at_a_campaign_or_office_screen_fetches_its_module_before_the_app_mounts() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let (dashboard, office) = (own_file(&harness, "dashboard"), own_file(&harness, "office"));
    let cases = [
        ("#/campaign", &dashboard, &office),
        ("#/campaign/dashboard", &dashboard, &office),
        ("#/campaign/candidates", &office, &dashboard),
        ("#/office/roster", &office, &dashboard),
    ];
    for (hash, wanted, other) in cases {
        // A browser of its own each time, on the one English profile: what an earlier case
        // fetched may answer from its HTTP cache, still a request of the page's own (no service
        // worker: with the catalog held, the app never mounts, so never registers one).
        let browser = harness.open_browser_with_lang("en-US").await.expect("open Chromium");
        hold_module(&browser, "catalog_en").await;
        browser.goto(&harness.url(&format!("/{hash}"))).await.unwrap();
        let seen = browser
            .eval_async(&format!(
                "const fetched = () => performance.getEntriesByType('resource')
                   .map(e => new URL(e.name).pathname.slice(1));
                 const until = performance.now() + 20000;
                 const look = () => fetched().includes('{wanted}') || performance.now() > until
                   ? done({{ fetched: fetched(),
                             mounted: !!document.querySelector('[data-testid=nav-people]') }})
                   : setTimeout(look, 50);
                 look();"
            ))
            .await
            .expect("read the fetches");
        let fetched: Vec<String> = serde_json::from_value(seen["fetched"].clone()).unwrap();
        assert!(fetched.contains(wanted), "{hash}: {wanted} not fetched: {fetched:?}");
        assert!(!fetched.contains(other), "{hash}: {other} fetched too: {fetched:?}");
        assert_eq!(seen["mounted"], false, "{hash}: the app mounted with its catalog held");
        browser.close().await.unwrap();
    }
}

/// The wasm files of the first load (the main module's, which index.html preloads itself).
fn main_module_files(harness: &Harness) -> BTreeSet<String> {
    first_load_files(harness.dist())
        .expect("the first load")
        .into_iter()
        .filter(|f| f.ends_with(".wasm"))
        .collect()
}
