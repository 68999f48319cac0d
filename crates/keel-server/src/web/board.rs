//! The board: a product's tasks in columns by status, in their shared
//! manual order, optionally in swimlanes by assignee or priority, filtered
//! by assignee, priority, label and type.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_domain::model::Task;
use keel_domain::task::{Priority, Status, TaskType};
use keel_store::repo;
use keel_store::repo::tasks::{AssigneeFilter, MAX_UNPAGED, TaskFilter};
use serde::Deserialize;

/// Board filters, as query parameters (so a filtered board can be shared).
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub label: String,
    #[serde(default, rename = "type")]
    pub task_type: String,
    /// `assignee` or `priority` for swimlanes; empty for none.
    #[serde(default)]
    pub group: String,
}

/// One card as the board shows it.
pub struct Card {
    pub id: String,
    pub key: String,
    pub title: String,
    pub priority: String,
    pub task_type: String,
    pub assignee_name: String,
    pub assignee_initials: String,
    pub labels: Vec<String>,
    pub estimate: String,
    pub due_date: String,
    pub rank: f64,
    pub version: i64,
}

pub struct Column {
    pub status: &'static str,
    pub label: &'static str,
    pub cards: Vec<Card>,
}

pub struct Lane {
    /// Empty when the board is not grouped.
    pub title: String,
    pub columns: Vec<Column>,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    chrome: Chrome,
    product_name: String,
    filters: BoardQuery,
    members: Vec<(String, String)>,
    labels: Vec<String>,
    priorities: Vec<&'static str>,
    types: Vec<&'static str>,
    lanes: Vec<Lane>,
    total: usize,
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Backlog => "Backlog",
        Status::Todo => "Todo",
        Status::InProgress => "In progress",
        Status::InReview => "In review",
        Status::Done => "Done",
        Status::Canceled => "Canceled",
    }
}

pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

impl From<&Task> for Card {
    fn from(t: &Task) -> Self {
        let name = t
            .assignee
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default();
        Card {
            id: t.id.clone(),
            key: t.key.clone(),
            title: t.title.clone(),
            priority: t.priority.clone(),
            task_type: t.task_type.clone(),
            assignee_initials: initials(&name),
            assignee_name: name,
            labels: t.labels.clone(),
            estimate: t.estimate.map(|e| format!("{e}")).unwrap_or_default(),
            due_date: t.due_date.clone().unwrap_or_default(),
            rank: t.rank,
            version: t.version,
        }
    }
}

fn columns(tasks: &[&Task]) -> Vec<Column> {
    Status::ALL
        .iter()
        .map(|s| Column {
            status: s.as_str(),
            label: status_label(*s),
            cards: tasks
                .iter()
                .filter(|t| t.status == s.as_str())
                .map(|t| Card::from(*t))
                .collect(),
        })
        .collect()
}

/// Splits tasks into swimlanes (tasks arrive in rank order and keep it).
fn lanes(tasks: &[Task], group: &str) -> Vec<Lane> {
    let all: Vec<&Task> = tasks.iter().collect();
    match group {
        "assignee" => {
            let mut names: Vec<String> = tasks
                .iter()
                .filter_map(|t| t.assignee.as_ref().map(|a| a.name.clone()))
                .collect();
            names.sort();
            names.dedup();
            let mut out: Vec<Lane> = names
                .into_iter()
                .map(|n| {
                    let mine: Vec<&Task> = all
                        .iter()
                        .copied()
                        .filter(|t| t.assignee.as_ref().is_some_and(|a| a.name == n))
                        .collect();
                    Lane {
                        title: n,
                        columns: columns(&mine),
                    }
                })
                .collect();
            let nobody: Vec<&Task> = all
                .iter()
                .copied()
                .filter(|t| t.assignee.is_none())
                .collect();
            if !nobody.is_empty() {
                out.push(Lane {
                    title: "Unassigned".into(),
                    columns: columns(&nobody),
                });
            }
            out
        }
        "priority" => Priority::ALL
            .iter()
            .filter_map(|p| {
                let these: Vec<&Task> = all
                    .iter()
                    .copied()
                    .filter(|t| t.priority == p.as_str())
                    .collect();
                (!these.is_empty()).then(|| Lane {
                    title: priority_label(*p).into(),
                    columns: columns(&these),
                })
            })
            .collect(),
        _ => vec![Lane {
            title: String::new(),
            columns: columns(&all),
        }],
    }
}

pub fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::Urgent => "Urgent",
        Priority::High => "High",
        Priority::Medium => "Medium",
        Priority::Low => "Low",
        Priority::NoPriority => "No priority",
    }
}

pub async fn board_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(filters): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Board", "board").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} board", product.name);

    let mut filter = TaskFilter {
        product_id: Some(product.id.clone()),
        by_rank: true,
        limit: MAX_UNPAGED,
        ..Default::default()
    };
    // Unknown filter values are ignored rather than failing the page: a
    // stale bookmarked URL should still show the board.
    if Priority::parse("priority", &filters.priority).is_ok() {
        filter.priorities = vec![filters.priority.clone()];
    }
    if TaskType::parse("type", &filters.task_type).is_ok() {
        filter.types = vec![filters.task_type.clone()];
    }
    if !filters.label.is_empty() {
        filter.label = Some(filters.label.clone());
    }
    let members = repo::workspaces::members(app.store.db(), ws_id).await?;
    filter.assignee = match filters.assignee.as_str() {
        "" => None,
        "none" => Some(AssigneeFilter::Unassigned),
        "me" => Some(AssigneeFilter::User(user.0.user.id.clone())),
        who => members
            .iter()
            .find(|m| m.user.email == who || m.user.id == who)
            .map(|m| AssigneeFilter::User(m.user.id.clone())),
    };
    let (tasks, _) = repo::tasks::list(app.store.db(), ws_id, &filter).await?;
    let labels = repo::tasks::labels_in_use(app.store.db(), ws_id).await?;
    let total = tasks.len();
    page(&BoardPage {
        chrome,
        product_name: product.name,
        lanes: lanes(&tasks, &filters.group),
        filters,
        members: members
            .into_iter()
            .filter(|m| m.active)
            .map(|m| (m.user.email, m.user.name))
            .collect(),
        labels,
        priorities: Priority::ALL.iter().map(|p| p.as_str()).collect(),
        types: TaskType::ALL.iter().map(|t| t.as_str()).collect(),
        total,
    })
}
