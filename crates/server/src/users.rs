//! Creating accounts: shared by the admin API and the `create-admin` / `add-user` commands.

use shared::message::Message;
use shared::roles::{Account, Role};
use shared::sync::{CreateUserRequest, UserSummary};

use crate::auth::hash_password;
use crate::error::AppError;
use crate::limits::HashLimiter;
use crate::store::{NewUser, Store};

pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_NAME_CHARS: usize = 64;

/// The form a user name is stored and looked up in: Unicode NFKC (full-width letters and
/// digits become ASCII, compatibility forms fold), surrounding white space removed. Two names
/// that normalise alike are the same account.
pub fn normalise_username(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.nfkc().collect::<String>().trim().to_owned()
}

/// Characters no user name may hold: control characters (NUL…), and the invisible ones that
/// make two different names look alike or reorder text (zero-width, bidi overrides and
/// isolates, soft hyphen, BOM, word joiners, variation selectors).
pub fn is_forbidden_in_name(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// The longest password taken (more is no password a person types; Argon2 work stays small).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A new password: 8 to 256 characters; `code` names the refusal.
pub fn validate_password(password: &str, code: &'static str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AppError::bad_request(
            code,
            Message::new("password_length")
                .arg("min", MIN_PASSWORD_CHARS)
                .arg("max", MAX_PASSWORD_CHARS),
        ));
    }
    Ok(())
}

/// Check a new account's fields; the message says what to fix.
pub fn validate(req: &CreateUserRequest) -> Result<(), AppError> {
    let bad = |m: Message| Err(AppError::bad_request("invalid_user", m));
    let username = req.username.trim();
    if username.is_empty() || username.chars().count() > MAX_NAME_CHARS {
        return bad(Message::new("username_length").arg("max", MAX_NAME_CHARS));
    }
    if username != req.username || username.chars().any(char::is_whitespace) {
        return bad(Message::new("username_has_spaces"));
    }
    if username.chars().any(is_forbidden_in_name) {
        return bad(Message::new("username_invisible_characters"));
    }
    if normalise_username(username) != username {
        return bad(Message::new("username_not_standard"));
    }
    if req
        .display_name
        .chars()
        .any(|c| c.is_control() || (!c.is_whitespace() && is_forbidden_in_name(c)))
    {
        return bad(Message::new("display_name_invisible_characters"));
    }
    if req.display_name.trim().is_empty() || req.display_name.chars().count() > MAX_NAME_CHARS {
        return bad(Message::new("display_name_length").arg("max", MAX_NAME_CHARS));
    }
    validate_password(&req.password, "invalid_user")?;
    if req.role.is_branch_scoped() && req.branches.iter().all(|b| b.trim().is_empty()) {
        return bad(Message::new("branches_required"));
    }
    Ok(())
}

/// Validate, hash the password (on `hashing`'s bounded threads, as every sign-in's check: each
/// hash takes 19 MiB) and store the account. `town`: the new account's town (the creating
/// office's); `None` only for a county account made on the command line.
pub async fn create(
    store: &dyn Store,
    hashing: &HashLimiter,
    req: CreateUserRequest,
    town: Option<i64>,
) -> Result<UserSummary, AppError> {
    if town.is_none() && req.role != Role::CountyViewer {
        return Err(AppError::bad_request("invalid_user", "town_required_for_account"));
    }
    validate(&req)?;
    let password = req.password.clone();
    let password_hash =
        hashing.run(move || hash_password(&password)).await?.map_err(AppError::internal)?;
    let branches = if req.role.is_branch_scoped() {
        let mut b: Vec<String> =
            req.branches.iter().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()).collect();
        b.dedup();
        b
    } else {
        Vec::new()
    };
    let account = Account {
        username: req.username,
        display_name: req.display_name.trim().to_owned(),
        role: req.role,
        branches,
    };
    Ok(store.create_user(NewUser { account, password_hash, town }).await?)
}

/// Parse a role name as typed on the command line.
pub fn parse_role(s: &str) -> Option<Role> {
    Role::parse(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(username: &str, password: &str, role: Role, branches: &[&str]) -> CreateUserRequest {
        CreateUserRequest {
            username: username.into(),
            password: password.into(),
            display_name: "张三".into(),
            role,
            branches: branches.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    #[test]
    fn validation_table() {
        let ok = |r: &CreateUserRequest| validate(r).is_ok();
        assert!(ok(&req("zhang", "12345678", Role::Surveyor, &["b1"])));
        assert!(ok(&req("office", "12345678", Role::TownOffice, &[])));
        assert!(!ok(&req("", "12345678", Role::TownOffice, &[])));
        assert!(!ok(&req("zh ang", "12345678", Role::TownOffice, &[])));
        assert!(!ok(&req(" zhang", "12345678", Role::TownOffice, &[])));
        assert!(!ok(&req("zhang", "1234567", Role::TownOffice, &[])));
        assert!(!ok(&req("zhang", "12345678", Role::Surveyor, &[])));
        assert!(!ok(&req("zhang", "12345678", Role::BranchSecretary, &[" "])));
        for name in ["zh\0ang", "zh\u{200B}ang", "adm\u{202E}in", "ｚｈａｎｇ", "\u{FEFF}zhang"]
        {
            assert!(!ok(&req(name, "12345678", Role::TownOffice, &[])), "{name:?}");
        }
        assert_eq!(normalise_username(" ｚｈａｎｇ１ "), "zhang1");
    }
}
