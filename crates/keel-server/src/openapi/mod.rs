//! The OpenAPI 3.1 document, assembled from the handlers' annotations by
//! `utoipa-axum` so it cannot drift from the routes that exist.

mod shared_responses;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel API",
        description = "Product management for engineers who became product managers. \
            Errors are RFC 9457 problem details; lists are cursor-paginated; \
            PATCH honours If-Match.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health and API description"),
        (name = "accounts", description = "Set-up, accounts and API tokens"),
        (name = "workspaces", description = "Workspaces and their members"),
        (name = "products", description = "Products and teams"),
        (name = "strategy", description = "A product's vision and strategy, every edit kept as a version, and comparisons of two versions"),
        (name = "tasks", description = "Tasks, comments and history"),
        (name = "notifications", description = "Your in-app notifications (@mentions)"),
        (name = "my-day", description = "Your plan for the day: tasks picked, checked off, offered again"),
        (name = "cycles", description = "Cycles (sprints): scope, progress and burn-up"),
        (name = "views", description = "Your saved list views"),
        (name = "customers", description = "Companies, customers and personas: who feedback comes from"),
        (name = "market", description = "Competitors and the feature comparison matrix, SWOT boards, market trends"),
        (name = "journeys", description = "Customer journey maps: stages × lanes, emotion per stage, opportunities linked to features"),
        (name = "interviews", description = "Customer interviews held with a guide's questions, turned into feedback items"),
        (name = "goals", description = "Goals and OKRs: objectives, key results, check-ins, progress, health and forecast"),
        (name = "ideas", description = "Ideas from the team and the portal: votes, evidence, promotion to features"),
        (name = "search", description = "One search box across tasks, features, feedback and the people behind it"),
        (name = "roadmaps", description = "Roadmaps: now / next / later lanes, the timeline, and read-only share links"),
        (name = "decisions", description = "The decision log: outcomes, rationale, who was informed, and declined features worth another look"),
        (name = "releases", description = "Releases: scope, progress, burn-up, notes in customer language, shipping and who to tell"),
        (name = "stories", description = "User stories under features, their breakdown into tasks, and a task's why"),
        (name = "initiatives", description = "Initiatives: a product's features grouped toward the goals they move"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The full document, as served at `/api/v1/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = crate::api::router().into_openapi();
    shared_responses::add(&mut doc);
    doc
}
