//! The API routes, each declared once with its OpenAPI description. The
//! server routes requests without building those descriptions; the
//! document is built from them on demand.

pub mod v1;

use crate::AppState;
use crate::openapi::ApiDoc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Declares every route once and expands to [`router`] and
/// [`serving_router`], so the two cannot list different routes.
macro_rules! api_routes {
    ($( [ $( $module:ident :: $name:ident ),+ ] )*) => {
        /// Every route of the server, with the OpenAPI document they
        /// describe.
        pub fn router() -> OpenApiRouter<AppState> {
            use v1::*;
            OpenApiRouter::with_openapi(ApiDoc::openapi())
                $( .routes(routes!( $( $module::$name ),+ )) )*
        }

        /// The same routes for serving, without their descriptions:
        /// building those walks every schema of the API, which at start-up
        /// costs megabytes of heap and touches much of the binary's code.
        pub fn serving_router() -> axum::Router<AppState> {
            use v1::*;
            let router = axum::Router::new();
            $( $( let router = serve_route!(router, $module::$name); )+ )*
            router
        }
    };
}

/// Adds one handler at the path and methods of its `#[utoipa::path]`.
/// Only the cheap `path()` and `methods()` of the description are called.
macro_rules! serve_route {
    ($router:ident, $module:ident :: $name:ident) => {
        utoipa_axum::paste! {{
            use utoipa::Path;
            use utoipa_axum::PathItemExt;
            let methods = $module::[<__path_ $name>]::methods();
            let method_router = methods
                .iter()
                .fold(axum::routing::MethodRouter::new(), |r, m| {
                    r.on(m.to_method_filter(), $module::$name)
                });
            $router.route(&$module::[<__path_ $name>]::path(), method_router)
        }}
    };
}

api_routes! {
    [system::healthz]
    [system::openapi_json]
    [accounts::setup]
    [accounts::create_token, accounts::list_tokens]
    [accounts::get_token, accounts::revoke_token]
    [accounts::me]
    [accounts::create_own_token]
    [accounts::create_user]
    [accounts::get_user]
    [accounts::logout_all]
    [audit::instance_audit]
    [workspaces::create_workspace, workspaces::list_workspaces]
    [workspaces::get_workspace, workspaces::update_workspace]
    [workspaces::add_member, workspaces::list_members]
    [workspaces::update_member]
    [workspace_export::export_workspace]
    [workspace_export::import_workspace]
    [audit::workspace_audit]
    [products::create_product, products::list_products]
    [products::get_product, products::update_product]
    [strategy::get_strategy]
    [strategy::list_versions, strategy::create_version]
    [strategy::get_version]
    [strategy::compare]
    [products::create_team, products::list_teams]
    [tasks::create_task, tasks::list_tasks]
    [tasks::get_task, tasks::update_task, tasks::delete_task]
    [tasks::move_task]
    [bulk::bulk_update_tasks]
    [views::create_view, views::list_views]
    [views::delete_view]
    [comments::create_comment, comments::list_comments]
    [comments::get_comment]
    [comments::list_activity]
    [notifications::list_notifications]
    [notifications::mark_read]
    [my_day::get_my_day]
    [my_day::add_item]
    [my_day::update_item, my_day::delete_item]
    [my_day::carry_over]
    [my_day::history]
    [cycles::create_cycle, cycles::list_cycles]
    [cycles::get_cycle, cycles::update_cycle]
    [cycles::list_cycle_tasks, cycles::add_cycle_tasks]
    [cycles::remove_cycle_task]
    [cycles::get_burnup]
    [customers::create_company, customers::list_companies]
    [customers::get_company, customers::update_company]
    [customers::create_customer, customers::list_customers]
    [customers::get_customer, customers::update_customer, customers::delete_customer]
    [customers::export_customer]
    [customers::create_persona, customers::list_personas]
    [customers::get_persona, customers::update_persona]
    [features::create_feature, features::list_features]
    [features::get_feature, features::update_feature]
    [features::get_feature_evidence]
    [feature_scores::rank_feature]
    [feature_scores::get_score_history]
    [goals::create_goal, goals::list_goals]
    [goals::get_goal, goals::update_goal, goals::delete_goal]
    [goals::create_checkin, goals::list_checkins]
    [ideas::create_idea, ideas::list_ideas]
    [ideas::get_idea, ideas::update_idea, ideas::delete_idea]
    [ideas::vote, ideas::unvote]
    [ideas::promote_idea]
    [ideas::create_idea_link, ideas::list_idea_links]
    [ideas::delete_idea_link]
    [feedback::create_feedback, feedback::list_feedback]
    [imports::import_feedback]
    [feedback::get_feedback, feedback::update_feedback]
    [feedback::bulk_update_feedback]
    [similarity::similar_feedback]
    [similarity::feedback_themes]
    [feedback::create_link]
    [feedback::delete_link]
    [search::search]
    [journeys::create_journey, journeys::list_journeys]
    [journeys::get_journey, journeys::update_journey, journeys::delete_journey]
    [journeys::create_stage]
    [journeys::update_stage, journeys::delete_stage]
    [journeys::put_cell]
    [journeys::create_opportunity]
    [journeys::delete_opportunity]
    [interviews::create_guide, interviews::list_guides]
    [interviews::get_guide, interviews::update_guide, interviews::delete_guide]
    [interviews::create_interview, interviews::list_interviews]
    [interviews::get_interview, interviews::update_interview, interviews::delete_interview]
    [interviews::interview_feedback]
    [market::create_competitor, market::list_competitors]
    [market::get_matrix]
    [market::get_competitor, market::update_competitor, market::delete_competitor]
    [market::set_coverage]
    [market::create_swot, market::get_swot_board]
    [market::get_swot, market::update_swot, market::delete_swot]
    [market::create_trend, market::list_trends]
    [market::get_trend, market::update_trend, market::delete_trend]
    [events::events]
    [roadmaps::create_roadmap, roadmaps::list_roadmaps]
    [roadmaps::get_roadmap, roadmaps::update_roadmap, roadmaps::delete_roadmap]
    [roadmaps::add_item]
    [roadmaps::update_item, roadmaps::delete_item]
    [roadmaps::move_item]
    [roadmaps::create_share_link, roadmaps::list_share_links]
    [roadmaps::revoke_share_link]
    [decisions::create_decision, decisions::list_decisions]
    [decisions::worth_another_look]
    [decisions::get_decision, decisions::update_decision, decisions::delete_decision]
    [releases::create_release, releases::list_releases]
    [releases::get_release, releases::update_release, releases::delete_release]
    [releases::change_scope]
    [release_ship::ship_release]
    [release_ship::release_notes]
    [release_ship::get_customer_summary, release_ship::put_customer_summary]
    [tech_debt::get_tech_debt, tech_debt::put_tech_debt]
    [stories::create_story, stories::list_stories]
    [stories::get_story, stories::update_story, stories::delete_story]
    [stories::break_down]
    [task_why::task_why]
    [updates::stakeholder_update]
    [initiatives::create_initiative, initiatives::list_initiatives]
    [initiatives::get_initiative, initiatives::update_initiative, initiatives::delete_initiative]
}
