//! What the server checks on every pushed or imported operation: the rules of
//! [`shared::policy`], the same code the tablet runs before a save, so both refuse alike.

pub use shared::policy::*;

use shared::op::Operation;
use shared::sync::OpResult;

/// A refusal as the push (or import) answers it: the code, the reason's code and arguments the
/// app words in its language, and `message`, the reason in zh-Hans (`crates/texts`) for older
/// apps, the import page and logs.
pub trait Answer {
    fn answer(self, op: &Operation) -> OpResult;
}

impl Answer for Rejection {
    fn answer(self, op: &Operation) -> OpResult {
        let worded = crate::error::zh_hans(&self.message);
        self.into_result(op, worded)
    }
}
