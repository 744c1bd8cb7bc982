//! The IndexedDB connection and whether the browser has closed it.
//!
//! A connection the browser closes on its own (not through [`Connection::close`]) fires
//! `close`: Chromium does this when a write fails for lack of disk space, after which every
//! transaction on it throws `InvalidStateError`. [`Connection::usable`] then answers `None`
//! and the store opens a new connection.

use std::cell::Cell;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::{StoreError, schema};

pub(super) struct Connection {
    db: Database,
    closed: Rc<Cell<bool>>,
    /// The `onclose` handler, kept alive with the connection and unset before it is dropped.
    _on_close: Closure<dyn FnMut()>,
}

impl Connection {
    pub(super) async fn open(name: &str) -> Result<Connection, StoreError> {
        let db = schema::open_at(name, schema::CURRENT_VERSION).await?;
        let closed = Rc::new(Cell::new(false));
        let flag = Rc::clone(&closed);
        let on_close = Closure::<dyn FnMut()>::new(move || flag.set(true));
        raw(&db).set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Connection { db, closed, _on_close: on_close })
    }

    /// The database, unless the browser has closed the connection.
    pub(super) fn usable(&self) -> Option<Database> {
        (!self.closed.get()).then(|| self.db.clone())
    }

    /// Close the connection and note it closed, as the browser's own `close` would.
    pub(super) fn close_as_the_browser_does(&self) {
        self.close();
        self.closed.set(true);
    }

    /// Close the connection on purpose: no reopening, later transactions on it fail as they
    /// would on any closed connection (tests close before opening the database again).
    pub(super) fn close(&self) {
        raw(&self.db).set_onclose(None);
        self.db.clone().close();
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // A replaced connection is already closed by the browser; never leave a handler behind
        // that points at the closure dropped with it.
        raw(&self.db).set_onclose(None);
    }
}

fn raw(db: &Database) -> &web_sys::IdbDatabase {
    db.as_sys().unchecked_ref()
}
