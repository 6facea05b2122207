//! The address a request came from. It is the peer the server saw (`into_make_service_with_connect_info`), unless
//! that peer is one of the configured trusted proxies (`ONRAMP_TRUSTED_PROXIES`, a load balancer in front of
//! several instances): then it is the last address in `X-Forwarded-For` that is not itself a trusted proxy, since
//! each proxy appends the address it saw and only the ones we trust can be believed. With no trusted proxies the
//! header is ignored, so nobody can pick their own address by sending it.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{ConnectInfo, Request};
use ipnet::IpNet;

/// Whose word about a client's address is taken.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, or None when the server was not told its peers' addresses.
    pub fn client(&self, req: &Request) -> Option<IpAddr> {
        let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>() else {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "no peer address on requests: serve with into_make_service_with_connect_info"
                );
            }
            return None;
        };
        let peer = canonical(peer.ip());
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // A hop that is no address: what comes before it cannot be trusted either.
                break;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        Some(client)
    }
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// An address or a network, as `ONRAMP_TRUSTED_PROXIES` and `ONRAMP_METRICS_ALLOW` list them: `10.0.0.0/8`, `192.0.2.7`.
pub fn parse_network(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?}: expected an address (192.0.2.7) or a network (10.0.0.0/8)"))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;

    fn request(peer: &str, forwarded: &[&str]) -> Request {
        let mut req = Request::new(Body::empty());
        for f in forwarded {
            req.headers_mut()
                .append("x-forwarded-for", f.parse().unwrap());
        }
        req.extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        req
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy_and_only_as_far_as_trust_goes() {
        let none = TrustedProxies::default();
        let lb = TrustedProxies(vec![parse_network("10.0.0.0/8").unwrap()]);
        // Untrusted peers cannot choose their address.
        assert_eq!(
            none.client(&request("192.0.2.1:5000", &["203.0.113.9"])),
            ip("192.0.2.1")
        );
        assert_eq!(
            lb.client(&request("192.0.2.1:5000", &["203.0.113.9"])),
            ip("192.0.2.1")
        );
        // Behind the load balancer: the address it saw.
        assert_eq!(
            lb.client(&request("10.0.0.5:5000", &["203.0.113.9"])),
            ip("203.0.113.9")
        );
        // What the client itself put first is not believed: the last untrusted hop is the client.
        assert_eq!(
            lb.client(&request(
                "10.0.0.5:5000",
                &["6.6.6.6, 203.0.113.9, 10.0.0.4"]
            )),
            ip("203.0.113.9")
        );
        assert_eq!(
            lb.client(&request("10.0.0.5:5000", &["6.6.6.6", "203.0.113.9"])),
            ip("203.0.113.9"),
            "several headers read as one list"
        );
        // No header, or only proxies: the nearest one.
        assert_eq!(lb.client(&request("10.0.0.5:5000", &[])), ip("10.0.0.5"));
        assert_eq!(
            lb.client(&request("10.0.0.5:5000", &["junk, 10.0.0.4"])),
            ip("10.0.0.4")
        );
        assert_eq!(
            lb.client(&request("[::ffff:10.0.0.5]:5000", &["203.0.113.9"])),
            ip("203.0.113.9"),
            "an IPv4-mapped peer is the IPv4 address"
        );
        assert!(parse_network("192.0.2.7").is_ok() && parse_network("nope").is_err());
        let mut bare = Request::new(Body::empty());
        bare.headers_mut()
            .insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert_eq!(lb.client(&bare), None);
    }
}
