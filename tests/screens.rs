//! Mounted components and screens in a real page (headless Chromium, real IndexedDB): the
//! widget library's pieces on their own (the loading wrapper, the form inputs, the message line
//! of a write) and one screen of each family not covered elsewhere (the office, sync and
//! transfer, settings, the people list and a member's page), each driven as a person would.
//! The campaign family is mounted in `tests/campaign.rs`, the survey form in `tests/ui.rs`.

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

use std::cell::Cell;
use std::rc::Rc;

use field::hooks::use_local_action::LocalAction;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use field::components::fields::{Field, FormChecks, number, select, text as text_input};
use field::components::loaded::Loaded;
use field::components::notice::{Notice, notice_line, on_result};
use field::hooks::use_loader::Loader;
use field::services::campaign::CampaignError;
use field::store::Store;
use shared::model::{Gender, Person, Section};
use shared::record::EntityKind;
use uuid::Uuid;

mod page;

use page::{document, find, root, set_value as type_into, text, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh() -> Store {
    Store::open(&format!("screens-test-{}", Uuid::new_v4())).await.unwrap()
}

#[wasm_bindgen_test]
async fn loaded_shows_reading_then_the_error_in_words_then_the_data_after_a_refetch() {
    let attempts = Rc::new(Cell::new(0u32));
    let counter = attempts.clone();
    let (resource, set_resource) = signal_local(None::<Loader<Result<u32, CampaignError>>>);
    let _handle = leptos::mount::mount_to(root("loaded"), move || {
        let counter = counter.clone();
        let r = Loader::new(move || {
            let n = counter.get() + 1;
            counter.set(n);
            async move {
                gloo_timers::future::TimeoutFuture::new(100).await;
                if n == 1 { Err(CampaignError::NotFound) } else { Ok(n) }
            }
        });
        set_resource.set(Some(r));
        view! {
            <Loaded resource=r let:n><p data-testid="loaded-value">{n}</p></Loaded>
        }
    });
    wait_for("读取中 while the data is read", || find("loaded", "loading").is_some()).await;
    wait_for("the error", || find("loaded", "load-error").is_some()).await;
    assert_eq!(text("loaded", "load-error"), field::i18n::campaign::NOT_FOUND);
    assert!(find("loaded", "loaded-value").is_none());
    resource.get_untracked().unwrap().refetch();
    wait_for("the data", || text("loaded", "loaded-value") == "2").await;
    assert!(find("loaded", "load-error").is_none(), "the error goes once the data is read");
    assert_eq!(attempts.get(), 2);
}

/// A screen from a split point stays on the page, the same elements under the person's finger,
/// while a resource read inside it reads again: the sync screen's refused list re-read after a
/// sign-in took the whole screen back to "读取中" for a moment (and the field typed into or the
/// line being read off the page with it).
#[wasm_bindgen_test]
async fn a_screen_from_a_split_point_stays_while_a_resource_in_it_reads_again() {
    let (resource, set_resource) = signal_local(None::<Loader<u32>>);
    let reads = Rc::new(Cell::new(0u32));
    let _handle = leptos::mount::mount_to(root("deferred"), move || {
        let reads = reads.clone();
        let r = Loader::new(move || {
            let n = reads.get() + 1;
            reads.set(n);
            async move {
                // Long beside the 200 ms looked at below, on however busy a machine.
                gloo_timers::future::TimeoutFuture::new(1_000).await;
                n
            }
        });
        set_resource.set(Some(r));
        field::split::deferred(async move {
            Ok(view! {
                <input data-testid="deferred-input" />
                <p data-testid="deferred-read">{move || r.get().unwrap_or_default()}</p>
            }
            .into_any())
        })
    });
    wait_for("the screen", || text("deferred", "deferred-read") == "1").await;
    let input = find("deferred", "deferred-input").unwrap();
    resource.get_untracked().unwrap().refetch();
    for _ in 0..4 {
        gloo_timers::future::TimeoutFuture::new(50).await;
        assert!(input.is_connected(), "the screen left the page while its resource read again");
        assert_eq!(text("deferred", "deferred-read"), "1", "the last data stays meanwhile");
    }
    wait_for("the new data", || text("deferred", "deferred-read") == "2").await;
    assert!(input.is_connected());
    assert!(find("deferred", "deferred-input").unwrap().is_same_node(Some(&input)));
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    count: Option<u32>,
    gender: Option<Gender>,
}

#[wasm_bindgen_test]
async fn a_number_field_keeps_text_that_is_not_a_number_on_screen_and_the_stored_value_unchanged() {
    let form = RwSignal::new(Form { count: Some(3), ..Default::default() });
    let errors = Signal::derive(move || {
        if form.with(|f| f.gender.is_none()) {
            vec![("gender".to_owned(), "请选择性别".to_owned())]
        } else {
            Vec::new()
        }
    });
    let required = Signal::stored(std::collections::BTreeSet::from(["gender".to_owned()]));
    let checks = FormChecks { errors, required, unparsed: None };
    let _handle = leptos::mount::mount_to(root("fields"), move || {
        view! {
            {number(form, Field::new("人数", "count"), |f| f.count, |f, v| f.count = v)}
            {select(form, Field::checked(checks, "gender", "性别"), |f| f.gender, |f, v| f.gender = v)}
        }
    });
    let count = find("fields", "count").unwrap();
    type_into(&count, "十二", "change");
    let count_error = || {
        count.parent_element().and_then(|label| label.query_selector(".field-error").ok().flatten())
    };
    wait_for("the number error", || count_error().is_some()).await;
    assert_eq!(form.get_untracked().count, Some(3), "not a number: nothing stored");
    assert_eq!(count_error().unwrap().text_content().unwrap(), field::i18n::NOT_A_NUMBER);
    type_into(&count, " 12 ", "change");
    wait_for("the number stored", || form.get_untracked().count == Some(12)).await;
    type_into(&count, "", "change");
    wait_for("the number cleared", || form.get_untracked().count.is_none()).await;

    // A required question is marked (on the label and for assistive technology); the count
    // field is not.
    let gender = find("fields", "survey-gender").unwrap();
    assert_eq!(gender.get_attribute("aria-required").as_deref(), Some("true"));
    assert!(gender.parent_element().unwrap().query_selector(".required").unwrap().is_some());
    assert_eq!(count.get_attribute("aria-required"), None);
    // The checked field shows its own error below it, and it goes once answered.
    wait_for("the field's error", || {
        document()
            .query_selector("#fields label.invalid [data-testid=\"survey-gender\"]")
            .unwrap()
            .is_some()
    })
    .await;
    assert!(gender.parent_element().unwrap().text_content().unwrap().contains("请选择性别"));
    let select: web_sys::HtmlSelectElement = gender.unchecked_into();
    select.set_value("female");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_for("answered", || form.get_untracked().gender == Some(Gender::Female)).await;
    wait_for("the error gone", || {
        document()
            .query_selector("#fields label.invalid [data-testid=\"survey-gender\"]")
            .unwrap()
            .is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_answer_given_elsewhere_on_a_form_leaves_every_other_input_as_it_was() {
    let form = RwSignal::new(Form { count: Some(3), ..Default::default() });
    let _handle = leptos::mount::mount_to(root("untouched-inputs"), move || {
        view! {
            {number(form, Field::new("人数", "count"), |f| f.count, |f, v| f.count = v)}
            {select(form, Field::new("性别", "gender"), |f| f.gender, |f, v| f.gender = v)}
        }
    });
    let count: web_sys::HtmlInputElement =
        find("untouched-inputs", "count").unwrap().unchecked_into();
    wait_for("the count shown", || count.value() == "3").await;
    // Text that is not a number stays on screen, reported, while another question is answered:
    // an input is given the form's value again only when that value changed.
    type_into(&count, "十二", "change");
    wait_for("the number error", || {
        count.parent_element().unwrap().query_selector(".field-error").unwrap().is_some()
    })
    .await;
    let gender = find("untouched-inputs", "gender").unwrap();
    type_into(&gender, "female", "change");
    wait_for("answered", || form.get_untracked().gender == Some(Gender::Female)).await;
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(count.value(), "十二", "the count input kept what was typed");
    assert_eq!(form.get_untracked().count, Some(3));
    // A change of the count itself still reaches its input.
    form.update(|f| f.count = Some(5));
    wait_for("the new count shown", || count.value() == "5").await;
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Note {
    note: String,
    gender: Option<Gender>,
}

/// A screen that reads again keeps showing its old view, inputs and all, until the new one is
/// there, and what built that view is cleaned up meanwhile: an input typed into then still
/// writes into its form (a form that outlives it keeps what was typed) and never panics (the
/// inputs' writes are plain closures, not arena-held `Callback`s; session 32's review).
#[wasm_bindgen_test]
async fn an_input_still_shown_after_its_owner_was_cleaned_up_writes_into_its_form() {
    let form = RwSignal::new(Note::default());
    let inputs = Owner::new();
    let built = inputs.clone();
    let _handle = leptos::mount::mount_to(root("orphaned-inputs"), move || {
        built.with(|| {
            view! {
                {text_input(form, Field::new("备注", "note"), |f| f.note.clone(), |f, v| f.note = v)}
                {select(form, Field::new("性别", "gender"), |f| f.gender, |f, v| f.gender = v)}
            }
        })
    });
    let note = find("orphaned-inputs", "note").unwrap();
    type_into(&note, "开始", "input");
    assert_eq!(form.get_untracked().note, "开始");
    inputs.cleanup();
    type_into(&note, "还在", "input");
    assert_eq!(form.get_untracked().note, "还在", "the text typed after the cleanup");
    let gender = find("orphaned-inputs", "gender").unwrap();
    type_into(&gender, "female", "change");
    assert_eq!(form.get_untracked().gender, Some(Gender::Female), "the choice after the cleanup");
}

#[wasm_bindgen_test]
async fn a_refused_write_shows_its_reason_with_a_link_and_a_success_runs_its_follow_up() {
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(0u32);
    let existing = Uuid::now_v7();
    let (action, set_action) = signal_local(None::<LocalAction<bool, Result<u32, CampaignError>>>);
    let _handle = leptos::mount::mount_to(root("notice"), move || {
        let write = LocalAction::new(move |ok: &bool| {
            let ok = *ok;
            async move {
                if ok {
                    Ok(7)
                } else {
                    Err(CampaignError::Candidacy(shared::candidacy::CandidacyError::Duplicate {
                        existing,
                        year: 2026,
                        category: Some(shared::model::Category::VillageLeader),
                        state: Some(shared::model::ApplicationState::Applied),
                    }))
                }
            }
        });
        on_result(write, notice, move |n| done.set(n));
        set_action.set(Some(write));
        notice_line(notice)
    });
    let write = action.get_untracked().unwrap();
    write.dispatch_local(false);
    wait_for("the refusal", || find("notice", "campaign-error").is_some()).await;
    let link = find("notice", "campaign-error-link").unwrap();
    assert!(link.get_attribute("href").unwrap().ends_with(&existing.to_string()));
    assert_eq!(done.get_untracked(), 0);
    write.dispatch_local(true);
    wait_for("the follow-up", || done.get_untracked() == 7).await;
}

/// Every `Loader` is one resource type inside (its value type erased): each still reads and
/// shows its own value, and reads again only when it is asked to.
#[wasm_bindgen_test]
async fn loaders_of_different_types_each_read_their_own_value_and_read_again_alone() {
    let reads = Rc::new(Cell::new((0u32, 0u32)));
    let counter = reads.clone();
    let (loaders, set_loaders) = signal_local(None::<(Loader<u32>, Loader<String>)>);
    let _handle = leptos::mount::mount_to(root("loaders"), move || {
        let (a, b) = (counter.clone(), counter.clone());
        let number = Loader::new(move || {
            let (n, s) = a.get();
            a.set((n + 1, s));
            async move { n + 1 }
        });
        let words = Loader::new(move || {
            let (n, s) = b.get();
            b.set((n, s + 1));
            async move { format!("read {}", s + 1) }
        });
        set_loaders.set(Some((number, words)));
        view! {
            <p data-testid="loader-number">{move || number.get().map(|n| n.to_string()).unwrap_or_default()}</p>
            <p data-testid="loader-words">{move || words.get().unwrap_or_default()}</p>
        }
    });
    wait_for("both values", || {
        text("loaders", "loader-number") == "1" && text("loaders", "loader-words") == "read 1"
    })
    .await;
    let (number, words) = loaders.get_untracked().unwrap();
    assert_eq!(number.get_untracked(), Some(1));
    assert_eq!(words.get_untracked().as_deref(), Some("read 1"));
    number.refetch();
    wait_for("the number read again", || text("loaders", "loader-number") == "2").await;
    assert_eq!(text("loaders", "loader-words"), "read 1");
    assert_eq!(reads.get(), (2, 1), "only the loader asked read again");
    assert_eq!(words.with(|w| w.map(String::len)), Some(6));
}

/// Every `LocalAction` is one action type inside (its input and output erased): each still runs
/// on its own input, says while it runs, and gives its own output.
#[wasm_bindgen_test]
async fn actions_of_different_types_each_give_their_own_output_and_say_while_they_run() {
    type Measure = LocalAction<String, Result<usize, String>>;
    let (actions, set_actions) = signal_local(None::<(LocalAction<u32, u32>, Measure)>);
    let _handle = leptos::mount::mount_to(root("actions"), move || {
        let double = LocalAction::new(|n: &u32| {
            let n = *n;
            async move {
                gloo_timers::future::TimeoutFuture::new(300).await;
                n * 2
            }
        });
        let measure: Measure = LocalAction::new(|s: &String| {
            let s = s.clone();
            async move { if s.is_empty() { Err("empty".to_string()) } else { Ok(s.chars().count()) } }
        });
        set_actions.set(Some((double, measure)));
        view! {
            <p data-testid="action-pending">{move || double.pending().get().to_string()}</p>
            <p data-testid="action-double">{move || double.value().get().map(|n| n.to_string()).unwrap_or_default()}</p>
            <p data-testid="action-measure">{move || match measure.value().get() {
                None => String::new(),
                Some(Ok(n)) => n.to_string(),
                Some(Err(e)) => e,
            }}</p>
        }
    });
    let (double, measure) = actions.get_untracked().unwrap();
    assert_eq!(text("actions", "action-pending"), "false");
    double.dispatch_local(21);
    assert!(double.pending().get_untracked(), "under way as soon as it is dispatched");
    wait_for("the run under way", || text("actions", "action-pending") == "true").await;
    wait_for("its output", || text("actions", "action-double") == "42").await;
    assert_eq!(text("actions", "action-pending"), "false");
    assert_eq!(text("actions", "action-measure"), "", "the other action has not run");
    measure.dispatch_local("四争一树".to_string());
    wait_for("the other's output", || text("actions", "action-measure") == "4").await;
    measure.dispatch_local(String::new());
    wait_for("its failure", || text("actions", "action-measure") == "empty").await;
    assert_eq!(text("actions", "action-double"), "42");
    assert_eq!(double.value().with(|v| v.copied()), Some(42));
}

#[wasm_bindgen_test]
async fn the_office_settings_and_sync_families_render_for_a_device_nobody_signed_in_to() {
    let store = fresh().await;
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root("families"), move || {
        view! { <field::app::App store=app_store /> }
    });
    let location = web_sys::window().unwrap().location();
    for (hash, marker) in [
        // The office's screens need an office sign-in and say so.
        ("#/office", "office-not-signed-in"),
        ("#/sync", "login-form"),
        ("#/transfer", "export-button"),
        ("#/conflicts", "conflicts-screen"),
        ("#/outbox", "outbox-screen"),
        ("#/settings", "settings-author-save"),
    ] {
        location.set_hash(hash).unwrap();
        wait_for(hash, || find("families", marker).is_some()).await;
    }

    // Conflicts: an account that is not the office's (none here) is told under the head that
    // it cannot resolve them, and told once.
    location.set_hash("#/conflicts").unwrap();
    wait_for("the conflicts note", || find("families", "conflicts-note").is_some()).await;
    assert_eq!(text("families", "conflicts-note"), field::i18n::sync::CONFLICTS_OFFICE_ONLY.get());
    wait_for("the conflicts read", || find("families", "conflicts-empty").is_some()).await;
    let shown = find("families", "conflicts-screen").unwrap().inner_html();
    assert_eq!(shown.matches("data-testid=\"conflicts-note\"").count(), 1, "{shown}");

    // Settings: the name saved through its action is the store's author from then on.
    location.set_hash("#/settings").unwrap();
    wait_for("settings", || find("families", "settings-author").is_some()).await;
    type_into(&find("families", "settings-author").unwrap(), " 调查员小林 ", "input");
    find("families", "settings-author-save").unwrap().click();
    wait_for("the author saved", || store.author() == "调查员小林").await;

    // Transfer: nothing waits on a new tablet; the export says how much it wrote (0 changes).
    location.set_hash("#/transfer").unwrap();
    wait_for("transfer", || find("families", "export-button").is_some()).await;
    find("families", "export-button").unwrap().click();
    wait_for("the export result", || find("families", "export-result").is_some()).await;
    assert!(
        text("families", "export-result").contains('0'),
        "{}",
        text("families", "export-result")
    );

    // A wrong sign-in is refused in words, and the form stays usable.
    location.set_hash("#/sync").unwrap();
    wait_for("sign-in", || find("families", "login-username").is_some()).await;
    find("families", "login-submit").unwrap().click();
    wait_for("the sign-in error", || find("families", "login-error").is_some()).await;
    assert!(!text("families", "login-error").is_empty());
    wait_for("usable again", || {
        find("families", "login-submit")
            .is_some_and(|b| !b.unchecked_into::<web_sys::HtmlButtonElement>().disabled())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_people_family_lists_a_member_and_opens_their_page() {
    let store = fresh().await;
    let id = Uuid::now_v7();
    let person = Person { name: "林海生".into(), branch_id: "b1".into(), ..Default::default() };
    let fields = shared::record::to_fields(&person).unwrap().into_iter().collect();
    store.save(EntityKind::Person, id, "b1", fields).await.unwrap();
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root("people"), move || {
        view! { <field::app::App store=app_store /> }
    });
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for("the list", || text("people", "people-count").contains('1')).await;
    web_sys::window().unwrap().location().set_hash(&format!("#/person/{id}")).unwrap();
    wait_for("the member's page", || {
        document()
            .query_selector("#people .screen")
            .unwrap()
            .is_some_and(|e| e.text_content().unwrap_or_default().contains("林海生"))
    })
    .await;
    // A member that does not exist is said in words, not a blank page.
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(&format!("#/person/{}", Uuid::now_v7()))
        .unwrap();
    wait_for("not found", || find("people", "load-error").is_some()).await;
    assert_eq!(text("people", "load-error"), field::i18n::PERSON_NOT_FOUND);
}

/// A member saved on `store` whose change the server refused (set aside, as a sync does).
async fn refused_member(store: &Store, name: &str) -> Uuid {
    use field::sync::plan::RejectedOp;
    use shared::sync::OpResult;
    let id = Uuid::now_v7();
    let person = Person { name: name.into(), branch_id: "b1".into(), ..Default::default() };
    let fields = shared::record::to_fields(&person).unwrap().into_iter().collect();
    store.save(EntityKind::Person, id, "b1", fields).await.unwrap();
    let aside: Vec<(u64, RejectedOp)> = store
        .outbox_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let result = OpResult::rejected(e.op.id, "forbidden_branch", "不在你的支部");
            (e.key, RejectedOp::from_result(e.op, &result, 0.0))
        })
        .collect();
    field::sync::rejected::set_aside(store, aside).await.unwrap();
    id
}

/// The sync screen's 待同步 counts records as the top bar does: a refused one stays counted
/// (it read the outbox's length, 0 once the refusal was set aside, beside a top bar saying 1).
#[wasm_bindgen_test]
async fn the_sync_screen_counts_a_refused_record_as_waiting_like_the_top_bar() {
    let store = fresh().await;
    refused_member(&store, "郑来福").await;
    assert_eq!(store.outbox_len().await.unwrap(), 0, "the refusal left the outbox");
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root("sync-count"), move || {
        view! { <field::app::App store=app_store /> }
    });
    web_sys::window().unwrap().location().set_hash("#/sync").unwrap();
    wait_for("the sync screen", || find("sync-count", "sync-pending").is_some()).await;
    wait_for("one record waiting", || text("sync-count", "sync-pending").trim() == "1").await;
    assert_eq!(text("sync-count", "sync-pending").trim(), "1");
}

/// Two surveys whose photos the server refused for good (set aside, as a sync does): 待发送
/// offers one button for both, and it puts both photos back to be sent.
#[wasm_bindgen_test]
async fn the_outbox_tries_every_refused_photo_again_with_one_button() {
    use serde_json::json;
    let store = fresh().await;
    for seed in [3u8, 5] {
        let bytes: Vec<u8> = (0..2_000u32).map(|i| (i as u8).wrapping_mul(seed)).collect();
        let blob = field::sync::transfer::bytes_to_blob(&bytes, "image/jpeg").unwrap();
        let sha = store.put_attachment(&blob, "image/jpeg", 10, 10).await.unwrap();
        let photos = json!([{"sha256": sha, "mime": "image/jpeg", "width": 10, "height": 10, "bytes": 2000}]);
        let fields = [
            ("person_id".to_owned(), json!(Uuid::now_v7().to_string())),
            ("photos".to_owned(), photos),
        ];
        store
            .save(EntityKind::Survey, Uuid::now_v7(), "b1", fields.into_iter().collect())
            .await
            .unwrap();
        store.set_photo_aside(&sha, "服务器拒收（413）").await.unwrap();
    }
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root("retry-photos"), move || {
        view! { <field::app::App store=app_store /> }
    });
    web_sys::window().unwrap().location().set_hash("#/outbox").unwrap();
    wait_for("the button", || find("retry-photos", "outbox-retry-photos").is_some()).await;
    assert!(text("retry-photos", "outbox-retry-photos").contains('2'));
    find("retry-photos", "outbox-retry-photos").unwrap().click();
    wait_for("the result", || find("retry-photos", "retry-photos-result").is_some()).await;
    let said = text("retry-photos", "retry-photos-result");
    assert!(said.contains('2') && !said.contains("outbox-"), "{said}");
    let refused =
        store.attachments_not_uploaded().await.unwrap().into_iter().filter(|a| a.refused.is_some());
    assert_eq!(refused.count(), 0, "both photos wait to be sent again");
}

/// The people list's branch and village selects, built again when the list is read again (after a
/// sync), show what the list is filtered by: the value picked, among the options even when no row
/// holds it any more; 全部 when nothing is picked.
#[wasm_bindgen_test]
async fn a_people_filter_built_again_shows_what_is_picked() {
    use field::screens::people_list::FilterSelect;
    let picks = RwSignal::new(0u32);
    let _handle = leptos::mount::mount_to(root("filter-select"), move || {
        let on_pick = Callback::new(move |_: String| picks.update(|n| *n += 1));
        view! {
            <FilterSelect label="支部" testid="picked" options=vec!["b1".into(), "b3".into()] picked="b3".into() on_pick />
            <FilterSelect label="支部" testid="gone" options=vec!["b1".into(), "b3".into()] picked="b2".into() on_pick />
            <FilterSelect label="支部" testid="none" options=vec!["b1".into(), "b3".into()] picked=String::new() on_pick />
        }
    });
    let select = |id: &str| -> web_sys::HtmlSelectElement {
        find("filter-select", id).unwrap().dyn_into().unwrap()
    };
    let options = |id: &str| -> Vec<String> {
        let s = select(id);
        (0..s.length()).map(|i| s.item(i).unwrap().get_attribute("value").unwrap()).collect()
    };
    assert_eq!(select("picked").value(), "b3");
    assert_eq!(options("picked"), ["", "b1", "b3"]);
    assert_eq!(select("gone").value(), "b2", "a value no row holds any more stays picked");
    assert_eq!(options("gone"), ["", "b1", "b2", "b3"]);
    assert_eq!(select("none").value(), "");
    assert!(
        select("none").selected_options().item(0).unwrap().text_content().unwrap().contains("全部")
    );
    type_into(&find("filter-select", "none").unwrap(), "b1", "change");
    assert_eq!(picks.get_untracked(), 1, "a pick is passed on");
}

/// When the delivery states cannot be read, the people list says so rather than showing every
/// row without a badge, as if everything had reached the office.
#[wasm_bindgen_test]
async fn the_people_list_says_when_it_cannot_read_what_has_reached_the_office() {
    let store = fresh().await;
    refused_member(&store, "黄水生").await;
    // The refusal list damaged on disk: reading it fails.
    let kept = field::sync::rejected::list(&store).await.unwrap();
    store.meta_set(field::sync::rejected::REJECTED_KEY, "damaged").await.unwrap();
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root("states-unread"), move || {
        view! { <field::app::App store=app_store /> }
    });
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for("the list", || text("states-unread", "people-count").contains('1')).await;
    wait_for("the warning", || find("states-unread", "people-states-error").is_some()).await;
    let said = text("states-unread", "people-states-error");
    assert!(said.contains("送达状态") && !said.contains("delivery-states-unread"), "{said}");

    // Mended (the list read again), the warning goes and the badge shows.
    store.meta_set(field::sync::rejected::REJECTED_KEY, &kept).await.unwrap();
    web_sys::window().unwrap().location().set_hash("#/sync").unwrap();
    wait_for("the sync screen", || find("states-unread", "sync-pending").is_some()).await;
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for("the refused badge", || {
        find("states-unread", "delivery-state")
            .is_some_and(|b| b.get_attribute("data-state").as_deref() == Some("refused"))
    })
    .await;
    assert!(find("states-unread", "people-states-error").is_none());
}

#[wasm_bindgen_test]
async fn the_survey_form_lists_its_sections_marks_required_questions_and_finalise_goes_to_the_first_missing_answer()
 {
    let store = fresh().await;
    let app_store = store.clone();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let _handle = leptos::mount::mount_to(root("survey"), move || {
        view! { <field::app::App store=app_store /> }
    });
    // The section list comes in the form's first task, its first section a task later.
    wait_for("the section list and the first section", || {
        find("survey", "survey-toc-identity").is_some() && find("survey", "survey-name").is_some()
    })
    .await;
    let identity = find("survey", "survey-toc-identity").unwrap();
    let total = Section::Identity.fields().len().to_string();
    assert_eq!(identity.get_attribute("data-total").as_deref(), Some(total.as_str()));
    let before: usize = identity.get_attribute("data-answered").unwrap().parse().unwrap();
    assert!(identity.inner_text().contains("已填"), "{}", identity.inner_text());
    // 姓名 is required: marked on its label and for assistive technology.
    let name = find("survey", "survey-name").unwrap();
    assert_eq!(name.get_attribute("aria-required").as_deref(), Some("true"));

    // Typing a name counts in the list.
    type_into(&name, "周七", "input");
    wait_for("the count moves", || {
        find("survey", "survey-toc-identity")
            .and_then(|e| e.get_attribute("data-answered"))
            .is_some_and(|n| n == (before + 1).to_string())
    })
    .await;
    type_into(&name, "", "input");

    // Finalising with answers missing puts the cursor in the first one and marks its section.
    // (定稿 comes once every section is built, a task or so after the first.)
    wait_for("定稿", || find("survey", "survey-finalise").is_some()).await;
    find("survey", "survey-finalise").unwrap().click();
    wait_for("the first missing answer focused", || {
        document()
            .active_element()
            .and_then(|e| e.get_attribute("name"))
            .is_some_and(|n| n == "name")
    })
    .await;
    wait_for("the section marked", || {
        find("survey", "survey-toc-identity").is_some_and(|e| e.class_list().contains("missing"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn opening_a_new_survey_and_leaving_it_untouched_saves_nothing() {
    let store = fresh().await;
    // A surveyor of one branch: the form preselects it, which is not an edit.
    let kept = serde_json::json!({
        "token": "t",
        "account": {"username": "xl", "display_name": "小林", "role": "surveyor", "branches": ["b1"]},
        "server": "",
        "signed_in_at_ms": 0.0,
    });
    store.meta_set(field::store::meta_keys::ACCOUNT, &kept).await.unwrap();
    let app_store = store.clone();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let _handle = leptos::mount::mount_to(root("untouched"), move || {
        view! { <field::app::App store=app_store /> }
    });
    wait_for("the form", || find("untouched", "survey-form").is_some()).await;
    wait_for("the branch preselected", || {
        find("untouched", "survey-branch-id")
            .map(|e| e.unchecked_into::<web_sys::HtmlSelectElement>().value())
            .is_some_and(|v| v == "b1")
    })
    .await;
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for("the list", || find("untouched", "people-count").is_some()).await;
    gloo_timers::future::TimeoutFuture::new(1_500).await;
    assert_eq!(store.outbox_len().await.unwrap(), 0, "nothing typed, nothing queued");
    assert!(store.listing(EntityKind::Person).await.unwrap().is_empty());
}

/// The branch list read on an earlier visit is cached: the picker preselected the branch while
/// the form was built, and the autosave took that for a change. Leaving an untouched 新建调查
/// saved a member with no name (待同步 +2, a （未填姓名） draft). A preselected default is
/// part of what the form opened with.
#[wasm_bindgen_test]
async fn a_new_survey_opened_again_with_the_branch_list_cached_and_left_untouched_saves_nothing() {
    let store = fresh().await;
    let kept = serde_json::json!({
        "token": "t",
        "account": {"username": "xl", "display_name": "小林", "role": "surveyor", "branches": ["b1"]},
        "server": "",
        "signed_in_at_ms": 0.0,
    });
    store.meta_set(field::store::meta_keys::ACCOUNT, &kept).await.unwrap();
    let app_store = store.clone();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let _handle = leptos::mount::mount_to(root("untouched-again"), move || {
        view! { <field::app::App store=app_store /> }
    });
    let preselected = || {
        find("untouched-again", "survey-branch-id")
            .map(|e| e.unchecked_into::<web_sys::HtmlSelectElement>().value())
            .is_some_and(|v| v == "b1")
    };
    for _ in 0..2 {
        wait_for("the form", || find("untouched-again", "survey-form").is_some()).await;
        wait_for("the branch preselected", preselected).await;
        web_sys::window().unwrap().location().set_hash("#/people").unwrap();
        wait_for("the list", || find("untouched-again", "people-count").is_some()).await;
        // Again, the branch list now read.
        web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    }
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for("the list", || find("untouched-again", "people-count").is_some()).await;
    gloo_timers::future::TimeoutFuture::new(1_500).await;
    assert_eq!(store.outbox_len().await.unwrap(), 0, "nothing typed, nothing queued");
    assert!(store.listing(EntityKind::Person).await.unwrap().is_empty());
    assert!(field::services::survey::pending_draft(&store).await.unwrap().is_none());
}

/// A long screen unfolds (`use_unfold`, the survey form's sections): the first parts at once,
/// then one more in each task, every step seen, until every part is shown; parts that come
/// later (a category with more sections) are then shown at once. A screen left before the end
/// stops it: nothing reaches for its signals once they are gone.
#[wasm_bindgen_test]
async fn a_long_screen_unfolds_a_part_a_task_and_stops_when_left() {
    use field::hooks::use_unfold::{Unfold, use_unfold};
    use std::cell::RefCell;

    // Mounting starts Leptos' executor, which the hook's task runs on.
    let _mounted = leptos::mount::mount_to(root("unfold"), || ());
    let owner = Owner::new();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (parts, unfold, _watch) = owner.with(|| {
        let parts = RwSignal::new(4usize);
        let unfold = use_unfold(1, parts.into());
        let shown = unfold.shown();
        let seen = seen.clone();
        let watch = RenderEffect::new(move |_: Option<()>| seen.borrow_mut().push(shown.get()));
        (parts, unfold, watch)
    });
    assert_eq!(*seen.borrow(), vec![1], "the first part at once, nothing more in the same task");
    wait_for("every part", || unfold.shown().get_untracked() == Unfold::ALL).await;
    assert_eq!(*seen.borrow(), vec![1, 2, 3, Unfold::ALL], "one more a task, then all");
    assert!(unfold.done().get_untracked());
    parts.set(6);
    gloo_timers::future::TimeoutFuture::new(20).await;
    assert_eq!(unfold.shown().get_untracked(), Unfold::ALL, "parts added later come at once");
    drop(owner);

    // Left while unfolding: its task ends at its next step, without a panic.
    let owner = Owner::new();
    let unfold = owner.with(|| use_unfold(0, Signal::stored(1_000)));
    gloo_timers::future::TimeoutFuture::new(0).await;
    assert!(unfold.shown().get_untracked() < 1_000, "still unfolding");
    owner.cleanup();
    drop(owner);
    gloo_timers::future::TimeoutFuture::new(50).await;
    unfold.finish(); // and a tap reaching it late does nothing

    // `finish`: everything at once (a tap on a section not built yet).
    let owner = Owner::new();
    let unfold = owner.with(|| use_unfold(0, Signal::stored(1_000)));
    unfold.finish();
    assert_eq!(unfold.shown().get_untracked(), Unfold::ALL);
    drop(owner);
}

/// A tap on the section list before the section tapped is built (the form builds its sections
/// a task at a time after its head and list) builds the rest at once and brings that section
/// into view, rather than doing nothing.
#[wasm_bindgen_test]
async fn a_tap_on_a_section_not_built_yet_brings_it_into_view() {
    let store = fresh().await;
    let app_store = store.clone();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let form_root = root("toc-early");
    let _handle = leptos::mount::mount_to(form_root.clone(), move || {
        view! { <field::app::App store=app_store /> }
    });
    // Looked for at every task: the list is found in the task right after the one that built
    // it, whose timer was set before the form's next step.
    let mut list = None;
    for _ in 0..5_000 {
        list = find("toc-early", "survey-toc");
        if list.is_some() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    let list = list.expect("the section list");
    let last: web_sys::HtmlElement = list.last_element_child().unwrap().unchecked_into();
    let key = last.get_attribute("data-testid").unwrap().replace("survey-toc-", "");
    let section = format!("[data-section=\"{key}\"]");
    assert!(form_root.query_selector(&section).unwrap().is_none(), "{key}: not built yet");
    last.click();
    let window = web_sys::window().unwrap();
    let height = window.inner_height().unwrap().as_f64().unwrap();
    // Whether the block `selector` is built and its top is on screen.
    let in_view = |selector: &str| {
        form_root.query_selector(selector).unwrap().is_some_and(|s| {
            let top = f64::from(s.unchecked_into::<web_sys::HtmlElement>().offset_top())
                - window.scroll_y().unwrap();
            (-1.0..height).contains(&top)
        })
    };
    wait_for("the section tapped, in view", || in_view(&section)).await;
    assert!(form_root.query_selector("fieldset.form-body[aria-busy]").unwrap().is_none());

    // 位置与照片 goes to the GPS and photo blocks (it looked for a block no element was).
    window.scroll_to_with_x_and_y(0.0, 0.0);
    find("toc-early", "survey-toc-location").unwrap().click();
    wait_for("位置与照片, in view", || in_view("[data-section=\"location\"]")).await;
    window.scroll_to_with_x_and_y(0.0, 0.0);
}
