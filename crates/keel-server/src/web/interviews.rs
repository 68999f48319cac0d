//! Customer interviews on the web.
//!
//! - `/w/{ws}/p/{product}/interviews`: the product's interviews, newest
//!   first, and a "New interview" form: the guide's questions as labelled
//!   text areas (`?guide=ID` picks another guide; a small GET form does
//!   it, so no script is needed to swap the questions).
//! - `/w/{ws}/interviews/{id}`: one interview, its answers editable, and
//!   "Turn into feedback", which answers with how many items were created
//!   and a link to each in the inbox.
//!
//! Every write is a plain HTML form, CSRF-checked, calling the same
//! functions as the JSON API (`api::v1::interviews::{create, update,
//! convert}`), so the rules, events and feedback path are the API's. The
//! page needs no script: answering an interview is filling in a form.
//!
//! Interviews hold what customers said: guests get 403; viewers read
//! without the forms.

use super::chrome::Chrome;
use super::error::{PageError, not_found};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::interviews as api;
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{AnswerInput, Interview, InterviewGuide, InterviewPatch, NewInterview};
use keel_domain::Permission;
use keel_domain::interview::DISCOVERY_GUIDE_ID;
use keel_domain::model::WorkspaceAccess;
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::customers::CustomerFilter;
use keel_store::repo::interviews::InterviewFilter;
use serde::Deserialize;

/// Most interviews the list shows, and most customers the picker offers.
const LIST_SIZE: i64 = 500;

/// A customer or guide to pick.
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// An interview in the list.
pub struct Listed {
    pub id: String,
    pub title: String,
    pub held_on: String,
    pub customer: String,
    pub answered: i64,
    pub questions: i64,
    pub converted: i64,
}

/// One question of a form, with what was typed.
pub struct QuestionField {
    pub position: usize,
    pub question: String,
    pub hint: String,
    pub answer: String,
    /// The feedback item this answer became, if any.
    pub feedback_id: String,
}

/// The "New interview" form's values and errors.
pub struct NewForm {
    pub guide_id: String,
    pub guide_name: String,
    pub questions: Vec<QuestionField>,
    pub title: String,
    pub held_on: String,
    pub customer: String,
    pub notes: String,
    pub errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "interviews.html")]
struct InterviewsPage {
    chrome: Chrome,
    product_name: String,
    interviews: Vec<Listed>,
    guides: Vec<Choice>,
    customers: Vec<Choice>,
    form: NewForm,
}

/// A feedback item just created, for the result banner.
pub struct Created {
    pub id: String,
    pub question: String,
}

/// What "Turn into feedback" did.
pub struct Converted {
    pub created: Vec<Created>,
    pub already: i64,
}

#[derive(Template)]
#[template(path = "interview.html")]
struct InterviewPage {
    chrome: Chrome,
    iv: Interview,
    questions: Vec<QuestionField>,
    customers: Vec<Choice>,
    customer: String,
    errors: Vec<(String, String)>,
    converted: Option<Converted>,
}

/// 403 unless the role may read customer data.
fn require_customers(access: &WorkspaceAccess) -> Result<(), PageError> {
    if access.role.allows(Permission::ReadCustomers) {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Interviews hold what customers said, which guests of a workspace do not see.".into(),
        ))
    }
}

fn require_write(access: &WorkspaceAccess) -> Result<(), PageError> {
    if access.role.allows(Permission::Write) {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot record interviews.".into(),
        ))
    }
}

/// The customers to pick from, by name (writers only).
async fn customer_choices(
    app: &AppState,
    ws_id: &str,
    can: bool,
) -> Result<Vec<Choice>, PageError> {
    if !can {
        return Ok(Vec::new());
    }
    let filter = CustomerFilter {
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (rows, _) = repo::customers::list(app.store.db(), ws_id, &filter).await?;
    let mut out: Vec<Choice> = rows
        .into_iter()
        .map(|c| Choice {
            name: match &c.email {
                Some(e) => format!("{} ({e})", c.name),
                None => c.name.clone(),
            },
            id: c.id,
        })
        .collect();
    out.sort_by_key(|c| c.name.to_lowercase());
    Ok(out)
}

/// An empty form for `guide` (the built-in one when it is not found).
fn blank_form(guides: &[InterviewGuide], guide: Option<&str>) -> NewForm {
    let chosen = guide
        .and_then(|id| guides.iter().find(|g| g.id == id))
        .or_else(|| guides.iter().find(|g| g.id == DISCOVERY_GUIDE_ID));
    let (guide_id, guide_name, questions) = match chosen {
        Some(g) => (
            g.id.clone(),
            g.name.clone(),
            g.questions
                .iter()
                .enumerate()
                .map(|(position, q)| QuestionField {
                    position,
                    question: q.question.clone(),
                    hint: q.hint.clone(),
                    answer: String::new(),
                    feedback_id: String::new(),
                })
                .collect(),
        ),
        None => (String::new(), String::new(), Vec::new()),
    };
    NewForm {
        guide_id,
        guide_name,
        questions,
        title: String::new(),
        held_on: Timestamp::now().date().as_string(),
        customer: String::new(),
        notes: String::new(),
        errors: Vec::new(),
    }
}

async fn render_list(
    app: &AppState,
    mut chrome: Chrome,
    ws_id: &str,
    product_key: &str,
    form: Option<NewForm>,
    guide: Option<&str>,
) -> Result<String, PageError> {
    let product = repo::products::get(app.store.db(), ws_id, product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} interviews", product.name);
    let filter = InterviewFilter {
        product_id: Some(product.id.clone()),
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (rows, _) = repo::interviews::list(app.store.db(), ws_id, &filter).await?;
    let interviews = rows
        .into_iter()
        .map(|i| Listed {
            id: i.id,
            title: i.title,
            held_on: i.held_on,
            customer: i.customer_name.unwrap_or_default(),
            answered: i.answered_count,
            questions: i.question_count,
            converted: i.converted_count,
        })
        .collect();
    let guides = api::all_guides(app.store.db(), ws_id).await?;
    let form = form.unwrap_or_else(|| blank_form(&guides, guide));
    let customers = customer_choices(app, ws_id, chrome.can_write()).await?;
    Ok(InterviewsPage {
        chrome,
        product_name: product.name,
        interviews,
        guides: guides
            .into_iter()
            .map(|g| Choice {
                id: g.id,
                name: g.name,
            })
            .collect(),
        customers,
        form,
    }
    .render()?)
}

#[derive(Deserialize)]
pub struct GuideQuery {
    #[serde(default)]
    guide: Option<String>,
}

pub async fn interviews_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product)): Path<(String, String)>,
    Query(q): Query<GuideQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Interviews", "interviews").await?;
    require_customers(&access)?;
    let html = render_list(
        &app,
        chrome,
        &access.workspace.id,
        &product,
        None,
        q.guide.as_deref(),
    )
    .await?;
    Ok(Html(html).into_response())
}

/// The value of `name` in a submitted form (`""` when absent).
fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The `answer_N` fields of a form, by position.
fn answers_of(form: &[(String, String)]) -> Vec<AnswerInput> {
    form.iter()
        .filter_map(|(k, v)| {
            let position = k.strip_prefix("answer_")?.parse().ok()?;
            Some(AnswerInput {
                position,
                answer: v.clone(),
            })
        })
        .collect()
}

pub async fn new_interview_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, product)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Interviews", "interviews").await?;
    require_customers(&access)?;
    require_write(&access)?;
    let answers = answers_of(&form);
    let input = NewInterview {
        product: product.clone(),
        title: field(&form, "title").to_string(),
        held_on: Some(field(&form, "held_on").to_string()),
        customer: Some(field(&form, "customer").to_string()),
        guide: Some(field(&form, "guide").to_string()),
        answers: Some(answers.clone()),
        notes: Some(field(&form, "notes").to_string()),
    };
    let ws_id = access.workspace.id.clone();
    match api::create(&app, &ws_id, &user.0.user.id, &input).await {
        Ok(i) => Ok(Redirect::to(&format!("/w/{ws}/interviews/{}", i.id)).into_response()),
        Err(ApiError::Validation(errors)) => {
            // The form again, with what was typed.
            let guides = api::all_guides(app.store.db(), &ws_id).await?;
            let mut state = blank_form(&guides, Some(field(&form, "guide")));
            for q in &mut state.questions {
                if let Some(a) = answers.iter().find(|a| a.position == q.position as i64) {
                    q.answer.clone_from(&a.answer);
                }
            }
            state.title = input.title;
            state.held_on = field(&form, "held_on").to_string();
            state.customer = field(&form, "customer").to_string();
            state.notes = field(&form, "notes").to_string();
            state.errors = errors.into_iter().map(|e| (e.field, e.message)).collect();
            let html = render_list(&app, chrome, &ws_id, &product, Some(state), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn render_one(
    app: &AppState,
    mut chrome: Chrome,
    ws_id: &str,
    iv: Interview,
    errors: Vec<(String, String)>,
    converted: Option<Converted>,
) -> Result<String, PageError> {
    chrome.product = iv.product.clone();
    chrome.title = iv.title.clone();
    let questions = iv
        .answers
        .iter()
        .flatten()
        .map(|a| QuestionField {
            position: usize::try_from(a.position).unwrap_or_default(),
            question: a.question.clone(),
            hint: a.hint.clone(),
            answer: a.answer.clone(),
            feedback_id: a.feedback_id.clone().unwrap_or_default(),
        })
        .collect();
    let customers = customer_choices(app, ws_id, chrome.can_write()).await?;
    let customer = iv
        .customer
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    Ok(InterviewPage {
        chrome,
        iv,
        questions,
        customers,
        customer,
        errors,
        converted,
    }
    .render()?)
}

/// The interview of the workspace with its answers, or the 404 page.
async fn load(app: &AppState, ws_id: &str, id: &str) -> Result<Interview, PageError> {
    let Some(i) = repo::interviews::get(app.store.db(), ws_id, id).await? else {
        return Err(not_found("interview"));
    };
    Ok(api::with_answers(app.store.db(), &i).await?)
}

pub async fn interview_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Interview", "interviews").await?;
    require_customers(&access)?;
    let iv = load(&app, &access.workspace.id, &id).await?;
    let html = render_one(&app, chrome, &access.workspace.id, iv, Vec::new(), None).await?;
    Ok(Html(html).into_response())
}

pub async fn save_interview_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Interview", "interviews").await?;
    require_customers(&access)?;
    require_write(&access)?;
    let ws_id = access.workspace.id.clone();
    // The version the form was rendered from: a save over someone else's
    // newer one is refused, as an API PATCH with If-Match is.
    let expected = field(&form, "version").parse::<i64>().ok();
    let customer = field(&form, "customer").trim().to_string();
    let patch = InterviewPatch {
        title: Some(field(&form, "title").to_string()),
        held_on: Some(field(&form, "held_on").to_string()),
        customer: Some(Some(customer).filter(|c| !c.is_empty())),
        answers: Some(answers_of(&form)),
        notes: Some(field(&form, "notes").to_string()),
    };
    match api::update(&app, &ws_id, &id, expected, patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/w/{ws}/interviews/{id}")).into_response()),
        Err(e @ (ApiError::Validation(_) | ApiError::PreconditionFailed)) => {
            let (status, errors) = match e {
                ApiError::Validation(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors.into_iter().map(|e| (e.field, e.message)).collect(),
                ),
                _ => (
                    StatusCode::PRECONDITION_FAILED,
                    vec![(
                        "version".to_string(),
                        "someone else saved this interview since you opened it; \
                         this is their version, copy your changes in again"
                            .to_string(),
                    )],
                ),
            };
            let iv = load(&app, &ws_id, &id).await?;
            let html = render_one(&app, chrome, &ws_id, iv, errors, None).await?;
            Ok((status, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn convert_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Interview", "interviews").await?;
    require_customers(&access)?;
    require_write(&access)?;
    let ws_id = access.workspace.id.clone();
    let out = api::convert(&app, &ws_id, &user.0.user.id, &id).await?;
    let created = out
        .created
        .iter()
        .map(|f| Created {
            id: f.id.clone(),
            question: f
                .text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("Q: ")
                .to_string(),
        })
        .collect();
    let converted = Converted {
        created,
        already: out.already_converted,
    };
    let html = render_one(
        &app,
        chrome,
        &ws_id,
        out.interview,
        Vec::new(),
        Some(converted),
    )
    .await?;
    Ok(Html(html).into_response())
}
