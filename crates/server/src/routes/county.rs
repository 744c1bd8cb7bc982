//! `GET /api/v1/towns` and `GET /api/v1/campaign/records?town=…`: the county's per-town
//! dashboard. Records on a tablet carry no town (and every town has the same fixed-id campaign
//! settings), so a county account cannot split what it pulled by town: it reads one town's
//! campaign records from here instead. Only roles that see a whole town may call them.

use axum::Json;
use axum::extract::State;
use shared::county::{CAMPAIGN_KINDS, MAX_TOWN_NAME_CHARS, TownList, TownName, TownRecords};
use shared::roles::redact_record;

use super::exports::export_scope;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::store::{Caller, Scope};

#[derive(Debug, Default, serde::Deserialize)]
pub struct TownQuery {
    /// The town, by name: required of a county account; a town account may name only its own.
    #[serde(default)]
    pub town: Option<String>,
}

/// Branch-scoped roles (surveyors, branch secretaries) see part of a town only: 403.
fn whole_town(session: &Caller) -> Result<(), AppError> {
    if session.account.role.is_branch_scoped() { Err(AppError::Forbidden) } else { Ok(()) }
}

/// The towns the caller may see, by name: every town for a county account, its own for a
/// town account.
pub async fn towns(
    State(state): State<AppState>,
    session: Caller,
) -> Result<Json<TownList>, AppError> {
    whole_town(&session)?;
    let scope = session.scope();
    let towns = state
        .store
        .towns()
        .await?
        .into_iter()
        .filter(|t| scope.town().is_none_or(|own| own == t.id))
        .map(|t| TownName { name: t.name })
        .collect();
    Ok(Json(TownList { towns }))
}

/// One town's live campaign records ([`CAMPAIGN_KINDS`]), without the personal data the
/// caller's role may not see (as the pull leaves it out). A town account naming another town,
/// or any unknown name, gets `404 town_not_found`, as the exports answer.
pub async fn campaign_records(
    State(state): State<AppState>,
    session: Caller,
    ApiQuery(q): ApiQuery<TownQuery>,
) -> Result<Json<TownRecords>, AppError> {
    whole_town(&session)?;
    let name = q.town.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if name.is_some_and(|n| n.chars().count() > MAX_TOWN_NAME_CHARS) {
        return Err(AppError::bad_request(
            "town_name_too_long",
            shared::message::Message::new("town_name_too_long").arg("max", MAX_TOWN_NAME_CHARS),
        ));
    }
    let Scope::Town(town) = export_scope(&state, &session, name).await? else {
        return Err(AppError::bad_request("town_required", "town_required"));
    };
    let town_name = state
        .store
        .towns()
        .await?
        .into_iter()
        .find(|t| t.id == town)
        .ok_or(AppError::NotFound { code: "town_not_found", what: "该镇" })?
        .name;
    let mut records = state.store.town_records(town, &CAMPAIGN_KINDS).await?;
    for record in &mut records {
        redact_record(record, session.account.role);
    }
    Ok(Json(TownRecords { town: town_name, records }))
}
