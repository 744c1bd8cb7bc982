//! Form inputs bound to one field of a form held in a signal: the one set every form of the
//! app (the survey, the campaign forms) is built from.
//!
//! Each input reads its value with a `get` function and writes it with a `set` function, so a
//! form is a list of one-line field declarations. A [`Field`] says what the input shows besides
//! its value: its label, its `data-testid`, and, when the form checks itself, the slot where
//! that field's error appears. Inputs have big touch targets (style/main.css).

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::model::Choice;
use uuid::Uuid;

use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::forms::{date_value, parse_date, parse_optional_number};

/// The errors of a form, as (field, message) pairs.
pub type Errors = Signal<Vec<(String, String)>>;

/// What a form that checks itself knows of each field: its errors, and which questions a final
/// answer needs (marked 必填 on the label).
#[derive(Clone, Copy, Debug)]
pub struct FormChecks {
    pub errors: Errors,
    pub required: Signal<std::collections::BTreeSet<String>>,
    /// Text typed into a number field that is not a number, by field: the form's value is not
    /// changed by it, so the form must know it is there (a final answer is refused while any
    /// is), and an input built again (its section redrawn) shows it again.
    pub unparsed: Option<Unparsed>,
}

/// Text left in number fields that is not a number, by field name.
pub type Unparsed = RwSignal<std::collections::BTreeMap<&'static str, String>>;

impl FormChecks {
    /// Errors only, nothing marked required.
    pub fn errors(errors: Errors) -> FormChecks {
        FormChecks {
            errors,
            required: Signal::stored(std::collections::BTreeSet::new()),
            unparsed: None,
        }
    }
}

/// What an input shows besides its value.
#[derive(Clone, Debug)]
pub struct Field {
    label: &'static str,
    testid: String,
    /// The record field's name (`name=`), when the input edits one by that name.
    name: Option<&'static str>,
    /// The form's checks: the error of this field is shown below the input, and a required
    /// question is marked.
    checks: Option<FormChecks>,
}

impl Field {
    /// An input labelled `label`, driven by tests as `testid`.
    pub fn new(label: &'static str, testid: &'static str) -> Field {
        Field { label, testid: testid.to_owned(), name: None, checks: None }
    }

    /// An input of record field `name` on a form that checks itself: its test id is
    /// `survey-<name>` (`_` as `-`), the error `checks` names for it is shown below it, and it
    /// is marked when a final answer needs it.
    pub fn checked(checks: FormChecks, name: &'static str, label: &'static str) -> Field {
        let testid = format!("survey-{}", name.replace('_', "-"));
        Field { label, testid, name: Some(name), checks: Some(checks) }
    }

    fn error(&self) -> impl Fn() -> Option<String> + Copy + use<> {
        let (checks, name) = (self.checks, self.name);
        move || {
            let (errors, name) = (checks?.errors, name?);
            errors.with(|e| e.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()))
        }
    }

    /// Whether a final answer needs this field (marked 必填).
    fn required(&self) -> impl Fn() -> bool + Copy + use<> {
        let (checks, name) = (self.checks, self.name);
        move || match (checks, name) {
            (Some(checks), Some(name)) => checks.required.with(|r| r.contains(name)),
            _ => false,
        }
    }

    /// `aria-required="true"` on a required field's input.
    fn aria_required(&self) -> impl Fn() -> Option<&'static str> + Copy + use<> {
        let required = self.required();
        move || required().then_some("true")
    }

    /// The label, with 必填 after it when the field is required.
    fn label_view(&self) -> impl IntoView + use<> {
        let (label, required) = (self.label, self.required());
        view! {
            <span class="label">{label}
                {move || required().then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </span>
        }
    }

    fn error_line(&self) -> impl IntoView + use<> {
        let error = self.error();
        move || error().map(|m| view! { <span class="field-error" role="alert">{m}</span> })
    }
}

/// A one-line text input.
pub fn text<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    text_view(field, value_of(form, get).into(), write_with(form, set))
}

/// A multi-line text input.
pub fn textarea<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    textarea_view(field, value_of(form, get).into(), write_with(form, set))
}

/// How an input writes into its form what it read from the page (the text typed, the date
/// or the key picked): a plain shared closure, so the input's view is compiled once, not once
/// for each form type (each form's copy of each input was most of its size;
/// docs/PERFORMANCE.md, session 32). Not a Leptos `Callback`: that lives in the reactive arena
/// and panics once its owner is disposed, which happens while a screen read again still shows
/// its old inputs; a write to a form that is gone does nothing, as `form.update` does.
type Write<V> = std::sync::Arc<dyn Fn(V) + Send + Sync>;

/// `set` of what the input read, into `form`.
fn write_with<S, V>(form: RwSignal<S>, set: fn(&mut S, V)) -> Write<V>
where
    S: Send + Sync + 'static,
    V: 'static,
{
    std::sync::Arc::new(move |value: V| form.update(|f| set(f, value)))
}

/// [`text`]'s input, showing `value` and writing each keystroke's text with `write`.
fn text_view(field: Field, value: Signal<String>, write: Write<String>) -> AnyView {
    let error = field.error();
    view! {
        <label class="field" class:invalid=move || error().is_some()>
            {field.label_view()}
            <input type="text" data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || value.get()
                on:input=move |ev| write(event_target_value(&ev)) />
            {field.error_line()}
        </label>
    }
    .into_any()
}

/// [`textarea`]'s input, showing `value` and writing each keystroke's text with `write`.
fn textarea_view(field: Field, value: Signal<String>, write: Write<String>) -> AnyView {
    let error = field.error();
    view! {
        <label class="field wide" class:invalid=move || error().is_some()>
            {field.label_view()}
            <textarea rows="3" data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || value.get()
                on:input=move |ev| write(event_target_value(&ev))></textarea>
            {field.error_line()}
        </label>
    }
    .into_any()
}

/// What one input of `form` shows: worked out again at each change of the form, passed on to
/// the input only when it changed. A keystroke then updates the input typed in, not every input
/// of the form (docs/PERFORMANCE.md, round 13).
pub fn value_of<S, T>(form: RwSignal<S>, get: impl Fn(&S) -> T + Send + Sync + 'static) -> Memo<T>
where
    S: Send + Sync + 'static,
    T: PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| form.with(&get))
}

/// A number input ("" clears it). What is typed reaches the form at each keystroke (so the
/// keystroke draft and the autosave hold a number still being typed, as the text inputs do);
/// the input keeps showing it as typed until it is left, then the number as the form holds it.
/// Text that is not a number is kept on screen and reported, without changing the stored value;
/// on a form that keeps such text ([`FormChecks::unparsed`]) it is also noted there (the form
/// then knows it holds input it cannot save), and shown again when the input is built again.
pub fn number<S: Send + Sync + 'static, N>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> Option<N>,
    set: fn(&mut S, Option<N>),
) -> impl IntoView
where
    N: std::str::FromStr + std::fmt::Display + Send + Sync + 'static,
{
    let error = field.error();
    let kept = field.checks.and_then(|c| c.unparsed).zip(field.name);
    let kept_text = kept.and_then(|(map, name)| map.with_untracked(|m| m.get(name).cloned()));
    let bad = RwSignal::new(kept_text.is_some());
    // What the input shows instead of the form's value: text that is not a number, or a number
    // as it is being typed ("1.", "07": the form's "1", "7" must not replace it under the
    // finger).
    let typed = RwSignal::new(kept_text);
    // The value the last keystroke gave the form: that change is this input's own, not one
    // made elsewhere on the form.
    let own = StoredValue::new(None::<String>);
    // The form's value when this run of typing began (the first keystroke since the field was
    // last left): what the form goes back to when the text stops being a number, so "1,200"
    // never leaves the "1" of its first keystroke saved.
    let before_typing = StoredValue::new(None::<String>);
    // The form's note of this field's text, dropped once the field holds a number again.
    let forget_text = move || {
        if let Some((map, name)) = kept {
            map.update(|m| {
                m.remove(name);
            });
        }
    };
    let value = value_of(form, move |f| get(f).map(|n| n.to_string()).unwrap_or_default());
    // A new value of the field itself (set elsewhere on the form) replaces the text.
    Effect::new(move |shown: Option<String>| {
        let now = value.get();
        let own_change = own.with_value(|o| o.as_deref() == Some(now.as_str()));
        if shown.is_some_and(|before| before != now)
            && !own_change
            && typed.with_untracked(Option::is_some)
        {
            typed.set(None);
            own.set_value(None);
            before_typing.set_value(None);
            if bad.get_untracked() {
                bad.set(false);
                forget_text();
            }
        }
        now
    });
    let not_a_number = move |text: String| {
        if let Some((map, name)) = kept {
            map.update(|m| {
                m.insert(name, text.clone());
            });
        }
        typed.set(Some(text));
        bad.set(true);
    };
    view! {
        <label class="field" class:invalid=move || bad.get() || error().is_some()>
            {field.label_view()}
            <input type="text" inputmode="numeric" data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || typed.get().unwrap_or_else(|| value.get())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    if before_typing.with_value(Option::is_none) {
                        before_typing.set_value(Some(value.get_untracked()));
                    }
                    let parsed: Result<Option<N>, _> = parse_optional_number(&text);
                    match parsed {
                        Ok(n) => {
                            if bad.get_untracked() {
                                bad.set(false);
                                forget_text();
                            }
                            own.set_value(Some(n.as_ref().map(ToString::to_string).unwrap_or_default()));
                            typed.set(Some(text));
                            form.update(|f| set(f, n));
                        }
                        Err(_) => {
                            // A number this typing put in the form goes back to the one before.
                            let before = before_typing.get_value().unwrap_or_default();
                            let changed = own.with_value(|o| o.as_ref().is_some_and(|o| *o != before));
                            if changed && let Ok(n) = parse_optional_number::<N>(&before) {
                                own.set_value(Some(before));
                                form.update(|f| set(f, n));
                            }
                            not_a_number(text);
                        }
                    }
                }
                on:change=move |ev| {
                    before_typing.set_value(None);
                    let text = event_target_value(&ev);
                    let parsed: Result<Option<N>, _> = parse_optional_number(&text);
                    match parsed {
                        Ok(n) => {
                            bad.set(false);
                            forget_text();
                            own.set_value(None);
                            typed.set(None);
                            form.update(|f| set(f, n));
                        }
                        Err(_) => not_a_number(text),
                    }
                } />
            <Show when=move || bad.get()>
                <span class="field-error" role="alert">{t::NOT_A_NUMBER}</span>
            </Show>
            {field.error_line()}
        </label>
    }
}

/// A date input.
pub fn date<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> Option<NaiveDate>,
    set: fn(&mut S, Option<NaiveDate>),
) -> impl IntoView {
    let value = value_of(form, move |f| date_value(get(f)));
    date_view(field, value.into(), write_with(form, set))
}

/// [`date`]'s input, showing `value` (`YYYY-MM-DD`) and writing the date picked with `write`.
fn date_view(field: Field, value: Signal<String>, write: Write<Option<NaiveDate>>) -> AnyView {
    let error = field.error();
    view! {
        <label class="field" class:invalid=move || error().is_some()>
            {field.label_view()}
            <input type="date" data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || value.get()
                on:change=move |ev| write(parse_date(&event_target_value(&ev))) />
            {field.error_line()}
        </label>
    }
    .into_any()
}

/// A select of a closed list (a [`Choice`]), with an empty "请选择".
pub fn select<S: Send + Sync + 'static, C: Choice + crate::i18n::Localized>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> Option<C>,
    set: fn(&mut S, Option<C>),
) -> impl IntoView {
    let chosen = value_of(form, move |f| get(f).map(Choice::key));
    let options = C::all().iter().map(|c| (c.key(), c.localized())).collect();
    let write: Write<String> = std::sync::Arc::new(move |key: String| {
        let choice = C::from_key(&key);
        form.update(|f| set(f, choice));
    });
    select_view(field, chosen.into(), options, write)
}

/// [`select`]'s input: `options` as (key, label), the one whose key `chosen` holds selected;
/// the key picked ("" for 请选择) is written with `write`.
fn select_view(
    field: Field,
    chosen: Signal<Option<&'static str>>,
    options: Vec<(&'static str, &'static str)>,
    write: Write<String>,
) -> AnyView {
    let error = field.error();
    let options = options
        .into_iter()
        .map(|(key, label)| {
            view! { <option value=key selected=move || chosen.get() == Some(key)>{label}</option> }
        })
        .collect_view();
    view! {
        <label class="field" class:invalid=move || error().is_some()>
            {field.label_view()}
            <select data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || chosen.get().unwrap_or("")
                on:change=move |ev| write(event_target_value(&ev))>
                <option value="">{t::CHOOSE}</option>
                {options}
            </select>
            {field.error_line()}
        </label>
    }
    .into_any()
}

/// A checkbox.
pub fn checkbox<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: Field,
    get: fn(&S) -> bool,
    set: fn(&mut S, bool),
) -> impl IntoView {
    let checked = value_of(form, get);
    view! {
        <label class="field check">
            <input type="checkbox" data-testid=field.testid.clone() name=field.name
                prop:checked=move || checked.get()
                on:change=move |ev| { let v = event_target_checked(&ev); form.update(|f| set(f, v)); } />
            {field.label_view()}
        </label>
    }
}

/// A select of records by id (candidates, bases), with an empty "请选择".
pub fn id_select<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: Field,
    options: Vec<(Uuid, String)>,
    get: fn(&S) -> Uuid,
    set: fn(&mut S, Uuid),
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
        .collect_view();
    let value =
        value_of(form, move |f| Some(get(f)).filter(|id| !id.is_nil()).map(|id| id.to_string()));
    view! {
        <label class="field">
            {field.label_view()}
            <select data-testid=field.testid.clone() name=field.name aria-required=field.aria_required()
                prop:value=move || value.get().unwrap_or_default()
                on:change=move |ev| {
                    let v = Uuid::parse_str(&event_target_value(&ev)).unwrap_or_default();
                    form.update(|f| set(f, v));
                }>
                <option value="">{t::CHOOSE}</option>
                {options}
            </select>
        </label>
    }
}

/// A year select bound to a signal.
pub fn year_select(year: RwSignal<i32>, years: Vec<i32>, testid: &'static str) -> impl IntoView {
    view! {
        <label class="field narrow">
            <span class="label">{tc::YEAR}</span>
            <select data-testid=testid prop:value=move || year.get().to_string()
                on:change=move |ev| { if let Ok(y) = event_target_value(&ev).parse() { year.set(y); } }>
                {years.into_iter().map(|y| view! { <option value=y.to_string()>{tc::year_label(y)}</option> }).collect_view()}
            </select>
        </label>
    }
}
