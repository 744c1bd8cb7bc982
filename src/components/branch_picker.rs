//! 所在支部 as a choice, never typed: a select of the branches the signed-in account may write
//! (branch records synced from the office, `shared::branches::picker_options`). A surveyor
//! with exactly one branch finds it chosen; a record whose branch is retired, unknown or
//! outside the account's scope shows that value selected ("（已撤销）…" / "（未登记）…"), so
//! opening a record never changes its branch silently. The one exception: a tablet used before
//! its first sign-in that knows no branch at all gets a text field (the work is adopted and
//! checked by the account that signs in next; see the delivery states).

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use shared::branches::{BranchOption, BranchRecord, OptionState, picker_options, preselect};
use shared::model::Branch;
use shared::record::EntityKind;
use shared::roles::Account;

use crate::browser::location;
use crate::context::use_app;
use crate::i18n as t;
use crate::i18n::branches as tb;
use crate::logic::campaign::typed::branch_records;
use crate::store::Store;

/// What a picker needs from the device: who is signed in (`None`: nobody) and the branches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PickerData {
    pub account: Option<Account>,
    pub branches: Vec<BranchRecord>,
}

/// Every branch record from the store, for the signed-in `account` (`None`: nobody).
pub async fn load_picker(store: &Store, account: Option<Account>) -> PickerData {
    let records = store.list(EntityKind::Branch).await.unwrap_or_default();
    PickerData { account, branches: branch_records(&records) }
}

/// The text of one option.
pub fn option_label(option: &BranchOption) -> String {
    match option.state {
        OptionState::Active | OptionState::Scope => option.name.clone(),
        OptionState::Retired => format!("{}{}", tb::RETIRED_PREFIX, option.name),
        OptionState::OutOfScope => format!("{}{}", tb::OUT_OF_SCOPE_PREFIX, option.name),
        OptionState::Unknown => format!("{}{}", tb::UNKNOWN_PREFIX, option.name),
    }
}

thread_local! {
    static CACHE: RefCell<Option<Cached>> = const { RefCell::new(None) };
    /// Bumped on every change of the address: each visit of a screen reads afresh.
    static VISIT: Cell<u64> = const { Cell::new(0) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// What the pickers of one screen visit read, so a form that re-renders its inputs does not
/// read the store again (or flicker) each time.
struct Cached {
    key: CacheKey,
    data: ArcRwSignal<Option<PickerData>>,
}

/// Which database, at which data version, for whom (the signed-in user; empty: nobody), on
/// which screen visit.
#[derive(Clone, PartialEq)]
struct CacheKey {
    store: String,
    version: u64,
    user: String,
    visit: u64,
}

fn count_visits() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    // Before the app's own listener renders the next screen.
    location::before_hash_change(|| VISIT.with(|v| v.set(v.get() + 1)));
}

/// The picker data of this screen visit: read once from the store, then shared.
fn picker_data(
    store: Store,
    version: u64,
    account: Option<Account>,
) -> ArcRwSignal<Option<PickerData>> {
    count_visits();
    let user = account.as_ref().map(|a| a.username.clone()).unwrap_or_default();
    let key =
        CacheKey { store: store.name().to_owned(), version, user, visit: VISIT.with(Cell::get) };
    CACHE.with(|cache| {
        if let Some(c) = cache.borrow().as_ref().filter(|c| c.key == key) {
            return c.data.clone();
        }
        // A new visit of the same database at the same data version by the same user starts
        // from what the last visit read (re-read in the background), so a re-render never
        // meets an empty picker. Signing in or out is a different user: what a signed-out
        // visit read (no account, a typed branch) is never shown to a signed-in one.
        let previous = cache
            .borrow()
            .as_ref()
            .filter(|c| CacheKey { visit: key.visit, ..c.key.clone() } == key)
            .and_then(|c| c.data.get_untracked());
        let data = ArcRwSignal::new(previous);
        *cache.borrow_mut() = Some(Cached { key, data: data.clone() });
        let target = data.clone();
        leptos::task::spawn_local(async move {
            let fresh = Some(load_picker(&store, account).await);
            // Only a real change re-renders the picker (and replaces the select under a finger).
            if target.with_untracked(|d| *d != fresh) {
                target.set(fresh);
            }
        });
        data
    })
}

/// Forget what the pickers read (after a branch was saved).
pub fn invalidate() {
    CACHE.with(|cache| cache.borrow_mut().take());
}

/// What the form says of its branch field: its message, if any (`error`), and whether the
/// branch is fixed (`fixed`: a record the server already has keeps its branch, so the select
/// shows it without offering a change).
#[derive(Clone, Copy)]
pub struct PickerState {
    pub error: Signal<Option<String>>,
    pub fixed: Signal<bool>,
}

impl PickerState {
    /// No message, and the branch may be chosen.
    pub fn open() -> Self {
        PickerState { error: Signal::stored(None), fixed: Signal::stored(false) }
    }
}

/// A branch select bound to one field of `form`, for records of `entity`, showing `state`.
pub fn branch_picker<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    entity: EntityKind,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
    state: PickerState,
) -> impl IntoView {
    let PickerState { error, fixed } = state;
    let ctx = use_app();
    let engine = use_context::<crate::sync::SyncEngine>();
    let version = engine.as_ref().map_or(0, |e| e.data_version.get_untracked());
    let account = ctx
        .session
        .with_untracked(|s| s.as_ref().filter(|s| s.signed_in).map(|s| s.account.clone()));
    let loaded = picker_data(ctx.store(), version, account);
    // The select of `data`. Built directly when the data is known (the usual case when a form
    // re-renders its inputs on a keystroke), through a closure only while it is being read.
    let render = move |data: PickerData| {
        // Made again at each render: a preselected branch is set untracked just below.
        let value = crate::components::fields::value_of(form, get);
        if data.account.is_none() && data.branches.iter().all(|(_, b)| b.retired) {
            // A tablet used before its first sign-in knows no branch yet: the branch is typed
            // as the surveyor knows it, and checked against the account that signs in next
            // (a value outside it is refused on the tablet and chosen again from the list).
            return view! {
                <input type="text" data-testid=testid name="branch_id"
                    prop:value=move || value.get()
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); } />
                <span class="hint" data-testid="branch-picker-empty">{tb::NO_BRANCHES}</span>
            }
            .into_any();
        }
        {
            let current = form.with_untracked(get);
            let options = picker_options(data.account.as_ref(), entity, &data.branches, &current);
            if current.trim().is_empty()
                && let Some(code) = preselect(data.account.as_ref(), &options)
            {
                // Not an edit: the form is not marked changed, the value is saved with the
                // first real edit.
                form.update_untracked(|f| set(f, code));
            }
            let chosen = form.with_untracked(get);
            let empty = options.is_empty();
            let hint = empty.then_some(tb::NO_WRITABLE);
            let items = options
                .into_iter()
                .map(|o| {
                    let selected = o.code == chosen;
                    let state = match o.state {
                        OptionState::Active => "active",
                        OptionState::Scope => "scope",
                        OptionState::Retired => "retired",
                        OptionState::OutOfScope => "out-of-scope",
                        OptionState::Unknown => "unknown",
                    };
                    view! { <option value=o.code.clone() selected=selected data-state=state>{option_label(&o)}</option> }
                })
                .collect_view();
            view! {
                <select data-testid=testid name="branch_id" disabled=move || empty || fixed.get()
                    prop:value=move || value.get()
                    on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }>
                    <option value="" selected=chosen.is_empty()>{t::CHOOSE}</option>
                    {items}
                </select>
                {hint.map(|h| view! { <span class="hint" data-testid="branch-picker-empty">{h}</span> })}
                {move || fixed.get().then(|| view! { <span class="hint" data-testid="branch-fixed">{tb::FIXED}</span> })}
            }
        }
        .into_any()
    };
    let error_line =
        move || error.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> });
    // Shown at once when this visit has read the branches already; re-rendered only when what
    // the store holds actually changed (a synced branch, a sign-in).
    view! {
        <label class="field" class:invalid=move || error.get().is_some()>
            <span class="label">{label}</span>
            {move || loaded.get().map(render)}
            {error_line}
        </label>
    }
}

/// The name of branch `code` for display: its name, "（已撤销）name", or the code itself.
pub fn branch_name(branches: &[BranchRecord], code: &str) -> String {
    match shared::branches::by_code(branches, code) {
        Some((_, Branch { retired: true, .. })) => {
            format!("{}{}", tb::RETIRED_PREFIX, shared::branches::name_of(branches, code))
        }
        _ => shared::branches::name_of(branches, code),
    }
}
