//! Journey maps on the web.
//!
//! - `/w/{ws}/p/{product}/journeys`: the product's maps and a form to
//!   start one (a plain form, CSRF-checked, calling the same function as
//!   the API).
//! - `/w/{ws}/journeys/{id}`: the editor — the emotion curve (SVG drawn
//!   here, see [`super::emotion_curve`]) above the grid of stages
//!   (columns) × lanes (rows). `journeys.js` edits cells in place, sets
//!   emotions, adds, renames, moves and deletes stages and links
//!   opportunities to features, all through the JSON API; after each
//!   write (or a live `journey` event) it fetches this page again and
//!   swaps the editor, so the curve and the grid are always the server's.
//!
//! Everyone in the workspace may look; controls show for those who may
//! write.

use super::chrome::Chrome;
use super::emotion_curve::{self, Point};
use super::error::{PageError, not_found, page};
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::journeys as api;
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{JourneyMap, JourneyOpportunity, JourneyStage, NewJourneyMap};
use keel_domain::Permission;
use keel_domain::journey::{Emotion, Lane};
use keel_store::repo;
use keel_store::repo::journeys::MapFilter;
use keel_store::repo::personas::PersonaFilter;
use serde::Deserialize;

/// Most maps the list shows, and most personas a picker offers.
const LIST_SIZE: i64 = 500;

/// A persona or feature to pick.
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// A map in the list.
pub struct Listed {
    pub id: String,
    pub title: String,
    pub persona: String,
    pub stage_count: i64,
    /// RFC 3339, for `<time datetime>` (shown relative, in local time).
    pub updated_at: String,
    /// The day, in UTC, until the page's script localizes it.
    pub updated: String,
}

/// The create form's values and errors.
#[derive(Default)]
pub struct FormState {
    pub title: String,
    pub persona: String,
    pub errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "journeys.html")]
struct JourneysPage {
    chrome: Chrome,
    product_name: String,
    maps: Vec<Listed>,
    personas: Vec<Choice>,
    form: FormState,
}

/// The personas a writer may pick (readers of customer data only).
async fn persona_choices(app: &AppState, ws_id: &str, can: bool) -> Result<Vec<Choice>, PageError> {
    if !can {
        return Ok(Vec::new());
    }
    let filter = PersonaFilter {
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (rows, _) = repo::personas::list(app.store.db(), ws_id, &filter).await?;
    let mut out: Vec<Choice> = rows
        .into_iter()
        .map(|p| Choice {
            id: p.id,
            name: p.name,
        })
        .collect();
    out.sort_by_key(|c| c.name.to_lowercase());
    Ok(out)
}

async fn render_list(
    app: &AppState,
    mut chrome: Chrome,
    ws_id: &str,
    product_key: &str,
    form: FormState,
) -> Result<String, PageError> {
    let product = repo::products::get(app.store.db(), ws_id, product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} journeys", product.name);
    let filter = MapFilter {
        product_id: Some(product.id.clone()),
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (rows, _) = repo::journeys::list(app.store.db(), ws_id, &filter).await?;
    let maps = rows
        .into_iter()
        .map(|m| Listed {
            id: m.id,
            title: m.title,
            persona: m.persona_name.unwrap_or_default(),
            stage_count: m.stage_count,
            updated: super::calendar::day_month_text(m.updated_at.get(..10).unwrap_or_default()),
            updated_at: m.updated_at,
        })
        .collect();
    let can_pick = chrome.can_write() && chrome.can_read_customers();
    let personas = persona_choices(app, ws_id, can_pick).await?;
    Ok(JourneysPage {
        chrome,
        product_name: product.name,
        maps,
        personas,
        form,
    }
    .render()?)
}

pub async fn journeys_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Journeys", "journeys").await?;
    let html = render_list(
        &app,
        chrome,
        &access.workspace.id,
        &product,
        FormState::default(),
    )
    .await?;
    Ok(Html(html).into_response())
}

#[derive(Deserialize)]
pub struct NewJourneyForm {
    csrf: String,
    title: String,
    #[serde(default)]
    persona: String,
}

pub async fn new_journey_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, product)): Path<(String, String)>,
    Form(form): Form<NewJourneyForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Journeys", "journeys").await?;
    if !access.role.allows(Permission::Write) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot draw journey maps.".into(),
        ));
    }
    let input = NewJourneyMap {
        product: product.clone(),
        title: form.title.clone(),
        description: None,
        persona: Some(form.persona.clone()).filter(|p| !p.trim().is_empty()),
    };
    match api::create(&app, &access.workspace.id, &user.0.user.id, &input).await {
        Ok(m) => Ok(Redirect::to(&format!("/w/{ws}/journeys/{}", m.id)).into_response()),
        Err(ApiError::Validation(errors)) => {
            let state = FormState {
                title: form.title,
                persona: form.persona,
                errors: errors.into_iter().map(|e| (e.field, e.message)).collect(),
            };
            let html = render_list(&app, chrome, &access.workspace.id, &product, state).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One cell of the grid.
pub struct GridCell {
    pub stage_id: String,
    pub stage_name: String,
    pub text: String,
    /// The opportunities lane: what they are linked to, and what may be.
    pub links: Vec<JourneyOpportunity>,
    pub candidates: Vec<Choice>,
}

/// One lane (row) of the grid.
pub struct LaneRow {
    pub key: &'static str,
    pub label: &'static str,
    pub cells: Vec<GridCell>,
}

#[derive(Template)]
#[template(path = "journey.html")]
struct JourneyPage {
    chrome: Chrome,
    map: JourneyMap,
    product_name: String,
    description_html: String,
    stages: Vec<JourneyStage>,
    lanes: Vec<LaneRow>,
    emotions: Vec<(i64, String)>,
    personas: Vec<Choice>,
    /// The persona's page is linked for readers of customer data.
    link_persona: bool,
    curve_wide: String,
    curve_narrow: String,
}

impl JourneyPage {
    /// The emotion of a stage in words, for readers.
    fn feeling(&self, v: &i64) -> String {
        Emotion::parse("emotion", *v)
            .map(|e| format!("{} {}", e.signed(), e.label()))
            .unwrap_or_default()
    }
}

fn text_of(stage: &JourneyStage, lane: Lane) -> String {
    let c = &stage.cells;
    match lane {
        Lane::Actions => c.actions.clone(),
        Lane::Touchpoints => c.touchpoints.clone(),
        Lane::Thoughts => c.thoughts.clone(),
        Lane::PainPoints => c.pain_points.clone(),
        Lane::Opportunities => c.opportunities.clone(),
    }
}

pub async fn journey_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Journey map", "journeys").await?;
    let ws_id = access.workspace.id.as_str();
    let stored = repo::journeys::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("journey map"))?;
    let map = api::with_grid(app.store.db(), &stored).await?;
    let product = repo::products::get(app.store.db(), ws_id, &stored.product_id).await?;
    chrome.product = stored.product_key.clone();
    chrome.title = map.title.clone();
    let can_write = chrome.can_write();
    let read_customers = access.role.allows(Permission::ReadCustomers);
    let stages = map.stages.clone().unwrap_or_default();

    // What an opportunity can be linked to: the product's features not
    // declined (the option's value is the id) and its ideas still open
    // (`idea:` and the id, which journeys.js sends as linked_kind idea).
    let mut targets: Vec<(String, String, String)> = Vec::new();
    if can_write {
        for f in repo::features::list(app.store.db(), ws_id, Some(&stored.product_id), &[]).await? {
            if f.status != "declined" {
                targets.push((f.id.clone(), f.id, f.title));
            }
        }
        let open_ideas = repo::ideas::IdeaFilter {
            product_id: Some(stored.product_id.clone()),
            statuses: vec!["new".into(), "under_review".into()],
            ..Default::default()
        };
        for i in repo::ideas::list(app.store.db(), ws_id, &open_ideas, "").await? {
            targets.push((
                i.id.clone(),
                format!("idea:{}", i.id),
                format!("Idea: {}", i.title),
            ));
        }
    }
    let lanes = Lane::ALL
        .iter()
        .map(|lane| LaneRow {
            key: lane.as_str(),
            label: lane.label(),
            cells: stages
                .iter()
                .map(|s| {
                    let is_opp = *lane == Lane::Opportunities;
                    GridCell {
                        stage_id: s.id.clone(),
                        stage_name: s.name.clone(),
                        text: text_of(s, *lane),
                        links: if is_opp {
                            s.opportunity_links.clone()
                        } else {
                            Vec::new()
                        },
                        candidates: if is_opp {
                            targets
                                .iter()
                                .filter(|(id, _, _)| {
                                    !s.opportunity_links.iter().any(|l| &l.linked_id == id)
                                })
                                .map(|(_, value, name)| Choice {
                                    id: value.clone(),
                                    name: name.clone(),
                                })
                                .collect()
                        } else {
                            Vec::new()
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let points: Vec<Point<'_>> = stages
        .iter()
        .map(|s| Point {
            name: &s.name,
            emotion: s.emotion,
        })
        .collect();
    let curve_wide = emotion_curve::svg(&points, emotion_curve::WIDE, "wide", &map.title);
    let curve_narrow = emotion_curve::svg(&points, emotion_curve::NARROW, "narrow", &map.title);
    let personas = persona_choices(&app, ws_id, can_write && read_customers).await?;
    page(&JourneyPage {
        description_html: markdown::render(&map.description),
        product_name: product.map(|p| p.name).unwrap_or_default(),
        emotions: Emotion::all()
            .map(|e| (e.value(), format!("{} {}", e.signed(), e.label())))
            .collect(),
        link_persona: read_customers,
        chrome,
        map,
        stages,
        lanes,
        personas,
        curve_wide,
        curve_narrow,
    })
}
