//! How dates, times, durations and amounts read on screen and on paper: the one place that
//! turns them into words (2026年11月30日, 下午3:05 in the tablet's local time, 1,234.50 元). No
//! screen formats a date or an amount itself. Plain Rust: tested natively.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

use crate::i18n::{self, office as t};

/// 2026年11月30日.
pub fn date(d: NaiveDate) -> String {
    t::chinese_date(d)
}

/// [`date`] of a date that may be missing ("" when it is).
pub fn date_or_blank(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// 上午9:05 / 下午3:05 (a 12-hour clock, as people in the town say the time).
pub fn time(t: NaiveTime) -> String {
    let (pm, hour) = t.hour12();
    let minute = format!("{:02}", t.minute());
    let text = if pm { i18n::TIME_PM } else { i18n::TIME_AM };
    text.format(&[("hour", hour.into()), ("minute", (&minute).into())])
}

/// 2026年11月30日 下午3:05.
pub fn date_time(dt: NaiveDateTime) -> String {
    format!("{} {}", date(dt.date()), time(dt.time()))
}

/// A moment in UTC shown in the tablet's local time ([`date_time`]).
pub fn moment<Tz: TimeZone>(at: DateTime<Tz>) -> String {
    date_time(at.with_timezone(&Local).naive_local())
}

/// Milliseconds since the epoch (the clocks the sync protocol keeps) in local time; "" for a
/// value no calendar holds.
pub fn millis(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms).map(moment).unwrap_or_default()
}

/// A timestamp the server sent (RFC 3339, `2026-11-30T19:08:51Z`) in local time; the text as it
/// came when it is not one.
pub fn timestamp(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => moment(at.with_timezone(&Utc)),
        Err(_) => text.to_owned(),
    }
}

/// An amount in fen as 元 with two decimals and thousands separated: 1,234.50 元.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let amount = format!("{sign}{grouped}.{:02}", abs % 100);
    i18n::YUAN.format(&[("amount", (&amount).into())])
}

/// How long ago `then_ms` was at `now_ms`: 刚刚, 5 分钟前, 3 小时前, 2 天前.
pub fn ago(now_ms: f64, then_ms: f64) -> String {
    let seconds = ((now_ms - then_ms) / 1_000.0).max(0.0) as u64;
    let (text, n) = match seconds {
        0..60 => return i18n::JUST_NOW.to_string(),
        60..3_600 => (i18n::MINUTES_AGO, seconds / 60),
        3_600..86_400 => (i18n::HOURS_AGO, seconds / 3_600),
        _ => (i18n::DAYS_AGO, seconds / 86_400),
    };
    text.format(&[("n", n.into())])
}

/// How long until `at_ms` from `now_ms`: 30 秒后, 5 分钟后.
pub fn until(now_ms: f64, at_ms: f64) -> String {
    let seconds = ((at_ms - now_ms) / 1_000.0).max(0.0).round() as u64;
    if seconds < 60 {
        i18n::IN_SECONDS.format(&[("n", seconds.into())])
    } else {
        i18n::IN_MINUTES.format(&[("n", seconds.div_ceil(60).into())])
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_and_times_read_as_people_write_them() {
        assert_eq!(date(day(2026, 11, 30)), "2026年11月30日");
        assert_eq!(date(day(2026, 1, 5)), "2026年1月5日");
        assert_eq!(date_or_blank(None), "");
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(time(t(15, 5)), "下午3:05");
        assert_eq!(time(t(9, 30)), "上午9:30");
        assert_eq!(time(t(0, 0)), "上午12:00");
        assert_eq!(time(t(12, 0)), "下午12:00");
        assert_eq!(date_time(day(2026, 11, 30).and_time(t(15, 5))), "2026年11月30日 下午3:05");
    }

    #[test]
    fn utc_timestamps_are_shown_in_local_time_and_garbage_is_kept_as_it_came() {
        let utc = "2026-11-30T07:08:51Z";
        let local = DateTime::parse_from_rfc3339(utc).unwrap().with_timezone(&Local).naive_local();
        assert_eq!(timestamp(utc), date_time(local));
        assert_eq!(timestamp("不是时间"), "不是时间");
        assert_eq!(millis(i64::MAX), "");
        let ms = DateTime::parse_from_rfc3339(utc).unwrap().timestamp_millis();
        assert_eq!(millis(ms), date_time(local));
    }

    #[test]
    fn amounts_have_two_decimals_and_grouped_thousands() {
        assert_eq!(yuan(0), "0.00 元");
        assert_eq!(yuan(5), "0.05 元");
        assert_eq!(yuan(123_450), "1,234.50 元");
        assert_eq!(yuan(100_000_000), "1,000,000.00 元");
        assert_eq!(yuan(-12_345_678), "-123,456.78 元");
        assert_eq!(yuan(i64::MIN), "-92,233,720,368,547,758.08 元");
    }

    #[test]
    fn durations_round_as_a_person_would_say_them() {
        assert_eq!(ago(120_000.0, 119_500.0), "刚刚");
        assert_eq!(ago(3_600_000.0, 0.0), "1 小时前");
        assert_eq!(ago(0.0, 5_000.0), "刚刚", "a clock that went back is not the future");
        assert_eq!(until(0.0, 30_000.0), "30 秒后");
        assert_eq!(until(0.0, 61_000.0), "2 分钟后");
    }
}
