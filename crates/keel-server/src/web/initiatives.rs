//! Initiatives on the goals page: the product's initiatives with their
//! goals and features, a form to start one and one to edit each. The
//! forms post here; the work is the API's (`api::v1::initiatives`), so a
//! refused save shows the API's field errors beside the fields, with what
//! was typed, and a stale edit (the `version` the form was rendered from)
//! is refused as a PATCH with `If-Match` is.

use super::error::{PageError, not_found};
use super::goals::render_goals;
use super::inbox::human;
use super::plan_forms::{InitiativeDraft, InitiativeForm, field, values};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::initiatives as api;
use crate::error::ApiError;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{Goal, InitiativePatch, NewInitiative};
use keel_domain::Permission;
use keel_store::repo;
use keel_store::repo::initiatives as store;

/// An initiative as the goals page lists it, with its edit form.
pub struct InitiativeItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub status_label: String,
    /// `(id, title)` of its goals.
    pub goals: Vec<(String, String)>,
    /// `(id, title, status)` of its features.
    pub features: Vec<(String, String, String)>,
    pub form: InitiativeForm,
    /// The edit form starts open (a refused save of it).
    pub open: bool,
}

/// The initiatives of a product for the goals page, and the new
/// initiative's form; `draft` refills the form it came from.
pub async fn initiatives_of_product(
    app: &AppState,
    ws: &str,
    ws_id: &str,
    product_id: &str,
    goals: &[Goal],
    mut draft: Option<InitiativeDraft>,
) -> Result<(Vec<InitiativeItem>, InitiativeForm), PageError> {
    let st = &app.store;
    let rows = store::list(st.db(), ws_id, Some(product_id)).await?;
    let goal_links = store::goal_links(st.db(), ws_id).await?;
    let feature_links = store::feature_links(st.db(), ws_id).await?;
    // Key results under their objective's name, so the list reads as a tree.
    let goal_choices: Vec<(String, String)> = goals
        .iter()
        .map(|g| {
            let label = match g
                .parent
                .as_ref()
                .and_then(|p| goals.iter().find(|o| &o.id == p))
            {
                Some(o) => format!("{} › {}", o.title, g.title),
                None => g.title.clone(),
            };
            (g.id.clone(), label)
        })
        .collect();
    let feature_choices: Vec<(String, String)> =
        repo::features::list(st.db(), ws_id, Some(product_id), &[])
            .await?
            .into_iter()
            .map(|f| (f.id, f.title))
            .collect();
    let mut items = Vec::with_capacity(rows.len());
    for i in rows {
        let goal_ids: Vec<String> = goal_links
            .iter()
            .filter(|(iid, _)| *iid == i.id)
            .map(|(_, g)| g.clone())
            .collect();
        let features: Vec<(String, String, String)> = feature_links
            .iter()
            .filter(|l| l.initiative_id == i.id)
            .map(|l| (l.feature_id.clone(), l.title.clone(), l.status.clone()))
            .collect();
        let feature_ids: Vec<String> = features.iter().map(|(id, _, _)| id.clone()).collect();
        let mine = draft.take_if(|d| d.target == i.id);
        let mut form = match &mine {
            Some(d) => InitiativeForm::new(
                format!("ini-{}", i.id),
                format!("/w/{ws}/initiatives/{}", i.id),
                i.version,
                &d.title,
                &d.description,
                &d.status,
                &goal_choices,
                &d.goals,
                &feature_choices,
                &d.features,
            ),
            None => InitiativeForm::new(
                format!("ini-{}", i.id),
                format!("/w/{ws}/initiatives/{}", i.id),
                i.version,
                &i.title,
                &i.description,
                &i.status,
                &goal_choices,
                &goal_ids,
                &feature_choices,
                &feature_ids,
            ),
        };
        let open = mine.is_some();
        if let Some(d) = mine {
            form.errors = d.errors;
        }
        items.push(InitiativeItem {
            goals: goal_choices
                .iter()
                .filter(|(id, _)| goal_ids.contains(id))
                .cloned()
                .collect(),
            status_label: human(&i.status),
            id: i.id,
            title: i.title,
            description: i.description,
            status: i.status,
            features,
            form,
            open,
        });
    }
    let blank = InitiativeDraft {
        target: "new".into(),
        title: String::new(),
        description: String::new(),
        status: "planned".into(),
        goals: Vec::new(),
        features: Vec::new(),
        errors: Vec::new(),
    };
    let d = draft.filter(|d| d.target == "new").unwrap_or(blank);
    let mut new_form = InitiativeForm::new(
        "ini-new".into(),
        String::new(),
        0,
        &d.title,
        &d.description,
        &d.status,
        &goal_choices,
        &d.goals,
        &feature_choices,
        &d.features,
    );
    new_form.errors = d.errors;
    Ok((items, new_form))
}

fn require_write(user_can: bool) -> Result<(), PageError> {
    if user_can {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot change initiatives.".into(),
        ))
    }
}

/// The field errors of a refused save, or the error itself.
fn refused(e: ApiError, what: &str) -> Result<(StatusCode, Vec<(String, String)>), PageError> {
    match e {
        ApiError::Validation(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            errors.into_iter().map(|e| (e.field, e.message)).collect(),
        )),
        ApiError::PreconditionFailed => Ok((
            StatusCode::PRECONDITION_FAILED,
            vec![(
                "version".to_string(),
                format!(
                    "someone else saved this {what} since you opened the page; \
                     the form shows what you typed, the list shows their version"
                ),
            )],
        )),
        e => Err(e.into()),
    }
}

/// `POST /w/{ws}/p/{product}/initiatives`: start an initiative.
pub async fn new_initiative_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, product)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let access = super::chrome::Chrome::for_workspace(&app, &user, &ws, "Goals", "goals")
        .await?
        .1;
    require_write(access.role.allows(Permission::Write))?;
    let input = NewInitiative {
        product: product.clone(),
        title: field(&form, "title").to_string(),
        description: Some(field(&form, "description").to_string()),
        status: Some(field(&form, "status").to_string()).filter(|s| !s.is_empty()),
        goals: Some(values(&form, "goals")),
        features: Some(values(&form, "features")),
    };
    match api::create(&app, &access.workspace.id, &user.0.user.id, &input).await {
        Ok((created, _)) => Ok(Redirect::to(&format!(
            "/w/{ws}/p/{product}/goals#initiative-{}",
            created.id
        ))
        .into_response()),
        Err(e) => {
            let (status, errors) = refused(e, "initiative")?;
            let draft = InitiativeDraft::of("new", &form, errors);
            let html = render_goals(&app, &user, &ws, &product, Some(draft)).await?;
            Ok((status, Html(html)).into_response())
        }
    }
}

/// `POST /w/{ws}/initiatives/{id}`: edit an initiative; its goals and
/// features are replaced by the ones checked.
pub async fn edit_initiative_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let access = super::chrome::Chrome::for_workspace(&app, &user, &ws, "Goals", "goals")
        .await?
        .1;
    let ws_id = access.workspace.id.as_str();
    let current = store::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("initiative"))?;
    require_write(access.role.allows(Permission::Write))?;
    let expected = field(&form, "version").parse::<i64>().ok();
    let patch = InitiativePatch {
        title: Some(field(&form, "title").to_string()),
        description: Some(field(&form, "description").to_string()),
        status: Some(field(&form, "status").to_string()),
        goals: Some(values(&form, "goals")),
        features: Some(values(&form, "features")),
    };
    let product = current.product_key.clone();
    match api::update(&app, ws_id, &id, expected, &patch).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/w/{ws}/p/{product}/goals#initiative-{id}")).into_response())
        }
        Err(e) => {
            let (status, errors) = refused(e, "initiative")?;
            let draft = InitiativeDraft::of(&id, &form, errors);
            let html = render_goals(&app, &user, &ws, &product, Some(draft)).await?;
            Ok((status, Html(html)).into_response())
        }
    }
}
