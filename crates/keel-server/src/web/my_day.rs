//! My day: the signed-in person's plan for one day — pick from their
//! assigned open tasks, check items off, reorder, accept the offer of the
//! last day's unfinished items — and what the 14 days before held.
//!
//! The server renders the day named by `?date=` (default: today in UTC);
//! `myday.js` swaps in the browser's local day when it differs, and writes
//! through the JSON API.

use super::board::priority_label;
use super::calendar;
use super::chrome::Chrome;
use super::error::{PageError, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::my_day::{history_of, my_day};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_api_types::{MyDayHistory, MyDayItem};
use keel_domain::task::{Priority, Status};
use keel_domain::time::{Date, Timestamp};
use keel_store::repo;
use keel_store::repo::tasks::{AssigneeFilter, TaskFilter};
use serde::Deserialize;

/// Most assigned tasks the picker lists.
const PICKER_LIMIT: i64 = 200;

#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    pub date: Option<String>,
}

/// A row of the day.
pub struct Row {
    pub id: String,
    pub task: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub priority: String,
    pub priority_label: &'static str,
    pub estimate: String,
    pub done: bool,
    /// The task is done or canceled.
    pub closed: bool,
}

impl From<&MyDayItem> for Row {
    fn from(i: &MyDayItem) -> Self {
        let status = Status::parse("status", &i.status).ok();
        let priority = Priority::parse("priority", &i.priority).ok();
        Row {
            id: i.id.clone(),
            task: i.task.clone(),
            title: i.title.clone(),
            status: i.status.clone(),
            status_label: status.map_or("", super::board::status_label),
            priority: i.priority.clone(),
            priority_label: priority.map_or("", priority_label),
            estimate: i.estimate.map(|e| format!("{e}")).unwrap_or_default(),
            done: i.done_at.is_some(),
            closed: status.is_some_and(|s| s.is_closed()),
        }
    }
}

/// A task the person may add.
pub struct Pick {
    pub key: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub priority: String,
}

/// A past day in the history.
pub struct PastDay {
    pub date: String,
    pub label: String,
    pub total: i64,
    pub done: i64,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "my_day.html")]
struct MyDayPage {
    chrome: Chrome,
    user_id: String,
    date: String,
    date_label: String,
    is_today: bool,
    prev: String,
    next: String,
    rows: Vec<Row>,
    done: usize,
    offer_from: String,
    offer_label: String,
    offer: Vec<Row>,
    picks: Vec<Pick>,
    history: Vec<PastDay>,
}

fn past_days(h: &MyDayHistory) -> Vec<PastDay> {
    h.days
        .iter()
        .map(|d| PastDay {
            date: d.date.clone(),
            label: calendar::short_text(&d.date),
            total: d.total,
            done: d.done,
            rows: d.items.iter().map(Row::from).collect(),
        })
        .collect()
}

pub async fn my_day_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "My day", "my-day").await?;
    let ws_id = access.workspace.id.as_str();
    let me = user.0.user.id.clone();
    let today = Timestamp::now().date();
    // A bad or missing date shows today rather than an error: the address
    // bar is not an API.
    let day = q
        .date
        .as_deref()
        .and_then(|d| Date::parse("date", d).ok())
        .unwrap_or(today);
    let plan = my_day(app.store.db(), ws_id, &me, day).await?;
    let history = history_of(app.store.db(), ws_id, &me, day).await?;

    let filter = TaskFilter {
        assignee: Some(AssigneeFilter::User(me.clone())),
        statuses: Status::ALL
            .iter()
            .filter(|s| !s.is_closed())
            .map(|s| s.as_str().to_string())
            .collect(),
        limit: PICKER_LIMIT,
        ..Default::default()
    };
    let (mut assigned, _) = repo::tasks::list(app.store.db(), ws_id, &filter).await?;
    let rank = |p: &str| Priority::parse("priority", p).map_or(99, |p| p.rank());
    assigned.sort_by(|a, b| {
        (rank(&a.priority), a.due_date.is_none(), &a.due_date).cmp(&(
            rank(&b.priority),
            b.due_date.is_none(),
            &b.due_date,
        ))
    });
    let picks = assigned
        .iter()
        .filter(|t| !plan.items.iter().any(|i| i.task_id == t.id))
        .map(|t| Pick {
            key: t.key.clone(),
            title: t.title.clone(),
            status: t.status.clone(),
            status_label: Status::parse("status", &t.status).map_or("", super::board::status_label),
            priority: t.priority.clone(),
        })
        .collect();

    let rows: Vec<Row> = plan.items.iter().map(Row::from).collect();
    let (offer_from, offer) = match &plan.offer {
        Some(o) => (o.from.clone(), o.items.iter().map(Row::from).collect()),
        None => (String::new(), Vec::new()),
    };
    let this_year = today.inner().year();
    let mut chrome = chrome;
    chrome.title = if day == today {
        "My day".to_string()
    } else {
        format!("My day · {}", calendar::short(&day))
    };
    page(&MyDayPage {
        chrome,
        user_id: me,
        date: day.as_string(),
        date_label: calendar::long(&day, this_year),
        is_today: day == today,
        prev: day.add_days(-1).map(|d| d.as_string()).unwrap_or_default(),
        next: day.add_days(1).map(|d| d.as_string()).unwrap_or_default(),
        done: rows.iter().filter(|r| r.done).count(),
        rows,
        offer_label: calendar::short_text(&offer_from),
        offer_from,
        offer,
        picks,
        history: past_days(&history),
    })
}
