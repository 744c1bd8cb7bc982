//! Form inputs bound to one field of a form held in a signal.
//!
//! Each input reads its value with a `get` function and writes it with a `set` function, so a
//! form is a list of one-line field declarations. Inputs have big touch targets and a
//! `data-testid` the end-to-end tests drive.

use leptos::prelude::*;
use shared::model::{
    Category, Employment, Gender, MentoringAbility, MentoringWillingness, PotentialLevel,
    ThreeCultivation, TurnoverBand,
};

use crate::i18n as t;

/// A closed list of values shown as a select (the `shared::model` choice enums).
pub trait Choice: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn from_key(key: &str) -> Option<Self>;
    fn label(self) -> &'static str;
}

macro_rules! choices {
    ($($ty:ty),+ $(,)?) => {$(
        impl Choice for $ty {
            fn all() -> &'static [Self] { <$ty>::ALL }
            fn key(self) -> &'static str { self.as_str() }
            fn from_key(key: &str) -> Option<Self> { <$ty>::parse(key) }
            fn label(self) -> &'static str { self.label_zh() }
        }
    )+};
}

choices!(
    Gender,
    Category,
    Employment,
    PotentialLevel,
    TurnoverBand,
    ThreeCultivation,
    MentoringAbility,
    MentoringWillingness,
);

/// Field error text for `field`, if any.
pub type Errors = Signal<Vec<(String, String)>>;

fn error_of(errors: Errors, field: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || errors.with(|e| e.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
}

fn field_error(errors: Errors, field: &'static str) -> impl IntoView {
    let err = error_of(errors, field);
    move || err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })
}

/// A one-line text input.
pub fn text<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    errors: Errors,
    field: &'static str,
    label: &'static str,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    let testid = format!("survey-{}", field.replace('_', "-"));
    view! {
        <label class="field" class:invalid=move || error_of(errors, field)().is_some()>
            <span class="label">{label}</span>
            <input
                type="text"
                data-testid=testid
                name=field
                prop:value=move || form.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }
            />
            {field_error(errors, field)}
        </label>
    }
}

/// A multi-line text input.
pub fn textarea<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    errors: Errors,
    field: &'static str,
    label: &'static str,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    let testid = format!("survey-{}", field.replace('_', "-"));
    view! {
        <label class="field wide" class:invalid=move || error_of(errors, field)().is_some()>
            <span class="label">{label}</span>
            <textarea
                rows="3"
                data-testid=testid
                name=field
                prop:value=move || form.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }
            ></textarea>
            {field_error(errors, field)}
        </label>
    }
}

/// A whole-number input ("" clears it). Text that is not a number is kept on screen and
/// reported, without changing the stored value.
pub fn number<S: Send + Sync + 'static, N>(
    form: RwSignal<S>,
    errors: Errors,
    field: &'static str,
    label: &'static str,
    get: fn(&S) -> Option<N>,
    set: fn(&mut S, Option<N>),
) -> impl IntoView
where
    N: std::str::FromStr + std::fmt::Display + Send + Sync + 'static,
{
    let testid = format!("survey-{}", field.replace('_', "-"));
    let bad = RwSignal::new(false);
    view! {
        <label class="field" class:invalid=move || bad.get() || error_of(errors, field)().is_some()>
            <span class="label">{label}</span>
            <input
                type="text"
                inputmode="numeric"
                data-testid=testid
                name=field
                prop:value=move || form.with(|f| get(f).map(|n| n.to_string()).unwrap_or_default())
                on:change=move |ev| {
                    match crate::logic::survey_form::parse_optional_number::<N>(&event_target_value(&ev)) {
                        Ok(n) => { bad.set(false); form.update(|f| set(f, n)); }
                        Err(_) => bad.set(true),
                    }
                }
            />
            <Show when=move || bad.get()>
                <span class="field-error" role="alert">{t::NOT_A_NUMBER}</span>
            </Show>
            {field_error(errors, field)}
        </label>
    }
}

/// A select of a choice enum, with an empty "请选择" option.
pub fn select<S: Send + Sync + 'static, C: Choice>(
    form: RwSignal<S>,
    errors: Errors,
    field: &'static str,
    label: &'static str,
    get: fn(&S) -> Option<C>,
    set: fn(&mut S, Option<C>),
) -> impl IntoView {
    let testid = format!("survey-{}", field.replace('_', "-"));
    let options = C::all()
        .iter()
        .map(|c| {
            let key = c.key();
            view! { <option value=key selected=move || form.with(|f| get(f).map(Choice::key) == Some(key))>{c.label()}</option> }
        })
        .collect_view();
    view! {
        <label class="field" class:invalid=move || error_of(errors, field)().is_some()>
            <span class="label">{label}</span>
            <select
                data-testid=testid
                name=field
                prop:value=move || form.with(|f| get(f).map(Choice::key).unwrap_or(""))
                on:change=move |ev| { let v = C::from_key(&event_target_value(&ev)); form.update(|f| set(f, v)); }
            >
                <option value="">{t::CHOOSE}</option>
                {options}
            </select>
            {field_error(errors, field)}
        </label>
    }
}

/// A checkbox.
pub fn checkbox<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    field: &'static str,
    label: &'static str,
    get: fn(&S) -> bool,
    set: fn(&mut S, bool),
) -> impl IntoView {
    let testid = format!("survey-{}", field.replace('_', "-"));
    view! {
        <label class="field check">
            <input
                type="checkbox"
                data-testid=testid
                name=field
                prop:checked=move || form.with(get)
                on:change=move |ev| { let v = event_target_checked(&ev); form.update(|f| set(f, v)); }
            />
            <span class="label">{label}</span>
        </label>
    }
}
