//! 信息平台: notices the town office publishes; every tablet receives them on sync.

use leptos::prelude::*;
use shared::model::Notice as NoticeRecord;
use uuid::Uuid;

use super::data::{self, CampaignError};
use super::widgets::{Notice, confirm, date, notice_line, text, textarea, today};
use crate::app::use_app;
use crate::i18n::campaign as tc;
use crate::logic::campaign::session::Session;

#[component]
pub fn Notices() -> impl IntoView {
    let ctx = use_app();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move {
            let store = ctx.store();
            let mut notices: Vec<(Uuid, NoticeRecord)> = data::load(&store).await?;
            notices.sort_by(|a, b| b.1.published_on.cmp(&a.1.published_on).then(b.0.cmp(&a.0)));
            Ok::<_, CampaignError>((notices, data::session(&store).await))
        }
    });
    let form = RwSignal::new(NoticeRecord { published_on: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    let publish = move |_| {
        let n = form.get_untracked();
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            let result = async {
                data::check(shared::validate::validate_notice(&n, today()))?;
                data::save(&store, &session, Uuid::now_v7(), "", &n).await
            }
            .await;
            match result {
                Ok(()) => {
                    form.set(NoticeRecord { published_on: Some(today()), ..Default::default() });
                    ctx.refresh_pending();
                    reload.update(|x| *x += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let remove = move |id: Uuid| {
        if !confirm(tc::CONFIRM_DELETE) {
            return;
        }
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            match data::delete::<NoticeRecord>(&store, &session, id, "").await {
                Ok(()) => {
                    ctx.refresh_pending();
                    reload.update(|x| *x += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    view! {
        <section class="notices">
            <h2>{tc::NAV_NOTICES}</h2>
            {notice_line(notice)}
            {move || loaded.get().map(|r| match r {
                Err(e) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok((notices, session)) => {
                    let office = Session::is_office(&session);
                    view! {
                        {office.then(|| view! {
                            <fieldset class="section" data-testid="notice-form">
                                <legend>{tc::PUBLISH_NOTICE}</legend>
                                {text(form, tc::TITLE, "notice-title", |n| n.title.clone(), |n, v| n.title = v)}
                                {date(form, tc::PUBLISHED_ON, "notice-date", |n| n.published_on, |n, v| n.published_on = v)}
                                {textarea(form, tc::BODY, "notice-body", |n| n.body.clone(), |n, v| n.body = v)}
                                <button type="button" class="button primary" data-testid="notice-publish" on:click=publish>{tc::PUBLISH}</button>
                            </fieldset>
                        })}
                        {notices.is_empty().then(|| view! { <p class="empty">{tc::NO_NOTICES}</p> })}
                        <div class="notice-list" data-testid="notice-list">
                        {notices.into_iter().map(|(id, n)| view! {
                            <article class="section notice" data-testid="notice-item">
                                <h3 class="wide">{n.title.clone()}</h3>
                                <span class="hint">{n.published_on.map(|d| d.to_string()).unwrap_or_default()}</span>
                                <p class="wide pre">{n.body.clone()}</p>
                                {office.then(|| view! {
                                    <button type="button" class="link" data-testid="notice-delete" on:click=move |_| remove(id)>{tc::DELETE}</button>
                                })}
                            </article>
                        }).collect_view()}
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}
