//! The sync engine as the app sees it: one [`SyncEngine`] in the Leptos context, a status
//! signal for the screens, and a loop that syncs when the network comes back, every few minutes
//! while all is well, and after a failure with exponential backoff and jitter.

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt;
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures::future::{Either, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::reactive::owner::LocalStorage;
use shared::sync::backoff_ms;

use shared::delivery::DeliveryCounts;
use shared::record::EntityKind;
use uuid::Uuid;

use super::connection::{self, Connection};
use super::engine::{SyncReport, run_once_as};
use super::error::SyncError;
use super::plan::{PERIOD_MS, Phase, RejectedOp, SyncStatus, refusal_summary};
use super::rejected::{self, ResubmitError};
use super::session::{self, Credentials};
use crate::browser::online;
use crate::store::{Store, StoreError, meta_keys};

/// Meta key of the time of the last finished sync (milliseconds since the epoch).
pub const LAST_SUCCESS_KEY: &str = "sync_last_success";

/// How long after the app opens the loop starts (and syncs for the first time): the first screen
/// gets the tablet's CPU and network first. In a release build the loop is in the `fieldwork`
/// split module (src/split.rs), fetched then unless the people list fetched it already, so it
/// is not part of the first load.
pub const START_DELAY_MS: u32 = 2_000;

/// Handle to the running engine (cheap to copy; lives as long as the app).
#[derive(Clone, Copy)]
pub struct SyncEngine {
    store: StoredValue<Store, LocalStorage>,
    wake: StoredValue<UnboundedSender<()>, LocalStorage>,
    busy: StoredValue<Rc<Cell<bool>>, LocalStorage>,
    /// When the server last answered a live-update wait (ms since the epoch): while it keeps
    /// answering, that is the sign of life, and the health probe is not sent.
    heard_at: StoredValue<Rc<Cell<f64>>, LocalStorage>,
    on_change: StoredValue<Rc<dyn Fn()>, LocalStorage>,
    /// Phase, progress, pending count, last success, last error.
    pub status: RwSignal<SyncStatus>,
    /// The sign-in kept on this device (token and account), if any. Screens read who works
    /// here from `AppCtx::session`, made from this.
    pub credentials: RwSignal<Option<Credentials>, LocalStorage>,
    /// The kept sign-in has been read at start (until then `credentials` is not yet known).
    pub credentials_read: RwSignal<bool>,
    /// Operations the server refused, kept for the person to read.
    pub rejected: RwSignal<Vec<RejectedOp>, LocalStorage>,
    /// Bumped whenever pulled changes were stored: screens that list records can track it.
    pub data_version: RwSignal<u64>,
    /// 离线 / 有网络但连不上办公室 / 已连接办公室.
    pub connection: RwSignal<Connection>,
    /// 待同步 N and 需处理 M (records, see `shared::delivery`).
    pub counts: RwSignal<DeliveryCounts>,
    /// The server answered that this version of the app can no longer sync
    /// ([`SyncError::UpgradeRequired`]): 请更新应用 is shown until a run succeeds.
    pub upgrade_required: RwSignal<bool>,
}

/// What signing in did besides keeping the token.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedIn {
    pub credentials: Credentials,
    /// Changes saved on this tablet before anyone signed in, now the new account's.
    pub adopted: usize,
}

/// One adopted operation, for the change history ("登录前保存，由 X 登录后接收").
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Adoption {
    pub op_id: Uuid,
    pub author: String,
    pub at_ms: f64,
}

/// The engine provided by the app shell.
pub fn use_sync() -> SyncEngine {
    expect_context::<SyncEngine>()
}

impl SyncEngine {
    /// Create the engine, load what it keeps in `meta`, and start its loop. `on_change` is
    /// called after every run (the shell re-reads its pending count).
    /// `saved` is bumped after every local save: while the office is reachable, the change is
    /// sent at once rather than at the next timer.
    pub fn start(
        store: Store,
        counts: RwSignal<DeliveryCounts>,
        saved: RwSignal<u64>,
        on_change: impl Fn() + 'static,
    ) -> SyncEngine {
        let (tx, rx) = unbounded();
        let engine = SyncEngine {
            store: StoredValue::new_local(store),
            wake: StoredValue::new_local(tx),
            busy: StoredValue::new_local(Rc::new(Cell::new(false))),
            heard_at: StoredValue::new_local(Rc::new(Cell::new(0.0))),
            on_change: StoredValue::new_local(Rc::new(on_change)),
            status: RwSignal::new(SyncStatus::default()),
            credentials: RwSignal::new_local(None),
            credentials_read: RwSignal::new(false),
            rejected: RwSignal::new_local(Vec::new()),
            data_version: RwSignal::new(0),
            connection: RwSignal::new(Connection::Checking),
            counts,
            upgrade_required: RwSignal::new(false),
        };
        online::watch(move |on| {
            if on {
                engine.sync_now();
            } else {
                engine.connection.set(Connection::Offline);
            }
        });
        leptos::task::spawn_local(engine.watch_server());
        Effect::new(move |first: Option<()>| {
            saved.track();
            let reachable = engine.connection.get_untracked() == Connection::Connected;
            let signed_in = engine.credentials.with_untracked(Option::is_some);
            if first.is_some() && reachable && signed_in {
                engine.sync_now();
            }
        });
        leptos::task::spawn_local(async move {
            engine.load().await;
            TimeoutFuture::new(START_DELAY_MS).await;
            if engine.store.try_get_value().is_none() {
                return; // the app is gone (unmounted) before its loop began
            }
            engine.sync_now();
            crate::split::sync_loop(engine, rx).await;
        });
        engine
    }

    pub fn store(&self) -> Store {
        self.store.get_value()
    }

    /// Ask for a sync as soon as possible (the "立即同步" button, the `online` event).
    pub fn sync_now(&self) {
        // `try_`: asked at the end of work that may outlive the app (then nothing to wake).
        let _ = self.wake.try_with_value(|tx| tx.unbounded_send(()));
    }

    /// Sign in and keep the session; a sync follows.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<SignedIn, super::LoginError> {
        let store = self.store();
        let session = session::login(&store, "", username, password, device_name).await?;
        self.signed_in(session).await
    }

    /// Sign in with a one-time code from the town office (typed, or from its QR code); then as
    /// [`SyncEngine::login`].
    pub async fn login_with_code(
        &self,
        code: &str,
        device_name: &str,
    ) -> Result<SignedIn, super::LoginError> {
        let session = session::login_with_code(&self.store(), "", code, device_name).await?;
        self.signed_in(session).await
    }

    /// After a sign-in: adopt the changes saved before it, keep the session, sync.
    async fn signed_in(&self, session: Credentials) -> Result<SignedIn, super::LoginError> {
        let store = self.store();
        let adopted = adopt_unsigned(&store, &session.account.username).await?;
        self.credentials.set(Some(session.clone()));
        self.connection.set(Connection::Connected);
        self.status.update(|s| s.last_error = None);
        if let Ok(list) = rejected::list(&store).await {
            self.rejected.set(list);
        }
        self.refresh_pending().await;
        self.sync_now();
        Ok(SignedIn { credentials: session, adopted })
    }

    /// Resubmit a refused record the surveyor fixed: its whole current state, under the
    /// signed-in account, replaces the refused and held-back changes; a sync follows.
    pub async fn resubmit(
        &self,
        entity: EntityKind,
        id: Uuid,
        branch_id: &str,
    ) -> Result<(), ResubmitError> {
        let Some(session) = self.credentials.get_untracked() else {
            return Err(ResubmitError::StillRefused(SyncError::NotSignedIn.to_string()));
        };
        let store = self.store();
        rejected::resubmit_record(&store, &session.account, entity, id, branch_id).await?;
        self.rejected.set(rejected::list(&store).await?);
        self.refresh_pending().await;
        self.sync_now();
        Ok(())
    }

    /// Try every photo refused for good again (待发送's one button for them all, once the
    /// office mended what refused them): their records wait to be sent again, and a sync
    /// follows. Returns how many photos.
    pub async fn retry_refused_photos(&self) -> Result<usize, crate::store::StoreError> {
        let store = self.store();
        let cleared = store.clear_every_photo_refusal().await?;
        self.refresh_pending().await;
        if cleared > 0 {
            self.sync_now();
        }
        Ok(cleared)
    }

    /// Give up the refused photos of record `entity`/`id` (the person confirmed it): the
    /// office will not get them, and they no longer count.
    pub async fn abandon_photos(
        &self,
        entity: EntityKind,
        id: uuid::Uuid,
    ) -> Result<usize, crate::store::StoreError> {
        let given_up = self.store().abandon_refused_photos_of(entity, id).await?;
        self.refresh_pending().await;
        Ok(given_up)
    }

    /// Probe the office server for the life of the app (see [`connection`]): the connection
    /// state follows what it answers, and a server that comes back is synced with at once.
    async fn watch_server(self) {
        loop {
            let Some(heard_at) = self.heard_at.try_with_value(|h| h.get()) else { return };
            let up = self.connection.get_untracked() == Connection::Connected;
            if up
                && js_sys::Date::now() - heard_at < f64::from(Connection::Connected.next_probe_ms())
            {
                // The live-update wait answered within the probe's period: no need to ask.
                self.wait_while_connected(Connection::Connected.next_probe_ms()).await;
                continue;
            }
            let server = self.credentials.with_untracked(|s| s.as_ref().map(|s| s.server.clone()));
            let answered = connection::probe(&server.unwrap_or_default()).await;
            let now = Connection::from_probe(online::is_online(), answered);
            let before = self.connection.get_untracked();
            if self.connection.try_set(now).is_some() {
                return; // the app is gone
            }
            let pending = self.counts.get_untracked().pending > 0;
            if now == Connection::Connected && before != Connection::Connected && pending {
                self.sync_now();
            }
            self.wait_while_connected(now.next_probe_ms()).await;
        }
    }

    /// Wait `ms` before the next probe; while the office answers, no longer than until a run
    /// has failed to reach it (the connection is then no longer `Connected`) and the next
    /// [`connection::PROBE_DOWN_MS`] step has passed. Otherwise the top bar would say
    /// 有网络但连不上办公室 for up to a minute after the office is back (the probe slept its
    /// minute), and a tablet with work pending would wait for its run's retry to learn it.
    async fn wait_while_connected(&self, ms: u32) {
        let mut left = ms;
        while left > 0 {
            let step = left.min(connection::PROBE_DOWN_MS);
            TimeoutFuture::new(step).await;
            left -= step;
            if self.connection.try_get_untracked() != Some(Connection::Connected) {
                return;
            }
        }
    }

    /// The server answered a live-update wait just now ([`super::live`]).
    pub(crate) fn heard_from_server(&self) {
        let _ = self.heard_at.try_with_value(|h| h.set(js_sys::Date::now()));
    }

    /// Forget the device token.
    pub async fn sign_out(&self) -> Result<(), crate::store::StoreError> {
        session::sign_out(&self.store()).await?;
        self.credentials.set(None);
        Ok(())
    }

    /// Dismiss or queue again kept rejections.
    pub async fn settle_rejected(
        &self,
        ids: &[uuid::Uuid],
        requeue: bool,
    ) -> Result<(), crate::store::StoreError> {
        let store = self.store();
        if requeue {
            rejected::requeue(&store, ids).await?;
        } else {
            rejected::dismiss(&store, ids).await?;
        }
        self.rejected.set(rejected::list(&store).await?);
        self.refresh_pending().await;
        if requeue {
            self.sync_now();
        }
        Ok(())
    }

    /// Re-read the delivery counts (the top bar's and the sync screen's 待同步). Called at the
    /// end of work that may outlive the app (a save as a form is left): once it is gone, nothing.
    pub async fn refresh_pending(&self) {
        let Some(store) = self.store.try_get_value() else { return };
        if let Ok(counts) = delivery_counts(&store).await {
            let _ = self.counts.try_set(counts);
        }
        let _ = self.on_change.try_with_value(|f| f());
    }

    async fn load(&self) {
        let Some(store) = self.store.try_get_value() else { return };
        match session::load(&store).await {
            Ok(s) => self.credentials.set(s),
            Err(e) => log::warn!("could not read the sign-in: {e}"),
        }
        self.credentials_read.set(true);
        let last = store.meta_get::<f64>(LAST_SUCCESS_KEY).await.ok().flatten();
        self.status.update(|s| s.last_success_ms = last);
        if let Ok(list) = rejected::list(&store).await {
            self.rejected.set(list);
        }
        self.refresh_pending().await;
    }

    /// One guarded run: at most one at a time (a second call while one runs is refused with
    /// [`SyncError::Busy`]). Updates the status signal throughout.
    pub async fn run(&self) -> Result<SyncReport, SyncError> {
        let busy = self.busy.get_value();
        if busy.replace(true) {
            return Err(SyncError::Busy);
        }
        let result = self.run_guarded().await;
        busy.set(false);
        let now = js_sys::Date::now();
        let store = self.store();
        match &result {
            Ok(report) => {
                self.connection.set(Connection::Connected);
                // A run that found the server's data restored keeps a notice: the shell reads
                // the kept notices again when this moves.
                if report.changed_records > 0 || report.resent_after_restore.is_some() {
                    self.data_version.update(|v| *v += 1);
                }
                // Every refusal still open, not only this run's: a run that sent nothing because
                // everything left is refused or held back is no 成功 either.
                let open = rejected::list(&store).await.unwrap_or_else(|_| report.rejected.clone());
                let left = refusal_summary(&open, report.held);
                if left.is_none() {
                    let _ = store.meta_set(LAST_SUCCESS_KEY, &now).await;
                }
                self.rejected.set(open);
                self.status.update(|s| {
                    if left.is_none() {
                        s.last_success_ms = Some(now);
                    }
                    s.last_error = left;
                });
                self.upgrade_required.set(false);
            }
            Err(e) => {
                if matches!(e, SyncError::Offline | SyncError::Timeout) {
                    self.connection.set(Connection::from_probe(online::is_online(), false));
                }
                if *e == SyncError::UpgradeRequired {
                    // A new version may already be on the server: have the browser look now
                    // rather than at its next navigation, so 有新版本 shows as soon as it can.
                    crate::pwa::service_worker::check_for_update();
                }
                if *e == SyncError::UpgradeRequired {
                    self.upgrade_required.set(true);
                }
                self.status.update(|s| s.last_error = Some(e.to_string()))
            }
        }
        self.status.update(|s| {
            s.running = false;
            s.phase = Phase::Idle;
        });
        self.refresh_pending().await;
        if result.is_ok() {
            self.report().await;
        }
        result
    }

    /// Tell the office what this tablet still holds (待同步, 需处理, conflicts, the oldest
    /// unsent change), so its device list shows which tablet has work that has not arrived.
    /// A report that does not arrive is only logged: the next run sends a new one.
    async fn report(&self) {
        let Some(session) = self.credentials.get_untracked() else { return };
        let store = self.store();
        let counts = self.counts.get_untracked();
        let conflicts = store.conflicts().await.map(|c| c.len()).unwrap_or(0);
        // The oldest change not accepted yet: queued, or set aside as refused.
        let queued =
            store.outbox_batch(1).await.ok().and_then(|e| e.first().map(|e| e.op.hlc.millis));
        let refused = rejected::list(&store).await.unwrap_or_default();
        let oldest_unsent = refused.iter().map(|r| r.op.hlc.millis).chain(queued).min().map(|ms| {
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
                .to_iso_string()
                .as_string()
                .unwrap_or_default()
        });
        let report = shared::sync::DeviceReport {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            pending: counts.pending,
            refused: counts.needs_action,
            conflicts: conflicts as u32,
            oldest_unsent,
        };
        if let Err(e) = super::transport::report(&session.http(), &report).await {
            log::info!("the device report did not arrive: {e}");
        }
    }

    async fn run_guarded(&self) -> Result<SyncReport, SyncError> {
        let Some(session) = self.credentials.get_untracked() else {
            return Err(SyncError::NotSignedIn);
        };
        self.status.update(|s| {
            s.running = true;
            s.done = 0;
            s.total = 0;
        });
        let status = self.status;
        let progress = move |phase: Phase, done: u32, total: u32| {
            status.update(|s| {
                s.phase = phase;
                s.done = done;
                s.total = total;
            });
        };
        let store = self.store();
        let result = run_once_as(&store, &session.http(), Some(&session.account), &progress).await;
        // Photos count in 待同步 too: a run that only uploaded photos changes the figures.
        if result.as_ref().is_ok_and(|r| r.pushed > 0 || r.uploaded > 0) || result.is_err() {
            self.refresh_pending().await;
        }
        result
    }

    /// The loop itself; started through [`crate::split::sync_loop`], which loads it as
    /// its own wasm chunk in release builds.
    pub(crate) async fn run_loop(self, mut wake: UnboundedReceiver<()>) {
        // Gone while its chunk loaded: nothing to run for.
        let Some(store) = self.store.try_get_value() else { return };
        leptos::task::spawn_local(super::live::follow(self));
        // The outbox's copy outside IndexedDB follows it from here: this code is in the sync
        // loop's chunk, not the first load.
        super::mirror::follow(store);
        let mut failures: u32 = 0;
        loop {
            let delay = if failures == 0 {
                PERIOD_MS
            } else {
                backoff_ms(failures - 1, js_sys::Math::random())
            };
            self.status.update(|s| s.next_attempt_ms = Some(js_sys::Date::now() + delay as f64));
            let timer = TimeoutFuture::new(delay.min(u64::from(u32::MAX)) as u32);
            if let Either::Right((None, _)) = select(timer, wake.next()).await {
                return; // the app is gone
            }
            // Several requests while waiting make one run.
            while wake.try_recv().is_ok() {}
            if !online::is_online() || self.credentials.get_untracked().is_none() {
                continue;
            }
            match self.run().await {
                Ok(_) => failures = 0,
                Err(SyncError::Busy) => {}
                Err(e) if e.is_transient() => failures = failures.saturating_add(1),
                Err(_) => failures = 0,
            }
        }
    }
}

/// 待同步 N and 需处理 M as stored now: records with queued changes, photos not uploaded yet
/// or open refusals.
pub async fn delivery_counts(store: &Store) -> Result<DeliveryCounts, StoreError> {
    let to_send = store.records_to_send().await?;
    let mut refused = rejected::refused_records(&rejected::list(store).await?);
    refused.extend(to_send.photo_refusals.keys().copied());
    let facts =
        shared::delivery::DeliveryFacts { queued: to_send.records, refused, ..Default::default() };
    Ok(facts.counts())
}

/// Give every change saved before anyone signed in on this tablet to `author` (queued ones and
/// refusals kept from an older version of the app, which are queued again), and note each in
/// `meta` for the change history. Returns how many changes were adopted.
pub async fn adopt_unsigned(store: &Store, author: &str) -> Result<usize, StoreError> {
    let mut adopted: Vec<Uuid> =
        store.adopt_unsigned(author).await?.into_iter().map(|op| op.id).collect();
    let unsigned: Vec<Uuid> = rejected::list(store)
        .await?
        .into_iter()
        .filter(|r| r.op.author.is_empty())
        .map(|r| r.op.id)
        .collect();
    if !unsigned.is_empty() {
        rejected::requeue(store, &unsigned).await?;
        adopted.extend(store.adopt_unsigned(author).await?.into_iter().map(|op| op.id));
    }
    if adopted.is_empty() {
        return Ok(0);
    }
    let now = js_sys::Date::now();
    let mut notes: Vec<Adoption> = store.meta_get(meta_keys::ADOPTED).await?.unwrap_or_default();
    notes.extend(adopted.iter().map(|id| Adoption {
        op_id: *id,
        author: author.to_owned(),
        at_ms: now,
    }));
    store.meta_set(meta_keys::ADOPTED, &notes).await?;
    Ok(adopted.len())
}
