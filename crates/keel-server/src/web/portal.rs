//! The public portal of a product, for anyone without an account:
//! `/portal/{ws}/{product}` shows the product's public ideas with their
//! votes and takes feedback, ideas and votes, each with an email.
//!
//! - Opt-in: a product's portal answers 404 until its admins open it.
//! - Nothing private: the page shows only what the team marked public —
//!   idea titles, descriptions, statuses and vote counts; never who
//!   suggested or voted, and never feedback.
//! - Submissions land in the inbox as `portal` feedback (or `portal` ideas,
//!   not public until the team says so) from the customer the email names,
//!   created on first contact, so their evidence counts like any other.
//! - Abuse: every submission and vote is rate limited per address
//!   ([`crate::rate_limit`]); a honeypot field that people never see (and
//!   form-filling bots do fill) makes a submission look accepted but drops
//!   it; cross-site posts are refused.

use super::chrome::Chrome;
use super::error::PageError;
use super::markdown;
use crate::AppState;
use crate::extract::auth::is_cross_site;
use crate::rate_limit::ClientAddr;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_domain::FieldError;
use keel_domain::ValidationErrors;
use keel_domain::ids::new_id;
use keel_domain::insight::{FeedbackSource, FeedbackStatus, IdeaSource, IdeaStatus};
use keel_domain::model::Product;
use keel_domain::sentiment;
use keel_domain::time::Timestamp;
use keel_domain::values::{Email, body, line};
use keel_store::repo::customers::CustomerFields;
use keel_store::repo::feedback::FeedbackFields;
use keel_store::repo::ideas::{self, IdeaFields, IdeaFilter, Voter};
use keel_store::{StoreError, Tx, repo};
use serde::Deserialize;

/// Most public ideas the page lists.
const IDEAS_SHOWN: usize = 200;

/// A public idea as the portal shows it: nothing about who is behind it.
pub struct PublicIdea {
    pub id: String,
    pub title: String,
    pub description_html: String,
    pub status: &'static str,
    pub votes: i64,
}

/// What a visitor typed, shown again with the errors when it was refused.
#[derive(Debug, Default, Deserialize)]
pub struct PortalForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// The honeypot: hidden from people, so anything in it came from a bot.
    #[serde(default)]
    website: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage<'a> {
    chrome: Chrome,
    ws: &'a str,
    product: &'a Product,
    intro_html: String,
    ideas: Vec<PublicIdea>,
    thanks: &'a str,
    /// Which form the errors belong to: "feedback", "idea" or "vote".
    form: &'a str,
    errors: Vec<FieldError>,
    input: &'a PortalForm,
}

impl PortalPage<'_> {
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.form != form {
            return None;
        }
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The words the portal uses for an idea's status.
fn status_label(status: &str) -> &'static str {
    match IdeaStatus::parse("status", status) {
        Ok(IdeaStatus::UnderReview) => "Under review",
        Ok(IdeaStatus::Promoted) => "Planned",
        Ok(IdeaStatus::Declined) => "Not planned",
        _ => "New",
    }
}

async fn open_portal(app: &AppState, ws: &str, key: &str) -> Result<(String, Product), PageError> {
    repo::products::open_portal(app.store.db(), ws, key)
        .await?
        .ok_or_else(|| {
            PageError::Status(
                StatusCode::NOT_FOUND,
                "There is no public portal at this address.".into(),
            )
        })
}

async fn public_ideas(
    app: &AppState,
    workspace_id: &str,
    product: &Product,
) -> Result<Vec<PublicIdea>, PageError> {
    let filter = IdeaFilter {
        product_id: Some(product.id.clone()),
        statuses: Vec::new(),
        public_only: true,
        by_votes: true,
    };
    let rows = ideas::list(app.store.db(), workspace_id, &filter, "").await?;
    Ok(rows
        .into_iter()
        .take(IDEAS_SHOWN)
        .map(|i| PublicIdea {
            description_html: markdown::render(&i.description),
            status: status_label(&i.status),
            id: i.id,
            title: i.title,
            votes: i.votes,
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn render(
    app: &AppState,
    ws: &str,
    workspace_id: &str,
    product: &Product,
    thanks: &str,
    form: &str,
    errors: Vec<FieldError>,
    input: &PortalForm,
) -> Result<String, PageError> {
    let ideas = public_ideas(app, workspace_id, product).await?;
    let body = PortalPage {
        chrome: Chrome::bare(&format!("{} — feedback and ideas", product.name)),
        ws,
        product,
        intro_html: markdown::render(&product.portal_intro),
        ideas,
        thanks,
        form,
        errors,
        input,
    }
    .render()?;
    Ok(body)
}

#[derive(Deserialize)]
pub struct ThanksQuery {
    thanks: Option<String>,
}

pub async fn portal_page(
    State(app): State<AppState>,
    Path((ws, key)): Path<(String, String)>,
    Query(q): Query<ThanksQuery>,
) -> Result<Response, PageError> {
    let (workspace_id, product) = open_portal(&app, &ws, &key).await?;
    let thanks = q
        .thanks
        .as_deref()
        .filter(|t| matches!(*t, "feedback" | "idea" | "vote"))
        .unwrap_or("");
    let html = render(
        &app,
        &ws,
        &workspace_id,
        &product,
        thanks,
        "",
        Vec::new(),
        &PortalForm::default(),
    )
    .await?;
    page_html(StatusCode::OK, html)
}

fn page_html(status: StatusCode, html: String) -> Result<Response, PageError> {
    Ok((status, Html(html)).into_response())
}

/// Refuses cross-site posts and callers over their rate: the refusal to
/// send, if any.
fn refusal(app: &AppState, headers: &axum::http::HeaderMap, addr: &ClientAddr) -> Option<Response> {
    if is_cross_site(headers) {
        return Some(
            PageError::Status(
                StatusCode::FORBIDDEN,
                "Send this from the portal's own page.".into(),
            )
            .into_response(),
        );
    }
    if let Err(wait) = app.portal_limiter.check(addr.0) {
        let secs = wait.as_secs().max(1);
        let mut res = PageError::Status(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many submissions from your address; try again in {secs} seconds."),
        )
        .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return Some(res);
    }
    None
}

fn thanks(ws: &str, key: &str, what: &str) -> Response {
    Redirect::to(&format!("/portal/{ws}/{key}?thanks={what}")).into_response()
}

/// The customer the visitor's email names, created on first contact.
async fn customer_for(
    tx: &mut Tx,
    workspace_id: &str,
    email: &str,
    name: &str,
    now: &str,
) -> Result<String, StoreError> {
    // Until a visitor gives a name, their email's local part stands in.
    let stand_in = email.split('@').next().unwrap_or(email);
    if let Some(c) = repo::customers::find(tx.db(), workspace_id, email).await? {
        // A name given later replaces the stand-in, never a real name.
        if !name.is_empty() && c.name == stand_in {
            let fields = CustomerFields {
                name: name.to_string(),
                email: c.email.clone(),
                company_id: c.company_id.clone(),
                segment: c.segment.clone(),
                persona_id: c.persona_id.clone(),
                attributes: c.attributes.clone(),
            };
            repo::customers::update(tx, &c, &fields, now).await?;
        }
        return Ok(c.id);
    }
    let name = if name.is_empty() {
        stand_in.to_string()
    } else {
        name.to_string()
    };
    let fields = CustomerFields {
        name,
        email: Some(email.to_string()),
        company_id: None,
        segment: String::new(),
        persona_id: None,
        attributes: Default::default(),
    };
    let (c, _) = repo::customers::create(tx, &new_id(), workspace_id, &fields, now).await?;
    Ok(c.id)
}

/// Checks the email and the visitor's name, which every form has.
fn who(errors: &mut ValidationErrors, form: &PortalForm) -> Option<(String, String)> {
    let email = errors.check(Email::parse("email", form.email.trim()));
    let name = if form.name.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check(line("name", &form.name))
    };
    Some((email?.as_str().to_string(), name?))
}

/// What a submission writes, once checked.
enum Submission {
    Feedback(String),
    Idea(String, String),
    Vote(Box<ideas::Idea>),
}

/// Writes a checked submission from `email`, in one transaction; a second
/// try covers two first submissions racing to create the same customer.
async fn write(
    app: &AppState,
    workspace_id: &str,
    product: &Product,
    email: &str,
    name: &str,
    what: &Submission,
) -> Result<(), PageError> {
    for attempt in 0..2 {
        let now = Timestamp::now().to_rfc3339();
        let mut tx = app.store.begin().await?;
        let result = async {
            let customer = customer_for(&mut tx, workspace_id, email, name, &now).await?;
            match what {
                Submission::Feedback(text) => {
                    let fields = FeedbackFields {
                        text: text.clone(),
                        source: FeedbackSource::Portal.as_str().to_string(),
                        customer_id: Some(customer),
                        status: FeedbackStatus::New.as_str().to_string(),
                        sentiment: sentiment::suggest(text).as_str().to_string(),
                        tags: Vec::new(),
                        received_on: Timestamp::now().date().as_string(),
                        duplicate_of: None,
                    };
                    let id = new_id();
                    repo::feedback::create(
                        &mut tx,
                        &id,
                        workspace_id,
                        &product.id,
                        &fields,
                        None,
                        &now,
                    )
                    .await
                    .map(|(_, e)| Some(e))
                }
                Submission::Idea(title, description) => {
                    let fields = IdeaFields {
                        title: title.clone(),
                        description: description.clone(),
                        status: IdeaStatus::New.as_str().to_string(),
                        is_public: false,
                    };
                    ideas::create(
                        &mut tx,
                        &new_id(),
                        workspace_id,
                        &product.id,
                        &fields,
                        IdeaSource::Portal.as_str(),
                        ideas::Author::Customer(&customer),
                        &now,
                    )
                    .await
                    .map(|(_, e)| Some(e))
                }
                Submission::Vote(idea) => {
                    ideas::set_vote(&mut tx, idea, &Voter::customer(&customer), true, &now)
                        .await
                        .map(|(_, e)| e)
                }
            }
        }
        .await;
        match result {
            Ok(event) => {
                tx.commit().await?;
                if let Some(event) = event {
                    app.live.publish(workspace_id, &event, None);
                }
                if matches!(what, Submission::Feedback(_)) {
                    app.insight.feedback_changed();
                }
                return Ok(());
            }
            Err(StoreError::Conflict(c)) if attempt == 0 && c.contains("customers") => {
                drop(tx);
            }
            Err(e) => return Err(crate::error::ApiError::from(e).into()),
        }
    }
    Err(PageError::Status(
        StatusCode::CONFLICT,
        "Please send it again.".into(),
    ))
}

/// Re-renders the page with the errors of one form (422).
async fn refused(
    app: &AppState,
    ws: &str,
    workspace_id: &str,
    product: &Product,
    form_name: &str,
    errors: ValidationErrors,
    input: &PortalForm,
) -> Result<Response, PageError> {
    let html = render(
        app,
        ws,
        workspace_id,
        product,
        "",
        form_name,
        errors.0,
        input,
    )
    .await?;
    page_html(StatusCode::UNPROCESSABLE_ENTITY, html)
}

pub async fn submit_feedback(
    State(app): State<AppState>,
    Path((ws, key)): Path<(String, String)>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    Form(form): Form<PortalForm>,
) -> Result<Response, PageError> {
    if let Some(res) = refusal(&app, &headers, &addr) {
        return Ok(res);
    }
    let (workspace_id, product) = open_portal(&app, &ws, &key).await?;
    if !form.website.is_empty() {
        return Ok(thanks(&ws, &key, "feedback"));
    }
    let mut errors = ValidationErrors::new();
    let person = who(&mut errors, &form);
    let text = errors.check(crate::api::v1::feedback::text("text", &form.text));
    let (Some((email, name)), Some(text)) = (person, text) else {
        return refused(
            &app,
            &ws,
            &workspace_id,
            &product,
            "feedback",
            errors,
            &form,
        )
        .await;
    };
    write(
        &app,
        &workspace_id,
        &product,
        &email,
        &name,
        &Submission::Feedback(text),
    )
    .await?;
    Ok(thanks(&ws, &key, "feedback"))
}

pub async fn submit_idea(
    State(app): State<AppState>,
    Path((ws, key)): Path<(String, String)>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    Form(form): Form<PortalForm>,
) -> Result<Response, PageError> {
    if let Some(res) = refusal(&app, &headers, &addr) {
        return Ok(res);
    }
    let (workspace_id, product) = open_portal(&app, &ws, &key).await?;
    if !form.website.is_empty() {
        return Ok(thanks(&ws, &key, "idea"));
    }
    let mut errors = ValidationErrors::new();
    let person = who(&mut errors, &form);
    let title = errors.check(line("title", &form.title));
    let description = errors.check(body("description", &form.description));
    let (Some((email, name)), Some(title), Some(description)) = (person, title, description) else {
        return refused(&app, &ws, &workspace_id, &product, "idea", errors, &form).await;
    };
    let what = Submission::Idea(title, description);
    write(&app, &workspace_id, &product, &email, &name, &what).await?;
    Ok(thanks(&ws, &key, "idea"))
}

pub async fn vote(
    State(app): State<AppState>,
    Path((ws, key, id)): Path<(String, String, String)>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    Form(form): Form<PortalForm>,
) -> Result<Response, PageError> {
    if let Some(res) = refusal(&app, &headers, &addr) {
        return Ok(res);
    }
    let (workspace_id, product) = open_portal(&app, &ws, &key).await?;
    // Only a public idea of this product can be voted on here.
    let idea = ideas::get(app.store.db(), &workspace_id, &id, "")
        .await?
        .filter(|i| i.is_public && i.product_id == product.id)
        .ok_or_else(|| {
            PageError::Status(StatusCode::NOT_FOUND, "There is no such idea here.".into())
        })?;
    if !form.website.is_empty() {
        return Ok(thanks(&ws, &key, "vote"));
    }
    let mut errors = ValidationErrors::new();
    let Some((email, name)) = who(&mut errors, &form) else {
        return refused(&app, &ws, &workspace_id, &product, "vote", errors, &form).await;
    };
    write(
        &app,
        &workspace_id,
        &product,
        &email,
        &name,
        &Submission::Vote(Box::new(idea)),
    )
    .await?;
    Ok(thanks(&ws, &key, "vote"))
}
