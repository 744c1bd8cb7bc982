//! Every screen a person can open, and opening one until it has settled: what the accessibility
//! and the screen-size checks walk through.

use std::time::Duration;

use e2e::Browser;

/// Every route but the town office's own.
pub const ROUTES: &[&str] = &[
    "#/people",
    "#/survey/new",
    "#/sync",
    "#/transfer",
    "#/conflicts",
    "#/outbox",
    "#/settings",
    "#/campaign/dashboard",
    "#/campaign/candidates",
    "#/campaign/candidate/new",
    "#/campaign/pipeline",
    "#/campaign/contacts",
    "#/campaign/bases",
    "#/campaign/funding",
    "#/campaign/meetings",
    "#/campaign/inspections",
    "#/campaign/assessment",
    "#/campaign/notices",
    "#/campaign/report",
    "#/campaign/settings",
    "#/campaign/branches",
];

/// The town office's set-up screens.
pub const OFFICE_ROUTES: &[&str] =
    &["#/office/checklist", "#/office/accounts", "#/office/devices", "#/office/roster"];

/// Open `hash` and wait until its screen is shown, nothing is being read any more and nothing
/// is still being built (the survey form's sections, `aria-busy` until the last).
pub async fn open_settled(browser: &Browser, origin: &str, hash: &str) {
    browser.goto(&format!("{origin}/{hash}")).await.unwrap();
    browser
        .wait_until(
            &format!("{hash} settled"),
            "return !!document.querySelector('main.screen > *') && !document.querySelector('[data-testid=\"loading\"]') \
               && !document.querySelector('main.screen [aria-busy=\"true\"]');",
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}

/// Routes no record is needed for that are not in [`ROUTES`]: a sign-in link (whoever is signed
/// in sees that they already are) and an address that names no screen.
pub const OTHER_ROUTES: &[&str] = &["#/signin/AB23CD45", "#/no-such-screen"];

/// The branch the records of [`add_records`] are in.
pub const BRANCH: &str = "东沙村党支部";

/// Adds, through the screens of the signed-in `browser` (in zh-Hans), a member with a survey, a
/// candidate of them and a 帮带基地, and gives the routes that show those records: the member,
/// the survey, a new survey and a new candidate of the member, the candidate's profile, contacts
/// and card, the base. What the role may not write (a base) is left out.
pub async fn add_records(browser: &Browser, origin: &str) -> Vec<String> {
    const WAIT: Duration = Duration::from_secs(30);
    // The office may write every branch: whichever its picker offers first.
    browser.goto(&format!("{origin}/#/survey/new")).await.unwrap();
    browser.wait_for_testid("survey-form", WAIT).await.unwrap();
    const OFFERED: &str = "const s = document.querySelector('[data-testid=\"survey-branch-id\"]'); return !!s && (s.tagName !== 'SELECT' || [...s.options].some(o => o.value));";
    if browser.wait_until("a branch to choose", OFFERED, Duration::from_secs(10)).await.is_err() {
        // No branch yet (a new town): the office adds one on its branches screen.
        open_settled(browser, origin, "#/campaign/branches").await;
        browser.type_into("branch-name-input", BRANCH).await.unwrap();
        browser.select_value("branch-kind", "village").await.unwrap();
        browser.click_testid("branch-save").await.unwrap();
        browser.wait_for_testid("branch-row", WAIT).await.unwrap();
        browser.goto(&format!("{origin}/#/survey/new")).await.unwrap();
        browser.wait_until("a branch to choose", OFFERED, WAIT).await.unwrap();
    }
    let branch = browser
        .eval("const s = document.querySelector('[data-testid=\"survey-branch-id\"]'); const o = s.tagName === 'SELECT' && ([...s.options].find(o => o.value === '东沙村党支部') || [...s.options].find(o => o.value)); return o ? o.value : '东沙村党支部';")
        .await
        .unwrap();
    browser.new_survey(origin, "陈海明", branch.as_str().unwrap_or(BRANCH)).await.unwrap();
    let survey = current_hash(browser).await;
    // The form links to its member (the people list may hold another device's 陈海明 too).
    let person = browser
        .eval("const a = document.querySelector('[data-testid=\"survey-form\"] a[href^=\"#/person/\"]'); return a ? a.getAttribute('href') : '';")
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let person_id = person.rsplit('/').next().unwrap_or_default().to_owned();
    assert!(!person_id.is_empty(), "the new member is listed");
    let mut routes = vec![
        person.clone(),
        survey,
        format!("#/survey/new/{person_id}"),
        format!("#/campaign/candidate/new/{person_id}"),
    ];

    // The member by their id: another device's 陈海明 may have come by sync.
    open_settled(browser, origin, "#/campaign/candidate/new").await;
    browser
        .wait_until(
            "the member to be offered",
            &format!("return !!document.querySelector('[data-testid=\"new-candidate-person\"] option[value=\"{person_id}\"]');"),
            WAIT,
        )
        .await
        .unwrap();
    browser.select_value("new-candidate-person", &person_id).await.unwrap();
    browser.select_value("new-candidate-year", "2015").await.unwrap();
    browser.click_testid("new-candidate-save").await.unwrap();
    browser.wait_for_testid("candidate-profile", WAIT).await.unwrap();
    let candidate = current_hash(browser).await;
    let candidate_id = candidate.rsplit('/').next().unwrap_or_default().to_owned();
    routes.push(candidate);
    routes.push(format!("#/campaign/contacts/{candidate_id}"));
    routes.push(format!("#/campaign/card/{candidate_id}"));

    open_settled(browser, origin, "#/campaign/bases").await;
    if browser.exists("[data-testid=\"base-form\"]").await.unwrap() {
        browser.type_into("base-name", "东沙水产养殖基地").await.unwrap();
        browser.type_into("base-industry", "水产养殖").await.unwrap();
        browser.type_into("base-address", "东沙村码头").await.unwrap();
        browser.click_testid("base-save").await.unwrap();
        browser.wait_for("[data-testid=\"base-row\"] a", WAIT).await.unwrap();
        let base = browser
            .eval("return document.querySelector('[data-testid=\"base-row\"] a').getAttribute('href');")
            .await
            .unwrap();
        routes.push(base.as_str().unwrap_or_default().to_owned());
    }
    routes
}

async fn current_hash(browser: &Browser) -> String {
    browser.eval("return location.hash;").await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// A file name for the screen at `hash`: its path with `_` for `/` and `id` for a record's id
/// (`#/campaign/candidate/<id>` → `campaign_candidate_id`), the same on every run.
pub fn file_name(hash: &str) -> String {
    hash.trim_start_matches("#/")
        .split('/')
        .map(|part| if uuid_like(part) { "id" } else { part })
        .collect::<Vec<_>>()
        .join("_")
}

fn uuid_like(part: &str) -> bool {
    part.len() == 36 && part.chars().filter(|c| *c == '-').count() == 4
}
