//! The county's per-town screens (`screens::campaign::county`: dashboard, report, pipeline,
//! ranking, contacts, meetings, inspections): the towns a county account may see and one town's
//! campaign records, read from the office server (`GET /api/v1/towns`,
//! `GET /api/v1/campaign/records`, by town or by one of its candidates).
//! Records on a tablet carry no town, so the county's own store cannot be split by town; the
//! records fetched are made into the same [`CampaignData`] the local dashboard shows
//! ([`campaign::data_of`]).

use shared::county::{TownList, TownRecords};

use crate::i18n::campaign as tc;
use crate::services::campaign::{self, CampaignData};
use crate::sync::http::{Http, encode_component};
use crate::sync::{Credentials, HttpError, SyncError};

/// Why the county's dashboard could not be read: always that it needs the server, and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{prefix}：{0}", prefix = tc::COUNTY_NEEDS_SERVER)]
pub struct CountyError(String);

impl From<HttpError> for CountyError {
    fn from(error: HttpError) -> Self {
        let reason = match (&error, error.server_message()) {
            (HttpError::Network(_) | HttpError::Timeout, _) => tc::NO_SERVER.to_string(),
            (_, Some(message)) => message.to_owned(),
            (_, None) => SyncError::from(error).to_string(),
        };
        CountyError(reason)
    }
}

/// The HTTP client of the signed-in account (the county works only signed in).
pub fn county_http(credentials: Option<&Credentials>) -> Result<Http, CountyError> {
    credentials
        .map(Credentials::http)
        .ok_or_else(|| CountyError(SyncError::NotSignedIn.to_string()))
}

/// The towns the account may see, by name, in the server's order.
pub async fn towns(http: &Http) -> Result<Vec<String>, CountyError> {
    let list: TownList = http.get("/api/v1/towns").await?;
    Ok(list.towns.into_iter().map(|t| t.name).collect())
}

/// The overview data of candidate `id`'s town, and the town's name: what one candidate's screens
/// (contacts, the display card) read for a county account, which knows the candidate, not its
/// town.
pub async fn candidate_data(
    http: &Http,
    id: uuid::Uuid,
) -> Result<(String, CampaignData), CountyError> {
    let path = format!("/api/v1/campaign/records?candidate={id}");
    let answer: TownRecords = http.get(&path).await?;
    Ok((answer.town, campaign::data_of(&answer.records)))
}

/// What one candidate's screen shows a county account.
#[derive(Clone, Debug)]
pub enum CandidateTown {
    /// The candidate's town's data, from the server, and the town's name.
    Server { town: String, data: CampaignData },
    /// The server could not be asked (offline, say): this device's own records, which mix
    /// every town's settings, and why.
    Local { why: CountyError, data: CampaignData },
}

/// Candidate `id`'s town's data from the server ([`candidate_data`]), or this device's own
/// records when the server cannot say (the screen says which).
pub async fn candidate_town(
    http: Result<Http, CountyError>,
    store: &crate::store::Store,
    id: uuid::Uuid,
) -> Result<CandidateTown, campaign::CampaignError> {
    let asked = match http {
        Ok(http) => candidate_data(&http, id).await,
        Err(why) => Err(why),
    };
    match asked {
        Ok((town, data)) => Ok(CandidateTown::Server { town, data }),
        Err(why) => {
            log::info!("candidate {id}'s town not read from the server: {why}");
            Ok(CandidateTown::Local { why, data: campaign::load_data(store).await? })
        }
    }
}

/// Town `town`'s overview data, as its own tablets would compute it.
pub async fn town_data(http: &Http, town: &str) -> Result<CampaignData, CountyError> {
    let path = format!("/api/v1/campaign/records?town={}", encode_component(town));
    let answer: TownRecords = http.get(&path).await?;
    Ok(campaign::data_of(&answer.records))
}
