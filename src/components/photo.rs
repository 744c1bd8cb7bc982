//! A photo thumbnail read from the local attachments store (object URL, revoked on unmount).

use leptos::prelude::*;

use crate::app::use_app;
use crate::browser::photos;

#[component]
pub fn PhotoThumb(sha256: String) -> impl IntoView {
    let ctx = use_app();
    let sha = sha256.clone();
    let url = LocalResource::new(move || {
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
            {move || url.get().flatten().map(|u| view! { <img src=u alt=crate::i18n::PHOTO_ALT loading="lazy" /> })}
        </span>
    }
}
