//! The people list's rows: every member with their latest survey's state, sorted by name.

use shared::record::EntityKind;

use crate::logic::people::{ListedPerson, ListedSurvey, PersonRow, RowBuilder, sort_rows};
use crate::store::{Store, StoreError};

/// The rows of the people list (`screens::people_list`). The surveys are read first; then each
/// person is made into its row as it is decoded, so the people are never all held beside their
/// rows (a wasm module's memory never shrinks: docs/PERFORMANCE.md, session 35).
pub async fn list_rows(store: &Store) -> Result<Vec<PersonRow>, StoreError> {
    let surveys = store.listing_as(EntityKind::Survey, |s: &ListedSurvey| s.deleted).await?;
    let builder = RowBuilder::new(&surveys);
    let mut rows =
        store.listing_into(EntityKind::Person, |person: ListedPerson| builder.row(person)).await?;
    sort_rows(&mut rows);
    Ok(rows)
}
