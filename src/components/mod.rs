//! Reusable pieces of the screens.

pub mod branch_picker;
pub mod delivery;
pub mod fields;
pub mod photo;
pub mod storage_lost;
