//! The OpenAPI document is generated from the handlers; the snapshot makes
//! every change to the public contract visible in review.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn openapi_document_matches_snapshot() {
    let doc = keel_server::openapi::document();
    let json: serde_json::Value = serde_json::from_str(&doc.to_pretty_json().unwrap()).unwrap();
    assert_eq!(json["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", json);
}

#[test]
fn fixed_routes_of_the_contract_are_documented() {
    let doc = keel_server::openapi::document();
    let paths = &doc.paths.paths;
    for path in [
        "/healthz",
        "/api/v1/setup",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{id}",
        "/api/v1/me",
        "/api/v1/admin/users",
        "/api/v1/workspaces",
        "/api/v1/workspaces/{ws}/members",
        "/api/v1/workspaces/{ws}/products",
        "/api/v1/workspaces/{ws}/tasks",
        "/api/v1/workspaces/{ws}/tasks/{id}",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
}

/// What the shared extractors answer is documented on every operation that
/// uses them (found by schemathesis' status_code_conformance: a request
/// without a token got an undocumented 401, a body sent as text/plain an
/// undocumented 415, a bad `If-Match` an undocumented 422).
#[test]
fn extractor_responses_are_documented_everywhere() {
    let doc = serde_json::to_value(keel_server::openapi::document()).unwrap();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().unwrap();
            let has = |s: &str| responses.contains_key(s);
            let secured = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
            });
            if secured {
                assert!(has("401"), "{name}: 401 undocumented");
            }
            let json_body = op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.contains_key("application/json"));
            if json_body {
                for s in ["400", "413", "415", "422"] {
                    assert!(has(s), "{name}: {s} undocumented");
                }
            }
            let if_match = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["in"] == "header" && p["name"].as_str() == Some("If-Match"))
            });
            if if_match {
                assert!(
                    has("412") && has("422"),
                    "{name}: If-Match answers undocumented"
                );
            }
            // Problem details are sent as application/problem+json.
            for (status, r) in responses {
                if let Some(content) = r["content"].as_object()
                    && let Some(json) = content.get("application/json")
                {
                    // Problem, or a problem of its own (ImportProblem).
                    let schema = json["schema"]["$ref"].as_str().unwrap_or("");
                    assert!(
                        !schema.ends_with("Problem"),
                        "{name} {status}: a problem documented as application/json"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} operations");
}
