//! A product's roadmaps on the web, `/w/{ws}/p/{product}/roadmaps`
//! (`?roadmap=` picks one, else the first; `?view=lanes|timeline|goals`,
//! `?scale=month|quarter` for the timeline).
//!
//! - Lanes: now / next / later, cards dragged between and within lanes,
//!   or moved with each card's own controls (a lane picker and up / down
//!   buttons) from the keyboard.
//! - Timeline: the SVG drawn here ([`super::roadmap_timeline`]).
//! - By goal: items under each goal their feature serves, the rest under
//!   "No goal".
//!
//! Writers also add features, schedule them, mark what stakeholders see,
//! and make or revoke share links. `roadmaps.js` writes through the JSON
//! API (CSRF header, If-Match on edits) and reloads, so what shows is the
//! server's order.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::roadmap_timeline::{self, Row, Timeline};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::roadmaps as api;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_api_types::RoadmapItem;
use keel_domain::roadmap::{Lane, Month, Scale, group_by_goal};
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::roadmaps as store;
use serde::Deserialize;

/// A lane and its cards.
pub struct LaneView {
    pub key: &'static str,
    pub label: &'static str,
    pub items: Vec<RoadmapItem>,
}

/// A goal (or "No goal") and the items serving it.
pub struct GoalView {
    pub title: String,
    pub items: Vec<RoadmapItem>,
}

/// A feature that can still be added.
pub struct Choice {
    pub id: String,
    pub title: String,
}

/// A roadmap to switch to.
pub struct Listed {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "roadmaps.html")]
struct RoadmapsPage {
    chrome: Chrome,
    product_name: String,
    roadmaps: Vec<Listed>,
    current: Option<store::Roadmap>,
    view: &'static str,
    scale: &'static str,
    lanes: Vec<LaneView>,
    goals: Vec<GoalView>,
    timeline: Option<Timeline>,
    unscheduled: Vec<RoadmapItem>,
    choices: Vec<Choice>,
    links: Vec<store::ShareLink>,
}

impl RoadmapsPage {
    /// The page's address for another view or scale.
    fn href(&self, view: &str, scale: &str) -> String {
        let mut out = format!("/w/{}/p/{}/roadmaps?", self.chrome.ws, self.chrome.product);
        if let Some(r) = &self.current {
            out.push_str(&format!("roadmap={}&", r.id));
        }
        out.push_str(&format!("view={view}&scale={scale}"));
        out
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RoadmapQuery {
    roadmap: Option<String>,
    view: Option<String>,
    scale: Option<String>,
}

fn lane_label(lane: Lane) -> &'static str {
    match lane {
        Lane::Now => "Now",
        Lane::Next => "Next",
        Lane::Later => "Later",
    }
}

pub async fn roadmaps_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(q): Query<RoadmapQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Roadmap", "roadmaps").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} roadmap", product.name);
    let all = store::list(app.store.db(), ws_id, Some(&product.id)).await?;
    let current = match q.roadmap.as_deref().filter(|r| !r.is_empty()) {
        Some(id) => Some(
            all.iter()
                .find(|r| r.id == id)
                .cloned()
                .ok_or_else(|| not_found("roadmap"))?,
        ),
        None => all.first().cloned(),
    };
    let view = match q.view.as_deref() {
        Some("timeline") => "timeline",
        Some("goals") => "goals",
        _ => "lanes",
    };
    let scale = match q.scale.as_deref() {
        Some("quarter") => Scale::Quarter,
        _ => Scale::Month,
    };
    let items = match &current {
        Some(r) => api::items_of(app.store.db(), r).await?,
        None => Vec::new(),
    };
    let lanes = Lane::ALL
        .iter()
        .map(|l| LaneView {
            key: l.as_str(),
            label: lane_label(*l),
            items: items
                .iter()
                .filter(|i| i.lane == l.as_str())
                .cloned()
                .collect(),
        })
        .collect();

    let goals = if view == "goals" {
        let goal_rows = repo::goals::list(app.store.db(), ws_id, Some(&product.id)).await?;
        let ids: Vec<String> = goal_rows.iter().map(|g| g.id.clone()).collect();
        let links: Vec<Vec<String>> = items.iter().map(|i| i.goals.clone()).collect();
        group_by_goal(&ids, &links)
            .into_iter()
            .map(|g| GoalView {
                title: g
                    .goal
                    .and_then(|i| goal_rows.get(i))
                    .map(|g| g.title.clone())
                    .unwrap_or_else(|| "No goal".to_string()),
                items: g
                    .items
                    .iter()
                    .filter_map(|&i| items.get(i).cloned())
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };

    let mut unscheduled = Vec::new();
    let timeline = if view == "timeline" {
        let mut rows = Vec::new();
        for i in &items {
            let start = i
                .start_month
                .as_deref()
                .and_then(|m| Month::parse("start_month", m).ok());
            let end = i
                .end_month
                .as_deref()
                .and_then(|m| Month::parse("end_month", m).ok());
            match (start, end) {
                (Some(start), end) => rows.push(Row {
                    title: &i.feature_title,
                    lane: &i.lane,
                    start,
                    end: end.filter(|e| *e >= start).unwrap_or(start),
                }),
                _ => unscheduled.push(i.clone()),
            }
        }
        Some(roadmap_timeline::layout(
            &rows,
            Timestamp::now().date(),
            scale,
        ))
    } else {
        None
    };

    let can_write = chrome.can_write();
    let choices = if can_write && current.is_some() {
        let features = repo::features::list(app.store.db(), ws_id, Some(&product.id), &[]).await?;
        let mut out: Vec<Choice> = features
            .into_iter()
            .filter(|f| !items.iter().any(|i| i.feature == f.id))
            .map(|f| Choice {
                id: f.id,
                title: f.title,
            })
            .collect();
        out.sort_by_key(|c| c.title.to_lowercase());
        out
    } else {
        Vec::new()
    };
    let links = match (&current, can_write) {
        (Some(r), true) => store::links(app.store.db(), ws_id, &r.id).await?,
        _ => Vec::new(),
    };
    page(&RoadmapsPage {
        chrome,
        product_name: product.name,
        roadmaps: all
            .iter()
            .map(|r| Listed {
                id: r.id.clone(),
                name: r.name.clone(),
            })
            .collect(),
        current,
        view,
        scale: scale.as_str(),
        lanes,
        goals,
        timeline,
        unscheduled,
        choices,
        links,
    })
}
