//! 支部管理: the branches of the town (town office: create, rename, retire, restore), and the
//! free-text branch values of older records that match no branch, each of which the office
//! can adopt as a branch (its code is the text, so those records and account scopes map to it
//! with nothing rewritten). Branches are town-wide records written through `Store::save`, so
//! they sync to every tablet and the server's policy (office only) applies.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::branches::adopt;
use shared::model::Branch;
use shared::record::EntityKind;
use uuid::Uuid;

use crate::browser::dialog::confirm;
use crate::components::fields::{Field, select, text};
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::branches as tb;
use crate::services::branches::{BranchOverview, overview, save_branch, set_retired};
use crate::services::campaign::CampaignError;

#[component]
pub fn Branches() -> impl IntoView {
    let ctx = use_app();
    let loaded = Loader::new(move || {
        let store = ctx.store();
        async move { overview(&store).await }
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
            <Loaded resource=loaded let:overview>
                <BranchesView overview=overview office=office loaded=loaded notice=notice />
            </Loaded>
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
    loaded: Loader<Result<BranchOverview, CampaignError>>,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let BranchOverview { branches, counts, unmatched } = overview;
    // The county's store holds every town's records, and towns may use the same branch codes:
    // no count of records per code.
    let county = super::use_session().read_only();
    let form = RwSignal::new(Branch::default());
    let editing = RwSignal::new(Editing { id: Uuid::now_v7(), existing: false });
    let start_new = move || {
        form.set(Branch::default());
        editing.set(Editing { id: Uuid::now_v7(), existing: false });
    };
    let put = super::write_action(|store, session, (id, branch): (Uuid, Branch)| async move {
        save_branch(&store, &session, id, branch).await
    });
    on_result(put, notice, move |()| {
        notice.set(Some(Notice::Done(tb::SAVED.get())));
        loaded.refetch();
    });
    // Retiring or restoring writes only that, on the branch as stored.
    let retire = super::write_action(|store, session, (id, retired): (Uuid, bool)| async move {
        set_retired(&store, &session, id, retired).await
    });
    on_result(retire, notice, move |()| {
        notice.set(Some(Notice::Done(tb::SAVED.get())));
        loaded.refetch();
    });
    let persist = move |id: Uuid, branch: Branch| {
        notice.set(None);
        put.dispatch_local((id, branch));
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
                let question = if toggle_b.retired {
                    tb::confirm_restore(&toggle_b.name)
                } else {
                    tb::confirm_retire(&toggle_b.name)
                };
                if !confirm(&question) {
                    return;
                }
                notice.set(None);
                retire.dispatch_local((id, !toggle_b.retired));
            };
            let retired = b.retired;
            view! {
                <tr data-testid="branch-row" data-code=code.clone() data-state={if retired { "retired" } else { "active" }}>
                    <td data-testid="branch-name">{b.name.clone()}</td>
                    <td>{b.kind.map(|k| k.localized()).unwrap_or("")}</td>
                    <td>{b.village_unit.clone()}</td>
                    <td data-testid="branch-code">{code.clone()}</td>
                    <td data-testid="branch-state">{if retired { tb::RETIRED } else { tb::ACTIVE }}</td>
                    <td data-testid="branch-records">{(!county).then_some(n)}</td>
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
                    <td data-testid="unmatched-count">{(!county).then(|| tb::records(u.records))}</td>
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
                <legend>{move || (if editing.get().existing { tb::RENAME } else { tb::NEW_BRANCH }).get()}</legend>
                {text(form, Field::new(tb::COL_NAME.get(), "branch-name-input"), |b| b.name.clone(), |b, v| b.name = v)}
                {select(form, Field::new(tb::COL_KIND.get(), "branch-kind"), |b| b.kind, |b, v| b.kind = v)}
                {text(form, Field::new(tb::COL_UNIT.get(), "branch-unit"), |b| b.village_unit.clone(), |b, v| b.village_unit = v)}
                {text(form, Field::new(tb::COL_SECRETARY.get(), "branch-secretary"), |b| b.secretary.clone(), |b, v| b.secretary = v)}
                <p class="hint wide" data-testid="branch-form-code">
                    {tb::COL_CODE} "：" {move || {
                        let code = form.with(|b| b.code.clone());
                        let e = editing.get();
                        if e.existing { if code.is_empty() { e.id.to_string() } else { code } }
                        else if code.is_empty() { tb::CODE_AUTO.to_string() }
                        else { tb::adopting(&code) }
                    }}
                </p>
                <div class="actions wide">
                    <button type="button" class="button primary" data-testid="branch-save" disabled=move || put.pending().get() on:click=save>{t::SAVE}</button>
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
