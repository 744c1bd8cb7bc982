//! Creating accounts: shared by the admin API and the `create-admin` / `add-user` commands.

use shared::roles::{Account, Role};
use shared::sync::{CreateUserRequest, UserSummary};

use crate::auth::hash_password;
use crate::error::AppError;
use crate::store::{NewUser, Store};

pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_NAME_CHARS: usize = 64;

/// Check a new account's fields; the message says what to fix, in Chinese.
pub fn validate(req: &CreateUserRequest) -> Result<(), AppError> {
    let bad = |m: &str| Err(AppError::bad_request("invalid_user", m));
    let username = req.username.trim();
    if username.is_empty() || username.chars().count() > MAX_NAME_CHARS {
        return bad("用户名不能为空，且不超过 64 个字符");
    }
    if username != req.username || username.chars().any(char::is_whitespace) {
        return bad("用户名不能包含空格");
    }
    if req.display_name.trim().is_empty() || req.display_name.chars().count() > MAX_NAME_CHARS {
        return bad("姓名不能为空，且不超过 64 个字符");
    }
    if req.password.chars().count() < MIN_PASSWORD_CHARS {
        return bad("密码至少 8 位");
    }
    if req.role.is_branch_scoped() && req.branches.iter().all(|b| b.trim().is_empty()) {
        return bad("调查员和支部书记必须指定至少一个支部");
    }
    Ok(())
}

/// Validate, hash the password (on a blocking thread) and store the account.
pub async fn create(store: &dyn Store, req: CreateUserRequest) -> Result<UserSummary, AppError> {
    validate(&req)?;
    let password = req.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await?
        .map_err(AppError::internal)?;
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
    Ok(store.create_user(NewUser { account, password_hash }).await?)
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
    }
}
