//! The signed-in user's notifications in a workspace (@mentions), newest
//! first, with "mark read" through the JSON API.

use super::board::initials;
use super::chrome::Chrome;
use super::detail::short_time;
use super::error::{PageError, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::notifications::excerpt;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_store::repo;
use serde::Deserialize;

/// Notifications per page.
const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct NotificationsQuery {
    /// Any value: only unread ones.
    #[serde(default)]
    pub unread: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
}

struct Item {
    id: String,
    actor_name: String,
    actor_initials: String,
    task_key: String,
    task_title: String,
    /// `#comment-…` on the task page, or empty.
    anchor: String,
    excerpt: String,
    at: String,
    at_display: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    unread_only: bool,
    items: Vec<Item>,
    /// The query string of the next page, or empty on the last one.
    older: String,
}

pub async fn notifications_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(q): Query<NotificationsQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Notifications", "notifications").await?;
    let unread_only = q.unread.is_some();
    // A cursor that is not one of ours is ignored (the first page shows).
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| keel_domain::ids::looks_like_id(c));
    let (items, next) = repo::notifications::list(
        app.store.db(),
        &access.workspace.id,
        &user.0.user.id,
        unread_only,
        cursor,
        PER_PAGE,
    )
    .await?;
    let older = next.map_or_else(String::new, |c| {
        if unread_only {
            format!("?unread=1&cursor={c}")
        } else {
            format!("?cursor={c}")
        }
    });
    page(&NotificationsPage {
        chrome,
        unread_only,
        items: items
            .into_iter()
            .map(|n| Item {
                actor_initials: initials(&n.actor.name),
                actor_name: n.actor.name,
                anchor: n
                    .comment_id
                    .map(|c| format!("#comment-{c}"))
                    .unwrap_or_default(),
                excerpt: excerpt(n.comment_body.as_deref().unwrap_or(""), 200),
                at_display: short_time(&n.created_at),
                at: n.created_at,
                unread: n.read_at.is_none(),
                task_key: n.task_key,
                task_title: n.task_title,
                id: n.id,
            })
            .collect(),
        older,
    })
}
