//! The one widget library of the screens: form inputs ([`fields`]), the branch picker, the
//! message line of a form ([`notice`]), the loading and error wrapper of a screen's data
//! ([`loaded`]), print, photos, and the delivery and storage notices (a discarded database, another device's unsent work).

pub mod branch_picker;
pub mod delivery;
pub mod draft_banner;
pub mod fields;
pub mod gps;
pub mod kept_notices;
pub mod loaded;
pub mod notice;
pub mod photo;
pub mod print;
pub mod screen_head;
pub mod server_restored;
pub mod storage_lost;
pub mod unsent_elsewhere;
