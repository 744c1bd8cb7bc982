//! A write a person starts (a save, a sign-in, an import): `Action::new_local` with its input,
//! output and future type-erased, so Leptos' action machinery is compiled once for the whole app
//! instead of once per action.
//!
//! An `Action<I, O>` built from a closure `F` returning a future `Fut` compiles Leptos' dispatch
//! (its spawn, its input and value signals, its version) once per `(I, O, F, Fut)`: about 1.7 KB
//! of wasm an action before `wasm-opt`, for the app's 50 actions. Every [`LocalAction`] is one
//! `Action<Rc<dyn Any>, Rc<dyn Any>>` of one boxed future type; what stays per action is the
//! small box around its future and the downcasts (PERFORMANCE.md, "Session 31"). It is used
//! like an `Action`: `dispatch_local`, `pending`, `value` (whose `with` is given an
//! `Option<&O>`).

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// What every action takes and gives: a value of the action's own type.
type Value = Rc<dyn Any>;
/// What every action runs.
type Run = Pin<Box<dyn Future<Output = Value>>>;

/// An action taking `I` and giving `O`. `Copy`, like `Action`.
pub struct LocalAction<I, O> {
    action: Action<Value, Value>,
    types: PhantomData<fn(I) -> O>,
}

impl<I, O> Clone for LocalAction<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for LocalAction<I, O> {}

impl<I: 'static, O: 'static> LocalAction<I, O> {
    /// An action running `run` on each input dispatched (as `Action::new_local`).
    #[track_caller]
    pub fn new<Fut>(run: impl Fn(&I) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = O> + 'static,
    {
        let run = move |input: &Value| -> Run {
            let future = input.downcast_ref::<I>().map(&run);
            Box::pin(async move {
                match future {
                    Some(future) => Rc::new(future.await) as Value,
                    // Only `dispatch_local` gives this action inputs, each an `I`.
                    None => {
                        log::error!("an action was given an input of another type");
                        std::future::pending().await
                    }
                }
            })
        };
        Self { action: erased(Box::new(run)), types: PhantomData }
    }

    /// Run the action on `input`.
    #[track_caller]
    pub fn dispatch_local(&self, input: I) {
        self.action.dispatch_local(Rc::new(input));
    }

    /// Whether a run is under way (tracked).
    #[track_caller]
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }

    /// What the last run gave, once it is over.
    #[track_caller]
    pub fn value(&self) -> Outcome<O> {
        Outcome { value: self.action.value(), output: PhantomData }
    }
}

/// The one `Action` type every [`LocalAction`] is (not generic: compiled once).
#[allow(clippy::disallowed_methods, reason = "the one place an action is made")]
#[track_caller]
fn erased(run: Box<dyn Fn(&Value) -> Run>) -> Action<Value, Value> {
    Action::new_local(move |input: &Value| run(input))
}

/// What a [`LocalAction`]'s last run gave: `None` before its first run is over.
pub struct Outcome<O> {
    value: MappedSignal<Option<Value>>,
    output: PhantomData<fn() -> O>,
}

impl<O: 'static> Outcome<O> {
    /// Apply `f` to the last run's output (tracked).
    #[track_caller]
    pub fn with<U>(&self, f: impl FnOnce(Option<&O>) -> U) -> U {
        self.value.with(|value| f(value.as_ref().and_then(|v| v.downcast_ref::<O>())))
    }

    /// The last run's output (tracked).
    #[track_caller]
    pub fn get(&self) -> Option<O>
    where
        O: Clone,
    {
        self.with(|value| value.cloned())
    }
}
