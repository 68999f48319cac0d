//! Who may call what, table-driven: every route × every workspace role ×
//! member / non-member, on every configured backend.
//!
//! - no token, or a token that does not exist → 401;
//! - a valid token of someone who is not an (active) member of the
//!   workspace → 404, never 403: a workspace's existence is not revealed;
//! - each role → 2xx when the table allows it, 403 when not;
//! - an item of workspace A addressed through workspace B's slug, by a
//!   member (even the owner) of B → 404;
//! - every refused write leaves the data exactly as it was.
//!
//! The table must name every route of the OpenAPI document except the
//! public ones, so a new route cannot be added without saying who may call
//! it ([`every_route_is_in_the_table`]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{Response, TestApp, backends};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";
const WS: &str = "acme";
const OTHER_WS: &str = "other";

/// Routes anyone may call without a token.
const PUBLIC: [(&str, &str); 4] = [
    ("GET", "/healthz"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/setup"),
    ("POST", "/api/v1/auth/tokens"),
];

/// Who may call a route: the least powerful roles it admits. Roles are not
/// a strict ladder — guests may comment, viewers may not — so each level
/// lists the workspace roles it admits.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Any signed-in account (not workspace-scoped).
    Anyone,
    /// Instance admins only (not workspace-scoped).
    InstanceAdmin,
    /// Workspace members with one of these roles.
    Roles(&'static [&'static str]),
}

/// Read: every role.
const VIEWER: Who = Who::Roles(&["owner", "admin", "member", "viewer", "guest"]);
/// Comment: every role but viewer.
const GUEST: Who = Who::Roles(&["owner", "admin", "member", "guest"]);
/// Read customers and their feedback (personal data): every role but guest.
const READ_CUSTOMERS: Who = Who::Roles(&["owner", "admin", "member", "viewer"]);
/// Write tasks.
const MEMBER: Who = Who::Roles(&["owner", "admin", "member"]);
/// Manage products, teams, members.
const ADMIN: Who = Who::Roles(&["owner", "admin"]);
/// Manage owners.
const OWNER: Who = Who::Roles(&["owner"]);

const ROLES: [&str; 5] = ["owner", "admin", "member", "viewer", "guest"];

/// What the item placeholder of a path (`{id}`, `{key}`, `{user}`) — or,
/// for `FreshAccount`, the body — refers to.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// The path has no item placeholder.
    Nothing,
    /// The shared task `KEEL-1` of `acme`.
    Task,
    /// A task created for this case (it may be deleted).
    FreshTask,
    /// Product `KEEL` of `acme`.
    Product,
    /// A long-standing viewer of `acme`.
    Member,
    /// An account added to `acme` with this role for this case.
    FreshMember(&'static str),
    /// The email of an account created for this case, not a member of
    /// anything (for adding members).
    FreshAccount,
    /// A token created for this case, belonging to the caller.
    OwnToken,
    /// A comment on `KEEL-1` created for this case, as `KEEL-1|comment`.
    FreshComment,
    /// An item of My day created for this case (on a day of its own): the
    /// caller's, when they are a member of `acme` (else the owner's, just
    /// as invisible to them).
    OwnDayItem,
    /// A cycle of `KEEL` created for this case, with `KEEL-1` in scope.
    FreshCycle,
    /// A saved view created for this case: the caller's, when they are a
    /// member of `acme` (else the owner's, which is just as invisible to
    /// them).
    OwnView,
    /// A feature of `KEEL` created for this case.
    FreshFeature,
    /// A competitor of `KEEL` created for this case.
    FreshCompetitor,
    /// The same and a feature of `KEEL`, as `competitor|feature`.
    FreshCompetitorAndFeature,
    /// A SWOT item of `KEEL` created for this case.
    FreshSwot,
    /// A market trend of `KEEL` created for this case.
    FreshTrend,
    /// A feedback item of `KEEL` created for this case.
    FreshFeedback,
    /// The same, named in the body rather than the path (bulk changes;
    /// another workspace's ids there are "not found" like any unknown id,
    /// see tests/feedback_api.rs).
    FeedbackInBody,
    /// A feedback item and a feature created for this case, as
    /// `feedback|feature` (the path takes the first, the body the second).
    FreshFeedbackPair,
    /// Two features of `KEEL` created for this case, as `feature|feature`
    /// (the path takes the first, the body the second: a rank anchor).
    FreshFeaturePair,
    /// A feedback item linked to a feature for this case, as
    /// `feedback|link`.
    FreshLink,
    /// A company of `acme` created for this case.
    FreshCompany,
    /// A customer of `acme` created for this case (it may be deleted).
    FreshCustomer,
    /// A persona of `acme` created for this case.
    FreshPersona,
    /// A journey map of `KEEL` created for this case.
    FreshJourney,
    /// A journey map with one stage, as `map|stage`.
    FreshStage,
    /// The same, with the lane of a cell: `map|stage|actions`.
    FreshCell,
    /// A journey map with one stage and a feature of `KEEL` to link, as
    /// `map|stage|feature` (the path takes the first two, the body the
    /// feature).
    FreshStageAndFeature,
    /// A stage's opportunity linked to a feature, as `map|stage|link`.
    FreshOpportunity,
    /// An idea of `KEEL` created for this case.
    FreshIdea,
    /// An idea and a feedback item of `KEEL`, as `idea|feedback` (the path
    /// takes the first, the body the second).
    FreshIdeaAndFeedback,
    /// A feedback item linked to an idea for this case, as `idea|link`.
    FreshIdeaLink,
    /// A goal of `KEEL` created for this case.
    FreshGoal,
    /// A version of `KEEL`'s vision and strategy saved for this case, as
    /// `KEEL|number`.
    StrategyVersion,
    /// An interview guide of `acme` created for this case.
    FreshGuide,
    /// An interview of `KEEL` with one answer, created for this case.
    FreshInterview,
    /// A roadmap of `KEEL` created for this case.
    FreshRoadmap,
    /// The same and a feature of `KEEL`, as `roadmap|feature` (the path
    /// takes the first, the body the second).
    FreshRoadmapAndFeature,
    /// A roadmap with one item, as `roadmap|item`.
    FreshRoadmapItem,
    /// A roadmap with one share link, as `roadmap|link`.
    FreshShareLink,
    /// A decision of `KEEL` created for this case.
    FreshDecision,
    /// A planned release of `KEEL` with one feature, created for this case.
    FreshRelease,
    /// A feature of `KEEL` created for this case, named in the body rather
    /// than the path (a new story's feature; another workspace's is an
    /// invalid field, see tests/stories_api.rs).
    FeatureInBody,
    /// A story with two acceptance criteria under a feature of `KEEL`,
    /// created for this case.
    FreshStory,
    /// An initiative of `KEEL` created for this case.
    FreshInitiative,
}

/// One row of the table.
struct Route {
    method: &'static str,
    /// Exactly as in the OpenAPI document.
    path: &'static str,
    target: Target,
    body: fn(&Case) -> Option<Value>,
    who: Who,
    /// A WebSocket upgrade: the request goes to a real server (the
    /// in-process router cannot upgrade).
    websocket: bool,
    /// The status of success: 201 for POST, 204 for DELETE, 101 for an
    /// upgrade, else 200, unless [`Route::answers`] says otherwise.
    ok: u16,
}

impl Route {
    fn answers(mut self, status: u16) -> Route {
        self.ok = status;
        self
    }
}

/// What a body builder may use: a number unique to the case, and the
/// resolved target (for `FreshAccount`, its email).
struct Case {
    n: usize,
    target: String,
}

fn row(
    method: &'static str,
    path: &'static str,
    target: Target,
    body: fn(&Case) -> Option<Value>,
    who: Who,
) -> Route {
    Route {
        method,
        path,
        target,
        body,
        who,
        websocket: false,
        ok: success(method),
    }
}

fn websocket(path: &'static str, who: Who) -> Route {
    Route {
        method: "GET",
        path,
        target: Target::Nothing,
        body: |_| None,
        who,
        websocket: true,
        ok: 101,
    }
}

/// The table: every route but the public ones, with a valid body and who
/// may call it.
fn routes() -> Vec<Route> {
    use Target::*;
    let none = |_: &Case| -> Option<Value> { None };
    vec![
        // Accounts and tokens.
        row("GET", "/api/v1/me", Nothing, none, Who::Anyone),
        row("GET", "/api/v1/auth/tokens", Nothing, none, Who::Anyone),
        row(
            "POST",
            "/api/v1/me/tokens",
            Nothing,
            |_| Some(json!({"name": "matrix"})),
            Who::Anyone,
        ),
        row(
            "GET",
            "/api/v1/auth/tokens/{id}",
            OwnToken,
            none,
            Who::Anyone,
        ),
        row(
            "DELETE",
            "/api/v1/auth/tokens/{id}",
            OwnToken,
            none,
            Who::Anyone,
        ),
        row(
            "POST",
            "/api/v1/admin/users",
            Nothing,
            |c| {
                Some(
                    json!({"email": format!("new{}@example.com", c.n), "name": "New", "password": PASSWORD}),
                )
            },
            Who::InstanceAdmin,
        ),
        row(
            "GET",
            "/api/v1/admin/users/{id}",
            Member,
            none,
            Who::InstanceAdmin,
        ),
        row(
            "POST",
            "/api/v1/auth/logout-all",
            Nothing,
            // Sessions only: revoking tokens would sign the fixture out.
            |_| Some(json!({})),
            Who::Anyone,
        )
        .answers(200),
        row(
            "GET",
            "/api/v1/admin/audit",
            Nothing,
            none,
            Who::InstanceAdmin,
        ),
        // Workspaces and members.
        row(
            "POST",
            "/api/v1/workspaces",
            Nothing,
            |c| Some(json!({"name": format!("Space {}", c.n), "slug": format!("space-{}", c.n)})),
            Who::Anyone,
        ),
        row("GET", "/api/v1/workspaces", Nothing, none, Who::Anyone),
        row(
            "POST",
            "/api/v1/workspaces/import",
            Nothing,
            |c| Some(import_document(c.n)),
            Who::InstanceAdmin,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/export",
            Nothing,
            none,
            ADMIN,
        ),
        row("GET", "/api/v1/workspaces/{ws}", Nothing, none, VIEWER),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}",
            Nothing,
            |c| Some(json!({"name": format!("Acme {}", c.n)})),
            ADMIN,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/members",
            Nothing,
            none,
            VIEWER,
        ),
        row("GET", "/api/v1/workspaces/{ws}/audit", Nothing, none, ADMIN),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/members",
            FreshAccount,
            |c| Some(json!({"email": c.target, "role": "viewer"})),
            ADMIN,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/members",
            FreshAccount,
            |c| Some(json!({"email": c.target, "role": "owner"})),
            OWNER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/members/{user}",
            Member,
            |_| Some(json!({"role": "guest", "active": true})),
            ADMIN,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/members/{user}",
            FreshMember("viewer"),
            |_| Some(json!({"role": "owner"})),
            OWNER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/members/{user}",
            FreshMember("owner"),
            |_| Some(json!({"role": "viewer"})),
            OWNER,
        ),
        websocket("/api/v1/workspaces/{ws}/events", VIEWER),
        // Global search: every role may search, and finds only what it may
        // read (tests/search_api.rs). `q` is required, so it is sent as
        // the query string (`$query`).
        row(
            "GET",
            "/api/v1/workspaces/{ws}/search",
            Nothing,
            |_| Some(json!({"$query": "q=matrix"})),
            VIEWER,
        ),
        // Products and teams.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/products",
            Nothing,
            |c| Some(json!({"name": format!("Product {}", c.n), "key": format!("P{}", c.n)})),
            ADMIN,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products/{key}",
            Product,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/products/{key}",
            Product,
            |c| Some(json!({"name": format!("Keel {}", c.n)})),
            ADMIN,
        ),
        // Vision and strategy: everyone reads; writers save versions.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products/{key}/strategy",
            Product,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/products/{key}/strategy/versions",
            Product,
            |c| Some(json!({"strategy": format!("Win case {}", c.n), "note": "access table"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products/{key}/strategy/versions",
            Product,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products/{key}/strategy/versions/{number}",
            StrategyVersion,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/products/{key}/strategy/compare",
            Product,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/teams",
            Nothing,
            |c| Some(json!({"key": format!("team-{}", c.n), "name": format!("Team {}", c.n)})),
            ADMIN,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/teams",
            Nothing,
            none,
            VIEWER,
        ),
        // Tasks, comments, history.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/tasks",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Task {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks/{id}",
            Task,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/tasks/{id}",
            Task,
            |c| Some(json!({"title": format!("Edited {}", c.n)})),
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/tasks/{id}/move",
            Task,
            |_| Some(json!({"status": "in_progress"})),
            MEMBER,
        )
        .answers(200),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/tasks/{id}",
            FreshTask,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/tasks/{id}/comments",
            Task,
            |c| Some(json!({"body": format!("Comment {}", c.n)})),
            GUEST,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks/{id}/comments",
            Task,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks/{id}/comments/{comment}",
            FreshComment,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks/{id}/activity",
            Task,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/tasks/bulk",
            Nothing,
            |_| Some(json!({"tasks": ["KEEL-1"], "set": {"priority": "high"}})),
            MEMBER,
        )
        .answers(200),
        // Saved views: everyone keeps their own.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/views",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/views",
            Nothing,
            |c| {
                Some(
                    json!({"name": format!("View {}", c.n), "product": "KEEL", "query": "status=todo"}),
                )
            },
            VIEWER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/views/{id}",
            OwnView,
            none,
            VIEWER,
        ),
        // My day: everyone plans their own; completing a task edits it.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/my-day",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/my-day/items",
            Nothing,
            |c| Some(json!({"task": "KEEL-1", "date": case_day(c.n)})),
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/my-day/items/{id}",
            OwnDayItem,
            |_| Some(json!({"done": true, "position": 0})),
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/my-day/items/{id}",
            OwnDayItem,
            |_| Some(json!({"complete_task": true})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/my-day/items/{id}",
            OwnDayItem,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/my-day/carry-over",
            Nothing,
            |c| Some(json!({"date": case_day(c.n)})),
            VIEWER,
        )
        .answers(200),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/my-day/history",
            Nothing,
            none,
            VIEWER,
        ),
        // Cycles: everyone reads; task writers plan them.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/cycles",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/cycles",
            Nothing,
            |c| {
                Some(
                    json!({"name": format!("Cycle {}", c.n), "product": "KEEL", "start_date": "2026-01-05", "end_date": "2026-01-16"}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/cycles/{id}",
            FreshCycle,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/cycles/{id}",
            FreshCycle,
            |c| Some(json!({"name": format!("Renamed {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/cycles/{id}/tasks",
            FreshCycle,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/cycles/{id}/tasks",
            FreshCycle,
            |_| Some(json!({"tasks": ["KEEL-1"]})),
            MEMBER,
        )
        .answers(200),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/cycles/{id}/tasks/{task}",
            FreshCycle,
            none,
            MEMBER,
        )
        .answers(204),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/cycles/{id}/burnup",
            FreshCycle,
            none,
            VIEWER,
        ),
        // Features and the feedback inbox.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/features",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Feature {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/features",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/features/{id}",
            FreshFeature,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/features/{id}",
            FreshFeature,
            |_| Some(json!({"status": "planned"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/features/{id}/evidence",
            FreshFeature,
            none,
            READ_CUSTOMERS,
        ),
        // Prioritization: scores are read by everyone, ranked by writers.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/features/{id}/rank",
            FreshFeaturePair,
            |c| Some(json!({"before": c.target.split('|').nth(1), "reason": "access table"})),
            MEMBER,
        )
        .answers(200),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/features/{id}/score-history",
            FreshFeature,
            none,
            VIEWER,
        ),
        // Goals: everyone reads; writers set goals and check in.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/goals",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Goal {}", c.n), "target": 10})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/goals",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/goals/{id}",
            FreshGoal,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/goals/{id}",
            FreshGoal,
            |_| Some(json!({"metric": "Signups", "baseline": 1})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/goals/{id}",
            FreshGoal,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/goals/{id}/checkins",
            FreshGoal,
            |_| Some(json!({"value": 4, "note": "weekly"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/goals/{id}/checkins",
            FreshGoal,
            none,
            VIEWER,
        ),
        // Ideas: everyone reads (who suggested one is shown only to those who
        // may read customers); guests suggest and vote; writers decide.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/ideas",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Idea {}", c.n)})),
            GUEST,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/ideas",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/ideas/{id}",
            FreshIdea,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/ideas/{id}",
            FreshIdea,
            |_| Some(json!({"status": "under_review", "public": true})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/ideas/{id}",
            FreshIdea,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/ideas/{id}/votes",
            FreshIdea,
            |_| Some(json!({})),
            GUEST,
        )
        .answers(200),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/ideas/{id}/votes",
            FreshIdea,
            none,
            GUEST,
        )
        .answers(204),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/ideas/{id}/promote",
            FreshIdea,
            |_| Some(json!({})),
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/ideas/{id}/links",
            FreshIdeaAndFeedback,
            |c| Some(json!({"feedback": c.target.split('|').nth(1), "importance": "important"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/ideas/{id}/links",
            FreshIdea,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/ideas/{id}/links/{link}",
            FreshIdeaLink,
            none,
            MEMBER,
        ),
        // The market: everyone reads (guests too: no personal data); task
        // writers keep it. The matrix and the SWOT board need `?product=`.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/competitors",
            Nothing,
            |c| Some(json!({"name": format!("Rival {}", c.n), "product": "KEEL"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/competitors",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/competitors/matrix",
            Nothing,
            |_| Some(json!({"$query": "product=KEEL"})),
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/competitors/{id}",
            FreshCompetitor,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/competitors/{id}",
            FreshCompetitor,
            |c| Some(json!({"pricing": format!("Plan {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/competitors/{id}",
            FreshCompetitor,
            none,
            MEMBER,
        ),
        row(
            "PUT",
            "/api/v1/workspaces/{ws}/competitors/{id}/features/{feature}",
            FreshCompetitorAndFeature,
            |c| Some(json!({"level": "partial", "note": format!("Note {}", c.n)})),
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/swot",
            Nothing,
            |c| {
                Some(
                    json!({"product": "KEEL", "quadrant": "threat", "text": format!("Threat {}", c.n)}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/swot",
            Nothing,
            |_| Some(json!({"$query": "product=KEEL"})),
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/swot/{id}",
            FreshSwot,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/swot/{id}",
            FreshSwot,
            |_| Some(json!({"quadrant": "opportunity", "position": 0})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/swot/{id}",
            FreshSwot,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/trends",
            Nothing,
            |c| {
                Some(
                    json!({"product": "KEEL", "title": format!("Trend {}", c.n), "impact": "high"}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/trends",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/trends/{id}",
            FreshTrend,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/trends/{id}",
            FreshTrend,
            |_| Some(json!({"impact": "low"})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/trends/{id}",
            FreshTrend,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/feedback",
            Nothing,
            |c| {
                Some(
                    json!({"product": "KEEL", "text": format!("Feedback {}", c.n), "source": "email"}),
                )
            },
            GUEST,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/feedback",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        // The file is the body (text/csv), the rest in the query: see
        // `send_csv`.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/feedback/import",
            Nothing,
            |c| {
                Some(json!({"$csv": format!("text\nImported {}\n", c.n),
                            "$query": "product=KEEL&source=survey"}))
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/feedback/{id}",
            FreshFeedback,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/feedback/{id}",
            FreshFeedback,
            |_| Some(json!({"status": "triaged"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/feedback/{id}/similar",
            FreshFeedback,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/feedback/themes",
            Nothing,
            |_| Some(json!({"$query": "product=KEEL"})),
            READ_CUSTOMERS,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/feedback/bulk",
            FeedbackInBody,
            |c| Some(json!({"ids": [c.target], "status": "triaged"})),
            MEMBER,
        )
        .answers(200),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/feedback/{id}/links",
            FreshFeedbackPair,
            |c| Some(json!({"feature": c.target.split('|').nth(1), "importance": "important"})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/feedback/{id}/links/{link}",
            FreshLink,
            none,
            MEMBER,
        ),
        // Companies, customers and personas: personal data, which guests
        // never read; task writers keep it.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/companies",
            Nothing,
            |c| Some(json!({"name": format!("Company {}", c.n), "arr": 100})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/companies",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/companies/{id}",
            FreshCompany,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/companies/{id}",
            FreshCompany,
            |c| Some(json!({"plan": format!("Plan {}", c.n)})),
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/customers",
            Nothing,
            |c| {
                Some(
                    json!({"name": format!("Person {}", c.n), "email": format!("person{}@customers.test", c.n)}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/customers",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/customers/{id}",
            FreshCustomer,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/customers/{id}",
            FreshCustomer,
            |c| Some(json!({"segment": format!("Segment {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/customers/{id}",
            FreshCustomer,
            none,
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/customers/{id}/export",
            FreshCustomer,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/personas",
            Nothing,
            |c| Some(json!({"name": format!("Persona {}", c.n), "goals": "Ship"})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/personas",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/personas/{id}",
            FreshPersona,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/personas/{id}",
            FreshPersona,
            |c| Some(json!({"pains": format!("Pain {}", c.n)})),
            MEMBER,
        ),
        // Journey maps: everyone reads; task writers draw them.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/journeys",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Journey {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/journeys",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/journeys/{id}",
            FreshJourney,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/journeys/{id}",
            FreshJourney,
            |c| Some(json!({"title": format!("Renamed {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/journeys/{id}",
            FreshJourney,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages",
            FreshJourney,
            |c| Some(json!({"name": format!("Stage {}", c.n), "emotion": -1})),
            MEMBER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}",
            FreshStage,
            |_| Some(json!({"emotion": 2})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}",
            FreshStage,
            none,
            MEMBER,
        ),
        row(
            "PUT",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/cells/{lane}",
            FreshCell,
            |c| Some(json!({"text": format!("Cell {}", c.n)})),
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/opportunities",
            FreshStageAndFeature,
            |c| Some(json!({"linked_kind": "feature", "linked_id": c.target.split('|').nth(2)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/opportunities/{link}",
            FreshOpportunity,
            none,
            MEMBER,
        ),
        // Interviews: what customers said, so guests get nothing; task
        // writers record them and turn them into feedback.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/interview-guides",
            Nothing,
            |c| {
                Some(json!({"name": format!("Guide {}", c.n), "questions": [{"question": "Why?"}]}))
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/interview-guides",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/interview-guides/{id}",
            FreshGuide,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/interview-guides/{id}",
            FreshGuide,
            |c| Some(json!({"name": format!("Renamed {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/interview-guides/{id}",
            FreshGuide,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/interviews",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Interview {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/interviews",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/interviews/{id}",
            FreshInterview,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/interviews/{id}",
            FreshInterview,
            |c| Some(json!({"title": format!("Renamed {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/interviews/{id}",
            FreshInterview,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/interviews/{id}/feedback",
            FreshInterview,
            |_| Some(json!({})),
            MEMBER,
        )
        .answers(200),
        // Notifications: everyone reads and marks their own.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/notifications",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/notifications/read",
            Nothing,
            |_| Some(json!({"all": true})),
            VIEWER,
        )
        .answers(200),
        // Roadmaps: everyone reads; writers plan and share.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/roadmaps",
            Nothing,
            |c| Some(json!({"product": "KEEL", "name": format!("Roadmap {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/roadmaps",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/roadmaps/{id}",
            FreshRoadmap,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/roadmaps/{id}",
            FreshRoadmap,
            |c| Some(json!({"name": format!("Renamed {}", c.n)})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/roadmaps/{id}",
            FreshRoadmap,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/items",
            FreshRoadmapAndFeature,
            |c| Some(json!({"feature": c.target.split('|').nth(1), "lane": "now"})),
            MEMBER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}",
            FreshRoadmapItem,
            |_| Some(json!({"start_month": "2027-01", "public": true})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}",
            FreshRoadmapItem,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}/move",
            FreshRoadmapItem,
            |_| Some(json!({"lane": "now"})),
            MEMBER,
        )
        .answers(200),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links",
            FreshRoadmap,
            |c| Some(json!({"label": format!("Link {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links",
            FreshRoadmap,
            none,
            VIEWER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links/{link}",
            FreshShareLink,
            none,
            MEMBER,
        ),
        // The decision log: read by those who may read customer data
        // (rationale and demand are internal), written by members.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/decisions",
            Nothing,
            |c| {
                Some(
                    json!({"product": "KEEL", "title": format!("Decision {}", c.n), "outcome": "accepted"}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/decisions",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/decisions/worth-another-look",
            Nothing,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/decisions/{id}",
            FreshDecision,
            none,
            READ_CUSTOMERS,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/decisions/{id}",
            FreshDecision,
            |_| Some(json!({"rationale": "access table", "options": ["a", "b"]})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/decisions/{id}",
            FreshDecision,
            none,
            MEMBER,
        ),
        // Releases: everyone reads (notes are written for customers);
        // writers plan, change and ship (shipping lists customers, which
        // writers may read).
        row(
            "POST",
            "/api/v1/workspaces/{ws}/releases",
            Nothing,
            |c| Some(json!({"product": "KEEL", "version": format!("8.{}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/releases",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/releases/{id}",
            FreshRelease,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/releases/{id}",
            FreshRelease,
            |c| Some(json!({"name": format!("Renamed {}", c.n), "target_date": "2030-01-01"})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/releases/{id}",
            FreshRelease,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/releases/{id}/scope",
            FreshRelease,
            |_| Some(json!({"add_tasks": ["KEEL-1"]})),
            MEMBER,
        )
        .answers(200),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/releases/{id}/ship",
            FreshRelease,
            |_| Some(json!({})),
            MEMBER,
        )
        .answers(200),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/releases/{id}/notes",
            FreshRelease,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/features/{id}/customer-summary",
            FreshFeature,
            none,
            VIEWER,
        ),
        row(
            "PUT",
            "/api/v1/workspaces/{ws}/features/{id}/customer-summary",
            FreshFeature,
            |c| Some(json!({"customer_summary": format!("You can now do {}", c.n)})),
            MEMBER,
        ),
        // A cycle's tech-debt budget: everyone reads; task writers set it.
        row(
            "GET",
            "/api/v1/workspaces/{ws}/cycles/{id}/tech-debt",
            FreshCycle,
            none,
            VIEWER,
        ),
        row(
            "PUT",
            "/api/v1/workspaces/{ws}/cycles/{id}/tech-debt",
            FreshCycle,
            |c| Some(json!({"target": (c.n % 10) as f64 / 10.0 + 0.05})),
            MEMBER,
        ),
        // Stories: everyone reads; writers write and break them down.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/stories",
            FeatureInBody,
            |c| {
                Some(
                    json!({"feature": c.target, "as_a": "admin", "i_want": format!("story {}", c.n)}),
                )
            },
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/stories",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/stories/{id}",
            FreshStory,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/stories/{id}",
            FreshStory,
            |_| Some(json!({"status": "ready"})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/stories/{id}",
            FreshStory,
            none,
            MEMBER,
        ),
        row(
            "POST",
            "/api/v1/workspaces/{ws}/stories/{id}/breakdown",
            FreshStory,
            |_| Some(json!({})),
            MEMBER,
        )
        .answers(200),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/tasks/{id}/why",
            Task,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/updates",
            Nothing,
            |_| Some(json!({"$query": "product=KEEL"})),
            READ_CUSTOMERS,
        ),
        // Initiatives: everyone reads; writers group features toward goals.
        row(
            "POST",
            "/api/v1/workspaces/{ws}/initiatives",
            Nothing,
            |c| Some(json!({"product": "KEEL", "title": format!("Initiative {}", c.n)})),
            MEMBER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/initiatives",
            Nothing,
            none,
            VIEWER,
        ),
        row(
            "GET",
            "/api/v1/workspaces/{ws}/initiatives/{id}",
            FreshInitiative,
            none,
            VIEWER,
        ),
        row(
            "PATCH",
            "/api/v1/workspaces/{ws}/initiatives/{id}",
            FreshInitiative,
            |_| Some(json!({"status": "in_progress"})),
            MEMBER,
        ),
        row(
            "DELETE",
            "/api/v1/workspaces/{ws}/initiatives/{id}",
            FreshInitiative,
            none,
            MEMBER,
        ),
    ]
}

/// Every (method, path) of the OpenAPI document.
fn documented_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(keel_server::openapi::document()).unwrap();
    let not_methods = ["summary", "description", "servers", "parameters", "$ref"];
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("the document has paths") {
        for key in item.as_object().unwrap().keys() {
            if !not_methods.contains(&key.as_str()) && !key.starts_with("x-") {
                out.insert((key.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_in_the_table() {
    let documented = documented_routes();
    let public: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let table: BTreeSet<(String, String)> = routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let missing: Vec<_> = documented
        .difference(&public)
        .filter(|r| !table.contains(*r))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the access table of tests/access.rs (say who may call them): {missing:?}"
    );
    let stale: Vec<_> = table
        .union(&public)
        .filter(|r| !documented.contains(*r))
        .collect();
    assert!(
        stale.is_empty(),
        "rows naming routes the OpenAPI document does not have: {stale:?}"
    );
    assert!(
        documented.len() > PUBLIC.len() + 20,
        "suspiciously few routes: {documented:?}"
    );
}

/// An account of the fixture.
struct User {
    label: String,
    email: String,
    id: String,
    token: String,
}

/// `acme` has one member per role, a deactivated former member, a
/// long-standing viewer (the target of member changes), product `KEEL` and
/// task `KEEL-1`. `other` is owned by `outsider`, who is not in `acme`.
struct Fixture {
    instance_admin: User,
    /// Members of `acme`, one per role, in [`ROLES`] order.
    members: Vec<User>,
    outsider: User,
    former: User,
    target: User,
    task_key: String,
    task_id: String,
    product_id: String,
}

impl Fixture {
    fn owner(&self) -> &User {
        &self.members[0]
    }

    fn everyone(&self) -> impl Iterator<Item = &User> {
        self.members.iter().chain([
            &self.instance_admin,
            &self.outsider,
            &self.former,
            &self.target,
        ])
    }
}

async fn me(app: &TestApp, label: &str, email: &str, token: String) -> User {
    let r = app.get("/api/v1/me", &token).await.expect(200);
    User {
        label: label.to_string(),
        email: email.to_string(),
        id: r.body["id"].as_str().unwrap().to_string(),
        token,
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin_token = app.setup_admin().await;
    let instance_admin = me(
        app,
        "instance admin",
        "admin@example.com",
        admin_token.clone(),
    )
    .await;
    let mut members = Vec::new();
    for role in ROLES {
        let email = format!("{role}.user@example.com");
        let token = app.user(&admin_token, &email).await;
        members.push(me(app, role, &email, token).await);
    }
    let owner = members[0].token.clone();
    app.workspace(&owner, WS).await;
    for (role, user) in ROLES.iter().zip(&members).skip(1) {
        app.add_member(&owner, WS, &user.email, role).await;
    }

    let outsider_token = app.user(&admin_token, "outsider@example.com").await;
    let outsider = me(app, "non-member", "outsider@example.com", outsider_token).await;
    app.workspace(&outsider.token, OTHER_WS).await;

    let former_token = app.user(&admin_token, "former@example.com").await;
    let former = me(
        app,
        "deactivated member",
        "former@example.com",
        former_token,
    )
    .await;
    app.add_member(&owner, WS, &former.email, "member").await;
    app.patch(
        &format!("/api/v1/workspaces/{WS}/members/{}", former.id),
        &owner,
        json!({"active": false}),
    )
    .await
    .expect(200);

    let target_token = app.user(&admin_token, "target@example.com").await;
    let target = me(app, "target", "target@example.com", target_token).await;
    app.add_member(&owner, WS, &target.email, "viewer").await;

    let task = app
        .post(
            &format!("/api/v1/workspaces/{WS}/tasks"),
            &owner,
            json!({"product": "KEEL", "title": "Shared"}),
        )
        .await
        .expect(201);
    let product = app
        .get(&format!("/api/v1/workspaces/{WS}/products/KEEL"), &owner)
        .await
        .expect(200);
    Fixture {
        instance_admin,
        members,
        outsider,
        former,
        target,
        task_key: task.body["key"].as_str().unwrap().to_string(),
        task_id: task.body["id"].as_str().unwrap().to_string(),
        product_id: product.body["id"].as_str().unwrap().to_string(),
    }
}

/// The smallest workspace export document: a workspace of its own per
/// case, and nothing in it.
fn import_document(n: usize) -> Value {
    json!({
        "format": "keel-workspace-export",
        "version": 1,
        "exported_at": "2026-01-01T00:00:00Z",
        "schema_level": keel_store::MIGRATIONS.last().unwrap().0,
        "workspace": {"id": format!("{n:032x}"), "name": format!("Imported {n}"),
            "slug": format!("imported-{n}"), "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"},
        "users": [],
        "tables": {},
    })
}

/// An account made by the instance admin: (id, email).
async fn fresh_account(app: &TestApp, fx: &Fixture, n: usize) -> (String, String) {
    let email = format!("fresh{n}@example.com");
    let r = app
        .post(
            "/api/v1/admin/users",
            &fx.instance_admin.token,
            json!({"email": email, "name": "Fresh", "password": PASSWORD}),
        )
        .await
        .expect(201);
    (r.body["id"].as_str().unwrap().to_string(), email)
}

/// Resolves a row's target for one case. `cross` addresses the item from
/// the other workspace, so it is given by id (keys repeat across
/// workspaces: `other` has a product `KEEL` too).
async fn resolve(
    app: &TestApp,
    fx: &Fixture,
    target: Target,
    token_owner: &User,
    cross: bool,
    n: usize,
) -> String {
    let owner = &fx.owner().token;
    match target {
        Target::Nothing => String::new(),
        Target::Task => {
            if cross {
                fx.task_id.clone()
            } else {
                fx.task_key.clone()
            }
        }
        Target::FreshTask => {
            let t = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/tasks"),
                    owner,
                    json!({"product": "KEEL", "title": format!("Doomed {n}")}),
                )
                .await
                .expect(201);
            t.body[if cross { "id" } else { "key" }]
                .as_str()
                .unwrap()
                .to_string()
        }
        Target::Product => {
            if cross {
                fx.product_id.clone()
            } else {
                "KEEL".to_string()
            }
        }
        Target::Member => fx.target.id.clone(),
        Target::FreshMember(role) => {
            let (id, email) = fresh_account(app, fx, n).await;
            app.add_member(owner, WS, &email, role).await;
            id
        }
        Target::FreshAccount => fresh_account(app, fx, n).await.1,
        Target::OwnDayItem => {
            let path = format!("/api/v1/workspaces/{WS}/my-day/items");
            let body = json!({"task": "KEEL-1", "date": case_day(n)});
            let mine = app.post(&path, &token_owner.token, body.clone()).await;
            let r = if mine.status.as_u16() == 201 {
                mine
            } else {
                app.post(&path, owner, body).await.expect(201)
            };
            r.body["id"].as_str().unwrap().to_string()
        }
        Target::FreshCycle => {
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/cycles"),
                    owner,
                    json!({"name": format!("Case {n}"), "product": "KEEL", "start_date": "2026-01-05", "end_date": "2026-01-16"}),
                )
                .await
                .expect(201);
            let id = r.body["id"].as_str().unwrap().to_string();
            app.post(
                &format!("/api/v1/workspaces/{WS}/cycles/{id}/tasks"),
                owner,
                json!({"tasks": ["KEEL-1"]}),
            )
            .await
            .expect(200);
            id
        }
        Target::OwnToken => {
            let r = app
                .call(
                    "POST",
                    "/api/v1/auth/tokens",
                    None,
                    Some(json!({"email": token_owner.email, "password": PASSWORD, "name": format!("case {n}")})),
                )
                .await
                .expect(201);
            r.body["id"].as_str().unwrap().to_string()
        }
        Target::FreshComment => {
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/tasks/KEEL-1/comments"),
                    owner,
                    json!({"body": format!("Comment case {n}")}),
                )
                .await
                .expect(201);
            format!("KEEL-1|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshFeature => fresh_feature(app, owner, n).await,
        Target::FreshIdea => fresh_idea(app, owner, n).await,
        Target::FreshGoal => {
            fresh_item(
                app,
                owner,
                "goals",
                json!({"product": "KEEL", "title": format!("Goal case {n}"), "target": 10}),
            )
            .await
        }
        Target::StrategyVersion => {
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/products/KEEL/strategy/versions"),
                    owner,
                    json!({"strategy": format!("Strategy case {n}")}),
                )
                .await
                .expect(201);
            format!("KEEL|{}", r.body["number"])
        }
        Target::FreshIdeaLink => {
            let idea = fresh_idea(app, owner, n).await;
            let feedback = fresh_feedback(app, owner, n).await;
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/ideas/{idea}/links"),
                    owner,
                    json!({"feedback": feedback, "importance": "critical"}),
                )
                .await
                .expect(201);
            format!("{idea}|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshIdeaAndFeedback => format!(
            "{}|{}",
            fresh_idea(app, owner, n).await,
            fresh_feedback(app, owner, n).await
        ),
        Target::FreshCompetitor => {
            fresh_item(
                app,
                owner,
                "competitors",
                json!({"name": format!("Case rival {n}"), "product": "KEEL"}),
            )
            .await
        }
        Target::FreshCompetitorAndFeature => {
            let competitor = fresh_item(
                app,
                owner,
                "competitors",
                json!({"name": format!("Case rival {n}"), "product": "KEEL"}),
            )
            .await;
            format!("{competitor}|{}", fresh_feature(app, owner, n).await)
        }
        Target::FreshSwot => {
            fresh_item(
                app,
                owner,
                "swot",
                json!({"product": "KEEL", "quadrant": "strength", "text": format!("Case {n}")}),
            )
            .await
        }
        Target::FreshTrend => {
            fresh_item(
                app,
                owner,
                "trends",
                json!({"product": "KEEL", "title": format!("Case trend {n}")}),
            )
            .await
        }
        Target::FreshFeedback | Target::FeedbackInBody => fresh_feedback(app, owner, n).await,
        Target::FreshFeaturePair => format!(
            "{}|{}",
            fresh_feature(app, owner, n).await,
            fresh_feature(app, owner, n).await
        ),
        Target::FreshFeedbackPair => format!(
            "{}|{}",
            fresh_feedback(app, owner, n).await,
            fresh_feature(app, owner, n).await
        ),
        Target::FreshLink => {
            let feedback = fresh_feedback(app, owner, n).await;
            let feature = fresh_feature(app, owner, n).await;
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/feedback/{feedback}/links"),
                    owner,
                    json!({"feature": feature, "importance": "critical"}),
                )
                .await
                .expect(201);
            format!("{feedback}|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshCompany => {
            fresh_item(
                app,
                owner,
                "companies",
                json!({"name": format!("Case company {n}")}),
            )
            .await
        }
        Target::FreshCustomer => {
            let company = fresh_item(
                app,
                owner,
                "companies",
                json!({"name": format!("Case employer {n}")}),
            )
            .await;
            let persona = fresh_item(
                app,
                owner,
                "personas",
                json!({"name": format!("Case type {n}")}),
            )
            .await;
            fresh_item(
                app,
                owner,
                "customers",
                json!({"name": format!("Case {n}"), "email": format!("case{n}@customers.test"),
                       "company": company, "persona": persona}),
            )
            .await
        }
        Target::FreshPersona => {
            fresh_item(
                app,
                owner,
                "personas",
                json!({"name": format!("Case persona {n}")}),
            )
            .await
        }
        Target::FreshJourney => fresh_journey(app, owner, n).await.0,
        Target::FreshStage => {
            let (map, stage) = fresh_journey(app, owner, n).await;
            format!("{map}|{stage}")
        }
        Target::FreshCell => {
            let (map, stage) = fresh_journey(app, owner, n).await;
            format!("{map}|{stage}|actions")
        }
        Target::FreshStageAndFeature => {
            let (map, stage) = fresh_journey(app, owner, n).await;
            format!("{map}|{stage}|{}", fresh_feature(app, owner, n).await)
        }
        Target::FreshOpportunity => {
            let (map, stage) = fresh_journey(app, owner, n).await;
            let feature = fresh_feature(app, owner, n).await;
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/journeys/{map}/stages/{stage}/opportunities"),
                    owner,
                    json!({"linked_kind": "feature", "linked_id": feature}),
                )
                .await
                .expect(201);
            format!("{map}|{stage}|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshGuide => {
            fresh_item(
                app,
                owner,
                "interview-guides",
                json!({"name": format!("Case guide {n}"), "questions": [{"question": "Why?"}]}),
            )
            .await
        }
        Target::FreshInterview => {
            fresh_item(
                app,
                owner,
                "interviews",
                json!({"product": "KEEL", "title": format!("Case interview {n}"),
                       "answers": [{"position": 0, "answer": format!("Case {n} answer")}]}),
            )
            .await
        }
        Target::FreshRelease => {
            let feature = fresh_feature(app, owner, n).await;
            fresh_item(
                app,
                owner,
                "releases",
                json!({"product": "KEEL", "version": format!("9.{n}"), "features": [feature]}),
            )
            .await
        }
        Target::OwnView => {
            let path = format!("/api/v1/workspaces/{WS}/views");
            let body = json!({"name": format!("Case {n}"), "product": "KEEL", "query": ""});
            let mine = app.post(&path, &token_owner.token, body.clone()).await;
            let r = if mine.status.as_u16() == 201 {
                mine
            } else {
                app.post(&path, owner, body).await.expect(201)
            };
            r.body["id"].as_str().unwrap().to_string()
        }
        Target::FreshRoadmap => fresh_roadmap(app, owner, n).await,
        Target::FreshRoadmapAndFeature => format!(
            "{}|{}",
            fresh_roadmap(app, owner, n).await,
            fresh_feature(app, owner, n).await
        ),
        Target::FreshRoadmapItem => {
            let map = fresh_roadmap(app, owner, n).await;
            let feature = fresh_feature(app, owner, n).await;
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/roadmaps/{map}/items"),
                    owner,
                    json!({"feature": feature, "lane": "later"}),
                )
                .await
                .expect(201);
            format!("{map}|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshShareLink => {
            let map = fresh_roadmap(app, owner, n).await;
            let r = app
                .post(
                    &format!("/api/v1/workspaces/{WS}/roadmaps/{map}/share-links"),
                    owner,
                    json!({}),
                )
                .await
                .expect(201);
            format!("{map}|{}", r.body["id"].as_str().unwrap())
        }
        Target::FreshDecision => {
            fresh_item(
                app,
                owner,
                "decisions",
                json!({"product": "KEEL", "title": format!("Decision case {n}"), "outcome": "declined"}),
            )
            .await
        }
        Target::FeatureInBody => fresh_feature(app, owner, n).await,
        Target::FreshStory => {
            let feature = fresh_feature(app, owner, n).await;
            fresh_item(
                app,
                owner,
                "stories",
                json!({"feature": feature, "as_a": "admin", "i_want": format!("case {n}"),
                       "acceptance_criteria": [{"given": "g", "when": "w", "then": "t"},
                                               {"given": "g2", "when": "w2", "then": "t2"}]}),
            )
            .await
        }
        Target::FreshInitiative => {
            fresh_item(
                app,
                owner,
                "initiatives",
                json!({"product": "KEEL", "title": format!("Initiative case {n}")}),
            )
            .await
        }
    }
}

async fn fresh_roadmap(app: &TestApp, owner: &str, n: usize) -> String {
    fresh_item(
        app,
        owner,
        "roadmaps",
        json!({"product": "KEEL", "name": format!("Case roadmap {n}")}),
    )
    .await
}

async fn fresh_feature(app: &TestApp, owner: &str, n: usize) -> String {
    let r = app
        .post(
            &format!("/api/v1/workspaces/{WS}/features"),
            owner,
            json!({"product": "KEEL", "title": format!("Case {n}")}),
        )
        .await
        .expect(201);
    r.body["id"].as_str().unwrap().to_string()
}

/// A journey map of `KEEL` with one stage, made by the owner: (map, stage).
async fn fresh_journey(app: &TestApp, owner: &str, n: usize) -> (String, String) {
    let map = fresh_item(
        app,
        owner,
        "journeys",
        json!({"product": "KEEL", "title": format!("Case journey {n}")}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/workspaces/{WS}/journeys/{map}/stages"),
            owner,
            json!({"name": "Case stage"}),
        )
        .await
        .expect(201);
    (map, r.body["id"].as_str().unwrap().to_string())
}

/// The id of a company, customer or persona made by the owner.
async fn fresh_item(app: &TestApp, owner: &str, kind: &str, body: Value) -> String {
    let r = app
        .post(&format!("/api/v1/workspaces/{WS}/{kind}"), owner, body)
        .await
        .expect(201);
    r.body["id"].as_str().unwrap().to_string()
}

async fn fresh_idea(app: &TestApp, owner: &str, n: usize) -> String {
    fresh_item(
        app,
        owner,
        "ideas",
        json!({"product": "KEEL", "title": format!("Idea case {n}")}),
    )
    .await
}

async fn fresh_feedback(app: &TestApp, owner: &str, n: usize) -> String {
    let r = app
        .post(
            &format!("/api/v1/workspaces/{WS}/feedback"),
            owner,
            json!({"product": "KEEL", "text": format!("Case {n} says hello"), "source": "email"}),
        )
        .await
        .expect(201);
    r.body["id"].as_str().unwrap().to_string()
}

/// A day of its own for case `n`'s My day item, so items never clash.
fn case_day(n: usize) -> String {
    let base = keel_domain::time::Date::parse("date", "2001-01-01").unwrap();
    base.add_days(n as i64).unwrap().as_string()
}

/// `{ws}` → the slug, any other placeholder → the target.
fn fill(template: &str, slug: &str, target: &str) -> String {
    // A second placeholder, `{task}` (a task inside the item), is the
    // shared task.
    let mut path = template.replace("{ws}", slug).replace("{task}", "KEEL-1");
    // An item inside an item (`…/feedback/{id}/links/{link}`) has its ids
    // joined by `|`, outermost first; ids left over go to the body.
    for part in target.split('|') {
        let (Some(start), Some(end)) = (path.find('{'), path.find('}')) else {
            break;
        };
        assert!(
            !part.is_empty(),
            "{template} has an item placeholder but its row no target"
        );
        path = format!("{}{part}{}", &path[..start], &path[end + 1..]);
    }
    path
}

/// Everything a refused request could have changed, as seen through the
/// API by the people who may see it, plus the number of accounts.
async fn snapshot(app: &TestApp, fx: &Fixture) -> Value {
    let mut s = Map::new();
    let users = keel_store::repo::users::count(app.db.store.db())
        .await
        .unwrap();
    s.insert("users".into(), json!(users));
    let key = &fx.task_key;
    let owner_reads = [
        format!("/api/v1/workspaces/{WS}"),
        format!("/api/v1/workspaces/{WS}/members?limit=500"),
        format!("/api/v1/workspaces/{WS}/products?limit=500"),
        format!("/api/v1/workspaces/{WS}/teams?limit=500"),
        format!("/api/v1/workspaces/{WS}/tasks?limit=500"),
        format!("/api/v1/workspaces/{WS}/cycles?limit=500"),
        format!("/api/v1/workspaces/{WS}/competitors?limit=500"),
        format!("/api/v1/workspaces/{WS}/competitors/matrix?product=KEEL"),
        format!("/api/v1/workspaces/{WS}/swot?product=KEEL"),
        format!("/api/v1/workspaces/{WS}/trends?limit=500"),
        format!("/api/v1/workspaces/{WS}/companies?limit=500"),
        format!("/api/v1/workspaces/{WS}/customers?limit=500"),
        format!("/api/v1/workspaces/{WS}/personas?limit=500"),
        // Votes show in the count; a refused promotion would show a status.
        format!("/api/v1/workspaces/{WS}/ideas?limit=500"),
        // A check-in moves its goal's version, which the list shows.
        format!("/api/v1/workspaces/{WS}/goals?limit=500"),
        // Shipping or changing a release's scope shows in its revision.
        format!("/api/v1/workspaces/{WS}/releases?limit=500"),
        // Every grid change moves its map's version, which lists show.
        format!("/api/v1/workspaces/{WS}/journeys?limit=500"),
        // Turning an interview into feedback moves its converted count.
        format!("/api/v1/workspaces/{WS}/interviews?limit=500"),
        format!("/api/v1/workspaces/{WS}/interview-guides?limit=500"),
        format!("/api/v1/workspaces/{WS}/tasks/{key}/comments?limit=500"),
        format!("/api/v1/workspaces/{WS}/tasks/{key}/activity?limit=500"),
        // Every item change moves its roadmap's version, which lists show.
        format!("/api/v1/workspaces/{WS}/roadmaps?limit=500"),
        format!("/api/v1/workspaces/{WS}/stories?limit=500"),
    ];
    let outsider_reads = [
        format!("/api/v1/workspaces/{OTHER_WS}"),
        format!("/api/v1/workspaces/{OTHER_WS}/members?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/products?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/teams?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/tasks?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/competitors?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/swot?product=KEEL"),
        format!("/api/v1/workspaces/{OTHER_WS}/trends?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/companies?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/customers?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/personas?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/ideas?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/goals?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/interviews?limit=500"),
        format!("/api/v1/workspaces/{OTHER_WS}/stories?limit=500"),
    ];
    let reads = owner_reads
        .iter()
        .map(|p| (p.clone(), fx.owner()))
        .chain(outsider_reads.iter().map(|p| (p.clone(), &fx.outsider)));
    for (path, user) in reads {
        let r = app.get(&path, &user.token).await.expect(200);
        assert!(
            r.body["next_cursor"].is_null(),
            "snapshot list {path} has more than one page"
        );
        s.insert(path, r.body);
    }
    for user in fx.everyone() {
        let spaces = app
            .get("/api/v1/workspaces?limit=500", &user.token)
            .await
            .expect(200);
        s.insert(format!("{} workspaces", user.email), spaces.body);
        let mut tokens = app
            .get("/api/v1/auth/tokens?limit=500", &user.token)
            .await
            .expect(200)
            .body;
        for t in tokens["items"].as_array_mut().unwrap() {
            // Using a token may stamp it; that is not a write by the request.
            t.as_object_mut().unwrap().remove("last_used_at");
        }
        s.insert(format!("{} tokens", user.email), tokens);
    }
    Value::Object(s)
}

/// Who sends a case's request.
enum Caller<'a> {
    NoToken,
    UnknownToken,
    User(&'a User),
}

/// The status a successful call of `method` answers with.
fn success(method: &str) -> u16 {
    match method {
        "POST" => 201,
        "DELETE" => 204,
        _ => 200,
    }
}

/// Checks an error is problem+json with a matching `status`.
fn problem_issue(r: &Response) -> Option<String> {
    let ct = r.header("content-type").unwrap_or("");
    if ct != "application/problem+json" {
        return Some(format!("content-type {ct:?}, not application/problem+json"));
    }
    if r.body["status"].as_u64() != Some(u64::from(r.status.as_u16())) {
        return Some(format!(
            "problem status {} differs from HTTP status",
            r.body["status"]
        ));
    }
    None
}

struct Runner<'a> {
    app: &'a TestApp,
    /// A real server on the same database, for WebSocket upgrades.
    addr: SocketAddr,
    fx: &'a Fixture,
    n: usize,
    cases: usize,
    failures: Vec<String>,
}

impl Runner<'_> {
    /// Runs one case: resolves the target, sends the request, checks the
    /// status, and for a refused write that nothing changed.
    async fn case(&mut self, route: &Route, caller: Caller<'_>, cross: bool, expected: u16) {
        self.n += 1;
        self.cases += 1;
        let n = self.n;
        let (app, fx) = (self.app, self.fx);
        let (who, token) = match &caller {
            Caller::NoToken => ("no token".to_string(), None),
            Caller::UnknownToken => (
                "an unknown token".to_string(),
                Some("keel_thisTokenWasNeverIssued"),
            ),
            Caller::User(u) => (u.label.clone(), Some(u.token.as_str())),
        };
        // A token to revoke belongs to the caller — or, across accounts, to
        // the owner, and the caller is someone else.
        let token_owner = match &caller {
            Caller::User(u) if !cross => *u,
            _ => fx.owner(),
        };
        let target = resolve(app, fx, route.target, token_owner, cross, n).await;
        let slug = if cross { OTHER_WS } else { WS };
        let path = fill(route.path, slug, &target);
        let body = (route.body)(&Case {
            n,
            target: target.clone(),
        });
        let check_writes = route.method != "GET" && expected >= 400;
        let before = if check_writes {
            Some(snapshot(app, fx).await)
        } else {
            None
        };

        let r = if route.websocket {
            ws_handshake(self.addr, &path, token).await
        } else if let Some(csv) = body.as_ref().and_then(|b| b["$csv"].as_str()) {
            let query = body
                .as_ref()
                .and_then(|b| b["$query"].as_str())
                .unwrap_or("");
            send_csv(app, route.method, &format!("{path}?{query}"), token, csv).await
        } else if let Some(query) = body.as_ref().and_then(|b| b["$query"].as_str()) {
            // Parameters in the query string and no body (`…/search?q=`).
            app.call(route.method, &format!("{path}?{query}"), token, None)
                .await
        } else {
            app.call(route.method, &path, token, body.clone()).await
        };
        let label = format!(
            "{} {}{} by {who}{} (body {})",
            route.method,
            path,
            if cross {
                " (item of acme, through other)"
            } else {
                ""
            },
            if cross { " owner of other" } else { "" },
            body.map_or("none".to_string(), |b| b.to_string()),
        );
        let status = r.status.as_u16();
        if status != expected {
            self.failures.push(format!(
                "{label}: expected {expected}, got {status}: {}",
                r.text
            ));
        } else if status >= 400
            && let Some(issue) = problem_issue(&r)
        {
            self.failures.push(format!("{label}: {issue}: {}", r.text));
        }
        if let Some(before) = before {
            let after = snapshot(app, fx).await;
            if before != after {
                self.failures.push(format!(
                    "{label}: answered {status} but changed data:\n{}",
                    diff(&before, &after)
                ));
            }
        }
    }

    async fn row(&mut self, route: &Route) {
        let ok = route.ok;
        self.case(route, Caller::NoToken, false, 401).await;
        self.case(route, Caller::UnknownToken, false, 401).await;
        let fx = self.fx;
        match route.who {
            Who::Anyone | Who::InstanceAdmin => {
                for user in fx.everyone() {
                    let allowed =
                        matches!(route.who, Who::Anyone) || user.id == fx.instance_admin.id;
                    self.case(
                        route,
                        Caller::User(user),
                        false,
                        if allowed { ok } else { 403 },
                    )
                    .await;
                }
                if matches!(route.target, Target::OwnToken) {
                    // Someone else's token: as if it did not exist.
                    self.case(route, Caller::User(&fx.outsider), true, 404)
                        .await;
                }
            }
            Who::Roles(allowed) => {
                for (role, user) in ROLES.iter().zip(&fx.members) {
                    let expected = if allowed.contains(role) { ok } else { 403 };
                    self.case(route, Caller::User(user), false, expected).await;
                }
                for user in [&fx.outsider, &fx.former, &fx.instance_admin] {
                    self.case(route, Caller::User(user), false, 404).await;
                }
                if !matches!(
                    route.target,
                    Target::Nothing
                        | Target::FreshAccount
                        | Target::FeedbackInBody
                        | Target::FeatureInBody
                ) {
                    self.case(route, Caller::User(&fx.outsider), true, 404)
                        .await;
                }
            }
        }
    }
}

/// Sends a CSV body (a row whose body is `{"$csv": …, "$query": …}`).
async fn send_csv(
    app: &TestApp,
    method: &str,
    path_and_query: &str,
    token: Option<&str>,
    csv: &str,
) -> Response {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(path_and_query)
        .header("content-type", "text/csv");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    app.send(req.body(axum::body::Body::from(csv.to_string())).unwrap())
        .await
}

/// Sends a WebSocket handshake to the real server and reads the answer's
/// head (and body, when it is not a 101).
async fn ws_handshake(addr: SocketAddr, path: &str, token: Option<&str>) -> Response {
    let mut head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let mut read_more = |buf: &mut Vec<u8>| {
            let n = stream
                .read(&mut chunk)
                .expect("the server answers the handshake");
            assert!(n > 0, "the server closed the connection mid-answer");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head_len = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            read_more(&mut buf);
        };
        let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
        let mut lines = head.split("\r\n");
        let code: u16 = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let mut headers = axum::http::HeaderMap::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').unwrap();
            headers.append(
                axum::http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                axum::http::HeaderValue::from_str(value.trim()).unwrap(),
            );
        }
        let length: usize = if code == 101 {
            0
        } else {
            headers
                .get("content-length")
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .unwrap_or(0)
        };
        while buf.len() < head_len + length {
            read_more(&mut buf);
        }
        let bytes = &buf[head_len..head_len + length];
        Response {
            status: axum::http::StatusCode::from_u16(code).unwrap(),
            headers,
            body: serde_json::from_slice(bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// The keys whose values differ, for a readable failure.
fn diff(before: &Value, after: &Value) -> String {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return format!("before {before}\nafter {after}");
    };
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            format!(
                "  {k}:\n    before {}\n    after  {}",
                b.get(k).unwrap_or(&Value::Null),
                a.get(k).unwrap_or(&Value::Null)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the rows `pick` selects on every backend and reports every wrong
/// answer at once.
async fn run_rows(pick: fn(&Route) -> bool) {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let fx = fixture(&app).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = keel_server::build_router(keel_server::AppState::new(app.db.store.clone()));
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let mut runner = Runner {
            app: &app,
            fx: &fx,
            addr,
            n: 0,
            cases: 0,
            failures: Vec::new(),
        };
        let rows: Vec<Route> = routes().into_iter().filter(pick).collect();
        assert!(!rows.is_empty());
        for route in &rows {
            runner.row(route).await;
        }
        let (cases, failures) = (runner.cases, runner.failures);
        server.abort();
        assert!(
            failures.is_empty(),
            "{backend:?}: {} of {cases} access cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        app.finish().await;
    }
}

fn workspace_scoped(r: &Route) -> bool {
    r.path.starts_with("/api/v1/workspaces/{ws}")
}

#[tokio::test]
async fn account_routes_by_caller() {
    run_rows(|r| !workspace_scoped(r)).await;
}

#[tokio::test]
async fn workspace_and_product_routes_by_role() {
    run_rows(|r| {
        workspace_scoped(r)
            && !r.path.contains("/tasks")
            && !customer_data(r)
            && !r.path.contains("/journeys")
            && !r.path.contains("/interview")
    })
    .await;
}

#[tokio::test]
async fn interview_routes_by_role() {
    run_rows(|r| workspace_scoped(r) && r.path.contains("/interview")).await;
}

#[tokio::test]
async fn journey_routes_by_role() {
    run_rows(|r| workspace_scoped(r) && r.path.contains("/journeys")).await;
}

/// Companies, customers and personas (their own test: many rows).
fn customer_data(r: &Route) -> bool {
    ["/companies", "/customers", "/personas"]
        .iter()
        .any(|p| r.path.contains(p))
}

#[tokio::test]
async fn customer_routes_by_role() {
    run_rows(|r| workspace_scoped(r) && customer_data(r)).await;
}

#[tokio::test]
async fn task_routes_by_role() {
    run_rows(|r| workspace_scoped(r) && r.path.contains("/tasks")).await;
}

/// The table's rows all name a route and the right kind of target.
#[test]
fn the_table_is_consistent() {
    for r in routes() {
        let has_item = r
            .path
            .trim_start_matches("/api/v1/workspaces/{ws}")
            .contains('{');
        let names_item = !matches!(
            r.target,
            Target::Nothing | Target::FreshAccount | Target::FeedbackInBody | Target::FeatureInBody
        );
        assert_eq!(
            has_item, names_item,
            "{} {}: target {:?}",
            r.method, r.path, r.target
        );
        let scoped = workspace_scoped(&r);
        assert_eq!(
            scoped,
            matches!(r.who, Who::Roles(_)),
            "{} {}: {:?}",
            r.method,
            r.path,
            r.who
        );
        // A body of only `$query` is the query string, not a body.
        let body = (r.body)(&Case {
            n: 1,
            target: "x@example.com".into(),
        })
        .filter(|b| {
            !b.as_object()
                .is_some_and(|o| o.len() == 1 && o.contains_key("$query"))
        });
        assert_eq!(
            r.method == "GET" || r.method == "DELETE",
            body.is_none(),
            "{} {}",
            r.method,
            r.path
        );
    }
}

/// On SQLite a token's standing in a workspace is kept in memory between
/// the writes that change it. Each such write must apply to the very next
/// request, though the request before it was answered from memory.
#[tokio::test]
async fn changes_to_access_apply_to_the_next_request() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, WS).await;
        let bob = app.user(&admin, "bob@example.com").await;
        app.add_member(&admin, WS, "bob@example.com", "member")
            .await;
        let workspace = format!("/api/v1/workspaces/{WS}");
        let tasks = format!("{workspace}/tasks");
        let membership = format!("{workspace}/members/bob@example.com");
        let task = |title: &str| json!({"product": "KEEL", "title": title});

        // Twice each, so that the second is answered from memory.
        for n in 0..2 {
            app.post(&tasks, &bob, task(&format!("as a member {n}")))
                .await
                .expect(201);
        }
        app.patch(&membership, &admin, json!({"role": "viewer"}))
            .await
            .expect(200);
        app.post(&tasks, &bob, task("as a viewer"))
            .await
            .expect(403);
        app.get(&tasks, &bob).await.expect(200);

        let before = app.get(&workspace, &bob).await.expect(200);
        app.patch(&workspace, &admin, json!({"name": "Acme Corp"}))
            .await
            .expect(200);
        let after = app.get(&workspace, &bob).await.expect(200);
        assert_eq!(after.body["name"], "Acme Corp");
        assert_ne!(after.header("etag"), before.header("etag"));

        app.patch(&membership, &admin, json!({"active": false}))
            .await
            .expect(200);
        app.get(&workspace, &bob).await.expect(404);
        app.patch(
            &membership,
            &admin,
            json!({"active": true, "role": "member"}),
        )
        .await
        .expect(200);
        app.post(&tasks, &bob, task("back")).await.expect(201);

        let listed = app.get("/api/v1/auth/tokens", &bob).await.expect(200);
        let id = listed.body["items"][0]["id"].as_str().unwrap().to_string();
        app.get(&workspace, &bob).await.expect(200);
        app.delete(&format!("/api/v1/auth/tokens/{id}"), &bob)
            .await
            .expect(204);
        app.get(&workspace, &bob).await.expect(401);

        // Logging out everywhere with the tokens too.
        app.get(&workspace, &admin).await.expect(200);
        app.post(
            "/api/v1/auth/logout-all",
            &admin,
            json!({"revoke_tokens": true}),
        )
        .await
        .expect(200);
        app.get(&workspace, &admin).await.expect(401);
        app.finish().await;
    }
}
