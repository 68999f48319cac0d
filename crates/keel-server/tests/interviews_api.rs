//! Customer interviews through the HTTP API, on every configured backend:
//! the built-in Discovery guide and the workspace's own guides, an
//! interview created from a guide (questions copied, answers by
//! position), updated with If-Match (412 when stale, nothing written),
//! turned into feedback (one item per answer, through the feedback store
//! path: searchable, tagged, dated, attributed), again without duplicates,
//! an answer added later converted on the next run, bad input refused
//! naming the field with nothing written, guests refused, and no way
//! across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

/// The feedback of `KEEL` tagged `interview`, newest first.
async fn interview_feedback(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(
        &format!("{WS}/feedback?product=KEEL&tag=interview&limit=500"),
        token,
    )
    .await
    .expect(200)
    .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn an_interview_from_the_default_guide_becomes_feedback_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let customer = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Peter Gibbons", "email": "peter@initech.test"}),
            )
            .await
            .expect(201)
            .body;

        // The built-in guide is there without anyone creating it.
        let guides = app
            .get(&format!("{WS}/interview-guides"), &admin)
            .await
            .expect(200)
            .body;
        let builtin = &guides["items"][0];
        assert_eq!(builtin["id"], "discovery");
        assert_eq!(builtin["name"], "Discovery interview");
        assert_eq!(builtin["builtin"], true);
        let questions = builtin["questions"].as_array().unwrap();
        assert_eq!(questions.len(), 6);
        let q1 = s(&questions[1]["question"]);
        let q2 = s(&questions[2]["question"]);

        let created = app
            .post(
                &format!("{WS}/interviews"),
                &admin,
                json!({
                    "product": "KEEL", "title": "Peter, week 3", "held_on": "2026-11-02",
                    "customer": customer["id"],
                    "answers": [
                        {"position": 1, "answer": "  Last Friday the TPS export was broken again.  "},
                        {"position": 2, "answer": "I copy the rows into a spreadsheet by hand."}
                    ],
                    "notes": "Mentioned **Initrode** twice."
                }),
            )
            .await
            .expect(201);
        assert_eq!(created.header("etag"), Some("\"1\""));
        let iv = created.body;
        let id = s(&iv["id"]);
        assert!(
            created
                .headers
                .get("location")
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with(&id)
        );
        assert_eq!(iv["product"], "KEEL");
        assert_eq!(iv["held_on"], "2026-11-02");
        assert_eq!(iv["customer"]["name"], "Peter Gibbons");
        assert_eq!(iv["interviewer"]["email"], "admin@example.com");
        assert_eq!(
            iv["guide"],
            json!({"id": "discovery", "name": "Discovery interview"})
        );
        assert_eq!(iv["question_count"], 6);
        assert_eq!(iv["answered_count"], 2);
        assert_eq!(iv["converted_count"], 0);
        let answers = iv["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 6);
        assert_eq!(answers[1]["question"], q1.as_str());
        assert_eq!(
            answers[1]["answer"],
            "Last Friday the TPS export was broken again."
        );
        assert_eq!(answers[0]["answer"], "");
        assert!(answers[0]["hint"].as_str().unwrap().len() > 5);

        // Turned into feedback: one item per answered question.
        let out = app
            .post(&format!("{WS}/interviews/{id}/feedback"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        let made = out["created"].as_array().unwrap();
        assert_eq!(made.len(), 2, "{out}");
        assert_eq!(out["already_converted"], 0);
        for (item, (q, a)) in made.iter().zip([
            (&q1, "Last Friday the TPS export was broken again."),
            (&q2, "I copy the rows into a spreadsheet by hand."),
        ]) {
            assert_eq!(item["text"], format!("Q: {q}\n\n{a}"));
            assert_eq!(item["source"], "interview");
            assert_eq!(item["product"], "KEEL");
            assert_eq!(item["received_on"], "2026-11-02");
            assert_eq!(item["customer"]["id"], customer["id"]);
            assert_eq!(item["tags"], json!(["interview"]));
            assert_eq!(item["status"], "new");
        }
        // "broken" is a negative word: sentiment is suggested from the answer.
        assert_eq!(made[0]["sentiment"], "negative");
        let linked = out["interview"]["answers"].as_array().unwrap();
        assert_eq!(linked[1]["feedback_id"], made[0]["id"]);
        assert_eq!(linked[2]["feedback_id"], made[1]["id"]);
        assert!(linked[0]["feedback_id"].is_null());
        assert_eq!(out["interview"]["converted_count"], 2);
        assert_eq!(out["interview"]["version"], 2);

        // The items are in the inbox and found by search (the same store
        // path as any feedback: the search triggers saw them).
        assert_eq!(interview_feedback(&app, &admin).await.len(), 2);
        let hits = app
            .get(&format!("{WS}/search?q=spreadsheet&kind=feedback"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(hits["items"][0]["id"], made[1]["id"], "{hits}");

        // Again: nothing new.
        let again = app
            .post(&format!("{WS}/interviews/{id}/feedback"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(again["created"], json!([]));
        assert_eq!(again["already_converted"], 2);
        assert_eq!(again["interview"]["version"], 2, "nothing changed");
        assert_eq!(interview_feedback(&app, &admin).await.len(), 2);

        // An answer added later is converted on the next run, alone.
        let patched = app
            .call_with(
                "PATCH",
                &format!("{WS}/interviews/{id}"),
                Some(&admin),
                Some(json!({"answers": [{"position": 3, "answer": "Two hours every week."}]})),
                &[("if-match", "\"2\"")],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(patched["version"], 3);
        assert_eq!(patched["answered_count"], 3);
        let third = app
            .post(&format!("{WS}/interviews/{id}/feedback"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(third["created"].as_array().unwrap().len(), 1);
        assert!(
            s(&third["created"][0]["text"]).ends_with("\n\nTwo hours every week."),
            "{third}"
        );
        assert_eq!(third["already_converted"], 2);
        assert_eq!(interview_feedback(&app, &admin).await.len(), 3);

        // The list: newest first, without answers.
        app.post(
            &format!("{WS}/interviews"),
            &admin,
            json!({"product": "KEEL", "title": "Second"}),
        )
        .await
        .expect(201);
        let list = app
            .get(&format!("{WS}/interviews?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["title"], "Second");
        assert!(items[0].get("answers").is_none());
        assert_eq!(items[1]["converted_count"], 3);
        let page = app
            .get(&format!("{WS}/interviews?limit=1"), &admin)
            .await
            .expect(200)
            .body;
        let cursor = s(&page["next_cursor"]);
        let rest = app
            .get(&format!("{WS}/interviews?limit=1&cursor={cursor}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(rest["items"][0]["id"], id.as_str());
        let by_customer = app
            .get(
                &format!("{WS}/interviews?customer=peter@initech.test"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(by_customer["items"].as_array().unwrap().len(), 1);

        // The customer's export holds the interview with its answers.
        let export = app
            .get(
                &format!("{WS}/customers/{}/export", s(&customer["id"])),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(export["interviews"].as_array().unwrap().len(), 1);
        assert_eq!(export["interviews"][0]["id"], id.as_str());
        assert_eq!(
            export["interviews"][0]["answers"][3]["answer"],
            "Two hours every week."
        );

        // Deleting the interview keeps its feedback.
        app.delete(&format!("{WS}/interviews/{id}"), &admin)
            .await
            .expect(204);
        app.get(&format!("{WS}/interviews/{id}"), &admin)
            .await
            .expect(404);
        assert_eq!(interview_feedback(&app, &admin).await.len(), 3);
        app.finish().await;
    }
}

#[tokio::test]
async fn updates_honour_if_match_and_bad_input_names_the_field() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let iv = app
            .post(
                &format!("{WS}/interviews"),
                &admin,
                json!({"product": "KEEL", "title": "First"}),
            )
            .await
            .expect(201)
            .body;
        let id = s(&iv["id"]);
        let path = format!("{WS}/interviews/{id}");
        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"title": "Renamed", "held_on": "2026-10-01", "notes": "n"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.header("etag"), Some("\"2\""));
        assert_eq!(r.body["title"], "Renamed");
        assert_eq!(r.body["held_on"], "2026-10-01");
        // Stale: 412, nothing written.
        let stale = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"title": "Lost"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(412);
        assert_eq!(
            stale.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(
            app.get(&path, &admin).await.expect(200).body["title"],
            "Renamed"
        );
        // The same values again keep the version.
        let same = app
            .patch(&path, &admin, json!({"title": "Renamed"}))
            .await
            .expect(200);
        assert_eq!(same.body["version"], 2);

        // Every bad field named at once; nothing written.
        let bad = app
            .patch(
                &path,
                &admin,
                json!({"title": " ", "held_on": "2026-13-40", "customer": "nobody@x.test",
                       "answers": [{"position": 6, "answer": "x"}, {"position": 0, "answer": "a".repeat(10_001)}]}),
            )
            .await
            .expect(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "answers[0].position",
                "answers[1].answer",
                "customer",
                "held_on",
                "title"
            ]
        );
        let after = app.get(&path, &admin).await.expect(200);
        assert_eq!(after.body["version"], 2);
        assert_eq!(after.body["answers"][0]["answer"], "");
        app.patch(&path, &admin, json!({"guide": "discovery"}))
            .await
            .expect(422);

        let before = app
            .get(&format!("{WS}/interviews"), &admin)
            .await
            .expect(200)
            .body;
        for (body, field) in [
            (json!({"product": "NOPE", "title": "x"}), "product"),
            (json!({"product": "KEEL", "title": ""}), "title"),
            (
                json!({"product": "KEEL", "title": "x", "guide": "missing"}),
                "guide",
            ),
            (
                json!({"product": "KEEL", "title": "x", "held_on": "yesterday"}),
                "held_on",
            ),
            (
                json!({"product": "KEEL", "title": "x", "customer": "ghost"}),
                "customer",
            ),
            (
                json!({"product": "KEEL", "title": "x", "answers": [{"position": -1, "answer": "a"}]}),
                "answers[0].position",
            ),
            (
                json!({"product": "KEEL", "title": "x", "answers": [{"position": 0, "answer": "a"}, {"position": 0, "answer": "b"}]}),
                "answers[1].position",
            ),
            (
                json!({"product": "KEEL", "title": "x", "answers": [{"position": 0, "answer": "a".repeat(10_001)}]}),
                "answers[0].answer",
            ),
        ] {
            let r = app
                .post(&format!("{WS}/interviews"), &admin, body.clone())
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field], "{body}: {}", r.text);
        }
        // Unknown fields are errors, not ignored.
        let r = app
            .post(
                &format!("{WS}/interviews"),
                &admin,
                json!({"product": "KEEL", "title": "x", "interviewer": "me"}),
            )
            .await
            .expect(422);
        assert!(r.text.contains("interviewer"), "{}", r.text);
        assert_eq!(
            app.get(&format!("{WS}/interviews"), &admin)
                .await
                .expect(200)
                .body,
            before
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn guides_of_the_workspace_are_copied_into_interviews() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guide = app
            .post(
                &format!("{WS}/interview-guides"),
                &admin,
                json!({"name": "Churn call", "questions": [
                    {"question": "Why did you leave?", "hint": "Listen for the trigger"},
                    {"question": "What do you use now?"}
                ]}),
            )
            .await
            .expect(201)
            .body;
        let gid = s(&guide["id"]);
        assert_eq!(guide["builtin"], false);
        assert_eq!(guide["questions"][1]["hint"], "");
        let iv = app
            .post(
                &format!("{WS}/interviews"),
                &admin,
                json!({"product": "KEEL", "title": "Lost deal", "guide": gid,
                       "answers": [{"position": 1, "answer": "Initrode's tool"}]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(iv["guide"]["name"], "Churn call");
        assert_eq!(iv["question_count"], 2);

        // Editing the guide leaves the interview's questions alone.
        let r = app
            .call_with(
                "PATCH",
                &format!("{WS}/interview-guides/{gid}"),
                Some(&admin),
                Some(json!({"questions": [{"question": "Something else?"}]})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.body["version"], 2);
        app.call_with(
            "PATCH",
            &format!("{WS}/interview-guides/{gid}"),
            Some(&admin),
            Some(json!({"name": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        let again = app
            .get(&format!("{WS}/interviews/{}", s(&iv["id"])), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(again["answers"][0]["question"], "Why did you leave?");

        // Bad guides name the field.
        let r = app
            .post(
                &format!("{WS}/interview-guides"),
                &admin,
                json!({"name": "", "questions": [{"question": "ok"}, {"question": "two\nlines"}]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["name", "questions[1].question"]);
        app.post(
            &format!("{WS}/interview-guides"),
            &admin,
            json!({"name": "Empty", "questions": []}),
        )
        .await
        .expect(422);

        // The built-in guide reads but never changes.
        app.get(&format!("{WS}/interview-guides/discovery"), &admin)
            .await
            .expect(200);
        app.patch(
            &format!("{WS}/interview-guides/discovery"),
            &admin,
            json!({"name": "Mine"}),
        )
        .await
        .expect(409);
        app.delete(&format!("{WS}/interview-guides/discovery"), &admin)
            .await
            .expect(409);

        // Deleting a guide keeps the interview (and its guide's name).
        app.delete(&format!("{WS}/interview-guides/{gid}"), &admin)
            .await
            .expect(204);
        let list = app
            .get(&format!("{WS}/interview-guides"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        let kept = app
            .get(&format!("{WS}/interviews/{}", s(&iv["id"])), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(kept["guide"]["name"], "Churn call");
        app.finish().await;
    }
}

#[tokio::test]
async fn roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "vic@example.com").await;
        let guest = app.user(&admin, "gus@example.com").await;
        let member = app.user(&admin, "meg@example.com").await;
        app.add_member(&admin, "acme", "vic@example.com", "viewer")
            .await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        app.add_member(&admin, "acme", "meg@example.com", "member")
            .await;
        let outsider = app.user(&admin, "out@example.com").await;
        app.workspace(&outsider, "other").await;

        let iv = app
            .post(
                &format!("{WS}/interviews"),
                &member,
                json!({"product": "KEEL", "title": "By a member",
                       "answers": [{"position": 0, "answer": "I run support."}]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(iv["interviewer"]["email"], "meg@example.com");
        let id = s(&iv["id"]);

        // Viewers read, but neither write nor convert.
        app.get(&format!("{WS}/interviews/{id}"), &viewer)
            .await
            .expect(200);
        app.get(&format!("{WS}/interview-guides"), &viewer)
            .await
            .expect(200);
        app.post(
            &format!("{WS}/interviews/{id}/feedback"),
            &viewer,
            json!({}),
        )
        .await
        .expect(403);
        app.patch(
            &format!("{WS}/interviews/{id}"),
            &viewer,
            json!({"title": "x"}),
        )
        .await
        .expect(403);
        // Guests get nothing: interviews are what customers said.
        for path in [
            format!("{WS}/interviews"),
            format!("{WS}/interviews/{id}"),
            format!("{WS}/interview-guides"),
            format!("{WS}/interview-guides/discovery"),
        ] {
            app.get(&path, &guest).await.expect(403);
        }
        app.post(&format!("{WS}/interviews/{id}/feedback"), &guest, json!({}))
            .await
            .expect(403);
        app.post(
            &format!("{WS}/interviews"),
            &guest,
            json!({"product": "KEEL", "title": "x"}),
        )
        .await
        .expect(403);
        // Another workspace: 404, even for its owner, and nothing made.
        let other = "/api/v1/workspaces/other";
        app.get(&format!("{other}/interviews/{id}"), &outsider)
            .await
            .expect(404);
        app.post(
            &format!("{other}/interviews/{id}/feedback"),
            &outsider,
            json!({}),
        )
        .await
        .expect(404);
        app.patch(
            &format!("{other}/interviews/{id}"),
            &outsider,
            json!({"title": "Mine"}),
        )
        .await
        .expect(404);
        app.get(&format!("{WS}/interviews/{id}"), &outsider)
            .await
            .expect(404);
        assert_eq!(interview_feedback(&app, &admin).await.len(), 0);
        // A customer of another workspace cannot be named.
        let theirs = app
            .post(
                &format!("{other}/customers"),
                &outsider,
                json!({"name": "Theirs"}),
            )
            .await
            .expect(201)
            .body;
        let r = app
            .post(
                &format!("{WS}/interviews"),
                &member,
                json!({"product": "KEEL", "title": "x", "customer": theirs["id"]}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["customer"]);
        // The member converts.
        let out = app
            .post(
                &format!("{WS}/interviews/{id}/feedback"),
                &member,
                json!({}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(out["created"].as_array().unwrap().len(), 1);
        app.finish().await;
    }
}
