//! What the benchmark page keeps between calls: the open store and the people list's rows read from it.

use std::cell::RefCell;

use field::logic::people::PersonRow;
use field::store::Store;

use crate::BenchError;

#[derive(Default)]
pub(crate) struct State {
    pub store: Option<Store>,
    pub rows: Vec<PersonRow>,
}

thread_local! {
    pub(crate) static STATE: RefCell<State> = RefCell::new(State::default());
}

pub(crate) async fn open(name: &str) -> Result<(), BenchError> {
    close();
    let store = Store::open(name).await?;
    store.set_author("bench").await?;
    STATE.with(|s| s.borrow_mut().store = Some(store));
    Ok(())
}

pub(crate) fn close() {
    let old = STATE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    if let Some(store) = old.store {
        store.close();
    }
}

/// A handle on the open store (cheap: the store is reference counted).
pub(crate) fn store() -> Result<Store, BenchError> {
    STATE.with(|s| s.borrow().store.clone()).ok_or(BenchError::NotOpen)
}
