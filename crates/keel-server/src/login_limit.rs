//! Limits on failed sign-ins, on both ways in (`POST /api/v1/auth/tokens`
//! and the login form): per account, so one password cannot be guessed at
//! from many addresses, and per client address, so one address cannot try
//! many accounts. Only failures count: signing in successfully costs
//! nothing, and a locked-out person is let in again as the budget refills.
//!
//! The counts live in this instance's memory ([`crate::rate_limit`]): with
//! several instances each counts on its own and a restart forgets them.
//! That still bounds guessing to a handful of tries per window, which is
//! the point; a shared store is not worth its cost here.

use crate::rate_limit::RateLimiter;
use std::net::IpAddr;
use std::time::Duration;

/// The limits, in one place.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Failed sign-ins per account (normalised email) per window.
    pub per_account: u32,
    /// Failed sign-ins per client address per window.
    pub per_address: u32,
    /// The window: a full budget refills over this long.
    pub window: Duration,
}

/// 5 failures per account and 20 per address in 15 minutes.
pub const LOGIN_LIMITS: LoginLimits = LoginLimits {
    per_account: 5,
    per_address: 20,
    window: Duration::from_secs(15 * 60),
};

#[derive(Debug)]
pub struct LoginLimiter {
    accounts: RateLimiter<String>,
    addresses: RateLimiter<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(LOGIN_LIMITS)
    }
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        let refill = |n: u32| limits.window / n.max(1);
        LoginLimiter {
            accounts: RateLimiter::new(limits.per_account, refill(limits.per_account)),
            addresses: RateLimiter::new(limits.per_address, refill(limits.per_address)),
        }
    }

    /// `Err` with the seconds to wait when the account or the address has
    /// used up its failures; checked before the password is.
    pub fn check(&self, email: &str, addr: IpAddr) -> Result<(), u64> {
        let account = self.accounts.peek(&normalise(email));
        let address = self.addresses.peek(&addr);
        match (account, address) {
            (Ok(()), Ok(())) => Ok(()),
            (a, b) => {
                let wait = a.err().unwrap_or_default().max(b.err().unwrap_or_default());
                Err(wait.as_secs().max(1))
            }
        }
    }

    /// Counts a failed sign-in against the account and the address.
    pub fn failed(&self, email: &str, addr: IpAddr) {
        self.accounts.charge(normalise(email));
        self.addresses.charge(addr);
    }
}

/// The account key of an email as typed: as [`keel_domain::values::Email`]
/// stores it (trimmed, lower case), so `Bob@X.com ` and `bob@x.com` share
/// a budget.
fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_per_account_and_per_address() {
        let limiter = LoginLimiter::new(LoginLimits {
            per_account: 2,
            per_address: 3,
            window: Duration::from_secs(60),
        });
        let a = IpAddr::from([192, 0, 2, 1]);
        let b = IpAddr::from([192, 0, 2, 2]);
        limiter.failed("Bob@Example.com", a);
        assert!(limiter.check("bob@example.com", b).is_ok());
        limiter.failed(" bob@example.com", b);
        // The account is out of tries from any address…
        let wait = limiter.check("bob@example.com", b).unwrap_err();
        assert!((1..=30).contains(&wait), "{wait}");
        // …while others may still try from address a, until it runs out too.
        assert!(limiter.check("carol@example.com", a).is_ok());
        limiter.failed("carol@example.com", a);
        limiter.failed("dave@example.com", a);
        assert!(limiter.check("erin@example.com", a).is_err());
        assert!(limiter.check("erin@example.com", b).is_ok());
    }
}
