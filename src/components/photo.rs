//! Photos: a thumbnail read from the local attachments store (object URL, revoked on unmount)
//! and the picker that captures, downscales and stores new ones.

use leptos::prelude::*;

use shared::model::PhotoRef;

use crate::browser::files::{self, PickedFile};
use crate::browser::photos;
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n;
use crate::pwa::UnsavedInput;
use crate::services;

/// The photo picker's name among the sources of [`UnsavedInput`].
const PROCESSING_SOURCE: &str = "photo-processing";

#[component]
pub fn PhotoThumb(sha256: String) -> impl IntoView {
    let ctx = use_app();
    let sha = sha256.clone();
    let url = Loader::new(move || {
        let sha = sha.clone();
        async move {
            let attachment = ctx.store().get_attachment(&sha).await.ok().flatten()?;
            photos::object_url(&attachment.blob)
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.get_untracked() {
            photos::revoke_url(&u);
        }
    });
    view! {
        <span class="thumb" data-testid="photo-thumb" data-sha256=sha256>
            {move || url.get().flatten().map(|u| view! { <img src=u alt=i18n::PHOTO_ALT loading="lazy" /> })}
        </span>
    }
}

/// Whether the form the picker adds to is still on screen (its photos not disposed with it).
fn form_is_there(photos: Signal<Vec<PhotoRef>>) -> bool {
    photos.try_with_untracked(|_| ()).is_some()
}

/// Photo capture for any record with photos (surveys, base visits): each picked image is
/// downscaled in the browser to ≤1600 px JPEG, stored by hash in the attachments store and
/// handed to `on_add` (once per hash); `photos` are listed as thumbnails with a remove button.
#[component]
pub fn PhotoPicker(
    #[prop(into)] photos: Signal<Vec<PhotoRef>>,
    #[prop(into)] on_add: Callback<PhotoRef>,
    #[prop(into)] on_remove: Callback<String>,
    /// `data-testid` of the file input.
    input_testid: &'static str,
) -> impl IntoView {
    let ctx = use_app();
    let error = RwSignal::new(None::<String>);
    // Each picked image in turn; one that fails is said and the others are still kept.
    // Processing takes a while (0.5–2 s each): the form the picker sits in may have been left
    // meanwhile, its `photos` and `on_add` disposed with it. They are only reached through
    // `try_`, and a photo that finds its form gone is said on the app's message line (the line
    // of the screen shown now), not dropped in silence.
    let keep = LocalAction::new(move |files: &Vec<PickedFile>| {
        let (store, files) = (ctx.store(), files.clone());
        async move {
            let mut not_added = 0_usize;
            for file in files {
                if !form_is_there(photos) {
                    // Left before this one was even read: not processed for nothing.
                    not_added += 1;
                    continue;
                }
                match services::photos::keep(&store, &file).await {
                    Ok(photo) => {
                        let sha = photo.sha256.clone();
                        let known =
                            photos.try_with_untracked(|ps| ps.iter().any(|p| p.sha256 == sha));
                        let added = match known {
                            Some(true) => true,
                            Some(false) => on_add.try_run(photo).is_some(),
                            None => false,
                        };
                        if !added {
                            not_added += 1;
                        }
                    }
                    Err(e) => {
                        if e.is_storage_full() {
                            ctx.message.set(Some(e.to_string()));
                        }
                        // `try_`: the picker may be gone (its form left meanwhile).
                        if error.try_set(Some(e.to_string())).is_some() {
                            ctx.message.set(Some(e.to_string()));
                        }
                    }
                }
            }
            if not_added > 0 {
                log::warn!("{not_added} photo(s) processed after their form was left: not added");
                ctx.message.set(Some(i18n::PHOTO_NOT_ADDED.to_string()));
            }
        }
    });
    let busy = move || keep.pending().get();
    // Leaving while a photo is processed would leave it on no record: asked first.
    Effect::new(move |_| {
        let question = busy().then(|| i18n::LEAVE_PHOTO_PROCESSING.to_string());
        UnsavedInput::ask_before_leaving(PROCESSING_SOURCE, question);
    });
    on_cleanup(|| UnsavedInput::ask_before_leaving(PROCESSING_SOURCE, None));
    let on_pick = move |ev: leptos::ev::Event| {
        let files = files::take_picked(&ev);
        error.set(None);
        keep.dispatch_local(files);
    };
    view! {
        <label class="button file">
            {move || (if busy() { i18n::PHOTO_PROCESSING } else { i18n::PHOTO_ADD }).get()}
            <input type="file" accept="image/*" capture="environment" multiple data-testid=input_testid on:change=on_pick />
        </label>
        {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="photo-error">{e}</span> })}
        <div class="thumbs" data-testid="photo-list">
            <For
                each=move || photos.get()
                key=|p: &PhotoRef| p.sha256.clone()
                children=move |p| {
                    let sha = p.sha256.clone();
                    view! {
                        <div class="thumb-box">
                            <PhotoThumb sha256=p.sha256.clone() />
                            <button type="button" class="link" data-testid="photo-remove"
                                on:click=move |_| on_remove.run(sha.clone())>
                                {i18n::PHOTO_REMOVE}
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
