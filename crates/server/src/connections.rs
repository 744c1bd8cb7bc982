//! How a connection starts, bounded in time: the TLS handshake and the first bytes, until the
//! server knows whether the client speaks HTTP/1 or HTTP/2.
//!
//! hyper-util's `auto` builder reads those first bytes itself (its `ReadVersion`) with no timer:
//! a client that opened a connection and sent nothing, or only part of the HTTP/2 preface, held
//! it for ever. So the server reads them here, under the start deadline, and hands hyper a
//! stream that gives those bytes back first ([`Prefixed`]), with the protocol already chosen.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

/// What an HTTP/2 client sends first (RFC 9113 §3.4); anything else is HTTP/1.
const HTTP2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The protocol a connection speaks, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Http1,
    Http2,
}

/// Why a connection was closed before it was served.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("TLS handshake failed: {0}")]
    Tls(io::Error),
    #[error("closed before sending a request")]
    ClosedEarly,
    #[error("reading the first bytes failed: {0}")]
    Read(io::Error),
    #[error("no TLS handshake and first bytes within the start deadline")]
    TimedOut,
}

/// Read until the first bytes tell the protocol: the whole HTTP/2 preface, or a byte that
/// departs from it (at most 24 bytes are read). The stream it returns gives them back first.
pub async fn read_protocol<I>(mut io: I) -> Result<(Protocol, Prefixed<I>), StartError>
where
    I: AsyncRead + Unpin,
{
    let mut first = [0u8; HTTP2_PREFACE.len()];
    let mut filled = 0;
    let protocol = loop {
        // Only what is still missing of the preface: the rest stays in the stream for hyper.
        let n = io.read(&mut first[filled..]).await.map_err(StartError::Read)?;
        if n == 0 {
            return Err(StartError::ClosedEarly);
        }
        filled += n;
        if first[..filled] != HTTP2_PREFACE[..filled] {
            break Protocol::Http1;
        }
        if filled == HTTP2_PREFACE.len() {
            break Protocol::Http2;
        }
    };
    Ok((protocol, Prefixed { prefix: first, prefix_len: filled, given: 0, inner: io }))
}

/// A stream whose first bytes were already read ([`read_protocol`]): it reads them again first,
/// then the rest of the stream. Writes go straight through.
pub struct Prefixed<I> {
    prefix: [u8; HTTP2_PREFACE.len()],
    prefix_len: usize,
    /// How much of the prefix was read back already.
    given: usize,
    inner: I,
}

impl<I: AsyncRead + Unpin> AsyncRead for Prefixed<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.given < this.prefix_len {
            let rest = &this.prefix[this.given..this.prefix_len];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.given += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Prefixed<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Descriptors kept free for everything else the server opens (the database and its write-ahead
/// log, photos being written or sent, exports, PostgreSQL connections, the listener).
const DESCRIPTORS_KEPT_FREE: u64 = 128;

/// The fewest connections the server will serve, whatever the open-file limit says.
const MIN_CONNECTIONS: usize = 64;

/// `wanted`, lowered so that connections cannot take every file descriptor of the process
/// (Linux: the soft `Max open files` of /proc/self/limits; elsewhere `wanted`). A service
/// started with systemd's default soft limit of 1,024 serves 896 connections at once.
pub async fn connection_cap(wanted: usize) -> usize {
    let Ok(limits) = tokio::fs::read_to_string("/proc/self/limits").await else {
        return wanted;
    };
    match soft_open_files(&limits) {
        Some(soft) => {
            let room = usize::try_from(soft.saturating_sub(DESCRIPTORS_KEPT_FREE))
                .unwrap_or(usize::MAX)
                .max(MIN_CONNECTIONS);
            if room < wanted {
                tracing::warn!(
                    wanted,
                    serving = room,
                    open_file_limit = soft,
                    "the open-file limit is low: fewer connections are served at once \
                     (raise LimitNOFILE to serve more)"
                );
            }
            wanted.min(room)
        }
        None => wanted,
    }
}

/// The soft limit of the `Max open files` line of /proc/self/limits (`None`: unlimited or not
/// found).
fn soft_open_files(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files").split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn the_first_bytes_tell_the_protocol_and_are_read_again() {
        for (sent, expected) in [
            (&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..], Protocol::Http1),
            (&b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04"[..], Protocol::Http2),
            (&b"PRI * HTTP/1.1\r\n\r\n"[..], Protocol::Http1),
        ] {
            let (mut client, server) = tokio::io::duplex(64);
            client.write_all(sent).await.unwrap();
            drop(client);
            let (protocol, mut stream) = read_protocol(server).await.unwrap();
            assert_eq!(protocol, expected);
            let mut again = Vec::new();
            stream.read_to_end(&mut again).await.unwrap();
            assert_eq!(again, sent);
        }
    }

    #[tokio::test]
    async fn a_connection_closed_before_its_first_byte_is_not_served() {
        let (client, server) = tokio::io::duplex(64);
        drop(client);
        assert!(matches!(read_protocol(server).await, Err(StartError::ClosedEarly)));
    }

    #[test]
    fn the_soft_open_file_limit_is_read() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             63459                63459                processes \n\
                      Max open files            1024                 524288               files     \n";
        assert_eq!(soft_open_files(limits), Some(1024));
        assert_eq!(soft_open_files("Max open files  unlimited  unlimited  files"), None);
    }
}
