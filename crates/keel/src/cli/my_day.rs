//! `keel my-day …`: the tasks you plan for a day. Without a subcommand it
//! shows the day; `add`, `done`, `undo`, `remove` and `carry` change it.
//! Tasks are named by key (`KEEL-42`).
//!
//! The day is today on this computer (its local date, as the web app uses
//! the browser's), or `--date YYYY-MM-DD`.

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use keel_api_types::{CarryOver, MyDay, MyDayItem, MyDayItemPatch, NewMyDayItem};
use keel_domain::time::Date;

#[derive(Debug, Args)]
pub struct MyDayArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    /// The day, YYYY-MM-DD [default: today on this computer]
    #[arg(long, global = true, value_name = "DATE")]
    pub date: Option<String>,
    #[command(subcommand)]
    pub command: Option<MyDayCommand>,
}

#[derive(Debug, Subcommand)]
pub enum MyDayCommand {
    /// Show the day: its tasks in order, and what the last day left unfinished
    #[command(visible_alias = "ls")]
    List,
    /// Plan a task for the day
    Add {
        /// Task key (KEEL-42)
        key: String,
    },
    /// Check a task off for the day ("I did my part today")
    Done {
        /// Task key (KEEL-42)
        key: String,
        /// Also mark the task itself done
        #[arg(long)]
        task: bool,
    },
    /// Check a task back on (not done today after all)
    Undo {
        /// Task key (KEEL-42)
        key: String,
    },
    /// Take a task off the day (the task itself stays as it is)
    #[command(visible_alias = "rm")]
    Remove {
        /// Task key (KEEL-42)
        key: String,
    },
    /// Add what the last planned day left unfinished (all, or the keys given)
    Carry {
        /// Only these task keys
        keys: Vec<String>,
    },
    /// Show what the 14 days before held
    History,
}

/// Today's date on this computer, from the system's `date` (the standard
/// library has no time zones); `None` where that is not available, and the
/// server then uses today in UTC.
fn local_today() -> Option<String> {
    let out = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Date::parse("date", text.trim()).ok().map(|d| d.as_string())
}

pub async fn run(args: MyDayArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let date = match args.date {
        Some(d) => match Date::parse("date", d.trim()) {
            Ok(d) => Some(d.as_string()),
            Err(_) => bail!("--date must be a date as YYYY-MM-DD, e.g. 2026-03-05"),
        },
        None => local_today(),
    };
    let cx = Cx {
        session: &session,
        ws: &ws,
        date,
        json: args.opts.json,
    };
    match args.command.unwrap_or(MyDayCommand::List) {
        MyDayCommand::List => cx.list().await,
        MyDayCommand::Add { key } => {
            let item = cx
                .session
                .client
                .add_to_my_day(
                    cx.ws,
                    &NewMyDayItem {
                        task: key.trim().to_owned(),
                        date: cx.date.clone(),
                    },
                )
                .await?;
            cx.report(&item, &format!("Added {} to {}.", item.task, item.date))
        }
        MyDayCommand::Done { key, task } => {
            let item = cx.find(&key).await?;
            let patch = MyDayItemPatch {
                done: Some(true),
                complete_task: task,
                ..MyDayItemPatch::default()
            };
            let item = cx.patch(&item, &patch).await?;
            let message = if task {
                format!("Checked off {} and marked it done.", item.task)
            } else {
                format!("Checked off {}.", item.task)
            };
            cx.report(&item, &message)
        }
        MyDayCommand::Undo { key } => {
            let item = cx.find(&key).await?;
            let patch = MyDayItemPatch {
                done: Some(false),
                ..MyDayItemPatch::default()
            };
            let item = cx.patch(&item, &patch).await?;
            cx.report(
                &item,
                &format!("{} is open again for {}.", item.task, item.date),
            )
        }
        MyDayCommand::Remove { key } => {
            let item = cx.find(&key).await?;
            cx.session
                .client
                .remove_from_my_day(cx.ws, &item.id)
                .await?;
            output::line(format!("Took {} off {}.", item.task, item.date))
        }
        MyDayCommand::Carry { keys } => {
            let day = cx
                .session
                .client
                .carry_over(
                    cx.ws,
                    &CarryOver {
                        date: cx.date.clone(),
                        tasks: keys,
                    },
                )
                .await?;
            if cx.json {
                return output::json(&day);
            }
            print_day(&day)
        }
        MyDayCommand::History => {
            let history = cx
                .session
                .client
                .my_day_history(cx.ws, cx.date.as_deref())
                .await?;
            if cx.json {
                return output::json(&history);
            }
            let mut table = output::table(&["DAY", "DONE", "TASKS"]);
            for day in &history.days {
                let keys: Vec<String> = day
                    .items
                    .iter()
                    .map(|i| format!("{}{}", if i.done_at.is_some() { "✓" } else { "" }, i.task))
                    .collect();
                table.add_row(vec![
                    day.date.clone(),
                    format!("{}/{}", day.done, day.total),
                    output::one_line(&keys.join(" "), 80),
                ]);
            }
            output::print_table(table, "Nothing planned in the 14 days before.")
        }
    }
}

struct Cx<'a> {
    session: &'a Session,
    ws: &'a str,
    date: Option<String>,
    json: bool,
}

impl Cx<'_> {
    async fn day(&self) -> Result<MyDay> {
        Ok(self
            .session
            .client
            .my_day(self.ws, self.date.as_deref())
            .await?)
    }

    /// The day's item for a task key (or task id).
    async fn find(&self, key: &str) -> Result<MyDayItem> {
        let day = self.day().await?;
        let key = key.trim();
        match day
            .items
            .into_iter()
            .find(|i| i.task.eq_ignore_ascii_case(key) || i.task_id == key)
        {
            Some(item) => Ok(item),
            None => bail!(
                "{key} is not planned on {}: add it with `keel my-day add {key}`",
                day.date
            ),
        }
    }

    async fn patch(&self, item: &MyDayItem, patch: &MyDayItemPatch) -> Result<MyDayItem> {
        Ok(self
            .session
            .client
            .update_my_day_item(self.ws, &item.id, patch)
            .await?)
    }

    fn report(&self, item: &MyDayItem, message: &str) -> Result<()> {
        if self.json {
            output::json(item)
        } else {
            output::line(message)
        }
    }

    async fn list(&self) -> Result<()> {
        let day = self.day().await?;
        if self.json {
            return output::json(&day);
        }
        print_day(&day)
    }
}

fn print_day(day: &MyDay) -> Result<()> {
    let mut table = output::table(&["", "KEY", "TITLE", "STATUS", "PRIORITY"]);
    for item in &day.items {
        table.add_row(vec![
            if item.done_at.is_some() { "[x]" } else { "[ ]" }.to_owned(),
            item.task.clone(),
            output::one_line(&item.title, 60),
            item.status.clone(),
            item.priority.clone(),
        ]);
    }
    let done = day.items.iter().filter(|i| i.done_at.is_some()).count();
    let mut text = format!("My day, {}", day.date);
    if !day.items.is_empty() {
        text.push_str(&format!(": {done} of {} checked off", day.items.len()));
    }
    output::line(text)?;
    output::print_table(
        table,
        "Nothing planned yet: add a task with `keel my-day add KEY`.",
    )?;
    if let Some(offer) = &day.offer {
        let keys: Vec<&str> = offer.items.iter().map(|i| i.task.as_str()).collect();
        output::line(format!(
            "{} left unfinished on {} ({}): add with `keel my-day carry`.",
            offer.items.len(),
            offer.from,
            keys.join(", ")
        ))?;
    }
    Ok(())
}
