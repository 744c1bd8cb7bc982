//! The survey form's data: load a survey (or start one), save it, keep what was typed safe at
//! every keystroke, and discard a draft.
//!
//! Two writes keep typing safe at two costs. Every keystroke writes the form as it stands into
//! `meta` ([`write_draft`]: one small put, so a browser killed a moment after a keystroke keeps
//! it); the record itself is saved at most every `AUTOSAVE_MS` and when the form closes
//! ([`persist`]: the operations the outbox sends, coalesced, not one per keystroke). The draft is
//! removed once the same state is saved as records, and a draft left behind by a killed browser
//! is saved as records when the app opens again ([`recover_draft`]).

use serde::{Deserialize, Serialize};
use shared::merge::Conflict;
use shared::record::{EntityKind, Record};
use uuid::Uuid;

use crate::browser::{locks, page};
use crate::i18n as t;
use crate::logic::survey_form::{FormClocks, FormTouched, SurveyForm};
use crate::store::{Discarded, Store, StoreError, Touched, meta_keys};
use shared::order::CollectOrdered as _;

/// Meta key of the survey draft being edited (cleared when it is finalised or discarded).
pub const CURRENT_DRAFT: &str = "current_draft";

/// The form as last typed, before it is saved as records. Two drafts are equal when they hold
/// the same typed form: a save clears the draft of the state it saved, whatever fields that
/// draft counted as typed since an earlier save.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FormDraft {
    pub survey_id: Uuid,
    /// The whole `SurveyForm` as JSON text (compared as text when it is cleared).
    pub form_json: String,
    /// The fields typed since the form last read or saved the records: what saving the draft
    /// writes into records that exist ([`persist_edit`]). Absent in a draft of an older app, or
    /// of a caller that does not know: every field is then saved, as such a draft always was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touched: Option<FormTouched>,
    /// The clocks of the values the `touched` fields were typed over ([`FormClocks`]): saving
    /// the draft keeps a value changed elsewhere meanwhile as a conflict. Absent in a draft of an
    /// older app: its typing is saved over whatever is stored, as it always was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<FormClocks>,
}

impl PartialEq for FormDraft {
    fn eq(&self, other: &Self) -> bool {
        self.survey_id == other.survey_id && self.form_json == other.form_json
    }
}

impl FormDraft {
    pub fn of(form: &SurveyForm) -> Result<FormDraft, StoreError> {
        Self::of_edit(form, None)
    }

    /// The draft of `form`, on which the fields `touched` were typed since the last save.
    pub fn of_edit(
        form: &SurveyForm,
        touched: Option<&FormTouched>,
    ) -> Result<FormDraft, StoreError> {
        let form_json =
            serde_json::to_string(form).map_err(|e| StoreError::Codec(e.to_string()))?;
        Ok(FormDraft {
            survey_id: form.survey_id,
            form_json,
            touched: touched.cloned(),
            seen: None,
        })
    }

    /// This draft, with the clocks its typed fields were typed over (of `clocks`, only those).
    fn typed_over(mut self, clocks: Option<&FormClocks>) -> Self {
        self.seen = match (clocks, &self.touched) {
            (Some(clocks), Some(touched)) => Some(clocks.only(touched)),
            _ => None,
        };
        self
    }

    /// The form as this app typed it.
    pub fn form(&self) -> Result<SurveyForm, StoreError> {
        serde_json::from_str(&self.form_json).map_err(|e| StoreError::Codec(e.to_string()))
    }

    /// The form as typed, also when an older app wrote it on an older form (a choice code this
    /// form does not know is kept: [`SurveyForm::from_draft_json`]). Only the survey form reads
    /// drafts this way (it is loaded on demand; the app shell stays small).
    pub fn form_on_current_form(&self) -> Option<SurveyForm> {
        SurveyForm::from_draft_json(&self.form_json)
    }
}

/// A survey as the form opens it: what it shows, what is on disk (what the form's changes are
/// told from: a draft's typing is not on disk yet), and the clocks of the values it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedSurvey {
    pub form: SurveyForm,
    pub on_disk: SurveyForm,
    pub clocks: FormClocks,
    /// Neither the person nor the survey is stored yet (a new member's first survey).
    pub nothing_stored: bool,
}

/// Whether this window edits the survey it opened. Two windows (or tabs) of the app typing into
/// one survey wrote one keystroke draft (the last keystroke won, so the other window's typing
/// could be lost to a crash without a word), and each saved or recovered the other's typing as
/// its own. So a survey is edited in one window at a time: the one holding its lock
/// ([`editing_lock`]), which the browser lets go of when that window closes or crashes.
#[derive(Clone, Debug)]
pub enum Editor {
    /// This window edits it; the lock (none where the browser has no locks) is held while any
    /// clone of this lives: the form's, and each save's until its records are written, so the
    /// save made as the form is left ends before another window may take the survey up.
    Here(Option<std::rc::Rc<SurveyHold>>),
    /// Another window of the app has it open: shown here, not edited.
    Elsewhere,
}

/// This window's hold on one survey's lock, known to the window as its own
/// ([`held_here`]): a lock this window holds looks to the lock API like any other window's.
#[derive(Debug)]
pub struct SurveyHold {
    id: Uuid,
    held: Option<locks::Held>,
}

impl SurveyHold {
    fn new(id: Uuid, held: locks::Held) -> Self {
        HELD_HERE.with(|here| *here.borrow_mut().entry(id).or_default() += 1);
        SurveyHold { id, held: Some(held) }
    }
}

impl Drop for SurveyHold {
    fn drop(&mut self) {
        HELD_HERE.with(|here| {
            let mut here = here.borrow_mut();
            if let Some(count) = here.get_mut(&self.id) {
                *count -= 1;
                if *count == 0 {
                    here.remove(&self.id);
                }
            }
        });
    }
}

thread_local! {
    /// The surveys this window holds the lock of (a form open on it, or its last save still
    /// writing), with how many holds.
    static HELD_HERE: std::cell::RefCell<std::collections::HashMap<Uuid, usize>> =
        std::cell::RefCell::default();
}

/// Whether this window holds survey `id`'s lock.
fn held_here(id: Uuid) -> bool {
    HELD_HERE.with(|here| here.borrow().contains_key(&id))
}

impl Editor {
    pub fn elsewhere(&self) -> bool {
        matches!(self, Editor::Elsewhere)
    }

    /// Let go of the survey, waiting until it is free (when this is the last hold on it).
    pub async fn let_go(self) {
        if let Editor::Here(Some(hold)) = self
            && let Ok(mut hold) = std::rc::Rc::try_unwrap(hold)
            && let Some(held) = hold.held.take()
        {
            drop(hold);
            held.let_go().await;
        }
    }
}

/// How long a survey just let go of by another window (its last save still writing) is waited
/// for before it is taken to be open there.
const LET_GO_WAIT_MS: u32 = 1_000;
/// How long a survey this window still holds (the form just left: its last save still writing)
/// is waited for; past it, the form opens anyway (one window: nothing to keep apart).
const OWN_SAVE_WAIT_MS: u32 = 10_000;

/// The name of the lock a window holds while it edits survey `id`.
pub fn editing_lock(id: Uuid) -> String {
    format!("field/survey/{id}")
}

/// Call `then` once survey `id` is free to be edited here and this window is on screen: the
/// window that had it open has left it (its last save written), or was closed or crashed. A
/// window out of sight (a tab in the background) waits until it is shown: else it would take
/// the survey from the window in use whenever that one let go of it for a moment (a reload, its
/// member's page and back). By then the survey may be taken again: `then` opens it read-only
/// again, and waits anew. `None` where the browser has no locks (no window is ever told another
/// has it). Dropping the [`locks::Waiting`] gives up before the lock is free; `then` must
/// bear being called after that (the page shown later).
pub fn when_let_go(id: Uuid, then: impl FnOnce() + 'static) -> Option<locks::Waiting> {
    locks::when_free(&editing_lock(id), move || {
        wasm_bindgen_futures::spawn_local(async move {
            page::shown().await;
            then();
        });
    })
}

/// Take survey `id` up for editing in this window, if no other window has it. A form of this
/// window just left still holds it while its last save writes: waited for, never taken for
/// another window.
async fn take_up(id: Uuid) -> Editor {
    const AGAIN_MS: u32 = 50;
    let mut waited = 0;
    while held_here(id) {
        if waited >= OWN_SAVE_WAIT_MS {
            log::warn!("survey {id}: this window's last save is still writing; opened anyway");
            return Editor::Here(None);
        }
        gloo_timers::future::TimeoutFuture::new(AGAIN_MS).await;
        waited += AGAIN_MS;
    }
    match locks::hold_within(&editing_lock(id), LET_GO_WAIT_MS).await {
        locks::Hold::Held(held) => Editor::Here(Some(std::rc::Rc::new(SurveyHold::new(id, held)))),
        locks::Hold::Elsewhere => Editor::Elsewhere,
        locks::Hold::Unsupported => Editor::Here(None),
    }
}

/// [`open`] for the survey form, in this window only if no other window has the survey open:
/// else the survey as stored, without the other window's keystroke draft (a new survey not
/// saved yet: as that draft shows it), and [`Editor::Elsewhere`].
pub async fn open_to_edit(
    store: &Store,
    survey_id: Option<Uuid>,
    person_id: Option<Uuid>,
) -> Result<(OpenedSurvey, Editor), String> {
    let editor = match survey_id {
        Some(id) => take_up(id).await,
        None => Editor::Here(None),
    };
    if editor.elsewhere() {
        let opened = match load_stored(store, survey_id, person_id).await {
            Ok((form, clocks)) => {
                OpenedSurvey { on_disk: form.clone(), form, clocks, nothing_stored: false }
            }
            // A new survey the other window has not saved yet (only its keystroke draft): shown
            // as typed there, as nothing else can show it.
            Err(_) => open(store, survey_id, person_id).await?,
        };
        return Ok((opened, editor));
    }
    let opened = open(store, survey_id, person_id).await?;
    // A new survey: its id was just made, so no other window has it; held from now on, so a
    // second window opening its address (given at the first keystroke) only shows it.
    let editor = match editor {
        Editor::Here(None) if survey_id.is_none() => take_up(opened.form.survey_id).await,
        editor => editor,
    };
    Ok((opened, editor))
}

/// Load the form for an existing survey or start a new one. A draft typed after the last save
/// of this survey (a browser killed mid-typing) is what the form shows.
pub async fn load(
    store: &Store,
    survey_id: Option<Uuid>,
    person_id: Option<Uuid>,
) -> Result<SurveyForm, String> {
    Ok(open(store, survey_id, person_id).await?.form)
}

/// The records a form of `person_id` and `survey_id` shows, as stored (a deleted survey: none).
async fn records_of(
    store: &Store,
    person_id: Uuid,
    survey_id: Uuid,
) -> Result<(Option<Record>, Option<Record>), StoreError> {
    let survey = store.get(EntityKind::Survey, survey_id).await?.filter(|r| !r.is_deleted());
    let person = store.get(EntityKind::Person, person_id).await?;
    Ok((person, survey))
}

/// [`load`], with what is on disk beside what the form shows.
pub async fn open(
    store: &Store,
    survey_id: Option<Uuid>,
    person_id: Option<Uuid>,
) -> Result<OpenedSurvey, String> {
    if let Some(id) = survey_id
        && let Some((key, draft)) = pending_draft_of(store, id).await.map_err(|e| e.to_string())?
        && let Some(typed) = draft.form_on_current_form()
    {
        if draft.form().is_err() || key != draft_key(id) {
            // Written by an older app (on an older form, or under the one key every form
            // shared): kept under this survey's own key as this app writes drafts, so saving
            // the form clears it as usual and no other form's keystroke replaces it.
            let mut moved =
                FormDraft::of_edit(&typed, draft.touched.as_ref()).map_err(|e| e.to_string())?;
            moved.seen = draft.seen.clone();
            let written = if key == draft_key(id) {
                store.meta_set(&key, &moved).await
            } else {
                store.meta_set_and_delete(&draft_key(id), &moved, &key).await
            };
            written.map_err(|e| e.to_string())?;
        }
        let (person, survey) =
            records_of(store, typed.person_id, typed.survey_id).await.map_err(|e| e.to_string())?;
        let mut clocks = FormClocks::of(person.as_ref(), survey.as_ref());
        let seen = draft.seen.as_ref().zip(draft.touched.as_ref()).map(|(seen, touched)| {
            let mut seen = seen.clone();
            seen.past_own_writes(person.as_ref(), survey.as_ref(), touched, &store.clock_device());
            (seen, touched)
        });
        let nothing_stored = person.is_none() && survey.is_none();
        let on_disk = stored_form(&typed, person, survey).map_err(|e| e.to_string())?;
        // What is stored, with the draft's typing laid over it: a field the draft did not type
        // shows what is stored now (a pull may have changed it after the draft's form read
        // it), or the form would save the draft's stale copy of it over that change. A draft
        // that does not say what was typed (an older app's) is shown whole, as it always was.
        let form = match draft.touched.as_ref() {
            Some(touched) => on_disk.overlaid(&typed, touched),
            None => typed,
        };
        if let Some((seen, touched)) = seen {
            // What the draft's typing was typed over, not what is stored now; where what is
            // stored is what was typed (saved since, as the form was left), the form shows it.
            let unsaved = form.touched_since(&on_disk);
            let typed = FormTouched {
                person: touched.person.intersection(&unsaved.person).cloned().collect_set(),
                survey: touched.survey.intersection(&unsaved.survey).cloned().collect_set(),
            };
            clocks = clocks.with_typed(&seen, &typed);
        }
        return Ok(OpenedSurvey { form, on_disk, clocks, nothing_stored });
    }
    let (form, clocks) = load_stored(store, survey_id, person_id).await?;
    let nothing_stored = survey_id.is_none() && person_id.is_none();
    Ok(OpenedSurvey { on_disk: form.clone(), form, clocks, nothing_stored })
}

/// The records of `draft`'s person and survey as a form reads them (the draft's own values
/// where a record is not stored yet: a new record is saved whole anyway).
fn stored_form(
    draft: &SurveyForm,
    person: Option<Record>,
    survey: Option<Record>,
) -> Result<SurveyForm, StoreError> {
    if let Some(survey) = survey {
        return SurveyForm::from_records(&survey, person.as_ref())
            .map_err(|e| StoreError::Codec(e.to_string()));
    }
    let mut form = draft.clone();
    if let Some(person) = person {
        form.person = person.to_typed().map_err(|e| StoreError::Codec(e.to_string()))?;
    }
    Ok(form)
}

/// The form of a stored survey, or a new one, and the clocks of the values it shows.
async fn load_stored(
    store: &Store,
    survey_id: Option<Uuid>,
    person_id: Option<Uuid>,
) -> Result<(SurveyForm, FormClocks), String> {
    let now = chrono::Local::now().naive_local();
    if let Some(id) = survey_id {
        let survey = store.get(EntityKind::Survey, id).await.map_err(|e| e.to_string())?;
        let survey =
            survey.filter(|r| !r.is_deleted()).ok_or_else(|| t::SURVEY_NOT_FOUND.to_string())?;
        let person_id =
            survey.get("person_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
        let person = match person_id {
            Some(p) => store.get(EntityKind::Person, p).await.map_err(|e| e.to_string())?,
            None => None,
        };
        let form = SurveyForm::from_records(&survey, person.as_ref()).map_err(|e| e.to_string())?;
        return Ok((form, FormClocks::of(person.as_ref(), Some(&survey))));
    }
    let (person, clocks) = match person_id {
        Some(p) => {
            let record = store.get(EntityKind::Person, p).await.map_err(|e| e.to_string())?;
            let record = record.ok_or_else(|| t::PERSON_NOT_FOUND.to_string())?;
            let clocks = FormClocks::of(Some(&record), None);
            (Some((p, record.to_typed().map_err(|e| e.to_string())?)), clocks)
        }
        None => (None, FormClocks::default()),
    };
    Ok((SurveyForm::new(person, &store.author(), now), clocks))
}

/// Write the person and the survey (each as one atomic record + outbox transaction), then drop
/// the keystroke draft if it holds exactly this state.
///
/// Once both records are written the save is done, whatever the bookkeeping after it comes to:
/// which draft the banner names and the keystroke draft are kept in transactions of their own,
/// and one of them failing (on a full disk the browser refuses or aborts the next small write)
/// must not say "nothing saved" about records that were. A keystroke draft that stays is this
/// same state, saved again to the same records when the app next opens (`recover_draft`).
///
/// Every field of the form is written. The survey form saves with [`persist_edit`].
pub async fn persist(store: &Store, form: &SurveyForm) -> Result<(), StoreError> {
    persist_edit(store, form, None, None).await.map(drop)
}

/// [`persist`] of a form on which only the fields `touched` were typed since it last read or
/// saved the records: in records that exist, only those are written. The form shows every
/// field as it read it, and a field changed meanwhile by a pull or another tab would otherwise
/// be put back to what the form read, on every device, without a word. `None`: every field.
///
/// With `clocks` (what the form's values were read at), a typed field whose value was changed
/// elsewhere since is saved as a conflict with that change: returned, for the form to say so,
/// and kept for the office. `clocks` is brought up to date with each record as it is saved,
/// also when the other then fails.
pub async fn persist_edit(
    store: &Store,
    form: &SurveyForm,
    touched: Option<&FormTouched>,
    mut clocks: Option<&mut FormClocks>,
) -> Result<Vec<Conflict>, StoreError> {
    let branch = form.branch_id().trim().to_owned();
    let (person_touched, survey_touched) = match (touched, clocks.as_deref()) {
        (Some(t), Some(c)) => {
            (Touched::Over(c.person.over(&t.person)), Touched::Over(c.survey.over(&t.survey)))
        }
        (Some(t), None) => (Touched::Only(t.person.clone()), Touched::Only(t.survey.clone())),
        (None, _) => (Touched::All, Touched::All),
    };
    // Saved before 所在支部 was chosen, or corrected before anything was sent: the records and
    // their unsent changes get it now.
    let records = [(EntityKind::Person, form.person_id), (EntityKind::Survey, form.survey_id)];
    store.assign_branch_of(&records, &branch).await?;
    let (person, survey) = (form.person_changes(), form.survey_changes());
    let saved = store
        .save_touched(EntityKind::Person, form.person_id, &branch, person.clone(), person_touched)
        .await?;
    if let Some(clocks) = clocks.as_deref_mut() {
        clocks.person.saved(&saved.record, &person);
    }
    let mut conflicts = saved.conflicts;
    let saved = store
        .save_touched(EntityKind::Survey, form.survey_id, &branch, survey.clone(), survey_touched)
        .await?;
    if let Some(clocks) = clocks {
        clocks.survey.saved(&saved.record, &survey);
    }
    conflicts.extend(saved.conflicts);
    let current = (!form.is_final()).then_some(form.survey_id);
    if let Err(e) = store.meta_set(CURRENT_DRAFT, &current).await {
        log::warn!("the survey is saved; which draft is open was not noted: {e}");
    }
    let cleared = match FormDraft::of_edit(form, touched) {
        Ok(draft) => clear_draft_if_eq(store, &draft).await,
        Err(e) => Err(e),
    };
    if let Err(e) = cleared {
        log::warn!("the survey is saved; its keystroke draft stays until the next save: {e}");
    }
    Ok(conflicts)
}

/// Whether member `person_id` is on the server already (sent and acknowledged, or pulled): its
/// 所在支部 is then fixed (the server keeps a record in its first branch) and the form shows it
/// without offering a change. A store that cannot be read answers `false`: the choice stays
/// open and the server's answer, if it refuses, is shown like any refusal.
pub async fn branch_fixed(store: &Store, person_id: Uuid) -> bool {
    store.reached_server(person_id).await.unwrap_or(false)
}

/// Keep the form as typed right now (one small write; see the module documentation).
pub async fn write_draft(store: &Store, form: &SurveyForm) -> Result<(), StoreError> {
    write_edit_draft(store, form, None, None).await
}

/// [`write_draft`] of a form on which the fields `touched` were typed since the last save, over
/// values read at `clocks` (what [`recover_draft`] then saves into records that exist, and how:
/// [`persist_edit`]). Of the clocks, only the typed fields' are kept.
pub async fn write_edit_draft(
    store: &Store,
    form: &SurveyForm,
    touched: Option<&FormTouched>,
    clocks: Option<&FormClocks>,
) -> Result<(), StoreError> {
    let draft = FormDraft::of_edit(form, touched)?.typed_over(clocks);
    store.meta_set(&draft_key(form.survey_id), &draft).await
}

/// The `meta` key of survey `id`'s keystroke draft (each survey its own: one form's draft is
/// never replaced by another form's keystroke, in this tab or another).
pub fn draft_key(id: Uuid) -> String {
    format!("{}{id}", meta_keys::FORM_DRAFT_OF)
}

/// Remove `draft` wherever it is kept (its survey's key, or the one key of an older app),
/// unless a later keystroke replaced it meanwhile.
async fn clear_draft_if_eq(store: &Store, draft: &FormDraft) -> Result<(), StoreError> {
    store.meta_delete_if_eq(&draft_key(draft.survey_id), draft).await?;
    store.meta_delete_if_eq(meta_keys::FORM_DRAFT, draft).await?;
    Ok(())
}

/// Every keystroke draft left unsaved, with its `meta` key: the one an older app kept under
/// its single key first (it is older than any this app wrote), then each survey's own.
pub async fn pending_drafts(store: &Store) -> Result<Vec<(String, FormDraft)>, StoreError> {
    let mut drafts = Vec::new();
    if let Some(draft) = store.meta_get::<FormDraft>(meta_keys::FORM_DRAFT).await? {
        drafts.push((meta_keys::FORM_DRAFT.to_owned(), draft));
    }
    for key in store.meta_keys_with_prefix(meta_keys::FORM_DRAFT_OF).await? {
        if let Some(draft) = store.meta_get::<FormDraft>(&key).await? {
            drafts.push((key, draft));
        }
    }
    Ok(drafts)
}

/// Whether any keystroke draft is left (what the app shell asks at start-up, cheaply).
pub async fn has_drafts(store: &Store) -> Result<bool, StoreError> {
    Ok(store.meta_has(meta_keys::FORM_DRAFT).await?
        || !store.meta_keys_with_prefix(meta_keys::FORM_DRAFT_OF).await?.is_empty())
}

/// A keystroke draft left unsaved, if any (the oldest: [`pending_drafts`]).
pub async fn pending_draft(store: &Store) -> Result<Option<FormDraft>, StoreError> {
    Ok(pending_drafts(store).await?.into_iter().next().map(|(_, draft)| draft))
}

/// Survey `id`'s keystroke draft, with its key: its own, else an older app's single one if it
/// is of this survey.
pub async fn pending_draft_of(
    store: &Store,
    id: Uuid,
) -> Result<Option<(String, FormDraft)>, StoreError> {
    let key = draft_key(id);
    if let Some(draft) = store.meta_get::<FormDraft>(&key).await? {
        return Ok(Some((key, draft)));
    }
    let legacy = store.meta_get::<FormDraft>(meta_keys::FORM_DRAFT).await?;
    Ok(legacy.filter(|d| d.survey_id == id).map(|d| (meta_keys::FORM_DRAFT.to_owned(), d)))
}

/// Save a keystroke draft a killed browser left behind as records (called when the app opens).
/// Returns the survey it belongs to.
pub async fn recover_draft(store: &Store) -> Result<Option<Uuid>, StoreError> {
    Ok(recover_draft_said(store).await?.map(|(id, _)| id))
}

/// [`recover_draft`], with what the draft's typing overwrote that was changed elsewhere
/// meanwhile (field label, the value replaced: for the person to be told; each is also kept as
/// a conflict for the office).
pub async fn recover_draft_said(
    store: &Store,
) -> Result<Option<(Uuid, Vec<(String, String)>)>, StoreError> {
    // Each survey's draft (a form left with a save that failed, another tab's): all are saved,
    // the oldest first. One that fails does not keep the others from being saved.
    let mut first: Option<(Uuid, Vec<(String, String)>)> = None;
    let mut failed = None;
    for (_, draft) in pending_drafts(store).await? {
        // A survey open in another window: its draft is that window's typing, still going on.
        let editor = take_up(draft.survey_id).await;
        if editor.elsewhere() {
            log::info!("the draft of survey {} is left to the window editing it", draft.survey_id);
            continue;
        }
        let recovered = recover_one(store, &draft).await;
        // Free again before the form may open it in this window.
        editor.let_go().await;
        match recovered {
            Ok(Some((id, overwritten))) => match first.as_mut() {
                Some((_, said)) => said.extend(overwritten),
                None => first = Some((id, overwritten)),
            },
            Ok(None) => {}
            Err(e) => {
                log::warn!("the draft of survey {} was not saved: {e}", draft.survey_id);
                failed.get_or_insert(e);
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(first),
    }
}

/// [`recover_draft_said`] of one draft.
async fn recover_one(
    store: &Store,
    draft: &FormDraft,
) -> Result<Option<(Uuid, Vec<(String, String)>)>, StoreError> {
    match draft.form() {
        Ok(form) => {
            let mut seen = draft.seen.clone();
            if let (Some(seen), Some(touched)) = (seen.as_mut(), draft.touched.as_ref()) {
                // Written while a save of the form was under way: that save is the surveyor's.
                let (person, survey) = records_of(store, form.person_id, form.survey_id).await?;
                seen.past_own_writes(
                    person.as_ref(),
                    survey.as_ref(),
                    touched,
                    &store.clock_device(),
                );
            }
            let conflicts =
                persist_edit(store, &form, draft.touched.as_ref(), seen.as_mut()).await?;
            let mut overwritten = Vec::new();
            crate::services::conflicts::note_overwritten(&mut overwritten, &conflicts);
            Ok(Some((form.survey_id, overwritten)))
        }
        // Written by an older app on another form (a choice code this form does not know): it
        // is not dropped. It stays for the survey form, which reads it on the current form when
        // that survey is opened (`load`), and saves it from there.
        Err(e) => {
            log::warn!("a survey draft of another form is kept for the form to open: {e}");
            Ok(None)
        }
    }
}

/// The unfinished survey the app offers to continue, with the member's name.
pub async fn current_draft(store: &Store) -> Result<Option<(Uuid, String)>, StoreError> {
    let Some(id) = store.meta_get::<Option<Uuid>>(CURRENT_DRAFT).await?.flatten() else {
        return Ok(None);
    };
    let Some(record) = store.get(EntityKind::Survey, id).await? else {
        return Ok(None);
    };
    let still_draft = record.str_field("status") != shared::model::SurveyStatus::Final.as_str();
    if !still_draft || record.is_deleted() {
        return Ok(None);
    }
    let name = crate::services::delivery::name_of(store, Some(&record)).await?;
    Ok(Some((id, name)))
}

/// Delete an unfinished survey after the person confirmed it. Never synced: it disappears from
/// this tablet, with its member if the member was new with it; synced: it becomes a deletion
/// the server receives.
pub async fn discard_draft(store: &Store, survey_id: Uuid) -> Result<Discarded, DiscardError> {
    // Not while another window is typing into it (its next save would write into a survey
    // deleted under it): held here while deleting.
    let editor = take_up(survey_id).await;
    if editor.elsewhere() {
        return Err(DiscardError::OpenElsewhere);
    }
    let discarded = discard_held(store, survey_id).await;
    editor.let_go().await;
    Ok(discarded?)
}

/// Why an unfinished survey was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DiscardError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another window of the app is typing into it.
    #[error("{}", t::DISCARD_OPEN_ELSEWHERE)]
    OpenElsewhere,
}

/// [`discard_draft`], the survey held by this window.
async fn discard_held(store: &Store, survey_id: Uuid) -> Result<Discarded, StoreError> {
    let survey = store.get(EntityKind::Survey, survey_id).await?;
    let person = survey.as_ref().and_then(|s| Uuid::parse_str(s.str_field("person_id")).ok());
    let outcome = store.discard_unsent(EntityKind::Survey, survey_id).await?;
    let mut given_up = vec![(EntityKind::Survey, survey_id)];
    if outcome == Discarded::Removed
        && let Some(person) = person
        && store.surveys_of(person).await?.is_empty()
        && !store.reached_server(person).await?
    {
        store.discard_unsent(EntityKind::Person, person).await?;
        given_up.push((EntityKind::Person, person));
    }
    // A refusal of a record discarded would else stay in 需处理 for ever, with nothing to fix.
    crate::sync::rejected::forget_records(store, &given_up).await?;
    store.meta_set(CURRENT_DRAFT, &Option::<Uuid>::None).await?;
    // Its own draft, and an older app's single one if it is of this survey.
    // (Read again after each: one replaced meanwhile by another tab typing on it goes too.)
    for _ in 0..4 {
        let Some((key, draft)) = pending_draft_of(store, survey_id).await? else { break };
        store.meta_delete_if_eq(&key, &draft).await?;
    }
    Ok(outcome)
}
