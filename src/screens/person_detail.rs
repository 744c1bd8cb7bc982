//! One member: identity, surveys (with links to edit), photos and the change history.

use crate::i18n::Localized as _;
use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::delivery::{DeliveryState, RecordKey};
use shared::model::{Person, Survey, SurveyStatus};
use shared::op::OpKind;
use shared::record::{EntityKind, Record};
use uuid::Uuid;

use crate::components::delivery::state_badge;
use crate::components::loaded::Loaded;
use crate::components::photo::PhotoThumb;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n::{self as t, outbox};
use crate::logic::format;
use crate::logic::history::Replay;
use crate::logic::route::Route;
use crate::services::delivery;
use crate::store::{HistoryEntry, meta_keys};
use crate::sync::scheduler::Adoption;

#[derive(Clone)]
struct Detail {
    person: Record,
    surveys: Vec<(Record, Survey)>,
    history: Vec<HistoryLine>,
    /// Delivery states of this tablet's records that are not 已送达.
    states: BTreeMap<RecordKey, DeliveryState>,
    /// Changes saved before sign-in and adopted by an account.
    adopted: Vec<Adoption>,
    /// The signed-in role may change records.
    writes: bool,
}

#[component]
pub fn PersonDetail(id: Uuid) -> impl IntoView {
    let ctx = use_app();
    let detail = Loader::new(move || async move {
        let store = ctx.store();
        let person = store.get(EntityKind::Person, id).await.map_err(|e| e.to_string())?;
        let person =
            person.filter(|p| !p.is_deleted()).ok_or_else(|| t::PERSON_NOT_FOUND.to_string())?;
        let mut surveys: Vec<(Record, Survey)> = store
            .surveys_of(id)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| {
                let survey = shared::form::read_survey(&r.fields);
                (r, survey)
            })
            .collect();
        shared::order::sort_by_key(&mut surveys, |s| std::cmp::Reverse(s.1.surveyed_at));
        // Each record's history replayed oldest first, so each line names what really changed.
        let mut history: Vec<HistoryLine> = Vec::new();
        let records = std::iter::once((t::HIST_PERSON, id))
            .chain(surveys.iter().map(|(record, _)| (t::HIST_SURVEY, record.id)));
        for (what, record) in records {
            let mut entries = store.history(record).await.map_err(|e| e.to_string())?;
            shared::order::sort_by(&mut entries, |a, b| a.hlc.cmp(&b.hlc));
            let mut replay = Replay::default();
            for entry in entries {
                let fields = replay.changed(&entry.changes);
                history.push(HistoryLine { what: what.get(), entry, fields });
            }
        }
        shared::order::sort_by(&mut history, |a, b| b.entry.hlc.cmp(&a.entry.hlc));
        let states = delivery::states(&store).await.map_err(|e| e.to_string())?;
        let adopted: Vec<Adoption> = store
            .meta_get(meta_keys::ADOPTED)
            .await
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let writes = ctx.session_now().writes();
        Ok::<_, String>(Detail { person, surveys, history, states, adopted, writes })
    });
    view! { <Loaded resource=detail let:d>{detail_view(id, d)}</Loaded> }
}

fn detail_view(id: Uuid, d: Detail) -> impl IntoView {
    let person: Person = d.person.to_typed().unwrap_or_default();
    let photos: Vec<String> =
        d.surveys.iter().flat_map(|(_, s)| s.photos.iter().map(|p| p.sha256.clone())).collect();
    let authors: Vec<(String, String, String)> = d
        .person
        .meta
        .iter()
        .map(|(field, m)| {
            (t::field_label(field).to_owned(), author(&m.author), m.clock.millis.to_string())
        })
        .collect();
    let state_of = |key: RecordKey| d.states.get(&key).copied().unwrap_or(DeliveryState::Delivered);
    let person_state = state_of((EntityKind::Person, id));
    let adopted = d.adopted.clone();
    view! {
        <section class="person" data-testid="person-detail">
            <h2 data-testid="person-name">{person.name.clone()}</h2>
            {state_badge(person_state)}
            <dl class="facts">
                <dt>{t::F_GENDER}</dt><dd>{person.gender.map(|g| g.localized()).unwrap_or("")}</dd>
                <dt>{t::F_BIRTH_YEAR}</dt><dd>{person.birth_year.map(|y| y.to_string()).unwrap_or_default()}</dd>
                <dt>{t::F_PHONE}</dt><dd data-testid="person-phone">{person.phone.clone()}</dd>
                <dt>{t::F_BRANCH}</dt><dd>{person.branch_id.clone()}</dd>
                <dt>{t::F_VILLAGE_UNIT}</dt><dd>{person.village_unit.clone()}</dd>
                <dt>{t::F_CATEGORY}</dt><dd>{person.category.map(|c| c.localized()).unwrap_or("")}</dd>
            </dl>
            {d.writes.then(|| view! {
                <a class="button primary" href=Route::NewSurvey(Some(id)).href() data-testid="person-new-survey">{t::NEW_SURVEY_FOR}</a>
            })}

            <h3>{t::SURVEYS}</h3>
            {if d.surveys.is_empty() {
                view! { <p class="empty">{t::NO_SURVEYS}</p> }.into_any()
            } else {
                view! { <ul class="surveys">
                    {d.surveys.iter().map(|(r, s)| {
                        let when = s.surveyed_at.map(format::date_time).unwrap_or_default();
                        let status = if s.status == SurveyStatus::Final { t::STATUS_FINAL } else { t::STATUS_DRAFT };
                        let action = if d.writes { t::EDIT } else { t::VIEW };
                        view! { <li data-testid="person-survey">
                            <a href=Route::Survey(r.id).href()>{when} " · " {s.surveyor.clone()} " · " {status} " · " {action}</a>
                            {state_badge(state_of((EntityKind::Survey, r.id)))}
                        </li> }
                    }).collect_view()}
                </ul> }.into_any()
            }}

            <h3>{t::PHOTOS}</h3>
            {if photos.is_empty() {
                view! { <p class="empty">{t::NO_PHOTOS}</p> }.into_any()
            } else {
                view! { <div class="thumbs">{photos.into_iter().map(|sha| view! { <PhotoThumb sha256=sha /> }).collect_view()}</div> }.into_any()
            }}

            <h3>{t::HISTORY}</h3>
            {if d.history.is_empty() {
                view! { <p class="empty">{t::NO_HISTORY}</p> }.into_any()
            } else {
                view! { <ol class="history" data-testid="person-history">
                    {d.history.into_iter().map(|line| {
                        let note = adopted.iter().find(|a| a.op_id == line.entry.id).map(|a| outbox::adopted_by(&a.author));
                        view! { <li>{history_line(&line)} {note}</li> }
                    }).collect_view()}
                </ol> }.into_any()
            }}
            <details>
                <summary>{t::FIELD_AUTHORS}</summary>
                <ul>{authors.into_iter().map(|(f, a, _)| view! { <li>{f} "：" {a}</li> }).collect_view()}</ul>
            </details>
        </section>
    }
}

fn author(name: &str) -> String {
    if name.is_empty() { t::UNKNOWN_AUTHOR.to_string() } else { name.to_owned() }
}

fn when(millis: u64) -> String {
    i64::try_from(millis).map(format::millis).unwrap_or_default()
}

/// One change in a member's history: of which record, and the fields it really changed.
#[derive(Clone, Debug)]
pub struct HistoryLine {
    what: &'static str,
    entry: HistoryEntry,
    fields: Vec<String>,
}

/// `2024年5月1日 上午10:30 张三 修改了调查：从业情况、资金`
fn history_line(line: &HistoryLine) -> String {
    let HistoryLine { what, entry: h, fields } = line;
    let fields: Vec<&str> = fields.iter().map(|f| t::field_label(f)).collect();
    let action = match h.kind {
        OpKind::Delete => t::HISTORY_DELETED.to_string(),
        OpKind::Upsert => t::history_changed(what, &fields),
    };
    // A form upgrade says what it did (`shared::form`).
    let upgrade = h
        .changes
        .iter()
        .find(|(f, _)| f == shared::form::MIGRATION_FIELD)
        .and_then(|(_, v)| shared::form::describe_history(v, &t::form_field_label))
        .map(|m| format!("（{}）", crate::logic::validation::words(&m)))
        .unwrap_or_default();
    let action = format!("{action}{upgrade}");
    format!("{} {} {}", when(h.hlc.millis), author(&h.author), action)
}
