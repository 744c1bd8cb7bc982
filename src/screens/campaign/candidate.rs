//! The candidate profile: the member, the category's standards as a checklist with evidence,
//! the application steps the current role may take (the others disabled, with the reason),
//! reasons for 退回/移除/调整, the full history, pairing contacts, integrity grade, industry
//! prospects, the contact person, the pipeline flag and the next year's selection.

use crate::i18n::Localized as _;
use chrono::Datelike;
use leptos::prelude::*;
use shared::model::{ApplicationAction, ApplicationState, Candidate};
use shared::record::EntityKind;
use shared::rules::contact_status;
use uuid::Uuid;

use crate::browser::dialog::confirm;
use crate::browser::location::go;
use crate::components::fields::{Field, checkbox, select, text, textarea};
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::candidate::{
    ActionButton, action_buttons, read_only_buttons, standards_met, state_label,
};
use crate::logic::campaign::contacts::status_text;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::format;
use crate::logic::forms::{now, today};
use crate::services::campaign::{self, CampaignError, Profile};

type Loading = Loader<Result<Profile, CampaignError>>;

#[component]
pub fn CandidateProfile(id: Uuid) -> impl IntoView {
    let ctx = use_app();
    let loaded: Loading = Loader::new(move || {
        let store = ctx.store();
        async move { campaign::profile(&store, id).await }
    });
    view! {
        <Loaded resource=loaded let:profile><ProfileView id=id profile=profile loaded=loaded /></Loaded>
    }
}

#[component]
fn ProfileView(id: Uuid, profile: Profile, loaded: Loading) -> impl IntoView {
    let Profile { candidate, person, logs, pipeline_refused } = profile;
    let session = super::use_session();
    let name =
        person.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| tc::UNKNOWN_PERSON.to_string());
    let unit = person.as_ref().map(|p| p.village_unit.clone()).unwrap_or_default();
    let form = RwSignal::new(candidate.clone());
    let opened = StoredValue::new(candidate.clone());
    let notice = RwSignal::new(None::<Notice>);
    let today = today();
    let status = contact_status(id, &candidate, &logs, today.year(), today);
    let read_only = session.read_only();
    let buttons = action_buttons(&candidate, session.role());
    // A county viewer is shown only the step it may take (县委组织部备案, on an approved
    // candidate), or none.
    let buttons = if read_only { read_only_buttons(buttons) } else { buttons };
    // The profile is editable by whoever may write the candidate's branch; a county viewer
    // reads it (no form).
    // A removed or carried-over record is read-only (恢复 is the office's step below).
    let can_edit =
        session.may_write(EntityKind::Candidate, &candidate.branch_id) && !candidate.is_closed();
    let can_log = session.may_write(EntityKind::ContactLog, &candidate.branch_id);
    let (met, total) = standards_met(&candidate);
    // 梯队 on a candidacy the town approved: only the office may change it (shared rule), but a
    // mark of this tablet's the server refused may be taken back, and the box says so.
    let refused_mark = pipeline_refused.filter(|&mark| mark == candidate.pipeline);
    let pipeline_locked = shared::workflow::check_pipeline_mark(
        &candidate,
        session.role(),
        !candidate.pipeline,
        refused_mark,
    )
    .err()
    .map(|e| crate::logic::validation::words(&e.message()));

    let ctx = crate::context::use_app();
    let save_profile =
        super::write_action(move |store, session, edit: campaign::Edit<Candidate>| async move {
            let edited = campaign::save_profile(&store, &session, id, &edit, today).await;
            super::say_overwritten(ctx, edited)
        });
    on_result(save_profile, notice, move |_| {
        notice.set(Some(Notice::Done(tc::SAVED.get())));
        loaded.refetch();
    });
    let save = move |_| {
        let edit = campaign::Edit { before: opened.get_value(), after: form.get_untracked() };
        save_profile.dispatch_local(edit);
    };
    let carry_over = super::write_action(move |store, session, ()| async move {
        campaign::next_year(&store, &session, id, now()).await
    });
    on_result(carry_over, notice, move |new_id| go(&CampaignRoute::Candidate(new_id).href()));
    let next_year = move |_| {
        carry_over.dispatch_local(());
    };
    let shows_next_year = candidate.is_active() && shared::candidacy::carriable(&candidate);
    let closed_note = match candidate.state {
        ApplicationState::Removed => Some(tc::CLOSED_REMOVED),
        ApplicationState::CarriedOver => Some(tc::CLOSED_CARRIED),
        _ => None,
    };
    let carried_to = candidate.carried_to;
    let carried_from = candidate.carried_from;

    view! {
        <section class="candidate" data-testid="candidate-profile">
            <div class="form-head">
                <h2 data-testid="candidate-name">{name}</h2>
                <span>{unit}</span>
                <span>{candidate.category.map(|c| c.localized()).unwrap_or("")}</span>
                <span>{tc::year_label(candidate.year)}</span>
                <span class=format!("state {}", candidate.state.as_str()) data-testid="candidate-state">{state_label(&candidate)}</span>
                {super::display_card::past_town_approval(candidate.state).then(|| view! {
                    <a class="button secondary" href=CampaignRoute::Card(id).href() data-testid="candidate-card">{tc::DISPLAY_CARD}</a>
                })}
            </div>
            {closed_note.map(|note| view! { <p class="message warn" data-testid="candidate-closed">{note}</p> })}
            {carried_to.map(|next| view! {
                <p class="hint"><a href=CampaignRoute::Candidate(next).href() data-testid="candidate-carried-to">{tc::CARRIED_TO}</a></p>
            })}
            {carried_from.map(|prev| view! {
                <p class="hint"><a href=CampaignRoute::Candidate(prev).href() data-testid="candidate-carried-from">{tc::CARRIED_FROM}</a></p>
            })}
            {(!candidate.reason.is_empty()).then(|| view! {
                <p class="message warn" data-testid="candidate-reason-shown">{tc::LATEST_REASON}{candidate.reason.clone()}</p>
            })}
            {notice_line(notice)}
            <fieldset class="section">
                <legend>{tc::APPLICATION}</legend>
                {if read_only && buttons.is_empty() {
                    view! { <p class="hint" data-testid="candidate-actions-read-only">{crate::i18n::branches::READ_ONLY}</p> }.into_any()
                } else {
                    view! {
                        <p class="hint">{tc::acting_as(&session.by(), session.role().localized())}</p>
                        <Actions id=id buttons=buttons notice=notice loaded=loaded />
                    }.into_any()
                }}
            </fieldset>
            <fieldset class="section" data-testid="candidate-contacts">
                <legend>{tc::CONTACTS}</legend>
                {match status {
                    Some(s) => view! {
                        <span data-testid="candidate-contact-status" class:behind=s.behind>{status_text(&s)}</span>
                        {s.behind.then(|| view! { <span class="badge behind" data-testid="candidate-behind">{tc::BEHIND}</span> })}
                    }.into_any(),
                    None => view! { <span data-testid="candidate-contact-status">{tc::NO_CONTACTS_NEEDED}</span> }.into_any(),
                }}
                {can_log.then(|| view! {
                    <a class="button" href=CampaignRoute::Contacts(Some(id)).href() data-testid="candidate-log-contact">{tc::LOG_CONTACT}</a>
                })}
            </fieldset>
            <fieldset class="section" disabled=!can_edit>
                <legend>{tc::PROFILE}</legend>
                {text(form, Field::new(tc::CONTACT_PERSON.get(), "candidate-contact-person"), |c| c.contact_person.clone(), |c, v| c.contact_person = v)}
                {select(form, Field::new(tc::INTEGRITY_GRADE.get(), "candidate-integrity"), |c| c.integrity_grade, |c, v| c.integrity_grade = v)}
                {match pipeline_locked {
                    None => view! {
                        {checkbox(form, Field::new(tc::PIPELINE.get(), "candidate-pipeline"), |c| c.pipeline, |c, v| c.pipeline = v)}
                        {refused_mark.map(|_| view! { <p class="hint wide warn" data-testid="candidate-pipeline-refused">{tc::PIPELINE_REFUSED_TAKE_BACK}</p> })}
                    }.into_any(),
                    Some(why) => view! {
                        <label class="field check">
                            <input type="checkbox" data-testid="candidate-pipeline" disabled=true prop:checked=candidate.pipeline />
                            <span class="label">{tc::PIPELINE.get()}</span>
                        </label>
                        <p class="hint wide" data-testid="candidate-pipeline-locked">{why}</p>
                    }.into_any(),
                }}
                {textarea(form, Field::new(tc::INDUSTRY_PROSPECTS.get(), "candidate-prospects"), |c| c.industry_prospects.clone(), |c, v| c.industry_prospects = v)}
                {textarea(form, Field::new(tc::NOTES.get(), "candidate-notes"), |c| c.notes.clone(), |c, v| c.notes = v)}
            </fieldset>
            <fieldset class="section" data-testid="candidate-standards" disabled=!can_edit>
                <legend>{tc::standards_title(met, total)}</legend>
                {candidate.standards.iter().enumerate().map(|(i, s)| {
                    let item = s.item.clone();
                    view! {
                        <div class="standard wide">
                            <label class="field check">
                                <input type="checkbox" data-testid=format!("standard-met-{i}")
                                    prop:checked=move || form.with(|c| c.standards.get(i).is_some_and(|s| s.met))
                                    on:change=move |ev| { let v = event_target_checked(&ev); form.update(|c| if let Some(s) = c.standards.get_mut(i) { s.met = v; }); } />
                                <span class="label">{item}</span>
                            </label>
                            <label class="field wide">
                                <span class="label">{tc::EVIDENCE}</span>
                                <textarea rows="2" data-testid=format!("standard-evidence-{i}")
                                    prop:value=move || form.with(|c| c.standards.get(i).map(|s| s.evidence.clone()).unwrap_or_default())
                                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|c| if let Some(s) = c.standards.get_mut(i) { s.evidence = v; }); }></textarea>
                            </label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {can_edit.then(|| view! {
                <div class="actions">
                    <button type="button" class="button primary" data-testid="candidate-save" disabled=move || save_profile.pending().get() on:click=save>{t::SAVE}</button>
                    {shows_next_year.then(|| view! {
                        <button type="button" class="button" data-testid="candidate-next-year" disabled=move || carry_over.pending().get() on:click=next_year>{tc::NEXT_YEAR}</button>
                    })}
                </div>
            })}
            <History candidate=candidate />
        </section>
    }
}

/// The application steps: enabled buttons for the steps the role may take, disabled ones with
/// the reason; steps that need a reason open a reason box first.
#[component]
fn Actions(
    id: Uuid,
    buttons: Vec<ActionButton>,
    notice: RwSignal<Option<Notice>>,
    loaded: Loading,
) -> impl IntoView {
    let asking = RwSignal::new(None::<ApplicationAction>);
    let reason = RwSignal::new(String::new());
    let step = super::write_action(
        move |store, session, (action, reason): (ApplicationAction, Option<String>)| async move {
            campaign::take_action(&store, &session, id, action, reason.as_deref(), now()).await
        },
    );
    on_result(step, notice, move |_| {
        asking.set(None);
        loaded.refetch();
    });
    let run = move |action: ApplicationAction, reason: Option<String>| {
        step.dispatch_local((action, reason));
    };
    let buttons_view = buttons
        .into_iter()
        .map(|b| {
            let action = b.action;
            let testid = format!("action-{}", action.as_str());
            let disabled = b.refusal.is_some();
            let on_click = move |_| {
                notice.set(None);
                if b.needs_reason {
                    reason.set(String::new());
                    asking.set(Some(action));
                } else {
                    run(action, None);
                }
            };
            view! {
                <div class="action">
                    <button type="button" class="button" class:primary=!disabled data-testid=testid
                        disabled=disabled title=b.refusal.clone().unwrap_or_default() on:click=on_click>
                        {action.localized()}
                    </button>
                    {b.refusal.map(|r| view! { <span class="refusal" data-testid=format!("refusal-{}", action.as_str())>{r}</span> })}
                </div>
            }
        })
        .collect_view();
    let confirm_reason = move |_| {
        let Some(action) = asking.get_untracked() else { return };
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            notice.set(Some(Notice::Error(tc::reason_required(action.localized()))));
            return;
        }
        if action == ApplicationAction::Remove && !confirm(tc::CONFIRM_REMOVE.get()) {
            return;
        }
        run(action, Some(text));
    };
    view! {
        <div class="actions-grid" data-testid="candidate-actions">{buttons_view}</div>
        {move || asking.get().map(|action| view! {
            <div class="reason-box wide" data-testid="reason-box">
                <label class="field wide">
                    <span class="label">{tc::reason_for(action.localized())}</span>
                    <textarea rows="3" data-testid="candidate-reason" prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </label>
                <button type="button" class="button primary" data-testid="candidate-reason-confirm" on:click=confirm_reason>
                    {tc::confirm_action(action.localized())}
                </button>
                <button type="button" class="button secondary" data-testid="candidate-reason-cancel" on:click=move |_| asking.set(None)>
                    {tc::CANCEL}
                </button>
            </div>
        })}
    }
}

/// Every step taken: from, to, who (and as which role), when, why.
#[component]
fn History(candidate: Candidate) -> impl IntoView {
    let mut entries = candidate.history.clone();
    entries.reverse();
    view! {
        <fieldset class="section">
            <legend>{tc::HISTORY}</legend>
            <table class="list" data-testid="candidate-history">
                <thead><tr>
                    <th>{tc::WHEN}</th><th>{tc::STEP}</th><th>{tc::STATE}</th><th>{tc::WHO}</th><th>{tc::REASON}</th>
                </tr></thead>
                <tbody>
                {entries.into_iter().map(|e| view! {
                    <tr data-testid="candidate-history-row">
                        <td>{format::date_time(e.at)}</td>
                        <td>{e.action.map(|a| a.localized()).unwrap_or("")}</td>
                        <td>{tc::state_change(e.from.map(|s| s.localized()), e.to.localized())}</td>
                        <td>{tc::who(&e.by, e.role.map(|r| r.localized()))}</td>
                        <td>{shared::candidacy::history_note_or_reason(&e, crate::i18n::messages::words)}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        </fieldset>
    }
}
