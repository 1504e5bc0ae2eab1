//! Who is asking (SPEC §13): the socket's address, or with `trustedProxyHeaders` the right-most
//! `X-Forwarded-For` entry that no trusted proxy wrote; IPv6 reduced to its /64. Parsing is std's
//! `IpAddr`/`SocketAddr`; an entry that does not parse is never a key. The client writes the
//! left of `X-Forwarded-For` as it likes, so nothing left of the trusted hops is ever read.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// An address as written by a socket or a proxy: `1.2.3.4`, `::1`, `::ffff:1.2.3.4`,
/// `1.2.3.4:5678`, `[2001:db8::1]:443`, or `[2001:db8::1]`. Anything else is `None`.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = t.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    t.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// The counting key of an address: IPv4 as is (also when mapped into IPv6), IPv6 per /64 (one
/// customer's allocation; the low 64 bits are free for anyone who has one).
pub fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
    }
}

/// The client address of a request. `socket`: the peer address the adapter saw (none for a bare
/// Web `Request`). `forwarded_for`: every `X-Forwarded-For` value joined with `,`. With trusted
/// proxies, `proxies` of them each appended one entry, so the client is the `proxies`-th entry
/// from the right (or the left-most, when fewer arrived: all of those were written by a proxy).
pub fn client_ip(
    socket: Option<&str>,
    forwarded_for: Option<&str>,
    trusted_proxies: Option<u8>,
) -> Option<IpAddr> {
    let from_socket = socket.and_then(parse_ip);
    let (Some(n), Some(xff)) = (trusted_proxies, forwarded_for) else {
        return from_socket;
    };
    let hops: Vec<&str> = xff
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    if hops.is_empty() {
        return from_socket;
    }
    let index = hops.len().saturating_sub(usize::from(n.max(1)));
    parse_ip(hops[index]).or(from_socket)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(socket: Option<&str>, xff: Option<&str>, proxies: Option<u8>) -> Option<String> {
        client_ip(socket, xff, proxies).map(ip_key)
    }

    #[test]
    fn socket_address_unless_proxies_are_trusted() {
        // Spoofed X-Forwarded-For buys nothing without trusted proxies.
        assert_eq!(
            key(Some("203.0.113.7"), Some("1.1.1.1"), None).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(key(None, Some("1.1.1.1"), None), None);
        assert_eq!(
            key(Some("::ffff:127.0.0.1"), None, None).as_deref(),
            Some("127.0.0.1")
        );
    }

    #[test]
    fn right_most_untrusted_hop() {
        let xff = Some("6.6.6.6, 198.51.100.4, 10.0.0.2");
        assert_eq!(
            key(Some("10.0.0.1"), xff, Some(1)).as_deref(),
            Some("10.0.0.2")
        );
        assert_eq!(
            key(Some("10.0.0.1"), xff, Some(2)).as_deref(),
            Some("198.51.100.4")
        );
        // Fewer entries than proxies: the left-most, which a proxy wrote.
        assert_eq!(
            key(Some("10.0.0.1"), Some("198.51.100.4"), Some(3)).as_deref(),
            Some("198.51.100.4")
        );
        // No header: the socket.
        assert_eq!(
            key(Some("10.0.0.1"), None, Some(1)).as_deref(),
            Some("10.0.0.1")
        );
        // Ports and brackets as proxies write them.
        assert_eq!(
            key(None, Some("[2001:db8::1]:443"), Some(1)).as_deref(),
            Some("2001:db8::/64")
        );
        assert_eq!(
            key(None, Some("192.0.2.1:5555"), Some(1)).as_deref(),
            Some("192.0.2.1")
        );
        // Garbage where the trusted proxy should have written: the socket, never the garbage.
        assert_eq!(
            key(Some("10.0.0.1"), Some("1.1.1.1, nonsense"), Some(1)).as_deref(),
            Some("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_is_limited_per_64() {
        assert_eq!(
            key(Some("2001:db8:1:2:aaaa::1"), None, None),
            key(Some("2001:db8:1:2:ffff:ffff:ffff:ffff"), None, None)
        );
        assert_ne!(
            key(Some("2001:db8:1:2::1"), None, None),
            key(Some("2001:db8:1:3::1"), None, None)
        );
        assert_eq!(
            key(Some("2001:db8:1:2::9"), None, None).as_deref(),
            Some("2001:db8:1:2::/64")
        );
    }

    #[test]
    fn junk_is_never_an_address() {
        for junk in [
            "",
            "unknown",
            "1.2.3",
            "::g",
            "[::1",
            "1.2.3.4:99999",
            "\u{0}",
        ] {
            assert_eq!(parse_ip(junk), None, "{junk:?}");
        }
    }
}
