//! Property tests of the protocol's laws (`proptest`): one integration test binary, one module per
//! law. Each property is checked against an independent model written from the rule as stated in
//! DOMAIN.md and the module docs, not by calling the code under test a second way.
//!
//! Case counts are set per property (`ProptestConfig::with_cases`) and listed in the closing note
//! of issue 18. A failing case is shrunk and printed; `PROPTEST_CASES` overrides the counts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

mod access;
mod export;
mod merge;
mod order;
mod typed;
