//! Device tokens, password hashes and the extractor that turns `Authorization: Bearer <token>`
//! into the caller's [`Caller`].

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shared::roles::Role;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::Caller;

/// A new device token: 32 random bytes, base64url without padding.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its SHA-256, hex. Tokens are 256 random bits, so a fast
/// hash is enough (unlike passwords).
pub fn token_hash(token: &str) -> String {
    shared::op::hex(&Sha256::digest(token.as_bytes()))
}

#[derive(Debug, thiserror::Error)]
#[error("cannot hash password: {0}")]
pub struct PasswordHashError(String);

/// Argon2id PHC string (default parameters: 19 MiB, 2 passes). Slow on purpose: call from a
/// blocking task or the password-hash threads. Uses the thread's reused working memory.
pub fn hash_password(password: &str) -> Result<String, PasswordHashError> {
    let fail = |e: &dyn std::fmt::Display| PasswordHashError(e.to_string());
    let salt = SaltString::generate(&mut OsRng);
    let params = argon2::Params::default();
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| fail(&e))?;
    let mut out = [0u8; 32];
    with_blocks(params.block_count(), |blocks| {
        Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params.clone())
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, blocks)
    })
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: argon2::password_hash::ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(argon2::password_hash::Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Run `f` with `count` Argon2 blocks of this thread's reused working memory.
fn with_blocks<R>(count: usize, f: impl FnOnce(&mut [argon2::Block]) -> R) -> R {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, argon2::Block::default());
        }
        f(&mut blocks[..count])
    })
}

/// The most Argon2 memory a stored hash may ask for (ours use 19 MiB): a hash edited into the
/// database cannot make a sign-in allocate more.
const MAX_VERIFY_BLOCKS: usize = 64 * 1024;

thread_local! {
    /// Argon2's working memory, kept by each thread that checks passwords and reused by every
    /// check (the password-hash threads of `limits::HashLimiter`): freed and reallocated 19 MiB
    /// blocks were kept resident by the C allocator, so RSS grew with every sign-in.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Check a password against a stored PHC string (false for a malformed one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let Ok(params) = argon2::Params::try_from(&parsed) else { return false };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else { return false };
    let version = match parsed.version.map(argon2::Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    if params.block_count() > MAX_VERIFY_BLOCKS {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    let hashed = with_blocks(params.block_count(), |blocks| {
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            blocks,
        )
    });
    // `Output`'s comparison is constant-time.
    hashed.is_ok()
        && argon2::password_hash::Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// A hash checked when the username is unknown, so a wrong username takes as long as a wrong
/// password and does not tell which accounts exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password").unwrap_or_default());

/// Verify `password` for an optional stored hash, spending the same time either way.
pub fn verify_or_dummy(password: &str, phc: Option<&str>) -> bool {
    match phc {
        Some(phc) => verify_password(password, phc),
        None => {
            let _ = verify_password(password, &DUMMY_HASH);
            false
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = bearer(parts).ok_or(AppError::Unauthorized)?;
        state.store.session(&token_hash(token)).await?.ok_or(AppError::Unauthorized)
    }
}

impl Caller {
    /// Refuse unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.account.role) { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_base64url_of_32_bytes() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }

    #[test]
    fn password_round_trip() {
        let phc = hash_password("正确的密码").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        // The stock verifier agrees with ours (the format is the standard PHC string).
        let parsed = PasswordHash::new(&phc).unwrap();
        use argon2::password_hash::PasswordVerifier;
        assert!(Argon2::default().verify_password("正确的密码".as_bytes(), &parsed).is_ok());
        // … and ours checks hashes the stock hasher made (accounts created before).
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let stock = Argon2::default().hash_password(b"old password", &salt).unwrap().to_string();
        assert!(verify_password("old password", &stock));
        assert!(!verify_password("old passwore", &stock));
        assert!(verify_password("正确的密码", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a phc string"));
        assert!(!verify_or_dummy("x", None));
    }
}
