//! The API routes, each declared with its OpenAPI description.

pub mod v1;

use crate::AppState;
use crate::openapi::ApiDoc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every route of the server, with the OpenAPI document they describe.
pub fn router() -> OpenApiRouter<AppState> {
    use v1::*;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(system::healthz))
        .routes(routes!(system::openapi_json))
        .routes(routes!(accounts::setup))
        .routes(routes!(accounts::create_token, accounts::list_tokens))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::create_own_token))
        .routes(routes!(accounts::create_user))
        .routes(routes!(accounts::logout_all))
        .routes(routes!(audit::instance_audit))
        .routes(routes!(
            workspaces::create_workspace,
            workspaces::list_workspaces
        ))
        .routes(routes!(
            workspaces::get_workspace,
            workspaces::update_workspace
        ))
        .routes(routes!(workspaces::add_member, workspaces::list_members))
        .routes(routes!(workspaces::update_member))
        .routes(routes!(workspace_export::export_workspace))
        .routes(routes!(workspace_export::import_workspace))
        .routes(routes!(audit::workspace_audit))
        .routes(routes!(products::create_product, products::list_products))
        .routes(routes!(products::get_product, products::update_product))
        .routes(routes!(strategy::get_strategy))
        .routes(routes!(strategy::list_versions, strategy::create_version))
        .routes(routes!(strategy::get_version))
        .routes(routes!(strategy::compare))
        .routes(routes!(products::create_team, products::list_teams))
        .routes(routes!(tasks::create_task, tasks::list_tasks))
        .routes(routes!(
            tasks::get_task,
            tasks::update_task,
            tasks::delete_task
        ))
        .routes(routes!(tasks::move_task))
        .routes(routes!(bulk::bulk_update_tasks))
        .routes(routes!(views::create_view, views::list_views))
        .routes(routes!(views::delete_view))
        .routes(routes!(comments::create_comment, comments::list_comments))
        .routes(routes!(comments::list_activity))
        .routes(routes!(notifications::list_notifications))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(my_day::get_my_day))
        .routes(routes!(my_day::add_item))
        .routes(routes!(my_day::update_item, my_day::delete_item))
        .routes(routes!(my_day::carry_over))
        .routes(routes!(my_day::history))
        .routes(routes!(cycles::create_cycle, cycles::list_cycles))
        .routes(routes!(cycles::get_cycle, cycles::update_cycle))
        .routes(routes!(cycles::list_cycle_tasks, cycles::add_cycle_tasks))
        .routes(routes!(cycles::remove_cycle_task))
        .routes(routes!(cycles::get_burnup))
        .routes(routes!(
            customers::create_company,
            customers::list_companies
        ))
        .routes(routes!(customers::get_company, customers::update_company))
        .routes(routes!(
            customers::create_customer,
            customers::list_customers
        ))
        .routes(routes!(
            customers::get_customer,
            customers::update_customer,
            customers::delete_customer
        ))
        .routes(routes!(customers::export_customer))
        .routes(routes!(customers::create_persona, customers::list_personas))
        .routes(routes!(customers::get_persona, customers::update_persona))
        .routes(routes!(features::create_feature, features::list_features))
        .routes(routes!(features::get_feature, features::update_feature))
        .routes(routes!(features::get_feature_evidence))
        .routes(routes!(feature_scores::rank_feature))
        .routes(routes!(feature_scores::get_score_history))
        .routes(routes!(goals::create_goal, goals::list_goals))
        .routes(routes!(
            goals::get_goal,
            goals::update_goal,
            goals::delete_goal
        ))
        .routes(routes!(goals::create_checkin, goals::list_checkins))
        .routes(routes!(ideas::create_idea, ideas::list_ideas))
        .routes(routes!(
            ideas::get_idea,
            ideas::update_idea,
            ideas::delete_idea
        ))
        .routes(routes!(ideas::vote, ideas::unvote))
        .routes(routes!(ideas::promote_idea))
        .routes(routes!(ideas::create_idea_link, ideas::list_idea_links))
        .routes(routes!(ideas::delete_idea_link))
        .routes(routes!(feedback::create_feedback, feedback::list_feedback))
        .routes(routes!(imports::import_feedback))
        .routes(routes!(feedback::get_feedback, feedback::update_feedback))
        .routes(routes!(feedback::bulk_update_feedback))
        .routes(routes!(similarity::similar_feedback))
        .routes(routes!(similarity::feedback_themes))
        .routes(routes!(feedback::create_link))
        .routes(routes!(feedback::delete_link))
        .routes(routes!(search::search))
        .routes(routes!(journeys::create_journey, journeys::list_journeys))
        .routes(routes!(
            journeys::get_journey,
            journeys::update_journey,
            journeys::delete_journey
        ))
        .routes(routes!(journeys::create_stage))
        .routes(routes!(journeys::update_stage, journeys::delete_stage))
        .routes(routes!(journeys::put_cell))
        .routes(routes!(journeys::create_opportunity))
        .routes(routes!(journeys::delete_opportunity))
        .routes(routes!(interviews::create_guide, interviews::list_guides))
        .routes(routes!(
            interviews::get_guide,
            interviews::update_guide,
            interviews::delete_guide
        ))
        .routes(routes!(
            interviews::create_interview,
            interviews::list_interviews
        ))
        .routes(routes!(
            interviews::get_interview,
            interviews::update_interview,
            interviews::delete_interview
        ))
        .routes(routes!(interviews::interview_feedback))
        .routes(routes!(market::create_competitor, market::list_competitors))
        .routes(routes!(market::get_matrix))
        .routes(routes!(
            market::get_competitor,
            market::update_competitor,
            market::delete_competitor
        ))
        .routes(routes!(market::set_coverage))
        .routes(routes!(market::create_swot, market::get_swot_board))
        .routes(routes!(
            market::get_swot,
            market::update_swot,
            market::delete_swot
        ))
        .routes(routes!(market::create_trend, market::list_trends))
        .routes(routes!(
            market::get_trend,
            market::update_trend,
            market::delete_trend
        ))
        .routes(routes!(events::events))
        .routes(routes!(roadmaps::create_roadmap, roadmaps::list_roadmaps))
        .routes(routes!(
            roadmaps::get_roadmap,
            roadmaps::update_roadmap,
            roadmaps::delete_roadmap
        ))
        .routes(routes!(roadmaps::add_item))
        .routes(routes!(roadmaps::update_item, roadmaps::delete_item))
        .routes(routes!(roadmaps::move_item))
        .routes(routes!(
            roadmaps::create_share_link,
            roadmaps::list_share_links
        ))
        .routes(routes!(roadmaps::revoke_share_link))
        .routes(routes!(
            decisions::create_decision,
            decisions::list_decisions
        ))
        .routes(routes!(decisions::worth_another_look))
        .routes(routes!(
            decisions::get_decision,
            decisions::update_decision,
            decisions::delete_decision
        ))
        .routes(routes!(releases::create_release, releases::list_releases))
        .routes(routes!(
            releases::get_release,
            releases::update_release,
            releases::delete_release
        ))
        .routes(routes!(releases::change_scope))
        .routes(routes!(release_ship::ship_release))
        .routes(routes!(release_ship::release_notes))
        .routes(routes!(
            release_ship::get_customer_summary,
            release_ship::put_customer_summary
        ))
        .routes(routes!(tech_debt::get_tech_debt, tech_debt::put_tech_debt))
        .routes(routes!(stories::create_story, stories::list_stories))
        .routes(routes!(
            stories::get_story,
            stories::update_story,
            stories::delete_story
        ))
        .routes(routes!(stories::break_down))
        .routes(routes!(task_why::task_why))
        .routes(routes!(updates::stakeholder_update))
        .routes(routes!(
            initiatives::create_initiative,
            initiatives::list_initiatives
        ))
        .routes(routes!(
            initiatives::get_initiative,
            initiatives::update_initiative,
            initiatives::delete_initiative
        ))
}
