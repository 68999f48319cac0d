//! The task detail page: every field editable in place (the page's script
//! sends `PATCH` with `If-Match`), the Markdown description, sub-tasks,
//! comments with @mentions, and the task's history.

use super::board::{initials, priority_label, status_label};
use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_domain::model::{Activity, Comment, Membership, Task};
use keel_domain::task::{Priority, Status, TaskType};
use keel_store::repo;
use keel_store::repo::tasks::TaskFilter;

/// Most comments, history entries and sub-tasks the page shows (the API
/// pages through more).
const SHOWN: i64 = 500;

/// One `<option>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The task's fields as the form shows them.
struct TaskView {
    id: String,
    key: String,
    title: String,
    description: String,
    status: String,
    status_label: &'static str,
    priority: String,
    task_type: String,
    estimate: String,
    due_date: String,
    labels: Vec<String>,
    labels_text: String,
    parent: String,
    created_by: String,
    created_at: String,
    created_display: String,
    updated_at: String,
    updated_display: String,
    version: i64,
}

struct SubtaskView {
    id: String,
    key: String,
    title: String,
    status: String,
    status_label: &'static str,
    closed: bool,
    assignee_name: String,
    assignee_initials: String,
}

struct CommentView {
    id: String,
    author_name: String,
    author_initials: String,
    at: String,
    at_display: String,
    edited: bool,
    /// Output of [`markdown::render`]: the only HTML the page inserts raw.
    body_html: String,
}

/// One line of history: "Ada changed status from Todo to In progress".
struct ActivityView {
    actor_name: String,
    actor_initials: String,
    verb: String,
    from: Option<String>,
    to: Option<String>,
    at: String,
    at_display: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    chrome: Chrome,
    product_name: String,
    parent_title: String,
    task: TaskView,
    description_html: String,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    types: Vec<Choice>,
    assignees: Vec<Choice>,
    teams: Vec<Choice>,
    subtasks: Vec<SubtaskView>,
    subtasks_done: usize,
    comments: Vec<CommentView>,
    activity: Vec<ActivityView>,
    /// The reader's unread notifications about this task, space-separated;
    /// the page marks them read.
    unread_here: String,
    /// Story, feature, goals and customers above the task (`task_why.html`).
    why: keel_api_types::TaskWhy,
}

/// `2026-05-03T14:22:05.123456Z` → `2026-05-03 14:22 UTC` (the page's
/// script turns it into the reader's local, relative time).
pub fn short_time(ts: &str) -> String {
    match (ts.get(..10), ts.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => ts.to_string(),
    }
}

pub fn type_label(t: TaskType) -> &'static str {
    match t {
        TaskType::Feature => "Feature",
        TaskType::Bug => "Bug",
        TaskType::TechDebt => "Tech debt",
        TaskType::Spike => "Spike",
        TaskType::Chore => "Chore",
    }
}

fn choices<T: Copy>(
    all: &[T],
    current: &str,
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: value(*v).to_string(),
            label: label(*v).to_string(),
            selected: value(*v) == current,
        })
        .collect()
}

fn task_view(t: &Task) -> TaskView {
    let status = Status::parse("status", &t.status).unwrap_or(Status::Todo);
    TaskView {
        id: t.id.clone(),
        key: t.key.clone(),
        title: t.title.clone(),
        description: t.description.clone(),
        status: t.status.clone(),
        status_label: status_label(status),
        priority: t.priority.clone(),
        task_type: t.task_type.clone(),
        estimate: t.estimate.map(|e| e.to_string()).unwrap_or_default(),
        due_date: t.due_date.clone().unwrap_or_default(),
        labels: t.labels.clone(),
        labels_text: t.labels.join(", "),
        parent: t.parent.clone().unwrap_or_default(),
        created_by: t.created_by.name.clone(),
        created_at: t.created_at.clone(),
        created_display: short_time(&t.created_at),
        updated_at: t.updated_at.clone(),
        updated_display: short_time(&t.updated_at),
        version: t.version,
    }
}

fn subtask_view(t: &Task) -> SubtaskView {
    let status = Status::parse("status", &t.status).unwrap_or(Status::Todo);
    let name = t
        .assignee
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    SubtaskView {
        id: t.id.clone(),
        key: t.key.clone(),
        title: t.title.clone(),
        status: t.status.clone(),
        status_label: status_label(status),
        closed: status.is_closed(),
        assignee_initials: initials(&name),
        assignee_name: name,
    }
}

fn comment_view(c: &Comment) -> CommentView {
    CommentView {
        id: c.id.clone(),
        author_initials: initials(&c.author.name),
        author_name: c.author.name.clone(),
        at_display: short_time(&c.created_at),
        at: c.created_at.clone(),
        edited: c.updated_at != c.created_at,
        body_html: markdown::render(&c.body),
    }
}

/// A field's stored history value as people read it: vocabulary values by
/// their label, people by name, empty as nothing.
fn display_value(field: &str, value: Option<&str>, members: &[Membership]) -> Option<String> {
    let v = value.filter(|v| !v.is_empty())?;
    let shown = match field {
        "status" => Status::parse(field, v).map_or(v, |s| status_label(s)),
        "priority" => Priority::parse(field, v).map_or(v, |p| priority_label(p)),
        "type" => TaskType::parse(field, v).map_or(v, |t| type_label(t)),
        "assignee" => members
            .iter()
            .find(|m| m.user.email == v || m.user.id == v)
            .map_or(v, |m| m.user.name.as_str()),
        "estimate" => return Some(format!("{v} pt")),
        _ => v,
    };
    Some(shown.to_string())
}

fn field_label(field: &str) -> &str {
    match field {
        "due_date" => "due date",
        other => other,
    }
}

fn activity_view(a: &Activity, members: &[Membership]) -> ActivityView {
    let field = a.field.as_deref().unwrap_or("");
    let from = display_value(field, a.old_value.as_deref(), members);
    let to = display_value(field, a.new_value.as_deref(), members);
    let (verb, from, to) = match (a.action.as_str(), field) {
        ("created", _) => ("created the task".to_string(), None, None),
        ("commented", _) => ("commented".to_string(), None, None),
        ("deleted", _) => ("deleted the task".to_string(), None, None),
        ("updated", "description") => ("edited the description".to_string(), None, None),
        ("updated", "title") => ("renamed the task".to_string(), from, to),
        ("updated", "assignee") => match (&from, &to) {
            (None, Some(_)) => ("assigned it".to_string(), None, to),
            (Some(_), None) => ("unassigned".to_string(), from, None),
            _ => ("reassigned it".to_string(), from, to),
        },
        ("updated", f) => match (&from, &to) {
            (None, Some(_)) => (format!("set {}", field_label(f)), None, to),
            (Some(_), None) => (format!("cleared {}", field_label(f)), from, None),
            _ => (format!("changed {}", field_label(f)), from, to),
        },
        (other, _) => (other.to_string(), None, None),
    };
    ActivityView {
        actor_initials: initials(&a.actor.name),
        actor_name: a.actor.name.clone(),
        verb,
        from,
        to,
        at_display: short_time(&a.at),
        at: a.at.clone(),
    }
}

pub async fn task_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Task", "task").await?;
    let ws_id = access.workspace.id.as_str();
    let db = || app.store.db();
    let task = repo::tasks::get(db(), ws_id, &key)
        .await?
        .ok_or_else(|| not_found("task"))?;
    let product = repo::products::get(db(), ws_id, &task.product)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} {}", task.key, task.title);

    let parent_title = match &task.parent {
        Some(p) => repo::tasks::get(db(), ws_id, p)
            .await?
            .map(|t| t.title)
            .unwrap_or_default(),
        None => String::new(),
    };
    let (subtasks, _) = repo::tasks::list(
        db(),
        ws_id,
        &TaskFilter {
            parent_id: Some(task.id.clone()),
            by_rank: true,
            limit: SHOWN,
            ..Default::default()
        },
    )
    .await?;
    let (comments, _) = repo::comments::list(db(), &task.id, None, SHOWN).await?;
    let (activity, _) = repo::comments::activity(db(), &task.id, None, SHOWN).await?;
    let members = repo::workspaces::members(db(), ws_id).await?;
    let teams = repo::products::teams(db(), ws_id).await?;
    let unread_here =
        repo::notifications::unread_for_task(db(), ws_id, &user.0.user.id, &task.id).await?;

    let current_assignee = task.assignee.as_ref().map(|a| a.email.as_str());
    let mut assignees = vec![Choice {
        value: String::new(),
        label: "Unassigned".into(),
        selected: current_assignee.is_none(),
    }];
    assignees.extend(
        members
            .iter()
            .filter(|m| m.active || Some(m.user.email.as_str()) == current_assignee)
            .map(|m| Choice {
                value: m.user.email.clone(),
                label: m.user.name.clone(),
                selected: Some(m.user.email.as_str()) == current_assignee,
            }),
    );
    let mut team_choices = vec![Choice {
        value: String::new(),
        label: "No team".into(),
        selected: task.team.is_none(),
    }];
    team_choices.extend(teams.iter().map(|t| Choice {
        value: t.key.clone(),
        label: t.name.clone(),
        selected: task.team.as_deref() == Some(t.key.as_str()),
    }));

    let see_customers = access.role.allows(keel_domain::Permission::ReadCustomers);
    let why = crate::api::v1::task_why::why_of(db(), ws_id, &task, see_customers).await?;
    let subtasks: Vec<SubtaskView> = subtasks.iter().map(subtask_view).collect();
    page(&TaskPage {
        product_name: product.name,
        parent_title,
        description_html: if task.description.trim().is_empty() {
            String::new()
        } else {
            markdown::render(&task.description)
        },
        statuses: choices(Status::ALL, &task.status, |s| s.as_str(), status_label),
        priorities: choices(
            Priority::ALL,
            &task.priority,
            |p| p.as_str(),
            priority_label,
        ),
        types: choices(TaskType::ALL, &task.task_type, |t| t.as_str(), type_label),
        assignees,
        teams: team_choices,
        subtasks_done: subtasks.iter().filter(|s| s.closed).count(),
        subtasks,
        comments: comments.iter().map(comment_view).collect(),
        activity: activity
            .iter()
            .map(|a| activity_view(a, &members))
            .collect(),
        unread_here: unread_here.join(" "),
        why,
        task: task_view(&task),
        chrome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_domain::Role;
    use keel_domain::model::PersonRef;

    fn person(name: &str, email: &str) -> PersonRef {
        PersonRef {
            id: format!("id-{email}"),
            name: name.into(),
            email: email.into(),
        }
    }

    fn change(field: &str, from: Option<&str>, to: Option<&str>) -> Activity {
        Activity {
            id: "a".into(),
            task_id: "t".into(),
            actor: person("Ada Lovelace", "ada@example.com"),
            action: "updated".into(),
            field: Some(field.into()),
            old_value: from.map(Into::into),
            new_value: to.map(Into::into),
            at: "2026-05-03T14:22:05.000000Z".into(),
        }
    }

    #[test]
    fn history_reads_like_a_sentence() {
        let members = vec![Membership {
            workspace_id: "w".into(),
            user: person("Grace Hopper", "grace@example.com"),
            role: Role::Member,
            active: true,
            created_at: String::new(),
            version: 1,
        }];
        let line = |a: Activity| {
            let v = activity_view(&a, &members);
            (v.verb, v.from, v.to)
        };
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            line(change("status", Some("todo"), Some("in_progress"))),
            ("changed status".into(), s("Todo"), s("In progress"))
        );
        assert_eq!(
            line(change("assignee", None, Some("grace@example.com"))),
            ("assigned it".into(), None, s("Grace Hopper"))
        );
        assert_eq!(
            line(change("due_date", Some("2026-06-01"), None)),
            ("cleared due date".into(), s("2026-06-01"), None)
        );
        assert_eq!(
            line(change("labels", Some(""), Some("ui, web"))),
            ("set labels".into(), None, s("ui, web"))
        );
        assert_eq!(
            line(change("description", Some("old"), Some("new"))),
            ("edited the description".into(), None, None)
        );
        assert_eq!(
            line(change("estimate", Some("2"), Some("3"))),
            ("changed estimate".into(), s("2 pt"), s("3 pt"))
        );
        assert_eq!(
            short_time("2026-05-03T14:22:05.000000Z"),
            "2026-05-03 14:22 UTC"
        );
    }
}
