//! Plain Rust behind the screens: no browser calls, so it is easy to test.

pub mod campaign;
pub mod format;
pub mod forms;
pub mod history;
pub mod people;
pub mod route;
pub mod session;
pub mod survey_form;
pub mod validation;
