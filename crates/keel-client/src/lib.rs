//! Typed async client for the Keel JSON API (`/api/v1`).
//!
//! One [`KeelClient`] holds the server's base URL and, once signed in, a
//! personal API token sent as `Authorization: Bearer`. Its methods map one to
//! one onto the API's routes and return the wire types of `keel-api-types`,
//! grouped by resource in the modules below (each adds an `impl KeelClient`
//! block). Every failure is a [`ClientError`]: either the server's
//! problem+json, or a transport/decoding problem, each with a one-line
//! `Display` fit for a terminal.
//!
//! The CLI talks to the server only through this crate, and so do the CLI's
//! end-to-end tests.

mod accounts;
mod audit;
mod customers;
mod decisions;
mod error;
mod feedback;
mod goals;
mod health;
mod ideas;
mod imports;
mod interviews;
mod members;
mod my_day;
mod products;
mod releases;
mod request;
mod search;
mod stories;
mod tasks;
mod teams;
mod updates;
mod workspaces;

pub use customers::CustomerFilter;
pub use error::ClientError;
pub use feedback::FeedbackFilter;
pub use imports::FeedbackImportParams;
pub use keel_api_types as types;
pub use request::ListParams;
pub use tasks::TaskFilter;

use std::time::Duration;

/// How long to wait for a TCP connection before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound on one whole request, so a stuck server cannot hang the CLI.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for one Keel server, optionally authenticated with a token.
///
/// Cheap to clone: the underlying connection pool is shared.
#[derive(Clone)]
pub struct KeelClient {
    base_url: reqwest::Url,
    token: Option<String>,
    http: reqwest::Client,
}

impl std::fmt::Debug for KeelClient {
    // The token is a secret: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeelClient")
            .field("base_url", &self.base_url.as_str())
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl KeelClient {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:7070`;
    /// a path prefix such as `https://example.com/keel` is kept).
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self, ClientError> {
        let trimmed = base_url.trim();
        let mut url = reqwest::Url::parse(trimmed).map_err(|err| ClientError::InvalidUrl {
            url: trimmed.to_owned(),
            reason: err.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ClientError::InvalidUrl {
                url: trimmed.to_owned(),
                reason: "it must start with http:// or https:// (e.g. http://127.0.0.1:7070)"
                    .to_owned(),
            });
        }
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(ClientError::InvalidUrl {
                url: trimmed.to_owned(),
                reason: "not a server address".to_owned(),
            });
        }
        url.set_query(None);
        url.set_fragment(None);
        let http = reqwest::Client::builder()
            .user_agent(concat!("keel-client/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|err| ClientError::Setup(error::one_line(&err)))?;
        Ok(Self {
            base_url: url,
            token: token.filter(|t| !t.is_empty()),
            http,
        })
    }

    /// The same server, authenticated with `token` instead.
    pub fn with_token(&self, token: impl Into<String>) -> Self {
        Self {
            base_url: self.base_url.clone(),
            token: Some(token.into()),
            http: self.http.clone(),
        }
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// Whether a token will be sent.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }
}
