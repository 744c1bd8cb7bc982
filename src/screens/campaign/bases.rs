//! 示范基地 (at least two, by industry) and the study visits to them: attendees chosen from the
//! candidates, what was learned, photos and the position.

use leptos::prelude::*;
use shared::model::{Base, Candidate, GeoPoint, Visit};
use shared::record::EntityKind;
use uuid::Uuid;

use super::data::{self, CampaignError};
use super::widgets::{Notice, confirm, date, go, notice_line, text, textarea, today};
use crate::app::use_app;
use crate::browser::geolocation;
use crate::components::photo::{PhotoPicker, PhotoThumb};
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::campaign::typed::Names;

/// The seed asks for at least this many demonstration bases.
pub const MIN_BASES: usize = 2;

#[component]
pub fn Bases() -> impl IntoView {
    let ctx = use_app();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move {
            let store = ctx.store();
            let bases: Vec<(Uuid, Base)> = data::load(&store).await?;
            let visits: Vec<(Uuid, Visit)> = data::load(&store).await?;
            Ok::<_, CampaignError>((bases, visits))
        }
    });
    let form = RwSignal::new(Base::default());
    let notice = RwSignal::new(None::<Notice>);
    let add = move |_| {
        let base = form.get_untracked();
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            let result = async {
                data::check(shared::validate::validate_base(&base))?;
                data::save(&store, &session, Uuid::now_v7(), "", &base).await
            }
            .await;
            match result {
                Ok(()) => {
                    form.set(Base::default());
                    ctx.refresh_pending();
                    reload.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    view! {
        <section class="bases">
            <h2>{tc::NAV_BASES}</h2>
            {notice_line(notice)}
            {move || loaded.get().map(|r| match r {
                Err(e) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok((bases, visits)) => {
                    let few = bases.len() < MIN_BASES;
                    view! {
                        {few.then(|| view! { <p class="message warn" data-testid="bases-too-few">{tc::bases_too_few(bases.len(), MIN_BASES)}</p> })}
                        <table class="list" data-testid="base-table">
                            <thead><tr><th>{tc::BASE_NAME}</th><th>{tc::INDUSTRY}</th><th>{tc::ADDRESS}</th><th>{tc::VISITS}</th></tr></thead>
                            <tbody>
                            {bases.into_iter().map(|(id, b)| {
                                let n = visits.iter().filter(|(_, v)| v.base_id == id).count();
                                view! {
                                    <tr data-testid="base-row">
                                        <td><a class="row-link" href=CampaignRoute::Base(id).href()>{b.name}</a></td>
                                        <td>{b.industry}</td><td>{b.address}</td><td>{n}</td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
            {super::use_session().may_write_any(EntityKind::Base).then(|| view! {
            <fieldset class="section" data-testid="base-form">
                <legend>{tc::NEW_BASE}</legend>
                {text(form, tc::BASE_NAME, "base-name", |b| b.name.clone(), |b, v| b.name = v)}
                {text(form, tc::INDUSTRY, "base-industry", |b| b.industry.clone(), |b, v| b.industry = v)}
                {text(form, tc::ADDRESS, "base-address", |b| b.address.clone(), |b, v| b.address = v)}
                {textarea(form, tc::NOTES, "base-notes", |b| b.notes.clone(), |b, v| b.notes = v)}
                <button type="button" class="button primary" data-testid="base-save" on:click=add>{t::SAVE}</button>
            </fieldset>
            })}
        </section>
    }
}

#[derive(Clone)]
struct BaseData {
    base: Base,
    visits: Vec<(Uuid, Visit)>,
    candidates: Vec<(Uuid, Candidate)>,
    names: Names,
}

async fn load_base(id: Uuid) -> Result<BaseData, CampaignError> {
    let store = use_app().store();
    let base: Base = data::get(&store, id).await?;
    let mut visits: Vec<(Uuid, Visit)> =
        data::load::<Visit>(&store).await?.into_iter().filter(|(_, v)| v.base_id == id).collect();
    visits.sort_by_key(|(_, x)| std::cmp::Reverse(x.date));
    let all = data::load_data(&store).await?;
    let candidates = all.candidates.into_iter().filter(|(_, c)| c.is_active()).collect();
    Ok(BaseData { base, visits, candidates, names: all.names })
}

#[component]
pub fn BaseDetail(id: Uuid) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.track();
        load_base(id)
    });
    view! {
        {move || match loaded.get() {
            None => view! { <p class="empty">{t::LOADING}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="message error" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(d)) => view! { <BaseView id=id data=d reload=reload /> }.into_any(),
        }}
    }
}

#[component]
fn BaseView(id: Uuid, data: BaseData, reload: RwSignal<u32>) -> impl IntoView {
    let ctx = use_app();
    let BaseData { base, visits, candidates, names } = data;
    let form = RwSignal::new(base.clone());
    let visit = RwSignal::new(Visit { base_id: id, date: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    let save_base = move |_| {
        let base = form.get_untracked();
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            let result = async {
                data::check(shared::validate::validate_base(&base))?;
                data::save(&store, &session, id, "", &base).await
            }
            .await;
            match result {
                Ok(()) => {
                    notice.set(Some(Notice::Done(tc::SAVED)));
                    ctx.refresh_pending();
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let delete_base = move |_| {
        if !confirm(tc::CONFIRM_DELETE) {
            return;
        }
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            match data::delete::<Base>(&store, &session, id, "").await {
                Ok(()) => {
                    ctx.refresh_pending();
                    go(&CampaignRoute::Bases.href());
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let branch_of: std::collections::HashMap<Uuid, String> =
        candidates.iter().map(|(id, c)| (*id, c.branch_id.clone())).collect();
    let add_visit = move |_| {
        let v = visit.get_untracked();
        let branch_of = branch_of.clone();
        leptos::task::spawn_local(async move {
            let store = ctx.store();
            let session = data::session(&store).await;
            // A visit belongs to the branch of its first attendee (or the account's own).
            let branch = v
                .attendees
                .first()
                .and_then(|a| branch_of.get(a).cloned())
                .unwrap_or_else(|| session.default_branch());
            let result = async {
                data::check(shared::validate::validate_visit(&v, today()))?;
                data::save(&store, &session, Uuid::now_v7(), &branch, &v).await
            }
            .await;
            match result {
                Ok(()) => {
                    ctx.refresh_pending();
                    reload.update(|n| *n += 1);
                }
                Err(e) => notice.set(Some(Notice::Error(e.to_string()))),
            }
        });
    };
    let visit_names = names.clone();
    let session = super::use_session();
    let edit_base = session.may_write_any(EntityKind::Base);
    let add_visits = session.may_write_any(EntityKind::Visit);
    view! {
        <section class="base" data-testid="base-detail">
            <h2>{base.name.clone()}</h2>
            {notice_line(notice)}
            <fieldset class="section" disabled=!edit_base>
                <legend>{tc::BASE_INFO}</legend>
                {text(form, tc::BASE_NAME, "base-name", |b| b.name.clone(), |b, v| b.name = v)}
                {text(form, tc::INDUSTRY, "base-industry", |b| b.industry.clone(), |b, v| b.industry = v)}
                {text(form, tc::ADDRESS, "base-address", |b| b.address.clone(), |b, v| b.address = v)}
                {textarea(form, tc::NOTES, "base-notes", |b| b.notes.clone(), |b, v| b.notes = v)}
                {edit_base.then(|| view! {
                    <button type="button" class="button primary" data-testid="base-save" on:click=save_base>{t::SAVE}</button>
                    <button type="button" class="button secondary" data-testid="base-delete" on:click=delete_base>{tc::DELETE}</button>
                })}
            </fieldset>
            {add_visits.then(|| view! {
            <fieldset class="section" data-testid="visit-form">
                <legend>{tc::NEW_VISIT}</legend>
                {date(visit, tc::DATE, "visit-date", |v| v.date, |v, d| v.date = d)}
                <div class="field wide">
                    <span class="label">{tc::ATTENDEES}</span>
                    <div class="choices" data-testid="visit-attendees">
                        {candidates.iter().map(|(cid, c)| {
                            let cid = *cid;
                            view! {
                                <label class="field check">
                                    <input type="checkbox" data-testid="visit-attendee" data-id=cid.to_string()
                                        prop:checked=move || visit.with(|v| v.attendees.contains(&cid))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            visit.update(|v| { v.attendees.retain(|a| *a != cid); if on { v.attendees.push(cid); } });
                                        } />
                                    <span class="label">{names.person(&c.person_id)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </div>
                {textarea(visit, tc::CONTENT, "visit-content", |v| v.content.clone(), |v, s| v.content = s)}
                <VisitPhotos visit=visit />
                <VisitGps visit=visit />
                <button type="button" class="button primary" data-testid="visit-save" on:click=add_visit>{t::SAVE}</button>
            </fieldset>
            })}
            <h3>{tc::VISITS}</h3>
            <table class="list" data-testid="visit-table">
                <thead><tr><th>{tc::DATE}</th><th>{tc::ATTENDEES}</th><th>{tc::CONTENT}</th><th>{t::PHOTOS}</th></tr></thead>
                <tbody>
                {visits.into_iter().map(|(_, v)| view! {
                    <tr data-testid="visit-row">
                        <td>{v.date.map(|d| d.to_string()).unwrap_or_default()}</td>
                        <td>{v.attendees.iter().map(|a| visit_names.candidate(a)).collect::<Vec<_>>().join("、")}</td>
                        <td>{v.content.clone()}</td>
                        <td class="thumbs">{v.photos.iter().map(|p| view! { <PhotoThumb sha256=p.sha256.clone() /> }).collect_view()}</td>
                    </tr>
                }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Photos of a visit: downscaled and stored by hash like the survey's.
#[component]
fn VisitPhotos(visit: RwSignal<Visit>) -> impl IntoView {
    view! {
        <div class="field wide">
            <PhotoPicker
                photos=Signal::derive(move || visit.with(|v| v.photos.clone()))
                on_add=move |photo| visit.update(|v| v.photos.push(photo))
                on_remove=move |sha: String| visit.update(|v| v.photos.retain(|p| p.sha256 != sha))
                input_testid="visit-photo-input"
            />
        </div>
    }
}

/// The position of a visit.
#[component]
fn VisitGps(visit: RwSignal<Visit>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let locate = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match geolocation::current_position().await {
                Ok(fix) => visit.update(|v| {
                    v.gps = Some(GeoPoint {
                        lat: fix.lat,
                        lon: fix.lon,
                        accuracy_m: Some(fix.accuracy),
                    })
                }),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="field wide">
            <button type="button" class="button" data-testid="visit-gps" on:click=locate disabled=move || busy.get()>
                {move || if busy.get() { t::GPS_LOCATING } else { t::GPS_BUTTON }}
            </button>
            {move || visit.with(|v| v.gps).map(|g| view! { <span class="gps" data-testid="visit-gps-value">{t::gps_fix(g.lat, g.lon, g.accuracy_m)}</span> })}
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </div>
    }
}
