//! Cycles: the workspace's cycles with their progress and a form to create
//! one; a cycle's page with its numbers, the burn-up chart (SVG drawn
//! here, see [`super::burnup`]), its scope and a picker to add tasks.
//! Creating is a plain form (CSRF-checked, same function as the API);
//! other changes go through the JSON API from `cycles.js`.

use super::board::{initials, status_label};
use super::burnup::{self, Chart};
use super::calendar;
use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::cycles as api;
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{Cycle, NewCycle};
use keel_domain::Permission;
use keel_domain::task::Status;
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::tasks::{MAX_UNPAGED, TaskFilter};
use serde::Deserialize;

/// A cycle in the list.
pub struct Listed {
    pub id: String,
    pub name: String,
    pub product: String,
    pub dates: String,
    pub when: String,
    pub done_label: String,
    pub done: f64,
    pub scope: f64,
}

fn amount_label(tasks: i64, points: f64, in_points: bool) -> String {
    if in_points {
        format!("{} pt", fmt_num(points))
    } else if tasks == 1 {
        "1 task".to_string()
    } else {
        format!("{tasks} tasks")
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn dates_label(c: &Cycle) -> String {
    format!(
        "{} – {}",
        calendar::day_month_text(&c.start_date),
        calendar::day_month_text(&c.end_date)
    )
}

/// "3 days left", "starts in 2 days", "ended 5 Mar".
fn when_label(c: &Cycle) -> String {
    let today = Timestamp::now().date();
    let parse = |s: &str| keel_domain::time::Date::parse("date", s).ok();
    let (Some(start), Some(end)) = (parse(&c.start_date), parse(&c.end_date)) else {
        return String::new();
    };
    let plural = |n: i64, what: &str| {
        if n == 1 {
            format!("1 {what}")
        } else {
            format!("{n} {what}s")
        }
    };
    match c.phase.as_str() {
        "upcoming" => format!("starts in {}", plural(today.days_until(start), "day")),
        "completed" => format!("ended {}", calendar::day_month(&end)),
        _ => match today.days_until(end) {
            0 => "last day".to_string(),
            n => format!("{} left", plural(n + 1, "day")),
        },
    }
}

impl From<&Cycle> for Listed {
    fn from(c: &Cycle) -> Self {
        let in_points = c.scope.points > 0.0;
        Listed {
            id: c.id.clone(),
            name: c.name.clone(),
            product: c.product.clone(),
            dates: dates_label(c),
            when: when_label(c),
            done_label: if in_points {
                format!(
                    "{} of {} pt",
                    fmt_num(c.progress.points),
                    fmt_num(c.scope.points)
                )
            } else {
                format!("{} of {} tasks", c.progress.tasks, c.scope.tasks)
            },
            done: if in_points {
                c.progress.points
            } else {
                c.progress.tasks as f64
            },
            scope: if in_points {
                c.scope.points
            } else {
                c.scope.tasks as f64
            },
        }
    }
}

/// The create form's values and errors.
#[derive(Default)]
pub struct FormState {
    pub name: String,
    pub product: String,
    pub start_date: String,
    pub end_date: String,
    pub errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "cycles.html")]
struct CyclesPage {
    chrome: Chrome,
    active: Vec<Listed>,
    upcoming: Vec<Listed>,
    completed: Vec<Listed>,
    form: FormState,
}

async fn render_list(
    app: &AppState,
    chrome: Chrome,
    ws_id: &str,
    form: FormState,
) -> Result<String, PageError> {
    let all = api::list(app.store.db(), ws_id, None).await?;
    let pick = |phase: &str| -> Vec<Listed> {
        all.iter()
            .filter(|c| c.phase == phase)
            .map(Listed::from)
            .collect()
    };
    let mut upcoming = pick("upcoming");
    // Soonest first; the others latest first (as listed).
    upcoming.reverse();
    Ok(CyclesPage {
        chrome,
        active: pick("active"),
        upcoming,
        completed: pick("completed"),
        form,
    }
    .render()?)
}

/// Two weeks from the next Monday: a reasonable first suggestion.
fn suggested_dates() -> (String, String) {
    let today = Timestamp::now().date();
    let to_monday = (7 - i64::from(today.inner().weekday().number_days_from_monday())) % 7;
    let start = today.add_days(to_monday).unwrap_or(today);
    let end = start.add_days(11).unwrap_or(start);
    (start.as_string(), end.as_string())
}

pub async fn cycles_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Cycles", "cycles").await?;
    let (start_date, end_date) = suggested_dates();
    let form = FormState {
        product: chrome
            .products
            .first()
            .map(|p| p.key.clone())
            .unwrap_or_default(),
        start_date,
        end_date,
        ..FormState::default()
    };
    let html = render_list(&app, chrome, &access.workspace.id, form).await?;
    Ok(Html(html).into_response())
}

#[derive(Deserialize)]
pub struct NewCycleForm {
    csrf: String,
    name: String,
    product: String,
    start_date: String,
    end_date: String,
}

pub async fn new_cycle_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path(ws): Path<String>,
    Form(form): Form<NewCycleForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Cycles", "cycles").await?;
    if !access.role.allows(Permission::Write) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot plan cycles.".into(),
        ));
    }
    let input = NewCycle {
        name: form.name.clone(),
        product: form.product.clone(),
        start_date: form.start_date.clone(),
        end_date: form.end_date.clone(),
    };
    match api::create(&app, &access.workspace.id, &user.0.user.id, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/w/{ws}/cycles/{}", c.id)).into_response()),
        Err(ApiError::Validation(errors)) => {
            let state = FormState {
                name: form.name,
                product: form.product,
                start_date: form.start_date,
                end_date: form.end_date,
                errors: errors.into_iter().map(|e| (e.field, e.message)).collect(),
            };
            let html = render_list(&app, chrome, &access.workspace.id, state).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A task in the scope, or one that may be added.
pub struct ScopeRow {
    pub key: String,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub estimate: String,
    pub assignee: String,
    pub assignee_initials: String,
    pub closed: bool,
}

impl From<&keel_domain::model::Task> for ScopeRow {
    fn from(t: &keel_domain::model::Task) -> Self {
        let status = Status::parse("status", &t.status).ok();
        let assignee = t
            .assignee
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default();
        ScopeRow {
            key: t.key.clone(),
            title: t.title.clone(),
            status: t.status.clone(),
            status_label: status.map_or("", status_label),
            estimate: t.estimate.map(fmt_num).unwrap_or_default(),
            assignee_initials: initials(&assignee),
            assignee,
            closed: status.is_some_and(|s| s.is_closed()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CycleQuery {
    /// `tasks` or `points`; default: points when any task has an estimate.
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Template)]
#[template(path = "cycle.html")]
struct CyclePage {
    chrome: Chrome,
    cycle: Cycle,
    product_name: String,
    dates: String,
    when: String,
    in_points: bool,
    unit: &'static str,
    scope_label: String,
    done_label: String,
    percent: i64,
    chart_title: String,
    chart_desc: String,
    wide: Chart,
    narrow: Chart,
    /// Day, scope, completed — the chart's data as a table.
    table: Vec<(String, String, String)>,
    scope: Vec<ScopeRow>,
    candidates: Vec<ScopeRow>,
    tech_debt: super::tech_debt::TechDebtView,
}

pub async fn cycle_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<CycleQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Cycle", "cycles").await?;
    let ws_id = access.workspace.id.as_str();
    let stored = repo::cycles::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("cycle"))?;
    let rows = repo::cycles::scope(app.store.db(), &stored.id).await?;
    let cycle = api::cycle(&stored, &rows);
    let series = api::burnup(&stored, &rows);
    let scope_tasks = api::scope_tasks(app.store.db(), ws_id, &stored).await?;
    let product = repo::products::get(app.store.db(), ws_id, &stored.product_id).await?;
    chrome.title = cycle.name.clone();
    chrome.product = stored.product_key.clone();

    let has_points = scope_tasks
        .iter()
        .any(|t| t.estimate.is_some_and(|e| e > 0.0));
    let in_points = match q.unit.as_deref() {
        Some("points") => true,
        Some("tasks") => false,
        _ => has_points,
    };
    let unit = if in_points { "points" } else { "tasks" };
    let pick = |a: &keel_api_types::WorkAmount| {
        if in_points { a.points } else { a.tasks as f64 }
    };
    let values: Vec<(f64, f64)> = series
        .days
        .iter()
        .map(|d| (pick(&d.scope), pick(&d.done)))
        .collect();
    let days = api::dates_of(&stored).map(|d| d.days()).unwrap_or_default();
    let today = Timestamp::now().date();
    let scope_now = pick(&cycle.scope);
    let done_now = pick(&cycle.progress);
    let percent = if scope_now > 0.0 {
        (done_now / scope_now * 100.0).round() as i64
    } else {
        0
    };
    let short_unit = if in_points { "pt" } else { "tasks" };
    let chart_desc = match series.days.last() {
        Some(last) => format!(
            "From {} to {}. On {}: scope {} {short_unit}, completed {} {short_unit}. \
             The ideal line rises evenly from nothing on the first day to the scope on the last.",
            calendar::day_month_text(&cycle.start_date),
            calendar::day_month_text(&cycle.end_date),
            calendar::day_month_text(&last.date),
            fmt_num(pick(&last.scope)),
            fmt_num(pick(&last.done)),
        ),
        None => format!(
            "The cycle starts on {}; the chart fills in from then.",
            calendar::day_month_text(&cycle.start_date)
        ),
    };
    let table = series
        .days
        .iter()
        .map(|d| {
            (
                calendar::short_text(&d.date),
                fmt_num(pick(&d.scope)),
                fmt_num(pick(&d.done)),
            )
        })
        .collect();

    let filter = TaskFilter {
        product_id: Some(stored.product_id.clone()),
        statuses: Status::ALL
            .iter()
            .filter(|s| !s.is_closed())
            .map(|s| s.as_str().to_string())
            .collect(),
        by_rank: true,
        limit: MAX_UNPAGED,
        ..Default::default()
    };
    let (open, _) = repo::tasks::list(app.store.db(), ws_id, &filter).await?;
    let candidates = open
        .iter()
        .filter(|t| !scope_tasks.iter().any(|s| s.id == t.id))
        .take(300)
        .map(ScopeRow::from)
        .collect();

    let tech_debt = crate::api::v1::tech_debt::budget(app.store.db(), &stored).await?;
    page(&CyclePage {
        tech_debt: super::tech_debt::TechDebtView::of(&tech_debt),
        product_name: product.map(|p| p.name).unwrap_or_default(),
        dates: dates_label(&cycle),
        when: when_label(&cycle),
        in_points,
        unit,
        scope_label: amount_label(cycle.scope.tasks, cycle.scope.points, in_points),
        done_label: amount_label(cycle.progress.tasks, cycle.progress.points, in_points),
        percent,
        chart_title: format!("Burn-up of {} in {unit}", cycle.name),
        chart_desc,
        wide: burnup::build(&days, &values, today, burnup::WIDE),
        narrow: burnup::build(&days, &values, today, burnup::NARROW),
        table,
        scope: scope_tasks.iter().map(ScopeRow::from).collect(),
        candidates,
        chrome,
        cycle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_naturally() {
        assert_eq!(amount_label(1, 0.0, false), "1 task");
        assert_eq!(amount_label(3, 5.5, false), "3 tasks");
        assert_eq!(amount_label(3, 5.5, true), "5.5 pt");
        assert_eq!(amount_label(3, 8.0, true), "8 pt");
    }
}
