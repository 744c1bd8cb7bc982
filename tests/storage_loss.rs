//! The browser discarding the tablet's database, against real IndexedDB and localStorage in
//! headless Chromium: the app tells a new tablet from a discarded database by the mark kept
//! outside it, takes the old device id again, says how many unsent changes went with it until
//! the person has read it, and says nothing on a database it knows.

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

use field::browser::device_mark;
use field::services::storage_loss::{self, Opened};
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_name() -> String {
    format!("storage-loss-{}", Uuid::new_v4())
}

#[wasm_bindgen_test]
async fn a_discarded_database_is_told_with_what_went_with_it_and_keeps_the_device_id() {
    device_mark::clear();
    // A new tablet: nothing to say; the mark now names its database.
    let (first, opened) = storage_loss::open(&fresh_name()).await.unwrap();
    assert!(first.is_fresh());
    assert_eq!(opened, Opened::New);
    assert_eq!(storage_loss::notice(&first).await.unwrap(), None);
    let device = first.device_id();
    storage_loss::remember_pending(&first, 3);
    first.close();

    // The browser discarded it: the database opened now is empty (another name stands in for
    // the recreated one), the mark is still there.
    let name = fresh_name();
    let (second, opened) = storage_loss::open(&name).await.unwrap();
    assert!(second.is_fresh() && second.was_discarded());
    assert_eq!(opened, Opened::Discarded { device_id: device, pending_before: 3 });
    assert_eq!(second.device_id(), device, "the office knows the tablet by its old id");
    let notice = storage_loss::notice(&second).await.unwrap().expect("the notice is kept");
    assert_eq!(notice.pending_before, 3);
    second.close();

    // Reopened before it was read: still said, the database is known, the id kept.
    let (again, opened) = storage_loss::open(&name).await.unwrap();
    assert!(!again.is_fresh());
    assert_eq!(again.device_id(), device);
    assert_eq!(opened, Opened::Known);
    assert!(storage_loss::notice(&again).await.unwrap().is_some());
    // Read: gone for good.
    storage_loss::acknowledge(&again).await.unwrap();
    assert_eq!(storage_loss::notice(&again).await.unwrap(), None);
    assert_eq!(device_mark::read().map(|m| m.device_id), Some(device));
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn a_known_database_says_nothing_and_an_app_from_before_the_mark_is_not_a_loss() {
    device_mark::clear();
    let name = fresh_name();
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::New);
    store.close();
    // An app from before the mark: a database with no mark is known, and gets one.
    device_mark::clear();
    let (store, opened) = storage_loss::open(&name).await.unwrap();
    assert_eq!(opened, Opened::Known);
    assert_eq!(storage_loss::notice(&store).await.unwrap(), None);
    assert_eq!(device_mark::read().map(|m| m.device_id), Some(store.device_id()));
    device_mark::clear();
}

/// Deletes the database `name` (the browser discarding it), once no connection holds it.
async fn discard(name: &str) {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let request = factory.delete_database(name).unwrap();
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_database_discarded_while_the_app_runs_is_noticed_at_the_next_transaction() {
    device_mark::clear();
    let name = fresh_name();
    let (store, _) = storage_loss::open(&name).await.unwrap();
    let device = store.device_id();
    storage_loss::remember_pending(&store, 2);
    // The browser closes the connection and deletes the database (Chromium on a damaged one).
    store.simulate_browser_close();
    discard(&name).await;
    // The next transaction opens a new, empty database: the store says so and keeps the id.
    let notice = storage_loss::notice(&store).await.unwrap().expect("the discard is noticed");
    assert_eq!(notice.pending_before, 2);
    assert_eq!(store.device_id(), device);
    store.close();
    let reopened = field::store::Store::open(&name).await.unwrap();
    assert!(!reopened.is_fresh(), "the device id was written back");
    assert_eq!(reopened.device_id(), device);
    // A reopen of a database that is still there says nothing.
    storage_loss::acknowledge(&reopened).await.unwrap();
    reopened.simulate_browser_close();
    assert_eq!(storage_loss::notice(&reopened).await.unwrap(), None);
    device_mark::clear();
}

#[wasm_bindgen_test]
async fn two_tabs_opening_a_discarded_database_at_once_agree_on_the_id_and_the_notice() {
    device_mark::clear();
    let (first, _) = storage_loss::open(&fresh_name()).await.unwrap();
    let device = first.device_id();
    storage_loss::remember_pending(&first, 4);
    first.close();
    // Both tabs of the restored browser open the new, empty database together.
    let name = fresh_name();
    let (a, b) = futures::join!(storage_loss::open(&name), storage_loss::open(&name));
    let ((a, opened_a), (b, opened_b)) = (a.unwrap(), b.unwrap());
    assert_eq!((a.device_id(), b.device_id()), (device, device));
    let discarded = Opened::Discarded { device_id: device, pending_before: 4 };
    assert!(
        [&opened_a, &opened_b].contains(&&discarded),
        "one of them found the database discarded: {opened_a:?} {opened_b:?}"
    );
    let notice = storage_loss::notice(&b).await.unwrap().expect("the notice is kept");
    assert_eq!(notice.pending_before, 4);
    device_mark::clear();
}
