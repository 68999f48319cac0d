//! Token buckets per key: per client address for routes anyone may call
//! (the public portal), per account and per address for failed sign-ins
//! ([`crate::login_limit`]). Each key may burst up to `capacity`, then gets
//! one more every `refill`; over that it is told how long to wait.
//!
//! Buckets live in this instance's memory: with several instances behind a
//! load balancer each counts on its own, so a client gets at most the
//! instances' combined budget — enough to stop a flood, which is the job.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept before idle ones are swept, so a scan from many keys
/// cannot grow memory without bound.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    capacity: f64,
    refill: Duration,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(capacity: u32, refill: Duration) -> Self {
        RateLimiter {
            capacity: f64::from(capacity.max(1)),
            refill,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`: `Ok` to go ahead, or `Err` with how long
    /// until the next token.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    /// Whether `key` has a token left, without taking it: `Err` with how
    /// long until it has one.
    pub fn peek(&self, key: &K) -> Result<(), Duration> {
        self.peek_at(key, Instant::now())
    }

    /// Takes one token for `key` if it has one (for counting failures after
    /// the fact: a failure over the limit just leaves the bucket empty).
    pub fn charge(&self, key: K) {
        let _ = self.check(key);
    }

    fn check_at(&self, key: K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= SWEEP_AT {
            let full_after = self.refill.mul_f64(self.capacity);
            buckets.retain(|_, b| now.duration_since(b.at) < full_after);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        self.refresh(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait(bucket))
        }
    }

    fn peek_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        match buckets.get_mut(key) {
            Some(bucket) => {
                self.refresh(bucket, now);
                if bucket.tokens >= 1.0 {
                    Ok(())
                } else {
                    Err(self.wait(bucket))
                }
            }
            None => Ok(()),
        }
    }

    /// Adds the tokens earned since the bucket was last seen.
    fn refresh(&self, bucket: &mut Bucket, now: Instant) {
        let earned = now.duration_since(bucket.at).as_secs_f64() / self.refill.as_secs_f64();
        bucket.tokens = (bucket.tokens + earned).min(self.capacity);
        bucket.at = now;
    }

    fn wait(&self, bucket: &Bucket) -> Duration {
        self.refill.mul_f64(1.0 - bucket.tokens)
    }
}

/// Where a request came from (see [`client_addr`]), as an extractor.
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

/// The address a request came from: the peer, or — when the peer is on
/// this machine, as a reverse proxy in front of Keel is — the last address
/// in `X-Forwarded-For`, the one that proxy saw. Requests driven in-process
/// (tests) have no peer and count as local.
pub fn client_addr(parts: &Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match peer {
        Some(ip) if !ip.is_loopback() => ip,
        _ => forwarded_for(&parts.headers).unwrap_or(IpAddr::from([127, 0, 0, 1])),
    }
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|s| s.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_to_capacity_then_waits_for_refill() {
        let limiter = RateLimiter::new(3, Duration::from_secs(10));
        let ip = IpAddr::from([192, 0, 2, 1]);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(ip, t0).is_ok());
        }
        let wait = limiter.check_at(ip, t0).unwrap_err();
        assert!(wait <= Duration::from_secs(10) && wait > Duration::from_secs(9));
        // Another address has its own bucket.
        assert!(limiter.check_at(IpAddr::from([192, 0, 2, 2]), t0).is_ok());
        // One refill period later, exactly one more.
        let t1 = t0 + Duration::from_secs(10);
        assert!(limiter.check_at(ip, t1).is_ok());
        assert!(limiter.check_at(ip, t1).is_err());
    }

    #[test]
    fn peeking_takes_nothing_and_any_key_works() {
        let limiter: RateLimiter<String> = RateLimiter::new(2, Duration::from_secs(60));
        let key = "a@example.com".to_string();
        let t0 = Instant::now();
        // A key never seen has its whole budget.
        assert!(limiter.peek_at(&key, t0).is_ok());
        for _ in 0..5 {
            assert!(limiter.peek_at(&key, t0).is_ok(), "peeking is free");
        }
        assert!(limiter.check_at(key.clone(), t0).is_ok());
        assert!(limiter.check_at(key.clone(), t0).is_ok());
        let wait = limiter.peek_at(&key, t0).unwrap_err();
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60));
        assert!(limiter.peek_at(&"b@example.com".to_string(), t0).is_ok());
    }

    #[test]
    fn forwarded_for_takes_the_last_hop() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(
            forwarded_for(&headers),
            Some(IpAddr::from([198, 51, 100, 7]))
        );
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(forwarded_for(&headers), None);
    }
}
