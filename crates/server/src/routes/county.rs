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
    /// Instead of the town: the town of this candidate (among the caller's towns). A county
    /// account reading one candidate's contacts or printing their display card knows the
    /// candidate, not the town: its own store mixes every town's settings.
    #[serde(default)]
    pub candidate: Option<uuid::Uuid>,
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

/// The town of candidate `id` among the caller's towns; `404 candidate_not_found` when none of
/// them holds it (another town's candidate, to a town account, is not told apart from none).
async fn town_of_candidate(
    state: &AppState,
    session: &Caller,
    id: uuid::Uuid,
) -> Result<i64, AppError> {
    let scope = session.scope();
    state
        .store
        .towns_holding(shared::record::EntityKind::Candidate, id)
        .await?
        .into_iter()
        .find(|town| scope.town().is_none_or(|own| own == *town))
        .ok_or(AppError::NotFound { code: "candidate_not_found", what: "该争创对象" })
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
    let town = match (name, q.candidate) {
        (None, Some(candidate)) => town_of_candidate(&state, &session, candidate).await?,
        _ => match export_scope(&state, &session, name).await? {
            Scope::Town(town) => town,
            _ => return Err(AppError::bad_request("town_required", "town_required")),
        },
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
