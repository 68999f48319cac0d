//! Companies, customers and personas: who feedback comes from.
//!
//! Reading any of them needs `ReadCustomers` (guests, often customers
//! themselves, lack it); changing them needs `Write`. A customer's company
//! and persona are given by id or by name (any case). Deleting a customer
//! erases the person and keeps their feedback without them; the export
//! gathers everything stored about one person (data-subject requests).
//!
//! Live events of these kinds carry no item: the stream goes to every
//! member, guests included, and these items are personal data. Clients
//! that may read them fetch the item by id.

use super::{id_cursor, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Company, CompanyPatch, CompanyRef, Customer, CustomerExport, CustomerPatch, ExportFeatureLink,
    ExportFeatureSummary, ExportFeedback, NewCompany, NewCustomer, NewPersona, Page, Persona,
    PersonaMember, PersonaPatch, PersonaRef, Problem,
};
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;
use keel_domain::values::{Email, body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::companies::{self as company_store, CompanyFields, CompanyFilter};
use keel_store::repo::customers::{self as customer_store, CustomerFields, CustomerFilter};
use keel_store::repo::personas::{self as persona_store, PersonaFields, PersonaFilter};
use keel_store::{Db, Tx};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;

/// Most attributes one company or customer may carry.
pub const MAX_ATTRIBUTES: usize = 50;
/// Longest attribute name, in characters.
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 100;

// ---------------------------------------------------------------------------
// Validation shared by the three resources.

/// Single-line text that may be empty (segment, plan): trimmed; empty
/// means "not set".
fn optional_line(field: &str, s: &str) -> Result<String, FieldError> {
    if s.trim().is_empty() {
        Ok(String::new())
    } else {
        line(field, s)
    }
}

/// Annual recurring revenue: a finite amount, not negative.
fn arr(field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(FieldError::new(field, "must be a number of at least 0"))
    }
}

/// At most [`MAX_ATTRIBUTES`] names of up to [`MAX_ATTRIBUTE_NAME_CHARS`]
/// characters, each with a single-line value (which may be empty).
fn attributes(
    errors: &mut ValidationErrors,
    input: &BTreeMap<String, String>,
) -> Option<BTreeMap<String, String>> {
    if input.len() > MAX_ATTRIBUTES {
        errors.push(FieldError::new(
            "attributes",
            format!("at most {MAX_ATTRIBUTES} attributes"),
        ));
        return None;
    }
    let before = errors.0.len();
    let mut out = BTreeMap::new();
    for (name, value) in input {
        let name = match line("attributes", name) {
            Ok(n) if n.chars().count() <= MAX_ATTRIBUTE_NAME_CHARS => n,
            _ => {
                errors.push(FieldError::new(
                    "attributes",
                    format!(
                        "attribute names must be 1-{MAX_ATTRIBUTE_NAME_CHARS} characters on one line"
                    ),
                ));
                continue;
            }
        };
        let field = format!("attributes.{name}");
        if let Some(v) = errors.check(optional_line(&field, value))
            && out.insert(name, v).is_some()
        {
            errors.push(FieldError::new(field, "is given twice (names are trimmed)"));
        }
    }
    (errors.0.len() == before).then_some(out)
}

/// `limit` and `cursor` of a list, collected into `errors`.
fn paging(
    errors: &mut ValidationErrors,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> (i64, Option<String>) {
    let limit = errors
        .check(page_limit(limit).map_err(|_| FieldError::new("limit", "must be from 1 to 500")))
        .unwrap_or(50);
    let cursor = errors
        .check(id_cursor(cursor).map_err(|_| {
            FieldError::new(
                "cursor",
                "is not a cursor returned by this list (use next_cursor as given)",
            )
        }))
        .flatten()
        .map(str::to_string);
    (limit, cursor)
}

/// The text, trimmed, or none when blank.
fn non_blank(q: &Option<String>) -> Option<String> {
    q.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn location(ctx: &WorkspaceCtx, kind: &str, id: &str) -> String {
    format!("/api/v1/workspaces/{}/{kind}/{id}", ctx.workspace.slug)
}

/// Publishes committed events without their items (see the module docs).
fn publish(app: &AppState, ws: &str, events: &[keel_domain::model::Event]) {
    for event in events {
        app.live.publish(ws, event, None);
    }
}

// ---------------------------------------------------------------------------
// Companies.

pub(crate) fn company(c: company_store::Company) -> Company {
    Company {
        id: c.id,
        name: c.name,
        segment: c.segment,
        plan: c.plan,
        arr: c.arr,
        attributes: c.attributes,
        customer_count: c.customer_count,
        created_at: c.created_at,
        updated_at: c.updated_at,
        version: c.version,
    }
}

async fn find_company(db: Db<'_>, ws: &str, id: &str) -> ApiResult<company_store::Company> {
    company_store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such company"))
}

/// Creates a company. Its name is unique in the workspace (any case).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/companies", tag = "customers", request_body = NewCompany,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Company), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_company(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewCompany>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let segment = errors.check(optional_line(
        "segment",
        input.segment.as_deref().unwrap_or(""),
    ));
    let plan = errors.check(optional_line("plan", input.plan.as_deref().unwrap_or("")));
    let revenue = match input.arr {
        Some(v) => errors.check(arr("arr", v)).map(Some),
        None => Some(None),
    };
    let attrs = attributes(&mut errors, &input.attributes.unwrap_or_default());
    let (Some(name), Some(segment), Some(plan), Some(arr), Some(attributes)) =
        (name, segment, plan, revenue, attrs)
    else {
        return Err(errors.into());
    };
    let fields = CompanyFields {
        name,
        segment,
        plan,
        arr,
        attributes,
    };
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = company_store::create(&mut tx, &id, ws, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = created.version;
    Ok(reply::created(
        &company(created),
        &location(&ctx, "companies", &id),
        version,
    ))
}

/// `?q=&limit=&cursor=` on the company list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CompanyQuery {
    /// Text in the name (any case).
    pub q: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's companies, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/companies", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), CompanyQuery),
    responses((status = 200, body = Page<Company>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_companies(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<CompanyQuery>,
) -> ApiResult<axum::Json<Page<Company>>> {
    ctx.require(Permission::ReadCustomers)?;
    let mut errors = ValidationErrors::new();
    let (limit, cursor) = paging(&mut errors, q.limit, q.cursor.as_deref());
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    errors.into_result()?;
    let filter = CompanyFilter {
        q: text,
        cursor,
        limit,
    };
    let (items, next_cursor) =
        company_store::list(app.store.db(), &ctx.workspace.id, &filter).await?;
    Ok(axum::Json(Page {
        items: items.into_iter().map(company).collect(),
        next_cursor,
    }))
}

/// One company.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/companies/{id}", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Company id")),
    responses((status = 200, body = Company), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_company(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let c = find_company(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = c.version;
    Ok(reply::ok_versioned(&company(c), version))
}

/// Changes a company. With `If-Match`, a stale version gets 412 and
/// nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/companies/{id}", tag = "customers", request_body = CompanyPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Company id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Company), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_company(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<CompanyPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_company(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let segment = errors.check(optional_line(
        "segment",
        patch.segment.as_deref().unwrap_or(&current.segment),
    ));
    let plan = errors.check(optional_line(
        "plan",
        patch.plan.as_deref().unwrap_or(&current.plan),
    ));
    let revenue = match patch.arr {
        Some(Some(v)) => errors.check(arr("arr", v)).map(Some),
        Some(None) => Some(None),
        None => Some(current.arr),
    };
    let attrs = match &patch.attributes {
        Some(a) => attributes(&mut errors, a),
        None => Some(current.attributes.clone()),
    };
    let (Some(name), Some(segment), Some(plan), Some(arr), Some(attributes)) =
        (name, segment, plan, revenue, attrs)
    else {
        return Err(errors.into());
    };
    let fields = CompanyFields {
        name,
        segment,
        plan,
        arr,
        attributes,
    };
    let unchanged = CompanyFields {
        name: current.name.clone(),
        segment: current.segment.clone(),
        plan: current.plan.clone(),
        arr: current.arr,
        attributes: current.attributes.clone(),
    };
    if fields == unchanged {
        let version = current.version;
        return Ok(reply::ok_versioned(&company(current), version));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = company_store::update(&mut tx, &current, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = updated.version;
    Ok(reply::ok_versioned(&company(updated), version))
}

// ---------------------------------------------------------------------------
// Personas.

pub(crate) fn persona(
    p: persona_store::Persona,
    members: Option<Vec<persona_store::Member>>,
) -> Persona {
    Persona {
        id: p.id,
        name: p.name,
        description: p.description,
        goals: p.goals,
        pains: p.pains,
        jobs: p.jobs,
        customer_count: p.customer_count,
        customers: members.map(|m| {
            m.into_iter()
                .map(|m| PersonaMember {
                    id: m.id,
                    name: m.name,
                    email: m.email,
                })
                .collect()
        }),
        created_at: p.created_at,
        updated_at: p.updated_at,
        version: p.version,
    }
}

async fn find_persona(db: Db<'_>, ws: &str, id: &str) -> ApiResult<persona_store::Persona> {
    persona_store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such persona"))
}

/// A persona with its customers, as one persona is shown.
async fn persona_with_members(mut db: Db<'_>, p: persona_store::Persona) -> ApiResult<Response> {
    let members = persona_store::members(db.re(), &p.id).await?;
    let version = p.version;
    Ok(reply::ok_versioned(&persona(p, Some(members)), version))
}

/// Creates a persona. Its name is unique in the workspace (any case).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/personas", tag = "customers", request_body = NewPersona,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Persona), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_persona(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewPersona>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut errors = ValidationErrors::new();
    let text = |errors: &mut ValidationErrors, field: &str, v: &Option<String>| {
        errors.check(body(field, v.as_deref().unwrap_or("")))
    };
    let name = errors.check(line("name", &input.name));
    let description = text(&mut errors, "description", &input.description);
    let goals = text(&mut errors, "goals", &input.goals);
    let pains = text(&mut errors, "pains", &input.pains);
    let jobs = text(&mut errors, "jobs", &input.jobs);
    let (Some(name), Some(description), Some(goals), Some(pains), Some(jobs)) =
        (name, description, goals, pains, jobs)
    else {
        return Err(errors.into());
    };
    let fields = PersonaFields {
        name,
        description,
        goals,
        pains,
        jobs,
    };
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = persona_store::create(&mut tx, &id, ws, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = created.version;
    Ok(reply::created(
        &persona(created, Some(Vec::new())),
        &location(&ctx, "personas", &id),
        version,
    ))
}

/// `?q=&limit=&cursor=` on the persona list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PersonaQuery {
    /// Text in the name (any case).
    pub q: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's personas, newest first (without their customers).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/personas", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), PersonaQuery),
    responses((status = 200, body = Page<Persona>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_personas(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<PersonaQuery>,
) -> ApiResult<axum::Json<Page<Persona>>> {
    ctx.require(Permission::ReadCustomers)?;
    let mut errors = ValidationErrors::new();
    let (limit, cursor) = paging(&mut errors, q.limit, q.cursor.as_deref());
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    errors.into_result()?;
    let filter = PersonaFilter {
        q: text,
        cursor,
        limit,
    };
    let (items, next_cursor) =
        persona_store::list(app.store.db(), &ctx.workspace.id, &filter).await?;
    Ok(axum::Json(Page {
        items: items.into_iter().map(|p| persona(p, None)).collect(),
        next_cursor,
    }))
}

/// One persona, with its customers by name.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/personas/{id}", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Persona id")),
    responses((status = 200, body = Persona), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_persona(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let p = find_persona(app.store.db(), &ctx.workspace.id, &id).await?;
    persona_with_members(app.store.db(), p).await
}

/// Changes a persona. With `If-Match`, a stale version gets 412 and
/// nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/personas/{id}", tag = "customers", request_body = PersonaPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Persona id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Persona), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_persona(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<PersonaPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_persona(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let text = |errors: &mut ValidationErrors, field: &str, v: &Option<String>, now: &str| {
        errors.check(body(field, v.as_deref().unwrap_or(now)))
    };
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let description = text(
        &mut errors,
        "description",
        &patch.description,
        &current.description,
    );
    let goals = text(&mut errors, "goals", &patch.goals, &current.goals);
    let pains = text(&mut errors, "pains", &patch.pains, &current.pains);
    let jobs = text(&mut errors, "jobs", &patch.jobs, &current.jobs);
    let (Some(name), Some(description), Some(goals), Some(pains), Some(jobs)) =
        (name, description, goals, pains, jobs)
    else {
        return Err(errors.into());
    };
    let fields = PersonaFields {
        name,
        description,
        goals,
        pains,
        jobs,
    };
    let unchanged = PersonaFields {
        name: current.name.clone(),
        description: current.description.clone(),
        goals: current.goals.clone(),
        pains: current.pains.clone(),
        jobs: current.jobs.clone(),
    };
    if fields == unchanged {
        return persona_with_members(tx.db(), current).await;
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = persona_store::update(&mut tx, &current, &fields, &now).await?;
    let members = persona_store::members(tx.db(), &updated.id).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = updated.version;
    Ok(reply::ok_versioned(
        &persona(updated, Some(members)),
        version,
    ))
}

// ---------------------------------------------------------------------------
// Customers.

pub(crate) fn customer(c: customer_store::Customer) -> Customer {
    Customer {
        id: c.id,
        name: c.name,
        email: c.email,
        company: match (c.company_id, c.company_name) {
            (Some(id), Some(name)) => Some(CompanyRef {
                id,
                name,
                arr: c.company_arr,
            }),
            _ => None,
        },
        segment: c.segment,
        persona: match (c.persona_id, c.persona_name) {
            (Some(id), Some(name)) => Some(PersonaRef { id, name }),
            _ => None,
        },
        attributes: c.attributes,
        feedback_count: c.feedback_count,
        created_at: c.created_at,
        updated_at: c.updated_at,
        version: c.version,
    }
}

async fn find_customer(db: Db<'_>, ws: &str, id: &str) -> ApiResult<customer_store::Customer> {
    customer_store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such customer"))
}

/// The company named by id or name, or an error naming `field`.
async fn resolve_company(
    db: Db<'_>,
    ws: &str,
    field: &str,
    name: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Option<company_store::Company>> {
    let found = company_store::find(db, ws, name.trim()).await?;
    if found.is_none() {
        errors.push(FieldError::new(
            field,
            "no company with this id or name in the workspace",
        ));
    }
    Ok(found)
}

/// The persona named by id or name, or an error naming `field`.
async fn resolve_persona(
    db: Db<'_>,
    ws: &str,
    field: &str,
    name: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Option<persona_store::Persona>> {
    let found = persona_store::find(db, ws, name.trim()).await?;
    if found.is_none() {
        errors.push(FieldError::new(
            field,
            "no persona with this id or name in the workspace",
        ));
    }
    Ok(found)
}

/// An optional email, lower-cased; blank means none.
fn optional_email(field: &str, s: Option<&str>) -> Result<Option<String>, FieldError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Email::parse(field, s).map(|e| Some(e.as_str().to_string())),
        None => Ok(None),
    }
}

/// Creates a customer. `company` and `persona` are given by id or by name
/// (any case); without `segment`, the customer takes their company's.
/// The email is unique in the workspace (any case).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/customers", tag = "customers", request_body = NewCustomer,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_customer(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewCustomer>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let email = errors.check(optional_email("email", input.email.as_deref()));
    let mut tx = app.store.begin().await?;
    let company = match &input.company {
        Some(c) => resolve_company(tx.db(), ws, "company", c, &mut errors)
            .await?
            .map(Some),
        None => Some(None),
    };
    let persona = match &input.persona {
        Some(p) => resolve_persona(tx.db(), ws, "persona", p, &mut errors)
            .await?
            .map(Some),
        None => Some(None),
    };
    let segment = match &input.segment {
        Some(s) => errors.check(optional_line("segment", s)),
        None => Some(
            company
                .as_ref()
                .and_then(|c| c.as_ref().map(|c| c.segment.clone()))
                .unwrap_or_default(),
        ),
    };
    let attrs = attributes(&mut errors, &input.attributes.clone().unwrap_or_default());
    let (Some(name), Some(email), Some(company), Some(persona), Some(segment), Some(attributes)) =
        (name, email, company, persona, segment, attrs)
    else {
        return Err(errors.into());
    };
    let fields = CustomerFields {
        name,
        email,
        company_id: company.map(|c| c.id),
        segment,
        persona_id: persona.map(|p| p.id),
        attributes,
    };
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = customer_store::create(&mut tx, &id, ws, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = created.version;
    Ok(reply::created(
        &customer(created),
        &location(&ctx, "customers", &id),
        version,
    ))
}

/// `?q=&company=&segment=&persona=&limit=&cursor=` on the customer list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Text in the name or the email (any case).
    pub q: Option<String>,
    /// Company id or name: its customers.
    pub company: Option<String>,
    /// Customers of this segment (any case).
    pub segment: Option<String>,
    /// Persona id or name: its customers.
    pub persona: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's customers, newest first, with filters. A company or
/// persona that does not exist is a 422, not an empty page.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/customers", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), CustomerQuery),
    responses((status = 200, body = Page<Customer>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_customers(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<axum::Json<Page<Customer>>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let (limit, cursor) = paging(&mut errors, q.limit, q.cursor.as_deref());
    let company_id = match &q.company {
        Some(c) => resolve_company(app.store.db(), ws, "company", c, &mut errors)
            .await?
            .map(|c| c.id),
        None => None,
    };
    let persona_id = match &q.persona {
        Some(p) => resolve_persona(app.store.db(), ws, "persona", p, &mut errors)
            .await?
            .map(|p| p.id),
        None => None,
    };
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    errors.into_result()?;
    let filter = CustomerFilter {
        q: text,
        company_id,
        segment: non_blank(&q.segment),
        persona_id,
        cursor,
        limit,
    };
    let (items, next_cursor) = customer_store::list(app.store.db(), ws, &filter).await?;
    Ok(axum::Json(Page {
        items: items.into_iter().map(customer).collect(),
        next_cursor,
    }))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/customers/{id}", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_customer(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let c = find_customer(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = c.version;
    Ok(reply::ok_versioned(&customer(c), version))
}

/// The customer's fields after `patch`, every invalid one collected.
async fn patched(
    tx: &mut Tx,
    ws: &str,
    current: &customer_store::Customer,
    patch: &CustomerPatch,
) -> ApiResult<CustomerFields> {
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let email = match &patch.email {
        Some(e) => errors.check(optional_email("email", e.as_deref())),
        None => Some(current.email.clone()),
    };
    let company_id = match &patch.company {
        Some(Some(c)) => resolve_company(tx.db(), ws, "company", c, &mut errors)
            .await?
            .map(|c| Some(c.id)),
        Some(None) => Some(None),
        None => Some(current.company_id.clone()),
    };
    let persona_id = match &patch.persona {
        Some(Some(p)) => resolve_persona(tx.db(), ws, "persona", p, &mut errors)
            .await?
            .map(|p| Some(p.id)),
        Some(None) => Some(None),
        None => Some(current.persona_id.clone()),
    };
    let segment = errors.check(optional_line(
        "segment",
        patch.segment.as_deref().unwrap_or(&current.segment),
    ));
    let attrs = match &patch.attributes {
        Some(a) => attributes(&mut errors, a),
        None => Some(current.attributes.clone()),
    };
    match (name, email, company_id, persona_id, segment, attrs) {
        (
            Some(name),
            Some(email),
            Some(company_id),
            Some(persona_id),
            Some(segment),
            Some(attributes),
        ) => Ok(CustomerFields {
            name,
            email,
            company_id,
            segment,
            persona_id,
            attributes,
        }),
        _ => Err(errors.into()),
    }
}

/// Changes a customer; `null` clears `email`, `company` or `persona`.
/// With `If-Match`, a stale version gets 412 and nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/customers/{id}", tag = "customers", request_body = CustomerPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Customer id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_customer(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<CustomerPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_customer(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let fields = patched(&mut tx, ws, &current, &patch).await?;
    let unchanged = CustomerFields {
        name: current.name.clone(),
        email: current.email.clone(),
        company_id: current.company_id.clone(),
        segment: current.segment.clone(),
        persona_id: current.persona_id.clone(),
        attributes: current.attributes.clone(),
    };
    if fields == unchanged {
        let version = current.version;
        return Ok(reply::ok_versioned(&customer(current), version));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = customer_store::update(&mut tx, &current, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &[event]);
    let version = updated.version;
    Ok(reply::ok_versioned(&customer(updated), version))
}

/// Erases a customer (data-subject request): the person is deleted and
/// their feedback stays, anonymised — text kept, author removed.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/customers/{id}", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Customer id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_customer(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_customer(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let events = customer_store::delete(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    publish(&app, ws, &events);
    Ok(reply::no_content())
}

/// Everything Keel stores about one customer, as one JSON document (for
/// a data-subject access request): the customer, their company and
/// persona, every feedback item of theirs with the features it is
/// linked to, those features, and the interviews held with them.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/customers/{id}/export", tag = "customers",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = CustomerExport), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn export_customer(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<CustomerExport>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    // One transaction, so the parts agree with each other.
    let mut tx = app.store.begin().await?;
    let c = find_customer(tx.db(), ws, &id).await?;
    let company = match &c.company_id {
        Some(cid) => company_store::get(tx.db(), ws, cid).await?.map(company),
        None => None,
    };
    // The persona without its member list: other people are not part of
    // this person's data.
    let persona = match &c.persona_id {
        Some(pid) => persona_store::get(tx.db(), ws, pid)
            .await?
            .map(|p| persona(p, None)),
        None => None,
    };
    let feedback = customer_store::feedback_of(tx.db(), ws, &c.id).await?;
    let links = customer_store::feature_links_of(tx.db(), ws, &c.id).await?;
    let mut interviews = Vec::new();
    for i in keel_store::repo::interviews::of_customer(tx.db(), ws, &c.id).await? {
        interviews.push(super::interviews::with_answers(tx.db(), &i).await?);
    }
    tx.commit().await?;
    let mut features: Vec<ExportFeatureSummary> = Vec::new();
    for l in &links {
        if !features.iter().any(|f| f.id == l.feature_id) {
            features.push(ExportFeatureSummary {
                id: l.feature_id.clone(),
                product: l.product.clone(),
                title: l.title.clone(),
                status: l.status.clone(),
            });
        }
    }
    let feedback = feedback
        .into_iter()
        .map(|f| ExportFeedback {
            features: links
                .iter()
                .filter(|l| l.feedback_id == f.id)
                .map(|l| ExportFeatureLink {
                    feature_id: l.feature_id.clone(),
                    product: l.product.clone(),
                    title: l.title.clone(),
                    status: l.status.clone(),
                    importance: l.importance.clone(),
                    excerpt: l.excerpt.clone(),
                    linked_at: l.created_at.clone(),
                })
                .collect(),
            id: f.id,
            product: f.product,
            text: f.text,
            source: f.source,
            status: f.status,
            sentiment: f.sentiment,
            tags: f.tags,
            received_on: f.received_on,
            created_at: f.created_at,
            updated_at: f.updated_at,
        })
        .collect();
    Ok(axum::Json(CustomerExport {
        exported_at: Timestamp::now().to_rfc3339(),
        customer: customer(c),
        company,
        persona,
        feedback,
        features,
        interviews,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_domain::values::MAX_LINE_CHARS;

    #[test]
    fn revenue_is_finite_and_not_negative() {
        assert_eq!(arr("arr", 0.0), Ok(0.0));
        assert_eq!(arr("arr", 12_000.5), Ok(12_000.5));
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(arr("arr", bad).unwrap_err().field, "arr");
        }
    }

    #[test]
    fn attributes_are_limited_and_named() {
        let mut errors = ValidationErrors::new();
        let ok: BTreeMap<String, String> = [(" plan ".to_string(), " gold ".to_string())].into();
        assert_eq!(
            attributes(&mut errors, &ok),
            Some([("plan".to_string(), "gold".to_string())].into())
        );
        assert!(errors.is_empty());

        let many: BTreeMap<String, String> = (0..=MAX_ATTRIBUTES)
            .map(|i| (format!("k{i}"), "v".to_string()))
            .collect();
        assert_eq!(attributes(&mut errors, &many), None);
        assert_eq!(errors.0[0].field, "attributes");

        let mut errors = ValidationErrors::new();
        let long: BTreeMap<String, String> =
            [("note".to_string(), "x".repeat(MAX_LINE_CHARS + 1))].into();
        assert_eq!(attributes(&mut errors, &long), None);
        assert_eq!(errors.0[0].field, "attributes.note");

        let mut errors = ValidationErrors::new();
        let twice: BTreeMap<String, String> = [
            ("a".to_string(), "1".to_string()),
            ("a ".to_string(), "2".to_string()),
        ]
        .into();
        assert_eq!(attributes(&mut errors, &twice), None);
        assert_eq!(errors.0[0].field, "attributes.a");
    }
}
