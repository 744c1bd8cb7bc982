//! Plain Rust behind the screens: no browser calls, so it is easy to test.

pub mod campaign;
pub mod people;
pub mod route;
pub mod survey_form;
pub mod validation;
