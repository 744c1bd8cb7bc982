//! One position fix from `navigator.geolocation`.

use futures::channel::oneshot;
use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A position fix: degrees and the accuracy radius in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoFix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    #[error("{}", crate::i18n::GEO_UNSUPPORTED)]
    Unsupported,
    #[error("{}", crate::i18n::GEO_DENIED)]
    Denied,
    #[error("{}", crate::i18n::GEO_UNAVAILABLE)]
    Unavailable,
    #[error("{}", crate::i18n::GEO_TIMEOUT)]
    Timeout,
}

fn number(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

/// Ask for the current position (high accuracy, 20 s timeout, a fix up to 1 minute old is fine).
pub async fn current_position() -> Result<GeoFix, GeoError> {
    let window = web_sys::window().ok_or(GeoError::Unsupported)?;
    let geolocation = window.navigator().geolocation().map_err(|_| GeoError::Unsupported)?;
    let (tx, rx) = oneshot::channel::<Result<GeoFix, GeoError>>();
    let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
    let tx_ok = tx.clone();
    let on_ok = Closure::once(move |position: JsValue| {
        let coords = Reflect::get(&position, &"coords".into()).unwrap_or(JsValue::UNDEFINED);
        let fix = GeoFix {
            lat: number(&coords, "latitude"),
            lon: number(&coords, "longitude"),
            accuracy: number(&coords, "accuracy"),
        };
        if let Some(tx) = tx_ok.borrow_mut().take() {
            let _ = tx.send(Ok(fix));
        }
    });
    let on_err = Closure::once(move |error: JsValue| {
        let err = match number(&error, "code") as u32 {
            1 => GeoError::Denied,
            3 => GeoError::Timeout,
            _ => GeoError::Unavailable,
        };
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(Err(err));
        }
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(20_000);
    options.set_maximum_age(60_000);
    geolocation
        .get_current_position_with_error_callback_and_options(
            on_ok.as_ref().unchecked_ref(),
            Some(on_err.as_ref().unchecked_ref()),
            &options,
        )
        .map_err(|_| GeoError::Unsupported)?;
    let result = rx.await.unwrap_or(Err(GeoError::Unavailable));
    drop((on_ok, on_err));
    result
}
