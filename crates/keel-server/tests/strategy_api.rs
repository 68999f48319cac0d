//! A product's vision and strategy through the HTTP API, on every
//! configured backend: the vision given at creation is version 1, each save
//! a new numbered version with its author, a product PATCH of the vision is
//! a version too, comparisons line by line, a stale `base` refused with
//! nothing written, field errors, readers and writers, and no way across
//! workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

/// The diff as compact lines: ` x`, `+x`, `-x`.
fn diff(lines: &Value) -> Vec<String> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let mark = match l["change"].as_str().unwrap() {
                "same" => ' ',
                "added" => '+',
                "removed" => '-',
                other => panic!("unknown change {other}"),
            };
            format!("{mark}{}", l["text"].as_str().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn versions_history_and_comparison() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Atlas", "key": "ATL", "vision": "Maps for teams\nFast"}),
        )
        .await
        .expect(201);
        let base = format!("{WS}/products/ATL/strategy");

        let first = app.get(&base, &admin).await.expect(200).body;
        assert_eq!(first["number"], 1);
        assert_eq!(first["vision"], "Maps for teams\nFast");
        assert_eq!(first["strategy"], "");
        assert_eq!(first["author"]["email"], "admin@example.com");

        let second = app
            .post(
                &format!("{base}/versions"),
                &admin,
                json!({"strategy": "Win design agencies\nThen studios", "note": "Q3 focus", "base": 1}),
            )
            .await
            .expect(201);
        assert_eq!(
            second.header("location"),
            Some("/api/v1/workspaces/acme/products/ATL/strategy/versions/2")
        );
        let second = second.body;
        assert_eq!(second["number"], 2);
        assert_eq!(
            second["vision"], "Maps for teams\nFast",
            "kept when left out"
        );
        assert_eq!(second["note"], "Q3 focus");

        // Saving from version 1 again loses to version 2: refused, nothing written.
        let stale = app
            .post(
                &format!("{base}/versions"),
                &admin,
                json!({"strategy": "Something else", "base": 1}),
            )
            .await
            .expect(409);
        assert_eq!(stale.error_fields(), ["base"]);

        // The product's vision edited directly is a version too, with the
        // strategy carried over.
        let product = app
            .get(&format!("{WS}/products/ATL"), &admin)
            .await
            .expect(200);
        let etag = product.header("etag").unwrap().to_string();
        let patched = app
            .call_with(
                "PATCH",
                &format!("{WS}/products/ATL"),
                Some(&admin),
                Some(json!({"vision": "Maps for every team\nFast"})),
                &[("if-match", etag.as_str())],
            )
            .await
            .expect(200);
        assert_eq!(patched.body["vision"], "Maps for every team\nFast");
        let now = app.get(&base, &admin).await.expect(200).body;
        assert_eq!(now["number"], 3);
        assert_eq!(now["strategy"], "Win design agencies\nThen studios");

        let history = app
            .get(&format!("{base}/versions"), &admin)
            .await
            .expect(200)
            .body;
        let numbers = |page: &Value| -> Vec<i64> {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["number"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(numbers(&history), [3, 2, 1]);
        assert_eq!(history["next_cursor"], Value::Null);
        // A page at a time, the cursor being a version number.
        let first_page = app
            .get(&format!("{base}/versions?limit=2"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(numbers(&first_page), [3, 2]);
        let cursor = first_page["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(&format!("{base}/versions?limit=2&cursor={cursor}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(numbers(&rest), [1]);
        assert_eq!(rest["next_cursor"], Value::Null);
        app.get(&format!("{base}/versions?cursor=99"), &admin)
            .await
            .expect(422);
        let one = app
            .get(&format!("{base}/versions/1"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(one, first);
        app.get(&format!("{base}/versions/9"), &admin)
            .await
            .expect(404);
        app.get(&format!("{base}/versions/x"), &admin)
            .await
            .expect(404);

        let cmp = app
            .get(&format!("{base}/compare?from=1&to=3"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            diff(&cmp["vision"]),
            ["-Maps for teams", "+Maps for every team", " Fast"]
        );
        assert_eq!(
            diff(&cmp["strategy"]),
            ["+Win design agencies", "+Then studios"]
        );
        // Without from: what the latest save changed.
        let last = app
            .get(&format!("{base}/compare"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            (
                last["from"]["number"].as_i64(),
                last["to"]["number"].as_i64()
            ),
            (Some(2), Some(3))
        );
        assert_eq!(
            diff(&last["strategy"]),
            [" Win design agencies", " Then studios"]
        );
        app.get(&format!("{base}/compare?from=7"), &admin)
            .await
            .expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn validation_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let base = format!("{WS}/products/KEEL/strategy");

        // A product created without a vision starts at version 0.
        let empty = app.get(&base, &admin).await.expect(200).body;
        assert_eq!(
            (empty["number"].as_i64(), empty["author"].clone()),
            (Some(0), Value::Null)
        );
        assert_eq!(
            app.get(&format!("{base}/versions"), &admin)
                .await
                .expect(200)
                .body,
            json!({"items": [], "next_cursor": null})
        );

        let bad = app
            .post(
                &format!("{base}/versions"),
                &admin,
                json!({"vision": "x".repeat(100_001), "note": "two\nlines", "base": -1}),
            )
            .await
            .expect(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(fields, ["base", "note", "vision"]);
        app.post(
            &format!("{base}/versions"),
            &admin,
            json!({"colour": "red"}),
        )
        .await
        .expect(422);
        assert_eq!(
            app.get(&format!("{base}/versions"), &admin)
                .await
                .expect(200)
                .body,
            json!({"items": [], "next_cursor": null})
        );

        let v1 = app
            .post(
                &format!("{base}/versions"),
                &admin,
                json!({"vision": "Calm tools", "base": 0}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(v1["number"], 1);
        let product = app
            .get(&format!("{WS}/products/KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            product["vision"], "Calm tools",
            "the product mirrors the vision"
        );

        // Viewers read but do not write; outsiders see nothing.
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        app.get(&base, &viewer).await.expect(200);
        app.post(
            &format!("{base}/versions"),
            &viewer,
            json!({"strategy": "mine"}),
        )
        .await
        .expect(403);
        let outsider = app.user(&admin, "out@example.com").await;
        app.get(&base, &outsider).await.expect(404);
        app.workspace(&outsider, "other").await;
        app.get(
            "/api/v1/workspaces/other/products/KEEL/strategy/versions/1",
            &outsider,
        )
        .await
        .expect(404);
        assert_eq!(app.get(&base, &admin).await.expect(200).body["number"], 1);
        app.finish().await;
    }
}
