//! `use_unfold`: a long screen built a part at a time, one part a task after the first, so no
//! single task of the page's main thread builds it all.
//!
//! The survey form is the app's longest screen: 41 inputs and 53 options in 14 sections, each
//! input with its label, its error line and the effects that keep them current. Built in one
//! go it held the main thread for 310–460 ms at 4× CPU slowdown (the longest task of its route,
//! the largest part of its Total Blocking Time), during which a tap waits. Unfolded, the first
//! parts are on screen after the first task, each next part is built in a task of its own (a
//! `setTimeout(0)`, so the browser can paint and answer a tap between two), and the whole form
//! is there some tens of milliseconds later on a slow tablet (docs/PERFORMANCE.md, "Session
//! 39"). A hidden page (a background tab, whose timers the browser slows to one a second) gets
//! every part left at its next step: it paints nothing, so nothing waits.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::browser::page;

/// How many parts are shown: [`Unfold::ALL`] once unfolding is over (parts added later, such as
/// the sections a new category brings, are then shown at once).
#[derive(Clone, Copy)]
pub struct Unfold {
    shown: RwSignal<usize>,
}

impl Unfold {
    /// Every part, however many there are.
    pub const ALL: usize = usize::MAX;

    /// How many parts to show now.
    pub fn shown(&self) -> Signal<usize> {
        self.shown.into()
    }

    /// Whether every part is shown (what comes after the parts can be placed without moving).
    pub fn done(&self) -> Signal<bool> {
        let shown = self.shown;
        Signal::derive(move || shown.get() == Self::ALL)
    }

    /// Show every part now (the person asked for one further down).
    pub fn finish(&self) {
        if self.shown.try_get_untracked().is_some_and(|n| n != Self::ALL) {
            self.shown.set(Self::ALL);
        }
    }
}

/// Shows `first` parts of the `parts` there are, then one more in each following task until
/// all are shown. Ends by itself when the screen that made it is left.
pub fn use_unfold(first: usize, parts: Signal<usize>) -> Unfold {
    let unfold = Unfold { shown: RwSignal::new(first) };
    let shown = unfold.shown;
    leptos::task::spawn_local(async move {
        loop {
            // A task of its own: what the last step built is painted before the next is built.
            TimeoutFuture::new(0).await;
            // `None`: the screen was left (its signals are gone).
            let (Some(now), Some(total)) = (shown.try_get_untracked(), parts.try_get_untracked())
            else {
                return;
            };
            if now == Unfold::ALL {
                return;
            }
            let next = if now + 1 >= total || page::is_hidden() { Unfold::ALL } else { now + 1 };
            shown.set(next);
        }
    });
    unfold
}
