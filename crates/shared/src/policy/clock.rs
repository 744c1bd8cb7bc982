//! A tablet whose date is wrong must not win every later edit: operations stamped more than a
//! day after the server's clock are refused (`clock_ahead`).

use crate::op::Operation;
use chrono::{DateTime, Timelike as _};

use super::Rejection;
use crate::message::Message;

/// How far ahead of the server an operation's clock may be: one day.
pub const MAX_CLOCK_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// Whether `millis` is within [`MAX_CLOCK_AHEAD_MS`] of `now_ms`.
pub fn within_bound(millis: u64, now_ms: u64) -> bool {
    millis <= now_ms.saturating_add(MAX_CLOCK_AHEAD_MS)
}

pub fn check_clock(op: &Operation, now_ms: u64) -> Result<(), Rejection> {
    if within_bound(op.hlc.millis, now_ms) {
        return Ok(());
    }
    let shown = shown_utc(op.hlc.millis);
    Err(Rejection::new("clock_ahead", Message::new("clock_ahead").arg("time", shown)))
}

/// `millis` as the words show a time (UTC, to the minute).
fn shown_utc(millis: u64) -> String {
    i64::try_from(millis).ok().and_then(DateTime::from_timestamp_millis).map_or_else(
        || "?".to_owned(),
        |t| format!("{} {:02}:{:02}", t.date_naive(), t.hour(), t.minute()),
    )
}

/// Operations of a batch dated beyond [`MAX_CLOCK_AHEAD_MS`] after `now_ms`: how many, and the
/// latest (as shown). Merging one would move the receiving device's clock past the bound for
/// good: every change it made afterwards would be refused as `clock_ahead`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AheadInBatch {
    pub count: usize,
    pub latest: String,
}

/// [`AheadInBatch`] of `ops`, if any is ahead.
pub fn ahead_in_batch(ops: &[Operation], now_ms: u64) -> Option<AheadInBatch> {
    let ahead = ops.iter().map(|op| op.hlc.millis).filter(|m| !within_bound(*m, now_ms));
    let (count, latest) = ahead.fold((0, 0), |(n, latest), m| (n + 1, latest.max(m)));
    (count > 0).then(|| AheadInBatch { count, latest: shown_utc(latest) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::op::OpKind;
    use crate::record::EntityKind;
    use uuid::Uuid;

    fn op_at(millis: u64) -> Operation {
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: "u".into(),
            hlc: Hlc::new(millis, 0, "d"),
            entity: EntityKind::Person,
            entity_id: Uuid::now_v7(),
            branch_id: "b1".into(),
            kind: OpKind::Upsert,
            changes: vec![],
        }
    }

    #[test]
    fn a_day_ahead_is_the_limit() {
        let now = 1_700_000_000_000;
        assert!(check_clock(&op_at(now), now).is_ok());
        assert!(check_clock(&op_at(now - 10 * MAX_CLOCK_AHEAD_MS), now).is_ok(), "old is fine");
        assert!(check_clock(&op_at(now + MAX_CLOCK_AHEAD_MS), now).is_ok());
        let err = check_clock(&op_at(now + MAX_CLOCK_AHEAD_MS + 1), now).unwrap_err();
        assert_eq!(err.code, "clock_ahead");
        let batch = [
            op_at(now),
            op_at(now + MAX_CLOCK_AHEAD_MS + 1),
            op_at(now + 400 * MAX_CLOCK_AHEAD_MS),
        ];
        assert_eq!(ahead_in_batch(&batch[..1], now), None);
        let ahead = ahead_in_batch(&batch, now).unwrap();
        assert_eq!(ahead.count, 2);
        assert_eq!(ahead.latest, shown_utc(now + 400 * MAX_CLOCK_AHEAD_MS));
        assert!(err.message.to_string().contains("2023-11-15"), "{}", err.message);
        assert!(check_clock(&op_at(u64::MAX), now).is_err());
    }

    #[test]
    fn a_time_is_shown_in_utc_to_the_minute() {
        // 2025-12-05 08:03:09.5 UTC
        assert_eq!(shown_utc(1_764_921_789_500), "2025-12-05 08:03");
        assert_eq!(shown_utc(0), "1970-01-01 00:00");
        assert_eq!(shown_utc(u64::MAX), "?");
    }
}
