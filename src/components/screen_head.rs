//! A screen's title and the line under it that says what the screen is for. The screen draws
//! it, and so does the main module while the screen's split module is still being fetched
//! ([`crate::split::deferred_screen`]): a person who opens 待发送 on a first visit reads which
//! screen it is and what it holds at once, not a loading line, and nothing moves when the rest
//! arrives (the same markup in the same place; new elements, so a focused link in the head
//! loses its focus then). Only screens of the `fieldwork` module have one (the head's paint
//! wait asks whether that module is loaded: `split::FIELDWORK_LOADED`).

use leptos::prelude::*;

use shared::roles::Role;

use crate::i18n::Text;

/// The head of a screen whose module is fetched when it is first opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreenHead {
    /// The class of the screen's `<section>` (its layout).
    pub class: &'static str,
    pub title: Text,
    /// What the screen is for, under the title (none: the title says it).
    pub hint: Option<Text>,
    /// What comes under the hint without waiting for the screen's data.
    pub more: Option<More>,
}

/// What a head shows under its hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum More {
    /// The transfer screen's link to the office's upload page (`/import`).
    UploadPage,
    /// Only the town office resolves conflicts: any other account (or none) is told so,
    /// whatever the list below holds.
    OfficeOnly,
    /// Signed out, the sync screen opens on its sign-in form (`screens::login::LoginForm`):
    /// its title and hint, drawn only while the screen's module is on its way (the form draws
    /// its own).
    SignInWhileLoading,
}

impl ScreenHead {
    pub const OUTBOX: ScreenHead = ScreenHead {
        class: "outbox",
        title: crate::i18n::outbox::TITLE,
        hint: Some(crate::i18n::outbox::HINT),
        more: None,
    };
    pub const SYNC: ScreenHead = ScreenHead {
        class: "sync",
        title: crate::i18n::sync::SYNC_TITLE,
        hint: None,
        more: Some(More::SignInWhileLoading),
    };
    pub const TRANSFER: ScreenHead = ScreenHead {
        class: "transfer",
        title: crate::i18n::sync::TRANSFER_TITLE,
        hint: Some(crate::i18n::sync::TRANSFER_HINT),
        more: Some(More::UploadPage),
    };
    pub const CONFLICTS: ScreenHead = ScreenHead {
        class: "conflicts",
        title: crate::i18n::sync::CONFLICTS_TITLE,
        hint: Some(crate::i18n::sync::CONFLICTS_HINT),
        more: Some(More::OfficeOnly),
    };

    /// The title, the hint and what comes under it, inside the screen's section: drawn by the
    /// screen (`loading` false) and by the main module while the screen's module is on its way.
    pub fn view(self, loading: bool) -> impl IntoView {
        let more = self.more.filter(|more| loading || *more != More::SignInWhileLoading);
        view! {
            <h2>{self.title}</h2>
            {self.hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            {more.map(More::view)}
        }
    }
}

impl More {
    fn view(self) -> AnyView {
        use crate::i18n::{office as to, sync as t};
        let engine = crate::sync::use_sync();
        match self {
            More::UploadPage => view! {
                <p class="hint">
                    {to::UPLOAD_PAGE_HINT} " "
                    <a href="/import" target="_self" data-testid="open-import-page">{to::UPLOAD_PAGE_LINK}</a>
                </p>
            }
            .into_any(),
            More::OfficeOnly => {
                let office = move || {
                    engine.credentials.with(|c| c.as_ref().is_some_and(|c| c.account.role == Role::TownOffice))
                };
                view! {
                    <Show when=move || !office()>
                        <p class="message warn" data-testid="conflicts-note">{t::CONFLICTS_OFFICE_ONLY}</p>
                    </Show>
                }
                .into_any()
            }
            More::SignInWhileLoading => engine
                .credentials
                .with_untracked(Option::is_none)
                .then(|| view! {
                    <div class="login"><h2>{t::LOGIN_TITLE}</h2><p class="hint">{t::LOGIN_HINT}</p></div>
                })
                .into_any(),
        }
    }
}
