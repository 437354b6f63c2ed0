//! Sign-in attempts, limited per client address. After
//! `AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE` wrong tokens, or
//! `AVG_LOKET_SIGNIN_STARTS_PER_MINUTE` sign-ins with the organisation's account begun
//! or returned from, an address is refused (429 with `Retry-After`) before anything
//! else is looked at, so guessing and flooding get nowhere — and a good token from
//! another address is served as ever. The counting is governor's (GCRA, keyed by
//! address); a refused address is remembered until it may try again, and logged once
//! when it is blocked and once with the count when the block ends, never once per
//! attempt. The memory is bounded: addresses whose limit has recovered are forgotten.
//!
//! The address is the peer's, or — behind the reverse proxy named in
//! `AVG_LOKET_TRUSTED_PROXY` — the one that proxy appended ([`client_address`]).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::configuration::{ProxyHeader, TrustedProxy};

/// Addresses a limiter keeps before it forgets those whose limit has recovered.
const REMEMBERED: usize = 10_000;

struct Block {
    until: Instant,
    refused: u64,
}

/// One limiter per address, bounded: past [`REMEMBERED`] addresses those whose limit
/// has recovered are forgotten, and when all of them are still counting (a flood from
/// that many addresses) the limiter starts afresh rather than grow.
struct Bounded {
    quota: Quota,
    limiter: RwLock<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Bounded {
    fn new(quota: Quota) -> Bounded {
        Bounded {
            quota,
            limiter: RwLock::new(RateLimiter::keyed(quota)),
        }
    }

    /// `Err` with the moment it may try again when `address` is over the limit.
    fn check(&self, address: IpAddr) -> Result<(), governor::NotUntil<<DefaultClock as Clock>::Instant>> {
        let full = self.len() > REMEMBERED;
        if full {
            let mut limiter = self.limiter.write().unwrap_or_else(|p| p.into_inner());
            limiter.retain_recent();
            if limiter.len() > REMEMBERED {
                tracing::warn!(
                    addresses = limiter.len(),
                    "sign-in limiter full: it starts afresh"
                );
                *limiter = RateLimiter::keyed(self.quota);
            }
            limiter.shrink_to_fit();
        }
        let limiter = self.limiter.read().unwrap_or_else(|p| p.into_inner());
        limiter.check_key(&address)
    }

    fn len(&self) -> usize {
        self.limiter.read().unwrap_or_else(|p| p.into_inner()).len()
    }
}

pub struct SignInLimit {
    failures: Bounded,
    starts: Bounded,
    clock: DefaultClock,
    /// Addresses over the limit of wrong tokens: their tokens wait.
    failures_blocked: Mutex<HashMap<IpAddr, Block>>,
    /// Addresses over the limit of sign-in starts: their starts wait, and nothing else
    /// (colleagues behind the same address keep using their tokens).
    starts_blocked: Mutex<HashMap<IpAddr, Block>>,
}

fn per_minute(limit: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN))
}

impl SignInLimit {
    /// At most `failures` wrong tokens and `starts` sign-ins begun (or returned from)
    /// a minute from one address (a burst of that many).
    pub fn new(failures: u32, starts: u32) -> SignInLimit {
        SignInLimit {
            failures: Bounded::new(per_minute(failures)),
            starts: Bounded::new(per_minute(starts)),
            clock: DefaultClock::default(),
            failures_blocked: Mutex::new(HashMap::new()),
            starts_blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Are tokens from `address` refused now (too many wrong ones)? The seconds until
    /// it may try again; the refusal is counted.
    pub fn refused(&self, address: IpAddr) -> Option<u64> {
        Self::refused_in(&self.failures_blocked, address)
    }

    fn refused_in(blocks: &Mutex<HashMap<IpAddr, Block>>, address: IpAddr) -> Option<u64> {
        let mut blocked = blocks.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match blocked.get_mut(&address) {
            Some(block) if block.until > now => {
                block.refused += 1;
                Some(seconds(block.until - now))
            }
            Some(_) => {
                let ended = blocked.remove(&address).map(|b| b.refused).unwrap_or(0);
                tracing::info!(client = %address, refused = ended, "sign-in rate limit lifted");
                None
            }
            None => None,
        }
    }

    /// Records a wrong token from `address`; the seconds to wait when it crossed the limit.
    pub fn failed(&self, address: IpAddr) -> Option<u64> {
        self.count(
            &self.failures,
            &self.failures_blocked,
            address,
            "failed sign-ins rate-limited",
        )
    }

    /// Records a sign-in begun at (or returned from) the organisation's provider by
    /// `address`: refused, with the seconds to wait, once it is over the limit. Only
    /// starts wait then: tokens from the same address (an office behind one address)
    /// are not held up by someone else's starts.
    pub fn started(&self, address: IpAddr) -> Option<u64> {
        // An address over the limit of wrong tokens or refused sign-ins starts none.
        if let Some(wait) = self.refused(address) {
            return Some(wait);
        }
        if let Some(wait) = Self::refused_in(&self.starts_blocked, address) {
            return Some(wait);
        }
        self.count(
            &self.starts,
            &self.starts_blocked,
            address,
            "sign-in starts rate-limited",
        )
    }

    fn count(
        &self,
        limiter: &Bounded,
        blocks: &Mutex<HashMap<IpAddr, Block>>,
        address: IpAddr,
        what: &str,
    ) -> Option<u64> {
        let not_until = limiter.check(address).err()?;
        let wait = not_until.wait_time_from(self.clock.now());
        let mut blocked = blocks.lock().unwrap_or_else(|p| p.into_inner());
        if blocked.len() > REMEMBERED {
            let now = Instant::now();
            blocked.retain(|_, block| block.until > now);
        }
        let fresh = !blocked.contains_key(&address);
        let block = blocked.entry(address).or_insert(Block {
            until: Instant::now(),
            refused: 0,
        });
        block.until = Instant::now() + wait;
        if fresh {
            tracing::warn!(client = %address, retry_after_seconds = seconds(wait), "{what}");
        }
        Some(seconds(wait))
    }

    /// How many addresses the limiters hold (bounded by forgetting recovered ones).
    pub fn remembered(&self) -> usize {
        self.failures.len() + self.starts.len()
    }
}

/// The address a request comes from: the peer's; or, when the peer is the trusted
/// reverse proxy, the client address that proxy appended — the right-most
/// `X-Forwarded-For` entry (or, when configured, the right-most `Forwarded: for=`).
/// Anything to the left of it was written by the client and is not believed, and
/// without a trusted proxy the headers are not read at all.
pub fn client_address(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    proxy: Option<TrustedProxy>,
) -> Option<IpAddr> {
    let peer = peer?.ip();
    let Some(proxy) = proxy.filter(|proxy| proxy.address == peer) else {
        return Some(peer);
    };
    let appended = match proxy.header {
        ProxyHeader::XForwardedFor => last_element(headers, "x-forwarded-for"),
        ProxyHeader::Forwarded => last_element(headers, "forwarded").and_then(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().to_string())
            })
        }),
    };
    Some(appended.as_deref().and_then(address_in).unwrap_or(peer))
}

/// The right-most comma-separated element of every `name` header together.
fn last_element(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|element| !element.is_empty())
        .last()
        .map(str::to_string)
}

/// An address as a proxy writes it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `"[2001:db8::1]:4711"`.
fn address_in(written: &str) -> Option<IpAddr> {
    let written = written.trim().trim_matches('"');
    written
        .parse::<IpAddr>()
        .ok()
        .or_else(|| written.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            written
                .strip_prefix('[')
                .and_then(|rest| rest.split(']').next())
                .and_then(|inner| inner.parse::<IpAddr>().ok())
        })
}

fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_failures_and_others_are_not() {
        let limit = SignInLimit::new(3, 3);
        let (one, other): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        assert_eq!(limit.refused(one), None);
        assert_eq!(limit.failed(one), None);
        assert_eq!(limit.failed(one), None);
        assert_eq!(limit.failed(one), None);
        let wait = limit.failed(one).expect("the fourth failure is over the limit");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limit.refused(one).is_some());
        assert_eq!(limit.refused(other), None);
        assert_eq!(limit.failed(other), None);
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                actix_web::http::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn behind_the_proxy_the_address_it_appended_counts_and_nothing_the_client_wrote() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let peer = Some(SocketAddr::new(proxy, 40000));
        let xff = Some(TrustedProxy {
            address: proxy,
            header: ProxyHeader::XForwardedFor,
        });
        let forwarded = Some(TrustedProxy {
            address: proxy,
            header: ProxyHeader::Forwarded,
        });
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // The client wrote 1.1.1.1; the proxy appended 203.0.113.7.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7")]);
        assert_eq!(client_address(peer, &h, xff), ip("203.0.113.7"));
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(client_address(peer, &h, xff), ip("203.0.113.7"));
        // `Forwarded` is ignored unless configured; then its right-most `for=`.
        let h = headers(&[
            (
                "forwarded",
                "for=1.1.1.1, for=\"[2001:db8::17]:4711\";proto=https",
            ),
            ("x-forwarded-for", "198.51.100.2"),
        ]);
        assert_eq!(client_address(peer, &h, xff), ip("198.51.100.2"));
        assert_eq!(client_address(peer, &h, forwarded), ip("2001:db8::17"));
        // Not from the proxy: the peer, whatever the headers say.
        let other = Some(SocketAddr::new("192.0.2.9".parse().unwrap(), 1));
        assert_eq!(client_address(other, &h, xff), ip("192.0.2.9"));
        assert_eq!(client_address(other, &h, None), ip("192.0.2.9"));
        // From the proxy without a header, or with rubbish: the proxy's own address.
        assert_eq!(client_address(peer, &HeaderMap::new(), xff), Some(proxy));
        let h = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(client_address(peer, &h, xff), Some(proxy));
    }

    #[test]
    fn starts_are_limited_and_the_memory_stays_bounded() {
        let limit = SignInLimit::new(3, 5);
        let one: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert_eq!(limit.started(one), None);
        }
        assert!(limit.started(one).is_some(), "the sixth start is over the limit");
        assert_eq!(
            limit.refused(one),
            None,
            "tokens from that address (colleagues behind one office address) are not held up"
        );
        for n in 0..(REMEMBERED as u32 + 100) {
            limit.started(IpAddr::from(n.to_be_bytes()));
        }
        assert!(limit.remembered() <= REMEMBERED + 1, "{}", limit.remembered());
    }
}
