//! Static assets, embedded in the binary at compile time. Browsers keep
//! them but revalidate each time (`no-cache` + `ETag`), so a new binary's
//! assets are picked up at once and an unchanged one costs a 304. Module
//! imports use plain URLs, which keeps each module loaded exactly once.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Embeds `static/<name>`.
macro_rules! asset {
    ($name:literal) => {
        ($name, include_str!(concat!("../../static/", $name)))
    };
}

/// `(file name, contents)`; the content type follows from the extension.
/// Add a file here (one line) to serve it.
const ASSETS: &[(&str, &str)] = &[
    asset!("app.css"),
    asset!("app.js"),
    asset!("core.js"),
    asset!("live.js"),
    asset!("board.js"),
    asset!("detail.js"),
    asset!("list.js"),
    asset!("notifications.js"),
    asset!("palette.js"),
    asset!("settings.js"),
    asset!("myday.js"),
    asset!("cycles.js"),
];

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".css") {
        "text/css; charset=utf-8"
    } else if name.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if name.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "application/octet-stream"
    }
}

/// A short hash of every asset together, for the entry points' URLs.
pub fn version() -> String {
    let all: String = ASSETS.iter().map(|(_, body)| *body).collect();
    etag(&all).trim_matches('"')[..8].to_string()
}

/// Total size of the scripts and styles, in bytes (kept under 100 KB).
#[cfg(test)]
pub fn total_bytes() -> usize {
    ASSETS.iter().map(|(_, body)| body.len()).sum()
}

fn etag(body: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in body.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("\"{h:016x}\"")
}

pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().find(|(name, _)| *name == file) {
        Some((name, body)) => {
            let tag = etag(body);
            let fresh = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                == Some(tag.as_str());
            let mut res = if fresh {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                (*body).into_response()
            };
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(name)),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            if let Ok(v) = HeaderValue::from_str(&tag) {
                h.insert(header::ETAG, v);
            }
            res
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_and_styles_stay_small() {
        assert!(
            super::total_bytes() < 100 * 1024,
            "JS + CSS is {} bytes",
            super::total_bytes()
        );
    }
}
