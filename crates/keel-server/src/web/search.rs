//! Global search on the web.
//!
//! - `/w/{ws}/search?q=&kind=`: every hit of a search, best first, each
//!   labelled by kind with its matched words marked, linking to its page.
//!   The search box (`search.js`, the `/` shortcut) sends "see all results"
//!   here, and the page works without JavaScript and has an address to
//!   share.
//! - `/w/{ws}/feedback/{id}`: a feedback item's place in its product's
//!   inbox. A search hit knows its id, not its product, so the box links
//!   here rather than asking for the product first.
//!
//! The search itself is the API's: the same query parsing
//! (`keel_domain::search`), the same store call, and the same rule that a
//! kind is searched only when the role may read it (guests find no
//! feedback, customers, companies or personas).

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keel_domain::Permission;
use keel_domain::model::WorkspaceAccess;
use keel_domain::search::{MARK_END, MARK_START, SearchKind, SearchQuery, title_from_text};
use keel_store::repo;
use keel_store::repo::search::Hit;
use serde::Deserialize;
use std::collections::HashMap;

/// Hits the page shows: the API's most.
const PAGE_HITS: usize = 50;

/// The kinds that have items to find, in the order the kind filter lists
/// them (ideas and docs join once they have pages).
const KINDS: &[(SearchKind, &str)] = &[
    (SearchKind::Task, "Tasks"),
    (SearchKind::Feature, "Features"),
    (SearchKind::Feedback, "Feedback"),
    (SearchKind::Customer, "Customers"),
    (SearchKind::Company, "Companies"),
    (SearchKind::Persona, "Personas"),
    (SearchKind::Goal, "Goals"),
];

#[derive(Debug, Default, Deserialize)]
pub struct SearchPageQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
}

/// A piece of a snippet: its text, and whether it is a matched word.
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

/// One hit as the page shows it.
pub struct Row {
    pub kind: &'static str,
    /// The kind as a reader says it: "Task", "Feedback"…
    pub label: &'static str,
    pub href: String,
    /// The task key, for tasks.
    pub key: String,
    /// The title, its matched words marked when the snippet is the title.
    pub title: Vec<Piece>,
    /// A passage of the body, or empty when it would repeat the title.
    pub snippet: Vec<Piece>,
}

/// An entry of the kind filter.
pub struct KindChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    kinds: Vec<KindChoice>,
    rows: Vec<Row>,
    /// Why the search could not run (too long, unknown kind), or empty.
    problem: String,
    searched: bool,
}

/// Splits a snippet at its `«…»` markers. The text stays text: the
/// template escapes each piece and only the template writes `<mark>`.
pub fn pieces(snippet: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find(MARK_START) {
        let (before, after) = rest.split_at(start);
        let after = &after[MARK_START.len_utf8()..];
        if !before.is_empty() {
            out.push(Piece {
                text: before.to_string(),
                marked: false,
            });
        }
        let end = after.find(MARK_END).unwrap_or(after.len());
        out.push(Piece {
            text: after[..end].to_string(),
            marked: true,
        });
        rest = after.get(end + MARK_END.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Piece {
            text: rest.to_string(),
            marked: false,
        });
    }
    out
}

/// A title-only match's snippet is the title itself: shown once, marked,
/// as the title.
fn titled(title: String, snippet: Vec<Piece>) -> (Vec<Piece>, Vec<Piece>) {
    let plain: String = snippet.iter().map(|p| p.text.as_str()).collect();
    if plain == title {
        (snippet, Vec::new())
    } else {
        let whole = Piece {
            text: title,
            marked: false,
        };
        (vec![whole], snippet)
    }
}

fn label(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Task => "Task",
        SearchKind::Feature => "Feature",
        SearchKind::Feedback => "Feedback",
        SearchKind::Customer => "Customer",
        SearchKind::Company => "Company",
        SearchKind::Persona => "Persona",
        SearchKind::Idea => "Idea",
        SearchKind::Goal => "Goal",
        SearchKind::Doc => "Doc",
    }
}

/// The page of a hit in the web app.
fn href(ws: &str, hit: &Hit, feedback_products: &HashMap<String, String>) -> String {
    match hit.kind {
        SearchKind::Task => format!("/w/{ws}/t/{}", hit.key.as_deref().unwrap_or(&hit.id)),
        SearchKind::Feature => format!("/w/{ws}/features/{}", hit.id),
        SearchKind::Feedback => match feedback_products.get(&hit.id) {
            Some(product) => format!("/w/{ws}/p/{product}/feedback?status=all&item={}", hit.id),
            None => format!("/w/{ws}/feedback/{}", hit.id),
        },
        SearchKind::Customer => format!("/w/{ws}/customers/{}", hit.id),
        SearchKind::Company => format!("/w/{ws}/companies/{}", hit.id),
        SearchKind::Persona => format!("/w/{ws}/personas/{}", hit.id),
        SearchKind::Goal => format!("/w/{ws}/goals/{}", hit.id),
        SearchKind::Idea | SearchKind::Doc => format!("/w/{ws}"),
    }
}

/// The kinds of `asked` the role may read, as the API filters them.
fn visible(access: &WorkspaceAccess, asked: Vec<SearchKind>) -> Vec<SearchKind> {
    asked
        .into_iter()
        .filter(|k| access.role.allows(k.permission()))
        .collect()
}

pub async fn search_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(params): Query<SearchPageQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Search", "search").await?;
    let q = params.q.trim().to_string();
    let kind = params.kind.trim();
    let kinds = KINDS
        .iter()
        .filter(|(k, _)| access.role.allows(k.permission()))
        .map(|(k, l)| KindChoice {
            value: k.as_str(),
            label: l,
            selected: k.as_str() == kind,
        })
        .collect();
    let mut view = SearchPage {
        chrome: Chrome::bare(""),
        q: q.clone(),
        kinds,
        rows: Vec::new(),
        problem: String::new(),
        searched: false,
    };
    if !q.is_empty() {
        chrome.title = format!("Search: {q}");
        match (
            SearchQuery::parse("q", &q),
            SearchKind::parse_list("kind", kind),
        ) {
            (Ok(query), Ok(asked)) => {
                view.searched = true;
                view.rows = rows(&app, &access, &query, visible(&access, asked)).await?;
            }
            (Err(e), _) | (_, Err(e)) => view.problem = e.message,
        }
    }
    view.chrome = chrome;
    page(&view)
}

/// Runs the search and shapes its hits for the page.
async fn rows(
    app: &AppState,
    access: &WorkspaceAccess,
    query: &SearchQuery,
    kinds: Vec<SearchKind>,
) -> Result<Vec<Row>, PageError> {
    let ws_id = access.workspace.id.as_str();
    let hits = repo::search::search(app.store.db(), ws_id, query, &kinds, PAGE_HITS).await?;
    // Feedback lives in a product's inbox: one read for all their products.
    let feedback_ids: Vec<String> = hits
        .iter()
        .filter(|h| h.kind == SearchKind::Feedback)
        .map(|h| h.id.clone())
        .collect();
    let feedback_products: HashMap<String, String> =
        repo::feedback::get_many(app.store.db(), ws_id, &feedback_ids)
            .await?
            .into_iter()
            .map(|f| (f.id, f.product_key))
            .collect();
    let ws = access.workspace.slug.as_str();
    Ok(hits
        .iter()
        .map(|h| {
            let title = if h.title.trim().is_empty() {
                title_from_text(&h.body)
            } else {
                h.title.clone()
            };
            let snippet = pieces(&query.snippet(&h.title, &h.body));
            let (title, snippet) = titled(title, snippet);
            Row {
                kind: h.kind.as_str(),
                label: label(h.kind),
                href: href(ws, h, &feedback_products),
                key: h.key.clone().unwrap_or_default(),
                title,
                snippet,
            }
        })
        .collect())
}

/// `/w/{ws}/feedback/{id}`: to the item in its product's inbox (every
/// status, so a triaged item is found too).
pub async fn feedback_redirect(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, access) = Chrome::for_workspace(&app, &user, &ws, "Feedback", "feedback").await?;
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Feedback is customer data, which guests of a workspace do not see.".into(),
        ));
    }
    let item = repo::feedback::get(app.store.db(), &access.workspace.id, &id)
        .await?
        .ok_or_else(|| not_found("feedback item"))?;
    let target = format!(
        "/w/{}/p/{}/feedback?status=all&item={}",
        access.workspace.slug, item.product_key, item.id
    );
    Ok(Redirect::to(&target).into_response())
}

#[cfg(test)]
mod tests {
    use super::pieces;

    fn show(snippet: &str) -> String {
        pieces(snippet)
            .iter()
            .map(|p| {
                if p.marked {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn snippets_split_at_their_markers() {
        assert_eq!(show("plain"), "plain");
        assert_eq!(show("«csv» export"), "[csv] export");
        assert_eq!(
            show("…the «csv» «export» fails…"),
            "…the [csv] [export] fails…"
        );
        assert_eq!(show("<b>«x»</b>"), "<b>[x]</b>");
        // An unclosed marker (never produced) still shows its text.
        assert_eq!(show("a «b"), "a [b]");
        assert_eq!(show(""), "");
    }
}
