//! What a screen asks for, as plain async Rust over the store and the sync engine: loading the
//! rows of a screen, saving a form, repairing a refused record. Screens call these and render
//! the result; nothing here builds a view, so it is tested in wasm without mounting one.
//!
//! * [`campaign`]: the campaign's records (candidates, contacts, bases, funding, …): typed loads,
//!   and writes after the checks the server makes (role, branch, validation, workflow).
//! * [`delivery`]: where each record saved on this tablet stands (待发送, 被退回, …), with the
//!   member's name and the record's kind in words.
//! * [`people`]: the people list's rows, each made as its member is read.
//! * [`survey`]: the survey form's load, save, keystroke draft and discard.
//! * [`storage_loss`]: noticing that the browser discarded the tablet's database, and saying so.

pub mod branches;
pub mod campaign;
pub mod conflicts;
pub mod county;
pub mod delivery;
pub mod office;
pub mod people;
pub mod photos;
pub mod storage_loss;
pub mod survey;
