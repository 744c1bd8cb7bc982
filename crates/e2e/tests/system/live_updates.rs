//! Live updates (issue 15): a surveyor's tablet open on the people list, signed in and
//! connected, shows a member the office has just stored, with no tap and no reload — the
//! tablet holds `GET /api/v1/sync/wait` open and syncs when the server answers. Without it the
//! member would appear at the next five-minute sync.

use std::time::{Duration, Instant};

use e2e::{Api, FIRST_LOAD_TIMEOUT, Harness, testid};
use shared::model::Person;
use shared::record::{EntityKind, to_fields};
use uuid::Uuid;

const PASSWORD: &str = "field-pass-123";

#[tokio::test]
async fn a_member_the_office_stores_appears_on_a_waiting_tablet_without_a_tap() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    let branch = Uuid::now_v7().to_string();
    harness.add_account("zhou", PASSWORD, "surveyor", &branch, "周调查员").unwrap();
    let mut office = Api::sign_in(&origin, "office", PASSWORD).await;

    let tablet = harness.open_browser().await.unwrap();
    tablet.sign_in(&origin, "zhou", PASSWORD).await.unwrap();
    tablet.sync(&origin).await.unwrap();
    tablet.goto(&format!("{origin}/#/people")).await.unwrap();
    tablet.wait_for(&testid("people-count"), FIRST_LOAD_TIMEOUT).await.unwrap();
    tablet
        .wait_until(
            "the tablet connected to the office",
            "return document.querySelector('[data-testid=\"online-indicator\"]')
                 ?.dataset.state === 'connected';",
            FIRST_LOAD_TIMEOUT,
        )
        .await
        .unwrap();
    // Let the tablet settle into holding its wait open.
    tokio::time::sleep(Duration::from_secs(3)).await;

    for name in ["实时甲", "实时乙"] {
        let person = Person { name: name.into(), branch_id: branch.clone(), ..Default::default() };
        let id = Uuid::now_v7();
        let op = office.upsert(EntityKind::Person, id, &branch, to_fields(&person).unwrap());
        let stored = Instant::now();
        office.push(&[op]).await;
        tablet
            .wait_until(
                &format!("{name} on the tablet's list with no tap"),
                &format!(
                    "return (document.querySelector('[data-testid=\"people-table\"]')
                        ?.textContent ?? '').includes('{name}');"
                ),
                // Far below the five-minute sync it would otherwise wait for.
                Duration::from_secs(30),
            )
            .await
            .unwrap();
        println!(
            "live update: {name} on the tablet {} ms after it was stored",
            stored.elapsed().as_millis()
        );
    }
    harness.shutdown();
}
