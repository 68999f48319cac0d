//! The plumbing every resource module shares: building URLs from path
//! segments (each percent-encoded, so an email or a key can never change the
//! route), sending JSON with the bearer token and `If-Match`, and turning
//! error statuses into [`ClientError::Api`].

use crate::KeelClient;
use crate::error::{ClientError, flatten};
use keel_api_types::Problem;
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Paging for list routes: `?limit=` (server default 50, max 500) and the
/// opaque `?cursor=` from a previous page's `next_cursor`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Page size; `None` lets the server choose (50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page; `None` for the first page.
    pub cursor: Option<String>,
}

impl ListParams {
    /// The first page of at most `limit` items.
    pub fn limit(limit: u32) -> Self {
        Self {
            limit: Some(limit),
            cursor: None,
        }
    }

    /// The page after `cursor`.
    pub fn after(cursor: impl Into<String>) -> Self {
        Self {
            limit: None,
            cursor: Some(cursor.into()),
        }
    }

    pub(crate) fn push_query(&self, query: &mut Vec<(&'static str, String)>) {
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            query.push(("cursor", cursor.clone()));
        }
    }
}

/// Query pairs for a request; values are encoded by `reqwest`.
pub(crate) type Query = Vec<(&'static str, String)>;

/// The value of an `If-Match` header for an item `version`, matching the
/// server's `ETag: "<version>"`.
pub(crate) fn if_match_value(version: i64) -> String {
    format!("\"{version}\"")
}

impl KeelClient {
    /// `base_url` + `/segment/segment…`, each segment percent-encoded.
    pub(crate) fn url(&self, segments: &[&str]) -> Result<Url, ClientError> {
        let mut url = self.base_url.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| ClientError::InvalidUrl {
                    url: self.base_url.to_string(),
                    reason: "not a server address".to_owned(),
                })?;
            path.pop_if_empty();
            path.extend(segments);
        }
        Ok(url)
    }

    pub(crate) fn request(&self, method: Method, url: Url) -> RequestBuilder {
        let builder = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    /// Sends a request and returns the response when its status is a
    /// success; otherwise the server's problem as [`ClientError::Api`].
    pub(crate) async fn execute(
        &self,
        builder: RequestBuilder,
        url: &Url,
    ) -> Result<Response, ClientError> {
        let response = builder
            .send()
            .await
            .map_err(|err| ClientError::from_reqwest(self.base_url(), &err))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let is_problem = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.contains("json"));
        let body = response.text().await.unwrap_or_default();
        Err(ClientError::Api(problem_from(
            status, is_problem, &body, url,
        )))
    }

    /// Sends a request with an optional JSON body and decodes a JSON answer.
    pub(crate) async fn send_json<B, T>(
        &self,
        method: Method,
        segments: &[&str],
        query: &Query,
        body: Option<&B>,
        if_match: Option<i64>,
    ) -> Result<T, ClientError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let url = self.url(segments)?;
        let mut builder = self.request(method, url.clone());
        if !query.is_empty() {
            builder = builder.query(query);
        }
        if let Some(body) = body {
            builder = builder.json(body);
        }
        if let Some(version) = if_match {
            builder = builder.header(reqwest::header::IF_MATCH, if_match_value(version));
        }
        let response = self.execute(builder, &url).await?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|err| ClientError::from_reqwest(self.base_url(), &err))?;
        serde_json::from_slice(&bytes).map_err(|err| ClientError::Decode {
            url: url.to_string(),
            status,
            message: flatten(&err.to_string()),
        })
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &Query,
    ) -> Result<T, ClientError> {
        self.send_json::<(), T>(Method::GET, segments, query, None, None)
            .await
    }

    pub(crate) async fn post<B, T>(&self, segments: &[&str], body: &B) -> Result<T, ClientError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.send_json(Method::POST, segments, &Vec::new(), Some(body), None)
            .await
    }

    pub(crate) async fn patch<B, T>(
        &self,
        segments: &[&str],
        body: &B,
        if_match: Option<i64>,
    ) -> Result<T, ClientError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.send_json(Method::PATCH, segments, &Vec::new(), Some(body), if_match)
            .await
    }

    /// A `DELETE` answered with 204 (any body is ignored).
    pub(crate) async fn delete(&self, segments: &[&str]) -> Result<(), ClientError> {
        let url = self.url(segments)?;
        let builder = self.request(Method::DELETE, url.clone());
        self.execute(builder, &url).await.map(drop)
    }
}

/// The problem an error response describes. A body that is not
/// problem+json (a proxy's HTML page, plain text) becomes a problem with the
/// status's reason as title and, for short text, the text as detail.
fn problem_from(status: StatusCode, is_json: bool, body: &str, url: &Url) -> Problem {
    if is_json && let Ok(mut problem) = serde_json::from_str::<Problem>(body) {
        if problem.status == 0 {
            problem.status = status.as_u16();
        }
        return problem;
    }
    let title = status.canonical_reason().unwrap_or("Error").to_owned();
    let text = flatten(body);
    // Short plain text reads as a message; markup and JSON that is not a
    // problem are another server's (a proxy's page, a different API's
    // error), shown as what they say about the address, not as raw text.
    let origin = url.origin().ascii_serialization();
    let detail = if !text.is_empty() && text.len() <= 200 && !text.starts_with(['<', '{', '[']) {
        text
    } else if is_json || status == StatusCode::NOT_FOUND {
        format!(
            "the server at {origin} answered {} but not as Keel does: is that the address of a Keel server?",
            status.as_u16()
        )
    } else {
        format!("the server at {origin} answered {}", status.as_u16())
    };
    Problem {
        problem_type: "about:blank".to_owned(),
        title,
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded_and_prefix_kept() {
        let client = KeelClient::new("https://example.com/keel/", None).unwrap();
        let url = client
            .url(&["api", "v1", "workspaces", "acme", "members", "a b/c@x.io"])
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://example.com/keel/api/v1/workspaces/acme/members/a%20b%2Fc@x.io"
        );
    }

    #[test]
    fn non_problem_bodies_become_problems() {
        let url = Url::parse("http://127.0.0.1:1/x").unwrap();
        let p = problem_from(StatusCode::BAD_GATEWAY, false, "<html>oops</html>", &url);
        assert_eq!(p.status, 502);
        assert_eq!(p.title, "Bad Gateway");
        assert_eq!(p.detail, "the server at http://127.0.0.1:1 answered 502");
        let p = problem_from(StatusCode::NOT_FOUND, true, "{\"nope\":1}", &url);
        assert_eq!(p.status, 404);
        assert!(p.detail.contains("not as Keel does"), "{}", p.detail);
        assert!(!p.detail.contains("nope"), "{}", p.detail);
    }

    #[test]
    fn bad_urls_are_rejected() {
        assert!(KeelClient::new("127.0.0.1:7070", None).is_err());
        assert!(KeelClient::new("ftp://x", None).is_err());
        assert!(KeelClient::new("http://127.0.0.1:7070", None).is_ok());
    }
}
