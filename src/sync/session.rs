//! Signing in: the device token and the account live in the store's `meta` (never in
//! localStorage), under `meta_keys::ACCOUNT`.

use crate::i18n::Localized as _;
use serde::{Deserialize, Serialize};
use shared::roles::Account;
use shared::sync::{CodeLoginRequest, LoginRequest, SIGNIN_CODE_LEN, normalise_signin_code};

use super::error::LoginError;
use super::http::Http;
use super::transport;
use crate::store::{Store, StoreError, UnsentElsewhereNotice, meta_keys};

/// A signed-in device: the token the server knows it by and the account it signed in as (who
/// works here, with permissions, is `logic::session::Session`, made from this).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Credentials {
    /// The device token (`Authorization: Bearer …`).
    pub token: String,
    pub account: Account,
    /// The server's address prefix; empty for the origin that served the app.
    #[serde(default)]
    pub server: String,
    /// Milliseconds since the epoch.
    pub signed_in_at_ms: f64,
}

impl Credentials {
    /// The HTTP client that talks to the server as this session.
    pub fn http(&self) -> Http {
        Http::new(self.server.clone(), Some(self.token.clone()))
    }

    /// "张三（调查员）".
    pub fn signed_in_as(&self) -> String {
        let name = if self.account.display_name.is_empty() {
            &self.account.username
        } else {
            &self.account.display_name
        };
        format!("{name}（{}）", self.account.role.localized())
    }
}

/// The session kept on this device, if any.
pub async fn load(store: &Store) -> Result<Option<Credentials>, StoreError> {
    Ok(store.meta_get::<Option<Credentials>>(meta_keys::ACCOUNT).await?.flatten())
}

/// Keep `session` (or forget it with `None`).
pub async fn save(store: &Store, session: Option<&Credentials>) -> Result<(), StoreError> {
    store.meta_set(meta_keys::ACCOUNT, &session).await
}

/// A name for this tablet in the office's device list ("平板 1a2b3c4d").
pub fn default_device_name(store: &Store) -> String {
    let id = store.device_id().simple().to_string();
    crate::i18n::sync::DEFAULT_DEVICE_NAME.format(&[("id", (&id[..8]).into())])
}

/// Sign in at `server` (empty: this origin) with this device's id; keep the token and make the
/// account's user name the author of this device's changes from now on.
pub async fn login(
    store: &Store,
    server: &str,
    username: &str,
    password: &str,
    device_name: &str,
) -> Result<Credentials, LoginError> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(LoginError::Missing);
    }
    let device_name = match device_name.trim() {
        "" => default_device_name(store),
        name => name.to_owned(),
    };
    let request = LoginRequest {
        username: username.to_owned(),
        password: password.to_owned(),
        device_id: store.device_id(),
        device_name,
    };
    let response = transport::login(&Http::new(server, None), &request).await?;
    keep(store, server, response).await
}

/// Sign in at `server` (empty: this origin) with a one-time code from the town office (typed,
/// or read from its QR code), with no password; otherwise as [`login`].
pub async fn login_with_code(
    store: &Store,
    server: &str,
    code: &str,
    device_name: &str,
) -> Result<Credentials, LoginError> {
    let code = normalise_signin_code(code);
    if code.chars().count() != SIGNIN_CODE_LEN {
        return Err(LoginError::MissingCode);
    }
    let device_name = match device_name.trim() {
        "" => default_device_name(store),
        name => name.to_owned(),
    };
    let request = CodeLoginRequest { code, device_id: store.device_id(), device_name };
    let response = match transport::code_login(&Http::new(server, None), &request).await {
        Err(super::HttpError::Status { status: 401, .. }) => return Err(LoginError::BadCode),
        other => other?,
    };
    keep(store, server, response).await
}

/// The code in a sign-in link read from a QR code (`…/#/signin/<code>`), or the text itself
/// when it is just the code.
pub fn code_of_link(text: &str) -> String {
    match text.rsplit_once("#/signin/") {
        Some((_, code)) => code.trim().to_owned(),
        None => text.trim().to_owned(),
    }
}

/// Forget the token on this device. Changes waiting in the outbox stay and go with the next
/// sign-in.
pub async fn sign_out(store: &Store) -> Result<(), StoreError> {
    save(store, None).await
}

/// Keep the session a sign-in at `server` answered with, and sign this device's changes as its
/// account from now on.
async fn keep(
    store: &Store,
    server: &str,
    response: shared::sync::LoginResponse,
) -> Result<Credentials, LoginError> {
    let session = Credentials {
        token: response.token,
        account: response.account,
        server: server.to_owned(),
        signed_in_at_ms: js_sys::Date::now(),
    };
    save(store, Some(&session)).await?;
    store.set_author(&session.account.username).await?;
    // What the account's other devices hold that never reached the office (a device new to
    // the account: perhaps this tablet before its browser discarded everything), kept until
    // read; before the sign-in shows as done, so the notice is there when it does. A sign-in
    // that lists none leaves an unread notice as it is.
    if !response.unsent_elsewhere.is_empty() {
        let notice = UnsentElsewhereNotice {
            username: session.account.username.clone(),
            devices: response.unsent_elsewhere,
            at_ms: js_sys::Date::now(),
        };
        store.meta_set(meta_keys::UNSENT_ELSEWHERE, &notice).await?;
    }
    Ok(session)
}
