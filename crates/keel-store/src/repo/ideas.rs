//! Ideas: suggestions with votes and evidence, until one is promoted to a
//! feature (its evidence copied over in the same transaction) or declined.
//!
//! A vote belongs to one person, named by `voter`: `user:<id>` for a member
//! and `customer:<id>` for a portal visitor (known by the customer their
//! email names), so nobody votes twice for one idea whichever way they come.
//! Every change appends an `idea` event in the writing transaction.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of idea changes.
pub const KIND: &str = "idea";

/// The voter name of a member.
pub fn user_voter(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The voter name of a portal visitor.
pub fn customer_voter(customer_id: &str) -> String {
    format!("customer:{customer_id}")
}

/// An idea as stored, with its vote count and whether the asking voter
/// voted for it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Idea {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub source: String,
    pub is_public: bool,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub feature_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    pub votes: i64,
    pub voted: bool,
}

/// `$1` the workspace, `$2` the voter asking (or '').
const SELECT: &str = "SELECT i.id, i.workspace_id, i.product_id, p.key AS product_key, i.title,
    i.description, i.status, i.source, i.is_public, i.customer_id, cu.name AS customer_name,
    i.feature_id, i.created_at,
    i.updated_at, i.version,
    (SELECT COUNT(*) FROM idea_votes v WHERE v.idea_id = i.id) AS votes,
    EXISTS (SELECT 1 FROM idea_votes v WHERE v.idea_id = i.id AND v.voter = $2) AS voted
    FROM ideas i JOIN products p ON p.id = i.product_id
    LEFT JOIN customers cu ON cu.id = i.customer_id
    WHERE i.workspace_id = $1";

/// Validated values written on create and update.
#[derive(Debug, Clone)]
pub struct IdeaFields {
    pub title: String,
    pub description: String,
    pub status: String,
    pub is_public: bool,
}

/// Who suggested an idea: a member, or a portal visitor's customer record.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    User(&'a str),
    Customer(&'a str),
}

#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    fields: &IdeaFields,
    source: &str,
    author: Author<'_>,
    now: &str,
) -> StoreResult<(Idea, Event)> {
    let (user_id, customer_id) = match author {
        Author::User(u) => (Some(u), None),
        Author::Customer(c) => (None, Some(c)),
    };
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO ideas (id, workspace_id, product_id, title, description, status, source,
            is_public, customer_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    ).bind(id).bind(workspace_id).bind(product_id).bind(&fields.title).bind(&fields.description)
     .bind(&fields.status).bind(source).bind(fields.is_public).bind(customer_id).bind(user_id)
     .bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let idea = get(tx.db(), workspace_id, id, "")
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((idea, event))
}

/// An idea of the workspace by id, as `voter` sees it.
pub async fn get(
    db: Db<'_>,
    workspace_id: &str,
    id: &str,
    voter: &str,
) -> StoreResult<Option<Idea>> {
    let row: Option<Idea> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND i.id = $3"
    ))).bind(workspace_id).bind(voter).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// What [`list`] selects and how it orders.
#[derive(Debug, Clone, Default)]
pub struct IdeaFilter {
    pub product_id: Option<String>,
    /// Any of these statuses; empty means all.
    pub statuses: Vec<String>,
    /// Only ideas shown on the portal.
    pub public_only: bool,
    /// Most votes first (then newest) instead of newest first.
    pub by_votes: bool,
}

/// The workspace's ideas as `voter` sees them.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    filter: &IdeaFilter,
    voter: &str,
) -> StoreResult<Vec<Idea>> {
    let mut sql = SELECT.to_string();
    let mut binds = vec![workspace_id.to_string(), voter.to_string()];
    if let Some(p) = &filter.product_id {
        binds.push(p.clone());
        sql.push_str(&format!(" AND i.product_id = ${}", binds.len()));
    }
    if !filter.statuses.is_empty() {
        let parts: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| {
                binds.push(s.clone());
                format!("i.status = ${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    if filter.public_only {
        sql.push_str(" AND i.is_public = TRUE");
    }
    sql.push_str(if filter.by_votes {
        " ORDER BY votes DESC, i.id DESC"
    } else {
        " ORDER BY i.id DESC"
    });
    let rows: Vec<Idea> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Idea,
    fields: &IdeaFields,
    now: &str,
) -> StoreResult<(Idea, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE ideas SET title = $3, description = $4, status = $5, is_public = $6,
            updated_at = $7, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.description)
     .bind(&fields.status).bind(fields.is_public).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, "updated", now).await
}

/// Appends an event for a change to `current` and reads it back.
async fn touched(
    tx: &mut Tx,
    current: &Idea,
    event_type: &str,
    now: &str,
) -> StoreResult<(Idea, Event)> {
    let ws = current.workspace_id.as_str();
    let event = repo::events::append(tx, ws, event_type, KIND, &current.id, None, now).await?;
    let idea = get(tx.db(), ws, &current.id, "")
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((idea, event))
}

pub async fn delete(tx: &mut Tx, current: &Idea, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "ideas", "version", &current.id, current.version).await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        KIND,
        &current.id,
        None,
        now,
    )
    .await
}

/// Who votes: the voter name and the member or customer behind it.
#[derive(Debug, Clone)]
pub struct Voter {
    pub name: String,
    pub user_id: Option<String>,
    pub customer_id: Option<String>,
}

impl Voter {
    pub fn user(id: &str) -> Self {
        Voter {
            name: user_voter(id),
            user_id: Some(id.to_string()),
            customer_id: None,
        }
    }

    pub fn customer(id: &str) -> Self {
        Voter {
            name: customer_voter(id),
            user_id: None,
            customer_id: Some(id.to_string()),
        }
    }
}

/// Adds a vote (or removes it when `on` is false); nothing happens when it
/// is already so. Returns the idea and, when something changed, the event.
pub async fn set_vote(
    tx: &mut Tx,
    current: &Idea,
    voter: &Voter,
    on: bool,
    now: &str,
) -> StoreResult<(Idea, Option<Event>)> {
    let changed = if on {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO idea_votes (idea_id, workspace_id, voter, user_id, customer_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idea_id, voter) DO NOTHING"
        ).bind(&current.id).bind(&current.workspace_id).bind(&voter.name).bind(&voter.user_id)
         .bind(&voter.customer_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?
    } else {
        on_db!(tx.db(), c => sqlx::query(
            "DELETE FROM idea_votes WHERE idea_id = $1 AND voter = $2"
        ).bind(&current.id).bind(&voter.name).execute(c).await.map(|r| r.rows_affected()))?
    };
    let event = if changed > 0 {
        let ws = current.workspace_id.as_str();
        Some(repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?)
    } else {
        None
    };
    let idea = get(tx.db(), &current.workspace_id, &current.id, &voter.name)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((idea, event))
}

/// Marks `current` promoted to `feature_id` and copies its evidence to
/// the feature (links the feature already has are kept as they are).
pub async fn promote(
    tx: &mut Tx,
    current: &Idea,
    feature_id: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Idea, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE ideas SET status = 'promoted', feature_id = $3, updated_at = $4,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(feature_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    for link in links(tx.db(), &current.workspace_id, &current.id).await? {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO feedback_links (id, workspace_id, feedback_id, feature_id, importance,
                excerpt, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (feedback_id, feature_id) DO NOTHING"
        ).bind(new_id()).bind(&current.workspace_id).bind(&link.feedback_id).bind(feature_id)
         .bind(&link.importance).bind(&link.excerpt).bind(actor_id).bind(now)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    touched(tx, current, "updated", now).await
}

/// A passage of feedback linked to an idea.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IdeaLink {
    pub id: String,
    pub idea_id: String,
    pub feedback_id: String,
    pub importance: String,
    pub excerpt: String,
    pub created_at: String,
}

/// Links a feedback passage to `current`; `Conflict("idea_links_once")`
/// when that feedback is already linked to it. The feedback moves to
/// `linked` as it does when linked to a feature.
pub async fn add_link(
    tx: &mut Tx,
    current: &Idea,
    feedback_id: &str,
    importance: &str,
    excerpt: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<(IdeaLink, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO idea_links (id, workspace_id, feedback_id, idea_id, importance, excerpt,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&id).bind(&current.workspace_id).bind(feedback_id).bind(&current.id).bind(importance)
     .bind(excerpt).bind(actor_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    repo::feedback::mark_linked(tx, feedback_id, now).await?;
    let ws = current.workspace_id.as_str();
    repo::events::append(
        tx,
        ws,
        "updated",
        repo::feedback::KIND,
        feedback_id,
        None,
        now,
    )
    .await?;
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let link = links(tx.db(), &current.workspace_id, &current.id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(StoreError::NotFound)?;
    Ok((link, event))
}

/// A feedback item's links to ideas, with each idea's title, oldest first.
pub async fn links_of_feedback(
    db: Db<'_>,
    workspace_id: &str,
    feedback_id: &str,
) -> StoreResult<Vec<(IdeaLink, String)>> {
    let rows: Vec<(String, String, String, String, String, String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT l.id, l.idea_id, l.feedback_id, l.importance, l.excerpt, l.created_at, i.title
         FROM idea_links l JOIN ideas i ON i.id = l.idea_id
         WHERE l.workspace_id = $1 AND l.feedback_id = $2 ORDER BY l.id"
    ).bind(workspace_id).bind(feedback_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, idea_id, feedback_id, importance, excerpt, created_at, title)| {
                (
                    IdeaLink {
                        id,
                        idea_id,
                        feedback_id,
                        importance,
                        excerpt,
                        created_at,
                    },
                    title,
                )
            },
        )
        .collect())
}

/// Removes one of `current`'s evidence links; `NotFound` when it has no
/// such link.
pub async fn remove_link(
    tx: &mut Tx,
    current: &Idea,
    link_id: &str,
    now: &str,
) -> StoreResult<Event> {
    let removed = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM idea_links WHERE id = $1 AND idea_id = $2"
    ).bind(link_id).bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        KIND,
        &current.id,
        None,
        now,
    )
    .await
}

/// The evidence of an idea, oldest first.
pub async fn links(db: Db<'_>, workspace_id: &str, idea_id: &str) -> StoreResult<Vec<IdeaLink>> {
    let rows: Vec<IdeaLink> = on_db!(db, c => sqlx::query_as(
        "SELECT id, idea_id, feedback_id, importance, excerpt, created_at FROM idea_links
         WHERE workspace_id = $1 AND idea_id = $2 ORDER BY id"
    ).bind(workspace_id).bind(idea_id).fetch_all(c).await)?;
    Ok(rows)
}
