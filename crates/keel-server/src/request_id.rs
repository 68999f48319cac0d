//! The `x-request-id` given to a request that arrives without one.
//!
//! The id ties a response to its log line, so it must be unique, but it
//! need not be unguessable. A random UUID per request asked the kernel for
//! fresh random bytes every time: a `getrandom` system call, about 1 % of
//! the server's time on a GET by key. Here the randomness is drawn once per
//! process and a counter follows it, so two instances of the server (on
//! PostgreSQL) still give different ids.

use axum::http::{HeaderValue, Request};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes ids of the form `<16 hex digits of this process>-<counter>`.
#[derive(Clone)]
pub struct ProcessRequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl ProcessRequestIds {
    /// A fresh prefix from the operating system's random source.
    pub fn new() -> Self {
        let mut bytes = [0u8; 8];
        // Without the OS source, the clock still tells processes apart.
        let random = match getrandom::fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default(),
        };
        Self {
            prefix: format!("{random:016x}").into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for ProcessRequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{n:08x}", self.prefix);
        HeaderValue::try_from(id).ok().map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(maker: &mut ProcessRequestIds) -> String {
        let request = Request::new(());
        let id = maker.make_request_id(&request).expect("an id");
        id.header_value().to_str().unwrap().to_owned()
    }

    #[test]
    fn ids_of_one_process_differ_and_share_its_prefix() {
        let mut maker = ProcessRequestIds::new();
        // Clones are what the layer hands to each connection's service.
        let mut other = maker.clone();
        let (a, b, c) = (id(&mut maker), id(&mut other), id(&mut maker));
        assert!(a != b && b != c && a != c, "{a} {b} {c}");
        let prefix = |s: &str| s.split('-').next().unwrap().to_owned();
        assert_eq!(prefix(&a), prefix(&b));
        assert_eq!(prefix(&a).len(), 16);
    }

    #[test]
    fn two_processes_get_different_prefixes() {
        let a = id(&mut ProcessRequestIds::new());
        let b = id(&mut ProcessRequestIds::new());
        assert_ne!(a, b);
    }
}
