//! The list: a product's tasks as a dense table, filtered, sorted (in SQL)
//! and optionally grouped under headers with counts, 500 rows a page. Rows
//! can be selected for a bulk edit; the person's saved views are one click
//! away. The query string is the whole state (see [`ListQuery`]), so a
//! list can be bookmarked, shared and saved as a view.

use super::board::{initials, priority_label, status_label};
use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::list_query::{GroupBy, ListQuery, SortBy};
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use keel_domain::model::{Membership, Task};
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::tasks::{AssigneeFilter, TaskFilter};
use std::collections::HashMap;

/// Rows per page; also the most a bulk edit takes, so "select all" on a
/// page is always one bulk request.
pub const PAGE_SIZE: i64 = 500;

/// One option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn opt(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
    let value = value.into();
    Opt {
        selected: value == current,
        label: label.into(),
        value,
    }
}

/// A column heading, sortable or not.
pub struct Column {
    pub label: &'static str,
    pub class: &'static str,
    /// Where clicking the heading goes; empty when the column does not sort.
    pub href: String,
    /// `ascending`, `descending` or `none`; empty when it does not sort.
    pub aria_sort: &'static str,
    pub arrow: &'static str,
}

/// One table row.
pub struct Row {
    pub id: String,
    pub key: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub priority: String,
    pub priority_label: &'static str,
    pub task_type: String,
    pub type_label: &'static str,
    pub assignee_name: String,
    pub assignee_initials: String,
    pub labels: Vec<String>,
    pub estimate: String,
    pub due_date: String,
    /// "Jan 20" this year, "Sep 1, 2027" otherwise.
    pub due_label: String,
    /// `overdue` when past and still open.
    pub due_class: &'static str,
    pub updated: String,
    pub updated_at: String,
}

/// Rows under one heading (one group with no heading when ungrouped).
pub struct Group {
    /// Empty when the list is not grouped.
    pub title: String,
    /// For the status dot (status groups only).
    pub status: String,
    /// Matching tasks in the group on every page.
    pub count: i64,
    pub rows: Vec<Row>,
}

/// A saved view in the menu.
pub struct ViewLink {
    pub id: String,
    pub name: String,
    pub href: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    chrome: Chrome,
    product_name: String,
    query: ListQuery,
    /// The canonical query (what "Save view" saves).
    canonical: String,
    status_opts: Vec<Opt>,
    priority_opts: Vec<Opt>,
    type_opts: Vec<Opt>,
    assignee_opts: Vec<Opt>,
    label_opts: Vec<Opt>,
    sort_opts: Vec<Opt>,
    group_opts: Vec<Opt>,
    /// Bulk bar choices (values only, nothing selected).
    bulk_statuses: Vec<Opt>,
    bulk_priorities: Vec<Opt>,
    bulk_people: Vec<Opt>,
    columns: Vec<Column>,
    groups: Vec<Group>,
    total: i64,
    /// "1–500 of 1,234".
    range: String,
    prev_href: String,
    next_href: String,
    views: Vec<ViewLink>,
    active_view: String,
}

pub fn type_label(t: &str) -> &'static str {
    match TaskType::parse("type", t) {
        Ok(TaskType::Feature) => "Feature",
        Ok(TaskType::Bug) => "Bug",
        Ok(TaskType::TechDebt) => "Tech debt",
        Ok(TaskType::Spike) => "Spike",
        Ok(TaskType::Chore) => "Chore",
        Err(_) => "",
    }
}

fn status_text(s: &str) -> &'static str {
    Status::parse("status", s).map_or("", status_label)
}

fn priority_text(p: &str) -> &'static str {
    Priority::parse("priority", p).map_or("", priority_label)
}

/// `1234567` → `1,234,567`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// How long ago, in the largest whole unit ("5 min ago", "3 d ago"), or
/// the date once it is more than a month back.
fn ago(at: &str, now: &Timestamp) -> String {
    let Ok(t) = Timestamp::parse("at", at) else {
        return String::new();
    };
    let secs = (now.datetime() - t.datetime()).whole_seconds();
    match secs {
        i64::MIN..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        86_400..2_592_000 => format!("{} d ago", secs / 86_400),
        _ => t.date().as_string(),
    }
}

/// `2026-01-20` → "Jan 20" in `this_year`, "Jan 20, 2026" otherwise.
fn short_date(date: &str, this_year: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_string();
    };
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    let (Some(month), Ok(day)) = (month, d.parse::<u32>()) else {
        return date.to_string();
    };
    if y == this_year {
        format!("{month} {day}")
    } else {
        format!("{month} {day}, {y}")
    }
}

fn row(t: &Task, today: &str, now: &Timestamp) -> Row {
    let name = t
        .assignee
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let due = t.due_date.clone().unwrap_or_default();
    let closed = Status::parse("status", &t.status).is_ok_and(|s| s.is_closed());
    Row {
        id: t.id.clone(),
        key: t.key.clone(),
        title: t.title.clone(),
        status_label: status_text(&t.status),
        status: t.status.clone(),
        priority_label: priority_text(&t.priority),
        priority: t.priority.clone(),
        type_label: type_label(&t.task_type),
        task_type: t.task_type.clone(),
        assignee_initials: initials(&name),
        assignee_name: name,
        labels: t.labels.clone(),
        estimate: t.estimate.map(|e| format!("{e}")).unwrap_or_default(),
        due_class: if !due.is_empty() && !closed && due.as_str() < today {
            "overdue"
        } else {
            ""
        },
        due_label: short_date(&due, &today[..4]),
        due_date: due,
        updated: ago(&t.updated_at, now),
        updated_at: t.updated_at.clone(),
    }
}

/// The group a task belongs to: `(key, title)`.
fn group_of(t: &Task, g: GroupBy) -> (String, String) {
    match g {
        GroupBy::Status => (t.status.clone(), status_text(&t.status).to_string()),
        GroupBy::Priority => (t.priority.clone(), priority_text(&t.priority).to_string()),
        GroupBy::Assignee => match &t.assignee {
            Some(a) => (a.id.clone(), a.name.clone()),
            None => (String::new(), "Unassigned".to_string()),
        },
    }
}

/// Splits a page of tasks (already in group order) under headings.
fn groups(
    tasks: &[Task],
    group: Option<GroupBy>,
    counts: &HashMap<String, i64>,
    total: i64,
) -> Vec<Group> {
    let today = Timestamp::now().date().as_string();
    let now = Timestamp::now();
    let Some(g) = group else {
        return vec![Group {
            title: String::new(),
            status: String::new(),
            count: total,
            rows: tasks.iter().map(|t| row(t, &today, &now)).collect(),
        }];
    };
    let mut out: Vec<(String, Group)> = Vec::new();
    for t in tasks {
        let (key, title) = group_of(t, g);
        if out.last().is_none_or(|(k, _)| *k != key) {
            out.push((
                key.clone(),
                Group {
                    title,
                    status: if g == GroupBy::Status {
                        key.clone()
                    } else {
                        String::new()
                    },
                    count: counts.get(&key).copied().unwrap_or(0),
                    rows: Vec::new(),
                },
            ));
        }
        if let Some((_, group)) = out.last_mut() {
            group.rows.push(row(t, &today, &now));
        }
    }
    out.into_iter().map(|(_, g)| g).collect()
}

fn columns(q: &ListQuery) -> Vec<Column> {
    let sortable = |label, class, by: SortBy| {
        let (aria_sort, arrow) = match (q.sort == by, q.descending) {
            (false, _) => ("none", ""),
            (true, false) => ("ascending", "↑"),
            (true, true) => ("descending", "↓"),
        };
        Column {
            label,
            class,
            href: q.sort_href(by),
            aria_sort,
            arrow,
        }
    };
    let plain = |label, class| Column {
        label,
        class,
        href: String::new(),
        aria_sort: "",
        arrow: "",
    };
    vec![
        sortable("Key", "c-key", SortBy::Key),
        plain("Title", "c-title"),
        sortable("Status", "c-status", SortBy::Status),
        sortable("Priority", "c-priority", SortBy::Priority),
        plain("Type", "c-type"),
        sortable("Assignee", "c-assignee", SortBy::Assignee),
        plain("Labels", "c-labels"),
        plain("Est.", "c-num"),
        sortable("Due", "c-date", SortBy::Due),
        sortable("Updated", "c-date", SortBy::Updated),
    ]
}

/// Options for a vocabulary filter: any, the shortcuts, each word, and the
/// current combination when it is none of those (a saved view may hold one).
fn vocabulary_opts(
    any: &str,
    shortcuts: &[(&str, &str)],
    words: &[(&'static str, &'static str)],
    current: &str,
) -> Vec<Opt> {
    let mut out = vec![opt("", any, current)];
    out.extend(shortcuts.iter().map(|(v, l)| opt(*v, *l, current)));
    out.extend(words.iter().map(|(v, l)| opt(*v, *l, current)));
    if !out.iter().any(|o| o.selected) {
        let label = current
            .split(',')
            .map(|w| words.iter().find(|(v, _)| *v == w).map_or(w, |(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(opt(current, label, current));
    }
    out
}

/// Resolves the assignee filter; an unknown person is ignored (as on the
/// board), so a stale link still shows the list.
fn assignee_filter(who: &str, me: &str, members: &[Membership]) -> Option<AssigneeFilter> {
    match who {
        "" => None,
        "none" => Some(AssigneeFilter::Unassigned),
        "me" => Some(AssigneeFilter::User(me.to_string())),
        who => members
            .iter()
            .find(|m| m.user.email == who || m.user.id == who)
            .map(|m| AssigneeFilter::User(m.user.id.clone())),
    }
}

pub async fn list_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "List", "list").await?;
    let ws_id = access.workspace.id.as_str();
    let me = user.0.user.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} list", product.name);
    let query = ListQuery::lenient(raw.as_deref().unwrap_or(""));
    let members = repo::workspaces::members(app.store.db(), ws_id).await?;

    let filter = TaskFilter {
        product_id: Some(product.id.clone()),
        statuses: query.statuses.iter().map(|s| s.as_str().into()).collect(),
        priorities: query.priorities.iter().map(|s| s.as_str().into()).collect(),
        types: query.types.iter().map(|s| s.as_str().into()).collect(),
        assignee: assignee_filter(&query.assignee, me, &members),
        label: Some(query.label.clone()).filter(|l| !l.is_empty()),
        q: Some(query.q.clone()).filter(|q| !q.is_empty()),
        sort: query.sort_keys(),
        offset: i64::from(query.page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..Default::default()
    };
    let (tasks, next) = repo::tasks::list(app.store.db(), ws_id, &filter).await?;
    let total = repo::tasks::count_by(app.store.db(), ws_id, &filter, None)
        .await?
        .first()
        .map_or(0, |(_, n)| *n);
    let counts: HashMap<String, i64> = match query.group {
        Some(g) => repo::tasks::count_by(app.store.db(), ws_id, &filter, Some(g.field()))
            .await?
            .into_iter()
            .map(|(k, n)| (k.unwrap_or_default(), n))
            .collect(),
        None => HashMap::new(),
    };
    let labels = repo::tasks::labels_in_use(app.store.db(), ws_id).await?;
    let views = repo::views::list(app.store.db(), ws_id, me, Some(&product.id)).await?;

    let canonical = query.canonical();
    let base = format!("/w/{}/p/{}/list", chrome.ws, product.key);
    let views: Vec<ViewLink> = views
        .into_iter()
        .map(|v| ViewLink {
            active: v.query == canonical,
            href: if v.query.is_empty() {
                base.clone()
            } else {
                format!("{base}?{}", v.query)
            },
            id: v.id,
            name: v.name,
        })
        .collect();
    let active_view = views
        .iter()
        .find(|v| v.active)
        .map(|v| v.name.clone())
        .unwrap_or_default();

    let first = i64::from(query.page - 1) * PAGE_SIZE;
    let shown = tasks.len() as i64;
    let range = if shown == 0 {
        String::new()
    } else {
        format!(
            "{}–{} of {}",
            thousands(first + 1),
            thousands(first + shown),
            thousands(total)
        )
    };
    let active: Vec<&Membership> = members.iter().filter(|m| m.active).collect();
    let statuses: Vec<(&'static str, &'static str)> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), status_label(*s)))
        .collect();
    let priorities: Vec<(&'static str, &'static str)> = Priority::ALL
        .iter()
        .map(|p| (p.as_str(), priority_label(*p)))
        .collect();
    let types: Vec<(&'static str, &'static str)> = TaskType::ALL
        .iter()
        .map(|t| (t.as_str(), type_label(t.as_str())))
        .collect();
    let people = |current: &str| -> Vec<Opt> {
        active
            .iter()
            .map(|m| opt(m.user.email.clone(), m.user.name.clone(), current))
            .collect()
    };
    let mut assignee_opts = vec![
        opt("", "Anyone", &query.assignee),
        opt("me", "Me", &query.assignee),
        opt("none", "Unassigned", &query.assignee),
    ];
    assignee_opts.extend(people(&query.assignee));
    let mut label_opts = vec![opt("", "Any label", &query.label)];
    label_opts.extend(
        labels
            .iter()
            .map(|l| opt(l.clone(), l.clone(), &query.label)),
    );
    if !query.label.is_empty() && !labels.contains(&query.label) {
        label_opts.push(opt(query.label.clone(), query.label.clone(), &query.label));
    }
    let mut bulk_people = vec![opt("none", "Unassigned", "")];
    bulk_people.extend(people(""));
    let group_value = query.group.map_or("", |g| g.as_str());

    page(&ListPage {
        status_opts: vocabulary_opts(
            "Any status",
            &[
                ("backlog,todo,in_progress,in_review", "Open"),
                ("done,canceled", "Closed"),
            ],
            &statuses,
            &query.status_value(),
        ),
        priority_opts: vocabulary_opts(
            "Any priority",
            &[("urgent,high", "Urgent or high")],
            &priorities,
            &query.priority_value(),
        ),
        type_opts: vocabulary_opts("Any type", &[], &types, &query.type_value()),
        assignee_opts,
        label_opts,
        sort_opts: SortBy::ALL
            .iter()
            .map(|s| opt(s.as_str(), s.label(), query.sort.as_str()))
            .collect(),
        group_opts: vec![
            opt("", "No grouping", group_value),
            opt("status", "Status", group_value),
            opt("assignee", "Assignee", group_value),
            opt("priority", "Priority", group_value),
        ],
        bulk_statuses: statuses.iter().map(|(v, l)| opt(*v, *l, "")).collect(),
        bulk_priorities: priorities.iter().map(|(v, l)| opt(*v, *l, "")).collect(),
        bulk_people,
        columns: columns(&query),
        groups: groups(&tasks, query.group, &counts, total),
        total,
        range,
        prev_href: if query.page > 1 {
            query.page_href(query.page - 1)
        } else {
            String::new()
        },
        next_href: if next.is_some() {
            query.page_href(query.page + 1)
        } else {
            String::new()
        },
        views,
        active_view,
        canonical,
        query,
        chrome,
        product_name: product.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn due_dates_read_short() {
        assert_eq!(short_date("2026-01-20", "2026"), "Jan 20");
        assert_eq!(short_date("2027-09-01", "2026"), "Sep 1, 2027");
        assert_eq!(short_date("nonsense", "2026"), "nonsense");
        assert_eq!(short_date("2026-13-01", "2026"), "2026-13-01");
    }

    #[test]
    fn times_read_as_ago() {
        let now = Timestamp::parse("now", "2026-05-10T12:00:00.000000Z").unwrap();
        assert_eq!(ago("2026-05-10T11:59:30.000000Z", &now), "just now");
        assert_eq!(ago("2026-05-10T11:55:00.000000Z", &now), "5 min ago");
        assert_eq!(ago("2026-05-10T09:00:00.000000Z", &now), "3 h ago");
        assert_eq!(ago("2026-05-07T12:00:00.000000Z", &now), "3 d ago");
        assert_eq!(ago("2026-01-02T12:00:00.000000Z", &now), "2026-01-02");
    }
}
