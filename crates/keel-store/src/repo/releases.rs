//! Releases of a product, their scope (features, and tasks on their own),
//! shipping, and the customer-facing summary of features that release
//! notes are written from.
//!
//! A release's own version label is the `version` column; its optimistic
//! concurrency counter is `revision` (the API's `If-Match`). Shipping is one
//! statement guarded by `status = 'planned'`, so two concurrent ships
//! cannot both succeed. Every change appends an event in the writing
//! transaction: `release` for the release, `feature` for each feature that
//! shipping or a new summary changes.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of release changes (fields, scope, shipping).
pub const KIND: &str = "release";

/// A release as stored, with its product's key and name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Release {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub product_name: String,
    pub version: String,
    pub name: String,
    pub target_date: Option<String>,
    pub status: String,
    pub shipped_at: Option<String>,
    pub shipped_by: Option<String>,
    pub shipped_by_name: Option<String>,
    pub shipped_by_email: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

const SELECT: &str = "SELECT r.id, r.workspace_id, r.product_id, p.key AS product_key,
    p.name AS product_name, r.version, r.name, r.target_date, r.status, r.shipped_at,
    r.shipped_by, u.name AS shipped_by_name, u.email AS shipped_by_email, r.created_at,
    r.updated_at, r.revision
    FROM releases r JOIN products p ON p.id = r.product_id
    LEFT JOIN users u ON u.id = r.shipped_by
    WHERE r.workspace_id = $1";

/// Validated values written on create and update.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseFields {
    pub version: String,
    pub name: String,
    pub target_date: Option<String>,
}

impl ReleaseFields {
    /// The fields `r` has now, for comparing with a patch.
    pub fn of(r: &Release) -> Self {
        ReleaseFields {
            version: r.version.clone(),
            name: r.name.clone(),
            target_date: r.target_date.clone(),
        }
    }
}

/// Creates a planned release (its scope is added with [`add_feature`] and
/// [`add_task`] in the same transaction).
pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    fields: &ReleaseFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Release, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO releases (id, workspace_id, product_id, version, name, target_date,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(&fields.version).bind(&fields.name)
     .bind(&fields.target_date).bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let release = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((release, event))
}

/// A release of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Release>> {
    let row: Option<Release> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND r.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// A release of a product by its version label.
pub async fn by_version(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
    version: &str,
) -> StoreResult<Option<Release>> {
    let row: Option<Release> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND r.product_id = $2 AND r.version = $3"
    ))).bind(workspace_id).bind(product_id).bind(version).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's releases (of one product when given), newest first.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Release>> {
    let rows: Vec<Release> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND ($2 IS NULL OR r.product_id = $2) ORDER BY r.id DESC"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its revision moved.
pub async fn update(
    tx: &mut Tx,
    current: &Release,
    fields: &ReleaseFields,
    now: &str,
) -> StoreResult<(Release, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE releases SET version = $3, name = $4, target_date = $5, updated_at = $6,
            revision = revision + 1
         WHERE id = $1 AND revision = $2"
    ).bind(&current.id).bind(current.revision).bind(&fields.version).bind(&fields.name)
     .bind(&fields.target_date).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    touched(tx, current, now).await
}

/// Moves the release's revision after a scope change and records it.
pub async fn touched(tx: &mut Tx, current: &Release, now: &str) -> StoreResult<(Release, Event)> {
    let ws = current.workspace_id.as_str();
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE releases SET updated_at = $2, revision = revision + 1
         WHERE id = $1 AND revision = $3"
    ).bind(&current.id).bind(now).bind(current.revision)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let release = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((release, event))
}

/// Deletes a release and its scope (the features and tasks stay).
pub async fn delete(tx: &mut Tx, current: &Release, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "releases", "revision", &current.id, current.revision)
        .await?;
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

/// Puts a feature in the scope; `false` if it already was.
pub async fn add_feature(
    tx: &mut Tx,
    release: &Release,
    feature_id: &str,
    now: &str,
) -> StoreResult<bool> {
    let added = on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO release_features (release_id, feature_id, workspace_id, added_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (release_id, feature_id) DO NOTHING"
    ).bind(&release.id).bind(feature_id).bind(&release.workspace_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(added > 0)
}

/// Takes a feature out of the scope; `false` if it was not in it.
pub async fn remove_feature(tx: &mut Tx, release_id: &str, feature_id: &str) -> StoreResult<bool> {
    let removed = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM release_features WHERE release_id = $1 AND feature_id = $2"
    ).bind(release_id).bind(feature_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(removed > 0)
}

/// Puts a task in the scope on its own; `false` if it already was.
pub async fn add_task(
    tx: &mut Tx,
    release: &Release,
    task_id: &str,
    now: &str,
) -> StoreResult<bool> {
    let added = on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO release_tasks (release_id, task_id, workspace_id, added_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (release_id, task_id) DO NOTHING"
    ).bind(&release.id).bind(task_id).bind(&release.workspace_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(added > 0)
}

/// Takes a task out of the scope; `false` if it was not in it.
pub async fn remove_task(tx: &mut Tx, release_id: &str, task_id: &str) -> StoreResult<bool> {
    let removed = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM release_tasks WHERE release_id = $1 AND task_id = $2"
    ).bind(release_id).bind(task_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(removed > 0)
}

/// A feature in a release's scope, with what the notes need.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScopeFeature {
    pub release_id: String,
    pub feature_id: String,
    pub title: String,
    pub feature_type: String,
    pub status: String,
    pub customer_summary: String,
    pub added_at: String,
}

/// The features in the scope of one release (or of every release of the
/// workspace, for lists), in the order they joined.
pub async fn features(
    db: Db<'_>,
    workspace_id: &str,
    release_id: Option<&str>,
) -> StoreResult<Vec<ScopeFeature>> {
    let rows: Vec<ScopeFeature> = on_db!(db, c => sqlx::query_as(
        "SELECT rf.release_id, f.id AS feature_id, f.title, f.feature_type, f.status,
            f.customer_summary, rf.added_at
         FROM release_features rf JOIN features f ON f.id = rf.feature_id
         WHERE rf.workspace_id = $1 AND ($2 IS NULL OR rf.release_id = $2)
         ORDER BY rf.added_at, f.id"
    ).bind(workspace_id).bind(release_id).fetch_all(c).await)?;
    Ok(rows)
}

/// A task in a release's scope: put there on its own (`feature_id` of the
/// scope row is `None`) or through one of its features.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScopeTask {
    pub release_id: String,
    pub task_id: String,
    pub product_key: String,
    pub number: i64,
    pub title: String,
    pub task_type: String,
    pub status: String,
    pub estimate: Option<f64>,
    pub created_at: String,
    pub completed_at: Option<String>,
    /// When the task (or its feature) joined the release.
    pub added_at: String,
    /// The feature it came with; `None` for a task put in on its own.
    pub via_feature: Option<String>,
}

const TASK_COLUMNS: &str = "t.id AS task_id, p.key AS product_key, t.number, t.title,
    t.task_type, t.status, t.estimate, t.created_at, t.completed_at";

/// The tasks in the scope of one release (or of every release of the
/// workspace): those put in on their own first, then those of its
/// features. A task may appear both ways; callers count it once.
pub async fn tasks(
    db: Db<'_>,
    workspace_id: &str,
    release_id: Option<&str>,
) -> StoreResult<Vec<ScopeTask>> {
    let mut db = db;
    let mut direct: Vec<ScopeTask> = on_db!(db.re(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT rt.release_id, {TASK_COLUMNS}, rt.added_at, NULL AS via_feature
         FROM release_tasks rt JOIN tasks t ON t.id = rt.task_id
         JOIN products p ON p.id = t.product_id
         WHERE rt.workspace_id = $1 AND ($2 IS NULL OR rt.release_id = $2)
         ORDER BY rt.added_at, t.number"
    ))).bind(workspace_id).bind(release_id).fetch_all(c).await)?;
    let via: Vec<ScopeTask> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT rf.release_id, {TASK_COLUMNS}, rf.added_at, rf.feature_id AS via_feature
         FROM release_features rf JOIN tasks t ON t.feature_id = rf.feature_id
         JOIN products p ON p.id = t.product_id
         WHERE rf.workspace_id = $1 AND ($2 IS NULL OR rf.release_id = $2)
         ORDER BY rf.added_at, t.number"
    ))).bind(workspace_id).bind(release_id).fetch_all(c).await)?;
    direct.extend(via);
    Ok(direct)
}

/// One (customer, feature) pair behind a release: a customer whose
/// feedback is linked to a feature in its scope.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AskedFor {
    pub customer_id: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub feature_id: String,
    pub feature_title: String,
    pub customer_summary: String,
}

/// Who asked for what is in a release, by customer name, each customer's
/// features in the order they joined the release (one row per pair).
pub async fn asked_for(
    db: Db<'_>,
    workspace_id: &str,
    release_id: &str,
) -> StoreResult<Vec<AskedFor>> {
    let rows: Vec<AskedFor> = on_db!(db, c => sqlx::query_as(
        "SELECT DISTINCT cu.id AS customer_id, cu.name AS customer_name,
            cu.email AS customer_email, f.id AS feature_id, f.title AS feature_title,
            f.customer_summary, rf.added_at
         FROM release_features rf
         JOIN features f ON f.id = rf.feature_id
         JOIN feedback_links l ON l.feature_id = rf.feature_id
         JOIN feedback fb ON fb.id = l.feedback_id
         JOIN customers cu ON cu.id = fb.customer_id
         WHERE rf.workspace_id = $1 AND rf.release_id = $2 AND cu.workspace_id = $1
         ORDER BY cu.name, cu.id, rf.added_at, f.id"
    ).bind(workspace_id).bind(release_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Marks the release shipped and every feature of its scope `shipped`
/// (each with a `feature` event). `None` when it had already shipped (or
/// its revision moved): nothing is written then.
pub async fn ship(
    tx: &mut Tx,
    current: &Release,
    actor_id: &str,
    now: &str,
) -> StoreResult<Option<(Release, Vec<Event>)>> {
    let ws = current.workspace_id.as_str();
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE releases SET status = 'shipped', shipped_at = $3, shipped_by = $4,
            updated_at = $3, revision = revision + 1
         WHERE id = $1 AND revision = $2 AND status = 'planned'"
    ).bind(&current.id).bind(current.revision).bind(now).bind(actor_id)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(None);
    }
    let mut events =
        vec![repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?];
    let to_ship: Vec<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT f.id FROM release_features rf JOIN features f ON f.id = rf.feature_id
         WHERE rf.release_id = $1 AND f.status <> 'shipped' ORDER BY rf.added_at, f.id"
    ).bind(&current.id).fetch_all(c).await)?;
    for (feature_id,) in to_ship {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE features SET status = 'shipped', updated_at = $2, version = version + 1
             WHERE id = $1"
        ).bind(&feature_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        events.push(
            repo::events::append(
                tx,
                ws,
                "updated",
                repo::features::KIND,
                &feature_id,
                None,
                now,
            )
            .await?,
        );
    }
    let release = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Some((release, events)))
}

/// A feature's customer-facing summary (`None` when no such feature).
pub async fn customer_summary(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT customer_summary FROM features WHERE workspace_id = $1 AND id = $2"
    ).bind(workspace_id).bind(feature_id).fetch_optional(c).await)?;
    Ok(row.map(|(s,)| s))
}

/// Sets a feature's customer summary, moving its version (`Stale` if it
/// moved since `version`) and recording a `feature` event.
pub async fn set_customer_summary(
    tx: &mut Tx,
    workspace_id: &str,
    feature_id: &str,
    version: i64,
    summary: &str,
    now: &str,
) -> StoreResult<Event> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE features SET customer_summary = $3, updated_at = $4, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(feature_id).bind(version).bind(summary).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    repo::events::append(
        tx,
        workspace_id,
        "updated",
        repo::features::KIND,
        feature_id,
        None,
        now,
    )
    .await
}
