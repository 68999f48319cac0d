//! Global search: one box across tasks, features, feedback, customers,
//! companies, personas, ideas and goals (docs once they exist), ranked,
//! with the matched words marked in a snippet.
//!
//! Every role may search; each sees only what it may read (guests find no
//! feedback, customers, companies or personas). How words are read and
//! snippets are made: `keel_domain::search`; the index and the ranking on
//! each database: `keel_store::repo::search`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, WorkspaceCtx};
use axum::extract::State;
use keel_api_types::{Problem, SearchHit, SearchResults};
use keel_domain::search::{SearchKind, SearchQuery, title_from_text};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::search as store;
use serde::Deserialize;
use utoipa::IntoParams;

/// Hits per search when `limit` is not given.
const DEFAULT_LIMIT: i64 = 20;
/// Most hits per search.
const MAX_LIMIT: i64 = 50;

/// `?q=&kind=&limit=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The words to find (at most 1,000 characters; the first 8 words
    /// count). Every word must match; case and diacritics do not matter;
    /// the last word also matches as a prefix unless the text ends with a
    /// space. Only letters and digits count: quotes, `*`, `-`, `:` or
    /// parentheses are not operators.
    #[param(required = true)]
    pub q: Option<String>,
    /// Only these kinds, comma-separated: task, feedback, feature, idea,
    /// customer, company, persona, goal, doc. Default: every kind.
    pub kind: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
}

/// Search the workspace.
///
/// Hits best first, as `{kind, id, key?, title, snippet, score}`. Titles
/// matter more than bodies. The snippet marks each matched word as
/// `«word»`; a `«` or `»` in the item's own text appears as `‹` or `›`, so
/// every marker is a match. To show it as HTML, escape the whole snippet
/// first, then replace the markers with `<mark>` and `</mark>`. Results
/// depend on the role: feedback, customers, companies and personas need
/// the right to read customer data (guests do not have it; asking for
/// those kinds gives no hits). When more than 200 items of one kind
/// match, the 200 newest are ranked, with the 200 newest whose title
/// matches.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/search", tag = "search",
    params(("ws" = String, Path, description = "Workspace slug"), SearchParams),
    responses((status = 200, body = SearchResults), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn search(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(params): Query<SearchParams>,
) -> ApiResult<axum::Json<SearchResults>> {
    ctx.require(Permission::Read)?;
    let mut errors = ValidationErrors::new();
    let query = errors.check(SearchQuery::parse("q", params.q.as_deref().unwrap_or("")));
    let kinds = errors.check(SearchKind::parse_list(
        "kind",
        params.kind.as_deref().unwrap_or(""),
    ));
    let limit = match params.limit {
        None => Some(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
        Some(_) => {
            errors.push(FieldError::new(
                "limit",
                format!("must be from 1 to {MAX_LIMIT}"),
            ));
            None
        }
    };
    errors.into_result()?;
    let (Some(query), Some(kinds), Some(limit)) = (query, kinds, limit) else {
        return Err(ApiError::Internal(
            "validated search parameters missing".into(),
        ));
    };
    let visible: Vec<SearchKind> = kinds
        .into_iter()
        .filter(|k| ctx.role.allows(k.permission()))
        .collect();
    let hits = store::search(
        app.store.db(),
        &ctx.workspace.id,
        &query,
        &visible,
        limit as usize,
    )
    .await?;
    let items = hits
        .into_iter()
        .map(|h| SearchHit {
            kind: h.kind.as_str().to_string(),
            snippet: query.snippet(&h.title, &h.body),
            title: if h.title.trim().is_empty() {
                title_from_text(&h.body)
            } else {
                h.title
            },
            id: h.id,
            key: h.key,
            score: h.score,
        })
        .collect();
    Ok(axum::Json(SearchResults { items }))
}
