//! Failed sign-ins and failed bearer tokens, limited per client address: after
//! `AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE` failures an address is refused (429 with
//! `Retry-After`) before its token is even looked at, so guessing gets nowhere — and
//! a good token from another address is served as ever. The counting is governor's
//! (GCRA, keyed by address); a refused address is remembered until it may try again,
//! and logged once when it is blocked and once with the count when the block ends,
//! never once per attempt.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

struct Block {
    until: Instant,
    refused: u64,
}

pub struct SignInLimit {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    blocked: Mutex<HashMap<IpAddr, Block>>,
}

impl SignInLimit {
    /// At most `per_minute` failures a minute from one address (a burst of that many).
    pub fn new(per_minute: u32) -> SignInLimit {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        SignInLimit {
            failures: RateLimiter::keyed(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Is `address` refused now? The seconds until it may try again; the refusal is counted.
    pub fn refused(&self, address: IpAddr) -> Option<u64> {
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
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

    /// Records a failure from `address`; the seconds to wait when it crossed the limit.
    pub fn failed(&self, address: IpAddr) -> Option<u64> {
        let not_until = self.failures.check_key(&address).err()?;
        let wait = not_until.wait_time_from(self.clock.now());
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        if blocked.len() > 10_000 {
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
            tracing::warn!(client = %address, retry_after_seconds = seconds(wait), "failed sign-ins rate-limited");
        }
        Some(seconds(wait))
    }
}

/// The address a request comes from: the peer, or — when the peer is the trusted
/// reverse proxy — the client it forwards for.
pub fn client_address(
    peer: Option<std::net::SocketAddr>,
    info: &actix_web::dev::ConnectionInfo,
    trusted_proxy: Option<IpAddr>,
) -> Option<IpAddr> {
    let peer = peer?.ip();
    if trusted_proxy == Some(peer) {
        if let Some(forwarded) = info.realip_remote_addr().and_then(|a| a.parse::<IpAddr>().ok()) {
            return Some(forwarded);
        }
    }
    Some(peer)
}

fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_failures_and_others_are_not() {
        let limit = SignInLimit::new(3);
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
}
