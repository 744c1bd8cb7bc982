//! The hash router: the screen each address (`#/people`, `#/survey/…`, `#/campaign/…`) names.
//! Every screen but the people list is in a split module ([`crate::split`]), loaded the first
//! time one of its screens is opened.

use leptos::prelude::*;

use crate::browser::{location, page};
use crate::i18n as t;
use crate::logic::route::Route;
use crate::screens::people_list::PeopleList;
use crate::split;

/// The screen of `route`.
pub fn screen(route: Route) -> AnyView {
    match route {
        Route::People => view! { <PeopleList /> }.into_any(),
        Route::Person(id) => split::deferred(split::person_detail(id)),
        Route::NewSurvey(person) => split::deferred(split::survey_form(None, person)),
        Route::Survey(id) => split::deferred(split::survey_form(Some(id), None)),
        Route::Settings => split::deferred(split::settings()),
        Route::Campaign(r) => split::deferred(split::campaign(r)),
        Route::Sync => split::deferred(split::sync()),
        Route::Transfer => split::deferred(split::transfer()),
        Route::Conflicts => split::deferred(split::conflicts()),
        Route::Outbox => split::deferred(split::outbox()),
        Route::Office(tab) => split::deferred(split::office(tab)),
        Route::Signin(code) => split::deferred(split::signin(code)),
        Route::NotFound => view! {
            <p class="empty">{t::NOT_FOUND} " " <a href="#/people">{t::BACK_TO_LIST}</a></p>
        }
        .into_any(),
    }
}

/// Keep `route` on the address as it changes (links, the back button, `location::go`); each new
/// screen opens at its top.
pub fn follow_address(route: RwSignal<Route>) {
    location::on_hash_change(move |hash| {
        route.set(Route::parse(&hash));
        page::scroll_to_top();
    });
}
