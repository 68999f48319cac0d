//! My day: the caller's plan for one day. Items are the caller's own —
//! another person's item answers 404 — and any member may plan their day,
//! viewers included (it changes no shared work). Marking a task itself
//! done from My day needs the right to edit tasks.
//!
//! The day is the caller's local date, sent by the client as
//! `YYYY-MM-DD`; without one, today in UTC. Every write appends a
//! `my_day` event in its transaction and publishes it after commit; the
//! event's item is only `{user, date}`, so other members learn nothing of
//! the plan, and the person's other tabs know to refresh.

use super::convert;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use keel_api_types::{
    CarryOver, MyDay, MyDayHistory, MyDayHistoryDay, MyDayItem, MyDayItemPatch, MyDayOffer,
    NewMyDayItem, Problem,
};
use keel_domain::ids::new_id;
use keel_domain::model::{self, Event};
use keel_domain::my_day::{self as rules, MAX_ITEMS_PER_DAY, PlannedItem};
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::{Date, Timestamp};
use keel_domain::{FieldError, Permission};
use keel_store::repo::my_day::{self as store, NewItem};
use keel_store::repo::tasks::TaskFields;
use keel_store::{Db, Tx, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// `?date=` on My day reads.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// `YYYY-MM-DD`, the caller's local date; default: today in UTC.
    pub date: Option<String>,
}

/// The day named by the client, or today (UTC).
pub(crate) fn day_or_today(date: Option<&str>) -> ApiResult<Date> {
    match date {
        Some(d) => Ok(Date::parse("date", d)?),
        None => Ok(Timestamp::now().date()),
    }
}

pub(crate) fn item(i: &store::MyDayItem) -> MyDayItem {
    MyDayItem {
        id: i.id.clone(),
        date: i.day.clone(),
        position: i.position,
        done_at: i.done_at.clone(),
        task: i.task_key.clone(),
        task_id: i.task_id.clone(),
        title: i.task_title.clone(),
        status: i.task_status.clone(),
        priority: i.task_priority.clone(),
        estimate: i.task_estimate,
    }
}

fn planned(items: &[store::MyDayItem]) -> Vec<PlannedItem> {
    items.iter().filter_map(store::MyDayItem::planned).collect()
}

/// The items of the day in order, and the offer from the most recent
/// earlier day (as store items, in offer order).
async fn day_and_offer(
    mut db: Db<'_>,
    ws: &str,
    user: &str,
    day: Date,
) -> ApiResult<(
    Vec<store::MyDayItem>,
    Option<(String, Vec<store::MyDayItem>)>,
)> {
    let today = store::on_day(db.re(), ws, user, &day.as_string()).await?;
    let earlier_day = store::last_day_before(db.re(), ws, user, &day.as_string())
        .await?
        .and_then(|d| Date::parse("day", &d).ok());
    let source = earlier_day.and_then(|d| rules::offer_source(day, &[d]));
    let offer = match source {
        None => None,
        Some(from) => {
            let earlier = store::on_day(db.re(), ws, user, &from.as_string()).await?;
            let offered: Vec<store::MyDayItem> =
                rules::unfinished_offer(&planned(&earlier), &planned(&today))
                    .iter()
                    .filter_map(|p| earlier.iter().find(|e| e.id == p.id).cloned())
                    .collect();
            (!offered.is_empty()).then(|| (from.as_string(), offered))
        }
    };
    Ok((today, offer))
}

/// The caller's day as the API returns it.
pub(crate) async fn my_day(db: Db<'_>, ws: &str, user: &str, day: Date) -> ApiResult<MyDay> {
    let (items, offer) = day_and_offer(db, ws, user, day).await?;
    Ok(MyDay {
        date: day.as_string(),
        items: items.iter().map(item).collect(),
        offer: offer.map(|(from, items)| MyDayOffer {
            from,
            items: items.iter().map(item).collect(),
        }),
    })
}

/// What a `my_day` event carries: whose day changed, and which day.
fn event_item(user: &str, day: &str) -> Option<serde_json::Value> {
    Some(serde_json::json!({ "user": user, "date": day }))
}

/// The caller's items for a day, in their order, with the unfinished items
/// of their most recent earlier day offered (not added).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/my-day", tag = "my-day",
    params(("ws" = String, Path, description = "Workspace slug"), DayQuery),
    responses((status = 200, body = MyDay), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_my_day(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<DayQuery>,
) -> ApiResult<axum::Json<MyDay>> {
    ctx.require(Permission::Read)?;
    let day = day_or_today(q.date.as_deref())?;
    Ok(axum::Json(
        my_day(app.store.db(), &ctx.workspace.id, ctx.user_id(), day).await?,
    ))
}

/// Adds a task to the caller's day (at the end). Planning the same task
/// twice on one day is a 409.
pub(crate) async fn add(
    tx: &mut Tx,
    ctx: &WorkspaceCtx,
    task_ref: &str,
    day: Date,
) -> ApiResult<(store::MyDayItem, Event)> {
    let ws = ctx.workspace.id.as_str();
    let task = repo::tasks::get(tx.db(), ws, task_ref)
        .await?
        .ok_or_else(|| ApiError::field("task", "no task with this id or key in the workspace"))?;
    let items = store::on_day(tx.db(), ws, ctx.user_id(), &day.as_string()).await?;
    if items.iter().any(|i| i.task_id == task.id) {
        return Err(ApiError::Conflict {
            field: "task".into(),
            message: format!("{} is already planned on {}", task.key, day.as_string()),
        });
    }
    if items.len() >= MAX_ITEMS_PER_DAY {
        return Err(ApiError::field(
            "date",
            format!("a day holds at most {MAX_ITEMS_PER_DAY} items"),
        ));
    }
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    Ok(store::add(
        tx,
        &NewItem {
            id: &id,
            workspace_id: ws,
            user_id: ctx.user_id(),
            task_id: &task.id,
            task_key: &task.key,
            day: &day.as_string(),
            position: rules::next_position(&planned(&items)),
            now: &now,
        },
    )
    .await?)
}

/// Plans a task for a day (default: today, UTC), after the day's items.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/my-day/items", tag = "my-day", request_body = NewMyDayItem,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = MyDayItem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewMyDayItem>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let day = day_or_today(input.date.as_deref())?;
    let mut tx = app.store.begin().await?;
    let (saved, event) = add(&mut tx, &ctx, &input.task, day).await?;
    tx.commit().await?;
    app.live.publish(
        &ctx.workspace.id,
        &event,
        event_item(ctx.user_id(), &saved.day),
    );
    Ok((StatusCode::CREATED, axum::Json(item(&saved))).into_response())
}

/// A task's fields as they are, for an update that changes only some.
async fn fields_of(tx: &mut Tx, ws: &str, t: &model::Task) -> ApiResult<TaskFields> {
    let team_id = match &t.team {
        Some(key) => repo::products::team(tx.db(), ws, key)
            .await?
            .map(|team| team.id),
        None => None,
    };
    let parent_id = match &t.parent {
        Some(key) => repo::tasks::get(tx.db(), ws, key).await?.map(|p| p.id),
        None => None,
    };
    Ok(TaskFields {
        title: t.title.clone(),
        description: t.description.clone(),
        status: Status::parse("status", &t.status)?,
        priority: Priority::parse("priority", &t.priority)?,
        task_type: TaskType::parse("type", &t.task_type)?,
        assignee_id: t.assignee.as_ref().map(|a| a.id.clone()),
        team_id,
        estimate: t.estimate,
        due_date: t.due_date.clone(),
        labels: t.labels.clone(),
        parent_id,
        feature_id: t.feature.clone(),
        rank: None,
    })
}

/// Checks an item off or back on, moves it within its day, and — with
/// `complete_task` — marks its task done as well (history and a task event
/// included, as a task PATCH would).
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/my-day/items/{id}", tag = "my-day", request_body = MyDayItemPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "My day item id")),
    responses((status = 200, body = MyDayItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(patch): Json<MyDayItemPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    if patch.complete_task {
        ctx.require(Permission::Write)?;
        if patch.done == Some(false) {
            return Err(ApiError::field(
                "done",
                "completing the task checks the item off; do not send done: false with it",
            ));
        }
    }
    let position = match patch.position {
        Some(p) if p < 0 => return Err(ApiError::field("position", "must be 0 or more")),
        Some(p) => Some(usize::try_from(p).unwrap_or(usize::MAX)),
        None => None,
    };
    let ws = ctx.workspace.id.clone();
    let user = ctx.user_id().to_string();
    let mut tx = app.store.begin().await?;
    let current = store::get(tx.db(), &ws, &user, &id)
        .await?
        .ok_or(ApiError::NotFound("no such item in your day"))?;
    let now = Timestamp::now().to_rfc3339();
    let mut changed = false;
    let mut task_event = None;

    let check = patch.done.or(patch.complete_task.then_some(true));
    match check {
        Some(true) if current.done_at.is_none() => {
            store::set_done(&mut tx, &current, &ws, Some(&now)).await?;
            changed = true;
        }
        Some(false) if current.done_at.is_some() => {
            store::set_done(&mut tx, &current, &ws, None).await?;
            changed = true;
        }
        _ => {}
    }
    if let Some(to) = position {
        let mut day = planned(&store::on_day(tx.db(), &ws, &user, &current.day).await?);
        rules::sort_items(&mut day);
        let ids: Vec<String> = day.iter().map(|i| i.id.clone()).collect();
        let order = rules::reorder(&ids, &current.id, to)
            .ok_or(ApiError::NotFound("no such item in your day"))?;
        if order != ids || day.iter().zip(0..).any(|(i, n)| i.position != n) {
            store::set_positions(&mut tx, &ws, &order).await?;
            changed = true;
        }
    }
    if patch.complete_task {
        let task = repo::tasks::get_for_update(&mut tx, &ws, &current.task_id)
            .await?
            .ok_or(ApiError::NotFound("no such task"))?;
        if !Status::parse("status", &task.status).is_ok_and(|s| s.is_closed()) {
            let mut fields = fields_of(&mut tx, &ws, &task).await?;
            fields.status = Status::Done;
            let (updated, event) =
                repo::tasks::update(&mut tx, &task, &fields, &user, &now).await?;
            task_event = event.map(|e| (e, convert::task(updated)));
            changed = true;
        }
    }
    if !changed {
        return Ok(axum::Json(item(&current)).into_response());
    }
    let saved = store::get(tx.db(), &ws, &user, &id)
        .await?
        .ok_or(ApiError::NotFound("no such item in your day"))?;
    let event = store::touched(&mut tx, &ws, &saved, &now).await?;
    tx.commit().await?;
    if let Some((e, task)) = task_event {
        app.live.publish(&ws, &e, serde_json::to_value(&task).ok());
    }
    app.live.publish(&ws, &event, event_item(&user, &saved.day));
    Ok(axum::Json(item(&saved)).into_response())
}

/// Takes an item off the caller's day (the task is not touched).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/my-day/items/{id}", tag = "my-day",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "My day item id")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = store::get(tx.db(), &ws, ctx.user_id(), &id)
        .await?
        .ok_or(ApiError::NotFound("no such item in your day"))?;
    let event = store::delete(&mut tx, &ws, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, event_item(ctx.user_id(), &current.day));
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Accepts the offer: adds the unfinished items of the most recent earlier
/// day (all, or the `tasks` named) to the day, after its items, in their
/// earlier order. Answers with the day as it is then.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/my-day/carry-over", tag = "my-day", request_body = CarryOver,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = MyDay), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn carry_over(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<CarryOver>,
) -> ApiResult<axum::Json<MyDay>> {
    ctx.require(Permission::Read)?;
    let day = day_or_today(input.date.as_deref())?;
    let ws = ctx.workspace.id.clone();
    let user = ctx.user_id().to_string();
    let mut tx = app.store.begin().await?;
    let (_, offer) = day_and_offer(tx.db(), &ws, &user, day).await?;
    let offered = offer.map(|(_, items)| items).unwrap_or_default();
    let mut chosen: Vec<&store::MyDayItem> = Vec::new();
    if input.tasks.is_empty() {
        chosen.extend(offered.iter());
    } else {
        let mut errors = Vec::new();
        for t in &input.tasks {
            match offered
                .iter()
                .find(|o| o.task_key.eq_ignore_ascii_case(t) || o.task_id == *t)
            {
                Some(o) if !chosen.iter().any(|c| c.id == o.id) => chosen.push(o),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "tasks",
                    format!("{t} is not among the tasks offered for {}", day.as_string()),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    let mut events = Vec::new();
    for o in chosen {
        let (_, event) = add(&mut tx, &ctx, &o.task_id, day).await?;
        events.push(event);
    }
    let result = my_day(tx.db(), &ws, &user, day).await?;
    tx.commit().await?;
    for e in &events {
        app.live
            .publish(&ws, e, event_item(&user, &day.as_string()));
    }
    Ok(axum::Json(result))
}

/// What the caller's days before `date` held (the 14 days before it; days
/// without items are left out), newest first, with how many items were
/// checked off.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/my-day/history", tag = "my-day",
    params(("ws" = String, Path, description = "Workspace slug"), DayQuery),
    responses((status = 200, body = MyDayHistory), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn history(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<DayQuery>,
) -> ApiResult<axum::Json<MyDayHistory>> {
    ctx.require(Permission::Read)?;
    let day = day_or_today(q.date.as_deref())?;
    Ok(axum::Json(
        history_of(app.store.db(), &ctx.workspace.id, ctx.user_id(), day).await?,
    ))
}

/// The history of the days before `day`.
pub(crate) async fn history_of(
    db: Db<'_>,
    ws: &str,
    user: &str,
    day: Date,
) -> ApiResult<MyDayHistory> {
    let Some(last) = day.add_days(-1) else {
        return Ok(MyDayHistory {
            date: day.as_string(),
            days: Vec::new(),
        });
    };
    let items = store::between(
        db,
        ws,
        user,
        &rules::history_start(day).as_string(),
        &last.as_string(),
    )
    .await?;
    let days = rules::summarize(&planned(&items))
        .into_iter()
        .map(|s| {
            let date = s.day.as_string();
            MyDayHistoryDay {
                items: items.iter().filter(|i| i.day == date).map(item).collect(),
                date,
                total: i64::try_from(s.total).unwrap_or(i64::MAX),
                done: i64::try_from(s.done).unwrap_or(i64::MAX),
            }
        })
        .collect();
    Ok(MyDayHistory {
        date: day.as_string(),
        days,
    })
}
