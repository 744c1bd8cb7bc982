//! Reads: every person into memory, the list rows, and the search by name.

use field::logic::people::{PAGE_SIZE, PeopleFilter, filter_page};

use crate::{BenchError, state};

/// Read the people list's rows as its screen reads them (`services::people::list_rows`: the
/// surveys, then each member decoded and made into its row at once, then the sort) and keep
/// them; returns how many. Since session 35 the app's read is this one step.
pub(crate) async fn read_all() -> Result<u32, BenchError> {
    let store = state::store()?;
    let rows = field::services::people::list_rows(&store).await?;
    let count = rows.len() as u32;
    state::STATE.with(|s| s.borrow_mut().rows = rows);
    Ok(count)
}

/// The rows were made by the read ([`read_all`]): how many there are.
pub(crate) fn build_rows() -> u32 {
    state::STATE.with(|s| s.borrow().rows.len() as u32)
}

pub(crate) fn search(query: &str) -> u32 {
    let filter = PeopleFilter { query: query.to_owned(), ..PeopleFilter::default() };
    state::STATE.with(|s| filter_page(&s.borrow().rows, &filter, PAGE_SIZE).1 as u32)
}

pub(crate) fn release() {
    state::STATE.with(|s| s.borrow_mut().rows = Vec::new());
}
