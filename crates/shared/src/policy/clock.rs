//! A tablet whose date is wrong must not win every later edit: operations stamped more than a
//! day after the server's clock are refused (`clock_ahead`).

use crate::op::Operation;
use chrono::DateTime;

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
    let shown = i64::try_from(op.hlc.millis)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .map_or_else(|| "?".to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string());
    Err(Rejection::new("clock_ahead", Message::new("clock_ahead").arg("time", shown)))
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
        assert!(err.message.to_string().contains("2023-11-15"), "{}", err.message);
        assert!(check_clock(&op_at(u64::MAX), now).is_err());
    }
}
