//! Form inputs and small pieces shared by the campaign screens. Every input has a label, a
//! touch target of at least 44 px (style/main.css) and a `data-testid`.

use chrono::{NaiveDate, NaiveDateTime};
use leptos::prelude::*;
use shared::model::{
    BranchKind, Category, ContactKind, ContactWay, FundingKind, FundingLevel, InspectionKind,
    IntegrityGrade,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::forms::{date_value, parse_count, parse_date};

/// A closed list shown as a select.
pub trait Pick: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn from_key(key: &str) -> Option<Self>;
    fn label(self) -> &'static str;
}

macro_rules! picks {
    ($($ty:ty),+ $(,)?) => {$(
        impl Pick for $ty {
            fn all() -> &'static [Self] { <$ty>::ALL }
            fn key(self) -> &'static str { self.as_str() }
            fn from_key(key: &str) -> Option<Self> { <$ty>::parse(key) }
            fn label(self) -> &'static str { self.label_zh() }
        }
    )+};
}

picks!(
    Category,
    ContactWay,
    ContactKind,
    FundingKind,
    FundingLevel,
    InspectionKind,
    IntegrityGrade,
    BranchKind
);

/// Today's date in the town (the device's local time).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The local wall-clock time now (for transition histories).
pub fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Go to another screen (`href` is a `#/…` address).
pub fn go(href: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(href);
    }
}

/// Ask before something that cannot be undone. `false` when the browser cannot ask.
pub fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

/// A one-line text input.
pub fn text<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <input type="text" data-testid=testid prop:value=move || form.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); } />
        </label>
    }
}

/// A multi-line text input.
pub fn textarea<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> String,
    set: fn(&mut S, String),
) -> impl IntoView {
    view! {
        <label class="field wide">
            <span class="label">{label}</span>
            <textarea rows="3" data-testid=testid prop:value=move || form.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }></textarea>
        </label>
    }
}

/// A date input.
pub fn date<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> Option<NaiveDate>,
    set: fn(&mut S, Option<NaiveDate>),
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <input type="date" data-testid=testid prop:value=move || form.with(|f| date_value(get(f)))
                on:change=move |ev| { let v = parse_date(&event_target_value(&ev)); form.update(|f| set(f, v)); } />
        </label>
    }
}

/// A whole-number input; text that is not a number is flagged and not stored.
pub fn count<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> Option<u32>,
    set: fn(&mut S, Option<u32>),
) -> impl IntoView {
    let bad = RwSignal::new(false);
    view! {
        <label class="field" class:invalid=move || bad.get()>
            <span class="label">{label}</span>
            <input type="text" inputmode="numeric" data-testid=testid
                prop:value=move || form.with(|f| get(f).map(|n| n.to_string()).unwrap_or_default())
                on:change=move |ev| match parse_count(&event_target_value(&ev)) {
                    Ok(n) => { bad.set(false); form.update(|f| set(f, n)); }
                    Err(_) => bad.set(true),
                } />
            <Show when=move || bad.get()><span class="field-error" role="alert">{tc::NOT_A_NUMBER}</span></Show>
        </label>
    }
}

/// A select of a closed list, with an empty "请选择".
pub fn pick<S: Send + Sync + 'static, C: Pick>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> Option<C>,
    set: fn(&mut S, Option<C>),
) -> impl IntoView {
    let options = C::all()
        .iter()
        .map(|c| view! { <option value=c.key()>{c.label()}</option> })
        .collect_view();
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <select data-testid=testid prop:value=move || form.with(|f| get(f).map(Pick::key).unwrap_or(""))
                on:change=move |ev| { let v = C::from_key(&event_target_value(&ev)); form.update(|f| set(f, v)); }>
                <option value="">{t::CHOOSE}</option>
                {options}
            </select>
        </label>
    }
}

/// A checkbox.
pub fn checkbox<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    get: fn(&S) -> bool,
    set: fn(&mut S, bool),
) -> impl IntoView {
    view! {
        <label class="field check">
            <input type="checkbox" data-testid=testid prop:checked=move || form.with(get)
                on:change=move |ev| { let v = event_target_checked(&ev); form.update(|f| set(f, v)); } />
            <span class="label">{label}</span>
        </label>
    }
}

/// A select of records by id (candidates, bases), with an empty "请选择".
pub fn id_select<S: Send + Sync + 'static>(
    form: RwSignal<S>,
    label: &'static str,
    testid: &'static str,
    options: Vec<(Uuid, String)>,
    get: fn(&S) -> Uuid,
    set: fn(&mut S, Uuid),
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
        .collect_view();
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <select data-testid=testid
                prop:value=move || form.with(|f| { let id = get(f); if id.is_nil() { String::new() } else { id.to_string() } })
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

/// The years a year select offers: the campaign's, plus the current and next year.
pub fn year_options(campaign: &shared::model::Campaign, current: i32) -> Vec<i32> {
    let mut years: Vec<i32> = campaign.year_range().collect();
    for y in [current, current + 1] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    years
}

/// A message line: errors in red, confirmations in green.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Error(String),
    /// An error naming an existing record, with a link to it.
    ErrorLink(String, String),
    Done(&'static str),
}

impl Notice {
    /// The message of a campaign error, with a link to the record it names (a duplicate
    /// candidacy) when it names one.
    pub fn of(error: &super::data::CampaignError) -> Notice {
        match error.existing() {
            Some(id) => Notice::ErrorLink(
                error.to_string(),
                crate::logic::campaign::route::CampaignRoute::Candidate(id).href(),
            ),
            None => Notice::Error(error.to_string()),
        }
    }
}

pub fn notice_line(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || {
        notice.get().map(|n| match n {
            Notice::Error(m) => {
                view! { <p class="message error" role="alert" data-testid="campaign-error">{m}</p> }
                    .into_any()
            }
            Notice::ErrorLink(m, href) => view! {
                <p class="message error" role="alert" data-testid="campaign-error">
                    {m}" "<a href=href data-testid="campaign-error-link">{tc::OPEN_EXISTING}</a>
                </p>
            }
            .into_any(),
            Notice::Done(m) => {
                view! { <p class="message info" data-testid="campaign-done">{m}</p> }.into_any()
            }
        })
    }
}

/// "打印": the browser's print dialog (the print stylesheet hides everything but the paper).
pub fn print_button() -> impl IntoView {
    view! {
        <button type="button" class="button no-print" data-testid="print"
            on:click=|_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>
            {tc::PRINT}
        </button>
    }
}

/// Offer `text` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(tc::NO_DOCUMENT)?;
    let anchor = document.create_element("a").map_err(|e| format!("{e:?}"))?;
    anchor.set_attribute("href", &url).map_err(|e| format!("{e:?}"))?;
    anchor.set_attribute("download", file_name).map_err(|e| format!("{e:?}"))?;
    let click = js_sys::Reflect::get(&anchor, &"click".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(tc::NO_DOCUMENT)?;
    click.call0(&anchor).map_err(|e| format!("{e:?}"))?;
    // Give the browser time to start the download before the URL goes away.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The town's campaign data for a screen: read when the screen opens (and again each time
/// `reload` moves), "读取中" while it is read, a failure in words, then `show` of it.
pub fn with_campaign_data<V, F>(reload: RwSignal<u32>, show: F) -> impl IntoView
where
    V: IntoView + 'static,
    F: Fn(super::data::CampaignData) -> V + Send + Sync + 'static,
{
    let ctx = crate::app::use_app();
    let loaded = LocalResource::new(move || {
        reload.track();
        async move { super::data::load_data(&ctx.store()).await }
    });
    move || match loaded.get() {
        None => view! { <p class="empty">{crate::i18n::LOADING}</p> }.into_any(),
        Some(Err(e)) => {
            view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any()
        }
        Some(Ok(d)) => show(d).into_any(),
    }
}
