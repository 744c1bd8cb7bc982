//! Whether one operation may be stored: pure, and the same code on both sides. The server runs
//! [`admit`] on every pushed or imported operation before its store writes it; the tablet runs it
//! before a save and before a push, so a surveyor learns at the door, in the same words, what the
//! server would refuse. The server keeps checking everything.
//!
//! [`admit`] runs every rule in order and, if the operation passes, hands back the merge result
//! so the store writes exactly what was checked:
//! 1. [`access`]: author, branch scope, entity kind, no kind or branch moves;
//! 2. [`clock`]: no clocks far in the future (`clock_ahead`);
//! 3. [`validation::check_lengths`]: every text within the shared length table
//!    ([`crate::limits`], `text_too_long`);
//! 4. the merge ([`crate::merge::apply`]) against the record as the server holds it;
//! 5. [`workflow`]: a change of a candidate's application state, or of a score sheet's
//!    commendation stage, must be a step the role may take from the current state
//!    (`workflow_refused`);
//! 6. [`validation`]: the merged record passes the form rules for what the operation changed
//!    (`invalid_record`).
//!
//! One rule needs other records than the one changed: a candidacy (member, category, year) is
//! recorded once ([`check_candidacy`], `duplicate_candidacy`). The server's store runs it after
//! [`admit`] when [`needs_uniqueness_check`] says the push made a candidacy, against the live
//! candidate records of that member. Likewise a new score sheet must be for a candidacy that may
//! be scored that year ([`check_sheet`], `not_scorable`).

mod access;
mod candidacy;
mod clock;
mod validation;
mod workflow;

use crate::merge::{self, Applied};
use crate::message::Message;
use crate::model::Person;
use crate::op::Operation;
use crate::record::Record;
use crate::roles::Account;
use crate::sync::OpResult;
use chrono::{FixedOffset, NaiveDate, Utc};

pub use access::{COUNTY_FILING_FIELDS, Existing, check};
pub use candidacy::{
    DUPLICATE_SHEET, check_candidacy, check_sheet, check_sheet_unique, needs_uniqueness_check,
    new_sheet_candidate,
};
pub use clock::{AheadInBatch, MAX_CLOCK_AHEAD_MS, ahead_in_batch, check_clock, within_bound};
pub use validation::{check_lengths, check_record, check_record_on};
pub use workflow::{check_assessment, check_candidate, check_county_filing};

/// Why an operation is refused for good: the protocol's `code` (what programs react to) and
/// the `message` a person reads (a code and arguments of its own, worded by `crates/texts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: &'static str,
    pub message: Message,
}

impl Rejection {
    pub fn new(code: &'static str, message: impl Into<Message>) -> Self {
        Self { code, message: message.into() }
    }

    /// The answer for `op`; `worded` is the message in the server's words (zh-Hans) for
    /// clients that do not word it themselves.
    pub fn into_result(self, op: &Operation, worded: String) -> OpResult {
        OpResult::rejected(op.id, self.code, worded).with_message(self.message)
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The refusal of an operation whose record had an earlier operation refused in the same push
/// (or import): the record is held back whole rather than stored half, until the tablet has
/// repaired it and resubmits it.
pub fn preceded_by_refusal() -> Rejection {
    Rejection::new("preceded_by_refusal", "preceded_by_refusal")
}

/// Most conflicts one operation may make. A change normally conflicts with a few writes it had
/// not seen (one a field); an operation that would make more (many fields each written by
/// others since, or a hostile client sending writes that saw nothing) is refused, so one push
/// cannot write an unbounded number of conflict rows. The tablet's 重新提交 sends the record
/// whole with everything it has seen, which makes none.
pub const MAX_CONFLICTS_PER_OP: usize = 64;

/// Most conflicts one push (or import) may make in all. A push takes no operation past it: that
/// one and every later one are left out of the answer, which the tablet reads as "send again"
/// ([`PastTheBound`]). An import refuses them.
pub const MAX_CONFLICTS_PER_PUSH: usize = 2_000;

/// What a batch does with its operations from the first one that would take its conflicts past
/// [`MAX_CONFLICTS_PER_PUSH`] (each on its own within [`MAX_CONFLICTS_PER_OP`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PastTheBound {
    /// A push: not taken yet. That operation and every later one are left out of the answer;
    /// the tablet sends them again at once (`shared::sync::acknowledged`: not named, kept), in a
    /// push with a bound of its own, so their conflicts are made and shown to the office.
    LeaveForTheNextPush,
    /// An import (a tablet's file, a roster): nothing sends them again, so they are refused
    /// (`too_many_conflicts`), each record's later operations with them.
    Refuse,
}

/// What is left of a push's (or import's) [`MAX_CONFLICTS_PER_PUSH`], operation by operation,
/// as both stores check them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConflictBudget {
    made: usize,
}

impl ConflictBudget {
    /// Count an operation's `n` conflicts, or refuse it when they would pass the bound (the
    /// budget is then as it was: a later operation making fewer may still fit).
    pub fn take(&mut self, n: usize) -> Result<(), Rejection> {
        if self.made + n > MAX_CONFLICTS_PER_PUSH {
            return Err(too_many_conflicts(n));
        }
        self.made += n;
        Ok(())
    }
}

/// The refusal of an operation that would make `n` conflicts, beyond
/// [`MAX_CONFLICTS_PER_OP`] or what is left of [`MAX_CONFLICTS_PER_PUSH`].
pub fn too_many_conflicts(n: usize) -> Rejection {
    Rejection::new("too_many_conflicts", Message::new("too_many_conflicts").arg("n", n))
}

/// The server's time as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyTime {
    /// Wall clock, Unix milliseconds.
    pub now_ms: u64,
    /// The town's local date (China Standard Time), for the form rules.
    pub today: NaiveDate,
}

impl PolicyTime {
    pub fn now() -> Self {
        let now = Utc::now();
        // Evaluated when compiling: a wrong offset fails the build, never a request.
        const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
            Some(offset) => offset,
            None => panic!("UTC+8 is a valid offset"),
        };
        Self {
            now_ms: u64::try_from(now.timestamp_millis()).unwrap_or(0),
            today: now.with_timezone(&CHINA).date_naive(),
        }
    }
}

/// Everything [`admit`] needs besides the operation.
pub struct Context<'a> {
    /// Whose rights apply (the pusher; for an import, the operation's author).
    pub account: &'a Account,
    pub time: PolicyTime,
    /// The merged record as the server holds it now (`None`: new to the server).
    pub current: Option<&'a Record>,
    /// The person a survey refers to, as the server holds it (for finalisation checks).
    pub person: Option<&'a Person>,
}

/// Run every rule; on success the merge of `op` into `ctx.current`.
pub fn admit(ctx: Context<'_>, op: &Operation) -> Result<Applied, Rejection> {
    admit_on(&crate::form::SURVEY_FORM, ctx, op)
}

/// [`admit`] with the survey form's history `survey_form` (tests simulate a form change).
pub fn admit_on(
    survey_form: &crate::form::Form,
    ctx: Context<'_>,
    op: &Operation,
) -> Result<Applied, Rejection> {
    let existing =
        ctx.current.map(|r| Existing { entity: r.entity, branch_id: r.branch_id.clone() });
    check(ctx.account, op, existing.as_ref())?;
    check_clock(op, ctx.time.now_ms)?;
    check_lengths(op)?;
    let applied = merge::apply(ctx.current.cloned(), op);
    if applied.record.fields.len() > crate::limits::MAX_FIELDS_PER_RECORD {
        return Err(validation::too_large());
    }
    if applied.conflicts.len() > MAX_CONFLICTS_PER_OP {
        return Err(too_many_conflicts(applied.conflicts.len()));
    }
    check_candidate(ctx.account.role, ctx.current, &applied.record)?;
    check_county_filing(ctx.account.role, ctx.current, &applied.record)?;
    check_assessment(ctx.account.role, ctx.current, &applied.record)?;
    check_record_on(survey_form, op, ctx.current, &applied.record, ctx.person, ctx.time.today)?;
    Ok(applied)
}
