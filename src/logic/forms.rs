//! Parsing what people type into form fields (the survey and the campaign forms alike).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;
use shared::hlc::Hlc;
use shared::model::{Campaign, Category, Entity};
use shared::order::CollectOrdered as _;
use shared::record::Record;

/// The fields of `after` whose value is not the one `before` gives them: what a form changed
/// since it read (or last saved) a record, each side as `(field, value)` changes.
pub fn fields_changed(before: &[(String, Value)], after: &[(String, Value)]) -> BTreeSet<String> {
    let before: BTreeMap<&str, &Value> = before.iter().map(|(f, v)| (f.as_str(), v)).collect_map();
    after
        .iter()
        .filter(|(f, v)| before.get(f.as_str()) != Some(&v))
        .map(|(f, _)| f.clone())
        .collect_set()
}

/// For each of `fields`, the clock of the value a screen showed when it loaded `record` (`shown`:
/// the record as the screen encoded it then), read off the record as stored now: what a save of
/// those fields types over (`Store::save_touched` with `Touched::Over`), so a value changed
/// elsewhere since, which the person never saw, is kept as a conflict instead of silently
/// overwritten.
///
/// The screen's copy is of the typed record, so a value is compared as the screen would show it
/// (decoded and encoded again), not as stored: the stored clock where the stored value shows as
/// what the screen showed; else the latest earlier write that does; else, when the value shown
/// is none of the record's writes, the write before the current one (the screen did not see at
/// least the current one); none when there is no earlier write.
pub fn shown_clocks<T: Entity>(
    record: &Record,
    shown: &[(String, Value)],
    fields: &BTreeSet<String>,
) -> BTreeMap<String, Option<Hlc>> {
    let shown: BTreeMap<&str, &Value> = shown.iter().map(|(f, v)| (f.as_str(), v)).collect_map();
    // `value` of `field`, as a screen encodes the record holding it.
    let as_shown = |field: &str, value: &Value| -> Option<Value> {
        let mut copy = record.clone();
        copy.fields.insert(field.to_owned(), value.clone());
        T::from_record(&copy).ok()?.to_fields().ok()?.remove(field)
    };
    let shows = |field: &str, value: &Value, seen: &Value| {
        value == seen || as_shown(field, value).as_ref() == Some(seen)
    };
    fields
        .iter()
        .map(|field| {
            let Some(seen) = shown.get(field.as_str()) else {
                return (field.clone(), record.base_of(field));
            };
            let stored = record.get(field).cloned().unwrap_or(Value::Null);
            let earlier = record.earlier.get(field).map(Vec::as_slice).unwrap_or_default();
            let clock = match record.meta.get(field) {
                Some(meta) if shows(field, &stored, seen) => Some(meta.clock.clone()),
                None if shows(field, &Value::Null, seen) => None,
                _ => earlier
                    .iter()
                    .rev()
                    .find(|w| shows(field, &w.value, seen))
                    .or_else(|| earlier.last())
                    .map(|w| w.clock.clone()),
            };
            (field.clone(), clock)
        })
        .collect_map()
}

/// A date from an `<input type="date">` (`YYYY-MM-DD`); empty or malformed is `None`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// The value an `<input type="date">` shows (`YYYY-MM-DD`, a date's own `Display`).
pub fn date_value(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The value an `<input type="datetime-local">` shows (`YYYY-MM-DDTHH:MM`). Written out, not
/// with chrono's `format`, whose formatter (every specifier, `%P`'s lower-casing among them)
/// would otherwise be in the app for this one value (docs/PERFORMANCE.md, session 29).
pub fn date_time_value(time: Option<NaiveDateTime>) -> String {
    use chrono::Timelike as _;
    time.map(|t| format!("{}T{:02}:{:02}", t.date(), t.hour(), t.minute())).unwrap_or_default()
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
    shared::order::sort(&mut years);
    years
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use serde_json::json;
    use shared::op::{OpContext, Operation};
    use shared::record::EntityKind;
    use uuid::Uuid;

    /// A record kind with a number a screen encodes as a float.
    #[derive(serde::Serialize, serde::Deserialize, Default)]
    struct Sheet {
        total: f64,
        note: String,
    }

    impl Entity for Sheet {
        const KIND: EntityKind = EntityKind::Base;
    }

    fn written(fields: Value, at: u64, current: Option<&Record>) -> Record {
        let ctx = OpContext { device_id: Uuid::nil(), author: "a".into() };
        let changes = fields.as_object().unwrap().clone().into_iter();
        let hlc = Hlc::new(at, 0, "d");
        let op = Operation::upsert(&ctx, hlc, EntityKind::Base, Uuid::nil(), "", current, changes);
        shared::merge::apply(current.cloned(), &op).record
    }

    fn fields(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn a_value_shown_is_found_among_the_records_writes_as_the_screen_shows_it() {
        // Stored with an integer; the screen shows it as a float.
        let loaded = written(json!({ "total": 3, "note": "甲" }), 1, None);
        let shown: Vec<(String, Value)> =
            Sheet { total: 3.0, note: "甲".into() }.to_fields().unwrap().into_iter().collect();
        let clocks = shown_clocks::<Sheet>(&loaded, &shown, &fields(&["total", "note"]));
        assert_eq!(clocks["total"], Some(Hlc::new(1, 0, "d")), "the same value, encoded otherwise");
        assert_eq!(clocks["note"], Some(Hlc::new(1, 0, "d")));

        // Changed elsewhere twice since the screen loaded it: the write it showed.
        let b = written(json!({ "note": "乙" }), 2, Some(&loaded));
        let c = written(json!({ "note": "丙" }), 3, Some(&b));
        let clocks = shown_clocks::<Sheet>(&c, &shown, &fields(&["note"]));
        assert_eq!(clocks["note"], Some(Hlc::new(1, 0, "d")));

        // A value none of the writes had: the write before the current one.
        let odd = vec![("note".to_owned(), json!("丁"))];
        let clocks = shown_clocks::<Sheet>(&c, &odd, &fields(&["note"]));
        assert_eq!(clocks["note"], Some(Hlc::new(2, 0, "d")));
        // A field never written, shown empty: none.
        let clocks = shown_clocks::<Sheet>(&loaded, &[], &fields(&["missing"]));
        assert_eq!(clocks["missing"], None);
    }
}
