//! The survey form (调查摸底表): identity of the member plus every question of DOMAIN.md step 1
//! that applies to the member's category. Drafts save themselves while typing (debounced, so a
//! reload or a killed tab loses at most the last second); "定稿" validates strictly first.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shared::model::{GeoPoint, SurveyStatus, sections_for};
use uuid::Uuid;

use crate::app::{AppCtx, use_app};
use crate::browser::{geolocation, page};
use crate::components::photo::PhotoPicker;
use crate::i18n as t;
use crate::logic::route::Route;
use crate::logic::survey_form::SurveyForm;
use crate::logic::validation::form_errors;
use crate::pwa::UnsavedInput;
use crate::screens::survey_sections::section_view;
use crate::services::{delivery, survey};
use crate::store::StoreError;
use crate::sync::use_sync;

/// Autosave delay after the last keystroke.
const AUTOSAVE_MS: u32 = 700;
/// The name this form marks unsaved input under (read by the update banner).
const UNSAVED_SOURCE: &str = "survey-form";

#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Clean,
    Dirty,
    Saving,
    Saved,
    Failed(String),
}

/// Save through the service, reading the store from the context.
async fn persist(ctx: AppCtx, form: &SurveyForm) -> Result<(), StoreError> {
    survey::persist(&ctx.store(), form).await
}

#[component]
pub fn SurveyFormScreen(survey_id: Option<Uuid>, person_id: Option<Uuid>) -> impl IntoView {
    let ctx = use_app();
    let loaded = LocalResource::new(move || {
        let store = ctx.store();
        async move { survey::load(&store, survey_id, person_id).await }
    });
    view! {
        {move || match loaded.get() {
            None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="message error" role="alert">{e}</p> }.into_any(),
            Some(Ok(form)) => view! { <SurveyEditor initial=form /> }.into_any(),
        }}
    }
}

#[component]
fn SurveyEditor(initial: SurveyForm) -> impl IntoView {
    let ctx = use_app();
    let engine = use_sync();
    // The county viewer reads; nothing it could type would be accepted, so there is no form to
    // type into and nothing is saved.
    let read_only =
        engine.session.with_untracked(|s| s.as_ref().is_some_and(|s| !s.account.role.writes()));
    let is_new_url = initial.clone();
    let form = RwSignal::new(initial.clone());
    let state = RwSignal::new(SaveState::Clean);
    let attempted = RwSignal::new(false);
    // What is on disk, so unchanged values never trigger a save.
    let saved: Rc<RefCell<SurveyForm>> = Rc::new(RefCell::new(initial.clone()));
    // The latest form state, kept outside the reactive graph so leaving the screen can still
    // save it after the signals are gone.
    let latest: Rc<RefCell<SurveyForm>> = Rc::new(RefCell::new(initial));
    let timer: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));

    let save_now = {
        let saved = saved.clone();
        let latest = latest.clone();
        let timer = timer.clone();
        move || {
            timer.borrow_mut().take();
            let current = latest.borrow().clone();
            if *saved.borrow() == current {
                return;
            }
            state.try_set(SaveState::Saving);
            let saved = saved.clone();
            let latest = latest.clone();
            leptos::task::spawn_local(async move {
                match persist(ctx, &current).await {
                    Ok(()) => {
                        *saved.borrow_mut() = current.clone();
                        let clean = *latest.borrow() == current;
                        state.try_set(if clean { SaveState::Saved } else { SaveState::Dirty });
                        UnsavedInput::set(UNSAVED_SOURCE, !clean);
                    }
                    Err(err) => {
                        // Everything typed stays in the form; the next edit tries again.
                        if err.is_storage_full() {
                            ctx.message.set(Some(err.to_string()));
                        }
                        state.try_set(SaveState::Failed(err.to_string()));
                    }
                }
                ctx.refresh_pending();
            });
        }
    };
    let save_now = Rc::new(save_now);

    // Debounced autosave: every change restarts the timer.
    {
        let saved = saved.clone();
        let timer = timer.clone();
        let save_now = save_now.clone();
        let latest = latest.clone();
        Effect::new(move |_| {
            let current = form.get();
            *latest.borrow_mut() = current.clone();
            if read_only || *saved.borrow() == current {
                return;
            }
            // Every keystroke is kept at once (one small write); the records follow debounced.
            let store = ctx.store();
            let typed = current.clone();
            leptos::task::spawn_local(async move {
                if let Err(e) = survey::write_draft(&store, &typed).await {
                    log::warn!("the keystroke draft was not written: {e}");
                }
            });
            state.set(SaveState::Dirty);
            UnsavedInput::mark(UNSAVED_SOURCE);
            let save_now = save_now.clone();
            *timer.borrow_mut() = Some(Timeout::new(AUTOSAVE_MS, move || save_now()));
        });
    }
    // Leaving the form saves at once; so does the page being hidden or closed (the tablet
    // switching apps, the browser being closed), when a pending timer might never fire.
    {
        let save_now = send_wrapper::SendWrapper::new(save_now.clone());
        on_cleanup(move || (*save_now)());
    }
    {
        let save_now = save_now.clone();
        let listener = page::on_hide(move || save_now());
        let listener = send_wrapper::SendWrapper::new(listener);
        on_cleanup(move || drop(listener));
    }
    // A member the server already has keeps their branch: shown, not offered for change. Read
    // again whenever the delivery counts move (the record may have just been delivered). A
    // signal, not a resource: a resource read here would suspend the form around it and
    // rebuild every field under the surveyor's finger each time the counts move.
    let person_id = is_new_url.person_id;
    let branch_fixed = RwSignal::new(false);
    Effect::new(move |_| {
        engine.counts.track();
        let store = ctx.store();
        leptos::task::spawn_local(async move {
            let fixed = survey::branch_fixed(&store, person_id).await;
            if branch_fixed.try_get_untracked() != Some(fixed) {
                branch_fixed.try_set(fixed);
            }
        });
    });
    let branch_fixed: Signal<bool> = branch_fixed.into();
    // What the server would refuse, said while still at the door (the same rules, the same words).
    let refusal = Signal::derive(move || {
        let branch = form.with(|f| f.branch_id().to_owned());
        engine.session.with(|s| {
            s.as_ref().and_then(|s| {
                delivery::refusal_for(&s.account, shared::record::EntityKind::Person, &branch)
            })
        })
    });
    // A new survey gets its own address once it exists, so a reload reopens it.
    let survey_href = Route::Survey(is_new_url.survey_id).href();
    Effect::new(move |_| {
        if matches!(state.get(), SaveState::Saved)
            && matches!(ctx.route.get_untracked(), Route::NewSurvey(_))
            && let Some(w) = web_sys::window()
        {
            let _ = w.history().and_then(|h| {
                h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&survey_href))
            });
        }
    });

    let errors = Signal::derive(move || {
        if attempted.get() {
            form.with(|f| form_errors(f, true))
        } else {
            form.with(|f| form_errors(f, false))
        }
    });
    let finalise = {
        let save_now = save_now.clone();
        move |_| {
            attempted.set(true);
            if !form.with_untracked(|f| form_errors(f, true)).is_empty() {
                return;
            }
            form.update(|f| f.survey.status = SurveyStatus::Final);
            *latest.borrow_mut() = form.get_untracked();
            save_now();
        }
    };

    // The sections change with the category only: a keystroke patches its own field and never
    // rebuilds the form (which would drop the focus and re-create every input).
    let sections = Memo::new(move |_| form.with(|f| sections_for(f.person.category)));
    view! {
        <form class="survey" data-testid="survey-form" on:submit=|ev| ev.prevent_default()>
            <div class="form-head">
                <h2>{t::SURVEY_TITLE}</h2>
                <span class="save-state" data-testid="save-state">{move || match state.get() {
                    SaveState::Clean => String::new(),
                    SaveState::Dirty => t::UNSAVED.to_owned(),
                    SaveState::Saving => t::SAVING.to_owned(),
                    SaveState::Saved => t::SAVED_AT.to_owned(),
                    SaveState::Failed(e) => e,
                }}</span>
                // The member's own page, once the form has a name for them.
                {move || {
                    let name = form.with(|f| f.person.name.trim().to_owned());
                    (!name.is_empty()).then(|| view! {
                        <a class="link" href=Route::Person(form.with_untracked(|f| f.person_id)).href()>{name}</a>
                    })
                }}
            </div>
            {read_only.then(|| view! { <p class="message info" data-testid="read-only">{crate::i18n::outbox::READ_ONLY}</p> })}
            {move || refusal.get().map(|m| view! {
                <p class="message error" role="alert" data-testid="survey-policy-error">{m}</p>
            })}
            <Show when=move || form.with(|f| f.is_final())>
                <p class="message info" data-testid="survey-final">{t::FINALISED}</p>
            </Show>
            {move || form.with(|f| {
                let changes = f.survey_changes();
                let values: Vec<(String, String)> = f
                    .kept_map()
                    .iter()
                    .filter(|(field, value)| changes.iter().any(|(c, v)| c == *field && v == *value))
                    .map(|(field, value)| (t::form_field_label(field), value.to_string()))
                    .collect();
                (!values.is_empty()).then(|| view! {
                    <p class="message warn" data-testid="survey-kept-values">{t::kept_values(&values)}</p>
                })
            })}
            {form.with_untracked(|f| {
                f.migration_note.as_ref().map(|note| {
                    let words = shared::form::describe_history(note, &t::form_field_label)
                        .unwrap_or_default();
                    view! { <p class="message info" data-testid="survey-form-migrated">{t::form_migrated(&words)}</p> }
                })
            })}
            <Show when=move || attempted.get() && !errors.with(Vec::is_empty)>
                <div class="message error" role="alert" data-testid="survey-errors">
                    {t::FIX_ERRORS}
                    <ul>{move || errors.get().into_iter().map(|(_, m)| view! { <li>{m}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <fieldset class="form-body" disabled=read_only>
                {move || sections.get().into_iter().map(|s| section_view(s, form, errors, branch_fixed)).collect_view()}
                <Location form=form />
                <Photos form=form />
            </fieldset>
            {(!read_only).then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary" data-testid="survey-finalise" on:click=finalise>
                        {t::FINALISE}
                    </button>
                </div>
            })}
        </form>
    }
}

/// The GPS button and the recorded position.
#[component]
fn Location(form: RwSignal<SurveyForm>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let locate = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match geolocation::current_position().await {
                Ok(fix) => form.update(|f| {
                    f.survey.gps = Some(GeoPoint {
                        lat: fix.lat,
                        lon: fix.lon,
                        accuracy_m: Some(fix.accuracy),
                    })
                }),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <fieldset class="section" data-section="gps">
            <legend>{t::LOCATION}</legend>
            <button type="button" class="button" data-testid="survey-gps" on:click=locate disabled=move || busy.get()>
                {move || if busy.get() { t::GPS_LOCATING } else { t::GPS_BUTTON }}
            </button>
            {move || form.with(|f| f.survey.gps).map(|g| view! {
                <span class="gps" data-testid="survey-gps-value">{t::gps_fix(g.lat, g.lon, g.accuracy_m)}</span>
                <button type="button" class="link" data-testid="survey-gps-clear"
                    on:click=move |_| form.update(|f| f.survey.gps = None)>{t::GPS_CLEAR}</button>
            })}
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </fieldset>
    }
}

/// The survey's photos.
#[component]
fn Photos(form: RwSignal<SurveyForm>) -> impl IntoView {
    view! {
        <fieldset class="section" data-section="photos">
            <legend>{t::PHOTOS}</legend>
            <PhotoPicker
                photos=Signal::derive(move || form.with(|f| f.survey.photos.clone()))
                on_add=move |photo| form.update(|f| f.survey.photos.push(photo))
                on_remove=move |sha: String| form.update(|f| f.survey.photos.retain(|p| p.sha256 != sha))
                input_testid="photo-input"
            />
        </fieldset>
    }
}
