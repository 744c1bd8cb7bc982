//! The installable, offline side of the app (PWA).
//!
//! * [`first_screen`]: whether the page's first screen is shown yet; the service worker is
//!   registered only then, so its precache does not share the line with that screen's files.
//! * [`service_worker`]: registers `/sw.js` and reports when a new version is waiting; the only
//!   code here that calls the browser's service-worker API.
//! * [`UnsavedInput`]: which parts of the page hold input that is not saved yet; forms set it,
//!   the update banner reads it so an update never throws away what someone is typing.
//! * [`UpdateBanner`]: the "有新版本，点击更新" banner; mount it once in the app shell.
//!
//! The service worker itself (`public/sw.js`) precaches the whole build under a versioned cache,
//! serves the app shell with no network, never caches `/api/`, and waits for this module's
//! message before it takes over.

mod banner;
pub mod first_screen;
pub mod service_worker;
mod unsaved;

pub use banner::UpdateBanner;
pub use unsaved::UnsavedInput;
