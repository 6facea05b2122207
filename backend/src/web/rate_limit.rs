//! Per-address limits on the sign-in endpoints, the ones worth hammering: each GitHub attempt costs a round trip
//! to GitHub, and demo sign-ins tell whether a person exists. A token bucket per client address (governor's
//! keyed limiter): a burst, then a steady rate per minute, both from the configuration.
//!
//! The key is the client's address (`client_address`): the peer the server saw, or behind a configured trusted
//! proxy the address that proxy saw. X-Forwarded-For from anyone else is ignored, or anyone could pick a fresh
//! key per request.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Config;
use crate::web::client_address::TrustedProxies;
use crate::web::error::ErrorPage;

/// Past this many remembered addresses, forget the ones whose buckets have refilled (they would start full
/// anyway), so a scan from many addresses cannot grow memory without bound.
const MAX_TRACKED: usize = 10_000;

#[derive(Clone)]
pub struct Limiter {
    buckets: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    paths: &'static [&'static str],
    proxies: TrustedProxies,
}

impl Limiter {
    /// A limiter for requests to exactly these paths; other requests pass untouched.
    pub fn new(config: &Config, paths: &'static [&'static str]) -> Limiter {
        let rate = NonZeroU32::new(config.signin_rate_per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(config.signin_burst).unwrap_or(NonZeroU32::MIN);
        Limiter {
            buckets: Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            )),
            paths,
            proxies: config.trusted_proxies(),
        }
    }

    /// How long the caller must wait, or `None` if this request may go ahead (and is counted).
    fn check(&self, client: IpAddr) -> Option<Duration> {
        if self.buckets.len() > MAX_TRACKED {
            self.buckets.retain_recent();
        }
        self.buckets
            .check_key(&client)
            .err()
            .map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Middleware: answer 429 with a page saying how long to wait once an address has spent its budget.
pub async fn limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    if !limiter.paths.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    match limiter.check(bucket(limiter.proxies.client(&req))) {
        None => next.run(req).await,
        Some(wait) => too_many(wait),
    }
}

/// The bucket of a client. An IPv6 user usually holds a whole /64, so that is the unit. Without a known address
/// every request shares one bucket, which is noticed quickly, rather than going unlimited, which is not.
fn bucket(client: Option<IpAddr>) -> IpAddr {
    match client {
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        Some(v4) => v4,
    }
}

fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let when = if secs == 1 {
        "a second".to_string()
    } else {
        format!("{secs} seconds")
    };
    let mut res = StatusCode::TOO_MANY_REQUESTS.into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    res.extensions_mut().insert(ErrorPage {
        title: "Too many sign-in attempts",
        message: format!(
            "Too many sign-in attempts came from your address in a short time. Please wait {when} and try again."
        ),
        log_detail: None,
    });
    res
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;

    use super::*;

    fn client_key(req: &Request) -> IpAddr {
        bucket(TrustedProxies::default().client(req))
    }

    fn request_from(addr: &str) -> Request {
        let mut req = Request::new(axum::body::Body::empty());
        req.extensions_mut()
            .insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
        req
    }

    #[test]
    fn ipv6_neighbours_in_one_64_share_a_bucket_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            client_key(&request_from("[2001:db8:1:2:aaaa::1]:5000")),
            client_key(&request_from("[2001:db8:1:2:bbbb::9]:6000"))
        );
        assert_ne!(
            client_key(&request_from("[2001:db8:1:2::1]:5000")),
            client_key(&request_from("[2001:db8:1:3::1]:5000"))
        );
        assert_eq!(
            client_key(&request_from("[::ffff:192.0.2.7]:80")),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn a_spent_burst_waits_for_the_rate() {
        let mut config = Config::defaults();
        config.signin_burst = 2;
        config.signin_rate_per_minute = 6;
        let limiter = Limiter::new(&config, &["/x"]);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(limiter.check(ip), None);
        assert_eq!(limiter.check(ip), None);
        let wait = limiter.check(ip).expect("third attempt waits");
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert_eq!(limiter.check("192.0.2.2".parse().unwrap()), None);
    }
}
