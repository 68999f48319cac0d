//! Global search through the HTTP API, on every configured backend: every
//! kind in one box, ranked (a title match beats a body match), prefixes
//! while typing, case and diacritics ignored, snippets with the matches
//! marked, edits and deletes reflected at once (the index is kept by
//! triggers), workspaces apart, guests without customer data, and hostile
//! query text that never causes a 5xx.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `GET …/search?q=…` plus extra query parameters; expects 200.
async fn search(app: &TestApp, token: &str, q: &str, extra: &str) -> Vec<Value> {
    let r = app
        .get(&format!("{WS}/search?q={}{extra}", enc(q)), token)
        .await
        .expect(200);
    r.body["items"].as_array().unwrap().clone()
}

/// `kind:title` of each hit, best first.
fn found(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["kind"].as_str().unwrap(),
                i["title"].as_str().unwrap()
            )
        })
        .collect()
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    app.post(&format!("{WS}/{path}"), token, body)
        .await
        .expect(201)
        .body
}

async fn task(app: &TestApp, token: &str, title: &str, description: &str) -> Value {
    created(
        app,
        token,
        "tasks",
        json!({"product": "KEEL", "title": title, "description": description}),
    )
    .await
}

async fn feedback(app: &TestApp, token: &str, text: &str) -> Value {
    created(
        app,
        token,
        "feedback",
        json!({"product": "KEEL", "text": text, "source": "interview"}),
    )
    .await
}

#[tokio::test]
async fn one_box_finds_every_kind_best_first_with_marked_snippets() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let body_match = task(
            &app,
            &admin,
            "Polish the board",
            "The export button is misaligned on small screens.",
        )
        .await;
        let title_match = task(&app, &admin, "Export to CSV", "Users want spreadsheets.").await;
        created(
            &app,
            &admin,
            "features",
            json!({"product": "KEEL", "title": "Scheduled exports", "problem": "Finance exports every Monday by hand."}),
        )
        .await;
        let fb = feedback(
            &app,
            &admin,
            "We export our «roadmap» to <b>Excel</b> every week & it takes ages.\nSecond line.",
        )
        .await;
        created(
            &app,
            &admin,
            "companies",
            json!({"name": "Export Partners GmbH"}),
        )
        .await;
        created(
            &app,
            &admin,
            "customers",
            json!({"name": "Ada Lovelace", "email": "ada@export.example"}),
        )
        .await;
        created(
            &app,
            &admin,
            "personas",
            json!({"name": "Operations lead", "description": "Runs the monthly export for the board."}),
        )
        .await;
        task(&app, &admin, "Unrelated", "Nothing to see").await;

        let items = search(&app, &admin, "export", "").await;
        let kinds = found(&items);
        assert_eq!(items.len(), 7, "{kinds:?}");
        for kind in [
            "task", "feature", "feedback", "company", "customer", "persona",
        ] {
            assert!(
                items.iter().any(|i| i["kind"] == kind),
                "{kind} missing: {kinds:?}"
            );
        }
        // Best first, and a title match beats a body match.
        let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        let pos = |id: &Value| items.iter().position(|i| i["id"] == *id).unwrap();
        assert!(
            pos(&title_match["id"]) < pos(&body_match["id"]),
            "{kinds:?}"
        );

        let t = &items[pos(&title_match["id"])];
        assert_eq!(t["key"], title_match["key"]);
        assert_eq!(t["title"], "Export to CSV");
        assert_eq!(t["snippet"], "«Export» to CSV", "only the title matched");
        let b = &items[pos(&body_match["id"])];
        assert_eq!(
            b["snippet"],
            "The «export» button is misaligned on small screens."
        );
        // Feedback: a title from its text, the user's own guillemets shown
        // as single ones, HTML left as text for the client to escape.
        let f = &items[pos(&fb["id"])];
        assert_eq!(f.get("key"), None, "only tasks have keys");
        assert_eq!(
            f["title"],
            "We export our «roadmap» to <b>Excel</b> every week & it takes ages."
        );
        assert_eq!(
            f["snippet"],
            "We «export» our ‹roadmap› to <b>Excel</b> every week & it takes ages. Second line."
        );
        let customer = items.iter().find(|i| i["kind"] == "customer").unwrap();
        assert_eq!(customer["title"], "Ada Lovelace");
        assert_eq!(customer["snippet"], "ada@«export».example");

        // One kind, several kinds, and a limit.
        let only = search(&app, &admin, "export", "&kind=feedback").await;
        assert_eq!(
            found(&only),
            vec![format!("feedback:{}", f["title"].as_str().unwrap())]
        );
        let two = search(&app, &admin, "export", "&kind=task,feature").await;
        assert_eq!(two.len(), 3, "{:?}", found(&two));
        assert_eq!(search(&app, &admin, "export", "&limit=2").await.len(), 2);
        // Kinds with nothing matching (or no items yet) find nothing.
        assert!(
            search(&app, &admin, "export", "&kind=idea,goal,doc")
                .await
                .is_empty()
        );
        // Every word must match.
        let both = search(&app, &admin, "export csv", "").await;
        assert_eq!(found(&both), vec!["task:Export to CSV"]);
        assert_eq!(both[0]["snippet"], "«Export» to «CSV»");
        app.finish().await;
    }
}

#[tokio::test]
async fn an_old_title_match_is_not_crowded_out_by_newer_mentions() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let old = created(
            &app,
            &admin,
            "features",
            json!({"product": "KEEL", "title": "Login redesign", "problem": "Old and clunky."}),
        )
        .await;
        // More newer body mentions than a kind's candidates.
        let ws = app.get(WS, &admin).await.expect(200).body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let product = app
            .get(&format!("{WS}/products/KEEL"), &admin)
            .await
            .expect(200)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let rows: Vec<String> = (0..250)
            .map(|n| {
                format!(
                    "('f-{n:04}', '{ws}', '{product}', 'Feature {n}', 'Users mention the login now and then', \
                     '2030-01-01T00:00:00.000000Z', '2030-01-01T00:00:00.000000Z')"
                )
            })
            .collect();
        app.db
            .store
            .execute_admin(&format!(
                "INSERT INTO features (id, workspace_id, product_id, title, problem, created_at, updated_at) VALUES {}",
                rows.join(", ")
            ))
            .await
            .unwrap();
        let items = search(&app, &admin, "login", "&kind=feature").await;
        assert_eq!(items.len(), 20);
        assert_eq!(items[0]["id"], old["id"], "{:?}", found(&items));
        assert_eq!(items[0]["snippet"], "«Login» redesign");
        // Equal scores: newest first.
        assert_eq!(items[1]["title"], "Feature 249");
        app.finish().await;
    }
}

#[tokio::test]
async fn prefixes_case_and_diacritics() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        task(&app, &admin, "Notifications are noisy", "").await;
        task(&app, &admin, "Office in Zürich", "Café opening in Kraków").await;
        task(&app, &admin, "NAÏVE résumé parser", "").await;

        // While typing, the last word is a prefix; a trailing space ends it.
        assert_eq!(
            found(&search(&app, &admin, "notif", "").await),
            vec!["task:Notifications are noisy"]
        );
        assert!(search(&app, &admin, "notif ", "").await.is_empty());
        assert!(search(&app, &admin, "noisy notif", "").await.len() == 1);
        // Only the last word is a prefix.
        assert!(search(&app, &admin, "notif noisy", "").await.is_empty());

        for q in ["zurich", "ZÜRICH", "Zurich office", "zür"] {
            let items = search(&app, &admin, q, "").await;
            assert_eq!(found(&items), vec!["task:Office in Zürich"], "{q}");
            assert!(
                items[0]["snippet"].as_str().unwrap().contains("«Zürich»"),
                "{q}: {}",
                items[0]["snippet"]
            );
        }
        let items = search(&app, &admin, "cafe krakow", "").await;
        assert_eq!(items[0]["snippet"], "«Café» opening in «Kraków»");
        let items = search(&app, &admin, "naive resume", "").await;
        assert_eq!(items[0]["snippet"], "«NAÏVE» «résumé» parser");
        app.finish().await;
    }
}

#[tokio::test]
async fn edits_and_deletes_show_at_once() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let t = task(&app, &admin, "Alpha launch", "checklist").await;
        let key = t["key"].as_str().unwrap();
        assert_eq!(search(&app, &admin, "alpha", "").await.len(), 1);
        app.patch(
            &format!("{WS}/tasks/{key}"),
            &admin,
            json!({"title": "Beta launch"}),
        )
        .await
        .expect(200);
        assert!(search(&app, &admin, "alpha", "").await.is_empty());
        assert_eq!(
            found(&search(&app, &admin, "beta", "").await),
            vec!["task:Beta launch"]
        );
        // A change to another field keeps it findable.
        app.patch(
            &format!("{WS}/tasks/{key}"),
            &admin,
            json!({"status": "in_progress"}),
        )
        .await
        .expect(200);
        assert_eq!(search(&app, &admin, "beta", "").await.len(), 1);
        app.delete(&format!("{WS}/tasks/{key}"), &admin)
            .await
            .expect(204);
        assert!(search(&app, &admin, "beta", "").await.is_empty());
        assert!(search(&app, &admin, "checklist", "").await.is_empty());

        let fb = feedback(&app, &admin, "Invoices are wrong").await;
        app.patch(
            &format!("{WS}/feedback/{}", fb["id"].as_str().unwrap()),
            &admin,
            json!({"text": "Receipts are wrong"}),
        )
        .await
        .expect(200);
        assert!(search(&app, &admin, "invoices", "").await.is_empty());
        assert_eq!(search(&app, &admin, "receipts", "").await.len(), 1);

        let cu = created(
            &app,
            &admin,
            "customers",
            json!({"name": "Grace Hopper", "email": "grace@navy.example"}),
        )
        .await;
        let cu_path = format!("{WS}/customers/{}", cu["id"].as_str().unwrap());
        app.patch(&cu_path, &admin, json!({"name": "Grace Brewster"}))
            .await
            .expect(200);
        assert!(search(&app, &admin, "hopper", "").await.is_empty());
        assert_eq!(search(&app, &admin, "brewster", "").await.len(), 1);
        assert_eq!(search(&app, &admin, "navy", "").await.len(), 1);
        app.delete(&cu_path, &admin).await.expect(204);
        assert!(search(&app, &admin, "brewster", "").await.is_empty());
        app.finish().await;
    }
}

#[tokio::test]
async fn each_workspace_and_role_sees_its_own() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.workspace(&admin, "globex").await;
        let mine = task(&app, &admin, "Pricing page", "").await;
        feedback(&app, &admin, "Pricing is confusing").await;
        created(&app, &admin, "customers", json!({"name": "Pricing Paula"})).await;
        app.post(
            "/api/v1/workspaces/globex/tasks",
            &admin,
            json!({"product": "KEEL", "title": "Pricing experiments"}),
        )
        .await
        .expect(201);

        let all = search(&app, &admin, "pricing", "").await;
        assert_eq!(all.len(), 3, "{:?}", found(&all));
        assert!(all.iter().all(|i| i["title"] != "Pricing experiments"));

        // A guest reads tasks but no customer data; a viewer reads both.
        let guest = app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        let items = search(&app, &guest, "pricing", "").await;
        assert_eq!(found(&items), vec!["task:Pricing page"]);
        assert_eq!(items[0]["id"], mine["id"]);
        assert!(
            search(&app, &guest, "pricing", "&kind=feedback,customer")
                .await
                .is_empty()
        );
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        assert_eq!(search(&app, &viewer, "pricing", "").await.len(), 3);

        // Not a member: 404, as for everything in the workspace.
        app.get("/api/v1/workspaces/globex/search?q=pricing", &guest)
            .await
            .expect(404);
        app.get(&format!("{WS}/search?q=pricing"), "not-a-token")
            .await
            .expect(401);
        app.finish().await;
    }
}

#[tokio::test]
async fn hostile_queries_never_fail() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        task(
            &app,
            &admin,
            "Export \"quoted\" (parens) a*b -minus col:on",
            "",
        )
        .await;

        let long_word = "x".repeat(200);
        let long = "export ".repeat(140);
        let hostile = [
            "\"",
            "\"\"",
            "*",
            "AND OR NOT",
            "(",
            ")",
            "-",
            ":",
            "\"unterminated",
            "a*b",
            "NEAR(export quoted)",
            "title:export",
            "col:on",
            "export AND",
            "OR export",
            "'",
            "''",
            "\\",
            "'; DROP TABLE tasks; --",
            "%",
            "_",
            "^export",
            "export:*",
            "!export",
            "<->",
            "&|!",
            "Ⓐ", // a letter to Rust, a symbol to SQLite
            "ⒶⒷ export",
            "ＡＢＣ",
            "😀 export",
            "漢字",
            "مرحبا",
            "e\u{301}",
            "\u{200b}",
            "\u{feff}export",
            &long_word,
            &long,
        ];
        for q in hostile {
            let r = app.get(&format!("{WS}/search?q={}", enc(q)), &admin).await;
            assert!(
                r.status.as_u16() == 200 || r.status.as_u16() == 422,
                "{q:?}: {} {}",
                r.status,
                r.text
            );
        }
        // The quotes and operators are not syntax: they are separators.
        for q in [
            "\"quoted\"",
            "(parens)",
            "a*b",
            "-minus",
            "col:on",
            "NOT export",
        ] {
            let items = search(&app, &admin, q, "").await;
            let expected = usize::from(q != "NOT export");
            assert_eq!(items.len(), expected, "{q}");
        }

        // Bad input names the field.
        let bad = [
            ("?q=", "q"),
            ("?q=%20%20%09", "q"),
            ("?kind=task", "q"),
            ("?q=export&kind=tasks", "kind"),
            ("?q=export&kind=task,nope", "kind"),
            ("?q=export&limit=0", "limit"),
            ("?q=export&limit=51", "limit"),
            ("?q=export&limit=ten", "limit"),
            ("?q=a%00b", "q"),
        ];
        for (query, field) in bad {
            let r = app
                .get(&format!("{WS}/search{query}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec![field.to_string()], "{query}");
        }
        let r = app
            .get(&format!("{WS}/search?q={}", "y".repeat(10_000)), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["q".to_string()]);
        let r = app
            .get(&format!("{WS}/search?q=export&sort=new"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["sort".to_string()]);
        app.finish().await;
    }
}

#[tokio::test]
async fn goals_are_found_by_title_and_metric_and_follow_edits() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let objective = created(
            &app,
            &admin,
            "goals",
            json!({"product": "KEEL", "title": "Delight onboarding customers"}),
        )
        .await;
        let oid = objective["id"].as_str().unwrap().to_string();
        let kr = created(
            &app,
            &admin,
            "goals",
            json!({"product": "KEEL", "title": "Faster first value", "metric": "Activation rate",
                   "parent": oid}),
        )
        .await;
        let kid = kr["id"].as_str().unwrap().to_string();
        task(&app, &admin, "Onboarding checklist", "").await;

        let hits = search(&app, &admin, "onboarding", "&kind=goal").await;
        assert_eq!(found(&hits), vec!["goal:Delight onboarding customers"]);
        assert_eq!(hits[0]["id"], oid.as_str());
        assert_eq!(hits[0]["snippet"], "Delight «onboarding» customers");
        // Both kinds in one box; a key result by its metric (prefix too).
        let all = search(&app, &admin, "onboarding", "").await;
        assert_eq!(all.len(), 2, "{:?}", found(&all));
        let by_metric = search(&app, &admin, "activat", "").await;
        assert_eq!(found(&by_metric), vec!["goal:Faster first value"]);
        assert_eq!(by_metric[0]["snippet"], "«Activation» rate");

        // Edits and deletes are reflected at once.
        app.patch(
            &format!("{WS}/goals/{kid}"),
            &admin,
            json!({"metric": "Retention"}),
        )
        .await
        .expect(200);
        assert!(search(&app, &admin, "activation", "").await.is_empty());
        assert_eq!(search(&app, &admin, "retention", "").await.len(), 1);
        app.delete(&format!("{WS}/goals/{oid}"), &admin)
            .await
            .expect(204);
        assert!(
            search(&app, &admin, "onboarding", "&kind=goal")
                .await
                .is_empty()
        );
        // The key result went with its objective.
        assert!(search(&app, &admin, "faster", "").await.is_empty());
        app.finish().await;
    }
}
