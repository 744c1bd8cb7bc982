//! One-time sign-in codes: the town office makes one for an account (a QR code of the server's
//! address with the code, and the same code as 8 characters to type); a new tablet signs in
//! with it once, with no password typed. A code is single-use, valid 24 hours and revocable;
//! only its SHA-256 is stored. Also the tablet's end-of-sync report.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rand::Rng;
use shared::roles::Role;
use shared::sync::{
    CodeLoginRequest, DeviceReport, LoginResponse, MAX_APP_VERSION_CHARS, MAX_SERVER_ADDRESS_CHARS,
    SIGNIN_CODE_ALPHABET, SIGNIN_CODE_LEN, SigninCode, SigninCodeRequest, normalise_signin_code,
};

use crate::auth::{new_token, token_hash};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ClientAddr};
use crate::routes::audit;
use crate::state::AppState;
use crate::store::{AuditEvent, Caller, Redeemed};
use crate::users::normalise_username;

/// How long a sign-in code works.
pub const SIGNIN_CODE_VALID: chrono::Duration = chrono::Duration::hours(24);

const MAX_DEVICE_NAME_CHARS: usize = 100;

/// A fresh code: [`SIGNIN_CODE_LEN`] characters of [`SIGNIN_CODE_ALPHABET`] from the OS's
/// random source (31⁸ ≈ 8.5 × 10¹¹ codes; guessing is bounded by the per-address limits).
fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..SIGNIN_CODE_LEN)
        .map(|_| SIGNIN_CODE_ALPHABET[rng.gen_range(0..SIGNIN_CODE_ALPHABET.len())] as char)
        .collect()
}

/// The stored form of a code.
fn code_hash(code: &str) -> String {
    token_hash(&format!("signin-code:{}", normalise_signin_code(code)))
}

/// `http(s)://host[:port]` with nothing after it.
fn checked_server(server: &str) -> Result<String, AppError> {
    let server = server.trim().trim_end_matches('/');
    let rest = server.strip_prefix("https://").or_else(|| server.strip_prefix("http://"));
    let ok = server.chars().count() <= MAX_SERVER_ADDRESS_CHARS
        && rest.is_some_and(|host| {
            !host.is_empty()
                && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
    if ok {
        Ok(server.to_owned())
    } else {
        Err(AppError::bad_request("invalid_server_address", "invalid_server_address"))
    }
}

/// The QR code of `text` as an SVG image.
fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
        .map_err(AppError::internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

pub async fn create_code(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(username): ApiPath<String>,
    ApiJson(req): ApiJson<SigninCodeRequest>,
) -> Result<(StatusCode, Json<SigninCode>), AppError> {
    session.require(&[Role::TownOffice])?;
    let server = checked_server(&req.server)?;
    let username = normalise_username(&username);
    let code = new_code();
    let expires_at =
        (chrono::Utc::now() + SIGNIN_CODE_VALID).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let created = state
        .store
        .create_signin_code(
            session.scope(),
            &username,
            &code_hash(&code),
            &expires_at,
            &session.account.username,
        )
        .await?;
    if !created {
        return Err(AppError::NotFound { code: "user_not_found", what: "该账号" });
    }
    audit(&state, &session, "create_signin_code", username.clone()).await?;
    let link = format!("{server}/#/signin/{code}");
    let qr_svg = qr_svg(&link)?;
    Ok((StatusCode::CREATED, Json(SigninCode { username, code, expires_at, link, qr_svg })))
}

pub async fn revoke_codes(
    State(state): State<AppState>,
    session: Caller,
    ApiPath(username): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    session.require(&[Role::TownOffice])?;
    let username = normalise_username(&username);
    let Some(revoked) = state.store.revoke_signin_codes(session.scope(), &username).await? else {
        return Err(AppError::NotFound { code: "user_not_found", what: "该账号" });
    };
    audit(&state, &session, "revoke_signin_codes", format!("{username} ({revoked})")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign in with a code; the answer as the password sign-in's (`routes::auth::login`).
/// Rate-limited per address like the password sign-in (attempts), and
/// failed codes per address like failed passwords per account.
pub async fn code_login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(req): ApiJson<CodeLoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    // The failure key of codes from this address (no user name has a control character).
    let key = format!("\u{1}signin-code:{}", address.map(|a| a.to_string()).unwrap_or_default());
    state.attempts.attempt(&key, address).await?;
    let code = normalise_signin_code(&req.code);
    if code.chars().count() != SIGNIN_CODE_LEN {
        state.attempts.failed(&key).await?;
        return Err(invalid_code());
    }
    let device_name: String = match req.device_name.trim() {
        "" => "未命名设备".to_owned(),
        name => name.chars().take(MAX_DEVICE_NAME_CHARS).collect(),
    };
    let token = new_token();
    let redeemed = state
        .store
        .redeem_signin_code(&code_hash(&code), req.device_id, &device_name, &token_hash(&token))
        .await?;
    match redeemed {
        Redeemed::SignedIn { user_id, device_row, account, town, unsent_elsewhere } => {
            state
                .store
                .audit(AuditEvent {
                    town,
                    user_id: Some(user_id),
                    username: &account.username,
                    device_row: Some(device_row),
                    action: "login_code",
                    detail: format!("device {} ({device_name})", req.device_id),
                })
                .await?;
            Ok(Json(LoginResponse { token, account, unsent_elsewhere }))
        }
        Redeemed::Unknown => {
            state.attempts.failed(&key).await?;
            Err(invalid_code())
        }
        Redeemed::Disabled => Err(AppError::AccountDisabled),
        Redeemed::DeviceBlocked => Err(AppError::DeviceBlocked),
    }
}

fn invalid_code() -> AppError {
    AppError::InvalidSigninCode
}

/// `POST /api/v1/sync/report`: what the tablet still holds after a sync run.
pub async fn report(
    State(state): State<AppState>,
    session: Caller,
    ApiJson(mut report): ApiJson<DeviceReport>,
) -> Result<StatusCode, AppError> {
    if report.app_version.chars().count() > MAX_APP_VERSION_CHARS
        || report
            .oldest_unsent
            .as_ref()
            .is_some_and(|t| t.len() > 40 || chrono::DateTime::parse_from_rfc3339(t).is_err())
    {
        return Err(AppError::bad_request("invalid_report", "invalid_report"));
    }
    report.app_version = report.app_version.trim().to_owned();
    state.store.report_device(session.device_row, report).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_characters() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), SIGNIN_CODE_LEN);
            assert!(code.bytes().all(|b| SIGNIN_CODE_ALPHABET.contains(&b)), "{code}");
        }
        assert_eq!(code_hash("abcd-efgh"), code_hash("ABCD EFGH"));
    }

    #[test]
    fn server_addresses_are_checked() {
        assert_eq!(
            checked_server("https://192.168.1.10:8443/").unwrap(),
            "https://192.168.1.10:8443"
        );
        assert!(checked_server("http://field.office.lan").is_ok());
        for bad in ["192.168.1.10", "javascript:alert(1)", "https://", "https://a/b?c", "ftp://x"] {
            assert!(checked_server(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("https://192.168.1.10:8443/#/signin/ABCDEFGH").unwrap();
        assert!(svg.contains("<svg"));
    }
}
