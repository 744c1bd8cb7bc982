//! Store access of the campaign screens: load typed records, and write them through
//! `Store::save` (so every change goes to the outbox and syncs like everything else) after the
//! same checks the server makes: role, branch, validation and the workflow.

use std::collections::BTreeSet;
use std::future::Future;

use chrono::{NaiveDate, NaiveDateTime};
use shared::candidacy::{self, CandidacyError, CandidacyKey};
use shared::merge::Conflict;
use shared::model::{
    ApplicationAction, Assessment, Base, Branch, Campaign, Candidate, Category, CommendationAction,
    ContactLog, Entity, Funding, Inspection, Meeting, Notice, Person, Rubric, Visit,
};
use shared::record::{EntityKind, Record};
use shared::validate::FieldError;
use shared::workflow::{self, WorkflowError};
use uuid::Uuid;

use crate::i18n::campaign as tc;
use crate::logic::campaign::candidate::{Application, new_candidate};
use crate::logic::campaign::contacts::{ContactRow, contact_rows};
use crate::logic::campaign::rubric::{VERSION_FIELD, current_campaign, next_version, rubric_id};
use crate::logic::campaign::typed::{Names, branch_records, changes_of, decode_all, keyed};
use crate::logic::forms::{fields_changed, shown_clocks};
use crate::logic::session::Session;
use crate::store::{Store, StoreError, Touched};
use crate::sync::plan::RejectedOp;
use crate::sync::rejected::refused_pipeline_mark;
use shared::order::CollectOrdered as _;

/// Why a campaign change was not saved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CampaignError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", crate::logic::validation::words(&.0.message()))]
    Workflow(#[from] WorkflowError),
    /// A candidacy rule (one per member, category and year; the campaign's years).
    #[error("{}", crate::logic::validation::words(&.0.message()))]
    Candidacy(#[from] CandidacyError),
    /// The profile is closed: removed (only the office's 恢复 reopens it) or carried over.
    #[error("{}", tc::PROFILE_CLOSED)]
    Closed,
    /// 开始评分 while the candidate's sheet for the year is on the server only: this device's
    /// own was refused as a second one (`duplicate_sheet`), and a sheet begun here would write
    /// its empty scores over the office's.
    #[error("{}", tc::SHEET_AT_OFFICE)]
    SheetAtOffice,
    /// The form has problems; each names its field.
    #[error("{}", join(.0))]
    Invalid(Vec<FieldError>),
    #[error("{}", tc::NOT_ALLOWED)]
    NotAllowed,
    #[error("{}", tc::NOT_FOUND)]
    NotFound,
    #[error("{prefix}：{0}", prefix = tc::DECODE_FAILED)]
    Decode(String),
}

impl CampaignError {
    /// The existing record a refusal names (a duplicate candidacy), for a link to it.
    pub fn existing(&self) -> Option<Uuid> {
        match self {
            CampaignError::Candidacy(e) => e.existing(),
            _ => None,
        }
    }
}

fn join(errors: &[FieldError]) -> String {
    let worded: Vec<String> =
        errors.iter().map(|e| crate::logic::validation::words(&e.message)).collect();
    worded.join(crate::i18n::LIST_SEPARATOR_LONG.get())
}

impl From<serde_json::Error> for CampaignError {
    fn from(err: serde_json::Error) -> Self {
        CampaignError::Decode(err.to_string())
    }
}

/// Fail with the form's problems, if it has any.
pub fn check(errors: Vec<FieldError>) -> Result<(), CampaignError> {
    if errors.is_empty() { Ok(()) } else { Err(CampaignError::Invalid(errors)) }
}

/// A campaign record a form writes, with the checks it must pass before it is saved (the
/// server runs the same ones from `shared`).
pub trait Checked: Entity {
    fn problems(&self, today: NaiveDate) -> Vec<FieldError>;
}

macro_rules! checked {
    ($($ty:ty => $check:expr),+ $(,)?) => {$(
        impl Checked for $ty {
            fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
                let check: fn(&$ty, NaiveDate) -> Vec<FieldError> = $check;
                check(self, today)
            }
        }
    )+};
}

checked!(
    Meeting => shared::validate::validate_meeting,
    Funding => shared::validate::validate_funding,
    Visit => shared::validate::validate_visit,
    Inspection => shared::validate::validate_inspection,
    Notice => shared::validate::validate_notice,
    Base => |b, _| shared::validate::validate_base(b),
    Campaign => |c, _| shared::validate::validate_campaign(c),
    Rubric => |r, _| shared::scoring::validate_rubric(r),
    Assessment => |a, _| shared::scoring::validate_scores(a),
);

/// Check `value` and write it as record `id` of `branch_id`, if the session may; returns `id`.
pub async fn put<T: Checked>(
    store: &Store,
    session: &Session,
    id: Uuid,
    branch_id: &str,
    value: &T,
    today: NaiveDate,
) -> Result<Uuid, CampaignError> {
    check(value.problems(today))?;
    save(store, session, id, branch_id, value).await?;
    Ok(id)
}

/// [`put`] of an edit of a record the screen loaded as `before`: only the fields the person
/// changed on the form are written into the stored record, so a field changed meanwhile by a
/// pull or another tab is not put back to the screen's copy of it.
///
/// A field typed over a value changed elsewhere since the screen loaded it is saved as a
/// conflict with that change (kept for the office's review), and named in what is returned.
pub async fn put_edit<T: Checked>(
    store: &Store,
    session: &Session,
    id: Uuid,
    branch_id: &str,
    edit: &Edit<T>,
    today: NaiveDate,
) -> Result<Edited, CampaignError> {
    check(edit.after.problems(today))?;
    let after = changes_of(&edit.after)?;
    let shown = changes_of(&edit.before)?;
    let touched = typed_over::<T>(store, id, &shown, fields_changed(&shown, &after)).await?;
    let conflicts = write::<T>(store, session, id, branch_id, after, touched).await?;
    Ok(Edited::of(id, &conflicts))
}

/// Save the campaign settings (活动年限与目标) as edited on the settings screen: [`put_edit`] of
/// the fields changed, and, when the stored settings hold none of the years and targets yet
/// (`Campaign::PLAN_FIELDS`: only the town's name was saved), the years and targets shown,
/// changed or not: saving the screen is the office setting them, even to the work plan's.
pub async fn save_settings(
    store: &Store,
    session: &Session,
    edit: &Edit<Campaign>,
    today: NaiveDate,
) -> Result<Edited, CampaignError> {
    let id = Campaign::RECORD_ID;
    let edited = put_edit(store, session, id, "", edit, today).await?;
    let stored = store.get(EntityKind::Campaign, id).await?.filter(|r| !r.is_deleted());
    let confirmed = stored.is_some_and(|r| {
        r.fields.get(Campaign::PLAN_CONFIRMED).and_then(serde_json::Value::as_bool) == Some(true)
    });
    if !confirmed {
        // Saved on this screen, even unchanged: the office's own years and targets now.
        let mut plan: Vec<(String, serde_json::Value)> = changes_of(&edit.after)?
            .into_iter()
            .filter(|(field, _)| Campaign::PLAN_FIELDS.contains(&field.as_str()))
            .collect();
        plan.push((Campaign::PLAN_CONFIRMED.to_owned(), serde_json::Value::Bool(true)));
        let fields = plan.iter().map(|(field, _)| field.clone()).collect_set();
        write::<Campaign>(store, session, id, "", plan, Touched::Only(fields)).await?;
    }
    Ok(edited)
}

/// Save a rubric as revised on the settings screen, which loaded it as `edit.before` (the work
/// plan's template when none was stored). Two office devices revising it at once lost one
/// revision's criteria without a word and left both with the same version number:
/// - the version is one past the one shown and the one stored ([`next_version`]), written as
///   the office's own count, never a conflict of its own;
/// - the criteria are written over the ones the screen showed, as [`put_edit`] writes: a
///   revision saved elsewhere since (pulled while the screen was open) is kept as a conflict
///   for the office and named in what is returned, not replaced unseen.
pub async fn save_rubric(
    store: &Store,
    session: &Session,
    category: Category,
    edit: &Edit<Rubric>,
    today: NaiveDate,
) -> Result<Edited, CampaignError> {
    let id = rubric_id(category);
    let record = store.get(EntityKind::Rubric, id).await?.filter(|r| !r.is_deleted());
    let stored = match &record {
        Some(record) => Some(Rubric::from_record(record)?.version),
        None => None,
    };
    let after = Rubric {
        category: Some(category),
        version: next_version(edit.before.version, stored),
        criteria: edit.after.criteria.clone(),
    };
    check(after.problems(today))?;
    let after = changes_of(&after)?;
    let shown = changes_of(&edit.before)?;
    let mut touched = touched_of::<Rubric>(record.as_ref(), &shown, fields_changed(&shown, &after));
    if let (Touched::Over(over), Some(record)) = (&mut touched, &record) {
        // The office's own count: written over the number stored, never a conflict.
        over.insert(VERSION_FIELD.to_owned(), record.base_of(VERSION_FIELD));
    }
    let conflicts = write::<Rubric>(store, session, id, "", after, touched).await?;
    Ok(Edited::of(id, &conflicts))
}

/// What an edit of a loaded record saved: its id, and what it overwrote that was changed
/// elsewhere since the screen loaded it (field label, the value replaced), each also kept as a
/// conflict for the office.
#[derive(Clone, Debug, PartialEq)]
pub struct Edited {
    pub id: Uuid,
    pub overwritten: Vec<(String, String)>,
}

impl Edited {
    fn of(id: Uuid, conflicts: &[Conflict]) -> Self {
        let mut overwritten = Vec::new();
        crate::services::conflicts::note_overwritten(&mut overwritten, conflicts);
        Edited { id, overwritten }
    }
}

/// The fields `typed` on a screen that loaded record `id` as `shown`, each with the clock of
/// the value it showed (`logic::forms::shown_clocks`); a record not stored: just the fields.
async fn typed_over<T: Entity>(
    store: &Store,
    id: Uuid,
    shown: &[(String, serde_json::Value)],
    typed: BTreeSet<String>,
) -> Result<Touched, CampaignError> {
    Ok(touched_of::<T>(store.get(T::KIND, id).await?.as_ref(), shown, typed))
}

/// [`typed_over`] of the record as already read.
fn touched_of<T: Entity>(
    record: Option<&Record>,
    shown: &[(String, serde_json::Value)],
    typed: BTreeSet<String>,
) -> Touched {
    match record {
        Some(record) => Touched::Over(shown_clocks::<T>(record, shown, &typed)),
        None => Touched::Only(typed),
    }
}

/// A record as a screen loaded it, and as the person left it.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit<T> {
    pub before: T,
    pub after: T,
}

/// Delete record `id` of `T`'s kind (its branch as stored), if the session may.
pub async fn remove<T: Entity>(
    store: &Store,
    session: &Session,
    id: Uuid,
) -> Result<(), CampaignError> {
    let record = store.get(T::KIND, id).await?.ok_or(CampaignError::NotFound)?;
    delete::<T>(store, session, id, &record.branch_id).await
}

/// Every live record of `T`'s kind, decoded, with its id.
pub async fn load<T: Entity>(store: &Store) -> Result<Vec<(Uuid, T)>, CampaignError> {
    Ok(decode_all::<T>(&store.list(T::KIND).await?))
}

/// One record of `T`'s kind, if it exists and is not deleted.
pub async fn get<T: Entity>(store: &Store, id: Uuid) -> Result<T, CampaignError> {
    Ok(read::<T>(store, id).await?.1)
}

/// One record of `T`'s kind as stored, and decoded: what [`save_fields`] types over.
pub async fn read<T: Entity>(store: &Store, id: Uuid) -> Result<(Record, T), CampaignError> {
    let record = store.get(T::KIND, id).await?.filter(|r| !r.is_deleted());
    let record = record.ok_or(CampaignError::NotFound)?;
    let value = T::from_record(&record)?;
    Ok((record, value))
}

/// Write `value` as record `id` of `branch_id`, if the session may.
pub async fn save<T: Entity>(
    store: &Store,
    session: &Session,
    id: Uuid,
    branch_id: &str,
    value: &T,
) -> Result<(), CampaignError> {
    write::<T>(store, session, id, branch_id, changes_of(value)?, Touched::All).await.map(drop)
}

/// [`save`] of the `touched` ones of a `T` record's `changes` (every one into a record not
/// stored yet). Not an `async fn` of `T`: every kind's write is the one future of
/// [`write_kind`], compiled once (docs/PERFORMANCE.md, session 32).
fn write<'a, T: Entity>(
    store: &'a Store,
    session: &'a Session,
    id: Uuid,
    branch_id: &'a str,
    changes: Vec<(String, serde_json::Value)>,
    touched: Touched,
) -> impl Future<Output = Result<Vec<Conflict>, CampaignError>> + 'a {
    write_kind(T::KIND, store, session, id, branch_id, changes, touched)
}

/// [`write`] of a record of `kind`.
async fn write_kind(
    kind: EntityKind,
    store: &Store,
    session: &Session,
    id: Uuid,
    branch_id: &str,
    changes: Vec<(String, serde_json::Value)>,
    touched: Touched,
) -> Result<Vec<Conflict>, CampaignError> {
    if !session.may_write(kind, branch_id) {
        return Err(CampaignError::NotAllowed);
    }
    Ok(store.save_touched(kind, id, branch_id, changes, touched).await?.conflicts)
}

/// Delete record `id` of `T`'s kind (a tombstone that syncs), if the session may.
pub fn delete<'a, T: Entity>(
    store: &'a Store,
    session: &'a Session,
    id: Uuid,
    branch_id: &'a str,
) -> impl Future<Output = Result<(), CampaignError>> + 'a {
    delete_kind(T::KIND, store, session, id, branch_id)
}

/// [`delete`] of a record of `kind`.
async fn delete_kind(
    kind: EntityKind,
    store: &Store,
    session: &Session,
    id: Uuid,
    branch_id: &str,
) -> Result<(), CampaignError> {
    if !session.may_write(kind, branch_id) {
        return Err(CampaignError::NotAllowed);
    }
    store.delete(kind, id).await?;
    Ok(())
}

/// Record a new application of `person_id` (the candidate's first history entry) and return
/// the new candidate's id. The candidacy (member, category, year) must be new on this tablet
/// and its year a campaign year (`shared::candidacy`); its id is the key's, so the same
/// application recorded on another tablet becomes the same record.
pub async fn create_candidate(
    store: &Store,
    session: &Session,
    person_id: Uuid,
    application: Application,
    at: NaiveDateTime,
) -> Result<Uuid, CampaignError> {
    let person: Person = get(store, person_id).await?;
    let candidate =
        new_candidate(person_id, &person, application, &session.by(), session.role(), at)?;
    let campaign = current_campaign(&load::<Campaign>(store).await?);
    candidacy::check_new(&candidate, &campaign, session.role(), at.date())?;
    let existing: Vec<(Uuid, Candidate)> = load(store).await?;
    candidacy::check_unique(Uuid::nil(), &candidate, existing.iter().map(|(id, c)| (*id, c)))?;
    check(shared::validate::validate_candidate(&candidate, at.date()))?;
    let id = CandidacyKey::of(&candidate).map_or_else(Uuid::now_v7, |k| k.record_id());
    if store.get(EntityKind::Candidate, id).await?.is_some() {
        // A deleted record of the same candidacy: its id is taken.
        return Err(CampaignError::Candidacy(CandidacyError::Duplicate {
            existing: id,
            year: candidate.year,
            category: Some(application.category),
            state: None,
        }));
    }
    save(store, session, id, &candidate.branch_id.clone(), &candidate).await?;
    Ok(id)
}

/// Save the editable parts of a profile (not its state or history: those change only through
/// [`take_action`]).
pub async fn save_profile(
    store: &Store,
    session: &Session,
    id: Uuid,
    edit: &Edit<Candidate>,
    today: NaiveDate,
) -> Result<Edited, CampaignError> {
    let mut current: Candidate = get(store, id).await?;
    if current.is_closed() {
        return Err(CampaignError::Closed);
    }
    // Only what was changed on the form: a field another device changed since the profile was
    // opened keeps that change.
    let Edit { before, after: edited } = edit;
    if edited.contact_person != before.contact_person {
        current.contact_person = edited.contact_person.clone();
    }
    if edited.standards != before.standards {
        current.standards = edited.standards.clone();
    }
    if edited.pipeline != before.pipeline {
        // 梯队 on a candidacy the town approved is the office's to change (the server's rule),
        // but a mark of this tablet's that the server refused may be taken back.
        let refused = pipeline_refused(store, id).await?;
        workflow::check_pipeline_mark(&current, session.role(), edited.pipeline, refused)?;
        current.pipeline = edited.pipeline;
    }
    if edited.integrity_grade != before.integrity_grade {
        current.integrity_grade = edited.integrity_grade;
    }
    if edited.industry_prospects != before.industry_prospects {
        current.industry_prospects = edited.industry_prospects.clone();
    }
    if edited.notes != before.notes {
        current.notes = edited.notes.clone();
    }
    check(shared::validate::validate_candidate(&current, today))?;
    // Typed over what the profile showed: a value changed elsewhere since is kept as a conflict.
    let shown = changes_of(before)?;
    let typed = fields_changed(&shown, &changes_of(edited)?);
    let typed = typed_over::<Candidate>(store, id, &shown, typed).await?;
    let branch = current.branch_id.clone();
    let conflicts = write::<Candidate>(store, session, id, &branch, changes_of(&current)?, typed);
    Ok(Edited::of(id, &conflicts.await?))
}

/// Take an application step on candidate `id` as the session's role: re-read the candidate,
/// check the step with `shared::workflow`, then save the new state, reason and history.
pub async fn take_action(
    store: &Store,
    session: &Session,
    id: Uuid,
    action: ApplicationAction,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<Candidate, CampaignError> {
    let mut candidate: Candidate = get(store, id).await?;
    workflow::apply_transition(&mut candidate, action, &session.by(), session.role(), at, reason)?;
    // The county writes nothing but its own step, 县委组织部备案, which the workflow has just
    // allowed it (as the server's policy does), and only the step's fields: any other field
    // whose stored form differs from its re-encoding would be refused whole by the server.
    // Every other write needs the branch.
    if session.role() == shared::roles::Role::CountyViewer && action == ApplicationAction::File {
        let mut changes = changes_of(&candidate)?;
        changes.retain(|(field, _)| shared::policy::COUNTY_FILING_FIELDS.contains(&field.as_str()));
        store.save(EntityKind::Candidate, id, &candidate.branch_id, changes).await?;
    } else {
        save(store, session, id, &candidate.branch_id.clone(), &candidate).await?;
    }
    Ok(candidate)
}

/// 登记下一年度 of candidate `id` (a pipeline member's application, or service_post's yearly
/// selection) with `shared::candidacy::carry_over`: the next year's record (its key's id) is
/// saved first, then the old record closed (已转入下一年度), each linked to the other. Refused,
/// naming the existing record, when next year's candidacy exists already. Returns the next
/// year's id.
pub async fn next_year(
    store: &Store,
    session: &Session,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<Uuid, CampaignError> {
    let candidate: Candidate = get(store, id).await?;
    let campaign = current_campaign(&load::<Campaign>(store).await?);
    let done = candidacy::carry_over(id, &candidate, &campaign, &session.by(), session.role(), at)?;
    let existing: Vec<(Uuid, Candidate)> = load(store).await?;
    candidacy::check_unique(Uuid::nil(), &done.next, existing.iter().map(|(id, c)| (*id, c)))?;
    check(shared::validate::validate_candidate(&done.next, at.date()))?;
    if !session.may_write(EntityKind::Candidate, &candidate.branch_id) {
        return Err(CampaignError::NotAllowed);
    }
    save(store, session, done.next_id, &done.next.branch_id.clone(), &done.next).await?;
    save(store, session, id, &done.closed.branch_id.clone(), &done.closed).await?;
    Ok(done.next_id)
}

/// Begin the score sheet of `candidate_id` for `year` on the category's current rubric (a
/// snapshot of it, so a later revision leaves the sheet as scored). Returns the sheet's id.
///
/// There is one sheet per candidate per year: its id is `shared::scoring::sheet_id`, the same
/// on every device. When the candidate already has a sheet for `year` (this id, or one begun
/// before the rule with a random id, not refused as a second one) nothing is written and that
/// sheet's id is returned.
pub async fn begin_scoring(
    store: &Store,
    session: &Session,
    candidate_id: Uuid,
    branch_id: &str,
    year: i32,
    (rubric_id, rubric): (Uuid, Rubric),
    today: NaiveDate,
) -> Result<Uuid, CampaignError> {
    let id = shared::scoring::sheet_id(candidate_id, year);
    if store.get(EntityKind::Assessment, id).await?.is_some_and(|r| !r.is_deleted()) {
        return Ok(id);
    }
    let stored: Vec<(Uuid, Assessment)> = load(store).await?;
    // A sheet the server refused as a second one is not the candidate's sheet (`load_data`).
    let refused = refused_second_sheets(&crate::sync::rejected::list(store).await?);
    let theirs = stored.iter().filter(|(id, a)| {
        a.candidate_id == candidate_id && a.year == year && !refused.contains(id)
    });
    let kept = shared::scoring::one_sheet_each(&theirs.cloned().collect::<Vec<_>>());
    if let Some((existing, _)) = kept.first() {
        return Ok(*existing);
    }
    // Refused here because the server holds a sheet of this candidate and year: that one is to
    // be pulled and scored, not begun again (its fields written anew over the office's).
    let refused_here = stored
        .iter()
        .any(|(id, a)| a.candidate_id == candidate_id && a.year == year && refused.contains(id));
    if refused_here {
        return Err(CampaignError::SheetAtOffice);
    }
    let sheet = shared::scoring::begin_assessment(
        candidate_id,
        year,
        rubric_id,
        &rubric,
        &session.by(),
        today,
    );
    put(store, session, id, branch_id, &sheet, today).await
}

/// Take a commendation step on score sheet `id` as the session's role, with
/// `shared::workflow`. The scores typed on screen and not saved yet (`edit`: the sheet as the
/// screen loaded it and as it is now) are saved first as an edit; the step is then taken on the
/// sheet as stored and writes only its own fields. Writing the screen's whole copy put back,
/// unseen, what another office device had saved meanwhile (its scores, its history entries).
pub async fn commend(
    store: &Store,
    session: &Session,
    (id, branch_id): (Uuid, &str),
    edit: &Edit<Assessment>,
    action: CommendationAction,
    reason: &str,
    at: NaiveDateTime,
) -> Result<Edited, CampaignError> {
    let mut overwritten = Vec::new();
    if edit.before != edit.after {
        overwritten = put_edit(store, session, id, branch_id, edit, at.date()).await?.overwritten;
    }
    let (read, mut sheet) = read::<Assessment>(store, id).await?;
    workflow::advance_commendation(
        &mut sheet,
        action,
        &session.by(),
        session.role(),
        at,
        Some(reason),
    )?;
    check(sheet.problems(at.date()))?;
    let fields = ["stage", "history", "reason"];
    let conflicts = save_fields(store, session, (id, branch_id), &read, &sheet, &fields).await?;
    let mut edited = Edited::of(id, &conflicts);
    overwritten.append(&mut edited.overwritten);
    Ok(Edited { id, overwritten })
}

/// Write only `fields` of `value`, made from `read` (record `id` as just read), into record
/// `id` (the other fields stay as stored). Each is written over the value `read` held, at its
/// clock: one written since (a pull between the read and the write, another tab) is kept as a
/// conflict for the office and named in what is returned, never put back unseen.
pub async fn save_fields<T: Entity>(
    store: &Store,
    session: &Session,
    (id, branch_id): (Uuid, &str),
    read: &Record,
    value: &T,
    fields: &[&str],
) -> Result<Vec<Conflict>, CampaignError> {
    let changes: Vec<_> =
        changes_of(value)?.into_iter().filter(|(f, _)| fields.contains(&f.as_str())).collect();
    let over = fields
        .iter()
        .map(|f| ((*f).to_owned(), read.meta.get(*f).map(|meta| meta.clock.clone())))
        .collect_map();
    write::<T>(store, session, id, branch_id, changes, Touched::Over(over)).await
}

/// Record a study visit to a demonstration base. It belongs to the branch of its first
/// attendee (the candidate's), or to the account's own branch when nobody is listed.
pub async fn record_visit(
    store: &Store,
    session: &Session,
    visit: &Visit,
    today: NaiveDate,
) -> Result<Uuid, CampaignError> {
    let branch = match visit.attendees.first() {
        Some(first) => get::<Candidate>(store, *first).await?.branch_id,
        None => session.default_branch(),
    };
    put(store, session, Uuid::now_v7(), &branch, visit, today).await
}

/// Log a pairing contact or expert guidance session for its candidate.
pub async fn log_contact(
    store: &Store,
    session: &Session,
    log: &ContactLog,
    today: NaiveDate,
) -> Result<Uuid, CampaignError> {
    check(shared::validate::validate_contact_log(log, today))?;
    let candidate: Candidate = get(store, log.candidate_id).await?;
    let id = Uuid::now_v7();
    save(store, session, id, &candidate.branch_id, log).await?;
    Ok(id)
}

/// Everything the overview screens (dashboard, report, card) are made from.
#[derive(Clone, Debug, Default)]
pub struct CampaignData {
    pub campaign: Campaign,
    pub people: Vec<(Uuid, Person)>,
    /// The active branches as `(code, branch)`.
    pub branches: Vec<(String, Branch)>,
    /// Every branch record (retired ones too), by record id.
    pub branch_records: Vec<shared::branches::BranchRecord>,
    pub candidates: Vec<(Uuid, Candidate)>,
    pub contacts: Vec<(Uuid, ContactLog)>,
    pub meetings: Vec<(Uuid, Meeting)>,
    pub inspections: Vec<(Uuid, Inspection)>,
    pub assessments: Vec<(Uuid, Assessment)>,
    pub names: Names,
}

impl CampaignData {
    pub fn contact_logs(&self) -> Vec<ContactLog> {
        self.contacts.iter().map(|(_, l)| l.clone()).collect()
    }
    pub fn meeting_list(&self) -> Vec<Meeting> {
        self.meetings.iter().map(|(_, m)| m.clone()).collect()
    }
    pub fn inspection_list(&self) -> Vec<Inspection> {
        self.inspections.iter().map(|(_, i)| i.clone()).collect()
    }
    pub fn candidate_list(&self) -> Vec<Candidate> {
        self.candidates.iter().map(|(_, c)| c.clone()).collect()
    }
}

/// Load the overview data from this device's store. A score sheet the server refused as a
/// second sheet of its candidate and year (`duplicate_sheet`: begun on an old app beside the
/// office's) is left out while that refusal is open: the screens show and score the office's
/// sheet, which the refusal's words point to, not the one whose every change would be held.
pub async fn load_data(store: &Store) -> Result<CampaignData, CampaignError> {
    let mut records = Vec::new();
    for kind in shared::county::CAMPAIGN_KINDS {
        records.extend(store.list(kind).await?);
    }
    let mut data = data_of(&records);
    let refused = refused_second_sheets(&crate::sync::rejected::list(store).await?);
    data.assessments.retain(|(id, _)| !refused.contains(id));
    Ok(data)
}

/// The score sheets with an open `duplicate_sheet` refusal.
fn refused_second_sheets(kept: &[RejectedOp]) -> BTreeSet<Uuid> {
    kept.iter()
        .filter(|r| r.op.entity == EntityKind::Assessment)
        .filter(|r| r.code.as_deref() == Some(shared::policy::DUPLICATE_SHEET))
        .map(|r| r.op.entity_id)
        .collect_set()
}

/// The overview data of `records` (of [`shared::county::CAMPAIGN_KINDS`], any order, deleted
/// ones skipped): this device's own (`load_data`), or one town's from the server (the
/// county's dashboard, `services::county`).
pub fn data_of(records: &[Record]) -> CampaignData {
    let people: Vec<(Uuid, Person)> = decode_all(records);
    let branch_records = branch_records(records);
    let candidates: Vec<(Uuid, Candidate)> = decode_all(records);
    // Retired branches are still named on their records; the rules count active ones.
    let names = Names::new(&people, &keyed(&branch_records, true)).with_candidates(&candidates);
    let branches = keyed(&branch_records, false);
    CampaignData {
        campaign: current_campaign(&decode_all::<Campaign>(records)),
        people,
        branches,
        branch_records,
        candidates,
        contacts: decode_all(records),
        meetings: decode_all(records),
        inspections: decode_all(records),
        assessments: decode_all(records),
        names,
    }
}

/// The contact table of `year` as of `today`.
pub async fn contact_table(
    store: &Store,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<ContactRow>, CampaignError> {
    let data = load_data(store).await?;
    Ok(contact_rows(&data.candidates, &data.contact_logs(), &data.names, year, today))
}

/// A demonstration base with its visits, and the active candidates a visit can list.
#[derive(Clone, Debug)]
pub struct BaseRecords {
    pub base: Base,
    /// Newest first.
    pub visits: Vec<(Uuid, Visit)>,
    pub candidates: Vec<(Uuid, Candidate)>,
    pub names: Names,
}

/// Base `id` and what its screen shows with it.
pub async fn base_records(store: &Store, id: Uuid) -> Result<BaseRecords, CampaignError> {
    let base: Base = get(store, id).await?;
    let mut visits: Vec<(Uuid, Visit)> =
        load::<Visit>(store).await?.into_iter().filter(|(_, v)| v.base_id == id).collect();
    shared::order::sort_by_key(&mut visits, |(_, x)| std::cmp::Reverse(x.date));
    let all = load_data(store).await?;
    let candidates = all.candidates.into_iter().filter(|(_, c)| c.is_active()).collect();
    Ok(BaseRecords { base, visits, candidates, names: all.names })
}

/// A candidate with its member and every contact log (its profile screen counts its own).
#[derive(Clone, Debug)]
pub struct Profile {
    pub candidate: Candidate,
    pub person: Option<Person>,
    pub logs: Vec<ContactLog>,
    /// The 梯队 mark the candidate holds from this tablet's change the server refused, which may
    /// be taken back ([`refused_pipeline_mark`]).
    pub pipeline_refused: Option<bool>,
}

/// Candidate `id`'s profile.
pub async fn profile(store: &Store, id: Uuid) -> Result<Profile, CampaignError> {
    let candidate: Candidate = get(store, id).await?;
    let person = get::<Person>(store, candidate.person_id).await.ok();
    let logs = load::<ContactLog>(store).await?.into_iter().map(|(_, l)| l).collect();
    let pipeline_refused = pipeline_refused(store, id).await?;
    Ok(Profile { candidate, person, logs, pipeline_refused })
}

/// [`refused_pipeline_mark`] of candidate `id` as stored.
async fn pipeline_refused(store: &Store, id: Uuid) -> Result<Option<bool>, CampaignError> {
    let Some(record) = store.get(EntityKind::Candidate, id).await? else {
        return Ok(None);
    };
    Ok(refused_pipeline_mark(&crate::sync::rejected::list(store).await?, &record))
}

/// Typed loads the other screens use, re-exported for brevity.
pub type Bases = Vec<(Uuid, Base)>;
pub type Visits = Vec<(Uuid, Visit)>;
pub type Fundings = Vec<(Uuid, Funding)>;
pub type Notices = Vec<(Uuid, Notice)>;
pub type Rubrics = Vec<(Uuid, Rubric)>;
