//! Sign-in rate limits in the database, shared by every server process of the deployment
//! ([`crate::limits::SharedAttempts`]): the table `signin_limits` (migration 5), one row per key
//! and quota holding the GCRA's theoretical arrival time (`until_ms`), or for `quota` −1 the
//! end of an account's hold. Every statement is one round trip and reads the database's clock
//! (`statement_timestamp()`), so processes on hosts whose clocks differ still count alike.

use std::time::Duration;

use async_trait::async_trait;

use super::PgStore;
use crate::limits::{AttemptQuota, SharedAttempts};
use crate::store::StoreError;

/// The database's clock in milliseconds, fixed for the statement.
const NOW_MS: &str = "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT";

/// The `quota` of an account's hold.
const HOLD: i64 = -1;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4).max(1)
}

fn wait(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[async_trait]
impl SharedAttempts for PgStore {
    /// One upsert: a new key takes its first cell; a known one takes a cell only while its
    /// arrival time stays within `burst × per` of now (the row is locked by the upsert, so two
    /// processes taking the last cell at once cannot both get it). The outer `SELECT` also
    /// reads the row as it was, for the wait when nothing was taken.
    async fn take(
        &self,
        key: &str,
        quota: i64,
        limit: AttemptQuota,
    ) -> Result<Option<Duration>, StoreError> {
        let per = millis(limit.per);
        let tolerance = per.saturating_mul(i64::from(limit.burst.max(1)));
        let row = self
            .client()
            .await?
            .query_one(
                &format!(
                    "WITH taken AS (
                        INSERT INTO signin_limits AS l (key, quota, until_ms)
                        VALUES ($1, $2, {NOW_MS} + $3)
                        ON CONFLICT (key, quota) DO UPDATE
                            SET until_ms = GREATEST(l.until_ms, {NOW_MS}) + $3
                            WHERE GREATEST(l.until_ms, {NOW_MS}) + $3 - {NOW_MS} <= $4
                        RETURNING until_ms)
                     SELECT (SELECT until_ms FROM taken),
                            (SELECT GREATEST(until_ms, {NOW_MS}) + $3 - $4 - {NOW_MS}
                             FROM signin_limits WHERE key = $1 AND quota = $2)"
                ),
                &[&key, &quota, &per, &tolerance],
            )
            .await?;
        let taken: Option<i64> = row.try_get(0)?;
        if taken.is_some() {
            return Ok(None);
        }
        let remaining: Option<i64> = row.try_get(1)?;
        Ok(Some(wait(remaining.unwrap_or(per).max(1))))
    }

    async fn hold(&self, key: &str, wait: Duration) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                &format!(
                    "INSERT INTO signin_limits AS l (key, quota, until_ms)
                     VALUES ($1, $2, {NOW_MS} + $3)
                     ON CONFLICT (key, quota) DO UPDATE
                         SET until_ms = GREATEST(l.until_ms, excluded.until_ms)"
                ),
                &[&key, &HOLD, &millis(wait)],
            )
            .await?;
        Ok(())
    }

    async fn held(&self, key: &str) -> Result<Option<Duration>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!(
                    "SELECT until_ms - {NOW_MS} FROM signin_limits
                     WHERE key = $1 AND quota = $2 AND until_ms > {NOW_MS}"
                ),
                &[&key, &HOLD],
            )
            .await?;
        Ok(match row {
            Some(row) => Some(wait(row.try_get(0)?)),
            None => None,
        })
    }

    async fn sweep(&self) -> Result<u64, StoreError> {
        Ok(self
            .client()
            .await?
            .execute(&format!("DELETE FROM signin_limits WHERE until_ms <= {NOW_MS}"), &[])
            .await?)
    }
}
