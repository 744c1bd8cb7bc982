//! Parsing what people type into form fields (the survey and the campaign forms alike).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::Value;
use shared::model::{Campaign, Category};

/// The fields of `after` whose value is not the one `before` gives them: what a form changed
/// since it read (or last saved) a record, each side as `(field, value)` changes.
pub fn fields_changed(before: &[(String, Value)], after: &[(String, Value)]) -> BTreeSet<String> {
    let before: BTreeMap<&str, &Value> = before.iter().map(|(f, v)| (f.as_str(), v)).collect();
    after
        .iter()
        .filter(|(f, v)| before.get(f.as_str()) != Some(&v))
        .map(|(f, _)| f.clone())
        .collect()
}

/// A date from an `<input type="date">` (`YYYY-MM-DD`); empty or malformed is `None`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The value an `<input type="date">` shows.
pub fn date_value(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Text typed into a number field that is not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::NOT_A_NUMBER)]
pub struct NotANumber;

/// A number typed into a form field: "" is `Ok(None)`; other text that is not a `T` is an
/// error.
pub fn parse_optional_number<T: std::str::FromStr>(text: &str) -> Result<Option<T>, NotANumber> {
    let text = text.trim();
    if text.is_empty() { Ok(None) } else { text.parse().map(Some).map_err(|_| NotANumber) }
}

/// A count: empty is `Ok(None)`, a whole non-negative number `Ok(Some)`, anything else `Err`.
pub fn parse_count(text: &str) -> Result<Option<u32>, NotANumber> {
    parse_optional_number(text)
}

/// A score or weight: empty is `Ok(None)`, a finite non-negative number `Ok(Some)`.
pub fn parse_number(text: &str) -> Result<Option<f64>, NotANumber> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(NotANumber),
    }
}

/// A number without a trailing `.0` (`8` not `8.0`, `7.5` stays): the way shared words a score
/// in its messages, so a field and a refusal write the same number alike.
pub use shared::scoring::number_text;

/// Set (or clear, with `None`) the yearly target of `category` in `year`.
pub fn set_year_target(campaign: &mut Campaign, category: Category, year: i32, value: Option<u32>) {
    let target = campaign.targets.entry(category).or_default();
    match value {
        Some(v) => {
            target.per_year.insert(year, v);
        }
        None => {
            target.per_year.remove(&year);
        }
    }
}

/// Set the whole-campaign target of `category`.
pub fn set_total_target(campaign: &mut Campaign, category: Category, value: u32) {
    campaign.targets.entry(category).or_default().total = value;
}

/// Drop yearly targets of years the campaign no longer covers (after its years changed).
pub fn drop_years_outside(campaign: &mut Campaign) {
    let range = campaign.year_range();
    let years = campaign.years;
    for target in campaign.targets.values_mut() {
        target.per_year.retain(|y, _| years > 0 && range.contains(y));
    }
}

/// Today's date in the town (the device's local time).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The local wall-clock time now (for transition histories).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// The years a year select offers: the campaign's, plus the current and next year.
pub fn year_options(campaign: &Campaign, current: i32) -> Vec<i32> {
    let mut years: Vec<i32> = campaign.year_range().collect();
    for y in [current, current + 1] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    years
}
