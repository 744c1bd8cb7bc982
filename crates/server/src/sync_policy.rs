//! What the server checks on every pushed or imported operation: the rules of
//! [`shared::policy`], the same code the tablet runs before a save, so both refuse alike.

pub use shared::policy::*;
