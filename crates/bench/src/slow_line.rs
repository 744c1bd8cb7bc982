//! A slow line between the browser and the server: a TCP relay on a loopback port whose
//! connections share one budget of bytes a second each way (a phone's one radio link, not a
//! budget per connection), and wait a round trip before each connection opens. What the first
//! visit over a slow line runs through (`first_visit`): unlike DevTools' network emulation, it
//! slows the service worker's fetches as much as the page's, and makes them share the line.
//!
//! The round trip is paid when a connection opens, not per request on a connection kept open:
//! a lower bound of what latency costs.

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
}

impl Line {
    /// Lighthouse's "slow 4G" (its simulated mobile profile): 1.6 Mbit/s down, 750 kbit/s up,
    /// 150 ms round trip.
    pub const SLOW_4G: Line = Line {
        down_bytes_per_s: 1_600_000 / 8,
        up_bytes_per_s: 750_000 / 8,
        round_trip: Duration::from_millis(150),
    };
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
                    tokio::join!(
                        relay(browser_in, server_out, &up),
                        relay(server_in, browser_out, &down)
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

/// Copy `from` to `to`, each piece once the line's budget allows it, until either side closes.
async fn relay(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    line: &DefaultDirectRateLimiter,
) {
    let mut buffer = vec![0u8; PIECE];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(n) = NonZeroU32::new(n as u32)
            && line.until_n_ready(n).await.is_err()
        {
            break; // cannot happen: a piece is never more than the burst
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 KB through a 128 KB/s line take about half a second (the first piece is free), and
    /// arrive whole.
    #[tokio::test]
    async fn the_line_holds_its_rate_and_loses_nothing() {
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
        };
        let relay = SlowLine::start(address, line).await.unwrap();
        let started = std::time::Instant::now();
        let mut socket =
            TcpStream::connect(relay.origin.trim_start_matches("http://")).await.unwrap();
        let mut received = Vec::new();
        socket.read_to_end(&mut received).await.unwrap();
        let took = started.elapsed();
        assert_eq!(received, sent);
        assert!(took >= Duration::from_millis(400), "64 KB at 128 KB/s took {took:?}");
    }
}
