//! The caller's in-app notifications in a workspace (for now: @mentions in
//! comments), and marking them read. Everyone sees only their own; any
//! member, whatever their role, may read and mark theirs.

use super::{convert, id_cursor, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use axum::extract::State;
use keel_api_types::{MarkRead, MarkedRead, NotificationPage, Problem};
use keel_domain::Permission;
use keel_domain::time::Timestamp;
use keel_store::repo;
use serde::Deserialize;
use utoipa::IntoParams;

/// `?limit=&cursor=&unread=` on the notification list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `true`: only unread notifications.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/notifications", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace slug"), NotificationQuery),
    responses((status = 200, body = NotificationPage), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_notifications(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<NotificationQuery>,
) -> ApiResult<axum::Json<NotificationPage>> {
    ctx.require(Permission::Read)?;
    let limit = page_limit(q.limit)?;
    let (items, next_cursor) = repo::notifications::list(
        app.store.db(),
        &ctx.workspace.id,
        ctx.user_id(),
        q.unread.unwrap_or(false),
        id_cursor(q.cursor.as_deref())?,
        limit,
    )
    .await?;
    let unread =
        repo::notifications::unread_count(app.store.db(), &ctx.workspace.id, ctx.user_id()).await?;
    Ok(axum::Json(NotificationPage {
        items: items.iter().map(convert::notification).collect(),
        next_cursor,
        unread,
    }))
}

/// Marks the caller's notifications read: `{"all": true}` or `{"ids": […]}`.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/notifications/read", tag = "notifications",
    request_body = MarkRead,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MarkedRead), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn mark_read(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<MarkRead>,
) -> ApiResult<axum::Json<MarkedRead>> {
    ctx.require(Permission::Read)?;
    let ids = match (input.all, input.ids.is_empty()) {
        (true, true) => None,
        (false, false) => Some(input.ids),
        (true, false) => {
            return Err(ApiError::field("ids", "give either ids or all, not both"));
        }
        (false, true) => {
            return Err(ApiError::field(
                "ids",
                "name the notifications to mark read, or send \"all\": true",
            ));
        }
    };
    if let Some(ids) = &ids {
        if ids.len() > repo::notifications::MAX_IDS {
            return Err(ApiError::field(
                "ids",
                format!("at most {} at a time", repo::notifications::MAX_IDS),
            ));
        }
        if !ids.iter().all(|id| keel_domain::ids::looks_like_id(id)) {
            return Err(ApiError::field(
                "ids",
                "must be notification ids as returned by the list",
            ));
        }
    }
    let mut tx = app.store.begin().await?;
    let marked = repo::notifications::mark_read(
        &mut tx,
        &ctx.workspace.id,
        ctx.user_id(),
        ids.as_deref(),
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    let unread =
        repo::notifications::unread_count(tx.db(), &ctx.workspace.id, ctx.user_id()).await?;
    tx.commit().await?;
    Ok(axum::Json(MarkedRead {
        marked: i64::try_from(marked).unwrap_or(i64::MAX),
        unread,
    }))
}

/// The start of a Markdown text as one plain line of at most `max` chars:
/// the text without its markup, whitespace collapsed, cut at a word where
/// possible, `…` when cut.
pub fn excerpt(markdown: &str, max: usize) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::with_capacity(markdown.len().min(max * 4));
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            // Blocks end with a space; inline markup joins its neighbours.
            Event::End(tag)
                if !matches!(
                    tag,
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
                ) =>
            {
                text.push(' ');
            }
            _ => {}
        }
        // Enough text to cut from; the rest of a long comment is not read.
        if text.len() > max * 4 + 16 {
            break;
        }
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("  hello\n\n  world ", 50), "hello world");
        assert_eq!(
            excerpt("one two three four five", 12),
            "one two…",
            "cut at a word"
        );
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
        assert_eq!(excerpt("ééééé", 3), "ééé…", "counts characters, not bytes");
        assert_eq!(excerpt("", 10), "");
        assert_eq!(
            excerpt(
                "# Plan\n\n@Mary can you check the **copy**, `code` and [docs](https://x.io)?\n\n- one\n- two",
                200
            ),
            "Plan @Mary can you check the copy, code and docs? one two"
        );
        assert_eq!(
            excerpt("<script>alert(1)</script>", 50),
            "<script>alert(1)</script>",
            "raw HTML stays text (templates escape it)"
        );
    }
}
