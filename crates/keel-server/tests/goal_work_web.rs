//! The work behind goals, on every configured backend: the features moving
//! a goal (`repo::initiatives::features_moving`, directly or through an
//! initiative) and their tasks; a goal's page listing them with task
//! counts; initiatives started and edited from the goals page; a goal and
//! a key result edited from their pages (field errors, stale versions);
//! goals in the search page; and "Snooze" on the decision log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_store::repo;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn made(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    app.post(&format!("{WS}/{path}"), token, body)
        .await
        .expect(201)
        .body
}

/// Escaped characters as named entities, whichever form the template
/// engine picks, so assertions read the same.
trait Named {
    fn named(self) -> Self;
}

impl Named for Response {
    fn named(mut self) -> Self {
        self.text = self
            .text
            .replace("&#60;", "&lt;")
            .replace("&#62;", "&gt;")
            .replace("&#34;", "&quot;");
        self
    }
}

/// `n` times a needle in a page's text.
fn count(page: &Response, needle: &str) -> usize {
    page.text.matches(needle).count()
}

/// An objective with one key result, two features (one linked directly to
/// the objective, one through an initiative, one to the key result) and
/// their tasks: `(objective, key result, [direct, via, kr feature],
/// initiative)`.
struct World {
    objective: String,
    kr: String,
    features: [String; 3],
    initiative: String,
}

async fn world(app: &TestApp, admin: &str) -> World {
    let objective = s(&made(
        app,
        admin,
        "goals",
        json!({"product": "KEEL", "title": "Grow <activation>"}),
    )
    .await["id"]);
    let kr = s(&made(
        app,
        admin,
        "goals",
        json!({"product": "KEEL", "title": "Week-one retention", "metric": "Retained %",
               "baseline": 20, "target": 40, "parent": objective}),
    )
    .await["id"]);
    let direct = s(&made(
        app,
        admin,
        "features",
        json!({"product": "KEEL", "title": "Guided setup", "goals": [objective]}),
    )
    .await["id"]);
    let via = s(&made(
        app,
        admin,
        "features",
        json!({"product": "KEEL", "title": "Sample data", "status": "in_progress"}),
    )
    .await["id"]);
    let on_kr = s(&made(
        app,
        admin,
        "features",
        json!({"product": "KEEL", "title": "Reminder emails", "goals": [kr]}),
    )
    .await["id"]);
    let initiative = s(&made(
        app,
        admin,
        "initiatives",
        json!({"product": "KEEL", "title": "Onboarding push", "goals": [objective],
               "features": [via, direct]}),
    )
    .await["id"]);
    for (feature, title, status) in [
        (&direct, "Write the <wizard>", "done"),
        (&direct, "Wizard copy", "in_progress"),
        (&direct, "Old idea", "canceled"),
        (&via, "Seed script", "todo"),
    ] {
        made(
            app,
            admin,
            "tasks",
            json!({"product": "KEEL", "title": title, "status": status, "feature": feature,
                   "assignee": "admin@example.com"}),
        )
        .await;
    }
    World {
        objective,
        kr,
        features: [direct, via, on_kr],
        initiative,
    }
}

#[tokio::test]
async fn features_moving_a_goal_directly_and_through_initiatives() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let ws_id =
            s(&app.get("/api/v1/workspaces", &admin).await.expect(200).body["items"][0]["id"]);
        let w = world(&app, &admin).await;
        let [direct, via, on_kr] = &w.features;
        let db = || app.db.store.db();

        let moving =
            repo::initiatives::features_moving(db(), &ws_id, std::slice::from_ref(&w.objective))
                .await
                .unwrap();
        let mut seen: Vec<(String, Option<String>)> = moving
            .iter()
            .map(|f| (f.title.clone(), f.via.clone()))
            .collect();
        // By title; Guided setup both ways (in either order).
        assert_eq!(moving[0].title, "Guided setup");
        seen.sort();
        assert_eq!(
            seen,
            vec![
                ("Guided setup".to_string(), None),
                (
                    "Guided setup".to_string(),
                    Some("Onboarding push".to_string())
                ),
                (
                    "Sample data".to_string(),
                    Some("Onboarding push".to_string())
                ),
            ]
        );
        assert_eq!(moving[2].id, *via);
        assert_eq!(moving[2].status, "in_progress");
        let both =
            repo::initiatives::features_moving(db(), &ws_id, &[w.objective.clone(), w.kr.clone()])
                .await
                .unwrap();
        assert_eq!(both.len(), 4);
        assert_eq!(both[3].id, *on_kr);
        // Another workspace sees nothing of it.
        assert!(
            repo::initiatives::features_moving(db(), "nope", std::slice::from_ref(&w.objective))
                .await
                .unwrap()
                .is_empty()
        );

        // A cancelled initiative no longer moves its goals.
        app.patch(
            &format!("{WS}/initiatives/{}", w.initiative),
            &admin,
            json!({"status": "cancelled"}),
        )
        .await
        .expect(200)
        .named();
        let moving =
            repo::initiatives::features_moving(db(), &ws_id, std::slice::from_ref(&w.objective))
                .await
                .unwrap();
        assert_eq!(moving.len(), 1);
        assert_eq!(moving[0].id, *direct);

        // The tasks of the features, by feature then number.
        let tasks = repo::tasks::of_features(db(), &ws_id, &[direct.clone(), via.clone()])
            .await
            .unwrap();
        let keys: Vec<(String, String, String)> = tasks
            .iter()
            .map(|t| (t.key(), t.status.clone(), t.feature_id.clone()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("KEEL-1".into(), "done".into(), direct.clone()),
                ("KEEL-2".into(), "in_progress".into(), direct.clone()),
                ("KEEL-3".into(), "canceled".into(), direct.clone()),
                ("KEEL-4".into(), "todo".into(), via.clone()),
            ]
        );
        assert_eq!(tasks[0].assignee_name.as_deref(), Some("Admin"));
        app.finish().await;
    }
}

#[tokio::test]
async fn goal_page_shows_what_moves_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        let w = world(&app, &admin).await;
        let owner = app.sign_in("admin@example.com").await;

        let page = app
            .page(&owner, &format!("/w/acme/goals/{}", w.objective))
            .await
            .expect(200)
            .named();
        assert!(page.text.contains("What moves this goal"));
        for needle in [
            "Guided setup",
            "linked directly; through initiative Onboarding push",
            "Sample data",
            "Reminder emails",
            "through key result Week-one retention",
            // Cancelled tasks are not counted.
            "1/2 tasks done",
            "0/1 tasks done",
            "href=\"/w/acme/t/KEEL-1\"",
            "Write the &lt;wizard&gt;",
            "in progress",
            "Initiatives aimed at it",
        ] {
            assert!(page.text.contains(needle), "{needle}");
        }
        assert!(!page.text.contains("<wizard>"));
        assert_eq!(count(&page, "data-moving="), 3);
        assert!(page.text.contains("Admin"));
        assert!(page.text.contains("data-edit-goal"));

        // A key result lists only its own work; a goal without any says how
        // to link some.
        let kr = app
            .page(&owner, &format!("/w/acme/goals/{}", w.kr))
            .await
            .expect(200)
            .named();
        assert_eq!(count(&kr, "data-moving="), 1);
        assert!(kr.text.contains("Reminder emails"));
        assert!(kr.text.contains("linked directly"));
        let lonely = s(&made(
            &app,
            &admin,
            "goals",
            json!({"product": "KEEL", "title": "Lonely"}),
        )
        .await["id"]);
        let empty = app
            .page(&owner, &format!("/w/acme/goals/{lonely}"))
            .await
            .expect(200)
            .named();
        assert!(empty.text.contains("data-work-empty"));
        assert!(empty.text.contains("add this goal under its goals"));

        // Viewers read it all without the forms.
        let viewer = app.sign_in("vera@example.com").await;
        let seen = app
            .page(&viewer, &format!("/w/acme/goals/{}", w.objective))
            .await
            .expect(200)
            .named();
        assert!(seen.text.contains("1/2 tasks done"));
        assert!(!seen.text.contains("data-edit-goal"));
        let goals = app
            .page(&viewer, "/w/acme/p/KEEL/goals")
            .await
            .expect(200)
            .named();
        assert!(goals.text.contains("Onboarding push"));
        assert!(!goals.text.contains("data-initiative-form"));
        app.finish().await;
    }
}

#[tokio::test]
async fn initiatives_from_the_goals_page() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        let objective = s(&made(
            &app,
            &admin,
            "goals",
            json!({"product": "KEEL", "title": "Fewer churned teams"}),
        )
        .await["id"]);
        let feature = s(&made(
            &app,
            &admin,
            "features",
            json!({"product": "KEEL", "title": "Usage alerts"}),
        )
        .await["id"]);
        let owner = app.sign_in("admin@example.com").await;
        let csrf = app.form_csrf(&owner).await;
        let list = app
            .page(&owner, "/w/acme/p/KEEL/goals")
            .await
            .expect(200)
            .named();
        assert!(list.text.contains("data-initiative-form=\"ini-new\""));
        assert!(list.text.contains("No initiatives yet."));
        assert!(list.text.contains(&format!("value=\"{feature}\"")));

        let new = "/w/acme/p/KEEL/initiatives";
        app.post_form(&owner, new, "csrf=wrong&title=X")
            .await
            .expect(403);
        // Errors by field, what was typed kept.
        let bad = app
            .post_form(
                &owner,
                new,
                &format!(
                    "csrf={csrf}&title=+&description={}&status=planned&goals=nope&features={feature}",
                    enc("Keep <this>")
                ),
            )
            .await
            .expect(422).named();
        assert!(
            bad.text.contains("id=\"ini-new-title-error\""),
            "{}",
            bad.text
        );
        assert!(bad.text.contains("no goal"), "{}", bad.text);
        assert!(bad.text.contains("Keep &lt;this&gt;"));
        assert!(bad.text.contains(&format!("value=\"{feature}\" checked")));
        let made_it = app
            .post_form(
                &owner,
                new,
                &format!(
                    "csrf={csrf}&title={}&description=Alerts+first&status=in_progress&goals={objective}&features={feature}",
                    enc("Save <accounts>")
                ),
            )
            .await
            .expect(303);
        let at = made_it.header("location").unwrap().to_string();
        assert!(at.starts_with("/w/acme/p/KEEL/goals#initiative-"), "{at}");
        let id = at.rsplit("initiative-").next().unwrap().to_string();
        let api = app
            .get(&format!("{WS}/initiatives/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(api["goals"], json!([objective]));
        assert_eq!(api["features"], json!([feature]));
        assert_eq!(api["status"], "in_progress");

        let list = app
            .page(&owner, "/w/acme/p/KEEL/goals")
            .await
            .expect(200)
            .named();
        assert!(list.text.contains("Save &lt;accounts&gt;"));
        assert!(!list.text.contains("Save <accounts>"));
        assert!(list.text.contains(&format!("id=\"initiative-{id}\"")));
        assert!(
            list.text
                .contains(&format!("href=\"/w/acme/features/{feature}\""))
        );
        // It shows on its goal's page, its feature under what moves it.
        let goal = app
            .page(&owner, &format!("/w/acme/goals/{objective}"))
            .await
            .expect(200)
            .named();
        assert!(goal.text.contains("Initiatives aimed at it"));
        assert!(goal.text.contains("Save &lt;accounts&gt;"));
        assert!(
            goal.text
                .contains("through initiative Save &lt;accounts&gt;")
        );

        // Editing: a stale version is refused, nothing changed.
        let edit = format!("/w/acme/initiatives/{id}");
        let stale = app
            .post_form(
                &owner,
                &edit,
                &format!("csrf={csrf}&version=99&title=Renamed&status=done"),
            )
            .await
            .expect(412)
            .named();
        assert!(stale.text.contains("someone else saved this initiative"));
        let bad = app
            .post_form(
                &owner,
                &edit,
                &format!("csrf={csrf}&version=1&title=Renamed&status=sleeping"),
            )
            .await
            .expect(422)
            .named();
        assert!(bad.text.contains("value=\"Renamed\""));
        assert_eq!(
            app.get(&format!("{WS}/initiatives/{id}"), &admin)
                .await
                .body["title"],
            "Save <accounts>"
        );
        // Unchecking every goal and feature empties the lists.
        app.post_form(
            &owner,
            &edit,
            &format!("csrf={csrf}&version=1&title=Renamed&description=&status=done"),
        )
        .await
        .expect(303);
        let api = app
            .get(&format!("{WS}/initiatives/{id}"), &admin)
            .await
            .body;
        assert_eq!(api["title"], "Renamed");
        assert_eq!(api["goals"], json!([]));
        assert_eq!(api["features"], json!([]));

        // Viewers may not.
        let viewer = app.sign_in("vera@example.com").await;
        let vcsrf = app.form_csrf(&viewer).await;
        app.post_form(&viewer, new, &format!("csrf={vcsrf}&title=Mine"))
            .await
            .expect(403);
        app.post_form(
            &viewer,
            &edit,
            &format!("csrf={vcsrf}&version=2&title=Mine"),
        )
        .await
        .expect(403);
        app.finish().await;
    }
}

#[tokio::test]
async fn editing_goals_from_their_pages() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let w = world(&app, &admin).await;
        let owner = app.sign_in("admin@example.com").await;
        let csrf = app.form_csrf(&owner).await;
        let page = app
            .page(&owner, &format!("/w/acme/goals/{}", w.objective))
            .await
            .expect(200)
            .named();
        // The key result's form sits on its objective's page.
        assert!(
            page.text
                .contains(&format!("action=\"/w/acme/goals/{}\"", w.kr))
        );
        assert!(page.text.contains("value=\"40\""));

        let kr_path = format!("/w/acme/goals/{}", w.kr);
        let bad = app
            .post_form(
                &owner,
                &kr_path,
                &format!(
                    "csrf={csrf}&version=1&from={}&title=Week-one+retention&metric=Retained+%25&baseline=20&target=40&unit=&deadline=2026-02-31&owner=",
                    w.objective
                ),
            )
            .await
            .expect(422).named();
        assert!(bad.text.contains("-deadline-error"), "{}", bad.text);
        assert!(bad.text.contains("value=\"2026-02-31\""));
        let nan = app
            .post_form(
                &owner,
                &kr_path,
                &format!("csrf={csrf}&version=1&title=T&target=lots"),
            )
            .await
            .expect(422)
            .named();
        assert!(nan.text.contains("must be a number"));
        assert_eq!(
            app.get(&format!("{WS}/goals/{}", w.kr), &admin).await.body["title"],
            "Week-one retention"
        );
        let saved = app
            .post_form(
                &owner,
                &kr_path,
                &format!(
                    "csrf={csrf}&version=1&from={}&title=Week-one+retention&metric=Retained+%25&baseline=20&target=55&unit=%25&deadline=2027-03-31&owner=admin%40example.com",
                    w.objective
                ),
            )
            .await
            .expect(303);
        assert_eq!(
            saved.header("location"),
            Some(format!("/w/acme/goals/{}", w.objective).as_str())
        );
        let api = app.get(&format!("{WS}/goals/{}", w.kr), &admin).await.body;
        assert_eq!(api["target"], json!(55.0));
        assert_eq!(api["deadline"], "2027-03-31");
        assert_eq!(api["owner"]["email"], "admin@example.com");
        assert_eq!(api["version"], json!(2));
        // The same form again, from the old page: stale.
        let stale = app
            .post_form(
                &owner,
                &kr_path,
                &format!("csrf={csrf}&version=1&title=Other&target=60"),
            )
            .await
            .expect(412)
            .named();
        assert!(stale.text.contains("someone else changed this goal"));
        assert!(stale.text.contains("value=\"Other\""));
        // Blank clears, as null does in the API; back to its own page.
        let cleared = app
            .post_form(
                &owner,
                &kr_path,
                &format!("csrf={csrf}&version=2&title=Week-one&metric=&baseline=&target=&unit=&deadline=&owner="),
            )
            .await
            .expect(303);
        assert_eq!(cleared.header("location"), Some(kr_path.as_str()));
        let api = app.get(&format!("{WS}/goals/{}", w.kr), &admin).await.body;
        assert_eq!(api["target"], Value::Null);
        assert_eq!(api["owner"], Value::Null);
        app.post_form(&owner, &kr_path, "csrf=wrong&version=3&title=X")
            .await
            .expect(403);

        // Goals in the search page, linked to their page.
        let found = app
            .page(&owner, "/w/acme/search?q=activation&kind=goal")
            .await
            .expect(200)
            .named();
        assert!(
            found
                .text
                .contains(&format!("href=\"/w/acme/goals/{}\"", w.objective)),
            "{}",
            found.text
        );
        assert!(
            found
                .text
                .contains("<option value=\"goal\" selected>Goals</option>")
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn snoozing_worth_another_look_from_the_decision_log() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        let f = s(&made(
            &app,
            &admin,
            "features",
            json!({"product": "KEEL", "title": "Offline mode"}),
        )
        .await["id"]);
        let evidence = |importance: &'static str| {
            let (app, admin, f) = (&app, &admin, f.clone());
            async move {
                let fb = made(
                    app,
                    admin,
                    "feedback",
                    json!({"product": "KEEL", "text": "Please", "source": "email"}),
                )
                .await;
                made(
                    app,
                    admin,
                    &format!("feedback/{}/links", s(&fb["id"])),
                    json!({"feature": f, "importance": importance}),
                )
                .await;
            }
        };
        evidence("important").await;
        evidence("important").await;
        app.patch(
            &format!("{WS}/features/{f}"),
            &admin,
            json!({"status": "declined", "decision": {"rationale": "Too costly"}}),
        )
        .await
        .expect(200)
        .named();
        evidence("nice_to_have").await;
        evidence("nice_to_have").await;
        let look = format!("{WS}/decisions/worth-another-look?product=KEEL");
        let items = app.get(&look, &admin).await.body["items"].clone();
        let d = s(&items[0]["decision"]);

        let owner = app.sign_in("admin@example.com").await;
        let csrf = app.form_csrf(&owner).await;
        let log = app
            .page(&owner, "/w/acme/p/KEEL/decisions")
            .await
            .expect(200)
            .named();
        assert!(log.text.contains("data-snooze-form"));
        assert!(log.text.contains(&format!("data-look=\"{f}\"")));
        let path = format!("/w/acme/decisions/{d}/snooze");
        app.post_form(&owner, &path, "csrf=wrong&days=3")
            .await
            .expect(403);
        for (form, message) in [
            ("days=0", "days: must be from 1 to 3650"),
            ("days=many", "days: must be a whole number"),
            ("days=", "choose a day, or a number of days"),
            ("until=2020-01-01", "until: must be a day after today"),
            ("until=2030-02-30", "until:"),
        ] {
            let bad = app
                .post_form(&owner, &path, &format!("csrf={csrf}&{form}"))
                .await
                .expect(422)
                .named();
            assert!(bad.text.contains(message), "{form}: {}", bad.text);
            // Still listed: nothing changed.
            assert!(bad.text.contains(&format!("data-look=\"{f}\"")));
        }
        let ok = app
            .post_form(&owner, &path, &format!("csrf={csrf}&days=14&until="))
            .await
            .expect(303);
        assert_eq!(ok.header("location"), Some("/w/acme/p/KEEL/decisions"));
        let log = app
            .page(&owner, "/w/acme/p/KEEL/decisions")
            .await
            .expect(200)
            .named();
        assert!(!log.text.contains(&format!("data-look=\"{f}\"")));
        let decision = app.get(&format!("{WS}/decisions/{d}"), &admin).await.body;
        let in_14 = time::OffsetDateTime::now_utc().date() + time::Duration::days(14);
        assert_eq!(decision["look_again_after"], json!(in_14.to_string()));
        // Until a day, over the days.
        app.post_form(
            &owner,
            &path,
            &format!("csrf={csrf}&days=14&until=2099-01-01"),
        )
        .await
        .expect(303);
        let decision = app.get(&format!("{WS}/decisions/{d}"), &admin).await.body;
        assert_eq!(decision["look_again_after"], "2099-01-01");

        // Viewers read the log but may not snooze.
        let viewer = app.sign_in("vera@example.com").await;
        let vcsrf = app.form_csrf(&viewer).await;
        let seen = app
            .page(&viewer, "/w/acme/p/KEEL/decisions")
            .await
            .expect(200)
            .named();
        assert!(!seen.text.contains("data-snooze-form"));
        app.post_form(&viewer, &path, &format!("csrf={vcsrf}&days=3"))
            .await
            .expect(403);
        app.finish().await;
    }
}
