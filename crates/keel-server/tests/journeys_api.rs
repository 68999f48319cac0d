//! Customer journey maps through the HTTP API, on every configured
//! backend: a map of a product for a persona (by name), stages added,
//! renamed, re-scored, moved and deleted with positions kept 0..n, cell
//! text written per lane, opportunities linked to features and unlinked,
//! the whole grid in one GET, the map's version moving with every grid
//! change, If-Match on the map's PATCH, validation naming the field
//! (`emotion` outside −2…2 among them), one `journey` event per change,
//! who may read and write, and no way across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

/// Kinds and types of the events after `seq`.
async fn events_after(app: &TestApp, token: &str, seq: i64) -> Vec<(String, String)> {
    let ws = ws_id(app, token).await;
    keel_store::repo::events::after(app.db.store.db(), &ws, seq, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.event_type))
        .collect()
}

async fn ws_id(app: &TestApp, token: &str) -> String {
    app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn latest_seq(app: &TestApp, token: &str) -> i64 {
    let ws = ws_id(app, token).await;
    keel_store::repo::events::latest_seq(app.db.store.db(), &ws)
        .await
        .unwrap()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

/// The names of a map's stages, in order, with their positions checked.
fn stage_names(map: &Value) -> Vec<String> {
    let stages = map["stages"].as_array().unwrap();
    for (i, st) in stages.iter().enumerate() {
        assert_eq!(st["position"], json!(i), "positions run 0..n: {map}");
    }
    stages.iter().map(|st| s(&st["name"])).collect()
}

async fn add_stage(app: &TestApp, token: &str, map: &str, body: Value) -> Value {
    app.post(&format!("{WS}/journeys/{map}/stages"), token, body)
        .await
        .expect(201)
        .body
}

#[tokio::test]
async fn a_journey_map_is_built_stage_by_stage_and_read_whole() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let persona = app
            .post(
                &format!("{WS}/personas"),
                &admin,
                json!({"name": "Ops Olivia", "goals": "Fewer pages at night"}),
            )
            .await
            .expect(201)
            .body;
        let feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Guided set-up"}),
            )
            .await
            .expect(201)
            .body;
        let before = latest_seq(&app, &admin).await;

        // Create, with the persona given by name (any case).
        let created = app
            .post(
                &format!("{WS}/journeys"),
                &admin,
                json!({"product": "KEEL", "title": "  Onboarding  ", "persona": "ops olivia",
                       "description": "From sign-up to the first board"}),
            )
            .await
            .expect(201);
        let map = created.body.clone();
        let id = s(&map["id"]);
        assert_eq!(
            created.header("location").unwrap(),
            format!("{WS}/journeys/{id}")
        );
        assert_eq!(created.header("etag"), Some("\"1\""));
        assert_eq!(map["title"], "Onboarding", "trimmed");
        assert_eq!(map["product"], "KEEL");
        assert_eq!(map["persona"]["id"], persona["id"]);
        assert_eq!(map["persona"]["name"], "Ops Olivia");
        assert_eq!(map["stages"], json!([]));
        assert_eq!(map["stage_count"], 0);
        assert_eq!(map["version"], 1);

        // Three stages at the end, one put first, emotions as given.
        let discover = add_stage(&app, &admin, &id, json!({"name": "Discover"})).await;
        assert_eq!(discover["emotion"], 0, "neutral by default");
        assert_eq!(discover["position"], 0);
        assert_eq!(discover["cells"]["actions"], "");
        assert_eq!(discover["opportunity_links"], json!([]));
        let r = app
            .post(
                &format!("{WS}/journeys/{id}/stages"),
                &admin,
                json!({"name": "Sign up", "emotion": -2}),
            )
            .await
            .expect(201);
        let sign_up = r.body.clone();
        assert_eq!(
            r.header("location").unwrap(),
            format!("{WS}/journeys/{id}/stages/{}", s(&sign_up["id"]))
        );
        assert_eq!(r.header("etag"), Some("\"3\""), "the map's version");
        let first_board = add_stage(
            &app,
            &admin,
            &id,
            json!({"name": "First board", "emotion": 2}),
        )
        .await;
        let research = add_stage(
            &app,
            &admin,
            &id,
            json!({"name": "Research", "emotion": 1, "position": 0}),
        )
        .await;
        assert_eq!(research["position"], 0);
        let got = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200);
        assert_eq!(
            stage_names(&got.body),
            ["Research", "Discover", "Sign up", "First board"]
        );
        assert_eq!(got.body["stage_count"], 4);
        assert_eq!(got.body["version"], 5);
        assert_eq!(got.header("etag"), Some("\"5\""));

        // Cells: write, rewrite, blank; same text again changes nothing.
        let (sid, did) = (s(&sign_up["id"]), s(&discover["id"]));
        let cell =
            |stage: &str, lane: &str| format!("{WS}/journeys/{id}/stages/{stage}/cells/{lane}");
        let r = app
            .call(
                "PUT",
                &cell(&sid, "pain_points"),
                Some(&admin),
                Some(json!({"text": "  Too many fields <b>  "})),
            )
            .await
            .expect(200);
        assert_eq!(r.body["text"], "Too many fields <b>");
        assert_eq!(r.body["lane"], "pain_points");
        assert_eq!(r.body["stage"], sid);
        assert_eq!(r.header("etag"), Some("\"6\""));
        for (stage, lane, text) in [
            (&sid, "actions", "Fills in the form"),
            (&sid, "touchpoints", "Sign-up page"),
            (&sid, "thoughts", "Why do they need my phone?"),
            (&sid, "opportunities", "Ask for less"),
            (&did, "actions", "Reads a review"),
            (&did, "actions", "Reads two reviews"),
            (&did, "thoughts", "Sounds good"),
        ] {
            app.call(
                "PUT",
                &cell(stage, lane),
                Some(&admin),
                Some(json!({"text": text})),
            )
            .await
            .expect(200);
        }
        let same = app
            .call(
                "PUT",
                &cell(&did, "actions"),
                Some(&admin),
                Some(json!({"text": "Reads two reviews"})),
            )
            .await
            .expect(200);
        assert_eq!(same.header("etag"), Some("\"13\""), "no change, no bump");
        let blank = app
            .call(
                "PUT",
                &cell(&did, "touchpoints"),
                Some(&admin),
                Some(json!({"text": " "})),
            )
            .await
            .expect(200);
        assert_eq!(
            blank.header("etag"),
            Some("\"13\""),
            "blank was blank already"
        );
        let blank = app
            .call(
                "PUT",
                &cell(&did, "thoughts"),
                Some(&admin),
                Some(json!({"text": ""})),
            )
            .await
            .expect(200);
        assert_eq!(blank.body["text"], "");
        assert_eq!(blank.header("etag"), Some("\"14\""));

        // Link an opportunity to the feature; twice is a conflict.
        let link = app
            .post(
                &format!("{WS}/journeys/{id}/stages/{sid}/opportunities"),
                &admin,
                json!({"linked_kind": "feature", "linked_id": feature["id"]}),
            )
            .await
            .expect(201);
        assert_eq!(link.body["title"], "Guided set-up");
        assert_eq!(link.body["status"], "idea");
        assert_eq!(link.body["linked_kind"], "feature");
        assert_eq!(link.body["product"], "KEEL");
        let link_id = s(&link.body["id"]);
        assert_eq!(
            link.header("location").unwrap(),
            format!("{WS}/journeys/{id}/stages/{sid}/opportunities/{link_id}")
        );
        let again = app
            .post(
                &format!("{WS}/journeys/{id}/stages/{sid}/opportunities"),
                &admin,
                json!({"linked_kind": "feature", "linked_id": feature["id"]}),
            )
            .await
            .expect(409);
        assert_eq!(again.error_fields(), ["linked_id"]);
        // An idea of the product can be linked too.
        let idea = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "KEEL", "title": "Set-up wizard"}),
            )
            .await
            .expect(201)
            .body;
        let idea_link = app
            .post(
                &format!("{WS}/journeys/{id}/stages/{sid}/opportunities"),
                &admin,
                json!({"linked_kind": "idea", "linked_id": idea["id"]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(
            (
                &idea_link["linked_kind"],
                &idea_link["title"],
                &idea_link["status"],
                &idea_link["product"]
            ),
            (
                &json!("idea"),
                &json!("Set-up wizard"),
                &json!("new"),
                &json!("KEEL")
            )
        );
        app.delete(
            &format!(
                "{WS}/journeys/{id}/stages/{sid}/opportunities/{}",
                s(&idea_link["id"])
            ),
            &admin,
        )
        .await
        .expect(204);
        // Linking a stage whose opportunities cell was never written.
        app.post(
            &format!("{WS}/journeys/{id}/stages/{did}/opportunities"),
            &admin,
            json!({"linked_kind": "feature", "linked_id": feature["id"]}),
        )
        .await
        .expect(201);

        // The whole grid in one read.
        let map = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200)
            .body;
        let stage = &map["stages"][2];
        assert_eq!(stage["name"], "Sign up");
        assert_eq!(stage["emotion"], -2);
        assert_eq!(
            stage["cells"],
            json!({"actions": "Fills in the form", "touchpoints": "Sign-up page",
                   "thoughts": "Why do they need my phone?", "pain_points": "Too many fields <b>",
                   "opportunities": "Ask for less"})
        );
        assert_eq!(stage["opportunity_links"][0]["id"], link_id);
        assert_eq!(map["stages"][1]["cells"]["actions"], "Reads two reviews");
        assert_eq!(map["stages"][1]["cells"]["thoughts"], "");
        assert_eq!(map["stages"][1]["cells"]["opportunities"], "");
        assert_eq!(
            map["stages"][1]["opportunity_links"][0]["linked_id"],
            feature["id"]
        );
        assert_eq!(map["stages"][3]["emotion"], 2);

        // Rename, re-score and move; a PATCH of nothing new keeps the version.
        let v = map["version"].as_i64().unwrap();
        let moved = app
            .patch(
                &format!("{WS}/journeys/{id}/stages/{sid}"),
                &admin,
                json!({"name": "Create account", "emotion": -1, "position": 0}),
            )
            .await
            .expect(200);
        assert_eq!(moved.body["name"], "Create account");
        assert_eq!(moved.body["emotion"], -1);
        assert_eq!(moved.body["position"], 0);
        assert_eq!(moved.body["cells"]["actions"], "Fills in the form");
        assert_eq!(
            moved.header("etag"),
            Some(format!("\"{}\"", v + 1).as_str())
        );
        let same = app
            .patch(
                &format!("{WS}/journeys/{id}/stages/{sid}"),
                &admin,
                json!({"name": "Create account", "emotion": -1, "position": 0}),
            )
            .await
            .expect(200);
        assert_eq!(same.header("etag"), Some(format!("\"{}\"", v + 1).as_str()));
        app.patch(
            &format!("{WS}/journeys/{id}/stages/{}", s(&research["id"])),
            &admin,
            json!({"position": 99}),
        )
        .await
        .expect(200);
        let map = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            stage_names(&map),
            ["Create account", "Discover", "First board", "Research"]
        );
        // A stage's If-Match is the map's version: a stale one changes
        // nothing, the current one goes through.
        let stage = format!("{WS}/journeys/{id}/stages/{}", s(&research["id"]));
        let now = map["version"].as_i64().unwrap();
        let (stale, current) = (format!("\"{}\"", now - 1), format!("\"{now}\""));
        app.call_with(
            "PATCH",
            &stage,
            Some(&admin),
            Some(json!({"emotion": -2})),
            &[("if-match", stale.as_str())],
        )
        .await
        .expect(412);
        let scored = app
            .call_with(
                "PATCH",
                &stage,
                Some(&admin),
                Some(json!({"emotion": -2})),
                &[("if-match", current.as_str())],
            )
            .await
            .expect(200);
        assert_eq!(scored.body["emotion"], -2);
        assert_eq!(
            scored.header("etag"),
            Some(format!("\"{}\"", now + 1).as_str())
        );

        // Unlink; delete a stage (its cells and links go with it).
        app.delete(
            &format!("{WS}/journeys/{id}/stages/{sid}/opportunities/{link_id}"),
            &admin,
        )
        .await
        .expect(204);
        app.delete(
            &format!("{WS}/journeys/{id}/stages/{sid}/opportunities/{link_id}"),
            &admin,
        )
        .await
        .expect(404);
        app.delete(
            &format!("{WS}/journeys/{id}/stages/{}", s(&first_board["id"])),
            &admin,
        )
        .await
        .expect(204);
        let map = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            stage_names(&map),
            ["Create account", "Discover", "Research"]
        );
        assert_eq!(map["stages"][0]["opportunity_links"], json!([]));
        assert_eq!(
            map["stages"][1]["opportunity_links"][0]["title"],
            "Guided set-up"
        );

        // One journey event about the map per change; none for no-ops.
        let events = events_after(&app, &admin, before).await;
        let journey: Vec<&(String, String)> =
            events.iter().filter(|(k, _)| k == "journey").collect();
        assert_eq!(journey.first().unwrap().1, "created");
        // 4 stages, 8 cell writes + 1 blanking, 2 feature links, 1 idea
        // link and its unlink, 3 stage edits, 1 unlink, 1 stage delete.
        assert_eq!(journey.len(), 1 + 4 + 9 + 2 + 2 + 3 + 1 + 1, "{events:?}");
        assert!(journey[1..].iter().all(|(_, t)| t == "updated"));
        assert_eq!(
            map["version"].as_i64().unwrap(),
            journey.len() as i64,
            "the version moved once per change"
        );

        // Delete the map: its grid goes with it.
        app.delete(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(204);
        app.get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(404);
        let last = events_after(&app, &admin, before).await;
        assert_eq!(
            last.last().unwrap(),
            &("journey".to_string(), "deleted".to_string())
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn maps_are_listed_changed_with_if_match_and_validated() {
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
        app.post(
            &format!("{WS}/personas"),
            &admin,
            json!({"name": "Dev Dan"}),
        )
        .await
        .expect(201);
        let mk = |body: Value| {
            let (app, admin) = (&app, admin.clone());
            async move {
                app.post(&format!("{WS}/journeys"), &admin, body)
                    .await
                    .expect(201)
                    .body
            }
        };
        let a = mk(json!({"product": "KEEL", "title": "Onboarding", "persona": "Dev Dan"})).await;
        let b = mk(json!({"product": "KEEL", "title": "Renewal"})).await;
        let c = mk(json!({"product": "OTH", "title": "Onboarding elsewhere"})).await;
        let list = |q: &'static str| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let page = app
                    .get(&format!("{WS}/journeys{q}"), &admin)
                    .await
                    .expect(200)
                    .body;
                let ids: Vec<Value> = page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| {
                        assert!(i.get("stages").is_none(), "lists leave the grid out");
                        i["id"].clone()
                    })
                    .collect();
                (ids, page["next_cursor"].clone())
            }
        };
        assert_eq!(
            list("").await.0,
            [c["id"].clone(), b["id"].clone(), a["id"].clone()]
        );
        assert_eq!(
            list("?product=KEEL").await.0,
            [b["id"].clone(), a["id"].clone()]
        );
        assert_eq!(list("?persona=dev%20dan").await.0, [a["id"].clone()]);
        assert_eq!(
            list("?q=ONBOARD").await.0,
            [c["id"].clone(), a["id"].clone()]
        );
        let (first, next) = list("?limit=2").await;
        assert_eq!(first.len(), 2);
        let rest = app
            .get(
                &format!("{WS}/journeys?limit=2&cursor={}", next.as_str().unwrap()),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(rest["items"][0]["id"], a["id"]);
        assert_eq!(rest["next_cursor"], Value::Null);
        for (q, field) in [
            ("?product=NOPE", "product"),
            ("?persona=nobody", "persona"),
            ("?limit=0", "limit"),
            ("?cursor=zzz", "cursor"),
        ] {
            let r = app
                .get(&format!("{WS}/journeys{q}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field], "{q}");
        }

        // PATCH with If-Match; a stale version changes nothing.
        let id = s(&a["id"]);
        let path = format!("{WS}/journeys/{id}");
        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"title": "First week", "persona": null})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.body["title"], "First week");
        assert_eq!(r.body["persona"], Value::Null);
        assert_eq!(r.body["stages"], json!([]), "one map carries its grid");
        assert_eq!(r.header("etag"), Some("\"2\""));
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
        assert_eq!(stale.body["status"], 412);
        // A grid change moves the version too: an edit based on the map
        // as it was before is stale.
        add_stage(&app, &admin, &id, json!({"name": "Start"})).await;
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"description": "x"})),
            &[("if-match", "\"2\"")],
        )
        .await
        .expect(412);
        let now = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(now["title"], "First week");
        assert_eq!(now["description"], "");
        assert_eq!(now["version"], 3);
        let same = app
            .patch(&path, &admin, json!({"title": "First week"}))
            .await
            .expect(200);
        assert_eq!(same.header("etag"), Some("\"3\""), "nothing changed");
        let r = app
            .patch(&path, &admin, json!({"persona": "DEV DAN"}))
            .await
            .expect(200);
        assert_eq!(r.body["persona"]["name"], "Dev Dan");

        // Validation names every bad field at once.
        let r = app
            .post(
                &format!("{WS}/journeys"),
                &admin,
                json!({"product": "NOPE", "title": " ", "persona": "nobody"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["persona", "product", "title"]);
        let r = app
            .post(
                &format!("{WS}/journeys"),
                &admin,
                json!({"product": "KEEL", "title": "x", "stages": []}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["stages"], "unknown fields are errors");
        let r = app
            .patch(&path, &admin, json!({"title": "a\nb"}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["title"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_grid_input_is_refused_naming_the_field_and_changes_nothing() {
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
        let map = app
            .post(
                &format!("{WS}/journeys"),
                &admin,
                json!({"product": "KEEL", "title": "Onboarding"}),
            )
            .await
            .expect(201)
            .body;
        let id = s(&map["id"]);
        let stage = add_stage(&app, &admin, &id, json!({"name": "Sign up"})).await;
        let sid = s(&stage["id"]);
        let other_feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "OTH", "title": "Elsewhere"}),
            )
            .await
            .expect(201)
            .body;
        let before = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200)
            .body;

        let stages = format!("{WS}/journeys/{id}/stages");
        let one = format!("{stages}/{sid}");
        let cases: Vec<(&str, String, Value, u16, Vec<&str>)> = vec![
            (
                "POST",
                stages.clone(),
                json!({"name": "Pay", "emotion": 3}),
                422,
                vec!["emotion"],
            ),
            (
                "POST",
                stages.clone(),
                json!({"name": "Pay", "emotion": -3}),
                422,
                vec!["emotion"],
            ),
            (
                "POST",
                stages.clone(),
                json!({"name": "Pay", "emotion": 1.5}),
                422,
                vec!["emotion"],
            ),
            (
                "POST",
                stages.clone(),
                json!({"name": "Pay", "emotion": "2"}),
                422,
                vec!["emotion"],
            ),
            (
                "POST",
                stages.clone(),
                json!({"name": "", "position": -1}),
                422,
                vec!["name", "position"],
            ),
            (
                "POST",
                stages.clone(),
                json!({"name": "Pay", "lane": "x"}),
                422,
                vec!["lane"],
            ),
            (
                "PATCH",
                one.clone(),
                json!({"emotion": 5}),
                422,
                vec!["emotion"],
            ),
            (
                "PATCH",
                one.clone(),
                json!({"name": "  "}),
                422,
                vec!["name"],
            ),
            (
                "PATCH",
                one.clone(),
                json!({"position": -2}),
                422,
                vec!["position"],
            ),
            (
                "PUT",
                format!("{one}/cells/emotion"),
                json!({"text": "x"}),
                422,
                vec!["lane"],
            ),
            (
                "PUT",
                format!("{one}/cells/actions"),
                json!({"text": "x".repeat(2001)}),
                422,
                vec!["text"],
            ),
            (
                "PUT",
                format!("{one}/cells/actions"),
                json!({}),
                422,
                vec!["text"],
            ),
            (
                "POST",
                format!("{one}/opportunities"),
                json!({"linked_kind": "goal", "linked_id": "x"}),
                422,
                vec!["linked_kind"],
            ),
            (
                "POST",
                format!("{one}/opportunities"),
                json!({"linked_kind": "idea", "linked_id": "nope"}),
                422,
                vec!["linked_id"],
            ),
            (
                "POST",
                format!("{one}/opportunities"),
                json!({"linked_kind": "feature", "linked_id": "nope"}),
                422,
                vec!["linked_id"],
            ),
            (
                "POST",
                format!("{one}/opportunities"),
                json!({"linked_kind": "feature", "linked_id": other_feature["id"]}),
                422,
                vec!["linked_id"],
            ),
            // Unknown stage or map: 404, whatever the body.
            (
                "PATCH",
                format!("{stages}/nope"),
                json!({"name": "x"}),
                404,
                vec![],
            ),
            (
                "PUT",
                format!("{stages}/nope/cells/actions"),
                json!({"text": "x"}),
                404,
                vec![],
            ),
            (
                "POST",
                format!("{stages}/nope/opportunities"),
                json!({"linked_kind": "feature", "linked_id": "x"}),
                404,
                vec![],
            ),
            (
                "POST",
                format!("{WS}/journeys/nope/stages"),
                json!({"name": "x"}),
                404,
                vec![],
            ),
        ];
        for (method, path, body, status, fields) in cases {
            let r = app
                .call(method, &path, Some(&admin), Some(body.clone()))
                .await;
            assert_eq!(
                r.status.as_u16(),
                status,
                "{method} {path} {body}: {}",
                r.text
            );
            assert_eq!(
                r.header("content-type"),
                Some("application/problem+json"),
                "{method} {path}"
            );
            let mut got = r.error_fields();
            got.sort();
            assert_eq!(got, fields, "{method} {path} {body}");
        }
        app.delete(&format!("{stages}/nope"), &admin)
            .await
            .expect(404);
        app.delete(&format!("{one}/opportunities/nope"), &admin)
            .await
            .expect(404);
        let after = app
            .get(&format!("{WS}/journeys/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(before, after, "nothing was written");

        // At most 30 stages.
        for n in 1..30 {
            add_stage(&app, &admin, &id, json!({"name": format!("Stage {n}")})).await;
        }
        let r = app
            .post(&stages, &admin, json!({"name": "One too many"}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["name"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn everyone_reads_writers_write_and_workspaces_stay_apart() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guest = app.user(&admin, "gus@example.com").await;
        let viewer = app.user(&admin, "vera@example.com").await;
        let outsider = app.user(&admin, "olga@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        app.workspace(&outsider, "other").await;
        let map = app
            .post(
                &format!("{WS}/journeys"),
                &admin,
                json!({"product": "KEEL", "title": "Onboarding"}),
            )
            .await
            .expect(201)
            .body;
        let id = s(&map["id"]);
        let stage = add_stage(&app, &admin, &id, json!({"name": "Sign up"})).await;
        let sid = s(&stage["id"]);

        for reader in [&guest, &viewer] {
            app.get(&format!("{WS}/journeys"), reader).await.expect(200);
            let got = app
                .get(&format!("{WS}/journeys/{id}"), reader)
                .await
                .expect(200);
            assert_eq!(got.body["stages"][0]["name"], "Sign up");
            app.post(
                &format!("{WS}/journeys/{id}/stages"),
                reader,
                json!({"name": "x"}),
            )
            .await
            .expect(403);
            app.call(
                "PUT",
                &format!("{WS}/journeys/{id}/stages/{sid}/cells/actions"),
                Some(reader),
                Some(json!({"text": "x"})),
            )
            .await
            .expect(403);
            app.patch(
                &format!("{WS}/journeys/{id}"),
                reader,
                json!({"title": "x"}),
            )
            .await
            .expect(403);
        }
        // Not a member: 404; the map through another workspace: 404.
        app.get(&format!("{WS}/journeys/{id}"), &outsider)
            .await
            .expect(404);
        app.get(
            &format!("/api/v1/workspaces/other/journeys/{id}"),
            &outsider,
        )
        .await
        .expect(404);
        app.call(
            "PUT",
            &format!("/api/v1/workspaces/other/journeys/{id}/stages/{sid}/cells/actions"),
            Some(&outsider),
            Some(json!({"text": "x"})),
        )
        .await
        .expect(404);
        let theirs = app
            .post(
                "/api/v1/workspaces/other/features",
                &outsider,
                json!({"product": "KEEL", "title": "Theirs"}),
            )
            .await
            .expect(201)
            .body;
        let r = app
            .post(
                &format!("{WS}/journeys/{id}/stages/{sid}/opportunities"),
                &admin,
                json!({"linked_kind": "feature", "linked_id": theirs["id"]}),
            )
            .await
            .expect(422);
        assert_eq!(
            r.error_fields(),
            ["linked_id"],
            "another workspace's feature"
        );
        let list = app
            .get("/api/v1/workspaces/other/journeys", &outsider)
            .await
            .expect(200);
        assert_eq!(list.body["items"], json!([]));
        app.finish().await;
    }
}
