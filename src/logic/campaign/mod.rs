//! Plain Rust behind the campaign screens (DOMAIN.md steps 2–5 and section 四): who is signed
//! in, decoding typed records, the candidate profile's action buttons, contact rows, the
//! dashboard chart geometry, the report's CSV export and small form parsers. No browser calls,
//! so all of it is tested natively.

pub mod candidate;
pub mod chart;
pub mod contacts;
pub mod csv;
pub mod dashboard;
pub mod route;
pub mod rubric;
pub mod typed;

#[cfg(test)]
mod tests;
