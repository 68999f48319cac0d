//! Responses that come from the shared extractors rather than from a
//! handler's own logic, added to every operation that uses them.
//!
//! A handler's annotation lists what *it* decides (201, 403, 404, 409…).
//! The extractors in front of it answer on their own: the bearer check
//! (401), the JSON body (400 malformed, 413 too large, 415 not JSON, 422 a
//! field of the wrong type), the query string (422 naming the parameter)
//! and `If-Match` (422 for a value that is not an ETag, 412 for a stale
//! one). Writing these on ~190 annotations by hand drifts; deriving them
//! here from what each operation declares (security, a JSON body, query
//! parameters, an `If-Match` header) keeps the document honest, which is
//! what schemathesis checks (`status_code_conformance`).
//!
//! Problem details are served as `application/problem+json`, so every
//! response whose schema is `Problem` is documented with that media type.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

const PROBLEM_REF: &str = "#/components/schemas/Problem";
const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";

/// Adds the extractors' responses to every operation of `doc`.
pub fn add(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add_to(op);
        }
    }
}

fn add_to(op: &mut Operation) {
    let needs_auth = op
        .security
        .as_ref()
        .is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| r != &Default::default()));
    let json_body = op.request_body.as_ref().is_some_and(|b| match b {
        RefOr::T(body) => body.content.keys().any(|k| is_json(k)),
        RefOr::Ref(_) => true,
    });
    let params = || {
        op.parameters.iter().flatten().filter_map(|p| match p {
            RefOr::T(p) => Some(p),
            RefOr::Ref(_) => None,
        })
    };
    let has_query = params().any(|p| p.parameter_in == ParameterIn::Query);
    let has_if_match = params()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("if-match"));

    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    };
    if needs_auth {
        add("401", "No valid bearer token or session");
    }
    if json_body {
        add("400", "The body is not JSON, or not UTF-8");
        add("413", "The body is larger than 1 MiB");
        add("415", "The body is not sent as application/json");
    }
    if json_body || has_query || has_if_match {
        add(
            "422",
            "A field, query parameter or header is invalid; `errors` names it",
        );
    }
    if has_if_match {
        add(
            "412",
            "If-Match names a version that is no longer current; nothing changed",
        );
    }

    for response in op.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            serve_problems_as_problem_json(response);
        }
    }
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_MEDIA_TYPE,
            Content::new(Some(RefOr::<utoipa::openapi::schema::Schema>::Ref(
                Ref::new(PROBLEM_REF),
            ))),
        )
        .build()
}

/// `body = Problem` in an annotation documents `application/json`; the
/// server sends `application/problem+json` (RFC 9457).
fn serve_problems_as_problem_json(response: &mut Response) {
    let is_problem = |c: &RefOr<Content>| match c {
        RefOr::T(c) => matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == PROBLEM_REF),
        RefOr::Ref(_) => false,
    };
    if let Some(content) = response.content.get("application/json")
        && is_problem(content)
        && let Some(content) = response.content.shift_remove("application/json")
    {
        response
            .content
            .insert(PROBLEM_MEDIA_TYPE.to_string(), content);
    }
}
