//! Reads: every person into memory, the list rows, and the search by name.

use field::logic::people::{
    ListedPerson, PAGE_SIZE, PeopleFilter, build_rows as rows_of, filter_page,
};
use shared::record::EntityKind;

use crate::{BenchError, state};

pub(crate) async fn read_all() -> Result<u32, BenchError> {
    let store = state::store()?;
    // As the people list reads them (`screens::people_list`).
    let people = store.listing_as(EntityKind::Person, |p: &ListedPerson| p.deleted).await?;
    let count = people.len() as u32;
    state::STATE.with(|s| s.borrow_mut().people = people);
    Ok(count)
}

/// The rows of the people read (moved into them, as the list's read does).
pub(crate) fn build_rows() -> u32 {
    state::STATE.with(|s| {
        let mut s = s.borrow_mut();
        let people = std::mem::take(&mut s.people);
        s.rows = rows_of(people, &[]);
        s.rows.len() as u32
    })
}

/// The people list's rows as its screen reads them (`services::people::list_rows`), kept.
pub(crate) async fn hold_list() -> Result<u32, BenchError> {
    let store = state::store()?;
    let rows = field::services::people::list_rows(&store).await?;
    let count = rows.len() as u32;
    state::STATE.with(|s| s.borrow_mut().rows = rows);
    Ok(count)
}

pub(crate) fn search(query: &str) -> u32 {
    let filter = PeopleFilter { query: query.to_owned(), ..PeopleFilter::default() };
    state::STATE.with(|s| filter_page(&s.borrow().rows, &filter, PAGE_SIZE).1 as u32)
}

pub(crate) fn release() {
    state::STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.people = Vec::new();
        s.rows = Vec::new();
    });
}
