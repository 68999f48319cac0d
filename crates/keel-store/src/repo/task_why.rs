//! The people behind a task's "why": the distinct customers whose feedback
//! is linked to the feature the task serves, with how many of their
//! feedback items are linked. The story and goals of the chain come from
//! [`stories`](super::stories) and `feature_goals`.

use crate::{Db, StoreResult};

/// A customer who asked for a feature.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Asker {
    pub id: String,
    pub name: String,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub feedback_count: i64,
}

/// Distinct customers with feedback linked to `feature_id`, those with the
/// most linked feedback first, then by name. Feedback without a customer
/// (anonymous, or erased) is left out: nobody to name.
pub async fn customers_of_feature(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: &str,
) -> StoreResult<Vec<Asker>> {
    let rows: Vec<Asker> = on_db!(db, c => sqlx::query_as(
        "SELECT c.id, c.name, co.id AS company_id, co.name AS company_name,
            COUNT(DISTINCT fb.id) AS feedback_count
         FROM feedback_links l
         JOIN feedback fb ON fb.id = l.feedback_id
         JOIN customers c ON c.id = fb.customer_id
         LEFT JOIN companies co ON co.id = c.company_id
         WHERE l.workspace_id = $1 AND l.feature_id = $2
         GROUP BY c.id, c.name, co.id, co.name
         ORDER BY COUNT(DISTINCT fb.id) DESC, c.name, c.id"
    ).bind(workspace_id).bind(feature_id).fetch_all(c).await)?;
    Ok(rows)
}
