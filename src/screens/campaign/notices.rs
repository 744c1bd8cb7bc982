//! 信息平台: notices the town office publishes; every tablet receives them on sync.

use leptos::prelude::*;
use shared::model::Notice as NoticeRecord;
use uuid::Uuid;

use super::{put_action, remove_action, use_session};
use crate::browser::dialog::confirm;
use crate::components::fields::{Field, date, text, textarea};
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n::campaign as tc;
use crate::logic::format;
use crate::logic::forms::today;
use crate::services::campaign::{self, CampaignError};

#[component]
pub fn Notices() -> impl IntoView {
    let ctx = use_app();
    let loaded = Loader::new(move || {
        let store = ctx.store();
        async move {
            let mut notices: Vec<(Uuid, NoticeRecord)> = campaign::load(&store).await?;
            shared::order::sort_by(&mut notices, |a, b| {
                b.1.published_on.cmp(&a.1.published_on).then(b.0.cmp(&a.0))
            });
            Ok::<_, CampaignError>(notices)
        }
    });
    let form = RwSignal::new(NoticeRecord { published_on: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    let save = put_action::<NoticeRecord>();
    on_result(save, notice, move |_| {
        form.set(NoticeRecord { published_on: Some(today()), ..Default::default() });
        loaded.refetch();
    });
    let publish = move |_| {
        save.dispatch_local((Uuid::now_v7(), String::new(), form.get_untracked()));
    };
    let delete = remove_action::<NoticeRecord>();
    on_result(delete, notice, move |()| loaded.refetch());
    let remove = move |id: Uuid| {
        if confirm(tc::CONFIRM_DELETE.get()) {
            delete.dispatch_local(id);
        }
    };
    let office = use_session().is_office();
    view! {
        <section class="notices">
            <h2>{tc::NAV_NOTICES}</h2>
            {notice_line(notice)}
            <Loaded resource=loaded let:notices>
                    {view! {
                        {office.then(|| view! {
                            <fieldset class="section" data-testid="notice-form">
                                <legend>{tc::PUBLISH_NOTICE}</legend>
                                {text(form, Field::new(tc::TITLE.get(), "notice-title"), |n| n.title.clone(), |n, v| n.title = v)}
                                {date(form, Field::new(tc::PUBLISHED_ON.get(), "notice-date"), |n| n.published_on, |n, v| n.published_on = v)}
                                {textarea(form, Field::new(tc::BODY.get(), "notice-body"), |n| n.body.clone(), |n, v| n.body = v)}
                                <button type="button" class="button primary" data-testid="notice-publish" disabled=move || save.pending().get() on:click=publish>{tc::PUBLISH}</button>
                            </fieldset>
                        })}
                        {notices.is_empty().then(|| view! { <p class="empty">{tc::NO_NOTICES}</p> })}
                        <div class="notice-list" data-testid="notice-list">
                        {notices.into_iter().map(|(id, n)| view! {
                            <article class="section notice" data-testid="notice-item">
                                <h3 class="wide">{n.title.clone()}</h3>
                                <span class="hint">{format::date_or_blank(n.published_on)}</span>
                                <p class="wide pre">{n.body.clone()}</p>
                                {office.then(|| view! {
                                    <button type="button" class="link" data-testid="notice-delete" on:click=move |_| remove(id)>{tc::DELETE}</button>
                                })}
                            </article>
                        }).collect_view()}
                        </div>
                    }}
            </Loaded>
        </section>
    }
}
