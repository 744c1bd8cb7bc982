//! The campaign's standing rules as pure functions of the records and `today` (never the clock):
//! contacts per candidate, inspections per branch, mobilisation meetings, progress against
//! targets and the per-branch work report (工作情况通报).
//!
//! Records are passed as `(id, value)` pairs where a rule needs the record id. Branches are
//! identified by the same string as `Record::branch_id` (a `Branch`'s code, `Branch::key`).

mod contacts;
mod oversight;
mod pipeline;
mod progress;
mod report;
mod setup;

pub use contacts::{
    CONTACTS_PER_YEAR, ContactStatus, candidates_behind, contact_status, quarters_elapsed,
};
pub use oversight::{
    INSPECTION_INTERVAL_DAYS, InspectionStatus, branches_without_meeting, inspection_status,
    open_fixes, overdue_branches,
};
pub use pipeline::{Pipeline, PipelineCount, PipelineTotal, pipeline, pipeline_status};
pub use progress::{CategoryProgress, YearProgress, progress};
pub use report::{
    BranchReport, CategoryCounts, ReportInput, Waiting, WorkReport, waiting_on, work_report,
};
pub use setup::{SetupGap, setup_gaps};
