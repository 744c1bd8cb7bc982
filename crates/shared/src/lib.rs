//! Everything the tablet app and the office server must agree on, with no browser or server
//! dependency so it is tested natively.
//!
//! * [`model`], [`validate`]: the campaign's records as typed Rust and the rules a form enforces.
//! * [`workflow`], [`rules`], [`scoring`], [`roles`]: application workflow, contact/inspection
//!   rules, assessment scoring, and who may see or do what.
//! * [`hlc`], [`record`], [`op`], [`merge`], [`sync`]: the sync protocol: every change is an
//!   [`op::Operation`] stamped with a hybrid logical clock and merged field by field.
//! * [`policy`]: whether one operation may be stored (author, branch scope, clock, workflow,
//!   validation): run by the server on every push and by the tablet before a save.
//! * [`candidacy`]: what identifies a candidacy (member, category, year), carry-over and its year rules.
//! * [`branches`]: branch codes, what a branch picker offers, free-text values no branch
//!   matches.
//! * [`delivery`]: where each record saved on a tablet stands on its way to the office.
//! * [`form`]: versions of the survey form; reading, checking and migrating data made on an
//!   older one.
//! * [`export`]: the offline export file (versioned, checksummed, optionally encrypted).
//! * [`limits`]: the maximum length of every kind of text field (tablet, server, exports).
//! * [`order`]: sorting through one sort compiled once (the app's size).

pub mod branches;
pub mod candidacy;
pub mod county;
pub mod delivery;
pub mod export;
pub mod form;
pub mod hlc;
pub mod limits;
pub mod merge;
pub mod message;
pub mod model;
pub mod op;
pub mod order;
pub mod policy;
pub mod record;
pub mod restamp;
pub mod roles;
pub mod rules;
pub mod scoring;
pub mod sync;
pub mod validate;
pub mod workflow;
