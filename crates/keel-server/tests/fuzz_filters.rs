//! Fuzz: list filters and the search box through the HTTP API, on every
//! configured backend. Query strings are generated from the real parameter
//! names with valid, near-miss and hostile values (quotes, FTS5 and
//! tsquery operators, NUL, bad UTF-8 escapes, huge numbers); every answer
//! must be 200 or a 4xx problem naming a parameter, never a 5xx.
//!
//! The cases come from proptest's deterministic runner, so a run repeats;
//! `PROPTEST_CASES` raises the count per list for a longer hunt.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A value for any filter: real words, near misses and hostile text.
fn value() -> BoxedStrategy<String> {
    let raw = prop_oneof![
        Just("todo"),
        Just("todo,done"),
        Just("KEEL"),
        Just("KEEL-1"),
        Just("KEEL-0"),
        Just("KEEL-99999999999999999999"),
        Just("me"),
        Just("none"),
        Just("admin@example.com"),
        Just("urgent"),
        Just("bug"),
        Just("task,feedback"),
        Just("rice"),
        Just("demand"),
        Just("\"unbalanced"),
        Just("a AND b OR NOT c"),
        Just("title : x"),
        Just("x*"),
        Just("NEAR(a b)"),
        Just("a & !b | c:*"),
        Just("'; DROP TABLE tasks; --"),
        Just("\\"),
        Just("%"),
        Just("_"),
        Just("-1"),
        Just("0"),
        Just("1e309"),
        Just("9223372036854775808"),
        Just(""),
    ]
    .prop_map(enc);
    prop_oneof![
        4 => raw,
        2 => "\\PC{0,24}".prop_map(|s| enc(&s)),
        // Raw escapes, including ones that decode to NUL or invalid UTF-8.
        1 => prop_oneof![Just("%00"), Just("%FF%FE"), Just("%C3%28"), Just("%"), Just("%E2%80%AE")]
            .prop_map(String::from),
    ]
    .boxed()
}

fn query(keys: &'static [&'static str]) -> BoxedStrategy<String> {
    let key = proptest::sample::select(keys);
    proptest::collection::vec((key, value()), 0..5)
        .prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        })
        .boxed()
}

/// `n` query strings from the deterministic runner.
fn cases(strategy: &BoxedStrategy<String>, n: usize) -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

fn case_count() -> usize {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

#[tokio::test]
async fn generated_filters_never_cause_a_server_error() {
    let lists: &[(&str, &'static [&'static str])] = &[
        (
            "tasks",
            &[
                "product", "status", "assignee", "priority", "label", "q", "type", "team",
                "parent", "limit", "cursor",
            ],
        ),
        (
            "feedback",
            &["product", "status", "tag", "q", "customer", "limit"],
        ),
        ("search", &["q", "kind", "product", "limit"]),
        ("features", &["product", "status", "sort", "limit"]),
        ("ideas", &["product", "status", "sort", "q", "limit"]),
        ("customers", &["q", "company", "segment", "limit"]),
        ("goals", &["product", "status", "owner", "limit"]),
        ("decisions", &["product", "outcome", "q", "limit"]),
    ];
    let n = case_count();
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        // The workspace comes with the product KEEL.
        app.workspace(&admin, "acme").await;
        for (title, text) in [
            ("Dark mode \"now\"", "It's late: AND OR NOT * ( )"),
            ("Export", "100% of users want CSV"),
        ] {
            app.post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": title, "description": text, "labels": ["ui"]}),
            )
            .await
            .expect(201);
            app.post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": text, "source": "survey"}),
            )
            .await
            .expect(201);
        }

        let mut failures = Vec::new();
        let mut checked = 0;
        for (list, keys) in lists {
            for q in cases(&query(keys), n) {
                let path = format!("{WS}/{list}?{q}");
                let r = app.get(&path, &admin).await;
                checked += 1;
                let status = r.status.as_u16();
                let ok = match status {
                    200 => true,
                    400..=499 => {
                        let problem = r
                            .headers
                            .get("content-type")
                            .is_some_and(|v| v.as_bytes() == b"application/problem+json");
                        // A 422 names the parameter it refuses.
                        problem
                            && (status != 422
                                || r.body["errors"][0]["field"]
                                    .as_str()
                                    .is_some_and(|f| !f.is_empty()))
                    }
                    _ => false,
                };
                if !ok {
                    failures.push(format!("{backend:?} GET {path} -> {status} {}", r.body));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {checked} generated filter queries failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        app.finish().await;
    }
}

/// Filters too big for the database: a value repeated past SQLite's limit
/// on terms, and text past its limit on `LIKE` patterns. Repeats are
/// harmless (each value counts once); text over 200 characters is refused
/// with a 422 naming `q` by the API, and left out by the pages, whose
/// search boxes take no more (the address bar is not an API). Both were
/// 500s.
#[tokio::test]
async fn oversized_filters_are_answered_not_failed() {
    let long = "a".repeat(50_001);
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for (list, value) in [
            ("tasks", "todo"),
            ("feedback", "new"),
            ("features", "idea"),
            ("ideas", "new"),
        ] {
            let repeated = vec![value; 1_100].join(",");
            app.get(&format!("{WS}/{list}?status={repeated}"), &admin)
                .await
                .expect(200);
        }
        for list in [
            "tasks",
            "feedback",
            "customers",
            "companies",
            "personas",
            "journeys",
        ] {
            let r = app.get(&format!("{WS}/{list}?q={long}"), &admin).await;
            assert_eq!(r.error_fields(), vec!["q"], "{list}: {}", r.body);
            app.get(&format!("{WS}/{list}?q={}", "a".repeat(200)), &admin)
                .await
                .expect(200);
        }
        let cookie = app.sign_in("admin@example.com").await;
        for page in [
            "/w/acme/p/KEEL/feedback",
            "/w/acme/customers",
            "/w/acme/companies",
            "/w/acme/p/KEEL/list",
        ] {
            app.page(&cookie, &format!("{page}?q={long}"))
                .await
                .expect(200);
        }
        app.finish().await;
    }
}
