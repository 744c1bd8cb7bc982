//! Who is working on this device: the account the sync engine signed in with (its
//! `Credentials`, kept under the meta key `account`), or a local surveyor when nobody has
//! signed in yet. The shell makes the one `Session` of the app from the engine's credentials
//! (`context::AppCtx::session`); screens and services read that one.

use shared::record::EntityKind;
use shared::roles::{Account, Role};

/// The signed-in account and whether it came from a sign-in (`false`: the local default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub account: Account,
    pub signed_in: bool,
}

impl Session {
    /// The session of the account a sign-in kept (`None`: nobody signed in; the device works
    /// as a local surveyor named after `author`).
    pub fn of(account: Option<&Account>, author: &str) -> Session {
        match account {
            Some(account) => Session { account: account.clone(), signed_in: true },
            None => Session::local(author),
        }
    }

    /// Whether this session may make records at all (a county viewer only reads).
    pub fn writes(&self) -> bool {
        self.role().writes()
    }

    /// The default when nobody has signed in: a surveyor with no branch list.
    pub fn local(author: &str) -> Session {
        let name = if author.trim().is_empty() {
            crate::i18n::campaign::LOCAL_USER.get()
        } else {
            author.trim()
        };
        Session {
            account: Account {
                username: name.to_owned(),
                display_name: name.to_owned(),
                role: Role::Surveyor,
                branches: Vec::new(),
            },
            signed_in: false,
        }
    }

    pub fn role(&self) -> Role {
        self.account.role
    }

    /// The name written into transition histories.
    pub fn by(&self) -> String {
        let a = &self.account;
        if a.display_name.trim().is_empty() { a.username.clone() } else { a.display_name.clone() }
    }

    pub fn is_office(&self) -> bool {
        self.role() == Role::TownOffice
    }

    /// May this session write an `entity` record of `branch_id`? A signed-in account follows
    /// `Account::can_write`; the local default has no branch list, so only its role counts
    /// (the server checks the branch again when the change arrives).
    pub fn may_write(&self, entity: EntityKind, branch_id: &str) -> bool {
        if self.signed_in {
            return self.account.can_write(entity, branch_id);
        }
        match self.role() {
            Role::CountyViewer => false,
            Role::TownOffice => true,
            Role::Surveyor | Role::BranchSecretary => !entity.is_office_only(),
        }
    }

    /// A county viewer: reads everything, writes nothing.
    pub fn read_only(&self) -> bool {
        self.role() == Role::CountyViewer
    }

    /// May this session write `entity` records of at least one branch (a form for them is
    /// worth showing)? Town-wide kinds: the office only.
    pub fn may_write_any(&self, entity: EntityKind) -> bool {
        match self.role() {
            Role::CountyViewer => false,
            Role::TownOffice => true,
            Role::Surveyor | Role::BranchSecretary => {
                !entity.is_office_only()
                    && (!self.signed_in || self.account.branches.iter().any(|b| !b.is_empty()))
            }
        }
    }

    /// The branch a new record of this session belongs to when nothing else decides it.
    pub fn default_branch(&self) -> String {
        self.account.branches.first().cloned().unwrap_or_default()
    }
}
