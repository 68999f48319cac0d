//! The web app: server-rendered pages (askama templates, escaped by
//! default and checked at compile time), small ES modules for interaction,
//! every asset embedded in the binary. Pages read through the store and
//! write through the JSON API with the session's CSRF token, so the rules
//! are the API's rules.

mod assets;
mod audit;
pub(crate) mod board;
mod burnup;
mod calendar;
mod chrome;
mod customers;
mod cycles;
mod decisions;
mod detail;
mod emotion_curve;
mod error;
mod feasibility;
mod features;
mod feedback_import;
mod goal_chart;
mod goal_work;
mod goals;
mod home;
mod ideas;
mod inbox;
mod initiatives;
mod interviews;
mod journeys;
mod list;
pub(crate) mod list_query;
pub mod markdown;
mod market;
mod my_day;
mod notifications;
mod personas;
mod plan_forms;
mod portal;
mod prioritization;
mod release_feeds;
mod releases;
mod roadmap_share;
mod roadmap_timeline;
mod roadmaps;
mod search;
mod session;
mod settings;
mod strategy;
mod tech_debt;
mod themes;
mod update;

pub use error::PageError;
pub use roadmap_share::redacted_path;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::root))
        .route(
            "/setup",
            get(session::setup_page).post(session::setup_submit),
        )
        .route(
            "/login",
            get(session::login_page).post(session::login_submit),
        )
        .route("/logout", post(session::logout))
        .route("/logout-all", post(session::logout_all))
        .route(
            "/workspaces/new",
            get(home::new_workspace_page).post(home::new_workspace_submit),
        )
        .route("/w/{ws}", get(home::workspace_home))
        .route("/w/{ws}/products/new", post(home::new_product_submit))
        .route("/w/{ws}/p/{product}", get(board::board_page))
        .route("/w/{ws}/p/{product}/list", get(list::list_page))
        .route("/w/{ws}/p/{product}/feedback", get(inbox::inbox_page))
        .route(
            "/w/{ws}/p/{product}/feedback/import",
            get(feedback_import::import_page),
        )
        .route("/w/{ws}/p/{product}/themes", get(themes::themes_page))
        .route("/w/{ws}/p/{product}/features", get(features::features_page))
        .route("/w/{ws}/features/{id}", get(features::feature_page))
        .route("/w/{ws}/features/{id}/risk", post(feasibility::risk_submit))
        .route(
            "/w/{ws}/features/{id}/dependencies",
            post(feasibility::dependency_submit),
        )
        .route(
            "/w/{ws}/p/{product}/tech-debt",
            get(feasibility::tech_debt_page),
        )
        .route("/w/{ws}/p/{product}/ideas", get(ideas::ideas_page))
        .route("/w/{ws}/p/{product}/market", get(market::market_page))
        .route("/w/{ws}/p/{product}/strategy", get(strategy::strategy_page))
        .route("/w/{ws}/p/{product}/update", get(update::update_page))
        .route("/w/{ws}/t/{key}", get(detail::task_page))
        .route(
            "/w/{ws}/notifications",
            get(notifications::notifications_page),
        )
        .route("/w/{ws}/settings", get(settings::settings_page))
        .route("/w/{ws}/settings/audit", get(audit::audit_page))
        .route("/w/{ws}/my-day", get(my_day::my_day_page))
        .route(
            "/w/{ws}/cycles",
            get(cycles::cycles_page).post(cycles::new_cycle_submit),
        )
        .route("/w/{ws}/cycles/{id}", get(cycles::cycle_page))
        .route("/w/{ws}/customers", get(customers::customers_page))
        .route("/w/{ws}/customers/{id}", get(customers::customer_page))
        .route("/w/{ws}/companies", get(customers::companies_page))
        .route("/w/{ws}/companies/{id}", get(customers::company_page))
        .route(
            "/w/{ws}/p/{product}/journeys",
            get(journeys::journeys_page).post(journeys::new_journey_submit),
        )
        .route("/w/{ws}/journeys/{id}", get(journeys::journey_page))
        .route(
            "/w/{ws}/p/{product}/interviews",
            get(interviews::interviews_page).post(interviews::new_interview_submit),
        )
        .route(
            "/w/{ws}/interviews/{id}",
            get(interviews::interview_page).post(interviews::save_interview_submit),
        )
        .route(
            "/w/{ws}/interviews/{id}/feedback",
            post(interviews::convert_submit),
        )
        .route("/w/{ws}/personas", get(personas::personas_page))
        .route("/w/{ws}/personas/{id}", get(personas::persona_page))
        .route("/w/{ws}/search", get(search::search_page))
        .route("/w/{ws}/feedback/{id}", get(search::feedback_redirect))
        .route("/portal/{ws}/{product}", get(portal::portal_page))
        .route(
            "/portal/{ws}/{product}/feedback",
            post(portal::submit_feedback),
        )
        .route("/portal/{ws}/{product}/ideas", post(portal::submit_idea))
        .route("/portal/{ws}/{product}/ideas/{id}/vote", post(portal::vote))
        .route("/static/{file}", get(assets::serve))
        .route("/w/{ws}/p/{product}/goals", get(goals::goals_page))
        .route(
            "/w/{ws}/goals/{id}",
            get(goals::goal_page).post(goals::edit_goal_submit),
        )
        .route(
            "/w/{ws}/p/{product}/initiatives",
            post(initiatives::new_initiative_submit),
        )
        .route(
            "/w/{ws}/initiatives/{id}",
            post(initiatives::edit_initiative_submit),
        )
        .route("/w/{ws}/p/{product}/roadmaps", get(roadmaps::roadmaps_page))
        .route("/share/roadmaps/{token}", get(roadmap_share::share_page))
        .route(
            "/w/{ws}/p/{product}/decisions",
            get(decisions::decisions_page),
        )
        .route(
            "/w/{ws}/decisions/{id}/snooze",
            post(decisions::snooze_submit),
        )
        .route("/w/{ws}/p/{product}/releases", get(releases::releases_page))
        .route("/w/{ws}/releases/{id}", get(releases::release_page))
        .route(
            "/portal/{ws}/{product}/releases.atom",
            get(release_feeds::atom_feed),
        )
        .route(
            "/portal/{ws}/{product}/releases.ics",
            get(release_feeds::ics_feed),
        )
}
