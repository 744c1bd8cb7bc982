//! A surveyor's survey form is open on a connected tablet when the town office corrects the
//! member's phone. The correction reaches the tablet at once (the live pull), but the form
//! still shows the number it opened with, and the surveyor types a new one over it. Their value
//! is saved and sent (the later write), and not silently: the form says the phone had been
//! changed elsewhere and to what, and the server keeps the office's number as a conflict on the
//! office's conflicts list, because the operation says which value the surveyor typed over.
//! Before, the save looked like an ordinary later edit: the office's correction was gone from
//! every device without a word.

use std::time::Duration;

use e2e::{Api, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::record::EntityKind;
use shared::sync::ConflictEntry;
use uuid::Uuid;

const PASSWORD: &str = "field-pass-123";
const BRANCH: &str = "东沙村党支部";
const SHORT: Duration = Duration::from_secs(30);

/// The tablet's stored record of its only member, read from its IndexedDB: (id, phone, the
/// phone's clock).
async fn stored_member(tablet: &e2e::Browser) -> (Uuid, String, String) {
    let person = tablet
        .eval_async(
            "const req = indexedDB.open('field');
             req.onsuccess = () => {
               const r = req.result.transaction('people').objectStore('people').getAll();
               r.onsuccess = () => { req.result.close(); done(r.result[0] ?? null); };
             };",
        )
        .await
        .unwrap();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let id = Uuid::parse_str(&text(&person["id"])).unwrap();
    (id, text(&person["fields"]["phone"]), text(&person["meta"]["phone"]["clock"]))
}

#[tokio::test]
async fn a_phone_the_office_corrected_while_the_form_was_open_and_typed_over_is_a_conflict() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    harness.add_account("zhou", PASSWORD, "surveyor", BRANCH, "周调查员").unwrap();
    let mut office = Api::sign_in(&origin, "office", PASSWORD).await;

    // The surveyor records the member and sends it.
    let tablet = harness.open_browser().await.unwrap();
    tablet.sign_in(&origin, "zhou", PASSWORD).await.unwrap();
    tablet.new_survey(&origin, "林海生", BRANCH).await.unwrap();
    tablet.sync(&origin).await.unwrap();
    let (member, phone, read_at) = stored_member(&tablet).await;
    assert_eq!(phone, "13812345678");

    // The form is open again, connected to the office.
    tablet.goto(&format!("{origin}/#/people")).await.unwrap();
    let row = tablet.wait_for("[data-testid=\"people-row\"] a.row-link", FIRST_LOAD_TIMEOUT);
    row.await.unwrap().click().await.unwrap();
    let entry = tablet.wait_for(&testid("person-survey"), SHORT).await.unwrap();
    entry.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    tablet.wait_for(&testid("survey-form"), SHORT).await.unwrap();
    let connected = "[data-testid=\"online-indicator\"][data-state=\"connected\"]";
    tablet.wait_for(connected, FIRST_LOAD_TIMEOUT).await.expect("connected to the office");

    // The office corrects the phone, having seen the surveyor's number.
    let mut fix = office.upsert(
        EntityKind::Person,
        member,
        BRANCH,
        [("phone".to_owned(), json!("13911112222"))].into(),
    );
    fix.changes[0].base = Some(read_at.parse::<Hlc>().unwrap());
    office.push(std::slice::from_ref(&fix)).await;
    for _ in 0..150 {
        if stored_member(&tablet).await.1 == "13911112222" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(stored_member(&tablet).await.1, "13911112222", "the correction reached the tablet");
    assert_eq!(
        tablet.field_value("survey-phone").await.unwrap(),
        "13812345678",
        "the open form still shows the number it opened with"
    );

    // The surveyor types a new number over it.
    tablet.type_into("survey-phone", "13700000000").await.unwrap();
    tablet.wait_survey_saved().await.unwrap();
    let said = tablet.wait_for(&testid("survey-overwritten"), SHORT).await.unwrap();
    let said = said.text().await.unwrap();
    assert!(said.contains("联系电话") && said.contains("13911112222"), "the form says: {said}");
    tablet.sync(&origin).await.unwrap();

    // On the server: the surveyor's number, and the office's kept as a conflict to review.
    let res = office.request(reqwest::Method::GET, "/api/v1/conflicts").send().await.unwrap();
    assert!(res.status().is_success(), "conflicts: {}", res.status());
    let conflicts: Vec<ConflictEntry> = res.json().await.unwrap();
    let phone: Vec<&ConflictEntry> = conflicts
        .iter()
        .filter(|c| c.conflict.entity_id == member && c.conflict.field == "phone")
        .collect();
    assert_eq!(phone.len(), 1, "{conflicts:?}");
    assert_eq!(phone[0].conflict.loser_value, json!("13911112222"));
    // The surveyor's number (a pause while typing could have sent part of it first).
    let winner = phone[0].conflict.winner_value.as_str().unwrap_or_default();
    assert!(winner.starts_with("137"), "{winner}");
    assert_eq!(phone[0].conflict.loser_author, "office");
    assert!(conflicts.iter().all(|c| c.conflict.field == "phone"), "nothing else: {conflicts:?}");
    harness.shutdown();
}
