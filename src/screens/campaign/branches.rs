//! 支部管理: the branches of the town (town office: create, rename, retire, restore), and the
//! free-text branch values of older records that match no branch, each of which the office
//! can adopt as a branch (its code is the text, so those records and account scopes map to it
//! with nothing rewritten). Branches are town-wide records written through `Store::save`, so
//! they sync to every tablet and the server's policy (office only) applies.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::branches::{BranchRecord, Unmatched, adopt, record_counts, unmatched, validate_among};
use shared::model::Branch;
use shared::record::EntityKind;
use uuid::Uuid;

use super::data::{self, CampaignError};
use super::widgets::{Notice, confirm, notice_line, pick, text};
use crate::app::use_app;
use crate::i18n as t;
use crate::i18n::branches as tb;
use crate::logic::campaign::session::Session;
use crate::logic::campaign::typed::branch_records;
use crate::store::Store;

/// What the screen shows.
#[derive(Clone, Debug)]
pub struct BranchOverview {
    pub branches: Vec<BranchRecord>,
    /// Records per `branch_id` value (every branch-scoped kind).
    pub counts: BTreeMap<String, usize>,
    pub unmatched: Vec<Unmatched>,
}

/// Read the branches and the `branch_id` of every branch-scoped record on the device.
pub async fn overview(store: &Store) -> Result<BranchOverview, CampaignError> {
    let branches = branch_records(&store.list(EntityKind::Branch).await?);
    let mut values: Vec<String> = Vec::new();
    for kind in EntityKind::ALL.into_iter().filter(|k| !k.is_town_wide()) {
        values.extend(store.listing(kind).await?.into_iter().map(|r| r.branch_id));
    }
    let counts = record_counts(values.iter().map(String::as_str));
    let unmatched = unmatched(&branches, values.iter().map(String::as_str));
    Ok(BranchOverview { branches, counts, unmatched })
}

/// Save branch `id` as `branch` after the checks among the device's branches (the office
/// only; the server checks the role again).
pub async fn save_branch(
    store: &Store,
    session: &Session,
    id: Uuid,
    mut branch: Branch,
) -> Result<(), CampaignError> {
    if !session.may_write(EntityKind::Branch, "") {
        return Err(CampaignError::NotAllowed);
    }
    let others = branch_records(&store.list(EntityKind::Branch).await?);
    if branch.code.trim().is_empty() {
        // Made in the app: the code is the record id, for good.
        branch.code = match others.iter().find(|(other, _)| *other == id) {
            Some((_, old)) => old.key(id),
            None => id.to_string(),
        };
    }
    branch.name = branch.name.trim().to_owned();
    data::check(validate_among(id, &branch, &others))?;
    data::save(store, session, id, "", &branch).await?;
    crate::components::branch_picker::invalidate();
    Ok(())
}

#[component]
pub fn Branches() -> impl IntoView {
    let ctx = use_app();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move { overview(&ctx.store()).await }
    });
    let session = super::use_session();
    let office = session.may_write(EntityKind::Branch, "");
    // Outside the list, so "saved" stays on screen when the list reloads.
    let notice = RwSignal::new(None::<Notice>);
    view! {
        <section class="branches" data-testid="branches-screen">
            <h2>{tb::TITLE}</h2>
            <p class="hint">{tb::HINT}</p>
            {notice_line(notice)}
            {(!office).then(|| view! { <p class="message warn" data-testid="branches-read-only">{tb::OFFICE_ONLY}</p> })}
            {move || match loaded.get() {
                None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(o)) => view! { <BranchesView overview=o office=office reload=reload notice=notice /> }.into_any(),
            }}
        </section>
    }
}

/// Which branch the form edits: a new one (fresh id) or an existing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Editing {
    id: Uuid,
    existing: bool,
}

#[component]
fn BranchesView(
    overview: BranchOverview,
    office: bool,
    reload: RwSignal<u32>,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let ctx = use_app();
    let BranchOverview { branches, counts, unmatched } = overview;
    let form = RwSignal::new(Branch::default());
    let editing = RwSignal::new(Editing { id: Uuid::now_v7(), existing: false });
    let start_new = move || {
        form.set(Branch::default());
        editing.set(Editing { id: Uuid::now_v7(), existing: false });
    };
    let persist = move |id: Uuid, branch: Branch| {
        notice.set(None);
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            match save_branch(&store, &session, id, branch).await {
                Ok(()) => {
                    ctx.refresh_pending();
                    notice.set(Some(Notice::Done(tb::SAVED)));
                    reload.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let save = move |_| persist(editing.get_untracked().id, form.get_untracked());

    let rows = branches
        .iter()
        .cloned()
        .map(|(id, b)| {
            let code = b.key(id);
            let n = counts.get(&code).copied().unwrap_or(0);
            let edit_b = b.clone();
            let toggle_b = b.clone();
            let toggle = move |_| {
                let mut next = toggle_b.clone();
                let question = if next.retired {
                    tb::confirm_restore(&next.name)
                } else {
                    tb::confirm_retire(&next.name)
                };
                if !confirm(&question) {
                    return;
                }
                next.retired = !next.retired;
                persist(id, next);
            };
            let retired = b.retired;
            view! {
                <tr data-testid="branch-row" data-code=code.clone() data-state={if retired { "retired" } else { "active" }}>
                    <td data-testid="branch-name">{b.name.clone()}</td>
                    <td>{b.kind.map(|k| k.label_zh()).unwrap_or("")}</td>
                    <td>{b.village_unit.clone()}</td>
                    <td data-testid="branch-code">{code.clone()}</td>
                    <td data-testid="branch-state">{if retired { tb::RETIRED } else { tb::ACTIVE }}</td>
                    <td data-testid="branch-records">{n}</td>
                    {office.then(|| view! {
                        <td>
                            <button type="button" class="link" data-testid="branch-edit"
                                on:click=move |_| { form.set(edit_b.clone()); editing.set(Editing { id, existing: true }); }>
                                {tb::RENAME}
                            </button>
                            <button type="button" class="link" data-testid={if retired { "branch-restore" } else { "branch-retire" }} on:click=toggle>
                                {if retired { tb::RESTORE } else { tb::RETIRE }}
                            </button>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();

    let unmatched_rows = unmatched
        .iter()
        .map(|u| {
            let value = u.value.clone();
            view! {
                <tr data-testid="unmatched-row" data-value=u.value.clone()>
                    <td data-testid="unmatched-value">{u.value.clone()}</td>
                    <td data-testid="unmatched-count">{tb::records(u.records)}</td>
                    {office.then(|| view! {
                        <td>
                            <button type="button" class="button" data-testid="unmatched-adopt"
                                on:click=move |_| { form.set(adopt(&value)); editing.set(Editing { id: Uuid::now_v7(), existing: false }); }>
                                {tb::ADOPT}
                            </button>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let no_unmatched = unmatched.is_empty();
    let empty = branches.is_empty();

    view! {
        {office.then(|| view! {
            <fieldset class="section" data-testid="branch-form">
                <legend>{move || if editing.get().existing { tb::RENAME } else { tb::NEW_BRANCH }}</legend>
                {text(form, tb::COL_NAME, "branch-name-input", |b| b.name.clone(), |b, v| b.name = v)}
                {pick(form, tb::COL_KIND, "branch-kind", |b| b.kind, |b, v| b.kind = v)}
                {text(form, tb::COL_UNIT, "branch-unit", |b| b.village_unit.clone(), |b, v| b.village_unit = v)}
                {text(form, tb::COL_SECRETARY, "branch-secretary", |b| b.secretary.clone(), |b, v| b.secretary = v)}
                <p class="hint wide" data-testid="branch-form-code">
                    {tb::COL_CODE} "：" {move || {
                        let code = form.with(|b| b.code.clone());
                        let e = editing.get();
                        if e.existing { if code.is_empty() { e.id.to_string() } else { code } }
                        else if code.is_empty() { tb::CODE_AUTO.to_owned() }
                        else { tb::adopting(&code) }
                    }}
                </p>
                <div class="actions wide">
                    <button type="button" class="button primary" data-testid="branch-save" on:click=save>{t::SAVE}</button>
                    <button type="button" class="button secondary" data-testid="branch-cancel" on:click=move |_| start_new()>{tb::CANCEL}</button>
                </div>
            </fieldset>
        })}
        {empty.then(|| view! { <p class="empty" data-testid="branches-empty">{tb::EMPTY}</p> })}
        <table class="list" data-testid="branch-table">
            <thead><tr>
                <th>{tb::COL_NAME}</th><th>{tb::COL_KIND}</th><th>{tb::COL_UNIT}</th><th>{tb::COL_CODE}</th>
                <th>{tb::COL_STATE}</th><th>{tb::COL_RECORDS}</th>{office.then(|| view! { <th></th> })}
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <fieldset class="section" data-testid="unmatched">
            <legend>{tb::UNMATCHED_TITLE}</legend>
            <p class="hint wide">{tb::UNMATCHED_HINT}</p>
            {if no_unmatched {
                view! { <p class="empty wide" data-testid="unmatched-none">{tb::UNMATCHED_NONE}</p> }.into_any()
            } else {
                view! { <table class="list wide" data-testid="unmatched-table"><tbody>{unmatched_rows}</tbody></table> }.into_any()
            }}
        </fieldset>
    }
}
