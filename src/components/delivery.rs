//! A record's delivery state as a badge (people list, profile), linking to 待发送.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::delivery::DeliveryState;

use crate::logic::route::Route;

/// "已保存待发送", "被退回，需处理", …: a link to the 待发送 screen.
pub fn state_badge(state: DeliveryState) -> impl IntoView {
    view! {
        <a class=format!("badge state-{}", state.as_str()) href=Route::Outbox.href()
            data-testid="delivery-state" data-state=state.as_str()>{state.localized()}</a>
    }
}
