//! Reading a QR code with the camera where the browser offers `BarcodeDetector` (Chrome on
//! Android does; many others do not: then the person types the code). Failures are values.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why no code was read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("{}", crate::i18n::SCAN_UNSUPPORTED)]
    Unsupported,
    #[error("{}", crate::i18n::SCAN_CAMERA.format(&[("detail", .0.into())]))]
    Camera(String),
    #[error("{}", crate::i18n::SCAN_TIMED_OUT)]
    TimedOut,
    #[error("{}", crate::i18n::SCAN_CANCELLED)]
    Cancelled,
}

/// How long the camera looks for a code.
pub const SCAN_TIMEOUT_MS: u32 = 60_000;
const FRAME_MS: u32 = 250;

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

fn describe(value: &JsValue) -> String {
    get(value, "name")
        .and_then(|n| n.as_string())
        .or_else(|| value.as_string())
        .unwrap_or_else(|| crate::i18n::UNKNOWN_ERROR.into())
}

/// Whether this browser can scan: `BarcodeDetector` and a camera API.
pub fn available() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let devices = get(&window.navigator(), "mediaDevices");
    get(&window, "BarcodeDetector").is_some()
        && devices.is_some_and(|d| get(&d, "getUserMedia").is_some())
}

/// Show the back camera in `video` (a `<video>` element) and return the text of the first QR
/// code seen; gives up after [`SCAN_TIMEOUT_MS`] or when `cancel` is set. The camera is
/// switched off whatever happens.
pub async fn scan(video: &web_sys::Element, cancel: Rc<Cell<bool>>) -> Result<String, ScanError> {
    let window = web_sys::window().ok_or(ScanError::Unsupported)?;
    let detector_class = get(&window, "BarcodeDetector")
        .and_then(|c| c.dyn_into::<Function>().ok())
        .ok_or(ScanError::Unsupported)?;
    let devices = get(&window.navigator(), "mediaDevices").ok_or(ScanError::Unsupported)?;
    let get_user_media = get(&devices, "getUserMedia")
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(ScanError::Unsupported)?;

    let options = Object::new();
    let formats = Array::of1(&JsValue::from_str("qr_code"));
    let _ = Reflect::set(&options, &"formats".into(), &formats);
    let detector = Reflect::construct(&detector_class, &Array::of1(&options))
        .map_err(|_| ScanError::Unsupported)?;

    let constraints = Object::new();
    let video_constraints = Object::new();
    let _ = Reflect::set(&video_constraints, &"facingMode".into(), &"environment".into());
    let _ = Reflect::set(&constraints, &"video".into(), &video_constraints);
    let _ = Reflect::set(&constraints, &"audio".into(), &JsValue::FALSE);
    let promise = get_user_media
        .call1(&devices, &constraints)
        .map_err(|e| ScanError::Camera(describe(&e)))?
        .dyn_into::<Promise>()
        .map_err(|_| ScanError::Unsupported)?;
    let stream = JsFuture::from(promise).await.map_err(|e| ScanError::Camera(describe(&e)))?;

    let result = read_frames(video, &detector, &stream, cancel).await;
    // Switch the camera off.
    if let Some(tracks) = get(&stream, "getTracks")
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&stream).ok())
    {
        for track in Array::from(&tracks).iter() {
            if let Some(stop) = get(&track, "stop").and_then(|f| f.dyn_into::<Function>().ok()) {
                let _ = stop.call0(&track);
            }
        }
    }
    let _ = Reflect::set(video, &"srcObject".into(), &JsValue::NULL);
    result
}

async fn read_frames(
    video: &web_sys::Element,
    detector: &JsValue,
    stream: &JsValue,
    cancel: Rc<Cell<bool>>,
) -> Result<String, ScanError> {
    let _ = Reflect::set(video, &"muted".into(), &JsValue::TRUE);
    let _ = Reflect::set(video, &"playsInline".into(), &JsValue::TRUE);
    let _ = Reflect::set(video, &"srcObject".into(), stream);
    if let Some(play) = get(video, "play").and_then(|f| f.dyn_into::<Function>().ok())
        && let Ok(started) = play.call0(video)
        && let Ok(started) = started.dyn_into::<Promise>()
    {
        let _ = JsFuture::from(started).await;
    }
    let detect = get(detector, "detect")
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(ScanError::Unsupported)?;
    let mut waited = 0;
    while waited < SCAN_TIMEOUT_MS {
        if cancel.get() {
            return Err(ScanError::Cancelled);
        }
        if let Ok(found) = detect.call1(detector, video)
            && let Ok(found) = found.dyn_into::<Promise>()
            && let Ok(codes) = JsFuture::from(found).await
        {
            let codes = Array::from(&codes);
            if let Some(text) = codes.iter().find_map(|c| get(&c, "rawValue")?.as_string()) {
                return Ok(text);
            }
        }
        TimeoutFuture::new(FRAME_MS).await;
        waited += FRAME_MS;
    }
    Err(ScanError::TimedOut)
}
