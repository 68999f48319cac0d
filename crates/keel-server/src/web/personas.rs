//! Personas on the web.
//!
//! - `/w/{ws}/personas`: every persona with how many customers belong to
//!   it and its goals at a glance, and a form to add one.
//! - `/w/{ws}/personas/{id}`: its goals, pains and jobs to be done
//!   (editable, Markdown), the customers who belong to it, and the journey
//!   maps drawn for it.
//!
//! Personas list customers, which are personal data: these pages need
//! `ReadCustomers` (guests get a 403 page). `personas.js` writes through
//! the JSON API (If-Match on edits).

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_domain::Permission;
use keel_domain::model::WorkspaceAccess;
use keel_store::repo;
use keel_store::repo::journeys::MapFilter;
use keel_store::repo::personas::{Member, Persona, PersonaFilter};

/// Most personas the list shows (the API's page cap).
const LIST_SIZE: i64 = 500;

fn require_customers(access: &WorkspaceAccess) -> Result<(), PageError> {
    if access.role.allows(Permission::ReadCustomers) {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Personas list customers, whose data guests of a workspace do not see.".into(),
        ))
    }
}

/// The first line of a Markdown text, without its list or heading marks.
fn first_line(s: &str) -> String {
    s.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['-', '*', '#', '>', ' '])
                .trim()
        })
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(140)
        .collect()
}

#[derive(Template)]
#[template(path = "personas.html")]
struct PersonasPage {
    chrome: Chrome,
    personas: Vec<(Persona, String)>,
}

pub async fn personas_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Personas", "personas").await?;
    require_customers(&access)?;
    let filter = PersonaFilter {
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (mut rows, _) = repo::personas::list(app.store.db(), &access.workspace.id, &filter).await?;
    rows.sort_by_key(|p| p.name.to_lowercase());
    let personas = rows
        .into_iter()
        .map(|p| {
            let goal = first_line(&p.goals);
            (p, goal)
        })
        .collect();
    page(&PersonasPage { chrome, personas })
}

/// A journey map drawn for the persona.
pub struct MapLink {
    pub id: String,
    pub title: String,
    pub product: String,
    pub stage_count: i64,
}

#[derive(Template)]
#[template(path = "persona.html")]
struct PersonaPage {
    chrome: Chrome,
    persona: Persona,
    customers: Vec<Member>,
    maps: Vec<MapLink>,
    goals_html: String,
    pains_html: String,
    jobs_html: String,
    description_html: String,
}

pub async fn persona_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Persona", "personas").await?;
    require_customers(&access)?;
    let ws_id = access.workspace.id.as_str();
    let persona = repo::personas::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("persona"))?;
    let customers = repo::personas::members(app.store.db(), &persona.id).await?;
    let filter = MapFilter {
        persona_id: Some(persona.id.clone()),
        limit: LIST_SIZE,
        ..Default::default()
    };
    let (maps, _) = repo::journeys::list(app.store.db(), ws_id, &filter).await?;
    chrome.title = persona.name.clone();
    page(&PersonaPage {
        chrome,
        goals_html: markdown::render(&persona.goals),
        pains_html: markdown::render(&persona.pains),
        jobs_html: markdown::render(&persona.jobs),
        description_html: markdown::render(&persona.description),
        persona,
        customers,
        maps: maps
            .into_iter()
            .map(|m| MapLink {
                id: m.id,
                title: m.title,
                product: m.product_key,
                stage_count: m.stage_count,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_line_leaves_markdown_marks_out() {
        assert_eq!(
            super::first_line("\n- Ship on Fridays\n- Sleep"),
            "Ship on Fridays"
        );
        assert_eq!(super::first_line("## Fewer pages"), "Fewer pages");
        assert_eq!(super::first_line(""), "");
    }
}
