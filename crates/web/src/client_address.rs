//! The client's address: the connection's, or read from `X-Forwarded-For` right to left past
//! the reverse proxies the operator trusts (OWASP: the leftmost value is whatever the client
//! sent, so it is never believed on its own).

use std::net::IpAddr;
use std::str::FromStr;

/// An address or a CIDR range, e.g. `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    base: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// True when `ip` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let shift = 32 - u32::from(self.prefix);
                shift >= 32 || u32::from(base) >> shift == u32::from(ip) >> shift
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let shift = 128 - u32::from(self.prefix);
                shift >= 128 || u128::from(base) >> shift == u128::from(ip) >> shift
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for IpRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not an IP address or CIDR range like 10.0.0.0/8");
        let (ip, prefix) = match text.trim().split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix.parse::<u8>().map_err(|_| bad())?)),
            None => (text.trim(), None),
        };
        let base = canonical(ip.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Self { base, prefix })
    }
}

/// The client's address for a request from `peer` carrying `forwarded_for` (the header's
/// values, in order). With no trusted proxies the peer is the client. Otherwise the header is
/// walked from the right: every address a trusted proxy added is passed over, and the first
/// that is not a trusted proxy is the client. A value that is not an IP address stops the walk
/// at the last trusted hop, so no made-up text is ever taken for an address.
pub fn client_ip(
    peer: IpAddr,
    forwarded_for: &[&str],
    trusted: &[IpRange],
    trust_peer: bool,
) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    if !(trust_peer || is_trusted(peer)) {
        return peer;
    }
    let mut client = peer;
    let hops = forwarded_for
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect::<Vec<_>>();
    for (i, hop) in hops.iter().rev().enumerate() {
        // The directly connected proxy is trusted (checked above); each further step needs
        // the address just taken to be a trusted proxy too.
        if i > 0 && !is_trusted(client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = canonical(ip),
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains(ip("10.1.2.3")));
        assert!(r.contains(ip("::ffff:10.1.2.3")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("Your own home".parse::<IpRange>().is_err());
        let all: IpRange = "::/0".parse().unwrap();
        assert!(all.contains(ip("fd00::1")));
    }

    #[test]
    fn forwarded_for_is_read_right_to_left_past_trusted_proxies() {
        let proxies: Vec<IpRange> =
            vec!["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        let peer = ip("127.0.0.1");
        // The leftmost value is the client's own claim: never believed past an untrusted hop.
        assert_eq!(
            client_ip(peer, &["6.6.6.6, 203.0.113.9, 10.0.0.2"], &proxies, false),
            ip("203.0.113.9")
        );
        assert_eq!(client_ip(peer, &["Your own home"], &proxies, false), peer);
        assert_eq!(
            client_ip(peer, &["203.0.113.9", "Your own home"], &proxies, false),
            peer
        );
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            client_ip(ip("198.51.100.7"), &["1.2.3.4"], &proxies, false),
            ip("198.51.100.7")
        );
        // --trust-forwarded-for alone trusts only the connected proxy: its rightmost value.
        assert_eq!(
            client_ip(peer, &["6.6.6.6, 203.0.113.9"], &[], true),
            ip("203.0.113.9")
        );
    }
}
