//! Live updates: a tablet on the office's network holds `GET /api/v1/sync/wait` open and is
//! answered the moment something it may see is stored, instead of finding it at its next
//! five-minute sync.
//!
//! One watcher per process reads the last sequence number of every town (`Store::latest_seqs`:
//! one indexed query) once a second, and at once when this process stored something
//! ([`Changes::poke`]); pushes through another process of the same database are seen within
//! that second. A waiting request sleeps until its towns' numbers move, then checks with a pull
//! of one operation whether any of it is for the caller (its branches, its role), so a change
//! in another branch or town wakes it for one cheap query and nothing is answered.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, oneshot, watch};

use crate::store::{Scope, Store};

/// How often the watcher looks at the database when this process stored nothing.
pub const POLL: Duration = Duration::from_secs(1);

/// The last sequence number per town, as the watcher last read it.
type Latest = Arc<HashMap<i64, u64>>;

pub struct Changes {
    latest: watch::Sender<Latest>,
    poke: Arc<Notify>,
    watcher: OnceLock<()>,
}

impl Default for Changes {
    fn default() -> Self {
        Self::new()
    }
}

impl Changes {
    pub fn new() -> Self {
        Self {
            latest: watch::Sender::new(Arc::new(HashMap::new())),
            poke: Arc::new(Notify::new()),
            watcher: OnceLock::new(),
        }
    }

    /// This process stored operations: look now rather than at the next tick.
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// A receiver of the towns' numbers; starts the watcher on first use (it runs as long as
    /// the runtime that asked).
    pub fn subscribe(&self, store: &Arc<dyn Store>) -> Waiter {
        self.watcher.get_or_init(|| {
            let (latest, poke, store) = (self.latest.clone(), self.poke.clone(), store.clone());
            tokio::spawn(watch_store(store, latest, poke));
        });
        Waiter { rx: self.latest.subscribe() }
    }
}

async fn watch_store(store: Arc<dyn Store>, latest: watch::Sender<Latest>, poke: Arc<Notify>) {
    loop {
        match store.latest_seqs().await {
            Ok(rows) => {
                let now: HashMap<i64, u64> = rows.into_iter().collect();
                latest.send_if_modified(|held| {
                    let moved = **held != now;
                    if moved {
                        *held = Arc::new(now);
                    }
                    moved
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "live updates: could not read the last operations")
            }
        }
        if Arc::strong_count(&poke) == 1 {
            return; // the server's state is gone (only this task holds the notifier)
        }
        let _ = tokio::time::timeout(POLL, poke.notified()).await;
    }
}

/// One waiting request's view of the towns' numbers.
pub struct Waiter {
    rx: watch::Receiver<Latest>,
}

impl Waiter {
    /// The highest number among the towns `scope` reaches: taken before checking for news, so
    /// that something stored between the check and the wait still wakes it.
    pub fn mark(&self, scope: Scope) -> u64 {
        let latest = self.rx.borrow();
        match scope.town() {
            Some(town) => latest.get(&town).copied().unwrap_or(0),
            None => latest.values().copied().max().unwrap_or(0),
        }
    }

    /// Returns once the towns `scope` reaches are past `mark`.
    pub async fn changed_since(&mut self, scope: Scope, mark: u64) {
        if self.mark(scope) != mark {
            return;
        }
        loop {
            if self.rx.changed().await.is_err() {
                // The watcher is gone (the server stops): never wake.
                std::future::pending::<()>().await;
            }
            if self.mark(scope) != mark {
                return;
            }
        }
    }
}

/// Why a live-update wait was answered at once, `503 busy` (the tablet pauses and asks again
/// later, backing off; nothing is lost: a wait is only a hint to pull, and the tablet's
/// five-minute sync runs anyway).
#[derive(Debug, thiserror::Error)]
pub enum WaitRefused {
    /// A newer wait of the same device took this one's place.
    #[error("a newer wait of the same device took this one's place")]
    Replaced,
    #[error("the account already holds {0} waits")]
    AccountFull(usize),
    #[error("the server already holds {0} waits")]
    ServerFull(usize),
}

/// The live-update waits being held, bounded per device, per account and in all
/// ([`crate::limits::Limits`]). Every wait costs a one-operation pull each time its town
/// changes (through SQLite's one reader, which also checks every token): without a bound one
/// account with many connections and streams made each push cost thousands of pulls.
///
/// A device over its bound is not refused: its newest wait takes the oldest one's place (a
/// tablet that reconnected while its old request was still held), and the oldest is answered
/// [`WaitRefused::Replaced`]. An account or the server over its bound is refused at once.
/// Counted per process: several processes of one PostgreSQL deployment each have these bounds.
pub struct WaitSlots {
    per_device: usize,
    per_account: usize,
    /// Most waits held at once (lowered to half the connections served: [`WaitSlots::cap_to`]).
    total: std::sync::atomic::AtomicUsize,
    held: std::sync::Mutex<HeldWaits>,
}

#[derive(Default)]
struct HeldWaits {
    next_id: u64,
    total: usize,
    /// Per device row, oldest first: each wait's id and the way to end it early.
    by_device: HashMap<i64, VecDeque<(u64, oneshot::Sender<()>)>>,
    /// Per account (user row): how many waits.
    by_account: HashMap<i64, usize>,
}

impl WaitSlots {
    pub fn new(per_device: usize, per_account: usize, total: usize) -> Self {
        Self {
            per_device: per_device.max(1),
            per_account: per_account.max(1),
            total: std::sync::atomic::AtomicUsize::new(total.max(1)),
            held: std::sync::Mutex::default(),
        }
    }

    /// A place for a wait of `device` (its row) of `account` (its user row), held until the
    /// slot is dropped.
    /// Hold at most `connections / 2` waits: each holds a connection for up to a minute, and
    /// the others (pushes, sign-ins, the office) must find one free.
    pub fn cap_to(&self, connections: usize) {
        let most = (connections / 2).max(1);
        self.total.fetch_min(most, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn take(self: &Arc<Self>, device: i64, account: i64) -> Result<WaitSlot, WaitRefused> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let held = &mut *held;
        let id = held.next_id;
        held.next_id += 1;
        let (end, ended) = oneshot::channel();
        let device_waits = held.by_device.entry(device).or_default();
        if device_waits.len() >= self.per_device {
            // The oldest gives its place (in the account's and the server's counts) to this one.
            if let Some((_, oldest)) = device_waits.pop_front() {
                let _ = oldest.send(());
            }
        } else {
            let of_account = held.by_account.get(&account).copied().unwrap_or(0);
            let refused = if of_account >= self.per_account {
                Some(WaitRefused::AccountFull(of_account))
            } else if held.total >= self.total.load(std::sync::atomic::Ordering::Relaxed) {
                Some(WaitRefused::ServerFull(held.total))
            } else {
                None
            };
            if let Some(refused) = refused {
                if device_waits.is_empty() {
                    held.by_device.remove(&device);
                }
                return Err(refused);
            }
            held.total += 1;
            *held.by_account.entry(account).or_default() += 1;
        }
        held.by_device.entry(device).or_default().push_back((id, end));
        Ok(WaitSlot { slots: self.clone(), device, account, id, ended })
    }

    /// Waits held now.
    pub fn held(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).total
    }

    fn give_back(&self, device: i64, account: i64, id: u64) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let Some(device_waits) = held.by_device.get_mut(&device) else { return };
        // Not there: a newer wait took its place, and with it the counts.
        let Some(at) = device_waits.iter().position(|(held_id, _)| *held_id == id) else {
            return;
        };
        device_waits.remove(at);
        if device_waits.is_empty() {
            held.by_device.remove(&device);
        }
        held.total = held.total.saturating_sub(1);
        if let Some(count) = held.by_account.get_mut(&account) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.by_account.remove(&account);
            }
        }
    }
}

/// One wait's place ([`WaitSlots::take`]), given back when dropped.
pub struct WaitSlot {
    slots: Arc<WaitSlots>,
    device: i64,
    account: i64,
    id: u64,
    ended: oneshot::Receiver<()>,
}

impl WaitSlot {
    /// Completes when a newer wait of the same device took this one's place.
    pub async fn replaced(&mut self) {
        // The sender is only ever dropped after sending, or with this slot itself.
        let _ = (&mut self.ended).await;
    }
}

impl Drop for WaitSlot {
    fn drop(&mut self) {
        self.slots.give_back(self.device, self.account, self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_device_s_newest_wait_replaces_its_oldest_and_the_bounds_hold() {
        let slots = Arc::new(WaitSlots::new(2, 3, 4));
        let mut first = slots.take(1, 10).unwrap();
        let _second = slots.take(1, 10).unwrap();
        let _third = slots.take(1, 10).unwrap();
        // The first was ended, and its place went to the third.
        tokio::time::timeout(Duration::from_secs(1), first.replaced()).await.unwrap();
        assert_eq!(slots.held(), 2);
        drop(first);
        assert_eq!(slots.held(), 2, "a replaced wait gives back nothing");
        // Another device of the same account: the account's third, then refused.
        let other = slots.take(2, 10).unwrap();
        assert!(matches!(slots.take(3, 10), Err(WaitRefused::AccountFull(3))));
        // Another account: the server's fourth, then refused.
        let _fourth = slots.take(4, 20).unwrap();
        assert!(matches!(slots.take(5, 30), Err(WaitRefused::ServerFull(4))));
        drop(other);
        assert_eq!(slots.held(), 3);
        let _fifth = slots.take(5, 30).unwrap();
    }

    /// Waits never hold more than half the connections served: with 896 connections (systemd's
    /// open-file limit) 1,024 waits would leave none for a push or a sign-in.
    #[tokio::test]
    async fn waits_take_at_most_half_the_connections() {
        let slots = Arc::new(WaitSlots::new(2, 100, 1024));
        slots.cap_to(6);
        let held: Vec<WaitSlot> =
            (0..3).map(|device| slots.take(device, device).unwrap()).collect();
        assert!(matches!(slots.take(9, 9), Err(WaitRefused::ServerFull(3))));
        slots.cap_to(100_000);
        assert!(slots.take(9, 9).is_err(), "never raised again");
        drop(held);
    }
}
