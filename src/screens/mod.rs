//! One screen per file.

pub mod campaign;
pub mod conflicts;
pub mod login;
pub mod office;
pub mod outbox;
pub mod people_list;
pub mod person_detail;
pub mod settings;
pub mod survey_form;
pub mod survey_sections;
pub mod sync;
pub mod transfer;
