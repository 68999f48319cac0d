//! Imports: feedback from a CSV file (survey results included), all or
//! nothing, with a dry run.
//!
//! The file is the request body itself (`Content-Type: text/csv`), not a
//! JSON string: no escaping to double a 50 MB upload, byte-exact so invalid
//! UTF-8 can be reported by line, and a browser can send a `File` as is
//! and show upload progress. Everything else is in the query string.
//!
//! The whole file is read and checked (on a blocking thread) before the
//! database is touched; any problem answers 422 with every problem's line
//! and column, and nothing is written. A clean file is written in one
//! transaction with one `imported` event for the batch.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::WorkspaceCtx;
use crate::import::feedback::{self as import, Errors, ImportError, MAX_FILE_BYTES, Plan};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_api_types::{FeedbackImport, ImportErrorBody, ImportProblem, Problem};
use keel_domain::Permission;
use keel_domain::ids::new_id;
use keel_domain::insight::FeedbackSource;
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::feedback_import::{self as store, ImportCustomer, ImportRow};
use std::collections::HashMap;
use std::pin::Pin;
use std::time::Instant;

/// The query parameters, as read.
#[derive(Debug, Default)]
struct Params {
    product: Option<String>,
    dry_run: bool,
    source: Option<FeedbackSource>,
    map: Vec<String>,
}

/// Reads the query string by hand: `map` repeats, which the typed query
/// extractor cannot hold.
fn params(query: &str, errors: &mut Errors) -> Params {
    let mut p = Params::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.contains('\0') || value.contains('\0') {
            errors.push(ImportError::param(&name, "must not contain NUL characters"));
            continue;
        }
        match name.as_ref() {
            "product" => p.product = Some(value.trim().to_string()),
            "dry_run" => match value.trim() {
                "" | "true" | "1" => p.dry_run = true,
                "false" | "0" => p.dry_run = false,
                _ => errors.push(ImportError::param("dry_run", "must be true or false")),
            },
            "source" => match FeedbackSource::parse("source", value.trim()) {
                Ok(s) => p.source = Some(s),
                Err(e) => errors.push(ImportError::param("source", e.message)),
            },
            "map" => p.map.push(value.into_owned()),
            other => errors.push(ImportError::param(
                other,
                "unknown parameter; the parameters are product, dry_run, source and map",
            )),
        }
    }
    p
}

/// A problem+json answer with any status.
fn problem(status: StatusCode, kind: &str, title: &str, detail: String) -> Response {
    let body = Problem {
        problem_type: format!("/problems/{kind}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
    };
    problem_response(status, &body)
}

fn problem_response<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// 422: every problem found (the first 100), and nothing written.
fn rejected(errors: &Errors, rows: usize) -> Response {
    let listed: Vec<ImportErrorBody> = errors
        .listed
        .iter()
        .map(|e| ImportErrorBody {
            field: e.field.clone(),
            line: e.line.map(|l| l as u64),
            column: e.column.clone(),
            message: e.message.clone(),
        })
        .collect();
    let count = errors.total;
    let mut detail = format!(
        "{count} {} found; nothing was imported",
        if count == 1 { "problem" } else { "problems" }
    );
    if count > listed.len() {
        detail.push_str(&format!(" (the first {} are listed)", listed.len()));
    }
    let body = ImportProblem {
        problem_type: "/problems/import".into(),
        title: "The import has errors".into(),
        status: 422,
        detail,
        errors: listed,
        error_count: count as u64,
        rows: rows as u64,
    };
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, &body)
}

/// `None` when the body is sent as CSV text in UTF-8; else the 415 answer.
fn csv_content_type(headers: &HeaderMap) -> Option<Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut parts = ct.split(';').map(str::trim);
    let mime = parts.next().unwrap_or("");
    let charset_ok = parts
        .filter_map(|p| p.strip_prefix("charset="))
        .all(|c| matches!(c.trim_matches('"'), "utf-8" | "utf8" | "us-ascii"));
    if matches!(mime, "text/csv" | "application/csv" | "text/plain") && charset_ok {
        return None;
    }
    Some(problem(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        "send the CSV file itself as the body, in UTF-8, with Content-Type: text/csv".into(),
    ))
}

fn too_large() -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "Request body too large",
        format!(
            "the file exceeds {} MB; split it into several imports",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// Reads the whole body, up to [`MAX_FILE_BYTES`]; `Err` is the answer
/// to give instead.
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(frame) =
        std::future::poll_fn(|cx| axum::body::HttpBody::poll_frame(Pin::new(&mut body), cx)).await
    {
        let frame = frame.map_err(|_| {
            problem(
                StatusCode::BAD_REQUEST,
                "malformed-body",
                "Malformed request body",
                "the upload was interrupted".into(),
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > MAX_FILE_BYTES {
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

/// The customers the rows name, each once by email, in order of first
/// mention: named by the first row giving a name, else by the email's
/// local part.
fn customers(rows: &[import::Row]) -> Vec<ImportCustomer> {
    let mut out: Vec<ImportCustomer> = Vec::new();
    let mut named: Vec<bool> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        let Some(email) = row.customer_email.as_deref() else {
            continue;
        };
        match seen.get(email) {
            None => {
                seen.insert(email, out.len());
                named.push(row.customer_name.is_some());
                out.push(ImportCustomer {
                    email: email.to_string(),
                    name: row
                        .customer_name
                        .clone()
                        .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string()),
                });
            }
            Some(&i) => {
                if !named[i]
                    && let Some(name) = &row.customer_name
                {
                    out[i].name = name.clone();
                    named[i] = true;
                }
            }
        }
    }
    out
}

/// Imports feedback from a CSV file (survey results, support exports…)
/// into a product's inbox, all or nothing.
///
/// The body is the file: CSV (RFC 4180) in UTF-8, a header line naming
/// the columns, one line per feedback item; quoted cells may hold commas,
/// quotes (`""`) and line breaks; a byte-order mark is fine. At most 50 MB
/// and 200,000 rows.
///
/// `map` says which column feeds which field, one `COLUMN:FIELD` (or
/// `COLUMN=FIELD`) per parameter: `map=Feedback:text&map=Email:customer_email`.
/// Fields: `text` (required), `source`, `customer_email`, `customer_name`,
/// `tags` (split on `;` or `,`), `sentiment` (suggested from the text when
/// empty) and `received_on` (`YYYY-MM-DD` or a timestamp starting with one;
/// today when empty). Without `map`, columns named like fields are used.
/// `source` is the source of rows without one (e.g. `survey`).
///
/// Customers are matched by email (any case) or created, named from the
/// `customer_name` column or else the email's local part; a name without
/// an email attaches no one.
///
/// Any problem answers 422 listing every problem (the first 100) with its
/// line — numbered as a spreadsheet numbers rows, the header being line 1
/// — and column, and nothing is written. `dry_run=true` checks everything,
/// writes nothing, and answers 200 with what would be created. An import
/// answers 201 and appends one `imported` event of kind `feedback` (and one
/// of kind `customer` when customers were created) for the whole batch.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/feedback/import", tag = "feedback",
    request_body(content = String, content_type = "text/csv",
        description = "The CSV file, UTF-8, header line first (at most 50 MB, 200,000 rows)"),
    params(
        ("ws" = String, Path, description = "Workspace slug"),
        ("product" = String, Query, description = "Product key"),
        ("dry_run" = Option<bool>, Query, description = "Check only; write nothing (default false)"),
        ("source" = Option<String>, Query,
            description = "Source of rows without one: interview, survey, support, sales_call, app_review, email, analytics, portal"),
        ("map" = inline(Option<Vec<String>>), Query, style = Form, explode,
            description = "COLUMN:FIELD, one per parameter; FIELD is text, source, customer_email, customer_name, tags, sentiment or received_on"),
    ),
    responses(
        (status = 200, description = "Dry run: what would be created; nothing was written", body = FeedbackImport),
        (status = 201, description = "Imported", body = FeedbackImport),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, description = "Problems in the request or the file, each with its line and column; nothing was written",
            body = ImportProblem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn import_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = Errors::default();
    let params = params(query.as_deref().unwrap_or(""), &mut errors);
    let mapping = import::parse_map(&params.map, &mut errors);
    let product = match params.product.as_deref().filter(|k| !k.is_empty()) {
        Some(key) => {
            let found = repo::products::get(app.store.db(), &ws, key).await?;
            if found.is_none() {
                errors.push(ImportError::param(
                    "product",
                    "no product with this key in the workspace",
                ));
            }
            found
        }
        None => {
            errors.push(ImportError::param(
                "product",
                "required: the key of the product to import into",
            ));
            None
        }
    };
    if let Some(refused) = csv_content_type(&headers) {
        return Ok(refused);
    }
    if !errors.is_empty() {
        return Ok(rejected(&errors, 0));
    }
    let Some(product) = product else {
        return Err(ApiError::Internal("validated product missing".into()));
    };
    let bytes = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(answer) => return Ok(answer),
    };

    let started = Instant::now();
    let plan = Plan {
        mapping,
        default_source: params.source,
        today: Timestamp::now().date().as_string(),
    };
    let checked = tokio::task::spawn_blocking(move || import::read(&bytes, &plan))
        .await
        .map_err(|e| ApiError::Internal(format!("import check failed: {e}")))?;
    if !checked.errors.is_empty() {
        return Ok(rejected(&checked.errors, checked.data_rows));
    }
    let checked_in = started.elapsed();
    let customers = customers(&checked.rows);
    let mut summary = FeedbackImport {
        product: product.key.clone(),
        dry_run: params.dry_run,
        rows: checked.data_rows as u64,
        created: checked.rows.len() as u64,
        customers_created: 0,
        customers_matched: 0,
        errors: Vec::new(),
    };

    if params.dry_run {
        let emails: Vec<&str> = customers.iter().map(|c| c.email.as_str()).collect();
        let known = store::customers_by_email(app.store.db(), &ws, &emails).await?;
        summary.customers_matched = known.len() as u64;
        summary.customers_created = (customers.len() - known.len()) as u64;
        return Ok((StatusCode::OK, axum::Json(summary)).into_response());
    }

    let rows: Vec<ImportRow> = checked
        .rows
        .into_iter()
        .map(|r| ImportRow {
            id: new_id(),
            text: r.text,
            source: r.source.as_str().to_string(),
            customer_email: r.customer_email,
            sentiment: r.sentiment.as_str().to_string(),
            tags: r.tags,
            received_on: r.received_on,
        })
        .collect();
    let now = Timestamp::now().to_rfc3339();
    let batch_id = new_id();
    let mut tx = app.store.begin().await?;
    let done = store::import(
        &mut tx,
        &batch_id,
        &ws,
        &product.id,
        ctx.user_id(),
        &rows,
        &customers,
        &now,
    )
    .await?;
    tx.commit().await?;
    app.insight.feedback_changed();
    summary.created = done.created;
    summary.customers_created = done.customers_created;
    summary.customers_matched = done.customers_matched;
    let item = serde_json::to_value(&summary).ok();
    for event in &done.events {
        app.live.publish(&ws, event, item.clone());
    }
    tracing::info!(
        rows = done.created,
        customers_created = done.customers_created,
        check_ms = checked_in.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "feedback imported"
    );
    Ok((StatusCode::CREATED, axum::Json(summary)).into_response())
}
