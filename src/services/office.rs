//! What the town office's own screens ask of the office server: accounts (create, reset a
//! password, disable, enable), devices (with what each reported at its last sync; revoke,
//! restore), one-time sign-in codes, the roster import (preview, apply) and the first-run
//! checklist. Every call is made as the signed-in town-office account; errors are the server's
//! words in Chinese.

use crate::i18n::office as to;
use serde::Serialize;
use shared::branches::BranchRecord;
use shared::record::EntityKind;
use shared::roles::Role;
use shared::sync::{
    CreateUserRequest, DeviceSummary, ResetPasswordRequest, RosterReport, SigninCode,
    SigninCodeRequest, UserSummary,
};

use shared::model::Campaign;

use crate::logic::campaign::rubric::{CAMPAIGN_ID, current_campaign};
use crate::logic::campaign::typed::decode_all;
use crate::store::{Store, StoreError};
use crate::sync::http::{Body, Http, encode_component};
use crate::sync::{Credentials, HttpError, SyncError};

/// Largest roster file the app sends (the server's bound).
pub const MAX_ROSTER_BYTES: u64 = 16 * 1024 * 1024;

/// Why an office request did not work.
#[derive(Clone, Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("{}", crate::i18n::office::NOT_OFFICE)]
    NotOffice,
    #[error("{0}")]
    Server(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file was not picked or could not be read.
    #[error(transparent)]
    File(#[from] crate::browser::files::FileError),
}

impl From<HttpError> for OfficeError {
    fn from(error: HttpError) -> Self {
        let message =
            error.server_message().unwrap_or_else(|| SyncError::from(error.clone()).to_string());
        OfficeError::Server(message)
    }
}

/// The HTTP client of the signed-in town office account.
pub fn office_http(session: Option<&Credentials>) -> Result<Http, OfficeError> {
    match session {
        Some(s) if s.account.role == Role::TownOffice => Ok(s.http()),
        _ => Err(OfficeError::NotOffice),
    }
}

pub async fn users(http: &Http) -> Result<Vec<UserSummary>, OfficeError> {
    Ok(http.get("/api/v1/admin/users").await?)
}

pub async fn create_user(
    http: &Http,
    request: &CreateUserRequest,
) -> Result<UserSummary, OfficeError> {
    Ok(http.post("/api/v1/admin/users", request).await?)
}

fn user_path(username: &str, action: &str) -> String {
    format!("/api/v1/admin/users/{}/{action}", encode_component(username))
}

async fn post_empty(http: &Http, path: &str) -> Result<(), OfficeError> {
    http.request::<serde_json::Value>("POST", path, Body::None).await?;
    Ok(())
}

pub async fn reset_password(
    http: &Http,
    username: &str,
    password: &str,
) -> Result<(), OfficeError> {
    let request = ResetPasswordRequest { password: password.to_owned() };
    http.post::<_, serde_json::Value>(&user_path(username, "password"), &request).await?;
    Ok(())
}

pub async fn set_disabled(http: &Http, username: &str, disabled: bool) -> Result<(), OfficeError> {
    post_empty(http, &user_path(username, if disabled { "disable" } else { "enable" })).await
}

/// A one-time sign-in code for `username`, for tablets reaching the server at `server`.
pub async fn signin_code(
    http: &Http,
    username: &str,
    server: &str,
) -> Result<SigninCode, OfficeError> {
    let request = SigninCodeRequest { server: server.trim().to_owned() };
    Ok(http.post(&user_path(username, "signin-code"), &request).await?)
}

pub async fn revoke_codes(http: &Http, username: &str) -> Result<(), OfficeError> {
    post_empty(http, &user_path(username, "signin-code/revoke")).await
}

pub async fn devices(http: &Http) -> Result<Vec<DeviceSummary>, OfficeError> {
    Ok(http.get("/api/v1/admin/devices").await?)
}

pub async fn set_device_revoked(http: &Http, id: i64, revoked: bool) -> Result<(), OfficeError> {
    let action = if revoked { "revoke" } else { "restore" };
    post_empty(http, &format!("/api/v1/admin/devices/{id}/{action}")).await
}

/// Preview (`apply == false`) or apply a roster file.
pub async fn roster(http: &Http, bytes: &[u8], apply: bool) -> Result<RosterReport, OfficeError> {
    let path = if apply { "/api/v1/admin/roster/apply" } else { "/api/v1/admin/roster/preview" };
    Ok(http.request("POST", path, Body::Bytes(bytes)).await?)
}

/// Whether a device holds work that has not arrived at the office (its last report).
pub fn holds_unsent(device: &DeviceSummary) -> bool {
    device.report.as_ref().is_some_and(|r| r.pending > 0 || r.refused > 0)
}

/// How many records a device reported not delivered: waiting to be sent, or sent and refused
/// (its last report; 0 without one).
pub fn unsent_count(device: &DeviceSummary) -> u32 {
    device.report.as_ref().map_or(0, |r| r.pending.saturating_add(r.refused))
}

/// What the office is asked before revoking `device`: the device and its account, and, when it
/// holds unsent work ([`holds_unsent`]), how many records and that they stay on that tablet
/// until it is restored.
pub fn revoke_question(device: &DeviceSummary) -> String {
    let unsent = if holds_unsent(device) { unsent_count(device) } else { 0 };
    to::confirm_revoke_device(&device.device_name, &device.username, unsent)
}

/// One step of the office's first day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Stable key (`branches`, `roster`, …), for tests and links.
    pub key: &'static str,
    pub done: bool,
    /// What is there, or what is missing, in Chinese.
    pub detail: String,
}

/// The first-run checklist, from what this device holds (the office's tablet or PC, synced) and
/// the server's accounts and devices.
pub async fn checklist(
    store: &Store,
    session: Option<&Credentials>,
) -> Result<Vec<Step>, OfficeError> {
    let branches: Vec<BranchRecord> =
        crate::logic::campaign::typed::branch_records(&store.list(EntityKind::Branch).await?);
    let active = branches.iter().filter(|(_, b)| !b.retired).count();
    let people =
        store.listing(EntityKind::Person).await?.iter().filter(|r| !r.is_deleted()).count();
    let campaign_records = store.list(EntityKind::Campaign).await?;
    let campaigns = decode_all::<Campaign>(&campaign_records);
    let campaign = current_campaign(&campaigns);
    let plan_set = plan_saved(&campaign_records);
    let town = campaign.town.trim().to_owned();
    let mut steps = vec![
        Step {
            key: "town",
            done: !town.is_empty(),
            detail: if town.is_empty() {
                to::STEP_TOWN_NOT_SET.to_string()
            } else {
                let committee = campaign.committee();
                to::STEP_TOWN_SET
                    .format(&[("town", (&town).into()), ("committee", (&committee).into())])
            },
        },
        Step {
            key: "campaign",
            done: plan_set,
            detail: if !plan_set {
                to::STEP_CAMPAIGN_DEFAULT.format(&[
                    ("start", campaign.start_year.into()),
                    ("end", campaign.end_year().into()),
                ])
            } else {
                to::STEP_CAMPAIGN_SET.format(&[
                    ("start", campaign.start_year.into()),
                    ("end", campaign.end_year().into()),
                ])
            },
        },
        Step {
            key: "branches",
            done: active > 0,
            detail: if active == 0 {
                to::STEP_BRANCHES_NONE.to_string()
            } else {
                to::STEP_BRANCHES_SOME.format(&[("n", active.into())])
            },
        },
        Step {
            key: "roster",
            done: people > 0,
            detail: if people == 0 {
                to::STEP_ROSTER_NONE.to_string()
            } else {
                to::STEP_ROSTER_SOME.format(&[("n", people.into())])
            },
        },
    ];
    let http = office_http(session)?;
    let users = users(&http).await?;
    let field_accounts = users.iter().filter(|u| u.account.role != Role::TownOffice).count();
    steps.push(Step {
        key: "accounts",
        done: field_accounts > 0,
        detail: if field_accounts == 0 {
            to::STEP_ACCOUNTS_NONE.to_string()
        } else {
            to::STEP_ACCOUNTS_SOME.format(&[("n", field_accounts.into())])
        },
    });
    let devices = devices(&http).await?;
    let tablets = devices
        .iter()
        .filter(|d| {
            !d.revoked
                && users
                    .iter()
                    .any(|u| u.account.username == d.username && u.account.role != Role::TownOffice)
        })
        .count();
    steps.push(Step {
        key: "tablets",
        done: tablets > 0,
        detail: if tablets == 0 {
            to::STEP_TABLETS_NONE.to_string()
        } else {
            to::STEP_TABLETS_SOME.format(&[("n", tablets.into())])
        },
    });
    Ok(steps)
}

/// Whether the office has saved the campaign's years or targets (活动年限与目标): a stored
/// campaign record holds one of `Campaign::PLAN_FIELDS`. A record holding only the town's name
/// reads the work plan's years and targets, and the step is not done.
pub fn plan_saved(records: &[shared::record::Record]) -> bool {
    records.iter().filter(|r| !r.is_deleted()).any(|r| {
        match r.fields.get(Campaign::PLAN_CONFIRMED) {
            Some(confirmed) => confirmed.as_bool() == Some(true),
            // Written whole by an earlier version (its settings screen, or its town save).
            None => Campaign::PLAN_FIELDS.iter().any(|field| r.fields.contains_key(*field)),
        }
    })
}

/// Keep the town's name in the campaign settings (a town-wide record the office writes; it
/// syncs to every tablet, whose printouts then carry it). Only the `town` field is written
/// into settings already stored: the years and targets stay as the office set them. A record
/// the name creates also holds the work plan's years and targets (`Campaign::default_plan`), so
/// a tablet of an earlier version reads the plan, not year 0; they are marked not confirmed
/// (`Campaign::PLAN_CONFIRMED`), so 活动年限与目标 stays to do.
pub async fn save_town(store: &Store, town: &str) -> Result<(), OfficeError> {
    let town = town
        .trim()
        .chars()
        .take(shared::limits::max_chars(shared::limits::TextKind::Name))
        .collect::<String>();
    let stored = store.get(EntityKind::Campaign, CAMPAIGN_ID).await?.filter(|r| !r.is_deleted());
    let mut changes = vec![("town".to_owned(), serde_json::Value::String(town))];
    if stored.is_none() {
        let plan = Campaign::default_plan();
        changes.extend(
            shared::record::to_fields(&plan)
                .map_err(StoreError::from)?
                .into_iter()
                .filter(|(field, _)| Campaign::PLAN_FIELDS.contains(&field.as_str())),
        );
        changes.push((Campaign::PLAN_CONFIRMED.to_owned(), serde_json::Value::Bool(false)));
    }
    store.save(EntityKind::Campaign, CAMPAIGN_ID, "", changes).await?;
    Ok(())
}

/// The town's name as the campaign settings hold it.
pub async fn town(store: &Store) -> Result<String, OfficeError> {
    let campaigns = decode_all::<Campaign>(&store.list(EntityKind::Campaign).await?);
    Ok(current_campaign(&campaigns).town)
}
