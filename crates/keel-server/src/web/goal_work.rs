//! "What moves this goal" on a goal's page: the features linked to it —
//! directly, through an initiative, or (for an objective) through one of
//! its key results, each way named — with their tasks and how many of
//! those are done; and the initiatives that aim at the goal.
//!
//! Read-only: links are made on a feature's page (its goals) and in the
//! goals page's initiative forms, which the empty state points to.

use super::error::PageError;
use super::inbox::human;
use crate::AppState;
use keel_store::repo;
use keel_store::repo::initiatives as initiatives_store;

/// A task under a feature.
pub struct WorkTask {
    pub key: String,
    pub title: String,
    pub status: String,
    /// "in progress".
    pub status_label: String,
    /// The assignee's name, or empty.
    pub assignee: String,
}

/// A feature moving the goal, with the ways it is linked and its tasks.
pub struct MovingFeature {
    pub id: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    /// "linked directly", "through initiative Growth push", …
    pub ways: Vec<String>,
    pub tasks: Vec<WorkTask>,
    /// Tasks done, of those counted (cancelled ones are not).
    pub done: usize,
    pub total: usize,
}

/// An initiative that aims at the goal.
pub struct GoalInitiative {
    pub id: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub description: String,
}

/// The features moving `goal_id` and, for an objective, its key results
/// (`(id, title)` each), by title, with their tasks.
pub async fn moving(
    app: &AppState,
    ws_id: &str,
    goal_id: &str,
    key_results: &[(String, String)],
) -> Result<Vec<MovingFeature>, PageError> {
    let st = &app.store;
    let mut out: Vec<MovingFeature> = Vec::new();
    let own = std::iter::once((goal_id.to_string(), None));
    let krs = key_results
        .iter()
        .map(|(id, title)| (id.clone(), Some(title.as_str())));
    for (id, kr) in own.chain(krs) {
        for f in
            initiatives_store::features_moving(st.db(), ws_id, std::slice::from_ref(&id)).await?
        {
            let way = match (kr, &f.via) {
                (None, None) => "linked directly".to_string(),
                (None, Some(i)) => format!("through initiative {i}"),
                (Some(k), None) => format!("through key result {k}"),
                (Some(k), Some(i)) => format!("through key result {k} (initiative {i})"),
            };
            match out.iter_mut().find(|m| m.id == f.id) {
                Some(m) => {
                    if !m.ways.contains(&way) {
                        m.ways.push(way);
                    }
                }
                None => out.push(MovingFeature {
                    status_label: human(&f.status),
                    id: f.id,
                    title: f.title,
                    status: f.status,
                    ways: vec![way],
                    tasks: Vec::new(),
                    done: 0,
                    total: 0,
                }),
            }
        }
    }
    out.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    // "linked directly" first, then the others by name.
    for m in &mut out {
        m.ways.sort();
    }
    let ids: Vec<String> = out.iter().map(|m| m.id.clone()).collect();
    for t in repo::tasks::of_features(st.db(), ws_id, &ids).await? {
        let Some(m) = out.iter_mut().find(|m| m.id == t.feature_id) else {
            continue;
        };
        // Cancelled work neither moves the goal nor is left to do.
        if t.status != "canceled" {
            m.total += 1;
            if t.status == "done" {
                m.done += 1;
            }
        }
        m.tasks.push(WorkTask {
            key: t.key(),
            status_label: human(&t.status),
            title: t.title,
            status: t.status,
            assignee: t.assignee_name.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The product's initiatives that list `goal_id` among their goals.
pub async fn initiatives_of(
    app: &AppState,
    ws_id: &str,
    product_id: &str,
    goal_id: &str,
) -> Result<Vec<GoalInitiative>, PageError> {
    let st = &app.store;
    let links = initiatives_store::goal_links(st.db(), ws_id).await?;
    Ok(initiatives_store::list(st.db(), ws_id, Some(product_id))
        .await?
        .into_iter()
        .filter(|i| links.iter().any(|(iid, g)| *iid == i.id && g == goal_id))
        .map(|i| GoalInitiative {
            status_label: human(&i.status),
            id: i.id,
            title: i.title,
            status: i.status,
            description: i.description,
        })
        .collect())
}
