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

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, watch};

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
