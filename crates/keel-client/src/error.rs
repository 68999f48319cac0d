//! [`ClientError`]: everything that can go wrong talking to a Keel server,
//! each variant with a one-line `Display` meant to be shown to a person as is.
//!
//! The transport variants keep only the text of the innermost cause rather
//! than the `reqwest::Error` itself: its chain of wrappers ("error sending
//! request" → "client error (Connect)" → "tcp connect error" → the OS error)
//! says one thing four times, and callers printing a whole error chain would
//! otherwise repeat it.

use keel_api_types::Problem;
use std::fmt;

/// A failed call to the Keel API.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error status; `0` is its problem+json
    /// body (or one synthesized from the status when the body was not
    /// problem+json, e.g. from a proxy in front of the server).
    #[error("{}", ProblemLine(.0))]
    Api(Problem),
    /// No answer: connection refused, DNS failure, TLS failure, reset.
    #[error("cannot reach server at {url}: {message}")]
    Transport { url: String, message: String },
    /// The server took longer than the client's timeout.
    #[error("no answer from server at {url} in time: {message}")]
    Timeout { url: String, message: String },
    /// A success status whose body was not the expected JSON.
    #[error(
        "unexpected response from {url} (HTTP {status}), not the JSON a Keel server sends: {message}"
    )]
    Decode {
        url: String,
        status: u16,
        message: String,
    },
    /// The configured server address is unusable.
    #[error("invalid server URL '{url}': {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The HTTP client could not be built (e.g. no TLS backend).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl ClientError {
    /// The HTTP status of an API error, if the server answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(problem) => Some(problem.status),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's problem details, for API errors.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Api(problem) => Some(problem),
            _ => None,
        }
    }

    /// True for a 404 from the server.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a 401: missing, invalid or revoked token.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// True when the server could not be reached or did not answer.
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport { .. } | Self::Timeout { .. })
    }

    /// Classifies a `reqwest` failure for `url`.
    pub(crate) fn from_reqwest(url: &str, err: &reqwest::Error) -> Self {
        let message = one_line(err);
        if err.is_timeout() {
            Self::Timeout {
                url: url.to_owned(),
                message,
            }
        } else if err.is_decode() || err.is_body() {
            Self::Decode {
                url: url.to_owned(),
                status: err.status().map_or(0, |s| s.as_u16()),
                message,
            }
        } else {
            Self::Transport {
                url: url.to_owned(),
                message,
            }
        }
    }
}

/// `422 Unprocessable Entity: title: must not be empty; due_date: not a date`
struct ProblemLine<'a>(&'a Problem);

impl fmt::Display for ProblemLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        let title = flatten(&p.title);
        if title.is_empty() {
            write!(f, "{}", p.status)?;
        } else {
            write!(f, "{} {}", p.status, title)?;
        }
        if !p.errors.is_empty() {
            let fields: Vec<String> = p
                .errors
                .iter()
                .map(|e| {
                    if e.field.is_empty() {
                        flatten(&e.message)
                    } else {
                        format!("{}: {}", flatten(&e.field), flatten(&e.message))
                    }
                })
                .collect();
            write!(f, ": {}", fields.join("; "))
        } else {
            let detail = flatten(&p.detail);
            if detail.is_empty() || detail == title {
                Ok(())
            } else {
                write!(f, ": {detail}")
            }
        }
    }
}

/// Collapses whitespace (including newlines) so a message stays on one line.
pub(crate) fn flatten(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The innermost cause of an error, on one line: the part a person can act
/// on ("Connection refused (os error 111)").
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = err;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let text = flatten(&innermost.to_string());
    if text.is_empty() {
        flatten(&err.to_string())
    } else {
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use keel_api_types::FieldErrorBody;

    fn problem(status: u16, title: &str, detail: &str, errors: &[(&str, &str)]) -> Problem {
        Problem {
            problem_type: "/problems/x".into(),
            title: title.into(),
            status,
            detail: detail.into(),
            errors: errors
                .iter()
                .map(|(field, message)| FieldErrorBody {
                    field: (*field).into(),
                    message: (*message).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn field_errors_are_listed_on_one_line() {
        let err = ClientError::Api(problem(
            422,
            "Unprocessable",
            "invalid request",
            &[("title", "must not be empty"), ("status", "unknown\nvalue")],
        ));
        assert_eq!(
            err.to_string(),
            "422 Unprocessable: title: must not be empty; status: unknown value"
        );
    }

    #[test]
    fn detail_is_shown_without_field_errors() {
        let err = ClientError::Api(problem(404, "Not Found", "no task KEEL-9", &[]));
        assert_eq!(err.to_string(), "404 Not Found: no task KEEL-9");
        assert!(err.is_not_found());
    }

    #[test]
    fn detail_equal_to_title_is_not_repeated() {
        let err = ClientError::Api(problem(401, "Unauthorized", "Unauthorized", &[]));
        assert_eq!(err.to_string(), "401 Unauthorized");
    }
}
