//! User stories through the HTTP API, on every configured backend: writing
//! a story with a persona and acceptance criteria, listing by feature and
//! product, If-Match, moving, deleting; 422s naming the exact criterion
//! part with nothing written; roles and workspaces; breaking a story down
//! (one task per criterion, idempotent, or the tasks given, all or
//! nothing); and a task's "why" — story, feature, goals, customers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().unwrap()
}

async fn feature(app: &TestApp, token: &str, ws: &str, title: &str) -> String {
    s(&app
        .post(
            &format!("/api/v1/workspaces/{ws}/features"),
            token,
            json!({"product": "KEEL", "title": title}),
        )
        .await
        .expect(201)
        .body["id"])
}

fn two_criteria() -> Value {
    json!([
        {"given": "a signed-in admin", "when": "they press Export", "then": "a CSV downloads"},
        {"given": "an empty workspace", "when": "they press Export", "then": "the CSV has only headers"}
    ])
}

#[tokio::test]
async fn stories_are_written_listed_edited_moved_and_deleted() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let export = feature(&app, &admin, "acme", "Export").await;
        let other = feature(&app, &admin, "acme", "SSO").await;
        app.post(
            &format!("{WS}/personas"),
            &admin,
            json!({"name": "Finance Fiona"}),
        )
        .await
        .expect(201);

        let r = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": export, "persona": "finance fiona",
                       "i_want": "to export invoices", "so_that": "I can close the month",
                       "acceptance_criteria": two_criteria(),
                       "technical_requirements": "- stream rows\n- UTF-8 BOM"}),
            )
            .await
            .expect(201);
        let a = r.body.clone();
        assert_eq!(
            r.header("location").unwrap(),
            format!("{WS}/stories/{}", s(&a["id"]))
        );
        // Without `as_a` the story speaks as its persona.
        assert_eq!(a["as_a"], "Finance Fiona");
        assert_eq!(a["persona"]["name"], "Finance Fiona");
        assert_eq!(a["product"], "KEEL");
        assert_eq!(a["feature"], json!(export));
        assert_eq!(a["status"], "draft");
        assert_eq!(a["position"], json!(0));
        assert_eq!(a["acceptance_criteria"], two_criteria());
        assert_eq!(a["technical_requirements"], "- stream rows\n- UTF-8 BOM");
        assert_eq!(a["tasks"], json!([]));
        let a_path = format!("{WS}/stories/{}", s(&a["id"]));

        let b = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": export, "as_a": "support agent", "i_want": "a log of exports"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(
            (b["position"].clone(), b["so_that"].clone()),
            (json!(1), json!(""))
        );
        assert_eq!(b["persona"], Value::Null);
        let c = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": other, "as_a": "admin", "i_want": "SAML"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(c["position"], json!(0), "positions count per feature");

        let by_feature = app
            .get(&format!("{WS}/stories?feature={export}"), &admin)
            .await
            .expect(200)
            .body;
        let ids: Vec<&Value> = items(&by_feature).iter().map(|i| &i["id"]).collect();
        assert_eq!(ids, [&a["id"], &b["id"]]);
        let all = app
            .get(&format!("{WS}/stories?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(items(&all).len(), 3);
        let r = app
            .get(&format!("{WS}/stories?feature=nope"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["feature"]);
        let r = app
            .get(&format!("{WS}/stories?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);

        // PATCH: If-Match, criteria replaced whole, null clears the persona.
        let r = app
            .call_with(
                "PATCH",
                &a_path,
                Some(&admin),
                Some(json!({"status": "ready", "persona": null,
                            "acceptance_criteria": [{"given": "g", "when": "w", "then": "t"}]})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.body["status"], "ready");
        assert_eq!(r.body["persona"], Value::Null);
        assert_eq!(r.body["as_a"], "Finance Fiona", "the words stay");
        assert_eq!(
            r.body["acceptance_criteria"],
            json!([{"given": "g", "when": "w", "then": "t"}])
        );
        assert_eq!(r.body["version"], json!(2));
        assert_eq!(r.header("etag"), Some("\"2\""));
        app.call_with(
            "PATCH",
            &a_path,
            Some(&admin),
            Some(json!({"i_want": "stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        let same = app
            .patch(
                &a_path,
                &admin,
                json!({"status": "ready", "i_want": "to export invoices"}),
            )
            .await
            .expect(200);
        assert_eq!(same.body["version"], json!(2), "no change, no new version");

        // Moving the second story first renumbers the first; only the moved
        // story's version moves.
        let b_path = format!("{WS}/stories/{}", s(&b["id"]));
        let moved = app
            .patch(&b_path, &admin, json!({"position": 0}))
            .await
            .expect(200)
            .body;
        assert_eq!(
            (moved["position"].clone(), moved["version"].clone()),
            (json!(0), json!(2))
        );
        let a_now = app.get(&a_path, &admin).await.expect(200).body;
        assert_eq!(
            (a_now["position"].clone(), a_now["version"].clone()),
            (json!(1), json!(2))
        );
        let far = app
            .patch(&b_path, &admin, json!({"position": 99}))
            .await
            .expect(200)
            .body;
        assert_eq!(far["position"], json!(1), "clamped to the end");

        // Deleting closes the gap.
        app.delete(&a_path, &admin).await.expect(204);
        app.get(&a_path, &admin).await.expect(404);
        let b_now = app.get(&b_path, &admin).await.expect(200).body;
        assert_eq!(b_now["position"], json!(0));
    }
}

#[tokio::test]
async fn bad_input_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let export = feature(&app, &admin, "acme", "Export").await;

        let r = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": "nope", "as_a": "", "i_want": "x", "persona": "Nobody",
                "status": "doing",
                "acceptance_criteria": [
                    {"given": "a", "when": "b", "then": "c"},
                    {"given": "a", "when": "b"},
                    {"given": "a\nb", "when": "b", "then": "c"}
                ]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "acceptance_criteria[1].then",
                "acceptance_criteria[2].given",
                "as_a",
                "feature",
                "persona",
                "status"
            ]
        );
        app.post(
            &format!("{WS}/stories"),
            &admin,
            json!({"feature": export, "i_want": "x", "asa": "typo"}),
        )
        .await
        .expect(422);
        let all = app
            .get(&format!("{WS}/stories"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(items(&all).len(), 0, "nothing was written");

        let st = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": export, "as_a": "admin", "i_want": "x"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/stories/{}", s(&st["id"]));
        let r = app
            .patch(
                &path,
                &admin,
                json!({"position": -1, "acceptance_criteria": [{"given": "g", "when": "", "then": "t"}]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["acceptance_criteria[0].when", "position"]);
        let r = app
            .post(
                &format!("{path}/breakdown"),
                &admin,
                json!({"tasks": [{"title": " "}, {"title": "ok", "estimate": -1, "type": "epic"}]}),
            )
            .await
            .expect(422);
        assert_eq!(
            r.error_fields(),
            ["tasks[0].title", "tasks[1].estimate", "tasks[1].type"]
        );
        let tasks = app
            .get(&format!("{WS}/tasks"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(items(&tasks).len(), 0, "a bad breakdown writes no task");

        // Viewers read, never write.
        app.get(&path, &viewer).await.expect(200);
        app.patch(&path, &viewer, json!({"i_want": "v"}))
            .await
            .expect(403);
        app.post(&format!("{path}/breakdown"), &viewer, json!({}))
            .await
            .expect(403);
        app.delete(&path, &viewer).await.expect(403);

        // Another workspace's story and feature are out of reach.
        app.workspace(&admin, "other").await;
        let theirs_feature = feature(&app, &admin, "other", "Theirs").await;
        let theirs = app
            .post(
                "/api/v1/workspaces/other/stories",
                &admin,
                json!({"feature": theirs_feature, "as_a": "x", "i_want": "y"}),
            )
            .await
            .expect(201)
            .body;
        app.get(&format!("{WS}/stories/{}", s(&theirs["id"])), &admin)
            .await
            .expect(404);
        app.post(
            &format!("{WS}/stories/{}/breakdown", s(&theirs["id"])),
            &admin,
            json!({}),
        )
        .await
        .expect(404);
        let r = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": theirs_feature, "as_a": "x", "i_want": "y"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["feature"]);
        let mine = app
            .get(&format!("{WS}/stories"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(items(&mine).len(), 1);
    }
}

#[tokio::test]
async fn breakdown_makes_one_task_per_criterion_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let export = feature(&app, &admin, "acme", "Export").await;
        let st = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": export, "as_a": "admin", "i_want": "to export",
                       "so_that": "I can report", "acceptance_criteria": two_criteria()}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/stories/{}", s(&st["id"]));

        let r = app
            .post(&format!("{path}/breakdown"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        let created = r["created"].as_array().unwrap();
        assert_eq!(created.len(), 2);
        assert_eq!(
            created[0]["title"],
            "Given a signed-in admin, when they press Export, then a CSV downloads"
        );
        assert!(
            s(&created[1]["description"]).contains("**Then** the CSV has only headers"),
            "{}",
            created[1]["description"]
        );
        for t in created {
            assert_eq!(t["feature"], json!(export), "linked to the story's feature");
            assert_eq!(t["product"], "KEEL");
        }
        assert_eq!(r["skipped_criteria"], json!([]));
        let keys: Vec<&Value> = created.iter().map(|t| &t["key"]).collect();
        let story_keys: Vec<&Value> = r["story"]["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| &t["key"])
            .collect();
        assert_eq!(keys, story_keys);

        // Again: nothing new, both criteria skipped.
        let again = app
            .post(&format!("{path}/breakdown"), &admin, json!({"tasks": []}))
            .await
            .expect(200)
            .body;
        assert_eq!(again["created"], json!([]));
        assert_eq!(again["skipped_criteria"], json!([0, 1]));

        // A third criterion (and the same first one re-typed): one new task.
        let mut criteria = two_criteria();
        criteria[0]["then"] = json!("a  CSV   Downloads");
        criteria.as_array_mut().unwrap().push(
            json!({"given": "a viewer", "when": "they open Export", "then": "it is disabled"}),
        );
        app.patch(&path, &admin, json!({"acceptance_criteria": criteria}))
            .await
            .expect(200);
        let third = app
            .post(&format!("{path}/breakdown"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(third["created"].as_array().unwrap().len(), 1);
        assert_eq!(third["skipped_criteria"], json!([0, 1]));
        assert!(s(&third["created"][0]["title"]).starts_with("Given a viewer"));

        // Deleting a criterion's task frees it again.
        let first_key = s(&created[0]["key"]);
        app.delete(&format!("{WS}/tasks/{first_key}"), &admin)
            .await
            .expect(204);
        let redo = app
            .post(&format!("{path}/breakdown"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(redo["created"].as_array().unwrap().len(), 1);
        assert_eq!(redo["skipped_criteria"], json!([1, 2]));

        // Tasks named in the request are all made, with estimate and type.
        let named = app
            .post(
                &format!("{path}/breakdown"),
                &admin,
                json!({"tasks": [{"title": "Schema for export", "estimate": 3, "type": "spike"},
                                 {"title": "Export button"}]}),
            )
            .await
            .expect(200)
            .body;
        let made = named["created"].as_array().unwrap();
        assert_eq!(made.len(), 2);
        assert_eq!(
            (made[0]["estimate"].clone(), made[0]["type"].clone()),
            (json!(3.0), json!("spike"))
        );
        assert_eq!(made[1]["type"], "feature");
        assert_eq!(named["story"]["tasks"].as_array().unwrap().len(), 5);

        // Deleting the story keeps its tasks.
        app.delete(&path, &admin).await.expect(204);
        let tasks = app
            .get(&format!("{WS}/tasks"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(items(&tasks).len(), 5);
    }
}

#[tokio::test]
async fn a_task_knows_why_it_exists() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guest = app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        let ws_id =
            s(&app.get("/api/v1/workspaces", &admin).await.expect(200).body["items"][0]["id"]);
        let export = feature(&app, &admin, "acme", "Export").await;
        let goal = s(&app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Close books faster"}),
            )
            .await
            .expect(201)
            .body["id"]);
        {
            let store = &app.db.store;
            let mut tx = store.begin().await.unwrap();
            keel_store::repo::feature_goals::set_for_feature(
                &mut tx,
                &ws_id,
                &export,
                std::slice::from_ref(&goal),
                "2026-01-01T00:00:00Z",
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        // Ada asked twice, Bo once; an anonymous item names nobody.
        app.post(
            &format!("{WS}/companies"),
            &admin,
            json!({"name": "Acme Corp"}),
        )
        .await
        .expect(201);
        let customer = |name: &'static str, company: Option<&'static str>| {
            let (app, admin) = (&app, &admin);
            async move {
                let mut body = json!({"name": name});
                if let Some(c) = company {
                    body["company"] = json!(c);
                }
                s(&app
                    .post(&format!("{WS}/customers"), admin, body)
                    .await
                    .expect(201)
                    .body["id"])
            }
        };
        let ada = customer("Ada", Some("Acme Corp")).await;
        let bo = customer("Bo", None).await;
        for (text, who) in [
            ("export please", Some(&ada)),
            ("need CSV export", Some(&ada)),
            ("export to excel", Some(&bo)),
            ("anonymous export wish", None),
        ] {
            let mut body = json!({"product": "KEEL", "text": text, "source": "email"});
            if let Some(w) = who {
                body["customer"] = json!(w);
            }
            let fb = app
                .post(&format!("{WS}/feedback"), &admin, body)
                .await
                .expect(201)
                .body;
            app.post(
                &format!("{WS}/feedback/{}/links", s(&fb["id"])),
                &admin,
                json!({"feature": export, "importance": "important"}),
            )
            .await
            .expect(201);
        }

        let st = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": export, "as_a": "accountant", "i_want": "a CSV",
                       "so_that": "I can close the month", "acceptance_criteria": two_criteria()}),
            )
            .await
            .expect(201)
            .body;
        let made = app
            .post(
                &format!("{WS}/stories/{}/breakdown", s(&st["id"])),
                &admin,
                json!({}),
            )
            .await
            .expect(200)
            .body;
        let key = s(&made["created"][0]["key"]);

        let why = app
            .get(&format!("{WS}/tasks/{key}/why"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(why["task"], json!(key));
        assert_eq!(why["story"]["id"], st["id"]);
        assert_eq!(
            why["story"]["narrative"],
            "As a accountant, I want a CSV so that I can close the month"
        );
        assert_eq!(
            why["feature"],
            json!({"id": export, "title": "Export", "status": "idea"})
        );
        assert_eq!(
            why["goals"],
            json!([{"id": goal, "title": "Close books faster"}])
        );
        assert_eq!(
            why["customers"],
            json!([
                {"id": ada, "name": "Ada", "company": "Acme Corp", "feedback_count": 2},
                {"id": bo, "name": "Bo", "company": null, "feedback_count": 1}
            ])
        );
        // By id too; guests see the chain but not the customers.
        let task_id = s(&made["created"][0]["id"]);
        let by_id = app
            .get(&format!("{WS}/tasks/{task_id}/why"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(by_id, why);
        let as_guest = app
            .get(&format!("{WS}/tasks/{key}/why"), &guest)
            .await
            .expect(200)
            .body;
        assert_eq!(as_guest["customers"], json!([]));
        assert_eq!(as_guest["goals"], why["goals"]);

        // A plain task has no chain; an unknown one is a 404.
        let plain = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": "Plain"}),
            )
            .await
            .expect(201)
            .body;
        let none = app
            .get(&format!("{WS}/tasks/{}/why", s(&plain["key"])), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            (
                none["story"].clone(),
                none["feature"].clone(),
                none["goals"].clone()
            ),
            (Value::Null, Value::Null, json!([]))
        );
        app.get(&format!("{WS}/tasks/KEEL-999/why"), &admin)
            .await
            .expect(404);
        app.workspace(&admin, "other").await;
        app.get(&format!("/api/v1/workspaces/other/tasks/{key}/why"), &admin)
            .await
            .expect(404);
    }
}
