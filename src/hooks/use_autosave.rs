//! `use_autosave`: a form that saves itself. Every change is kept at once by a small write (a
//! keystroke draft), and saved in full once typing pauses; leaving the form, or the page being
//! hidden or closed (the tablet switching apps, the browser being killed), saves at once, when
//! a pending timer might never fire. Saves run one at a time, in the order asked. A failed save
//! keeps everything typed and says why; the next change tries again.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::browser::page;
use crate::pwa::UnsavedInput;

/// Where the form's saving stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    /// Nothing typed since the form opened.
    Clean,
    /// Typed, not saved yet.
    Dirty,
    Saving,
    Saved,
    /// The last save failed, in words for the person.
    Failed(String),
}

/// How [`use_autosave`] saves.
pub struct AutosaveOptions<T, Draft, Save, After> {
    /// What is on disk when the form opens (unchanged values never trigger a save).
    pub saved: T,
    /// Whether anything is saved at all (a read-only form saves nothing).
    pub enabled: bool,
    /// Pause after the last change before the full save.
    pub delay_ms: u32,
    /// The name the form marks unsaved input under (the update banner waits for it).
    pub unsaved_source: &'static str,
    /// The small write made on every change, given what is on disk, what disk holds once the
    /// saves asked for so far have ended (the same but for a save under way), and the value
    /// typed.
    pub draft: Draft,
    /// The full save, given what is on disk (so a form can tell what was changed on it) and the
    /// value to save.
    pub save: Save,
    /// Called after every full save, with its outcome.
    pub after: After,
    /// Whether a value set without notifying while the form was built, before this hook's
    /// first run (a preselected default), is part of what the form opened with, not a change to
    /// save: true when nothing of the form is stored yet (saving it would make a record of
    /// nothing typed; the first real save writes a new record whole, the default with it). For a
    /// stored record the default is a change, saved as one (a member stored without 所在支部
    /// gets the one preselected). A default set later (the survey form's branch picker, built a
    /// task or more after the form, `use_unfold`) notifies nothing either way: it is saved with
    /// the first real edit, as a difference from what is on disk.
    pub defaults_join_opened: bool,
}

/// What [`use_autosave`] returns.
#[derive(Clone)]
pub struct UseAutosave {
    pub state: ReadSignal<SaveState>,
    /// Save the value as it stands now, including a change made just before (a finalise button
    /// that sets the status and saves at once). Leaving the form saves what was typed; a value
    /// set without notifying (a preselected default) is not a change and saves nothing.
    pub save_now: Rc<dyn Fn()>,
}

/// Save `value` as it changes, as `options` say.
pub fn use_autosave<T, E, Draft, DraftFut, Save, SaveFut, After>(
    value: RwSignal<T>,
    options: AutosaveOptions<T, Draft, Save, After>,
) -> UseAutosave
where
    T: Clone + PartialEq + Send + Sync + 'static,
    E: std::fmt::Display + 'static,
    Draft: Fn(T, T, T) -> DraftFut + 'static,
    DraftFut: Future<Output = ()> + 'static,
    Save: Fn(T, T) -> SaveFut + 'static,
    SaveFut: Future<Output = Result<(), E>> + 'static,
    After: Fn(&Result<(), E>) + 'static,
{
    let AutosaveOptions {
        saved,
        enabled,
        delay_ms,
        unsaved_source,
        draft,
        save,
        after,
        defaults_join_opened,
    } = options;
    let (state, set_state) = signal(SaveState::Clean);
    // What is on disk, and the latest value kept outside the reactive graph, so leaving the
    // screen can still save it after the signals are gone.
    let on_disk = Rc::new(RefCell::new(saved.clone()));
    // What disk holds once the saves asked for so far have ended: `on_disk`, but for a save
    // under way (or waiting for the one before). A change back to what is on disk while a save
    // of something else runs is a change still to save, not "nothing to save".
    let target = Rc::new(RefCell::new(saved.clone()));
    // The value the form held when this started: a value that differs from it when the form's
    // first change is seen was set without notifying while the form was built (a preselected
    // default), and is part of what the form opened with, not a change to save.
    let opened_as = value.get_untracked();
    let latest = Rc::new(RefCell::new(saved));
    let timer: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
    let save = Rc::new(save);
    let after = Rc::new(after);

    // Whether the form is still on screen: a save made as it leaves does not touch its state
    // (the view that shows it is being disposed).
    let shown = Rc::new(std::cell::Cell::new(true));
    let show = {
        let shown = shown.clone();
        move |state: SaveState| {
            if shown.get() {
                set_state.try_set(state);
            }
        }
    };
    // The last save asked for: the next one waits until it has ended, so saves run one at a
    // time in the order asked, each from what the one before left on disk. (Saves that overlap
    // would each be told what is on disk from before the other, and the older could land last.)
    let last_save: Rc<RefCell<Option<oneshot::Receiver<()>>>> = Rc::new(RefCell::new(None));
    // `save_latest` itself, for a save that ends with the form changed since to ask for the
    // next one (weak: it is not kept alive by itself).
    let again: Rc<RefCell<std::rc::Weak<dyn Fn()>>> =
        Rc::new(RefCell::new(std::rc::Weak::<Box<dyn Fn()>>::new() as std::rc::Weak<dyn Fn()>));
    // Saves what the last change left (`latest`, kept by the effect below).
    let save_latest: Rc<dyn Fn()> = {
        let (on_disk, target, latest, timer, again) =
            (on_disk.clone(), target.clone(), latest.clone(), timer.clone(), again.clone());
        Rc::new(move || {
            timer.borrow_mut().take();
            let current = latest.borrow().clone();
            if !enabled || *target.borrow() == current {
                return;
            }
            *target.borrow_mut() = current.clone();
            show(SaveState::Saving);
            let (ended, save_before) = oneshot::channel::<()>();
            let save_before = last_save.borrow_mut().replace(save_before);
            let (on_disk, target, latest, save, after, show, timer, again) = (
                on_disk.clone(),
                target.clone(),
                latest.clone(),
                save.clone(),
                after.clone(),
                show.clone(),
                timer.clone(),
                again.clone(),
            );
            leptos::task::spawn_local(async move {
                // Dropped when this save ends, however it ends: the next one goes on.
                let _ended = ended;
                if let Some(save_before) = save_before {
                    // Its sender dropped (`Canceled`) is the signal too.
                    let _ = save_before.await;
                }
                let before = on_disk.borrow().clone();
                if before == current {
                    // The save before wrote this very state.
                    return;
                }
                let result = save(before, current.clone()).await;
                match &result {
                    Ok(()) => {
                        *on_disk.borrow_mut() = current.clone();
                        let clean = *latest.borrow() == current;
                        show(if clean { SaveState::Saved } else { SaveState::Dirty });
                        UnsavedInput::set(unsaved_source, !clean);
                        // Changed while this save ran, and no save of it asked for yet (a
                        // change undone back to what was on disk before this save): saved
                        // after the usual pause, not left unsaved until the next keystroke.
                        let asked = *target.borrow() == *latest.borrow();
                        if !clean && !asked && timer.borrow().is_none() {
                            let again = again.borrow().clone();
                            *timer.borrow_mut() = Some(Timeout::new(delay_ms, move || {
                                if let Some(save_latest) = again.upgrade() {
                                    save_latest();
                                }
                            }));
                        }
                    }
                    // Everything typed stays in the form; the next change tries again.
                    Err(e) => {
                        // Disk holds what it held: a later save is told from that. Unless a
                        // later save is already asked for (it aims at its own state, which a
                        // change back to this one must still be told from).
                        if *target.borrow() == current {
                            *target.borrow_mut() = on_disk.borrow().clone();
                        }
                        show(SaveState::Failed(e.to_string()));
                    }
                }
                after(&result);
            });
        })
    };
    *again.borrow_mut() = Rc::downgrade(&save_latest);

    // Every change: the small write at once, the full save once typing pauses.
    {
        let (on_disk, target, latest, timer, save_now) =
            (on_disk.clone(), target.clone(), latest.clone(), timer.clone(), save_latest.clone());
        let draft = Rc::new(draft);
        let mut opened_as = Some(opened_as);
        Effect::new(move |_| {
            let current = value.get();
            *latest.borrow_mut() = current.clone();
            if !enabled {
                return;
            }
            // The first run: a value set untracked while the form was built (a preselected
            // default) joins what the form opened with. Only if the form opened as it is on
            // disk: a form opened on unsaved typing (a keystroke draft) still saves it.
            if let Some(opened_as) = opened_as.take()
                && defaults_join_opened
                && opened_as != current
                && *on_disk.borrow() == opened_as
                && *target.borrow() == opened_as
            {
                *on_disk.borrow_mut() = current.clone();
                *target.borrow_mut() = current;
                return;
            }
            let saved = on_disk.borrow().clone();
            let aim = target.borrow().clone();
            if saved == current && aim == current {
                // Back to what is on disk (a typo undone before the save): nothing to save. The
                // draft of the undone keystroke must not outlive it, or the next start would save
                // what the form no longer shows: the draft now holds this state.
                if state.get_untracked() != SaveState::Clean {
                    leptos::task::spawn_local(draft(saved, aim, current));
                }
                if timer.borrow_mut().take().is_some() {
                    set_state.set(SaveState::Saved);
                    UnsavedInput::set(unsaved_source, false);
                }
                return;
            }
            leptos::task::spawn_local(draft(saved, aim.clone(), current.clone()));
            if aim == current {
                // Back to the very state a save under way writes: that save ends it.
                timer.borrow_mut().take();
                set_state.set(SaveState::Saving);
                return;
            }
            set_state.set(SaveState::Dirty);
            UnsavedInput::mark(unsaved_source);
            let save_now = save_now.clone();
            *timer.borrow_mut() = Some(Timeout::new(delay_ms, move || save_now()));
        });
    }
    {
        let save_latest = send_wrapper::SendWrapper::new(save_latest.clone());
        let shown = send_wrapper::SendWrapper::new(shown);
        on_cleanup(move || {
            shown.set(false);
            (*save_latest)();
        });
    }
    {
        let save_latest = save_latest.clone();
        let listener = send_wrapper::SendWrapper::new(page::on_hide(move || save_latest()));
        on_cleanup(move || drop(listener));
    }
    // A change made just before (the effect has not run yet) is taken from the value itself.
    let save_now: Rc<dyn Fn()> = Rc::new(move || {
        if let Some(current) = value.try_get_untracked() {
            *latest.borrow_mut() = current;
        }
        save_latest();
    });
    UseAutosave { state, save_now }
}
