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
