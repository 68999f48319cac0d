//! The read-only page a roadmap's share link opens, `/share/roadmaps/{token}`,
//! for stakeholders and customers without an account.
//!
//! - Only what the team marked public: the public items, each with its
//!   public title (else the feature's title) and summary, its lane and its
//!   stretch on the timeline. Never the feature's status, problem, goals,
//!   evidence or who made the link.
//! - The secret is looked up by its SHA-256 (as API tokens are); a revoked
//!   link and one that never existed get the same 404, which says neither.
//! - Nothing to write: the page has no forms and takes only GET.
//! - `X-Robots-Tag: noindex` (a shared link must not end up in a search
//!   engine), `Referrer-Policy: no-referrer` (the secret is in the address;
//!   no request from the page carries it on) and `Cache-Control: no-store`
//!   (a revoked link stops showing at once, even from a shared cache).
//!   Request logs name the path with the secret cut out
//!   ([`redacted_path`]).

use super::chrome::Chrome;
use super::error::PageError;
use super::roadmap_timeline::{self, Row, Timeline};
use crate::AppState;
use crate::api::v1::roadmaps as api;
use crate::secrets;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use keel_domain::roadmap::{Lane, Month, Scale};
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::roadmaps as store;
use serde::Deserialize;
use std::borrow::Cow;

/// Where share pages live; everything after it is the secret.
const PREFIX: &str = "/share/roadmaps/";

/// A request path fit for logs: a share page's secret is replaced.
pub fn redacted_path(path: &str) -> Cow<'_, str> {
    if path.starts_with(PREFIX) && path.len() > PREFIX.len() {
        Cow::Owned(format!("{PREFIX}[redacted]"))
    } else {
        Cow::Borrowed(path)
    }
}

/// A public item as the page shows it: nothing internal.
pub struct SharedItem {
    pub title: String,
    pub summary: String,
    pub when: String,
}

pub struct SharedLane {
    pub label: &'static str,
    pub items: Vec<SharedItem>,
}

#[derive(Template)]
#[template(path = "roadmap_share.html")]
struct SharePage {
    chrome: Chrome,
    product_name: String,
    roadmap_name: String,
    lanes: Vec<SharedLane>,
    timeline: Timeline,
    scale: &'static str,
    token: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ShareQuery {
    scale: Option<String>,
}

fn gone() -> PageError {
    PageError::Status(
        StatusCode::NOT_FOUND,
        "There is no shared roadmap at this address.".into(),
    )
}

fn when(start: Option<&str>, end: Option<&str>) -> String {
    let label = |m: &str| Month::parse("month", m).map(|m| m.label()).ok();
    match (start.and_then(label), end.and_then(label)) {
        (Some(s), Some(e)) if s != e => format!("{s} – {e}"),
        (Some(s), _) => s,
        _ => String::new(),
    }
}

pub async fn share_page(
    State(app): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<ShareQuery>,
) -> Result<Response, PageError> {
    let link = store::link_by_hash(app.store.db(), &secrets::token_hash(&token))
        .await?
        .ok_or_else(gone)?;
    let roadmap = store::get(app.store.db(), &link.workspace_id, &link.roadmap_id)
        .await?
        .ok_or_else(gone)?;
    let product = repo::products::get(app.store.db(), &roadmap.workspace_id, &roadmap.product_id)
        .await?
        .ok_or_else(gone)?;
    let items: Vec<_> = api::items_of(app.store.db(), &roadmap)
        .await?
        .into_iter()
        .filter(|i| i.public)
        .collect();
    let title = |i: &keel_api_types::RoadmapItem| {
        if i.public_title.is_empty() {
            i.feature_title.clone()
        } else {
            i.public_title.clone()
        }
    };
    let lanes = Lane::ALL
        .iter()
        .map(|l| SharedLane {
            label: match l {
                Lane::Now => "Now",
                Lane::Next => "Next",
                Lane::Later => "Later",
            },
            items: items
                .iter()
                .filter(|i| i.lane == l.as_str())
                .map(|i| SharedItem {
                    title: title(i),
                    summary: i.public_summary.clone(),
                    when: when(i.start_month.as_deref(), i.end_month.as_deref()),
                })
                .collect(),
        })
        .collect();
    let scale = match q.scale.as_deref() {
        Some("quarter") => Scale::Quarter,
        _ => Scale::Month,
    };
    let titles: Vec<String> = items.iter().map(title).collect();
    let rows: Vec<Row<'_>> = items
        .iter()
        .zip(&titles)
        .filter_map(|(i, t)| {
            let start = Month::parse("m", i.start_month.as_deref()?).ok()?;
            let end = i
                .end_month
                .as_deref()
                .and_then(|e| Month::parse("m", e).ok())
                .filter(|e| *e >= start)
                .unwrap_or(start);
            Some(Row {
                title: t,
                lane: &i.lane,
                start,
                end,
            })
        })
        .collect();
    let timeline = roadmap_timeline::layout(&rows, Timestamp::now().date(), scale);
    let body = SharePage {
        chrome: Chrome::bare(&format!("{} roadmap", product.name)),
        product_name: product.name,
        roadmap_name: roadmap.name,
        lanes,
        timeline,
        scale: scale.as_str(),
        token,
    }
    .render()?;
    let mut response = Html(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_logged_paths() {
        assert_eq!(
            redacted_path("/share/roadmaps/keel_abc123"),
            "/share/roadmaps/[redacted]"
        );
        assert_eq!(redacted_path("/share/roadmaps/"), "/share/roadmaps/");
        assert_eq!(redacted_path("/w/acme/p/KEEL"), "/w/acme/p/KEEL");
    }

    #[test]
    fn stretches_in_words() {
        assert_eq!(
            when(Some("2027-01"), Some("2027-03")),
            "Jan 2027 – Mar 2027"
        );
        assert_eq!(when(Some("2027-01"), Some("2027-01")), "Jan 2027");
        assert_eq!(when(None, None), "");
    }
}
