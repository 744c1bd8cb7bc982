//! The app mounted in a real page: typing in the survey form autosaves a draft to IndexedDB,
//! and the people list finds it.

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

use field::app::App;
use field::store::Store;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shared::record::EntityKind;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod page;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn by_testid(id: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .map(|e| e.unchecked_into())
}

fn type_into(id: &str, text: &str) {
    let input: web_sys::HtmlInputElement =
        by_testid(id).unwrap_or_else(|| panic!("no {id}")).unchecked_into();
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn choose(id: &str, value: &str) {
    let select: web_sys::HtmlSelectElement =
        by_testid(id).unwrap_or_else(|| panic!("no {id}")).unchecked_into();
    select.set_value(value);
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

/// Whether the survey form is on screen with every section built (`use_unfold` builds them a
/// task at a time; their fieldset is `aria-busy` until the last, and 定稿 comes after it).
fn survey_form_built() -> bool {
    by_testid("survey-form").is_some()
        && document()
            .query_selector("[data-testid=\"survey-form\"] fieldset.form-body[aria-busy]")
            .unwrap()
            .is_none()
}

/// A tap on 定稿, once the form shows it (after its last section).
async fn finalise() {
    wait_for(survey_form_built).await;
    by_testid("survey-finalise").unwrap().click();
}

async fn wait_for(mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("condition not met in 5 s");
}

#[wasm_bindgen_test]
async fn survey_draft_autosaves_and_the_list_finds_it() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    web_sys::window().unwrap().location().set_hash("#/survey/new").unwrap();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let app_store = store.clone();
    let _handle = leptos::mount::mount_to(root, move || view! { <App store=app_store /> });

    wait_for(survey_form_built).await;
    // Sections follow the category: a business household has no village-only questions.
    choose("survey-category", "business_household");
    wait_for(|| {
        by_testid("survey-trade").is_some() && by_testid("survey-wealth-potential").is_none()
    })
    .await;
    type_into("survey-name", "陈八");
    type_into("survey-trade", "水产批发");

    // Debounced autosave: stored within about a second, as a draft.
    let mut people = Vec::new();
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        people = store.list(EntityKind::Person).await.unwrap();
        let surveys = store.list(EntityKind::Survey).await.unwrap();
        if people.len() == 1 && surveys.first().is_some_and(|s| s.str_field("trade") == "水产批发")
        {
            break;
        }
    }
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].str_field("name"), "陈八");
    let surveys = store.list(EntityKind::Survey).await.unwrap();
    assert_eq!(surveys[0].str_field("status"), "draft");
    assert_eq!(surveys[0].str_field("surveyor"), "测试员");
    assert!(store.outbox_len().await.unwrap() >= 2);

    // Finalising an incomplete survey shows the errors and keeps it a draft.
    finalise().await;
    wait_for(|| by_testid("survey-errors").is_some()).await;
    assert_eq!(
        store.get(EntityKind::Survey, surveys[0].id).await.unwrap().unwrap().str_field("status"),
        "draft"
    );

    // The list finds the person while typing.
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for(|| by_testid("people-search").is_some()).await;
    wait_for(|| by_testid("people-row").is_some()).await;
    type_into("people-search", "陈");
    wait_for(|| by_testid("people-count").is_some_and(|e| e.inner_text().contains("共 1 人")))
        .await;
    type_into("people-search", "不存在");
    wait_for(|| by_testid("people-count").is_some_and(|e| e.inner_text().contains("共 0 人")))
        .await;
}

/// Mount the app on `hash` over `store`; the handle unmounts it when dropped.
fn mount_app(store: &Store, hash: &str) -> leptos::mount::UnmountHandle<impl Mountable + use<>> {
    web_sys::window().unwrap().location().set_hash(hash).unwrap();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let app_store = store.clone();
    leptos::mount::mount_to(root, move || view! { <App store=app_store /> })
}

/// A saved survey of a new member, as a surveyor left it at the door.
async fn saved_survey(store: &Store) -> field::logic::survey_form::SurveyForm {
    let now = chrono::Local::now().naive_local();
    let mut form = field::logic::survey_form::SurveyForm::new(None, "测试员", now);
    form.person.name = "陈八".into();
    form.person.phone = "13800000000".into();
    form.survey.trade = "水产批发".into();
    field::services::survey::persist(store, &form).await.unwrap();
    form
}

/// A store with a saved survey ([`saved_survey`]), the app open on it, its name shown.
async fn open_saved_survey()
-> (Store, field::logic::survey_form::SurveyForm, leptos::mount::UnmountHandle<impl Mountable>) {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = saved_survey(&store).await;
    let handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(|| {
        survey_form_built()
            && by_testid("survey-name")
                .is_some_and(|e| e.unchecked_into::<web_sys::HtmlInputElement>().value() == "陈八")
    })
    .await;
    (store, form, handle)
}

/// The form shows every field as it opened it. A pull that changes one of them meanwhile (the
/// office corrected the phone number) must survive the next save of something else: the save
/// writes what was typed on the form, not the form's old copy of every field, which put the
/// office's correction back on every device without a conflict or a word.
#[wasm_bindgen_test]
async fn a_field_changed_by_a_pull_while_the_form_is_open_is_kept_by_the_next_save() {
    use serde_json::json;
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};

    let (store, form, _handle) = open_saved_survey().await;

    // The office's corrections arrive while the form is open.
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let later = Hlc::new(js_sys::Date::now() as u64 + 1_000, 0, "office");
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    let survey = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    let fixes = [
        Operation::upsert(
            &office,
            later.clone(),
            EntityKind::Person,
            form.person_id,
            &person.branch_id,
            Some(&person),
            vec![("phone".to_owned(), json!("13911112222"))],
        ),
        Operation::upsert(
            &office,
            later,
            EntityKind::Survey,
            form.survey_id,
            &survey.branch_id,
            Some(&survey),
            vec![("trade".to_owned(), json!("冷链物流"))],
        ),
    ];
    store.apply_remote(&fixes).await.unwrap();

    // The surveyor corrects the name; the form still shows the old phone and trade.
    type_into("survey-name", "陈八妹");
    let mut saved = None;
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
        if person.str_field("name") == "陈八妹" {
            saved = Some(person);
            break;
        }
    }
    let person = saved.expect("the name is saved");
    assert_eq!(person.str_field("phone"), "13911112222", "the office's phone is kept");
    let survey = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(survey.str_field("trade"), "冷链物流", "the office's answer is kept");
    // Only the name went into the outbox for the person.
    let queued = store.outbox_all().await.unwrap();
    let last = queued.iter().rev().find(|e| e.op.entity == EntityKind::Person).unwrap();
    let fields: Vec<&str> = last.op.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["name"]);

    // The keystroke draft of that edit, saved again at the next start (a killed browser), does
    // not put them back either.
    let draft = field::services::survey::pending_draft(&store).await.unwrap();
    if let Some(draft) = draft {
        assert!(draft.touched.is_some(), "the form's draft says what was typed");
    }
    field::services::survey::write_edit_draft(
        &store,
        &{
            let mut typed = form.clone();
            typed.person.name = "陈八妹".into();
            typed
        },
        Some(&field::logic::survey_form::FormTouched {
            person: ["name".to_owned()].into(),
            survey: Default::default(),
        }),
        None,
    )
    .await
    .unwrap();
    field::services::survey::recover_draft(&store).await.unwrap();
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("phone"), "13911112222");
    let survey = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert_eq!(survey.str_field("trade"), "冷链物流");
}

/// The office's change of a field arrives while the form is open, and the surveyor, who never
/// saw it, types over it. Their value is saved (the later write), but not silently: the change
/// they overwrote is kept as a conflict for the office, the form says which field and what it
/// held, and the operation carries the clock the form read, so the server finds the same
/// conflict. Typing the same field again, and a field nobody else changed, are ordinary edits.
#[wasm_bindgen_test]
async fn a_field_typed_over_a_change_the_form_never_showed_is_kept_as_a_conflict_and_said() {
    use serde_json::json;
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};

    let (store, form, _handle) = open_saved_survey().await;
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    let read_at = person.base_of("phone").unwrap();
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fix = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 1_000, 0, "office"),
        EntityKind::Person,
        form.person_id,
        &person.branch_id,
        Some(&person),
        vec![("phone".to_owned(), json!("13911112222"))],
    );
    store.apply_remote(std::slice::from_ref(&fix)).await.unwrap();

    // The form still shows 13800000000; the surveyor types a new number over it.
    type_into("survey-phone", "13722223333");
    let phone_is = |phone: &'static str| {
        let store = store.clone();
        let id = form.person_id;
        async move {
            for _ in 0..40 {
                TimeoutFuture::new(100).await;
                let person = store.get(EntityKind::Person, id).await.unwrap().unwrap();
                if person.str_field("phone") == phone {
                    return;
                }
            }
            panic!("the phone {phone} was not saved");
        }
    };
    phone_is("13722223333").await;
    let conflicts = store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, "phone");
    assert_eq!(conflicts[0].loser_value, json!("13911112222"));
    assert_eq!(conflicts[0].winner_value, json!("13722223333"));
    let queued = store.outbox_all().await.unwrap();
    let sent = queued.iter().rev().find(|e| e.op.entity == EntityKind::Person).unwrap();
    assert_eq!(sent.op.changes[0].base.as_ref(), Some(&read_at), "typed over what the form read");
    let label = field::i18n::form_field_label("phone");
    wait_for(|| {
        by_testid("survey-overwritten").is_some_and(|e| {
            let text = e.inner_text();
            text.contains(&label) && text.contains("13911112222")
        })
    })
    .await;

    // Typed again, over its own save, and the name (changed by no one else): no new conflict.
    type_into("survey-phone", "13722224444");
    type_into("survey-name", "陈八妹");
    phone_is("13722224444").await;
    assert_eq!(store.conflicts().await.unwrap().len(), 1, "the surveyor's own edits conflicted");
}

/// A typo undone before the autosave (name "陈八" → "陈八x" → "陈八") leaves nothing to save,
/// but its keystroke draft had been written: it must not stay behind to be saved at the next
/// start as what the form no longer shows, nor leave the form saying 未保存.
#[wasm_bindgen_test]
async fn a_keystroke_undone_before_the_save_leaves_no_draft_of_it() {
    let (store, form, _handle) = open_saved_survey().await;
    type_into("survey-name", "陈八x");
    TimeoutFuture::new(100).await;
    type_into("survey-name", "陈八");
    TimeoutFuture::new(1_500).await;
    let state = by_testid("save-state").unwrap().inner_text();
    assert_ne!(state, field::i18n::UNSAVED.to_string(), "the form says its typing is unsaved");
    if let Some(draft) = field::services::survey::pending_draft(&store).await.unwrap() {
        assert_eq!(draft.form().unwrap().person.name, "陈八", "a draft of the undone keystroke");
    }
    // What the next start does with a draft left behind.
    field::services::survey::recover_draft(&store).await.unwrap();
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("name"), "陈八");
}

/// Text typed into a number field that is not a number stays on screen and marked. Choosing the
/// category draws the sections again (those whose place in the form changes): the text and its
/// mark must survive that, and 定稿 must not make the survey final with what the form holds while
/// the screen shows that text.
#[wasm_bindgen_test]
async fn text_that_is_not_a_number_survives_a_redrawn_section_and_stops_the_final_answer() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let _handle = mount_app(&store, "#/survey/new");
    wait_for(survey_form_built).await;
    // 从业人数, in 经营情况: with no category every section is shown; a business household's
    // form has neither 致富潜力 nor 创新潜力 before it, so its section is drawn two places up.
    let employees =
        || -> web_sys::HtmlInputElement { by_testid("survey-employees").unwrap().unchecked_into() };
    let marked = || employees().parent_element().unwrap().class_list().contains("invalid");
    let typed_in = employees();
    typed_in.set_value("十二个");
    typed_in.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_for(marked).await;
    choose("survey-category", "business_household");
    wait_for(|| by_testid("survey-wealth-potential").is_none()).await;
    TimeoutFuture::new(150).await;
    assert!(!typed_in.is_connected(), "the section was drawn again");
    assert_eq!(employees().value(), "十二个", "the text is shown again in the redrawn section");
    assert!(marked(), "and still marked");

    // 定稿 goes to the field instead of making the survey final.
    finalise().await;
    TimeoutFuture::new(1_500).await;
    let focused = document().active_element().and_then(|e| e.get_attribute("name"));
    assert_eq!(focused.as_deref(), Some("employees"));
    for survey in store.list(EntityKind::Survey).await.unwrap() {
        assert_eq!(survey.str_field("status"), "draft", "made final with a number not typed");
    }

    // A number typed over it is taken, and the mark goes.
    employees().set_value("12");
    employees().dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_for(|| !marked()).await;
    assert_eq!(employees().value(), "12");
}

/// `use_autosave` runs a form's saves one at a time, in the order asked, each told what the one
/// before left on disk. A slow save followed by a quick one used to run both at once, each told
/// the state from before either: the older could land last (and undo the newer on disk while
/// the form said saved), and a field put back during the first was never written.
#[wasm_bindgen_test]
async fn autosave_runs_saves_one_at_a_time_in_the_order_asked() {
    use field::hooks::use_autosave::{AutosaveOptions, use_autosave};
    use std::cell::RefCell;
    use std::rc::Rc;

    // (before, value) of each save as it starts, and each value as it ends.
    let started: Rc<RefCell<Vec<(u32, u32)>>> = Rc::default();
    let ended: Rc<RefCell<Vec<u32>>> = Rc::default();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let value = RwSignal::new(0_u32);
    type SaveNow = Rc<dyn Fn()>;
    let save_now: Rc<RefCell<Option<SaveNow>>> = Rc::default();
    let (s, e, now) = (started.clone(), ended.clone(), save_now.clone());
    let _handle = leptos::mount::mount_to(root, move || {
        let (s, e) = (s.clone(), e.clone());
        let autosave = use_autosave(
            value,
            AutosaveOptions {
                saved: 0_u32,
                enabled: true,
                delay_ms: 60_000,
                unsaved_source: "autosave-test",
                defaults_join_opened: true,
                draft: |_: u32, _: u32, _: u32| async {},
                save: move |before: u32, current: u32| {
                    let (s, e) = (s.clone(), e.clone());
                    async move {
                        s.borrow_mut().push((before, current));
                        // The first save is slow (a full disk retried, a slow tablet).
                        TimeoutFuture::new(if current == 1 { 400 } else { 10 }).await;
                        e.borrow_mut().push(current);
                        Ok::<(), String>(())
                    }
                },
                after: |_: &Result<(), String>| {},
            },
        );
        *now.borrow_mut() = Some(autosave.save_now.clone());
    });
    let save_now = save_now.borrow().clone().unwrap();
    value.set(1);
    save_now();
    TimeoutFuture::new(50).await;
    value.set(2);
    save_now();
    value.set(3);
    save_now();
    wait_for(|| ended.borrow().len() == 3).await;
    assert_eq!(*ended.borrow(), [1, 2, 3], "each ended in the order asked");
    assert_eq!(*started.borrow(), [(0, 1), (1, 2), (2, 3)], "each from what the one before left");
}

/// A save fails while the next is already asked for; the person then goes back to what was on
/// disk before both. That change is saved after the second save (which writes its own state):
/// before, the failed save told the form disk held its old state, so going back to it looked
/// like nothing to save, and the second save's state stayed stored, unseen.
#[wasm_bindgen_test]
async fn a_change_back_after_a_failed_save_is_saved_after_the_next_one() {
    use field::hooks::use_autosave::{AutosaveOptions, use_autosave};
    use std::cell::RefCell;
    use std::rc::Rc;

    let stored: Rc<RefCell<Vec<u32>>> = Rc::default();
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let value = RwSignal::new(0_u32);
    type SaveNow = Rc<dyn Fn()>;
    let save_now: Rc<RefCell<Option<SaveNow>>> = Rc::default();
    let (kept, now) = (stored.clone(), save_now.clone());
    let _handle = leptos::mount::mount_to(root, move || {
        let kept = kept.clone();
        let autosave = use_autosave(
            value,
            AutosaveOptions {
                saved: 0_u32,
                enabled: true,
                delay_ms: 60_000,
                unsaved_source: "autosave-failed-test",
                defaults_join_opened: true,
                draft: |_: u32, _: u32, _: u32| async {},
                save: move |_before: u32, current: u32| {
                    let kept = kept.clone();
                    async move {
                        TimeoutFuture::new(if current == 1 { 300 } else { 10 }).await;
                        if current == 1 {
                            return Err("磁盘已满".to_owned());
                        }
                        kept.borrow_mut().push(current);
                        Ok::<(), String>(())
                    }
                },
                after: |_: &Result<(), String>| {},
            },
        );
        *now.borrow_mut() = Some(autosave.save_now.clone());
    });
    let save_now = save_now.borrow().clone().unwrap();
    value.set(1);
    save_now();
    TimeoutFuture::new(50).await;
    value.set(2);
    save_now();
    // The first save fails (after 300 ms); then the person goes back to 0 and the form saves.
    TimeoutFuture::new(400).await;
    value.set(0);
    save_now();
    wait_for(|| stored.borrow().len() == 2).await;
    assert_eq!(*stored.borrow(), [2, 0], "the change back is saved after the second save");
}

/// A photo takes a while to process (正在处理照片…). The surveyor leaving the form meanwhile
/// disposed what the picker hands the photo to, and reading it then panicked: the whole app
/// died (the wasm build aborts on a panic) and the photo was on no record, unsaid. Now leaving
/// asks first; a surveyor who leaves anyway is told the photo was not added, and the app lives
/// on.
#[wasm_bindgen_test]
async fn a_photo_processed_after_its_form_was_left_is_said_not_added_and_the_app_lives_on() {
    let (store, form, _handle) = open_saved_survey().await;
    page::answer_confirm(true);
    let asked_before = page::questions_asked().len();
    let photo = page::camera_photo();
    page::pick(&by_testid("photo-input").unwrap(), &photo);
    wait_for(|| field::pwa::UnsavedInput::leave_question().is_some()).await;
    // Left at once, while the photo is being processed: asked first, and left.
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for(|| by_testid("people-count").is_some()).await;
    let asked = page::questions_asked();
    assert_eq!(asked.len(), asked_before + 1, "{asked:?}");
    assert_eq!(asked.last().unwrap(), field::i18n::LEAVE_PHOTO_PROCESSING.get());
    for _ in 0..200 {
        if by_testid("app-message").is_some() {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    let said = by_testid("app-message").expect("the photo not added is said").inner_text();
    assert!(said.contains(field::i18n::PHOTO_NOT_ADDED.get()), "{said}");
    // The app still works: the survey opens again, without the photo.
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(&format!("#/survey/{}", form.survey_id))
        .unwrap();
    wait_for(|| by_testid("photo-input").is_some()).await;
    assert!(by_testid("photo-thumb").is_none());
    let stored = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
    assert!(stored.get("photos").is_none_or(|p| p.as_array().is_none_or(Vec::is_empty)));
}

/// Asked before leaving while a photo is processed, the surveyor who stays gets the photo on
/// the survey: shown, and saved with it.
#[wasm_bindgen_test]
async fn staying_while_a_photo_is_processed_keeps_it_on_the_survey() {
    let (store, form, _handle) = open_saved_survey().await;
    let form_address = format!("#/survey/{}", form.survey_id);
    page::answer_confirm(false);
    let asked_before = page::questions_asked().len();
    page::pick(&by_testid("photo-input").unwrap(), &page::camera_photo());
    wait_for(|| field::pwa::UnsavedInput::leave_question().is_some()).await;
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for(|| page::questions_asked().len() > asked_before).await;
    // Stayed: the address is the form's again, and the photo arrives on it.
    assert_eq!(web_sys::window().unwrap().location().hash().unwrap(), form_address);
    wait_for(|| by_testid("photo-thumb").is_some()).await;
    assert!(by_testid("people-count").is_none(), "the list was not opened");
    assert_eq!(field::pwa::UnsavedInput::leave_question(), None, "processed: nothing to ask");
    for _ in 0..100 {
        let stored = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
        if stored.get("photos").and_then(serde_json::Value::as_array).is_some_and(|p| p.len() == 1)
        {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("the photo is saved with the survey");
}

/// Text a number field cannot hold is neither saved nor kept as a draft: leaving the form lost
/// it without a word (the header said 有未保存的修改, nothing asked). Leaving now asks first,
/// naming the field: staying keeps the form and the text where they were, leaving goes; a form
/// holding only numbers is left without a question.
#[wasm_bindgen_test]
async fn leaving_a_form_whose_number_field_holds_text_asks_first() {
    let (store, form, _handle) = open_saved_survey().await;
    let location = web_sys::window().unwrap().location();
    let form_address = format!("#/survey/{}", form.survey_id);
    let year = || -> web_sys::HtmlInputElement {
        by_testid("survey-birth-year").unwrap().unchecked_into()
    };
    page::answer_confirm(false);
    let asked_before = page::questions_asked().len();
    type_into("survey-birth-year", "19八5");
    wait_for(|| field::pwa::UnsavedInput::leave_question().is_some()).await;

    // The back button, or a link: asked, and the person stays.
    location.set_hash("#/people").unwrap();
    wait_for(|| page::questions_asked().len() > asked_before).await;
    let asked = page::questions_asked().last().unwrap().clone();
    let label = field::i18n::form_field_label("birth_year");
    assert!(asked.contains(&label), "the field is named: {asked}");
    TimeoutFuture::new(300).await;
    assert_eq!(location.hash().unwrap(), form_address, "the address is the form's again");
    assert!(by_testid("people-count").is_none(), "the list was not opened");
    assert_eq!(year().value(), "19八5", "the text is still there to be corrected");

    // Asked again, and the person leaves: the text was never saved.
    page::answer_confirm(true);
    location.set_hash("#/people").unwrap();
    wait_for(|| by_testid("people-count").is_some()).await;
    assert_eq!(page::questions_asked().len(), asked_before + 2);
    assert_eq!(field::pwa::UnsavedInput::leave_question(), None, "the form is gone");
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.get("birth_year"), None);

    // Numbers only: saved as typed, and left without a question.
    location.set_hash(&form_address).unwrap();
    wait_for(|| by_testid("survey-birth-year").is_some()).await;
    type_into("survey-birth-year", "1986");
    wait_for(|| by_testid("save-state").unwrap().inner_text() == field::i18n::SAVED_AT.get()).await;
    location.set_hash("#/people").unwrap();
    wait_for(|| by_testid("people-count").is_some()).await;
    assert_eq!(page::questions_asked().len(), asked_before + 2, "nothing to lose, nothing asked");
}

/// The person and survey saved on `store`, complete enough to be made final, of a business
/// household (the business questions shown, among them the number of employees).
async fn complete_survey(store: &Store) -> field::logic::survey_form::SurveyForm {
    use shared::model::*;
    let now = chrono::Local::now().naive_local();
    let mut form = field::logic::survey_form::SurveyForm::new(None, "测试员", now);
    form.person.name = "林海".into();
    form.person.gender = Some(Gender::Male);
    form.person.birth_year = Some(1970);
    form.person.phone = "13812345678".into();
    form.person.branch_id = "b1".into();
    form.person.village_unit = "东沙村".into();
    form.person.category = Some(Category::BusinessHousehold);
    form.survey.employment = Some(Employment::Fishery);
    form.survey.potential_level = Some(PotentialLevel::High);
    form.survey.wealth_potential = Some(PotentialLevel::High);
    form.survey.innovation_potential = Some(PotentialLevel::Medium);
    form.survey.trade = "水产批发".into();
    form.survey.turnover_band = Some(TurnoverBand::From500kTo1m);
    form.survey.employees = Some(4);
    field::services::survey::persist(store, &form).await.unwrap();
    form
}

async fn stored_status(store: &Store, survey: Uuid) -> String {
    store.get(EntityKind::Survey, survey).await.unwrap().unwrap().str_field("status").to_owned()
}

/// Text that is not a number left in a field whose section the category then hid: 定稿 went
/// on focusing that field, which was no longer there, and did nothing else, for good (no
/// error said, nothing saved). The hidden field's text goes with its section.
#[wasm_bindgen_test]
async fn finalising_after_the_category_hid_a_number_field_holding_text_makes_the_survey_final() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(survey_form_built).await;
    let employees: web_sys::HtmlInputElement =
        by_testid("survey-employees").unwrap().unchecked_into();
    employees.set_value("十二");
    employees.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_for(|| employees.parent_element().unwrap().class_list().contains("invalid")).await;
    choose("survey-category", "village_leader");
    wait_for(|| by_testid("survey-employees").is_none()).await;

    finalise().await;
    wait_for(|| by_testid("survey-final").is_some()).await;
    for _ in 0..40 {
        if stored_status(&store, form.survey_id).await == "final" {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    assert_eq!(stored_status(&store, form.survey_id).await, "final");
    assert!(by_testid("survey-errors").is_none());
}

/// A survey another window of the app has open (holding its lock) opens here to be read, not
/// typed into: said, its fields disabled, no keystroke draft written; the other window's draft
/// is left as it was. Once that window lets go, it can be typed into here without a tap.
#[wasm_bindgen_test]
async fn a_survey_open_in_another_window_opens_here_to_be_read_only() {
    use field::browser::locks::{Hold, try_hold};
    use field::services::survey;
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let Hold::Held(other_window) = try_hold(&survey::editing_lock(form.survey_id)).await else {
        panic!("the lock is free");
    };
    let mut typed = form.clone();
    typed.survey.notes = "另一个窗口正在填写".into();
    survey::write_draft(&store, &typed).await.unwrap();
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(|| by_testid("survey-open-elsewhere").is_some() && survey_form_built()).await;
    let body = document().query_selector("fieldset.form-body").unwrap().unwrap();
    assert!(body.has_attribute("disabled"), "nothing can be typed here");
    assert!(by_testid("survey-finalise").is_none());
    let notes = js_sys::Reflect::get(&by_testid("survey-notes").unwrap(), &"value".into()).unwrap();
    assert_eq!(notes.as_string().unwrap(), form.survey.notes, "as stored, not the other window's");
    let draft = survey::pending_draft(&store).await.unwrap().unwrap().form().unwrap();
    assert_eq!(draft.survey.notes, "另一个窗口正在填写", "the other window's draft is left");
    // Still read-only while the other window has it: then, once that window lets go (closed,
    // or left the survey), filled in here by itself, with that window's typing.
    TimeoutFuture::new(1_500).await;
    assert!(by_testid("survey-open-elsewhere").is_some(), "the other window still has it");
    other_window.let_go().await;
    wait_for(|| by_testid("survey-open-elsewhere").is_none() && survey_form_built()).await;
    let body = document().query_selector("fieldset.form-body").unwrap().unwrap();
    assert!(!body.has_attribute("disabled"), "filled in here now");
    let notes = js_sys::Reflect::get(&by_testid("survey-notes").unwrap(), &"value".into()).unwrap();
    assert_eq!(notes.as_string().unwrap(), "另一个窗口正在填写");
}

/// Say this page is out of sight (`hidden`) or on screen, as a tab sent to the background or
/// brought to the front does, `visibilitychange` included; `None` puts the browser's own back.
fn seem_hidden(hidden: Option<bool>) {
    let document = document();
    match hidden {
        Some(hidden) => {
            let descriptor = js_sys::Object::new();
            let state = if hidden { "hidden" } else { "visible" };
            js_sys::Reflect::set(&descriptor, &"value".into(), &state.into()).unwrap();
            js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
            js_sys::Reflect::define_property(&document, &"visibilityState".into(), &descriptor)
                .unwrap();
        }
        None => {
            js_sys::Reflect::delete_property(&document, &"visibilityState".into()).unwrap();
        }
    }
    document.dispatch_event(&web_sys::Event::new("visibilitychange").unwrap()).unwrap();
}

/// A window out of sight does not take a survey from the window in use when that one lets go
/// of it for a moment (a reload, its member's page and back): it waits until it is shown, then
/// finds the survey taken again and stays read-only; once the window in use lets go for good,
/// the survey is filled in here.
#[wasm_bindgen_test]
async fn a_window_out_of_sight_leaves_the_survey_to_the_window_in_use() {
    use field::browser::locks::{Hold, try_hold};
    use field::services::survey;
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let lock = survey::editing_lock(form.survey_id);
    let Hold::Held(in_use) = try_hold(&lock).await else { panic!("the lock is free") };
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(|| by_testid("survey-open-elsewhere").is_some()).await;
    seem_hidden(Some(true));
    // The window in use reloads: lets go, and takes the survey up again a moment later.
    in_use.let_go().await;
    TimeoutFuture::new(300).await;
    let Hold::Held(in_use) = try_hold(&lock).await else {
        seem_hidden(None);
        panic!("the window out of sight took the survey from the window in use");
    };
    TimeoutFuture::new(700).await;
    assert!(by_testid("survey-open-elsewhere").is_some());
    // Shown: it asks again, finds the survey taken, and stays read-only.
    seem_hidden(Some(false));
    TimeoutFuture::new(1_500).await;
    assert!(by_testid("survey-open-elsewhere").is_some(), "the window in use still has it");
    in_use.let_go().await;
    wait_for(|| by_testid("survey-open-elsewhere").is_none()).await;
    let body = document().query_selector("fieldset.form-body").unwrap().unwrap();
    assert!(!body.has_attribute("disabled"), "filled in here now");
    seem_hidden(None);
}

/// A survey left while another window had it: the wait for that window is given up with the
/// screen, so its letting go opens nothing here (the screen's own parts are gone: reaching for
/// them panicked) and leaves the survey free for whoever asks.
#[wasm_bindgen_test]
async fn a_survey_left_while_another_window_had_it_is_not_waited_for_any_more() {
    use field::browser::locks::{Hold, try_hold};
    use field::services::survey;
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let lock = survey::editing_lock(form.survey_id);
    let Hold::Held(other_window) = try_hold(&lock).await else { panic!("the lock is free") };
    // A panic in a task the app spawned is not this test's failure unless it is counted here
    // (in a release build it stops the app).
    assert!(
        !std::thread::panicking(),
        "a task an earlier test of this file left running panicked: no panic can be counted here"
    );
    static PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let before = std::sync::Arc::new(std::panic::take_hook());
    let chained = before.clone();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        chained(info);
    }));
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(|| by_testid("survey-open-elsewhere").is_some()).await;
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    wait_for(|| by_testid("survey-form").is_none()).await;
    // Not queued for the lock any more (`navigator.locks.query()`'s pending requests).
    let locks =
        js_sys::Reflect::get(&web_sys::window().unwrap().navigator(), &"locks".into()).unwrap();
    let query: js_sys::Function =
        js_sys::Reflect::get(&locks, &"query".into()).unwrap().unchecked_into();
    let state =
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(query.call0(&locks).unwrap()))
            .await
            .unwrap();
    let pending: js_sys::Array = js_sys::Reflect::get(&state, &"pending".into()).unwrap().into();
    let waiting = pending.iter().any(|request| {
        js_sys::Reflect::get(&request, &"name".into()).unwrap().as_string() == Some(lock.clone())
    });
    assert!(!waiting, "the screen left still waits for the survey's lock");
    other_window.let_go().await;
    TimeoutFuture::new(500).await;
    let Hold::Held(here) = try_hold(&lock).await else {
        panic!("the survey is still held: the wait for it was not given up")
    };
    drop(here);
    assert!(by_testid("survey-form").is_none(), "the survey left was not opened again");
    std::panic::set_hook(Box::new(move |info| before(info)));
    assert_eq!(PANICS.load(std::sync::atomic::Ordering::SeqCst), 0, "the wait outlived its screen");
}

/// A number field holding text that is not a number, still shown: the error list names it
/// (its input may be out of sight), and the header does not say saved.
#[wasm_bindgen_test]
async fn finalising_with_text_in_a_number_field_names_the_field_in_the_error_list() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(survey_form_built).await;
    let employees: web_sys::HtmlInputElement =
        by_testid("survey-employees").unwrap().unchecked_into();
    employees.set_value("十二");
    employees.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    finalise().await;
    wait_for(|| by_testid("survey-error-not-a-number").is_some()).await;
    let said = by_testid("survey-error-not-a-number").unwrap().inner_text();
    assert!(said.contains(&field::i18n::form_field_label("employees")), "{said}");
    assert_eq!(
        by_testid("save-state").unwrap().inner_text(),
        field::i18n::UNSAVED_NOT_A_NUMBER.get()
    );
    assert!(by_testid("survey-final").is_none());
    assert_eq!(stored_status(&store, form.survey_id).await, "draft");
}

/// 已定稿 showed from the form's own value, set before the save: a finalising save that failed
/// showed the failure and 已定稿 side by side. It shows once a save of the final survey
/// succeeded.
#[wasm_bindgen_test]
async fn a_finalising_save_that_fails_does_not_say_finalised() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let form = complete_survey(&store).await;
    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(survey_form_built).await;
    assert!(by_testid("survey-final").is_none());
    // Every write from now on fails.
    store.clone().close();
    finalise().await;
    let failed = || {
        by_testid("save-state").is_some_and(|s| {
            let said = s.inner_text();
            !said.is_empty()
                && said != field::i18n::SAVING.get()
                && said != field::i18n::UNSAVED.get()
                && said != field::i18n::SAVED_AT.get()
        })
    };
    // Not at once either: 已定稿 must never show for this save.
    for _ in 0..100 {
        assert!(by_testid("survey-final").is_none(), "已定稿 beside a failed save");
        if failed() {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    assert!(failed(), "the failure is said: {}", by_testid("save-state").unwrap().inner_text());
    TimeoutFuture::new(200).await;
    assert!(by_testid("survey-final").is_none(), "已定稿 beside a failed save");
}

/// A number typed and not left yet (出生年份 1985, the cursor still in it) was in neither the
/// form, nor the keystroke draft, nor the save, while the header said 草稿已自动保存: a killed
/// tab lost it. It is saved as it is typed; text that is not a number is said unsaved.
#[wasm_bindgen_test]
async fn a_number_being_typed_is_saved_and_text_that_is_not_one_is_not_said_saved() {
    let (store, form, _handle) = open_saved_survey().await;
    let year = || -> web_sys::HtmlInputElement {
        by_testid("survey-birth-year").unwrap().unchecked_into()
    };
    let stored_year = || {
        let (store, id) = (store.clone(), form.person_id);
        async move {
            let person = store.get(EntityKind::Person, id).await.unwrap().unwrap();
            person.get("birth_year").and_then(serde_json::Value::as_i64)
        }
    };
    // Typed, no `change` (the field not left).
    type_into("survey-birth-year", "1985");
    for _ in 0..60 {
        if stored_year().await == Some(1985) {
            break;
        }
        TimeoutFuture::new(50).await;
    }
    assert_eq!(stored_year().await, Some(1985), "the number typed is saved");
    wait_for(|| by_testid("save-state").unwrap().inner_text() == field::i18n::SAVED_AT.get()).await;
    assert_eq!(year().value(), "1985");

    // Text that is not a number, still typing: marked, and not said saved; the form goes back
    // to what it held before this typing began (the field empty), never keeping a number the
    // typing passed through (the "1" of "1,200").
    type_into("survey-birth-year", "19八5");
    wait_for(|| year().parent_element().unwrap().class_list().contains("invalid")).await;
    wait_for(|| {
        by_testid("save-state").unwrap().inner_text() == field::i18n::UNSAVED_NOT_A_NUMBER.get()
    })
    .await;
    assert!(field::pwa::UnsavedInput::any(), "an update of the app would not reload over it");
    TimeoutFuture::new(1_200).await;
    assert_eq!(
        by_testid("save-state").unwrap().inner_text(),
        field::i18n::UNSAVED_NOT_A_NUMBER.get()
    );
    assert_eq!(year().value(), "19八5", "the text stays on screen");
    assert_eq!(stored_year().await, None, "what the field held before this typing");

    // A number again: saved, and said saved.
    type_into("survey-birth-year", "1986");
    wait_for(|| by_testid("save-state").unwrap().inner_text() == field::i18n::SAVED_AT.get()).await;
    assert_eq!(stored_year().await, Some(1986));
    assert_eq!(year().value(), "1986");
    // The field left: 1986 is what it holds now. Typed again, key by key, into "1,200": the "1"
    // of its first key is not what stays.
    let input = year();
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    type_into("survey-birth-year", "1");
    type_into("survey-birth-year", "1,");
    type_into("survey-birth-year", "1,200");
    wait_for(|| year().parent_element().unwrap().class_list().contains("invalid")).await;
    TimeoutFuture::new(1_200).await;
    assert_eq!(stored_year().await, Some(1986), "the number before this typing, not its \"1\"");
    assert_eq!(year().value(), "1,200");
}

/// The office's new phone was pulled while the form still showed the old one; the surveyor
/// typed 备注 and the browser was killed before the save. Reopening the survey showed the
/// draft whole (the old phone) and saved it as typed: the office's phone was put back on every
/// device without a conflict or a word. The form shows what is stored with only the draft's
/// typing over it, and saves only that typing.
#[wasm_bindgen_test]
async fn a_form_reopened_on_a_draft_keeps_the_phone_the_office_changed_meanwhile() {
    use field::logic::survey_form::FormTouched;
    use serde_json::json;
    use shared::hlc::Hlc;
    use shared::op::{OpContext, Operation};

    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let mut form = saved_survey(&store).await;
    let opened = field::services::survey::open(&store, Some(form.survey_id), None).await.unwrap();
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    let office = OpContext { device_id: Uuid::new_v4(), author: "办公室".into() };
    let fix = Operation::upsert(
        &office,
        Hlc::new(js_sys::Date::now() as u64 + 1_000, 0, "office"),
        EntityKind::Person,
        form.person_id,
        &person.branch_id,
        Some(&person),
        vec![("phone".to_owned(), json!("13911112222"))],
    );
    store.apply_remote(std::slice::from_ref(&fix)).await.unwrap();
    // The form (still showing 13800000000) kept the typing of 备注 as its keystroke draft.
    form.survey.notes = "下午再访".into();
    let touched = FormTouched { person: Default::default(), survey: ["notes".to_owned()].into() };
    let over = opened.clocks.only(&touched);
    field::services::survey::write_edit_draft(&store, &form, Some(&touched), Some(&over))
        .await
        .unwrap();

    let _handle = mount_app(&store, &format!("#/survey/{}", form.survey_id));
    wait_for(|| {
        by_testid("survey-phone")
            .is_some_and(|e| e.unchecked_into::<web_sys::HtmlInputElement>().value() != "")
    })
    .await;
    let shown = by_testid("survey-phone").unwrap().unchecked_into::<web_sys::HtmlInputElement>();
    assert_eq!(shown.value(), "13911112222", "the form shows the office's phone");
    let mut survey = None;
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        let stored = store.get(EntityKind::Survey, form.survey_id).await.unwrap().unwrap();
        if stored.str_field("notes") == "下午再访" {
            survey = Some(stored);
            break;
        }
    }
    assert!(survey.is_some(), "the typing is saved");
    TimeoutFuture::new(1_000).await;
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("phone"), "13911112222", "the office's phone is kept");
    assert!(store.conflicts().await.unwrap().is_empty(), "nothing typed over it");
}

/// A letter typed, its save under way (the outbox copy's wait can last seconds), and the
/// letter deleted meanwhile: the form then equals what was on disk before that save, so no
/// save was asked for; the save ended saying 未保存 for good, and its draft (nothing typed
/// "since" the old state) let a crash bring the letter back. The undo is saved after the save
/// under way.
#[wasm_bindgen_test]
async fn a_keystroke_undone_while_its_save_runs_is_saved_too() {
    let (store, form, _handle) = open_saved_survey().await;
    type_into("survey-name", "陈八x");
    // Wait for the save to start, and undo the letter while it runs.
    let saving = field::i18n::SAVING.to_string();
    let mut caught = false;
    for _ in 0..2_000 {
        if by_testid("save-state").is_some_and(|e| e.inner_text() == saving) {
            caught = true;
            break;
        }
        TimeoutFuture::new(1).await;
    }
    assert!(caught, "the save was not seen under way");
    type_into("survey-name", "陈八");
    let mut name = String::new();
    for _ in 0..40 {
        TimeoutFuture::new(100).await;
        name = store
            .get(EntityKind::Person, form.person_id)
            .await
            .unwrap()
            .unwrap()
            .str_field("name")
            .to_owned();
        let state = by_testid("save-state").unwrap().inner_text();
        if name == "陈八" && state == field::i18n::SAVED_AT.get() {
            break;
        }
    }
    assert_eq!(name, "陈八", "the undo is saved");
    assert_eq!(by_testid("save-state").unwrap().inner_text(), field::i18n::SAVED_AT.to_string());
    // Nothing left for a crash to bring the letter back with.
    field::services::survey::recover_draft(&store).await.unwrap();
    let person = store.get(EntityKind::Person, form.person_id).await.unwrap().unwrap();
    assert_eq!(person.str_field("name"), "陈八");
}

/// A new survey reloaded before its first save completed opened a blank 新建调查 (its address
/// was still `#/survey/new`), while the start saved the draft silently: the work looked lost,
/// was typed again, and made a second member. The address is the survey's own from its first
/// kept keystroke, replaced in place (no extra step back).
#[wasm_bindgen_test]
async fn a_new_survey_has_its_own_address_from_its_first_keystroke() {
    let store = Store::open(&format!("ui-{}", Uuid::new_v4())).await.unwrap();
    store.set_author("测试员").await.unwrap();
    let handle = mount_app(&store, "#/survey/new");
    wait_for(survey_form_built).await;
    let steps = web_sys::window().unwrap().history().unwrap().length().unwrap();
    type_into("survey-name", "陈九");
    let hash = || web_sys::window().unwrap().location().hash().unwrap();
    // Before the save (700 ms after the keystroke).
    for _ in 0..40 {
        if hash() != "#/survey/new" {
            break;
        }
        TimeoutFuture::new(10).await;
    }
    let draft = field::services::survey::pending_draft(&store).await.unwrap().expect("a draft");
    assert_eq!(hash(), format!("#/survey/{}", draft.survey_id), "the survey's own address");
    assert_eq!(store.list(EntityKind::Survey).await.unwrap().len(), 0, "before any save");
    let history = web_sys::window().unwrap().history().unwrap();
    assert_eq!(history.length().unwrap(), steps, "no extra step back");

    // The app started again on that address: the survey, not a blank form.
    let address = hash();
    drop(handle);
    let _again = mount_app(&store, &address);
    wait_for(|| {
        by_testid("survey-name")
            .is_some_and(|e| e.unchecked_into::<web_sys::HtmlInputElement>().value() == "陈九")
    })
    .await;
    assert_eq!(store.list(EntityKind::Person).await.unwrap().len(), 1, "one member");
}

/// A save made as the form was left that fails for any reason (not only a full disk) is said
/// in the app-wide message line: the form that would say it is gone.
#[wasm_bindgen_test]
async fn a_save_that_fails_as_the_form_is_left_is_said() {
    let (store, _form, _handle) = open_saved_survey().await;
    type_into("survey-name", "陈八妹");
    // Every write from now on fails; the form is left before its save.
    store.clone().close();
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    let marker = "\u{1}";
    let said = field::i18n::left_unsaved(marker);
    let start = said.split(marker).next().unwrap().trim_end_matches('\u{2068}').to_owned();
    wait_for(|| by_testid("app-message").is_some_and(|e| e.inner_text().contains(&start))).await;
}

/// When the typing's own draft could not be written either (every write failing from before the
/// first keystroke: a full disk), the message does not say the typing is kept on the tablet.
#[wasm_bindgen_test]
async fn a_failed_leaving_save_whose_typing_was_not_kept_does_not_say_it_was() {
    let (store, _form, _handle) = open_saved_survey().await;
    store.clone().close();
    type_into("survey-name", "陈八妹");
    TimeoutFuture::new(100).await;
    web_sys::window().unwrap().location().set_hash("#/people").unwrap();
    let marker = "\u{1}";
    let lost = field::i18n::left_unsaved_lost(marker);
    let lost_end = lost.split(marker).nth(1).unwrap().trim_start_matches('\u{2069}').to_owned();
    wait_for(|| by_testid("app-message").is_some_and(|e| e.inner_text().contains(&lost_end))).await;
    let kept = field::i18n::left_unsaved(marker);
    let kept_end = kept.split(marker).nth(1).unwrap().trim_start_matches('\u{2069}').to_owned();
    assert!(!by_testid("app-message").unwrap().inner_text().contains(&kept_end));
}
