//! Public feeds of a product's releases: an Atom feed of shipped releases'
//! notes, `/portal/{ws}/{product}/releases.atom`, and a calendar of release
//! dates (ship date, else target date), `/portal/{ws}/{product}/releases.ics`.
//!
//! Why public, and only with the portal open: feed readers and calendar
//! apps cannot send a session cookie or an API token, and everything in
//! these feeds is customer-facing (notes written for customers, versions
//! and dates) — exactly what a product with an open portal already shows
//! customers. With the portal closed they answer 404, like the portal.

use crate::AppState;
use crate::api::v1::release_ship::notes_of;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_domain::release_feeds::{self as feeds, CalendarEvent, FeedEntry};
use keel_domain::release_notes;
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::releases as store;

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "There is no public portal at this address.",
    )
        .into_response()
}

/// The open portal's product and its releases, oldest id last.
async fn releases(
    app: &AppState,
    ws: &str,
    key: &str,
) -> Result<Option<(keel_domain::model::Product, Vec<store::Release>)>, Response> {
    let Ok(found) = repo::products::open_portal(app.store.db(), ws, key).await else {
        return Err(StatusCode::SERVICE_UNAVAILABLE.into_response());
    };
    let Some((workspace_id, product)) = found else {
        return Ok(None);
    };
    match store::list(app.store.db(), &workspace_id, Some(&product.id)).await {
        Ok(rows) => Ok(Some((product, rows))),
        Err(_) => Err(StatusCode::SERVICE_UNAVAILABLE.into_response()),
    }
}

/// `/portal/{ws}/{product}/releases.atom`.
pub async fn atom_feed(
    State(app): State<AppState>,
    Path((ws, key)): Path<(String, String)>,
) -> Response {
    atom(&app, &ws, &key).await
}

/// `/portal/{ws}/{product}/releases.ics`.
pub async fn ics_feed(
    State(app): State<AppState>,
    Path((ws, key)): Path<(String, String)>,
) -> Response {
    ics(&app, &ws, &key).await
}

async fn atom(app: &AppState, ws: &str, key: &str) -> Response {
    let (product, rows) = match releases(app, ws, key).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    let mut entries = Vec::new();
    for r in rows.iter().filter(|r| r.status == "shipped") {
        let Ok(notes) = notes_of(app.store.db(), r).await else {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        };
        entries.push(FeedEntry {
            id: format!("urn:keel:release:{}", r.id),
            title: notes.title(),
            updated: r.shipped_at.clone().unwrap_or_else(|| r.updated_at.clone()),
            html: release_notes::html(&notes),
        });
    }
    let body = feeds::atom(
        &format!("urn:keel:releases:{}", product.id),
        &format!("{} releases", product.name),
        &format!("/portal/{ws}/{}", product.key),
        &product.updated_at,
        &entries,
    );
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn ics(app: &AppState, ws: &str, key: &str) -> Response {
    let (product, rows) = match releases(app, ws, key).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(),
        Err(r) => return r,
    };
    let events: Vec<CalendarEvent> = rows
        .iter()
        .filter_map(|r| {
            let (date, what) = match (&r.shipped_at, &r.target_date) {
                (Some(at), _) => (at.get(..10)?.to_string(), "released"),
                (None, Some(d)) => (d.clone(), "planned"),
                (None, None) => return None,
            };
            Some(CalendarEvent {
                uid: format!("{}@keel-release", r.id),
                date,
                summary: format!("{} {} {what}", product.name, r.version),
            })
        })
        .collect();
    let now = Timestamp::now().to_rfc3339();
    let stamp: String = now
        .get(..19)
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    let body = feeds::ics(
        &format!("{} releases", product.name),
        &format!("{stamp}Z"),
        &events,
    );
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response()
}
