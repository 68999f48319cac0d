//! The feedback inbox of a product: a filtered list on the left, the
//! selected item on the right with everything triage needs — the text to
//! select a passage from, tags, sentiment, status, evidence links to
//! features — and a form to add feedback. `inbox.js` drives the keyboard
//! flow and writes through the JSON API; the server renders.
//!
//! Guests (no `ReadCustomers`) see only the form to share feedback.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::feedback::with_links;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use keel_api_types::Feedback;
use keel_domain::Permission;
use keel_domain::insight::{FeedbackSource, FeedbackStatus, Importance, Sentiment};
use keel_domain::values::text_filter;
use keel_store::repo;
use keel_store::repo::feedback::FeedbackFilter;
use serde::Deserialize;

/// Items one inbox page lists.
const PAGE_SIZE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub sentiment: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub q: String,
    /// The selected item.
    #[serde(default)]
    pub item: String,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: String,
}

/// A feature the selected item may be linked to.
pub struct FeatureChoice {
    pub id: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    product_name: String,
    can_read: bool,
    can_write: bool,
    filters: InboxQuery,
    statuses: Vec<&'static str>,
    sources: Vec<&'static str>,
    sentiments: Vec<&'static str>,
    importances: Vec<&'static str>,
    tags: Vec<String>,
    items: Vec<Feedback>,
    selected: Option<Feedback>,
    features: Vec<FeatureChoice>,
    /// Ideas still open, to link a passage to.
    ideas: Vec<FeatureChoice>,
    /// The selected item's links to ideas, with each idea's title.
    idea_links: Vec<(repo::ideas::IdeaLink, String)>,
    /// Query string of the filters, without `item` and `cursor`.
    filter_query: String,
    next_cursor: String,
}

impl InboxPage {
    /// Link to an item keeping the filters.
    fn item_href(&self, id: &str) -> String {
        let sep = if self.filter_query.is_empty() {
            "?"
        } else {
            "&"
        };
        format!(
            "/w/{}/p/{}/feedback?{}{sep}item={id}",
            self.chrome.ws,
            self.chrome.product,
            self.filter_query.trim_start_matches('?')
        )
        .replace("?&", "?")
    }

    fn is_selected(&self, id: &str) -> bool {
        self.selected.as_ref().is_some_and(|s| s.id == id)
    }
}

fn words<T: Copy>(all: &[T], name: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(name).collect()
}

fn query_string(f: &InboxQuery) -> String {
    let pairs = [
        ("status", &f.status),
        ("source", &f.source),
        ("sentiment", &f.sentiment),
        ("tag", &f.tag),
        ("q", &f.q),
    ];
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    let s = ser.finish();
    if s.is_empty() { s } else { format!("?{s}") }
}

pub async fn inbox_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(mut filters): Query<InboxQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Feedback", "feedback").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} feedback", product.name);
    let can_read = access.role.allows(Permission::ReadCustomers);
    let can_write = access.role.allows(Permission::Write);

    // Unknown filter values are dropped rather than failing the page: the
    // address bar is not an API.
    if FeedbackStatus::parse("status", &filters.status).is_err() && filters.status != "all" {
        filters.status.clear();
    }
    if FeedbackSource::parse("source", &filters.source).is_err() {
        filters.source.clear();
    }
    if Sentiment::parse("sentiment", &filters.sentiment).is_err() {
        filters.sentiment.clear();
    }
    let (mut items, mut selected, mut next_cursor) = (Vec::new(), None, String::new());
    let mut features = Vec::new();
    let (mut ideas, mut idea_links) = (Vec::new(), Vec::new());
    let mut tags = Vec::new();
    if can_read {
        let filter = FeedbackFilter {
            product_id: Some(product.id.clone()),
            // The inbox hides archived feedback unless asked for it.
            statuses: match filters.status.as_str() {
                "" => vec!["new".into(), "triaged".into(), "linked".into()],
                "all" => vec![],
                s => vec![s.to_string()],
            },
            sources: non_empty(&filters.source),
            sentiments: non_empty(&filters.sentiment),
            tag: Some(filters.tag.clone()).filter(|t| !t.is_empty()),
            q: text_filter("q", Some(&filters.q)).ok().flatten(),
            cursor: Some(filters.cursor.clone()).filter(|c| !c.is_empty()),
            limit: PAGE_SIZE,
            ..Default::default()
        };
        let (rows, next) = repo::feedback::list(app.store.db(), ws_id, &filter).await?;
        next_cursor = next.unwrap_or_default();
        items = with_links(app.store.db(), ws_id, &rows).await?;
        selected = match filters.item.as_str() {
            "" => items.first().cloned(),
            id => match items.iter().find(|i| i.id == id) {
                Some(i) => Some(i.clone()),
                None => match repo::feedback::get(app.store.db(), ws_id, id).await? {
                    Some(f) if f.product_id == product.id => {
                        with_links(app.store.db(), ws_id, std::slice::from_ref(&f))
                            .await?
                            .pop()
                    }
                    _ => None,
                },
            },
        };
        features = repo::features::list(app.store.db(), ws_id, Some(&product.id), &[])
            .await?
            .into_iter()
            .filter(|f| f.status != "shipped" && f.status != "declined")
            .map(|f| FeatureChoice {
                id: f.id,
                title: f.title,
            })
            .collect();
        let open_ideas = repo::ideas::IdeaFilter {
            product_id: Some(product.id.clone()),
            statuses: vec!["new".into(), "under_review".into()],
            ..Default::default()
        };
        ideas = repo::ideas::list(app.store.db(), ws_id, &open_ideas, "")
            .await?
            .into_iter()
            .map(|i| FeatureChoice {
                id: i.id,
                title: i.title,
            })
            .collect();
        if let Some(s) = &selected {
            idea_links = repo::ideas::links_of_feedback(app.store.db(), ws_id, &s.id).await?;
        }
        let mut seen: Vec<String> = items.iter().flat_map(|i| i.tags.clone()).collect();
        seen.sort();
        seen.dedup();
        tags = seen;
    }
    page(&InboxPage {
        chrome,
        product_name: product.name,
        can_read,
        can_write,
        filter_query: query_string(&filters),
        statuses: words(FeedbackStatus::ALL, FeedbackStatus::as_str),
        sources: words(FeedbackSource::ALL, FeedbackSource::as_str),
        sentiments: words(Sentiment::ALL, Sentiment::as_str),
        importances: words(Importance::ALL, Importance::as_str),
        tags,
        items,
        selected,
        features,
        ideas,
        idea_links,
        next_cursor,
        filters,
    })
}

fn non_empty(s: &str) -> Vec<String> {
    if s.is_empty() {
        vec![]
    } else {
        vec![s.to_string()]
    }
}

/// "sales_call" → "sales call".
pub fn human(word: &str) -> String {
    word.replace('_', " ")
}
