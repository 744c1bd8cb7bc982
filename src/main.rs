//! Entry point: open the local database, then mount the app.

use field::app::App;
use field::browser::{app_shell, language, location};
use field::i18n;
use field::logic::route::Route;
use field::services::storage_loss;
use leptos::prelude::*;

/// The IndexedDB database of the app.
const DB_NAME: &str = "field";

fn main() {
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    // Not `leptos::task::spawn_local`: Leptos sets up its executor only when the app mounts,
    // and before that a release build panics on any Leptos task.
    wasm_bindgen_futures::spawn_local(async {
        // zh-Hans is compiled in; another language's catalog is a chunk, loaded before anything
        // shows. Offline before the chunk was cached: zh-Hans, and the next start tries again.
        let lang = language::chosen();
        // The module of a screen the main module draws nothing of, fetched beside the catalog
        // and the database (the campaign dashboard, the office's screens).
        field::split::prefetch_at_start(&Route::parse(&location::hash()));
        let catalog = async {
            if lang != i18n::Lang::ZhHans
                && let Err(error) = field::split::catalog(lang).await
            {
                log::error!("the {} catalog did not load: {error}", lang.tag());
            }
        };
        // Opened against the mark kept outside it: is this the database the app used before?
        // Opened while the catalog loads: neither waits for the other, and nothing is shown
        // before both are done.
        let ((), opened) = futures::join!(catalog, storage_loss::open(DB_NAME));
        language::set_document_lang(i18n::current());
        match opened {
            Ok((store, _)) => {
                // index.html's top bar goes in the task that mounts the app's own: no frame
                // without one.
                app_shell::remove();
                leptos::mount::mount_to_body(move || view! { <App store=store /> })
            }
            // Under index.html's top bar, which stays.
            Err(err) => {
                let message = format!("{}：{err}", i18n::OPEN_FAILED);
                leptos::mount::mount_to_body(
                    move || view! { <p class="message error" role="alert">{message}</p> },
                )
            }
        }
    });
}
