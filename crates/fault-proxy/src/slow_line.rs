//! A slow line between the browser and the server: a TCP relay on a loopback port whose
//! connections share one budget of bytes a second each way (a phone's one radio link, not a
//! budget per connection), and wait a round trip before each connection opens. What the
//! benchmark's first visit over a slow line runs through (`bench::first_visit`), and the e2e
//! suite's (`lazy_chunks`): unlike DevTools' network emulation, it
//! slows the service worker's fetches as much as the page's, and makes them share the line.
//!
//! The round trip is paid when a connection opens ([`Latency::Connection`], the default: a lower
//! bound of what latency costs), or also by every byte, half of it each way
//! ([`Latency::EveryPiece`], `--line-latency every-piece`, since session 45): as on a radio link,
//! where each request waits a round trip for its answer's first byte, on a kept connection too.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What a line carries.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// Server to browser, bytes a second.
    pub down_bytes_per_s: u32,
    /// Browser to server, bytes a second.
    pub up_bytes_per_s: u32,
    /// Waited before each new connection reaches the server.
    pub round_trip: Duration,
    /// Whether the round trip is also paid by every byte.
    pub latency: Latency,
}

/// What pays a line's round trip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Latency {
    /// A new connection only.
    #[default]
    Connection,
    /// A new connection, and every piece of bytes, half the round trip each way after the
    /// line's budget let it go: a request's answer begins a round trip after the request was
    /// sent, and the pieces behind it follow as the budget allows (they are not held back one
    /// by one).
    EveryPiece,
}

impl Latency {
    /// `--line-latency`: `connection` or `every-piece`.
    pub fn parse(text: &str) -> Option<Latency> {
        match text {
            "connection" => Some(Latency::Connection),
            "every-piece" => Some(Latency::EveryPiece),
            _ => None,
        }
    }

    /// What pays the round trip, for the printed table.
    pub fn describe(self) -> &'static str {
        match self {
            Latency::Connection => "each new connection",
            Latency::EveryPiece => "each new connection and each request",
        }
    }
}

impl Line {
    /// Lighthouse's "slow 4G" (its simulated mobile profile): 1.6 Mbit/s down, 750 kbit/s up,
    /// 150 ms round trip.
    pub const SLOW_4G: Line = Line {
        down_bytes_per_s: 1_600_000 / 8,
        up_bytes_per_s: 750_000 / 8,
        round_trip: Duration::from_millis(150),
        latency: Latency::Connection,
    };

    /// What each piece waits, each way, once the budget let it go.
    fn one_way_delay(&self) -> Duration {
        match self.latency {
            Latency::Connection => Duration::ZERO,
            Latency::EveryPiece => self.round_trip / 2,
        }
    }
}

/// The most bytes moved at once: the line's budget is taken in pieces this large, so no
/// connection sends a burst past the others.
const PIECE: usize = 4 * 1024;

/// A running relay; stops accepting connections when dropped (those open go on until either
/// side closes them).
pub struct SlowLine {
    /// `http://127.0.0.1:<port>`: the server, through the line.
    pub origin: String,
    accept: JoinHandle<()>,
}

impl Drop for SlowLine {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl SlowLine {
    /// Relay a free loopback port to `server` over `line`.
    pub async fn start(server: SocketAddr, line: Line) -> std::io::Result<SlowLine> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let origin = format!("http://{}", listener.local_addr()?);
        let down = Arc::new(budget(line.down_bytes_per_s));
        let up = Arc::new(budget(line.up_bytes_per_s));
        let accept = tokio::spawn(async move {
            while let Ok((browser, _)) = listener.accept().await {
                let (down, up) = (Arc::clone(&down), Arc::clone(&up));
                tokio::spawn(async move {
                    tokio::time::sleep(line.round_trip).await;
                    let Ok(server) = TcpStream::connect(server).await else { return };
                    let _ = browser.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (browser_in, browser_out) = browser.into_split();
                    let (server_in, server_out) = server.into_split();
                    let delay = line.one_way_delay();
                    tokio::join!(
                        relay(browser_in, server_out, &up, delay),
                        relay(server_in, browser_out, &down, delay)
                    );
                });
            }
        });
        Ok(SlowLine { origin, accept })
    }
}

fn budget(bytes_per_s: u32) -> DefaultDirectRateLimiter {
    let rate = NonZeroU32::new(bytes_per_s.max(PIECE as u32)).unwrap_or(NonZeroU32::MIN);
    let piece = NonZeroU32::new(PIECE as u32).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(rate).allow_burst(piece))
}

/// Copy `from` to `to`, each piece once the line's budget allows it and `delay` after that,
/// until either side closes. The pieces on their way are held in order, so a delay holds back
/// each piece, not the line.
async fn relay(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    line: &DefaultDirectRateLimiter,
    delay: Duration,
) {
    let mut buffer = vec![0u8; PIECE];
    if delay.is_zero() {
        // As before `Latency::EveryPiece`: each piece written before the next is read, so a
        // receiver that stops reading stops the sender too.
        while let Some(n) = next_piece(&mut from, &mut buffer, line).await {
            if to.write_all(&buffer[..n]).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
        return;
    }
    let (on_the_way, mut arriving) =
        tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let send = async move {
        while let Some(n) = next_piece(&mut from, &mut buffer, line).await {
            let at = tokio::time::Instant::now() + delay;
            if on_the_way.send((at, buffer[..n].to_vec())).is_err() {
                break; // the other side closed
            }
        }
    };
    let deliver = async move {
        while let Some((at, piece)) = arriving.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&piece).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(send, deliver);
}

/// The next piece read from `from` into `buffer`, once the line's budget lets it go: its length,
/// or `None` when `from` is closed.
async fn next_piece(
    from: &mut (impl AsyncRead + Unpin),
    buffer: &mut [u8],
    line: &DefaultDirectRateLimiter,
) -> Option<usize> {
    let n = match from.read(buffer).await {
        Ok(0) | Err(_) => return None,
        Ok(n) => n,
    };
    if let Some(pieces) = NonZeroU32::new(n as u32)
        && line.until_n_ready(pieces).await.is_err()
    {
        return None; // cannot happen: a piece is never more than the burst
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 KB through a 128 KB/s line take about half a second (the first piece is free), and
    /// arrive whole and in order, with and without each piece's delay.
    #[tokio::test]
    async fn the_line_holds_its_rate_and_loses_nothing() {
        for latency in [Latency::Connection, Latency::EveryPiece] {
            holds_its_rate_and_loses_nothing(latency).await;
        }
    }

    async fn holds_its_rate_and_loses_nothing(latency: Latency) {
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = server.local_addr().unwrap();
        let sent: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
        let body = sent.clone();
        tokio::spawn(async move {
            let (mut socket, _) = server.accept().await.unwrap();
            socket.write_all(&body).await.unwrap();
            socket.shutdown().await.unwrap();
        });
        let line = Line {
            down_bytes_per_s: 128 * 1024,
            up_bytes_per_s: 128 * 1024,
            round_trip: Duration::from_millis(50),
            latency,
        };
        let relay = SlowLine::start(address, line).await.unwrap();
        let started = std::time::Instant::now();
        let mut socket =
            TcpStream::connect(relay.origin.trim_start_matches("http://")).await.unwrap();
        let mut received = Vec::new();
        socket.read_to_end(&mut received).await.unwrap();
        let took = started.elapsed();
        assert_eq!(received, sent, "{latency:?}");
        assert!(
            took >= Duration::from_millis(400),
            "64 KB at 128 KB/s took {took:?} ({latency:?})"
        );
    }

    /// With every piece paying the round trip, each of three requests on one kept connection
    /// waits a round trip for its answer (the connection's own round trip comes first); with
    /// the connection alone paying it, only the first does.
    #[tokio::test]
    async fn every_request_on_a_kept_connection_waits_a_round_trip() {
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = server.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = server.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut byte = [0u8; 1];
                    // An echo of one byte: a request and its answer.
                    while socket.read_exact(&mut byte).await.is_ok() {
                        socket.write_all(&byte).await.unwrap();
                    }
                });
            }
        });
        let round_trip = Duration::from_millis(100);
        let mut took = Vec::new();
        for latency in [Latency::Connection, Latency::EveryPiece] {
            let line = Line {
                down_bytes_per_s: 1024 * 1024,
                up_bytes_per_s: 1024 * 1024,
                round_trip,
                latency,
            };
            let relay = SlowLine::start(address, line).await.unwrap();
            let started = std::time::Instant::now();
            let mut socket =
                TcpStream::connect(relay.origin.trim_start_matches("http://")).await.unwrap();
            for request in 0..3u8 {
                socket.write_all(&[request]).await.unwrap();
                let mut answer = [0u8; 1];
                socket.read_exact(&mut answer).await.unwrap();
                assert_eq!(answer, [request]);
            }
            took.push(started.elapsed());
        }
        let (connection, every_piece) = (took[0], took[1]);
        assert!(
            connection >= round_trip && connection < 2 * round_trip,
            "the connection's round trip alone: {connection:?}"
        );
        assert!(
            every_piece >= 4 * round_trip && every_piece < 6 * round_trip,
            "the connection's and three requests' round trips: {every_piece:?}"
        );
    }

    #[test]
    fn reads_the_latency_option() {
        assert_eq!(Latency::parse("connection"), Some(Latency::Connection));
        assert_eq!(Latency::parse("every-piece"), Some(Latency::EveryPiece));
        assert_eq!(Latency::parse("request"), None);
        // As the results' JSON names it, the option's own words.
        for latency in [Latency::Connection, Latency::EveryPiece] {
            let named = serde_json::to_value(latency).unwrap();
            assert_eq!(Latency::parse(named.as_str().unwrap()), Some(latency));
        }
    }
}
