//! `use_geolocation`: one position fix on request, as an action whose pending state is "定位中"
//! and whose value is the fix or why there is none ([`GeoError`]: no permission, no signal,
//! timeout) — a failure is shown, never thrown.

use leptos::prelude::*;
use shared::model::GeoPoint;

use crate::browser::geolocation::{self, GeoError};
use crate::hooks::use_local_action::LocalAction;

/// What [`use_geolocation`] returns.
#[derive(Clone, Copy)]
pub struct UseGeolocation {
    /// Ask for a fix now (`dispatch_local(())`); `pending()` while the device looks for one.
    pub locate: LocalAction<(), Result<GeoPoint, GeoError>>,
}

impl UseGeolocation {
    /// Looking for a fix.
    pub fn locating(&self) -> bool {
        self.locate.pending().get()
    }

    /// Why the last request found no fix, if it found none (nothing while looking again).
    pub fn error(&self) -> Option<GeoError> {
        if self.locating() {
            return None;
        }
        self.locate.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    }
}

/// One fix on request; `on_fix` receives each fix found.
pub fn use_geolocation(on_fix: impl Fn(GeoPoint) + 'static) -> UseGeolocation {
    let locate = LocalAction::new(|_: &()| async {
        let fix = geolocation::current_position().await?;
        Ok(GeoPoint { lat: fix.lat, lon: fix.lon, accuracy_m: Some(fix.accuracy) })
    });
    Effect::new(move |_| {
        if let Some(Ok(point)) = locate.value().get() {
            on_fix(point);
        }
    });
    UseGeolocation { locate }
}
