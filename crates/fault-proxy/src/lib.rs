//! A fault proxy: a TCP relay between a tablet (or any client) and the server that, connection
//! by connection, passes bytes through or breaks them the ways field networks do — a
//! connection refused, a long delay, a request cut mid-body, an answer cut mid-body, an answer
//! held back until the client has given up. What it does is drawn at random from a seed the
//! test prints, so a failure can be replayed; or one fault is put on every exchange (an answer
//! held back, a body stalled after its head, a body trickled a byte at a time).
//!
//! It works on the byte stream, below HTTP, one exchange at a time: bytes from the client after
//! the server has answered begin a new exchange (the next request on a kept-alive connection),
//! and each exchange draws its own fault under the plan in force when it begins. So a plan
//! change reaches connections the browser keeps open, as a failing link would.
//!
//! [`slow_line`] is the other kind of bad network: slow 4G, every connection of the line sharing
//! its bytes a second (the benchmark's first visit, the e2e suite's first visits over it).

pub mod slow_line;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
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
    /// Relay the request whole and the answer's head (its status line and headers) and first
    /// body byte, then nothing more until the client gives up or the time has passed, and
    /// close: the client has an answer whose body never comes.
    StallBody(Duration),
    /// Relay the request whole and the answer's head at once, then its body one byte at a time,
    /// this long apart: an answer that takes long to come whole, but never stops coming.
    Trickle(Duration),
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
            Fault::StallBody(_) => "stall-body",
            Fault::Trickle(_) => "trickle",
        }
    }
}

/// How often connections are broken: `probability` of a fault per connection, the faults
/// drawn evenly among the kinds the plan allows; or one fault on every exchange (`every`).
#[derive(Clone, Copy, Debug)]
pub struct FaultPlan {
    pub probability: f64,
    /// How long a [`Fault::AnswerLate`] holds the answer (longer than the client's timeout);
    /// `None`: no answer is held back.
    pub late: Option<Duration>,
    /// The longest [`Fault::Delay`].
    pub max_delay: Duration,
    /// This fault on every exchange, nothing drawn.
    pub every: Option<Fault>,
}

impl FaultPlan {
    /// Every connection passes.
    pub const CLEAR: FaultPlan =
        FaultPlan { probability: 0.0, late: None, max_delay: Duration::ZERO, every: None };

    /// Faults on `probability` of the connections: refused, delayed up to 1.5 s, cut in either
    /// direction, and — when `late` is given — answers held back that long.
    pub fn faulty(probability: f64, late: Option<Duration>) -> Self {
        FaultPlan { probability, late, max_delay: Duration::from_millis(1500), every: None }
    }

    /// `fault` on every exchange.
    pub fn every(fault: Fault) -> Self {
        FaultPlan { every: Some(fault), ..FaultPlan::CLEAR }
    }

    /// Every connection's answer is held back `late`: the server does the work, the client
    /// gives up waiting.
    pub fn answer_late(late: Duration) -> Self {
        FaultPlan::every(Fault::AnswerLate(late))
    }

    /// Every connection's answer stops after its head for `hold`: the server has answered, the
    /// client waits for a body that does not come.
    pub fn stall_body(hold: Duration) -> Self {
        FaultPlan::every(Fault::StallBody(hold))
    }

    /// Every connection's answer comes with its head at once and its body a byte every `gap`:
    /// slow, never stopped.
    pub fn trickle(gap: Duration) -> Self {
        FaultPlan::every(Fault::Trickle(gap))
    }
}

struct State {
    plan: FaultPlan,
    rng: StdRng,
    injected: BTreeMap<&'static str, usize>,
    /// The first line of each exchange's request, in the order they began.
    requests: Vec<String>,
    /// The answers held back ([`Fault::AnswerLate`], [`Fault::StallBody`]) whose hold has ended,
    /// in that order.
    held: Vec<HeldAnswer>,
}

/// An answer the proxy held back, whole ([`Fault::AnswerLate`]) or all but its head
/// ([`Fault::StallBody`]), once its hold has ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldAnswer {
    /// The first line of its request (`GET /healthz HTTP/1.1`).
    pub request: String,
    /// How long after the hold began the client closed the connection, having given up
    /// (aborted the request); `None`: the client still held it open when the hold ended.
    pub given_up_after: Option<Duration>,
}

/// The most of a request's first line kept (`GET /path HTTP/1.1`).
const REQUEST_LINE_MAX: usize = 300;

/// The first line of what a client sent, lossily decoded, at most [`REQUEST_LINE_MAX`] bytes.
fn first_line(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end.min(REQUEST_LINE_MAX)]).into_owned()
}

impl State {
    /// The fault of the next exchange, counted.
    fn next(&mut self) -> Fault {
        let fault = self.draw();
        if fault != Fault::Pass {
            *self.injected.entry(fault.kind()).or_default() += 1;
        }
        fault
    }

    fn draw(&mut self) -> Fault {
        let plan = self.plan;
        if let Some(fault) = plan.every {
            return fault;
        }
        if plan.probability <= 0.0 || !self.rng.random_bool(plan.probability.min(1.0)) {
            return Fault::Pass;
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
            requests: Vec::new(),
            held: Vec::new(),
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            let upstream = SocketAddr::from((Ipv4Addr::LOCALHOST, upstream));
            loop {
                match listener.accept().await {
                    Ok((client, _)) => drop(tokio::spawn(relay(client, upstream, shared.clone()))),
                    // A connection the client reset before it was taken (a browser giving up
                    // on a server that refuses): the next one is taken as ever. Out of file
                    // descriptors: a moment for connections to close.
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
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
        lock(&self.state).plan = plan;
    }

    /// The faults injected so far, by kind.
    pub fn injected(&self) -> BTreeMap<&'static str, usize> {
        lock(&self.state).injected.clone()
    }

    /// The first line of every request relayed so far (`GET /path HTTP/1.1`), in order: what
    /// reached the server over this line, by whatever part of the browser (the page, its
    /// service worker).
    pub fn requests(&self) -> Vec<String> {
        lock(&self.state).requests.clone()
    }

    /// The answers held back so far whose hold has ended (one still held is not here yet).
    pub fn held_answers(&self) -> Vec<HeldAnswer> {
        lock(&self.state).held.clone()
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

fn next_fault(state: &Mutex<State>) -> Fault {
    lock(state).next()
}

/// The proxy's state, also after a relay task panicked holding it: every change to it is one
/// assignment or one counter step, so a panic cannot leave it half-written.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Relay one client connection, exchange by exchange.
async fn relay(client: TcpStream, upstream: SocketAddr, state: Arc<Mutex<State>>) {
    let _ = exchange_loop(client, upstream, &state).await;
}

async fn exchange_loop(
    mut client: TcpStream,
    upstream: SocketAddr,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let mut fault = next_fault(state);
    if fault == Fault::Refuse {
        // Reset rather than a polite close, as a dropped link looks to the client.
        return client.set_zero_linger();
    }
    let mut server = TcpStream::connect(upstream).await?;
    let (mut to_server, mut to_client) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
    // Bytes of this exchange relayed so far each way; whether the server has begun answering.
    let (mut sent, mut answered, mut answering) = (0usize, 0usize, false);
    // The first line of this exchange's request (logged with a held answer).
    let mut request = String::new();
    // Where the answer's head ends in what was read from the server (StallBody, Trickle): the
    // head so far, and the bytes of each read past it.
    let mut head: Vec<u8> = Vec::new();
    let mut head_whole = false;
    loop {
        tokio::select! {
            read = client.read(&mut to_server) => {
                let read = read?;
                if read == 0 {
                    return Ok(());
                }
                if answering {
                    // The next request on this connection: a new exchange, a new draw.
                    fault = next_fault(state);
                    (sent, answered, answering) = (0, 0, false);
                    head.clear();
                    head_whole = false;
                    if fault == Fault::Refuse {
                        return client.set_zero_linger();
                    }
                }
                if sent == 0 {
                    request = first_line(&to_server[..read]);
                    lock(state).requests.push(request.clone());
                }
                if sent == 0 && let Fault::Delay(d) = fault {
                    tokio::time::sleep(d).await;
                }
                let take = match fault {
                    Fault::CutRequest(n) => read.min(n - sent),
                    _ => read,
                };
                server.write_all(&to_server[..take]).await?;
                sent += take;
                if let Fault::CutRequest(n) = fault && sent >= n {
                    return client.set_zero_linger();
                }
            }
            read = server.read(&mut to_client) => {
                let read = read?;
                if read == 0 {
                    return Ok(());
                }
                answering = true;
                match fault {
                    Fault::AnswerLate(hold) => {
                        // The server has answered; the client hears nothing until it gives up
                        // (closes), or until `hold` has passed.
                        drop(server);
                        return hold_back(client, hold, request, state).await;
                    }
                    Fault::StallBody(hold) => {
                        let Some(body_at) = past_head(&mut head, &to_client[..read]) else {
                            // The head is not whole yet: relay it, read on.
                            client.write_all(&to_client[..read]).await?;
                            continue;
                        };
                        if !has_body(&head) {
                            // Nothing to hold back: the answer is whole; the connection passes.
                            client.write_all(&to_client[..read]).await?;
                            fault = Fault::Pass;
                            continue;
                        }
                        // The head and one byte of the body (when the server sent one).
                        let take = (body_at + 1).min(read);
                        client.write_all(&to_client[..take]).await?;
                        drop(server);
                        return hold_back(client, hold, request, state).await;
                    }
                    Fault::Trickle(gap) => {
                        let mut body = &to_client[..read];
                        if !head_whole {
                            let Some(body_at) = past_head(&mut head, body) else {
                                client.write_all(body).await?;
                                continue;
                            };
                            client.write_all(&body[..body_at]).await?;
                            body = &body[body_at..];
                            head_whole = true;
                        }
                        for byte in body {
                            tokio::time::sleep(gap).await;
                            client.write_all(std::slice::from_ref(byte)).await?;
                        }
                    }
                    Fault::CutResponse(n) => {
                        let take = read.min(n - answered);
                        client.write_all(&to_client[..take]).await?;
                        answered += take;
                        if answered >= n {
                            return client.set_zero_linger();
                        }
                    }
                    _ => client.write_all(&to_client[..read]).await?,
                }
            }
        }
    }
}

/// Where an HTTP answer's head ends (just past its blank line), if `bytes` hold all of it.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4)
}

/// `read`, the next bytes of an answer whose head is not whole yet, joins `head`; once the head
/// is whole, where its body begins in `read`.
fn past_head(head: &mut Vec<u8>, read: &[u8]) -> Option<usize> {
    let seen = head.len();
    head.extend_from_slice(read);
    let end = head_end(head)?;
    // The head's last byte is in `read` (the bytes before it did not hold the whole head).
    head.truncate(end);
    Some(end - seen)
}

/// Whether an answer with this head has a body to come: not a 1xx, 204 or 304, nor one of
/// `Content-Length: 0`.
fn has_body(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap_or("");
    let bodiless = status.starts_with('1') || status == "204" || status == "304";
    !bodiless && !head.lines().any(|line| line.replace(' ', "") == "content-length:0")
}

/// Hold the rest of an answer back: nothing more reaches the client until it gives up (closes
/// its side) or `hold` has passed; then close, and log which it was.
async fn hold_back(
    mut client: TcpStream,
    hold: Duration,
    request: String,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let mut rest = [0u8; 1024];
    let began = tokio::time::Instant::now();
    let given_up = tokio::time::timeout(hold, async {
        while client.read(&mut rest).await.is_ok_and(|n| n > 0) {}
    })
    .await
    .is_ok();
    let given_up_after = given_up.then(|| began.elapsed());
    lock(state).held.push(HeldAnswer { request, given_up_after });
    client.set_zero_linger()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_logged_by_its_first_line_bounded() {
        assert_eq!(first_line(b"GET /sw.js HTTP/1.1\r\nHost: x\r\n\r\n"), "GET /sw.js HTTP/1.1");
        assert_eq!(first_line(b"GET /a"), "GET /a");
        let long = [b'a'; 1000];
        assert_eq!(first_line(&long).len(), REQUEST_LINE_MAX);
        assert_eq!(first_line(b"\xff\xfe\r\n"), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn an_answers_body_is_found_past_its_head_across_reads() {
        let mut head = Vec::new();
        assert_eq!(past_head(&mut head, b"HTTP/1.1 200 OK\r\nA: b\r"), None);
        assert_eq!(past_head(&mut head, b"\n\r\n{}"), Some(3));
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n");
        assert!(has_body(&head));
        assert!(!has_body(b"HTTP/1.1 204 No Content\r\n\r\n"));
        assert!(!has_body(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assert!(has_body(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n"));
    }

    #[test]
    fn an_answers_head_ends_past_its_blank_line() {
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n{}"), Some(25));
        assert_eq!(head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n"), None);
        assert_eq!(head_end(b""), None);
    }
}
