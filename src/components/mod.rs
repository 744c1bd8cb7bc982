//! Reusable pieces of the screens.

pub mod delivery;
pub mod fields;
pub mod photo;
