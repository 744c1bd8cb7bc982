//! A fault proxy: a TCP relay between a tablet (or any client) and the server that, connection
//! by connection, passes bytes through or breaks them the ways field networks do — a
//! connection refused, a long delay, a request cut mid-body, an answer cut mid-body, an answer
//! held back until the client has given up. What it does is drawn at random from a seed the
//! test prints, so a failure can be replayed.
//!
//! It works on the byte stream, below HTTP: a fault hits whatever request or answer happens to
//! be crossing the connection, which is what a dropped Wi-Fi link does too.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the proxy does to one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Relay both ways untouched.
    Pass,
    /// Accept, then close at once: nothing reaches the server.
    Refuse,
    /// Hold the first bytes for a while, then relay.
    Delay(Duration),
    /// Relay only the first bytes of what the client sends, then close both sides: the server
    /// sees a request cut mid-body.
    CutRequest(usize),
    /// Relay the request whole, then only the first bytes of the answer: the server did the
    /// work, the client never learns it.
    CutResponse(usize),
    /// Relay the request whole, then hold the answer back until long after the client's
    /// timeout, and close: the server did the work, the client gave up.
    AnswerLate(Duration),
}

impl Fault {
    /// The kind without its parameter, for counting.
    pub fn kind(self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::Refuse => "refuse",
            Fault::Delay(_) => "delay",
            Fault::CutRequest(_) => "cut-request",
            Fault::CutResponse(_) => "cut-response",
            Fault::AnswerLate(_) => "answer-late",
        }
    }
}

/// How often connections are broken: `probability` of a fault per connection, the faults
/// drawn evenly among the kinds the plan allows.
#[derive(Clone, Copy, Debug)]
pub struct FaultPlan {
    pub probability: f64,
    /// How long a [`Fault::AnswerLate`] holds the answer (longer than the client's timeout);
    /// `None`: no answer is held back.
    pub late: Option<Duration>,
    /// The longest [`Fault::Delay`].
    pub max_delay: Duration,
}

impl FaultPlan {
    /// Every connection passes.
    pub const CLEAR: FaultPlan =
        FaultPlan { probability: 0.0, late: None, max_delay: Duration::ZERO };

    /// Faults on `probability` of the connections: refused, delayed up to 1.5 s, cut in either
    /// direction, and — when `late` is given — answers held back that long.
    pub fn faulty(probability: f64, late: Option<Duration>) -> Self {
        FaultPlan { probability, late, max_delay: Duration::from_millis(1500) }
    }

    /// Every connection's answer is held back `late`: the server does the work, the client
    /// gives up waiting.
    pub fn answer_late(late: Duration) -> Self {
        FaultPlan { probability: 1.0, late: Some(late), max_delay: Duration::ZERO }
    }
}

struct State {
    plan: FaultPlan,
    rng: StdRng,
    injected: BTreeMap<&'static str, usize>,
}

impl State {
    fn draw(&mut self) -> Fault {
        let plan = self.plan;
        if plan.probability <= 0.0 || !self.rng.random_bool(plan.probability.min(1.0)) {
            return Fault::Pass;
        }
        if plan.probability >= 1.0
            && plan.max_delay.is_zero()
            && let Some(late) = plan.late
        {
            return Fault::AnswerLate(late);
        }
        let kinds = if plan.late.is_some() { 5 } else { 4 };
        match self.rng.random_range(0..kinds) {
            0 => Fault::Refuse,
            1 => {
                let most = u64::try_from(plan.max_delay.as_millis()).unwrap_or(u64::MAX).max(1);
                Fault::Delay(Duration::from_millis(self.rng.random_range(1..=most)))
            }
            2 => Fault::CutRequest(self.rng.random_range(1..600)),
            3 => Fault::CutResponse(self.rng.random_range(1..600)),
            _ => Fault::AnswerLate(plan.late.unwrap_or_default()),
        }
    }
}

/// A running fault proxy on a free loopback port; stops when dropped.
pub struct FaultProxy {
    port: u16,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Relays 127.0.0.1:<its port> to 127.0.0.1:`upstream`, starting with every connection
    /// passing; `seed` makes the faults drawn reproducible.
    pub async fn start(upstream: u16, seed: u64) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let state = Arc::new(Mutex::new(State {
            plan: FaultPlan::CLEAR,
            rng: StdRng::seed_from_u64(seed),
            injected: BTreeMap::new(),
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            let upstream = SocketAddr::from((Ipv4Addr::LOCALHOST, upstream));
            while let Ok((client, _)) = listener.accept().await {
                let fault = {
                    let mut state = shared.lock().expect("fault proxy state");
                    let fault = state.draw();
                    if fault != Fault::Pass {
                        *state.injected.entry(fault.kind()).or_default() += 1;
                    }
                    fault
                };
                tokio::spawn(relay(client, upstream, fault));
            }
        });
        Ok(FaultProxy { port, state, task })
    }

    /// The proxy's port: point the client at `http://127.0.0.1:<port>`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Change the plan for connections accepted from now on.
    pub fn set_plan(&self, plan: FaultPlan) {
        self.state.lock().expect("fault proxy state").plan = plan;
    }

    /// The faults injected so far, by kind.
    pub fn injected(&self) -> BTreeMap<&'static str, usize> {
        self.state.lock().expect("fault proxy state").injected.clone()
    }

    /// All faults injected so far.
    pub fn injected_total(&self) -> usize {
        self.injected().values().sum()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(mut client: TcpStream, upstream: SocketAddr, fault: Fault) {
    if fault == Fault::Refuse {
        // Reset rather than a polite close, as a dropped link looks to the client.
        let _ = client.set_zero_linger();
        return;
    }
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    if let Fault::Delay(d) = fault {
        tokio::time::sleep(d).await;
    }
    let (mut client_read, mut client_write) = client.split();
    let (mut server_read, mut server_write) = server.split();
    let request_limit = match fault {
        Fault::CutRequest(n) => Some(n),
        _ => None,
    };
    let (answer_limit, answer_hold) = match fault {
        Fault::CutResponse(n) => (Some(n), None),
        Fault::AnswerLate(d) => (Some(0), Some(d)),
        _ => (None, None),
    };
    let up = copy_limited(&mut client_read, &mut server_write, request_limit);
    let down = async {
        let copied = copy_limited(&mut server_read, &mut client_write, answer_limit).await;
        if let Some(hold) = answer_hold {
            tokio::time::sleep(hold).await;
        }
        copied
    };
    // Either side ending (or a limit reached) ends the connection.
    tokio::select! {
        _ = up => {},
        _ = down => {},
    }
    if request_limit.is_some() || answer_limit.is_some() {
        let _ = client.set_zero_linger();
    }
}

/// Copy until EOF, an error, or `limit` bytes (then stop: the rest is dropped). With a limit
/// of 0 the first bytes from `from` are read and dropped, so the sender has been answered by
/// the time the copy returns.
async fn copy_limited(
    from: &mut (impl AsyncReadExt + Unpin),
    to: &mut (impl AsyncWriteExt + Unpin),
    limit: Option<usize>,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 16 * 1024];
    let mut left = limit.unwrap_or(usize::MAX);
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        let take = read.min(left);
        to.write_all(&buffer[..take]).await?;
        left -= take;
        if limit.is_some() && left == 0 {
            return Ok(());
        }
    }
}
