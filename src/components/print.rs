//! "打印": the browser's print dialog (the print stylesheet hides everything but the paper).

use leptos::prelude::*;

use crate::browser::dialog;
use crate::i18n::campaign as tc;

/// The print button of a printable screen (`data-testid` `testid`).
pub fn print_button(testid: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="button no-print" data-testid=testid on:click=|_| dialog::print()>
            {tc::PRINT}
        </button>
    }
}
