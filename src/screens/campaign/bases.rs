//! 示范基地 (at least two, by industry) and the study visits to them: attendees chosen from the
//! candidates, what was learned, photos and the position.

use leptos::prelude::*;
use shared::model::{Base, Visit};
use shared::record::EntityKind;
use uuid::Uuid;

use super::{edit_action, put_action, remove_action};
use crate::browser::dialog::confirm;
use crate::browser::location::go;
use crate::components::fields::{Field, date, text, textarea};
use crate::components::gps::GpsField;
use crate::components::loaded::Loaded;
use crate::components::notice::{Notice, notice_line, on_result};
use crate::components::photo::{PhotoPicker, PhotoThumb};
use crate::context::use_app;
use crate::hooks::use_loader::Loader;
use crate::i18n as t;
use crate::i18n::campaign as tc;
use crate::logic::campaign::route::CampaignRoute;
use crate::logic::format;
use crate::logic::forms::today;
use crate::services::campaign::{self, BaseRecords, CampaignError, Edit};

/// The seed asks for at least this many demonstration bases.
pub const MIN_BASES: usize = 2;

#[component]
pub fn Bases() -> impl IntoView {
    let ctx = use_app();
    let loaded = Loader::new(move || {
        let store = ctx.store();
        async move {
            let bases: Vec<(Uuid, Base)> = campaign::load(&store).await?;
            let visits: Vec<(Uuid, Visit)> = campaign::load(&store).await?;
            Ok::<_, CampaignError>((bases, visits))
        }
    });
    let form = RwSignal::new(Base::default());
    let notice = RwSignal::new(None::<Notice>);
    let save = put_action::<Base>();
    on_result(save, notice, move |_| {
        form.set(Base::default());
        loaded.refetch();
    });
    let add = move |_| {
        save.dispatch_local((Uuid::now_v7(), String::new(), form.get_untracked()));
    };
    view! {
        <section class="bases">
            <h2>{tc::NAV_BASES}</h2>
            {notice_line(notice)}
            <Loaded resource=loaded let:((bases, visits))>{
                    // The county's store holds every town's bases: "too few" is a town's count.
                    let few = bases.len() < MIN_BASES && !super::use_session().read_only();
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
                    }
            }</Loaded>
            {super::use_session().may_write_any(EntityKind::Base).then(|| view! {
            <fieldset class="section" data-testid="base-form">
                <legend>{tc::NEW_BASE}</legend>
                {text(form, Field::new(tc::BASE_NAME.get(), "base-name"), |b| b.name.clone(), |b, v| b.name = v)}
                {text(form, Field::new(tc::INDUSTRY.get(), "base-industry"), |b| b.industry.clone(), |b, v| b.industry = v)}
                {text(form, Field::new(tc::ADDRESS.get(), "base-address"), |b| b.address.clone(), |b, v| b.address = v)}
                {textarea(form, Field::new(tc::NOTES.get(), "base-notes"), |b| b.notes.clone(), |b, v| b.notes = v)}
                <button type="button" class="button primary" data-testid="base-save" disabled=move || save.pending().get() on:click=add>{t::SAVE}</button>
            </fieldset>
            })}
        </section>
    }
}

#[component]
pub fn BaseDetail(id: Uuid) -> impl IntoView {
    let ctx = use_app();
    let loaded = Loader::new(move || {
        let store = ctx.store();
        async move { campaign::base_records(&store, id).await }
    });
    view! {
        <Loaded resource=loaded let:data><BaseView id=id data=data loaded=loaded /></Loaded>
    }
}

#[component]
fn BaseView(
    id: Uuid,
    data: BaseRecords,
    loaded: Loader<Result<BaseRecords, CampaignError>>,
) -> impl IntoView {
    let BaseRecords { base, visits, candidates, names } = data;
    let form = RwSignal::new(base.clone());
    // What is on disk: a save writes only what was changed on the form since. It moves on when
    // a save is done, not when it is asked for: a refused save leaves its changes still to save.
    let on_disk = StoredValue::new(base.clone());
    let sent = StoredValue::new(None::<Base>);
    let visit = RwSignal::new(Visit { base_id: id, date: Some(today()), ..Default::default() });
    let notice = RwSignal::new(None::<Notice>);
    let save = edit_action::<Base>();
    on_result(save, notice, move |_| {
        if let Some(saved) = sent.get_value() {
            on_disk.set_value(saved);
        }
        notice.set(Some(Notice::Done(tc::SAVED.get())));
    });
    let save_base = move |_| {
        let after = form.get_untracked();
        sent.set_value(Some(after.clone()));
        save.dispatch_local((id, String::new(), Edit { before: on_disk.get_value(), after }));
    };
    let remove = remove_action::<Base>();
    on_result(remove, notice, move |()| go(&CampaignRoute::Bases.href()));
    let delete_base = move |_| {
        if confirm(tc::CONFIRM_DELETE.get()) {
            remove.dispatch_local(id);
        }
    };
    let record_visit = super::write_action(|store, session, v: Visit| async move {
        campaign::record_visit(&store, &session, &v, today()).await
    });
    on_result(record_visit, notice, move |_| loaded.refetch());
    let add_visit = move |_| {
        record_visit.dispatch_local(visit.get_untracked());
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
                {text(form, Field::new(tc::BASE_NAME.get(), "base-name"), |b| b.name.clone(), |b, v| b.name = v)}
                {text(form, Field::new(tc::INDUSTRY.get(), "base-industry"), |b| b.industry.clone(), |b, v| b.industry = v)}
                {text(form, Field::new(tc::ADDRESS.get(), "base-address"), |b| b.address.clone(), |b, v| b.address = v)}
                {textarea(form, Field::new(tc::NOTES.get(), "base-notes"), |b| b.notes.clone(), |b, v| b.notes = v)}
                {edit_base.then(|| view! {
                    <button type="button" class="button primary" data-testid="base-save" on:click=save_base>{t::SAVE}</button>
                    <button type="button" class="button secondary" data-testid="base-delete" on:click=delete_base>{tc::DELETE}</button>
                })}
            </fieldset>
            {add_visits.then(|| view! {
            <fieldset class="section" data-testid="visit-form">
                <legend>{tc::NEW_VISIT}</legend>
                {date(visit, Field::new(tc::DATE.get(), "visit-date"), |v| v.date, |v, d| v.date = d)}
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
                {textarea(visit, Field::new(tc::CONTENT.get(), "visit-content"), |v| v.content.clone(), |v, s| v.content = s)}
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
                        <td>{format::date_or_blank(v.date)}</td>
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
    view! {
        <div class="field wide">
            <GpsField testid="visit-gps"
                point=Signal::derive(move || visit.with(|v| v.gps))
                on_change=move |gps| visit.update(|v| v.gps = gps) />
        </div>
    }
}
