//! My day and cycles through the HTTP API, on every configured backend:
//! planning a day (order, checking off, completing the task, removing),
//! the offer of an earlier day's unfinished items and accepting it, the
//! history, whose items are whose; cycles (dates validated, scope of one
//! product, progress, burn-up replayed from when tasks joined, left and
//! were completed), and that every write leaves its event in the log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_domain::time::{Date, Timestamp};
use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

async fn task(app: &TestApp, token: &str, title: &str, extra: Value) -> String {
    let mut body = json!({"product": "KEEL", "title": title});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post(&format!("{WS}/tasks"), token, body)
        .await
        .expect(201)
        .body["key"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn plan(app: &TestApp, token: &str, key: &str, date: &str) -> Value {
    app.post(
        &format!("{WS}/my-day/items"),
        token,
        json!({"task": key, "date": date}),
    )
    .await
    .expect(201)
    .body
}

async fn day(app: &TestApp, token: &str, date: &str) -> Value {
    app.get(&format!("{WS}/my-day?date={date}"), token)
        .await
        .expect(200)
        .body
}

fn keys(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["task"].as_str().unwrap().to_string())
        .collect()
}

/// The id of workspace `acme`.
async fn ws_id(app: &TestApp) -> String {
    let token = app
        .call(
            "POST",
            "/api/v1/auth/tokens",
            None,
            Some(json!({"email": "admin@example.com", "password": "correct horse battery", "name": "ids"})),
        )
        .await
        .expect(201)
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get(WS, &token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Kinds and types of the events after `seq`.
async fn events_after(app: &TestApp, seq: i64) -> Vec<(String, String)> {
    keel_store::repo::events::after(app.db.store.db(), &ws_id(app).await, seq, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.event_type))
        .collect()
}

async fn latest_seq(app: &TestApp) -> i64 {
    keel_store::repo::events::latest_seq(app.db.store.db(), &ws_id(app).await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_day_is_planned_checked_off_reordered_and_private() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let grace = app.user(&admin, "grace@example.com").await;
        let viewer = app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "grace@example.com", "member")
            .await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        for n in 1..=4 {
            task(&app, &admin, &format!("Task {n}"), json!({})).await;
        }
        let date = "2026-03-05";

        let before = latest_seq(&app).await;
        let first = plan(&app, &admin, "KEEL-1", date).await;
        assert_eq!(first["date"], date);
        assert_eq!(first["position"], 0);
        assert_eq!(first["title"], "Task 1");
        assert_eq!(first["status"], "todo");
        assert_eq!(first["done_at"], Value::Null);
        plan(&app, &admin, "KEEL-2", date).await;
        let third = plan(&app, &admin, "KEEL-3", date).await;
        assert_eq!(third["position"], 2);
        assert_eq!(
            events_after(&app, before).await,
            vec![("my_day".to_string(), "created".to_string()); 3]
        );

        // The same task twice on a day; a task that does not exist; a bad date.
        let dup = app
            .post(
                &format!("{WS}/my-day/items"),
                &admin,
                json!({"task": "KEEL-1", "date": date}),
            )
            .await
            .expect(409);
        assert_eq!(dup.error_fields(), ["task"]);
        let missing = app
            .post(
                &format!("{WS}/my-day/items"),
                &admin,
                json!({"task": "KEEL-99", "date": date}),
            )
            .await
            .expect(422);
        assert_eq!(missing.error_fields(), ["task"]);
        for bad in ["2026-02-30", "tomorrow", "2026-3-5"] {
            let r = app
                .post(
                    &format!("{WS}/my-day/items"),
                    &admin,
                    json!({"task": "KEEL-4", "date": bad}),
                )
                .await
                .expect(422);
            assert_eq!(r.error_fields(), ["date"], "{bad}");
            app.get(&format!("{WS}/my-day?date={bad}"), &admin)
                .await
                .expect(422);
        }

        // Checking off keeps the task as it is.
        let id1 = first["id"].as_str().unwrap();
        let checked = app
            .patch(
                &format!("{WS}/my-day/items/{id1}"),
                &admin,
                json!({"done": true}),
            )
            .await
            .expect(200)
            .body;
        assert!(checked["done_at"].is_string());
        assert_eq!(checked["status"], "todo");
        let t1 = app
            .get(&format!("{WS}/tasks/KEEL-1"), &admin)
            .await
            .expect(200);
        assert_eq!(t1.body["status"], "todo");
        // Checking off again keeps the first time.
        let again = app
            .patch(
                &format!("{WS}/my-day/items/{id1}"),
                &admin,
                json!({"done": true}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(again["done_at"], checked["done_at"]);

        // Reorder: KEEL-3 first, then KEEL-1 last.
        let id3 = third["id"].as_str().unwrap();
        app.patch(
            &format!("{WS}/my-day/items/{id3}"),
            &admin,
            json!({"position": 0}),
        )
        .await
        .expect(200);
        assert_eq!(
            keys(&day(&app, &admin, date).await["items"]),
            ["KEEL-3", "KEEL-1", "KEEL-2"]
        );
        app.patch(
            &format!("{WS}/my-day/items/{id1}"),
            &admin,
            json!({"position": 50}),
        )
        .await
        .expect(200);
        let d = day(&app, &admin, date).await;
        assert_eq!(keys(&d["items"]), ["KEEL-3", "KEEL-2", "KEEL-1"]);
        let positions: Vec<i64> = d["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, [0, 1, 2]);
        let r = app
            .patch(
                &format!("{WS}/my-day/items/{id1}"),
                &admin,
                json!({"position": -1}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["position"]);

        // Unchecking.
        let unchecked = app
            .patch(
                &format!("{WS}/my-day/items/{id1}"),
                &admin,
                json!({"done": false}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(unchecked["done_at"], Value::Null);

        // Another person sees an empty day and cannot touch the items.
        assert_eq!(day(&app, &grace, date).await["items"], json!([]));
        app.patch(
            &format!("{WS}/my-day/items/{id1}"),
            &grace,
            json!({"done": true}),
        )
        .await
        .expect(404);
        app.call(
            "DELETE",
            &format!("{WS}/my-day/items/{id1}"),
            Some(&grace),
            None,
        )
        .await
        .expect(404);
        // Grace plans the same task on the same day: days are per person.
        plan(&app, &grace, "KEEL-1", date).await;

        // A viewer plans their day too, but cannot complete tasks.
        let v = plan(&app, &viewer, "KEEL-4", date).await;
        let vid = v["id"].as_str().unwrap();
        app.patch(
            &format!("{WS}/my-day/items/{vid}"),
            &viewer,
            json!({"done": true}),
        )
        .await
        .expect(200);
        app.patch(
            &format!("{WS}/my-day/items/{vid}"),
            &viewer,
            json!({"complete_task": true}),
        )
        .await
        .expect(403);

        // Removing takes the item off the day, not the task.
        let before = latest_seq(&app).await;
        app.delete(&format!("{WS}/my-day/items/{id3}"), &admin)
            .await
            .expect(204);
        assert_eq!(
            keys(&day(&app, &admin, date).await["items"]),
            ["KEEL-2", "KEEL-1"]
        );
        app.get(&format!("{WS}/tasks/KEEL-3"), &admin)
            .await
            .expect(200);
        assert_eq!(
            events_after(&app, before).await,
            [("my_day".to_string(), "deleted".to_string())]
        );

        // Without a date: today in UTC.
        let today = Timestamp::now().date().as_string();
        let t = app
            .post(
                &format!("{WS}/my-day/items"),
                &admin,
                json!({"task": "KEEL-4"}),
            )
            .await
            .expect(201);
        assert_eq!(t.body["date"], today.as_str());
        assert_eq!(
            keys(
                &app.get(&format!("{WS}/my-day"), &admin)
                    .await
                    .expect(200)
                    .body["items"]
            ),
            ["KEEL-4"]
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn completing_the_task_checks_off_and_marks_it_done() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        task(
            &app,
            &admin,
            "Ship it",
            json!({"status": "in_progress", "estimate": 2.0}),
        )
        .await;
        let item = plan(&app, &admin, "KEEL-1", "2026-03-05").await;
        let id = item["id"].as_str().unwrap();
        let before = latest_seq(&app).await;
        let done = app
            .patch(
                &format!("{WS}/my-day/items/{id}"),
                &admin,
                json!({"complete_task": true}),
            )
            .await
            .expect(200)
            .body;
        assert!(done["done_at"].is_string());
        assert_eq!(done["status"], "done");
        let t = app
            .get(&format!("{WS}/tasks/KEEL-1"), &admin)
            .await
            .expect(200);
        assert_eq!(t.body["status"], "done");
        assert!(t.body["completed_at"].is_string());
        let history = app
            .get(&format!("{WS}/tasks/KEEL-1/activity"), &admin)
            .await
            .expect(200);
        assert!(
            history.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["field"] == "status" && a["to"] == "done"),
            "{}",
            history.body
        );
        assert_eq!(
            events_after(&app, before).await,
            [
                ("task".to_string(), "updated".to_string()),
                ("my_day".to_string(), "updated".to_string())
            ]
        );
        let r = app
            .patch(
                &format!("{WS}/my-day/items/{id}"),
                &admin,
                json!({"complete_task": true, "done": false}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["done"]);
        // Nothing to change: no event.
        let before = latest_seq(&app).await;
        app.patch(&format!("{WS}/my-day/items/{id}"), &admin, json!({}))
            .await
            .expect(200);
        app.patch(
            &format!("{WS}/my-day/items/{id}"),
            &admin,
            json!({"complete_task": true}),
        )
        .await
        .expect(200);
        assert!(events_after(&app, before).await.is_empty());
        let r = app
            .patch(
                &format!("{WS}/my-day/items/{id}"),
                &admin,
                json!({"done": true, "pinned": true}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.text);
        app.finish().await;
    }
}

#[tokio::test]
async fn unfinished_items_are_offered_not_copied_and_history_counts_days() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for n in 1..=5 {
            task(&app, &admin, &format!("Task {n}"), json!({})).await;
        }
        // Thursday: four tasks; one checked off, one finished on the board.
        let thursday = "2026-03-05";
        let mut ids = Vec::new();
        for key in ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"] {
            ids.push(
                plan(&app, &admin, key, thursday).await["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        app.patch(
            &format!("{WS}/my-day/items/{}", ids[0]),
            &admin,
            json!({"done": true}),
        )
        .await
        .expect(200);
        app.patch(
            &format!("{WS}/tasks/KEEL-3"),
            &admin,
            json!({"status": "done"}),
        )
        .await
        .expect(200);
        // Two weeks earlier: outside the history.
        plan(&app, &admin, "KEEL-5", "2026-02-20").await;

        // Monday: Thursday's two unfinished items are offered; nothing added.
        let monday = "2026-03-09";
        let d = day(&app, &admin, monday).await;
        assert_eq!(d["items"], json!([]));
        assert_eq!(d["offer"]["from"], thursday);
        assert_eq!(keys(&d["offer"]["items"]), ["KEEL-2", "KEEL-4"]);
        // Thursday itself is offered what came before it (Feb 20).
        assert_eq!(
            day(&app, &admin, thursday).await["offer"]["from"],
            "2026-02-20"
        );
        // The first day ever has nothing to offer.
        assert_eq!(day(&app, &admin, "2026-02-20").await["offer"], Value::Null);

        // Accept one, then the rest.
        let d = app
            .post(
                &format!("{WS}/my-day/carry-over"),
                &admin,
                json!({"date": monday, "tasks": ["keel-4"]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(keys(&d["items"]), ["KEEL-4"]);
        assert_eq!(keys(&d["offer"]["items"]), ["KEEL-2"]);
        let r = app
            .post(
                &format!("{WS}/my-day/carry-over"),
                &admin,
                json!({"date": monday, "tasks": ["KEEL-1"]}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tasks"]);
        let before = latest_seq(&app).await;
        let d = app
            .post(
                &format!("{WS}/my-day/carry-over"),
                &admin,
                json!({"date": monday}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(keys(&d["items"]), ["KEEL-4", "KEEL-2"]);
        assert_eq!(d["offer"], Value::Null);
        assert_eq!(
            events_after(&app, before).await,
            [("my_day".to_string(), "created".to_string())]
        );
        // Accepting an empty offer changes nothing.
        app.post(
            &format!("{WS}/my-day/carry-over"),
            &admin,
            json!({"date": monday}),
        )
        .await
        .expect(200);
        // Thursday still holds what it held.
        assert_eq!(
            keys(&day(&app, &admin, thursday).await["items"]),
            ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"]
        );
        // Tuesday is offered Monday's leftovers.
        let tuesday = day(&app, &admin, "2026-03-10").await;
        assert_eq!(tuesday["offer"]["from"], monday);
        assert_eq!(keys(&tuesday["offer"]["items"]), ["KEEL-4", "KEEL-2"]);

        // History before Tuesday: Monday, Thursday (Feb 20 is more than 14
        // days back), newest first, with what was checked off.
        let h = app
            .get(&format!("{WS}/my-day/history?date=2026-03-10"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(h["date"], "2026-03-10");
        let days: Vec<(&str, i64, i64)> = h["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["date"].as_str().unwrap(),
                    d["total"].as_i64().unwrap(),
                    d["done"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(days, [(monday, 2, 0), (thursday, 4, 1)]);
        assert_eq!(
            keys(&h["days"][1]["items"]),
            ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"]
        );
        app.get(&format!("{WS}/my-day/history?date=x"), &admin)
            .await
            .expect(422);
        app.finish().await;
    }
}

fn day_offset(n: i64) -> Date {
    Timestamp::now().date().add_days(n).unwrap()
}

/// Sets stored times directly, to replay a cycle's past.
async fn sql(app: &TestApp, statement: &str) {
    app.db.store.execute_admin(statement).await.unwrap();
}

#[tokio::test]
async fn cycles_have_validated_dates_a_product_scope_and_a_burn_up() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Other", "key": "OTH"}),
        )
        .await
        .expect(201);
        task(&app, &admin, "Three points", json!({"estimate": 3.0})).await;
        task(&app, &admin, "Five points", json!({"estimate": 5.0})).await;
        task(&app, &admin, "No estimate", json!({})).await;
        task(&app, &admin, "Canceled later", json!({"estimate": 1.0})).await;
        let other = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "OTH", "title": "Elsewhere"}),
            )
            .await
            .expect(201)
            .body["key"]
            .as_str()
            .unwrap()
            .to_string();

        // Validation: the end after the start, a product that exists.
        let start = day_offset(-4).as_string();
        let end = day_offset(3).as_string();
        let r = app
            .post(
                &format!("{WS}/cycles"),
                &admin,
                json!({"name": "Backwards", "product": "KEEL", "start_date": end, "end_date": start}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["end_date"]);
        let r = app
            .post(
                &format!("{WS}/cycles"),
                &admin,
                json!({"name": " ", "product": "NOPE", "start_date": "2026-13-01", "end_date": start}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["name", "product", "start_date"]);

        let before = latest_seq(&app).await;
        let created = app
            .post(
                &format!("{WS}/cycles"),
                &admin,
                json!({"name": "Cycle 1", "product": "KEEL", "start_date": start, "end_date": end}),
            )
            .await
            .expect(201);
        let c = created.body.clone();
        let id = c["id"].as_str().unwrap().to_string();
        assert_eq!(
            created.header("location").unwrap(),
            format!("{WS}/cycles/{id}")
        );
        assert_eq!(c["product"], "KEEL");
        assert_eq!(c["phase"], "active");
        assert_eq!(c["scope"], json!({"tasks": 0, "points": 0.0}));
        assert_eq!(
            events_after(&app, before).await,
            [("cycle".to_string(), "created".to_string())]
        );
        let path = format!("{WS}/cycles/{id}");

        // Scope: tasks of the cycle's product only.
        let r = app
            .post(
                &format!("{path}/tasks"),
                &admin,
                json!({"tasks": ["KEEL-1", other, "KEEL-77"]}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tasks", "tasks"]);
        app.post(&format!("{path}/tasks"), &admin, json!({"tasks": []}))
            .await
            .expect(422);
        let c = app
            .post(
                &format!("{path}/tasks"),
                &admin,
                json!({"tasks": ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4", "KEEL-1"]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(c["scope"], json!({"tasks": 4, "points": 9.0}));
        assert_eq!(c["progress"], json!({"tasks": 0, "points": 0.0}));
        // Adding again changes nothing.
        let again = app
            .post(
                &format!("{path}/tasks"),
                &admin,
                json!({"tasks": ["KEEL-2"]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(again["version"], c["version"]);
        let listed = app.get(&format!("{path}/tasks"), &admin).await.expect(200);
        assert_eq!(
            keys_of_tasks(&listed.body["items"]),
            ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"]
        );

        // Replay a past: everything joined 4 days ago at 09:00; KEEL-1 was
        // done 2 days ago; KEEL-4 is canceled now; KEEL-3 leaves now.
        let joined = format!("{start}T09:00:00.000000Z");
        sql(
            &app,
            &format!("UPDATE cycle_tasks SET added_at = '{joined}'"),
        )
        .await;
        app.patch(
            &format!("{WS}/tasks/KEEL-1"),
            &admin,
            json!({"status": "done"}),
        )
        .await
        .expect(200);
        let done_at = format!("{}T10:00:00.000000Z", day_offset(-2).as_string());
        sql(
            &app,
            &format!("UPDATE tasks SET completed_at = '{done_at}' WHERE title = 'Three points'"),
        )
        .await;
        app.patch(
            &format!("{WS}/tasks/KEEL-4"),
            &admin,
            json!({"status": "canceled"}),
        )
        .await
        .expect(200);
        app.call(
            "DELETE",
            &format!("{path}/tasks/KEEL-3"),
            Some(&admin),
            None,
        )
        .await
        .expect(204);
        let got = app.get(&path, &admin).await.expect(200);
        let c = got.body.clone();
        assert_eq!(c["scope"], json!({"tasks": 2, "points": 8.0}));
        assert_eq!(c["progress"], json!({"tasks": 1, "points": 3.0}));
        assert_eq!(got.header("etag").unwrap(), format!("\"{}\"", c["version"]));

        let b = app
            .get(&format!("{path}/burnup"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(b["start_date"], start.as_str());
        assert_eq!(b["end_date"], end.as_str());
        let series: Vec<(String, i64, f64, i64, f64)> = b["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["date"].as_str().unwrap().to_string(),
                    d["scope"]["tasks"].as_i64().unwrap(),
                    d["scope"]["points"].as_f64().unwrap(),
                    d["done"]["tasks"].as_i64().unwrap(),
                    d["done"]["points"].as_f64().unwrap(),
                )
            })
            .collect();
        let day = |n| day_offset(n).as_string();
        assert_eq!(
            series,
            [
                (day(-4), 4, 9.0, 0, 0.0),
                (day(-3), 4, 9.0, 0, 0.0),
                (day(-2), 4, 9.0, 1, 3.0),
                (day(-1), 4, 9.0, 1, 3.0),
                (day(0), 2, 8.0, 1, 3.0),
            ],
            "one value per day up to today"
        );

        // Removing something not in scope changes nothing; re-adding works.
        app.call(
            "DELETE",
            &format!("{path}/tasks/KEEL-3"),
            Some(&admin),
            None,
        )
        .await
        .expect(204);
        let c = app
            .post(
                &format!("{path}/tasks"),
                &admin,
                json!({"tasks": ["KEEL-3"]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(c["scope"]["tasks"], 3);

        // Rename and move the dates; the end must stay after the start.
        let r = app
            .patch(&path, &admin, json!({"end_date": start}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["end_date"]);
        let version = c["version"].as_i64().unwrap();
        let renamed = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"name": "Cycle one", "end_date": day(10)})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(renamed["name"], "Cycle one");
        assert_eq!(renamed["end_date"], day(10).as_str());
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"name": "Stale"})),
            &[("if-match", &format!("\"{version}\""))],
        )
        .await
        .expect(412);

        // Lists: latest start first, by product.
        app.post(
            &format!("{WS}/cycles"),
            &admin,
            json!({"name": "Next", "product": "KEEL", "start_date": day(11), "end_date": day(24)}),
        )
        .await
        .expect(201);
        app.post(
            &format!("{WS}/cycles"),
            &admin,
            json!({"name": "Other's", "product": "OTH", "start_date": day(0), "end_date": day(1)}),
        )
        .await
        .expect(201);
        let all = app
            .get(&format!("{WS}/cycles"), &admin)
            .await
            .expect(200)
            .body;
        let names: Vec<&str> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Next", "Other's", "Cycle one"]);
        assert_eq!(all["items"][0]["phase"], "upcoming");
        assert_eq!(all["items"][2]["scope"]["tasks"], 3);
        let keel = app
            .get(&format!("{WS}/cycles?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(keel["items"].as_array().unwrap().len(), 2);
        app.get(&format!("{WS}/cycles?product=NOPE"), &admin)
            .await
            .expect(422);
        app.get(
            &format!("{WS}/cycles/0190a0a0a0a0a0a0a0a0a0a0a0a0a0a0"),
            &admin,
        )
        .await
        .expect(404);
        app.finish().await;
    }
}

fn keys_of_tasks(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}
