//! Reusable pieces of the screens.

pub mod branch_picker;
pub mod fields;
pub mod photo;
