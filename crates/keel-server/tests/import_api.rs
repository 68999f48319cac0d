//! Feedback import from CSV through the HTTP API, on every configured
//! backend: a clean file creates every row with customers matched by email
//! (any case) or created, and one `imported` event for the batch; a dry run
//! writes nothing; one bad cell refuses the whole file with its line and
//! column; mapping mistakes name `map`; large files go in chunks; only
//! members who may write can import.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

/// Sends `csv` as the body of an import with `query`.
async fn import_with(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    csv: impl Into<Body>,
) -> Response {
    let req = Request::builder()
        .method("POST")
        .uri(format!("{WS}/feedback/import?{query}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(csv.into())
        .unwrap();
    app.send(req).await
}

async fn import(app: &TestApp, token: &str, query: &str, csv: &str) -> Response {
    import_with(app, token, query, "text/csv", csv.to_string()).await
}

/// Every feedback item of the workspace, newest first.
async fn all_feedback(app: &TestApp, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{WS}/feedback?limit=500&cursor={c}"),
            None => format!("{WS}/feedback?limit=500"),
        };
        let page = app.get(&path, token).await.expect(200).body;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
}

async fn customers(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(&format!("{WS}/customers?limit=500"), token)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// The workspace's events as `(type, kind)`.
async fn events(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let ws = app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    keel_store::repo::events::after(app.db.store.db(), &ws, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event_type, e.kind))
        .collect()
}

const SURVEY: &str = "\u{FEFF}Submitted,Email,Name,\"What could we improve?\",Topics\r\n\
    2026-03-01T10:22:13Z,ANA@acme.test,Ana Again,\"Export is slow, and \"\"broken\"\"\",export;speed\r\n\
    2026-03-02,bo@new.test,,\"I love the board\nreally\",board\r\n\
    2026-03-03,bo@new.test,Bo Brown,Calendar view please,\"calendar, views\"\r\n\
    2026-03-04,,,Anonymous idea,\r\n\
    2026-03-05,Cy@New.Test,,Needs SSO,\r\n\
    ,,,,\r\n";

const SURVEY_MAP: &str = "product=KEEL&source=survey&map=What%20could%20we%20improve%3F:text\
    &map=Email:customer_email&map=Name=customer_name&map=Submitted:received_on&map=Topics:tags";

async fn ready(backend: keel_store::Backend) -> (TestApp, String) {
    let app = TestApp::new(backend).await;
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    app.post(
        &format!("{WS}/customers"),
        &admin,
        json!({"name": "Ana", "email": "ana@acme.test"}),
    )
    .await
    .expect(201);
    (app, admin)
}

#[tokio::test]
async fn a_clean_file_is_imported_with_customers_matched_or_created() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        let before = events(&app, &admin).await.len();

        let r = import(&app, &admin, SURVEY_MAP, SURVEY).await.expect(201);
        assert_eq!(
            r.body,
            json!({"product": "KEEL", "dry_run": false, "rows": 5, "created": 5,
                   "customers_created": 2, "customers_matched": 1, "errors": []})
        );

        let items = all_feedback(&app, &admin).await;
        assert_eq!(items.len(), 5);
        // Newest first: the file's last row comes first.
        let by_text = |t: &str| items.iter().find(|i| i["text"] == t).unwrap().clone();
        let a = by_text("Export is slow, and \"broken\"");
        assert_eq!(
            a["customer"]["name"], "Ana",
            "matched (any case), not renamed"
        );
        assert_eq!(a["customer"]["email"], "ana@acme.test");
        assert_eq!(a["received_on"], "2026-03-01");
        assert_eq!(a["tags"], json!(["export", "speed"]));
        assert_eq!(a["source"], "survey");
        assert_eq!(a["status"], "new");
        assert_eq!(a["sentiment"], "negative", "suggested from the text");
        let b = by_text("I love the board\nreally");
        assert_eq!(b["customer"]["name"], "Bo Brown", "named by a later row");
        assert_eq!(b["sentiment"], "positive");
        let b2 = by_text("Calendar view please");
        assert_eq!(
            b2["customer"]["id"], b["customer"]["id"],
            "one customer per email"
        );
        assert_eq!(b2["tags"], json!(["calendar", "views"]));
        assert_eq!(by_text("Anonymous idea")["customer"], Value::Null);
        let c = by_text("Needs SSO");
        assert_eq!(c["customer"]["name"], "cy", "the email's local part");
        assert_eq!(c["customer"]["email"], "cy@new.test");

        // The tag filter sees imported tags.
        let tagged = app
            .get(&format!("{WS}/feedback?tag=calendar"), &admin)
            .await
            .expect(200);
        assert_eq!(tagged.body["items"].as_array().unwrap().len(), 1);

        let mut names: Vec<String> = customers(&app, &admin)
            .await
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["Ana", "Bo Brown", "cy"]);

        // One event for the feedback batch, one for the new customers.
        let after = events(&app, &admin).await;
        assert_eq!(
            after[before..],
            [
                ("imported".to_string(), "feedback".to_string()),
                ("imported".to_string(), "customer".to_string()),
            ]
        );

        // Importing the same file again matches all three customers.
        let r = import(&app, &admin, SURVEY_MAP, SURVEY).await.expect(201);
        assert_eq!(r.body["customers_created"], 0);
        assert_eq!(r.body["customers_matched"], 3);
        assert_eq!(all_feedback(&app, &admin).await.len(), 10);
        assert_eq!(
            events(&app, &admin).await[after.len()..],
            [("imported".to_string(), "feedback".to_string())]
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_dry_run_checks_and_writes_nothing() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        let before = events(&app, &admin).await;
        let r = import(&app, &admin, &format!("{SURVEY_MAP}&dry_run=true"), SURVEY)
            .await
            .expect(200);
        assert_eq!(
            r.body,
            json!({"product": "KEEL", "dry_run": true, "rows": 5, "created": 5,
                   "customers_created": 2, "customers_matched": 1, "errors": []})
        );
        assert!(all_feedback(&app, &admin).await.is_empty());
        assert_eq!(customers(&app, &admin).await.len(), 1);
        assert_eq!(events(&app, &admin).await, before);
        app.finish().await;
    }
}

#[tokio::test]
async fn one_bad_row_refuses_the_whole_file_naming_line_and_column() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        let before = events(&app, &admin).await;
        let csv = "text,date,email\n\
                   First is fine,2026-01-01,new@one.test\n\
                   \"Second spans\ntwo lines\",2026-01-02,new@two.test\n\
                   Third has a bad date,2026-02-30,\n\
                   Fourth is fine,2026-01-04,\n";
        for dry_run in ["false", "true"] {
            let r = import(
                &app,
                &admin,
                &format!("product=KEEL&source=email&map=text:text&map=date:received_on&map=email:customer_email&dry_run={dry_run}"),
                csv,
            )
            .await
            .expect(422);
            assert_eq!(r.header("content-type"), Some("application/problem+json"));
            assert_eq!(r.body["status"], 422);
            assert_eq!(r.body["error_count"], 1);
            assert_eq!(r.body["rows"], 4);
            assert_eq!(
                r.body["errors"],
                json!([{"field": "line 4, column \"date\"", "line": 4, "column": "date",
                        "message": "must be a date YYYY-MM-DD"}])
            );
            assert!(
                r.body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("nothing was imported")
            );
        }
        assert!(all_feedback(&app, &admin).await.is_empty());
        assert_eq!(
            customers(&app, &admin).await.len(),
            1,
            "no customer created"
        );
        assert_eq!(events(&app, &admin).await, before);

        // Broken bytes and a ragged row are named by line too.
        let mut bytes = b"text\nok\n".to_vec();
        bytes.extend_from_slice(b"caf\xE9 au lait\n");
        let r = import_with(&app, &admin, "product=KEEL&source=email", "text/csv", bytes)
            .await
            .expect(422);
        assert_eq!(r.body["errors"][0]["line"], 3);
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("UTF-8")
        );
        let r = import(
            &app,
            &admin,
            "product=KEEL&source=email",
            "text,tags\nok,a\nx,y,z\n",
        )
        .await
        .expect(422);
        assert_eq!(r.body["errors"][0]["field"], "line 3");

        // Many errors: the first 100 listed, all counted.
        let mut many = String::from("text,received_on\n");
        for _ in 0..150 {
            many.push_str("hello,someday\n");
        }
        let r = import(&app, &admin, "product=KEEL&source=email", &many)
            .await
            .expect(422);
        assert_eq!(r.body["error_count"], 150);
        assert_eq!(r.body["errors"].as_array().unwrap().len(), 100);
        assert!(all_feedback(&app, &admin).await.is_empty());
        app.finish().await;
    }
}

#[tokio::test]
async fn mistakes_in_the_request_name_the_parameter() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        let csv = "Feedback,When\nhello,2026-01-01\n";
        let fields = |r: &Response| r.error_fields();

        let r = import(
            &app,
            &admin,
            "product=KEEL&source=survey&map=Feedback:feeling",
            csv,
        )
        .await
        .expect(422);
        assert_eq!(fields(&r), ["map"]);
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("unknown field \"feeling\"")
        );

        let r = import(
            &app,
            &admin,
            "product=KEEL&source=survey&map=Feedbak:text",
            csv,
        )
        .await
        .expect(422);
        assert_eq!(fields(&r), ["map"]);
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("no column \"Feedbak\"")
        );

        let r = import(&app, &admin, "product=KEEL&map=Feedback:text", csv)
            .await
            .expect(422);
        assert_eq!(fields(&r), ["source"]);

        let r = import(
            &app,
            &admin,
            "product=NOPE&source=radio&colour=red&map=Feedback:text",
            csv,
        )
        .await
        .expect(422);
        let mut got = fields(&r);
        got.sort();
        assert_eq!(got, ["colour", "product", "source"]);

        let r = import(&app, &admin, "source=survey&map=Feedback:text", csv)
            .await
            .expect(422);
        assert_eq!(fields(&r), ["product"]);

        let r = import(&app, &admin, "product=KEEL&source=survey", "")
            .await
            .expect(422);
        assert_eq!(fields(&r), ["body"]);
        let r = import(&app, &admin, "product=KEEL&source=survey", "text\n")
            .await
            .expect(422);
        assert_eq!(fields(&r), ["body"]);

        // The file must be sent as CSV.
        let r = import_with(
            &app,
            &admin,
            "product=KEEL&source=survey&map=Feedback:text",
            "application/json",
            "{\"csv\": \"Feedback\\nhi\"}",
        )
        .await
        .expect(415);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        // Over 50 MB: 413, whether announced or not.
        let big = vec![b'x'; 50 * 1024 * 1024 + 1];
        import_with(&app, &admin, "product=KEEL&source=survey", "text/csv", big)
            .await
            .expect(413);
        let req = Request::builder()
            .method("POST")
            .uri(format!("{WS}/feedback/import?product=KEEL&source=survey"))
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "text/csv")
            .header("content-length", "60000000")
            .body(Body::from("text\nhi\n"))
            .unwrap();
        app.send(req).await.expect(413);
        assert!(all_feedback(&app, &admin).await.is_empty());
        app.finish().await;
    }
}

#[tokio::test]
async fn large_files_are_written_in_chunks() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        // More rows, tags and customers than one INSERT takes.
        let mut csv = String::from("text,customer_email,tags\n");
        for i in 0..2_500 {
            csv.push_str(&format!(
                "Feedback number {i},person{}@example.com,\"t{};u{}\"\n",
                i % 1_200,
                i % 7,
                i % 3
            ));
        }
        let r = import(&app, &admin, "product=KEEL&source=support", &csv)
            .await
            .expect(201);
        assert_eq!(r.body["created"], 2_500);
        assert_eq!(r.body["customers_created"], 1_200);
        let items = all_feedback(&app, &admin).await;
        assert_eq!(items.len(), 2_500);
        assert!(
            items
                .iter()
                .all(|i| i["tags"].as_array().unwrap().len() == 2)
        );
        let tagged = app
            .get(&format!("{WS}/feedback?tag=t3&limit=500"), &admin)
            .await
            .expect(200);
        assert_eq!(tagged.body["items"].as_array().unwrap().len(), 357);
        app.finish().await;
    }
}

#[tokio::test]
async fn only_members_who_write_may_import() {
    for backend in backends() {
        let (app, admin) = ready(backend).await;
        let csv = "text\nhello\n";
        let query = "product=KEEL&source=survey";
        for (email, role, status) in [
            ("guest@example.com", "guest", 403),
            ("viewer@example.com", "viewer", 403),
            ("member@example.com", "member", 201),
        ] {
            let token = app.user(&admin, email).await;
            app.add_member(&admin, "acme", email, role).await;
            import(&app, &token, query, csv).await.expect(status);
        }
        let outsider = app.user(&admin, "outsider@example.com").await;
        import(&app, &outsider, query, csv).await.expect(404);
        let req = Request::builder()
            .method("POST")
            .uri(format!("{WS}/feedback/import?{query}"))
            .header("content-type", "text/csv")
            .body(Body::from(csv))
            .unwrap();
        app.send(req).await.expect(401);
        assert_eq!(
            all_feedback(&app, &admin).await.len(),
            1,
            "the member's only"
        );
        app.finish().await;
    }
}
