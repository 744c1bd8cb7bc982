//! The survey form (调查摸底表): identity of the member plus every question of DOMAIN.md step 1
//! that applies to the member's category. Drafts save themselves while typing (debounced, so a
//! reload or a killed tab loses at most the last second); "定稿" validates strictly first.

use std::cell::RefCell;
use std::rc::Rc;

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::{Section, SurveyStatus, sections_for};
use uuid::Uuid;

use crate::browser::{location, page};
use crate::components::fields::FormChecks;
use crate::components::gps::GpsField;
use crate::components::loaded::Loaded;
use crate::components::photo::PhotoPicker;
use crate::context::use_app;
use crate::hooks::use_autosave::{AutosaveOptions, SaveState, use_autosave};
use crate::hooks::use_loader::Loader;
use crate::hooks::use_unfold::{Unfold, use_unfold};
use crate::i18n as t;
use crate::logic::forms::today;
use crate::logic::route::Route;
use crate::logic::survey_form::{SectionProgress, SurveyForm};
use crate::logic::validation::form_errors;
use crate::pwa::UnsavedInput;
use crate::screens::survey_sections::section_view;
use crate::services::{conflicts, delivery, survey};
use crate::store::StoreError;

/// Autosave delay after the last keystroke.
const AUTOSAVE_MS: u32 = 700;
/// The name this form marks unsaved input under (read by the update banner).
const UNSAVED_SOURCE: &str = "survey-form";
/// The name it marks text that is not a number under: input no save can take.
const NOT_A_NUMBER_SOURCE: &str = "survey-form-not-a-number";

#[component]
pub fn SurveyFormScreen(survey_id: Option<Uuid>, person_id: Option<Uuid>) -> impl IntoView {
    let ctx = use_app();
    let loaded = Loader::new(move || {
        let store = ctx.store();
        async move {
            // A draft being saved at start-up is read once it is saved (both read the same
            // draft; they must not disagree on it).
            crate::app::typing_recovered().await;
            if ctx.session_now().writes() {
                survey::open_to_edit(&store, survey_id, person_id).await
            } else {
                // A reader (the county) edits nothing: no window's typing to keep apart.
                let opened = survey::open(&store, survey_id, person_id).await?;
                Ok((opened, survey::Editor::Here(None)))
            }
        }
    });
    // Opened again (a survey another window had, once that window is closed).
    let reopen = Callback::new(move |()| loaded.refetch());
    view! { <Loaded resource=loaded let:opened><SurveyEditor opened=opened.0 editor=opened.1 reopen=reopen /></Loaded> }
}

#[component]
fn SurveyEditor(
    opened: survey::OpenedSurvey,
    editor: survey::Editor,
    reopen: Callback<()>,
) -> impl IntoView {
    let survey::OpenedSurvey { form: initial, on_disk, clocks, nothing_stored } = opened;
    let ctx = use_app();
    // The county viewer reads; nothing it could type would be accepted, so there is no form to
    // type into and nothing is saved. Nor is a survey another window of the app has open typed
    // into here (`survey::Editor`).
    let open_elsewhere = editor.elsewhere();
    let read_only = !ctx.session_now().writes() || open_elsewhere;
    // Opened again by itself, to be filled in here, once the other window lets go of it (and
    // this one is on screen). `try_run`: this screen may be gone by then.
    let waiting = open_elsewhere
        .then(|| {
            survey::when_let_go(initial.survey_id, move || {
                let _ = reopen.try_run(());
            })
        })
        .flatten();
    let waiting = send_wrapper::SendWrapper::new(waiting);
    on_cleanup(move || drop(waiting));
    // This window's hold on the survey: kept by the form, and by each save (below), so the save
    // made as the form is left ends before another window may take the survey up.
    let editor = send_wrapper::SendWrapper::new(editor);
    let editing = editor.clone();
    on_cleanup(move || drop(editor));
    let is_new_url = initial.clone();
    let form = RwSignal::new(initial);
    let attempted = RwSignal::new(false);
    let store = ctx.store();
    // The clocks of the values the form shows (what typing overwrites), brought up to date by
    // each save (`use_autosave` runs them one at a time, so each types over what the one before
    // saved).
    let clocks = Rc::new(RefCell::new(clocks));
    // Values changed elsewhere while the form was open and then typed over (field, other value).
    let overwritten = RwSignal::new(Vec::<(String, String)>::new());
    // Whether the survey on disk is final: 已定稿 is said from what a save wrote, never from the
    // form's own value (set before the save, which may fail).
    let saved_final = RwSignal::new(on_disk.is_final());
    // A new survey gets its own address as soon as its first keystroke is kept (its id is fixed
    // from the start), so a reload before the first save reopens it rather than a blank form.
    // Whether the form is still on screen (a save ending after it was left is said app-wide).
    let left = Rc::new(std::cell::Cell::new(false));
    {
        let left = send_wrapper::SendWrapper::new(left.clone());
        on_cleanup(move || left.set(true));
    }
    // Whether the last keystroke draft could not be written (a full disk): a save failing as
    // the form is left then cannot say the typing is kept.
    let draft_lost = Rc::new(std::cell::Cell::new(false));
    let survey_href = Route::Survey(is_new_url.survey_id).href();
    let addressed = Rc::new(std::cell::Cell::new(false));
    let give_address = {
        let left = left.clone();
        move || {
            // Only while this form is on screen: a draft written after the surveyor went on to
            // another new survey must not give that form this survey's address.
            if !left.get()
                && !addressed.replace(true)
                && matches!(ctx.route.try_get_untracked(), Some(Route::NewSurvey(_)))
            {
                location::replace(&survey_href);
            }
        }
    };
    let autosave = use_autosave(
        form,
        AutosaveOptions {
            saved: on_disk,
            enabled: !read_only,
            delay_ms: AUTOSAVE_MS,
            unsaved_source: UNSAVED_SOURCE,
            defaults_join_opened: nothing_stored,
            draft: {
                let (store, clocks, give_address, draft_lost) =
                    (store.clone(), clocks.clone(), give_address.clone(), draft_lost.clone());
                move |saved: SurveyForm, aim: SurveyForm, typed: SurveyForm| {
                    let (store, give_address, draft_lost) =
                        (store.clone(), give_address.clone(), draft_lost.clone());
                    // What was typed since the last save, and over what: what recovering the
                    // draft saves, and how. Also what differs from a save under way (a change
                    // undone back to what was on disk before it: that save would else stay).
                    let mut touched = typed.touched_since(&saved);
                    let since_aim = typed.touched_since(&aim);
                    touched.person.extend(since_aim.person);
                    touched.survey.extend(since_aim.survey);
                    let over = clocks.borrow().only(&touched);
                    async move {
                        let written =
                            survey::write_edit_draft(&store, &typed, Some(&touched), Some(&over));
                        match written.await {
                            Ok(()) => {
                                draft_lost.set(false);
                                give_address();
                            }
                            Err(e) => {
                                draft_lost.set(true);
                                log::warn!("the keystroke draft was not written: {e}");
                            }
                        }
                    }
                }
            },
            save: move |saved: SurveyForm, current: SurveyForm| {
                let (store, clocks, editing) = (store.clone(), clocks.clone(), editing.clone());
                async move {
                    // Only what was typed on this form is written into records that exist: a
                    // field changed meanwhile elsewhere (a pull, another tab) is not put back,
                    // and one typed over is saved as a conflict with that change.
                    let touched = current.touched_since(&saved);
                    let mut seen = clocks.borrow().clone();
                    let persisted =
                        survey::persist_edit(&store, &current, Some(&touched), Some(&mut seen));
                    let persisted = persisted.await;
                    // Written: another window may take the survey up once the form is gone.
                    drop(editing);
                    *clocks.borrow_mut() = seen;
                    let conflicts = persisted?;
                    if !conflicts.is_empty()
                        && overwritten
                            .try_update(|shown| conflicts::note_overwritten(shown, &conflicts))
                            .is_none()
                    {
                        // The save made as the form was left: said on the screen shown now.
                        let mut shown = Vec::new();
                        conflicts::note_overwritten(&mut shown, &conflicts);
                        ctx.message.try_set(Some(t::overwritten_values(&shown)));
                    }
                    // Said saved once the outbox's copy outside IndexedDB holds it too.
                    crate::sync::mirror::flushed(&store).await;
                    // 已定稿 from what was just saved (the form may be gone: `try_`).
                    saved_final.try_set(current.is_final());
                    Ok(())
                }
            },
            after: move |result: &Result<(), StoreError>| {
                // A save that fails while the form is shown says so in its header; one made as
                // the form was left has no header left to say it in: said app-wide, whatever
                // the reason (storage full is said app-wide anyway).
                if let Err(err) = result {
                    if left.get() && draft_lost.get() {
                        // Nor was the last typing kept: the person must not be told it was.
                        ctx.message.set(Some(t::left_unsaved_lost(&err.to_string())));
                    } else if left.get() {
                        ctx.message.set(Some(t::left_unsaved(&err.to_string())));
                    } else if err.is_storage_full() {
                        ctx.message.set(Some(err.to_string()));
                    }
                }
                ctx.refresh_pending();
            },
        },
    );
    let state = autosave.state;
    // A member the server already has keeps their branch: shown, not offered for change. Read
    // again whenever the delivery counts move (the record may have just been delivered). A
    // signal, not a resource: a resource read here would suspend the form around it and
    // rebuild every field under the surveyor's finger each time the counts move.
    let person_id = is_new_url.person_id;
    let branch_fixed = RwSignal::new(false);
    Effect::new(move |_| {
        ctx.counts.track();
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
        ctx.session.with(|s| {
            s.as_ref().filter(|s| s.signed_in).and_then(|s| {
                delivery::refusal_for(&s.account, shared::record::EntityKind::Person, &branch)
            })
        })
    });
    // A new survey gets its own address once it exists, so a reload reopens it (at the latest
    // here; usually at its first keystroke, above).
    Effect::new(move |_| {
        if matches!(state.get(), SaveState::Saved) {
            give_address();
        }
    });

    // Checked once per change of the form: every field reads its error from here, so a derived
    // signal would check the whole form again for each of them at every keystroke
    // (docs/PERFORMANCE.md, round 13).
    let errors = Memo::new(move |_| {
        let strict = attempted.get();
        form.with(|f| form_errors(f, strict))
    });
    // What a final survey of this member must answer (it changes with the category only), and
    // how far each section is answered.
    let category = Memo::new(move |_| form.with(|f| f.person.category));
    let required = Memo::new(move |_| {
        category.track();
        form.with_untracked(|f| f.required(today()))
    });
    // The sections change with the category only: a keystroke patches its own field and never
    // rebuilds the form (which would drop the focus and re-create every input).
    let sections = Memo::new(move |_| form.with(|f| sections_for(f.person.category)));
    // Text left in a number field that is not a number (kept on screen, not in the form).
    let unparsed = RwSignal::new(std::collections::BTreeMap::<&'static str, String>::new());
    // A field whose section the category hid takes its text with it: a note of it left behind
    // would stop 定稿 for good, pointing at a field no longer on screen.
    let on_form = move |field: &str| {
        sections.with_untracked(|shown| shown.iter().any(|s| s.fields().contains(&field)))
    };
    let drop_hidden = move || {
        if unparsed.with_untracked(|m| m.keys().any(|f| !on_form(f))) {
            unparsed.update(|m| m.retain(|f, _| on_form(f)));
        }
    };
    Effect::new(move |_| {
        sections.track();
        drop_hidden();
    });
    // Text that is not a number cannot be saved: the header must not say saved meanwhile, and
    // an update of the app must not reload over it.
    // Nor can it be kept as a draft: leaving the form would lose it, so the person is asked
    // first, the fields named.
    let holds_text = Memo::new(move |_| unparsed.with(|m| !m.is_empty()));
    Effect::new(move |_| {
        UnsavedInput::set(NOT_A_NUMBER_SOURCE, holds_text.get());
        let question = unparsed.with(|m| {
            let labels: Vec<String> = m.keys().map(|field| t::form_field_label(field)).collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            (!labels.is_empty()).then(|| {
                let fields = t::join(&labels);
                t::LEAVE_NOT_A_NUMBER.format(&[("fields", fields.as_str().into())])
            })
        });
        UnsavedInput::ask_before_leaving(NOT_A_NUMBER_SOURCE, question);
    });
    on_cleanup(|| {
        UnsavedInput::clear(NOT_A_NUMBER_SOURCE);
        UnsavedInput::ask_before_leaving(NOT_A_NUMBER_SOURCE, None);
    });
    let checks =
        FormChecks { errors: errors.into(), required: required.into(), unparsed: Some(unparsed) };
    let progress = Memo::new(move |_| form.with(|f| f.progress(today())));
    let finalise = {
        let save_now = autosave.save_now.clone();
        move |_| {
            attempted.set(true);
            // A number field showing text that is not a number: the survey would go out final
            // with what the form holds, not what the screen shows.
            // (Only fields still on screen: the error list says each of them, should the
            // field not take the focus.)
            drop_hidden();
            if let Some(field) = unparsed.with_untracked(|m| m.keys().next().copied()) {
                page::focus_field(field);
                return;
            }
            let problems = form.with_untracked(|f| form_errors(f, true));
            if let Some((field, _)) = problems.first() {
                // To the first answer still needed (or wrong), not just a list at the top.
                page::focus_field(field);
                return;
            }
            form.update(|f| f.survey.status = SurveyStatus::Final);
            save_now();
        }
    };

    // The form's head and section list first, then its sections one a task (`use_unfold`):
    // its 41 inputs built in one task held the page for 300–460 ms at 4× CPU slowdown.
    let unfold = use_unfold(0, Signal::derive(move || sections.with(Vec::len)));
    let unfolded = unfold.done();
    // Shown once the sections are (`Show` may build it again: its view is `Send`).
    let finalise = send_wrapper::SendWrapper::new(finalise);

    view! {
        <form class="survey" data-testid="survey-form" on:submit=|ev| ev.prevent_default()>
            <div class="form-head">
                <h2>{t::SURVEY_TITLE}</h2>
                <span class="save-state" data-testid="save-state">{move || match state.get() {
                    SaveState::Failed(e) => e,
                    _ if holds_text.get() => t::UNSAVED_NOT_A_NUMBER.to_string(),
                    SaveState::Clean => String::new(),
                    SaveState::Dirty => t::UNSAVED.to_string(),
                    SaveState::Saving => t::SAVING.to_string(),
                    SaveState::Saved => t::SAVED_AT.to_string(),
                }}</span>
                // The member's own page, once the form has a name for them.
                {move || {
                    let name = form.with(|f| f.person.name.trim().to_owned());
                    (!name.is_empty()).then(|| view! {
                        <a class="link" href=Route::Person(form.with_untracked(|f| f.person_id)).href()>{name}</a>
                    })
                }}
            </div>
            {if open_elsewhere {
                Some(view! {
                    <p class="message warn" role="status" data-testid="survey-open-elsewhere">{t::OPEN_ELSEWHERE}</p>
                }.into_any())
            } else {
                read_only.then(|| view! { <p class="message info" data-testid="read-only">{crate::i18n::outbox::READ_ONLY}</p> }.into_any())
            }}
            {move || refusal.get().map(|m| view! {
                <p class="message error" role="alert" data-testid="survey-policy-error">{m}</p>
            })}
            {move || overwritten.with(|values| (!values.is_empty()).then(|| view! {
                <p class="message warn" role="status" data-testid="survey-overwritten">{t::overwritten_values(values)}</p>
            }))}
            <Show when=move || saved_final.get()>
                <p class="message info" data-testid="survey-final">{t::FINALISED}</p>
            </Show>
            {move || form.with(|f| {
                // Kept values are rare: the survey's changes are not worked out at every
                // keystroke for nothing.
                let kept = f.kept_map();
                if kept.is_empty() {
                    return None;
                }
                let changes = f.survey_changes();
                let values: Vec<(String, String)> = kept
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
                        .map(|m| crate::logic::validation::words(&m))
                        .unwrap_or_default();
                    view! { <p class="message info" data-testid="survey-form-migrated">{t::form_migrated(&words)}</p> }
                })
            })}
            <Show when=move || attempted.get() && (holds_text.get() || !errors.with(Vec::is_empty))>
                <div class="message error" role="alert" data-testid="survey-errors">
                    {t::FIX_ERRORS}
                    <ul>
                        // Number fields holding text that is not a number, each by name (their
                        // input may be out of sight, or not take the focus).
                        {move || unparsed.with(|m| m.keys().map(|field| {
                            let words = t::NOT_A_NUMBER_IN.format(&[("field", t::form_field_label(field).as_str().into())]);
                            view! { <li data-testid="survey-error-not-a-number" data-field=*field>{words}</li> }
                        }).collect_view())}
                        {move || errors.get().into_iter().map(|(_, m)| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
            <SectionList progress=progress attempted=attempted.into() unfold=unfold />
            // Busy while its sections are still being built (the head and messages above are
            // not: an alert there is said at once).
            <fieldset class="form-body" disabled=read_only aria-busy=move || (!unfolded.get()).then_some("true")>
                {section_slots(sections, unfold.shown(), move |section| section_view(section, form, checks, branch_fixed))}
                // After the sections, once they are all there: nothing below them moves.
                <Show when=move || unfolded.get()>
                    <Location form=form />
                    <Photos form=form />
                </Show>
            </fieldset>
            {(!read_only).then(|| view! {
                <Show when=move || unfolded.get()>
                    <div class="actions">
                        <button type="button" class="button primary" data-testid="survey-finalise" on:click={ let finalise = finalise.clone(); move |ev| (*finalise)(ev) }>
                            {t::FINALISE}
                        </button>
                    </div>
                </Show>
            })}
        </form>
    }
}

/// The form's sections to jump to, each with 已填 n/m; once finalising was tried, the sections
/// with answers still missing are marked.
#[component]
fn SectionList(
    progress: Memo<Vec<SectionProgress>>,
    attempted: Signal<bool>,
    unfold: Unfold,
) -> impl IntoView {
    view! {
        <nav class="section-list no-print" aria-label=t::SECTION_LIST data-testid="survey-toc">
            {move || progress.get().into_iter().map(|p| {
                let key = p.section.as_str();
                let missing = !p.missing.is_empty();
                view! {
                    <button type="button" class="section-link" data-testid=format!("survey-toc-{key}")
                        data-answered=p.answered data-total=p.total
                        class:missing=move || missing && attempted.get()
                        on:click=move |_| go_to_section(unfold, key)>
                        <span>{p.section.localized()}</span>
                        <span class="count">{t::answered_of(p.answered, p.total)}</span>
                    </button>
                }
            }).collect_view()}
        </nav>
    }
}

/// A place for each section the form can have: the `i`th shows the `i`th of `sections` once
/// `shown` is past it, built again only when the section there changes (a new category). The
/// slot holds the section's key: `Memo<Option<&str>>` is what every select's value already
/// compiles (a `For` keyed by section cost 5.9 KB of the whole app).
fn section_slots(
    sections: Memo<Vec<Section>>,
    shown: Signal<usize>,
    view: impl Fn(Section) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView {
    (0..Section::ALL.len())
        .map(|i| {
            let slot = Memo::new(move |_| {
                if shown.get() <= i {
                    return None;
                }
                sections.with(|all| all.get(i).map(|s| s.as_str()))
            });
            move || slot.get().and_then(Section::parse).map(view)
        })
        .collect_view()
}

/// Bring section `key` into view: at once when it is built, else once every section is (a tap
/// in the form's first moments, while the sections further down are still being built).
fn go_to_section(unfold: Unfold, key: &'static str) {
    let selector = format!("[data-section=\"{key}\"]");
    if !page::scroll_to(&selector) {
        unfold.finish();
        page::after_next_paint(move || {
            page::scroll_to(&selector);
        });
    }
}

/// The GPS button and the recorded position.
#[component]
fn Location(form: RwSignal<SurveyForm>) -> impl IntoView {
    view! {
        <fieldset class="section" data-section="location">
            <legend>{t::LOCATION}</legend>
            <GpsField testid="survey-gps" clearable=true
                point=Signal::derive(move || form.with(|f| f.survey.gps))
                on_change=move |gps| form.update(|f| f.survey.gps = gps) />
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
