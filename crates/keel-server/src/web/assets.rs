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
    asset!("plan.css"),
    asset!("features.css"),
    asset!("market.css"),
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
    asset!("inbox.js"),
    asset!("features.js"),
    asset!("ideas.js"),
    asset!("market.js"),
    asset!("journeys.js"),
    asset!("personas.js"),
    asset!("customers.js"),
    asset!("search.js"),
    asset!("feedback-import.js"),
    asset!("strategy.js"),
    asset!("goals.js"),
    asset!("roadmaps.js"),
    asset!("decisions.js"),
    asset!("releases.js"),
    asset!("prioritization.js"),
    asset!("tech-debt.js"),
    asset!("stories.js"),
    asset!("update.js"),
    asset!("favicon.svg"),
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
    use super::ASSETS;
    use std::collections::BTreeSet;

    fn body(name: &str) -> &'static str {
        ASSETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
            .unwrap_or_else(|| panic!("{name} is imported but not in ASSETS"))
    }

    /// The modules `name` imports, statically (`import … from './x.js'`,
    /// `import './x.js'`) or, with `dynamic`, also by `import('./x.js')`.
    fn imports(name: &str, dynamic: bool) -> Vec<&'static str> {
        let mut found = Vec::new();
        for line in body(name).lines().map(str::trim) {
            let is_static = line.starts_with("import ");
            if !(is_static || dynamic && line.contains("import('./")) {
                continue;
            }
            if let Some(start) = line.find("./") {
                let rest = &line[start + 2..];
                if let Some(end) = rest.find(".js") {
                    let module = &rest[..end + 3];
                    if let Some((n, _)) = ASSETS.iter().find(|(n, _)| *n == module) {
                        found.push(*n);
                    }
                }
            }
        }
        found
    }

    fn closure(name: &'static str, seen: &mut BTreeSet<&'static str>) {
        if seen.insert(name) {
            for m in imports(name, false) {
                closure(m, seen);
            }
        }
    }

    /// A template with its `{% include %}`s and the template it extends
    /// spliced in, so everything the page can carry is in one text.
    fn expanded(name: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut text = std::fs::read_to_string(format!("{dir}/{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for tag in ["{% include \"", "{% extends \""] {
            while let Some(at) = text.find(tag) {
                let rest = &text[at + tag.len()..];
                let inner = rest[..rest.find('"').unwrap()].to_string();
                let close = at + text[at..].find("%}").unwrap() + 2;
                text.replace_range(at..close, &expanded(&inner));
            }
        }
        text
    }

    /// `(data attributes, module)` for each `if (document.querySelector(…))
    /// import('./m.js')` line of `app.js`: a page loads the module when it
    /// carries any of the attributes.
    fn page_modules() -> Vec<(Vec<String>, &'static str)> {
        let mut out = Vec::new();
        for line in body("app.js").lines().map(str::trim) {
            let (Some(q), Some(i)) = (line.find("querySelector('"), line.find("import('./")) else {
                continue;
            };
            let selectors = &line[q + 15..line[q + 15..].find('\'').unwrap() + q + 15];
            let attrs = selectors
                .split(['[', ']', ',', ' '])
                .filter(|a| a.starts_with("data-"))
                .map(|a| a.split('=').next().unwrap().to_string())
                .collect();
            let module = &line[i + 10..i + 10 + line[i + 10..].find(".js").unwrap() + 3];
            let (name, _) = ASSETS.iter().find(|(n, _)| *n == module).unwrap();
            out.push((attrs, *name));
        }
        out
    }

    /// Whether `html` has the attribute `attr` (not merely one it prefixes).
    fn has_attr(html: &str, attr: &str) -> bool {
        html.match_indices(attr).any(|(at, _)| {
            !html[at + attr.len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    }

    /// Both page shells name the icon, so browsers do not ask for a
    /// `/favicon.ico` that does not exist (a 404 in every page's console).
    #[test]
    fn every_page_shell_links_the_icon() {
        assert!(body("favicon.svg").starts_with("<svg"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for shell in ["base.html", "error.html"] {
            let html = std::fs::read_to_string(format!("{dir}/{shell}")).unwrap();
            assert!(
                html.contains(
                    "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/static/favicon.svg?v="
                ),
                "{shell} does not link the icon"
            );
        }
    }

    /// Every page loads `app.css`, `app.js` with its imports and the unread
    /// badge; then the modules its data attributes call for, and the
    /// planning pages `plan.css`. What one page loads, all of it together,
    /// stays under 100 KB (uncompressed), whatever the other pages weigh.
    #[test]
    fn each_page_loads_under_100_kb() {
        let modules = page_modules();
        assert!(modules.len() >= 5, "page modules found: {modules:?}");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut pages = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let own = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            if !own.starts_with("{% extends") {
                continue; // a partial, counted with the pages including it
            }
            pages += 1;
            let html = expanded(&name);
            let mut seen = BTreeSet::new();
            for m in ["app.js", "notifications.js"] {
                closure(m, &mut seen);
            }
            for (attrs, module) in &modules {
                if attrs.iter().any(|a| has_attr(&html, a)) {
                    closure(module, &mut seen);
                }
            }
            // Page stylesheets are linked from the template's `styles` block.
            let sheets: Vec<&str> = ASSETS
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| n.ends_with(".css") && *n != "app.css")
                .filter(|n| html.contains(&format!("/static/{n}")))
                .collect();
            let mut bytes = body("app.css").len();
            bytes += sheets.iter().map(|n| body(n).len()).sum::<usize>();
            bytes += seen.iter().map(|m| body(m).len()).sum::<usize>();
            assert!(
                bytes < 100 * 1024,
                "{name} loads {bytes} bytes: app.css{} and {seen:?}",
                if html.contains("/static/plan.css") {
                    ", plan.css"
                } else {
                    ""
                }
            );
        }
        assert!(pages >= 20, "pages found: {pages}");
    }
}
