//! `POST /api/v1/admin/roster/preview` and `…/apply`: the town office imports its roster of
//! party members (党员名册). The body is the file itself (XLSX, XLS or CSV). Preview writes
//! nothing; apply writes the whole roster in one transaction, and only when no row has a
//! problem. A member whose branch in the file differs from the stored one is no problem: the
//! report's notes say the member was not moved, and the rest of the row and the file applies.
//! Parsing runs on a blocking thread.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use sha2::{Digest, Sha256};
use shared::hlc::HlcClock;
use shared::message::Message;
use shared::op::OpContext;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::RosterReport;

use crate::error::AppError;
use crate::roster::{Branches, Plan, RosterError};
use crate::state::AppState;
use crate::store::{Caller, RosterBatch};

pub use crate::roster::MAX_ROSTER_BYTES;

impl From<RosterError> for AppError {
    fn from(error: RosterError) -> Self {
        AppError::roster_refused(error.code(), error.message())
    }
}

async fn planned(state: &AppState, session: &Caller, body: Bytes) -> Result<Plan, AppError> {
    session.require(&[Role::TownOffice])?;
    if body.is_empty() {
        return Err(AppError::bad_request("empty_roster", "empty_roster"));
    }
    let branches =
        state.store.records(session.scope(), EntityKind::Branch, &session.account).await?;
    let people = state.store.records(session.scope(), EntityKind::Person, &session.account).await?;
    let ctx = OpContext { device_id: session.device_id, author: session.account.username.clone() };
    // The server's clock, seen from the office's device: every operation is after everything
    // the server stored, including what another process stored meanwhile (the command-line
    // import, another process of a county deployment), read from the database first.
    state.seed_clock().await?;
    let server_now = state.tick_clock([]);
    let today = chrono::Local::now().date_naive();
    let plan = tokio::task::spawn_blocking(move || {
        let mut clock = HlcClock::new(ctx.device_id.simple().to_string());
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        clock.observe(&server_now, now_ms);
        crate::roster::plan(&body, &Branches::new(&branches), &people, &ctx, &mut clock, today)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(plan)
}

pub async fn preview(
    State(state): State<AppState>,
    session: Caller,
    body: Bytes,
) -> Result<Json<RosterReport>, AppError> {
    Ok(Json(planned(&state, &session, body).await?.report))
}

pub async fn apply(
    State(state): State<AppState>,
    session: Caller,
    body: Bytes,
) -> Result<Json<RosterReport>, AppError> {
    let checksum = format!("sha256:{}", shared::op::hex(&Sha256::digest(&body)));
    let Plan { mut report, operations } = planned(&state, &session, body).await?;
    if !report.issues.is_empty() {
        return Err(AppError::roster_refused(
            "roster_has_problems",
            Message::new("roster_has_problems").arg("count", report.issues.len()),
        ));
    }
    let batch = RosterBatch {
        operations,
        checksum,
        rows: report.rows as usize,
        created: report.created as usize,
        updated: report.updated as usize,
        unchanged: report.unchanged as usize,
    };
    let applied = state.store.apply_roster(&session, batch).await?;
    state.changes.poke();
    if let Err(refused) = applied {
        // The first refusal's own message, worded with the rest in the reader's language.
        let first = refused.first().map(|r| {
            r.said().unwrap_or_else(|| {
                Message::new("item").arg("text", r.message.clone().unwrap_or_default())
            })
        });
        return Err(AppError::roster_refused(
            "roster_refused",
            Message::new("roster_refused")
                .arg("count", refused.len())
                .arg("first", first.into_iter().collect::<Vec<_>>()),
        ));
    }
    super::audit(
        &state,
        &session,
        "roster_import",
        format!(
            "{} rows: {} new, {} updated, {} unchanged, {} not moved (branch differs)",
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.notes.iter().filter(|n| n.reason.as_deref() == Some("roster_not_moved")).count()
        ),
    )
    .await?;
    report.applied = true;
    Ok(Json(report))
}
