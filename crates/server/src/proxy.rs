//! The client's address behind a reverse proxy (`--trusted-proxy`, `FIELD_TRUSTED_PROXY`).
//!
//! Behind nginx every connection comes from the proxy, so the per-address sign-in limits would
//! count all clients as one. The proxy names the client in `X-Forwarded-For`, but anyone can
//! send that header: it is believed only when the TCP peer is a trusted proxy, and then only as
//! far as trusted proxies wrote it. Walking the list from the right (the hop nearest to us), the
//! client is the first address that is not a trusted proxy (the right-most untrusted one): what
//! a client put in front of the list itself is never reached. A peer that is not trusted is the
//! client, whatever its headers say.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address or a network (`10.0.0.0/8`, `fd00::/8`) of trusted reverse proxies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl ProxyNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || format!("不是 IP 地址或网段：{s:?}（例如 127.0.0.1、10.0.0.0/8）");
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (s, None),
        };
        let addr = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }
}

/// `::ffff:10.0.0.1` is `10.0.0.1` (a dual-stack listener reports IPv4 peers so).
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The reverse proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ProxyNet>);

impl TrustedProxies {
    pub fn new(nets: Vec<ProxyNet>) -> Self {
        Self(nets)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address for a request from TCP peer `peer` with `headers`: the peer, unless
    /// it is a trusted proxy; then the right-most address of `X-Forwarded-For` (every such
    /// header, in order) that is not a trusted proxy. If every listed hop is trusted, the
    /// left-most; an entry that is not an address ends the walk at the hop that wrote it.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match parse_hop(hop) {
                Some(ip) => client = ip,
                None => break,
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, maybe with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|s| s.parse().unwrap()).collect())
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = proxies(&["10.0.0.1"]);
        assert_eq!(trusted.client(ip("192.0.2.9"), &xff(&["203.0.113.5"])), ip("192.0.2.9"));
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &xff(&["1.1.1.1"])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop() {
        let trusted = proxies(&["10.0.0.1", "10.1.0.0/16"]);
        // The client forged "6.6.6.6"; nginx appended the address it saw.
        let headers = xff(&["6.6.6.6, 198.51.100.7"]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &headers), ip("198.51.100.7"));
        // Two proxies in a row, the inner one listed; several headers read in order.
        let headers = xff(&["6.6.6.6", "198.51.100.7, 10.1.2.3"]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &headers), ip("198.51.100.7"));
        // Every hop trusted: the left-most; no header: the proxy itself.
        assert_eq!(trusted.client(ip("10.0.0.1"), &xff(&["10.1.0.9"])), ip("10.1.0.9"));
        assert_eq!(trusted.client(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
        // Garbage ends the walk at the hop that wrote it; ports and mapped addresses are read.
        assert_eq!(trusted.client(ip("10.0.0.1"), &xff(&["1.1.1.1, junk"])), ip("10.0.0.1"));
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.1"), &xff(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
        assert_eq!(trusted.client(ip("10.0.0.1"), &xff(&["192.0.2.1:5000"])), ip("192.0.2.1"));
    }

    #[test]
    fn networks_parse_and_match() {
        let net: ProxyNet = "fd00::/8".parse().unwrap();
        assert!(net.contains(ip("fd12::1")) && !net.contains(ip("fe80::1")));
        let all: ProxyNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<ProxyNet>().is_err());
        assert!("nginx".parse::<ProxyNet>().is_err());
    }
}
