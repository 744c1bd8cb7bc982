//! The GPS button of a form and the position it recorded (the survey's, a visit's).

use leptos::prelude::*;
use shared::model::GeoPoint;

use crate::hooks::use_geolocation::use_geolocation;
use crate::i18n as t;

/// "获取定位" with the fix it recorded and, when `clearable`, a button to clear it. Test ids:
/// `testid` (the button), `{testid}-value`, `{testid}-clear`.
#[component]
pub fn GpsField(
    #[prop(into)] point: Signal<Option<GeoPoint>>,
    /// The new position (`None`: cleared).
    #[prop(into)]
    on_change: Callback<Option<GeoPoint>>,
    testid: &'static str,
    #[prop(optional)] clearable: bool,
) -> impl IntoView {
    let gps = use_geolocation(move |p| on_change.run(Some(p)));
    view! {
        <button type="button" class="button" data-testid=testid
            on:click=move |_| { gps.locate.dispatch_local(()); } disabled=move || gps.locating()>
            {move || (if gps.locating() { t::GPS_LOCATING } else { t::GPS_BUTTON }).get()}
        </button>
        {move || point.get().map(|g| view! {
            <span class="gps" data-testid=format!("{testid}-value")>{t::gps_fix(g.lat, g.lon, g.accuracy_m)}</span>
            {clearable.then(|| view! {
                <button type="button" class="link" data-testid=format!("{testid}-clear")
                    on:click=move |_| on_change.run(None)>{t::GPS_CLEAR}</button>
            })}
        })}
        {move || gps.error().map(|e| view! { <span class="field-error" role="alert">{e.to_string()}</span> })}
    }
}
