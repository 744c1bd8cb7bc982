//! The hash router: the screen each address (`#/people`, `#/survey/…`, `#/campaign/…`) names.
//! Every screen but the people list is in a split module ([`crate::split`]), loaded the first
//! time one of its screens is opened.

use leptos::prelude::*;

use crate::browser::{dialog, location, page};
use crate::components::screen_head::ScreenHead;
use crate::i18n as t;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::route::Route;
use crate::pwa::UnsavedInput;
use crate::screens::people_list::PeopleList;
use crate::split;

/// The screen of `route`.
pub fn screen(route: Route) -> AnyView {
    match route {
        Route::People => view! { <PeopleList /> }.into_any(),
        Route::Person(id) => split::deferred_screen(split::person_detail(id), None),
        Route::NewSurvey(person) => split::deferred_screen(split::survey_form(None, person), None),
        Route::Survey(id) => split::deferred_screen(split::survey_form(Some(id), None), None),
        Route::Settings => split::deferred_screen(split::settings(), None),
        Route::Campaign(CampaignRoute::Dashboard) => {
            split::deferred_screen(split::campaign_dashboard(), None)
        }
        Route::Campaign(r) => split::deferred_screen(split::campaign(r), None),
        Route::Sync => split::deferred_screen(split::sync(), Some(ScreenHead::SYNC)),
        Route::Transfer => split::deferred_screen(split::transfer(), Some(ScreenHead::TRANSFER)),
        Route::Conflicts => split::deferred_screen(split::conflicts(), Some(ScreenHead::CONFLICTS)),
        Route::Outbox => split::deferred_screen(split::outbox(), Some(ScreenHead::OUTBOX)),
        Route::Office(tab) => split::deferred_screen(split::office(tab), None),
        Route::Signin(code) => split::deferred_screen(split::signin(code), None),
        Route::NotFound => {
            crate::pwa::first_screen::shown_after_this_frame();
            view! {
                <p class="empty">{t::NOT_FOUND} " " <a href="#/people">{t::BACK_TO_LIST}</a></p>
            }
            .into_any()
        }
    }
}

/// Keep `route` on the address as it changes (links, the back button, `location::go`); each new
/// screen opens at its top. When leaving the screen shown would lose input
/// ([`UnsavedInput::leave_question`]: text a number field cannot hold, a photo still being
/// processed), the person is asked first; if they stay, the address goes back to the screen
/// still shown, which keeps everything on it.
pub fn follow_address(route: RwSignal<Route>) {
    location::on_hash_change(move |hash, before| {
        if route.try_get_untracked().is_none() {
            return; // this app is gone (unmounted): the page's current app asks, not this one
        }
        if let Some(question) = UnsavedInput::leave_question()
            && !dialog::confirm(&question)
        {
            location::replace(&before);
            return;
        }
        route.set(Route::parse(&hash));
        page::scroll_to_top();
    });
    // Closing or reloading the tab: the browser asks its own question (it shows no text of ours).
    page::on_before_unload(|| UnsavedInput::leave_question().is_some());
}
