//! A screen's read: `LocalResource` with its future and value type-erased, so Leptos' resource
//! machinery is compiled once for the whole app instead of once per read.
//!
//! A `LocalResource<T>` built from a closure `F` returning a future `Fut` compiles Leptos'
//! async-derived code (its spawn, its effect, its reads and notifications) once per `(T, F, Fut)`:
//! about 3 KB of wasm a read before `wasm-opt`, for the app's 33 reads. Every [`Loader`] is one
//! `LocalResource<Rc<dyn Any>>` of one boxed future type; what stays per read is the small box
//! around the service's future and the downcast back to `T` (PERFORMANCE.md, "Session 31").
//! It is read like a `LocalResource` (`get`, `get_untracked`, `refetch`; `with` is given an
//! `Option<&T>`), and shown with `components::loaded::Loaded`.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// What every loader's resource holds: the read's value of its own type.
type Value = Rc<dyn Any>;
/// What every loader's resource runs.
type Fetch = Pin<Box<dyn Future<Output = Value>>>;
/// What `Loaded` shows of a value: its view, or its error in words.
type Show = Box<dyn Fn(&Value) -> Result<AnyView, String>>;

/// A read of `T`, run once when made and again on [`Loader::refetch`] or when a signal it read
/// changes. `Copy`, like `LocalResource`.
pub struct Loader<T> {
    resource: LocalResource<Value>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loader<T> {}

impl<T: 'static> Loader<T> {
    /// Start reading with `fetcher` (as `LocalResource::new`).
    #[track_caller]
    pub fn new<Fut>(fetcher: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let fetch = move || -> Fetch {
            let future = fetcher();
            Box::pin(async move { Rc::new(future.await) as Value })
        };
        Self { resource: erased(Box::new(fetch)), value: PhantomData }
    }

    /// Read again.
    pub fn refetch(&self) {
        self.resource.refetch();
    }

    /// Apply `f` to the value read, `None` while the first read runs (tracked).
    #[track_caller]
    pub fn with<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.resource.with(|value| f(value.as_ref().and_then(|v| v.downcast_ref::<T>())))
    }

    /// The value read, `None` while the first read runs (tracked).
    #[track_caller]
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.with(|value| value.cloned())
    }

    /// The value read, not tracked.
    #[track_caller]
    pub fn get_untracked(&self) -> Option<T>
    where
        T: Clone,
    {
        untrack(|| self.get())
    }

    /// This read with what to show of its value (the view, or the error in words), for
    /// `components::loaded::Loaded`: the part of showing a read that is compiled once.
    pub fn shown_with(self, show: impl Fn(&T) -> Result<AnyView, String> + 'static) -> ErasedRead {
        let show = move |value: &Value| match value.downcast_ref::<T>() {
            Some(value) => show(value),
            // Only `Loader::<T>::new` makes this resource's values, each a `T`.
            None => {
                log::error!("a screen's read gave a value of another type");
                Ok(().into_any())
            }
        };
        let show: Show = Box::new(show);
        ErasedRead { resource: self.resource, show: StoredValue::new_local(show) }
    }
}

/// A [`Loader`] with what to show of its value, its type erased ([`Loader::shown_with`]).
#[derive(Clone, Copy)]
pub struct ErasedRead {
    resource: LocalResource<Value>,
    show: StoredValue<Show, LocalStorage>,
}

impl ErasedRead {
    /// Wait for the read in flight, if any, and show its value.
    pub async fn shown(self) -> Result<AnyView, String> {
        let value = self.resource.await;
        // Gone only once the screen that showed it has left the page.
        self.show.try_with_value(|show| show(&value)).unwrap_or_else(|| Ok(().into_any()))
    }
}

/// The one `LocalResource` type every loader is (not generic: compiled once).
#[allow(clippy::disallowed_methods, reason = "the one place a resource is made")]
#[track_caller]
fn erased(fetch: Box<dyn Fn() -> Fetch>) -> LocalResource<Value> {
    LocalResource::new(fetch)
}
