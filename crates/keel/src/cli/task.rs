//! `keel task …`: list, add, show, edit, move, finish, assign, comment on
//! and delete tasks. Tasks are addressed by key (`KEEL-42`) or id.
//!
//! Vocabulary values (status, priority, type) are accepted in any case and
//! with `-` or spaces for `_` (`in-progress`, "In Progress"); the server
//! still decides what is valid and names the field when it is not.

use super::output;
use super::session::{ClientOpts, Session, collect_all, vocab};
use super::values::{self, clearable, is_none_word};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use keel_api_types::{Activity, Comment, NewComment, NewTask, Page, PersonRef, Task, TaskPatch};
use keel_client::{ListParams, TaskFilter};
use serde::Serialize;

#[derive(Debug, Args)]
pub struct TaskArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: TaskCommand,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// List tasks, with optional filters
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Create a task and print its key
    Add(AddArgs),
    /// Show a task with its sub-tasks, comments and history
    ///
    /// With --json, prints one object with `task`, `sub_tasks`, `comments` and
    /// `activity`.
    Show {
        /// Task key (KEEL-42) or id
        key: String,
    },
    /// Change one or more fields of a task
    Edit(EditArgs),
    /// Set a task's status (backlog, todo, in_progress, in_review, done, canceled)
    Move {
        /// Task key (KEEL-42) or id
        key: String,
        /// The new status
        status: String,
    },
    /// Mark a task done
    Done {
        /// Task key (KEEL-42) or id
        key: String,
    },
    /// Assign a task to someone, or unassign it
    Assign {
        /// Task key (KEEL-42) or id
        key: String,
        /// An email or user id, `me`, or `none` to unassign
        who: String,
    },
    /// Add a comment (Markdown) to a task
    Comment {
        /// Task key (KEEL-42) or id
        key: String,
        /// The comment's text
        text: String,
    },
    /// Delete a task
    Delete {
        /// Task key (KEEL-42) or id
        key: String,
        /// Confirm the deletion
        #[arg(long)]
        yes: bool,
    },
    /// Why a task exists: its story, feature, goals and the customers who asked
    Why {
        /// Task key (KEEL-42) or id
        key: String,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tasks of this product (key)
    #[arg(short, long, value_name = "KEY")]
    product: Option<String>,
    /// Only tasks with this status (or any of several: todo,in_progress)
    #[arg(short, long)]
    status: Option<String>,
    /// Only tasks assigned to this person: email, user id, `me`, or `none`
    #[arg(short, long, value_name = "WHO")]
    assignee: Option<String>,
    /// Only tasks with this priority (urgent, high, medium, low, none; or several: urgent,high)
    #[arg(long)]
    priority: Option<String>,
    /// Only tasks with this label
    #[arg(short, long)]
    label: Option<String>,
    /// Only tasks of this type (feature, bug, tech_debt, spike, chore)
    #[arg(long = "type", value_name = "TYPE")]
    task_type: Option<String>,
    /// Only tasks of this team (key)
    #[arg(long, value_name = "TEAM")]
    team: Option<String>,
    /// Only sub-tasks of this task (key)
    #[arg(long, value_name = "KEY")]
    parent: Option<String>,
    /// Only tasks whose title or description contains TEXT
    #[arg(long = "q", visible_alias = "query", value_name = "TEXT")]
    q: Option<String>,
    /// At most N tasks (per page with --all; the server allows up to 500)
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
    /// Start after this cursor (from a previous, cut-off listing)
    #[arg(long, value_name = "CURSOR", conflicts_with = "all")]
    cursor: Option<String>,
    /// Fetch every page instead of only the first
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The task's title
    title: String,
    /// Product key [default: the workspace's only product]
    #[arg(short, long, value_name = "KEY")]
    product: Option<String>,
    /// Markdown description
    #[arg(short, long)]
    description: Option<String>,
    /// backlog, todo, in_progress, in_review, done, canceled [default: the server's]
    #[arg(short, long)]
    status: Option<String>,
    /// urgent, high, medium, low, none
    #[arg(long)]
    priority: Option<String>,
    /// feature, bug, tech_debt, spike, chore
    #[arg(long = "type", value_name = "TYPE")]
    task_type: Option<String>,
    /// Email or user id, or `me`
    #[arg(short, long, value_name = "WHO")]
    assignee: Option<String>,
    /// Team key
    #[arg(long)]
    team: Option<String>,
    /// Estimate in points
    #[arg(long, value_name = "POINTS", allow_hyphen_values = true, value_parser = values::finite)]
    estimate: Option<f64>,
    /// Due date, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
    /// A label (repeat, or separate with commas)
    #[arg(short, long, value_delimiter = ',')]
    label: Vec<String>,
    /// Parent task key: makes this a sub-task
    #[arg(long, value_name = "KEY")]
    parent: Option<String>,
    /// Linked feature id
    #[arg(long, value_name = "ID")]
    feature: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Task key (KEEL-42) or id
    key: String,
    /// New title
    #[arg(long)]
    title: Option<String>,
    /// New Markdown description
    #[arg(short, long)]
    description: Option<String>,
    /// New status
    #[arg(short, long)]
    status: Option<String>,
    /// New priority
    #[arg(long)]
    priority: Option<String>,
    /// New type
    #[arg(long = "type", value_name = "TYPE")]
    task_type: Option<String>,
    /// New assignee: email, user id, `me`, or `none`
    #[arg(short, long, value_name = "WHO")]
    assignee: Option<String>,
    /// New team key, or `none`
    #[arg(long)]
    team: Option<String>,
    /// New estimate in points, or `none`
    #[arg(
        long,
        value_name = "POINTS",
        value_parser = parse_estimate,
        allow_hyphen_values = true
    )]
    estimate: Option<Clearable<f64>>,
    /// New due date (YYYY-MM-DD), or `none`
    #[arg(long, value_name = "DATE")]
    due: Option<String>,
    /// Replace all labels with these (repeat, or separate with commas)
    #[arg(short, long, value_delimiter = ',', conflicts_with_all = ["add_label", "remove_label", "clear_labels"])]
    label: Vec<String>,
    /// Add a label, keeping the others
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    add_label: Vec<String>,
    /// Remove a label, keeping the others
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    remove_label: Vec<String>,
    /// Remove every label
    #[arg(long, conflicts_with_all = ["add_label", "remove_label"])]
    clear_labels: bool,
    /// New parent task key, or `none`
    #[arg(long, value_name = "KEY")]
    parent: Option<String>,
    /// Linked feature id, or `none`
    #[arg(long, value_name = "ID")]
    feature: Option<String>,
    /// Only apply if the task is still at this version (else fail, nothing changed)
    #[arg(long, value_name = "VERSION")]
    if_version: Option<i64>,
}

/// A value to set, or `none` to clear it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clearable<T> {
    Set(T),
    Clear,
}

fn parse_estimate(text: &str) -> Result<Clearable<f64>, String> {
    if is_none_word(text) {
        return Ok(Clearable::Clear);
    }
    values::finite(text)
        .map(Clearable::Set)
        .map_err(|_| format!("'{text}' is not a number of points (or `none`)"))
}

pub async fn run(args: TaskArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let json = args.opts.json;
    let cx = Cx {
        session: &session,
        ws: &ws,
        json,
    };
    match args.command {
        TaskCommand::List(list) => cx.list(list).await,
        TaskCommand::Add(add) => cx.add(add).await,
        TaskCommand::Show { key } => cx.show(&key).await,
        TaskCommand::Edit(edit) => cx.edit(edit).await,
        TaskCommand::Move { key, status } => {
            let patch = TaskPatch {
                status: Some(vocab(&status)),
                ..TaskPatch::default()
            };
            let task = cx.patch(&key, &patch, None).await?;
            cx.report(&task, &format!("{} is now {}.", task.key, task.status))
        }
        TaskCommand::Done { key } => {
            let patch = TaskPatch {
                status: Some("done".to_owned()),
                ..TaskPatch::default()
            };
            let task = cx.patch(&key, &patch, None).await?;
            cx.report(&task, &format!("{} is done.", task.key))
        }
        TaskCommand::Assign { key, who } => {
            let assignee = match clearable(Some(who)).flatten() {
                Some(who) => Some(cx.person(&who).await?),
                None => None,
            };
            let patch = TaskPatch {
                assignee: Some(assignee),
                ..TaskPatch::default()
            };
            let task = cx.patch(&key, &patch, None).await?;
            let message = match &task.assignee {
                Some(p) => format!("{} is assigned to {}.", task.key, person(p)),
                None => format!("{} is unassigned.", task.key),
            };
            cx.report(&task, &message)
        }
        TaskCommand::Comment { key, text } => {
            let comment = session
                .client
                .add_comment(&ws, &key, &NewComment { body: text })
                .await?;
            if json {
                return output::json(&comment);
            }
            output::line(format!("Commented on {}.", comment.task))
        }
        TaskCommand::Delete { key, yes } => {
            if !yes {
                bail!("deleting {key} cannot be undone: add --yes to confirm");
            }
            session.client.delete_task(&ws, &key).await?;
            output::line(format!("Deleted {key}."))
        }
        TaskCommand::Why { key } => {
            let why = session.client.task_why(&ws, &key).await?;
            super::task_why::print(&why, json)
        }
    }
}

/// What every task subcommand needs.
struct Cx<'a> {
    session: &'a Session,
    ws: &'a str,
    json: bool,
}

/// `keel task show --json`: the task with what the human view shows.
#[derive(Serialize)]
struct TaskDetails {
    task: Task,
    sub_tasks: Vec<Task>,
    comments: Vec<Comment>,
    activity: Vec<Activity>,
}

impl Cx<'_> {
    async fn patch(&self, key: &str, patch: &TaskPatch, if_version: Option<i64>) -> Result<Task> {
        Ok(self
            .session
            .client
            .update_task(self.ws, key, patch, if_version)
            .await?)
    }

    /// The task as JSON, or a one-line message.
    fn report(&self, task: &Task, message: &str) -> Result<()> {
        if self.json {
            output::json(task)
        } else {
            output::line(message)
        }
    }

    /// `me` → the caller's email; anything else as given.
    async fn person(&self, who: &str) -> Result<String> {
        if who.trim().eq_ignore_ascii_case("me") {
            Ok(self.session.client.me().await?.email)
        } else {
            Ok(who.trim().to_owned())
        }
    }

    async fn list(&self, args: ListArgs) -> Result<()> {
        let mut filter = TaskFilter {
            product: args.product,
            status: args.status.as_deref().map(vocab),
            assignee: args.assignee,
            priority: args.priority.as_deref().map(vocab),
            label: args.label,
            task_type: args.task_type.as_deref().map(vocab),
            team: args.team,
            parent: args.parent,
            q: args.q,
            page: ListParams {
                limit: args.limit,
                cursor: args.cursor,
            },
        };
        let mut items = Vec::new();
        let next_cursor = loop {
            let page = self.session.client.list_tasks(self.ws, &filter).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(cursor) if args.all && !cursor.is_empty() => {
                    filter.page.cursor = Some(cursor);
                }
                other => break other,
            }
        };
        if self.json {
            return output::json(&Page { items, next_cursor });
        }
        output::print_table(task_table(&items), "No tasks found.")?;
        if let Some(cursor) = next_cursor.filter(|c| !c.is_empty()) {
            eprintln!(
                "More tasks: use --all to list every one, or --cursor {cursor} for the next page."
            );
        }
        Ok(())
    }

    async fn add(&self, args: AddArgs) -> Result<()> {
        let product = match args.product {
            Some(product) => product,
            None => self.only_product().await?,
        };
        let assignee = match args.assignee {
            Some(who) => Some(self.person(&who).await?),
            None => None,
        };
        let labels = clean_labels(args.label);
        let new = NewTask {
            product,
            title: args.title,
            description: args.description,
            status: args.status.as_deref().map(vocab),
            priority: args.priority.as_deref().map(vocab),
            task_type: args.task_type.as_deref().map(vocab),
            assignee,
            team: args.team,
            estimate: args.estimate,
            due_date: args.due,
            labels: (!labels.is_empty()).then_some(labels),
            parent: args.parent,
            feature: args.feature,
        };
        let task = self.session.client.create_task(self.ws, &new).await?;
        if self.json {
            return output::json(&task);
        }
        output::line(&task.key)
    }

    /// The workspace's product when it has exactly one.
    async fn only_product(&self) -> Result<String> {
        let client = &self.session.client;
        let ws = self.ws;
        let products =
            collect_all(|page| async move { client.list_products(ws, &page).await }).await?;
        match products.as_slice() {
            [only] => Ok(only.key.clone()),
            [] => bail!(
                "workspace {ws} has no products yet: create one with \
                 `keel product create --name NAME --key KEY`"
            ),
            many => {
                let keys: Vec<&str> = many.iter().map(|p| p.key.as_str()).collect();
                bail!("--product is required: one of {}", keys.join(", "))
            }
        }
    }

    async fn show(&self, key: &str) -> Result<()> {
        let client = &self.session.client;
        let ws = self.ws;
        let sub_filter = TaskFilter {
            parent: Some(key.to_owned()),
            page: ListParams::limit(500),
            ..TaskFilter::default()
        };
        // The task first, so a wrong key gives one clear 404.
        let task = client.get_task(ws, key).await?;
        let (sub_tasks, comments, activity) = tokio::try_join!(
            async {
                client
                    .list_tasks(ws, &sub_filter)
                    .await
                    .map_err(anyhow::Error::from)
            },
            collect_all(|page| async move { client.list_comments(ws, key, &page).await }),
            collect_all(|page| async move { client.list_activity(ws, key, &page).await }),
        )?;
        let details = TaskDetails {
            task,
            sub_tasks: sub_tasks.items,
            comments,
            activity,
        };
        if self.json {
            return output::json(&details);
        }
        output::emit(&render_details(&details))
    }

    async fn edit(&self, args: EditArgs) -> Result<()> {
        let assignee = match clearable(args.assignee) {
            Some(Some(who)) => Some(Some(self.person(&who).await?)),
            other => other,
        };
        let mut patch = TaskPatch {
            title: args.title,
            description: args.description,
            status: args.status.as_deref().map(vocab),
            priority: args.priority.as_deref().map(vocab),
            task_type: args.task_type.as_deref().map(vocab),
            assignee,
            team: clearable(args.team),
            estimate: args.estimate.map(|e| match e {
                Clearable::Set(points) => Some(points),
                Clearable::Clear => None,
            }),
            due_date: clearable(args.due),
            labels: if args.clear_labels {
                Some(Vec::new())
            } else if args.label.is_empty() {
                None
            } else {
                Some(clean_labels(args.label))
            },
            parent: clearable(args.parent),
            feature: clearable(args.feature),
        };
        let add = clean_labels(args.add_label);
        let remove = clean_labels(args.remove_label);
        let nothing = serde_json::to_value(&patch)?
            .as_object()
            .is_some_and(|o| o.is_empty());
        if nothing && add.is_empty() && remove.is_empty() {
            bail!(
                "nothing to change: pass at least one of --title, --description, --status, \
                 --priority, --type, --assignee, --team, --estimate, --due, --label, \
                 --add-label, --remove-label, --clear-labels, --parent, --feature"
            );
        }
        let task = if add.is_empty() && remove.is_empty() {
            self.patch(&args.key, &patch, args.if_version).await?
        } else {
            // Labels are sent whole, so adding or removing one is a
            // read-modify-write: guard it with If-Match and retry when
            // someone else changed the task in between.
            let mut attempt = 0;
            loop {
                attempt += 1;
                let current = self.session.client.get_task(self.ws, &args.key).await?;
                if let Some(expected) = args.if_version
                    && expected != current.version
                {
                    bail!(
                        "{} is at version {}, not {expected}: nothing changed",
                        current.key,
                        current.version
                    );
                }
                let mut labels: Vec<String> = current
                    .labels
                    .iter()
                    .filter(|l| !remove.contains(l))
                    .cloned()
                    .collect();
                for label in &add {
                    if !labels.contains(label) {
                        labels.push(label.clone());
                    }
                }
                patch.labels = Some(labels);
                match self
                    .session
                    .client
                    .update_task(self.ws, &args.key, &patch, Some(current.version))
                    .await
                {
                    Err(err) if err.status() == Some(412) && attempt < 3 => continue,
                    other => break other?,
                }
            }
        };
        self.report(&task, &format!("Updated {}.", task.key))
    }
}

/// Trims labels and drops empty ones (from `--label a,,b`).
fn clean_labels(labels: Vec<String>) -> Vec<String> {
    labels
        .into_iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn person(p: &PersonRef) -> String {
    format!("{} <{}>", p.name, p.email)
}

fn task_table(tasks: &[Task]) -> comfy_table::Table {
    let mut table = output::table(&[
        "KEY", "STATUS", "PRIORITY", "TYPE", "ASSIGNEE", "DUE", "TITLE",
    ]);
    for t in tasks {
        table.add_row(vec![
            t.key.clone(),
            t.status.clone(),
            t.priority.clone(),
            t.task_type.clone(),
            t.assignee
                .as_ref()
                .map_or_else(|| "-".to_owned(), |p| p.email.clone()),
            output::or_dash(t.due_date.as_deref()),
            output::one_line(&t.title, 80),
        ]);
    }
    table
}

/// The human view of `keel task show`.
fn render_details(d: &TaskDetails) -> String {
    let t = &d.task;
    let mut out = format!("{}  {}\n\n", t.key, output::one_line(&t.title, 200));
    let estimate = t.estimate.map(|e| e.to_string());
    let labels = t.labels.join(", ");
    let fields: [(&str, String); 13] = [
        ("Status", t.status.clone()),
        ("Priority", t.priority.clone()),
        ("Type", t.task_type.clone()),
        (
            "Assignee",
            t.assignee.as_ref().map_or_else(|| "-".to_owned(), person),
        ),
        ("Team", output::or_dash(t.team.as_deref())),
        ("Estimate", output::or_dash(estimate.as_deref())),
        ("Due", output::or_dash(t.due_date.as_deref())),
        ("Labels", output::or_dash(Some(&labels))),
        ("Parent", output::or_dash(t.parent.as_deref())),
        ("Feature", output::or_dash(t.feature.as_deref())),
        (
            "Created",
            format!(
                "{} by {}",
                output::short_time(&t.created_at),
                t.created_by.name
            ),
        ),
        ("Updated", output::short_time(&t.updated_at)),
        (
            "Completed",
            output::or_dash(t.completed_at.as_deref().map(output::short_time).as_deref()),
        ),
    ];
    for (name, value) in fields {
        out.push_str(&format!("  {name:<10} {value}\n"));
    }
    if !t.description.trim().is_empty() {
        out.push_str("\nDescription\n");
        for line in t.description.trim_end().lines() {
            out.push_str(&format!("  {line}\n").replace("  \n", "\n"));
        }
    }
    if !d.sub_tasks.is_empty() {
        out.push_str(&format!("\nSub-tasks ({})\n", d.sub_tasks.len()));
        for s in &d.sub_tasks {
            out.push_str(&format!(
                "  {}  {}  {}\n",
                s.key,
                s.status,
                output::one_line(&s.title, 80)
            ));
        }
    }
    if !d.comments.is_empty() {
        out.push_str(&format!("\nComments ({})\n", d.comments.len()));
        for c in &d.comments {
            out.push_str(&format!(
                "  {}, {}\n",
                c.author.name,
                output::short_time(&c.created_at)
            ));
            for line in c.body.trim_end().lines() {
                out.push_str(&format!("    {line}\n").replace("    \n", "\n"));
            }
        }
    }
    if !d.activity.is_empty() {
        out.push_str("\nActivity\n");
        for a in &d.activity {
            out.push_str(&format!(
                "  {}  {}  {}\n",
                output::short_time(&a.at),
                a.actor.name,
                describe_activity(a)
            ));
        }
    }
    out
}

fn describe_activity(a: &Activity) -> String {
    match &a.field {
        Some(field) => format!(
            "{} {field}: {} → {}",
            a.action,
            output::one_line(a.from.as_deref().unwrap_or("-"), 40),
            output::one_line(a.to.as_deref().unwrap_or("-"), 40)
        ),
        None => a.action.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_clears_and_other_values_set() {
        assert_eq!(clearable(Some("None".into())), Some(None));
        assert_eq!(clearable(Some("a@b.c".into())), Some(Some("a@b.c".into())));
        assert_eq!(clearable(None), None);
        assert_eq!(parse_estimate("none"), Ok(Clearable::Clear));
        assert_eq!(parse_estimate("2.5"), Ok(Clearable::Set(2.5)));
        assert!(parse_estimate("lots").is_err());
    }

    #[test]
    fn labels_are_trimmed() {
        assert_eq!(
            clean_labels(vec![" a ".into(), String::new(), "b".into()]),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }
}
